/**
 * The question as people paste it: ∇_x f, ∂/∂X f, \frac{∂f}{∂x}, f(x) = …: the notation names the variable
 * (and a Hessian), so --wrt is not needed. Every form gives what --wrt gives, and spans still point into the input.
 */
import { describe, expect, it } from "vitest";
import { differentiate, differentiateAll, readQuestion } from "../src/api.js";
import { MatdiffError } from "../src/errors.js";
import { refusalOf } from "./support/pipeline.js";
import { runCli } from "./support/cli.js";

const noWrt = (expr: string, extra: Record<string, unknown> = {}) => differentiate(expr, { wrt: "", check: true, ...extra });

describe("the derivative written in the input", () => {
  it.each([
    ["\\frac{\\partial}{\\partial X} tr(AX)", "tr(AX)", "X"],
    ["\\dfrac{\\partial}{\\partial X}\\operatorname{tr}(A X)", "tr(AX)", "X"],
    ["\\frac{\\partial\\, x^T A x}{\\partial x}", "x^T A x", "x"],
    ["\\frac{\\partial (x^T A x)}{\\partial \\mathbf{x}}", "x^T A x", "x"],
    ["\\nabla_x x^T A x", "x^T A x", "x"],
    ["\\nabla_{\\theta} \\|y - X\\theta\\|^2", "\\|y - X\\theta\\|^2", "theta"],
    ["∇_W \\|XW - Y\\|_F^2", "\\|XW - Y\\|_F^2", "W"],
    ["∂/∂W \\|XW - Y\\|_F^2", "\\|XW - Y\\|_F^2", "W"],
    ["\\partial_{W_1} tr(W_1^T W_1)", "tr(W_1^T W_1)", "W_1"],
    ["f(x) = x^T A x", "x^T A x", "x"],
    ["J(\\theta) := \\frac{1}{2}\\|X\\theta - y\\|^2", "\\frac{1}{2}\\|X\\theta - y\\|^2", "theta"],
    ["\\mathcal{L}(\\hat{y}) = -y^T \\log \\hat{y}", "-y^T \\log \\hat{y}", "\\hat{y}"],
    ["\\log L(\\theta) = \\sum_i (y_i \\theta^T x_i - \\exp(\\theta^T x_i))", "\\sum_i (y_i \\theta^T x_i - \\exp(\\theta^T x_i))", "theta"],
    // a name of several letters (was "unexpected character '='"); KL(q ‖ p) is of distributions, not of variables
    ["NLL(w) = -\\sum_i y_i \\log\\sigma(w^T x_i)", "-\\sum_i y_i \\log\\sigma(w^T x_i)", "w"],
    ["Loss(W) = \\|XW - Y\\|_F^2", "\\|XW - Y\\|_F^2", "W"],
    ["\\mathcal{L}_{\\text{reg}}(w) = \\lambda \\|w\\|^2", "\\lambda \\|w\\|^2", "w"],
    ["\\operatorname{MSE}(w) = \\frac{1}{n}\\|Xw - y\\|^2", "\\frac{1}{n}\\|Xw - y\\|^2", "w"],
  ])("%s is %s wrt %s, checked", (question, expr, wrt) => {
    const asked = noWrt(question);
    const plain = differentiate(expr, { wrt });
    expect(asked.check?.ok).toBe(true);
    expect(asked.derivative.text).toBe(plain.derivative.text);
    expect(asked.function.text).toBe(plain.function.text);
    expect(asked.kind).toBe(plain.kind);
  });

  it.each([
    "\\nabla^2_x x^T A x", "\\nabla_x^2 x^T A x", "∇²_x x^T A x", "\\frac{\\partial^2}{\\partial x^2} x^T A x",
    "\\frac{\\partial^2 (x^T A x)}{\\partial x \\partial x^T}", "\\frac{\\partial^2 x^T A x}{\\partial x\\, \\partial x^\\top}",
  ])("%s asks for the Hessian A + Aᵀ", (question) => {
    const r = noWrt(question);
    expect(r.kind).toBe("hessian");
    expect(r.derivative.text).toBe("A + Aᵀ");
    expect(r.check?.ok).toBe(true);
  });

  it("d/dt is a derivative by a scalar: a t that only parameterises is read as one, with a note", () => {
    const r = noWrt("\\frac{d}{dt} \\log\\det(X(t))");
    expect(r.derivative.text).toBe("tr(X⁻¹Ẋ)");
    expect(r.check?.ok).toBe(true);
    expect(r.notes[0]).toBe('t is read as a scalar, as \\frac{d}{dt} writes a derivative by a scalar; --let "t: vector" if it is not');
  });

  it("d/dt reads t as a scalar also where t is written: a line search x − ta is no product of two vectors", () => {
    const r = noWrt("\\frac{d}{dt} (x - t a)^T (x - t a)");
    expect(r.kind).toBe("derivative");
    expect(r.derivative.text).toBe("−2aᵀ(x − ta)");
    expect(r.shapes).toMatchObject({ t: "1×1", x: "n×1", a: "n×1" });
    expect(r.check?.ok).toBe(true);
    expect(r.notes).toEqual(['t is read as a scalar, as \\frac{d}{dt} writes a derivative by a scalar; --let "t: vector" if it is not']);
    // declared, t is what the declaration says
    expect(noWrt("\\frac{d}{dt} x^T t", { let: ["t: vector"] }).derivative.text).toBe("x");
  });

  it("d/dx of an x written transposed or bold is the gradient its author means (was x·x·A by a number)", () => {
    for (const q of ["d/dx (x^T A x)", "\\frac{d}{d\\mathbf{x}} \\mathbf{x}^T A \\mathbf{x}"]) {
      const r = noWrt(q);
      expect(r.kind, q).toBe("gradient");
      expect(r.derivative.text, q).toBe("(A + Aᵀ)x");
      expect(r.check?.ok, q).toBe(true);
      expect(r.notes.join("\n"), q).toMatch(/is read as the gradient ∇_x: x is written as a vector \(transposed or bold\), which no scalar is; --let "x: scalar" for the derivative by a number/);
    }
    expect(noWrt("\\frac{d}{dx} x^T x").derivative.text).toBe("2x");
    // a scalar x, declared, is a scalar still
    expect(noWrt("d/dx (x^T A x)", { let: ["x: scalar"] }).derivative.text).toBe("2xA");
  });

  it("domains stated after f (x ∈ ℝⁿ, A ∈ 𝕊ⁿ, Σ ∈ 𝕊ⁿ₊₊, W ∈ ℝ^{d×k}) are the declarations --let would make, with a note", () => {
    const q = differentiate("x^T A x, \\quad x \\in \\mathbb{R}^n, A \\in \\mathbb{S}^n", { wrt: "x", check: true });
    expect(q.derivative.text).toBe("2Ax");
    expect(q.check?.ok).toBe(true);
    expect(q.notes).toContain('the domains stated after f are read as declarations: --let "x: vector n" --let "A: symmetric n x n"');
    const logdet = differentiate("\\log\\det\\Sigma, \\Sigma \\in \\mathbb{S}^n_{++}", { wrt: "Sigma", check: true });
    expect(logdet.derivative.text).toBe("Σ⁻¹");
    expect(logdet.check?.ok).toBe(true);
    const ls = noWrt("\\nabla_X \\|XW - Y\\|_F^2,\\ X \\in ℝ^{n×d}, W \\in ℝ^{d×k}");
    expect(ls.derivative.text).toBe("2(XW − Y)Wᵀ");
    expect(ls.shapes).toMatchObject({ X: "n×d", W: "d×k", Y: "n×k" });
    expect(noWrt("f(\\theta) = \\theta^T A \\theta, \\quad \\theta \\in \\mathbb{R}^p").shapes).toMatchObject({ theta: "p×1", A: "p×p" });
    expect(differentiate("t^2 x, t \\in \\mathbb{R}", { wrt: "t" }).derivative.text).toBe("2tx");
    expect(differentiate("x^T A x \\quad \\text{where } A \\in \\mathbb{R}^{n \\times n}, x \\in \\mathbb{R}^{n}.", { wrt: "x" }).derivative.text).toBe("(A + Aᵀ)x");
    // --let says more than the text, and wins
    expect(differentiate("x^T A x, \\quad A \\in \\mathbb{S}^n", { wrt: "x", let: ["A: square"] }).derivative.text).toBe("(A + Aᵀ)x");
    // stated sizes that disagree are a mismatch, named
    expect(() => differentiate("x^T A x, \\quad x \\in \\mathbb{R}^n, A \\in \\mathbb{R}^{m \\times m}", { wrt: "x" })).toThrow(/dimension mismatch in x\^T A at 1:5: 1×n · m×m/);
  });

  it("∂/∂σ², d/dt², --wrt sigma^2 ask for the derivative by a square, (d/dσ)/(2σ): a variance's MLE, checked, never d²/dσ² or d/dσ", () => {
    for (const [input, wrt, printed] of [
      ["\\frac{\\partial}{\\partial \\sigma^2} \\frac{1}{2\\sigma^2}\\|y - X\\beta\\|^2 + \\frac{n}{2}\\log\\sigma^2", "", "(n/σ² − ‖y − Xβ‖²/σ⁴)/2"],
      ["d/dt² t^3", "", "3t/2"],
      ["\\frac{1}{2\\sigma^2}\\|y\\|^2", "\\sigma^2", "−‖y‖²/(2σ⁴)"],
      ["\\frac{1}{2\\sigma^2}\\|y\\|^2", "σ²", "−‖y‖²/(2σ⁴)"],
      ["\\frac{1}{2\\sigma^2}\\|y\\|^2", "sigma^{2}", "−‖y‖²/(2σ⁴)"],
    ] as const) {
      const r = differentiate(input, { wrt, check: true });
      expect(r.kind, input).toBe("derivative");
      expect(r.derivative.text, input).toBe(printed);
      expect(r.label.text, input).toMatch(/^df\/d(σ|t)²$/);
      expect(r.check?.ok, input).toBe(true);
      expect(r.notes.join("\n"), input).toMatch(/the derivative by (σ|t)² is \(d\/d(σ|t)\)\/\(2(σ|t)\)/);
    }
    // the Gaussian's MLE of the variance: −n/(2σ²) + Σ(xᵢ − μ)²/(2σ⁴), its derivation ending in d(σ²)
    const mle = differentiate("-\\frac{n}{2}\\log(2\\pi\\sigma^2) - \\frac{1}{2\\sigma^2}\\sum_{i=1}^n (x_i - \\mu)^2", { wrt: "sigma^2", check: true, steps: true });
    expect(mle.derivative.text).toBe("((x − μ𝟏)ᵀ(x − μ𝟏)/σ⁴ − n/σ²)/2");
    expect(mle.check?.ok).toBe(true);
    expect(mle.steps!.at(-1)!.reason).toBe("dσ = d(σ²)/(2σ): the factor of d(σ²)");
    // asked beside another variable or twice over, it is refused with what to write
    expect(refusalOf("\\frac{1}{2\\sigma^2}\\|y\\|^2", { wrt: "sigma^2", hessian: true }).message).toMatch(/takes alone/);
    // the second derivative keeps its notation: ∂² over ∂σ²
    const second = noWrt("\\frac{\\partial^2}{\\partial \\sigma^2} \\log\\sigma^2");
    expect(second.kind).toBe("hessian");
    expect(second.derivative.text).toBe("−2/σ²");
    expect(noWrt("\\frac{d^2}{dt^2} t^3").derivative.text).toBe("6t");
  });

  it("∂/∂θ_i of f written in θ is entry i of θ's gradient, with a note (was 0: θ_i read as a symbol f does not contain)", () => {
    const r = noWrt("\\frac{\\partial}{\\partial \\theta_i} \\theta^T A \\theta");
    expect(r.kind).toBe("gradient");
    expect(r.derivative.text).toBe("(A + Aᵀ)θ");
    expect(r.check?.ok).toBe(true);
    expect(r.notes[0]).toBe("θ_i is read as entry i of θ, which f is written in: the gradient ∇_θ f is given, entry by entry with --format index");
    expect(r.derivative.index?.text).toBe("∂f/∂θ_i = A_{ij} θ_j + A_{ji} θ_j");
    expect(differentiate("x^T x", { wrt: "x_k", check: true }).derivative.text).toBe("2x");
    expect(noWrt("\\frac{\\partial}{\\partial x_i} \\sum_i x_i^2").derivative.text).toBe("2x");
    const entry = noWrt("\\frac{\\partial}{\\partial X_{ij}} tr(AX)");
    expect(entry.derivative.text).toBe("Aᵀ");
    expect(entry.notes[0]).toMatch(/^X_{ij} is read as entry \(i, j\) of X/);
    // a symbol f is written in stays itself: x_i beside x_j, W_1 (a digit is a name, not an index)
    expect(differentiate("x_i^2 + x_j", { wrt: "x_i" }).derivative.text).toBe("2x_i");
    expect(differentiate("x^T W_1 x", { wrt: "W_1" }).derivative.text).toBe("xxᵀ");
  });

  it("∇f with no subscript is by f's one symbol, with a note; with several, the question is which (was \\nabla not read)", () => {
    const r = noWrt("\\nabla \\|x\\|^2");
    expect(r.derivative.text).toBe("2x");
    expect(r.check?.ok).toBe(true);
    expect(r.notes).toContain("\\nabla with no subscript is read as by x, f's one symbol");
    const h = noWrt("∇²‖x‖^4");
    expect(h.kind).toBe("hessian");
    expect(h.derivative.text).toBe("4(2xxᵀ + ‖x‖²I)");
    expect(h.check?.ok).toBe(true);
    const e = refusalOf("∇ x^T A x", { wrt: "" });
    expect(e.code).toBe("wrt");
    expect(e.message).toBe("∇ with no subscript: with respect to which of x, A?");
    expect(e.hint).toBe("write the variable as its subscript, e.g. ∇_x f, or use --wrt");
    // no symbol at all: the variable is missing, as without ∇
    expect(refusalOf("\\nabla 3", { wrt: "" }).message).toBe("missing the variable to differentiate with respect to");
  });

  it("the question in words: 'the gradient of … with respect to x', 'derivative of … wrt X', 'Hessian of … w.r.t. x' (were 'not a function matdiff knows')", () => {
    const cases: ReadonlyArray<[string, string, string]> = [
      ["derivative of log det(X) with respect to X", "X", "X⁻ᵀ"],
      ["the gradient of \\frac{1}{2}\\|Ax - b\\|^2 with respect to x", "x", "Aᵀ(Ax − b)"],
      ["grad of x^T A x wrt x", "x", "(A + Aᵀ)x"],
      ["\\|W x - y\\|^2 \\text{ with respect to } W", "W", "2(Wx − y)xᵀ"],
      ["Jacobian of \\sigma(Wx) wrt x", "x", "diag(σ(Wx) ⊙ (𝟏 − σ(Wx)))W"],
    ];
    for (const [input, wrt, derivative] of cases) {
      const r = noWrt(input);
      expect(r.wrt.text, input).toBe(wrt);
      expect(r.derivative.text, input).toBe(derivative);
      expect(r.check?.ok, input).toBe(true);
    }
    const h = noWrt("Hessian of x^T A x w.r.t. x");
    expect(h.kind).toBe("hessian");
    expect(h.derivative.text).toBe("A + Aᵀ");
    const both = differentiateAll("\\mathrm{tr}(AXB), w.r.t. X and A", { wrt: [], check: true });
    expect(both.results.map((r) => `${r.wrt.text}: ${r.derivative.text}`)).toEqual(["X: AᵀBᵀ", "A: BᵀXᵀ"]);
    const one = noWrt("the gradient of x^T x");
    expect(one.derivative.text).toBe("2x");
    expect(one.notes).toContain(`"the gradient of" names no variable: it is read as by x, f's one symbol`);
    expect(refusalOf("the gradient of", { wrt: "" }).message).toBe("empty expression");
    const e = refusalOf("the gradient of x^T A x", { wrt: "" });
    expect(e.message).toBe(`"the gradient of" names no variable: with respect to which of x, A?`);
  });

  it("the derivative beside the definition of what it differentiates: ∂f/∂x, f = xᵀAx; L = …; find ∇_W L (were 'unexpected =')", () => {
    const cases: ReadonlyArray<[string, string, string]> = [
      ["\\frac{\\partial f}{\\partial x}, f = x^T A x", "x", "(A + Aᵀ)x"],
      ["\\frac{\\partial L}{\\partial W} \\text{ where } L = \\|XW - Y\\|_F^2", "W", "2Xᵀ(XW − Y)"],
      ["f = x^T A x, \\frac{\\partial f}{\\partial x}", "x", "(A + Aᵀ)x"],
      ["L(W) = \\|XW - Y\\|_F^2; find \\nabla_W L", "W", "2Xᵀ(XW − Y)"],
      ["L(W, b) = \\|W x + b - y\\|^2, \\frac{\\partial L}{\\partial b}", "b", "2(Wx + b − y)"],
    ];
    for (const [input, wrt, derivative] of cases) {
      const r = noWrt(input);
      expect(r.wrt.text, input).toBe(wrt);
      expect(r.derivative.text, input).toBe(derivative);
      expect(r.check?.ok, input).toBe(true);
    }
    // a decorated name: x̄ = …, 𝐲 = W𝐱 with its derivative after it
    expect(noWrt("\\bar{x} = \\frac{1}{n}\\sum_i x_i", { wrt: "x" }).derivative.text).toBe("𝟏/n");
    expect(noWrt("\\mathbf{y} = W\\mathbf{x}, \\frac{\\partial \\mathbf{y}}{\\partial \\mathbf{x}}").derivative.text).toBe("W");
    // another name's definition is not the numerator's
    expect(() => noWrt("\\frac{\\partial f}{\\partial x}, g = x^T x")).toThrow(MatdiffError);
  });

  it("the operator on the function's name, then its definition: ∇_θ J(θ) = ‖Xθ − y‖²/2m, as a course writes it (was 'unexpected =')", () => {
    const cases: ReadonlyArray<[string, string, string]> = [
      ["\\nabla_\\theta J(\\theta) = \\frac{1}{2m}\\|X\\theta - y\\|^2", "θ", "Xᵀ(Xθ − y)/m"],
      ["∇_θ J(θ) = ½‖Xθ − y‖²", "θ", "Xᵀ(Xθ − y)"],
      ["∇ₓ f(x) = xᵀAx", "x", "(A + Aᵀ)x"],
      ["\\frac{\\partial}{\\partial W} L(W) = \\|XW - Y\\|_F^2", "W", "2Xᵀ(XW − Y)"],
      ["\\frac{d}{dt} f(t) = t^2 \\sin(t)", "t", "t(2 sin(t) + t cos(t))"],
    ];
    for (const [input, wrt, derivative] of cases) {
      const r = noWrt(input);
      expect(r.wrt.text, input).toBe(wrt);
      expect(r.derivative.text, input).toBe(derivative);
      expect(r.check?.ok, input).toBe(true);
    }
    const hessian = noWrt("\\nabla^2_x f(x) = x^T A x");
    expect([hessian.kind, hessian.derivative.text]).toEqual(["hessian", "A + Aᵀ"]);
  });

  it("the first seed's question as written: ∇_θ uᵀA(θ)v reads θ as a vector and pulls uvᵀ back through J_A(θ)", () => {
    const r = noWrt("\\nabla_\\theta u^T A(\\theta) v");
    expect(r.derivative.text).toBe("J_A(θ)ᵀ vec(uvᵀ)");
    expect(r.check?.ok).toBe(true);
    expect(r.notes[0]).toBe('θ is read as a vector, as \\nabla_\\theta asks for a gradient; --let "theta: scalar" if it is not');
    // ∂/∂θ names no gradient: θ keeps its letter, a scalar
    expect(noWrt("\\frac{\\partial}{\\partial \\theta} u^T A(\\theta) v").derivative.text).toBe("uᵀȦv");
    // a θ the expression itself sizes keeps that size
    expect(noWrt("\\nabla_\\theta θ u^T A(\\theta) v").wrt.shape).toBe("1×1");
  });

  it("a function of several variables asks for each: L(W_1, b_1) = …", async () => {
    const all = differentiateAll("L(W_1, b_1) = \\|W_2 σ(W_1 x + b_1) - y\\|^2", { wrt: [], check: true });
    expect(all.results.map((r) => r.wrt.text)).toEqual(["W₁", "b₁"]);
    expect(all.results.every((r) => r.check?.ok)).toBe(true);
    expect(() => differentiate("L(W_1, b_1) = tr(W_1) + b_1^T b_1", { wrt: "" })).toThrow(/several variables \(W_1, b_1\) need differentiateAll/);
    const cli = await runCli(["L(W_1, b_1) = tr(W_1) + b_1^T b_1"]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain("∇_W₁ f = I");
    expect(cli.stdout).toContain("∇_b₁ f = 2b₁");
  });

  it("--wrt agrees with the operator or is an error; a definition's arguments yield to --wrt", () => {
    expect(differentiate("\\nabla_x x^T A x", { wrt: "x" }).derivative.text).toBe("(A + Aᵀ)x");
    let err: unknown;
    try { differentiate("\\nabla_x x^T A x", { wrt: "A" }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MatdiffError);
    expect((err as MatdiffError).message).toBe("the input asks for \\nabla_x, with respect to x, but --wrt names A");
    expect(differentiate("f(x; θ) = θ x^T x", { wrt: "theta" }).derivative.text).toBe("xᵀx");
  });

  it("spans still point into what was typed", () => {
    let err: unknown;
    try { differentiate("\\nabla_x tr(A x", { wrt: "" }); } catch (e) { err = e; }
    expect((err as MatdiffError).message).toBe("unclosed '(' opened at 1:12");
    expect((err as MatdiffError).start).toBe(11);
    try { differentiate("f(x) = x^T A x + \\foo", { wrt: "" }); } catch (e) { err = e; }
    expect((err as MatdiffError).message).toBe("unknown LaTeX command '\\foo'");
    expect([(err as MatdiffError).start, (err as MatdiffError).end]).toEqual([17, 21]);
  });

  it.each([
    ["\\min_w \\|Xw - y\\|^2 + \\lambda \\|w\\|^2", "\\|Xw - y\\|^2 + \\lambda \\|w\\|^2", ["w"]],
    ["\\arg\\min_{w} \\frac12\\|Xw-y\\|^2", "\\frac12\\|Xw-y\\|^2", ["w"]],
    ["\\argmin_\\theta \\|X\\theta - y\\|^2", "\\|X\\theta - y\\|^2", ["\\theta"]],
    ["\\operatorname*{arg\\,min}_{W, b} \\|W x + b - y\\|^2", "\\|W x + b - y\\|^2", ["W", "b"]],
    ["\\operatorname{argmax}_\\theta \\theta^T x - \\log(1 + e^{\\theta^T x})", "\\theta^T x - \\log(1 + e^{\\theta^T x})", ["\\theta"]],
    ["\\underset{w}{\\arg\\min} \\|Xw-y\\|^2", "\\|Xw-y\\|^2", ["w"]],
    ["\\mathop{\\mathrm{argmin}}_w \\|Xw-y\\|^2", "\\|Xw-y\\|^2", ["w"]],
    ["\\min_{w \\in \\mathbb{R}^d} \\|Xw - y\\|^2", "\\|Xw - y\\|^2", ["w"]],
    ["\\max\\limits_{\\theta} \\sum_i \\log \\sigma(y_i \\theta^T x_i)", "\\sum_i \\log \\sigma(y_i \\theta^T x_i)", ["\\theta"]],
  ])("an optimisation problem %s differentiates its objective by its variables", (question, objective, wrt) => {
    const q = readQuestion(question);
    expect(q.wrt).toEqual(wrt);
    expect(q.expr.trim()).toBe(objective);
    expect(q.expr.length).toBe(question.length);
    const asked = differentiateAll(question, { wrt: "", check: true });
    const plain = differentiateAll(objective, { wrt: wrt.join(", ") });
    expect(asked.results.map((r) => r.check?.ok)).toEqual(wrt.map(() => true));
    expect(asked.results.map((r) => r.derivative.text)).toEqual(plain.results.map((r) => r.derivative.text));
  });

  it("\\max_i x_i is x's largest entry, not an optimisation in i: refused with what it is", () => {
    expect(readQuestion("\\max_i x_i").wrt).toEqual([]);
    for (const expr of ["\\max_i x_i", "\\max(x)", "max(x)", "\\min(x)", "min(x)", "\\min_j x_j", "max_i x_i"]) {
      let e: unknown;
      try { differentiate(expr, { wrt: "x" }); } catch (err) { e = err; }
      expect(e, expr).toBeInstanceOf(MatdiffError);
      expect((e as MatdiffError).code, expr).toBe("unsupported");
      expect((e as MatdiffError).message, expr).toMatch(/^(?:the (?:largest|smallest) entry \(.*\)|.*, the largest entry,) has no derivative in closed form/);
      expect((e as MatdiffError).start, expr).toBe(0);
      expect((e as MatdiffError).hint, expr).toMatch(/logsumexp/);
    }
    // the ReLU is still max(0, x)
    expect(differentiate("\\max(0, x)", { wrt: "x" }).function.text).toBe("relu(x)");
  });

  it("a \\partial or \\nabla elsewhere is an error with a hint; ordinary fractions are untouched", async () => {
    const cli = await runCli(["tr(X) \\nabla X"]);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain("'\\nabla' here is not a derivative matdiff can read");
    expect(cli.stderr).toContain("hint: write the derivative first");
    for (const plain of ["\\frac{x}{y}", "\\frac{d^T x}{d^T d}", "\\frac{1}{2} x^T x", "d^T x"]) {
      expect(readQuestion(plain)).toEqual({ expr: plain, wrt: [], hessian: false });
    }
    expect(readQuestion("\\nabla_x x").expr).toBe(`${" ".repeat(9)}x`);
  });
});

it("KL = …, loss = …, KL(q ‖ p) = … name the function; the variable comes from --wrt; tr(A) = … names nothing", () => {
  const kl = differentiate("KL(q \\| p) = \\frac12(tr(\\Sigma_2^{-1}\\Sigma_1) - \\log|\\Sigma_1|)", { wrt: "Sigma_1", check: true });
  expect(kl.derivative.text).toBe("(Σ₂⁻ᵀ − Σ₁⁻ᵀ)/2");
  expect(kl.check?.ok).toBe(true);
  expect(differentiate("loss = \\|Xw - y\\|^2", { wrt: "w" }).derivative.text).toBe("2Xᵀ(Xw − y)");
  expect(readQuestion("tr(A) = 1").expr).toBe("tr(A) = 1");
});

describe("∇·F and ∇×F, the divergence and the curl", () => {
  it.each([["\\nabla \\cdot (A x)", "divergence"], ["∇·(A x)", "divergence"], ["\\nabla \\times v", "curl"]])("%s is refused as the %s, with the Jacobian to ask for (was 'unexpected \\cdot')", (input, what) => {
    const e = refusalOf(input, { wrt: "" });
    expect(e.message).toMatch(new RegExp(`the ${what} ∇[·×]F of a vector field is not read`));
    expect(e.hint).toMatch(/ask for the Jacobian/);
    expect(e.start).toBe(0);
  });
});

describe("a formula pasted from a note with its delimiters: $…$, $$…$$, \\(…\\), \\[…\\], \\begin{equation}", () => {
  it.each([
    ["$x^T A x$", "x"],
    ["$$x^T A x$$", "x"],
    ["\\(x^T A x\\)", "x"],
    ["\\[x^T A x\\]", "x"],
    ["\\begin{equation} x^T A x, \\end{equation}", "x"],
    ["\\begin{equation*} x^T A x. \\end{equation*}", "x"],
    ["  $$ x^T A x . $$  ", "x"],
  ])("%s is the formula inside (was an unexpected character or an unknown command)", (input, wrt) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe("xᵀAx");
    expect(r.derivative.text).toBe("(A + Aᵀ)x");
    expect(r.check?.ok).toBe(true);
  });

  it("the question inside the delimiters is read too, and spans still point into what was written", () => {
    expect(noWrt("$$\\nabla_x x^T A x$$").derivative.text).toBe("(A + Aᵀ)x");
    expect(noWrt("$f(x) = \\|Ax - b\\|^2$").derivative.text).toBe("2Aᵀ(Ax − b)");
    const e = refusalOf("$x^T A + $", { wrt: "x" });
    expect(e.start).toBeGreaterThan(0);
  });

  it("dollars that do not wrap the whole input are refused with what to paste", () => {
    for (const input of ["$x$ and $y$", "$x^T A x", "$$ $$"]) {
      const e = refusalOf(input, { wrt: "x" });
      expect(e.message).toMatch(/unexpected character '\$'/);
      expect(e.hint).toMatch(/paste the math between the dollars/);
    }
  });

  it("\\frac{∂f}{∂X} for f = …: 'for' joins the derivative and its definition, as 'where' does", () => {
    expect(noWrt("\\frac{\\partial f}{\\partial X} \\text{ for } f = \\operatorname{tr}(X^T A X)").derivative.text).toBe("(A + Aᵀ)X");
    expect(noWrt("\\frac{\\partial f}{\\partial x} for f = x^T A x").derivative.text).toBe("(A + Aᵀ)x");
  });
});

describe("∇ with the variable as a Unicode subscript letter, as a phone types it: ∇ₓ, ∇²ₓ, ∇ᵦ (was an unexpected 'ₓ')", () => {
  it.each([
    ["∇ₓ xᵀAx", "(A + Aᵀ)x", undefined],
    ["∇²ₓ xᵀAx", "(A + Aᵀ)x", "A + Aᵀ"],
    ["∇ₓ² xᵀAx", "(A + Aᵀ)x", "A + Aᵀ"],
    ["∇ᵦ ‖y − Xβ‖²", "−2Xᵀ(y − Xβ)", undefined],
  ])("%s", (input, gradient, hessian) => {
    const r = noWrt(input);
    expect(r.kind).toBe(hessian ? "hessian" : "gradient");
    expect(r.derivative.text).toBe(hessian ?? gradient);
    expect(r.check?.ok).toBe(true);
  });
});

describe("a question as a sentence: its full stop or question mark, its domains after 'where'", () => {
  it.each([
    ["What is the gradient of f(x) = x^T A x?", "(A + Aᵀ)x"],
    ["compute the gradient of log det(X) with respect to X.", "X⁻ᵀ"],
    ["\\nabla_x \\frac{1}{2}\\|Ax - b\\|^2 .", "Aᵀ(Ax − b)"],
  ])("%s (was an unexpected '?' or '.')", (input, printed) => {
    expect(noWrt(input).derivative.text).toBe(printed);
  });

  it("Find the Hessian of f(x) = ½xᵀAx − bᵀx.", () => {
    const r = noWrt("Find the Hessian of f(x) = \\frac{1}{2} x^T A x - b^T x.");
    expect(r.kind).toBe("hessian");
    expect(r.derivative.text).toBe("(A + Aᵀ)/2");
  });

  it("… where X ∈ ℝ^{n×d}: the domain after a plain 'where' is a declaration (was 'where' an unknown word)", () => {
    const r = noWrt("\\nabla_W \\|XW - Y\\|_F^2 where X \\in \\mathbb{R}^{n \\times d}");
    expect(r.derivative.text).toBe("2Xᵀ(XW − Y)");
    expect(r.shapes.X).toBe("n×d");
    expect(r.notes).toContain('the domains stated after f are read as declarations: --let "X: matrix n x d"');
  });

  it("d/dX of a matrix X says X is written as a matrix, not as a vector", () => {
    const r = noWrt("d/dX tr(X^T A X)");
    expect(r.notes.join("\n")).toContain("X is written as a matrix (a capital, transposed)");
  });
});

describe("definitions after the function, as --where gives them: ‖y − ŷ‖², ŷ = Xw; ‖z‖² where z = Ax − b", () => {
  it.each([
    ["\\|y - \\hat{y}\\|^2, \\hat{y} = Xw", "w", "−2Xᵀ(y − ŷ)", "\\hat{y} = Xw"],
    ["\\|y - z\\|^2 \\text{ where } z = X w", "w", "−2Xᵀ(y − z)", "z = X w"],
    ["\\|z\\|^2 where z = Ax - b", "x", "2Aᵀz", "z = Ax - b"],
    ["-y^T \\log p, p = \\operatorname{softmax}(z)", "z", "(𝟏ᵀy)p − y", "p = \\operatorname{softmax}(z)"],
    ["\\|W_2 h - y\\|^2, h = \\sigma(W_1 x),", "W_1", "2(h ⊙ W₂ᵀ(W₂ h − y) ⊙ (𝟏 − h))xᵀ", "h = \\sigma(W_1 x)"],
  ])("%s by %s: %s (was an unexpected '=')", (input, wrt, printed, definition) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
    expect(r.notes).toContain(`${definition} after f is read as a definition, as --where gives it`);
  });

  it("with the function named and the variable in its arguments: f(x) = ‖z‖², z = Ax − b", () => {
    expect(noWrt("f(x) = \\|z\\|^2, z = Ax - b").derivative.text).toBe("2Aᵀz");
  });

  it("not a name nothing uses, nor the derivative's own (∂f/∂x, f = …), nor an = in brackets", () => {
    expect(() => differentiate("\\|z\\|^2, z = Ax - b, q = 3", { wrt: "x" })).toThrow(/unexpected character '='/);
    expect(noWrt("\\frac{\\partial f}{\\partial x}, f = x^T A x").notes.join("\n")).not.toContain("read as a definition");
    expect(() => differentiate("\\sum_{i, j = 1}^n A_{ij}", { wrt: "A" })).toThrow(/unexpected character '='/);
  });
});

describe("an entry's definition after the function, μᵢ = e^{xᵢᵀβ}: put in place of each of its uses before the sums are read", () => {
  it.each([
    ["\\sum_i \\left( y_i \\log \\mu_i - \\mu_i \\right), \\mu_i = e^{x_i^T\\beta}", "beta", "Xᵀ(y − exp(Xβ))"],
    ["-\\sum_i [y_i \\log p_i + (1 - y_i)\\log(1 - p_i)], p_i = \\sigma(w^T x_i)", "w", "−Xᵀ(y − σ(Xw))"],
    ["\\sum_n \\log \\sigma(z_n) where z_n = y_n w^T x_n", "w", "Xᵀ(y ⊙ (𝟏 − σ(y ⊙ Xw)))"],
  ])("%s by %s: %s (was an unexpected '=')", (input, wrt, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
    expect(r.notes.join("\n")).toContain("(an entry's, put in place of each of its uses)");
  });

  it("what the definition says is quoted from where it is written", () => {
    const r = differentiate("\\sum_i \\left( y_i \\log \\mu_i - \\mu_i \\right), \\mu_i = e^{x_i^T\\beta}", { wrt: "beta" });
    expect(r.notes.join("\n")).toContain("(e^{x_i^T\\beta} of a matrix is the matrix exponential: not supported)");
  });
});

describe("joiners in a row before a definition: ', \\quad μᵢ = …', ', \\quad where z = …'", () => {
  it("reads the definition after several joiners", () => {
    expect(differentiate("\\|z\\|^2, \\quad where z = Ax - b", { wrt: "x", check: true }).derivative.text).toBe("2Aᵀz");
    expect(differentiate("\\sum_i \\left( y_i \\log \\mu_i - \\mu_i \\right), \\quad \\mu_i = e^{x_i^T\\beta}", { wrt: "beta", check: true }).derivative.text).toBe("Xᵀ(y − exp(Xβ))");
  });
});

describe("ℓ, the script l a loss is named with: \\ell and ℓ are a scalar's name (was an unknown command)", () => {
  it("∇_W ℓ, ℓ = −yᵀ log p, p = softmax(Wx)", () => {
    const r = noWrt("\\nabla_W \\ell, \\ell = -y^T \\log p, p = \\operatorname{softmax}(W x)");
    expect(r.derivative.text).toBe("((𝟏ᵀy)p − y)xᵀ");
    expect(r.check?.ok).toBe(true);
  });

  it("ℓ = … names the function, and \\ell(w) = … its variable", () => {
    expect(differentiate("ℓ = \\|Xw - y\\|^2", { wrt: "w" }).derivative.text).toBe("2Xᵀ(Xw − y)");
    expect(noWrt("\\ell(w) = \\|Xw - y\\|^2").derivative.text).toBe("2Xᵀ(Xw − y)");
  });

  it("a definition's line prints the name as the rest does: where β = Ab, where ℓ = … (was where beta)", async () => {
    const out = await runCli(["\\|y - X\\beta\\|^2", "--wrt", "X", "--where", "beta = A b"]);
    expect(out.stdout).toContain("  where β = Ab");
  });
});
