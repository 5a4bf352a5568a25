/**
 * Oracle corpus: Jacobians of vector- and matrix-valued functions and
 * derivatives by a scalar, in matdiff's input language (DESIGN.md §2), with
 * the closed form a textbook prints (issue 3).
 *
 * Every case is checked numerically outside the repository (central finite
 * differences on random inputs of distinct sizes, relative error < 1e-6); the
 * checker keeps one NumPy lambda pair (f, expected) per `id`, so ids are
 * stable and must not be reused.
 *
 * Conventions (DESIGN.md §1):
 * - vector f of a vector x: the m×n Jacobian J with df = J dx (numerator layout);
 * - otherwise J = ∂vec(F)/∂vec(X), vec stacking columns (column-major), so
 *   vec(A dX B) = (Bᵀ ⊗ A) vec(dX) (Matrix Cookbook §10.2.2) and
 *   vec(dXᵀ) = K vec(dX) with K the commutation matrix (Magnus & Neudecker §3.7);
 * - by a scalar t: the entrywise derivative, the shape of f.
 *
 * `expected` is written in the input language. The language has no spelling
 * for the commutation matrix, so in `expected` the letter `K` stands for
 * K_{m,n} of the m×n variable (K vec(dX) = vec(dXᵀ)): the runner substitutes
 * it after elaboration. Identities take the size the context gives them.
 * `expectedText` is the exact printed form (toText), given where `expected`
 * can't be written (the derivative Ẋ of a matrix X(t) has no input syntax; it
 * prints as X + U+0307 COMBINING DOT ABOVE, spelled "X\u0307" here) or
 * prints differently from it. Hadamard and Kronecker products bind looser
 * than the matrix product, so their operands are parenthesised where needed.
 *
 * `pending` marks a known gap: "form" = matdiff is right (every numeric check
 * must pass) but prints a form worse than the textbook's, which is what
 * `expected` holds, so only the printed comparison is expected to fail;
 * "unsupported" = matdiff refuses the input today. The runner uses `it.fails`
 * for exactly those assertions, so fixing the gap turns the test red until the
 * `pending` mark is removed.
 */

export type Pending =
  /** Right, but printed worse than the textbook; `on` says which printed form (default the result). */
  | { readonly kind: "form"; readonly reason: string; readonly on?: "result" | "secondDifferential" }
  /** matdiff refuses the input (throws). */
  | { readonly kind: "unsupported"; readonly reason: string };

export interface JacobianCase {
  /** Stable identifier, e.g. "mm-square". */
  id: string;
  /** Where the identity comes from: a book section, or "derived: ...". */
  source: string;
  /** The function, in matdiff's input language. */
  expr: string;
  /** The variable. */
  wrt: string;
  /** Declarations, as given to `--let`. */
  let?: string[];
  /** Definitions, as given to `--where`, in order. */
  where?: string[];
  /** "jacobian": vector or matrix f of a vector or matrix; "derivative": anything by a scalar. */
  kind: "jacobian" | "derivative";
  /** The result in the input language (`K` = commutation matrix of the variable), when expressible. */
  expected?: string;
  /** The result as toText prints it, when `expected` is absent or prints differently. */
  expectedText?: string;
  pending?: Pending;
  note?: string;
}

const MC = "Matrix Cookbook (2012-11-15)";
const MN = "Magnus & Neudecker, Matrix Differential Calculus (3rd ed., 2019)";
const VEC = `${MC} §10.2.2, vec(AXB) = (Bᵀ ⊗ A) vec(X)`;

export const JACOBIAN_CASES: JacobianCase[] = [
  // ───────────────────── vector f of a vector x: df = J dx ─────────────────────
  {
    id: "vv-affine-Ax",
    source: `${MN} ch. 9 (first identification theorem), ${MC} eq. (69) in Jacobian form`,
    expr: "A x",
    wrt: "x",
    kind: "jacobian",
    expected: "A",
  },
  {
    id: "vv-affine-Ax-plus-b",
    source: "derived: d(Ax + b) = A dx",
    expr: "A x + b",
    wrt: "x",
    kind: "jacobian",
    expected: "A",
  },
  {
    id: "vv-residual-b-minus-Ax",
    source: "derived: the residual r = b − Ax of least squares, dr = −A dx",
    expr: "b - A x",
    wrt: "x",
    kind: "jacobian",
    expected: "-A",
  },
  {
    id: "vv-composition-BAx",
    source: "derived: chain rule through an affine layer, d(B(Ax + b)) = BA dx",
    expr: "B (A x + b)",
    wrt: "x",
    kind: "jacobian",
    expected: "B A",
  },
  {
    id: "vv-normal-AtAx",
    source: "derived: the normal-equations operator, d(AᵀAx) = AᵀA dx",
    expr: "A^T A x",
    wrt: "x",
    kind: "jacobian",
    expected: "A^T A",
  },
  {
    id: "vv-sum-Ax-Bx",
    source: "derived: linearity of the differential",
    expr: "A x + B x",
    wrt: "x",
    kind: "jacobian",
    expected: "A + B",
  },
  {
    id: "vv-sigmoid-affine",
    source: "issue 3; DESIGN.md §1: d sigmoid(Wx + b)/dx = diag(σ′(Wx + b)) W, σ′ = σ(1 − σ)",
    expr: "sigmoid(W x + b)",
    wrt: "x",
    kind: "jacobian",
    expected: "diag(sigmoid(W x + b) .* (\\mathbf{1} - sigmoid(W x + b))) W",
  },
  {
    id: "vv-sigmoid-where",
    source: "derived: as vv-sigmoid-affine, stated in steps with a --where name",
    expr: "sigmoid(z)",
    wrt: "x",
    where: ["z = W x + b"],
    kind: "jacobian",
    expected: "diag(sigmoid(z) .* (\\mathbf{1} - sigmoid(z))) W",
  },
  {
    id: "vv-tanh-affine",
    source: "derived: elementwise f gives diag(f′), tanh′ = 1 − tanh²",
    expr: "tanh(A x)",
    wrt: "x",
    kind: "jacobian",
    expected: "diag(\\mathbf{1} - tanh(A x).^2) A",
  },
  {
    id: "vv-two-layer-tanh",
    source: "derived: backpropagation through a two-layer network, J = W₂ diag(1 − tanh²(W₁x)) W₁",
    expr: "W_2 tanh(W_1 x)",
    wrt: "x",
    kind: "jacobian",
    expected: "W_2 diag(\\mathbf{1} - tanh(W_1 x).^2) W_1",
  },
  {
    id: "vv-exp-affine",
    source: "derived: d exp(Ax) = exp(Ax) ⊙ A dx = diag(exp(Ax)) A dx",
    expr: "exp(A x)",
    wrt: "x",
    kind: "jacobian",
    expected: "diag(exp(A x)) A",
  },
  {
    id: "vv-A-sigmoid",
    source: "derived: d(A σ(x)) = A diag(σ′(x)) dx",
    expr: "A sigmoid(x)",
    wrt: "x",
    kind: "jacobian",
    expected: "A diag(sigmoid(x) .* (\\mathbf{1} - sigmoid(x)))",
  },
  {
    id: "vv-exp",
    source: "derived: elementwise exp, J = diag(exp(x))",
    expr: "exp(x)",
    wrt: "x",
    kind: "jacobian",
    expected: "diag(exp(x))",
  },
  {
    id: "vv-log",
    source: "derived: elementwise log, J = diag(1/x)",
    expr: "log(x)",
    wrt: "x",
    kind: "jacobian",
    expected: "diag(x.^{-1})",
    note: "diag(x.^{−1}) is diag(1 ⊘ x), as textbooks write the elementwise reciprocal (also diag(x)⁻¹).",
  },
  {
    id: "vv-sin",
    source: "derived: elementwise sin",
    expr: "sin(x)",
    wrt: "x",
    kind: "jacobian",
    expected: "diag(cos(x))",
  },
  {
    id: "vv-cos",
    source: "derived: elementwise cos",
    expr: "cos(x)",
    wrt: "x",
    kind: "jacobian",
    expected: "-diag(sin(x))",
  },
  {
    id: "vv-sqrt",
    source: "derived: elementwise sqrt, (√x)′ = 1/(2√x)",
    expr: "sqrt(x)",
    wrt: "x",
    kind: "jacobian",
    expected: "diag(x.^{-1/2})/2",
  },
  {
    id: "vv-softplus",
    source: "derived: softplus log(1 + eˣ) has derivative σ(x)",
    expr: "log(\\mathbf{1} + exp(x))",
    wrt: "x",
    kind: "jacobian",
    expected: "diag(sigmoid(x))",
  },
  {
    id: "vv-hadamard-xy",
    source: "issue 3: x ⊙ y wrt x → diag(y); DESIGN.md §1 Hadamard product rule",
    expr: "x .* y",
    wrt: "x",
    kind: "jacobian",
    expected: "diag(y)",
  },
  {
    id: "vv-hadamard-xx",
    source: "derived: d(x ⊙ x) = 2 x ⊙ dx",
    expr: "x .* x",
    wrt: "x",
    kind: "jacobian",
    expected: "2 diag(x)",
  },
  {
    id: "vv-hpower-2",
    source: "derived: elementwise square x.^2, same function as vv-hadamard-xx",
    expr: "x.^2",
    wrt: "x",
    kind: "jacobian",
    expected: "2 diag(x)",
  },
  {
    id: "vv-A-hadamard-xx",
    source: "derived: d(A(x ⊙ x)) = 2A diag(x) dx",
    expr: "A (x .* x)",
    wrt: "x",
    kind: "jacobian",
    expected: "2 A diag(x)",
  },
  {
    id: "vv-hadamard-x-Ax",
    source: "derived: d(x ⊙ Ax) = dx ⊙ Ax + x ⊙ A dx = (diag(Ax) + diag(x)A) dx",
    expr: "x .* (A x)",
    wrt: "x",
    kind: "jacobian",
    expected: "diag(A x) + diag(x) A",
  },
  {
    id: "vv-outer-xTa-b",
    source: "issue 3: (xᵀa) b wrt x → b aᵀ",
    expr: "(x^T a) b",
    wrt: "x",
    kind: "jacobian",
    expected: "b a^T",
  },
  {
    id: "vv-aTx-x",
    source: "derived: d((aᵀx)x) = x aᵀdx + (aᵀx) dx",
    expr: "(a^T x) x",
    wrt: "x",
    kind: "jacobian",
    expected: "x a^T + (a^T x) I",
  },
  {
    id: "vv-aTx-Ax",
    source: "derived: d((aᵀx)Ax) = Ax aᵀdx + (aᵀx) A dx",
    expr: "(a^T x) A x",
    wrt: "x",
    kind: "jacobian",
    expected: "A x a^T + (a^T x) A",
  },
  {
    id: "vv-projection",
    source: "derived: x − (aᵀx)a is linear with matrix I − aaᵀ (a projection when ‖a‖ = 1)",
    expr: "x - (a^T x) a",
    wrt: "x",
    kind: "jacobian",
    expected: "I - a a^T",
  },
  {
    id: "vv-normsq-times-x",
    source: "derived: d(‖x‖²x) = 2x xᵀdx + ‖x‖² dx",
    expr: "\\|x\\|^2 x",
    wrt: "x",
    kind: "jacobian",
    expected: "2 x x^T + \\|x\\|^2 I",
  },
  {
    id: "vv-normalize",
    source: `derived: d(x/‖x‖) = (I − xxᵀ/‖x‖²) dx/‖x‖, cf. ${MC} eq. (129) with a = 0`,
    expr: "x / \\|x\\|",
    wrt: "x",
    kind: "jacobian",
    expected: "I/\\|x\\| - x x^T/\\|x\\|^3",
  },
  {
    id: "vv-normalize-Ax",
    source: "issue 3: Ax/‖x‖; derived: (A/‖x‖)(I − xxᵀ/‖x‖²), expanded",
    expr: "A x / \\|x\\|",
    wrt: "x",
    kind: "jacobian",
    expected: "A/\\|x\\| - A x x^T/\\|x\\|^3",
  },
  {
    id: "vv-ratio-linear",
    source: "derived: quotient rule, d(x/(aᵀx)) = dx/(aᵀx) − x aᵀdx/(aᵀx)²",
    expr: "x / (a^T x)",
    wrt: "x",
    kind: "jacobian",
    expected: "I/(a^T x) - x a^T/(a^T x)^2",
  },
  {
    id: "vv-logistic-residual",
    source: "derived: Gauss–Newton Jacobian of the residual y − σ(Xw)",
    expr: "y - sigmoid(X w)",
    wrt: "w",
    kind: "jacobian",
    expected: "-diag(sigmoid(X w) .* (\\mathbf{1} - sigmoid(X w))) X",
  },

  // ───────────────── matrix F of a matrix X: ∂vec(F)/∂vec(X) ─────────────────
  {
    id: "mm-square",
    source: `issue 3; ${MN} ch. 9 (Jacobian of Xᵖ); ${VEC}`,
    expr: "X^2",
    wrt: "X",
    kind: "jacobian",
    expected: "I \\otimes X + X^T \\otimes I",
  },
  {
    id: "mm-cube",
    source: `issue 3; ${MN} ch. 9: ∂vec Xᵖ/∂vec X = Σ (Xᵀ)ᵖ⁻¹⁻ʲ ⊗ Xʲ`,
    expr: "X^3",
    wrt: "X",
    kind: "jacobian",
    expected: "I \\otimes X^2 + X^T \\otimes X + (X^T)^2 \\otimes I",
    note: "issue 3 writes the last term (X²)ᵀ ⊗ I; (Xᵀ)² is the same matrix, as Magnus & Neudecker write it.",
  },
  {
    id: "mm-fourth",
    source: `${MN} ch. 9: ∂vec Xᵖ/∂vec X = Σ_{j=0}^{p−1} (Xᵀ)ᵖ⁻¹⁻ʲ ⊗ Xʲ, p = 4`,
    expr: "X^4",
    wrt: "X",
    kind: "jacobian",
    expected: "I \\otimes X^3 + X^T \\otimes X^2 + (X^T)^2 \\otimes X + (X^T)^3 \\otimes I",
  },
  {
    id: "mm-inverse",
    source: `issue 3; ${MC} eq. (60), ∂(X⁻¹)_kl/∂X_ij = −(X⁻¹)_ki(X⁻¹)_jl; ${MN} ch. 9`,
    expr: "X^{-1}",
    wrt: "X",
    kind: "jacobian",
    expected: "-X^{-T} \\otimes X^{-1}",
  },
  {
    id: "mm-inverse-transpose",
    source: "derived: vec(d X⁻ᵀ) = K vec(dX⁻¹) = −K(X⁻ᵀ ⊗ X⁻¹) vec(dX)",
    expr: "X^{-T}",
    wrt: "X",
    kind: "jacobian",
    expected: "-K (X^{-T} \\otimes X^{-1})",
  },
  {
    id: "mm-inverse-square",
    source: "derived: d(X⁻²) = −X⁻¹dX X⁻² − X⁻²dX X⁻¹",
    expr: "X^{-2}",
    wrt: "X",
    kind: "jacobian",
    expected: "-X^{-T} \\otimes X^{-2} - (X^{-T})^2 \\otimes X^{-1}",
  },
  {
    id: "mm-AXB",
    source: `issue 3; ${VEC}`,
    expr: "A X B",
    wrt: "X",
    kind: "jacobian",
    expected: "B^T \\otimes A",
  },
  {
    id: "mm-AXtB",
    source: `derived: ${VEC} and vec(dXᵀ) = K vec(dX) (${MN} §3.7)`,
    expr: "A X^T B",
    wrt: "X",
    kind: "jacobian",
    expected: "(B^T \\otimes A) K",
  },
  {
    id: "mm-transpose",
    source: `issue 3; ${MN} §3.7: K vec(X) = vec(Xᵀ)`,
    expr: "X^T",
    wrt: "X",
    kind: "jacobian",
    expected: "K",
  },
  {
    id: "mm-XtX",
    source: `${MN} ch. 9 (Jacobian of XᵀX): (I ⊗ Xᵀ) + (Xᵀ ⊗ I)K`,
    expr: "X^T X",
    wrt: "X",
    kind: "jacobian",
    expected: "I \\otimes X^T + (X^T \\otimes I) K",
  },
  {
    id: "mm-RtR",
    source: "issue 3: RᵀR (R m×n) → (I ⊗ Rᵀ) + (Rᵀ ⊗ I)K",
    expr: "R^T R",
    wrt: "R",
    let: ["R: m x n"],
    kind: "jacobian",
    expected: "I \\otimes R^T + (R^T \\otimes I) K",
  },
  {
    id: "mm-XXt",
    source: `${MN} ch. 9 (Jacobian of XXᵀ): (I + K)(X ⊗ I), expanded`,
    expr: "X X^T",
    wrt: "X",
    kind: "jacobian",
    expected: "(I \\otimes X) K + X \\otimes I",
  },
  {
    id: "mm-XAX",
    source: `derived: d(XAX) = dX AX + XA dX, ${VEC}`,
    expr: "X A X",
    wrt: "X",
    kind: "jacobian",
    expected: "I \\otimes X A + X^T A^T \\otimes I",
  },
  {
    id: "mm-XtAX",
    source: `derived: d(XᵀAX) = dXᵀ AX + XᵀA dX, ${VEC}`,
    expr: "X^T A X",
    wrt: "X",
    kind: "jacobian",
    expected: "I \\otimes X^T A + (X^T A^T \\otimes I) K",
  },
  {
    id: "mm-AXinvB",
    source: `${MC} eq. (60) through A·B; ${VEC}`,
    expr: "A X^{-1} B",
    wrt: "X",
    kind: "jacobian",
    expected: "-B^T X^{-T} \\otimes A X^{-1}",
  },
  {
    id: "mm-similarity",
    source: "derived: d(X⁻¹AX) = −X⁻¹dX X⁻¹AX + X⁻¹A dX",
    expr: "X^{-1} A X",
    wrt: "X",
    kind: "jacobian",
    expected: "I \\otimes X^{-1} A - X^T A^T X^{-T} \\otimes X^{-1}",
  },
  {
    id: "mm-transpose-square",
    source: "derived: (Xᵀ)² = (X²)ᵀ, so J = K(I ⊗ X + Xᵀ ⊗ I) = (I ⊗ Xᵀ + X ⊗ I)K",
    expr: "(X^T)^2",
    wrt: "X",
    kind: "jacobian",
    expected: "(I \\otimes X^T + X \\otimes I) K",
  },
  {
    id: "mm-symmetric-part",
    source: `${MN} §3.7: vec(X + Xᵀ) = (I + K) vec(X) (= 2N_n)`,
    expr: "X + X^T",
    wrt: "X",
    kind: "jacobian",
    expected: "I + K",
  },
  {
    id: "mm-sylvester",
    source: `${MN} ch. 9 / ${VEC}: the Sylvester operator AX + XB has the Kronecker sum I ⊗ A + Bᵀ ⊗ I`,
    expr: "A X + X B",
    wrt: "X",
    kind: "jacobian",
    expected: "I \\otimes A + B^T \\otimes I",
  },
  {
    id: "mm-hadamard-XX",
    source: "issue 3: X ⊙ X → 2 diag(vec(X)); vec(A ⊙ dX) = diag(vec A) vec(dX)",
    expr: "X .* X",
    wrt: "X",
    kind: "jacobian",
    expected: "2 diag(vec(X))",
  },
  {
    id: "mm-hadamard-AX",
    source: "derived: vec(A ⊙ dX) = diag(vec A) vec(dX)",
    expr: "A .* X",
    wrt: "X",
    kind: "jacobian",
    expected: "diag(vec(A))",
  },
  {
    id: "mm-exp",
    source: "derived: elementwise exp of a matrix, diag(vec(exp(X)))",
    expr: "exp(X)",
    wrt: "X",
    kind: "jacobian",
    expected: "diag(vec(exp(X)))",
  },
  {
    id: "mm-sigmoid",
    source: "derived: elementwise σ of a matrix, diag(vec(σ(X) ⊙ (1 − σ(X))))",
    expr: "sigmoid(X)",
    wrt: "X",
    kind: "jacobian",
    expected: "diag(vec(sigmoid(X) .* (\\mathbf{1} - sigmoid(X))))",
  },
  {
    id: "mm-trace-times-A",
    source: "derived: d(tr(X) A) = tr(dX) A, vec = vec(A) vec(I)ᵀ vec(dX)",
    expr: "tr(X) A",
    wrt: "X",
    kind: "jacobian",
    expected: "vec(A) vec(I)^T",
  },
  {
    id: "mm-adjugate",
    source: `derived: adj(X) = det(X)X⁻¹, Jacobi's formula (${MC} eq. (42)) and eq. (60)`,
    expr: "det(X) X^{-1}",
    wrt: "X",
    kind: "jacobian",
    expected: "det(X) (vec(X^{-1}) vec(X^{-T})^T - X^{-T} \\otimes X^{-1})",
  },
  {
    id: "mm-vec",
    source: "derived: vec is linear, ∂vec(X)/∂vec(X) = I",
    expr: "vec(X)",
    wrt: "X",
    kind: "jacobian",
    expected: "I",
  },
  {
    id: "mm-symmetric-square",
    source: "derived: mm-square with X = Xᵀ; checked along symmetric directions dX",
    expr: "X^2",
    wrt: "X",
    let: ["X: symmetric"],
    kind: "jacobian",
    expected: "I \\otimes X + X \\otimes I",
  },

  // ───────────────────── vector f of a matrix X ─────────────────────
  {
    id: "vm-Xa",
    source: `issue 3: Xa → aᵀ ⊗ I; ${VEC} with B = a`,
    expr: "X a",
    wrt: "X",
    kind: "jacobian",
    expected: "a^T \\otimes I",
  },
  {
    id: "vm-Xta",
    source: `derived: dXᵀa = (aᵀdX)ᵀ = vec(aᵀ dX I), so J = I ⊗ aᵀ (${VEC})`,
    expr: "X^T a",
    wrt: "X",
    kind: "jacobian",
    expected: "I \\otimes a^T",
  },
  {
    id: "vm-AXb",
    source: `${VEC} with B = b`,
    expr: "A X b",
    wrt: "X",
    kind: "jacobian",
    expected: "b^T \\otimes A",
  },
  {
    id: "vm-AXtb",
    source: `derived: A dXᵀ b = A(bᵀdX)ᵀ, J = A ⊗ bᵀ (${VEC})`,
    expr: "A X^T b",
    wrt: "X",
    kind: "jacobian",
    expected: "A \\otimes b^T",
  },
  {
    id: "vm-Xinv-b",
    source: `${MC} eq. (60) applied to X⁻¹b; ${VEC}`,
    expr: "X^{-1} b",
    wrt: "X",
    kind: "jacobian",
    expected: "-b^T X^{-T} \\otimes X^{-1}",
  },
  {
    id: "vm-sigmoid-Xw",
    source: "derived: dσ(Xw) = diag(σ′(Xw)) dX w, vec(dX w) = (wᵀ ⊗ I) vec(dX)",
    expr: "sigmoid(X w)",
    wrt: "X",
    kind: "jacobian",
    expected: "diag(sigmoid(X w) .* (\\mathbf{1} - sigmoid(X w))) (w^T \\otimes I)",
  },
  {
    id: "vm-XtXa",
    source: "derived: d(XᵀXa) = dXᵀ Xa + Xᵀ dX a → I ⊗ aᵀXᵀ + aᵀ ⊗ Xᵀ",
    expr: "X^T X a",
    wrt: "X",
    kind: "jacobian",
    expectedText: "aᵀ ⊗ Xᵀ + I ⊗ aᵀXᵀ",
    note: "The textbook form can't be typed in: `a^T \\otimes X^T + I \\otimes a^T X^T` is rejected as a dimension mismatch (a Kronecker product with a row factor has rows 1·m, which elaboration does not unify with m). Checked numerically by finite differences here and against the textbook form by the NumPy oracle.",
  },

  // ───────────────────── matrix F of a vector x ─────────────────────
  {
    id: "mv-outer-xxT",
    source: `${MN} ch. 9: ∂vec(xxᵀ)/∂x = I ⊗ x + x ⊗ I`,
    expr: "x x^T",
    wrt: "x",
    kind: "jacobian",
    expected: "x \\otimes I + I \\otimes x",
  },
  {
    id: "mv-outer-xaT",
    source: `derived: vec(dx aᵀ) = (a ⊗ I) dx (${VEC})`,
    expr: "x a^T",
    wrt: "x",
    kind: "jacobian",
    expected: "a \\otimes I",
  },
  {
    id: "mv-outer-axT",
    source: `derived: vec(a dxᵀ) = dx ⊗ a = (I ⊗ a) dx (${VEC})`,
    expr: "a x^T",
    wrt: "x",
    kind: "jacobian",
    expected: "I \\otimes a",
  },
  {
    id: "mv-AxbT",
    source: `derived: vec(A dx bᵀ) = (b ⊗ A) dx (${VEC})`,
    expr: "A x b^T",
    wrt: "x",
    kind: "jacobian",
    expected: "b \\otimes A",
  },
  {
    id: "mv-xxTA",
    source: "derived: d(xxᵀA) = dx xᵀA + x dxᵀA → (Aᵀx ⊗ I) + (Aᵀ ⊗ x)",
    expr: "x x^T A",
    wrt: "x",
    kind: "jacobian",
    expected: "A^T x \\otimes I + A^T \\otimes x",
  },
  {
    id: "mv-expx-aT",
    source: "derived: d(exp(x)aᵀ) = diag(exp(x))dx aᵀ → (a ⊗ I) diag(exp(x))",
    expr: "exp(x) a^T",
    wrt: "x",
    kind: "jacobian",
    expected: "(a \\otimes I) diag(exp(x))",
    note: "equally a ⊗ diag(exp(x)) by the mixed-product rule; matdiff keeps the chain-rule factors.",
  },
  {
    id: "mv-diagx-A",
    source: "derived: diag(dx)A = (dx 𝟏ᵀ) ⊙ A, vec = diag(vec A)(𝟏 ⊗ I) dx",
    expr: "diag(x) A",
    wrt: "x",
    kind: "jacobian",
    expected: "diag(vec(A)) (\\mathbf{1} \\otimes I)",
    pending: { kind: "unsupported", reason: "throws 'Jacobians through diag(·) are not supported yet' (also diag(x) and diag(X) alone)" },
  },

  // ─────────────────────────── derivative by a scalar t ───────────────────────────
  {
    id: "dt-inverse",
    source: `issue 3; ${MC} eq. (59) with Y = A + tB`,
    expr: "(A + t B)^{-1}",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "-(A + t B)^{-1} B (A + t B)^{-1}",
  },
  {
    id: "dt-inverse-b",
    source: `${MC} eq. (59), applied to a vector: the sensitivity of the solution of (A + tB)y = b`,
    expr: "(A + t B)^{-1} b",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "-(A + t B)^{-1} B (A + t B)^{-1} b",
  },
  {
    id: "dt-resolvent",
    source: `${MC} eq. (59) with Y = A + tI: d(A + tI)⁻¹/dt = −(A + tI)⁻²`,
    expr: "(A + t I)^{-1}",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "-(A + t I)^{-2}",
  },
  {
    id: "dt-det",
    source: `issue 3; ${MC} eq. (46) (Jacobi's formula) with Y = A + tB`,
    expr: "det(A + t B)",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "det(A + t B) tr((A + t B)^{-1} B)",
  },
  {
    id: "dt-logdet",
    source: `${MC} eq. (43) with dX = B dt`,
    expr: "log det(A + t B)",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "tr((A + t B)^{-1} B)",
  },
  {
    id: "dt-trace-inverse",
    source: `${MC} eq. (59) under the trace`,
    expr: "tr((A + t B)^{-1})",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "-tr((A + t B)^{-1} B (A + t B)^{-1})",
  },
  {
    id: "dt-exp-times-A",
    source: "issue 3: exp(t) A",
    expr: "exp(t) A",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "exp(t) A",
  },
  {
    id: "dt-square",
    source: `${MC} eq. (37) (product rule) with X = Y = A + tB: order kept, products do not commute`,
    expr: "(A + t B)^2",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "B (A + t B) + (A + t B) B",
  },
  {
    id: "dt-quadratic-form",
    source: "derived: xᵀ(A + tB)x is affine in t",
    expr: "x^T (A + t B) x",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "x^T B x",
  },
  {
    id: "dt-quadratic-inverse",
    source: `${MC} eq. (59) inside a quadratic form`,
    expr: "x^T (A + t B)^{-1} x",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "-x^T (A + t B)^{-1} B (A + t B)^{-1} x",
  },
  {
    id: "dt-cubic",
    source: "derived: power rule",
    expr: "t^3 x",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "3 t^2 x",
  },
  {
    id: "dt-sigmoid",
    source: "derived: d σ(tx)/dt = x ⊙ σ(tx) ⊙ (1 − σ(tx))",
    expr: "sigmoid(t x)",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "x .* sigmoid(t x) .* (\\mathbf{1} - sigmoid(t x))",
  },
  {
    id: "dt-polynomial",
    source: "derived: a matrix polynomial in t",
    expr: "A + t B + t^2 C",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "B + 2 t C",
  },
  {
    id: "dt-exp-elementwise",
    source: "derived: elementwise exp(tA), d/dt = A ⊙ exp(tA) (not the matrix exponential)",
    expr: "exp(t A)",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "A .* exp(t A)",
  },
  {
    id: "dt-line-normsq",
    source: "derived: line search, d‖a + tb‖²/dt = 2(a + tb)ᵀb",
    expr: "\\|a + t b\\|^2",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "2 (a + t b)^T b",
  },
  {
    id: "dt-sin-times-x",
    source: "derived",
    expr: "sin(t) x",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "cos(t) x",
  },
  {
    id: "dt-decay",
    source: "derived: exponential decay",
    expr: "exp(-t) x",
    wrt: "t",
    let: ["t: scalar"],
    kind: "derivative",
    expected: "-exp(-t) x",
  },
  {
    id: "dt-greek-scalar",
    source: "derived: a lowercase Greek letter is a scalar by convention (DESIGN.md §2)",
    expr: "alpha^2 A",
    wrt: "alpha",
    kind: "derivative",
    expected: "2 alpha A",
  },
  {
    id: "dt-Xt-logdet",
    source: `issue 3: log det X(t) → tr(X⁻¹Ẋ); ${MC} eq. (43)`,
    expr: "log det X",
    wrt: "t",
    let: ["X: matrix(t)", "t: scalar"],
    kind: "derivative",
    expectedText: "tr(X⁻¹X\u0307)",
  },
  {
    id: "dt-Xt-inverse",
    source: `${MC} eq. (59) for a matrix X(t)`,
    expr: "X^{-1}",
    wrt: "t",
    let: ["X: matrix(t)", "t: scalar"],
    kind: "derivative",
    expectedText: "−X⁻¹X\u0307X⁻¹",
  },
  {
    id: "dt-Xt-det",
    source: `${MC} eq. (46) for a matrix X(t)`,
    expr: "det(X)",
    wrt: "t",
    let: ["X: matrix(t)", "t: scalar"],
    kind: "derivative",
    expectedText: "det(X) tr(X⁻¹X\u0307)",
  },
  {
    id: "dt-Xt-trace-square",
    source: "derived: d tr(X²)/dt = tr(ẊX + XẊ) = 2 tr(ẊX)",
    expr: "tr(X^2)",
    wrt: "t",
    let: ["X: matrix(t)", "t: scalar"],
    kind: "derivative",
    expectedText: "2 tr(X\u0307X)",
  },
];
