/**
 * The index form evaluated numerically: a small interpreter of its terms
 * (Σ over summation indices of coeff × Π factors, per free entry), compared
 * with the evaluated result. Used by test/index-notation.test.ts and by the
 * property campaign (test/support/properties.ts, `npm run fuzz`).
 */
import type { Analysis } from "../../src/api.js";
import { indexFormula, type FreeIndex, type IndexFormula, type Term } from "../../src/present/index-form.js";
import { expandDefinitions } from "../../src/calculus/differential.js";
import { evaluate, resolveDim, type Env } from "../../src/numeric/evaluate.js";
import { sampleEnv } from "../../src/numeric/random.js";
import { Matrix, NumericError } from "../../src/numeric/matrix.js";
import type { Expr } from "../../src/core/expr.js";
import type { Dim } from "../../src/core/shape.js";
import * as Q from "../../src/core/rational.js";

/** The formula evaluated entry by entry, laid out as `a.result` (see IndexFormula.rows / cols). */
export function evaluateFormula(form: IndexFormula, a: Analysis, env: Env): Matrix {
  const size = (d: Dim) => {
    const n = resolveDim(d, env.dims);
    if (n === undefined) throw new Error(`no size for ${d}`);
    return n;
  };
  const values = new Map<number, Matrix>();
  const value = (e: Expr) => {
    let m = values.get(e.id);
    if (!m) values.set(e.id, (m = evaluate(expandDefinitions(e, a.definitions), env)));
    return m;
  };
  const free: readonly FreeIndex[] = [...form.rows, ...form.cols];
  const freeNames = new Set(free.map((x) => x.name));

  const termValue = (t: Term, at: Map<string, number>): number => {
    // the range of each summation index, read off a factor that carries it
    const ranges = new Map<string, number>();
    for (const f of t.factors) {
      if (f.kind === "size") continue;
      const dims = f.kind === "delta" ? [f.dim, f.dim] : f.kind === "ones" ? f.dims : [f.expr.shape.rows, f.expr.shape.cols].filter((d) => d !== 1);
      const idx = f.kind === "delta" ? [f.a, f.b] : f.idx;
      idx.forEach((x, k) => { if (!freeNames.has(x)) ranges.set(x, size(dims[k]!)); });
    }
    const dummies = [...ranges.keys()];
    const product = (): number => t.factors.reduce((p, f) => {
      if (f.kind === "delta") return p * (at.get(f.a) === at.get(f.b) ? 1 : 0);
      if (f.kind === "size") return p * size(f.dim);
      if (f.kind === "ones") return p;
      const m = value(f.expr);
      const row = f.expr.shape.rows === 1 ? 0 : at.get(f.idx[0]!)!;
      const col = f.expr.shape.cols === 1 ? 0 : at.get(f.idx[f.idx.length - 1]!)!;
      return p * m.get(row, col);
    }, Q.toNumber(t.coeff));
    const sum = (k: number): number => {
      if (k === dummies.length) return product();
      let s = 0;
      for (let v = 0; v < ranges.get(dummies[k]!)!; v++) { at.set(dummies[k]!, v); s += sum(k + 1); }
      return s;
    };
    return sum(0);
  };

  // column-major combination, as vec: F_{ij} is row i + j·p of the vec-Jacobian
  const extent = (g: typeof free) => g.reduce((n, x) => n * size(x.dim), 1);
  const out = Matrix.zeros(extent(form.rows), extent(form.cols));
  const visit = (k: number, at: Map<string, number>) => {
    if (k === free.length) {
      const place = (g: typeof free) => g.reduceRight((acc, x) => acc * size(x.dim) + at.get(x.name)!, 0);
      out.set(place(form.rows), place(form.cols), form.terms.reduce((s, t) => s + termValue(t, new Map(at)), 0));
      return;
    }
    for (let v = 0; v < size(free[k]!.dim); v++) visit(k + 1, new Map(at).set(free[k]!.name, v));
  };
  visit(0, new Map());
  return out;
}

/** Largest |formula − result| relative to the result, over a few random draws; retries draws where an inverse is singular. */
export function numericError(a: Analysis, form = indexFormula(a), draws = 2): number {
  const result = expandDefinitions(a.result, a.definitions);
  let worst = 0;
  for (let trial = 0, done = 0; done < draws; trial++) {
    if (trial > 30) throw new Error("no valid sample");
    let env: Env, expected: Matrix, actual: Matrix;
    try {
      // the definitions' bodies too: the index form evaluates e = y^{∘3/2} itself, where f and the result may have it simplified away
      env = sampleEnv([expandDefinitions(a.f, a.definitions), result, ...[...a.definitions.values()].map((d) => expandDefinitions(d, a.definitions))], { seed: 1000 + trial, sizeOrder: Math.floor(trial / 3) });
      expected = evaluate(result, env);
      actual = evaluateFormula(form, a, env);
    } catch (err) {
      if (err instanceof NumericError && err.code === "singular") continue;
      throw err;
    }
    if (!expected.isFinite()) continue;
    if (actual.rows !== expected.rows || actual.cols !== expected.cols) return Infinity;
    worst = Math.max(worst, actual.sub(expected).maxAbs() / Math.max(1, expected.maxAbs()));
    done++;
  }
  return worst;
}

