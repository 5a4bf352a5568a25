/**
 * Python with NumPy, as an oracle outside matdiff: the NumPy strings matdiff
 * prints (derivative.numpy, derivative.einsum) are run by the real NumPy on
 * the very values matdiff's own evaluator used, so a wrong einsum subscript or
 * a dropped size cannot agree with itself. Tests that use it fail (never skip)
 * when python3 or NumPy is missing; .ci/run installs python3-numpy.
 */
import type { Sym } from "../../src/core/expr.js";
import type { Env } from "../../src/numeric/evaluate.js";
import { pyName } from "../../src/print/python.js";
import { pyValue, runPython, type PyValue } from "./python.js";

/** The Python bindings of every symbol of an environment, by the names the NumPy form uses. */
export function pyValues(symbols: Iterable<Sym>, env: Env): Record<string, PyValue> {
  const out: Record<string, PyValue> = {};
  for (const s of symbols) {
    const m = env.values.get(s.name);
    if (m) out[pyName(s.name)] = pyValue(m);
  }
  return out;
}

export interface PyExpressionCase {
  readonly name: string;
  readonly values: Record<string, PyValue>;
  /** Python expressions over np and the values' names; each is evaluated and flattened column-major. */
  readonly exprs: readonly string[];
  /**
   * For a Jacobian with respect to a structured n×n variable: compare only on
   * its directions, J P with P = (I + K)/2 (symmetric) or diag(vec I) (diagonal),
   * where two right answers may differ (K vec(dS) = vec(dS) for symmetric dS).
   */
  readonly directions?: { readonly structure: "symmetric" | "diagonal"; readonly n: number };
  /** Sizes the code names directly (a free length of 𝟏 that no symbol carries: np.ones(n)). */
  readonly dims?: Record<string, number>;
}

export interface PyExpressionResult {
  readonly name: string;
  /** Each expression's value, flattened column-major (vec), or the Python error it raised. */
  readonly values: readonly (readonly number[] | { readonly error: string })[];
}

const EVALUATE = String.raw`
import json, math, sys
import numpy as np
import types
# np.einsum without optimize contracts left to right: a Jacobian through four Kronecker products
# (random problem 133) takes minutes; the optimised path is the same sum in milliseconds
_einsum = np.einsum
np_opt = types.SimpleNamespace(**{k: getattr(np, k) for k in dir(np) if not k.startswith("__")})
np_opt.einsum = lambda *a, **k: _einsum(*a, optimize=True, **k)
out = []
for case in json.load(sys.stdin):
    env = {"np": np_opt, "math": math}  # erf is np.vectorize(math.erf)
    for k, v in case["values"].items():
        env[k] = np.array(v, dtype=float) if isinstance(v, list) else float(v)
    for k, v in case.get("dims", {}).items():
        env.setdefault(k, int(v))
    values = []
    d = case.get("directions")
    for expr in case["exprs"]:
        try:
            v = np.asarray(eval(expr, env), dtype=float)
            if d and v.ndim == 2 and v.shape[1] == d["n"] ** 2:
                n = d["n"]
                K = np.eye(n * n)[[r // n + (r % n) * n for r in range(n * n)]]
                v = v @ ((np.eye(n * n) + K) / 2 if d["structure"] == "symmetric" else np.diag(np.eye(n).reshape(-1, order="F")))
            values.append([float(x) for x in np.reshape(v, -1, order="F")])
        except Exception as e:
            values.append({"error": repr(e)})
    out.append({"name": case["name"], "values": values})
print(json.dumps(out))
`;

/** Evaluates every case's expressions in one python3 process. */
export function evaluateInPython(cases: readonly PyExpressionCase[]): PyExpressionResult[] {
  return runPython<PyExpressionResult[]>(EVALUATE, cases, { timeoutMs: 120_000 });
}
