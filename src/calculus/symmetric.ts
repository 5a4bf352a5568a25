/**
 * Gradients with respect to a symmetric matrix S (DESIGN.md §1).
 *  - "sym" (default): sym(G) = (G + Gᵀ)/2, the gradient that satisfies
 *    df = ⟨∇f, dS⟩ for every symmetric dS (Srinivasan & Panda, 2019/2023).
 *  - "cookbook": G + Gᵀ − G ∘ I, the partials with respect to the independent
 *    entries S_ij, i ≤ j (Matrix Cookbook (2012-11-15) eq. (138)).
 * And with respect to a diagonal matrix: the diagonal part G ∘ I.
 */
import * as E from "../core/expr.js";
import type { Expr } from "../core/expr.js";
import * as Q from "../core/rational.js";

export type SymmetricConvention = "sym" | "cookbook";

/** The convention in words, for the variable as printed (S, Σ). */
export const CONVENTION_TEXT: Record<SymmetricConvention, (variable: string, f: string) => string> = {
  sym: (s, f) => `symmetric gradient sym(G) = (G + Gᵀ)/2, so that d${f} = ⟨∇${f}, d${s}⟩ for every symmetric d${s}`,
  cookbook: (s) => `Matrix Cookbook §2.8.2 convention G + Gᵀ − G ∘ I (partial derivatives in the independent entries ${s}_ij, i ≤ j)`,
};

export function symmetricGradient(g: Expr, convention: SymmetricConvention): Expr {
  const both = E.add(g, E.transpose(g));
  if (convention === "sym") return E.scale(Q.rat(1, 2), both);
  return E.sub(both, E.hadamard(g, E.identity(g.shape.rows)));
}

/**
 * The gradient with respect to a diagonal matrix D: the diagonal part G ⊙ I,
 * the one gradient in the space of diagonal matrices with df = ⟨∇f, dD⟩ for
 * every diagonal dD (and the partials ∂f/∂D_ii on its diagonal).
 */
export function diagonalGradient(g: Expr): Expr {
  return E.hadamard(g, E.identity(g.shape.rows));
}
