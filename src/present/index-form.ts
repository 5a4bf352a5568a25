/**
 * The index form of a result as the result object carries it: the formula
 * (calculus/index-form.ts) read off an analysis, printed by
 * print/index-notation.ts. An extra view, never a reason to fail.
 */
import * as E from "../core/expr.js";
import type { Dim } from "../core/shape.js";
import { MatdiffError } from "../errors.js";
import { expandDefinitions } from "../calculus/differential.js";
import { indexFormula as formulaOf, type IndexFormula } from "../calculus/index-form.js";
import { printIndexForm } from "../print/index-notation.js";
import type { Analysis } from "../pipeline/analyse.js";
import { dimExpressions } from "./dims.js";
import { functionOf, type Rendered } from "./rendered.js";

export type { Factor, FreeIndex, IndexFormula, Term } from "../calculus/index-form.js";

export interface IndexFormOptions {
  /** Python for a symbolic dimension, as the API gives toNumpy; by default `A.shape[0]` of a symbol that has it. */
  readonly dimExpr?: (d: Dim) => string;
}

/** The index formula of an analysis (calculus/index-form.ts). */
export function indexFormula(a: Analysis): IndexFormula {
  return formulaOf({
    kind: a.kind, f: a.f, X: a.X, result: a.result,
    df: () => a.simplifiedDf().expr,
    ...(a.secondDifferential ? { secondDifferential: a.secondDifferential } : {}),
  });
}

/** The result entrywise in Einstein summation: Unicode text, LaTeX (KaTeX strict) and an np.einsum expression (null when there is none). */
export function indexForm(a: Analysis, opts: IndexFormOptions = {}): { text: string; latex: string; einsum: string | null } {
  // by σ²: df/dσ² on the left
  const letter = functionOf(a);
  return printIndexForm(indexFormula(a), { kind: a.kind, f: a.f, X: a.bySquare ? E.power(a.X, 2) : a.X, function: letter }, {
    dimExpr: opts.dimExpr ?? defaultDimExpr(a),
    expand: (e) => expandDefinitions(e, a.definitions),
  });
}

/** The API's mapping: a symbolic dimension is the shape of the first input that has it (not a --where name, which einsum expands). */
function defaultDimExpr(a: Analysis): (d: Dim) => string {
  const map = new Map<Dim, string>();
  for (const s of a.symbols.values()) {
    if (a.definitions.has(s.name)) continue;
    if (typeof s.shape.rows === "string" && !map.has(s.shape.rows)) map.set(s.shape.rows, `${s.name}.shape[0]`);
    if (typeof s.shape.cols === "string" && !map.has(s.shape.cols)) map.set(s.shape.cols, `${s.name}.shape[1]`);
  }
  return (d) => map.get(d) ?? String(d);
}

/** The index form, or nothing when a result has no entrywise form (it is an extra view, never a reason to fail). */
export function indexFields(a: Analysis): { index?: Rendered; einsum?: string } {
  // J_A(θ) has no entries matdiff could name: the entrywise form is ∂f/∂θ_i = ⟨G_A, ∂A/∂θ_i⟩ (parameterisation.components)
  if (a.parameterisation) return {};
  try {
    const ix = indexForm(a, { dimExpr: dimExpressions(a.symbols.values(), a.definitions) });
    return { index: { latex: ix.latex, text: ix.text }, ...(ix.einsum ? { einsum: ix.einsum } : {}) };
  } catch (err) {
    if (err instanceof MatdiffError) return {};
    throw err;
  }
}
