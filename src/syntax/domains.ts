/**
 * Domains written after the function, as papers and notes state them:
 *
 *   x^T A x, \quad x \in \mathbb{R}^n, A \in \mathbb{S}^n      ‖XW − Y‖_F^2,\ W \in ℝ^{d×k}
 *   \log\det\Sigma, \Sigma \in \mathbb{S}^n_{++}              f(w) = ‖w‖², w ∈ ℝ^d
 *
 * Each `NAMES \in SPACE` is the declaration `--let` would make (ℝ a scalar, ℝⁿ a vector of n, ℝ^{m×n} a matrix,
 * 𝕊ⁿ symmetric, 𝕊ⁿ₊₊ positive definite). The clause is blanked out of the text (spaces, so every span still
 * points into what the user wrote); a clause that is not wholly such statements is left to the parser.
 */
const blank = (s: string) => s.replace(/[^\n]/g, " ");

export interface Domain {
  /** The name as written (`x`, `\Sigma`, `W_1`). */
  readonly name: string;
  /** A --let SPEC: "scalar", "n", "m x n", "symmetric n x n", "posdef n x n". */
  readonly spec: string;
  /** The statement as written, for the note. */
  readonly written: string;
}

const VAR = String.raw`(?:\\(?:mathbf|boldsymbol|bm)\s*\{\s*(?:\\[A-Za-z]+|[A-Za-z])\s*\}|\\[A-Za-z]+|[A-Za-zα-ωΑ-Ω])(?:_\{[^{}]*\}|_[A-Za-z0-9])?`;
const SET = String.raw`(?:\\mathbb\s*\{\s*[RS]\s*\}|\\mathbb\s+[RS]|\\R(?![A-Za-z])|ℝ|𝕊)`;
const SUP = String.raw`\^\s*(?:\{[^{}]*\}|[A-Za-z0-9])`;
const SUB = String.raw`_\s*(?:\{\s*\+\+?\s*\}|\+\+?)`;
const SPACE = String.raw`${SET}(?:\s*${SUP})?(?:\s*${SUB})?(?:\s*${SUP})?`;
const ITEM = String.raw`${VAR}(?:\s*,\s*${VAR})*\s*(?:\\in(?![A-Za-z])|∈)\s*${SPACE}`;
/** Between the function and its first domain, and between domains: a comma, \quad, \text{where}, … */
const GAP = String.raw`(?:\s|,|;|\\[,;:! ]|\\q?quad(?![A-Za-z])|\\text\s*\{[^{}]*\}|\\mathrm\s*\{[^{}]*\}|\\(?:text|mathrm)?(?:for|where|with|and)(?![A-Za-z])|(?<![A-Za-z\\])(?:for|where|with|and)(?![A-Za-z]))*`;
/** ‖XW − Y‖², W ∈ ℝ^{d×k}; … \quad …; … where X ∈ ℝ^{n×d} (the word itself, as plain text types it) */
const TAIL = new RegExp(String.raw`(?:,|;|\\q?quad(?![A-Za-z])|\\text\s*\{[^{}]*\}|\s(?:where|for|with)(?![A-Za-z]))${GAP}(${ITEM}(?:${GAP}${ITEM})*)${GAP}\.?\s*$`);
const ONE_ITEM = new RegExp(String.raw`(${VAR}(?:\s*,\s*${VAR})*)\s*(?:\\in(?![A-Za-z])|∈)\s*(${SPACE})`, "g");
const NAMES = new RegExp(VAR, "g");

/** `input` with its trailing domain statements blanked, and what they declare; `input` itself when there are none. */
export function readDomains(input: string): { readonly expr: string; readonly domains: readonly Domain[] } {
  if (!input.includes("\\in") && !input.includes("∈")) return { expr: input, domains: [] };
  const tail = TAIL.exec(input);
  if (!tail) return { expr: input, domains: [] };
  const domains: Domain[] = [];
  for (const item of tail[1]!.matchAll(ONE_ITEM)) {
    const spec = specOf(item[2]!);
    if (spec === null) return { expr: input, domains: [] };
    for (const [name] of item[1]!.matchAll(NAMES)) domains.push({ name: name.replace(/\s+/g, ""), spec, written: item[0].replace(/\s+/g, " ").trim() });
  }
  return { expr: input.slice(0, tail.index) + blank(tail[0]) , domains };
}

/** The --let SPEC of ℝ, ℝⁿ, ℝ^{m×n}, 𝕊ⁿ, 𝕊ⁿ₊₊; null for a space that is none of these (ℝ^{n×n×k}). */
function specOf(space: string): string | null {
  const symmetric = /S\s*\}|\\mathbb\s+S|𝕊/.test(space);
  const positive = /_\s*(?:\{\s*\+\+\s*\}|\+\+)/.test(space);
  const sup = /\^\s*(?:\{([^{}]*)\}|([A-Za-z0-9]))/.exec(space);
  const sizes = sup ? (sup[1] ?? sup[2]!).split(/\\times|×|\\cdot|\*|(?<=\s)x(?=\s)/).map((d) => d.replace(/[\s{}]/g, "")) : [];
  if (!sizes.every((d) => /^(?:\d+|[A-Za-z](?:_?[A-Za-z0-9]){0,2})$/.test(d))) return null;
  if (symmetric) {
    if (sizes.length > 1 && sizes[0] !== sizes[1]) return null;
    const n = sizes[0];
    return `${positive ? "posdef" : "symmetric"}${n === undefined ? "" : ` ${n} x ${n}`}`;
  }
  if (sizes.length === 0) return "scalar";
  if (sizes.length === 1) return sizes[0] === "1" ? "scalar" : `vector ${sizes[0]}`;
  if (sizes.length === 2) return sizes[1] === "1" ? `vector ${sizes[0]}` : `matrix ${sizes[0]} x ${sizes[1]}`;
  return null;
}
