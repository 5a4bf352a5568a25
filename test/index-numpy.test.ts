/**
 * The index form is checked like every other form (issue 17, item 2): the
 * np.einsum string of every corpus case, and of a sample of the property
 * tests' random problems, is run by NumPy (python3) next to the NumPy form,
 * on the values matdiff's evaluator used; all three must agree, and the
 * result itself agrees with finite differences (the corpus suites and
 * property (a) check that). An index form that drops a sum — 𝟏ᵀ𝟏 written as
 * 1 instead of N — disagrees here, whatever matdiff's own reading of it says.
 */
import { describe, it, expect } from "vitest";
import { fc } from "@fast-check/vitest";
import { analyze, differentiate, type Analysis, type DifferentiateOptions } from "../src/api.js";
import { expandDefinitions } from "../src/calculus/differential.js";
import * as E from "../src/core/expr.js";
import { MatdiffError } from "../src/errors.js";
import { evaluate, resolveDim, type Env } from "../src/numeric/evaluate.js";
import { NumericError, type Matrix } from "../src/numeric/matrix.js";
import { sampleEnv } from "../src/numeric/random.js";
import { GRADIENT_CASES } from "./cases/gradients.js";
import { JACOBIAN_CASES } from "./cases/jacobians.js";
import { HESSIAN_CASES } from "./cases/hessians.js";
import { INDEX_SIZE_CASES } from "./cases/index-sizes.js";
import { problem } from "./support/arbitraries.js";
import { optionsOf as problemOptions } from "./support/properties.js";
import { evaluateInPython, pyValues, type PyExpressionCase } from "./support/numpy-oracle.js";

interface Prepared {
  readonly name: string;
  readonly einsum: string;
  readonly numpy: string;
  readonly py: PyExpressionCase;
}

/** One random point where the result is defined (an inverse may be singular at the first). */
function pointFor(a: Analysis): { env: Env; value: Matrix } | null {
  const f = expandDefinitions(a.f, a.definitions);
  const result = expandDefinitions(a.result, a.definitions);
  for (let trial = 0; trial < 12; trial++) {
    try {
      const env = sampleEnv([f, result, a.X], { seed: 17 + trial, sizeOrder: Math.floor(trial / 2) });
      const value = evaluate(result, env);
      if (value.isFinite()) return { env, value };
    } catch (err) {
      if (!(err instanceof NumericError)) throw err;
    }
  }
  return null;
}

/** The case for Python, or null when it is out of scope (an unsupported question, no defined point). */
function prepare(name: string, expr: string, options: DifferentiateOptions): Prepared | null {
  let a: Analysis;
  try {
    a = analyze(expr, options);
  } catch (err) {
    if (err instanceof MatdiffError && err.code === "unsupported") return null;
    throw err;
  }
  const r = differentiate(expr, options);
  if (r.derivative.einsum === undefined) throw new Error(`${name}: no einsum form (index: ${r.derivative.index?.text})`);
  const point = pointFor(a);
  if (!point) return null;
  const symbols = E.symbolsOf(expandDefinitions(a.f, a.definitions));
  E.symbolsOf(expandDefinitions(a.result, a.definitions), symbols);
  symbols.set(a.X.name, a.X); // a zero result still names X's shape
  // matdiff's own value, as NumPy holds the result (the einsum and NumPy forms print the same layout)
  const expected = a.result.shape.cols === 1 ? [...point.value.data] : point.value.toRows();
  const structure = a.X.props.diagonal ? "diagonal" : a.X.props.symmetric || a.X.props.posdef ? "symmetric" : null;
  const n = resolveDim(a.X.shape.rows, point.env.dims) ?? 0;
  return {
    name, einsum: r.derivative.einsum, numpy: r.derivative.numpy,
    py: {
      name, values: { ...pyValues(symbols.values(), point.env), matdiff_value: expected },
      exprs: [r.derivative.einsum, r.derivative.numpy, "matdiff_value"],
      dims: Object.fromEntries(point.env.dims),
      ...(structure && a.kind !== "gradient" ? { directions: { structure, n } } : {}),
    },
  };
}

const relativeGap = (x: readonly number[], y: readonly number[]) => {
  if (x.length !== y.length) return Infinity;
  let gap = 0;
  let scale = 1;
  x.forEach((v, k) => { gap = Math.max(gap, Math.abs(v - y[k]!)); scale = Math.max(scale, Math.abs(y[k]!)); });
  return gap / scale;
};

/** Runs the cases in NumPy; returns one line per disagreement. */
function disagreements(cases: readonly Prepared[]): string[] {
  const results = evaluateInPython(cases.map((c) => c.py));
  return results.flatMap((r, k) => {
    const c = cases[k]!;
    const [einsum, numpy, matdiff] = r.values;
    if (!Array.isArray(einsum)) return [`${c.name}: einsum raised ${(einsum as { error: string }).error}\n    ${c.einsum}`];
    if (!Array.isArray(numpy)) return [`${c.name}: the NumPy form raised ${(numpy as { error: string }).error}\n    ${c.numpy}`];
    const out: string[] = [];
    const vsNumpy = relativeGap(einsum as number[], numpy as number[]);
    if (!(vsNumpy < 1e-8)) out.push(`${c.name}: einsum and the NumPy form differ by ${vsNumpy}\n    ${c.einsum}\n    ${c.numpy}`);
    const vsMatdiff = relativeGap(numpy as number[], matdiff as number[]);
    if (!(vsMatdiff < 1e-8)) out.push(`${c.name}: the NumPy form differs from matdiff's value by ${vsMatdiff}\n    ${c.numpy}`);
    return out;
  });
}

describe("the einsum form, run by NumPy, equals the NumPy form", () => {
  it("on every case of the gradient, Jacobian and Hessian corpora and the issue 17 size cases", { timeout: 300_000 }, () => {
    const cases = [
      ...GRADIENT_CASES.map((c) => prepare(c.id, c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], ...(c.symmetric ? { symmetric: c.symmetric } : {}) })),
      ...JACOBIAN_CASES.map((c) => prepare(c.id, c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [] })),
      ...HESSIAN_CASES.map((c) => prepare(c.id, c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], hessian: true })),
      ...INDEX_SIZE_CASES.map((c) => prepare(c.id, c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], ...(c.hessian ? { hessian: true } : {}) })),
    ].filter((c): c is Prepared => c !== null);
    expect(cases.length).toBeGreaterThan(300);
    expect(disagreements(cases)).toEqual([]);
  });

  it("on 200 random problems of the property tests", { timeout: 300_000 }, () => {
    const problems = fc.sample(problem(), { seed: 20_261_204, numRuns: 200 });
    const cases = problems.map((p, k) => {
      try {
        return prepare(`random ${k}: ${p.expr} wrt ${p.wrt}`, p.expr, problemOptions(p));
      } catch (err) {
        // a division by an expression that is identically 0 is a clear error, not an index form; a reading
        // error is item 1's ((𝟏ᵀx)² with x: n, kept in test/never-wrong.test.ts), not the index form's
        if (err instanceof MatdiffError && (err.code === "number" || err.code === "shape")) return null;
        throw err;
      }
    }).filter((c): c is Prepared => c !== null);
    expect(cases.length).toBeGreaterThan(120);
    expect(disagreements(cases)).toEqual([]);
  });
});

describe("a size only a --where name has is a free size in every Python form (issue 17)", () => {
  // found by the property tests' sample (seed 20_261_204, case 194): the einsum form read H.shape[0], and H, a
  // --where name, is expanded in every Python form, so NumPy raised NameError: name 'H' is not defined
  const expr = "trace(I) \\mathrm{tr}(W_1 ⊗ H^{T})";
  const options = { wrt: "D", let: ["W_1: n x n", "D: diagonal n x n"], where: ["H = \\mathrm{tr}(I) \\cdot sum(vec(D)) (𝟏 𝟏^\\top)"], symmetric: "cookbook" } as const;
  it("the einsum and NumPy forms name no --where name, and agree with matdiff's value in NumPy", { timeout: 120_000 }, () => {
    const r = differentiate(expr, options);
    for (const code of [r.derivative.einsum!, r.derivative.numpy]) expect(code).not.toMatch(/\bH\b/);
    expect(r.notes.join("\n")).toMatch(/sizes m, p, q, which no input's shape gives/);
    const c = prepare("where-size", expr, options);
    expect(c).not.toBeNull();
    expect(disagreements([c!])).toEqual([]);
  });
});
