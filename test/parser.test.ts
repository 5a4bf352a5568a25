import { describe, it, expect } from "vitest";
import { parse, formatTree, describe as render, DEFAULT_LIMITS } from "../src/syntax/parse.js";
import type { Node } from "../src/syntax/ast.js";
import { MatdiffError } from "../src/errors.js";

const tree = (s: string): string => formatTree(parse(s));

/** The MatdiffError that parsing `s` throws (fails the test if it parses, or throws anything else). */
function failure(s: string, limits?: Parameters<typeof parse>[1]): MatdiffError {
  try {
    parse(s, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(MatdiffError);
    return e as MatdiffError;
  }
  throw new Error(`expected ${JSON.stringify(s)} not to parse, got ${tree(s)}`);
}

const spanOf = (n: Node) => [n.span.start, n.span.end];

/** Every spelling in a group must give the same tree as the first, which must be `expected`. */
function sameTree(expected: string, spellings: readonly string[]): void {
  for (const s of spellings) expect(tree(s), s).toBe(expected);
}

describe("every spelling gives one tree", () => {
  const groups: ReadonlyArray<[string, string, readonly string[]]> = [
    ["transpose", "(T A)", ["A^T", "A^\\top", "A^{T}", "A^{\\top}", "A^\\intercal", "A^{\\intercal}", "A'", "A′", "Aᵀ",
      "A^\\mathrm{T}", "A^{\\mathrm{T}}", "A ^ T", "{A}^T"]],
    ["inverse", "(inv A)", ["A^{-1}", "A^-1", "A^<-1>", "A⁻¹", "inv(A)", "A^{−1}", "A^{ - 1 }", "\\operatorname{inv}(A)", "inv\\left(A\\right)"]],
    ["inverse transpose", "(invT A)", ["A^{-T}", "A^{-\\top}", "A^-T", "A⁻ᵀ", "A^-\\top", "A^{−T}"]],
    ["cube", "(pow A 3)", ["A^3", "A^{3}", "A³"]],
    ["negative power", "(pow A -2)", ["A^{-2}", "A^-2", "A⁻²"]],
    ["square root power", "(pow A 1/2)", ["A^{1/2}"]],
    ["decimal power", "(pow A 0.5)", ["A^{0.5}", "A^{.5}", "A^0.5"]],
    // A∘² is how the text printer writes it (issue 14: one Unicode spelling, no MATLAB .^ in Unicode math)
    ["elementwise power", "(epow A 2)", ["A.^2", "A.^{2}", "A∘²", "A∘^2", "A∘^{2}", "A^{\\circ 2}", "A^{∘2}"]],
    ["elementwise reciprocal", "(epow A -1)", ["A.^{-1}", "A∘⁻¹", "A∘^{−1}"]],
    ["elementwise root", "(epow A 1/2)", ["A.^{1/2}", "A∘^{1/2}"]],
    ["trace", "(tr A)", ["tr(A)", "Tr(A)", "trace(A)", "\\operatorname{tr}(A)", "\\operatorname{Tr}(A)", "\\mathrm{tr}(A)",
      "\\operatorname{trace}(A)", "\\tr(A)", "\\operatorname{tr} A", "tr A", "\\mathrm{tr}\\left(A\\right)", "tr\\bigl(A\\bigr)",
      "tr (A)", "\\operatorname { tr } ( A )", "trA"]],
    ["determinant", "(det A)", ["det(A)", "\\det(A)", "\\det A", "det A", "\\operatorname{det}(A)", "\\det\\left(A\\right)"]],
    ["log-determinant", "(logdet A)", ["logdet(A)", "\\operatorname{logdet}(A)", "logdet A"]],
    ["log", "(log x)", ["log(x)", "ln(x)", "\\log(x)", "\\ln(x)", "\\log x", "\\ln x", "\\operatorname{log}(x)", "\\mathrm{ln}(x)"]],
    ["exp", "(exp x)", ["exp(x)", "\\exp(x)", "\\exp x", "exp x"]],
    ["sin cos tanh", "(+ (+ (sin x) (cos x)) (tanh x))", ["sin(x) + cos(x) + tanh(x)", "\\sin x + \\cos x + \\tanh x"]],
    ["sigmoid", "(sigmoid z)", ["sigmoid(z)", "\\operatorname{sigmoid}(z)", "\\sigma(z)", "σ(z)", "sigma(z)",
      "\\sigma\\left(z\\right)", "sigmoid z", "\\operatorname{sigmoid} z"]],
    ["sqrt", "(sqrt x)", ["sqrt(x)", "\\sqrt{x}", "\\operatorname{sqrt}(x)", "sqrt x"]],
    ["abs sum", "(abs (sum x))", ["abs(sum(x))", "abs sum x"]],
    ["diag", "(diag x)", ["diag(x)", "\\operatorname{diag}(x)", "\\operatorname{diag} x"]],
    ["vec", "(vec X)", ["vec(X)", "\\operatorname{vec}(X)", "\\mathrm{vec}(X)"]],
    ["norm", "(norm x)", ["‖x‖", "\\|x\\|", "||x||", "\\lVert x \\rVert", "\\left\\| x \\right\\|", "\\left\\lVert x\\right\\rVert",
      "norm(x)", "\\Vert x \\Vert", "\\left‖x\\right‖", "\\bigl\\| x \\bigr\\|"]],
    ["2-norm", "(norm_2 x)", ["‖x‖_2", "\\|x\\|_{2}", "||x||_2", "\\lVert x \\rVert_2", "\\left\\| x \\right\\|_2", "‖x‖₂"]],
    ["Frobenius norm", "(norm_F A)", ["‖A‖_F", "\\|A\\|_{F}", "\\left\\lVert A\\right\\rVert_F"]],
    ["squared 2-norm", "(pow (norm_2 x) 2)", ["\\|x\\|_2^2", "\\|x\\|^2_2", "‖x‖₂²", "\\left\\|x\\right\\|_{2}^{2}", "‖x‖_2²"]],
    ["Greek", "theta", ["theta", "\\theta", "θ", "\\boldsymbol{\\theta}", "\\bm{\\theta}", "\\mathbf{\\theta}", "\\boldsymbol{θ}"]],
    ["upper Greek", "Sigma", ["Sigma", "\\Sigma", "Σ", "\\boldsymbol{\\Sigma}"]],
    ["subscripted Greek", "theta_1", ["\\theta_1", "theta_1", "θ_1", "θ₁", "\\theta_{1}", "\\boldsymbol{\\theta}_1", "\\bm{\\theta_1}"]],
    ["bold letter", "x", ["x", "\\mathbf{x}", "\\boldsymbol{x}", "\\bm{x}", "\\bm x", "\\mathbf{ x }", "\\vec{x}"]],
    // issue 10: spellings pasted from papers and notes
    ["TeX's one-character fraction arguments", "(* (/ 1 2) x)", ["\\frac12 x", "\\tfrac12 x", "\\dfrac12 x", "\\frac{1}{2} x", "\\frac1{2} x", "\\frac{1}2 x"]],
    ["Euler's e", "(exp (neg (* (T x) x)))", ["e^{-x^T x}", "\\mathrm{e}^{-x^T x}", "exp(-x^T x)", "\\exp(-x^T x)", "e^{-x^\\top x}"]],
    ["e as a symbol", "(* (T e) (pow e 2))", ["e^T e^2", "e^{\\top} e^{2}"]],
    ["text-mode trace", "(tr A)", ["\\text{tr}(A)", "\\textrm{tr}(A)", "\\operatorname{Tr} A"]],
    ["determinant or abs bars", "(bars X)", ["|X|", "\\lvert X \\rvert", "\\left| X \\right|", "\\vert X \\vert"]],
    ["log-det bars", "(log (bars Sigma))", ["\\log|\\Sigma|", "\\log\\left|\\Sigma\\right|", "log |Σ|"]],
    ["1-norm", "(norm_1 x)", ["\\|x\\|_1", "‖x‖₁", "\\lVert x \\rVert_1", "||x||_{1}"]],
    ["transpose in sans-serif", "(* (T x) x)", ["\\mathbf{x}^{\\mathsf{T}} \\mathbf{x}", "x^\\mathsf{T} x"]],
    ["subscripted letter", "W_1", ["W_1", "W_{1}", "W₁", "\\mathbf{W}_1", "\\mathbf{W_1}", "\\mathbf{W}_{1}", "\\bm{W_{1}}", "W _1"]],
    ["two-digit subscript", "W_12", ["W_{12}", "W_12", "W₁₂"]],
    ["letter subscript", "x_i", ["x_i", "x_{i}", "\\mathbf{x}_i"]],
    ["ones", "ones", ["𝟏", "\\mathbf{1}", "\\mathbb{1}", "\\bm{1}", "\\boldsymbol{1}"]],
    ["product", "(* A B)", ["A*B", "A \\cdot B", "A·B", "AB", "A B", "A\\,B", "A\\;B", "A\\:B", "A\\!B", "A\\quad B",
      "A\\qquad B", "A~B", "  A \n B  ", "A\\ B", "(A)(B)"]],
    ["difference", "(- a b)", ["a-b", "a − b", "a - b"]],
    ["Hadamard", "(⊙ A B)", ["A .* B", "A.*B", "A \\odot B", "A ⊙ B", "A ∘ B", "A \\circ B"]],
    ["Kronecker", "(⊗ A B)", ["A \\otimes B", "A ⊗ B", "kron(A, B)", "kron(A,B)", "kron\\left(A, B\\right)"]],
    ["fraction", "(/ a b)", ["\\frac{a}{b}", "a/b", "\\dfrac{a}{b}", "a / b"]],
    ["inner product", "(inner a b)", ["\\langle a, b \\rangle", "⟨a, b⟩", "\\left\\langle a, b \\right\\rangle"]],
    ["grouping", "(* (+ A B) C)", ["(A+B)C", "[A+B]C", "{A+B}C", "\\left(A+B\\right)C", "\\left[A+B\\right]C",
      "\\bigl(A+B\\bigr)C", "\\Bigl(A+B\\Bigr)C", "\\biggl(A+B\\biggr)C", "\\{A+B\\}C", "\\left\\{A+B\\right\\}C", "((A+B))C"]],
    ["null delimiters", "x", ["\\left. x \\right."]],
    ["word splitting", "(* (* A B) x)", ["ABx", "A B x", "AB x", "A Bx"]],
    ["Greek inside a word", "(* A theta)", ["Atheta", "A \\theta", "Aθ"]],
    ["xi is Greek", "xi", ["xi", "\\xi", "ξ"]],
    ["function inside a word", "(* x (tr A))", ["xtr(A)", "x tr(A)"]],
  ];
  for (const [name, expected, spellings] of groups) {
    it(name, () => sameTree(expected, spellings));
  }

  it("numbers keep their text", () => {
    for (const s of ["2", "0.5", ".5", "1e-3", "1e999", "2.5E+3", "0"]) {
      const n = parse(s);
      expect(n).toMatchObject({ type: "number", text: s });
    }
  });

  it("marks juxtaposition as implicit and nothing else", () => {
    expect(parse("A B")).toMatchObject({ type: "binary", op: "*", implicit: true });
    for (const s of ["A*B", "A \\cdot B", "A·B"]) expect(parse(s), s).not.toHaveProperty("implicit");
  });

  it("I and T are ordinary names, 0 is a number", () => {
    expect(tree("I + T")).toBe("(+ I T)");
    expect(tree("T^T")).toBe("(T T)");
    expect(tree("A^T B")).toBe("(* (T A) B)");
    expect(tree("x^TAx")).toBe("(* (* (T x) A) x)");
    expect(parse("0")).toMatchObject({ type: "number", text: "0" });
  });
});

describe("precedence (src/syntax/precedence.ts)", () => {
  const cases: ReadonlyArray<[string, string]> = [
    ["A B^T", "(* A (T B))"],
    ["-a b", "(neg (* a b))"],
    ["-a ⊙ b", "(neg (⊙ a b))"],
    ["-a + b", "(+ (neg a) b)"],
    ["a + -b", "(+ a (neg b))"],
    ["--a", "(neg (neg a))"],
    ["a - b c", "(- a (* b c))"],
    ["a - b - c", "(- (- a b) c)"],
    ["A ⊙ B C", "(⊙ A (* B C))"],
    ["A ⊙ B ⊗ C", "(⊗ (⊙ A B) C)"],
    ["A + B ⊙ C", "(+ A (⊙ B C))"],
    ["1/2 x", "(* (/ 1 2) x)"],
    ["x'*A*x", "(* (* (T x) A) x)"],
    ["a/b c", "(* (/ a b) c)"],
    ["a b / c", "(/ (* a b) c)"],
    ["a / b / c", "(/ (/ a b) c)"],
    ["2x", "(* 2 x)"],
    ["A^1/2", "(/ (pow A 1) 2)"],
    ["A^T^{-1}", "(inv (T A))"],
    ["(A B)^T", "(T (* A B))"],
    ["A^2x", "(* (pow A 2) x)"],
    ["tr(A) B", "(* (tr A) B)"],
    ["tr(A)^2", "(pow (tr A) 2)"],
    ["\\det(A)^{-1}", "(inv (det A))"],
    ["\\operatorname{tr} A^{-1} B", "(tr (* (inv A) B))"],
    ["\\det A", "(det A)"],
    ["\\log \\det A", "(log (det A))"],
    ["log det(A)", "(log (det A))"],
    ["A \\det B C", "(* A (det (* B C)))"],
    ["\\det A B * C", "(* (det (* A B)) C)"],
    ["\\det A * B C", "(* (* (det A) B) C)"],
    ["\\det A / 2", "(/ (det A) 2)"],
    ["\\det A + B", "(+ (det A) B)"],
    ["\\det A ⊙ B", "(⊙ (det A) B)"],
    ["\\det A \\det B", "(det (* A (det B)))"],
    ["\\langle \\det A B, C \\rangle", "(inner (det (* A B)) C)"],
    ["(\\det A) B", "(* (det A) B)"],
    ["a * \\det B C", "(* a (det (* B C)))"],
    ["\\frac{1}{2} x^T A x", "(* (* (* (/ 1 2) (T x)) A) x)"],
  ];
  for (const [input, expected] of cases) {
    it(`${input}  →  ${expected}`, () => expect(tree(input)).toBe(expected));
  }
});

describe("the listed inputs", () => {
  const cases: ReadonlyArray<[string, string]> = [
    ["det(A)", "(det A)"],
    ["u^T A v", "(* (* (T u) A) v)"],
    ["A^3", "(pow A 3)"],
    ["tr(A^<-1>B)", "(tr (* (inv A) B))"],
    ["\\operatorname{tr}(A^{-1}B)", "(tr (* (inv A) B))"],
    ["x'*A*x", "(* (* (T x) A) x)"],
    ["\\|Ax-y\\|^2", "(pow (norm (- (* A x) y)) 2)"],
    ["(x - A s)^T W (x - A s)", "(* (* (T (- x (* A s))) W) (- x (* A s)))"],
    ["\\log\\det(X)", "(log (det X))"],
    ["sigmoid(W x + b)", "(sigmoid (+ (* W x) b))"],
    ["\\sigma(Wx+b)", "(sigmoid (+ (* W x) b))"],
    ["a^T X^{-1} b", "(* (* (T a) (inv X)) b)"],
    ["\\left\\| y - \\Phi\\theta \\right\\|_2^2", "(pow (norm_2 (- y (* Phi theta))) 2)"],
    ["\\langle A, B \\rangle", "(inner A B)"],
    ["x ⊙ y", "(⊙ x y)"],
    ["A ⊗ B", "(⊗ A B)"],
    ["diag(x)", "(diag x)"],
    ["sum(exp(x))", "(sum (exp x))"],
    ["\\frac{1}{2} x^T A x", "(* (* (* (/ 1 2) (T x)) A) x)"],
    ["Aᵀ", "(T A)"],
    ["A⁻¹", "(inv A)"],
    ["A⁻ᵀ", "(invT A)"],
    ["A²", "(pow A 2)"],
    ["−2Φᵀ(y − Φθ)", "(neg (* (* 2 (T Phi)) (- y (* Phi theta))))"],
    ["W₁x", "(* W_1 x)"],
    ["𝟏 − σ(z)", "(- ones (sigmoid z))"],
    ["det(X) X^{-T}", "(* (det X) (invT X))"],
    ["A^{-\\top}", "(invT A)"],
    ["\\mathbf{1}^T x", "(* (T ones) x)"],
  ];
  for (const [input, expected] of cases) {
    it(input, () => expect(tree(input)).toBe(expected));
  }
});

describe("exactly one parse", () => {
  // parse() throws "ambiguous" on a second reading, so parsing is the whole check.
  const inputs: readonly string[] = [
    "A", "x", "2", "A+B", "A-B+C", "-A", "-(A+B)", "A B C D", "2 A x", "A*B*C", "A/2", "A/2/3", "(A)", "((A))", "[A]", "{A}",
    "A^T A", "A^T^T", "A''", "A'B'", "x^T y", "x^Tx", "u^T(A+B)v", "tr(A)tr(B)", "tr(A) + tr(B)", "tr(AB) C", "tr(A B C)",
    "det(A) tr(A^{-1} B)", "\\det(A)\\operatorname{tr}(A^{-1}dA)", "log det(A)", "\\log\\det A + \\operatorname{tr}(S A^{-1})",
    "logdet(X) - tr(S X)", "exp(x) ⊙ y", "\\exp(A) B", "\\exp A B", "sin(x) + cos(x)", "tanh(W x)", "1 - tanh(x).^2",
    "sigmoid(x) ⊙ (𝟏 - sigmoid(x))", "σ(z) ⊙ (𝟏 − σ(z))", "sqrt(x)", "\\sqrt{x^T x}", "abs(x)", "sum(x ⊙ x)", "diag(x) A",
    "diag(A x) B", "vec(X)", "kron(A, B) vec(X)", "(B^T ⊗ A) vec(X)", "\\|x\\|", "\\|x\\|^2", "\\|x\\|_2", "\\|A\\|_F^2",
    "\\|A x - b\\|_2^2 + \\lambda \\|x\\|_2^2", "‖x‖ ‖y‖", "‖x‖ + ‖y‖", "‖x‖ - ‖y‖", "‖x‖ ⊙ ‖y‖", "‖ ‖x‖ y ‖", "‖x‖‖y‖",
    "\\lVert x \\rVert \\lVert y \\rVert", "\\lVert a \\rVert b \\lVert c \\rVert", "\\left\\| a \\right\\| b \\left\\| c \\right\\|",
    "\\langle x, A x \\rangle", "⟨A, B⟩ + ⟨C, D⟩", "\\frac{1}{2}\\|x\\|^2", "\\frac{a+b}{c d}", "\\frac{\\frac{1}{2}}{3}",
    "x^T A x", "x^T A^T A x", "(A x - b)^T (A x - b)", "a^T X b", "a^T X^T b", "a^T X^{-1} b", "b^T X^{-T} a",
    "tr(A X B X^T C)", "tr(X^T X)", "tr(X^{-1})", "det(X^T X)", "log(det(X))", "tr(A^{-1} B)", "tr(A ⊙ B)", "tr(A ⊗ B)",
    "A^{1/2}", "A^{-1/2}", "A.^2", "x.^{-1}", "x.^{1/2} ⊙ y", "A^10", "A^{10}", "2^3", "0.5 x", ".5 x", "1e-3 A", "1e999",
    "W_2 σ(W_1 x + b_1) + b_2", "\\sigma(W_1 x)", "‖W₂σ(W₁x)‖²", "θ^T x", "\\theta^T x", "\\Sigma^{-1}", "Σ⁻¹ (x − μ)",
    "(x - \\mu)^T \\Sigma^{-1} (x - \\mu)", "\\log \\det \\Sigma + (x-\\mu)^T\\Sigma^{-1}(x-\\mu)", "xi + 1", "\\xi \\eta",
    "\\alpha A + \\beta B", "alpha A + beta B", "\\mathbf{W}_1 \\mathbf{x}", "\\mathbf{A}\\mathbf{B}", "\\mathbf{AB}",
    "𝟏^T x", "\\mathbf{1}^T x", "\\mathbb{1}\\mathbb{1}^T", "I + A", "I - A^{-1}", "0 + A", "A - 0",
    "(I + A)^{-1}", "(I - x x^T)^{-1}", "tr((I + A)^{-1})", "\\left( I + A \\right)^{-1}", "\\Bigl(A\\Bigr)^T",
    "kron(A, B)^T", "inv(A)^T", "inv(A B)", "norm(x)^2", "norm(A x - b)", "\\langle a, b\\rangle^2",
    "−x", "x − y − z", "x - -y", "a + b - c + d", "a b + c d", "a ⊙ b + c ⊙ d", "a*b + c/d", "(a+b)/(c+d)",
    "\\operatorname{tr}\\left(A^{-1}\\right) B", "tr\\left(A\\right)", "\\mathrm{tr}(A)\\mathrm{tr}(B)", "Tr(A^T B)",
    "tr A B + det C", "\\det A B + \\det C", "A \\det B", "\\exp \\log x", "\\log \\exp x",
    "sum log x", "A^T(B + C)", "(A)(B)(C)", "A(B)", "A(θ)", "x^T A(\\theta) x + b(t)^T x", "Σ(Θ)^{-1}", "A(B + C)D", "AB(C + D)", "2(x + y)", "x(y)", "θ(x + y)",
    "\\sigma (x + y)", "σ (z)", "T + T^T", "x_1 + x_2", "x_{i} - x_{j}", "W_{12} x_1", "x_ij", "A_1 B_2 C_3",
  ];
  it("parses each of a long list of valid inputs", () => {
    for (const s of inputs) expect(() => parse(s), s).not.toThrow();
  });

  it("reads the rendering used in messages back as the same tree", () => {
    for (const s of inputs) expect(tree(render(parse(s))), s).toBe(tree(s));
  });
});

describe("spans", () => {
  it("cover each node's exact source text", () => {
    const n = parse("A + B^T");
    expect(spanOf(n)).toEqual([0, 7]);
    if (n.type !== "binary") throw new Error("binary expected");
    expect(spanOf(n.left)).toEqual([0, 1]);
    expect(spanOf(n.right)).toEqual([4, 7]);
  });

  it("include the brackets of a grouped operand", () => {
    const n = parse("(a+b) c");
    expect(spanOf(n)).toEqual([0, 7]);
    if (n.type !== "binary") throw new Error("binary expected");
    expect(spanOf(n.left)).toEqual([0, 5]);
    expect(spanOf(n.right)).toEqual([6, 7]);
  });

  it("of calls run from the name to the closing parenthesis", () => {
    const n = parse("tr(A) B");
    if (n.type !== "binary" || n.left.type !== "call") throw new Error("call expected");
    expect(spanOf(n.left)).toEqual([0, 5]);
    expect([n.left.nameSpan.start, n.left.nameSpan.end]).toEqual([0, 2]);
    expect(spanOf(n.left.args[0]!)).toEqual([3, 4]);
  });

  it("of the LaTeX operator form run to the end of the product it takes", () => {
    const s = "\\operatorname{tr} A B + C";
    const n = parse(s);
    if (n.type !== "binary" || n.left.type !== "call") throw new Error("call expected");
    expect(spanOf(n.left)).toEqual([0, 21]);
    expect([n.left.nameSpan.start, n.left.nameSpan.end]).toEqual([0, 17]);
    expect(s.slice(n.left.span.start, n.left.span.end)).toBe("\\operatorname{tr} A B");
  });

  it("of decorated and subscripted names cover the decoration", () => {
    expect(spanOf(parse("\\mathbf{x}"))).toEqual([0, 10]);
    expect(spanOf(parse("\\mathbf{W}_1"))).toEqual([0, 12]);
    expect(spanOf(parse("W_{12}"))).toEqual([0, 6]);
    expect(spanOf(parse("𝟏"))).toEqual([0, 2]); // UTF-16: 𝟏 is a surrogate pair
  });

  it("of postfix, norm and neg nodes", () => {
    const n = parse("\\|x\\|_2^2");
    expect(spanOf(n)).toEqual([0, 9]);
    if (n.type !== "postfix") throw new Error("postfix expected");
    expect(spanOf(n.arg)).toEqual([0, 7]);
    expect(spanOf(parse("x'"))).toEqual([0, 2]);
    expect(spanOf(parse("-x"))).toEqual([0, 2]);
    expect(spanOf(parse("A^{-1}"))).toEqual([0, 6]);
    expect(spanOf(parse("inv(A)"))).toEqual([0, 6]);
    expect(spanOf(parse("\\frac{a}{b}"))).toEqual([0, 11]);
  });

  it("use UTF-16 offsets after astral characters", () => {
    const n = parse("𝟏 − σ(z)");
    if (n.type !== "binary") throw new Error("binary expected");
    expect(spanOf(n.right)).toEqual([5, 9]);
  });
});

describe("errors", () => {
  const cases: ReadonlyArray<[string, string, string, [number, number]]> = [
    ["", "empty", "empty expression", [0, 0]],
    ["  \t ", "empty", "empty expression", [0, 4]],
    ["\\quad", "empty", "empty expression", [0, 5]],
    ["tr(A B))", "syntax", "unexpected ')' at 1:8", [7, 8]],
    ["a +\n)", "syntax", "unexpected ')' at 2:1", [4, 5]],
    ["A^,", "syntax", "unexpected ',' at 1:3", [2, 3]],
    ["A^+ y", "syntax", "unexpected '+' at 1:3", [2, 3]],
    ["A.^T", "syntax", "unexpected 'T' at 1:4", [3, 4]],
    ["A \\top", "syntax", "unexpected '\\top' at 1:3", [2, 6]],
    ["‖x‖_3 + y", "unsupported", "the norm ‖·‖_3 is not supported: only ‖·‖_1, ‖·‖_2 (or ‖·‖) and ‖·‖_F are", [3, 5]],
    ["(a]", "syntax", "unexpected ']' at 1:3", [2, 3]],
    ["inv A", "syntax", "unexpected 'A' at 1:5", [4, 5]],
    ["2.x", "syntax", "unexpected '.' at 1:2", [1, 2]],
    ["A * -B", "syntax", "unexpected '-' at 1:5", [4, 5]],
    ["tr(A, B)", "syntax", "unexpected ',' at 1:5", [4, 5]],
    ["|x", "syntax", "unclosed '|' opened at 1:1", [0, 1]],
    ["A_1_2", "syntax", "unexpected '_2' at 1:4", [3, 5]],
    ["a + ", "syntax", "unexpected end of input at 1:5: expected an expression", [4, 4]],
    ["A^", "syntax", "unexpected end of input at 1:3: expected an exponent", [2, 2]],
    ["\\frac{a}", "syntax", "unexpected end of input at 1:9: expected '{'", [8, 8]],
    ["tr((A B)", "syntax", "unclosed '(' opened at 1:3", [2, 3]],
    ["\\left( A", "syntax", "unclosed '\\left(' opened at 1:1", [0, 6]],
    ["[a + (b)", "syntax", "unclosed '[' opened at 1:1", [0, 1]],
    ["‖x", "syntax", "unclosed '‖' opened at 1:1", [0, 1]],
    ["2 + $", "syntax", "unexpected character '$' at 1:5", [4, 5]],
    ["a 😀", "syntax", "unexpected character '😀' at 1:3", [2, 4]],
    ["x_", "syntax", "expected a subscript after '_' at 1:2", [1, 2]],
    ["\\left x", "syntax", "expected a delimiter after '\\left' at 1:1", [0, 5]],
    ["\\operatorname x", "syntax", "expected a function name in braces after '\\operatorname' at 1:1", [0, 13]],
    ["tarce(A)", "unknown-function", "unknown function 'tarce'", [0, 5]],
    ["foo(x)", "unknown-function", "unknown function 'foo'", [0, 3]],
    ["2 + Trace(A)", "unknown-function", "unknown function 'Trace'", [4, 9]],
    ["\\operatorname{foo}(x)", "unknown-function", "unknown function 'foo'", [14, 17]],
    ["\\mathrm{Det}(x)", "unknown-function", "unknown function 'Det'", [8, 11]],
    ["\\thet", "unknown-command", "unknown LaTeX command '\\thet'", [0, 5]],
    ["x + \\foo", "unknown-command", "unknown LaTeX command '\\foo'", [4, 8]],
    ["\\&", "unknown-command", "unknown LaTeX command '\\&'", [0, 2]],
    // Lookups must not find Object.prototype members.
    ["\\toString", "unknown-command", "unknown LaTeX command '\\toString'", [0, 9]],
    ["\\operatorname{constructor}(x)", "unknown-function", "unknown function 'constructor'", [14, 25]],
    ["‖a‖ b ‖c‖", "ambiguous", "ambiguous expression: it reads as ‖(a ‖b‖) c‖ or as (‖a‖ b) ‖c‖", [0, 9]],
  ];
  for (const [input, code, message, span] of cases) {
    it(`${JSON.stringify(input)}: ${message}`, () => {
      const e = failure(input);
      expect({ code: e.code, message: e.message, span: [e.start, e.end] }).toEqual({ code, message, span });
    });
  }

  it("suggest the nearest function or command", () => {
    expect(failure("tarce(A)").hint).toBe("did you mean trace?");
    expect(failure("Det(A)").hint).toBe("did you mean det?");
    expect(failure("sigmod(x)").hint).toBe("did you mean sigmoid?");
    expect(failure("\\operatorname{tarce}(A)").hint).toBe("did you mean trace?");
    expect(failure("foo(x)").hint).toMatch(/^known functions: tr, /);
    expect(failure("\\thet").hint).toBe("did you mean \\theta?");
    expect(failure("\\Sigm").hint).toBe("did you mean \\Sigma?");
    expect(failure("‖a‖ b ‖c‖").hint).toBe("add parentheses to say which you mean");
  });

  it("only treat a glued, function-like word as a call", () => {
    expect(tree("AB(x+y)")).toBe("(* (* A B) (+ x y))"); // capitals: a product
    expect(tree("f o o (x)")).toBe("(* (* (* f o) o) x)"); // spaced: letters
    // a word that names nothing is an error, not a silent product l·o·s·s (issue 10)
    expect(failure("foo (x)").code).toBe("unknown-word");
    expect(failure("loss").hint).toMatch(/l o s s for a product/);
    expect(failure("f(x)").code).toBe("unknown-word");
  });

  it("never leak a raw exception", () => {
    // A deterministic fuzz over fragments of the language.
    const pieces = ["A", "x", "2", "+", "-", "*", "/", "^", "T", "{", "}", "(", ")", "[", "]", "‖", "\\|", "_", "2", "F", "'",
      "\\det", "tr", "\\frac", "\\left(", "\\right)", "\\langle", ",", "\\rangle", "⊙", ".^", "σ", "𝟏", "⁻¹", "\\mathbf", " "];
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 3000; k++) {
      const s = Array.from({ length: 1 + Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join("");
      try {
        parse(s);
      } catch (e) {
        expect(e, s).toBeInstanceOf(MatdiffError);
        expect((e as MatdiffError).message, s).not.toMatch(/internal/);
        // Without symmetric bars, a second reading would be a grammar bug.
        if (!/‖|\\\|/.test(s)) expect((e as MatdiffError).code, s).not.toBe("ambiguous");
      }
    }
  });
});

describe("limits", () => {
  it("has the documented defaults", () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxLength: 10_000, maxDepth: 200 });
  });

  it("rejects long input", () => {
    const e = failure("a".repeat(10_001));
    expect([e.code, e.message]).toEqual(["limit", "input is 10001 characters long; the limit is 10000"]);
    const f = failure("a".repeat(12_000));
    expect(f.message).toBe("input is 12000 characters long; the limit is 10000");
    expect(failure("a+b", { maxLength: 2 }).code).toBe("limit");
  });

  it("accepts 200 levels of nesting and rejects 201", () => {
    expect(tree("(".repeat(200) + "x" + ")".repeat(200))).toBe("x");
    const e = failure("(".repeat(201) + "x" + ")".repeat(201));
    expect({ code: e.code, message: e.message, span: [e.start, e.end] })
      .toEqual({ code: "limit", message: "nesting is deeper than 200 levels at 1:201", span: [200, 201] });
    expect(failure("tr(".repeat(5) + "x" + ")".repeat(5), { maxDepth: 4 }).message).toBe("nesting is deeper than 4 levels at 1:15");
  });

  it("stops 20,000 nested parentheses quickly", () => {
    const s = "(".repeat(20_000) + "x" + ")".repeat(20_000);
    const t0 = performance.now();
    expect(failure(s).code).toBe("limit"); // the length limit comes first
    const e = failure(s, { maxLength: 100_000 });
    expect(e.message).toBe("nesting is deeper than 200 levels at 1:201");
    const unclosed = failure("(".repeat(20_000), { maxLength: 100_000 });
    expect(unclosed.code).toBe("limit");
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it("caps the token count", () => {
    expect(() => parse("A".repeat(3000))).not.toThrow();
    const e = failure("A".repeat(3001));
    expect([e.code, e.message, e.start]).toEqual(["limit", "expression has 3001 tokens; the limit is 3000", 3000]);
  });

  it("gives up on inputs whose readings multiply, quickly", () => {
    for (const s of [Array(40).fill("‖a‖ b").join(" "), Array(200).fill("‖x").join("") + "‖".repeat(200)]) {
      const t0 = performance.now();
      const e = failure(s);
      expect(performance.now() - t0, s).toBeLessThan(1000);
      expect([e.code, e.message]).toEqual(["limit", "expression is too complex to parse; add parentheses or split it with --where"]);
      expect(e.hint).toBe("‖ opens and closes alike; \\lVert … \\rVert say which is which");
    }
  });

  it("parses large unambiguous inputs in well under a second", () => {
    const inputs = [Array(1000).fill("A").join("+"), "-".repeat(2999) + "x", "\\det ".repeat(1000) + "A",
      Array(100).fill("\\frac{1}{2} x^T A x - ‖x‖_2^2").join(" - ")];
    for (const s of inputs) {
      const t0 = performance.now();
      parse(s, { maxLength: 100_000 });
      expect(performance.now() - t0, s.slice(0, 20)).toBeLessThan(1000);
    }
  });
});

describe("a symbol written with its parameter, A(θ)", () => {
  it("is one symbol that depends on the parameter when the parenthesis touches it and holds one non-uppercase-Latin symbol", () => {
    expect(tree("A(θ)")).toBe("(A of theta)");
    expect(tree("x^T A(\\theta) x")).toBe("(* (* (T x) (A of theta)) x)");
    expect(tree("\\mathbf{x}(t)")).toBe("(x of t)");
    expect(tree("Σ(Θ)^{-1}")).toBe("(inv (Sigma of Theta))");
    expect(tree("W_1(θ) h")).toBe("(* (W_1 of theta) h)");
  });
  it("stays a product otherwise: a space, an uppercase Latin factor, more than one symbol, a repeated name", () => {
    expect(tree("A (θ)")).toBe("(* A theta)");
    expect(tree("A(B)")).toBe("(* A B)");
    expect(tree("A(x + y)")).toBe("(* A (+ x y))");
    expect(tree("x(x)")).toBe("(* x x)");
    expect(tree("σ(z)")).toBe("(sigmoid z)");
  });
});
