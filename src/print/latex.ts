/**
 * LaTeX in textbook style, rendered by KaTeX in strict mode and read back by
 * matdiff's own parser: `-A^{-\top} B^{\top} A^{-\top}`,
 * `\mathop{\mathrm{tr}}(A^{-1} B)`, `\frac{1}{2} \log\det(X)`.
 * Parentheses are decided in infix.ts; this file only spells.
 */
import type { Expr } from "../core/expr.js";
import type { Rational } from "../core/rational.js";
import { formatRational } from "../core/rational.js";
import { baseLatex } from "../syntax/names.js";
import { GREEK } from "../syntax/greek.js";
import { latexOperatorName } from "../core/operations.js";
import { Prec } from "../syntax/precedence.js";
import { makePrinter, splitName, type Notation, type Printed } from "./infix.js";
import { THIN } from "./latex-space.js";

const call = (head: string) => (arg: string): Printed => ({ s: `${head}(${arg})`, prec: Prec.ATOM });
const operator = (name: string) => call(latexOperatorName(name));
const exponent = (r: Rational) => formatRational(r); // 3, -1, 1/2: the parser's exponent text

/** Juxtaposition that would read as something else gets an explicit `\cdot`. */
function needsDot(acc: string, next: string, prev: Expr | null): boolean {
  if (/\d$/.test(acc) && /^\d/.test(next)) return true; // 2 \cdot 3^{1/2}, not the number 23
  if (prev?.kind !== "sym") return false;
  // `\sigma(…)` is the sigmoid and `d X` a differential; the symbols σ and d are not.
  return (prev.name === "sigma" && next.startsWith("(")) || prev.name === "d";
}

/**
 * A differential stands apart from its neighbours by a thin space, as in
 * print: `\mathrm{d}A\, A^{-1}`, `A\, \mathrm{d}X\, B`; KaTeX would set
 * `\mathrm{d}A A^{-1}` as "dAA⁻¹". d(u), (dX)ᵀ and (dX)² count as differentials.
 */
function isDifferential(e: Expr | null): boolean {
  if (e === null) return false;
  if (e.kind === "d" || e.kind === "dop") return true;
  return (e.kind === "transpose" || e.kind === "power") && e.arg.kind === "d";
}

/**
 * A subscript: a Greek letter's name as the letter (x_{\\theta}), a label of three letters or more upright
 * (W_{\\mathrm{out}}), indices and short labels as they are (x_{i}, W_{hh}, W_{1}).
 */
function subscriptLatex(sub: string): string {
  const greek = GREEK.get(sub);
  if (greek) return greek.latex;
  return /^[A-Za-z]{3,}$/.test(sub) ? `\\mathrm{${sub}}` : sub;
}

const latex: Notation = {
  symbol: (base, sub) => baseLatex(base) + (sub === null ? "" : `_{${subscriptLatex(sub)}}`),
  differential: (symbol, tag) => `\\mathrm{d}${"'".repeat(tag)}${symbol}`,
  identity: "I",
  zero: "0",
  ones: "\\mathbf{1}",
  commutation: "K",
  differentialOf: (u) => `\\mathrm{d}(${u})`,
  jacobian: (of, wrt) => `J_{${of}}(${wrt})`,
  dot: (x, k) => (k === 1 ? `\\dot{${x}}` : k === 2 ? `\\ddot{${x}}` : `${x}^{(${k})}`),
  // A \frac juxtaposes like an atom but is bracketed under a postfix, as
  // (\frac{a}{b})^{2}: `\frac{a}{b}^{2}` would set the exponent by the denominator.
  number: (r) => ({ s: r.d === 1 ? String(r.n) : `\\frac{${r.n}}{${r.d}}`, prec: r.d === 1 ? Prec.ATOM : Prec.POSTFIX }),
  coefficients: "prefix",
  fraction: (num, den) => ({ s: `\\frac{${num.s}}{${den.s}}`, prec: Prec.POSTFIX }),
  neg: "-",
  plus: " + ",
  minus: " - ",
  hadamard: " \\odot ",
  hdivide: " \\oslash ",
  kron: " \\otimes ",
  postfix: (p) => {
    switch (p.op) {
      case "T": return "^{\\top}";
      case "inv": return "^{-1}";
      case "invT": return "^{-\\top}";
      case "pow": return `^{${exponent(p.exp)}}`;
      case "hpow": return `^{\\circ ${exponent(p.exp)}}`; // Hadamard power
      case "hpowx": return `^{\\circ ${p.exp}}`; // by a scalar expression: x^{\circ p}, x^{\circ (p - 1)}
      case "powx": return `^{${p.exp}}`;
    }
  },
  functions: "latex",
  apply: {
    trace: operator("tr"),
    det: call("\\det"),
    // operator form: `\log` applies to the implicit product that follows it
    logdet: (arg) => ({ s: `\\log\\det(${arg})`, prec: Prec.PREFIX }),
    sum: operator("sum"),
    diag: operator("diag"), // diag(X) and Diag(x) share a name; shapes tell them apart
    diagm: operator("diag"),
    vec: operator("vec"),
    unvec: operator("unvec"),
  },
  norm: (arg, p) => `\\lVert ${arg} \\rVert${p === "F" ? "_F" : ""}`,
  separator: (tail, next, prev, cur) => (needsDot(tail, next, prev) ? " \\cdot " : isDifferential(prev) || isDifferential(cur) ? THIN : " "),
};

export const toLatex: (e: Expr, maxLength?: number) => string = makePrinter(latex);

/** A symbol's name in LaTeX, as toLatex spells it: `\theta`, `W_{1}`, `\hat{y}`. */
export function latexName(name: string): string {
  const { base, sub } = splitName(name);
  return latex.symbol(base, sub);
}
