/**
 * What a solved block shows, independent of the output format: the
 * markdown-it plugin turns it into KaTeX HTML, the remark plugin into mdast
 * `math` nodes, the playground into DOM. All LaTeX here comes from matdiff's
 * printers or from fixed templates, never from the user's input text, so
 * nothing the user writes reaches KaTeX verbatim (no `\href`, no `\gdef`).
 */
import { checkBasis, type DifferentiateResult } from "../api.js";
import { baseLatex } from "../syntax/names.js";
import { GREEK } from "../syntax/greek.js";
import { blockWording, type Flag } from "./block.js";
import { CODE_FORMATS } from "../formats.js";
import { QUAD } from "../print/latex-space.js";

/**
 * A derivation step as the engine reports it (`result.steps` with
 * `steps: true`): one equality of a chain `lhs = … = …`, with its reason.
 */
export interface Step {
  /** The left-hand side when it is not the previous step's (df, then vec(dF) …). */
  readonly lhs?: { readonly latex: string; readonly text: string };
  readonly latex: string;
  readonly text: string;
  /** Why this step holds, for a reader ("" for the first line). */
  readonly reason?: string;
  /** Rule ids, comma-separated. */
  readonly rule?: string;
  /** Where the rules come from (Matrix Cookbook equations, derivations). */
  readonly source?: string;
}

/** Inline content: plain text or inline math. */
export interface CodeBlock {
  /** The format's name, `numpy`. */
  readonly name: string;
  readonly title: string;
  /** For a code fence or highlighter: `python`. */
  readonly language: string;
  readonly text: string;
}

export type Inline = { readonly type: "text"; readonly value: string } | { readonly type: "math"; readonly latex: string };

export interface Presentation {
  readonly kind: string;
  /** One display equation: f, the `where` definitions, df and the result, aligned at `=`. */
  readonly equation: string;
  /** The result on its own, as LaTeX and as plain text (for copying). */
  readonly derivative: { readonly latex: string; readonly text: string; readonly numpy: string };
  /** `A, B ∈ ℝ^{n×n}; x ∈ ℝ^{n}` as inline math. */
  readonly shapes: string;
  /** The symmetric-gradient convention, when one applies (plain text). */
  readonly convention?: string;
  /** How a Jacobian or Hessian is laid out (plain text): conventions differ between books. */
  readonly layout?: string;
  readonly notes: readonly string[];
  /** Present when the numeric check ran. */
  readonly check?: { readonly ok: boolean; readonly text: string };
  /** Present when steps were asked for: the engine's steps, possibly none. */
  readonly steps?: readonly Step[];
  /** The result as program text, one block per code format asked for (`numpy`), in the order of the formats. */
  readonly code?: readonly CodeBlock[];
}

/** The left-hand side of the result (∇_{A} f, \\frac{\\partial \\operatorname{vec} F}{\\partial \\operatorname{vec} X}, …): the engine's one name for it. */
export function resultLhs(r: DifferentiateResult): string {
  return r.label.latex;
}

/** The steps of a result, if the engine gave them (validated: the field is newer than this file). */
export function stepsOf(r: DifferentiateResult): Step[] | undefined {
  const steps: unknown = (r as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) return undefined;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const out: Step[] = [];
  for (const s of steps as Record<string, unknown>[]) {
    const latex = str(s?.latex), text = str(s?.text);
    if (latex === undefined || text === undefined) continue;
    const lhs = s.lhs as Record<string, unknown> | undefined;
    const lhsLatex = str(lhs?.latex), lhsText = str(lhs?.text);
    // the engine names the command line's options (--where); a block spells them as its own lines
    const why = str(s.reason), reason = why === undefined ? undefined : blockWording(why), rule = str(s.rule), source = str(s.source);
    out.push({
      latex, text,
      ...(lhsLatex !== undefined && lhsText !== undefined ? { lhs: { latex: lhsLatex, text: lhsText } } : {}),
      ...(reason ? { reason } : {}), ...(rule ? { rule } : {}), ...(source ? { source } : {}),
    });
  }
  return out;
}

/** LaTeX for a symbol's canonical name as the engine's printer spells it: `Phi` → `\Phi`, `W_1` → `W_{1}`. */
export function nameLatex(name: string): string {
  const m = /^([A-Za-z]+)([\u0302\u0303\u0304]?)(\^(?:\[[A-Za-z0-9]+\]|\([A-Za-z0-9]+\)))?(?:_\{?([A-Za-z0-9]+)\}?)?$/.exec(name);
  if (!m) return `\\text{${name.replace(/[^A-Za-z0-9 ]/g, "?")}}`;
  const letter = GREEK.has(m[1]!) || m[1]!.length === 1 ? baseLatex(`${m[1]}${m[2]}${m[3] ?? ""}`) : `\\mathit{${m[1]}}`;
  return m[4] !== undefined ? `${letter}_{${m[4]}}` : letter;
}

/** LaTeX for one dimension of a shape: `n`, `3`, `n_1`, `rows`. */
function dimLatex(d: string): string {
  if (/^\d+$/.test(d) || /^[A-Za-z]$/.test(d)) return d;
  const sub = /^([A-Za-z])_?(\d+)$/.exec(d);
  if (sub) return `${sub[1]}_{${sub[2]}}`;
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(d)) return `\\mathit{${d.replace(/_/g, "\\_")}}`;
  return `\\text{${d.replace(/[^A-Za-z0-9 ]/g, "?")}}`;
}

/** `n×n` → `\mathbb{R}^{n \times n}`, `n×1` → `\mathbb{R}^{n}`, `1×1` → `\mathbb{R}`. */
export function shapeLatex(shape: string): string {
  const [rows, cols, ...rest] = shape.split("×").map((s) => s.trim());
  if (rows === undefined || cols === undefined || rest.length) return `\\text{${shape.replace(/[^A-Za-z0-9 ]/g, "?")}}`;
  if (rows === "1" && cols === "1") return "\\mathbb{R}";
  if (cols === "1") return `\\mathbb{R}^{${dimLatex(rows)}}`;
  return `\\mathbb{R}^{${dimLatex(rows)} \\times ${dimLatex(cols)}}`;
}

/** Every symbol's space, grouped: `A, B \in \mathbb{R}^{n \times n},\quad x \in \mathbb{R}^{n}`. */
export function shapesLatex(shapes: Readonly<Record<string, string>>): string {
  const byShape = new Map<string, string[]>();
  for (const [name, s] of Object.entries(shapes)) byShape.set(s, [...(byShape.get(s) ?? []), name]);
  return [...byShape].map(([s, names]) => `${names.map(nameLatex).join(", ")} \\in ${shapeLatex(s)}`).join(`,${QUAD}`);
}

/** The aligned display: f = …, where e = …, df = …, ∇f = …. */
export function equationLatex(r: DifferentiateResult): string {
  const { label, gradient, secondDifferential } = r;
  const rows = [`${label.function.latex} &= ${r.function.latex}`];
  for (const [name, d] of Object.entries(r.definitions ?? {})) rows.push(`\\text{where}${QUAD}${nameLatex(name)} &= ${d.latex}`);
  rows.push(`${label.differential.latex} &= ${r.differential.latex}`);
  if (gradient && label.gradient) rows.push(`${label.gradient.latex} &= ${gradient.latex}`);
  if (secondDifferential && label.secondDifferential) rows.push(`${label.secondDifferential.latex} &= ${secondDifferential.latex}`);
  rows.push(`${resultLhs(r)} &= ${r.derivative.latex}`);
  return `\\begin{aligned}\n${rows.join(" \\\\\n")}\n\\end{aligned}`;
}

export function checkText(c: NonNullable<DifferentiateResult["check"]>): string {
  const err = c.relError.toExponential(1).replace("-", "−");
  return c.ok
    ? `Checked numerically: relative error ${err} against ${checkBasis(c)}.`
    : `Numeric check FAILED: relative error ${err} against ${c.method}. Please report this problem.`;
}

/**
 * LaTeX a block hands to KaTeX at most, all its formulas together. KaTeX sets
 * some 30 µs a character, so this is about half a second; past it (and past
 * KaTeX's own limit of 1,000 macro expansions, which a long \left…\right
 * chain reaches) a block says so instead of freezing the preview or showing
 * megabytes of source.
 */
export const MAX_TYPESET = 20_000;

export function present(r: DifferentiateResult, flags: ReadonlySet<Flag> = new Set()): Presentation {
  const steps = stepsOf(r);
  const layout = r.layout;
  const equation = equationLatex(r);
  const shapes = shapesLatex(r.shapes);
  const typeset = equation.length + shapes.length + (flags.has("steps") ? (steps ?? []).reduce((n, s) => n + s.latex.length + (s.lhs?.latex.length ?? 0), 0) : 0);
  const tooLong = typeset > MAX_TYPESET;
  return {
    kind: r.kind,
    equation: tooLong ? `\\text{(a result of ${typeset} characters of LaTeX: too long to typeset here)}` : equation,
    derivative: { latex: r.derivative.latex, text: r.derivative.text, numpy: r.derivative.numpy },
    shapes: tooLong ? "" : shapes,
    ...(r.convention ? { convention: `Convention: ${r.convention.text}.` } : {}),
    ...(layout && ["jacobian", "hessian"].includes(r.kind) ? { layout: layoutNote(layout) } : {}),
    notes: [
      ...(tooLong ? [`Note: the result is ${typeset} characters of LaTeX, more than the ${MAX_TYPESET} a block typesets; the library and the command line give it in full.`] : []),
      ...r.notes.map((n) => `Note: ${blockWording(n)}.`),
    ],
    ...(r.check ? { check: { ok: r.check.ok, text: checkText(r.check) } } : {}),
    ...(flags.has("steps") && !tooLong ? { steps: steps ?? [] } : {}),
    ...codeBlocks(r, flags),
  };
}

function codeBlocks(r: DifferentiateResult, flags: ReadonlySet<Flag>): { code?: readonly CodeBlock[] } {
  const asked = CODE_FORMATS.filter((f) => flags.has(f.name));
  if (asked.length === 0) return {};
  return { code: asked.map((f) => ({ name: f.name, title: f.title, language: f.language, text: f.render(r) })) };
}

/** "numerator layout: J is n×m …" → "Numerator layout: J is n×m …."; "H is n×n …" → "Layout: H is n×n …". */
function layoutNote(layout: string): string {
  const sentence = /^\w+ layout\b/i.test(layout) ? layout[0]!.toUpperCase() + layout.slice(1) : `Layout: ${layout}`;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
