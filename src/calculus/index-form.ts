/**
 * Index form: a result written entrywise in Einstein summation, so a user can
 * check the layout by hand (issue 3, item 5):
 *
 *   ∇_A tr(A⁻¹B) = −A⁻ᵀBᵀA⁻ᵀ      ∂f/∂A_{ij} = −(A⁻¹)_{ki} B_{lk} (A⁻¹)_{jl}
 *   d(X²) = dX X + X dX           ∂(X²)_{ij}/∂X_{kl} = δ_{ik} X_{lj} + X_{ik} δ_{jl}
 *
 * Summation convention: the indices on the left-hand side are free; every
 * other index is summed over its range, however often it occurs. This is
 * exactly np.einsum's rule, so (a ⊙ b)_i = a_i b_i needs no exception.
 *
 * Free indices, in order i, j, k, l:
 *   gradient            ∂f/∂X_{ij}, ∂f/∂x_i           (the shape of X)
 *   derivative by t     dF_{ij}/dt, df_i/dt, df/dt    (the shape of F)
 *   Jacobian            ∂F_{ij}/∂X_{kl}, ∂f_i/∂x_j    (F's indices first, then X's)
 *   Hessian             ∂²f/∂x_i∂x_j, ∂²f/∂X_{ij}∂X_{kl}, d²f/dt²
 * Summation indices are the first of i, j, k, l, p, q, r, s, … not already
 * free: k, l, … under ∂f/∂X_{ij}; j, k, … under ∂f/∂x_i (B_{ij} x_j);
 * p, q, … under ∂F_{ij}/∂X_{kl}.
 *
 * One representation: a sum of terms, each a rational coefficient times a
 * product of factors, which are indexed atoms (any expression with no simple
 * index form, e.g. (A⁻¹)_{ki}, σ(Wx + b)_i, det(X)) or Kronecker deltas.
 * Built in three steps: translate the expression (products become index
 * chains, transposes swap an atom's indices, sums distribute); replace each
 * differential dX_{pq} by δ_{pk} δ_{ql} (Jacobians, Hessians); contract the
 * deltas (δ_{pl} X_{pj} → X_{lj}) and merge equal terms. Then print.
 */
import * as Q from "../core/rational.js";
import type { Rational } from "../core/rational.js";
import type { Expr, Sym } from "../core/expr.js";
import * as E from "../core/expr.js";
import type { Dim, Shape } from "../core/shape.js";
import { isScalarShape } from "../core/shape.js";
import type { ResultKind } from "../print/label.js";


export type Factor =
  /** An expression's entry; `idx` holds one index per dimension that is not 1 (rows first). */
  | { readonly kind: "atom"; readonly expr: Expr; readonly idx: readonly string[] }
  | { readonly kind: "delta"; readonly a: string; readonly b: string; readonly dim: Dim }
  /**
   * An entry of 𝟏: the value 1, but its indices still range over their
   * dimensions, so 𝟏ᵀ𝟏 = Σ_p 1 = N. Only exists until `sizesOf` turns the
   * sums it alone carries into size factors.
   */
  | { readonly kind: "ones"; readonly idx: readonly string[]; readonly dims: readonly Dim[] }
  /** The size of a dimension, Σ_p 1 over an index nothing else carries (𝟏ᵀ𝟏, tr(I), δ_{pp}). */
  | { readonly kind: "size"; readonly dim: Dim };

export interface Term {
  readonly coeff: Rational;
  readonly factors: readonly Factor[];
}

export interface FreeIndex {
  readonly name: string;
  readonly dim: Dim;
}

export interface IndexFormula {
  readonly kind: ResultKind;
  /**
   * How an entry sits in `Analysis.result`: its row is the column-major
   * combination of the `rows` indices (i + j·p for F_{ij}, F p×q), its column
   * that of `cols`. A gradient's entry (i, j) is rows [i], cols [j]; a
   * Jacobian ∂F_{ij}/∂X_{kl} is rows [i, j], cols [k, l] of the vec-Jacobian.
   */
  readonly rows: readonly FreeIndex[];
  readonly cols: readonly FreeIndex[];
  readonly terms: readonly Term[];
  /**
   * "expanded": every sum distributed; "sums": sums free of dX kept as atoms
   * because distributing them made more than MAX_TERMS terms; "vec": the
   * vec-Jacobian (or vec-Hessian) read entrywise, its rows and columns as
   * single indices, because dF had no index form; "whole": the result itself
   * is the one atom (nothing better was possible).
   */
  readonly level: "expanded" | "sums" | "vec" | "whole";
}

/**
 * What the index form is read from: a result and the differential it came
 * from. `df` is the simplified first differential, asked for only for a
 * Jacobian of a matrix (its dF is read entrywise), hence a thunk.
 */
export interface IndexFormInput {
  readonly kind: ResultKind;
  readonly f: Expr;
  readonly X: Sym;
  readonly result: Expr;
  readonly df: () => Expr;
  readonly secondDifferential?: Expr;
}

export interface IndexFormOptions {
  /** Python for a symbolic dimension, as the API gives toNumpy; by default `A.shape[0]` of a symbol that has it. */
  readonly dimExpr?: (d: Dim) => string;
}

/** Beyond this many terms a distributed formula is no longer readable (and its einsum no longer useful). */
export const MAX_TERMS = 24;

const FREE = ["i", "j", "k", "l"];
/** Summation indices, after the free letters; not t (a parameter) nor letters that usually name vectors (a, b, x, …) or dX. */
const SUMMATION = ["i", "j", "k", "l", "p", "q", "r", "s", "u", "v", "w", "m", "n", "o", "g", "h"];

/** A form the index notation cannot take (dX under an inverse, vec, ⊗, …), or one too large to read. */
class NoIndexForm extends Error {}

const ONE: Term[] = [{ coeff: Q.ONE, factors: [] }];

// ---------------------------------------------------------------------------
// Expression → terms

interface Translator {
  fresh(): string;
  readonly sumsAsAtoms: boolean;
  hasDiff(e: Expr): boolean;
}

function translator(sumsAsAtoms: boolean): Translator {
  let next = 0;
  const memo = new Map<number, boolean>();
  // temporary names cannot clash with letters; canonicalTerm renames them
  return { fresh: () => `#${next++}`, sumsAsAtoms, hasDiff: (e) => E.contains(e, (x) => x.kind === "d" || x.kind === "dop", memo) };
}

/** Sum over the terms of a × the terms of b (distributivity). */
function times(a: readonly Term[], b: readonly Term[]): Term[] {
  if (a.length * b.length > MAX_TERMS) throw new NoIndexForm("too many terms");
  return a.flatMap((x) => b.map((y) => ({ coeff: Q.mul(x.coeff, y.coeff), factors: [...x.factors, ...y.factors] })));
}

const atom = (expr: Expr, r: string | null, c: string | null): Term[] =>
  [{ coeff: Q.ONE, factors: [{ kind: "atom", expr, idx: [r, c].filter((x): x is string => x !== null) }] }];

const delta = (a: string, b: string, dim: Dim): Factor => ({ kind: "delta", a, b, dim });

/** An index for a dimension: none for a dimension of 1. */
const indexFor = (t: Translator, d: Dim): string | null => (d === 1 ? null : t.fresh());

/**
 * Entry (r, c) of `e` as a sum of terms; r (c) is null exactly when e has one
 * row (column). Only what contains a differential must be taken apart: other
 * non-atomic pieces (traces, determinants, inverses of sums) stay whole.
 *
 * A plain switch rather than ts-pattern (STYLE habit 3): this recursion runs
 * once per node per request, and ts-pattern's matching was most of its time;
 * the `never` default keeps the compiler's completeness check.
 */
function entry(e: Expr, r: string | null, c: string | null, t: Translator): Term[] {
  // a factor that is a sum free of dX stays whole when distributing it would make too many terms
  const part = (x: Expr, i: string | null, j: string | null): Term[] => {
    if (!t.sumsAsAtoms || t.hasDiff(x)) return entry(x, i, j, t);
    if (x.kind === "add") return atom(x, i, j);
    return x.kind === "transpose" && x.arg.kind === "add" ? atom(x.arg, j, i) : entry(x, i, j, t);
  };
  const whole = () => {
    if (t.hasDiff(e)) throw new NoIndexForm(`d inside ${e.kind}`);
    return atom(e, r, c);
  };
  /** n copies of an entry, multiplied: tr(A⁻¹dX)², (M.^3)_{rc} = M_{rc} M_{rc} M_{rc}. */
  const repeat = (x: Expr, n: number, i: string | null, j: string | null) => {
    let out = ONE;
    for (let k = 0; k < n; k++) out = times(out, part(x, i, j));
    return out;
  };
  switch (e.kind) {
    case "num": return [{ coeff: e.value, factors: [] }];
    case "sym": case "d": case "commutation": return atom(e, r, c);
    case "identity": return [{ coeff: Q.ONE, factors: [delta(r!, c!, e.shape.rows)] }];
    case "zero": return [];
    case "ones": {
      const idx = [r, c].filter((x): x is string => x !== null);
      const dims = [e.shape.rows, e.shape.cols].filter((d) => d !== 1);
      return [{ coeff: Q.ONE, factors: [{ kind: "ones", idx, dims }] }];
    }
    case "add": return e.terms.flatMap((x) => entry(x, r, c, t));
    case "mul": {
      // (A B C)_{rc} = A_{rp} B_{pq} C_{qc}; a 1×1 scalar factor takes no index
      const { coeff, scalars, chain } = E.splitMul(e);
      let out: Term[] = [{ coeff, factors: [] }];
      for (const s of scalars) out = times(out, part(s, null, null));
      let left = r;
      chain.forEach((f, k) => {
        const right = k === chain.length - 1 ? c : indexFor(t, f.shape.cols);
        out = times(out, part(f, left, right));
        left = right;
      });
      return out;
    }
    // (Mᵀ)_{rc} = M_{cr}: transposes end up as swapped indices on atoms
    case "transpose": return entry(e.arg, c, r, t);
    // (A ⊙ B)_{rc} = A_{rc} B_{rc}: one index pair, no sum
    case "hadamard": return e.factors.map((f) => part(f, r, c)).reduce(times);
    // tr(M) = M_{pp}, sum(M) = M_{pq}: contracted when they hold the differential, else atoms such as tr(X⁻¹)
    case "trace": {
      // tr(I_n) = Σ_p δ_{pp} = n
      if (e.arg.kind === "identity") return [{ coeff: Q.ONE, factors: [{ kind: "size", dim: e.arg.shape.rows }] }];
      if (!t.hasDiff(e)) return atom(e, null, null);
      const p = t.fresh();
      return entry(e.arg, p, p, t);
    }
    case "sum":
      return t.hasDiff(e) ? entry(e.arg, indexFor(t, e.arg.shape.rows), indexFor(t, e.arg.shape.cols), t) : atom(e, null, null);
    // diag(M)_r = M_{rr}; Diag(v)_{rc} = v_r δ_{rc}
    case "diag": return entry(e.arg, r, r, t);
    case "diagm": return times(part(e.arg, r, null), [{ coeff: Q.ONE, factors: [delta(r!, c!, e.shape.rows)] }]);
    case "power":
      // tr(A⁻¹dX)² in a second differential: a product of two contractions
      if (isScalarShape(e.shape) && Q.isInt(e.exp) && e.exp.n >= 1 && t.hasDiff(e.arg)) return repeat(e.arg, e.exp.n, null, null);
      // (Mᵀ)ⁿ = (Mⁿ)ᵀ: ((X⁻ᵀ)²)_{rc} is (X⁻²)_{cr}
      if (e.arg.kind === "transpose" && !isScalarShape(e.shape)) return entry(E.power(e.arg.arg, e.exp), c, r, t);
      return whole();
    // (M.^n)_{rc} = (M_{rc})ⁿ, printed as a power; x.^{−1} stays an atom
    case "hpower": return Q.isInt(e.exp) && e.exp.n >= 1 && e.exp.n <= 4 ? repeat(e.arg, e.exp.n, r, c) : whole();
    // d(u) unexpanded is only built for --steps derivations, never in a result
    case "dop": throw new NoIndexForm("unexpanded differential");
    case "const": case "inverse": case "kron": case "det": case "logdet": case "fn": case "vec": case "unvec": case "epower": case "norm": return whole();
    default: {
      const never: never = e;
      throw new E.InternalError(`index form: unknown node ${(never as Expr).kind}`);
    }
  }
}

// ---------------------------------------------------------------------------
// Differentials → deltas, contraction, canonical form

const isDiff = (f: Factor) => f.kind === "atom" && f.expr.kind === "d";

/** dX_{pq} ↦ δ_{pk} δ_{ql} for X's free indices (k, l): ∂X_{pq}/∂X_{kl}. */
function replaceDiff(factors: readonly Factor[], at: number, wrt: readonly FreeIndex[]): Factor[] {
  const d = factors[at]!;
  if (d.kind !== "atom" || d.idx.length !== wrt.length) throw new E.InternalError("index form: differential with the wrong indices");
  const deltas = d.idx.map((p, k) => delta(p, wrt[k]!.name, wrt[k]!.dim));
  return [...factors.slice(0, at), ...deltas, ...factors.slice(at + 1)];
}

const renameWith = (f: Factor, r: (x: string) => string): Factor => {
  switch (f.kind) {
    case "atom": case "ones": return { ...f, idx: f.idx.map(r) };
    case "delta": return { ...f, a: r(f.a), b: r(f.b) };
    case "size": return f;
  }
};

const rename = (f: Factor, from: string, to: string): Factor => renameWith(f, (x) => (x === from ? to : x));

/** Σ_p δ_{pl} X_{pj} = X_{lj}: each delta with a summation index is used up by renaming it. */
function contract(term: Term, free: ReadonlySet<string>): Term {
  let factors = [...term.factors];
  for (;;) {
    const at = factors.findIndex((f) => f.kind === "delta" && f.a !== f.b && (!free.has(f.a) || !free.has(f.b)));
    if (at < 0) return { coeff: term.coeff, factors };
    const d = factors[at] as Extract<Factor, { kind: "delta" }>;
    const [from, to] = free.has(d.a) ? [d.b, d.a] : [d.a, d.b];
    factors = factors.filter((_, k) => k !== at).map((f) => rename(f, from, to));
  }
}

const indicesOf = (f: Factor): readonly string[] =>
  f.kind === "atom" || f.kind === "ones" ? f.idx : f.kind === "delta" ? [f.a, f.b] : [];

/**
 * Entries of 𝟏 and diagonal deltas δ_{pp} are 1 wherever their indices stand;
 * what they add is the range of an index that no other factor carries: a sum
 * of ones, the size of its dimension (𝟏ᵀ𝟏 = N, tr(I) = δ_{pp} = n). Indices
 * that are free or carried elsewhere keep their sum where it is.
 */
function sizesOf(term: Term, free: ReadonlySet<string>): Term {
  const isOnes = (f: Factor) => f.kind === "ones" || (f.kind === "delta" && f.a === f.b);
  const carried = new Set(term.factors.filter((f) => !isOnes(f)).flatMap(indicesOf));
  const sizes = new Map<string, Dim>();
  for (const f of term.factors) {
    const ranged: [string, Dim][] = f.kind === "ones" ? f.idx.map((x, k) => [x, f.dims[k]!]) : f.kind === "delta" && f.a === f.b ? [[f.a, f.dim]] : [];
    for (const [x, d] of ranged) if (!free.has(x) && !carried.has(x)) sizes.set(x, d);
  }
  if (!term.factors.some(isOnes)) return term;
  return { coeff: term.coeff, factors: [...[...sizes.values()].map((dim): Factor => ({ kind: "size", dim })), ...term.factors.filter((f) => !isOnes(f))] };
}

/** Summation indices renamed from SUMMATION (skipping free letters) in order of first appearance. */
function canonicalTerm(term: Term, free: ReadonlySet<string>): Term {
  const pool = SUMMATION.filter((x) => !free.has(x));
  const names = new Map<string, string>();
  for (const x of term.factors.flatMap(indicesOf)) {
    if (free.has(x) || names.has(x)) continue;
    const name = pool[names.size];
    if (name === undefined) throw new NoIndexForm("out of index letters");
    names.set(x, name);
  }
  const r = (x: string) => names.get(x) ?? x;
  return { coeff: term.coeff, factors: term.factors.map((f) => renameWith(f, r)) };
}

/**
 * A key equal for equal terms up to the order of factors and the names of
 * summation indices (both leave the value unchanged), so like terms merge:
 * the two halves of a polarised second differential, dX ⊙ X + X ⊙ dX.
 */
function termKey(term: Term, free: ReadonlySet<string>): string {
  const show = (x: string) => (free.has(x) ? x : "*");
  const key = (f: Factor, ix: (x: string) => string) =>
    f.kind === "atom" ? `${f.expr.id}:${f.idx.map(ix).join(",")}`
    : f.kind === "delta" ? `δ:${[ix(f.a), ix(f.b)].sort().join(",")}`
    : f.kind === "size" ? `#:${f.dim}`
    : `1:${f.idx.map(ix).join(",")}`;
  const keyed = term.factors.map((f) => ({ f, k: key(f, show) }));
  keyed.sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0));
  const canon = canonicalTerm({ coeff: Q.ONE, factors: keyed.map((x) => x.f) }, free);
  return canon.factors.map((f) => key(f, (x) => x)).join(" ");
}

function tidy(terms: readonly Term[], free: ReadonlySet<string>): Term[] {
  const byKey = new Map<string, Term>();
  for (const raw of terms) {
    const t = canonicalTerm(sizesOf(contract(raw, free), free), free);
    const key = termKey(t, free);
    const seen = byKey.get(key);
    byKey.set(key, seen ? { coeff: Q.add(seen.coeff, t.coeff), factors: seen.factors } : t);
  }
  return [...byKey.values()].filter((t) => t.coeff.n !== 0);
}

// ---------------------------------------------------------------------------
// Which expression, which free indices

/** Free indices for a shape, taking letters from `letters` in order. */
export function freeOf(s: Shape, letters: string[]): { rows: FreeIndex[]; cols: FreeIndex[] } {
  const take = (d: Dim): FreeIndex[] => (d === 1 ? [] : [{ name: letters.shift()!, dim: d }]);
  return { rows: take(s.rows), cols: take(s.cols) };
}

/** r, c for `entry` from free indices laid out as in freeOf. */
export const rc = (f: { rows: FreeIndex[]; cols: FreeIndex[] }) => [f.rows[0]?.name ?? null, f.cols[0]?.name ?? null] as const;

interface Built {
  readonly rows: FreeIndex[];
  readonly cols: FreeIndex[];
  readonly terms: Term[];
}

/** Read off the result matrix itself, in its own layout (for a Jacobian: the vec-Jacobian, ⊗ and K as atoms). */
function fromResult(a: IndexFormInput, t: Translator): Built {
  const f = freeOf(a.result.shape, [...FREE]);
  const [r, c] = rc(f);
  return { ...f, terms: entry(a.result, r, c, t) };
}

/** Gradients, derivatives and Hessians of a scalar or a vector are entries of the result; the others come from dF or d²f. */
export const fromResultAlready = (a: { readonly kind: ResultKind; readonly X: Expr }) =>
  a.kind === "gradient" || a.kind === "derivative" || (a.kind === "hessian" && a.X.shape.cols === 1);

function fromDifferential(a: IndexFormInput, t: Translator): Built {
  if (fromResultAlready(a)) return fromResult(a, t);
  const letters = [...FREE];
  const X = a.X.shape;
  const nonzero = (terms: Term[]) => terms.filter((x) => x.coeff.n !== 0);

  if (a.kind === "jacobian") {
    // ∂F_{ij}/∂X_{kl} from dF, which is linear in dX: each term holds one dX_{pq}
    const fn = freeOf(a.f.shape, letters);
    const wrt = freeOf(X, letters);
    const [r, c] = rc(fn);
    const df = a.df();
    const terms = nonzero(entry(df, r, c, t)).map((term) => {
      const at = term.factors.findIndex(isDiff);
      if (at < 0 || term.factors.slice(at + 1).some(isDiff)) throw new NoIndexForm("dF is not linear in dX");
      return { coeff: term.coeff, factors: replaceDiff(term.factors, at, [...wrt.rows, ...wrt.cols]) };
    });
    return { rows: [...fn.rows, ...fn.cols], cols: [...wrt.rows, ...wrt.cols], terms };
  }

  // Hessian of f(X), X a matrix: d²f[dX, dX] = vec(dX)ᵀ H vec(dX) with H symmetric, so by
  // polarisation H_{(ij),(kl)} = ½ (q[dX ↦ ij, dX′ ↦ kl] + q[dX ↦ kl, dX′ ↦ ij]) for each
  // term's two differentials dX, dX′
  if (!a.secondDifferential) throw new NoIndexForm("no second differential");
  const first = freeOf(X, letters);
  const second = freeOf(X, letters);
  const one = [...first.rows, ...first.cols];
  const two = [...second.rows, ...second.cols];
  const terms = nonzero(entry(a.secondDifferential, null, null, t)).flatMap((term) => {
    const ds = term.factors.flatMap((f, k) => (isDiff(f) ? [k] : []));
    if (ds.length !== 2) throw new NoIndexForm("d²f is not quadratic in dX");
    const [u, v] = ds as [number, number];
    const half = Q.mul(term.coeff, Q.rat(1, 2));
    // v > u, so replacing v first keeps position u valid
    return [[one, two], [two, one]].map(([p, q]) => ({ coeff: half, factors: replaceDiff(replaceDiff(term.factors, v, q!), u, p!) }));
  });
  return { rows: one, cols: two, terms };
}

/**
 * The index form of an analysis. Never fails; tries, in order: every sum
 * distributed, then sums kept whole (levels "expanded", "sums"); for a
 * Jacobian or a Hessian of a matrix whose dF has no index form, the
 * vec-layout result read entrywise (level "vec"); last, the result as one
 * atom (level "whole").
 */
export function indexFormula(a: IndexFormInput): IndexFormula {
  type Attempt = { level: IndexFormula["level"]; from: (a: IndexFormInput, t: Translator) => Built; sums: boolean };
  // on symmetric (diagonal) directions d²f has many matrices; the Hessian is the projected one, so read it off the result
  const structured = a.kind === "hessian" && a.X.shape.cols !== 1 && Boolean(a.X.props.symmetric || a.X.props.posdef || a.X.props.diagonal);
  const attempts: Attempt[] = [
    ...(structured ? [] : [{ level: "expanded", from: fromDifferential, sums: false }, { level: "sums", from: fromDifferential, sums: true }] as Attempt[]),
    ...(fromResultAlready(a) ? [] : [{ level: "vec", from: fromResult, sums: false }, { level: "vec", from: fromResult, sums: true }] as Attempt[]),
  ];
  for (const { level, from, sums } of attempts) {
    try {
      const b = from(a, translator(sums));
      const free = new Set([...b.rows, ...b.cols].map((x) => x.name));
      const terms = tidy(b.terms, free);
      if (terms.length > MAX_TERMS) continue;
      return { kind: a.kind, rows: b.rows, cols: b.cols, terms, level };
    } catch (err) {
      if (!(err instanceof NoIndexForm)) throw err;
    }
  }
  const f = freeOf(a.result.shape, [...FREE]);
  const [r, c] = rc(f);
  return { kind: a.kind, ...f, terms: atom(a.result, r, c), level: "whole" };
}
