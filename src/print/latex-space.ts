/**
 * Spacing in emitted LaTeX, as primitives. KaTeX defines `\,` `\;` `\!` and
 * `\quad` as macros (`\,` → `\tmspace+{3mu}{.1667em}` → `\TextOrMath…`), and
 * every expansion counts against its maxExpand (1,000): a long Hessian
 * derivation with a thin space per differential passed it. `\mkern` and
 * `\hskip` are KaTeX functions, not macros, and set the same glue
 * (node_modules/katex/src/macros.ts: `\,` is `\mskip3mu`, `\;` `\mskip5mu`,
 * `\quad` `\hskip1em`), so the output looks the same and costs no expansion.
 * Each ends in a space, so a following letter is not read as part of the unit.
 */
/** `\,` in math mode. */
export const THIN = "\\mkern3mu ";
/** `\;` in math mode. */
export const THICK = "\\mkern5mu ";
/** `\quad`. */
export const QUAD = "\\hskip1em\\relax ";
/** `\,` inside `\text{…}`, where `\mkern` (math only) is an error under strict KaTeX. */
export const TEXT_THIN = "\\kern0.1667em ";
