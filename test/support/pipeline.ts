/**
 * The one test helper that runs a case through every stage and can show
 * them all (STYLE habit 9): parse tree, shapes, differential, raw and
 * simplified gradient, LaTeX. A failing assertion prints this report.
 */
import { analyze, differentiate, type Analysis, type DifferentiateOptions } from "../../src/api.js";
import { MatdiffError } from "../../src/errors.js";
import { parse, formatTree } from "../../src/syntax/parse.js";
import { elaborate } from "../../src/shapes/elaborate.js";
import type { Declaration } from "../../src/shapes/declarations.js";
import { children, type Expr, type Sym } from "../../src/core/expr.js";
import { formatShape, type Shape } from "../../src/core/shape.js";
import { expandDefinitions } from "../../src/calculus/differential.js";
import { toText } from "../../src/print/text.js";
import { toLatex } from "../../src/print/latex.js";
import { checkGradient, numericallyEqual, type CheckResult } from "../../src/numeric/check.js";

export interface Case {
  readonly expr: string;
  readonly wrt: string;
  readonly let?: readonly string[];
  readonly where?: readonly string[];
  readonly symmetric?: "sym" | "cookbook";
}

export const optionsOf = (c: Case): DifferentiateOptions => ({
  wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], ...(c.symmetric ? { symmetric: c.symmetric } : {}),
});

/** Reads `text` with every symbol pinned to the shape and properties it has in `symbols`: a printed form read back as it was meant. */
export function reread(symbols: Iterable<Sym>, text: string, want: Shape, sizes: readonly string[] = []): Expr {
  const declarations: Declaration[] = [...symbols].map((s) => {
    const { rows, cols } = s.shape;
    const rank = rows === 1 && cols === 1 ? "scalar" : cols === 1 ? "vector" : "matrix";
    return {
      name: s.name, rank,
      ...(rank !== "scalar" ? { rows } : {}), ...(rank === "matrix" ? { cols } : {}),
      symmetric: Boolean(s.props.symmetric), posdef: Boolean(s.props.posdef), diagonal: Boolean(s.props.diagonal), probability: Boolean(s.props.probability),
    };
  });
  // matdiff's own output, however long (a nested-softmax Hessian prints 17,000 characters): the input
  // limits guard a user's request, not the round trip (fuzz seed 20261206, (c))
  return elaborate(parse(text, { maxLength: Infinity, maxTokens: Infinity }), { text, offset: 0 }, { declarations, expectShape: want, sizes }).expr;
}

/** The symbolic sizes in `e`'s shapes (tr(I_n) prints n, which reads back as the size only if named so). */
export function sizesOf(e: Expr): string[] {
  const out = new Set<string>();
  const seen = new Set<number>();
  const visit = (x: Expr): void => {
    if (seen.has(x.id)) return;
    seen.add(x.id);
    for (const d of [x.shape.rows, x.shape.cols]) if (typeof d === "string") for (const f of d.split("·")) out.add(f);
    for (const c of children(x)) visit(c);
  };
  visit(e);
  return [...out];
}

/** Elaborates `text` with every symbol pinned to the shape and properties it has in the analysis. */
export const elaborateLike = (a: Analysis, text: string): Expr => reread(a.symbols.values(), text, a.X.shape);

export interface Run {
  readonly analysis: Analysis;
  readonly text: string;
  readonly latex: string;
  /** The gradient against central finite differences. */
  readonly check: CheckResult;
  report(extra?: string): string;
}

export function run(c: Case): Run {
  const a = analyze(c.expr, optionsOf(c));
  const f = expandDefinitions(a.f, a.definitions);
  const g = expandDefinitions(a.gradient, a.definitions);
  const check = checkGradient({ f, wrt: a.X, gradient: g, ...(a.convention ? { symmetric: a.convention } : {}) });
  const text = toText(a.gradient);
  const latex = toLatex(a.gradient);
  return {
    analysis: a, text, latex, check,
    report: (extra = "") => [
      `input      ${c.expr}   wrt ${c.wrt}${c.let?.length ? `   let ${c.let.join("; ")}` : ""}${c.where?.length ? `   where ${c.where.join("; ")}` : ""}`,
      `tree       ${formatTree(parse(c.expr))}`,
      `shapes     ${[...a.symbols.values()].map((s) => `${s.name}: ${formatShape(s.shape)}`).join(", ")}`,
      `df         ${toText(a.df)}`,
      `raw ∇      ${toText(a.raw)}`,
      `∇          ${text}   (${a.simplification.steps.length} steps, ${a.simplification.stopped})`,
      `latex      ${latex}`,
      `check      ok=${check.ok} relError=${check.relError.toExponential(2)}`,
      extra,
    ].join("\n"),
  };
}

export { renderKatex } from "./katex.js";

export function sameValue(a: Analysis, x: Expr, y: Expr): CheckResult {
  // drawn inside f's domain: the gradient (𝟏 − x∘²)∘^{−1/2} of arcsin(x) alone would draw x past 1
  return numericallyEqual(expandDefinitions(x, a.definitions), expandDefinitions(y, a.definitions), { within: [expandDefinitions(a.f, a.definitions)] });
}

/** The MatdiffError an input is refused with; an answer, or any other error, fails the test. */
export function refusalOf(input: string, options: DifferentiateOptions): MatdiffError {
  try {
    differentiate(input, options);
  } catch (err) {
    if (err instanceof MatdiffError) return err;
    throw err;
  }
  throw new Error(`${input}: answered, where a refusal was expected`);
}
