import { describe, expect, it } from "vitest";
import {
  constant, commutation, diffOf,
  add, det, diagMat, diagVec, diff, fn, hadamard, hpower, identity, inverse, kron, logdet, mul, neg, norm, num,
  ones, power, scale, sub, sumAll, sym, trace, transpose, unvec, vec, zero, epower,
  type FnName, type Expr, type Kind, type Mul,
} from "../src/core/expr.js";
import { rat } from "../src/core/rational.js";
import { SCALAR, shape } from "../src/core/shape.js";
import { checkDifferential, checkGradient, checkJacobian, numericallyEqual } from "../src/numeric/check.js";
import { diffKey, type Env, evaluate, holding, movingWith, resolveDim } from "../src/numeric/evaluate.js";
import { Matrix, NumericError } from "../src/numeric/matrix.js";
import { makeRng, sampleDims, sampleEnv } from "../src/numeric/random.js";

const close = (m: Matrix, rows: number[][], digits = 12) => {
  expect([m.rows, m.cols]).toEqual([rows.length, rows[0]!.length]);
  m.toRows().forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(rows[i]![j]!, digits)));
};
const throwsNumeric = (f: () => unknown, code: NumericError["code"]) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(NumericError);
    expect((err as NumericError).code).toBe(code);
    return;
  }
  expect.unreachable("expected a NumericError");
};

describe("Matrix", () => {
  const A = Matrix.fromRows([[1, 2], [3, 4]]);

  it("stores column-major and vec is column-major", () => {
    const M = Matrix.fromRows([[1, 2, 3], [4, 5, 6]]);
    expect([...M.data]).toEqual([1, 4, 2, 5, 3, 6]);
    expect([...M.vec().data]).toEqual([1, 4, 2, 5, 3, 6]);
    expect(M.get(1, 2)).toBe(6);
    expect(Matrix.unvec(M.vec(), 2, 3).toRows()).toEqual(M.toRows());
    expect(() => M.get(2, 0)).toThrow(RangeError);
  });

  it("does the elementary operations", () => {
    const B = Matrix.fromRows([[0, 1], [1, 1]]);
    close(A.add(B), [[1, 3], [4, 5]]);
    close(A.sub(B), [[1, 1], [2, 3]]);
    close(A.scale(-2), [[-2, -4], [-6, -8]]);
    close(A.matmul(B), [[2, 3], [4, 7]]);
    close(Matrix.fromRows([[1, 2, 3]]).matmul(Matrix.column([1, 0, -1])), [[-2]]);
    close(A.transpose(), [[1, 3], [2, 4]]);
    close(A.hadamard(B), [[0, 2], [3, 4]]);
    expect(A.trace()).toBe(5);
    close(A.diag(), [[1], [4]]);
    close(Matrix.diagm(Matrix.column([1, 2])), [[1, 0], [0, 2]]);
    expect(A.norm()).toBeCloseTo(Math.sqrt(30), 14);
    expect(A.sum()).toBe(10);
    close(A.map((x, i, j) => x * 10 + i - j), [[10, 19], [31, 40]]);
    throwsNumeric(() => A.matmul(Matrix.zeros(3, 1)), "shape");
    throwsNumeric(() => A.add(Matrix.zeros(2, 3)), "shape");
  });

  it("kron follows (A ⊗ B)[ip+k, jq+l] = A_ij B_kl", () => {
    close(A.kron(Matrix.fromRows([[0, 5], [6, 7]])), [
      [0, 5, 0, 10], [6, 7, 12, 14], [0, 15, 0, 20], [18, 21, 24, 28],
    ]);
    close(Matrix.column([1, 2]).kron(Matrix.fromRows([[1, -1, 3]])), [[1, -1, 3], [2, -2, 6]]);
  });

  it("computes det and inverse by LU with pivoting", () => {
    expect(A.det()).toBeCloseTo(-2, 14);
    expect(Matrix.fromRows([[0, 1], [1, 0]]).det()).toBe(-1); // needs a row swap
    const T = Matrix.fromRows([[2, -1, 0], [-1, 2, -1], [0, -1, 2]]);
    expect(T.det()).toBeCloseTo(4, 13);
    close(T.inverse(), [[0.75, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.75]]);
    close(Matrix.fromRows([[4, 7], [2, 6]]).inverse(), [[0.6, -0.7], [-0.2, 0.4]]);
    close(Matrix.fromRows([[0, 2, 1], [1, 0, 0], [3, 1, 1]]).inverse().matmul(Matrix.fromRows([[0, 2, 1], [1, 0, 0], [3, 1, 1]])),
      [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const { sign, logAbs } = A.logAbsDet();
    expect([sign, logAbs]).toEqual([-1, Math.log(2)]);
    expect(Matrix.fromRows([[1, 2], [2, 4]]).det()).toBe(0);
    expect(Matrix.identity(3).cond1()).toBe(1);
  });

  it("refuses singular and ill-conditioned inverses", () => {
    throwsNumeric(() => Matrix.fromRows([[1, 2], [2, 4]]).inverse(), "singular");
    throwsNumeric(() => Matrix.fromRows([[1, 1], [1, 1 + 1e-13]]).inverse(), "singular");
    throwsNumeric(() => Matrix.zeros(2, 3).inverse(), "shape");
  });
});

describe("evaluate", () => {
  const n = shape("n", "n");
  const A = sym("A", n), B = sym("B", n), C = sym("C", shape("n", "n"));
  const x = sym("x", shape("n", 1)), y = sym("y", shape("n", 1));
  const s = sym("s", SCALAR), t = sym("t", SCALAR);
  const X = sym("X", shape("n", "m"));
  const env: Env = {
    values: new Map([
      ["A", Matrix.fromRows([[1, 2], [3, 4]])],
      ["B", Matrix.fromRows([[0, 1], [1, 1]])],
      ["C", Matrix.fromRows([[2, 1], [1, 3]])],
      ["x", Matrix.column([1, 2])],
      ["y", Matrix.column([3, -1])],
      ["s", Matrix.scalar(2)],
      ["t", Matrix.scalar(-8)],
      ["X", Matrix.fromRows([[1, 2, 3], [4, 5, 6]])],
    ]),
    diffs: new Map([[diffKey("A", 0), Matrix.fromRows([[1, 0], [0, -1]])], [diffKey("A", 1), Matrix.fromRows([[0, 1], [0, 0]])]]),
    dims: new Map([["n", 2], ["m", 3]]),
  };
  const ev = (e: Expr) => evaluate(e, env);
  const value = (e: Expr) => {
    const m = ev(e);
    expect([m.rows, m.cols]).toEqual([1, 1]);
    return m.data[0]!;
  };

  it("refuses a power of an inverse whose condition number to that power is above MAX_CONDITION, and takes one inverse of it", () => {
    const H = sym("H", n);
    const nearlySingular: Env = { ...env, values: new Map([["H", Matrix.fromRows([[1, 1], [1, 1 + 1e-4]])]]) }; // κ₁ ≈ 4e4
    expect(() => evaluate(power(H, -1), nearlySingular)).not.toThrow();
    expect(() => evaluate(power(H, -2), nearlySingular)).not.toThrow(); // κ² ≈ 1.6e9
    expect(() => evaluate(power(H, -3), nearlySingular)).toThrow(/^ill-conditioned power: κ₁ = 4\.00e\+4 to the 3$/);
    expect(() => evaluate(power(H, 3), nearlySingular)).not.toThrow(); // no inverse, no loss
  });

  // One entry per node kind: adding a kind to Expr fails to compile until it is tested here.
  const cases: Record<Kind, () => void> = {
    num: () => expect(value(num(rat(3, 4)))).toBe(0.75),
    const: () => expect(value(constant("pi"))).toBe(Math.PI),
    sym: () => close(ev(A), [[1, 2], [3, 4]]),
    d: () => {
      close(ev(diff(A)), [[1, 0], [0, -1]]);
      close(ev(diff(A, 1)), [[0, 1], [0, 0]]);
      throwsNumeric(() => ev(diff(B)), "unbound");
    },
    identity: () => close(ev(identity("n")), [[1, 0], [0, 1]]),
    // an unexpanded d(u) exists only in derivations; it has no value of its own
    dop: () => throwsNumeric(() => ev(diffOf(mul(A, A))), "unsupported"),
    // K vec(X) = vec(Xᵀ) for the 2×3 X (Magnus & Neudecker §3.7)
    commutation: () => {
      const k = ev(commutation("n", "m"));
      const x = env.values.get("X")!;
      close(k.matmul(x.vec()), x.transpose().vec().toRows());
    },
    zero: () => close(ev(zero(shape("n", "m"))), [[0, 0, 0], [0, 0, 0]]),
    ones: () => close(ev(ones(shape("n", 1))), [[1], [1]]),
    add: () => close(ev(add(A, B, identity("n"))), [[2, 3], [4, 6]]),
    mul: () => {
      close(ev(mul(A, B)), [[2, 3], [4, 7]]);
      close(ev(mul(x, transpose(y))), [[3, -1], [6, -2]]);
      expect(value(mul(transpose(x), y))).toBe(1);
      close(ev(mul(num(3), s, A, x)), [[30], [66]]);
      // a 1×1 factor in the middle of the chain multiplies as a scalar
      const raw: Mul = { kind: "mul", id: -1, shape: n, factors: [A, mul(transpose(x), x), B] };
      close(ev(raw), [[10, 15], [20, 35]]);
    },
    transpose: () => close(ev(transpose(X)), [[1, 4], [2, 5], [3, 6]]),
    inverse: () => {
      close(ev(inverse(A)), [[-2, 1], [1.5, -0.5]]);
      expect(value(inverse(s))).toBe(0.5);
    },
    power: () => {
      close(ev(power(A, 3)), [[37, 54], [81, 118]]);
      close(ev(power(A, -2)), [[5.5, -2.5], [-3.75, 1.75]]);
      expect(value(power(s, rat(1, 2)))).toBeCloseTo(Math.SQRT2, 15);
      expect(value(power(t, rat(1, 3)))).toBeCloseTo(-2, 14); // the real cube root
      expect(value(power(t, rat(2, 3)))).toBeCloseTo(4, 14);
      expect(value(power(t, rat(1, 2)))).toBeNaN();
      expect(value(power(s, -2))).toBe(0.25);
    },
    hadamard: () => close(ev(hadamard(A, B)), [[0, 2], [3, 4]]),
    hpower: () => {
      close(ev(hpower(A, 2)), [[1, 4], [9, 16]]);
      close(ev(hpower(x, -1)), [[1], [0.5]]);
      close(ev(hpower(A, rat(1, 2))), [[1, Math.SQRT2], [Math.sqrt(3), 2]]);
    },
    kron: () => close(ev(kron(A, B)), [[0, 1, 0, 2], [1, 1, 2, 2], [0, 3, 0, 4], [3, 3, 4, 4]]),
    trace: () => expect(value(trace(A))).toBe(5),
    det: () => expect(value(det(A))).toBeCloseTo(-2, 14),
    logdet: () => {
      expect(value(logdet(C))).toBeCloseTo(Math.log(5), 14);
      expect(value(logdet(A))).toBeNaN(); // det A = −2
    },
    fn: () => {
      const cases: [FnName, Expr, number[]][] = [
        ["exp", x, [Math.E, Math.exp(2)]],
        ["log", x, [0, Math.LN2]],
        ["sin", x, [Math.sin(1), Math.sin(2)]],
        ["cos", x, [Math.cos(1), Math.cos(2)]],
        ["tanh", x, [Math.tanh(1), Math.tanh(2)]],
        ["sigmoid", y, [1 / (1 + Math.exp(-3)), 1 / (1 + Math.E)]],
        ["sqrt", x, [1, Math.SQRT2]],
        ["abs", y, [3, 1]],
        ["sign", y, [1, -1]],
      ];
      for (const [name, arg, out] of cases) close(ev(fn(name, arg)), out.map((v) => [v]), 14);
      expect(value(fn("sigmoid", num(-800)))).toBe(0); // no overflow to NaN
    },
    sum: () => expect(value(sumAll(X))).toBe(21),
    diag: () => close(ev(diagVec(A)), [[1], [4]]),
    diagm: () => close(ev(diagMat(y)), [[3, 0], [0, -1]]),
    vec: () => close(ev(vec(X)), [[1], [4], [2], [5], [3], [6]]),
    epower: () => close(ev(epower(X, t)), [[1, 2, 3], [4, 5, 6]].map((r) => r.map((v) => v ** -8))), // t = −8
    // column-major, the inverse of vec: the first column is the first two entries
    unvec: () => close(ev(unvec(add(vec(X), vec(X)), "n", "m")), [[2, 4, 6], [8, 10, 12]]),
    norm: () => {
      expect(value(norm(x, "2"))).toBeCloseTo(Math.sqrt(5), 15);
      expect(value(norm(A, "F"))).toBeCloseTo(Math.sqrt(30), 15);
      throwsNumeric(() => ev(norm(A, "2")), "unsupported");
    },
  };
  it.each(Object.entries(cases))("%s", (_, run) => run());

  it("resolves product dimensions spelled by mulDim", () => {
    expect(ev(identity(vec(X).shape.rows)).rows).toBe(6); // "nm"
    expect(resolveDim("2n", env.dims)).toBe(4);
    expect(resolveDim("q", env.dims)).toBeUndefined();
  });

  it("rejects values of the wrong shape and unknown names", () => {
    const bad: Env = { ...env, values: new Map(env.values).set("x", Matrix.column([1, 2, 3])) };
    throwsNumeric(() => evaluate(x, bad), "shape");
    throwsNumeric(() => ev(sym("Q", n)), "unbound");
    throwsNumeric(() => ev(identity("k")), "unbound");
  });

  // a finite difference moves one variable: what does not mention it is evaluated once per point
  it("with held parts, evaluates only what mentions a moving symbol, to the very value a fresh evaluation gives", () => {
    const f = add(trace(mul(inverse(add(A, mul(C, transpose(C)))), A, x, transpose(x))), logdet(C));
    const held = holding(movingWith(new Set(["A"])));
    const counted = (e: Env) => { let ticks = 0; return { env: { ...e, tick: () => { ticks++; } }, ticks: () => ticks }; };
    const base = counted(env);
    expect(evaluate(f, base.env, held).data).toEqual(evaluate(f, env).data);
    // CCᵀ, logdet(C) and their leaves are held; nothing that mentions A is
    expect(held.values.has(mul(C, transpose(C)).id)).toBe(true);
    expect(held.values.has(logdet(C).id)).toBe(true);
    for (const id of held.values.keys()) expect([A.id, f.id]).not.toContain(id);
    const moved: Env = { ...env, values: new Map(env.values).set("A", Matrix.fromRows([[1.5, 2], [3, 4.25]])) };
    const again = counted(moved), fresh = counted(moved);
    expect(evaluate(f, again.env, held).data).toEqual(evaluate(f, fresh.env).data);
    expect(again.ticks()).toBeLessThan(fresh.ticks());
    expect(again.ticks()).toBeLessThan(base.ticks());
  });
});

describe("sampleEnv", () => {
  const A = sym("A", shape("n", "n"));
  const S = sym("S", shape("n", "n"), { symmetric: true });
  const P = sym("P", shape("n", "n"), { posdef: true });
  const D = sym("D", shape("n", "n"), { diagonal: true });
  const X = sym("X", shape("m", "n"));
  const x = sym("x", shape("n", 1)), z = sym("z", shape("k", 1)), s = sym("s", SCALAR);
  const exprs = [add(mul(X, A, S, P, D), mul(X, x, transpose(x))), sumAll(fn("log", z)), s];

  it("gives symbolic dimensions distinct sizes in order of appearance", () => {
    expect(Object.fromEntries(sampleDims(exprs))).toEqual({ m: 3, n: 4, k: 2 });
    expect(Object.fromEntries(sampleDims(exprs, { m: 4 }))).toEqual({ m: 4, n: 3, k: 2 });
    expect(Object.fromEntries(sampleDims([vec(X), identity(vec(X).shape.rows)]))).toEqual({ m: 3, n: 4 });
  });

  it("respects declared properties", () => {
    for (let seed = 0; seed < 20; seed++) {
      const env = sampleEnv(exprs, { seed });
      const v = (name: string) => env.values.get(name)!;
      const asym = (M: Matrix) => M.sub(M.transpose()).maxAbs();
      expect(asym(v("S"))).toBe(0);
      expect(asym(v("P"))).toBe(0);
      expect(asym(v("D"))).toBe(0);
      expect(asym(v("A"))).toBeGreaterThan(0.1); // clearly not symmetric
      for (const name of ["A", "S", "P", "D"]) expect(v(name).det()).toBeGreaterThan(0);
      expect(v("A").cond1()).toBeLessThan(1e3);
      // posdef: every leading minor positive (Sylvester)
      const Pm = v("P");
      for (let k = 1; k <= Pm.rows; k++) expect(new Matrix(k, k).map((_, i, j) => Pm.get(i, j)).det()).toBeGreaterThan(0);
      expect(v("D").map((e, i, j) => (i === j ? 0 : e)).maxAbs()).toBe(0);
      expect(Math.min(...v("z").data)).toBeGreaterThan(0); // occurs under log
      expect(v("s").data[0]).toBeGreaterThanOrEqual(0.5);
      expect(v("s").data[0]).toBeLessThanOrEqual(2);
      expect(v("A").maxAbs()).toBeLessThan(2); // O(1) entries, no big diagonal shift
      expect(Math.min(...v("x").data.map(Math.abs))).toBeGreaterThan(0);
    }
  });

  it("is deterministic in the seed and independent of the other symbols", () => {
    const a = sampleEnv(exprs, { seed: 7 }), b = sampleEnv(exprs, { seed: 7 }), c = sampleEnv(exprs, { seed: 8 });
    expect([...a.values.get("A")!.data]).toEqual([...b.values.get("A")!.data]);
    expect([...a.values.get("A")!.data]).not.toEqual([...c.values.get("A")!.data]);
    const alone = sampleEnv([mul(A, sym("W", shape("n", "n")))], { seed: 7, dims: { n: 4 } });
    expect([...alone.values.get("A")!.data]).toEqual([...a.values.get("A")!.data]);
    const r1 = makeRng(3), r2 = makeRng(3);
    expect([r1.next(), r1.normal()]).toEqual([r2.next(), r2.normal()]);
  });

  it("samples directions for d nodes, symmetric for symmetric symbols", () => {
    const env = sampleEnv([add(diff(S), diff(A), diff(A, 1))], { seed: 1 });
    const dS = env.diffs.get(diffKey("S", 0))!;
    expect(dS.sub(dS.transpose()).maxAbs()).toBe(0);
    expect(env.diffs.get(diffKey("A", 0))).not.toEqual(env.diffs.get(diffKey("A", 1)));
  });
});

describe("checkGradient", () => {
  const n = shape("n", "n");
  const A = sym("A", n), B = sym("B", n), X = sym("X", n);
  const Ainv = inverse(A);

  it("passes ∇_A tr(A⁻¹B) = −A⁻ᵀBᵀA⁻ᵀ (Cookbook eq. 63) and fails without the transposes", () => {
    const f = trace(mul(Ainv, B));
    const right = checkGradient({ f, wrt: A, gradient: neg(mul(transpose(Ainv), transpose(B), transpose(Ainv))) });
    expect(right.ok).toBe(true);
    expect(right.relError).toBeLessThan(1e-9);
    expect(right.trials).toBe(3);
    const wrong = checkGradient({ f, wrt: A, gradient: neg(mul(Ainv, B, Ainv)) });
    expect(wrong.ok).toBe(false);
    expect(wrong.relError).toBeGreaterThan(1e-2);
    expect(wrong.detail).toMatch(/relative error/);
  });

  it("refines the step where f is steep, and where no step settles takes no verdict from that point", () => {
    const s = sym("s", SCALAR);
    const steep = (k: number) => {
      const inner = fn("exp", scale(k, s));
      return { f: fn("sin", inner), gradient: scale(k, mul(fn("cos", inner), inner)) };
    };
    // sin(exp(6s)): |f′| up to 1e6 on s ∈ [0.5, 2]; the default step alone is off by O(1)
    const six = steep(6);
    expect(checkGradient({ f: six.f, wrt: s, gradient: six.gradient }).relError).toBeLessThan(1e-7);
    expect(checkGradient({ f: six.f, wrt: s, gradient: scale(2, six.gradient) }).ok).toBe(false);
    // sin(exp(30s)): exp(30s) ≥ 3e6, sin of it is rounding noise at any step
    const thirty = steep(30);
    const r = checkGradient({ f: thirty.f, wrt: s, gradient: thirty.gradient });
    expect(r.ok).toBe(false);
    expect(r.relError).toBeNaN();
    expect(r.detail).toBe("no valid sample in 20 draws; at the last, finite differences did not settle at any step from 1e-3 down to 1e-7");
  });

  it("passes ∇_X aᵀXb = abᵀ (Cookbook eq. 70) on a rectangular X", () => {
    const a = sym("a", shape("m", 1)), b = sym("b", shape("n", 1)), Y = sym("Y", shape("m", "n"));
    const f = mul(transpose(a), Y, b);
    expect(checkGradient({ f, wrt: Y, gradient: mul(a, transpose(b)) }).ok).toBe(true);
    const swapped = checkGradient({ f, wrt: Y, gradient: mul(b, transpose(a)) });
    expect(swapped.ok).toBe(false);
    expect(swapped.detail).toMatch(/gradient is 4×3 but Y is 3×4/);
    const c = sym("c", shape("n", 1));
    expect(checkGradient({ f: mul(transpose(b), X, c), wrt: X, gradient: mul(c, transpose(b)) }).ok).toBe(false);
  });

  it("passes ∇ log det X = X⁻ᵀ (Cookbook eq. 57) and fails for X⁻¹", () => {
    expect(checkGradient({ f: logdet(X), wrt: X, gradient: transpose(inverse(X)) }).ok).toBe(true);
    expect(checkGradient({ f: logdet(X), wrt: X, gradient: inverse(X) }).ok).toBe(false);
    expect(checkGradient({ f: det(X), wrt: X, gradient: mul(det(X), transpose(inverse(X))) }).ok).toBe(true);
  });

  it("passes ∇ xᵀBx = (B + Bᵀ)x (Cookbook eq. 81) and fails for 2Bx", () => {
    const x = sym("x", shape("n", 1));
    const f = mul(transpose(x), B, x);
    expect(checkGradient({ f, wrt: x, gradient: mul(add(B, transpose(B)), x) }).ok).toBe(true);
    expect(checkGradient({ f, wrt: x, gradient: scale(2, mul(B, x)) }).ok).toBe(false);
  });

  it("handles a scalar wrt and positive-domain functions", () => {
    const s = sym("s", SCALAR);
    expect(checkGradient({ f: mul(s, s, trace(A)), wrt: s, gradient: mul(num(2), s, trace(A)) }).ok).toBe(true);
    const x = sym("x", shape("n", 1));
    // ∇ Σ log x_i = x.^-1; x is sampled positive because it occurs under log
    expect(checkGradient({ f: sumAll(fn("log", x)), wrt: x, gradient: hpower(x, -1) }).ok).toBe(true);
  });

  describe("symmetric variables", () => {
    const S = sym("S", n, { symmetric: true });
    const f = trace(mul(A, S));
    const gSym = scale(rat(1, 2), add(A, transpose(A)));
    const gCookbook = sub(add(A, transpose(A)), hadamard(A, identity("n")));

    it("'sym' (default): G = (A + Aᵀ)/2 for tr(AS) (Srinivasan & Panda 2023)", () => {
      expect(checkGradient({ f, wrt: S, gradient: gSym }).ok).toBe(true);
      expect(checkGradient({ f, wrt: S, gradient: gCookbook }).ok).toBe(false);
      // Aᵀ satisfies ⟨G, E⟩ = df[E] too, but the reported gradient must be the symmetric one
      expect(checkGradient({ f, wrt: S, gradient: transpose(A) }).ok).toBe(false);
    });

    it("'cookbook': G = A + Aᵀ − A∘I (Matrix Cookbook §2.8.2)", () => {
      expect(checkGradient({ f, wrt: S, gradient: gCookbook, symmetric: "cookbook" }).ok).toBe(true);
      expect(checkGradient({ f, wrt: S, gradient: gSym, symmetric: "cookbook" }).ok).toBe(false);
    });

    it("positive definite: ∇ log det P = P⁻¹ ('sym'), 2P⁻¹ − P⁻¹∘I ('cookbook')", () => {
      const P = sym("P", n, { posdef: true });
      const Pinv = inverse(P);
      expect(checkGradient({ f: logdet(P), wrt: P, gradient: Pinv }).ok).toBe(true);
      const cook = sub(scale(2, Pinv), hadamard(Pinv, identity("n")));
      expect(checkGradient({ f: logdet(P), wrt: P, gradient: cook, symmetric: "cookbook" }).ok).toBe(true);
      expect(checkGradient({ f: logdet(P), wrt: P, gradient: cook }).ok).toBe(false);
    });

    it("diagonal: only the diagonal is free", () => {
      const D = sym("D", n, { diagonal: true });
      expect(checkGradient({ f: trace(mul(A, D)), wrt: D, gradient: hadamard(A, identity("n")) }).ok).toBe(true);
      expect(checkGradient({ f: trace(mul(A, D)), wrt: D, gradient: A }).ok).toBe(false);
    });
  });

  it("is deterministic for a fixed seed", () => {
    const opts = { f: trace(mul(Ainv, B)), wrt: A, gradient: neg(mul(Ainv, B, Ainv)), seed: 42 };
    const r1 = checkGradient(opts), r2 = checkGradient(opts), r3 = checkGradient({ ...opts, seed: 43 });
    expect(r1).toEqual(r2);
    expect(r3.relError).not.toBe(r1.relError);
  });

  it("refuses a non-scalar f", () => {
    throwsNumeric(() => checkGradient({ f: A, wrt: A, gradient: A }), "shape");
  });

  /** A budget that counts the check's draws and finite differences (it calls check() before each). */
  const counting = () => {
    const budget = { checks: 0, tick() {}, check() { budget.checks++; } };
    return budget;
  };

  it("checks a right gradient along one random direction per trial, whatever the size of wrt", () => {
    const big = sym("X", shape(5, 5));
    const budget = counting();
    expect(checkGradient({ f: logdet(big), wrt: big, gradient: transpose(inverse(big)), budget }).ok).toBe(true);
    // a draw and one finite difference per trial; entry by entry it would be 25 differences a trial
    expect(budget.checks).toBe(6);
  });

  it("redoes a wrong gradient entry by entry, and names the entry at fault", () => {
    const budget = counting();
    const diag = checkGradient({ f: logdet(X), wrt: X, gradient: add(transpose(inverse(X)), scale(rat(1, 100), identity("n"))), budget });
    expect(diag.ok).toBe(false);
    expect(budget.checks).toBeGreaterThan(6);
    // only the diagonal is off: the worst entry is on it, its reference the finite difference there
    const [i, j] = diag.worst!.index;
    expect(i).toBe(j);
    expect(diag.worst!.actual - diag.worst!.expected).toBeCloseTo(0.01, 6);
  });

  it("takes a symmetric gradient's antisymmetric part, which no symmetric direction sees, for what it is", () => {
    const S = sym("S", n, { symmetric: true });
    // ⟨Aᵀ, V⟩ = ⟨(A + Aᵀ)/2, V⟩ for every symmetric V: only its structure tells Aᵀ from the symmetric gradient
    const r = checkGradient({ f: trace(mul(A, S)), wrt: S, gradient: transpose(A) });
    expect(r.ok).toBe(false);
    const [i, j] = r.worst!.index;
    expect(i).not.toBe(j);
  });
});

describe("checkJacobian", () => {
  const n = shape("n", "n");
  const A = sym("A", n), X = sym("X", n);
  const I = identity("n");

  it("passes vec(AX) → I ⊗ A and d(X²) → I ⊗ X + Xᵀ ⊗ I, and fails the swapped Kronecker factors", () => {
    expect(checkJacobian({ f: mul(A, X), wrt: X, jacobian: kron(I, A) }).ok).toBe(true);
    expect(checkJacobian({ f: mul(A, X), wrt: X, jacobian: kron(A, I) }).ok).toBe(false);
    const square = mul(X, X);
    expect(checkJacobian({ f: square, wrt: X, jacobian: add(kron(I, X), kron(transpose(X), I)) }).ok).toBe(true);
    const wrong = checkJacobian({ f: square, wrt: X, jacobian: add(kron(I, X), kron(X, I)) });
    expect(wrong.ok).toBe(false);
    expect(wrong.relError).toBeGreaterThan(1e-2);
  });

  it("checks a right Jacobian along one random direction per trial", () => {
    const big = sym("X", shape(5, 5));
    const budget = { checks: 0, tick() {}, check() { budget.checks++; } };
    expect(checkJacobian({ f: inverse(big), wrt: big, jacobian: neg(kron(transpose(inverse(big)), inverse(big))), budget }).ok).toBe(true);
    expect(budget.checks).toBe(6);
  });

  it("moves a symmetric wrt along symmetric directions only", () => {
    const S = sym("S", n, { symmetric: true });
    // on symmetric directions vec(dS) = K vec(dS), so I ⊗ A and (I ⊗ A)K are the same claim
    expect(checkJacobian({ f: mul(A, S), wrt: S, jacobian: kron(I, A) }).ok).toBe(true);
    expect(checkJacobian({ f: mul(A, S), wrt: S, jacobian: mul(kron(I, A), commutation("n", "n")) }).ok).toBe(true);
    expect(checkJacobian({ f: mul(A, S), wrt: S, jacobian: kron(A, I) }).ok).toBe(false);
  });
});

describe("checkDifferential", () => {
  const n = shape("n", "n");
  const A = sym("A", n), B = sym("B", n);
  const dA = diff(A), dB = diff(B);

  it("d(A²) = dA A + A dA, and d(A²) ≠ 2A dA", () => {
    expect(checkDifferential({ f: power(A, 2), df: add(mul(dA, A), mul(A, dA)), wrt: [A] }).ok).toBe(true);
    const wrong = checkDifferential({ f: power(A, 2), df: scale(2, mul(A, dA)), wrt: [A] });
    expect(wrong.ok).toBe(false);
    expect(wrong.relError).toBeGreaterThan(1e-2);
  });

  it("d(A³), d(A⁻¹), d det A (DESIGN §1 table)", () => {
    const A2 = power(A, 2);
    expect(checkDifferential({ f: power(A, 3), df: add(mul(dA, A2), mul(A, dA, A), mul(A2, dA)), wrt: [A] }).ok).toBe(true);
    expect(checkDifferential({ f: inverse(A), df: neg(mul(inverse(A), dA, inverse(A))), wrt: [A] }).ok).toBe(true);
    expect(checkDifferential({ f: det(A), df: mul(det(A), trace(mul(inverse(A), dA))), wrt: [A] }).ok).toBe(true);
    const x = sym("x", shape("n", 1));
    const sx = fn("sigmoid", x);
    const dsx = hadamard(sx, sub(ones(x.shape), sx), diff(x));
    expect(checkDifferential({ f: sx, df: dsx, wrt: [x] }).ok).toBe(true);
  });

  it("moves several variables together; the others are held fixed", () => {
    const f = mul(A, B);
    expect(checkDifferential({ f, df: add(mul(dA, B), mul(A, dB)), wrt: [A, B] }).ok).toBe(true);
    expect(checkDifferential({ f, df: mul(dA, B), wrt: [A, B] }).ok).toBe(false);
    expect(checkDifferential({ f, df: add(mul(dA, B), mul(A, dB)), wrt: [A] }).ok).toBe(true); // dB = 0
  });

  it("keeps symmetric perturbations symmetric", () => {
    const S = sym("S", n, { symmetric: true });
    const dS = diff(S);
    expect(checkDifferential({ f: logdet(S), df: trace(mul(inverse(S), dS)), wrt: [S] }).ok).toBe(true);
    // true only for symmetric dS: tr(S⁻¹dS) = tr(S⁻¹dSᵀ)
    expect(checkDifferential({ f: logdet(S), df: trace(mul(inverse(S), transpose(dS))), wrt: [S] }).ok).toBe(true);
  });

  it("refuses second differentials", () => {
    throwsNumeric(() => checkDifferential({ f: A, df: diff(A, 1), wrt: [A] }), "unsupported");
  });
});

describe("numericallyEqual", () => {
  const n = shape("n", "n");
  const A = sym("A", n), B = sym("B", n), C = sym("C", n);

  it("tr(ABC) = tr(CAB) but tr(ABC) ≠ tr(ACB)", () => {
    expect(numericallyEqual(trace(mul(A, B, C)), trace(mul(C, A, B))).ok).toBe(true);
    const r = numericallyEqual(trace(mul(A, B, C)), trace(mul(A, C, B)));
    expect(r.ok).toBe(false);
    expect(r.relError).toBeGreaterThan(1e-3);
  });

  it("compares quantities that vanish in exact arithmetic against 0", () => {
    expect(numericallyEqual(sub(trace(mul(A, B)), trace(mul(B, A))), num(0)).ok).toBe(true);
    expect(numericallyEqual(sub(mul(A, inverse(A)), identity("n")), zero(n)).ok).toBe(true);
  });

  it("compares differentials at shared random directions", () => {
    const dA = diff(A);
    expect(numericallyEqual(trace(mul(dA, B)), trace(mul(B, dA))).ok).toBe(true);
    expect(numericallyEqual(trace(mul(dA, B)), trace(mul(transpose(dA), B))).ok).toBe(false);
  });

  it("reports a shape mismatch", () => {
    const X = sym("X", shape("m", "n"));
    const r = numericallyEqual(X, transpose(X));
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/shapes differ/);
  });

  it("resamples where a value is undefined, and gives up after bounded retries", () => {
    const s = sym("s", SCALAR);
    const sm1 = add(s, num(-1)); // negative for about half of s ∈ [0.5, 2]
    expect(numericallyEqual(fn("log", sm1), scale(2, fn("log", fn("sqrt", sm1)))).ok).toBe(true);
    const never = numericallyEqual(fn("log", neg(mul(s, s))), fn("log", neg(mul(s, s))));
    expect(never.ok).toBe(false);
    expect(never.detail).toMatch(/no valid sample/);
  });
});
