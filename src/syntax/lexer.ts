/**
 * The lexer: rawTokens cuts the input into raw pieces, then `tokenize` turns them
 * into the tokens the grammar sees. All spelling variants are settled here
 * (`\operatorname{tr}` and `trace` are one `fn` token, `\left(` is one
 * `lparen`, `\mathbf{W}_1` is one `ident`), so the grammar only has to get
 * precedence right. Letter runs are split into symbols here too, which keeps
 * the grammar free of the ambiguity that splitting words inside it would cause.
 */
import type { FunctionName } from "./ast.js";
import { FN_NAMES, OPERATIONS } from "../core/operations.js";
import { GREEK, GREEK_BY_UNICODE } from "./greek.js";
import { ACCENTS, ACCENT_BY_COMMAND, PRECOMPOSED_ACCENTED, withAccent, withLabel, type Accent } from "./names.js";
import { MatdiffError, lineCol } from "../errors.js";

export type TokenType =
  | "num" | "ident" | "ones"
  | "fncall" | "fnop"           // a function name followed / not followed by `(`
  | "invfn" | "kronfn" | "normfn" | "maxfn" | "frac" | "sqrtcmd"
  | "gaussfn" | "semi"          // 𝒩(x; μ, Σ), \mathcal{N}(x \mid μ, Σ): the Gaussian density, its `;` or `\mid` (gaussian.ts)
  | "lparen" | "rparen" | "lbrack" | "rbrack" | "lbrace" | "rbrace"
  | "bar" | "lnorm" | "rnorm" | "langle" | "rangle" | "comma"
  | "plus" | "minus" | "times" | "slash" | "hadamard" | "hdivide" | "kronop"
  | "caret" | "dotcaret" | "prime" | "sup" | "lt" | "gt"
  | "tee"                      // transpose after `^`: `T`, `\top`, `\intercal` (T elsewhere is a name)
  | "vbar" | "lvert" | "rvert" // `|x|`, `\lvert X \rvert`: abs of a scalar or vector, det of a matrix
  | "expbase"                  // `e` or `\mathrm{e}` raised to a power that is not a transpose or inverse: exp
  | "sub" | "normsub"          // a subscript not attached to a name; `_1`, `_2` and `_F` can follow a norm
  | "stray";                    // `.`: readable, but never valid

export interface Token {
  readonly type: TokenType;
  /** Canonical value: identifier or function name, number text, sub/superscript text. */
  readonly value: string;
  /** Exactly the source text, input.slice(offset, end). */
  readonly text: string;
  readonly offset: number;
  readonly end: number;
  /** An ident written `\mathbf{…}`, `\boldsymbol{…}`, `\bm{…}`: bold lowercase is a vector (DESIGN.md §2). */
  readonly bold?: true;
  /** `\sum_i`, `\sum_{i=1}^{n}`: the index a sum runs over (an fnop `sum`). */
  readonly index?: string;
  /** `\sum_{i=1}^{N}`: the upper limit, a letter or a number: how many terms the sum has. */
  readonly count?: string;
  /** `\sum_{j \neq y}`: the one value of the index the sum leaves out, a label. */
  readonly except?: string;
  /** `A(θ)`: the ident is an opaque function of the parameter written in parentheses right after it (see `parameterOf`). */
  readonly param?: { readonly name: string; readonly offset: number; readonly end: number; readonly param?: { readonly name: string; readonly offset: number; readonly end: number } };
}

export const spanOf = (t: { readonly offset: number; readonly end: number }) => ({ start: t.offset, end: t.end });

export const OPENERS: Partial<Record<TokenType, TokenType>> = {
  lparen: "rparen", lbrack: "rbrack", lbrace: "rbrace", lnorm: "rnorm", langle: "rangle", lvert: "rvert",
};
export const CLOSERS: ReadonlySet<TokenType> = new Set(Object.values(OPENERS));

/**
 * The operation table's spellings of one kind, each to its operation, between entries of the table's own, in
 * this order (a later one of the same spelling wins, where the first was). Written as a loop, not spread from
 * flatMap and fromEntries: their arrays were most of what these tables cost every start.
 */
function spellings(before: Readonly<Record<string, FunctionName>>, kind: "words" | "commands" | "operatornames", after: Readonly<Record<string, FunctionName>> = {}): Readonly<Record<string, FunctionName>> {
  const table: Record<string, FunctionName> = { ...before };
  for (const name of FN_NAMES) for (const w of OPERATIONS[name][kind] ?? []) table[w] = name;
  return Object.assign(table, after);
}

/** Words that name functions, in any of their ASCII or `\operatorname{}` spellings. */
export const FUNCTION_WORDS: Readonly<Record<string, FunctionName>> = spellings(
  { tr: "tr", Tr: "tr", trace: "tr", det: "det", logdet: "logdet" }, "words",
  { sum: "sum", mean: "mean", diag: "diag", Diag: "diag", vec: "vec", unvec: "unvec" },
);
/** `\operatorname{H}`: names that are a function only inside \operatorname (a bare H is a matrix). */
const OPERATOR_NAMES: Readonly<Record<string, FunctionName>> = spellings({}, "operatornames");
/** Function words with a digit or an underscore (`log1p`, `log_softmax`), which a letter run cannot hold: the lexer reads them whole. */
export const COMPOUND_WORDS: readonly string[] = Object.keys(FUNCTION_WORDS).filter((w) => !/^[A-Za-z]+$/.test(w)).sort((a, b) => b.length - a.length);

/** Function spellings that parse to other nodes (ast.ts): always written with parentheses. */
const SPECIAL_WORDS: Readonly<Record<string, TokenType>> = { inv: "invfn", kron: "kronfn", norm: "normfn", max: "maxfn" };
/** `\tr` and `\Tr` are not LaTeX, but are the usual macro names. */
const FUNCTION_COMMANDS: Readonly<Record<string, FunctionName>> = spellings({ det: "det" }, "commands", { tr: "tr", Tr: "tr", sum: "sum" });
const SYMBOL_COMMANDS: Readonly<Record<string, TokenType>> = {
  cdot: "times", times: "times", odot: "hadamard", circ: "hadamard", oslash: "hdivide", otimes: "kronop", top: "tee", intercal: "tee", prime: "tee",
  langle: "langle", rangle: "rangle", lVert: "lnorm", rVert: "rnorm", Vert: "bar",
  frac: "frac", dfrac: "frac", tfrac: "frac", sqrt: "sqrtcmd", lvert: "lvert", rvert: "rvert", vert: "vbar", max: "maxfn",
  mid: "semi",
};
/**
 * Decorations that do not change which symbol is meant: `\mathbf{x}` is `x`. `\vec` is LaTeX's arrow accent,
 * `\underline{x}` engineering's mark of a vector.
 */
const DECORATIONS: ReadonlySet<string> = new Set([
  "mathbf", "boldsymbol", "bm", "pmb", "mathbb", "mathit", "mathsf", "mathrm", "mathcal", "vec", "underline", "overrightarrow",
]);
/** Decorations that make a lowercase letter a vector: bold, and the arrow and the bar below that mark one. */
const BOLD: ReadonlySet<string> = new Set(["mathbf", "boldsymbol", "bm", "pmb", "vec", "underline", "overrightarrow"]);
/** A subscript's label in upright letters: `W_{\text{out}}`, `b_{\mathrm{hid}}`. */
const UPRIGHT: ReadonlySet<string> = new Set(["\\text", "\\textrm", "\\mathrm", "\\operatorname", "\\textit", "\\mathit"]);

/** `\operatorname{tr}`, `\text{tr}`; `\mathrm{tr}` too, but `\mathrm{T}` is a decorated letter. */
const NAME_COMMANDS: ReadonlySet<string> = new Set(["operatorname", "mathrm", "text", "textrm"]);
/** `\frac12` is `\frac{1}{2}`: an unbraced argument of these is one character, as in TeX. */
const FRACTIONS: ReadonlySet<string> = new Set(["\\frac", "\\dfrac", "\\tfrac"]);
const IGNORED_COMMANDS: ReadonlySet<string> = new Set(["quad", "qquad", "displaystyle", "textstyle", "relax"]);
/** Explicit glue, `\mkern3mu`, `\hskip1em`: matdiff's own LaTeX spaces so (print/latex-space.ts), and reads it back. */
const KERN_COMMANDS: ReadonlySet<string> = new Set(["mkern", "mskip", "kern", "hskip"]);
const KERN_UNIT = /^(?:mu|em|ex|pt)$/;
const SIZING = /^\\(?:left|right|[bB]igg?[lrm]?)$/;

/** The commands read, for what an unknown one may have meant: built at the first unknown one. */
const knownCommands = (): readonly string[] => [
  ...[...GREEK.values()].map((g) => g.name), ...Object.keys(FUNCTION_COMMANDS), ...Object.keys(SYMBOL_COMMANDS),
  ...DECORATIONS, ...ACCENT_BY_COMMAND.keys(), ...NAME_COMMANDS, ...IGNORED_COMMANDS, ...KERN_COMMANDS, "mathop", "left", "right", "bigl", "bigr", "Bigl", "Bigr",
].map((c) => `\\${c}`);
export const KNOWN_FUNCTIONS: readonly string[] = [...Object.keys(FUNCTION_WORDS), ...Object.keys(SPECIAL_WORDS)];

/** Keywords a letter run is split into, by first letter, longest first; everything else is one letter per symbol. */
const WORD_KEYWORDS: ReadonlyMap<string, readonly string[]> = (() => {
  const byLetter = new Map<string, string[]>();
  for (const k of [...KNOWN_FUNCTIONS, ...GREEK.keys()].sort((a, b) => b.length - a.length)) {
    const list = byLetter.get(k[0]!);
    if (list) list.push(k);
    else byLetter.set(k[0]!, [k]);
  }
  return byLetter;
})();

const SUPERSCRIPT: Readonly<Record<string, string>> = {
  "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "ᵀ": "T",
};
const SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉";
/** Unicode's subscript letters, as phones and plain-text notes write indices: xᵢ, ∑ᵢ, Aᵢⱼ. */
const SUBSCRIPT_LETTERS: ReadonlyMap<string, string> = new Map([
  ["ₐ", "a"], ["ₑ", "e"], ["ₕ", "h"], ["ᵢ", "i"], ["ⱼ", "j"], ["ₖ", "k"], ["ₗ", "l"], ["ₘ", "m"], ["ₙ", "n"], ["ₒ", "o"],
  ["ₚ", "p"], ["ᵣ", "r"], ["ₛ", "s"], ["ₜ", "t"], ["ᵤ", "u"], ["ᵥ", "v"], ["ₓ", "x"],
]);
export const SUBSCRIPT_LETTER_CHARS = [...SUBSCRIPT_LETTERS.keys()].join("");
/** The n-ary ∑ and ∏ as typed, the commands they are (Σ, the Greek letter, stays the covariance's name). */
const NARY: ReadonlyMap<string, string> = new Map([["∑", "\\sum"], ["∏", "\\prod"]]);
/** ½ and its kin as typed: the fraction, bracketed (½x is x/2, not 1/(2x)); NFKD spells each 1⁄2. */
export const VULGAR_FRACTIONS = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞";

/**
 * Longest subscript of a name (`W_{out}`, `x_{12}`). Names are printed in
 * every line of a result and of its derivation, so a 9,000-letter one made
 * rendering take seconds; no textbook name comes near this.
 */
export const MAX_SUBSCRIPT = 32;

export interface Raw { readonly type: string; readonly text: string; readonly offset: number; readonly end: number }

/** JavaScript's \s: what separates tokens. */
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
  || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** Characters that are a token of their own, by type (the order of the checks below decides the rest). */
const SINGLE: ReadonlyMap<string, string> = (() => {
  const single = new Map<string, string>(Object.entries({
    "(": "lparen", ")": "rparen", "[": "lbrack", "]": "rbrack", "{": "lbrace", "}": "rbrace", "+": "plus", "-": "minus", "−": "minus",
    "*": "times", "·": "times", "×": "times", "@": "times", "/": "slash", "⊙": "hadamard", "∘": "hadamard", "⊘": "hdivide", "⊗": "kronop", "^": "caret", "'": "prime",
    "′": "prime", "<": "lt", ">": "gt", ",": "comma", ";": "semi", ":": "colon", "√": "sqrtsign", "~": "tilde", "⟨": "langle", "⟩": "rangle", "‖": "dbar",
  }));
  for (const c of GREEK_BY_UNICODE.keys()) single.set(c, "greek");
  for (const c of PRECOMPOSED_ACCENTED) single.set(c, "accented");
  for (const a of ACCENTS) single.set(a.mark, "accentmark");
  return single;
})();
const SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const ONES = "𝟏";
/** 𝒩, MATHEMATICAL SCRIPT CAPITAL N: the normal distribution's letter, read as N (a call of it is the Gaussian density). */
const SCRIPT_N = "𝒩";
/** The lower limit of an indexed sum, \sum_{i=1}: the only place an = is read. */
const SUM_FROM = /_\{\s*[A-Za-z]\s*=\s*\d+\s*\}/y;
const NUMBER = /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/y;

/**
 * The input cut into raw pieces (whitespace and ~ dropped), by a scanner written out rather than a lexer
 * generator's one regular expression of alternatives: at each position the first of these that matches
 * wins, in this order — a sum's lower limit `_{i=1}`, a number, a function word with a digit or an
 * underscore (log1p), a letter run, a command `\name` or `\` and one character, a Greek or accented
 * letter or a combining accent, superscript and subscript digits, 𝟏, 𝒩, `.*` `./` `.^` `.`, `||` `‖` `|`,
 * and the single characters of SINGLE. Compiling moo's expression was 3 ms of a 60 ms command, and
 * running it most of tokenize (test/parser-fuzz.test.ts holds the scanner to moo's reading of these rules).
 */
export function rawTokens(input: string): Raw[] {
  const out: Raw[] = [];
  const n = input.length;
  const push = (type: string, start: number, end: number) => out.push({ type, text: input.slice(start, end), offset: start, end });
  let p = 0;
  while (p < n) {
    const c = input.charCodeAt(p);
    if (isSpace(c)) { p++; while (p < n && isSpace(input.charCodeAt(p))) p++; continue; }
    if (c === 95 /* _ */) {
      SUM_FROM.lastIndex = p;
      const m = SUM_FROM.exec(input);
      if (m) { push("sumfrom", p, p + m[0].length); p += m[0].length; continue; }
      push("underscore", p, p + 1); p++; continue;
    }
    if (isDigit(c) || (c === 46 /* . */ && isDigit(input.charCodeAt(p + 1)))) {
      NUMBER.lastIndex = p;
      const m = NUMBER.exec(input)!;
      push("num", p, p + m[0].length); p += m[0].length; continue;
    }
    if (isLetter(c)) {
      const word = COMPOUND_WORDS.find((w) => input.startsWith(w, p));
      if (word) { push("fnword", p, p + word.length); p += word.length; continue; }
      let e = p + 1;
      while (e < n && isLetter(input.charCodeAt(e))) e++;
      push("word", p, e); p = e; continue;
    }
    if (c === 92 /* \ */) {
      let e = p + 1;
      while (e < n && isLetter(input.charCodeAt(e))) e++;
      if (e > p + 1) { push("cmd", p, e); p = e; continue; }
      if (p + 1 < n) { push("cmdsym", p, p + 2); p += 2; continue; }
      throw unexpected(input, p);
    }
    if (c === 0x207b /* ⁻ */ || SUPERSCRIPT_DIGITS.includes(input[p]!) || c === 0x1d40 /* ᵀ */) {
      let e = c === 0x207b ? p + 1 : p;
      if (input.charCodeAt(e) === 0x1d40) e++;
      else while (e < n && SUPERSCRIPT_DIGITS.includes(input[e]!)) e++;
      if (e === p + (c === 0x207b ? 1 : 0)) throw unexpected(input, p);
      push("sup", p, e); p = e; continue;
    }
    if (c >= 0x2080 && c <= 0x2089) {
      let e = p + 1;
      while (e < n && input.charCodeAt(e) >= 0x2080 && input.charCodeAt(e) <= 0x2089) e++;
      push("subdigits", p, e); p = e; continue;
    }
    if (SUBSCRIPT_LETTERS.has(input[p]!)) {
      let e = p + 1;
      while (e < n && SUBSCRIPT_LETTERS.has(input[e]!)) e++;
      push("subletters", p, e); p = e; continue;
    }
    if (NARY.has(input[p]!)) { push("nary", p, p + 1); p++; continue; }
    if (VULGAR_FRACTIONS.includes(input[p]!)) { push("vulgar", p, p + 1); p++; continue; }
    if (input.startsWith(ONES, p)) { push("ones", p, p + ONES.length); p += ONES.length; continue; }
    if (input.startsWith(SCRIPT_N, p)) { push("scriptN", p, p + SCRIPT_N.length); p += SCRIPT_N.length; continue; }
    if (c === 46 /* . */) {
      const next = input[p + 1];
      const type = next === "*" ? "dotstar" : next === "/" ? "dotslash" : next === "^" ? "dotcaret" : "dot";
      const end = type === "dot" ? p + 1 : p + 2;
      push(type, p, end); p = end; continue;
    }
    if (c === 124 /* | */) {
      if (input.charCodeAt(p + 1) === 124) { push("dbar", p, p + 2); p += 2; continue; }
      push("bar1", p, p + 1); p++; continue;
    }
    const single = SINGLE.get(input[p]!);
    if (single === undefined) throw unexpected(input, p);
    if (single !== "tilde") push(single, p, p + 1);
    p++;
  }
  return out;
}

/** What a function that code gives an axis (dim=0, axis=1, a second argument) is over without one, and how to write the other axis. */
export function axisHint(fn: string | undefined): string {
  if (fn === "sum" || fn === "mean") {
    return `${fn}(X) is over every entry: ${fn === "sum" ? "the column sums (axis 0) are 𝟏ᵀX, written \\mathbf{1}^T X, the row sums (axis 1) X𝟏" : "the column means (axis 0) are 𝟏ᵀX/n, written \\mathbf{1}^T X / n, the row means (axis 1) X𝟏/m"}`;
  }
  return "an axis is not read: softmax, log_softmax and logsumexp are over a vector's entries (of a matrix, column by column, dim 0); for rows, transpose: softmax(X^T)^T";
}

function unexpected(input: string, at: number): MatdiffError {
  const ch = String.fromCodePoint(input.codePointAt(at) ?? 0);
  // F.softmax(z, dim=0), np.sum(X, axis=1), np.linalg.norm(x, ord=1): a keyword argument of pasted code
  const keyword = ch === "=" ? /\b(dim|axis|ord|keepdims?)\s*$/.exec(input.slice(0, at))?.[1] : undefined;
  if (keyword) {
    const fn = /([A-Za-z_]\w*)\s*\([^()]*,\s*\w+\s*$/.exec(input.slice(0, at))?.[1];
    const { line, col } = lineCol(input, at);
    return new MatdiffError("syntax", `a keyword argument, ${keyword}=…, is not read, at ${line}:${col}`, { start: at - keyword.length, end: at + 1 }, {
      hint: keyword === "ord"
        ? "write the order as norm(x, 1), norm(x, 2) or norm(X, 'fro')"
        : axisHint(fn),
    });
  }
  // $x^T A x without its closing $: a note's formula half pasted
  if (ch === "$" && input.trimStart().startsWith("$")) {
    const { line, col } = lineCol(input, at);
    return new MatdiffError("syntax", `unexpected character '$' at ${line}:${col}`, { start: at, end: at + 1 }, {
      hint: "$…$ around the whole input is read as a note's formula; otherwise paste the math between the dollars",
    });
  }
  return syntaxError(input, `unexpected character '${ch}'`, at, at + ch.length);
}

function syntaxError(input: string, what: string, start: number, end: number): MatdiffError {
  const { line, col } = lineCol(input, start);
  return new MatdiffError("syntax", `${what} at ${line}:${col}`, { start, end });
}

/** Optimal string alignment distance: `tarce` is one transposition from `trace`. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate, if it is close enough to be what the user meant. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const caseless = candidates.find((c) => c.toLowerCase() === word.toLowerCase());
  if (caseless !== undefined) return caseless;
  const allowed = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const c of candidates) {
    // the distance is at least the difference in length: a 9,000-letter \aaa… is compared with nothing
    if (Math.abs(c.length - word.length) > allowed) continue;
    const dist = editDistance(word, c);
    if (dist < bestDistance) { best = c; bestDistance = dist; }
  }
  return best;
}

/**
 * `\max_i x_i`, `\min(x)`, `\min_i`: the largest or smallest entry, whose derivative is a one-hot vector at an
 * index no closed form names. (An optimisation, `\min_w f`, is read before lexing: src/syntax/question.ts.)
 */
function extremumOverEntries(t: { readonly text: string; readonly offset: number; readonly end: number }, next: { readonly end: number } | undefined): MatdiffError {
  const what = t.text.includes("min") ? "smallest" : "largest";
  return new MatdiffError("unsupported", `the ${what} entry (${t.text}) has no derivative in closed form: it is one-hot at that entry`, { start: t.offset, end: next?.end ?? t.end }, {
    hint: `max(0, x) and max(x, 0) are the ReLU; a smooth ${what} entry is ${what === "largest" ? "logsumexp(x)" : "−logsumexp(−x)"}; an optimisation reads \\min_w f, the objective by w`,
  });
}

/** Names people reach for that are no function matdiff has, with what to write instead. */
/** What the pseudo-inverse is, for \\dagger, pinv and A^+. */
const PSEUDO_INVERSE = "for X of full column rank it is (XᵀX)⁻¹Xᵀ, written (X^T X)^{-1} X^T; of full row rank, X^T (X X^T)^{-1}";
const ADJUGATE = "the adjugate of an invertible A is det(A) A⁻¹: write \\det(A) A^{-1}";

const INSTEAD: Readonly<Record<string, string>> = {
  KL: "KL(p ‖ q) is Σᵢ pᵢ log(pᵢ/qᵢ): write p^T \\log(p ./ q), or \\sum_i p_i \\log \\frac{p_i}{q_i}",
  eig: "eigenvalues are not differentiated: for a symmetric A and a simple eigenvalue λ with unit eigenvector v, ∇λ = v vᵀ",
  rank: "the rank is piecewise constant: where it is differentiable its derivative is 0",
  adj: ADJUGATE,
  adjugate: ADJUGATE,
  pinv: `the pseudo-inverse is not read: ${PSEUDO_INVERSE}`,
  argmax: "an argmax is piecewise constant; a smooth stand-in is softmax(x)",
  argmin: "an argmin is piecewise constant; a smooth stand-in is softmax(−x)",
  // the matrix functions: exp, log and sqrt of a matrix are entrywise here, and these are not them
  expm: "the matrix exponential is not read (exp(X) is entrywise); under a trace, d tr(expm(X)) = tr(expm(X) dX), so ∇ tr(expm(X)) = expm(X)ᵀ",
  logm: "the matrix logarithm is not read (log(X) is entrywise), but its trace is: tr(logm(X)) = log det(X), written \\log\\det(X)",
  sqrtm: "the matrix square root is not read (sqrt(X) is entrywise); under a trace, ∇ tr(sqrtm(X)) = ½ sqrtm(X)⁻ᵀ",
  MSE: "the mean squared error of y and ŷ is ‖y − ŷ‖²/n: write \\frac{1}{n}\\|y - \\hat{y}\\|^2",
  CE: "the cross-entropy of a one-hot y and probabilities p is −yᵀ log(p): write -y^T \\log(p), or -y^T \\log\\operatorname{softmax}(z) for logits z",
  // names that end in a function matdiff knows, so that they would read as a product (arc·cot(x), l·γ(x))
  ...Object.fromEntries(["lgamma", "gammaln", "loggamma", "digamma", "trigamma", "polygamma", "betaln"].map((name) => [name,
    "the Gamma function and its logarithmic derivatives are not read yet: log Γ′ = ψ, the digamma function, and ψ′ the trigamma function; differentiate the rest and add ψ by hand"])),
  ...Object.fromEntries(["arccot", "acot", "arcsec", "asec", "arccsc", "acsc"].map((name) => [name,
    "write it with arctan, arcsin or arccos: arccot x = π/2 − arctan x, arcsec x = arccos(1/x), arccsc x = arcsin(1/x)"])),
};

function unknownFunction(name: string, start: number, end: number): MatdiffError {
  if (name === "min") return extremumOverEntries({ text: name, offset: start, end }, undefined);
  const instead = Object.hasOwn(INSTEAD, name) ? INSTEAD[name] : undefined;
  if (instead) return new MatdiffError("unknown-function", `unknown function '${name}'`, { start, end }, { hint: instead });
  const guess = didYouMean(name, KNOWN_FUNCTIONS);
  const hint = guess ? `did you mean ${guess}?` : `known functions: ${KNOWN_FUNCTIONS.join(", ")}`;
  return new MatdiffError("unknown-function", `unknown function '${name}'`, { start, end }, { hint });
}

/** Split a letter run, at each position taking the longest keyword, else one letter. */
function splitWord(word: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < word.length;) {
    const piece = WORD_KEYWORDS.get(word[i]!)?.find((k) => word.startsWith(k, i)) ?? word[i]!;
    pieces.push(piece);
    i += piece.length;
  }
  return pieces;
}

interface Decoration { readonly start: number; readonly bold: boolean; readonly accent?: Accent }

/** Own keys only: `\\toString` must not find Object.prototype.toString. */
const lookup = <V>(table: Readonly<Record<string, V>>, key: string): V | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

/** `f(x)`, `g(z)`: the letters people use for an unspecified function, applied. */
const FUNCTION_NAME_LETTER = /^[fgh]$/;

/** Words that look like a function name: `foo`, `tarce`, `Trace`; not `AB` or `Ax`, which are products. */
const FUNCTION_LIKE = /^(?:[a-z]{2,}|[A-Z][a-z]{2,})$/;

/**
 * Turns the input into grammar tokens, or throws a MatdiffError for
 * characters, commands and function names that cannot be read.
 */
/**
 * NumPy's functions of two arrays, np.dot(a, b), np.outer(a, b), np.matmul(A, B), np.multiply(a, b),
 * np.maximum(0, x), and np.transpose(A), rewritten as the notation they stand for: ⟨a, b⟩, (a)(b)ᵀ,
 * (A)(B), (a) ⊙ (b), max(0, x), (A)ᵀ. Each must be a call, the word glued to its bracket, with one
 * comma at its top level where it takes two.
 */
/** The bracket closing the call opened at `open`, and the first comma at its own level (-1 for none). */
function callExtent(out: readonly Raw[], open: number): { close: number; comma: number } {
  let depth = 0, close = -1, comma = -1;
  for (let k = open; k < out.length && close < 0; k++) {
    const type = out[k]!.type;
    if (type === "lparen" || type === "lbrack" || type === "lbrace") depth++;
    else if (type === "rparen" || type === "rbrack" || type === "rbrace") { depth--; if (depth === 0) close = k; }
    else if (type === "comma" && depth === 1 && comma < 0) comma = k;
  }
  return { close, comma };
}

function arrayCalls(r: Raw[]): Raw[] {
  if (!r.some((t) => t.type === "word" && Object.hasOwn(ARRAY_CALLS, t.text))) return r;
  const out = [...r];
  for (let i = out.length - 2; i >= 0; i--) {
    const t = out[i]!;
    if (t.type !== "word" || !Object.hasOwn(ARRAY_CALLS, t.text) || out[i + 1]!.type !== "lparen" || out[i + 1]!.offset !== t.end) continue;
    const { close, comma } = callExtent(out, i + 1);
    const kind = ARRAY_CALLS[t.text]!;
    if (close < 0 || ONE_ARGUMENT.has(kind) !== (comma < 0) || close === i + 2) continue;
    const at = (type: string, like: Raw, text = like.text): Raw => ({ type, text, offset: like.offset, end: like.end });
    const open = out[i + 1]!, shut = out[close]!, sep = comma >= 0 ? out[comma]! : undefined;
    switch (kind) {
      case "inner": out.splice(close, 1, at("rangle", shut, "⟩")); out.splice(i, 2, at("langle", open, "⟨")); break;
      case "max": out.splice(i, 1, at("word", t, "max")); break;
      case "transpose": out.splice(close, 1, shut, at("prime", shut, "'")); out.splice(i, 1); break;
      case "outer": out.splice(close, 1, shut, at("prime", shut, "'")); out.splice(comma, 1, at("rparen", sep!, ")"), at("lparen", sep!, "(")); out.splice(i, 1); break;
      case "matmul": out.splice(comma, 1, at("rparen", sep!, ")"), at("lparen", sep!, "(")); out.splice(i, 1); break;
      case "multiply": out.splice(comma, 1, at("rparen", sep!, ")"), at("hadamard", sep!, "⊙"), at("lparen", sep!, "(")); out.splice(i, 1); break;
      // ((x).^2), ((A)^{-1}(b)): bracketed whole, so that a method or a product after it takes all of it
      case "square": out.splice(close + 1, 0, at("dotcaret", shut, ".^"), at("num", shut, "2"), at("rparen", shut, ")")); out.splice(i, 1, at("lparen", t, "(")); break;
      case "identity": out.splice(i, close - i + 1, at("word", { ...t, end: shut.end }, "I")); break;
      case "ones": out.splice(i, close - i + 1, at("ones", { ...t, end: shut.end }, "𝟏")); break;
      case "solve":
        out.splice(close + 1, 0, at("rparen", shut, ")"));
        out.splice(comma, 1, at("rparen", sep!, ")"), at("caret", sep!, "^"), at("lbrace", sep!, "{"), at("minus", sep!, "-"), at("num", sep!, "1"), at("rbrace", sep!, "}"), at("lparen", sep!, "("));
        out.splice(i, 1, at("lparen", t, "("));
        break;
      case "logaddexp": {
        // np.logaddexp(0, x), the softplus log(1 + eˣ) as NumPy writes it stably
        const zero = (from: number, to: number) => to === from + 1 && out[from]!.type === "num" && Number(out[from]!.text) === 0;
        if (zero(i + 2, comma) || zero(comma + 1, close)) {
          out.splice(zero(i + 2, comma) ? i + 2 : comma, 2);
          out.splice(i, 1, at("fnword", t, "softplus"));
          break;
        }
        out.splice(close, 1, shut, at("rparen", shut, ")"));
        out.splice(comma, 1, at("rparen", sep!, ")"), at("plus", sep!, "+"), at("word", sep!, "exp"), at("lparen", sep!, "("));
        out.splice(i, 1, at("word", t, "log"), at("lparen", open, "("), at("word", t, "exp"));
        break;
      }
    }
  }
  return out;
}

/**
 * norm(E, 'fro'), np.linalg.norm(x, 2), norm(x, 1): MATLAB's and NumPy's order argument, read as ‖E‖_F, ‖x‖_2,
 * ‖x‖_1 (norm(·, 'nuc') and norm(·, inf) as ‖·‖_* and ‖·‖_∞, which are refused by name).
 */
function normOrders(r: Raw[]): Raw[] {
  if (!r.some((t) => t.type === "word" && t.text === "norm")) return r;
  const input = (ts: readonly Raw[]) => ts.map((t) => t.text).join("");
  const out = [...r];
  for (let i = out.length - 2; i >= 0; i--) {
    const t = out[i]!;
    if (t.type !== "word" || t.text !== "norm" || out[i + 1]!.type !== "lparen" || out[i + 1]!.offset !== t.end) continue;
    const { close, comma } = callExtent(out, i + 1);
    if (close < 0 || comma < 0) continue;
    const order = out.slice(comma + 1, close);
    const quoted = order.length === 3 && order[0]!.type === "prime" && order[1]!.type === "word" && order[2]!.type === "prime" ? order[1]!.text : undefined;
    const plain = order.length === 1 && (order[0]!.type === "num" || order[0]!.type === "word") ? order[0]!.text : undefined;
    const name = quoted ?? plain;
    const at = (type: string, text: string, like: Raw): Raw => ({ type, text, offset: like.offset, end: like.end });
    const shut = out[close]!, sep = out[comma]!;
    // the order's token spans it and the bracket, so a note or a caret shows `, 'fro')` as written
    const span: Raw = { type: "", text: "", offset: order[0]?.offset ?? sep.offset, end: shut.end };
    const sub: Raw[] | undefined = name === "fro" || name === "f" || name === "F" ? [at("word", "F", span)]
      : name === "1" || name === "2" ? [at("num", name, span)]
      : name === "nuc" ? [at("times", "*", span)]
      : name === "inf" ? [at("cmd", "\\infty", span)]
      : undefined;
    if (!sub) {
      throw new MatdiffError("unsupported", `norm(·, ${input(order)}) is not read: the orders read are 1, 2 and 'fro'`, { start: sep.offset, end: shut.end }, {
        hint: "write the norm itself, e.g. sum(abs(x).^p)^(1/p) for a p-norm",
      });
    }
    const edge = (type: string): Raw => ({ type, text: "", offset: sep.offset, end: sep.offset });
    out.splice(comma, close - comma + 1, { ...edge("dbar"), text: "‖" }, edge("underscore"), ...sub);
    out.splice(i, 2, at("dbar", "‖", t));
  }
  return out;
}

/** Where the receiver of the method call whose dot is at `dot` starts: a bracket with the function it is the call of, or a word, and X.T's X with it. */
function receiverStart(out: readonly Raw[], dot: number): number {
  let start = dot - 1;
  const last = out[start];
  if (last === undefined || last.end !== out[dot]!.offset) return -1;
  if (last.type === "rparen" || last.type === "rbrack") {
    let depth = 0;
    for (; start >= 0; start--) {
      const type = out[start]!.type;
      if (type === "rparen" || type === "rbrack") depth++;
      else if ((type === "lparen" || type === "lbrack") && --depth === 0) break;
    }
    if (start < 0) return -1;
    const fn = out[start - 1];
    if (fn && (fn.type === "word" || fn.type === "fnword") && fn.end === out[start]!.offset) start--;
  } else if (last.type !== "word") return -1;
  // X.T.sum(), A.T.dot(x): the transpose belongs to the receiver
  const [d, x] = [out[start - 1], out[start - 2]];
  if (out[start]!.type === "word" && out[start]!.text === "T" && d?.type === "dot" && d.end === out[start]!.offset && x !== undefined && x.end === d.offset) {
    return x.type === "rparen" || x.type === "rbrack" ? receiverStart(out, start - 1) : x.type === "word" ? start - 2 : start;
  }
  return start;
}

/**
 * NumPy's methods, x.sum(), (A @ B).trace(), np.abs(x).mean(): the functions of what they follow; and a.dot(b),
 * X.T.dot(X), x.dot(A).dot(x): the product a @ b, NumPy's 1-D conventions with it.
 */
function methodCalls(r: Raw[]): Raw[] {
  const METHODS: Readonly<Record<string, string>> = { sum: "sum", mean: "mean", trace: "tr" };
  const method = (k: number) => r[k]!.type === "dot" && r[k + 1]?.type === "word" && (Object.hasOwn(METHODS, r[k + 1]!.text) || r[k + 1]!.text === "dot");
  if (!r.some((_, k) => method(k))) return r;
  const out = [...r];
  const at = (type: string, like: Raw, text: string): Raw => ({ type, text, offset: like.offset, end: like.end });
  for (let i = 1; i + 3 < out.length; i++) {
    const [dot, name, open] = [out[i]!, out[i + 1]!, out[i + 2]!];
    if (dot.type !== "dot" || name.type !== "word" || open.type !== "lparen" || name.offset !== dot.end || open.offset !== name.end) continue;
    if (name.text === "dot") {
      const { close, comma } = callExtent(out, i + 2);
      const start = receiverStart(out, i);
      if (close < 0 || comma >= 0 || close === i + 3 || start < 0) continue;
      // (receiver @ (argument)): the call's own brackets around the argument
      out.splice(close + 1, 0, at("rparen", out[close]!, ")"));
      out.splice(i, 2, at("times", name, "@"));
      out.splice(start, 0, at("lparen", out[start]!, "("));
      i++;
      continue;
    }
    const shut = out[i + 3]!;
    if (!Object.hasOwn(METHODS, name.text) || shut.type !== "rparen") continue;
    const start = receiverStart(out, i);
    if (start < 0) continue;
    out.splice(i, 4, at("rparen", shut, ")"));
    out.splice(start, 0, at("word", name, METHODS[name.text]!), at("lparen", open, "("));
    i += 2;
  }
  return out;
}

/**
 * √ as typed: √(xᵀx) is sqrt(xᵀx), and √ before a number or a letter takes that one, as the sign's bar
 * covers it: √2 x is √2 · x, not √(2x) (a word's first letter only, √xy is √x · y).
 */
function radicals(r: Raw[]): Raw[] {
  if (!r.some((t) => t.type === "sqrtsign")) return r;
  const out: Raw[] = [];
  for (let k = 0; k < r.length; k++) {
    const t = r[k]!, next = r[k + 1];
    if (t.type !== "sqrtsign" || next === undefined) { out.push(t); continue; }
    const name: Raw = { type: "word", text: "sqrt", offset: t.offset, end: t.end };
    const edge = (type: string, text: string, at: number): Raw => ({ type, text, offset: at, end: at });
    if (next.type === "lparen") { out.push(name, { ...next, offset: t.end }); k++; continue; }
    if (next.type === "num" || next.type === "greek" || next.type === "word") {
      const first: Raw = next.type === "word" ? { ...next, text: next.text[0]!, end: next.offset + 1 } : next;
      out.push(name, edge("lparen", "(", t.end), first, edge("rparen", ")", first.end));
      if (next.type === "word" && next.text.length > 1) out.push({ ...next, text: next.text.slice(1), offset: next.offset + 1 });
      k++;
      continue;
    }
    out.push(t);
  }
  return out;
}

/**
 * Square brackets glued to what they index, as code writes them: x[i] and X[i, j] (X[i][j]) by letters are the
 * subscripts x_i and X_{ij}, which a sum over i reads as entries (Σᵢ y[i] log p[i] is yᵀ log p); by a number or a
 * slice, x[0], X[:, 1], (A @ x)[0], they pick an entry by its position, which is refused: read as the product of x
 * and the bracket [0], x[1] was x and (A @ x)[0] was 0. E[x] is an expectation, as 𝔼[x] is (refused with it).
 * np.linalg.slogdet(X)[1] is log|det X|, the pair's second; its first, the sign, and the pair itself are refused.
 */
/**
 * A^+, A^*, A^H: the pseudo-inverse, the adjoint and the conjugate transpose, which the grammar met as an unexpected
 * '+' or '*' (and A^H as a power by a symbol): refused with what to write.
 */
function superscriptOperators(r: readonly Raw[], input: string): void {
  for (let k = 1; k + 1 < r.length; k++) {
    const [caret, op] = [r[k]!, r[k + 1]!];
    if (caret.type !== "caret") continue;
    const braced = op.type === "lbrace" && r[k + 3]?.type === "rbrace" ? r[k + 2]! : op;
    const sign = braced.type === "plus" ? "+" : (braced.type === "times" && braced.text === "*") || (braced.type === "cmd" && braced.text === "\\ast") ? "*"
      : braced.type === "word" && braced.text === "H" && (r[k + 2] === undefined || braced !== op || r[k + 2]!.offset > braced.end || r[k + 2]!.type !== "word") ? "H" : null;
    const base = r[k - 1]!;
    // e^{H} is exp(H), 2^H a number's power
    if (sign === null || base.type === "num" || (base.type === "word" && /e$/.test(base.text) && sign === "H")) continue;
    const end = braced === op ? op.end : r[k + 3]!.end;
    const written = `${base.type === "word" || base.type === "greek" ? base.text : base.type === "rparen" ? "(…)" : "A"}^${sign}`;
    const hint = sign === "+"
      ? `${written} as the pseudo-inverse is not read: ${PSEUDO_INVERSE}`
      : `${written} as the ${sign === "H" ? "conjugate transpose" : "adjoint"}: matdiff's matrices are real, so write the transpose, A^T`;
    // the + and * stay the unexpected characters they are, with what to write
    if (sign !== "H") throw new MatdiffError("syntax", `unexpected '${braced.text}' at ${lineCol(input, braced.offset).line}:${lineCol(input, braced.offset).col}`, spanOf(braced), { hint });
    throw new MatdiffError("unsupported", `${written}, the conjugate transpose, is not read: matdiff's matrices are real`, { start: caret.offset, end }, { hint: "of a real matrix it is the transpose: write A^T" });
  }
}

function indexing(r: Raw[], input: string): Raw[] {
  if (!r.some((t) => t.type === "lbrack" || (t.type === "word" && t.text === "slogdet"))) return r;
  const out = [...r];
  const at = (type: string, text: string, offset: number, end = offset): Raw => ({ type, text, offset, end });
  for (let i = out.length - 2; i >= 0; i--) {
    const t = out[i]!;
    if (t.type !== "word" || t.text !== "slogdet" || out[i + 1]!.type !== "lparen" || out[i + 1]!.offset !== t.end) continue;
    const { close } = callExtent(out, i + 1);
    if (close < 0) continue;
    const [open, n, shut] = [out[close + 1], out[close + 2], out[close + 3]];
    const picked = open?.type === "lbrack" && open.offset === out[close]!.end && n?.type === "num" && shut?.type === "rbrack" ? n.text : undefined;
    if (picked !== "1") {
      const end = picked !== undefined ? shut!.end : out[close]!.end;
      throw new MatdiffError("unsupported", picked === "0"
        ? "slogdet(…)[0] is the sign of the determinant, which is constant wherever it is differentiable: its derivative is 0"
        : "slogdet(…) is a pair, the sign and log|det|, not one function to differentiate", { start: t.offset, end }, {
        hint: "its second entry, slogdet(X)[1], is log|det X|, written \\log|\\det X| (its gradient is X⁻ᵀ)",
      });
    }
    // slogdet(X)[1] as log|det(X)|, each piece spanning the letters it stands for
    out.splice(close + 1, 3, at("bar1", "|", shut!.offset, shut!.end));
    out.splice(i, 1, at("word", "log", t.offset + 1, t.offset + 4), at("bar1", "|", t.offset + 4), at("word", "det", t.offset + 4, t.end));
  }
  for (let k = 1; k < out.length; k++) {
    const open = out[k]!, before = out[k - 1]!;
    if (open.type !== "lbrack") continue;
    // E[x], and E_q[x], E_{x ~ p}[x] with the distribution under it
    let e = before.type === "word" && before.text === "E" ? k - 1 : -1;
    if (e < 0 && before.type === "rbrace") {
      let j = k - 1;
      for (let depth = 0; j >= 0; j--) {
        if (out[j]!.type === "rbrace") depth++;
        else if (out[j]!.type === "lbrace" && --depth === 0) break;
      }
      if (out[j - 1]?.type === "underscore" && out[j - 2]?.type === "word" && out[j - 2]!.text === "E") e = j - 2;
    } else if (e < 0 && before.type === "word" && out[k - 2]?.type === "underscore" && out[k - 3]?.type === "word" && out[k - 3]!.text === "E") e = k - 3;
    if (e >= 0) {
      throw new MatdiffError("unsupported", "E[·], an expectation, is not something matdiff differentiates", { start: out[e]!.offset, end: open.end }, {
        hint: "differentiate the quantity inside it: the derivative of an expectation over a fixed distribution is the expectation of the derivative",
      });
    }
    if (before.end !== open.offset || !["word", "greek", "rparen", "rbrack", "prime"].includes(before.type)) continue;
    let close = -1;
    for (let j = k, depth = 0; j < out.length && close < 0; j++) {
      if (out[j]!.type === "lbrack") depth++;
      else if (out[j]!.type === "rbrack" && --depth === 0) close = j;
    }
    if (close < 0) continue;
    const inside = out.slice(k + 1, close);
    const letter = (t: Raw | undefined) => t !== undefined && t.type === "word" && t.text.length === 1;
    const next = out.slice(close + 1, close + 4);
    // X[i][j]: a second bracket of one letter glued to the first
    const second = next[0]?.type === "lbrack" && next[0].offset === out[close]!.end && letter(next[1]) && next[2]?.type === "rbrack";
    const letters = inside.length === 1 && letter(inside[0]) ? [inside[0]!]
      : inside.length === 3 && letter(inside[0]) && inside[1]!.type === "comma" && letter(inside[2]) ? [inside[0]!, inside[2]!] : undefined;
    if (letters && (letters.length === 1 || !second)) {
      const all = second ? [...letters, next[1]!] : letters;
      const last = second ? next[2]! : out[close]!;
      out.splice(k, (second ? close + 3 : close) - k + 1,
        at("underscore", "_", open.offset, open.end), at("lbrace", "{", open.offset, open.end),
        at("word", all.map((l) => l.text).join(""), all[0]!.offset, all[all.length - 1]!.end), at("rbrace", "}", last.offset, last.end));
      continue;
    }
    const position = inside.length > 0 && inside.every((t) => t.type === "num" || t.type === "comma" || t.type === "colon" || t.type === "minus" || letter(t));
    if (!position) continue;
    const slice = inside.some((t) => t.type === "colon");
    throw new MatdiffError("unsupported", `${input.slice(open.offset, out[close]!.end)} picks ${slice ? "a slice" : "an entry"} by its position, which matdiff does not read: it differentiates whole vectors and matrices`, { start: open.offset, end: out[close]!.end }, {
      hint: slice
        ? "a column is a product with a unit vector: X[:, k] is X e, a row X[k, :] is eᵀX, written X e and e^T X with e the unit vector of that column or row"
        : "an entry is a product with a unit vector: x[k] is eᵀx, written e^T x with e the unit vector of that entry; inside a sum, an index by the sum's letter reads: \\sum_i x[i]^2 is ‖x‖²",
    });
  }
  return out;
}

/** np.sum, np.linalg.norm, torch.exp: the prefixes and their dots dropped, the function kept (linalg. after np. in its turn). */
function withoutLibraryPrefixes(r: Raw[]): Raw[] {
  if (!r.some((t) => t.type === "word" && (LIBRARY_PREFIXES.has(t.text) || t.text === "F"))) return r;
  // F.softmax(z), F.relu(x): torch.nn.functional as PyTorch code imports it, where F is followed by a function's call
  const called = (j: number) => r[j + 3]?.type === "lparen" && r[j + 3]!.offset === r[j + 2]!.end
    && (r[j + 2]!.type === "fnword" || Object.hasOwn(FUNCTION_WORDS, r[j + 2]!.text) || Object.hasOwn(ARRAY_CALLS, r[j + 2]!.text));
  return r.filter((t, k) => {
    const prefix = (j: number) => r[j]?.type === "word" && r[j + 1]?.type === "dot" && r[j + 1]!.offset === r[j]!.end
      && r[j + 2] !== undefined && r[j + 2]!.offset === r[j + 1]!.end && (r[j + 2]!.type === "word" || r[j + 2]!.type === "fnword")
      && (LIBRARY_PREFIXES.has(r[j]!.text) || (r[j]!.text === "F" && called(j)));
    return !prefix(k) && !(t.type === "dot" && prefix(k - 1));
  });
}

type ArrayCall = "inner" | "outer" | "matmul" | "multiply" | "max" | "transpose" | "square" | "identity" | "ones" | "solve" | "logaddexp";
const ARRAY_CALLS: Readonly<Record<string, ArrayCall>> = {
  dot: "inner", inner: "inner", vdot: "inner", outer: "outer", matmul: "matmul", multiply: "multiply", maximum: "max", transpose: "transpose",
  square: "square", eye: "identity", identity: "identity", ones: "ones", solve: "solve", logaddexp: "logaddexp",
};
/** The calls of one argument (the rest take two): np.transpose(A), np.square(x), np.eye(n) (a size, not read), np.ones(n). */
const ONE_ARGUMENT: ReadonlySet<ArrayCall> = new Set(["transpose", "square", "identity", "ones"]);

/** Library prefixes of pasted code, np.sum(…), np.linalg.norm(…), torch.exp(…): the function is what is read. */
const LIBRARY_PREFIXES: ReadonlySet<string> = new Set(["np", "numpy", "linalg", "torch", "jnp", "math", "scipy", "special", "nn", "functional"]);
/** The prefixes that say the input is array code, whose * and ** are entrywise. */
const NUMPY_MODULES: ReadonlySet<string> = new Set(["np", "numpy", "torch", "jnp"]);
/** Methods that say the input is array code: x.sum(), (x**2).mean(), a.dot(b). */
const NUMPY_METHODS: ReadonlySet<string> = new Set(["sum", "mean", "trace", "dot"]);
/** The subscript of I_n, 𝟏_n: a size, one letter or a number. */
const SIZE_SUBSCRIPT = /^(?:[A-Za-z]|\d+)$/;
/** Φ however written: \Phi, Φ, and Phi as a word of its own (the ASCII spelling). */
const PHI = /\\Phi(?![A-Za-z])|\u03a6|(?<![A-Za-z\\])Phi(?![a-z])/g;
/** An opening round bracket straight after, `(` or `\left(`, `\bigl(`. */
const GLUED_PAREN = /^(?:\(|\\(?:left|[bB]igg?l?)\s*\()/;

export function tokenize(input: string): Token[] {
  const scanned = braceFractionArguments(nthRoots(greekSums(unicodeScripts(rawTokens(input)))));
  // code pasted from NumPy or PyTorch (an @, an np. or torch. prefix, a method call): * and ** are entrywise there, as in NumPy
  const glued = (k: number) => scanned[k] !== undefined && scanned[k]!.offset === scanned[k - 1]!.end;
  const numpyCode = scanned.some((t, k) => (t.type === "times" && t.text === "@")
    || (t.type === "word" && NUMPY_MODULES.has(t.text) && scanned[k + 1]?.type === "dot" && glued(k + 1))
    || (t.type === "dot" && k > 0 && glued(k) && scanned[k + 1]?.type === "word" && NUMPY_METHODS.has(scanned[k + 1]!.text) && glued(k + 1) && scanned[k + 2]?.type === "lparen" && glued(k + 2)));
  // each pass scans every token, on every request: only an input with its characters pays for it
  if (input.includes("^")) superscriptOperators(scanned, input);
  const rooted = input.includes("√") ? radicals(scanned) : scanned;
  const indexed = input.includes("[") || input.includes("slogdet") ? indexing(withoutLibraryPrefixes(rooted), input) : withoutLibraryPrefixes(rooted);
  const r = input.includes(".") ? methodCalls(normOrders(arrayCalls(indexed))) : normOrders(arrayCalls(indexed));
  const out: Token[] = [];
  /** Pending `\mathbf`-style decoration: applies to a following `{…}` holding one symbol, or to one letter. */
  let decor: Decoration | undefined;
  /** `{` tokens opened right after a decoration, with the decoration. */
  const decorated = new Map<Token, Decoration>();

  const make = (type: TokenType, value: string, offset: number, end: number): Token =>
    ({ type, value, text: input.slice(offset, end), offset, end });
  const accented = (name: string, d: Decoration) => (d.accent ? withAccent(name, d.accent) : name);

  const push = (t: Token): void => {
    if (t.type === "sub" && t.value.length > MAX_SUBSCRIPT) {
      throw new MatdiffError("limit", `a subscript has at most ${MAX_SUBSCRIPT} characters, this one has ${t.value.length}`, { start: t.offset, end: t.end }, { hint: "use a shorter name" });
    }
    const top = out[out.length - 1];
    // I_n, I_{3}: the identity with its size written; 𝟏_n, \mathbf{1}_n, 1_n: the ones vector. The size is inferred,
    // as for I and 𝟏: I_n read as a matrix named I_n of its own answered xᵀI_n x with (I_n + I_nᵀ)x
    if (t.type === "sub" && SIZE_SUBSCRIPT.test(t.value) && (top?.type === "ones" || (top?.type === "num" && top.value === "1") || (top?.type === "ident" && top.value === "I"))) {
      out[out.length - 1] = top.type === "ident" ? { ...top, text: input.slice(top.offset, t.end), end: t.end } : make("ones", "", top.offset, t.end);
      return;
    }
    if (t.type === "sub" && top?.type === "ident" && !top.value.includes("_")) {
      out[out.length - 1] = { ...make("ident", `${top.value}_${t.value}`, top.offset, t.end), ...(top.bold ? { bold: true as const } : {}) };
      return;
    }
    if (t.type === "lbrace" && decor !== undefined) decorated.set(t, decor);
    if (t.type === "ident" && decor !== undefined) {
      // `\bm\mu`, `\mathbf x`: TeX's unbraced argument is the one letter
      out.push({ ...make("ident", accented(t.value, decor), decor.start, t.end), ...(decor.bold ? { bold: true } : {}) });
      decor = undefined;
      return;
    }
    decor = undefined;
    const open = out[out.length - 2];
    const decoration = open && decorated.get(open);
    const one = top?.type === "ones" || (top?.type === "num" && top.value === "1");
    if (t.type === "rbrace" && decoration && top && (top.type === "ident" || one)) {
      // `\mathbf{W_1}`, `\mathbb{1}`: the whole decorated group is the one symbol.
      const bold = decoration.bold || top.bold ? { bold: true as const } : {};
      if (one && decoration.accent) throw syntaxError(input, `an accent on 𝟏 names nothing`, decoration.start, t.end);
      out.splice(-2, 2, one ? make("ones", "", decoration.start, t.end) : { ...make("ident", accented(top.value, decoration), decoration.start, t.end), ...bold });
      return;
    }
    out.push(t);
  };

  /** Is r[j] an opening round parenthesis (`(`, `\left(`, `\bigl(`…)? With `glued`, touching the token before. */
  const opensParen = (j: number, glued: boolean): boolean => {
    const t = r[j];
    if (!t || (glued && t.offset !== r[j - 1]?.end)) return false;
    return t.type === "lparen" || (t.type === "cmd" && SIZING.test(t.text) && r[j + 1]?.type === "lparen");
  };

  /**
   * A Greek letter; σ glued to `(` is the logistic function (DESIGN.md §2), and Φ glued to `(` the standard
   * normal distribution function of probit models, Φ(wᵀx), where Φ names nothing else in the input: beside a
   * Φ of its own (Φᵀ, Φw), Φ(ΦᵀΦ)⁻¹Φᵀ is the design matrix times a bracket.
   */
  const greek = (name: string, offset: number, end: number, next: number): Token => {
    if (name === "sigma" && opensParen(next, true)) return make("fncall", "sigmoid", offset, end);
    if (name === "Phi" && opensParen(next, true) && phiOnlyCalled()) return make("fncall", "normcdf", offset, end);
    return make("ident", name, offset, end);
  };
  let phiCalledOnly: boolean | undefined;
  const phiOnlyCalled = (): boolean => (phiCalledOnly ??= [...input.matchAll(PHI)].every((m) => GLUED_PAREN.test(input.slice(m.index! + m[0].length))));

  const word = (t: Raw, next: number): void => {
    // argmax(x), rank(A), KL(p, q): a name people reach for, answered with what to write (not a·r·g·max(x))
    if (Object.hasOwn(INSTEAD, t.text) && opensParen(next, true)) throw unknownFunction(t.text, t.offset, t.end);
    const pieces = splitWord(t.text);
    // `foo(x)` and `Trace(A)` (Tr·a·c·e) are misspelt calls; `xtr(A)` and `thetax(y)` split cleanly.
    const isFunction = (p: string) => lookup(FUNCTION_WORDS, p) !== undefined || lookup(SPECIAL_WORDS, p) !== undefined;
    const misspelt = pieces.every((p) => p.length === 1) || (pieces.some(isFunction) && !isFunction(pieces[pieces.length - 1]!));
    if (misspelt && FUNCTION_LIKE.test(t.text) && opensParen(next, true)) throw unknownFunction(t.text, t.offset, t.end);
    // the letter glued to the parenthesis is what is applied: `g(x)` alone or ending a run, `xg(y)`
    const applied = pieces[pieces.length - 1]!;
    if (FUNCTION_NAME_LETTER.test(applied) && opensParen(next, true)) {
      throw new MatdiffError("unknown-word", `${applied}(…) is not a function matdiff knows`, { start: t.end - 1, end: t.end }, {
        hint: `write its formula; for a product write ${applied} · (…)`,
      });
    }
    if (/^[a-z]{3,}$/.test(t.text) && pieces.length === t.text.length) {
      // a name such as `loss` or `yhat`, which would otherwise read as the product l·o·s·s
      throw new MatdiffError("unknown-word", `'${t.text}' is not a function or a symbol matdiff knows`, spanOf(t), {
        hint: `names are one letter: write the formula it stands for, or ${[...t.text].join(" ")} for a product`,
      });
    }
    let at = t.offset;
    pieces.forEach((p, k) => {
      const end = at + p.length;
      const last = k === pieces.length - 1;
      const special = lookup(SPECIAL_WORDS, p);
      const fn = lookup(FUNCTION_WORDS, p);
      if (special === "maxfn" && last && r[next]?.type === "underscore") throw extremumOverEntries({ text: p, offset: at, end }, r[next + 1]);
      if (special) push(make(special, p, at, end));
      else if (fn) push(make("fnop", fn, at, end));
      else if (GREEK.has(p)) push(greek(p, at, end, last ? next : -1));
      else push(make("ident", p, at, end));
      at = end;
    });
  };

  for (let i = 0; i < r.length; i++) {
    const t = r[i]!;
    // NumPy and MATLAB as pasted: x.T and x.' transpose, x ** 2 a power, np.sum, np.linalg.norm, numpy.log the functions
    const glued = (k: number) => r[k] !== undefined && r[k]!.offset === r[k - 1]!.end;
    if (t.type === "dot" && glued(i + 1) && ((r[i + 1]!.type === "word" && r[i + 1]!.text === "T" && !(glued(i + 2) && r[i + 2]!.type === "word")) || r[i + 1]!.type === "prime")) {
      push(make("prime", "", t.offset, r[i + 1]!.end));
      i++;
      continue;
    }
    if (t.type === "times" && t.text === "*" && r[i + 1]?.type === "times" && r[i + 1]!.text === "*" && glued(i + 1)) {
      push(make(numpyCode ? "dotcaret" : "caret", "", t.offset, r[i + 1]!.end));
      i++;
      continue;
    }
    if (t.type === "times" && t.text === "@") {
      // a.dot(b) is a @ b (methodCalls): the operator is @ wherever it was written
      push({ ...make("times", "@", t.offset, t.end), text: "@" });
      continue;
    }
    if (t.type === "times" && t.text === "*" && numpyCode) {
      push(make("hadamard", "", t.offset, t.end));
      continue;
    }
    switch (t.type) {
      case "num": push(make("num", t.text, t.offset, t.end)); break;
      case "word":
        // sum_i, sum_{i=1}^N: the ASCII \sum (glued to its index: sum (x)_i is a sum's entry)
        if (t.text === "sum" && (r[i + 1]?.type === "underscore" || r[i + 1]?.type === "sumfrom") && r[i + 1]!.offset === t.end) i = sumWithIndex(i);
        else word(t, i + 1);
        break;
      case "fnword": push(make("fnop", FUNCTION_WORDS[t.text]!, t.offset, t.end)); break;
      case "greek": push(greek(GREEK_BY_UNICODE.get(t.text)!, t.offset, t.end, i + 1)); break;
      case "accented": {
        const [letter, mark] = t.text.normalize("NFD");
        push(make("ident", withAccent(letter!, ACCENTS.find((a) => a.mark === mark)!), t.offset, t.end));
        break;
      }
      case "accentmark": {
        // x̂: the mark follows its letter directly; anywhere else it accents nothing
        const top = out[out.length - 1];
        if (top?.type !== "ident" || top.end !== t.offset || top.value.includes("_")) throw syntaxError(input, `an accent mark must follow its letter`, t.offset, t.end);
        out[out.length - 1] = { ...top, value: withAccent(top.value, ACCENTS.find((a) => a.mark === t.text)!), text: input.slice(top.offset, t.end), end: t.end };
        break;
      }
      case "ones": push(make("ones", "", t.offset, t.end)); break;
      case "scriptN": push(make("ident", "N", t.offset, t.end)); break;
      case "sup": push(make("sup", [...t.text].map((c) => SUPERSCRIPT[c]).join(""), t.offset, t.end)); break;
      case "subdigits":
        push(make("sub", [...t.text].map((c) => SUBSCRIPT_DIGITS.indexOf(c)).join(""), t.offset, t.end));
        break;
      case "underscore": i = subscript(i); break;
      case "cmd": i = command(i); break;
      case "cmdsym": {
        const sym = t.text[1]!;
        if (sym === "|") push(make("bar", "", t.offset, t.end));
        else if (sym === "{" || sym === "}") push(make(sym === "{" ? "lbrace" : "rbrace", "", t.offset, t.end));
        else if (sym === " " && r[i - 1] !== undefined && r[i - 1]!.end < t.offset && leftDivision(i) && !r.some((u) => u !== t && (u.type === "cmd" || u.type === "cmdsym"))) {
          // A \ b spaced as code is: '\ ' is TeX's space among other TeX (\frac{1}{2} x^T A \ x), but in input with
          // no other TeX, between two spaced operands, it is MATLAB's solve
          const [a, b] = r[i - 1]!.type === "word" && r[i + 1]!.type === "word" ? [r[i - 1]!.text, r[i + 1]!.text] : ["A", "b"];
          throw new MatdiffError("unsupported", "a backslash between two operands is MATLAB's left division, which matdiff does not read (in LaTeX '\\ ' is a space)", spanOf(t), {
            hint: `for MATLAB's left division ${a} \\ ${b}, the solution x of ${a}x = ${b}, write ${a}^{-1} ${b}, or inv(${a})*${b}; for the product write ${a} ${b}`,
          });
        } else if (!",;:! >".includes(sym)) throw unknownCommand(t, r[i - 1]);
        break;
      }
      case "dbar": push(make("bar", "", t.offset, t.end)); break;
      // √ before anything but the bracket or the one symbol radicals() gave it takes what follows, as sqrt does
      case "sqrtsign": push(make("fnop", "sqrt", t.offset, t.end)); break;
      case "colon": {
        // A : B, the Frobenius product of continuum mechanics; a colon anywhere else is a slice's, x[1:3]
        if (i === 0 || i + 1 === r.length) throw unexpected(input, t.offset);
        throw new MatdiffError("syntax", unexpected(input, t.offset).message, spanOf(t), { hint: "for the Frobenius product A : B write \\langle A, B \\rangle or tr(A^T B)" });
      }
      case "bar1": push(make("vbar", "", t.offset, t.end)); break;
      case "dot": push(make("stray", "", t.offset, t.end)); break;
      case "dotstar": push(make("hadamard", "", t.offset, t.end)); break;
      case "dotslash": push(make("hdivide", "", t.offset, t.end)); break;
      default: push(make(t.type as TokenType, "", t.offset, t.end));
    }
  }

  /** `_2`, `_{12}`, `_i`, `_{ij}`: the subscript attaches to the symbol before it (or reads as a norm's `_F`). */
  function subscript(i: number): number {
    const pushSub = (text: string, start: number, end: number) => push(make("sub", text, start, end));
    const u = r[i]!;
    const a = r[i + 1];
    // ⟨A, B⟩_F: the Frobenius inner product, which ⟨A, B⟩ already is
    const closed = r[i - 1];
    if (closed && (closed.type === "rangle" || (closed.type === "cmd" && closed.text === "\\rangle"))) {
      if (a?.type === "word" && a.text === "F") return i + 1;
      if (a?.type === "lbrace" && r[i + 2]?.type === "word" && r[i + 2]!.text === "F" && r[i + 3]?.type === "rbrace") return i + 3;
    }
    if (a?.type === "num" && /^\d+$/.test(a.text)) {
      pushSub(a.text, u.offset, a.end);
      return i + 1;
    }
    if (a?.type === "word") {
      // The whole letter run, as code names it: `W_hh` is W_{hh} (PyTorch's weight_hh, RNN notes), not
      // LaTeX's W_h times h, which no one writing `W_hh` means; a space ends it: `x_i j` is x_i times j
      pushSub(a.text, u.offset, a.end);
      return i + 1;
    }
    if (a?.type === "lbrace") {
      let j = i + 2;
      let text = "";
      while (r[j]?.type === "num" || r[j]?.type === "word") text += r[j++]!.text;
      const close = r[j];
      if (text !== "" && /^[A-Za-z0-9]+$/.test(text) && close?.type === "rbrace") {
        pushSub(text, u.offset, close.end);
        return j;
      }
    }
    // x_θ, p_{\theta}, Σ_\theta: a Greek letter, its name as the subscript's text (printed θ, \theta, theta)
    const greekName = (t: Raw | undefined) => (t?.type === "cmd" && GREEK.has(t.text.slice(1)) ? t.text.slice(1) : t?.type === "greek" ? GREEK_BY_UNICODE.get(t.text) : undefined);
    const g = greekName(a) ?? (a?.type === "lbrace" && r[i + 3]?.type === "rbrace" ? greekName(r[i + 2]) : undefined);
    if (g !== undefined) {
      const last = a?.type === "lbrace" ? i + 3 : i + 1;
      pushSub(g, u.offset, r[last]!.end);
      return last;
    }
    // W_{\text{out}}, b_{\mathrm{hid}}: a label in upright letters, as W_{out} (printed upright where it is a word)
    if (a?.type === "lbrace" && r[i + 2]?.type === "cmd" && UPRIGHT.has(r[i + 2]!.text) && r[i + 3]?.type === "lbrace") {
      let j = i + 4;
      let text = "";
      while (r[j]?.type === "num" || r[j]?.type === "word") text += r[j++]!.text;
      if (text !== "" && r[j]?.type === "rbrace" && r[j + 1]?.type === "rbrace") {
        pushSub(text, u.offset, r[j + 1]!.end);
        return j + 1;
      }
    }
    // λ_{\max}, σ_\min: the words, as λ_{max} (spectral values, which shapes/elaborate.ts refuses with what they are)
    const extremum = a?.type === "cmd" ? a : a?.type === "lbrace" && r[i + 3]?.type === "rbrace" ? r[i + 2] : undefined;
    if (extremum?.type === "cmd" && (extremum.text === "\\max" || extremum.text === "\\min")) {
      const last = a?.type === "lbrace" ? i + 3 : i + 1;
      pushSub(extremum.text.slice(1), u.offset, r[last]!.end);
      return last;
    }
    const infinity = a?.type === "cmd" ? a : a?.type === "lbrace" ? r[i + 2] : undefined;
    if (infinity?.type === "cmd" && infinity.text === "\\infty") {
      throw new MatdiffError("unsupported", "the max-norm ‖·‖_∞ has no closed-form gradient", { start: u.offset, end: infinity.end }, {
        hint: "use ‖x‖_1, ‖x‖^2, or a smooth maximum such as log(sum(exp(x)))",
      });
    }
    const star = (t: Raw | undefined) => (t?.type === "times" && t.text === "*") || (t?.type === "cmd" && t.text === "\\ast");
    const nuclear = star(a) ? a : a?.type === "lbrace" && star(r[i + 2]) && r[i + 3]?.type === "rbrace" ? r[i + 3] : undefined;
    const before = r[i - 1];
    const afterNorm = before !== undefined && (before.type === "dbar" || (before.type === "cmdsym" && before.text === "\\|") || (before.type === "cmd" && ["\\rVert", "\\Vert"].includes(before.text)));
    if (nuclear && afterNorm) {
      throw new MatdiffError("unsupported", "the nuclear norm ‖·‖_* has no gradient in closed form: it is UVᵀ of the singular value decomposition", { start: u.offset, end: nuclear.end }, {
        hint: "use the squared Frobenius norm ‖W‖_F^2 = tr(WᵀW) as the penalty, or tr(WᵀW)^{1/2} for ‖W‖_F",
      });
    }
    // x_{t+1}, x_{i-1}: an index shifted by a number, which names no row a sum reads
    if (a?.type === "lbrace" && r[i + 2]?.type === "word" && (r[i + 3]?.type === "plus" || r[i + 3]?.type === "minus") && r[i + 4]?.type === "num" && r[i + 5]?.type === "rbrace") {
      throw new MatdiffError("unsupported", `a shifted index, ${input.slice(r[i - 1]?.offset ?? u.offset, r[i + 5]!.end)}, is not read`, { start: u.offset, end: r[i + 5]!.end }, {
        hint: `name the shifted samples as their own matrix: Σₜ ‖x_{t+1} − A x_t‖² is ‖X₊ − X₋Aᵀ‖_F², written \\|P - Q A^T\\|_F^2 with P and Q the rows x_{t+1}ᵀ and x_tᵀ`,
      });
    }
    // w_{y_n}: the row of W a label picks, softmax regression's score of the true class
    if (a?.type === "lbrace" && r[i + 2]?.type === "word" && r[i + 3]?.type === "underscore") {
      const close = r.findIndex((t, k) => k > i && t.type === "rbrace");
      const end = close > 0 ? r[close]!.end : r[i + 3]!.end;
      throw new MatdiffError("unsupported", `a subscript with a subscript, ${input.slice(r[i - 1]?.offset ?? u.offset, end)}, is not read`, { start: u.offset, end }, {
        hint: "a row picked by each sample's label is a product with the one-hot labels: with Y the labels' one-hot rows, Σₙ w_{yₙ}ᵀxₙ is tr(Y W Xᵀ), written tr(Y W X^T)",
      });
    }
    throw syntaxError(input, "expected a subscript after '_'", u.offset, u.end);
  }

  /** The backslash at i stands between two operands, as MATLAB's A\b and (X'*X)\(X'*y) write a solve. */
  function leftDivision(i: number): boolean {
    const [before, after] = [r[i - 1], r[i + 1]];
    const operandEnd = before !== undefined && ["word", "greek", "rparen", "prime", "num"].includes(before.type);
    return operandEnd && (r[i]!.type === "cmd" || (after !== undefined && ["word", "greek", "lparen", "num"].includes(after.type)));
  }

  function unknownCommand(t: Raw, before?: Raw): MatdiffError {
    if (t.text === "\\partial" || t.text === "\\nabla") {
      return new MatdiffError("syntax", `'${t.text}' here is not a derivative matdiff can read`, spanOf(t), {
        hint: "write the derivative first, as \\nabla_X f, \\frac{\\partial}{\\partial X} f or \\frac{\\partial f}{\\partial X}; or f alone with --wrt X",
      });
    }
    if (t.text === "\\prod") {
      return new MatdiffError("unsupported", "a product over an index, \\prod, is not something matdiff reads", spanOf(t), {
        hint: "a likelihood's log turns it into a sum: log ∏ᵢ p(xᵢ) = Σᵢ log p(xᵢ), written \\sum_i \\log …",
      });
    }
    if (t.text === "\\dagger" || t.text === "\\dag") {
      return new MatdiffError("unsupported", "the pseudo-inverse X^\\dagger is not read", spanOf(t), {
        hint: PSEUDO_INVERSE,
      });
    }
    const guess = didYouMean(t.text, knownCommands());
    // A\b, X\y: a one- or two-letter name after a backslash glued to an operand is MATLAB's, not a misspelt command
    if ((!guess || t.text.length <= 3) && before !== undefined && before.end === t.offset && leftDivision(r.indexOf(t))) {
      const words = before.type === "word" && t.type === "cmd";
      const [a, b] = words ? [before.text, t.text.slice(1)] : ["A", "b"];
      return new MatdiffError("unknown-command", `unknown LaTeX command '${t.text}'`, spanOf(t), {
        hint: `for MATLAB's left division ${a}\\${b}, the solution x of ${a}x = ${b}, write ${a}^{-1} ${b}, or inv(${a})*${b}`,
      });
    }
    return new MatdiffError("unknown-command", `unknown LaTeX command '${t.text}'`, spanOf(t), guess ? { hint: `did you mean ${guess}?` } : {});
  }

  /** `_i`, `_{i}`, `_{i=1}`, then `^n`, `^N`, `^{n}`: the index of \sum, its upper limit, the last raw token read and where it ends. */
  function sumLimits(j: number): { index: string; inner?: string; count?: string; except?: string; last: number; end: number } | null {
    let index: string;
    let from = "1";
    const a = r[j]!;
    // \sum_{i,j}, \sum_{ij}: a double sum, read as \sum_i \sum_j (src/syntax/indexed-sum.ts)
    const [o, first, comma, second, shut] = [r[j + 1], r[j + 2], r[j + 3], r[j + 4], r[j + 5]];
    if (a.type === "underscore" && o?.type === "lbrace" && first?.type === "word") {
      if (first.text.length === 1 && comma?.type === "comma" && second?.type === "word" && second.text.length === 1 && second.text !== first.text && shut?.type === "rbrace") {
        return { index: first.text, inner: second.text, last: j + 5, end: shut.end };
      }
      if (/^[a-z]{2}$/.test(first.text) && first.text[0] !== first.text[1] && comma?.type === "rbrace") {
        return { index: first.text[0]!, inner: first.text[1]!, last: j + 3, end: comma.end };
      }
    }
    // \sum_{j \neq y}: every j but the label y
    const [open, i, neq, label, close] = [r[j + 1], r[j + 2], r[j + 3], r[j + 4], r[j + 5]];
    if (a.type === "underscore" && open?.type === "lbrace" && i?.type === "word" && i.text.length === 1 && neq?.type === "cmd" && (neq.text === "\\neq" || neq.text === "\\ne")
      && label?.type === "word" && label.text.length === 1 && label.text !== i.text && close?.type === "rbrace") {
      return { index: i.text, except: label.text, last: j + 5, end: close.end };
    }
    // ∑ᵢⱼ, as typed in Unicode (`\sum_ij` in TeX is \sum_i j): a double sum
    const run = r[j + 1];
    if (a.type === "underscore" && a.text === "" && run?.type === "word" && /^[a-z]{2}$/.test(run.text) && run.text[0] !== run.text[1]) {
      return { index: run.text[0]!, inner: run.text[1]!, last: j + 1, end: run.end };
    }
    if (a.type === "sumfrom") { index = /[A-Za-z]/.exec(a.text.slice(1))![0]; from = /=\s*(\d+)/.exec(a.text)![1]!; }
    else if (r[j + 1]?.type === "word" && r[j + 1]!.text.length === 1) { index = r[j + 1]!.text; j++; }
    else if (r[j + 1]?.type === "lbrace" && r[j + 2]?.type === "word" && r[j + 2]!.text.length === 1 && r[j + 3]?.type === "rbrace") { index = r[j + 2]!.text; j += 3; }
    else return null;
    const bound = (k: number) => r[k]?.type === "word" || (r[k]?.type === "num" && /^\d+$/.test(r[k]!.text));
    let count: string | undefined;
    if (r[j + 1]?.type === "caret") {
      if (bound(j + 2)) { count = r[j + 2]!.text; j += 2; }
      else if (r[j + 2]?.type === "lbrace" && bound(j + 3) && r[j + 4]?.type === "rbrace") { count = r[j + 3]!.text; j += 4; }
      else return null;
    }
    // from 1, a letter or a number names the count (a word such as `nm` may be a product: not read as one; from 0 to n is n + 1)
    const counts = from === "1" && count !== undefined && /^(?:[A-Za-z]|\d+)$/.test(count);
    return { index, ...(counts ? { count } : {}), last: j, end: r[j]!.end };
  }

  /** \\sum_i, \\sum_{i=1}^N and ASCII sum_i at r[i]: the sum over its index; the index of its last token. */
  function sumWithIndex(i: number): number {
    const t = r[i]!;
    const limits = sumLimits(i + 1);
    if (limits) {
      push({ type: "fnop", value: "sum", text: input.slice(t.offset, limits.end), offset: t.offset, end: limits.end, index: limits.index, ...(limits.count ? { count: limits.count } : {}), ...(limits.except ? { except: limits.except } : {}) });
      if (limits.inner) push({ type: "fnop", value: "sum", text: input.slice(t.offset, limits.end), offset: t.offset, end: limits.end, index: limits.inner });
      return limits.last;
    }
    // \sum_i y_i x_i^T w sums over an index the summand is written in; matdiff reads whole vectors and matrices
    const { line, col } = lineCol(input, t.offset);
    throw new MatdiffError("syntax", `'${t.text}' with an index at ${line}:${col}: matdiff reads sums of whole vectors, not of indexed entries`, { start: t.offset, end: r[i + 2]?.end ?? r[i + 1]!.end }, {
      hint: "write the sum of all entries as \\sum(v), sum(v) or 𝟏ᵀv, e.g. \\sum(\\log σ(y ⊙ Xw)) for Σᵢ log σ(yᵢ xᵢᵀw)",
    });
  }

  function command(i: number): number {
    const t = r[i]!;
    const name = t.text.slice(1);
    if (IGNORED_COMMANDS.has(name)) return i;
    if (KERN_COMMANDS.has(name)) {
      // glue is spacing, not a symbol: skip its length, `-3mu`, `1em`, `0.1667em`
      let j = i + 1;
      if (r[j]?.type === "minus" || r[j]?.type === "plus") j++;
      if (r[j]?.type === "num" && r[j + 1]?.type === "word" && KERN_UNIT.test(r[j + 1]!.text)) return j + 1;
      throw syntaxError(input, `expected a length such as 3mu after '${t.text}'`, t.offset, t.end);
    }
    if (SIZING.test(t.text)) return delimiter(i);
    if (GREEK.has(name)) { push(greek(name, t.offset, t.end, i + 1)); return i; }
    const fn = lookup(FUNCTION_COMMANDS, name);
    if (fn === "sum" && (r[i + 1]?.type === "underscore" || r[i + 1]?.type === "sumfrom")) return sumWithIndex(i);
    // \log_{10} x, \log_2 x: the logarithms to a base, as matdiff prints them (log10, log2); another base is refused
    if (name === "log" && r[i + 1]?.type === "underscore") {
      const braced = r[i + 2]?.type === "lbrace";
      const base = r[i + (braced ? 3 : 2)];
      const last = i + (braced ? 4 : 2);
      const fnBase = base?.type === "num" && (base.text === "10" || base.text === "2") && (!braced || r[last]?.type === "rbrace") ? (`log${base.text}` as FunctionName) : null;
      if (!fnBase) throw new MatdiffError("unknown-function", `a logarithm to a base other than 10 or 2 is not read`, { start: t.offset, end: (r[last] ?? r[i + 1]!).end }, { hint: "write log(x)/log(b) for the logarithm of x to the base b" });
      push(make("fnop", fnBase, t.offset, r[last]!.end));
      return last;
    }
    if (fn) { push(make("fnop", fn, t.offset, t.end)); return i; }
    if ((name === "max" && r[i + 1]?.type === "underscore") || name === "min") throw extremumOverEntries(t, r[i + 1]);
    const symbol = lookup(SYMBOL_COMMANDS, name);
    if (symbol) { push(make(symbol, "", t.offset, t.end)); return i; }
    const isWord = (w: Raw | undefined): w is Raw => w?.type === "word" || w?.type === "fnword";
    const operatorName = (w: Raw, asOperator: boolean, end: number) => {
      const special = lookup(SPECIAL_WORDS, w.text);
      const known = lookup(FUNCTION_WORDS, w.text) ?? (asOperator ? lookup(OPERATOR_NAMES, w.text) : undefined);
      if (special) push(make(special, w.text, t.offset, end));
      else if (known) push(make("fnop", known, t.offset, end));
      else throw unknownFunction(w.text, w.offset, w.end);
    };
    if (name === "mathop") {
      // \mathop{\mathrm{tr}} is \operatorname{tr}: matdiff's LaTeX spells operator names so, as \operatorname
      // costs KaTeX three macro expansions and a long derivation ran past its limit of 1,000
      const [open, rm, inner, w, close, outer] = [r[i + 1], r[i + 2], r[i + 3], r[i + 4], r[i + 5], r[i + 6]];
      if (open?.type === "lbrace" && rm?.text === "\\mathrm" && inner?.type === "lbrace" && isWord(w) && close?.type === "rbrace" && outer?.type === "rbrace") {
        operatorName(w, true, outer.end);
        return i + 6;
      }
      throw syntaxError(input, "expected \\mathrm{name} in braces after '\\mathop'", t.offset, t.end);
    }
    if (NAME_COMMANDS.has(name)) {
      const [open, w, close] = [r[i + 1], r[i + 2], r[i + 3]];
      if (open?.type === "lbrace" && isWord(w) && close?.type === "rbrace" && !(name === "mathrm" && w.text.length === 1)) {
        operatorName(w, name === "operatorname", close.end);
        return i + 3;
      }
      if (name === "operatorname") throw syntaxError(input, "expected a function name in braces after '\\operatorname'", t.offset, t.end);
    }
    if (name === "mathbb") {
      // 𝔼[x], \mathbb{P}(A): an expectation or a probability, not the matrix E times x
      const braced = r[i + 1]?.type === "lbrace" && r[i + 3]?.type === "rbrace";
      const letter = braced ? r[i + 2] : r[i + 1];
      // 𝔼_q[·], \mathbb{E}_{x \sim p}[·]: the distribution in a subscript before the bracket
      let next = braced ? i + 4 : i + 2;
      if (r[next]?.type === "underscore") {
        if (r[next + 1]?.type !== "lbrace") next += 2;
        else for (let j = next + 1, depth = 0; j < r.length; j++) {
          if (r[j]!.type === "lbrace") depth++;
          else if (r[j]!.type === "rbrace" && --depth === 0) { next = j + 1; break; }
        }
      }
      const after = r[next];
      if (letter?.type === "word" && (letter.text === "E" || letter.text === "P") && (after?.type === "lbrack" || after?.type === "lparen" || (after?.type === "cmd" && SIZING.test(after.text)))) {
        const what = letter.text === "E" ? "an expectation, 𝔼[·]," : "a probability, ℙ(·),";
        throw new MatdiffError("unsupported", `${what} is not something matdiff differentiates`, { start: t.offset, end: letter.end + (braced ? 1 : 0) }, {
          hint: letter.text === "E"
            ? "differentiate the quantity inside it: the derivative of an expectation over a fixed distribution is the expectation of the derivative"
            : "write the density or the quantity itself, e.g. \\log \\mathcal{N}(x; \\mu, \\Sigma)",
        });
      }
    }
    if (DECORATIONS.has(name)) { decor = { start: t.offset, bold: BOLD.has(name) }; return i; }
    const accent = ACCENT_BY_COMMAND.get(name);
    if (accent) { decor = { start: t.offset, bold: false, accent }; return i; }
    throw unknownCommand(t, r[i - 1]);
  }

  /** `\left(`, `\bigr]`, `\left\|`: one delimiter token spanning both; `\left.` is nothing. */
  function delimiter(i: number): number {
    const size = r[i]!;
    const d = r[i + 1];
    const side = /^\\left|l$/.test(size.text) ? "l" : /^\\right|r$/.test(size.text) ? "r" : "";
    const type = d && delimiterType(d, side);
    if (!d || type === undefined) throw syntaxError(input, `expected a delimiter after '${size.text}'`, size.offset, size.end);
    if (type !== null) push(make(type, "", size.offset, d.end));
    return i + 1;
  }

  // 𝒩(x | μ, Σ), Bishop's bar: the bar is the Gaussian's separator, as `;` and \mid are
  const gaussianBars = new Set<number>();
  return withParameters(input, withLabels(input, out.map((t, k): Token => {
    if (t.type === "ident" && t.value === "N" && !t.bold && gaussianCall(input, out, k, gaussianBars)) return { ...t, type: "gaussfn" };
    if (t.type === "vbar" && gaussianBars.has(k)) return { ...t, type: "semi" };
    // Every fn is a call when a round parenthesis follows it, else the LaTeX operator form.
    // \sum and ∑ are big operators: \sum (Xw − y)^2 sums the squares, it is not (\sum(Xw − y))^2; and so is a sum
    // with its index, however spelt (sum_i (y_i − wᵀx_i)^2)
    if (t.type === "fnop" && out[k + 1]?.type === "lparen" && !t.text.startsWith("\\sum") && !t.text.startsWith("∑") && t.index === undefined) return { ...t, type: "fncall" };
    if (t.type === "ident" && t.value === "T" && afterCaret(out, k)) return { ...t, type: "tee" };
    if (t.type === "sub" && (t.value === "1" || t.value === "2" || t.value === "F")) return { ...t, type: "normsub" };
    // ‖X‖_{Fro}, ‖X‖_{fro}: the Frobenius norm as NumPy's ord='fro' spells it
    if (t.type === "sub" && /^(?:fro|Fro|FRO)$/.test(t.value) && (out[k - 1]?.type === "bar" || out[k - 1]?.type === "rnorm")) return { ...t, type: "normsub", value: "F" };
    // ‖x‖_3, ‖x‖_p: a p-norm, which only 1, 2 and F are
    if (t.type === "sub" && (out[k - 1]?.type === "bar" || out[k - 1]?.type === "rnorm")) {
      const p = /^\d+$/.test(t.value) ? t.value : "p";
      throw new MatdiffError("unsupported", `the norm ‖·‖_${t.value} is not supported: only ‖·‖_1, ‖·‖_2 (or ‖·‖) and ‖·‖_F are`, spanOf(t), {
        hint: `for Σᵢ |xᵢ|^${p} write sum(abs(x).^${p}), and for the norm itself (sum(abs(x).^${p}))^{1/${p}}`,
      });
    }
    if (t.type === "ident" && t.value === "e" && !t.bold && out[k + 1]?.type === "caret" && !powerOfSymbol(out, k + 2)) {
      return { ...t, type: "expbase" };
    }
    return t;
  })));
}

/**
 * `N(x; μ, Σ)`, `\mathcal{N}(x \mid μ, Σ)`, `𝒩(…)`: an N followed by a round parenthesis whose content has a
 * `;` or `\mid` at its own level is the Gaussian density of its arguments (src/syntax/gaussian.ts); that
 * separator is written nowhere else, so `N(x + y)` stays a product. So is `𝒩(x | μ, Σ)`, with a bare bar as
 * Bishop writes it, where the bar is the only one at that level and one comma follows it (|x| inside is a pair,
 * and N(|x|, y) no Gaussian): its index goes into `bars`, to be read as the separator.
 */
function gaussianCall(input: string, out: readonly Token[], k: number, bars: Set<number>): boolean {
  if (out[k + 1]?.type !== "lparen") return false;
  let depth = 0, semis = 0, commas = 0;
  const vbars: number[] = [];
  let commasAfterBar = 0;
  for (let j = k + 1; j < out.length; j++) {
    const t = out[j]!;
    if (OPENERS[t.type] !== undefined) depth++;
    else if (CLOSERS.has(t.type) && --depth === 0) {
      if (semis === 0) {
        if (vbars.length !== 1 || vbars[0] === k + 2 || commasAfterBar !== 1) return false;
        bars.add(vbars[0]!);
        return true;
      }
      if (semis === 1 && commas === 1) return true;
      throw new MatdiffError("syntax", `${input.slice(out[k]!.offset, t.end)} is not the Gaussian density 𝒩(x; μ, Σ): it takes the point, a ';' or \\mid, then the mean and the covariance`, { start: out[k]!.offset, end: t.end }, {
        hint: "write 𝒩(x; μ, Σ), \\mathcal{N}(x \\mid \\mu, \\Sigma) or N(x; mu, Sigma)",
      });
    } else if (depth === 1 && t.type === "semi") semis++;
    else if (depth === 1 && t.type === "comma" && semis > 0) commas++;
    else if (depth === 1 && t.type === "vbar") vbars.push(j);
    if (depth === 1 && t.type === "comma" && vbars.length > 0) commasAfterBar++;
  }
  return false;
}

/**
 * `W^{[1]}`, `a^{[l]}`, `x^{(i)}`, `W^[1]`: a layer or sample label in a superscript, as deep-learning notes write
 * it, is part of the name (no power is written so); `W^{[1]T}` and `W^{[1]\top}` are its transpose.
 */
function withLabels(input: string, tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  const closer = { lbrack: "rbrack", lparen: "rparen" } as const;
  const labelText = (t: Token | undefined) => (t && (t.type === "num" || t.type === "ident") && /^[A-Za-z0-9]+$/.test(t.value) ? t.value : null);
  const isT = (t: Token | undefined) => t?.type === "tee" || (t?.type === "ident" && t.value === "T");
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.type !== "ident" || t.value.includes("^") || tokens[k + 1]?.type !== "caret") { out.push(t); continue; }
    const braced = tokens[k + 2]?.type === "lbrace";
    const j = k + (braced ? 3 : 2);
    const open = tokens[j];
    const label = labelText(tokens[j + 1]);
    if (!open || (open.type !== "lbrack" && open.type !== "lparen") || label === null || tokens[j + 2]?.type !== closer[open.type]) { out.push(t); continue; }
    const brackets = open.type === "lbrack" ? `[${label}]` : `(${label})`;
    const transposed = braced && isT(tokens[j + 3]);
    const last = j + 2 + (transposed ? 1 : 0) + (braced ? 1 : 0);
    if (braced && tokens[last]?.type !== "rbrace") { out.push(t); continue; }
    // x_i^{(k)}: the label goes with the letter, the subscript stays last (names.ts: base, then `_`)
    const sub = t.value.indexOf("_");
    let value = sub < 0 ? withLabel(t.value, brackets) : withLabel(t.value.slice(0, sub), brackets) + t.value.slice(sub);
    let end = tokens[j + 2]!.end;
    let next = last;
    // x^{(k)}_i, x^(k)_i (as the text form prints it): a subscript right after the label is the name's too
    const after = tokens[last + 1];
    if (sub < 0 && !transposed && (after?.type === "sub" || after?.type === "normsub") && after.offset === tokens[last]!.end) {
      value += `_${after.value}`;
      end = after.end;
      next = last + 1;
    }
    out.push({ ...t, value, text: input.slice(t.offset, end), end });
    if (transposed) {
      // the T inside the braces transposes the labelled symbol: a caret and a tee of no width, then the T
      const tee = tokens[j + 3]!;
      out.push({ type: "caret", value: "", text: "", offset: tee.offset, end: tee.offset }, { ...tee, type: "tee" });
    }
    k = next;
  }
  return out;
}

/**
 * `A(θ)`, `b(θ)`, `x(t)`, `Σ(θ)`: a symbol written with a parameter in parentheses right after it, no space between,
 * is an opaque function of that parameter (the `--let "A: matrix(theta)"` reading), as lecture notes and papers
 * write it — not the product Aθ, which nobody spells with parentheses round a single symbol. The parameter is one
 * symbol that is not an uppercase Latin letter: `A(B)` and `A (θ)` stay products, as does anything longer, `A(x + y)`.
 */
function withParameters(input: string, tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    const [open, p, close] = [tokens[k + 1], tokens[k + 2], tokens[k + 3]];
    const glued = (a: Token | undefined, b: Token | undefined) => a?.type === "ident" && a.value !== "I" && !a.param && b?.type === "lparen" && b.text === "(" && b.offset === a.end;
    const closing = (c: Token | undefined) => c?.type === "rparen" && c.text === ")";
    if (glued(t, open) && p?.type === "ident" && !p.param && p.value !== t.value && isParameterName(p.value) && closing(close)) {
      out.push({ ...t, text: input.slice(t.offset, close!.end), end: close!.end, param: { name: p.value, offset: p.offset, end: p.end } });
      k += 3;
    } else if (glued(t, open) && glued(p, close) && p!.value !== t.value) {
      // ℓ(ŷ(w)), a loss of a prediction: ℓ depends on ŷ, which depends on w (analyse.ts writtenDependencies), not ℓ·ŷ(w)
      const [q, inner, outer] = [tokens[k + 4], tokens[k + 5], tokens[k + 6]];
      if (q?.type === "ident" && !q.param && q.value !== p!.value && q.value !== t.value && isParameterName(p!.value) && isParameterName(q.value) && closing(inner) && closing(outer)) {
        out.push({ ...t, text: input.slice(t.offset, outer!.end), end: outer!.end, param: { name: p!.value, offset: p!.offset, end: inner!.end, param: { name: q.value, offset: q.offset, end: q.end } } });
        k += 6;
      } else out.push(t);
    } else if (glued(t, open) && FUNCTION_LETTERS.has(t.value) && !t.bold) {
      // φ(Wx + b), ℓ(xᵀw): letters that name functions (a feature map, an activation, a loss), applied to an
      // expression, which matdiff cannot see inside; read as a product they were a wrong answer
      throw new MatdiffError("unknown-word", `${input.slice(t.offset, t.end)}(…) of an expression is a function matdiff cannot see inside`, spanOf(t), {
        hint: `write its formula (an activation as \\tanh(…), \\sigma(…) or relu(…), a loss as its expression); ${input.slice(t.offset, t.end)} of one symbol, as in ${input.slice(t.offset, t.end)}(x), is read as a quantity that depends on x; for a product write ${input.slice(t.offset, t.end)} \\cdot (…)`,
      });
    } else out.push(t);
  }
  return out;
}

/** Greek letters (and ℓ) that name functions far more often than numbers: φ and ψ feature maps and activations, ℓ a loss. */
const FUNCTION_LETTERS: ReadonlySet<string> = new Set(["phi", "varphi", "psi", "ell"]);

/** A parameter's letter: lowercase Latin, or Greek of either case (θ, Θ); an uppercase Latin letter is a matrix factor. */
const isParameterName = (name: string): boolean => !/^[A-Z]/.test(name) || GREEK.has(name.replace(/_.*$/, ""));

/**
 * Is the exponent starting at out[k] one a symbol takes: `T`, `{\top}`, `{-T}`, `-1`, `2`, `{1/2}`,
 * `{\circ 2}`, `<-1>`? Then `e^T`, `e^{2}` are the symbol e (a --where name, as printed);
 * any other power of e is Euler's number: `e^{-x^T x/2}`, `\mathrm{e}^{x}` are exp.
 */
function powerOfSymbol(out: readonly Token[], k: number): boolean {
  const braced = out[k]?.type === "lbrace";
  let j = braced ? k + 1 : k;
  const t = out[j];
  if (t?.type === "tee" || (t?.type === "ident" && t.value === "T") || t?.type === "hadamard" || t?.type === "lt") return true;
  if (t?.type === "minus") j++;
  const u = out[j];
  if (u?.type === "tee" || (u?.type === "ident" && u.value === "T")) return true;
  if (u?.type !== "num") return false;
  if (!braced) return true;
  if (out[j + 1]?.type === "slash" && out[j + 2]?.type === "num") j += 2;
  return out[j + 1]?.type === "rbrace";
}

/** Is out[k] the start of an exponent: `^_`, `^{_`, `^-_`, `^{-_`? */
function afterCaret(out: readonly Token[], k: number): boolean {
  let j = k - 1;
  if (out[j]?.type === "minus") j--;
  if (out[j]?.type === "lbrace") j--;
  // `A.^T` is no elementwise power by a matrix T: a transpose written wrongly, an error at the T;
  // so is `A^{∘T}`, which is how `A.^T` reads in LaTeX (found by the parser fuzz)
  if (out[j]?.type === "hadamard" && j === k - 1 && out[j - 1]?.type === "lbrace" && out[j - 2]?.type === "caret") return true;
  return out[j]?.type === "caret" || (out[j]?.type === "dotcaret" && j === k - 1);
}

function delimiterType(d: Raw, side: string): TokenType | null | undefined {
  const bar = side === "l" ? "lnorm" : side === "r" ? "rnorm" : "bar";
  switch (d.type) {
    case "lparen": case "rparen": case "lbrack": case "rbrack": case "langle": case "rangle": return d.type;
    // \left< x, y \right> is how some notes write the inner product ⟨x, y⟩ (seed 001)
    case "lt": return side === "l" ? "langle" : undefined;
    case "gt": return side === "r" ? "rangle" : undefined;
    case "dot": return null;
    case "dbar": return bar;
    case "bar1": return side === "l" ? "lvert" : side === "r" ? "rvert" : "vbar";
    case "cmdsym": return lookup<TokenType>({ "\\{": "lbrace", "\\}": "rbrace", "\\|": bar }, d.text);
    case "cmd": return lookup<TokenType>({
      "\\lVert": "lnorm", "\\rVert": "rnorm", "\\Vert": bar, "\\langle": "langle", "\\rangle": "rangle",
      "\\lvert": "lvert", "\\rvert": "rvert", "\\vert": side === "l" ? "lvert" : side === "r" ? "rvert" : "vbar",
    }, d.text);
    default: return undefined;
  }
}

/** `\frac12`, `\tfrac1x`, `\frac\alpha2`: TeX takes an unbraced argument as one character or command, so brace it. */
/**
 * ∑ and ∏ are \sum and \prod; a run of subscript letters is `_` and the letters (xᵢ is x_i, ∑ᵢ is \sum_i),
 * the `_` spanning nothing: what follows reads them as it reads the LaTeX.
 */
function unicodeScripts(raw: Raw[]): Raw[] {
  if (!raw.some((t) => t.type === "subletters" || t.type === "nary" || t.type === "vulgar")) return raw;
  return raw.flatMap((t): Raw[] => {
    if (t.type === "nary") return [{ type: "cmd", text: NARY.get(t.text)!, offset: t.offset, end: t.end }];
    if (t.type === "vulgar") {
      const [n, d] = t.text.normalize("NFKD").split("\u2044") as [string, string];
      const at = (type: string, text: string): Raw => ({ type, text, offset: t.offset, end: t.end });
      return [at("lparen", "("), at("num", n), at("slash", "/"), at("num", d), at("rparen", ")")];
    }
    if (t.type !== "subletters") return [t];
    const letters = [...t.text].map((c) => SUBSCRIPT_LETTERS.get(c)!).join("");
    return [{ type: "underscore", text: "", offset: t.offset, end: t.offset }, { type: "word", text: letters, offset: t.offset, end: t.end }];
  });
}

/**
 * Σ_i, Σᵢ, \Sigma_{i=1}^N: the sum ∑ᵢ as people type it (Σ is on every Greek keyboard, ∑ on none), read as \sum
 * where it opens a term before a summand and its index binds what follows: a symbol after it is subscripted by the
 * index and none before it is, and Σ is neither raised nor transposed. Σ_k stays a mixture's covariance in
 * (x − μ_k)ᵀΣ_k⁻¹(x − μ_k), μ_kᵀΣ_kμ_k, log|Σ_k| + tr(Σ_k⁻¹S_k), tr(Σ_k S_k), and in 𝒩(x | μ_k, Σ_k) after the Σ_k
 * that sums over k; Σ_i · (…) is the matrix Σ_i times (…).
 * Read as the matrix Σ_i times a scalar, Σᵢ (yᵢ − wᵀxᵢ)² answered a question nobody asks.
 */
function greekSums(raw: Raw[]): Raw[] {
  const isSigma = (t: Raw | undefined) => t !== undefined && ((t.type === "greek" && t.text === "Σ") || (t.type === "cmd" && t.text === "\\Sigma") || (t.type === "word" && t.text === "Sigma"));
  if (!raw.some(isSigma)) return raw;
  // the letters a subscript at k holds (x_i, x_{ij}, x_{i,j}, xᵢ): "" for none
  const subscriptAt = (k: number): string => {
    if (raw[k]!.type !== "underscore") return "";
    const [a, b] = [raw[k + 1], raw[k + 2]];
    if (a?.type === "word") return a.text;
    if (a?.type !== "lbrace") return "";
    let letters = "";
    for (let j = k + 2; j < raw.length && raw[j]!.type !== "rbrace"; j++) if (raw[j]!.type === "word") letters += raw[j]!.text;
    return b ? letters : "";
  };
  const out = [...raw];
  for (let i = 0; i < raw.length; i++) {
    const sigma = raw[i]!;
    const limit = raw[i + 1];
    if (!isSigma(sigma) || limit === undefined || limit.offset !== sigma.end) continue;
    let index: string;
    let last: number;
    if (limit.type === "sumfrom") { index = /[A-Za-z]/.exec(limit.text.slice(1))![0]; last = i + 1; }
    else if (limit.type === "underscore" && raw[i + 2]?.type === "word" && /^[a-z]$/.test(raw[i + 2]!.text)) { index = raw[i + 2]!.text; last = i + 2; }
    else if (limit.type === "underscore" && raw[i + 2]?.type === "lbrace" && raw[i + 3]?.type === "word" && /^[a-z]$/.test(raw[i + 3]!.text) && raw[i + 4]?.type === "rbrace") { index = raw[i + 3]!.text; last = i + 4; }
    else continue;
    // Σ_k⁻¹, Σ_kᵀ, Σ_k^{-1}, Σ_k': a matrix; Σ_{i=1}^N: the sum's upper limit, which the summand follows
    let after = raw[last + 1];
    if (limit.type === "sumfrom" && after?.type === "caret") {
      const top = raw[last + 2];
      after = top?.type === "lbrace" ? raw[closingBrace(raw, last + 2) + 1] : raw[last + 3];
    } else if (after?.type === "caret" || after?.type === "sup" || after?.type === "prime") continue;
    // a sum opens a term (after a sign, a coefficient such as 1/N, λ or \frac{1}{N}, or log) and a summand follows it:
    // log|Σ_k|, det(Σ_k), tr(Σ_k S_k), aᵀΣ_k b_k and Σ_k · (…) hold the matrix Σ_k
    const before = raw[i - 1];
    const opens = before === undefined || before.type === "plus" || before.type === "minus" || before.type === "num" || before.type === "greek"
      || before.type === "rbrace" || (before.type === "word" && raw[i - 2]?.type !== "caret") || (before.type === "cmd" && /^\\(?:log|ln)$/.test(before.text));
    // (a bar after it opens a norm or an absolute value: the one that closes |Σ_k| has no sign before Σ_k)
    const summand = after !== undefined && (after.type === "lparen" || after.type === "lbrack" || after.type === "lbrace" || after.type === "word" || after.type === "greek"
      || after.type === "num" || after.type === "bar1" || after.type === "dbar" || (after.type === "cmdsym" && after.text === "\\|")
      || (after.type === "cmd" && !/^\\(?:right|cdot|times|rvert|rVert|mid)$/.test(after.text)));
    if (!opens || !summand) continue;
    let earlier = false, later = false;
    for (let k = 0; k < raw.length; k++) {
      if (k > i && k <= last) continue;
      if (!subscriptAt(k).includes(index)) continue;
      if (k < i) earlier = true;
      else later = true;
    }
    if (earlier || !later) continue;
    out[i] = { type: "cmd", text: "\\sum", offset: sigma.offset, end: sigma.end };
  }
  return out;
}

/** \sqrt[3]{x^T x}: the n-th root, read as the power {x^T x}^{1/3} (the brackets were an unexpected '['). */
function nthRoots(raw: Raw[]): Raw[] {
  if (!raw.some((t, i) => t.type === "cmd" && t.text === "\\sqrt" && raw[i + 1]?.type === "lbrack")) return raw;
  const out = [...raw];
  for (let i = out.length - 1; i >= 0; i--) {
    const [root, open, n, shut, brace] = [out[i]!, out[i + 1], out[i + 2], out[i + 3], out[i + 4]];
    if (root.type !== "cmd" || root.text !== "\\sqrt" || open?.type !== "lbrack") continue;
    const close = brace?.type === "lbrace" ? closingBrace(out, i + 4) : out.length;
    if (n?.type !== "num" || !/^[1-9]\d*$/.test(n.text) || shut?.type !== "rbrack" || close >= out.length) {
      throw new MatdiffError("syntax", "\\sqrt[n]{…} takes a whole number n ≥ 1 in its brackets and its radicand in braces", { start: root.offset, end: (shut ?? open).end }, {
        hint: "e.g. \\sqrt[3]{x^T x}; for another power write (…)^{1/p}",
      });
    }
    const end = out[close]!.end;
    const at = (type: string, text: string): Raw => ({ type, text, offset: end, end });
    out.splice(close + 1, 0, at("caret", "^"), at("lbrace", "{"), at("num", "1"), at("slash", "/"), { ...n, offset: end, end }, at("rbrace", "}"));
    out.splice(i, 4);
  }
  return out;
}

function braceFractionArguments(raw: readonly Raw[]): Raw[] {
  const out = [...raw];
  const brace = (type: "lbrace" | "rbrace", at: number): Raw => ({ type, text: "", offset: at, end: at });
  for (let i = 0; i < out.length; i++) {
    if (out[i]!.type !== "cmd" || !FRACTIONS.has(out[i]!.text)) continue;
    let j = i + 1;
    for (let arg = 0; arg < 2 && j < out.length; arg++) {
      const t = out[j]!;
      if (t.type === "lbrace") { j = closingBrace(out, j) + 1; continue; }
      if (t.type === "cmd" && GREEK.has(t.text.slice(1))) { out.splice(j, 1, brace("lbrace", t.offset), t, brace("rbrace", t.end)); j += 3; continue; }
      if (t.type !== "num" && t.type !== "word") break;
      const first: Raw = { type: t.type, text: t.text[0]!, offset: t.offset, end: t.offset + 1 };
      const rest: Raw[] = t.text.length > 1 ? [{ type: t.type, text: t.text.slice(1), offset: t.offset + 1, end: t.end }] : [];
      out.splice(j, 1, brace("lbrace", t.offset), first, brace("rbrace", t.offset + 1), ...rest);
      j += 3;
    }
  }
  return out;
}

function closingBrace(raw: readonly Raw[], open: number): number {
  let depth = 0;
  for (let j = open; j < raw.length; j++) {
    if (raw[j]!.type === "lbrace") depth++;
    else if (raw[j]!.type === "rbrace" && --depth === 0) return j;
  }
  return raw.length;
}

/** Feeds a ready token array to nearley, which asks for tokens through this interface. */
export class TokenLexer {
  private pos = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  reset(_chunk: string, state?: { pos: number }): void { this.pos = state?.pos ?? 0; }

  next(): Token | undefined { return this.tokens[this.pos++]; }

  save(): { pos: number } { return { pos: this.pos }; }

  formatError(token: Token): string { return `unexpected '${token.text}'`; }

  has(type: string): boolean { return TOKEN_TYPES.has(type); }
}

const TOKEN_TYPES: ReadonlySet<string> = new Set<TokenType>([
  "num", "ident", "ones", "fncall", "fnop", "invfn", "kronfn", "normfn", "maxfn", "frac", "sqrtcmd",
  "lparen", "rparen", "lbrack", "rbrack", "lbrace", "rbrace", "bar", "lnorm", "rnorm", "langle", "rangle", "comma",
  "plus", "minus", "times", "slash", "hadamard", "hdivide", "kronop", "caret", "dotcaret", "prime", "sup", "lt", "gt",
  "tee", "sub", "normsub", "stray", "vbar", "lvert", "rvert", "expbase", "gaussfn", "semi",
]);

/** The grammar's lexer (nearley asks it which token types exist); each parse feeds its own TokenLexer. */
export const lexer = new TokenLexer([]);
