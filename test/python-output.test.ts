/**
 * The Python output runs (issue 13 item 1 and 2): for every case of the
 * gradient, Jacobian, derivative-by-a-scalar and Hessian corpora, the
 * `--format numpy` and `--format torch` expressions are evaluated by Python
 * with `eval(code, globals, locals)` (separate namespaces, the way a notebook
 * or a harness runs them) at a random point, and compared with the numeric
 * evaluator's value of the result there — which every corpus test checks
 * against central finite differences. The shape must match too: vectors are
 * 1-D, matrices 2-D, scalars 0-d.
 *
 * All cases go to one Python process (test/support/python.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { analyze, differentiate, type DifferentiateOptions } from "../src/api.js";
import { pyName } from "../src/print/python.js";
import { GRADIENT_CASES } from "./cases/gradients.js";
import { HESSIAN_CASES } from "./cases/hessians.js";
import { JACOBIAN_CASES } from "./cases/jacobians.js";
import { runPython, samplePoint, type PyValue } from "./support/python.js";

interface Problem {
  readonly id: string;
  readonly expr: string;
  readonly options: DifferentiateOptions;
}

const PROBLEMS: Problem[] = [
  ...GRADIENT_CASES.map((c) => ({ id: c.id, expr: c.expr, options: { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], ...(c.symmetric ? { symmetric: c.symmetric } : {}) } })),
  ...JACOBIAN_CASES.filter((c) => c.pending?.kind !== "unsupported").map((c) => ({ id: c.id, expr: c.expr, options: { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [] } })),
  ...HESSIAN_CASES.filter((c) => c.pending?.kind !== "unsupported").map((c) => ({ id: c.id, expr: c.expr, options: { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], hessian: true } })),
];

interface Job {
  readonly id: string;
  readonly numpy: string;
  readonly torch: string;
  readonly inputs: Record<string, PyValue>;
  readonly expected: PyValue;
}

function job(p: Problem): Job {
  const r = differentiate(p.expr, { ...p.options, index: false });
  const a = analyze(p.expr, p.options);
  const { inputs, values } = samplePoint(a, [a.result]);
  const named: Record<string, PyValue> = {};
  for (const [name, v] of Object.entries(inputs)) named[pyName(name)] = v;
  return { id: p.id, numpy: r.derivative.numpy, torch: r.derivative.torch, inputs: named, expected: values[0]! };
}

/** Evaluates each job's code in both libraries; reports the largest relative error or what went wrong. */
const SCRIPT = String.raw`
import json, math, sys, warnings
import numpy as np
import torch
warnings.simplefilter("error", RuntimeWarning)
out = {}
for job in json.load(sys.stdin):
    expected = np.array(job["expected"], dtype=np.float64)
    res = {}
    for lib in ("numpy", "torch"):
        try:
            if lib == "numpy":
                local = {k: np.array(v, dtype=np.float64) if isinstance(v, list) else float(v) for k, v in job["inputs"].items()}
                got = np.asarray(eval(job[lib], {"np": np, "math": math}, local), dtype=np.float64)
            else:
                local = {k: torch.tensor(v, dtype=torch.float64) for k, v in job["inputs"].items()}
                got = eval(job[lib], {"torch": torch}, local)
                got = got.numpy() if isinstance(got, torch.Tensor) else np.asarray(got, dtype=np.float64)
            if got.shape != expected.shape:
                res[lib] = "shape %s, expected %s" % (got.shape, expected.shape)
            else:
                scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
                res[lib] = float(np.max(np.abs(got - expected), initial=0.0)) / scale
        except Exception as e:
            res[lib] = "%s: %s" % (type(e).__name__, e)
    out[job["id"]] = res
print(json.dumps(out))
`;

describe("NumPy and PyTorch output runs and equals the result (every corpus case, one Python process)", () => {
  const jobs = PROBLEMS.map(job);
  let results: Record<string, { numpy: number | string; torch: number | string }> = {};
  beforeAll(() => { results = runPython(SCRIPT, jobs); }, 240_000);

  it("covers the gradient, Jacobian, by-scalar and Hessian corpora", () => {
    expect(jobs.length).toBeGreaterThan(300);
    expect(PROBLEMS.some((p) => p.options.hessian)).toBe(true);
  });

  it.each(jobs.map((j) => [j.id, j] as const))("%s", (id, j) => {
    const r = results[id]!;
    const show = `numpy: ${j.numpy}\ntorch: ${j.torch}\ngot: ${JSON.stringify(r)}`;
    expect(typeof r.numpy === "number" && r.numpy < 1e-8, show).toBe(true);
    expect(typeof r.torch === "number" && r.torch < 1e-8, show).toBe(true);
  });

  it("prints no symbolic size as a name: every size is read from an operand's shape", () => {
    for (const j of jobs) for (const code of [j.numpy, j.torch]) expect(code, j.id).not.toMatch(/·|\b(?:eye|zeros|ones)\(\(?[A-Za-z_]\w*[,)]/);
  });
});
