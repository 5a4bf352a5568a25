/**
 * Seeded random environments for numeric checks. Everything is a function of
 * the seed: each symbol draws from its own stream (seeded by the seed and its
 * name), so adding a symbol to a problem does not change the others' values
 * and the order of expressions does not matter.
 */
import { children, neg, type Diff, type Expr, type Sym, symbolsOf } from "../core/expr.js";
import { OPERATIONS, type Operation } from "../core/operations.js";
import type { Dim } from "../core/shape.js";
import { diffKey, type Env, resolveDim, splitDim } from "./evaluate.js";
import { Matrix } from "./matrix.js";

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(lo: number, hi: number): number;
  /** Standard normal. */
  normal(): number;
}

/** mulberry32: 32 bits of state, fast, and plenty for drawing test matrices. */
export function makeRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal: () => {
      // Box–Muller; 1 − u lies in (0, 1], so the log is finite
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}

/** Derives a 32-bit seed from several numbers (a murmur3-style finaliser per part), for per-trial and per-symbol streams. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Sizes given to symbolic dimensions in order of first appearance. Distinct,
 * so that an m×n slipped for an n×m fails to multiply instead of passing; 1 is
 * never used because it would turn vectors into scalars.
 */
const AUTO_SIZES = [3, 4, 2, 5];
/**
 * Other orders to fall back on when every draw is undefined for the first:
 * XᵀX is singular whenever X is wider than tall, so some expressions need
 * the sizes the other way round.
 */
const SIZE_ORDERS: readonly (readonly number[])[] = [AUTO_SIZES, [4, 3, 5, 2], [5, 4, 3, 2], [2, 3, 4, 5], [4, 2, 3, 5], [5, 2, 4, 3]];

export interface SampleOptions {
  seed: number;
  /** Fixed sizes for some symbolic dimensions; the rest are chosen. */
  dims?: Record<string, number>;
  /** Which order of automatic sizes to use (see SIZE_ORDERS); 0 is the default. */
  sizeOrder?: number;
}

export function sampleEnv(exprs: readonly Expr[], opts: SampleOptions): Env {
  const { dimNames, positive, unit, small, symbols, diffs: diffNodesOf } = structureOf(exprs);
  const dims = assignSizes(dimNames, opts.dims, opts.sizeOrder ?? 0);
  const values = new Map<string, Matrix>();
  for (const sym of symbols) {
    const name = sym.name;
    const rng = makeRng(mixSeed(opts.seed, hashString(name)));
    const value = sampleValue(sym, rng, dims, unit.has(name) ? "unit" : positive.has(name));
    values.set(name, small.has(name) && !unit.has(name) ? value.scale(SUBTRACTED_SCALE) : value);
  }
  const diffs = new Map<string, Matrix>();
  for (const d of diffNodesOf) {
    const rng = makeRng(mixSeed(opts.seed, hashString(d.of.name), d.tag + 1));
    diffs.set(diffKey(d.of.name, d.tag), sampleDirection(d.of, rng, dims));
  }
  return { values, diffs, dims };
}

/**
 * What sampling needs to know of the expressions, which every draw of a check shares: the dimensions named on
 * their leaves, the symbols with their domains, the differentials. Kept per array of expressions (a check
 * passes one array to all its trials): worked out at each draw, it was a sixth of an answer key's check.
 */
interface Structure {
  readonly dimNames: readonly string[];
  readonly positive: ReadonlySet<string>;
  readonly unit: ReadonlySet<string>;
  readonly small: ReadonlySet<string>;
  /** In order of name: each draws from a generator seeded by its name. */
  readonly symbols: readonly Sym[];
  readonly diffs: readonly Diff[];
}
const structures = new WeakMap<readonly Expr[], Structure>();

function structureOf(exprs: readonly Expr[]): Structure {
  let s = structures.get(exprs);
  if (!s) {
    const symbols = new Map<string, Sym>();
    exprs.forEach((e) => symbolsOf(e, symbols));
    s = {
      dimNames: dimensionNames(exprs), positive: positiveSymbols(exprs), unit: unitIntervalSymbols(exprs), small: subtractedSymbols(exprs),
      symbols: [...symbols.keys()].sort().map((name) => symbols.get(name)!), diffs: diffNodes(exprs),
    };
    structures.set(exprs, s);
  }
  return s;
}

/**
 * Concrete sizes for every dimension on a leaf. A dimension spelled as a
 * product of other dimensions ("mn", see resolveDim) gets no size of its own.
 */
export function sampleDims(exprs: readonly Expr[], given: Record<string, number> = {}, sizeOrder = 0): Map<string, number> {
  return assignSizes(dimensionNames(exprs), given, sizeOrder);
}

/** The dimensions named on the leaves, in the order they are met. */
function dimensionNames(exprs: readonly Expr[]): string[] {
  const names: string[] = [];
  const seen = new Set<number>();
  const visit = (e: Expr) => {
    if (seen.has(e.id)) return;
    seen.add(e.id);
    const s = e.kind === "d" ? e.of.shape : e.shape;
    if (e.kind === "sym" || e.kind === "d" || e.kind === "identity" || e.kind === "zero" || e.kind === "ones" || e.kind === "commutation") {
      for (const d of e.kind === "commutation" ? [e.m, e.n] : [s.rows, s.cols]) {
        if (typeof d !== "string") continue;
        // 0 ⊗ … of shape m·n·q: its factors need sizes of their own even where no other leaf names them (B ⊗ (0 P))
        for (const name of d.includes("·") ? [d, ...d.split("·").filter((f) => !/^\d+$/.test(f))] : [d]) if (!names.includes(name)) names.push(name);
      }
    }
    children(e).forEach(visit);
  };
  exprs.forEach(visit);
  return names;
}

function assignSizes(names: readonly string[], given: Record<string, number> = {}, sizeOrder = 0): Map<string, number> {
  const sizes = SIZE_ORDERS[sizeOrder % SIZE_ORDERS.length]!;
  const dims = new Map(Object.entries(given));
  const used = new Set(dims.values());
  let next = 0;
  const fresh = () => {
    for (;; next++) {
      const n = next < sizes.length ? sizes[next]! : next + 2;
      if (!used.has(n)) { used.add(n); next++; return n; }
    }
  };
  const all = [...names, ...dims.keys()];
  for (const d of names) {
    if (dims.has(d)) continue;
    const isProduct = d.includes("·") || (splitDim(d, all.filter((x) => x !== d))?.length ?? 0) > 1;
    if (!isProduct) dims.set(d, fresh());
  }
  return dims;
}

const positiveDomain = (op: Operation) => op.kind === "elementwise" && op.domain === "positive";

/** Symbols that occur under log, sqrt (a function whose domain is positive) or a fractional power (scalar or elementwise): they get positive entries. */
export function positiveSymbols(exprs: readonly Expr[]): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (e: Expr, under: boolean) => {
    const key = `${e.id}|${under}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (under && e.kind === "sym") out.add(e.name);
    // x.^p with a real p: x positive, p anything
    if (e.kind === "epower") { visit(e.arg, true); visit(e.exp, under); return; }
    const needs = (e.kind === "fn" && positiveDomain(OPERATIONS[e.name]))
      || ((e.kind === "power" || e.kind === "hpower") && e.exp.d !== 1);
    for (const c of children(e)) visit(c, under || needs);
  };
  exprs.forEach((e) => visit(e, false));
  return out;
}

/** How much smaller the symbols subtracted under a log are drawn: b − Ax stays positive for A, x up to 5 long. */
const SUBTRACTED_SCALE = 0.1;

/**
 * Symbols in a term subtracted under a function of positive domain (or a fractional power): the A and x of
 * log(b − Ax), the log barrier, drawn small, so that what they are taken from stays positive; drawn as
 * the others, Ax outweighed b in every draw and the check could not judge.
 */
export function subtractedSymbols(exprs: readonly Expr[]): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const negative = (t: Expr) => t.kind === "mul" && t.factors[0]!.kind === "num" && t.factors[0]!.value.n < 0;
  const visit = (e: Expr, under: boolean) => {
    const key = `${e.id}|${under}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (under && e.kind === "add") for (const t of e.terms) if (negative(t)) symbolsOf(t, new Map()).forEach((_, name) => out.add(name));
    const needs = (e.kind === "fn" && positiveDomain(OPERATIONS[e.name])) || ((e.kind === "power" || e.kind === "hpower") && e.exp.d !== 1);
    for (const c of children(e)) visit(c, under || needs);
  };
  exprs.forEach((e) => visit(e, false));
  return out;
}

/**
 * Symbols that a function of positive domain takes as 1 − s (or 𝟏 − s) as well as s: a probability, as in
 * yᵀlog(ŷ) + (𝟏 − y)ᵀlog(𝟏 − ŷ), defined only for entries in (0, 1), where they are drawn; and the symbols of
 * arcsin(x), artanh(x).
 */
export function unitIntervalSymbols(exprs: readonly Expr[]): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const isOne = (t: Expr) => (t.kind === "num" && t.value.n === t.value.d) || t.kind === "ones";
  // inUnit: under a function defined on (−1, 1) (arcsin, artanh), where every symbol is drawn in (0, 1)
  const visit = (e: Expr, under: boolean, inUnit: boolean) => {
    const key = `${e.id}|${under}|${inUnit}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (inUnit && e.kind === "sym") out.add(e.name);
    if (under && e.kind === "add" && e.terms.some(isOne)) {
      for (const t of e.terms) if (t.kind === "mul" && t === neg(t.factors[1]!) && t.factors[1]!.kind === "sym") out.add(t.factors[1]!.name);
    }
    const op = e.kind === "fn" ? OPERATIONS[e.name] : undefined;
    const needs = op !== undefined && positiveDomain(op);
    const unit = op?.kind === "elementwise" && op.domain === "unit";
    for (const c of children(e)) visit(c, under || needs, inUnit || unit);
  };
  exprs.forEach((e) => visit(e, false, false));
  return out;
}

export function diffNodes(exprs: readonly Expr[]): Diff[] {
  const out = new Map<number, Diff>();
  const seen = new Set<number>();
  const visit = (e: Expr) => {
    if (seen.has(e.id)) return;
    seen.add(e.id);
    if (e.kind === "d") out.set(e.id, e);
    children(e).forEach(visit);
  };
  exprs.forEach(visit);
  return [...out.values()];
}

const isSymmetric = (s: Sym) => Boolean(s.props.symmetric || s.props.posdef || s.props.diagonal);

function concreteShape(s: Sym, dims: ReadonlyMap<string, number>): [number, number] {
  const size = (d: Dim) => {
    const n = resolveDim(d, dims);
    if (n === undefined) throw new RangeError(`no size for dimension ${d} of ${s.name}`);
    return n;
  };
  return [size(s.shape.rows), size(s.shape.cols)];
}

/** Entries of magnitude in [0.2, 1.2] with a random sign: O(1), and far from 0 where abs, sign and x.^-1 misbehave. */
const signed = (rng: Rng) => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.2, 1.2);
const positiveEntry = (rng: Rng) => rng.uniform(0.5, 2);
const unitEntry = (rng: Rng) => rng.uniform(0.15, 0.85);

/**
 * A random value respecting the symbol's declared properties. Square
 * matrices always have det > 0 and a 1-norm condition number below
 * maxSampleCondition(n), so inverse, det and logdet are defined and accurate.
 */
export function sampleValue(s: Sym, rng: Rng, dims: ReadonlyMap<string, number>, positive: boolean | "unit" = false): Matrix {
  const [r, c] = concreteShape(s, dims);
  const entry = positive === "unit" ? unitEntry : positive ? positiveEntry : signed;
  if (r === 1 && c === 1) return Matrix.scalar(positive === "unit" ? unitEntry(rng) : positiveEntry(rng));
  if (s.props.probability) {
    // positive entries scaled to sum to 1: on the simplex, where 𝟏ᵀy = 1 holds
    const v = new Matrix(r, c).map(() => positiveEntry(rng));
    const total = v.sum();
    return v.map((x) => x / total);
  }
  if (r !== c) return new Matrix(r, c).map(() => entry(rng));
  if (s.props.diagonal) {
    const d = Matrix.zeros(r, 1).map(() => (s.props.posdef ? positiveEntry(rng) : entry(rng)));
    // an even number of negative entries keeps det > 0
    if (d.data.filter((x) => x < 0).length % 2 === 1) d.data[d.data.findIndex((x) => x < 0)]! *= -1;
    return Matrix.diagm(d);
  }
  if (s.props.posdef) {
    // M Mᵀ + nI has eigenvalues in [n, n + ‖M‖²]; dividing by n keeps the entries O(1)
    const m = new Matrix(r, r).map(() => entry(rng));
    return m.matmul(m.transpose()).add(Matrix.identity(r).scale(r)).scale(1 / r);
  }
  return sampleSquare(r, rng, entry, Boolean(s.props.symmetric));
}

/**
 * Bound on κ₁ of sampled square matrices: loose enough to accept most draws
 * (κ of a random n×n matrix grows like n), tight enough that inverses keep
 * about 13 digits.
 */
export const maxSampleCondition = (n: number) => Math.max(200, 50 * n);

/**
 * Rejection sampling keeps the entries generic: a shift by c·I would make
 * the matrix look like the identity and hide transposition mistakes.
 */
function sampleSquare(n: number, rng: Rng, entry: (rng: Rng) => number, symmetric: boolean): Matrix {
  let m = Matrix.zeros(n, n);
  for (let attempt = 0; attempt < 100; attempt++) {
    m = new Matrix(n, n).map(() => entry(rng));
    if (symmetric) m = m.add(m.transpose()).scale(0.5);
    let det = m.det();
    if (det < 0 && !symmetric) {
      // swapping two rows flips the sign of det and keeps the conditioning and the entries' law
      m = m.map((_, i, j) => m.get(i === 0 ? 1 : i === 1 ? 0 : i, j));
      det = -det;
    }
    if (det > 0 && m.cond1() <= maxSampleCondition(n)) return m;
  }
  // practically unreachable; a diagonal shift always works
  return m.add(Matrix.identity(n).scale(m.norm1() + 1));
}

/** A random direction dX of the symbol's shape, tangent to its constraints: symmetric or diagonal when the symbol is. */
export function sampleDirection(s: Sym, rng: Rng, dims: ReadonlyMap<string, number>): Matrix {
  const [r, c] = concreteShape(s, dims);
  const e = new Matrix(r, c).map(() => rng.normal());
  if (s.props.diagonal && r === c) return e.map((x, i, j) => (i === j ? x : 0));
  if (isSymmetric(s) && r === c) return e.add(e.transpose()).scale(0.5);
  return e;
}
