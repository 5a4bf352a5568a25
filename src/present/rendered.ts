/** The printed forms every surface shares: an expression rendered, a step, a result's label. */
import type { Expr } from "../core/expr.js";
import { toLatex } from "../print/latex.js";
import { toText } from "../print/text.js";
import { functionLetter, resultLabel, type ResultLabel, type Spelled } from "../print/label.js";
import type { Analysis } from "../pipeline/analyse.js";

export interface Rendered {
  readonly latex: string;
  readonly text: string;
}
export interface RenderedStep {
  /** The left-hand side when it is not the previous line's (df, vec(dF)). */
  readonly lhs?: Rendered;
  readonly latex: string;
  readonly text: string;
  /** Why this step holds, for a reader ("" for the first line). */
  readonly reason: string;
  /** The rule ids applied. */
  readonly rule: string;
  /** Their sources (Matrix Cookbook equations or derivations). */
  readonly source: string;
}

export const render = (e: Expr): Rendered => ({ latex: toLatex(e), text: toText(e) });
/** The names of an analysis's result (see print/label.ts): one place for every surface. `f`: the function as printed, when the caller has it. */
export function labelOf(a: Analysis, f: Rendered = render(a.f)): ResultLabel {
  // ∂f/∂σ²: the square is part of the variable's name in the label
  const plain = render(a.X);
  const x = a.bySquare ? { latex: `${plain.latex}^{2}`, text: `${plain.text}²` } : plain;
  const label = resultLabel(a.kind, a.f.shape, { latex: x.latex, text: x.text, shape: a.X.shape }, f, (name) => a.symbols.has(name));
  // through a parameterisation, a matrix θ's gradient is shown as the vector the pull-back gives
  if (a.parameterisation && a.kind === "gradient" && a.X.shape.cols !== 1) {
    const fn = label.function;
    return { ...label, latex: `\\mathop{\\mathrm{vec}}(\\nabla_{${x.latex}} ${fn.latex})`, text: `vec(∇_${x.text} ${fn.text})` };
  }
  return label;
}

/** The function's letter in an analysis: f, F, or the next letter no symbol has. */
export const functionOf = (a: Analysis): Spelled => functionLetter(a.f.shape, (name) => a.symbols.has(name));
