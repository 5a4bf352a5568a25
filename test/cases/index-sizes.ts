/**
 * Issue 17, item 2: results whose index form carries a size — a sum of ones
 * (𝟏ᵀ𝟏 = N), a trace of an identity — which the index form once dropped.
 * Each is checked three ways: the printed index form (test/index-notation.test.ts),
 * the einsum string run by NumPy against the NumPy form (test/index-numpy.test.ts),
 * and the result against finite differences.
 */
import { type CaseInput } from "./case.js";

export interface IndexSizeCase extends CaseInput {
  /** The index form as printed (text). */
  index: string;
  hessian?: boolean;
}

export const INDEX_SIZE_CASES: IndexSizeCase[] = [
  {
    // ‖X − m𝟏ᵀ‖² = Σ_ij (X_ij − m_i)²: ∂/∂m_i = −2 Σ_j X_ij + 2N m_i, N the columns of X (p here)
    id: "index-size-centring-mean", source: "derived: least-squares mean, ∂/∂m Σⱼ ‖xⱼ − m‖²",
    expr: "\\|X - m \\mathbf{1}^\\top\\|_F^2", wrt: "m", let: ["m: vector"],
    index: "∂f/∂m_i = −2 X_{ij} + 2 p m_i",
  },
  {
    // tr(Σ⁻¹(X − m𝟏ᵀ)(X − m𝟏ᵀ)ᵀ) = Σⱼ (xⱼ − m)ᵀΣ⁻¹(xⱼ − m): ∂/∂m = −(Σ⁻¹ + Σ⁻ᵀ)(X𝟏 − N m)
    id: "index-size-gaussian-scatter", source: "derived: Gaussian log-likelihood's scatter term (Bishop PRML §2.3.4)",
    expr: "tr(\\Sigma^{-1}(X - m \\mathbf{1}^\\top)(X - m \\mathbf{1}^\\top)^\\top)", wrt: "m", let: ["m: vector"],
    index: "∂f/∂m_i = −(Σ⁻¹)_{ij} X_{jk} + p (Σ⁻¹)_{ij} m_j − (Σ⁻¹)_{ji} X_{jk} + p (Σ⁻¹)_{ji} m_j",
  },
  {
    // R = X(I − 𝟏𝟏ᵀ/N): ∇ = 2R(I − 𝟏𝟏ᵀ/N); 𝟏𝟏ᵀ𝟏𝟏ᵀ = m 𝟏𝟏ᵀ, m the columns of X
    id: "index-size-column-centring", source: "derived: centring matrix H = I − 𝟏𝟏ᵀ/N (Mardia, Kent & Bibby §1.4)",
    expr: "\\|X - (1/N) X \\mathbf{1}\\mathbf{1}^\\top\\|_F^2", wrt: "X", let: ["N: scalar"],
    index: "∂f/∂X_{ij} = 2 X_{ij} − 4 X_{ik}/N + 2 m X_{ik}/N²",
  },
  {
    // 𝟏ᵀ𝟏 xᵀx with 𝟏 of a free length n: ∇ = 2n x (issue 17 item 1 sizes it; item 2 prints it)
    id: "index-size-ones-norm", source: "derived: 𝟏ᵀ𝟏 = n",
    expr: "\\mathbf{1}^\\top \\mathbf{1} \\, x^T x", wrt: "x",
    index: "∂f/∂x_i = 2 n x_i",
  },
  {
    // ∇² ‖X − m𝟏ᵀ‖² wrt m = 2N I
    id: "index-size-centring-hessian", source: "derived: Hessian of the least-squares mean",
    expr: "\\|X - m \\mathbf{1}^\\top\\|_F^2", wrt: "m", let: ["m: vector"], hessian: true,
    index: "∂²f/∂m_i∂m_j = 2 p δ_{ij}",
  },
];
