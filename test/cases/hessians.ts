/**
 * Oracle corpus: Hessians (`hessian: true`, CLI --hessian) of scalar
 * functions, in matdiff's input language, with the closed form a textbook
 * prints (issue 3, item 4).
 *
 * Layout (DESIGN.md §1): for a vector x the n×n H with d²f = dxᵀ H dx; for an
 * m×n matrix X the mn×mn H with d²f = vec(dX)ᵀ H vec(dX), column-major vec,
 * and the second differential d²f[dX, dX] as a bilinear form; for a scalar
 * variable the second derivative f″.
 *
 * Every case is checked numerically outside the repository: an independently
 * hand-coded gradient against finite differences of f, the expected H against
 * finite differences of that gradient and against second differences of f,
 * and the expected bilinear form against both (relative error < 1e-6). Ids
 * are stable.
 *
 * `expected`, `expectedText` and `pending` as in ./jacobians.ts (`K` in
 * `expected` is the commutation matrix of the variable). For a matrix
 * variable `secondDifferentialText` is d²f[dX, dX] exactly as printed; the
 * input language has no `dX`, so it is compared as text, and numerically
 * against vec(dX)ᵀ H vec(dX) by the runner.
 */
import type { Pending } from "./jacobians.js";
import { MC, MN, type CaseInput } from "./case.js";

export interface HessianCase extends CaseInput {
  /** The Hessian in the input language (`K` = commutation matrix of the variable). */
  expected?: string;
  /** The Hessian as toText prints it, when `expected` is absent or prints differently. */
  expectedText?: string;
  /** d²f[dX, dX] as printed, for a matrix variable. */
  secondDifferentialText?: string;
  pending?: Pending;
}


export const HESSIAN_CASES: HessianCase[] = [
  // ───────────────────────────── vector variable ─────────────────────────────
  {
    id: "h-quadratic",
    source: `issue 3; DESIGN.md §1: ∇²(xᵀBx) = B + Bᵀ; ${MC} eq. (81) differentiated once more`,
    expr: "x^T B x",
    wrt: "x",
    expected: "B + B^T",
  },
  {
    id: "h-quadratic-symmetric",
    source: `${MC} eq. (81) with B symmetric, differentiated once more`,
    expr: "x^T S x",
    wrt: "x",
    let: ["S: symmetric"],
    expected: "2 S",
  },
  {
    id: "h-quadratic-affine",
    source: `${MC} eqs. (96)–(97), differentiated once more: linear and constant terms drop out`,
    expr: "x^T A x + a^T x + gamma",
    wrt: "x",
    expected: "A + A^T",
  },
  {
    id: "h-half-quadratic",
    source: "derived: the quadratic model ½xᵀAx − bᵀx of optimisation has Hessian (A + Aᵀ)/2",
    expr: "1/2 x^T A x - b^T x",
    wrt: "x",
    expected: "(A + A^T)/2",
  },
  {
    id: "h-least-squares",
    source: "issue 3: ‖Ax − b‖² → 2AᵀA (the Gauss–Newton matrix is exact for linear least squares)",
    expr: "\\|A x - b\\|^2",
    wrt: "x",
    expected: "2 A^T A",
  },
  {
    id: "h-least-squares-where",
    source: "derived: as h-least-squares, stated with a --where residual",
    expr: "\\|e\\|^2",
    wrt: "x",
    where: ["e = A x - b"],
    expected: "2 A^T A",
  },
  {
    id: "h-norm-Ax",
    source: "derived: ‖Ax‖² = xᵀAᵀAx",
    expr: "\\|A x\\|^2",
    wrt: "x",
    expected: "2 A^T A",
  },
  {
    id: "h-ridge",
    source: "derived: ridge regression, ∇² = 2(XᵀX + λI)",
    expr: "\\|X w - y\\|^2 + lambda \\|w\\|^2",
    wrt: "w",
    expected: "2 (X^T X + lambda I)",
  },
  {
    id: "h-ridge-x",
    source: "derived: Tikhonov regularisation, ∇² = 2(AᵀA + λI)",
    expr: "\\|A x - b\\|^2 + lambda \\|x\\|^2",
    wrt: "x",
    expected: "2 (A^T A + lambda I)",
  },
  {
    id: "h-logistic",
    source: "issue 3: logistic loss → Xᵀ diag(σ ⊙ (1 − σ)) X (Bishop, PRML §4.3.3, the IRLS Hessian)",
    expr: "sum(log(\\mathbf{1} + exp(X w))) - y^T X w",
    wrt: "w",
    expected: "X^T diag(sigmoid(X w) .* (\\mathbf{1} - sigmoid(X w))) X",
  },
  {
    id: "h-logistic-margin",
    source: "derived: logistic loss in margin form Σ log(1 + exp(−yᵢxᵢᵀw)); y.^2 = 1 for labels ±1",
    expr: "sum(log(\\mathbf{1} + exp(-y .* (X w))))",
    wrt: "w",
    expected: "X^T diag(sigmoid(-y .* (X w)) .* y.^2 .* (\\mathbf{1} - sigmoid(-y .* (X w)))) X",
  },
  {
    id: "h-linear",
    source: "derived: a linear function has zero Hessian",
    expr: "a^T x",
    wrt: "x",
    expected: "0",
  },
  {
    id: "h-square-linear",
    source: "derived: (aᵀx)² has gradient 2(aᵀx)a",
    expr: "(a^T x)^2",
    wrt: "x",
    expected: "2 a a^T",
  },
  {
    id: "h-normsq",
    source: "derived: ‖x‖² = xᵀx",
    expr: "\\|x\\|^2",
    wrt: "x",
    expected: "2 I",
  },
  {
    id: "h-norm",
    source: `derived: ∇‖x‖ = x/‖x‖ (${MC} eq. (129) with a = 0), ∇²‖x‖ = (I − xxᵀ/‖x‖²)/‖x‖, expanded`,
    expr: "\\|x\\|",
    wrt: "x",
    expected: "I/\\|x\\| - x x^T/\\|x\\|^3",
  },
  {
    id: "h-norm-fourth",
    source: "derived: ∇‖x‖⁴ = 4‖x‖²x",
    expr: "\\|x\\|^4",
    wrt: "x",
    expected: "4 (2 x x^T + \\|x\\|^2 I)",
  },
  {
    id: "h-sum-exp",
    source: "derived: Σ exp(xᵢ) is separable",
    expr: "sum(exp(x))",
    wrt: "x",
    expected: "diag(exp(x))",
  },
  {
    id: "h-exp-linear",
    source: "derived: ∇ exp(aᵀx) = exp(aᵀx) a",
    expr: "exp(a^T x)",
    wrt: "x",
    expected: "exp(a^T x) a a^T",
  },
  {
    id: "h-log-linear",
    source: "derived: ∇ log(aᵀx) = a/(aᵀx) (the log barrier)",
    expr: "log(a^T x)",
    wrt: "x",
    expected: "-a a^T/(a^T x)^2",
  },
  {
    id: "h-sum-log",
    source: "derived: the log barrier Σ log xᵢ, ∇² = −diag(1/xᵢ²)",
    expr: "sum(log(x))",
    wrt: "x",
    expected: "-diag(x.^{-2})",
  },
  {
    id: "h-sum-cube",
    source: "derived: Σ xᵢ³ is separable",
    expr: "sum(x .* x .* x)",
    wrt: "x",
    expected: "6 diag(x)",
  },
  {
    id: "h-logsumexp",
    source: "derived: log-sum-exp, ∇² = diag(p) − ppᵀ with p = softmax(x) = exp(x)/sum(exp(x)) (Boyd & Vandenberghe §3.1.5)",
    expr: "log(sum(exp(x)))",
    wrt: "x",
    expected: "diag(softmax(x)) - softmax(x) softmax(x)^T",
  },
  {
    id: "h-sum-sigmoid",
    source: "derived: σ″ = σ(1 − σ)(1 − 2σ)",
    expr: "sum(sigmoid(x))",
    wrt: "x",
    expected: "diag(sigmoid(x) .* (\\mathbf{1} - sigmoid(x)) .* (\\mathbf{1} - 2 sigmoid(x)))",
  },
  {
    id: "h-rayleigh",
    source: "derived: the Rayleigh quotient xᵀSx/xᵀx (S symmetric), quotient rule twice, expanded",
    expr: "x^T S x / (x^T x)",
    wrt: "x",
    let: ["S: symmetric"],
    expected: "2 S/(x^T x) + 8 (x^T S x) x x^T/(x^T x)^3 - 4 S x x^T/(x^T x)^2 - 4 x x^T S/(x^T x)^2 - 2 (x^T S x) I/(x^T x)^2",
  },
  {
    id: "h-gaussian-mean",
    source: `derived: the Mahalanobis term of a Gaussian log-likelihood, ${MC} eq. (86) with W = S⁻¹, differentiated once more`,
    expr: "(x - m)^T S^{-1} (x - m)",
    wrt: "m",
    let: ["S: posdef"],
    expected: "2 S^{-1}",
  },

  // ───────────────── matrix variable: H is mn×mn on vec(dX) ─────────────────
  {
    id: "h-logdet",
    source: `issue 3; ${MN} ch. 10: d² log det X = −tr(X⁻¹dX X⁻¹dX), H = −K(X⁻ᵀ ⊗ X⁻¹)`,
    expr: "log det(X)",
    wrt: "X",
    expected: "-K (X^{-T} \\otimes X^{-1})",
    secondDifferentialText: "−tr(X⁻¹ dX X⁻¹ dX)",
  },
  {
    id: "h-det",
    source: `issue 3; DESIGN.md §1; ${MN} ch. 10: d² det X = det(X)((tr X⁻¹dX)² − tr(X⁻¹dX X⁻¹dX))`,
    expr: "det(X)",
    wrt: "X",
    expected: "det(X) (vec(X^{-T}) vec(X^{-T})^T - K (X^{-T} \\otimes X^{-1}))",
    secondDifferentialText: "det(X)(tr(X⁻¹ dX)² − tr(X⁻¹ dX X⁻¹ dX))",
  },
  {
    id: "h-trace-XtAX",
    source: `${MC} eq. (108) (∇ tr(XᵀBX) = (B + Bᵀ)X), differentiated once more; ${MN} ch. 10`,
    expr: "tr(X^T A X)",
    wrt: "X",
    expected: "I \\otimes (A + A^T)",
    secondDifferentialText: "2 tr((dX)ᵀA dX)",
  },
  {
    id: "h-trace-XAXt",
    source: "derived: ∇ tr(XAXᵀ) = X(A + Aᵀ), vec(dX(A + Aᵀ)) = ((A + Aᵀ)ᵀ ⊗ I) vec(dX)",
    expr: "tr(X A X^T)",
    wrt: "X",
    expected: "(A + A^T) \\otimes I",
    secondDifferentialText: "2 tr(dX A(dX)ᵀ)",
  },
  {
    id: "h-trace-XtXA",
    source: "derived: tr(XᵀXA) = tr(XAXᵀ), so the same Hessian as h-trace-XAXt",
    expr: "tr(X^T X A)",
    wrt: "X",
    expected: "(A + A^T) \\otimes I",
    secondDifferentialText: "2 tr((dX)ᵀ dX A)",
  },
  {
    id: "h-trace-square",
    source: `derived: ∇ tr(X²) = 2Xᵀ (${MC} eq. (106)), vec(2 dXᵀ) = 2K vec(dX)`,
    expr: "tr(X^2)",
    wrt: "X",
    expected: "2 K",
    secondDifferentialText: "2 tr((dX)²)",
  },
  {
    id: "h-trace-cube",
    source: `derived: ∇ tr(X³) = 3(X²)ᵀ (${MC} eq. (121) with k = 3); d² tr(X³) = 6 tr(X (dX)²)`,
    expr: "tr(X^3)",
    wrt: "X",
    expected: "3 (X \\otimes I + I \\otimes X^T) K",
    secondDifferentialText: "6 tr(X(dX)²)",
  },
  {
    id: "h-trace-AXBX",
    source: `${MC} eq. (114) (∇ tr(AXBX) = AᵀXᵀBᵀ + BᵀXᵀAᵀ), differentiated once more`,
    expr: "tr(A X B X)",
    wrt: "X",
    expected: "(B \\otimes A^T + A \\otimes B^T) K",
    secondDifferentialText: "2 tr(A dX B dX)",
  },
  {
    id: "h-trace-XtX",
    source: `derived: tr(XᵀX) = ‖X‖²_F, ∇ = 2X (${MC} eq. (115))`,
    expr: "tr(X^T X)",
    wrt: "X",
    expected: "2 I",
    secondDifferentialText: "2 tr((dX)ᵀ dX)",
  },
  {
    id: "h-frobenius-affine",
    source: `derived: ‖AXB − C‖²_F, ∇ = 2Aᵀ(AXB − C)Bᵀ (${MC} eq. (119)), H = 2(BBᵀ ⊗ AᵀA) (§10.2.2)`,
    expr: "\\|A X B - C\\|_F^2",
    wrt: "X",
    expected: "2 (B B^T \\otimes A^T A)",
    secondDifferentialText: "2 tr(Bᵀ(dX)ᵀAᵀA dX B)",
  },
  {
    id: "h-least-squares-W",
    source: "derived: a linear layer's squared error, ∇_W = 2(Wx − y)xᵀ, H = 2(xxᵀ ⊗ I)",
    expr: "\\|W x - y\\|^2",
    wrt: "W",
    expected: "2 (x x^T \\otimes I)",
    secondDifferentialText: "2xᵀ(dW)ᵀ dW x",
  },
  {
    id: "h-trace-inverse",
    source: `derived: ∇ tr(X⁻¹) = −(X⁻ᵀ)² (${MC} eq. (63) with A = B = I); d∇ = X⁻ᵀdXᵀX⁻ᵀX⁻ᵀ + X⁻ᵀX⁻ᵀdXᵀX⁻ᵀ, (A ⊗ B)K = K(B ⊗ A)`,
    expr: "tr(X^{-1})",
    wrt: "X",
    expected: "K (X^{-T} \\otimes X^{-2} + (X^{-T})^2 \\otimes X^{-1})",
    secondDifferentialText: "2 tr(X⁻¹ dX X⁻¹ dX X⁻¹)",
  },
  {
    id: "h-bilinear-inverse",
    source: `derived: ∇ aᵀX⁻¹b = −X⁻ᵀabᵀX⁻ᵀ (${MC} eq. (61)), differentiated once more; (A ⊗ B)K = K(B ⊗ A)`,
    expr: "a^T X^{-1} b",
    wrt: "X",
    expected: "K (X^{-T} \\otimes X^{-1} b a^T X^{-1} + X^{-T} a b^T X^{-T} \\otimes X^{-1})",
    secondDifferentialText: "2aᵀX⁻¹ dX X⁻¹ dX X⁻¹b",
  },
  {
    id: "h-linear-matrix",
    source: `${MC} eq. (70) (∇ aᵀXb = abᵀ, constant): zero Hessian`,
    expr: "a^T X b",
    wrt: "X",
    expected: "0",
    secondDifferentialText: "0",
  },
  {
    id: "h-logdet-gram",
    source: "derived: ∇ log det(XᵀX) = 2X(XᵀX)⁻¹ (X of full column rank); with M = (XᵀX)⁻¹, H = 2(M ⊗ (I − XMXᵀ)) − 2(MXᵀ ⊗ XM)K",
    expr: "log det(X^T X)",
    wrt: "X",
    expected: "2 ((X^T X)^{-1} \\otimes (I - X (X^T X)^{-1} X^T)) - 2 ((X^T X)^{-1} X^T \\otimes X (X^T X)^{-1}) K",
    secondDifferentialText: "tr((XᵀX)⁻¹(2(dX)ᵀ dX − ((dX)ᵀX + Xᵀ dX)(XᵀX)⁻¹((dX)ᵀX + Xᵀ dX)))",
  },

  // ───────────────────────────── scalar variable: f″ ─────────────────────────────
  {
    id: "h-alpha-cube",
    source: "issue 3 brief: α³ → 6α",
    expr: "alpha^3",
    wrt: "alpha",
    expected: "6 alpha",
  },
  {
    id: "h-exp-alpha-linear",
    source: "derived: exp(α) aᵀx is its own second derivative",
    expr: "exp(alpha) a^T x",
    wrt: "alpha",
    expected: "exp(alpha) a^T x",
  },
  {
    id: "h-alpha-squared-quadratic",
    source: "derived: α² xᵀAx",
    expr: "alpha^2 x^T A x",
    wrt: "alpha",
    expected: "2 x^T A x",
  },
  {
    id: "h-softplus-alpha",
    source: "derived: softplus log(1 + e^α) has f′ = σ(α) and f″ = σ(α)(1 − σ(α))",
    expr: "log(1 + exp(alpha))",
    wrt: "alpha",
    expected: "sigmoid(alpha) (1 - sigmoid(alpha))",
    expectedText: "σ(α)(1 − σ(α))",
  },
  {
    id: "h-sin-plus-square",
    source: "derived: (sin α + α²)″ = 2 − sin α",
    expr: "sin(alpha) + alpha^2",
    wrt: "alpha",
    expected: "2 - sin(alpha)",
    expectedText: "2 − sin(α)",
  },
  {
    id: "h-reciprocal",
    source: "derived: (1/α)″ = 2/α³",
    expr: "1/alpha",
    wrt: "alpha",
    expected: "2/alpha^3",
  },
  {
    id: "h-sqrt-alpha",
    source: "derived: (α^{1/2})″ = −α^{−3/2}/4",
    expr: "sqrt(alpha)",
    wrt: "alpha",
    expected: "-1/(4 alpha^{3/2})",
  },
];
