/**
 * Numeric checks: every symbolic result of matdiff is compared with plain
 * evaluation (identities) or with central finite differences (differentials
 * and gradients) on seeded random inputs.
 *
 * Error measure. ‖a − b‖_F / max(‖a‖_F, ‖b‖_F, floor): relative for values of
 * ordinary size, absolute below `floor`, because a quantity that is zero in
 * exact arithmetic (tr(AB) − tr(BA), the gradient of f in a variable it does
 * not use) comes out as rounding noise ~1e-16·(size of the terms), and a pure
 * relative error of noise against zero is O(1). Inputs are sampled O(1), so
 * floor = 1e-3 × (size of f) puts that noise far below the tolerance, while
 * any discrepancy above tol × floor is still caught.
 *
 * Finite differences. Central differences D(h) = (f(x+h) − f(x−h)) / 2h
 * combined by Richardson extrapolation R = (4 D(h/2) − D(h)) / 3, which
 * cancels the h² term: truncation O(h⁴) and rounding ≈ 3ε|f|/h. With
 * h = 1e-4 (times the entry's size when that exceeds 1) both are ≈ 1e-12
 * relative for O(1) inputs, against ≈ 1e-10 for the best plain central
 * difference (h ≈ ε^(1/3)), at twice the evaluations.
 * Where f is steep (sin(exp(4s)), exp(W⁻³)) or rounding swamps a small slope,
 * other steps are tried until D(h) and D(h/2) agree, and a point where none
 * settles is redrawn (richardson).
 *
 * Tolerances. A wrong formula (a missing transpose, a factor 2, a sign, a
 * swapped product) is off by O(1) relative on generic random inputs, while
 * a right one agrees to ≈ 1e-12 (measured 2e-12 – 4e-12 on the test cases),
 * growing with conditioning (κ₁ ≤ 200 for sampled square matrices up to 4×4,
 * see maxSampleCondition) and with the spread of magnitudes in f. 1e-6 for the
 * finite-difference checks sits four orders above that noise and five below
 * any real error; numericallyEqual has no truncation error, so 1e-8.
 */
import * as E from "../core/expr.js";
import type { Expr, Sym } from "../core/expr.js";
import { formatShape, isScalarShape } from "../core/shape.js";
import { diffKey, type Env, evaluate, type Held, holding, movingWith, resolveDim } from "./evaluate.js";
import { Matrix, NumericError } from "./matrix.js";
import { toText } from "../print/text.js";
import { diffNodes, makeRng, mixSeed, sampleDims, sampleDirection, sampleEnv } from "./random.js";

export const DEFAULT_SEED = 1;
export const DEFAULT_TRIALS = 3;
export const CHECK_TOL = 1e-6;
export const EQUAL_TOL = 1e-8;
/** Relative finite-difference step (see the file comment). */
export const FD_STEP = 1e-4;
/** Draws per trial before giving up on a function whose domain the sampler keeps missing. */
export const MAX_RESAMPLES = 20;
const FLOOR = 1e-3;

export interface CheckOptions {
  seed?: number;
  trials?: number;
  tol?: number;
  /** Fixed sizes for symbolic dimensions; the others are chosen by sampleEnv. */
  dims?: Record<string, number>;
  /**
   * Relative finite-difference step (default FD_STEP). A smaller one cuts the
   * truncation error of a badly conditioned f (exp(W⁻³)) by 10⁴ per decade, at
   * the price of 10× the rounding error.
   */
  step?: number;
  /**
   * The request's budget: ticked at every node evaluated, checked before every
   * draw and every finite difference (a draw of a 400×400 matrix with its
   * condition number is 0.1 s on its own). Either throws when the time is spent.
   */
  budget?: { tick(): void; check(): void };
}

export interface CheckResult {
  ok: boolean;
  /** Largest relative error over the trials; NaN when no valid sample was found, Infinity on a shape mismatch. */
  relError: number;
  /** Trials completed. */
  trials: number;
  /** The worst trial, reproducible from its seed with sampleEnv. */
  worst?: {
    trial: number;
    seed: number;
    /** Entry (row, column) with the largest absolute discrepancy. */
    index: readonly [number, number];
    /** Reference value there: the finite difference, or `a` for numericallyEqual. */
    expected: number;
    /** Checked value there: the gradient or differential, or `b` for numericallyEqual. */
    actual: number;
  };
  detail?: string;
}

/**
 * Does `a` equal `b` on random inputs (random directions for `d` nodes)? `within`: expressions whose domains the draws respect too (the
 * f whose arcsin(x) keeps x in (0, 1) for its gradient (𝟏 − x∘²)∘^{−1/2}, which alone does not say so).
 */
export function numericallyEqual(a: Expr, b: Expr, opts: CheckOptions & { within?: readonly Expr[] } = {}): CheckResult {
  return runTrials(opts, EQUAL_TOL, [a, b, ...(opts.within ?? [])], (env) => {
    const va = evalFinite(a, env), vb = evalFinite(b, env);
    if (!va.sameShape(vb)) return `shapes differ: ${va.rows}×${va.cols} and ${vb.rows}×${vb.cols}`;
    return compare(va, vb, FLOOR);
  });
}

export interface GradientCheck extends CheckOptions {
  f: Expr;
  wrt: Sym;
  gradient: Expr;
  /**
   * For a symmetric (or positive definite) wrt. "sym" (default): ⟨G, E⟩ = df[E]
   * for every symmetric E, so G = sym(∇) (DESIGN §1, Srinivasan & Panda).
   * "cookbook": G_ij = ∂f/∂S_ij with S_ij = S_ji one variable, = ∇ + ∇ᵀ − ∇∘I
   * (Matrix Cookbook §2.8.2). Either way G must itself be symmetric.
   */
  symmetric?: "sym" | "cookbook";
}

/**
 * Compares `gradient` with finite differences of the scalar `f`: the gradient is checked as the Jacobian it
 * is, the row vec(G)ᵀ with df = vec(G)ᵀ vec(dX) (see checkLinearisation), and its structure apart: a
 * symmetric or diagonal wrt moves along symmetric or diagonal directions only, which see only G's
 * symmetric or diagonal part. For the cookbook convention, G_ij = ∂f/∂S_ij with S_ij = S_ji one variable,
 * the row is vec(G ∘ M)ᵀ with M ½ off the diagonal and 1 on it.
 */
export function checkGradient(opts: GradientCheck): CheckResult {
  const { f, wrt, gradient } = opts;
  if (!isScalarShape(f.shape)) throw new NumericError("shape", `checkGradient needs a scalar f, got ${formatShape(f.shape)}`);
  const cookbook = opts.symmetric === "cookbook" && Boolean(wrt.props.symmetric || wrt.props.posdef);
  return checkLinearisation(opts, f, wrt, [f, gradient, wrt], (env, held, x, floor) => {
    const g = evalFinite(gradient, env, held);
    if (!g.sameShape(x)) return `gradient is ${g.rows}×${g.cols} but ${wrt.name} is ${x.rows}×${x.cols}`;
    const row = (cookbook ? g.map((v, i, j) => (i === j ? v : v / 2)) : g).vec().transpose();
    return { j: row, structure: structureOutcome(g, wrt, floor) };
  });
}

/**
 * The size J vec(V) has for a typical direction, ‖J‖_F ‖V‖_F / √(entries of V) (its root mean square over
 * Gaussian V): the scale against which a directional error is relative, as an entry's is against the whole
 * derivative's size. A V nearly orthogonal to a gradient makes ⟨G, V⟩ small while the rounding in the finite
 * difference stays the size of G's: against ⟨G, V⟩ itself, the errors of right gradients reached 1e-7 of the
 * check's 1e-6 tolerance.
 */
function typicalPairing(j: Matrix, v: Matrix): number {
  return (j.norm() * v.norm()) / Math.sqrt(v.rows * v.cols);
}

/**
 * How far G is from the structure of wrt: its antisymmetric part for a symmetric wrt, its off-diagonal part
 * for a diagonal one; null for a general wrt.
 */
function structureOutcome(g: Matrix, wrt: Sym, floor: number): Comparison | null {
  const diagonal = Boolean(wrt.props.diagonal);
  if (!(diagonal || wrt.props.symmetric || wrt.props.posdef) || g.rows !== g.cols) return null;
  let worst = 0, at: [number, number] = [0, 0], sum = 0;
  for (let j = 0; j < g.cols; j++) {
    for (let i = 0; i < g.rows; i++) {
      const off = diagonal ? (i === j ? 0 : g.get(i, j)) : g.get(i, j) - g.get(j, i);
      sum += off * off;
      if (Math.abs(off) > worst) { worst = Math.abs(off); at = [i, j]; }
    }
  }
  const [i, j] = at;
  return { relError: Math.sqrt(sum) / Math.max(g.norm(), floor), index: at, expected: diagonal ? 0 : g.get(j, i), actual: g.get(i, j) };
}

export interface DifferentialCheck extends CheckOptions {
  f: Expr;
  /** The differential of f: contains `d` nodes (tag 0) of the wrt symbols. */
  df: Expr;
  wrt: readonly Sym[];
}

/**
 * df at random directions dX (one per wrt symbol, moved together) against
 * the finite difference of f along them; f of any shape. `d` nodes of
 * symbols not in wrt count as zero: those symbols are held fixed.
 */
export function checkDifferential(opts: DifferentialCheck): CheckResult {
  const { f, df, wrt } = opts;
  const ds = diffNodes([df]);
  const higher = ds.find((d) => d.tag !== 0);
  if (higher) throw new NumericError("unsupported", `checkDifferential handles first differentials only, got d${higher.of.name} with tag ${higher.tag}`);
  const moves = movingWith(new Set(wrt.map((s) => s.name)));
  return runTrials(opts, CHECK_TOL, [f, df, ...wrt], (env, seed) => {
    const held = holding(moves);
    const rng = makeRng(mixSeed(seed, 0xd1ff));
    const dirs = new Map(wrt.map((s) => [s.name, sampleDirection(s, rng, env.dims)] as const));
    const diffs = new Map<string, Matrix>();
    for (const d of ds) {
      const v = env.values.get(d.of.name)!;
      diffs.set(diffKey(d.of.name, 0), dirs.get(d.of.name) ?? Matrix.zeros(v.rows, v.cols));
    }
    const lin = evalFinite(df, { ...env, diffs });
    const f0 = evalFinite(f, env, held);
    if (!lin.sameShape(f0)) return `df is ${lin.rows}×${lin.cols} but f is ${f0.rows}×${f0.cols}`;
    let xScale = 1, eScale = 0;
    for (const s of wrt) {
      xScale = Math.max(xScale, env.values.get(s.name)!.maxAbs());
      eScale = Math.max(eScale, dirs.get(s.name)!.maxAbs());
    }
    const moved = (t: number) => {
      const values = new Map(env.values);
      for (const s of wrt) values.set(s.name, env.values.get(s.name)!.add(dirs.get(s.name)!.scale(t)));
      return evalFinite(f, { ...env, values }, held);
    };
    const fd = richardson(moved, ((opts.step ?? FD_STEP) * xScale) / Math.max(eScale, Number.MIN_VALUE), FLOOR * Math.max(1, f0.norm()));
    return compare(fd, lin, FLOOR * Math.max(1, f0.norm()));
  });
}

/**
 * For the check only: every X(t) of the variable t becomes the cubic
 * X₀ + tX₁ + t²X₂ + t³X₃ in fresh random symbols, and Ẋ, Ẍ, … its
 * derivatives, so finite differences in t see how X moves.
 */
export function asPolynomialsIn(e: Expr, t: Sym): Expr {
  if (!E.contains(e, (x) => x.kind === "sym" && x.props.dependsOn === t.name)) return e;
  const coefficient = (x: Sym, k: number) => {
    const { symmetric, posdef, diagonal } = x.props;
    return E.sym(`${x.name}#${k}`, x.shape, { ...(symmetric || posdef ? { symmetric: true } : {}), ...(diagonal ? { diagonal: true } : {}) });
  };
  // Ẋ is named X followed by one combining dot per derivative
  const order = (x: Sym): [Sym, number] => {
    const k = (/\u0307*$/.exec(x.name)?.[0] ?? "").length;
    return [E.sym(x.name.slice(0, x.name.length - k), x.shape, x.props), k];
  };
  // the k-th derivative of Σⱼ tʲXⱼ is Σⱼ j!/(j−k)! tʲ⁻ᵏ Xⱼ
  const falling = (j: number, k: number) => { let p = 1; for (let i = 0; i < k; i++) p *= j - i; return p; };
  return E.mapBottomUp(e, (x) => {
    if (x.kind !== "sym" || x.props.dependsOn !== t.name) return x;
    const [base, k] = order(x);
    const terms: Expr[] = [];
    for (let j = k; j <= 3; j++) terms.push(E.mul(E.num(falling(j, k)), E.power(t, j - k), coefficient(base, j)));
    return terms.length ? E.add(...terms) : E.zero(x.shape);
  });
}

export interface JacobianCheck extends CheckOptions {
  f: Expr;
  wrt: Sym;
  /**
   * The Jacobian of vec(f) with respect to vec(wrt), column-major vec:
   * (size of f) × (size of wrt). For a scalar wrt this is vec(f′), for a
   * vector f of a vector x the ordinary m×n Jacobian.
   */
  jacobian: Expr;
}

/** Checks the Jacobian of vec(f) by vec(wrt) (see checkLinearisation). */
export function checkJacobian(opts: JacobianCheck): CheckResult {
  const { f, wrt, jacobian } = opts;
  return checkLinearisation(opts, f, wrt, [f, jacobian, wrt], (env, held, x, _floor, f0) => {
    const j = evalFinite(jacobian, env, held);
    const size = f0.rows * f0.cols;
    if (j.rows !== size || j.cols !== x.rows * x.cols) {
      return `the Jacobian is ${j.rows}×${j.cols} but vec(f) has ${size} entries and vec(${wrt.name}) ${x.rows * x.cols}`;
    }
    return { j, structure: null };
  });
}

/**
 * A claimed derivative at a sampled point, as J = ∂vec(f)/∂vec(wrt), with how far it is from the structure
 * wrt demands of it (a gradient by a symmetric matrix is symmetric); or why it cannot be compared.
 */
type Claim = { readonly j: Matrix; readonly structure: Comparison | null } | string;
type ClaimAt = (env: Env, held: Held, x: Matrix, floor: number, f0: Matrix) => Claim;

/**
 * J vec(V) against the central difference of vec(f) along one random direction V of wrt per trial
 * (symmetric or diagonal as wrt is): four evaluations of f, where column by column takes four per entry of
 * wrt (64 for a 4×4 X). That is as strict: a wrong J differs from the right one by some Δ ≠ 0, and Δ vec(V)
 * vanishes only for V in Δ's kernel, a proper subspace a Gaussian V misses with probability one (within
 * the tolerance, with odds of some 1e-6 a trial). Where it disagrees the check is redone column by column,
 * which has the last word and names the entry at fault.
 */
function checkLinearisation(opts: CheckOptions, f: Expr, wrt: Sym, exprs: Expr[], claimAt: ClaimAt): CheckResult {
  const moves = movingWith(new Set([wrt.name]));
  const along = runTrials(opts, CHECK_TOL, exprs, (env, seed) => {
    const point = pointOf(env, moves, f, wrt, claimAt);
    if (typeof point === "string") return point;
    const { held, x, floor, claim } = point;
    const v = sampleDirection(wrt, makeRng(mixSeed(seed, 0x9d1)), env.dims);
    opts.budget?.check();
    const moved = (t: number) => evalFinite(f, withValue(env, wrt.name, x.add(v.scale(t))), held).vec();
    const fd = richardson(moved, ((opts.step ?? FD_STEP) * Math.max(1, x.maxAbs())) / Math.max(v.maxAbs(), Number.MIN_VALUE), floor);
    return worse(compare(fd, claim.j.matmul(v.vec()), Math.max(floor, typicalPairing(claim.j, v))), claim.structure);
  });
  return along.ok ? along : checkByColumn(opts, f, wrt, exprs, claimAt);
}

/**
 * Column k of J against the central difference of vec(f) along the k-th entry of wrt (entry (i, j) is
 * k = i + j·rows): checkLinearisation's second opinion. A symmetric wrt moves S_ij and S_ji together, so
 * it is checked along symmetric directions only: the claim is then J vec(E) = vec(df[E]) for symmetric E.
 * Likewise a diagonal wrt is checked along diagonal directions only.
 */
function checkByColumn(opts: CheckOptions, f: Expr, wrt: Sym, exprs: Expr[], claimAt: ClaimAt): CheckResult {
  const symmetric = Boolean(wrt.props.symmetric || wrt.props.posdef);
  const diagonal = Boolean(wrt.props.diagonal);
  const moves = movingWith(new Set([wrt.name]));
  return runTrials(opts, CHECK_TOL, exprs, (env) => {
    const point = pointOf(env, moves, f, wrt, claimAt);
    if (typeof point === "string") return point;
    const { held, x, f0, floor, claim } = point;
    const size = f0.rows * f0.cols;
    const fd = Matrix.zeros(size, x.rows * x.cols);
    const lin = Matrix.zeros(size, x.rows * x.cols);
    for (let c = 0; c < x.cols; c++) {
      for (let r = 0; r < x.rows; r++) {
        if ((symmetric && r < c) || (diagonal && r !== c)) continue;
        opts.budget?.check();
        const dir = Matrix.zeros(x.rows, x.cols);
        dir.set(r, c, 1);
        if (symmetric) dir.set(c, r, 1);
        const moved = (t: number) => evalFinite(f, withValue(env, wrt.name, x.add(dir.scale(t))), held).vec();
        const col = richardson(moved, (opts.step ?? FD_STEP) * Math.max(1, Math.abs(x.get(r, c))), floor);
        const applied = claim.j.matmul(dir.vec());
        for (let i = 0; i < size; i++) {
          fd.set(i, r + c * x.rows, col.data[i]!);
          lin.set(i, r + c * x.rows, applied.data[i]!);
        }
      }
    }
    const byColumn = compare(fd, lin, floor);
    // a scalar f's row J = vec(G)ᵀ: its column k is G's entry (k mod rows, k div rows)
    const k = byColumn.index[1];
    const named: Comparison = size === 1 ? { ...byColumn, index: [k % x.rows, Math.floor(k / x.rows)] } : byColumn;
    return worse(named, claim.structure);
  });
}

/** Where a trial starts: wrt's value, f there, the error floor, and the claim at that point (or why there is none). */
function pointOf(env: Env, moves: ReturnType<typeof movingWith>, f: Expr, wrt: Sym, claimAt: ClaimAt) {
  const held = holding(moves);
  const x = env.values.get(wrt.name)!;
  const f0 = evalFinite(f, env, held);
  const floor = FLOOR * Math.max(1, f0.norm());
  const claim = claimAt(env, held, x, floor, f0);
  return typeof claim === "string" ? claim : { held, x, f0, floor, claim };
}

/** The comparison with the larger error: the derivative's or its structure's. */
const worse = (a: Comparison, b: Comparison | null): Comparison => (b && b.relError > a.relError ? b : a);

// ---------------------------------------------------------------------------

/** A draw on which something is undefined (non-finite, singular): draw again. */
class InvalidSample extends Error {}

type Comparison = { relError: number; index: [number, number]; expected: number; actual: number };
/** A comparison, or why none could be made (shapes that do not match). */
type Outcome = Comparison | string;

function runTrials(opts: CheckOptions, defaultTol: number, exprs: Expr[], trial: (env: Env, seed: number) => Outcome): CheckResult {
  const seed = opts.seed ?? DEFAULT_SEED;
  const trials = opts.trials ?? DEFAULT_TRIALS;
  const tol = opts.tol ?? defaultTol;
  let worst: CheckResult["worst"];
  let relError = 0;
  for (let t = 0; t < trials; t++) {
    let outcome: Outcome | undefined;
    let s = 0;
    let reason = "";
    for (let attempt = 0; attempt < MAX_RESAMPLES && outcome === undefined; attempt++) {
      s = mixSeed(seed, t, attempt);
      try {
        // after a few undefined draws, try the sizes in another order (XᵀX needs X tall)
        opts.budget?.check();
        const env = sampleEnv(exprs, { seed: s, dims: opts.dims, sizeOrder: Math.floor(attempt / 3) });
        outcome = trial(opts.budget ? { ...env, tick: () => opts.budget!.tick() } : env, s);
      } catch (err) {
        if (!(err instanceof InvalidSample)) throw err;
        reason = err.message;
      }
    }
    if (outcome === undefined) {
      return { ok: false, relError: NaN, trials: t, detail: `no valid sample in ${MAX_RESAMPLES} draws; at the last, ${reason}` };
    }
    if (typeof outcome === "string") return { ok: false, relError: Infinity, trials: t + 1, detail: outcome };
    if (worst === undefined || !(outcome.relError <= relError)) {
      relError = outcome.relError;
      worst = { trial: t, seed: s, index: outcome.index, expected: outcome.expected, actual: outcome.actual };
    }
  }
  const ok = relError <= tol;
  return ok ? { ok, relError, trials, worst }
    : { ok, relError, trials, worst, detail: `relative error ${relError.toExponential(2)} exceeds ${tol.toExponential(0)}` };
}

function evalFinite(e: Expr, env: Env, held?: Held): Matrix {
  let m: Matrix;
  try {
    m = evaluate(e, env, held);
  } catch (err) {
    if (err instanceof NumericError && err.code === "singular") throw new InvalidSample(err.message);
    throw err;
  }
  if (!m.isFinite()) throw new InvalidSample(`${toText(nonFiniteAt(e, env, held))} evaluated to a non-finite value`);
  return m;
}

/** The smallest part of e whose value is not finite where e's is not (log(0) in log(0) + xᵀx), for the message. */
function nonFiniteAt(e: Expr, env: Env, held?: Held): Expr {
  for (const c of E.children(e)) {
    try {
      if (!evaluate(c, env, held).isFinite()) return nonFiniteAt(c, env, held);
    } catch {
      // a part that cannot be evaluated alone (a differential's) says nothing more
    }
  }
  return e;
}

function withValue(env: Env, name: string, value: Matrix): Env {
  return { ...env, values: new Map(env.values).set(name, value) };
}

/**
 * Relative spread between D(h) and D(h/2) below which the Richardson estimate is
 * trusted. In the truncation regime D(h) − D(h/2) ≈ (3/4)ch² and R's own error,
 * O(h⁴), is far smaller; where rounding dominates (a gradient of 1e-6 computed
 * from terms of 1e2, ‖(I + eeᵀ)⁻²‖²) R is as noisy as the spread itself, so the
 * spread must sit below the check's tolerance: a tenth of CHECK_TOL.
 */
const FD_SETTLED = CHECK_TOL / 10;
/** Steps tried, as multiples of the first: smaller ones cut truncation, a larger one rounding. */
const FD_STEPS = [1, 0.1, 10, 0.01, 0.001];

/**
 * Richardson-extrapolated central difference of g at 0 (see the file comment),
 * at the first step of FD_STEPS at which D(h) and D(h/2) agree. Where f varies
 * on a finer scale than h (sin(σ(e).^{−1/2}) with σ(e) ≈ 1e-9 oscillates with a
 * period of 1e-5) or rounding swamps the slope, the two disagree and R
 * estimates nothing; a point where no step settles it is no valid sample, so
 * the check draws another instead of judging a right answer against a wrong
 * reference.
 */
function richardson(g: (t: number) => Matrix, h0: number, floor: number): Matrix {
  for (const k of FD_STEPS) {
    const h = h0 * k;
    const d1 = g(h).sub(g(-h)).scale(1 / (2 * h));
    const d2 = g(h / 2).sub(g(-h / 2)).scale(1 / h);
    if (d1.sub(d2).norm() <= FD_SETTLED * Math.max(d2.norm(), floor)) return d2.scale(4 / 3).sub(d1.scale(1 / 3));
  }
  throw new InvalidSample(`finite differences did not settle at any step from ${(h0 * Math.max(...FD_STEPS)).toExponential(0)} down to ${(h0 * Math.min(...FD_STEPS)).toExponential(0)}`);
}

function compare(expected: Matrix, actual: Matrix, floor: number): Comparison {
  const diff = actual.sub(expected);
  let k = 0;
  diff.data.forEach((x, i) => { if (Math.abs(x) > Math.abs(diff.data[k]!)) k = i; });
  const index: [number, number] = [k % diff.rows, Math.floor(k / diff.rows)];
  return {
    relError: diff.norm() / Math.max(expected.norm(), actual.norm(), floor),
    index,
    expected: expected.data[k]!,
    actual: actual.data[k]!,
  };
}

/** Entries of the largest J a parameterised check draws at its usual sizes before it falls back to sizes 2–4. */
const MAX_JACOBIAN_ENTRIES = 40_000;

/** A symbol that depends on the variable, and how (see checkParameterised). */
export interface Dependent {
  readonly sym: Sym;
  /** The symbol it is a function of. */
  readonly parent: Sym;
  /** J = ∂vec(sym)/∂vec(parent) as it stands in the result; absent for a function of a scalar written with Ẋ. */
  readonly jacobian?: Sym;
}

export interface ParameterisedCheck extends CheckOptions {
  f: Expr;
  wrt: Sym;
  /** Every symbol that depends on wrt, each after its parent. */
  dependents: readonly Dependent[];
  /**
   * The claimed derivative as a matrix over vec(wrt): ∂vec(f)/∂vec(wrt), (size of f) × (size of wrt);
   * for a scalar f the transposed vec-gradient, for a scalar wrt vec(f′).
   */
  jacobian: Expr;
}

/**
 * A result through opaque functions A(θ), checked along a concrete random
 * parameterisation: each dependent is a quadratic in its parent,
 *   A(P) = A₀ + Σₖ δₖ Aₖ + ½ (wᵀδ)² C,   δ = vec(P) − vec(P₀),
 * with A₀ drawn as A itself would be (symmetric, positive definite or diagonal
 * where declared) and Aₖ, C small and of the same structure, so A keeps its
 * properties near P₀. J_A(P) has columns vec(Aₖ + (wᵀδ) wₖ C), so J moves with
 * θ as it does in practice; Ȧ is the same for a scalar parent. The curvature is
 * rank one, which keeps the cost at O(size of A × size of P) where a full
 * Σₖₗ δₖδₗAₖₗ would cost that times the size of P again. f is then an ordinary
 * function of θ, differentiated by central differences in each entry of vec(θ).
 */
export function checkParameterised(opts: ParameterisedCheck): CheckResult {
  const { f, wrt, dependents, jacobian } = opts;
  const syms = [wrt, ...dependents.flatMap((d) => [d.sym, d.parent])];
  const exprs = [f, jacobian, ...syms];
  // sizes grow with the number of dimensions (3, 4, 2, 5, 6, 7, …) and J has (size of A)·(size of P)
  // entries: a long chain of declarations would draw J's of millions. Past a bound, every size is 2 to 4.
  const dims = sampleDims(exprs, opts.dims ?? {});
  const entries = (s: Sym) => (resolveDim(s.shape.rows, dims) ?? 1) * (resolveDim(s.shape.cols, dims) ?? 1);
  const largest = Math.max(0, ...dependents.map((d) => entries(d.sym) * entries(d.parent)));
  const names = [...new Set(syms.flatMap((s) => [s.shape.rows, s.shape.cols]).flatMap((d) => (typeof d === "string" ? d.split("·") : [])))];
  const sized = largest > MAX_JACOBIAN_ENTRIES ? { ...opts, dims: Object.fromEntries(names.map((d, i) => [d, opts.dims?.[d] ?? 2 + (i % 3)])) } : opts;
  // what `at` below sets: the variable, and every dependent with its J (or Ẋ)
  const moves = movingWith(new Set([wrt.name, ...dependents.flatMap((d) => [d.sym.name, d.jacobian ? d.jacobian.name : E.dotted(d.sym).name])]));
  return runTrials(sized, CHECK_TOL, exprs, (env, seed) => {
    const held = holding(moves);
    const rng = makeRng(mixSeed(seed, 0x9a7a));
    const x0 = env.values.get(wrt.name)!;
    const laws = new Map(dependents.map((d) => {
      const base = env.values.get(d.sym.name)!;
      const p0 = env.values.get(d.parent.name)!;
      const p = p0.rows * p0.cols;
      // f is only evaluated within a finite-difference step of P₀, where A keeps A₀'s properties whatever the
      // scale; 1/√p keeps Jᵀv of the size of v, so the derivative is not lost below the check's floor
      const scale = 1 / Math.sqrt(p);
      const draw = () => sampleDirection(d.sym, rng, env.dims).scale(scale);
      const linear = Array.from({ length: p }, draw);
      const curvature = draw();
      const w = Array.from({ length: p }, () => rng.normal());
      return [d.sym.name, { base, p0, linear, curvature, w }] as const;
    }));
    const at = (x: Matrix): Env => {
      const values = new Map(env.values).set(wrt.name, x);
      for (const d of dependents) {
        const law = laws.get(d.sym.name)!;
        const delta = values.get(d.parent.name)!.sub(law.p0).vec().data;
        const wd = law.w.reduce((acc, wk, k) => acc + wk * delta[k]!, 0);
        let value = law.base.add(law.curvature.scale(0.5 * wd * wd));
        const columns: Matrix[] = [];
        law.linear.forEach((ak, k) => {
          value = value.add(ak.scale(delta[k]!));
          columns.push(ak.add(law.curvature.scale(wd * law.w[k]!)).vec());
        });
        values.set(d.sym.name, value);
        const jac = Matrix.zeros(value.rows * value.cols, columns.length);
        columns.forEach((c, k) => c.data.forEach((v, i) => jac.set(i, k, v)));
        if (d.jacobian) values.set(d.jacobian.name, jac);
        else values.set(E.dotted(d.sym).name, Matrix.unvec(jac, value.rows, value.cols));
      }
      return { ...env, values };
    };
    const here = at(x0);
    const claimed = evalFinite(jacobian, here, held);
    const f0 = evalFinite(f, here, held);
    const size = f0.rows * f0.cols, n = x0.rows * x0.cols;
    if (claimed.rows !== size || claimed.cols !== n) {
      return `the derivative is ${claimed.rows}×${claimed.cols} but vec(f) has ${size} entries and vec(${wrt.name}) ${n}`;
    }
    const fd = Matrix.zeros(size, n);
    for (let k = 0; k < n; k++) {
      const dir = Matrix.zeros(x0.rows, x0.cols);
      dir.data[k] = 1;
      const moved = (t: number) => evalFinite(f, at(x0.add(dir.scale(t))), held).vec();
      const col = richardson(moved, (opts.step ?? FD_STEP) * Math.max(1, Math.abs(x0.data[k]!)), FLOOR * Math.max(1, f0.norm()));
      col.data.forEach((v, i) => fd.set(i, k, v));
    }
    return compare(fd, claimed, FLOOR * Math.max(1, f0.norm()));
  });
}
