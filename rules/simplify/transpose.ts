/**
 * Transpose algebra: push transposes to the leaves, where symmetric
 * declarations absorb them (Sᵀ = S is done by the constructor).
 * Cookbook (2012-11-15) §1.1 eqs. (3)–(6) and §10.2.1.
 */
import * as E from "../../src/core/expr.js";
import { OPERATIONS } from "../../src/core/operations.js";
import { rewriteRule, type AnyRewriteRule } from "../rule.js";
import { isSymmetric } from "../../src/core/symmetry.js";

const CB = (eq: string) => `Matrix Cookbook (2012-11-15) eq. (${eq})`;

export const TRANSPOSE_RULES: readonly AnyRewriteRule[] = [
  rewriteRule({
    id: "transpose-symmetric", source: "derived: Mᵀ = M when transposing M's parts gives M back (declared-symmetric leaves, AᵀA, I + XXᵀ, ...)",
    formula: "M^{\\top} = M \\quad (M = M^{\\top})", witness: "(I + X X^T)^{-T}", on: ["transpose"],
    apply: (e) => (e.arg.kind !== "sym" && isSymmetric(e.arg) ? e.arg : null),
  }),
  rewriteRule({
    id: "transpose-product", tags: ["kronecker-normal-form"], source: CB("6"), formula: "(A B \\cdots Z)^{\\top} = Z^{\\top} \\cdots B^{\\top} A^{\\top}",
    witness: "(A B)^T", on: ["transpose"],
    apply: (e) => {
      if (e.arg.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      return E.mul(E.num(coeff), ...scalars, ...chain.slice().reverse().map(E.transpose));
    },
  }),
  rewriteRule({
    id: "transpose-power", source: "derived: eq. (6) with equal factors", formula: "(A^{k})^{\\top} = (A^{\\top})^{k}",
    witness: "(A^2)^T", on: ["transpose"],
    apply: (e) => (e.arg.kind === "power" ? E.power(E.transpose(e.arg.arg), e.arg.exp) : null),
  }),
  rewriteRule({
    id: "transpose-hadamard", source: "derived: entrywise", formula: "(A \\odot B)^{\\top} = A^{\\top} \\odot B^{\\top}",
    witness: "(A^T .* B)^T", on: ["transpose"],
    apply: (e) => {
      if (e.arg.kind !== "hadamard") return null;
      // a matrix's product keeps one transpose outside where spreading it would write more (hadamard-gather-transpose)
      if (spreadable(e.arg) && transposeCount(E.hadamard(...e.arg.factors.map(transposed))) > transposeCount(e)) return null;
      return E.hadamard(...e.arg.factors.map(E.transpose));
    },
  }),
  rewriteRule({
    id: "hadamard-gather-transpose", source: "derived: entrywise", formula: "A^{\\top} \\odot B^{\\top} = (A \\odot B)^{\\top}",
    witness: "(A + B)^T .* (A - B)^T .* exp(B A^T)", on: ["hadamard"],
    apply: (e) => {
      if (!gathers(e)) return null;
      const gathered = E.transpose(E.hadamard(...e.factors.map(transposed)));
      return transposeCount(gathered) < transposeCount(e) ? gathered : null;
    },
  }),
  rewriteRule({
    id: "transpose-kronecker", tags: ["kronecker-normal-form"], source: "Matrix Cookbook (2012-11-15) §10.2.1", formula: "(A \\otimes B)^{\\top} = A^{\\top} \\otimes B^{\\top}",
    witness: "(A \\otimes B)^T", on: ["transpose"],
    apply: (e) => (e.arg.kind === "kron" ? E.kron(...e.arg.factors.map(E.transpose)) : null),
  }),
  rewriteRule({
    id: "transpose-elementwise", source: "derived: entrywise", formula: "f(A)^{\\top} = f(A^{\\top})",
    witness: "exp(A)^T", on: ["transpose"],
    apply: (e) => {
      // a vector keeps its transpose outside: exp(x)ᵀ reads better than exp(xᵀ)
      if (e.shape.rows === 1 || e.shape.cols === 1) return null;
      if (e.arg.kind === "fn" && OPERATIONS[e.arg.name].kind === "elementwise") return E.fn(e.arg.name, E.transpose(e.arg.arg));
      if (e.arg.kind === "hpower") return E.hpower(E.transpose(e.arg.arg), e.arg.exp);
      return null;
    },
  }),
  rewriteRule({
    // Kept inside products, where (x − As)ᵀ W (x − As) reads as a textbook
    // prints it; distributed where the terms can meet like terms.
    id: "transpose-sum", source: CB("4"), formula: "(A + B)^{\\top} = A^{\\top} + B^{\\top}",
    witness: "A + (A + B)^T", on: ["add"],
    apply: (e) => {
      const i = e.terms.findIndex((t) => E.splitMul(t).chain.length === 1 && E.splitMul(t).chain[0]!.kind === "transpose"
        && (E.splitMul(t).chain[0] as E.Transpose).arg.kind === "add");
      if (i < 0) return null;
      const t = e.terms[i]!;
      const { coeff, scalars, chain } = E.splitMul(t);
      const inner = (chain[0] as E.Transpose).arg as E.Add;
      const spread = E.mul(E.num(coeff), ...scalars, E.add(...inner.terms.map(E.transpose)));
      return E.add(...e.terms.slice(0, i), spread, ...e.terms.slice(i + 1));
    },
  }),
];

/** At the root, a transposed sum is spread out so its terms can combine. */
export function spreadRootTranspose(e: E.Expr): E.Expr {
  const { coeff, scalars, chain } = E.splitMul(e);
  if (chain.length === 1 && chain[0]!.kind === "transpose" && chain[0]!.arg.kind === "add") {
    return E.mul(E.num(coeff), ...scalars, E.add(...chain[0]!.arg.terms.map(E.transpose)));
  }
  return e;
}

/**
 * Where a matrix's Hadamard product's transposes go: one outside when that writes fewer of them,
 * ((Y − S) ⊙ S ⊙ (𝟏 − S))ᵀ for (Y − S)ᵀ ⊙ Sᵀ ⊙ (𝟏 − S)ᵀ. A row's stay spread, uᵀ ⊙ vᵀ: the rules that
 * take (y ⊘ ŷ)ᵀŷ to 𝟏ᵀy read them so. Never in a product with a differential in it, whose form the
 * gradient is read from.
 */
function gathers(e: E.Hadamard): boolean {
  // fewer only where two factors at least are transposes: the rule is tried at every Hadamard product, so this first
  let transposes = 0;
  for (const f of e.factors) if (f.kind === "transpose") transposes++;
  return transposes >= 2 && e.shape.rows !== 1 && e.shape.cols !== 1 && !E.contains(e, (x) => x.kind === "d" || x.kind === "dop");
}

/** A matrix's Hadamard product without a differential in it: its transpose stays outside where spreading it writes more. */
function spreadable(e: E.Hadamard): boolean {
  return e.shape.rows !== 1 && e.shape.cols !== 1 && e.factors.length >= 2 && !E.contains(e, (x) => x.kind === "d" || x.kind === "dop");
}

/** eᵀ as the transpose rules leave it: through products, powers, Kronecker products and a matrix's entrywise functions. */
function transposed(e: E.Expr): E.Expr {
  switch (e.kind) {
    case "mul": {
      const { coeff, scalars, chain } = E.splitMul(e);
      return E.mul(E.num(coeff), ...scalars, ...chain.slice().reverse().map(transposed));
    }
    case "power": return E.power(transposed(e.arg), e.exp);
    case "kron": return E.kron(...e.factors.map(transposed));
    case "fn":
      return e.shape.rows !== 1 && e.shape.cols !== 1 && OPERATIONS[e.name].kind === "elementwise" ? E.fn(e.name, transposed(e.arg)) : E.transpose(e);
    case "hpower": return e.shape.rows !== 1 && e.shape.cols !== 1 ? E.hpower(transposed(e.arg), e.exp) : E.transpose(e);
    default: return E.transpose(e);
  }
}

/** How many transposes e writes (a shared part once per place it is written). */
function transposeCount(e: E.Expr): number {
  let n = e.kind === "transpose" ? 1 : 0;
  for (const k of E.children(e)) n += transposeCount(k);
  return n;
}
