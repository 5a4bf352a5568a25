/**
 * The index form printed (issue 3, item 5): an IndexFormula from
 * calculus/index-form.ts as Unicode text, LaTeX and an np.einsum
 * expression. A pure printer: the formula is built and simplified elsewhere.
 */
import * as E from "../core/expr.js";
import type { Expr } from "../core/expr.js";
import { OPERATIONS } from "../core/operations.js";
import * as Q from "../core/rational.js";
import type { Rational } from "../core/rational.js";
import type { Dim } from "../core/shape.js";
import { isScalarShape, formatDim } from "../core/shape.js";
import { fromResultAlready, type Factor, type FreeIndex, type IndexFormula, type Term } from "../calculus/index-form.js";
import type { ResultKind } from "./label.js";
import { toText } from "./text.js";
import { toLatex } from "./latex.js";
import type { Spelled } from "./label.js";
import { NUMPY } from "./numpy.js";
import { pythonDim, toPython, type PythonBackendSpelling } from "./python.js";

interface Spelling {
  readonly print: (e: Expr) => string;
  /** Subscript of indices; `_i` or `_{ij}` in text, always braced in LaTeX. */
  readonly sub: (idx: readonly string[]) => string;
  readonly delta: string;
  readonly power: (n: number) => string;
  readonly minus: string;
  readonly fraction: (r: Rational) => string;
  /** Left-hand sides: ∂num/∂den, d num/d den; `order` 2 for ∂²f/∂…∂…. */
  readonly partial: (num: string, dens: readonly string[], order: number) => string;
  readonly total: (num: string, den: string, order: number) => string;
  readonly vec: (s: string) => string;
  /** A dimension as a number in a product: N, mn, n². */
  readonly size: (d: Dim) => string;
  /** A term over scalar divisors: 2 x_i/sqrt(π), \frac{2 x_{i}}{\sqrt{\pi}}. */
  readonly over: (num: string, den: string) => string;
  /** A name spelled both ways (the function's letter), in this spelling. */
  readonly spelled: (name: Spelled) => string;
}

/** Printing is the costly part of a short formula, and an atom recurs in many terms: print each once. */
function cached(print: (e: Expr) => string): (e: Expr) => string {
  const memo = new WeakMap<Expr, string>();
  return (e) => {
    let s = memo.get(e);
    if (s === undefined) memo.set(e, (s = print(e)));
    return s;
  };
}

/**
 * A denominator that needs no parentheses: one word (σ²), or one bracket with only a power after it ((1 + xᵀx)²),
 * a function's call among them (sqrt(xᵀx + ε), det(A)²).
 */
function atomicDenominator(den: string): boolean {
  if (/^[^\s]+$/.test(den)) return true;
  const start = /^[A-Za-z]*\(/.exec(den)?.[0].length;
  if (start === undefined) return false;
  let depth = 0;
  for (let i = start - 1; i < den.length; i++) {
    if (den[i] === "(") depth++;
    else if (den[i] === ")" && --depth === 0) return /^[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]*$/.test(den.slice(i + 1));
  }
  return false;
}

const TEXT: Spelling = {
  print: cached(toText),
  sub: (idx) => (idx.length === 0 ? "" : idx.length === 1 && idx[0]!.length === 1 ? `_${idx[0]}` : `_{${idx.join("")}}`),
  delta: "δ",
  power: (n) => [...String(n)].map((c) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(c)]).join(""),
  minus: "\u2212",
  fraction: (r) => `(${r.n}/${r.d})`,
  partial: (num, dens, order) => `∂${order === 2 ? "²" : ""}${num}/${dens.map((d) => `∂${d}`).join("")}`,
  total: (num, den, order) => (order === 2 ? `d²${num}/d${den}²` : `d${num}/d${den}`),
  vec: (s) => `vec(${s})`,
  size: (d) => formatDim(d),
  over: (num, den) => `${num}/${atomicDenominator(den) ? den : `(${den})`}`,
  spelled: (name) => name.text,
};

const LATEX: Spelling = {
  print: cached(toLatex),
  sub: (idx) => (idx.length === 0 ? "" : `_{${idx.join("")}}`),
  delta: "\\delta",
  power: (n) => `^{${n}}`,
  minus: "-",
  fraction: (r) => `\\frac{${r.n}}{${r.d}}`,
  partial: (num, dens, order) => `\\frac{\\partial${order === 2 ? "^2" : ""} ${num}}{${dens.map((d) => `\\partial ${d}`).join(" ")}}`,
  total: (num, den, order) => (order === 2 ? `\\frac{\\mathrm{d}^2 ${num}}{\\mathrm{d} ${den}^2}` : `\\frac{\\mathrm{d} ${num}}{\\mathrm{d} ${den}}`),
  vec: (s) => `\\mathop{\\mathrm{vec}}(${s})`,
  size: (d) => String(d).split("·").join(" "),
  over: (num, den) => `\\frac{${num}}{${den}}`,
  spelled: (name) => name.latex,
};

/** Call forms (`σ(…)`, `tr(…)`) and plain symbols take a subscript directly; anything else is parenthesised. */
function atomBase(e: Expr, indexed: boolean, s: Spelling): string {
  const p = s.print(e);
  const operatorForm = e.kind === "logdet" || (e.kind === "fn" && OPERATIONS[e.name].operatorForm === true);
  if (!indexed) return e.kind === "add" || operatorForm ? `(${p})` : p;
  const bare = (e.kind === "sym" && !e.name.includes("_")) || (e.kind === "commutation" && e.m === e.n) || (["fn", "diag", "vec"].includes(e.kind) && !operatorForm);
  return bare ? p : `(${p})`;
}

function printFactor(f: Factor, s: Spelling): string {
  switch (f.kind) {
    case "delta": return `${s.delta}${s.sub([f.a, f.b])}`;
    case "atom": return atomBase(f.expr, f.idx.length > 0, s) + s.sub(f.idx);
    case "size": return s.size(f.dim);
    case "ones": return "1";
  }
}


const sameFactor = (x: Factor, y: Factor): boolean =>
  x.kind === "atom" && y.kind === "atom" && x.expr === y.expr && x.idx.join() === y.idx.join();

/** Factors in order; a run of one entry with only free indices prints as a power: σ(z)_i σ(z)_i → σ(z)_i². */
function printProduct(factors: readonly Factor[], free: ReadonlySet<string>, s: Spelling): string[] {
  const out: string[] = [];
  for (let k = 0; k < factors.length;) {
    const f = factors[k]!;
    let n = 1;
    // a dummy index repeated is a contraction (x_j x_j = ‖x‖²), not a square
    const powerable = f.kind === "atom" && f.expr.kind !== "power" && f.idx.every((x) => free.has(x));
    while (powerable && factors[k + n] && sameFactor(f, factors[k + n]!)) n++;
    out.push(printFactor(f, s) + (n === 1 ? "" : s.power(n)));
    k += n;
  }
  return out;
}

function printTerms(terms: readonly Term[], free: ReadonlySet<string>, s: Spelling): string {
  if (terms.length === 0) return "0";
  return terms.map((t, k) => {
    const mag = Q.rat(Math.abs(t.coeff.n), t.coeff.d);
    // a scalar to a negative power (sqrt(π)⁻¹, λ⁻¹) divides the term, as the other forms write it
    const divisor = (f: Factor) => f.kind === "atom" && f.idx.length === 0 && f.expr.kind === "power" && f.expr.exp.n < 0;
    // one power per base: λ⁻¹λ⁻² divides by λ³ (printing each and counting the strings made λ^{2}^{2} of λ⁻²λ⁻²)
    const exponents = new Map<Expr, Rational>();
    for (const f of t.factors) {
      if (!divisor(f)) continue;
      const p = (f as Factor & { kind: "atom" }).expr as Expr & { kind: "power" };
      exponents.set(p.arg, Q.sub(exponents.get(p.arg) ?? Q.ZERO, p.exp));
    }
    const dens = [...exponents].map(([arg, exp]) => atomBase(E.power(arg, exp), false, s));
    const factors = printProduct(t.factors.filter((f) => !divisor(f)), free, s);
    const number = mag.d === 1 ? String(mag.n) : s.fraction(mag);
    const product = factors.length === 0 ? number : [...(Q.eq(mag, Q.ONE) ? [] : [number]), ...factors].join(" ");
    const den = dens.join(" ");
    const body = dens.length ? s.over(product, den) : product;
    const negative = t.coeff.n < 0;
    if (k === 0) return negative ? s.minus + body : body;
    return `${negative ? ` ${s.minus} ` : " + "}${body}`;
  }).join("");
}

/**
 * The function's name on a left-hand side: the expression itself when it is
 * short and reads as one entry (`(X²)_{ij}`, `σ(Wx + b)_i`), else its letter.
 */
function functionName(f: Expr, letter: Spelled, idx: readonly string[], s: Spelling): string {
  const named = ["sym", "fn", "power", "inverse", "transpose", "hpower", "diag"].includes(f.kind) && TEXT.print(f).length <= 16;
  if (!named) return s.spelled(letter) + s.sub(idx);
  return atomBase(f, idx.length > 0, s) + s.sub(idx);
}

function lhsOf(a: IndexFormSubject, rows: readonly FreeIndex[], cols: readonly FreeIndex[], vecLayout: boolean): { text: string; latex: string } {
  const spell = (s: Spelling): string => {
    const x = (idx: readonly FreeIndex[]) => atomBase(a.X, idx.length > 0, s) + s.sub(idx.map((i) => i.name));
    const all = [...rows, ...cols];
    const f = s.spelled(a.function);
    switch (a.kind) {
      case "gradient":
        return s.partial(f, [x(all)], 1);
      case "derivative":
        return s.total(functionName(a.f, a.function, all.map((i) => i.name), s), x([]), 1);
      case "hessian":
        if (isScalarShape(a.X.shape)) return s.total(f, x([]), 2);
        if (vecLayout) {
          return s.partial(f, [s.vec(s.print(a.X)) + s.sub(rows.map((i) => i.name)), s.vec(s.print(a.X)) + s.sub(cols.map((i) => i.name))], 2);
        }
        return s.partial(f, [x(rows), x(cols)], 2);
      case "jacobian":
        if (vecLayout) {
          // vec of a vector is the vector itself
          const vec = (e: Expr, name: string, idx: readonly FreeIndex[]) => (e.shape.cols === 1 ? name : s.vec(name)) + s.sub(idx.map((i) => i.name));
          return s.partial(vec(a.f, functionName(a.f, a.function, [], s), rows), [vec(a.X, s.print(a.X), cols)], 1);
        }
        return s.partial(functionName(a.f, a.function, rows.map((i) => i.name), s), [x(cols)], 1);
    }
  };
  return { text: spell(TEXT), latex: spell(LATEX) };
}

// ---------------------------------------------------------------------------
// NumPy

/** A Python operand that needs no parentheses next to `*`: a name, or one call. */
function isPyAtom(s: string): boolean {
  if (/^[\w.]+(?:\[\d+\])?$/.test(s)) return true;
  const open = s.indexOf("(");
  if (open < 0 || !/^[\w.]+$/.test(s.slice(0, open)) || !s.endsWith(")")) return false;
  let depth = 0;
  for (let k = open; k < s.length; k++) {
    depth += s[k] === "(" ? 1 : s[k] === ")" ? -1 : 0;
    if (depth === 0 && k < s.length - 1) return false;
  }
  return true;
}

/**
 * np.einsum per term, summed: δ is np.eye(n), scalar atoms multiply the call.
 * A Jacobian or a Hessian of a matrix is reshaped to the vec layout of
 * `result` ((pq, mn), column-major), so the string computes what derivative.numpy does.
 */
function einsumOf(form: IndexFormula, expand: (e: Expr) => Expr, dimExpr: (d: Dim) => string, py: PythonBackendSpelling = NUMPY): string | null {
  if (form.level === "whole") return null;
  const dim = (d: Dim) => pythonDim(d, dimExpr);
  const printed = new Map<number, string>();
  const numpy = (e: Expr) => {
    const hit = printed.get(e.id);
    if (hit !== undefined) return hit;
    const s = toPython(expand(e), py, { dimExpr });
    printed.set(e.id, s);
    return s;
  };
  const out = [...form.rows, ...form.cols];
  const outSubs = out.map((x) => x.name).join("");
  const pieces = form.terms.map((t) => {
    const subs: string[] = [];
    const ops: string[] = [];
    const scalars: string[] = [];
    const divisors: string[] = [];
    for (const f of t.factors) {
      if (f.kind === "delta") { subs.push(f.a + f.b); ops.push(py.eye(dim(f.dim))); continue; }
      if (f.kind === "size") { scalars.push(isPyAtom(dim(f.dim)) ? dim(f.dim) : `(${dim(f.dim)})`); continue; }
      if (f.kind === "ones") continue;
      if (f.idx.length === 0 && f.expr.kind === "power" && f.expr.exp.n < 0) {
        const d = numpy(E.power(f.expr.arg, Q.neg(f.expr.exp)));
        divisors.push(isPyAtom(d) ? d : `(${d})`);
        continue;
      }
      const s = numpy(f.expr);
      if (f.idx.length === 0) scalars.push(isPyAtom(s) ? s : `(${s})`);
      else { subs.push(f.idx.join("")); ops.push(s); }
    }
    // an output index no operand carries (𝟏_{ij} = 1) ranges over ones
    for (const x of out) if (!subs.some((s) => s.includes(x.name))) { subs.push(x.name); ops.push(py.ones(dim(x.dim))); }
    const mag = Q.rat(Math.abs(t.coeff.n), t.coeff.d);
    const parts = [
      ...(Q.eq(mag, Q.ONE) && (scalars.length > 0 || ops.length > 0) ? [] : [mag.d === 1 ? String(mag.n) : `${mag.n} / ${mag.d}`]),
      ...scalars,
      ...(ops.length > 0 ? [py.einsum(`${subs.join(",")}->${outSubs}`, ops)] : []),
    ];
    return { negative: t.coeff.n < 0, s: parts.join(" * ") + divisors.map((d) => ` / ${d}`).join("") };
  });
  const size = (g: readonly FreeIndex[]) => (g.length === 0 ? "1" : g.map((x) => dim(x.dim)).join(" * "));
  const vecLayout = form.rows.length > 1 || form.cols.length > 1;
  if (pieces.length === 0) {
    if (vecLayout) return py.zeros(`(${size(form.rows)}, ${size(form.cols)})`);
    return out.length === 0 ? "0" : py.zeros(out.length === 1 ? dim(out[0]!.dim) : `(${out.map((x) => dim(x.dim)).join(", ")})`);
  }
  const sum = pieces.map((p, k) => (k === 0 ? (p.negative ? `-${p.s}` : p.s) : `${p.negative ? " - " : " + "}${p.s}`)).join("");
  // output axes ijkl reshaped in Fortran order: row i + j·p, column k + l·m, as in the vec-Jacobian
  return vecLayout ? py.reshapeColumnMajor(`(${sum})`, size(form.rows), size(form.cols)) : sum;
}

// ---------------------------------------------------------------------------

/** The subject of an index form: what its left-hand side names. */
export interface IndexFormSubject {
  readonly kind: ResultKind;
  readonly f: Expr;
  readonly X: Expr;
  /** The function's letter (print/label.ts functionLetter). */
  readonly function: Spelled;
}

export interface IndexFormPrintOptions {
  /** Python for a symbolic dimension (`A.shape[0]`). */
  readonly dimExpr: (d: Dim) => string;
  /** Writes out what an atom abbreviates (--where names) before it is printed as Python. */
  readonly expand?: (e: Expr) => Expr;
}

/** An index formula (calculus/index-form.ts) printed: Unicode text, LaTeX (KaTeX strict) and np.einsum (null when there is none). */
export function printIndexForm(form: IndexFormula, subject: IndexFormSubject, opts: IndexFormPrintOptions): { text: string; latex: string; einsum: string | null } {
  const free = new Set([...form.rows, ...form.cols].map((x) => x.name));
  // the vec layout is how the formula was read, unless the result is already entrywise
  const vecLayout = form.level === "vec" || (form.level === "whole" && !fromResultAlready(subject));
  const lhs = lhsOf(subject, form.rows, form.cols, vecLayout);
  return {
    text: `${lhs.text} = ${printTerms(form.terms, free, TEXT)}`,
    latex: `${lhs.latex} = ${printTerms(form.terms, free, LATEX)}`,
    einsum: einsumOf(form, opts.expand ?? ((e) => e), opts.dimExpr),
  };
}

