/**
 * Random core expressions built with the constructors (not parsed), over
 * scalars α, t, θ₁, n×n matrices (one symmetric), n-vectors and m×n
 * matrices: sums, products, transposes, inverses, powers, Hadamard
 * products and powers, elementwise functions, traces, determinants, norms,
 * sums of entries and diag. Used by the round-trip battery
 * (test/roundtrip.test.ts) and by the simplifier's value property
 * (test/properties.test.ts); test/support/arbitraries.ts generates input
 * strings instead.
 */
import * as E from "../../src/core/expr.js";
import type { Expr, Sym } from "../../src/core/expr.js";
import { rat, type Rational } from "../../src/core/rational.js";
import { SCALAR, shape } from "../../src/core/shape.js";
import { makeRng } from "../../src/numeric/random.js";

/** The numeric sampler's mulberry32 stream, so a failure is reproducible from its seed. */
export const prng = (seed: number): (() => number) => makeRng(seed).next;

export type Kind = "s" | "N" | "V" | "R" | "M" | "Mt";

export function generator(random: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const N = shape("n", "n"), V = shape("n", 1), M = shape("m", "n");
  const leaves: Record<"s" | "N" | "V" | "M", readonly Sym[]> = {
    s: [E.sym("alpha", SCALAR), E.sym("t", SCALAR), E.sym("theta_1", SCALAR)],
    N: [E.sym("A", N), E.sym("B", N), E.sym("S", N, { symmetric: true }), E.sym("Sigma", N)],
    V: [E.sym("x", V), E.sym("y", V), E.sym("w_1", V)],
    M: [E.sym("P", M), E.sym("Q", M)],
  };
  const transposed: Record<Kind, Kind> = { s: "s", N: "N", V: "R", R: "V", M: "Mt", Mt: "M" };
  const exps: readonly Rational[] = [rat(2), rat(3), rat(-1), rat(-2)];
  const roots: readonly Rational[] = [rat(1, 2), rat(-1, 2), rat(3, 2)];

  /** Values that are positive entrywise, so fractional powers stay real in the numeric check. */
  const positive = (k: Kind, d: number): Expr => pick([() => E.fn("exp", gen(k, d)), () => E.fn("sigmoid", gen(k, d))])();

  function gen(k: Kind, depth: number): Expr {
    if (depth <= 0 || random() < 0.2) {
      if (k === "R" || k === "Mt") return E.transpose(pick(leaves[transposed[k] as "V" | "M"]));
      if (k === "s" && random() < 0.2) return E.num(pick([rat(2), rat(1, 2), rat(-3)]));
      return pick(leaves[k]);
    }
    const d = depth - 1;
    const g = (kind: Kind = k) => gen(kind, d);
    const options: Array<() => Expr> = [
      () => E.add(g(), g()), () => E.sub(g(), g()), () => E.neg(g()), () => E.mul(g("s"), g()), () => E.transpose(g(transposed[k])),
    ];
    if (k !== "s") {
      options.push(() => E.hadamard(g(), g()), () => E.hpower(g(), pick(exps)), () => E.hpower(positive(k, d), pick(roots)),
        () => E.epower(positive(k, d), E.fn("tanh", g("s"))), // x.^p: a positive base, a bounded exponent
        () => E.fn(pick(["exp", "sin", "cos", "tanh", "sigmoid", "softplus", "abs", "tan", "arctan", "sinh", "cosh", "expm1", "relu", "heaviside", "softmax", "log_softmax", "erf", "erfc", "normcdf", "gelu", "silu", "arsinh", "arcsin", "arccos", "artanh", "cot", "sec", "csc", "log10", "log2", "exp2", "softsign"] as const), g()));
    }
    switch (k) {
      case "s":
        options.push(() => E.trace(g("N")), () => E.det(g("N")), () => E.sumAll(g(pick(["N", "V", "M"] as const))),
          () => E.norm(g("V"), "2"), () => E.norm(g(pick(["N", "M"] as const)), "F"), () => E.fn(pick(["exp", "tanh", "sigmoid"] as const), g()), () => E.fn("logsumexp", g("V")),
          () => E.mul(g("R"), g("V")), () => E.mul(g("R"), g("N"), g("V")), () => E.power(g(), pick(exps)),
          () => E.power(positive("s", d), pick(roots)), () => E.mul(g(), E.power(g(), -1)));
        break;
      case "N":
        options.push(() => E.mul(g("N"), g("N")), () => E.mul(g("V"), g("R")), () => E.mul(g("Mt"), g("M")), () => E.inverse(g("N")),
          () => E.power(g("N"), pick([2, 3, -2])), () => E.diagMat(g("V")),
          () => E.unvec(E.mul(E.kron(g("N"), g("N")), E.vec(g("N"))), "n", "n")); // unvec((A ⊗ B)vec(C)) = BCAᵀ
        break;
      case "V":
        options.push(() => E.mul(g("N"), g("V")), () => E.diagVec(g("N")), () => E.mul(g("Mt"), g("M"), g("V")));
        break;
      case "R": options.push(() => E.mul(g("R"), g("N"))); break;
      case "M": options.push(() => E.mul(g("M"), g("N"))); break;
      case "Mt": options.push(() => E.mul(g("N"), g("Mt"))); break;
    }
    return pick(options)();
  }
  return () => gen(pick(["s", "N", "V", "M"] as const), 1 + Math.floor(random() * 4));
}
