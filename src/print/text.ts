/**
 * Readable Unicode for terminals: `−A⁻ᵀBᵀA⁻ᵀ`, `tr(A⁻¹B)`, `(A + Aᵀ)/2`,
 * `−2Φᵀ(y − Φθ)`. Factors are juxtaposed without space unless the result
 * would read differently (see `separator`). Parentheses are decided in
 * infix.ts; this file only spells.
 */
import type { Expr } from "../core/expr.js";
import type { Rational } from "../core/rational.js";
import { GREEK } from "../syntax/greek.js";
import { baseText } from "../syntax/names.js";
import { KNOWN_FUNCTIONS } from "../syntax/lexer.js";
import { Prec } from "../syntax/precedence.js";
import { makePrinter, splitName, type Notation, type Printed } from "./infix.js";

const MINUS = "\u2212";
const SUPERSCRIPT: Readonly<Record<string, string>> = {
  "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻",
};
const SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉";

const call = (name: string) => (arg: string): Printed => ({ s: `${name}(${arg})`, prec: Prec.ATOM });
const rational = (r: Rational) => (r.d === 1 ? String(r.n) : `${r.n}/${r.d}`).replace("-", MINUS);

function subscript(sub: string | null): string {
  if (sub === null) return "";
  if (/^\d+$/.test(sub)) return [...sub].map((c) => SUBSCRIPT_DIGITS[Number(c)]).join("");
  const greek = GREEK.get(sub)?.unicode; // x_θ, from x_\theta
  if (greek) return `_${greek}`;
  return sub.length === 1 ? `_${sub}` : `_{${sub}}`;
}

/** Integer exponents as superscripts (A², x⁻²); others braced as the parser reads them: `t^{1/2}`. */
const power = (r: Rational) =>
  r.d === 1 ? [...String(r.n)].map((c) => SUPERSCRIPT[c] ?? c).join("") : `^{${rational(r)}}`;

/**
 * Words the parser reads as one token: function names, and Greek letters by
 * name (`p i` must not become `pi`). Taken from the lexer so the two cannot drift.
 */
const WORDS = [...KNOWN_FUNCTIONS, ...GREEK.keys()];

/**
 * What goes between two juxtaposed factors: "" when plain juxtaposition reads
 * back the same. `acc` is the tail of the product so far (infix.ts TAIL), `bars` the ‖ in all of it.
 */
function separator(acc: string, next: string, prev: Expr | null, cur: Expr, before: string, bars: number): string {
  if (/\d$/.test(acc) && /^\d/.test(next)) return "·"; // 2·3^{1/2}, not 23
  // `σ(…)` is the sigmoid and `dX` a differential; the symbols σ and d are not.
  if (prev?.kind === "sym" && ((prev.name === "sigma" && next.startsWith("(")) || prev.name === "d")) return "·";
  // ‖ opens and closes alike, so once a norm is followed by another factor, a
  // further norm could pair with its bars: ‖a‖ α‖c‖ also reads ‖a ‖α‖ c‖. A `·`
  // cannot stand next to a bar inside a norm, so it rules that reading out.
  // The bars of earlier terms count too: ‖y‖ − 2‖y‖ also reads ‖y ‖−2‖ y‖ (‖−2‖ is a norm), and ‖y‖ − 2·‖y‖ does not.
  if (next.startsWith("‖") && (before.includes("‖") || (bars > 0 && !(bars === 2 && /‖(?:_F)?$/.test(acc))))) return "·";
  const letters = (acc.match(/[A-Za-z]+$/)?.[0] ?? "") + (next.match(/^[A-Za-z]+/)?.[0] ?? "");
  const spaced =
    prev?.kind === "d" || cur.kind === "d" // A dX B: a differential stands apart
    || /(?:[₀-₉]|_\w|_\{[^{}]*\})$/.test(acc) // W₁ x, x_i y, ‖A‖_F x: a subscript would swallow the next name
    || /^[A-Za-z]{2}/.test(next) // A tr(B), 2 log det(X): a word after a factor
    || (prev !== null && /\d$/.test(acc)) // A.^2 B
    || (acc.endsWith("‖") && next.startsWith("‖"))
    || (/[A-Za-z]{2}$/.test(acc) && next.startsWith("(")) // t t(x): `tt(x)` would read as a misspelt function
    || WORDS.some((w) => letters.includes(w))
    || /^[a-z]{3,}$/.test(letters); // t x y: the lexer refuses `txy` as an unknown name (loss, yhat)
  return spaced ? " " : "";
}

const text: Notation = {
  symbol: (base, sub) => baseText(base) + subscript(sub),
  differential: (symbol, tag) => `d${"′".repeat(tag)}${symbol}`,
  identity: "I",
  zero: "0",
  ones: "𝟏",
  commutation: "K",
  differentialOf: (u) => `d(${u})`,
  // composed (NFC) where Unicode has the letter: Ẋ is one character, as people type it
  // J_A(θ), J_{W₁}(θ): a one-letter name needs no braces
  jacobian: (of, wrt) => `J_${[...of].length === 1 ? of : `{${of}}`}(${wrt})`,
  dot: (x, k) => (k === 1 ? `${x}\u0307` : k === 2 ? `${x}\u0308` : `${x}⁽${k}⁾`).normalize("NFC"),
  number: (r) => ({ s: rational(r), prec: r.d === 1 ? Prec.ATOM : Prec.PRODUCT }),
  coefficients: "divide",
  // a/b/c would not read back as a/(bc): the divisor is one atom
  fraction: (num, den) => ({ s: `${num.prec >= Prec.PRODUCT ? num.s : `(${num.s})`}/${den.prec >= Prec.POSTFIX ? den.s : `(${den.s})`}`, prec: Prec.PRODUCT }),
  neg: MINUS,
  plus: " + ",
  minus: ` ${MINUS} `,
  hadamard: " ⊙ ",
  hdivide: " ⊘ ",
  kron: " ⊗ ",
  postfix: (p) => {
    switch (p.op) {
      case "T": return "ᵀ";
      case "inv": return "⁻¹";
      case "invT": return "⁻ᵀ";
      case "pow": return power(p.exp);
      // the Hadamard power: x∘², x∘⁻¹ (as x², A⁻¹), and x∘^{1/2} where superscripts have no fraction
      case "hpow": return p.exp.d === 1 ? `∘${power(p.exp)}` : `∘^{${rational(p.exp)}}`;
      case "hpowx": return `∘^${p.exp}`; // x∘^p, x∘^(p − 1)
      case "powx": return p.atomic ? `^${p.exp}` : `^(${p.exp})`; // a scalar's power: t^n, t^(a − 1)
    }
  },
  functions: "text",
  apply: {
    trace: call("tr"),
    det: call("det"),
    // operator form: `log` applies to the implicit product that follows it
    logdet: (arg) => ({ s: `log det(${arg})`, prec: Prec.PREFIX }),
    sum: call("sum"),
    diag: call("diag"), // diag(X) and Diag(x) share a name; shapes tell them apart
    diagm: call("diag"),
    vec: call("vec"),
    unvec: call("unvec"), // its shape is the context's, as in Magnus & Neudecker
  },
  // a norm inside a norm is bracketed, ‖(3‖x‖y)‖, or its bars could pair the other way
  norm: (arg, p) => `‖${arg.includes("‖") ? `(${arg})` : arg}‖${p === "F" ? "_F" : ""}`,
  separator,
};

export const toText: (e: Expr, maxLength?: number) => string = makePrinter(text);

/** A canonical name as the text printer writes the symbol: theta → θ, W_1 → W₁. */
export function nameText(name: string): string {
  const { base, sub } = splitName(name);
  return text.symbol(base, sub);
}
