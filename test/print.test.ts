/**
 * Printers: exact LaTeX, text and NumPy for expressions built with the core
 * constructors. Every LaTeX string must render in KaTeX in strict mode. The
 * NumPy strings were cross-checked numerically (random inputs, against a
 * naive 2-D evaluator) when they were written; these tests only pin the text.
 * Oracles: the conventions of the printers brief (textbook forms such as
 * `-A^{-\top} B^{\top} A^{-\top}`, Matrix Cookbook (2012) eqs. (49), (63), (70)) and the
 * binding ladder in src/syntax/precedence.ts.
 */
import { renderKatex } from "./support/katex.js";
import { describe, expect, it } from "vitest";
import {
  type Expr, add, det, diagMat, diagVec, diff, fn, hadamard, hpower, identity, inverse, kron, logdet, mul, neg, norm,
  num, ones, power, scale, sub, sumAll, sym, trace, transpose, vec, zero,
} from "../src/core/expr.js";
import { rat } from "../src/core/rational.js";
import { SCALAR, shape, mulDim } from "../src/core/shape.js";
import { toLatex } from "../src/print/latex.js";
import { toNumpy } from "../src/print/numpy.js";
import { toText } from "../src/print/text.js";

const M = shape("n", "n");
const V = shape("n", 1);
const A = sym("A", M), B = sym("B", M), X = sym("X", M), W = sym("W", M), Sigma = sym("Sigma", M);
// n²×n², the shape of a Kronecker product of two n×n matrices (core/shape.ts mulDim)
const C = sym("C", shape(mulDim("n", "n"), mulDim("n", "n")));
const x = sym("x", V), y = sym("y", V), a = sym("a", V), b = sym("b", V), s = sym("s", V);
const t = sym("t", SCALAR), p = sym("p", SCALAR), i = sym("i", SCALAR);
const Phi = sym("Phi", shape("m", "n")), theta = sym("theta", V), ym = sym("y", shape("m", 1));
const W1 = sym("W_1", shape("m", "n")), bm = sym("b", shape("m", 1)), z = sym("z", shape("m", 1));
const T = transpose, inv = inverse;
const half = rat(1, 2);

interface Case {
  readonly name: string;
  readonly e: Expr;
  readonly latex: string;
  readonly text: string;
  readonly numpy: string;
}

const c = (name: string, e: Expr, latex: string, text: string, numpy: string): Case => ({ name, e, latex, text, numpy });

const sigmoidLayer = fn("sigmoid", add(mul(W1, x), bm));

const CASES: readonly Case[] = [
  // transpose and inverse
  c("∇_A tr(A⁻¹B), Cookbook (63) with A = I", neg(mul(T(inv(A)), T(B), T(inv(A)))),
    "-A^{-\\top} B^{\\top} A^{-\\top}", "−A⁻ᵀBᵀA⁻ᵀ", "-np.linalg.inv(A).T @ B.T @ np.linalg.inv(A).T"),
  // (Aᵀ)⁻¹ is stored as (A⁻¹)ᵀ: one node for the one notation A⁻ᵀ (core/expr.ts)
  c("inverse of a transpose", inv(T(A)), "A^{-\\top}", "A⁻ᵀ", "np.linalg.inv(A).T"),
  c("transpose of a product", T(mul(A, B)), "(A B)^{\\top}", "(AB)ᵀ", "(A @ B).T"),
  c("transpose of a sum", T(add(A, B)), "(A + B)^{\\top}", "(A + B)ᵀ", "(A + B).T"),
  c("transposed vector sum", mul(T(add(x, y)), A), "(x + y)^{\\top} A", "(x + y)ᵀA", "(x + y) @ A"),
  c("inverse of a sum", inv(add(A, mul(t, B))), "(A + t B)^{-1}", "(A + tB)⁻¹", "np.linalg.inv(A + t * B)"),
  c("inverse of a product", inv(mul(T(A), B)), "(A^{\\top} B)^{-1}", "(AᵀB)⁻¹", "np.linalg.inv(A.T @ B)"),
  c("transpose of inverse of transpose", T(inv(T(A))), "A^{-1}", "A⁻¹", "np.linalg.inv(A)"),
  c("Greek inverse", inv(Sigma), "\\Sigma^{-1}", "Σ⁻¹", "np.linalg.inv(Sigma)"),
  // powers
  c("matrix power", power(A, 3), "A^{3}", "A³", "np.linalg.matrix_power(A, 3)"),
  c("power of a transpose", power(T(A), 2), "(A^{\\top})^{2}", "(Aᵀ)²", "np.linalg.matrix_power(A.T, 2)"),
  c("transpose of a power", T(power(A, 2)), "(A^{2})^{\\top}", "(A²)ᵀ", "np.linalg.matrix_power(A, 2).T"),
  c("negative matrix power", power(A, -2), "A^{-2}", "A⁻²", "np.linalg.matrix_power(np.linalg.inv(A), 2)"),
  c("power of a product", power(mul(A, B), 2), "(A B)^{2}", "(AB)²", "np.linalg.matrix_power(A @ B, 2)"),
  c("scalar root", power(t, half), "t^{1/2}", "t^{1/2}", "t ** 0.5"),
  c("scalar power without a finite decimal", power(t, rat(-1, 3)), "t^{-1/3}", "t^{−1/3}", "t ** (-1 / 3)"),
  c("inverse of a 1×1 chain", power(mul(T(x), x), -1), "(x^{\\top} x)^{-1}", "(xᵀx)⁻¹", "(x @ x) ** -1"),
  // a sum's reciprocal alone is the fraction a textbook writes, as it is beside a numerator (2x/(1 + xᵀx)²)
  c("reciprocal of a sum", power(add(mul(T(x), x), t), -2), "\\frac{1}{(x^{\\top} x + t)^{2}}", "1/(xᵀx + t)²", "(x @ x + t) ** -2"),
  c("power of a negation", power(neg(t), 2), "(-t)^{2}", "(−t)²", "(-t) ** 2"),
  c("negation of a power", neg(power(t, 2)), "-t^{2}", "−t²", "-t ** 2"),
  c("power of a trace", power(trace(A), 2), "\\mathop{\\mathrm{tr}}(A)^{2}", "tr(A)²", "np.trace(A) ** 2"),
  c("power of log det", power(logdet(X), 2), "(\\log\\det(X))^{2}", "(log det(X))²", "np.linalg.slogdet(X)[1] ** 2"),
  c("d(A³), product rule", add(mul(diff(A), power(A, 2)), mul(A, diff(A), A), mul(power(A, 2), diff(A))),
    "\\mathrm{d}A\\mkern3mu A^{2} + A\\mkern3mu \\mathrm{d}A\\mkern3mu A + A^{2}\\mkern3mu \\mathrm{d}A", "dA A² + A dA A + A² dA",
    "dA @ np.linalg.matrix_power(A, 2) + A @ dA @ A + np.linalg.matrix_power(A, 2) @ dA"),
  // elementwise power
  c("Hadamard square", hpower(A, 2), "A^{\\circ 2}", "A∘²", "A ** 2"),
  c("Hadamard root of a sum", hpower(add(A, B), half), "(A + B)^{\\circ 1/2}", "(A + B)∘^{1/2}", "(A + B) ** 0.5"),
  c("Hadamard reciprocal", hpower(x, -1), "x^{\\circ -1}", "x∘⁻¹", "x ** -1"),
  // one node for (Aᵀ)∘² and (A∘²)ᵀ, the transpose outside as A⁻ᵀ keeps it (core/expr.ts hpower)
  c("Hadamard power of a transpose", hpower(T(A), 2), "(A^{\\circ 2})^{\\top}", "(A∘²)ᵀ", "(A ** 2).T"),
  c("Hadamard power in a product", mul(hpower(A, 2), B), "A^{\\circ 2} B", "A∘²B", "A ** 2 @ B"),
  // trace, det, log det
  c("tr(A⁻¹B)", trace(mul(inv(A), B)), "\\mathop{\\mathrm{tr}}(A^{-1} B)", "tr(A⁻¹B)", "np.trace(np.linalg.inv(A) @ B)"),
  c("∇ det(X), Cookbook (49)", mul(det(X), T(inv(X))), "\\det(X) X^{-\\top}", "det(X)X⁻ᵀ", "np.linalg.det(X) * np.linalg.inv(X).T"),
  c("log det", logdet(X), "\\log\\det(X)", "log det(X)", "np.linalg.slogdet(X)[1]"),
  c("log det followed by a factor", mul(logdet(X), t), "(\\log\\det(X)) t", "(log det(X))t", "np.linalg.slogdet(X)[1] * t"),
  c("log det as the last factor", mul(t, logdet(X)), "t \\log\\det(X)", "t log det(X)", "t * np.linalg.slogdet(X)[1]"),
  c("half log det", scale(half, logdet(X)), "\\frac{1}{2} \\log\\det(X)", "(log det(X))/2", "np.linalg.slogdet(X)[1] / 2"),
  c("a word after a factor", mul(t, trace(A), x), "t \\mathop{\\mathrm{tr}}(A) x", "t tr(A)x", "t * np.trace(A) * x"),
  // norms
  c("2-norm", norm(x, "2"), "\\lVert x \\rVert", "‖x‖", "np.linalg.norm(x)"),
  c("squared 2-norm", power(norm(x, "2"), 2), "\\lVert x \\rVert^{2}", "‖x‖²", "np.linalg.norm(x) ** 2"),
  c("Frobenius norm of a residual", norm(sub(A, mul(B, X)), "F"),
    "\\lVert A - B X \\rVert_F", "‖A − BX‖_F", 'np.linalg.norm(A - B @ X, "fro")'),
  c("Frobenius norm followed by a factor", mul(norm(A, "F"), x),
    "\\lVert A \\rVert_F x", "‖A‖_F x", 'np.linalg.norm(A, "fro") * x'),
  c("product of norms", mul(norm(x, "2"), norm(y, "2")), "\\lVert x \\rVert \\lVert y \\rVert", "‖x‖ ‖y‖",
    "np.linalg.norm(x) * np.linalg.norm(y)"),
  // Hadamard and Kronecker products
  c("Hadamard product", hadamard(A, B), "A \\odot B", "A ⊙ B", "A * B"),
  c("Hadamard product of sums", hadamard(add(A, B), sub(A, B)), "(A + B) \\odot (A - B)", "(A + B) ⊙ (A − B)", "(A + B) * (A - B)"),
  // scalars, the sign included, leave an entrywise product
  c("negation inside a Hadamard product", hadamard(neg(A), B), "-A \\odot B", "−A ⊙ B", "-(A * B)"),
  // the minus binds looser than ⊙ (precedence.ts), so −A ⊙ B is −(A ⊙ B)
  c("negated Hadamard product", neg(hadamard(A, B)), "-A \\odot B", "−A ⊙ B", "-(A * B)"),
  c("Hadamard product of functions", hadamard(fn("tanh", x), fn("log", x)), "\\tanh(x) \\odot \\log(x)", "tanh(x) ⊙ log(x)",
    "np.tanh(x) * np.log(x)"),
  c("scalars leave a Hadamard product", hadamard(t, A), "t A", "tA", "t * A"),
  c("Kronecker product", kron(A, B), "A \\otimes B", "A ⊗ B", "np.kron(A, B)"),
  c("Kronecker product inside a product", mul(kron(A, B), vec(X)), "(A \\otimes B) \\mathop{\\mathrm{vec}}(X)", "(A ⊗ B) vec(X)",
    'np.kron(A, B) @ X.reshape(-1, order="F")'),
  c("vec-Jacobian of X², DESIGN.md §1", add(kron(identity("n"), X), kron(T(X), identity("n"))),
    "I \\otimes X + X^{\\top} \\otimes I", "I ⊗ X + Xᵀ ⊗ I", "np.kron(np.eye(n), X) + np.kron(X.T, np.eye(n))"),
  c("negation inside a Kronecker product", kron(A, neg(B)), "A \\otimes (-B)", "A ⊗ (−B)", "np.kron(A, -B)"),
  c("Kronecker inside Hadamard", hadamard(kron(A, B), C), "(A \\otimes B) \\odot C", "(A ⊗ B) ⊙ C", "np.kron(A, B) * C"),
  c("Kronecker product of columns", kron(a, b), "a \\otimes b", "a ⊗ b", "np.kron(a, b)"),
  c("Kronecker product of a column and a row", kron(a, T(b)), "a \\otimes b^{\\top}", "a ⊗ bᵀ", "np.kron(a[:, None], b[None, :])"),
  c("Kronecker product of a matrix and a column", kron(A, x), "A \\otimes x", "A ⊗ x", "np.kron(A, x[:, None])"),
  // elementwise functions
  c("sigmoid", fn("sigmoid", z), "\\sigma(z)", "σ(z)", "1 / (1 + np.exp(-z))"),
  c("sigmoid of a negation", fn("sigmoid", neg(z)), "\\sigma(-z)", "σ(−z)", "1 / (1 + np.exp(-(-z)))"),
  c("Jacobian of a sigmoid layer, DESIGN.md §1",
    mul(diagMat(hadamard(sigmoidLayer, sub(ones(shape("m", 1)), sigmoidLayer))), W1),
    "\\mathop{\\mathrm{diag}}(\\sigma(W_{1} x + b) \\odot (\\mathbf{1} - \\sigma(W_{1} x + b))) W_{1}",
    "diag(σ(W₁ x + b) ⊙ (𝟏 − σ(W₁ x + b)))W₁",
    "np.diag((1 / (1 + np.exp(-(W_1 @ x + b)))) * (np.ones(m) - 1 / (1 + np.exp(-(W_1 @ x + b))))) @ W_1"),
  c("exp of a 1×1 chain", fn("exp", mul(T(x), y)), "\\exp(x^{\\top} y)", "exp(xᵀy)", "np.exp(x @ y)"),
  c("sin and cos", add(fn("sin", x), fn("cos", x)), "\\sin(x) + \\cos(x)", "sin(x) + cos(x)", "np.sin(x) + np.cos(x)"),
  c("sqrt", fn("sqrt", add(x, y)), "\\sqrt{x + y}", "sqrt(x + y)", "np.sqrt(x + y)"),
  c("abs and sign", hadamard(fn("abs", x), fn("sign", x)), "\\mathop{\\mathrm{abs}}(x) \\odot \\mathop{\\mathrm{sign}}(x)",
    "abs(x) ⊙ sign(x)", "np.abs(x) * np.sign(x)"),
  // x ⊙ y∘⁻¹ is written as it is read (issue 12); a lone reciprocal keeps its power
  c("entrywise division", hadamard(x, hpower(y, -1)), "x \\oslash y", "x ⊘ y", "x / y"),
  c("entrywise division by a power", hadamard(a, x, hpower(y, -2)), "a \\odot x \\oslash y^{\\circ 2}", "a ⊙ x ⊘ y∘²", "a * x / y ** 2"),
  c("entrywise reciprocal alone", hadamard(hpower(x, -1), hpower(y, -1)), "x^{\\circ -1} \\odot y^{\\circ -1}", "x∘⁻¹ ⊙ y∘⁻¹", "x ** -1 * y ** -1"),
  // diag, vec, sum, constants
  c("diag of a matrix", diagVec(A), "\\mathop{\\mathrm{diag}}(A)", "diag(A)", "np.diag(A)"),
  c("diagonal matrix of a vector", diagMat(x), "\\mathop{\\mathrm{diag}}(x)", "diag(x)", "np.diag(x)"),
  c("vec of a product", vec(mul(A, B)), "\\mathop{\\mathrm{vec}}(A B)", "vec(AB)", '(A @ B).reshape(-1, order="F")'),
  c("sum of entries", sumAll(hadamard(A, B)), "\\mathop{\\mathrm{sum}}(A \\odot B)", "sum(A ⊙ B)", "np.sum(A * B)"),
  c("ones vector", add(x, ones(V)), "x + \\mathbf{1}", "x + 𝟏", "x + np.ones(n)"),
  c("ones matrix", ones(shape("m", "n")), "\\mathbf{1}", "𝟏", "np.ones((m, n))"),
  c("identity", add(A, identity("n")), "A + I", "A + I", "A + np.eye(n)"),
  c("zero matrix", zero(shape("m", "n")), "0", "0", "np.zeros((m, n))"),
  c("zero vector", zero(V), "0", "0", "np.zeros(n)"),
  c("negative fraction", num(rat(-3, 4)), "-\\frac{3}{4}", "−3/4", "-3 / 4"),
  // coefficients and products
  c("symmetric part", scale(half, add(A, T(A))), "\\frac{1}{2} (A + A^{\\top})", "(A + Aᵀ)/2", "(A + A.T) / 2"),
  c("fraction coefficient", scale(rat(3, 2), mul(A, x)), "\\frac{3}{2} A x", "3Ax/2", "3 * A @ x / 2"),
  c("integer coefficient", scale(2, mul(A, x)), "2 A x", "2Ax", "2 * A @ x"),
  c("least squares gradient", mul(num(-2), T(Phi), sub(ym, mul(Phi, theta))),
    "-2 \\Phi^{\\top} (y - \\Phi \\theta)", "−2Φᵀ(y − Φθ)", "-2 * Phi.T @ (y - Phi @ theta)"),
  c("weighted residual", mul(T(sub(x, mul(A, s))), W, sub(x, mul(A, s))),
    "(x - A s)^{\\top} W (x - A s)", "(x − As)ᵀW(x − As)", "(x - A @ s) @ W @ (x - A @ s)"),
  c("its gradient with W symmetric, DESIGN.md §1", mul(num(-2), T(A), W, sub(x, mul(A, s))),
    "-2 A^{\\top} W (x - A s)", "−2AᵀW(x − As)", "-2 * A.T @ W @ (x - A @ s)"),
  c("negation inside a product", mul(A, neg(B)), "-A B", "−AB", "-A @ B"),
  c("product of sums", mul(add(A, B), sub(A, B)), "(A + B) (A - B)", "(A + B)(A − B)", "(A + B) @ (A - B)"),
  c("bilinear form", mul(T(x), A, y), "x^{\\top} A y", "xᵀAy", "x @ A @ y"),
  c("row times matrix", mul(T(a), A), "a^{\\top} A", "aᵀA", "a @ A"),
  c("∇_X aᵀXb, Cookbook (70)", mul(a, T(b)), "a b^{\\top}", "abᵀ", "np.outer(a, b)"),
  c("outer product times a matrix", mul(a, T(b), A), "a b^{\\top} A", "abᵀA", "np.outer(a, b) @ A"),
  c("scalar chain followed by a factor", mul(mul(T(x), a), b), "(x^{\\top} a) b", "(xᵀa)b", "(x @ a) * b"),
  c("scalar chain last", scale(2, mul(T(x), A, x)), "2 x^{\\top} A x", "2xᵀAx", "2 * (x @ A @ x)"),
  c("two scalar chains", mul(mul(T(x), a), mul(T(y), b)), "(x^{\\top} a) y^{\\top} b", "(xᵀa)yᵀb", "(x @ a) * (y @ b)"),
  c("negative fraction of a scalar chain", scale(rat(-1, 2), mul(T(x), x)), "-\\frac{1}{2} x^{\\top} x", "−xᵀx/2", "-(x @ x) / 2"),
  // sums
  c("subtraction, never + -", add(A, neg(B), scale(-2, W)), "A - B - 2 W", "A − B − 2W", "A - B - 2 * W"),
  c("leading negative term", add(neg(A), B), "-A + B", "−A + B", "-A + B"),
  c("subtracted fraction", add(A, scale(rat(-1, 2), B)), "A - \\frac{1}{2} B", "A − B/2", "A - B / 2"),
  c("constant term", add(mul(T(x), x), num(rat(-1, 2))), "x^{\\top} x - \\frac{1}{2}", "xᵀx − 1/2", "x @ x - 1 / 2"),
  c("Hessian of xᵀBx, DESIGN.md §1", add(B, T(B)), "B + B^{\\top}", "B + Bᵀ", "B + B.T"),
  // differentials
  c("Jacobi's formula argument", trace(mul(inv(X), diff(X))), "\\mathop{\\mathrm{tr}}(X^{-1}\\mkern3mu \\mathrm{d}X)", "tr(X⁻¹ dX)",
    "np.trace(np.linalg.inv(X) @ dX)"),
  c("d(A⁻¹)", neg(mul(inv(A), diff(A), inv(A))), "-A^{-1}\\mkern3mu \\mathrm{d}A\\mkern3mu A^{-1}", "−A⁻¹ dA A⁻¹",
    "-np.linalg.inv(A) @ dA @ np.linalg.inv(A)"),
  c("transposed differential", T(diff(A)), "(\\mathrm{d}A)^{\\top}", "(dA)ᵀ", "dA.T"),
  c("two directions", mul(T(diff(x, 1)), A, diff(x)), "(\\mathrm{d}'x)^{\\top}\\mkern3mu A\\mkern3mu \\mathrm{d}x", "(d′x)ᵀA dx", "d1_x @ A @ dx"),
  c("differential of a Greek symbol", diff(theta), "\\mathrm{d}\\theta", "dθ", "dtheta"),
  c("differential of a subscripted symbol", mul(diff(W1), x), "\\mathrm{d}W_{1}\\mkern3mu x", "dW₁ x", "dW_1 @ x"),
  // names and separators
  c("subscripted name", mul(W1, x), "W_{1} x", "W₁ x", "W_1 @ x"),
  c("letter subscripts", mul(T(sym("x_i", V)), sym("x_j", V)), "x_{i}^{\\top} x_{j}", "x_iᵀx_j", "x_i @ x_j"),
  c("long subscript", sym("x_ij", V), "x_{ij}", "x_{ij}", "x_ij"),
  c("lambda is a Python keyword", mul(sym("lambda", SCALAR), x), "\\lambda x", "λx", "lambda_ * x"),
  c("the symbol σ before parentheses", mul(sym("sigma", SCALAR), add(x, y)), "\\sigma \\cdot (x + y)", "σ·(x + y)", "sigma * (x + y)"),
  c("the symbol d", mul(sym("d", V), T(x)), "d \\cdot x^{\\top}", "d·xᵀ", "np.outer(d, x)"),
  c("letters that would spell pi", mul(p, i, x), "p i x", "p ix", "p * i * x"),
  c("digits that would merge", mul(num(2), power(num(3), half), x), "2 \\cdot 3^{1/2} x", "2·3^{1/2}x", "2 * 3 ** 0.5 * x"),
];

const numpy = (e: Expr) => toNumpy(e, { dimExpr: (d) => String(d) });

describe("printers", () => {
  it("cover at least 40 expressions", () => expect(CASES.length).toBeGreaterThanOrEqual(40));

  describe.each(CASES)("$name", ({ e, latex, text, numpy: py }) => {
    it("LaTeX", () => expect(toLatex(e)).toBe(latex));
    it("renders in KaTeX", () => {
      expect(() => renderKatex(toLatex(e))).not.toThrow();
    });
    it("text", () => expect(toText(e)).toBe(text));
    it("NumPy", () => expect(numpy(e)).toBe(py));
  });

  it("prints X^{-T} for both transpose(inverse(X)) and inverse(transpose(X))", () => {
    expect(toLatex(T(inv(X)))).toBe(toLatex(inv(T(X))));
    expect(toText(T(inv(X)))).toBe(toText(inv(T(X))));
  });
});

describe("NumPy dimensions", () => {
  it("asks the caller for symbolic dimensions", () => {
    const dimExpr = (d: string | number) => (d === "n" ? "A.shape[0]" : `${String(d)}_size`);
    expect(toNumpy(add(A, identity("n")), { dimExpr })).toBe("A + np.eye(A.shape[0])");
    expect(toNumpy(ones(shape("m", "n")), { dimExpr })).toBe("np.ones((m_size, A.shape[0]))");
  });

  it("prints numeric dimensions itself", () => {
    const dimExpr = (): string => {
      throw new Error("dimExpr called for a numeric dimension");
    };
    expect(toNumpy(ones(shape(3, 1)), { dimExpr })).toBe("np.ones(3)");
    expect(toNumpy(zero(shape(2, 3)), { dimExpr })).toBe("np.zeros((2, 3))");
    expect(toNumpy(identity(4), { dimExpr })).toBe("np.eye(4)");
  });
});

it("an all-ones matrix among a product's factors prints as 𝟏𝟏ᵀ, which reads back as that matrix (a lone 𝟏 read back as a column)", async () => {
  const { differentiate } = await import("../src/api.js");
  const lets = ["S: n x n", "Y: matrix m x n", "u: m"];
  const r = differentiate("S \\mathbf{1}^T Y^T u", { wrt: "u", let: lets });
  expect(r.function.text).toBe("S𝟏𝟏ᵀYᵀu");
  expect(r.derivative.text).toBe("S𝟏𝟏ᵀYᵀ");
  expect(r.function.latex).toBe("S \\mathbf{1}\\mathbf{1}^{\\top} Y^{\\top} u");
  expect(() => renderKatex(r.function.latex)).not.toThrow();
  for (const printed of [r.function.text, r.function.latex]) {
    const back = differentiate(printed, { wrt: "u", let: lets, check: true });
    expect(back.function.text).toBe("S𝟏𝟏ᵀYᵀu");
    expect(back.check?.ok).toBe(true);
  }
  // in a sum the 𝟏 stays the matrix it is read as there
  expect(differentiate("\\mathbf{1} - \\tanh(X)", { wrt: "X" }).function.text).toBe("𝟏 − tanh(X)");
});
