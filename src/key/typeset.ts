/**
 * KaTeX for the HTML key's formulas: on the calling thread, or on a thread of
 * its own (src/cli/typesetter.ts) that typesets one problem's formulas while
 * the next problem is solved. Its own module, importing nothing of matdiff's,
 * so the typesetting thread loads KaTeX and this file and nothing else.
 *
 * A section typeset elsewhere holds a mark per formula; the marks' formulas
 * travel beside it.
 */
import katex from "katex";

/** A formula of a section: its LaTeX and whether it is displayed. */
export type Formula = readonly [latex: string, display: boolean];

/**
 * KaTeX's HTML for each distinct formula, rendered once: a key repeats its labels, shapes and
 * derivation lines from problem to problem, and typesetting was a quarter of a key's time. Bounded,
 * so a key of thousands of problems does not keep every formula it ever rendered.
 */
const typeset = new Map<string, string>();
const TYPESET_CACHE = 256;

/** A formula's HTML; throws KaTeX's error for LaTeX it refuses (matdiff's printers never write such). */
export function typesetFormula(latex: string, display: boolean): string {
  const key = `${display ? "D" : "i"}${latex}`;
  let html = typeset.get(key);
  if (html === undefined) {
    html = katex.renderToString(latex, { displayMode: display, throwOnError: true, strict: "ignore", trust: false, output: "htmlAndMathml" });
    // KaTeX builds its HTML by concatenation, a tree of thousands of small strings; reading a character makes V8
    // copy it into one flat string, and the tree is garbage. Kept as a tree, the 256 strings held 8 of the
    // typesetting thread's 14 MB (the bench's key: 74 MiB peak against 80)
    html.charCodeAt(0);
    if (typeset.size >= TYPESET_CACHE) typeset.clear();
    typeset.set(key, html);
  }
  return html;
}

/**
 * Stands for the k-th formula of a section typeset elsewhere (the text around it is escaped HTML, which
 * never holds a NUL: src/errors.ts visible() shows control characters).
 */
export const formulaMark = (k: number): string => `\u0000f${k}\u0000`;

/** A section's text with its formulas' HTML in place of their marks. */
export const fillFormulas = (text: string, html: readonly string[]): string => text.replace(/\u0000f(\d+)\u0000/g, (_all, k: string) => html[Number(k)]!);
