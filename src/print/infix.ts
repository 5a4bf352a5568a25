/**
 * The precedence-driven printer behind both human notations, LaTeX and
 * Unicode text. Where parentheses go is decided here, once, from the binding
 * ladder the parser implements (syntax/precedence.ts), so that printed output
 * parses back to what was printed; a `Notation` only spells names, operators
 * and where juxtaposed factors need a separator.
 */
import { splitMul, mul, power, hpower, num, sym, type Expr, type HPower, type Inverse, type Power, type Transpose } from "../core/expr.js";
import { OPERATIONS } from "../core/operations.js";
import { isScalarShape, SCALAR, type Dim } from "../core/shape.js";
import * as Q from "../core/rational.js";
import type { Rational } from "../core/rational.js";
import { Prec } from "../syntax/precedence.js";
import { MatdiffError } from "../errors.js";

/** The size n·p as the product of scalars named n and p, for printing. */
const sizeOf = (d: string): Expr => mul(...d.split("·").map((f) => (/^\d+$/.test(f) ? num(Number(f)) : sym(f, SCALAR))));

/** A printed subexpression and the ladder level of its outermost operator. */
export interface Printed {
  readonly s: string;
  readonly prec: Prec;
}

/** Node kinds printed as a function of one argument, in the notation's own delimiters (the table's functions spell themselves). */
export type Applied = "trace" | "det" | "logdet" | "sum" | "diag" | "diagm" | "vec" | "unvec";

export type Postfix =
  | { readonly op: "T" | "inv" | "invT" }
  | { readonly op: "pow" | "hpow"; readonly exp: Rational }
  /** x.^p by a scalar expression, the exponent printed already (an atom, or parenthesised). */
  | { readonly op: "hpowx"; readonly exp: string }
  /** A scalar's power by an expression, tⁿ, t^(a − 1): the exponent printed, and whether it is one symbol. */
  | { readonly op: "powx"; readonly exp: string; readonly atomic: boolean };

export interface Notation {
  /** A symbol from its canonical name split as `base_sub` (`W_1` → "W", "1"; `theta` → "theta", null). */
  symbol(base: string, sub: string | null): string;
  /** `dX`; `tag` > 0 marks an independent second direction (d²f[dX, d′X]). */
  differential(symbol: string, tag: number): string;
  readonly identity: string;
  readonly zero: string;
  readonly ones: string;
  /** Entrywise division, x ⊘ y. */
  readonly hdivide: string;
  /** d(u) of a compound u, in a derivation. */
  differentialOf(arg: string): string;
  /** Ẋ (order 1), Ẍ (2), …: derivatives of X(t) by t. */
  dot(symbol: string, order: number): string;
  /** J_A(θ) = ∂vec(A)/∂vec(θ), from the printed symbols A and θ. */
  jacobian(of: string, wrt: string): string;
  /** The commutation matrix, K vec(A) = vec(Aᵀ). */
  readonly commutation: string;
  /** A positive rational standing alone; its level says whether a fraction is an atom (`\frac`) or a division. */
  number(r: Rational): Printed;
  /** "prefix": `\frac{1}{2} A`; "divide": `A/2`, `3Ax/2` (left-associative, so the divisor applies to the whole product). */
  readonly coefficients: "prefix" | "divide";
  readonly neg: string;
  readonly plus: string;
  readonly minus: string;
  readonly hadamard: string;
  readonly kron: string;
  postfix(p: Postfix): string;
  /** Each entry returns ATOM for call forms `f(…)`, PREFIX for operator forms such as `\log\det(X)`. */
  readonly apply: { readonly [K in Applied]: (arg: string) => Printed };
  /** Which of an operation's spellings (core/operations.ts) this notation prints; each is a call form, an atom. */
  readonly functions: "text" | "latex";
  norm(arg: string, p: "2" | "F"): string;
  /** A quotient of two printed products: `\frac{a}{b}`, or `a/b` with b parenthesised unless atomic. */
  fraction(num: Printed, den: Printed): Printed;
  /**
   * What goes between the product printed so far and factor `next` (printing
   * `cur`). `tail` is the end of the product so far (its last TAIL characters:
   * reading the whole of it at every factor made a product of 1,000 factors
   * take 40 s), `bars` how many ‖ the product so far holds; `prev` is the
   * factor before, null when the product so far is the coefficient; `before`
   * is what the line holds before this product (earlier terms of a sum), whose
   * bars a norm in `next` could pair with.
   */
  separator(tail: string, next: string, prev: Expr | null, cur: Expr, before: string, bars: number): string;
}

const paren = (s: string) => `(${s})`;

/** How much of the end of a product a notation's separator sees: more than any name, subscript or word it looks for. */
export const TAIL = 128;

const countBars = (s: string): number => {
  let n = 0;
  for (let i = s.indexOf("‖"); i >= 0; i = s.indexOf("‖", i + 1)) n++;
  return n;
};

/** A scalar factor s⁻ᵖ, printed in a denominator. */
const isReciprocal = (f: Expr): boolean => f.kind === "power" && isScalarShape(f.shape) && f.exp.n < 0;

/** `p` as an operand that must bind at least as tightly as `min`. */
const wrap = (p: Printed, min: Prec): string => (p.prec >= min ? p.s : paren(p.s));

/** A product (or number) split into sign, magnitude of its coefficient and the other factors in order. */
function signed(e: Expr): { negative: boolean; coeff: Rational; factors: readonly Expr[] } {
  const { coeff, scalars, chain } = splitMul(e);
  return { negative: coeff.n < 0, coeff: Q.rat(Math.abs(coeff.n), coeff.d), factors: [...scalars, ...chain] };
}

/** `transpose(inverse(X))` and `inverse(transpose(X))` are both the one postfix `X^{-T}`. */
function postfixOf(e: Transpose | Inverse): { base: Expr; op: "T" | "inv" | "invT" } {
  const other = e.kind === "transpose" ? "inverse" : "transpose";
  if (e.arg.kind === other) return { base: e.arg.arg, op: "invT" };
  return { base: e.arg, op: e.kind === "transpose" ? "T" : "inv" };
}

/**
 * The parser builds a product left to right, and `mul` keeps a 1×1 partial
 * product as one scalar factor, so the single chain aᵀbcᵀd (its prefix aᵀb
 * is 1×1) would read back as the product of two scalars (aᵀb)(cᵀd). Written
 * aᵀ(bcᵀd) it reads back as the one chain: no prefix of bcᵀd is 1×1, as its
 * first factor has as many rows as aᵀ has columns.
 */
/**
 * A run of one scalar factor prints as its power: t·t·A (f as read, before simplification) is t²A, not ttA,
 * and t·t·t·t·t is t⁵, not "tt tt t". Differentials stay apart (dt dt is a second differential's).
 */
function powersOfRuns(factors: readonly Expr[]): readonly Expr[] {
  let out: Expr[] | null = null;
  for (let i = 0; i < factors.length;) {
    const f = factors[i]!;
    let k = 1;
    if (isScalarShape(f.shape) && f.kind !== "d" && f.kind !== "num") while (factors[i + k] === f) k++;
    if (k > 1) out ??= factors.slice(0, i);
    if (out) out.push(k > 1 ? power(f, k) : f);
    i += k;
  }
  return out ?? factors;
}

function groupChain(factors: readonly Expr[]): readonly Expr[] {
  const start = factors.findIndex((f) => !isScalarShape(f.shape));
  const chain = factors.slice(start);
  const splits = start >= 0 && chain[0]!.shape.rows === 1 && chain.slice(1, -1).some((f) => f.shape.cols === 1);
  return splits ? [...factors.slice(0, start), chain[0]!, mul(...chain.slice(1))] : factors;
}

/** Canonical names are `base` or `base_sub` (syntax/ast.ts). */
export function splitName(name: string): { base: string; sub: string | null } {
  const i = name.indexOf("_");
  return i < 0 ? { base: name, sub: null } : { base: name.slice(0, i), sub: name.slice(i + 1).replace(/^\{(.*)\}$/, "$1") };
}

/** A dimension in a subscript: the product m·n as mn. */
const dimSub = (d: Dim): string => String(d).split("·").join("");

/**
 * Longest text a printer writes. Shared subterms print in full at every use,
 * so a small graph can print to a text exponentially long (thirteen --where
 * definitions squaring a matrix): the printer stops, as a limit error, when
 * one subterm's text passes this length, before the text exists in full.
 */
export const MAX_PRINTED = 4_000_000;

const HALF = Q.rat(1, 2);
const MINUS_HALF = Q.rat(-1, 2);

export function makePrinter(n: Notation): (e: Expr, maxLength?: number) => string {
  const atom = (s: string): Printed => ({ s, prec: Prec.ATOM });
  const symbol = (name: string) => {
    const { base, sub } = splitName(name);
    return n.symbol(base, sub);
  };
  const withSign = (negative: boolean, p: Printed): Printed =>
    // −a b = −(a b): the minus takes a whole product (precedence.ts, NEG)
    // and −a ⊙ b = −(a ⊙ b) on the same ladder, so a lone ⊙ or ⊗ needs no parentheses
    negative ? { s: n.neg + wrap(p, Prec.ELEMWISE), prec: Prec.NEG } : p;

  // Expressions are hash-consed and immutable, and a node prints the same wherever it stands (only
  // `product` looks at its context, through `before`): a derivation prints the same subterms line
  // after line, so each is printed once per printer.
  const printed = new WeakMap<Expr, Printed>();
  let limit = MAX_PRINTED;
  const print = (e: Expr): Printed => {
    let p = printed.get(e);
    if (p === undefined) {
      p = printNode(e);
      if (p.s.length > limit) {
        throw new MatdiffError("limit", `the result is more than ${limit} characters long when printed`, undefined, {
          hint: "name repeated parts with --where, or raise limits.maxOutput in the library",
        });
      }
      printed.set(e, p);
    }
    return p;
  };

  // a switch, not ts-pattern's match(): this runs once per node of every printed form, and match() was a tenth of a request
  const printNode = (e: Expr): Printed => {
    switch (e.kind) {
      case "num": case "mul": {
        const { negative, coeff, factors } = signed(e);
        return withSign(negative, product(coeff, factors));
      }
      // π is spelled as the Greek letter it is: π, \pi (the parser reads either back as the number)
      case "const": return atom(symbol(e.name));
      case "sym": {
        if (e.props.jacobianOf) return atom(n.jacobian(symbol(e.props.jacobianOf.of), symbol(e.props.jacobianOf.wrt)));
        // Ẋ, Ẍ: X followed by one combining dot per derivative (core/expr.ts `dotted`)
        const order = (/\u0307*$/.exec(e.name)?.[0] ?? "").length;
        if (!order) return atom(symbol(e.name));
        // the dot over the letter, its subscript after: ṗ_θ and Ẇ₁, not p_θ with a dot over the θ
        const { base, sub } = splitName(e.name.slice(0, e.name.length - order));
        const letter = n.symbol(base, null);
        return atom(n.dot(letter, order) + n.symbol(base, sub).slice(letter.length));
      }
      // A decorated atom like `A^T`: juxtaposes freely, parenthesised under a postfix, `(dX)^T`.
      case "d": return { s: n.differential(symbol(e.of.name), e.tag), prec: Prec.POSTFIX };
      case "identity": return atom(n.identity);
      case "zero": return atom(n.zero);
      // a row of ones is the transposed column 𝟏ᵀ, as in 𝟏ᵀx = sum(x)
      case "ones": return e.shape.rows === 1 ? { s: n.ones + n.postfix({ op: "T" }), prec: Prec.POSTFIX } : atom(n.ones);
      // K_{m,n} vec(A) = vec(Aᵀ) for A m×n; the square K_{n,n} is plain K, as in the textbooks
      case "commutation": return atom(e.m === e.n ? n.commutation : n.symbol(n.commutation, `${dimSub(e.m)},${dimSub(e.n)}`));
      case "dop": return { s: n.differentialOf(print(e.arg).s), prec: Prec.POSTFIX };
      case "add": return sum(e.terms);
      case "transpose": case "inverse": {
        const { base, op } = postfixOf(e);
        return postfix(base, { op });
      }
      // (A⁻¹)ᵏ is written A⁻ᵏ, which also reads back as (A⁻¹)ᵏ
      case "power": return e.arg.kind === "inverse" && Q.isInt(e.exp)
        ? postfix(e.arg.arg, { op: "pow", exp: Q.neg(e.exp) })
        // the power ½ of an expression is the root a textbook writes, t/√(1 + t²), and reads back as that power
        // (shapes/elaborate.ts); a symbol's and a number's stay t^{1/2}, as √t and √2 stay roots
        : Q.eq(e.exp, HALF) && e.arg.kind !== "sym" && e.arg.kind !== "num" && e.arg.kind !== "const" ? squareRoot(e.arg)
        // and its reciprocal alone 1/√(xᵀx), not (xᵀx)^{−1/2}
        : Q.eq(e.exp, MINUS_HALF) && e.arg.kind !== "sym" && e.arg.kind !== "num" && e.arg.kind !== "const" ? product(Q.ONE, [e])
        // a sum's reciprocal alone is the fraction a textbook writes, 1/(1 + t)², not (1 + t)⁻²
        : e.arg.kind === "add" && isReciprocal(e) ? product(Q.ONE, [e])
        : postfix(e.arg, { op: "pow", exp: e.exp });
      // a vector's entrywise x∘^{1/2} is sqrt(x), as matdiff reads sqrt (a matrix's stays X∘^{1/2}: not its square root)
      case "hpower": return Q.eq(e.exp, HALF) && e.arg.shape.cols === 1 && e.arg.shape.rows !== 1 ? squareRoot(e.arg) : postfix(e.arg, { op: "hpow", exp: e.exp });
      // a scalar's entrywise power is its power, written as one: (2π)^{−d/2}, not (2π)∘^(−d/2)
      case "epower": return isScalarShape(e.arg.shape)
        // det(A)^(1/n): an exponent that is a reciprocal reads as the fraction, not n⁻¹
        ? postfix(e.arg, { op: "powx", exp: (isReciprocal(e.exp) ? product(Q.ONE, [e.exp]) : print(e.exp)).s, atomic: e.exp.kind === "sym" })
        : postfix(e.arg, { op: "hpowx", exp: e.exp.kind === "sym" ? print(e.exp).s : `(${print(e.exp).s})` });
      case "hadamard": return hadamardOf(e.factors);
      case "kron": return elementwise(e.factors, n.kron);
      // tr(I_n) is the size n, written as a textbook writes it (2n𝟏𝟏ᵀX); a declared size reads back as itself (shapes/elaborate.ts)
      case "trace": return e.arg.kind === "identity" && typeof e.arg.shape.rows === "string" ? print(sizeOf(e.arg.shape.rows)) : n.apply.trace(print(e.arg).s);
      case "det": case "logdet": case "sum": case "diag": case "diagm": case "vec": case "unvec": return n.apply[e.kind](print(e.arg).s);
      case "fn": {
        const op = OPERATIONS[e.name];
        return { s: op[n.functions](print(e.arg).s), prec: op.operatorForm ? Prec.PREFIX : Prec.ATOM };
      }
      case "norm": return atom(n.norm(print(e.arg).s, e.p));
    }
  };

  const squareRoot = (arg: Expr): Printed => ({ s: OPERATIONS.sqrt[n.functions](print(arg).s), prec: Prec.ATOM });

  // A postfix applies to the atom on its left (A B^T = A (B^T)), and a second
  // postfix on a postfix is written with parentheses: (A^T)^2.
  const postfix = (base: Expr, p: Postfix): Printed => ({ s: wrap(print(base), Prec.ATOM) + n.postfix(p), prec: Prec.POSTFIX });

  // ⊙ and ⊗ share one left-associative level; operands are always products or
  // tighter, which also keeps a mixed `(A ⊗ B) ⊙ C` readable.
  const elementwise = (factors: readonly Expr[], op: string): Printed =>
    ({ s: factors.map((f) => wrap(print(f), Prec.PRODUCT)).join(op), prec: Prec.ELEMWISE });

  /** x ⊙ y∘⁻¹ is written x ⊘ y, as it is read (issue 12): the divisors last, each with its power's sign turned. */
  const hadamardOf = (factors: readonly Expr[]): Printed => {
    const divisor = (f: Expr): f is HPower => f.kind === "hpower" && f.exp.n < 0;
    const over = factors.filter((f) => !divisor(f));
    const under = factors.filter(divisor);
    if (over.length === 0 || under.length === 0) return elementwise(factors, n.hadamard);
    const s = [elementwise(over, n.hadamard).s, ...under.map((f) => wrap(print(hpower(f.arg, Q.neg(f.exp))), Prec.PRODUCT))].join(n.hdivide);
    return { s, prec: Prec.ELEMWISE };
  };

  function sum(terms: readonly Expr[]): Printed {
    let s = "";
    terms.forEach((t, i) => {
      if (i === 0) { s = print(t).s; return; } // a leading −a binds tighter than +
      const { negative, coeff, factors } = signed(t);
      const op = negative ? n.minus : n.plus;
      s += op + wrap(product(coeff, factors, s + op), Prec.NEG);
    });
    return { s, prec: Prec.SUM };
  }

  /**
   * `coeff` ≥ 0 followed by factors in the canonical order (scalars, then the
   * matrix chain). Scalar factors with negative exponents form a denominator:
   * x/‖x‖, not ‖x‖⁻¹x.
   */
  function product(coeff: Rational, factors: readonly Expr[], before = ""): Printed {
    const den = factors.filter(isReciprocal);
    if (den.length === 0) return plainProduct(coeff, factors, before);
    const num = factors.filter((f) => !isReciprocal(f));
    const top = plainProduct(Q.rat(coeff.n), num, before);
    const bottom = plainProduct(Q.rat(coeff.d), den.map((f) => power((f as Power).arg, Q.neg((f as Power).exp))));
    return n.fraction(top, bottom);
  }

  function plainProduct(coeff: Rational, given: readonly Expr[], before = ""): Printed {
    // a scalar differential reads last, as in −(A + tB)⁻¹B(A + tB)⁻¹ dt (scalars commute)
    const scalarD = (f: Expr) => f.kind === "d" && isScalarShape(f.shape);
    const ordered = [...given.filter((f) => !scalarD(f)), ...given.filter(scalarD)];
    const factors = groupChain(powersOfRuns(ordered));
    const only = factors[0];
    if (only === undefined) return n.number(coeff);
    const divide = n.coefficients === "divide" && coeff.d !== 1;
    const lead = divide ? Q.rat(coeff.n) : coeff;
    if (factors.length === 1 && Q.eq(lead, Q.ONE) && !divide) return print(only);
    // pieces joined once at the end, the separator shown only the tail: linear in the product's length
    const pieces: string[] = [];
    let tail = "";
    let bars = 0;
    const append = (piece: string) => {
      pieces.push(piece);
      // a long piece is its own tail: tail + piece would copy the whole of it, at every level of a deep product
      tail = piece.length >= TAIL ? piece.slice(-TAIL) : (tail + piece).slice(-TAIL);
      bars += countBars(piece);
    };
    if (!Q.eq(lead, Q.ONE)) append(wrap(n.number(lead), Prec.PRODUCT));
    let prev: Expr | null = null;
    factors.forEach((f, i) => {
      const next = factor(f, i < factors.length - 1, i < factors.length - 1 || divide);
      if (pieces.length) append(n.separator(tail, next, prev, f, before, bars));
      append(next);
      prev = f;
    });
    const acc = pieces.join("");
    return { s: divide ? `${acc}/${coeff.d}` : acc, prec: Prec.PRODUCT };
  }

  function factor(f: Expr, followedByFactor: boolean, followed: boolean): string {
    // an all-ones matrix among factors is 𝟏𝟏ᵀ: a lone 𝟏 there reads back as a column (tanh(S)𝟏𝟏ᵀYᵀ, fuzz (c))
    if (f.kind === "ones" && f.shape.rows !== 1 && f.shape.cols !== 1) return n.ones + n.ones + n.postfix({ op: "T" });
    const p = print(f);
    // The constructors flatten products, so a product among the factors is a
    // 1×1 chain kept as one scalar (`xᵀa`), or a group made by groupChain. A
    // factor after the first would read as part of the chain: (xᵀa) b.
    // (A product with a sign, `−θ` in a denominator, is an ordinary operand below.)
    if (f.kind === "mul" && p.prec >= Prec.PRODUCT) return followedByFactor || !isScalarShape(f.shape) ? paren(p.s) : p.s;
    // An operator form (`\log\det X`) takes the rest of the implicit product,
    // so it may only stand last.
    const greedy = p.prec === Prec.PREFIX && followed;
    return p.prec <= Prec.PRODUCT || greedy ? paren(p.s) : p.s;
  }

  return (e, maxLength = MAX_PRINTED) => {
    limit = maxLength;
    const s = print(e).s;
    // a subterm printed earlier under a larger limit comes from the memo unchecked
    if (s.length > limit) throw new MatdiffError("limit", `the result is more than ${limit} characters long when printed`);
    return s;
  };
}
