/** The numeric check of an analysis: central finite differences on random inputs, for every kind of result. */
import * as E from "../core/expr.js";
import type { Expr } from "../core/expr.js";
import { formatShape, isScalarShape, type Dim } from "../core/shape.js";
import { MatdiffError } from "../errors.js";
import { expandDefinitions } from "../calculus/differential.js";
import { nameText } from "../print/text.js";
import { checkGradient, checkJacobian, checkParameterised, asPolynomialsIn, type CheckResult, type Dependent } from "../numeric/check.js";
import type { Analysis } from "./analyse.js";

export interface CheckReport {
  readonly ok: boolean;
  /** Largest relative error between the result and central differences. */
  readonly relError: number;
  readonly trials: number;
  readonly method: string;
  readonly detail?: string;
  /**
   * Not ok, yet not shown wrong: no sampled point had f defined and finite
   * differences settled (sin(σ(e).^{−1/2}) where σ(e) ≈ 1e-20 oscillates
   * faster than any step resolves), so nothing was compared.
   */
  readonly inconclusive?: true;
}
/** The numeric check of an analysis against central finite differences, for every kind. */
export function checkAnalysis(a: Analysis, opts: { readonly seed?: number; readonly trials?: number; readonly step?: number } = {}): CheckReport {
  guardCheckSizes(a);
  if (a.parameterisation) return checkThroughParameterisation(a, opts);
  const expand = (e: Expr) => asPolynomialsIn(expandDefinitions(e, a.definitions, a.budget), a.X);
  const common = {
    budget: a.budget,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.trials !== undefined ? { trials: opts.trials } : {}),
    ...(opts.step !== undefined ? { step: opts.step } : {}),
  };
  const scalarX = isScalarShape(a.X.shape);
  // a first derivative by a scalar is a Jacobian with one column: vec(f′)
  const first = (f: Expr, g: Expr): CheckResult => (scalarX
    ? checkJacobian({ f: expand(f), wrt: a.X, jacobian: E.vec(expand(g)), ...common })
    : checkGradient({ f: expand(f), wrt: a.X, gradient: expand(g), ...(a.convention ? { symmetric: a.convention } : {}), ...common }));
  const results: CheckResult[] = [];
  switch (a.kind) {
    case "gradient":
    case "derivative": {
      // by σ²: 2σ times the result is the derivative by σ, which finite differences in σ check
      const claim = a.bySquare ? E.mul(E.num(2), a.X, a.result) : a.result;
      results.push(isScalarShape(a.f.shape) || a.kind === "gradient" ? first(a.f, claim)
        : checkJacobian({ f: expand(a.f), wrt: a.X, jacobian: E.vec(expand(claim)), ...common }));
      break;
    }
    case "jacobian":
      results.push(checkJacobian({ f: expand(a.f), wrt: a.X, jacobian: expand(a.result), ...common }));
      break;
    case "hessian":
      results.push(first(a.f, a.gradient));
      results.push(checkJacobian({ f: expand(a.gradient), wrt: a.X, jacobian: scalarX ? E.vec(expand(a.result)) : expand(a.result), ...common }));
      break;
  }
  const ok = results.every((r) => r.ok);
  // checkResult marks "no valid sample" with relError NaN
  const inconclusive = !ok && results.every((r) => r.ok || Number.isNaN(r.relError));
  const relError = Math.max(...results.map((r) => (Number.isNaN(r.relError) ? Infinity : r.relError)));
  const detail = results.map((r) => r.detail).filter(Boolean).join("; ");
  return {
    ok, relError, trials: Math.min(...results.map((r) => r.trials)),
    method: a.kind === "hessian" ? "central finite differences of f and of its gradient" : "central finite differences",
    ...(ok || !detail ? {} : { detail }),
    ...(inconclusive ? { inconclusive: true as const } : {}),
  };
}

/**
 * What a check compared against, for every surface's stamp: "central finite
 * differences at 3 random points" (a bare "(3 points)" reads like marks).
 */
export function checkBasis(c: CheckReport): string {
  return `${c.method} at ${c.trials} random point${c.trials === 1 ? "" : "s"}`;
}

/**
 * The check samples symbolic dimensions at small sizes (2 to 5) but declared
 * ones at their size: x: 100000000 grew past 5 GiB, A: 100000 x 100000 was an
 * internal error. Every matrix the check evaluates (symbols, f, the result) is
 * bounded before any is allocated.
 */
function guardCheckSizes(a: Analysis): void {
  const SYMBOLIC = 5; // the largest automatic size (numeric/random.ts), an upper bound for a symbolic factor
  const size = (d: Dim): number => (typeof d === "number" ? d : d.split("·").reduce((p, f) => p * (/^\d+$/.test(f) ? Number(f) : SYMBOLIC), 1));
  const named: [string, Expr][] = [...[...a.symbols.values()].map((s) => [nameText(s.name), s] as [string, Expr]), ["f", a.f], ["the result", a.result]];
  for (const [what, e] of named) {
    const entries = size(e.shape.rows) * size(e.shape.cols);
    if (entries > a.limits.maxCheckEntries) {
      throw new MatdiffError("limit", `--check would sample ${what} as a ${formatShape(e.shape)} matrix (${entries} entries); the check's limit is ${a.limits.maxCheckEntries} entries per matrix`, undefined, {
        hint: "leave the size symbolic (--let \"x: n\") and the check picks small sizes, or declare a smaller one",
      });
    }
  }
}

/** A result through opaque functions, against finite differences along a random smooth parameterisation. */
function checkThroughParameterisation(a: Analysis, opts: { readonly seed?: number; readonly trials?: number; readonly step?: number }): CheckReport {
  const expand = (e: Expr) => expandDefinitions(e, a.definitions);
  const byName = new Map(a.parameterisation!.nodes.map((n) => [n.sym.name, n] as const));
  // every dependent, parents first: the J-nodes and the Ẋ functions of a scalar variable alike
  const dependents: Dependent[] = [];
  const placed = new Set([a.X.name]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of a.symbols.values()) {
      const p = s.props.dependsOn;
      if (p === undefined || placed.has(s.name) || !placed.has(p)) continue;
      const node = byName.get(s.name);
      dependents.push({ sym: s, parent: a.symbols.get(p)!, ...(node ? { jacobian: node.jacobian } : {}) });
      placed.add(s.name);
      grew = true;
    }
  }
  const claimed = a.kind === "gradient" ? E.transpose(E.vec(a.result)) : E.vec(a.result);
  const r = checkParameterised({
    f: expand(a.f), wrt: a.X, dependents, jacobian: expand(a.kind === "jacobian" ? a.result : claimed),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.trials !== undefined ? { trials: opts.trials } : {}),
    ...(opts.step !== undefined ? { step: opts.step } : {}),
  });
  const inconclusive = !r.ok && Number.isNaN(r.relError);
  return {
    ok: r.ok, relError: Number.isNaN(r.relError) ? Infinity : r.relError, trials: r.trials,
    method: `central finite differences in ${nameText(a.X.name)} along a random quadratic parameterisation ${dependents.map((d) => `${nameText(d.sym.name)}(${nameText(d.parent.name)})`).join(", ")}`,
    ...(r.ok || !r.detail ? {} : { detail: r.detail }),
    ...(inconclusive ? { inconclusive: true as const } : {}),
  };
}
