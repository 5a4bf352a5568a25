/**
 * Numeric evaluation of core expressions on concrete matrices. Scalars are
 * 1×1 matrices. Results may share storage with the environment and with each
 * other: treat them as read-only.
 */
import { CONSTANT_VALUES, contains, type Expr } from "../core/expr.js";
import { OPERATIONS, complemented } from "../core/operations.js";
import type { Rational } from "../core/rational.js";
import * as Q from "../core/rational.js";
import { type Dim, formatShape } from "../core/shape.js";
import { Matrix, MAX_CONDITION, NumericError } from "./matrix.js";

export interface Env {
  /** Symbol values by name. */
  readonly values: ReadonlyMap<string, Matrix>;
  /** Directions of `d` nodes, keyed by `diffKey(name, tag)`. */
  readonly diffs: ReadonlyMap<string, Matrix>;
  /** Sizes of symbolic dimensions. */
  readonly dims: ReadonlyMap<string, number>;
  /** Called once per node evaluated: the request's budget (a long evaluation stops at its deadline). */
  readonly tick?: () => void;
}

export const diffKey = (name: string, tag: number) => `${name}#${tag}`;

/**
 * Size of a dimension. Besides literal numbers and names in `dims`, accepts
 * the products `mulDim` spells by concatenation ("mn" for vec of an m×n
 * matrix, "2n" for I₂ ⊗ X), read as a product of known names and integers.
 */
export function resolveDim(d: Dim, dims: ReadonlyMap<string, number>): number | undefined {
  if (typeof d === "number") return d;
  const known = dims.get(d);
  if (known !== undefined) return known;
  if (d.includes("·")) {
    const sizes = d.split("·").map((f) => (/^\d+$/.test(f) ? Number(f) : resolveDim(f, dims)));
    return sizes.some((x) => x === undefined) ? undefined : sizes.reduce<number>((p, x) => p * x!, 1);
  }
  const split = splitDim(d, [...dims.keys()]);
  return split?.reduce<number>((p, f) => p * (typeof f === "number" ? f : dims.get(f)!), 1);
}

/** Splits `text` into a product of the given names and integer literals, or null; longer names are tried first. */
export function splitDim(text: string, names: readonly string[]): (string | number)[] | null {
  const byLength = [...names].filter((n) => n.length > 0).sort((a, b) => b.length - a.length);
  const go = (at: number): (string | number)[] | null => {
    if (at === text.length) return [];
    const digits = /^\d+/.exec(text.slice(at));
    if (digits) {
      const rest = go(at + digits[0].length);
      if (rest) return [Number(digits[0]), ...rest];
    }
    for (const name of byLength) {
      if (!text.startsWith(name, at)) continue;
      const rest = go(at + name.length);
      if (rest) return [name, ...rest];
    }
    return null;
  };
  return go(0);
}

/**
 * Values of the parts of expressions that stay put while some symbols move, at one point: a finite
 * difference evaluates f at x ± hE four times or more per entry of x, and most of f (everything that
 * does not mention x) is the same each time. Such a part is evaluated once and its value reused; it is
 * the value a fresh evaluation computes (the same operations on the same inputs, in the same order),
 * so a check's numbers and verdicts do not change.
 */
export interface Held {
  /** Values of nodes that do not move, by node id, for one point (one sample's environment). */
  readonly values: Map<number, Matrix>;
  /** Does the node mention a moving symbol? */
  readonly moves: (e: Expr) => boolean;
  /** Sizes of dimensions at this point (the sizes do not move): every node's shape is checked against them. */
  readonly sizes: Map<Dim, number | undefined>;
}

/** Held values for a point, none yet. */
export const holding = (moves: (e: Expr) => boolean): Held => ({ values: new Map(), moves, sizes: new Map() });

/** Which nodes move with the named symbols: one answer per node, kept across points. */
export function movingWith(names: ReadonlySet<string>): (e: Expr) => boolean {
  const memo = new Map<number, boolean>();
  const pred = (x: Expr) => x.kind === "sym" && names.has(x.name);
  return (e) => contains(e, pred, memo);
}

/**
 * `held`: values of the parts that do not move, for env's point (see Held); every environment evaluated
 * with one `held` gives the unmoving symbols the same values.
 */
export function evaluate(root: Expr, env: Env, held?: Held): Matrix {
  const memo = new Map<number, Matrix>();
  const dimCache = held?.sizes ?? new Map<Dim, number | undefined>();
  const size = (d: Dim): number | undefined => {
    if (!dimCache.has(d)) dimCache.set(d, resolveDim(d, env.dims));
    return dimCache.get(d);
  };
  const required = (d: Dim, e: Expr): number => {
    const n = size(d);
    if (n === undefined) throw new NumericError("unbound", `no size for dimension ${d} (needed by a ${e.kind} node)`);
    return n;
  };
  const ev = (e: Expr): Matrix => {
    const keep = held && !held.moves(e) ? held.values : memo;
    const hit = keep.get(e.id);
    if (hit) return hit;
    env.tick?.();
    const m = node(e, ev, env, required);
    // a cheap cross-check of the core's shape bookkeeping: catches wrong values in env and shape bugs alike
    const rows = size(e.shape.rows), cols = size(e.shape.cols);
    if ((rows !== undefined && rows !== m.rows) || (cols !== undefined && cols !== m.cols)) {
      throw new NumericError("shape", `${e.kind} node of shape ${formatShape(e.shape)} evaluated to ${m.rows}×${m.cols}`);
    }
    keep.set(e.id, m);
    return m;
  };
  return ev(root);
}

function node(e: Expr, ev: (e: Expr) => Matrix, env: Env, size: (d: Dim, e: Expr) => number): Matrix {
  switch (e.kind) {
    case "num": return Matrix.scalar(e.value.n / e.value.d);
    case "sym": {
      const v = env.values.get(e.name);
      if (!v) throw new NumericError("unbound", `no value for symbol ${e.name}`);
      return v;
    }
    case "d": {
      const v = env.diffs.get(diffKey(e.of.name, e.tag));
      if (!v) throw new NumericError("unbound", `no direction for d${e.of.name} (tag ${e.tag})`);
      return v;
    }
    case "identity": return Matrix.identity(size(e.shape.rows, e));
    case "zero": return Matrix.zeros(size(e.shape.rows, e), size(e.shape.cols, e));
    case "ones": return Matrix.ones(size(e.shape.rows, e), size(e.shape.cols, e));
    case "dop": throw new NumericError("unsupported", "an unexpanded differential d(·) has no value; expand it first");
    case "commutation": {
      // K vec(A) = vec(Aᵀ): row j + i·n takes entry i + j·m (column-major vec of an m×n A)
      const m = size(e.m, e);
      const n = size(e.n, e);
      const k = Matrix.zeros(m * n, m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) k.set(j + i * n, i + j * m, 1);
      return k;
    }
    case "add": {
      // 1 − Φ(u) as Φ(−u): summed as written, 1 − Φ(9) is 0 and a probit log-likelihood −∞ where it is −43.6
      const stable = complemented(e.terms);
      if (stable) return ev(stable.arg).map(stable.op.complement!.value);
      return e.terms.map(ev).reduce((a, b) => a.add(b));
    }
    case "mul": {
      // 1×1 factors act as scalars wherever they stand (Mul's doc comment)
      let s = 1;
      let chain: Matrix | null = null;
      for (const f of e.factors) {
        const m = ev(f);
        if (m.isScalar) s *= m.data[0]!;
        else chain = chain ? chain.matmul(m) : m;
      }
      if (!chain) return Matrix.scalar(s);
      return s === 1 ? chain : chain.scale(s);
    }
    case "hadamard": {
      let s = 1;
      let acc: Matrix | null = null;
      for (const f of e.factors) {
        const m = ev(f);
        if (m.isScalar) s *= m.data[0]!;
        else acc = acc ? acc.hadamard(m) : m;
      }
      if (!acc) return Matrix.scalar(s);
      return s === 1 ? acc : acc.scale(s);
    }
    case "kron": return e.factors.map(ev).reduce((a, b) => a.kron(b));
    case "transpose": return ev(e.arg).transpose();
    case "inverse": return ev(e.arg).inverse();
    case "power": {
      const a = ev(e.arg);
      if (a.isScalar) return Matrix.scalar(realPow(a.data[0]!, e.exp));
      if (e.exp.d !== 1) throw new NumericError("unsupported", `non-integer power ${e.exp.n}/${e.exp.d} of a ${a.rows}×${a.cols} matrix`);
      // H⁻ᵏ loses about k·log10 κ(H) digits, and H⁻³H² against H⁻¹ shows all of them: the bound
      // that MAX_CONDITION puts on one inverse applies to κ(H)ᵏ, through transposes and nested powers
      let inverted = e.arg;
      let k = Math.abs(e.exp.n);
      for (;;) {
        if (inverted.kind === "transpose") inverted = inverted.arg;
        else if (inverted.kind === "power" && Q.isInt(inverted.exp)) { k *= Math.abs(inverted.exp.n); inverted = inverted.arg; }
        else break;
      }
      if (inverted.kind === "inverse" && k > 1) {
        const cond = ev(inverted.arg).cond1();
        if (!(cond ** k <= MAX_CONDITION)) throw new NumericError("singular", `ill-conditioned power: κ₁ = ${cond.toExponential(2)} to the ${k}`);
      }
      return matrixPower(a, e.exp.n);
    }
    case "hpower": return ev(e.arg).map((x) => realPow(x, e.exp));
    case "trace": return Matrix.scalar(ev(e.arg).trace());
    case "det": {
      // det(Hᵏ) = det(H)ᵏ: forming Hᵏ first raises H's condition to the k-th power, and det(H³) against
      // det(H)³ (rule d-det-power writes the one, the simplifier the other) disagreed in the 5th digit under a cos
      const power = e.arg.kind === "power" && Q.isInt(e.arg.exp) && !(e.arg.shape.rows === 1 && e.arg.shape.cols === 1) ? e.arg : null;
      // LU gives det to about κ·ε relative: past MAX_CONDITION, det(H³) and det(H)³ differ in the
      // 7th digit where both are right (H = sqrt(exp(A))³, κ(H³) ≈ 1e13)
      const m = ev(power ? power.arg : e.arg);
      const cond = m.cond1();
      if (Number.isFinite(cond) && cond > MAX_CONDITION) {
        throw new NumericError("singular", `ill-conditioned ${m.rows}×${m.rows} matrix under det (1-norm condition ${cond.toExponential(2)})`);
      }
      return Matrix.scalar(power ? m.det() ** power.exp.n : m.det());
    }
    case "logdet": {
      const { sign, logAbs } = ev(e.arg).logAbsDet();
      return Matrix.scalar(sign > 0 ? logAbs : NaN);
    }
    case "fn": {
      const op = OPERATIONS[e.name];
      const a = ev(e.arg);
      switch (op.kind) {
        case "elementwise": return a.map(op.value);
        // a row vector is one vector; a matrix is taken column by column
        case "columns": {
          // column-major storage: a row vector's entries, and each column's, are contiguous
          const length = a.rows === 1 ? a.cols : a.rows;
          const out = new Float64Array(a.data.length);
          for (let at = 0; at < a.data.length; at += length) out.set(op.column([...a.data.subarray(at, at + length)]), at);
          return new Matrix(a.rows, a.cols, out);
        }
        case "reduce": return Matrix.scalar(op.reduce([...a.data]));
      }
    }
    case "sum": return Matrix.scalar(ev(e.arg).sum());
    case "diag": return ev(e.arg).diag();
    case "diagm": return Matrix.diagm(ev(e.arg));
    case "vec": return ev(e.arg).vec();
    case "const": return Matrix.scalar(CONSTANT_VALUES[e.name]);
    case "epower": {
      const p = ev(e.exp).data[0]!;
      return ev(e.arg).map((x) => Math.pow(x, p));
    }
    case "unvec": return Matrix.unvec(ev(e.arg), size(e.shape.rows, e), size(e.shape.cols, e));
    case "norm": {
      const a = ev(e.arg);
      // for a vector (and a row vector: its only singular value) the 2-norm is the Euclidean = Frobenius norm
      if (e.p === "2" && a.rows !== 1 && a.cols !== 1) {
        throw new NumericError("unsupported", `spectral norm of a ${a.rows}×${a.cols} matrix`);
      }
      return Matrix.scalar(a.norm());
    }
    default: {
      const unhandled: never = e;
      throw new NumericError("unsupported", `unknown expression kind ${(unhandled as Expr).kind}`);
    }
  }
}

/**
 * Real power x^(n/d). For a negative base and odd d the real root exists
 * ((-8)^(1/3) = -2) and Math.pow would say NaN; for even d there is none.
 */
export function realPow(x: number, r: Rational): number {
  if (r.d === 1 || x >= 0) return Math.pow(x, r.n / r.d);
  if (r.d % 2 === 0) return NaN;
  const m = Math.pow(-x, r.n / r.d);
  return r.n % 2 === 0 ? m : -m;
}

/** A^k by repeated squaring; negative k inverts first. */
export function matrixPower(a: Matrix, k: number): Matrix {
  if (!a.isSquare) throw new NumericError("shape", `power of a non-square ${a.rows}×${a.cols} matrix`);
  let base = k < 0 ? a.inverse() : a;
  let n = Math.abs(k);
  let acc: Matrix | null = null;
  while (n > 0) {
    if (n & 1) acc = acc ? acc.matmul(base) : base;
    n = Math.floor(n / 2);
    if (n > 0) base = base.matmul(base);
  }
  return acc ?? Matrix.identity(a.rows);
}
