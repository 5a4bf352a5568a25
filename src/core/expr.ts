/**
 * Core expressions: shaped, immutable and hash-consed, so structural equality
 * is identity (`a === b`) and shared subterms are stored once.
 *
 * The constructors below normalise *structure only* (flattening, dropping
 * `I`, `0` and `1`, folding numeric coefficients, double transposes). They
 * never apply an identity of matrix calculus: that is the simplifier's job,
 * which records every step it takes.
 */
import * as Q from "./rational.js";
import type { Rational } from "./rational.js";
import {
  type Dim, type Shape, SCALAR, shape, isScalarShape, sameShape, transposeShape, formatShape, mulDim,
} from "./shape.js";

import { FN_NAMES, OPERATIONS, type FnName } from "./operations.js";

export type { FnName } from "./operations.js";

export interface SymbolProps {
  readonly symmetric?: boolean;
  /** Declared positive definite (implies symmetric); numeric checks sample such matrices. */
  readonly posdef?: boolean;
  readonly diagonal?: boolean;
  /** Declared a probability vector: nonnegative entries that sum to 1, so 𝟏ᵀy = 1 (rules/simplify/products.ts). */
  readonly probability?: boolean;
  /** The symbol is a function of this scalar, X(t): dX = Ẋ dt (declared "matrix(t)"). */
  readonly dependsOn?: string;
  /** The symbol is the t-derivative Ẋ of the named symbol (and depends on t itself). */
  readonly derivativeOf?: string;
  /**
   * The symbol is the Jacobian J_A(θ) = ∂vec(A)/∂vec(θ) of the opaque function A(θ)
   * (declared "matrix(theta)" with θ not a scalar): known to the user's code, not to matdiff.
   */
  readonly jacobianOf?: { readonly of: string; readonly wrt: string };
}

interface Base {
  readonly id: number;
  readonly shape: Shape;
}

export interface Num extends Base { readonly kind: "num"; readonly value: Rational }
/**
 * A named real constant: π, which erf′(t) = (2/√π) e^{−t²} needs. It is not a
 * rational Num, so it stays a symbol-like leaf that every printer spells
 * (π, \\pi, np.pi, math.pi) and the evaluator gives its value.
 */
export interface Const extends Base { readonly kind: "const"; readonly name: ConstName }
export type ConstName = "pi";
export const CONSTANT_VALUES: { readonly [C in ConstName]: number } = { pi: Math.PI };
export interface Sym extends Base { readonly kind: "sym"; readonly name: string; readonly props: SymbolProps }
/** The differential `dX` of a symbol; `tag` distinguishes independent directions (d²f[dX, d'X]). */
export interface Diff extends Base { readonly kind: "d"; readonly of: Sym; readonly tag: number }
/**
 * d(u) of a compound u, not yet expanded: only derivations (--steps) build it,
 * to show the rules of the calculus applied one level at a time.
 */
export interface DiffOf extends Base { readonly kind: "dop"; readonly arg: Expr }
export interface Identity extends Base { readonly kind: "identity" }
export interface Zero extends Base { readonly kind: "zero" }
/** The all-ones matrix or vector (written 𝟏); appears in derivatives such as σ' = σ ⊙ (𝟏 − σ). */
export interface Ones extends Base { readonly kind: "ones" }
/**
 * The commutation matrix K (mn×mn) with K vec(A) = vec(Aᵀ) for A of size
 * m×n (Magnus & Neudecker §3.7); it carries vec(dXᵀ) back to vec(dX).
 */
export interface Commutation extends Base { readonly kind: "commutation"; readonly m: Dim; readonly n: Dim }
export interface Add extends Base { readonly kind: "add"; readonly terms: readonly Expr[] }
/**
 * Product. Canonical layout: an optional numeric coefficient first, then
 * scalar (1×1) factors, which commute, then the non-commutative matrix chain.
 * A 1×1 sub-product such as `xᵀa` stays grouped as one scalar factor.
 */
export interface Mul extends Base { readonly kind: "mul"; readonly factors: readonly Expr[] }
export interface Transpose extends Base { readonly kind: "transpose"; readonly arg: Expr }
export interface Inverse extends Base { readonly kind: "inverse"; readonly arg: Expr }
/** Matrix power (integer ≥ 2) or scalar power (any rational). */
export interface Power extends Base { readonly kind: "power"; readonly arg: Expr; readonly exp: Rational }
export interface Hadamard extends Base { readonly kind: "hadamard"; readonly factors: readonly Expr[] }
/** Elementwise power `A.^p` of a non-scalar. */
export interface HPower extends Base { readonly kind: "hpower"; readonly arg: Expr; readonly exp: Rational }
export interface Kron extends Base { readonly kind: "kron"; readonly factors: readonly Expr[] }
export interface Trace extends Base { readonly kind: "trace"; readonly arg: Expr }
export interface Det extends Base { readonly kind: "det"; readonly arg: Expr }
export interface LogDet extends Base { readonly kind: "logdet"; readonly arg: Expr }
/** A function of the operation table (core/operations.ts); an elementwise one on a scalar is the ordinary function. */
export interface Fn extends Base { readonly kind: "fn"; readonly name: FnName; readonly arg: Expr }
/** Sum of all entries. */
export interface SumAll extends Base { readonly kind: "sum"; readonly arg: Expr }
/** diag(X): the vector of X's diagonal. */
export interface DiagVec extends Base { readonly kind: "diag"; readonly arg: Expr }
/** Diag(x): the diagonal matrix with x on its diagonal. */
export interface DiagMat extends Base { readonly kind: "diagm"; readonly arg: Expr }
/** Column-major vectorisation. */
export interface Vec extends Base { readonly kind: "vec"; readonly arg: Expr }
/**
 * The inverse of vec: the rows×cols matrix whose columns, stacked, are the
 * column vector arg (column-major, as vec). The shape comes from the context
 * (a gradient has the shape of its variable), so the node carries it.
 */
export interface Unvec extends Base { readonly kind: "unvec"; readonly arg: Expr }
/** x.^p: the entrywise power by a scalar expression p (a number exponent is an HPower). */
export interface EPower extends Base { readonly kind: "epower"; readonly arg: Expr; readonly exp: Expr }
/** ‖x‖₂ of a vector or ‖A‖_F of a matrix. */
export interface Norm extends Base { readonly kind: "norm"; readonly arg: Expr; readonly p: "2" | "F" }

export type Expr =
  | Num | Const | Sym | Diff | DiffOf | Identity | Zero | Ones | Commutation | Add | Mul | Transpose | Inverse | Power
  | Hadamard | HPower | Kron | Trace | Det | LogDet | Fn | SumAll | DiagVec | DiagMat | Vec | Unvec | EPower | Norm;

export type Kind = Expr["kind"];
export type ExprOf<K extends Kind> = Extract<Expr, { kind: K }>;

/**
 * Rebuilding found a divisor (the argument of an inverse or a negative power)
 * that is identically 0, such as ‖u − u‖ in the derivative of ‖u − u‖: the
 * value is undefined. The library words it as a user error (api.ts).
 */
export class DivisionByZero extends Error {
  constructor(readonly divisor: Expr) {
    super("division by an expression that is identically 0");
    this.name = "DivisionByZero";
  }
}

/** A broken invariant inside the engine: always a bug, never the user's fault. */
export class InternalError extends Error {
  constructor(message: string) {
    super(`internal error (this is a bug in matdiff): ${message}`);
    this.name = "InternalError";
  }
}

// ---------------------------------------------------------------------------
// Hash-consing

/**
 * Structural equality is identity (`===`) for as long as the process runs (an
 * editor's preview, the playground), also past the table's size bound. The
 * table is a plain map, bounded: when full, its nodes are retired to a map of
 * weak references and the table starts afresh; a retired node that is still in
 * use (held by a cache, a constant such as ONE_NUM, or an expression being
 * worked on) is found there and comes back, instead of getting a twin that is
 * equal but not identical — clearing the table outright did that, so after
 * 500,000 nodes num(1) was no longer ONE_NUM and a dX built before the clear
 * was not the dX after it. Retired nodes nobody uses are collected, and a
 * FinalizationRegistry removes their entries then (sweeping the map at each
 * retirement was quadratic within one long request, whose retired nodes all
 * stay alive until it returns: a WeakRef holds its target to the end of the
 * current job).
 *
 * The bound is what a long-running process (a preview, the playground, a
 * server) keeps of expressions it no longer uses: some 2 MB at 2,000 nodes (a node and the caches keyed by it take about 1 KB).
 * At 500,000 it was ten times that, which read as a leak in a soak of 144,000
 * calls (220 MB rising to 647 MB).
 */
/**
 * Keys: a string for leaves and n-ary nodes, a number for a one-operand node (its operand's id and its
 * kind, unaryKey): building and hashing a string per node was a good part of a small request.
 */
type InternKey = string | number;
const table = new Map<InternKey, Expr>();
const retired = new Map<InternKey, WeakRef<Expr>>();
let nextId = 1;

/** Nodes the table holds strongly before it retires them (a pause of a few ms, once per that many new nodes). */
const TABLE_LIMIT = 2_000;
/** Drops a retired entry once its node is collected (unless the key has a live node again). */
const collected = new FinalizationRegistry<InternKey>((key) => {
  if (retired.get(key)?.deref() === undefined) retired.delete(key);
});

/** Nodes made since the process started (retired ones included): what a request's memory budget counts. */
export const nodesMade = (): number => nextId;

/** The table's state, for the memory soak: nodes held strongly, entries of the retired map (some of them dead), nodes made. */
export function hashConsStats(): { table: number; retired: number; retiredAlive: number; made: number } {
  let retiredAlive = 0;
  for (const ref of retired.values()) if (ref.deref() !== undefined) retiredAlive++;
  return { table: table.size, retired: retired.size, retiredAlive, made: nextId };
}

/** Kind codes of one-operand nodes in a numeric key (below UNARY_KINDS); fn adds its index in FN_NAMES. */
const UNARY = { T: 1, inv: 2, tr: 3, det: 4, logdet: 5, sum: 6, diag: 7, diagm: 8, vec: 9, dop: 10, norm2: 11, normF: 12, fn: 13 } as const;
const UNARY_KINDS = 256;
/** Exact as long as ids stay below 2⁴⁵, some 10¹³ nodes. */
const unaryKey = (code: number, arg: Expr): number => arg.id * UNARY_KINDS + code;

function intern<E extends Expr>(key: InternKey, make: (id: number) => E): E {
  const found = table.get(key);
  if (found) return found as E;
  if (retired.size) {
    const back = retired.get(key)?.deref();
    if (back) { table.set(key, back); return back as E; }
  }
  if (table.size >= TABLE_LIMIT) retire();
  const e = make(nextId++);
  table.set(key, e);
  return e;
}

/** Nodes already registered: a node that comes back and is retired again (ONE_NUM, every time) must not gain a cell each time. */
const registered = new WeakSet<Expr>();

function retire(): void {
  for (const [key, e] of table) {
    retired.set(key, new WeakRef(e));
    if (!registered.has(e)) {
      registered.add(e);
      collected.register(e, key);
    }
  }
  table.clear();
}

const dimKey = (s: Shape) => `${s.rows},${s.cols}`;
const ids = (xs: readonly Expr[]) => xs.map((x) => x.id).join(",");
const ratKey = (r: Rational) => `${r.n}/${r.d}`;

function assertShape(ok: boolean, what: string, ...args: Expr[]): void {
  if (!ok) throw new InternalError(`${what} of shapes ${args.map((a) => formatShape(a.shape)).join(", ")}`);
}

// ---------------------------------------------------------------------------
// The nodes' one layout

/** A leaf's children: one shared empty list, not an allocation per leaf per traversal. */
const NO_CHILDREN: readonly Expr[] = Object.freeze([]);

/** The fields of every kind of node, each optional: what ExprNode's constructor reads. */
interface AnyFields {
  readonly kind: Kind; readonly id: number; readonly shape: Shape;
  readonly arg?: Expr; readonly exp?: Rational | Expr; readonly terms?: readonly Expr[]; readonly factors?: readonly Expr[];
  readonly value?: Rational; readonly name?: string; readonly props?: SymbolProps; readonly of?: Sym; readonly tag?: number;
  readonly m?: Dim; readonly n?: Dim; readonly p?: "2" | "F";
}

/**
 * Every node has the same fields in the same order, undefined where its kind has none. The engine
 * reads e.kind, e.id and e.shape over nodes of thirty kinds, and V8 keys its inline caches by an
 * object's hidden class: as a dozen object literals, each such read met a dozen classes and went
 * megamorphic, slower than the call it sits in. A node also keeps its children's list, made once,
 * so a traversal allocates nothing per node (children()).
 */
class ExprNode {
  readonly kind: Kind;
  readonly id: number;
  readonly shape: Shape;
  readonly arg: Expr | undefined;
  readonly exp: Rational | Expr | undefined;
  readonly terms: readonly Expr[] | undefined;
  readonly factors: readonly Expr[] | undefined;
  readonly value: Rational | undefined;
  readonly name: string | undefined;
  readonly props: SymbolProps | undefined;
  readonly of: Sym | undefined;
  readonly tag: number | undefined;
  readonly m: Dim | undefined;
  readonly n: Dim | undefined;
  readonly p: "2" | "F" | undefined;
  readonly kids: readonly Expr[];
  constructor(f: AnyFields) {
    this.kind = f.kind;
    this.id = f.id;
    this.shape = f.shape;
    this.arg = f.arg;
    this.exp = f.exp;
    this.terms = f.terms;
    this.factors = f.factors;
    this.value = f.value;
    this.name = f.name;
    this.props = f.props;
    this.of = f.of;
    this.tag = f.tag;
    this.m = f.m;
    this.n = f.n;
    this.p = f.p;
    this.kids = f.terms ?? f.factors
      ?? (f.kind === "epower" ? [f.arg!, f.exp as Expr] : f.arg !== undefined ? [f.arg] : NO_CHILDREN);
  }
}

const node = <E extends Expr>(fields: E): E => new ExprNode(fields as AnyFields) as unknown as E;

// ---------------------------------------------------------------------------
// Leaves

export function num(value: Rational | number): Num {
  const v = typeof value === "number" ? Q.rat(value) : value;
  return intern(`num|${ratKey(v)}`, (id) => node({ kind: "num", id, shape: SCALAR, value: v }));
}

export function constant(name: ConstName): Const {
  return intern(`const|${name}`, (id) => node({ kind: "const", id, shape: SCALAR, name }));
}

export const ZERO_NUM = num(0);
export const ONE_NUM = num(1);

export function sym(name: string, s: Shape, props: SymbolProps = {}): Sym {
  const p = `${props.symmetric ? "s" : ""}${props.posdef ? "p" : ""}${props.diagonal ? "d" : ""}${props.probability ? "1" : ""}|${props.dependsOn ?? ""}|${props.derivativeOf ?? ""}`
    + (props.jacobianOf ? `|J|${props.jacobianOf.of}|${props.jacobianOf.wrt}` : "");
  return intern(`sym|${name}|${dimKey(s)}|${p}`, (id) => node({ kind: "sym", id, shape: s, name, props }));
}

/** Ẋ, the derivative of a symbol X(t) with respect to the scalar it depends on. */
export function dotted(x: Sym): Sym {
  const { symmetric, posdef, diagonal, dependsOn } = x.props;
  return sym(`${x.name}\u0307`, x.shape, {
    ...(symmetric || posdef ? { symmetric: true } : {}), ...(diagonal ? { diagonal: true } : {}),
    ...(dependsOn ? { dependsOn } : {}), derivativeOf: x.name,
  });
}

/**
 * J_A(θ) = ∂vec(A)/∂vec(θ), (rows·cols of A) × (entries of θ), column-major vec; its name
 * cannot be typed, so it never meets a user's symbol J_A.
 */
export function jacobianSym(a: Sym, theta: Sym): Sym {
  return sym(`J[${a.name};${theta.name}]`, shape(mulDim(a.shape.rows, a.shape.cols), mulDim(theta.shape.rows, theta.shape.cols)), {
    jacobianOf: { of: a.name, wrt: theta.name },
  });
}

export function diff(of: Sym, tag = 0): Diff {
  return intern(`d|${of.id}|${tag}`, (id) => node({ kind: "d", id, shape: of.shape, of, tag }));
}

export function diffOf(arg: Expr): DiffOf {
  return intern(unaryKey(UNARY.dop, arg), (id) => node({ kind: "dop", id, shape: arg.shape, arg }));
}

export function identity(n: Dim): Expr {
  if (n === 1) return ONE_NUM;
  return intern(`I|${n}`, (id) => node({ kind: "identity", id, shape: shape(n, n) }));
}

/**
 * The size n as a scalar: the number itself, or tr(I_n) for a symbolic size,
 * which every printer writes n (print/infix.ts) and every evaluator computes.
 */
export function sizeOf(n: Dim): Expr {
  return typeof n === "number" ? num(n) : trace(identity(n));
}

export function zero(s: Shape): Expr {
  if (isScalarShape(s)) return ZERO_NUM;
  return intern(`0|${dimKey(s)}`, (id) => node({ kind: "zero", id, shape: s }));
}

export function ones(s: Shape): Expr {
  if (isScalarShape(s)) return ONE_NUM;
  return intern(`1|${dimKey(s)}`, (id) => node({ kind: "ones", id, shape: s }));
}

/** K_{m,n}; for vectors (m or n = 1) vec(aᵀ) = vec(a), so K is the identity. */
export function commutation(m: Dim, n: Dim): Expr {
  if (m === 1 || n === 1) return identity(mulDim(m, n));
  const size = mulDim(m, n);
  return intern(`K|${m}|${n}`, (id) => node({ kind: "commutation", id, shape: shape(size, size), m, n }));
}

export const isZero = (e: Expr) => e.kind === "zero" || (e.kind === "num" && e.value.n === 0);
export const isOne = (e: Expr) => e.kind === "num" && e.value.n === 1 && e.value.d === 1;

// ---------------------------------------------------------------------------
// Sums

export function add(...terms: Expr[]): Expr {
  if (terms.length === 0) throw new InternalError("empty sum");
  const s = terms[0]!.shape;
  const flat: Expr[] = [];
  let constant = Q.ZERO;
  // numbers fold into one, which stands where the first of them stood: 2 − sin(α), x² + 1
  let constantAt = -1;
  const visit = (t: Expr) => {
    assertShape(sameShape(t.shape, s), "sum", terms[0]!, t);
    if (t.kind === "add") t.terms.forEach(visit);
    else if (t.kind === "num") { if (constantAt < 0) constantAt = flat.length; constant = Q.add(constant, t.value); }
    else if (t.kind !== "zero") flat.push(t);
  };
  terms.forEach(visit);
  if (constant.n !== 0) flat.splice(constantAt, 0, num(constant));
  if (flat.length === 0) return zero(s);
  if (flat.length === 1) return flat[0]!;
  return intern(`+|${ids(flat)}`, (id) => node({ kind: "add", id, shape: s, terms: flat }));
}

export const sub = (a: Expr, b: Expr) => add(a, neg(b));
export const neg = (a: Expr) => mul(num(-1), a);

// ---------------------------------------------------------------------------
// Products

export interface SplitProduct {
  readonly coeff: Rational;
  readonly scalars: readonly Expr[];
  readonly chain: readonly Expr[];
}

/** Expressions are immutable, so each one's split is computed once (every product rule asks for it). */
const splits = new WeakMap<Expr, SplitProduct>();

/** Splits a product into coefficient, scalar factors and matrix chain. */
export function splitMul(e: Expr): SplitProduct {
  let s = splits.get(e);
  if (!s) {
    s = computeSplit(e);
    splits.set(e, s);
  }
  return s;
}

function computeSplit(e: Expr): SplitProduct {
  if (e.kind === "num") return { coeff: e.value, scalars: [], chain: [] };
  if (e.kind !== "mul") return isScalarShape(e.shape) ? { coeff: Q.ONE, scalars: [e], chain: [] } : { coeff: Q.ONE, scalars: [], chain: [e] };
  let coeff = Q.ONE;
  const scalars: Expr[] = [];
  const chain: Expr[] = [];
  for (const f of e.factors) {
    if (f.kind === "num") coeff = Q.mul(coeff, f.value);
    else if (isScalarShape(f.shape)) scalars.push(f);
    else chain.push(f);
  }
  return { coeff, scalars, chain };
}

/**
 * Product of factors, matrix-multiplied in order; 1×1 factors act as
 * scalars wherever they stand (for 1×1 operands scalar and matrix
 * multiplication agree, so this is no extra assumption).
 */
export function mul(...factors: Expr[]): Expr {
  let coeff = Q.ONE;
  const scalars: Expr[] = [];
  const chain: Expr[] = [];
  let identityDim: Dim | null = null;
  let zeroResult = false;
  const visit = (f: Expr) => {
    switch (f.kind) {
      case "num":
        coeff = Q.mul(coeff, f.value);
        return;
      case "mul": {
        const part = splitMul(f);
        coeff = Q.mul(coeff, part.coeff);
        if (isScalarShape(f.shape) && part.chain.length > 0) {
          // keep the 1×1 chain (e.g. xᵀAy) together as one scalar factor
          scalars.push(...part.scalars, part.chain.length === 1 ? part.chain[0]! : mulNode(part.chain, SCALAR));
        } else {
          scalars.push(...part.scalars);
          part.chain.forEach(visit); // so an inner I or 0 is handled like any other
        }
        return;
      }
      case "identity":
        identityDim = f.shape.rows;
        return;
      case "zero":
        zeroResult = true;
        chain.push(f);
        return;
      default:
        if (isScalarShape(f.shape)) scalars.push(f);
        else chain.push(f);
    }
  };
  factors.forEach(visit);
  for (let i = 0; i + 1 < chain.length; i++) {
    assertShape(chain[i]!.shape.cols === chain[i + 1]!.shape.rows, "product", chain[i]!, chain[i + 1]!);
  }
  const resultShape: Shape = chain.length > 0
    ? shape(chain[0]!.shape.rows, chain[chain.length - 1]!.shape.cols)
    : identityDim !== null ? shape(identityDim, identityDim) : SCALAR;
  if (zeroResult || coeff.n === 0) return zero(resultShape);
  if (chain.length === 0 && identityDim !== null) chain.push(identity(identityDim));
  // A 1×1 chain beside other scalars is itself one scalar factor, so
  // 2·(xᵀAx) has one form however it was built.
  if (chain.length > 1 && isScalarShape(resultShape) && (!Q.eq(coeff, Q.ONE) || scalars.length > 0)) {
    scalars.push(mulNode(chain.splice(0), SCALAR));
  }
  const all: Expr[] = [];
  if (!(coeff.n === 1 && coeff.d === 1)) all.push(num(coeff));
  all.push(...scalars, ...chain);
  if (all.length === 0) return ONE_NUM;
  if (all.length === 1) return all[0]!;
  return mulNode(all, resultShape);
}

function mulNode(factors: readonly Expr[], s: Shape): Mul {
  return intern(`*|${ids(factors)}`, (id) => node({ kind: "mul", id, shape: s, factors }));
}

export const scale = (c: Rational | number, e: Expr) => mul(num(c), e);

// ---------------------------------------------------------------------------
// Unary matrix operations

export function transpose(a: Expr): Expr {
  switch (a.kind) {
    case "transpose": return a.arg;
    case "identity": case "diagm": return a;
    case "zero": return zero(transposeShape(a.shape));
    case "ones": return ones(transposeShape(a.shape));
    case "sym": if (a.props.symmetric || a.props.posdef || a.props.diagonal) return a; break;
    case "d": if (a.of.props.symmetric || a.of.props.posdef || a.of.props.diagonal) return a; break;
    // the inverse of a declared-symmetric matrix is symmetric: S⁻ᵀ = S⁻¹
    case "inverse": if (a.arg.kind === "sym" && (a.arg.props.symmetric || a.arg.props.posdef || a.arg.props.diagonal)) return a; break;
  }
  if (isScalarShape(a.shape)) return a;
  return intern(unaryKey(UNARY.T, a), (id) => node({ kind: "transpose", id, shape: transposeShape(a.shape), arg: a }));
}

export function inverse(a: Expr): Expr {
  assertShape(a.shape.rows === a.shape.cols, "inverse", a);
  switch (a.kind) {
    case "inverse": return a.arg;
    case "identity": return a;
    // (Aᵀ)⁻¹ and (A⁻¹)ᵀ are one matrix with one notation, A⁻ᵀ (Cookbook eq. (3)), so one
    // node: the transpose outside, which keeps (AXB)⁻ᵀ whole instead of (BᵀXᵀAᵀ)⁻¹
    case "transpose": return transpose(inverse(a.arg));
    // (Aᵏ)⁻¹ = (A⁻¹)ᵏ, written A⁻ᵏ
    case "power": if (!isScalarShape(a.shape)) return power(inverse(a.arg), a.exp); break;
    case "num":
      // (0 xᵀx)⁻¹: the user's division by zero, which api.ts words as such (elaborate.ts catches the ones it can point at)
      if (a.value.n === 0) throw new DivisionByZero(a);
      return num(Q.div(Q.ONE, a.value));
  }
  if (isScalarShape(a.shape)) return power(a, Q.MINUS_ONE);
  return intern(unaryKey(UNARY.inv, a), (id) => node({ kind: "inverse", id, shape: a.shape, arg: a }));
}

/** Largest numerator or denominator a numeric power is folded to (see power). */
const MAX_FOLDED = 2 ** 31;

export function power(a: Expr, p: Rational | number): Expr {
  const r = typeof p === "number" ? Q.rat(p) : p;
  const scalar = isScalarShape(a.shape);
  if (r.n === 1 && r.d === 1) return a;
  // a power of the literal 0, whatever shape it took (0^{1/3} x: the 0 is as wide as x), taken entrywise:
  // 0ᵏ = 0 for k > 0, 0⁰ = 𝟏 (as NumPy's zeros(…) ** 0), a negative power a division by zero
  if (a.kind === "zero") {
    if (r.n > 0) return a;
    if (r.n === 0) return ones(a.shape);
    throw new DivisionByZero(a);
  }
  if (!scalar) {
    assertShape(a.shape.rows === a.shape.cols && Q.isInt(r), "matrix power", a);
    if (r.n < 0) return power(inverse(a), -r.n);
  }
  if (r.n === 0) return scalar ? ONE_NUM : identity(a.shape.rows);
  if (r.n === 1 && r.d === 1) return a;
  // (tᵃ)ʳ = t^(ar): tᵃ by a real a is defined for t > 0 only, where powers compose
  if (scalar && a.kind === "epower") return epower(a.arg, mul(num(r), a.exp));
  if (a.kind === "num" && Q.isInt(r) && Math.abs(r.n) <= 64) {
    if (a.value.n === 0 && r.n < 0) throw new DivisionByZero(a);
    const base = r.n < 0 ? Q.div(Q.ONE, a.value) : a.value;
    let acc: Rational | null = Q.ONE;
    for (let i = 0; i < Math.abs(r.n) && acc; i++) {
      acc = Q.mul(acc, base);
      // a folded power stays below 2³¹, so that the coefficients built from it stay exact: 2^{52} stays 2⁵²
      if (Math.abs(acc.n) > MAX_FOLDED || acc.d > MAX_FOLDED) acc = null;
    }
    if (acc) return num(acc);
  }
  if (a.kind === "identity") return a;
  // 0^{1/2} = 0 as 0² is: any positive power (‖x − x‖^{1/2} folds to 0^{1/2}, which must not stay)
  if (a.kind === "num" && a.value.n === 0 && r.n > 0) return a;
  // (a^p)^q = a^(pq) holds for integer q (for scalars with real p it also needs a ≥ 0 unless q is an integer)
  if (a.kind === "power" && Q.isInt(r)) return power(a.arg, Q.mul(a.exp, r));
  if (r.n === -1 && r.d === 1) {
    const t = logisticArgument(a);
    if (t) return fn("sigmoid", t);
  }
  return intern(`^|${a.id}|${ratKey(r)}`, (id) => node({ kind: "power", id, shape: a.shape, arg: a, exp: r }));
}

/**
 * 1/(1 + exp(−t)) is σ(t), the logistic function, and 1/(1 + exp(t)) is σ(−t) (entrywise for vectors): the t
 * when `a` is 1 + exp(u) (or 𝟏 + exp(u)), so that σ's derivative σ ⊙ (1 − σ) is the one a result shows, not
 * exp(−t)/(1 + exp(−t))².
 */
function logisticArgument(a: Expr): Expr | null {
  if (a.kind !== "add" || a.terms.length !== 2) return null;
  const [p, q] = a.terms as [Expr, Expr];
  // 1, 𝟏, and the all-ones matrix 𝟏𝟏ᵀ a double sum fills a number into (𝟏𝟏ᵀ + exp(−Y ⊙ UVᵀ))
  const isOne = (x: Expr) => x === ONE_NUM || x.kind === "ones"
    || (x.kind === "mul" && x.factors.length === 2 && x.factors.every((f) => f.kind === "ones"));
  const expOf = (x: Expr) => (x.kind === "fn" && x.name === "exp" ? x.arg : null);
  const u = isOne(p) ? expOf(q) : isOne(q) ? expOf(p) : null;
  return u && neg(u);
}

// ---------------------------------------------------------------------------
// Elementwise and Kronecker products

export function hadamard(...factors: Expr[]): Expr {
  const flat: Expr[] = [];
  const scalars: Expr[] = [];
  let s: Shape | null = null;
  const visit = (f: Expr) => {
    if (f.kind === "hadamard") return f.factors.forEach(visit);
    if (isScalarShape(f.shape)) { scalars.push(f); return; }
    // scalars factor out of an entrywise product: (cA) ⊙ B = c (A ⊙ B)
    if (f.kind === "mul") {
      const part = splitMul(f);
      if (!Q.eq(part.coeff, Q.ONE) || part.scalars.length) {
        scalars.push(num(part.coeff), ...part.scalars);
        visit(mul(...part.chain));
        return;
      }
    }
    if (s) assertShape(sameShape(s, f.shape), "Hadamard product", flat[0] ?? f, f);
    s = f.shape;
    if (f.kind !== "ones") flat.push(f);
  };
  factors.forEach(visit);
  if (s === null) return mul(...scalars); // all scalars: ordinary product
  const finalShape: Shape = s;
  if (flat.some((f) => f.kind === "zero")) return zero(finalShape);
  const body = flat.length === 0 ? ones(finalShape)
    : flat.length === 1 ? flat[0]!
    : intern(`o|${ids(flat)}`, (id) => node<Hadamard>({ kind: "hadamard", id, shape: finalShape, factors: flat }));
  return scalars.length ? mul(...scalars, body) : body;
}

export function hpower(a: Expr, p: Rational | number): Expr {
  const r = typeof p === "number" ? Q.rat(p) : p;
  if (isScalarShape(a.shape)) return power(a, r);
  if (r.n === 1 && r.d === 1) return a;
  if (r.n === 0) return ones(a.shape);
  if (a.kind === "ones") return a;
  if (a.kind === "zero" && r.n > 0) return a;
  // (t^a)^b = t^(ab) entrywise only for integer b (else (t²)^½ = |t|, not t)
  if (a.kind === "hpower" && Q.isInt(r)) return hpower(a.arg, Q.mul(a.exp, r));
  // (Aᵀ)∘ᵏ and (A∘ᵏ)ᵀ are one array: one node, the transpose outside, as A⁻ᵀ keeps it (inverse), so
  // ((Aᵀ)∘²)ᵀ is A∘², not a transpose of a power of a transpose
  if (a.kind === "transpose") return transpose(hpower(a.arg, r));

  if (r.n === -1 && r.d === 1) {
    const t = logisticArgument(a);
    if (t) return fn("sigmoid", t);
  }
  return intern(`.^|${a.id}|${ratKey(r)}`, (id) => node({ kind: "hpower", id, shape: a.shape, arg: a, exp: r }));
}

export function kron(...factors: Expr[]): Expr {
  const flat: Expr[] = [];
  const scalars: Expr[] = [];
  const visit = (f: Expr) => {
    if (f.kind === "kron") return f.factors.forEach(visit);
    if (isScalarShape(f.shape)) scalars.push(f);
    else flat.push(f);
  };
  factors.forEach(visit);
  if (flat.length === 0) return mul(...scalars);
  if (flat.some((f) => f.kind === "zero")) {
    return zero(shape(flat.map((f) => f.shape.rows).reduce(mulDim), flat.map((f) => f.shape.cols).reduce(mulDim)));
  }
  const body = flat.length === 1 ? flat[0]! : intern(`⊗|${ids(flat)}`, (id) => node<Kron>({
    kind: "kron", id, factors: flat,
    shape: shape(flat.map((f) => f.shape.rows).reduce(mulDim), flat.map((f) => f.shape.cols).reduce(mulDim)),
  }));
  return scalars.length ? mul(...scalars, body) : body;
}

// ---------------------------------------------------------------------------
// Scalar-valued matrix functions

export function trace(a: Expr): Expr {
  assertShape(a.shape.rows === a.shape.cols, "trace", a);
  if (isScalarShape(a.shape)) return a;
  if (a.kind === "zero") return ZERO_NUM;
  return intern(unaryKey(UNARY.tr, a), (id) => node({ kind: "trace", id, shape: SCALAR, arg: a }));
}

export function det(a: Expr): Expr {
  assertShape(a.shape.rows === a.shape.cols, "det", a);
  if (isScalarShape(a.shape)) return a;
  if (a.kind === "identity") return ONE_NUM;
  return intern(unaryKey(UNARY.det, a), (id) => node({ kind: "det", id, shape: SCALAR, arg: a }));
}

export function logdet(a: Expr): Expr {
  assertShape(a.shape.rows === a.shape.cols, "logdet", a);
  if (isScalarShape(a.shape)) return fn("log", a);
  if (a.kind === "identity") return ZERO_NUM;
  return intern(unaryKey(UNARY.logdet, a), (id) => node({ kind: "logdet", id, shape: SCALAR, arg: a }));
}

const FN_INDEX = new Map(FN_NAMES.map((name, i) => [name, i]));
if (UNARY.fn + FN_NAMES.length >= UNARY_KINDS) throw new InternalError("too many functions for the numeric intern keys");

export function fn(name: FnName, a: Expr): Expr {
  const op = OPERATIONS[name];
  if (op.kind === "elementwise" && isZero(a) && op.atZero !== undefined) {
    if (op.atZero === 0) return a;
    if (a.kind === "num") return op.atZero === 1 ? ONE_NUM : num(Q.rat(1, 2));
  }
  if (isOne(a) && name === "log") return ZERO_NUM;
  // log of these is one function with its own name, its own differential and its own printed form
  if (name === "log" && a.kind === "det") return logdet(a.arg);
  if (name === "log" && a.kind === "fn" && a.name === "softmax") return fn("log_softmax", a.arg);
  if (name === "log" && a.kind === "sum" && a.arg.kind === "fn" && a.arg.name === "exp" && isVectorShape(a.arg.shape)) return fn("logsumexp", a.arg.arg);
  // 𝟏ᵀexp(u) is sum(exp(u)) written as a product, as the textbooks do
  if (name === "log" && a.kind === "mul" && a.factors.length === 2) {
    const [l, r] = a.factors as [Expr, Expr];
    if (l.kind === "ones" && r.kind === "fn" && r.name === "exp" && r.shape.cols === 1) return fn("logsumexp", r.arg);
    if (r.kind === "ones" && l.kind === "fn" && l.name === "exp" && l.shape.rows === 1) return fn("logsumexp", l.arg);
  }
  if (op.kind === "reduce" && isScalarShape(a.shape)) return a; // of one number, log eᵗ = t
  const s = op.kind === "reduce" ? SCALAR : a.shape;
  return intern(unaryKey(UNARY.fn + FN_INDEX.get(name)!, a), (id) => node({ kind: "fn", id, shape: s, name, arg: a }));
}

const isVectorShape = (s: Shape) => s.cols === 1 || s.rows === 1;

export function sumAll(a: Expr): Expr {
  if (isScalarShape(a.shape)) return a;
  if (a.kind === "zero") return ZERO_NUM;
  // the entries of diag(A) add up to tr(A): Σᵢ (xᵢ − μ)ᵀM(xᵢ − μ) read from an indexed sum is a trace
  if (a.kind === "diag") return trace(a.arg);
  return intern(unaryKey(UNARY.sum, a), (id) => node({ kind: "sum", id, shape: SCALAR, arg: a }));
}

export function diagVec(a: Expr): Expr {
  assertShape(a.shape.rows === a.shape.cols, "diag", a);
  if (isScalarShape(a.shape)) return a;
  if (a.kind === "diagm") return a.arg;
  if (a.kind === "zero") return zero(shape(a.shape.rows, 1));
  return intern(unaryKey(UNARY.diag, a), (id) => node({ kind: "diag", id, shape: shape(a.shape.rows, 1), arg: a }));
}

export function diagMat(a: Expr): Expr {
  assertShape(a.shape.cols === 1, "Diag", a);
  if (isScalarShape(a.shape)) return a;
  if (a.kind === "ones") return identity(a.shape.rows);
  if (a.kind === "zero") return zero(shape(a.shape.rows, a.shape.rows));
  return intern(unaryKey(UNARY.diagm, a), (id) => node({ kind: "diagm", id, shape: shape(a.shape.rows, a.shape.rows), arg: a }));
}

export function vec(a: Expr): Expr {
  if (a.shape.cols === 1) return a;
  if (a.kind === "unvec") return a.arg;
  if (a.shape.rows === 1) return transpose(a); // a row's entries stacked are its transpose: vec(xᵀA) = Aᵀx
  const s = shape(mulDim(a.shape.rows, a.shape.cols), 1);
  if (a.kind === "zero") return zero(s);
  return intern(unaryKey(UNARY.vec, a), (id) => node({ kind: "vec", id, shape: s, arg: a }));
}

/** unvec(u) as a rows×cols matrix: vec(unvec(u)) = u; unvec(vec(M)) = M. */
export function unvec(a: Expr, rows: Dim, cols: Dim): Expr {
  assertShape(a.shape.cols === 1 && a.shape.rows === mulDim(rows, cols), `unvec to ${formatShape(shape(rows, cols))}`, a);
  if (cols === 1) return a;
  if (rows === 1) return transpose(a);
  const s = shape(rows, cols);
  if (a.kind === "vec" && sameShape(a.arg.shape, s)) return a.arg;
  if (a.kind === "zero") return zero(s);
  if (a.kind === "ones") return ones(s);
  return intern(`unvec|${a.id}|${dimKey(s)}`, (id) => node({ kind: "unvec", id, shape: s, arg: a }));
}

/** a.^p entrywise for a scalar expression p; a number p is hpower's, and of a scalar a it is a power. */
export function epower(a: Expr, p: Expr): Expr {
  assertShape(isScalarShape(p.shape), "an elementwise power's exponent", p);
  if (p.kind === "num") return hpower(a, p.value);
  if (a.kind === "ones") return a;
  // (tᵃ)ᵇ = t^(ab) and (tʳ)ᵇ = t^(rb) for a scalar t: a real power is taken of t > 0 only, where powers compose
  // (((t^t)^t)^t…, a tower read left to right, is t^(tⁿ), not a derivative that grows as the square of n)
  if (isScalarShape(a.shape) && a.kind === "epower") return epower(a.arg, mul(a.exp, p));
  if (isScalarShape(a.shape) && a.kind === "power") return epower(a.arg, mul(num(a.exp), p));
  return intern(`.^e|${a.id}|${p.id}`, (id) => node({ kind: "epower", id, shape: a.shape, arg: a, exp: p }));
}

export function norm(a: Expr, p: "2" | "F"): Expr {
  if (a.kind === "zero") return ZERO_NUM;
  if (isScalarShape(a.shape)) return fn("abs", a);
  return intern(unaryKey(p === "2" ? UNARY.norm2 : UNARY.normF, a), (id) => node({ kind: "norm", id, shape: SCALAR, arg: a, p }));
}

// ---------------------------------------------------------------------------
// Traversal helpers


/** Children in order; the single place that knows every node's operands. */
export function children(e: Expr): readonly Expr[] {
  return (e as unknown as ExprNode).kids;
}

/** Rebuilds `e` with new children through the normalising constructors. */
export function rebuild(e: Expr, kids: readonly Expr[]): Expr {
  const old = children(e);
  const same = kids.length === old.length && kids.every((k, i) => k === old[i]);
  if (same) return e;
  const k0 = kids[0]!;
  const divides = e.kind === "inverse" || ((e.kind === "power" || e.kind === "hpower") && e.exp.n < 0);
  if (divides && isZero(k0)) throw new DivisionByZero(old[0]!);
  switch (e.kind) {
    case "num": case "const": case "sym": case "d": case "identity": case "zero": case "ones": case "commutation": return e;
    case "add": return add(...kids);
    case "mul": return mul(...kids);
    case "hadamard": return hadamard(...kids);
    case "kron": return kron(...kids);
    case "transpose": return transpose(k0);
    case "inverse": return inverse(k0);
    case "power": return power(k0, e.exp);
    case "hpower": return hpower(k0, e.exp);
    case "trace": return trace(k0);
    case "det": return det(k0);
    case "logdet": return logdet(k0);
    case "fn": return fn(e.name, k0);
    case "sum": return sumAll(k0);
    case "diag": return diagVec(k0);
    case "diagm": return diagMat(k0);
    case "vec": return vec(k0);
    case "unvec": return unvec(k0, e.shape.rows, e.shape.cols);
    case "epower": return epower(k0, kids[1]!);
    case "norm": return norm(k0, e.p);
    case "dop": return diffOf(k0);
  }
}

/** Bottom-up map with memoisation on shared subterms. */
export function mapBottomUp(e: Expr, f: (e: Expr) => Expr, memo = new Map<number, Expr>()): Expr {
  const hit = memo.get(e.id);
  if (hit) return hit;
  const kids = children(e);
  const rebuilt = kids.length ? rebuild(e, kids.map((k) => mapBottomUp(k, f, memo))) : e;
  const out = f(rebuilt);
  memo.set(e.id, out);
  return out;
}

/** Does `e` contain the node `target` (by identity)? Memoised per target. */
export function contains(e: Expr, pred: (x: Expr) => boolean, memo = new Map<number, boolean>()): boolean {
  const hit = memo.get(e.id);
  if (hit !== undefined) return hit;
  const r = pred(e) || children(e).some((c) => contains(c, pred, memo));
  memo.set(e.id, r);
  return r;
}

/**
 * The symbols of `e` by name. Shared subterms are visited once: a --where chain
 * qᵢ = qᵢ₋₁ ⊙ qᵢ₋₁, expanded for the numeric check, is a graph of 15 nodes and a
 * tree of 2¹⁵ (fuzz (g), seed -1253064199: 1.8 s on a 300 ms budget).
 */
export function symbolsOf(e: Expr, out = new Map<string, Sym>(), seen = new Set<number>()): Map<string, Sym> {
  if (seen.has(e.id)) return out;
  seen.add(e.id);
  if (e.kind === "sym") out.set(e.name, e);
  else if (e.kind === "d") out.set(e.of.name, e.of);
  const kids = children(e);
  for (let k = 0; k < kids.length; k++) symbolsOf(kids[k]!, out, seen);
  return out;
}

/** Number of distinct nodes (shared subterms count once). */
export function size(e: Expr, seen = new Set<number>()): number {
  if (seen.has(e.id)) return 0;
  seen.add(e.id);
  let n = 1;
  for (const c of children(e)) n += size(c, seen);
  return n;
}
