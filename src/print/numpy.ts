/**
 * A Python expression over `np` and the variables' names (DESIGN.md §4):
 * vectors are 1-D arrays, matrices 2-D, scalars floats. Because a 1-D array
 * has no orientation, the printer reads orientation from each node's shape:
 * a transposed vector prints as the vector itself, `xᵀAy` is `x @ A @ y`, and
 * only a column times a row needs `np.outer`.
 */
import { match, P } from "ts-pattern";
import { InternalError, splitMul, type Expr } from "../core/expr.js";
import * as Q from "../core/rational.js";
import type { Rational } from "../core/rational.js";
import { type Dim, type Shape, isColumn, isRow, isScalarShape, shape } from "../core/shape.js";
import { splitName } from "./infix.js";

export interface NumpyOptions {
  /** Python for a symbolic dimension, e.g. "n" ↦ "A.shape[0]". Numeric dimensions print as numbers. */
  readonly dimExpr: (d: Dim) => string;
}

/** Python binding strength, loosest first (`*`, `@` and `/` share a level; `-x ** 2` is `-(x ** 2)`). */
const enum Py {
  ADD = 1,
  MUL = 2,
  UNARY = 3,
  POW = 4,
  ATOM = 5, // names, literals, calls, attributes, subscriptions, parentheses
}

interface Out {
  readonly s: string;
  readonly prec: Py;
}

const atom = (s: string): Out => ({ s, prec: Py.ATOM });
const wrap = (o: Out, min: Py) => (o.prec >= min ? o.s : `(${o.s})`);
const isMatrix = (s: Shape) => s.rows !== 1 && s.cols !== 1;

/** `W_1`, `theta`; `lambda` is a Python keyword. */
export function pyName(name: string): string {
  // Ẋ, Ẍ (one combining dot per derivative, core/expr.ts `dotted`) are X_dot, X_ddot
  const order = (/\u0307*$/.exec(name)?.[0] ?? "").length;
  if (order) return `${pyName(name.slice(0, name.length - order))}_${"d".repeat(order)}ot`;
  const { base, sub } = splitName(name);
  const id = (sub === null ? base : `${base}_${sub}`).replace(/\W/g, "");
  return id === "lambda" ? "lambda_" : id;
}

/** Exponents as decimals when exact (`0.5`), else as a parenthesised quotient. */
function exponent(r: Rational): string {
  let d = r.d;
  while (d % 2 === 0) d /= 2;
  while (d % 5 === 0) d /= 5;
  return d === 1 ? String(r.n / r.d) : `(${r.n} / ${r.d})`;
}

function number(r: Rational): Out {
  if (r.d !== 1) return { s: `${r.n} / ${r.d}`, prec: Py.MUL };
  return { s: String(r.n), prec: r.n < 0 ? Py.UNARY : Py.ATOM };
}

export function toNumpy(e: Expr, opts: NumpyOptions): string {
  // a product dimension "m·n" (Kronecker products, vec) is the product of its factors' sizes
  const dim = (d: Dim) => (typeof d === "number" ? String(d) : d.split("·").map((f) => (/^\d+$/.test(f) ? f : opts.dimExpr(f))).join(" * "));
  /** A dimension as an operand of `//`, `%` or `*`: r // (m * n), not r // m * n. */
  const dimOperand = (d: Dim) => (dim(d).includes(" ") ? `(${dim(d)})` : dim(d));
  const size = (s: Shape) => (isColumn(s) ? dim(s.rows) : isRow(s) ? dim(s.cols) : `(${dim(s.rows)}, ${dim(s.cols)})`);
  const np = (f: string) => (x: Expr) => atom(`np.${f}(${print(x).s})`);
  // Operands of `*`, `@`, `/` are parenthesised unless they bind tighter:
  // `(A * B) @ x` reads clearer than relying on left-associativity.
  const operand = (x: Expr) => wrap(print(x), Py.POW);

  const print = (x: Expr): Out =>
    match(x)
      .with({ kind: P.union("num", "mul") }, (m) => {
        const { coeff, scalars, chain } = splitMul(m);
        return product(coeff, scalars, chain);
      })
      .with({ kind: "sym" }, (s) => atom(pyName(s.name)))
      .with({ kind: "d" }, (d) => atom(d.tag === 0 ? `d${pyName(d.of.name)}` : `d${d.tag}_${pyName(d.of.name)}`))
      .with({ kind: "identity" }, (i) => atom(`np.eye(${dim(i.shape.rows)})`))
      .with({ kind: "zero" }, (z) => atom(`np.zeros(${size(z.shape)})`))
      .with({ kind: "ones" }, (o) => atom(`np.ones(${size(o.shape)})`))
      // K[j + i·n, i + j·m] = 1: the row of vec(Aᵀ) that takes each entry of vec(A)
      .with({ kind: "dop" }, () => { throw new InternalError("an unexpanded differential has no NumPy form"); })
      .with({ kind: "commutation" }, (k) => atom(`np.eye(${dim(k.m)} * ${dim(k.n)})[[r // ${dimOperand(k.n)} + (r % ${dimOperand(k.n)}) * ${dimOperand(k.m)} for r in range(${dim(k.m)} * ${dim(k.n)})]]`))
      .with({ kind: "add" }, (a) => sum(a.terms))
      .with({ kind: "transpose" }, (t) => {
        // transposing a 1-D array is a no-op
        if (!isMatrix(t.shape)) return print(t.arg);
        return atom(`${wrap(print(t.arg), Py.ATOM)}.T`);
      })
      .with({ kind: "inverse" }, (i) => np("linalg.inv")(i.arg)) // A⁻ᵀ is np.linalg.inv(A).T
      .with({ kind: "power" }, (p) =>
        isScalarShape(p.shape)
          ? { s: `${wrap(print(p.arg), Py.ATOM)} ** ${exponent(p.exp)}`, prec: Py.POW }
          : atom(`np.linalg.matrix_power(${print(p.arg).s}, ${p.exp.n})`))
      .with({ kind: "hpower" }, (p) => ({ s: `${wrap(print(p.arg), Py.ATOM)} ** ${exponent(p.exp)}`, prec: Py.POW }))
      .with({ kind: "hadamard" }, (h) => ({ s: h.factors.map(operand).join(" * "), prec: Py.MUL }))
      .with({ kind: "kron" }, (k) => kron(k.factors))
      .with({ kind: "trace" }, (t) => np("trace")(t.arg))
      .with({ kind: "det" }, (d) => np("linalg.det")(d.arg))
      .with({ kind: "logdet" }, (l) => atom(`np.linalg.slogdet(${print(l.arg).s})[1]`)) // log|det|
      .with({ kind: "fn", name: "sigmoid" }, (f) => ({ s: `1 / (1 + np.exp(-${wrap(print(f.arg), Py.POW)}))`, prec: Py.MUL }))
      .with({ kind: "fn" }, (f) => np(f.name)(f.arg))
      .with({ kind: "sum" }, (s) => np("sum")(s.arg))
      .with({ kind: P.union("diag", "diagm") }, (d) => np("diag")(d.arg)) // matrix → 1-D and 1-D → matrix
      .with({ kind: "vec" }, (v) => atom(`${wrap(print(v.arg), Py.ATOM)}.reshape(-1, order="F")`)) // column-major
      .with({ kind: "norm" }, (m) => {
        const ord = !isMatrix(m.arg.shape) ? "" : m.p === "F" ? ', "fro"' : ", 2"; // ‖A‖₂ of a matrix is spectral
        return atom(`np.linalg.norm(${print(m.arg).s}${ord})`);
      })
      .exhaustive();

  function sum(terms: readonly Expr[]): Out {
    const s = terms.map((t, i) => {
      if (i === 0) return print(t).s;
      const { coeff, scalars, chain } = splitMul(t);
      if (coeff.n >= 0) return ` + ${wrap(print(t), Py.MUL)}`;
      return ` - ${wrap(product(Q.neg(coeff), scalars, chain), Py.MUL)}`;
    });
    return { s: s.join(""), prec: Py.ADD };
  }

  /**
   * coeff · scalars · chain as one left-associative Python product:
   * `-2 * s * A @ x / 3` is ((((-2 s) A) @ x) / 3), equal by linearity.
   */
  function product(coeff: Rational, scalars: readonly Expr[], chain: readonly Expr[]): Out {
    if (scalars.length === 0 && chain.length === 0) return number(coeff);
    const [only, ...more] = [...scalars, ...chain];
    if (only !== undefined && more.length === 0 && Math.abs(coeff.n) === 1 && coeff.d === 1) {
      const o = print(only); // -x ** 2 is -(x ** 2), as meant
      return coeff.n < 0 ? { s: `-${wrap(o, Py.POW)}`, prec: Py.UNARY } : o;
    }
    const parts = scalars.map(operand);
    if (Math.abs(coeff.n) !== 1) parts.unshift(String(Math.abs(coeff.n)));
    let out: Out = { s: parts.join(" * "), prec: parts.length > 1 ? Py.MUL : Py.POW };
    if (chain.length > 0) {
      const c = matmul(chain);
      out = parts.length === 0 ? c : { s: `${out.s} * ${c.s}`, prec: Py.MUL };
    }
    if (coeff.d !== 1) out = { s: `${out.s} / ${coeff.d}`, prec: Py.MUL };
    return coeff.n < 0 ? { s: `-${out.s}`, prec: Math.min(out.prec, Py.UNARY) } : out;
  }

  /** The matrix chain; 1-D arrays take their orientation from `@`, except column × row. */
  function matmul(chain: readonly Expr[]): Out {
    const [first, ...rest] = chain;
    if (first === undefined) throw new InternalError("empty matrix chain");
    let acc: Out = { s: operand(first), prec: Py.POW };
    let accShape = first.shape;
    for (const f of rest) {
      acc = isColumn(accShape) && isRow(f.shape)
        ? atom(`np.outer(${acc.s}, ${print(f).s})`)
        : { s: `${acc.s} @ ${operand(f)}`, prec: Py.MUL };
      accShape = shape(accShape.rows, f.shape.cols);
    }
    return acc;
  }

  /** np.kron of 1-D arrays is the Kronecker product of two columns (or two rows); mixed operands go 2-D. */
  function kron(factors: readonly Expr[]): Out {
    const flat = factors.every((f) => isColumn(f.shape)) || factors.every((f) => isRow(f.shape));
    const arg = (f: Expr) => {
      if (flat || isMatrix(f.shape)) return print(f).s;
      return `${wrap(print(f), Py.ATOM)}${isColumn(f.shape) ? "[:, None]" : "[None, :]"}`;
    };
    const [first, ...rest] = factors;
    if (first === undefined) throw new InternalError("empty Kronecker product");
    return atom(rest.reduce((acc, f) => `np.kron(${acc}, ${arg(f)})`, arg(first)));
  }

  return print(e).s;
}
