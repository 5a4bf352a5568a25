/**
 * Inputs as statisticians and ML engineers type them, without declarations
 * (issue 10), each with the reading its author means, stated as the `--let`
 * lines that pin it. test/reading.test.ts checks that the undeclared input is
 * read that way, gives a gradient, and gives the same gradient, numerically,
 * as the declared one; and that every departure from the letter conventions
 * has exactly one note, suggesting the reading used.
 */
export interface IntentCase {
  readonly id: string;
  /** Where the formula comes from. */
  readonly source: string;
  readonly expr: string;
  readonly wrt: string;
  /** The reading meant, as --let lines (every symbol whose shape is not already forced by an uppercase letter). */
  readonly meant: readonly string[];
  /** The gradient as printed, where the issue states it. */
  readonly printed?: string;
}

const ISSUE = "issue 10";
const ESL = "Hastie, Tibshirani & Friedman, The Elements of Statistical Learning (2nd ed.)";
const PRML = "Bishop, Pattern Recognition and Machine Learning (2006)";

export const INTENT_CASES: readonly IntentCase[] = [
  // ── the issue's examples ──
  { id: "mahalanobis", source: ISSUE, expr: "(x - \\mu)^T \\Sigma^{-1} (x - \\mu)", wrt: "x", meant: ["x: vector", "mu: vector"], printed: "(Σ⁻¹ + Σ⁻ᵀ)(x − μ)" },
  { id: "mu-quadratic", source: ISSUE, expr: "\\mu^T \\Sigma^{-1} \\mu", wrt: "mu", meant: ["mu: vector"] },
  { id: "theta-quadratic", source: ISSUE, expr: "theta^T A theta", wrt: "theta", meant: ["theta: vector"] },
  { id: "beta-gram", source: ISSUE, expr: "beta^T X^T X beta", wrt: "beta", meant: ["beta: vector"], printed: "2XᵀXβ" },
  { id: "bold-mu", source: ISSUE, expr: "\\boldsymbol{\\mu}^\\top \\boldsymbol{\\mu}", wrt: "mu", meant: ["mu: vector"], printed: "2μ" },
  { id: "gaussian-kernel", source: ISSUE, expr: "\\exp(-\\frac12 (x-\\mu)^T(x-\\mu))", wrt: "x", meant: ["x: vector", "mu: vector"] },
  { id: "logistic-natural", source: ISSUE, expr: "\\theta^\\top\\phi - \\log(1 + \\exp(\\theta^\\top\\phi))", wrt: "theta", meant: ["theta: vector", "phi: vector"] },
  { id: "logistic-loss", source: ISSUE, expr: "sum(log(1 + exp(-y .* (X w))))", wrt: "w", meant: ["y: vector", "w: vector"], printed: "−Xᵀ(y ⊙ σ(−y ⊙ Xw))" },
  { id: "softplus-sum", source: ISSUE, expr: "sum(log(1 + exp(A x)))", wrt: "x", meant: ["x: vector"] },
  { id: "sqrt-broadcast", source: ISSUE, expr: "sum(sqrt(1 + x.^2))", wrt: "x", meant: ["x: vector"] },
  { id: "least-squares-phi", source: ISSUE, expr: "\\|y - \\Phi\\theta\\|^2", wrt: "theta", meant: ["y: vector", "theta: vector"], printed: "−2Φᵀ(y − Φθ)" },
  { id: "log-det-bars", source: ISSUE, expr: "\\log|\\Sigma|", wrt: "Sigma", meant: [], printed: "Σ⁻ᵀ" },
  { id: "det-bars", source: ISSUE, expr: "|\\Sigma|", wrt: "Sigma", meant: [] },
  { id: "abs-bars", source: ISSUE, expr: "sum(|x|)", wrt: "x", meant: ["x: vector"], printed: "sign(x)" },
  { id: "one-norm-latex", source: ISSUE, expr: "\\|x\\|_1", wrt: "x", meant: ["x: vector"], printed: "sign(x)" },
  { id: "one-norm-unicode", source: ISSUE, expr: "‖x‖₁", wrt: "x", meant: ["x: vector"], printed: "sign(x)" },
  { id: "euler-e", source: ISSUE, expr: "e^{-x^T x/2}", wrt: "x", meant: ["x: vector"] },
  { id: "euler-mathrm", source: ISSUE, expr: "\\mathrm{e}^{a^T x}", wrt: "x", meant: ["a: vector", "x: vector"], printed: "exp(aᵀx)a" },
  { id: "tfrac", source: ISSUE, expr: "\\tfrac12 x^T x", wrt: "x", meant: ["x: vector"], printed: "x" },
  { id: "dfrac", source: ISSUE, expr: "\\dfrac{a^T x}{2}", wrt: "x", meant: ["a: vector", "x: vector"] },
  { id: "text-tr", source: ISSUE, expr: "\\text{tr}(A X)", wrt: "X", meant: [], printed: "Aᵀ" },
  { id: "textrm-tr", source: ISSUE, expr: "\\textrm{tr}(A X)", wrt: "X", meant: [], printed: "Aᵀ" },
  { id: "operatorname-Tr", source: ISSUE, expr: "\\operatorname{Tr}(A X)", wrt: "X", meant: [], printed: "Aᵀ" },
  { id: "intercal", source: ISSUE, expr: "x^\\intercal A x", wrt: "x", meant: ["x: vector"] },
  { id: "mathsf-T", source: "issue 10 (seed 004)", expr: "\\mathbf{x}^{\\mathsf{T}} A \\mathbf{x}", wrt: "x", meant: ["x: vector"] },
  { id: "tr-log-entrywise", source: ISSUE, expr: "tr(log X)", wrt: "X", meant: [] },
  // ── regression, classification, likelihoods ──
  { id: "ols-beta", source: `${ESL} eq. (3.3)`, expr: "(y - X\\beta)^T (y - X\\beta)", wrt: "beta", meant: ["y: vector", "beta: vector"], printed: "−2Xᵀ(y − Xβ)" },
  { id: "ridge", source: `${ESL} eq. (3.43)`, expr: "\\|y - X\\beta\\|^2 + \\lambda \\|\\beta\\|^2", wrt: "beta", meant: ["y: vector", "beta: vector", "lambda: scalar"] },
  { id: "lasso", source: `${ESL} eq. (3.52)`, expr: "\\frac12\\|y - X\\beta\\|_2^2 + \\lambda\\|\\beta\\|_1", wrt: "beta", meant: ["y: vector", "beta: vector", "lambda: scalar"] },
  { id: "linear-bias", source: "derived: affine score", expr: "w^T x + b", wrt: "w", meant: ["w: vector", "x: vector", "b: scalar"], printed: "x" },
  { id: "sigmoid-bias", source: "derived: logistic unit", expr: "sigmoid(w^T x + b)", wrt: "w", meant: ["w: vector", "x: vector", "b: scalar"] },
  { id: "cross-entropy", source: `${PRML} eq. (4.90)`, expr: "-y \\log(\\sigma(w^T x)) - (1 - y)\\log(1 - \\sigma(w^T x))", wrt: "w", meant: ["w: vector", "x: vector", "y: scalar"] },
  { id: "scaled-norm", source: "derived: weight decay", expr: "c x^T x", wrt: "x", meant: ["c: scalar", "x: vector"], printed: "2cx" },
  { id: "squared-residual", source: "derived: one-sample squared error", expr: "(y - w^T x)^2", wrt: "w", meant: ["y: scalar", "w: vector", "x: vector"] },
  { id: "half-least-squares", source: `${PRML} eq. (3.12)`, expr: "\\frac{1}{2}\\|X w - y\\|^2", wrt: "w", meant: ["w: vector", "y: vector"], printed: "Xᵀ(Xw − y)" },
  { id: "ridge-halves", source: `${PRML} eq. (3.27)`, expr: "\\tfrac12 \\|X w - y\\|^2 + \\frac{\\lambda}{2}\\|w\\|^2", wrt: "w", meant: ["w: vector", "y: vector", "lambda: scalar"] },
  { id: "gaussian-nll-mu", source: `${PRML} eq. (2.118)`, expr: "\\log|\\Sigma| + (x-\\mu)^T\\Sigma^{-1}(x-\\mu)", wrt: "mu", meant: ["x: vector", "mu: vector"] },
  { id: "gaussian-nll-Sigma", source: `${PRML} eq. (2.118)`, expr: "\\log|\\Sigma| + (x-\\mu)^T\\Sigma^{-1}(x-\\mu)", wrt: "Sigma", meant: ["x: vector", "mu: vector"] },
  { id: "gaussian-density-exponent", source: `${PRML} eq. (2.43)`, expr: "e^{-\\frac12 (x-\\mu)^T \\Sigma^{-1} (x-\\mu)}", wrt: "x", meant: ["x: vector", "mu: vector"] },
  { id: "exp-family", source: "derived: exponential family", expr: "\\mathrm{e}^{\\theta^\\top \\phi}", wrt: "theta", meant: ["theta: vector", "phi: vector"] },
  { id: "log-sum-exp", source: "derived: softmax normaliser", expr: "log(sum(exp(W x)))", wrt: "x", meant: ["x: vector"] },
  { id: "bold-one-norm", source: "derived: L1 penalty", expr: "\\|\\mathbf{x}\\|_1", wrt: "x", meant: ["x: vector"] },
  { id: "theta-one-norm", source: "derived: L1 penalty on θ", expr: "‖θ‖₁", wrt: "theta", meant: ["theta: vector"], printed: "sign(θ)" },
  { id: "theta-weight-decay", source: "derived: L2 penalty on θ", expr: "\\lambda \\|\\theta\\|^2", wrt: "theta", meant: ["theta: vector", "lambda: scalar"], printed: "2λθ" },
  { id: "mu-expand", source: "derived: expanded square", expr: "\\mu^T \\mu - 2 x^T \\mu", wrt: "mu", meant: ["mu: vector", "x: vector"] },
  { id: "bm-beta", source: "derived: linear functional", expr: "\\bm{\\beta}^\\top X^\\top y", wrt: "beta", meant: ["beta: vector", "y: vector"], printed: "Xᵀy" },
  { id: "phi-hadamard", source: "derived: sum of squares", expr: "sum(\\phi .* \\phi)", wrt: "phi", meant: ["phi: vector"] },
  { id: "wishart", source: `${PRML} eq. (2.155)`, expr: "\\operatorname{Tr}(\\Sigma^{-1} S) + \\log|\\Sigma|", wrt: "Sigma", meant: [] },
  { id: "frobenius-text", source: "derived: weight decay on W", expr: "\\text{tr}(W^T W)", wrt: "W", meant: [], printed: "2W" },
  { id: "ones-softplus", source: "derived: softplus of scores", expr: "\\mathbf{1}^T \\log(1 + \\exp(X w))", wrt: "w", meant: ["w: vector"] },
  { id: "centered-mathsf", source: "derived: squared distance", expr: "(x - \\mu)^{\\mathsf{T}} (x - \\mu)", wrt: "mu", meant: ["x: vector", "mu: vector"], printed: "−2(x − μ)" },
  { id: "noise-variance", source: `${PRML} eq. (3.11)`, expr: "\\frac{1}{2\\sigma^2}\\|y - X\\beta\\|^2", wrt: "beta", meant: ["y: vector", "beta: vector", "sigma: scalar"] },
  { id: "beta-norm", source: "derived: squared norm", expr: "\\|\\beta\\|^2", wrt: "beta", meant: ["beta: vector"], printed: "2β" },
  { id: "margin-loss", source: "derived: logistic loss with a ±1 label", expr: "-\\log\\sigma(y\\, w^T x)", wrt: "w", meant: ["y: scalar", "w: vector", "x: vector"] },
  { id: "kernel-quadratic", source: "derived: kernel ridge, αᵀKα", expr: "\\alpha^T K \\alpha", wrt: "alpha", meant: ["alpha: vector"] },
  { id: "poisson-nll", source: "derived: Poisson regression, one sample", expr: "\\exp(\\theta^\\top x) - y\\,\\theta^\\top x", wrt: "theta", meant: ["theta: vector", "x: vector", "y: scalar"] },
  { id: "poisson-glm", source: "McCullagh & Nelder, Generalized Linear Models (2nd ed.), §6.2: Poisson log-likelihood", expr: "y^T X \\beta - 1^T \\exp(X\\beta)", wrt: "beta", meant: ["y: vector", "beta: vector"], printed: "Xᵀ(y − exp(Xβ))" },
  { id: "ones-row-prime", source: "derived: sum of entries, 1'x", expr: "1' x", wrt: "x", meant: ["x: vector"], printed: "𝟏" },
  { id: "gaussian-loglik", source: "derived: Gaussian log-likelihood in β", expr: "-\\frac{n}{2}\\log(2\\pi\\sigma^2) - \\frac{1}{2\\sigma^2}\\|y - X\\beta\\|^2", wrt: "beta", meant: ["n: scalar", "y: vector", "beta: vector", "sigma: scalar"], printed: "Xᵀ(y − Xβ)/σ²" },
  { id: "prime-transpose", source: "derived: econometrics' prime", expr: "(y - X\\beta)'(y - X\\beta)", wrt: "beta", meant: ["y: vector", "beta: vector"], printed: "−2Xᵀ(y − Xβ)" },
  { id: "softmax-regression", source: `${PRML} eq. (4.108), one sample`, expr: "-y^T W x + \\log(1^T \\exp(W x))", wrt: "W", meant: ["y: vector", "x: vector"], printed: "(softmax(Wx) − y)xᵀ" },
  { id: "bilinear-greek", source: "derived: bilinear form αᵀKβ", expr: "\\alpha^T K \\beta", wrt: "alpha", meant: ["alpha: vector", "beta: vector"], printed: "Kβ" },
  { id: "log-partition", source: "derived: log-sum-exp with 𝟏ᵀ and e^{…}", expr: "\\log(\\mathbf{1}^\\top e^{W x})", wrt: "x", meant: ["x: vector"], printed: "Wᵀ softmax(Wx)" },
  { id: "tanh-unit", source: "derived: tanh unit", expr: "\\tanh(w^T x)", wrt: "w", meant: ["w: vector", "x: vector"] },
  { id: "matrix-least-squares", source: "derived: multivariate regression", expr: "\\|W x - y\\|^2", wrt: "W", meant: ["x: vector", "y: vector"], printed: "2(Wx − y)xᵀ" },
  { id: "mean-squared-error", source: "derived: mean squared error over N samples", expr: "\\frac{1}{2N} \\|y - X w\\|^2", wrt: "w", meant: ["N: scalar", "y: vector", "w: vector"], printed: "−Xᵀ(y − Xw)/N" },
  { id: "column-centring", source: "issue 17: column centring", expr: "\\|X - (1/N) X \\mathbf{1}\\mathbf{1}^\\top\\|_F^2", wrt: "X", meant: ["N: scalar"] },
  { id: "quadratic-over-count", source: "derived: empirical second moment", expr: "x^T A x / N", wrt: "x", meant: ["x: vector", "N: scalar"], printed: "(A + Aᵀ)x/N" },
  // a matrix inside a divisor that is a quadratic form, a scalar as a whole: A was read as a scalar, f as the constant 1/A, ∇ = 0
  { id: "rayleigh-inverse", source: "derived: inverse Rayleigh quotient", expr: "x^T x / (x^T A x)", wrt: "x", meant: ["x: vector", "A: matrix"], printed: "2x/(xᵀAx) − (xᵀx)(A + Aᵀ)x/(xᵀAx)²" },
  { id: "rayleigh-frac", source: "derived: generalised Rayleigh quotient", expr: "\\frac{x^\\top A x}{x^\\top B x}", wrt: "x", meant: ["x: vector", "A: matrix", "B: matrix"], printed: "(A + Aᵀ)x/(xᵀBx) − (xᵀAx)(B + Bᵀ)x/(xᵀBx)²" },
  { id: "count-beside-form", source: "derived: a count next to a quadratic form", expr: "\\frac{y^T y}{N \\, x^T x}", wrt: "x", meant: ["x: vector", "y: vector", "N: scalar"] },
  { id: "cross-entropy-indexed", source: `${PRML} eqs. (4.90)–(4.91)`, expr: "-\\sum_i [y_i \\log \\sigma(w^T x_i) + (1 - y_i)\\log(1 - \\sigma(w^T x_i))]", wrt: "w", meant: ["w: vector"], printed: "−Xᵀ(y − σ(Xw))" },
  { id: "softmax-cross-entropy-label", source: "CS231n, softmax classifier: Lᵢ = −log(e^{s_{yᵢ}}/Σⱼ e^{s_j})", expr: "-\\log \\frac{\\exp(s_y)}{\\sum_j \\exp(s_j)}", wrt: "s", meant: ["s: vector", "y: probability"], printed: "softmax(s) − y" },
  { id: "softmax-cross-entropy-scores", source: "CS231n, softmax classifier with scores Wx", expr: "-\\log \\frac{e^{(W x)_y}}{\\sum_j e^{(W x)_j}}", wrt: "W", meant: ["x: vector", "y: probability"], printed: "(softmax(Wx) − y)xᵀ" },
  { id: "log-softmax-entry", source: "derived: the cross-entropy as −log of the true class's probability", expr: "-\\log \\operatorname{softmax}(W x)_y", wrt: "W", meant: ["x: vector", "y: probability"], printed: "(softmax(Wx) − y)xᵀ" },
  { id: "multiclass-svm", source: "CS231n, multiclass SVM loss Σ_{j≠y} max(0, s_j − s_y + Δ)", expr: "\\sum_{j \\neq y} \\max(0, s_j - s_y + 1)", wrt: "s", meant: ["s: vector", "y: probability"], printed: "heaviside(s + (1 − yᵀs)𝟏) − (𝟏ᵀ heaviside(s + (1 − yᵀs)𝟏))y" },
  { id: "svm-hinge-indexed", source: `${ESL} eq. (12.25)`, expr: "\\frac{1}{2}\\|w\\|^2 + C\\sum_i \\max(0, 1 - y_i w^T x_i)", wrt: "w", meant: ["w: vector", "C: scalar"], printed: "w − CXᵀ(y ⊙ heaviside(𝟏 − y ⊙ Xw))" },
  // ── the Gaussian written as a distribution: 𝒩(x; μ, Σ), its covariance symmetric positive definite ──
  { id: "gaussian-log-mean", source: `${PRML} eq. (2.43)`, expr: "\\log \\mathcal{N}(x; \\mu, \\Sigma)", wrt: "mu", meant: ["x: vector", "mu: vector"], printed: "Σ⁻¹(x − μ)" },
  { id: "gaussian-log-covariance", source: `${PRML} eq. (2.118)`, expr: "\\log \\mathcal{N}(x \\mid \\mu, \\Sigma)", wrt: "Sigma", meant: ["x: vector", "mu: vector"], printed: "(Σ⁻¹(x − μ)(x − μ)ᵀΣ⁻¹ − Σ⁻¹)/2" },
  { id: "gaussian-density-unicode", source: `${PRML} eq. (2.43)`, expr: "𝒩(x; μ, Σ)", wrt: "x", meant: ["x: vector", "mu: vector"] },
  { id: "gaussian-regression", source: `${PRML} eq. (3.10)`, expr: "\\log N(y \\mid W x + b, \\sigma^2 I)", wrt: "W", meant: ["y: vector", "x: vector", "b: vector", "sigma: scalar"], printed: "(y − (Wx + b))xᵀ/σ²" },
  { id: "bayesian-linear-regression", source: `${PRML} eqs. (3.10), (3.52)`, expr: "\\log \\mathcal{N}(y; \\Phi w, \\beta^{-1} I) + \\log \\mathcal{N}(w; 0, \\alpha^{-1} I)", wrt: "w", meant: ["y: vector", "w: vector"], printed: "βΦᵀ(y − Φw) − αw" },
  { id: "gaussian-samples", source: `${PRML} eq. (2.118)`, expr: "\\sum_i \\log \\mathcal{N}(x_i; \\mu, \\Sigma)", wrt: "mu", meant: ["mu: vector"] },
  // ── quotients as typed: a divisor that begins with a transpose takes the product after it ──
  { id: "rayleigh-quotient", source: "Golub & Van Loan, Matrix Computations (4th ed.), §8.2.3", expr: "x^T A x / x^T x", wrt: "x", meant: ["x: vector"], printed: "(A + Aᵀ)x/(xᵀx) − 2(xᵀAx)x/(xᵀx)²" },
  { id: "rayleigh-quotient-ascii", source: "Golub & Van Loan, Matrix Computations (4th ed.), §8.2.3", expr: "x'*A*x / x'*x", wrt: "x", meant: ["x: vector"] },
  { id: "projection-coefficient", source: "Strang, Introduction to Linear Algebra (5th ed.), §4.2", expr: "a^T b / a^T a", wrt: "a", meant: ["a: vector", "b: vector"] },
];
