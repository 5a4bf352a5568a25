/**
 * Gradients through a parameterisation (issue 11, seeds 000 and 004) and
 * gradients in every parameter at once. Each case is checked three ways by
 * test/parameterised.test.ts: against central finite differences in θ along a
 * concrete random quadratic parameterisation A(θ) = A₀ + ΣθᵢAᵢ + ½ΣθᵢθⱼAᵢⱼ
 * (checkParameterised), by its printed form where one is given, and by
 * evaluating the NumPy output with python3 against matdiff's own value.
 *
 * Oracles: seed 000 (∇_A uᵀAv = uvᵀ, then ∇_θ = J_A(θ)ᵀ vec(uvᵀ)); the Matrix
 * Cookbook (2012-11-15) eqs. (57), (70), (49), (84) for the Frobenius gradients
 * pulled back; the chain rule df/dθ = Σⱼₖ ∂f/∂A_jk ∂A_jk/∂θ (seed 004).
 */
export interface ParameterisedCase {
  readonly name: string;
  readonly expr: string;
  /** One variable, or several (all gradients from one differential). */
  readonly wrt: string | readonly string[];
  readonly let?: readonly string[];
  readonly where?: readonly string[];
  /** The result as the text printer writes it (one per variable). */
  readonly text?: string | readonly string[];
  /** The VJP form, for a scalar f of a non-scalar θ. */
  readonly vjp?: string;
  /** The per-component form. */
  readonly components?: string;
  /** The JVP form, for a vector or matrix f. */
  readonly jvp?: string;
}

const V = "theta: vector";

export const PARAMETERISED: readonly ParameterisedCase[] = [
  // ---- seed 000 and the examples: θ a vector
  { name: "seed 000: uᵀA(θ)v", expr: "u^T A v", wrt: "theta", let: ["A: matrix(theta)", V], text: "J_A(θ)ᵀ vec(uvᵀ)", vjp: "vjp_A(uvᵀ)", components: "∂f/∂θ_i = ⟨uvᵀ, ∂A/∂θ_i⟩ = tr(vuᵀ ∂A/∂θ_i)" },
  { name: "seed 004: xᵀA(θ)x", expr: "x^T A x", wrt: "theta", let: ["A: matrix(theta)", V], text: "J_A(θ)ᵀ vec(xxᵀ)" },
  { name: "log det A(θ) (Cookbook eq. 57)", expr: "log det(A)", wrt: "theta", let: ["A: matrix(theta)", V], text: "J_A(θ)ᵀ vec(A⁻ᵀ)" },
  { name: "‖A(θ)x − y‖²", expr: "\\|A x - y\\|^2", wrt: "theta", let: ["A: matrix(theta)", V], text: "J_A(θ)ᵀ vec(2(Ax − y)xᵀ)" },
  { name: "det A(θ) (Cookbook eq. 49)", expr: "det(A)", wrt: "theta", let: ["A: matrix(theta)", V], text: "J_A(θ)ᵀ vec(det(A)A⁻ᵀ)" },
  { name: "tr(A(θ)⁻¹B) (Cookbook eq. 63)", expr: "tr(A^{-1} B)", wrt: "theta", let: ["A: matrix(theta)", V], text: "J_A(θ)ᵀ vec(−A⁻ᵀBᵀA⁻ᵀ)" },
  { name: "‖A(θ)‖_F²", expr: "\\|A\\|_F^2", wrt: "theta", let: ["A: matrix(theta)", V], text: "J_A(θ)ᵀ vec(2A)" },
  { name: "uᵀA(θ)³v", expr: "u^T A^3 v", wrt: "theta", let: ["A: matrix(theta)", V] },
  { name: "xᵀA(θ)ᵀA(θ)x", expr: "x^T A^T A x", wrt: "theta", let: ["A: matrix(theta)", V] },
  { name: "elementwise: sum(exp(A(θ)x))", expr: "sum(exp(A x))", wrt: "theta", let: ["A: matrix(theta)", V] },
  { name: "elementwise: aᵀtanh(A(θ)x)", expr: "a^T tanh(A x)", wrt: "theta", let: ["A: matrix(theta)", V] },
  { name: "norm, not squared: ‖A(θ)x‖", expr: "\\|A x\\|", wrt: "theta", let: ["A: matrix(theta)", V] },
  { name: "Hadamard: sum(A(θ) ⊙ B)", expr: "sum(A .* B)", wrt: "theta", let: ["A: matrix(theta)", V] },
  { name: "Kronecker: tr(A(θ) ⊗ B)", expr: "tr(A \\otimes B)", wrt: "theta", let: ["A: matrix(theta)", V] },
  { name: "inside an inverse: xᵀ(A(θ) + B)⁻¹x", expr: "x^T (A + B)^{-1} x", wrt: "theta", let: ["A: matrix(theta)", V] },
  // ---- declared structure of the function
  { name: "symmetric S(θ): xᵀSx", expr: "x^T S x", wrt: "theta", let: ["S: symmetric(theta)", V], text: "J_S(θ)ᵀ vec(xxᵀ)" },
  { name: "positive definite S(θ): log det S", expr: "log det(S)", wrt: "theta", let: ["S: posdef(theta)", V], text: "J_S(θ)ᵀ vec(S⁻¹)" },
  { name: "positive definite S(θ): xᵀS⁻¹x", expr: "x^T S^{-1} x", wrt: "theta", let: ["S: posdef(theta)", V] },
  // ---- several symbols on one θ
  { name: "A(θ), b(θ): aᵀσ(A x + b)", expr: "a^T sigmoid(A x + b)", wrt: "theta", let: ["A: matrix(theta)", "b: vector(theta)", V] },
  {
    name: "Gaussian likelihood, Σ(θ) and μ(θ)", expr: "log det(Sigma) + (x - m)^T Sigma^{-1} (x - m)", wrt: "theta",
    let: ["Sigma: posdef(theta)", "m: vector(theta)", V],
  },
  { name: "a scalar s(θ) and A(θ): s xᵀAx", expr: "s x^T A x", wrt: "theta", let: ["A: matrix(theta)", "s: scalar(theta)", V] },
  { name: "θ also directly: θᵀθ + uᵀA(θ)v", expr: "theta^T theta + u^T A v", wrt: "theta", let: ["A: matrix(theta)", V], text: "2θ + J_A(θ)ᵀ vec(uvᵀ)" },
  { name: "Φ(θ) in least squares: ‖y − Φw‖²", expr: "\\|y - Phi w\\|^2", wrt: "theta", let: ["Phi: matrix(theta)", V] },
  // ---- dependence through --where, and through another function
  { name: "--where: ‖e‖², e = y − A(θ)x", expr: "\\|e\\|^2", wrt: "theta", let: ["A: matrix(theta)", V], where: ["e = y - A x"], text: "J_A(θ)ᵀ vec(−2exᵀ)" },
  { name: "--where: M = A(θ)ᵀA(θ), tr(M⁻¹)", expr: "tr(M^{-1})", wrt: "theta", let: ["A: matrix(theta)", V], where: ["M = A^T A + I"] },
  { name: "chain A(B(θ)): uᵀAv + cᵀBd", expr: "u^T A v + c^T B d", wrt: "theta", let: ["A: matrix(B)", "B: matrix(theta)", V], text: "J_B(θ)ᵀ(vec(cdᵀ) + J_A(B)ᵀ vec(uvᵀ))", vjp: "vjp_B(cdᵀ + vjp_A(uvᵀ))" },
  { name: "chain through a vector: A(b(θ))", expr: "log det(A)", wrt: "theta", let: ["A: matrix(b)", "b: vector(theta)", V] },
  // ---- θ a matrix: vec(θ)
  { name: "Θ a matrix: uᵀA(Θ)v", expr: "u^T A v", wrt: "Theta", let: ["A: matrix(Theta)"], text: "J_A(Θ)ᵀ vec(uvᵀ)", components: "∂f/∂Θ_{ij} = ⟨uvᵀ, ∂A/∂Θ_{ij}⟩ = tr(vuᵀ ∂A/∂Θ_{ij})" },
  // a scalar intermediate's two forms are one, and a symbol takes the index bare: φ_i, not (φ)_i
  { name: "an exponential family: θᵀφ − log Z(θ)", expr: "\\theta^T \\phi(x) - \\log Z(\\theta)", wrt: "theta", components: "∂f/∂θ_i = φ_i − Z⁻¹ ∂Z/∂θ_i" },
  { name: "log p(x), p a scalar function of x", expr: "\\log p(x)", wrt: "x", components: "∂f/∂x_i = p⁻¹ ∂p/∂x_i" },
  { name: "Θ a matrix: xᵀA(Θ)x (seed 004)", expr: "x^T A x", wrt: "Theta", let: ["A: matrix(Theta)"] },
  { name: "Θ a matrix, also direct: tr(ΘᵀΘ) + log det A(Θ)", expr: "tr(Theta^T Theta) + log det(A)", wrt: "Theta", let: ["A: matrix(Theta)"] },
  { name: "Θ a matrix, vector b(Θ): ‖b‖²", expr: "\\|b\\|^2", wrt: "Theta", let: ["b: vector(Theta)"], text: "2J_b(Θ)ᵀb" },
  // ---- θ a scalar: Ȧ, as before
  { name: "t a scalar: xᵀA(t)x", expr: "x^T A x", wrt: "t", let: ["A: matrix(t)", "t: scalar"], text: "xᵀȦx" },
  { name: "t a scalar: log det X(t)", expr: "log det(X)", wrt: "t", let: ["X: matrix(t)", "t: scalar"], text: "tr(X⁻¹Ẋ)" },
  { name: "t a scalar through B(t): uᵀA(B)v", expr: "u^T A v", wrt: "t", let: ["A: matrix(B)", "B: matrix(t)", "t: scalar"] },
  // ---- vector- and matrix-valued f: the Jacobian (J_A pushed forward)
  { name: "Jacobian: A(θ)x", expr: "A x", wrt: "theta", let: ["A: matrix(theta)", V], text: "(xᵀ ⊗ I)J_A(θ)" },
  { name: "Jacobian: A(θ)⁻¹B", expr: "A^{-1} B", wrt: "theta", let: ["A: matrix(theta)", V], text: "−(BᵀA⁻ᵀ ⊗ A⁻¹)J_A(θ)", jvp: "vec(dF) = −(BᵀA⁻ᵀ ⊗ A⁻¹)J_A(θ) dθ" },
  { name: "Jacobian: σ(W(θ)x + b(θ))", expr: "sigmoid(W x + b)", wrt: "theta", let: ["W: matrix(theta)", "b: vector(theta)", V] },
  // ---- every parameter at once
  {
    name: "two-layer net, all four parameters", expr: "\\|W_2 sigmoid(W_1 x + b_1) + b_2 - y\\|^2", wrt: ["W_1", "b_1", "W_2", "b_2"],
    text: [
      "2(W₂ᵀ(W₂ σ(W₁ x + b₁) + b₂ − y) ⊙ σ(W₁ x + b₁) ⊙ (𝟏 − σ(W₁ x + b₁)))xᵀ",
      "2(W₂ᵀ(W₂ σ(W₁ x + b₁) + b₂ − y) ⊙ σ(W₁ x + b₁) ⊙ (𝟏 − σ(W₁ x + b₁)))",
      "2(W₂ σ(W₁ x + b₁) + b₂ − y)σ(W₁ x + b₁)ᵀ",
      "2(W₂ σ(W₁ x + b₁) + b₂ − y)",
    ],
  },
  { name: "two-layer tanh net", expr: "\\|W_2 tanh(W_1 x + b_1) + b_2 - y\\|^2", wrt: ["W_1", "b_1", "W_2", "b_2"] },
  {
    name: "two-layer net with named layers", expr: "\\|r\\|^2", wrt: ["W_1", "b_1", "W_2", "b_2"],
    where: ["h = sigmoid(W_1 x + b_1)", "r = W_2 h + b_2 - y"],
    text: ["2(h ⊙ W₂ᵀr ⊙ (𝟏 − h))xᵀ", "2(h ⊙ W₂ᵀr ⊙ (𝟏 − h))", "2rhᵀ", "2r"],
  },
  {
    name: "three-layer net, all six parameters", expr: "\\|W_3 sigmoid(W_2 sigmoid(W_1 x + b_1) + b_2) + b_3 - y\\|^2",
    wrt: ["W_1", "b_1", "W_2", "b_2", "W_3", "b_3"],
  },
  {
    name: "three-layer net with named layers", expr: "\\|W_3 h_2 + b_3 - y\\|^2", wrt: ["W_1", "b_1", "W_2", "b_2", "W_3", "b_3"],
    where: ["h_1 = tanh(W_1 x + b_1)", "h_2 = tanh(W_2 h_1 + b_2)"],
  },
  { name: "linear model: ‖Wx + b − y‖² in W and b", expr: "\\|W x + b - y\\|^2", wrt: ["W", "b"], text: ["2(Wx + b − y)xᵀ", "2(Wx + b − y)"] },
  { name: "several parameters through functions", expr: "u^T A v + x^T B x", wrt: ["theta", "phi"], let: ["A: matrix(theta)", "B: matrix(phi)", V, "phi: vector"], text: ["J_A(θ)ᵀ vec(uvᵀ)", "J_B(φ)ᵀ vec(xxᵀ)"] },
  { name: "a function and its parameter both asked for", expr: "u^T A v", wrt: ["A", "theta"], let: ["A: matrix(theta)", V], text: ["uvᵀ", "J_A(θ)ᵀ vec(uvᵀ)"] },
  { name: "a Jacobian and a gradient parameter together: W, b of σ(Wx + b)", expr: "sigmoid(W x + b)", wrt: ["W", "b"] },
];
