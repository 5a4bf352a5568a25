/**
 * Traces, determinants and log-determinants.
 * Cookbook (2012-11-15) §1.1: trace eqs. (11)–(17), determinant eqs. (18)–(23).
 */
import * as E from "../../src/core/expr.js";
import type { Expr } from "../../src/core/expr.js";
import * as Q from "../../src/core/rational.js";
import type { RewriteRule } from "../../src/calculus/rule.js";
import { sortKey } from "../../src/simplify/order.js";

const CB = (eq: string) => `Matrix Cookbook (2012-11-15) eq. (${eq})`;

const rotationsOf = (chain: readonly Expr[]): Expr[][] => chain.map((_, i) => [...chain.slice(i), ...chain.slice(0, i)]);

/**
 * The canonical rotation of a trace, tr(ABC) = tr(BCA) = tr(CAB): the
 * smallest by sortKey. Used to compare traces (like terms), not to print
 * them: a trace keeps the rotation it was written or derived in.
 */
export function canonicalTraceKey(e: Expr): Expr {
  if (e.kind !== "trace" || (e.arg.kind !== "mul" && e.arg.kind !== "power")) return e;
  // X² is X X here: tr(dX X²) and tr(X dX X) are one rotation apart only factor by factor
  const chain = E.splitMul(e.arg).chain.flatMap((f) =>
    (f.kind === "power" && Q.isInt(f.exp) && f.exp.n > 1 && f.exp.n <= MAX_EXPANDED_POWER ? Array<Expr>(f.exp.n).fill(f.arg) : [f]));
  let best = chain;
  let bestKey = chain.map(sortKey).join(" ");
  for (const r of rotationsOf(chain).slice(1)) {
    const k = r.map(sortKey).join(" ");
    if (k < bestKey) { best = r; bestKey = k; }
  }
  return best === chain && e.arg.kind === "mul" && chain.length === E.splitMul(e.arg).chain.length ? e : E.trace(E.mul(...best));
}

/** Powers up to this are spelled out factor by factor when traces are compared. */
const MAX_EXPANDED_POWER = 16;

export const SCALAR_FUNCTION_RULES: readonly RewriteRule[] = [
  {
    id: "trace-transpose", source: CB("13"), formula: "\\operatorname{tr}(A^{\\top}) = \\operatorname{tr}(A)",
    witness: "tr(A^T)", on: ["trace"],
    apply: (e) => (e.kind === "trace" && e.arg.kind === "transpose" ? E.trace(e.arg.arg) : null),
  },
  {
    id: "trace-linear", source: CB("15") + " and linearity", formula: "\\operatorname{tr}(c A + B) = c \\operatorname{tr}(A) + \\operatorname{tr}(B)",
    witness: "tr(2 A + B)", on: ["trace"],
    apply: (e) => {
      if (e.kind !== "trace") return null;
      if (e.arg.kind === "add") return E.add(...e.arg.terms.map(E.trace));
      if (e.arg.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      if (Q.eq(coeff, Q.ONE) && scalars.length === 0) return null;
      return E.mul(E.num(coeff), ...scalars, E.trace(E.mul(...chain)));
    },
  },
  {
    // a symbolic size has no scalar expression, so tr(I_n) stays; the index form writes it n
    id: "trace-identity", source: "derived: tr(I_n) = n", formula: "\\operatorname{tr}(I_{3}) = 3",
    witness: "tr(A + I)", witnessLet: ["A: 3 x 3"], on: ["trace"],
    apply: (e) => (e.kind === "trace" && e.arg.kind === "identity" && typeof e.arg.shape.rows === "number" ? E.num(e.arg.shape.rows) : null),
  },
  {
    // tr(a bᵀ) = bᵀa: a rotation that starts with a row is a scalar and needs no trace
    id: "trace-of-outer-product", source: CB("16") + " and (17)", formula: "\\operatorname{tr}(a b^{\\top} C) = b^{\\top} C a",
    witness: "tr(x y^T A)", on: ["trace"],
    apply: (e) => {
      if (e.kind !== "trace" || e.arg.kind !== "mul") return null;
      const r = rotationsOf(E.splitMul(e.arg).chain).find((c) => c[0]!.shape.rows === 1);
      return r ? E.trace(E.mul(...r)) : null;
    },
  },
  {
    id: "trace-kronecker", source: "Matrix Cookbook (2012-11-15) §10.2.1", formula: "\\operatorname{tr}(A \\otimes B) = \\operatorname{tr}(A) \\operatorname{tr}(B)",
    witness: "tr(A \\otimes B)", on: ["trace"],
    apply: (e) => (e.kind === "trace" && e.arg.kind === "kron" && e.arg.factors.every((f) => f.shape.rows === f.shape.cols)
      ? E.mul(...e.arg.factors.map(E.trace)) : null),
  },
  {
    // square factors: then A ⊗ B is invertible exactly when each is, and the mixed product gives the inverse
    id: "kron-inverse", source: "Matrix Cookbook (2012-11-15) §10.2.1", formula: "(A \\otimes B)^{-1} = A^{-1} \\otimes B^{-1}",
    witness: "(A \\otimes B)^{-1}", on: ["inverse"],
    apply: (e) => {
      if (e.kind !== "inverse" || e.arg.kind !== "kron" || !e.arg.factors.every((f) => f.shape.rows === f.shape.cols)) return null;
      return E.kron(...e.arg.factors.map(E.inverse));
    },
  },
  {
    id: "kron-mixed-product", source: "Matrix Cookbook (2012-11-15) §10.2.1", formula: "(A \\otimes B)(C \\otimes D) = A C \\otimes B D",
    witness: "(A \\otimes B) (C \\otimes D)", on: ["mul"],
    apply: (e) => {
      if (e.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e);
      for (let i = 0; i + 1 < chain.length; i++) {
        const l = chain[i]!;
        const r = chain[i + 1]!;
        if (l.kind !== "kron" || r.kind !== "kron" || l.factors.length !== r.factors.length) continue;
        if (!l.factors.every((f, k) => f.shape.cols === r.factors[k]!.shape.rows)) continue;
        const merged = E.kron(...l.factors.map((f, k) => E.mul(f, r.factors[k]!)));
        return E.mul(E.num(coeff), ...scalars, ...chain.slice(0, i), merged, ...chain.slice(i + 2));
      }
      return null;
    },
  },
  {
    id: "vec-linear", source: "derived: vec is linear", formula: "\\operatorname{vec}(s A) = s \\operatorname{vec}(A)",
    witness: "vec(det(X) X^{-T})", on: ["vec"],
    apply: (e) => {
      if (e.kind !== "vec" || e.arg.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      if (Q.eq(coeff, Q.ONE) && scalars.length === 0) return null;
      return E.mul(E.num(coeff), ...scalars, E.vec(E.mul(...chain)));
    },
  },
  {
    // merge-powers writes (A ⊗ B)(A ⊗ B) as (A ⊗ B)², which the mixed product must still reach
    id: "kron-power", source: "Matrix Cookbook (2012-11-15) §10.2.1 (mixed product, repeated)", formula: "(A \\otimes B)^{k} = A^{k} \\otimes B^{k}",
    witness: "(A \\otimes B)^2", on: ["power"],
    apply: (e) => (e.kind === "power" && e.arg.kind === "kron" && e.arg.factors.every((f) => f.shape.rows === f.shape.cols)
      ? E.kron(...e.arg.factors.map((f) => E.power(f, e.exp))) : null),
  },
  {
    // K_{pm}(A ⊗ B)K_{nq} = B ⊗ A for A m×n, B p×q, so (A ⊗ B)K_{nq} = K_{mp}(B ⊗ A),
    // and K_{mp} = I when A or B is a single row
    id: "commutation-through-kron", source: "derived: Magnus & Neudecker (2019) Theorem 3.9",
    formula: "(a^{\\top} \\otimes B) K = B \\otimes a^{\\top}", witness: "jacobian of X^T a wrt X", on: ["mul"],
    apply: (e) => {
      if (e.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e);
      for (let i = 0; i + 1 < chain.length; i++) {
        const kr = chain[i]!;
        const k = chain[i + 1]!;
        if (kr.kind !== "kron" || kr.factors.length !== 2 || k.kind !== "commutation") continue;
        const [a, b] = kr.factors as [Expr, Expr];
        if (k.m !== a.shape.cols || k.n !== b.shape.cols || (a.shape.rows !== 1 && b.shape.rows !== 1)) continue;
        return E.mul(E.num(coeff), ...scalars, ...chain.slice(0, i), E.kron(b, a), ...chain.slice(i + 2));
      }
      return null;
    },
  },
  {
    id: "kron-identities", source: "Matrix Cookbook (2012-11-15) §10.2.1", formula: "I_{m} \\otimes I_{n} = I_{mn}",
    witness: "vec(X)^T (I \\otimes I) vec(X)", on: ["kron"],
    apply: (e) => (e.kind === "kron" && e.factors.every((f) => f.kind === "identity")
      ? E.identity(e.shape.rows) : null),
  },
  {
    id: "det-transpose", source: CB("20"), formula: "\\det(A^{\\top}) = \\det(A)", witness: "det(A^T)", on: ["det"],
    apply: (e) => (e.kind === "det" && e.arg.kind === "transpose" ? E.det(e.arg.arg) : null),
  },
  {
    id: "det-inverse", source: CB("22"), formula: "\\det(A^{-1}) = \\det(A)^{-1}", witness: "det(A^{-1})", on: ["det"],
    apply: (e) => (e.kind === "det" && e.arg.kind === "inverse" ? E.power(E.det(e.arg.arg), -1) : null),
  },
  {
    id: "det-power", source: "derived: eq. (21) with equal factors", formula: "\\det(A^{k}) = \\det(A)^{k}", witness: "det(A^3)", on: ["det"],
    apply: (e) => (e.kind === "det" && e.arg.kind === "power" ? E.power(E.det(e.arg.arg), e.arg.exp) : null),
  },
  {
    id: "logdet-transpose", source: CB("20"), formula: "\\log\\det(A^{\\top}) = \\log\\det(A)", witness: "logdet(A^T)", on: ["logdet"],
    apply: (e) => (e.kind === "logdet" && e.arg.kind === "transpose" ? E.logdet(e.arg.arg) : null),
  },
  {
    id: "logdet-inverse", source: CB("22"), formula: "\\log\\det(A^{-1}) = -\\log\\det(A)", witness: "logdet(A^{-1})", on: ["logdet"],
    apply: (e) => (e.kind === "logdet" && e.arg.kind === "inverse" ? E.neg(E.logdet(e.arg.arg)) : null),
  },
  {
    id: "logdet-power", source: "derived: eq. (21) with equal factors", formula: "\\log\\det(A^{k}) = k \\log\\det(A)", witness: "logdet(A^2)", on: ["logdet"],
    apply: (e) => (e.kind === "logdet" && e.arg.kind === "power" ? E.scale(e.arg.exp, E.logdet(e.arg.arg)) : null),
  },
];
