/**
 * Prose for LaTeX text mode (a derivation step's reason inside \text{…}, the
 * body of a .tex answer key): TeX's specials escaped and every character
 * kept. Greek letters and mathematical symbols become inline math
 * (`Φθ` → `$\Phi$$\theta$`, `ᵀ` → `$^{\top}$`), accented letters TeX accents,
 * so the text compiles with nothing but amsmath and amssymb and still reads
 * "e = y − Φθ", not "e = y  .".
 */
import { GREEK, GREEK_BY_UNICODE } from "../syntax/greek.js";
import { TEXT_THIN } from "./latex-space.js";

const SPECIALS: Readonly<Record<string, string>> = {
  "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "#": "\\#", "$": "\\$", "%": "\\%", "&": "\\&", "_": "\\_",
  // in the default OT1 encoding (no textcomp fonts needed): <, >, | are math, ~ and ^ accents on nothing
  "~": "\\~{}", "^": "\\^{}", "<": "$<$", ">": "$>$", "|": "$|$",
};

/** Symbols set as inline math. */
const MATH: Readonly<Record<string, string>> = {
  "ᵀ": "^{\\top}", "′": "'", "″": "''", "⊙": "\\odot", "⊗": "\\otimes", "∘": "\\circ", "⟨": "\\langle", "⟩": "\\rangle",
  "−": "-", "≤": "\\le", "≥": "\\ge", "≠": "\\ne", "≈": "\\approx", "‖": "\\|", "×": "\\times", "·": "\\cdot", "∇": "\\nabla",
  "∂": "\\partial", "∑": "\\sum", "√": "\\surd", "∞": "\\infty", "∈": "\\in", "→": "\\to", "⇒": "\\Rightarrow", "↦": "\\mapsto",
  "ℝ": "\\mathbb{R}", "𝟏": "\\mathbf{1}", "±": "\\pm", "∓": "\\mp", "⁺": "^{+}", "⁻": "^{-}", "⁽": "^{(}", "⁾": "^{)}",
  "⋯": "\\cdots", "∀": "\\forall", "∃": "\\exists", "∅": "\\emptyset", "⊂": "\\subset", "⊆": "\\subseteq", "∪": "\\cup", "∩": "\\cap",
  "⊤": "\\top", "⊥": "\\perp", "ϵ": "\\epsilon", "✓": "\\checkmark", "°": "^{\\circ}", "•": "\\bullet",
};
const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";

/** Text-mode characters beyond ASCII. */
const TEXT: Readonly<Record<string, string>> = {
  "—": "---", "–": "--", "‘": "`", "’": "'", "“": "``", "”": "''", "…": "\\ldots{}", "§": "\\S{}", "¶": "\\P{}",
  "\u00a0": "~", "\u2009": TEXT_THIN, "ß": "\\ss{}", "æ": "\\ae{}",
  "Æ": "\\AE{}", "ø": "\\o{}", "Ø": "\\O{}", "å": "\\aa{}", "Å": "\\AA{}", "œ": "\\oe{}", "Œ": "\\OE{}", "ł": "\\l{}", "Ł": "\\L{}",
};

/** Combining marks after NFD: a letter with an accent. The dot above is a time derivative (Ẋ), so math. */
const ACCENTS: Readonly<Record<string, (base: string) => string>> = {
  "\u0301": (b) => `\\'{${b}}`, "\u0300": (b) => `\\\`{${b}}`, "\u0302": (b) => `\\^{${b}}`, "\u0308": (b) => `\\"{${b}}`,
  "\u0303": (b) => `\\~{${b}}`, "\u0327": (b) => `\\c{${b}}`, "\u030c": (b) => `\\v{${b}}`, "\u0304": (b) => `\\={${b}}`,
  "\u030a": (b) => `\\r{${b}}`, "\u0307": (b) => `$\\dot{${b}}$`,
};

/** The character as inline math, or null when it is not a math symbol. */
function mathOf(c: string): string | null {
  const greek = GREEK_BY_UNICODE.get(c);
  if (greek) return GREEK.get(greek)!.latex;
  if (MATH[c] !== undefined) return MATH[c]!;
  const sup = SUPERSCRIPTS.indexOf(c);
  if (sup >= 0) return `^{${sup}}`;
  const sub = SUBSCRIPTS.indexOf(c);
  if (sub >= 0) return `_{${sub}}`;
  return null;
}

export function latexText(s: string): string {
  // composed characters first (≠ is one symbol, not = and a stroke); only the rest is taken apart into letter and accent
  const chars = [...s.normalize("NFC")];
  let out = "";
  let math = ""; // a run of math symbols is one $…$: "⁻¹" is $^{-1}$, not $^{-}$$^{1}$
  const flush = () => {
    if (math) out += `$${math}$`;
    math = "";
  };
  for (const c of chars) {
    const m = mathOf(c);
    if (m !== null) {
      // consecutive super- or subscripts join: ⁻¹ → ^{-1}, ₁₂ → _{12}
      math = /\^\{[^{}]*\}$/.test(math) && m.startsWith("^{") ? math.replace(/\}$/, "") + m.slice(2)
        : /_\{[^{}]*\}$/.test(math) && m.startsWith("_{") ? math.replace(/\}$/, "") + m.slice(2)
        : `${math}${m}`;
      continue;
    }
    flush();
    if (SPECIALS[c] !== undefined) out += SPECIALS[c];
    else if (TEXT[c] !== undefined) out += TEXT[c];
    else if (c === "\n" || (c >= " " && c <= "~")) out += c;
    else {
      // a letter with an accent (é, ï, Ẋ): the letter and a TeX accent
      const [base, mark] = [...c.normalize("NFD")];
      const accent = mark !== undefined ? ACCENTS[mark] : undefined;
      if (base !== undefined && /^[A-Za-z]$/.test(base) && accent) out += accent(base === "i" ? "\\i" : base);
      else out += `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`;
    }
  }
  flush();
  // inline math next to inline math merges: "$\\dot{X}$$^{-1}$" would read as a $$ display delimiter in Markdown
  return out.replace(/(?<!\\)\$\$/g, "");
}
