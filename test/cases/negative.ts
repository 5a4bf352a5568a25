/**
 * Negative oracle corpus: plausible but wrong gradients that a correct engine
 * must never produce and a numeric check must reject.
 *
 * Each `wrong` answer was evaluated on random inputs against central finite
 * differences and differs from the true gradient by a relative error > 1e-2
 * (the checker keeps one NumPy lambda per `id`). The usual mistakes are here:
 * dropped transposes, `d(A^2) = 2 A dA`, `tr(ABC) = tr(ACB)`, ignoring that a
 * matrix is not symmetric, mixing the two conventions for symmetric variables,
 * and two misprints of the 2012 Matrix Cookbook.
 */

import { MC, type CaseInput } from "./case.js";

export interface NegativeCase extends CaseInput {
  /** The plausible but wrong gradient. */
  wrong: string;
  /** Only for a symmetric `wrt`: the convention under which `wrong` is judged (default "sym"). */
  symmetric?: "sym" | "cookbook";
}


export const NEGATIVE_CASES: NegativeCase[] = [
  {
    id: "neg-tr-Ainv-B-untransposed",
    source: `${MC} eq. (63)`,
    expr: "tr(A^{-1} B)",
    wrt: "A",
    wrong: "-A^{-1} B A^{-1}",
    note: "Transposes dropped; right: -A^{-T} B^T A^{-T}.",
  },
  {
    id: "neg-quadratic-form-nonsymmetric",
    source: `${MC} eq. (81)`,
    expr: "x^T B x",
    wrt: "x",
    wrong: "2 B x",
    note: "Only valid for symmetric B; right: (B + B^T) x.",
  },
  {
    id: "neg-det-untransposed",
    source: `${MC} eq. (49)`,
    expr: "det(X)",
    wrt: "X",
    wrong: "det(X) X^{-1}",
    note: "Right: det(X) X^{-T}.",
  },
  {
    id: "neg-logdet-untransposed",
    source: `${MC} eq. (57)`,
    expr: "log det(X)",
    wrt: "X",
    wrong: "X^{-1}",
    note: "Right: X^{-T} (X is not symmetric).",
  },
  {
    id: "neg-aT-X-b-transposed",
    source: `${MC} eq. (70)`,
    expr: "a^T X b",
    wrt: "X",
    let: ["X: square"],
    wrong: "b a^T",
    note: "Layout confusion (numerator layout, transposed); right: a b^T. X square so the shapes agree.",
  },
  {
    id: "neg-tr-A2-C-commuting",
    source: "derived: d(A^2) = dA A + A dA, not 2 A dA",
    expr: "tr(A^2 C)",
    wrt: "A",
    wrong: "2 A^T C^T",
    note: "Treats d(A^2) as 2 A dA; right: C^T A^T + A^T C^T.",
  },
  {
    id: "neg-tr-X3-missing-transpose",
    source: `${MC} eq. (121)`,
    expr: "tr(X^3)",
    wrt: "X",
    wrong: "3 X^2",
    note: "Right: 3 (X^T)^2.",
  },
  {
    id: "neg-tr-XBC-cyclic-swap",
    source: "derived: tr(ABC) = tr(CAB) but tr(ABC) ≠ tr(ACB)",
    expr: "tr(X B C)",
    wrt: "X",
    let: ["B: square", "C: square"],
    wrong: "B^T C^T",
    note: "The gradient of tr(X C B); right: C^T B^T.",
  },
  {
    id: "neg-aT-Xinv-b-untransposed",
    source: `${MC} eq. (61)`,
    expr: "a^T X^{-1} b",
    wrt: "X",
    wrong: "-X^{-1} a b^T X^{-1}",
    note: "Right: -X^{-T} a b^T X^{-T}.",
  },
  {
    id: "neg-weighted-nonsymmetric-W",
    source: `${MC} eq. (84)`,
    expr: "(x - A s)^T W (x - A s)",
    wrt: "s",
    let: ["A: m x n"],
    wrong: "-2 A^T W (x - A s)",
    note: "Eq. (84) assumes W symmetric; here it is not. Right: -A^T (W + W^T) (x - A s).",
  },
  {
    id: "neg-least-squares-wrt-A-transposed",
    source: "derived: ‖Ax − y‖² wrt A",
    expr: "\\|A x - y\\|^2",
    wrt: "A",
    let: ["A: square"],
    wrong: "2 x (A x - y)^T",
    note: "Transposed; right: 2 (A x - y) x^T. A square so the shapes agree.",
  },
  {
    id: "neg-norm-wrong-power",
    source: `${MC} eq. (129)`,
    expr: "\\|x\\|",
    wrt: "x",
    wrong: "\\frac{x}{\\|x\\|^2}",
    note: "Right: x / ‖x‖.",
  },
  {
    id: "neg-sigmoid-missing-derivative",
    source: "derived: σ' = σ ⊙ (1 − σ)",
    expr: "x^T sigmoid(y)",
    wrt: "y",
    wrong: "x .* sigmoid(y)",
    note: "Chain rule stopped early; right: x .* sigmoid(y) .* (\\mathbf{1} - sigmoid(y)).",
  },
  {
    id: "neg-cookbook-92-as-printed",
    source: `${MC} eq. (92) with n = 2, as printed`,
    expr: "a^T (X^2)^T X^2 b",
    wrt: "X",
    wrong: "X a b^T (X^T)^2 + X^2 a b^T X^T + a b^T (X^T)^2 X + X^T X^2 a b^T",
    note: "The printed first summand X^{n-1-r} a b^T (X^n)^T X^r is transposed. Right: X^2 (a b^T + b a^T) X^T + X^T X^2 (a b^T + b a^T).",
  },
  {
    id: "neg-cookbook-127-A-nonsymmetric",
    source: `${MC} eq. (127), with A not symmetric`,
    expr: "tr((A + X^T C X)^{-1} (X^T B X))",
    wrt: "X",
    let: ["B: symmetric", "C: symmetric", "X: p x m"],
    wrong: "-2 C X (A + X^T C X)^{-1} X^T B X (A + X^T C X)^{-1} + 2 B X (A + X^T C X)^{-1}",
    note: "The Cookbook's hypothesis (B, C symmetric) is not enough: with M = A + X^T C X the right answer is -C X (M^{-1} X^T B X M^{-1} + M^{-T} X^T B X M^{-T}) + B X (M^{-1} + M^{-T}).",
  },
  {
    id: "neg-cookbook-128-as-printed",
    source: `${MC} eq. (128), read with elementwise sin`,
    expr: "tr(sin(X))",
    wrt: "X",
    wrong: "cos(X)^T",
    note: "(128) is about the matrix function sin; with matdiff's elementwise sin the right answer is cos(X) .* I.",
  },
  {
    id: "neg-logdet-symmetric-cookbook-as-sym",
    source: `${MC} eq. (141) presented under the sym convention`,
    expr: "log det(S)",
    wrt: "S",
    let: ["S: symmetric"],
    wrong: "2 S^{-1} - (S^{-1} .* I)",
    symmetric: "sym",
    note: "That is the Cookbook convention; under the sym convention (the default) the gradient is S^{-1} (Srinivasan & Panda 2023).",
  },
  {
    id: "neg-tr-AS-ignoring-symmetry",
    source: `${MC} eq. (139)`,
    expr: "tr(A S)",
    wrt: "S",
    let: ["S: symmetric"],
    wrong: "A^T",
    symmetric: "sym",
    note: "A^T gives the right directional derivatives along symmetric dS but is not symmetric; the sym gradient is (A + A^T)/2.",
  },
  {
    id: "neg-tr-AS-sym-as-cookbook",
    source: `${MC} eq. (139)`,
    expr: "tr(A S)",
    wrt: "S",
    let: ["S: symmetric"],
    wrong: "(A + A^T) / 2",
    symmetric: "cookbook",
    note: "That is the sym-convention gradient; under the Cookbook convention it is A + A^T - (A .* I).",
  },
  {
    id: "neg-gauss-mahalanobis-Sigma-sign",
    source: "Gaussian log-likelihood (Bishop, PRML §2.3.4)",
    expr: "(x - mu)^T Sigma^{-1} (x - mu)",
    wrt: "Sigma",
    let: ["mu: vector", "Sigma: symmetric"],
    wrong: "Sigma^{-1} (x - mu) (x - mu)^T Sigma^{-1}",
    symmetric: "sym",
    note: "Sign lost from d(Σ^{-1}) = -Σ^{-1} dΣ Σ^{-1}; right: -Σ^{-1} (x - μ)(x - μ)^T Σ^{-1}.",
  },
  {
    id: "neg-det-AXB-chain-forgotten",
    source: `${MC} eq. (51)`,
    expr: "det(A X B)",
    wrt: "X",
    let: ["A: square", "B: square"],
    wrong: "det(A X B) (A X B)^{-T}",
    note: "The inner factors of the chain rule are dropped; right: det(A X B) A^T (A X B)^{-T} B^T = det(A X B) X^{-T}.",
  },
];
