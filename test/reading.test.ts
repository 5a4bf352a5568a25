/**
 * Reading intent (issue 10): inputs typed without declarations are read the
 * way their authors mean (test/cases/intent.ts), and the notes say every
 * departure from the letter conventions, suggesting the reading used.
 */
import { describe, it, expect } from "vitest";
import { analyze, differentiate, type Analysis } from "../src/api.js";
import { conventionalRank } from "../src/shapes/elaborate.js";
import { toLatex } from "../src/print/latex.js";
import { toText } from "../src/print/text.js";
import type { Sym } from "../src/core/expr.js";
import { MatdiffError } from "../src/errors.js";
import { INTENT_CASES } from "./cases/intent.js";
import { run, elaborateLike, sameValue, renderKatex, refusalOf } from "./support/pipeline.js";

const rankOf = (s: Sym) => (s.shape.rows === 1 && s.shape.cols === 1 ? "scalar" : s.shape.cols === 1 ? "vector" : "matrix");
const ranks = (a: Analysis) => Object.fromEntries([...a.symbols.values()].map((s) => [s.name, rankOf(s)]));

describe("inputs typed without declarations get the gradient their authors mean", () => {
  it("has at least 40 cases", () => expect(INTENT_CASES.length).toBeGreaterThanOrEqual(40));

  it.each(INTENT_CASES.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const undeclared = run({ expr: c.expr, wrt: c.wrt });
    const meant = analyze(c.expr, { wrt: c.wrt, let: [...c.meant] });
    const a = undeclared.analysis;
    const report = undeclared.report(`meant      ${c.meant.join("; ")}   ∇ ${toText(meant.gradient)}\nnotes      ${a.notes.join("\n           ")}`);
    expect(a.kind, report).toBe("gradient");
    expect(ranks(a), report).toEqual(ranks(meant));
    // right against finite differences, and the same function as the declared reading's gradient
    expect(undeclared.check.ok, report).toBe(true);
    expect(sameValue(meant, meant.gradient, elaborateLike(meant, toLatex(a.gradient))).ok, report).toBe(true);
    if (c.printed) expect(undeclared.text, report).toBe(c.printed);
    expect(() => renderKatex(undeclared.latex), report).not.toThrow();
    // one note per departure from the letter conventions, suggesting the reading used and never its opposite
    for (const s of a.symbols.values()) {
      const used = rankOf(s);
      const convention = conventionalRank(s.name);
      const suggesting = (rank: string) => a.notes.filter((n) => n.includes(`--let "${s.name}: ${rank}"`)).length;
      expect(suggesting(used), report).toBe(used === convention ? 0 : 1);
      if (used !== convention) expect(suggesting(convention), report).toBe(0);
    }
  });
});

describe("the issue's examples, as shown", () => {
  it("the Mahalanobis form: (Σ⁻¹ + Σ⁻ᵀ)(x − μ), and 2Σ⁻¹(x − μ) with Σ symmetric, each with a note about μ", () => {
    const plain = differentiate("(x - \\mu)^T \\Sigma^{-1} (x - \\mu)", { wrt: "x" });
    expect(plain.derivative.text).toBe("(Σ⁻¹ + Σ⁻ᵀ)(x − μ)");
    expect(plain.notes).toEqual([expect.stringMatching(/^μ is read as a vector.*x - \\mu.*--let "mu: vector"/)]);
    const symmetric = differentiate("(x - \\mu)^T \\Sigma^{-1} (x - \\mu)", { wrt: "x", let: ["Sigma: symmetric"] });
    expect(symmetric.derivative.text).toBe("2Σ⁻¹(x − μ)");
    expect(symmetric.notes).toHaveLength(1);
  });

  it("names the evidence: a transposed symbol, a bold letter, a term added to a vector, a gradient that needs a scalar f", () => {
    expect(differentiate("\\mu^T \\Sigma^{-1} \\mu", { wrt: "mu" }).notes[0]).toBe(
      'μ is read as a vector, though its letter suggests a scalar: it is transposed in \\mu^T \\Sigma^{-1} \\mu; --let "mu: vector" states this reading');
    expect(differentiate("\\boldsymbol{\\mu}^\\top A \\boldsymbol{\\mu}", { wrt: "mu" }).notes[0]).toMatch(/it is written in bold, \\boldsymbol\{\\mu\}/);
    expect(differentiate("w^T x + b", { wrt: "w" }).notes[0]).toBe(
      'b is read as a scalar, though its letter suggests a vector: as a vector it does not fit (dimension mismatch in w^T x + b: 1×1 + m×1); --let "b: scalar" states this reading');
    expect(differentiate("\\theta^T \\phi", { wrt: "theta" }).notes[1]).toMatch(/^φ is read as a vector.*as a scalar, f would be 1×n, not the scalar a gradient needs/);
  });

  it("says when two readings fit equally well, with the declaration that picks each", () => {
    const r = differentiate("a b", { wrt: "a" });
    expect(r.notes.at(-1)).toBe('other readings fit equally well: this one is --let "a: scalar", another --let "b: scalar"; declare the shapes you mean');
    expect(differentiate("a b", { wrt: "a", let: ["b: scalar"] }).notes).toEqual([]);
  });

  it("keeps the conventions where they fit: A x is a Jacobian, exp(x) is entrywise, a declared scalar stays one", () => {
    expect(differentiate("A x", { wrt: "x" }).kind).toBe("jacobian");
    expect(differentiate("exp(x)", { wrt: "x" }).kind).toBe("jacobian");
    expect(differentiate("exp(x)", { wrt: "x" }).notes).toEqual([]);
    expect(differentiate("det(A)", { wrt: "alpha" }).wrt.shape).toBe("1×1");
  });
});

describe("a capital letter is read as a scalar only when nothing else gives the gradient", () => {
  it("the SVM's C, a constant K added to a scalar: read as scalars, with a note, and checked", () => {
    const svm = differentiate("w^T w / 2 + C \\sum \\max(0, 1 - y \\odot Xw)", { wrt: "w", check: true });
    expect(svm.derivative.text).toBe("w − CXᵀ(y ⊙ heaviside(𝟏 − y ⊙ Xw))");
    expect(svm.check?.ok).toBe(true);
    expect(svm.notes[0]).toMatch(/^C is read as a scalar, though its letter suggests a matrix: as a matrix it does not fit \(dimension mismatch/);
    expect(svm.notes[0]).toContain('--let "C: scalar" states this reading');
    const scaled = differentiate("C w^T w", { wrt: "w", check: true });
    expect(scaled.derivative.text).toBe("2Cw");
    expect(scaled.check?.ok).toBe(true);
    expect(differentiate("x^T A x + K", { wrt: "x" }).derivative.text).toBe("(A + Aᵀ)x");
  });

  it("a lowercase departure or the conventional reading comes first", () => {
    expect(differentiate("A x", { wrt: "x" }).kind).toBe("jacobian");
    expect(differentiate("A x", { wrt: "x" }).notes).toEqual([]);
    expect(differentiate("x^T A x", { wrt: "x" }).notes).toEqual([]);
    // β departs (a lowercase Greek letter read as a vector) before any capital does
    const ridge = differentiate("\\|y - X β\\|^2 + λ \\|β\\|^2", { wrt: "beta" });
    expect(ridge.derivative.text).toBe("2λβ − 2Xᵀ(y − Xβ)");
    expect(ridge.notes.join("\n")).not.toMatch(/X is read as a scalar/);
  });

  it("an input no reading fits keeps the conventional reading's error", () => {
    expect(() => differentiate("A x + B", { wrt: "x", let: ["x: vector"] })).toThrow(/dimension mismatch/);
  });
});

describe("w · x of two vectors is the dot product", () => {
  it("w \\cdot x + b and (w · x − y)² wrt w: the gradient, with a note, checked", () => {
    const r = differentiate("w \\cdot x + b", { wrt: "w", check: true });
    expect(r.function.text).toBe("wᵀx + b");
    expect(r.derivative.text).toBe("x");
    expect(r.check?.ok).toBe(true);
    expect(r.notes).toContain("w \\cdot x of two vectors is read as their dot product w^T x");
    const sq = differentiate("(w · x - y)^2", { wrt: "w", check: true });
    expect(sq.derivative.text).toBe("2(wᵀx − y)x");
    expect(sq.check?.ok).toBe(true);
    expect(differentiate("(A x) \\cdot x", { wrt: "x" }).notes).toContain("(A x) \\cdot x of two vectors is read as their dot product (A x)^T x");
    expect(differentiate("2 w \\cdot x", { wrt: "w" }).notes).toContain("2 w \\cdot x of two vectors is read as their dot product (2 w)^T x");
  });

  it("a · between a scalar, or matrices, is the product it always was", () => {
    expect(differentiate("2 \\cdot x", { wrt: "x" }).derivative.text).toBe("2I");
    expect(differentiate("A \\cdot B", { wrt: "A" }).function.text).toBe("AB");
    expect(differentiate("\\|w\\|^2 \\cdot λ", { wrt: "w" }).derivative.text).toBe("2λw");
    expect(differentiate("x^T \\cdot A x", { wrt: "x" }).derivative.text).toBe("(A + Aᵀ)x");
  });
});

describe("a second derivative asks for a scalar f", () => {
  it("σ(t), tanh(t) with --hessian read t as a scalar, with a note, where the convention's vector t has no Hessian", () => {
    for (const [expr, second] of [["sigmoid(t)", "σ(t)(1 − σ(t))(1 − 2σ(t))"], ["tanh(t)", "−2 tanh(t)(1 − tanh(t)²)"]] as const) {
      const r = differentiate(expr, { wrt: "t", hessian: true, check: true });
      expect(r.derivative.text, expr).toBe(second);
      expect(r.check?.ok, expr).toBe(true);
      expect(r.notes.join("\n"), expr).toMatch(/t is read as a scalar[^\n]*not the scalar a second derivative needs/);
    }
    // a vector x with a scalar f keeps its Hessian
    expect(differentiate("x^T A x", { wrt: "x", hessian: true }).derivative.text).toBe("A + Aᵀ");
  });
});

describe("sums over an index, as statistics texts write them", () => {
  it("Σᵢ (yᵢ − xᵢᵀβ)² is least squares: yᵢ the entries of y, xᵢᵀ the rows of X, with a note, checked", () => {
    const r = differentiate("\\sum_i (y_i - x_i^T \\beta)^2", { wrt: "beta", check: true });
    expect(r.function.text).toBe("sum((y − Xβ)∘²)");
    expect(r.derivative.text).toBe("−2Xᵀ(y − Xβ)");
    expect(r.check?.ok).toBe(true);
    expect(r.notes).toContain("\\sum_i is read as the sum of the entries of a vector: y_i is entry i of the vector y, x_iᵀ is row i of the matrix X");
    expect(r.shapes).toEqual({ y: "n×1", X: "n×m", beta: "m×1" });
  });

  it("reads the limits, wᵀxᵢ and xᵢᵀw alike, Greek samples, entrywise functions and scalars beside them, checked", () => {
    const cases: Array<[string, string, string]> = [
      ["-\\sum_{i=1}^{n} \\log \\sigma(y_i x_i^T w)", "w", "−Xᵀ(y ⊙ (𝟏 − σ(y ⊙ Xw)))"],
      ["\\sum_{i=1}^N \\log(1 + \\exp(-y_i w^T x_i)) + \\frac{\\lambda}{2} w^T w", "w", "λw − Xᵀ(y ⊙ σ(−y ⊙ Xw))"],
      ["\\sum_{i}^{m} (y_i - \\theta^T \\phi_i)^2", "theta", "−2Φᵀ(y − Φθ)"],
      ["\\sum_i w^T x_i", "w", "Xᵀ𝟏"],
      ["\\sum_i w^T A x_i", "w", "AXᵀ𝟏"],
      ["\\sum_i (y_i - \\mu)^2", "mu", "−2(sum(y) − nμ)"],
      ["-\\sum_i (y_i \\log(p_i) + (1 - y_i) \\log(1 - p_i))", "p", "−(y ⊘ p − (𝟏 − y) ⊘ (𝟏 − p))"],
      ["\\sum_i (x_i^T w - c)^2", "w", "2Xᵀ(Xw − c𝟏)"],
    ];
    for (const [expr, wrt, text] of cases) {
      const r = differentiate(expr, { wrt, check: true });
      expect(r.derivative.text, expr).toBe(text);
      expect(r.check?.ok, expr).toBe(true);
    }
  });

  it("reads quadratic forms in samples as traces: Σᵢ (xᵢ − μ)ᵀΣ⁻¹(xᵢ − μ) = tr((X − 𝟏μᵀ)Σ⁻¹(X − 𝟏μᵀ)ᵀ), checked", () => {
    const gaussian = "-\\frac{n}{2}\\log|\\Sigma| - \\frac{1}{2}\\sum_{i=1}^n (x_i-\\mu)^T\\Sigma^{-1}(x_i-\\mu)";
    const cases: Array<[string, string, string, string]> = [
      [gaussian, "mu", "−n(log det(Σ))/2 − tr((X − 𝟏μᵀ)Σ⁻¹(X − 𝟏μᵀ)ᵀ)/2", "(Σ⁻¹ + Σ⁻ᵀ)(X − 𝟏μᵀ)ᵀ𝟏/2"],
      [gaussian, "Sigma", "−n(log det(Σ))/2 − tr((X − 𝟏μᵀ)Σ⁻¹(X − 𝟏μᵀ)ᵀ)/2", "(Σ⁻ᵀ(X − 𝟏μᵀ)ᵀ(X − 𝟏μᵀ)Σ⁻ᵀ − nΣ⁻ᵀ)/2"],
      ["\\sum_i (x_i^T A x_i)", "A", "tr(XAXᵀ)", "XᵀX"],
      ["\\sum_i (x_i - \\mu)^T (x_i - \\mu)", "mu", "tr((X − 𝟏μᵀ)(X − 𝟏μᵀ)ᵀ)", "−2(X − 𝟏μᵀ)ᵀ𝟏"],
      ["\\sum_i (w^T (x_i - \\mu))^2", "w", "sum(((X − 𝟏μᵀ)w)∘²)", "2(X − 𝟏μᵀ)ᵀ(X − 𝟏μᵀ)w"],
      ["\\sum_i ((x_i - \\mu)^T w)^2", "w", "sum(((X − 𝟏μᵀ)w)∘²)", "2(X − 𝟏μᵀ)ᵀ(X − 𝟏μᵀ)w"],
    ];
    for (const [expr, wrt, f, gradient] of cases) {
      const r = differentiate(expr, { wrt, check: true });
      expect(r.function.text, expr).toBe(f);
      expect(r.derivative.text, expr).toBe(gradient);
      expect(r.check?.ok, expr).toBe(true);
    }
    expect(differentiate(gaussian, { wrt: "mu" }).shapes).toMatchObject({ mu: "m×1", Sigma: "m×m" });
  });

  it("reads norms of samples: Σᵢ ‖xᵢ − μ‖² = ‖X − 𝟏μᵀ‖_F², Σᵢ ‖yᵢ − Wxᵢ‖² = ‖Y − XWᵀ‖_F², Σᵢ ‖xᵢ − μ‖, Σᵢ |yᵢ − xᵢᵀβ|, checked", () => {
    const cases: Array<[string, string, string, string]> = [
      ["\\sum_i \\|x_i - \\mu\\|^2", "mu", "‖X − 𝟏μᵀ‖_F²", "−2(X − 𝟏μᵀ)ᵀ𝟏"],
      ["\\sum_{i=1}^n \\|x_i - \\mu\\|_2^2", "mu", "‖X − 𝟏μᵀ‖_F²", "−2(X − 𝟏μᵀ)ᵀ𝟏"],
      ["\\sum_{i=1}^n \\|y_i - W x_i\\|^2", "W", "‖Y − XWᵀ‖_F²", "−2(Y − XWᵀ)ᵀX"],
      ["\\sum_i \\|y_i - W x_i - b\\|^2", "b", "‖Y − XWᵀ − 𝟏bᵀ‖_F²", "−2(Y − XWᵀ − 𝟏bᵀ)ᵀ𝟏"],
      ["\\sum_i \\|A x_i\\|^2", "A", "‖XAᵀ‖_F²", "2AXᵀX"],
      ["\\sum_i \\|x_i - \\mu\\|", "mu", "sum(sqrt(diag((X − 𝟏μᵀ)(X − 𝟏μᵀ)ᵀ)))", "−(X − 𝟏μᵀ)ᵀ diag((X − 𝟏μᵀ)(X − 𝟏μᵀ)ᵀ)∘^{−1/2}"],
      ["\\sum_i |y_i - x_i^T \\beta|", "beta", "sum(abs(y − Xβ))", "−Xᵀ sign(y − Xβ)"],
    ];
    for (const [expr, wrt, f, gradient] of cases) {
      const r = differentiate(expr, { wrt, check: true });
      expect(r.function.text, expr).toBe(f);
      expect(r.derivative.text, expr).toBe(gradient);
      expect(r.check?.ok, expr).toBe(true);
      expect(() => renderKatex(r.derivative.latex), expr).not.toThrow();
    }
    const kmeans = differentiate("\\sum_i \\|x_i - \\mu\\|^2", { wrt: "mu" });
    expect(kmeans.notes).toContain("\\sum_i of squared norms is read as the squared Frobenius norm of the matrix of those rows: x_iᵀ is row i of the matrix X");
    expect(kmeans.notes.join("\n")).toMatch(/μ is read as a vector[^\n]*combined with the sample vectors in \\\|x_i - \\mu\\\|/);
    expect(kmeans.shapes).toMatchObject({ X: "n×m", mu: "m×1" });
  });

  it("the upper limit counts the rows: \\sum_{i=1}^{N} sizes y and X by N, and the N of 1/N is that size, checked", () => {
    const ls = differentiate("\\frac{1}{N}\\sum_{i=1}^{N} (y_i - x_i^T \\beta)^2", { wrt: "beta", check: true });
    expect(ls.shapes).toEqual({ y: "N×1", X: "N×n", beta: "n×1" });
    expect(ls.derivative.text).toBe("−2Xᵀ(y − Xβ)/N");
    expect(ls.check?.ok).toBe(true);
    expect(ls.notes.join("\n")).not.toMatch(/N is read as/);
    expect(ls.notes).toContain("\\sum_{i=1}^{N} is read as the sum of the entries of a vector: y_i is entry i of the vector y, x_iᵀ is row i of the matrix X; N is the number of terms, the rows of X and y");
    const gaussian = differentiate("-\\frac{N}{2}\\log|\\Sigma| - \\frac{1}{2}\\sum_{i=1}^N (x_i-\\mu)^T\\Sigma^{-1}(x_i-\\mu)", { wrt: "Sigma", check: true });
    expect(gaussian.shapes).toEqual({ Sigma: "n×n", X: "N×n", mu: "n×1" });
    expect(gaussian.check?.ok).toBe(true);
    expect(differentiate("\\sum_{i=1}^{3} (y_i - w^T x_i)^2", { wrt: "w" }).shapes).toMatchObject({ y: "3×1", X: "3×n" });
    // a declaration without rows takes the count; one with other rows contradicts the sum
    expect(differentiate("\\sum_{i=1}^m \\|x_i - \\mu\\|^2", { wrt: "mu", let: ["X: matrix"] }).shapes).toMatchObject({ X: "m×n" });
    expect(() => differentiate("\\sum_{i=1}^m \\|x_i - \\mu\\|^2", { wrt: "mu", let: ["X: n x p"] })).toThrow(/X is declared with n rows, but \\sum_\{i=1\}\^m has m terms/);
  });

  it("a feature map of a sample, φ(xᵢ), is row i of Φ; a scalar summand's 1 is 𝟏 without a broadcast note", () => {
    const ls = differentiate("\\sum_i (y_i - \\theta^T \\phi(x_i))^2", { wrt: "theta", check: true });
    expect(ls.derivative.text).toBe("−2Φᵀ(y − Φθ)");
    expect(ls.check?.ok).toBe(true);
    expect(ls.notes).toContain("\\sum_i is read as the sum of the entries of a vector: y_i is entry i of the vector y, φ(x_i)ᵀ is row i of the matrix Φ");
    const logistic = differentiate("\\sum_i \\log(1 + \\exp(-y_i w^T \\phi(x_i)))", { wrt: "w", check: true });
    expect(logistic.derivative.text).toBe("−Φᵀ(y ⊙ σ(−y ⊙ Φw))");
    expect(logistic.check?.ok).toBe(true);
    expect(logistic.notes.join("\n")).not.toMatch(/broadcast/);
  });

  it("a feature map at the index itself, φ(y) in a sum over y, is row y of Φ: the log-linear model's log-partition (was 'nothing in the summand is written with the index y')", () => {
    const loglinear = differentiate("\\theta^T \\phi(x) - \\log \\sum_y \\exp(\\theta^T \\phi(y))", { wrt: "theta", check: true });
    expect(loglinear.derivative.text).toBe("φ − Φᵀ softmax(Φθ)");
    expect(loglinear.check?.ok).toBe(true);
    expect(loglinear.notes).toContain("\\sum_y is read as the sum of the entries of a vector: φ(y)ᵀ is row y of the matrix Φ");
    const partition = differentiate("\\sum_y \\exp(\\theta^T \\phi(y))", { wrt: "theta", check: true });
    expect(partition.derivative.text).toBe("Φᵀ exp(Φθ)");
    expect(partition.check?.ok).toBe(true);
    const weights = differentiate("\\sum_k \\pi_k \\phi(k)", { wrt: "pi", check: true });
    expect(weights.derivative.text).toBe("φ");
    expect(weights.notes).toContain("\\sum_k is read as the sum of the entries of a vector: π_k is entry k of the vector π, φ(k) is entry k of the vector φ");
  });

  it("softmax regression sample by sample, −Σᵢ yᵢᵀ log softmax(Wxᵢ + b): column i of softmax(WXᵀ + b𝟏ᵀ) (was refused)", () => {
    for (const [expr, wrt, fn, text] of [
      ["-\\sum_i y_i^T \\log softmax(W x_i)", "W", "−tr(Y log softmax(WXᵀ))", "(𝟏𝟏ᵀYᵀ ⊙ softmax(WXᵀ) − Yᵀ)X"],
      ["-\\sum_{i=1}^N y_i^T \\log(\\mathrm{softmax}(W x_i))", "W", "−tr(Y log softmax(WXᵀ))", "(𝟏𝟏ᵀYᵀ ⊙ softmax(WXᵀ) − Yᵀ)X"],
      ["-\\sum_i y_i^T log_softmax(W x_i + b)", "b", "−tr(Y log softmax(WXᵀ + b𝟏ᵀ))", "(𝟏𝟏ᵀYᵀ ⊙ softmax(WXᵀ + b𝟏ᵀ) − Yᵀ)𝟏"],
      ["\\sum_i y_i^T softmax(W x_i)", "W", "tr(Y softmax(WXᵀ))", "(softmax(WXᵀ) ⊙ (Yᵀ − 𝟏𝟏ᵀ(Yᵀ ⊙ softmax(WXᵀ))))X"],
      // the log-partition sample by sample: log(exp(XWᵀ)𝟏), the rows' log-sum-exp
      ["-\\sum_i y_i^T W x_i + \\sum_i logsumexp(W x_i)", "W", "−tr(YWXᵀ) + sum(log(exp(XWᵀ)𝟏))", "(exp(WXᵀ) diag((exp(XWᵀ)𝟏)∘⁻¹) − Yᵀ)X"],
    ] as const) {
      const r = differentiate(expr, { wrt, check: true });
      expect(r.function.text, expr).toBe(fn);
      expect(r.derivative.text, expr).toBe(text);
      expect(r.check?.ok, expr).toBe(true);
    }
  });

  it("--wrt x of Σᵢ ‖xᵢ − μ‖², --wrt p of Σᵢₖ yᵢₖ log pᵢₖ: by the matrix the sum reads them into, X and P (was 0)", () => {
    for (const [expr, wrt, text, M] of [
      ["\\sum_i \\|x_i - \\mu\\|^2", "x", "2(X − 𝟏μᵀ)", "X"],
      ["\\sum_i (y_i - w^T x_i)^2", "x", "−2(y − Xw)wᵀ", "X"],
      ["-\\sum_{i}\\sum_{k} y_{ik} \\log p_{ik}", "p", "−Y ⊘ P", "P"],
    ] as const) {
      const r = differentiate(expr, { wrt, check: true });
      expect(r.derivative.text, expr).toBe(text);
      expect(r.label.text, expr).toBe(`∇_${M} f`);
      expect(r.check?.ok, expr).toBe(true);
      expect(r.notes, expr).toContain(`${wrt} is read as ${M}, the matrix of the sum's ${wrt}'s (as the note on the sum says): ∇_${M} f is given, the derivative by each ${wrt} its row or entry`);
    }
  });

  it("by the samples inside an unknown function, Σₙ log p(xₙ) by x, is refused, not answered 0 (p(xₙ) is read as data)", () => {
    for (const [expr, call] of [["\\frac{1}{N}\\sum_n \\log p(x_n)", "p(x_n)"], ["\\sum_i (y_i - \\theta^T \\phi(x_i))^2", "φ(x_i)"]] as const) {
      let err: unknown;
      try { differentiate(expr, { wrt: "x" }); } catch (e) { err = e; }
      expect(err, expr).toBeInstanceOf(MatdiffError);
      expect((err as MatdiffError).message).toBe(`x occurs only as the argument of ${call}, an unknown function of it: its derivative is not something matdiff can know`);
      expect((err as MatdiffError).hint).toMatch(/formula in x_[ni] .*constant in x$/);
    }
    // by what the sum reads, the answer stands
    expect(differentiate("\\sum_i (y_i - \\theta^T \\phi(x_i))^2", { wrt: "theta" }).derivative.text).toBe("−2Φᵀ(y − Φθ)");
  });

  it("a scalar before yᵢ scales the entries (c yᵢ is c·y), and what yᵢ is read from is a vector whatever its letter", () => {
    for (const [expr, wrt] of [["\\sum_i c y_i", "c"], ["\\sum_i \\lambda y_i", "lambda"]] as const) {
      const r = differentiate(expr, { wrt, check: true });
      expect(r.kind, expr).toBe("derivative");
      expect(r.derivative.text, expr).toBe("sum(y)");
      expect(r.check?.ok, expr).toBe(true);
    }
    const eps = differentiate("\\sum_i \\epsilon_i^2", { wrt: "epsilon", check: true });
    expect(eps.derivative.text).toBe("2ε");
    expect(eps.notes.join("\n")).toMatch(/ε is read as a vector[^\n]*summed over the index/);
  });

  it("a Gram entry xᵢᵀxⱼ, xᵢᵀAxⱼ, ⟨xᵢ, xⱼ⟩ in a double sum is entry (i, j) of XXᵀ, XAXᵀ: the SVM's dual as written (was refused)", () => {
    const dual = differentiate("\\sum_i \\alpha_i - \\frac12 \\sum_i \\sum_j \\alpha_i \\alpha_j y_i y_j x_i^T x_j", { wrt: "alpha", check: true });
    expect(dual.function.text).toBe("sum(α) − (α ⊙ y)ᵀXXᵀ(α ⊙ y)/2");
    expect(dual.derivative.text).toBe("𝟏 − y ⊙ XXᵀ(α ⊙ y)");
    expect(dual.check?.ok).toBe(true);
    expect(dual.notes.join("\n")).toContain("x_i^T x_j is entry (i, j) of XXᵀ; x_iᵀ and x_jᵀ are rows of the matrix X");
    const bilinear = differentiate("\\sum_{i,j} a_i b_j x_i^T A x_j", { wrt: "A", check: true });
    expect(bilinear.function.text).toBe("aᵀXAXᵀb");
    expect(bilinear.derivative.text).toBe("XᵀabᵀX");
    expect(bilinear.check?.ok).toBe(true);
    const inner = differentiate("\\sum_i\\sum_j c_i c_j \\langle x_i, x_j \\rangle", { wrt: "c", check: true });
    expect(inner.derivative.text).toBe("2XXᵀc");
    expect(inner.check?.ok).toBe(true);
    // a power or an entrywise function of the Gram entry: a kernel matrix, taken entrywise
    const squared = differentiate("\\sum_i \\sum_j (x_i^T x_j)^2", { wrt: "X", check: true });
    expect(squared.function.text).toBe("𝟏ᵀ(XXᵀ)∘²𝟏");
    expect(squared.derivative.text).toBe("4XXᵀX");
    expect(squared.check?.ok).toBe(true);
    const kernel = differentiate("\\sum_{i,j} a_i a_j \\exp(x_i^T x_j)", { wrt: "X", check: true });
    expect(kernel.derivative.text).toBe("2(aaᵀ ⊙ exp(XXᵀ))X");
    expect(kernel.check?.ok).toBe(true);
    // the polynomial kernel (xᵢᵀxⱼ + 1)ᵖ: the number added to every entry
    const polynomial = differentiate("\\sum_{i,j} a_i a_j (x_i^T x_j + 1)^3", { wrt: "X", check: true });
    expect(polynomial.function.text).toBe("aᵀ(XXᵀ + 𝟏𝟏ᵀ)∘³a");
    expect(polynomial.derivative.text).toBe("6(aaᵀ ⊙ (XXᵀ + 𝟏𝟏ᵀ)∘²)X");
    expect(polynomial.check?.ok).toBe(true);
    // xⱼᵀxᵢ is entry (j, i): the transpose, checked by X
    const swapped = differentiate("\\sum_{i,j} a_i b_j x_j^T x_i", { wrt: "X", check: true });
    expect(swapped.check?.ok).toBe(true);
  });

  it("Σ_{i≠j} with two index letters is a double sum off the diagonal: refused, never a label j (was xⱼ read as Xᵀj, j one-hot)", () => {
    const e = refusalOf("\\sum_{i \\ne j} x_i^T x_j", { wrt: "X" });
    expect(e.code).toBe("unsupported");
    expect(e.message).toMatch(/reads as a double sum over i ≠ j, which is not read/);
    expect(e.hint).toMatch(/less its diagonal/);
    // a label left out is read, as before
    expect(differentiate("\\sum_{j \\neq y} \\max(0, s_j - s_y + 1)", { wrt: "s", check: true }).check?.ok).toBe(true);
  });

  it("takes the terms after a sum written with its index into it, as Bishop's braces would (was refused)", () => {
    const ce = differentiate("-\\sum_i y_i \\log \\sigma(w^T x_i) + (1 - y_i) \\log(1 - \\sigma(w^T x_i)) + \\lambda w^T w", { wrt: "w", check: true });
    expect(ce.function.text).toBe("−sum(y ⊙ log(σ(Xw)) + (𝟏 − y) ⊙ log(𝟏 − σ(Xw))) + λwᵀw");
    expect(ce.derivative.text).toBe("2λw − Xᵀ(y − σ(Xw))");
    expect(ce.check?.ok).toBe(true);
    expect(ce.notes).toContain("\\sum_i is read over the terms after it written with its index i, as if they were in its brackets");
    const bishop = differentiate("\\sum_{n=1}^N t_n \\log y_n + (1 - t_n) \\log(1 - y_n)", { wrt: "y", check: true });
    expect(bishop.derivative.text).toBe("t ⊘ y − (𝟏 − t) ⊘ (𝟏 − y)");
    expect(bishop.check?.ok).toBe(true);
    // after another term, the sum's sign is the whole sum's: wᵀw − Σᵢ(a + b)
    const after = differentiate("w^T w - \\sum_i y_i \\log(p_i) + (1 - y_i) \\log(1 - p_i)", { wrt: "p", check: true });
    expect(after.function.text).toBe("wᵀw − sum(y ⊙ log(p) + (𝟏 − y) ⊙ log(𝟏 − p))");
    expect(after.check?.ok).toBe(true);
  });

  it("refuses what it would have to guess, with a caret and the vector form in the hint", () => {
    const fails = (expr: string, wrt: string) => {
      try { differentiate(expr, { wrt }); } catch (err) { if (err instanceof MatdiffError) return err; throw err; }
      throw new Error(`${expr} did not fail`);
    };
    const refused: Array<[string, RegExp]> = [
      ["(\\sum_i x_i) y_i", /stands outside the sum over i/],
      ["\\sum_i x_i x_i^T", /index-free row/],
      ["\\sum_i \\|x_i - \\mu\\|_1", /only the 2-norm is/],
      ["\\sum_i c", /nothing in the summand is written with the index i/],
      // the matrix (yᵀy)A, never sum(A y∘²)
      ["\\sum_i y_i^2 A", /matrix or row A is not read/],
      ["X w + \\sum_i x_i^T w", /already uses/],
      ["\\sum_{i=1}^X (y_i - x_i^T w)^2", /upper limit X is also the name of the matrix/],
      ["\\sum_{i=1}^{0} (y_i - w)^2", /no terms/],
    ];
    for (const [expr, message] of refused) {
      const e = fails(expr, "w");
      expect(e.message, expr).toMatch(message);
      expect(e.start, expr).toBeGreaterThanOrEqual(0);
      expect(e.hint, expr).toMatch(/in vectors|parentheses|n times|another letter/);
    }
  });
});

describe("the logistic function as written, 1/(1 + e^{−t})", () => {
  it("is σ(t), so the derivative is σ(1 − σ), for scalars and (as NumPy reads 1 / v) entrywise for vectors, checked", () => {
    const scalar = differentiate("1/(1 + exp(-w^T x))", { wrt: "w", check: true });
    expect(scalar.function.text).toBe("σ(wᵀx)");
    expect(scalar.derivative.text).toBe("σ(wᵀx)(1 − σ(wᵀx))x");
    expect(scalar.check?.ok).toBe(true);
    // 1/(1 + e^{t}) is σ(−t)
    const flipped = differentiate("\\frac{1}{1 + e^{x^T w}}", { wrt: "w", check: true });
    expect(flipped.function.text).toBe("σ(−xᵀw)");
    expect(flipped.check?.ok).toBe(true);
    const vector = differentiate("y^T \\log(1/(1 + \\exp(-X w)))", { wrt: "w", check: true });
    expect(vector.function.text).toBe("yᵀ log(σ(Xw))");
    expect(vector.derivative.text).toBe("Xᵀ(y ⊙ (𝟏 − σ(Xw)))");
    expect(vector.check?.ok).toBe(true);
    expect(vector.notes).toContain("1/(1 + \\exp(-X w)) divides entrywise, 1 ./ (1 + \\exp(-X w)), as NumPy reads a number over an array");
    const jacobian = differentiate("\\frac{1}{1+e^{-Ax}}", { wrt: "x", check: true });
    expect(jacobian.derivative.text).toBe("diag(σ(Ax) ⊙ (𝟏 − σ(Ax)))A");
    expect(jacobian.check?.ok).toBe(true);
  });

  it("reads 1/x by a lone x as a scalar, and NumPy's 1 ./ x only where that alone gives a gradient", () => {
    const lone = differentiate("1/x", { wrt: "x", check: true });
    expect(lone.wrt.shape).toBe("1×1");
    expect(lone.derivative.text).toBe("−1/x²");
    expect(lone.notes.join("\n")).toContain('--let "x: scalar"');
    expect(differentiate("1/(1+exp(-x))", { wrt: "x" }).wrt.shape).toBe("1×1");
    const summed = differentiate("sum(1/(1+exp(-x)))", { wrt: "x", check: true });
    expect(summed.wrt.shape).toBe("n×1");
    expect(summed.derivative.text).toBe("σ(x) ⊙ (𝟏 − σ(x))");
    expect(summed.check?.ok).toBe(true);
    const reciprocals = differentiate("sum(1/x)", { wrt: "x", check: true });
    expect(reciprocals.derivative.text).toBe("−x∘⁻²");
    expect(reciprocals.check?.ok).toBe(true);
    // a matrix under a number is not read entrywise: 1/A may mean A⁻¹
    expect(() => differentiate("tr(1/(X^T X))", { wrt: "X" })).toThrow(/not a scalar/);
  });
});

describe("a sum of squares as NumPy writes it", () => {
  it("sum((Xw − y)^2) and \\frac{1}{n}\\sum (Xw − y)^2 square entrywise, with a note, checked", () => {
    const r = differentiate("sum((Xw - y)^2)", { wrt: "w", check: true });
    expect(r.derivative.text).toBe("2Xᵀ(Xw − y)");
    expect(r.check?.ok).toBe(true);
    expect(r.notes).toContain("(Xw - y)^2 of a vector under a sum is read entrywise, (Xw - y).^2, as NumPy's sum(v**2) reads it");
    const mean = differentiate("\\frac{1}{n}\\sum (Xw-y)^2", { wrt: "w", check: true });
    expect(mean.derivative.text).toBe("2Xᵀ(Xw − y)/n");
    expect(mean.check?.ok).toBe(true);
    expect(mean.notes.join("\n")).toContain('n is read as a scalar, though its letter suggests a vector: as a vector it does not fit (n divides, as a size or a count does); --let "n: scalar" states this reading');
  });

  it("a size letter under a division is a number, √d as attention scales: softmax(Kᵀq/√d) is not Kᵀq ⊘ √d", () => {
    for (const [expr, d] of [["\\operatorname{softmax}(K^T q / \\sqrt{d})^T v", "d"], ["\\operatorname{softmax}(\\frac{K^T q}{\\sqrt{d_k}})^T v", "d_k"]] as const) {
      const r = differentiate(expr, { wrt: "q", check: true });
      expect(r.check?.ok, expr).toBe(true);
      expect(r.derivative.text, expr).not.toContain("⊘");
      expect(r.notes.join("\n"), expr).toContain(`${d} is read as a scalar, though its letter suggests a vector: as a vector it does not fit (\\sqrt{${d}} divides, as a size or a count does)`);
    }
    // RMSprop's g/√v stays entrywise (v is no size), and so does a size letter declared a vector
    expect(differentiate("g / \\sqrt{v}", { wrt: "g" }).function.text).toBe("g ⊘ sqrt(v)");
    expect(differentiate("x / n", { wrt: "x", let: ["n: vector"] }).function.text).toBe("x ⊘ n");
    expect(differentiate("x / n", { wrt: "x" }).function.text).toBe("x/n");
  });

  it("mean(v) is np.mean: the sum over the number of entries, a size that prints as n, checked", () => {
    const mse = differentiate("mean((Xw - y)^2)", { wrt: "w", check: true });
    expect(mse.function.text).toBe("sum((Xw − y)∘²)/n");
    expect(mse.derivative.text).toBe("2Xᵀ(Xw − y)/n");
    expect(mse.derivative.numpy).toBe("2 * X.T @ (X @ w - y) / X.shape[0]");
    expect(mse.check?.ok).toBe(true);
    expect(mse.notes).toContain("mean((Xw - y)^2) is the sum of the n entries over n, as NumPy's np.mean takes it");
    // what it prints reads back with the same derivative (n then a scalar of its own, or the size when declared one)
    expect(differentiate(mse.function.text, { wrt: "w" }).derivative.text).toBe("2Xᵀ(Xw − y)/n");
    expect(differentiate(mse.function.text, { wrt: "w", let: ["X: n x m"] }).shapes).toEqual(mse.shapes);
    const logistic = differentiate("\\operatorname{mean}(\\log \\sigma(y \\odot Xw))", { wrt: "w", check: true });
    expect(logistic.derivative.text).toBe("Xᵀ(y ⊙ (𝟏 − σ(y ⊙ Xw)))/n");
    expect(logistic.check?.ok).toBe(true);
    const matrix = differentiate("mean(X ⊙ X)", { wrt: "X", check: true });
    expect(matrix.derivative.text).toBe("2X/(nm)");
    expect(matrix.check?.ok).toBe(true);
    expect(differentiate("mean(x)^2", { wrt: "x", check: true }).check?.ok).toBe(true);
  });

  it("\\sum is a big operator: \\sum (a)^2 sums the squares; a square matrix's power stays a matrix power; elsewhere v^2 is an error with a hint", () => {
    expect(differentiate("\\sum (x)^2", { wrt: "x" }).function.text).toBe("sum(x∘²)");
    expect(differentiate("sum(A^2)", { wrt: "A" }).function.text).toBe("sum(A²)");
    let err: unknown;
    try { differentiate("(Ax - b)^2", { wrt: "x" }); } catch (e) { err = e; }
    expect((err as MatdiffError).message).toBe("(Ax - b)^2 of the n×1 vector (Ax - b) is not defined at 1:1");
    expect((err as MatdiffError).hint).toBe("did you mean (Ax - b)^T (Ax - b) (the squared norm) or (Ax - b).^2 (elementwise)?");
  });
});

describe("numbers broadcast like NumPy; declared scalars do not", () => {
  it("1 + exp(Ax) is 𝟏 + exp(Ax), with a note", () => {
    const r = differentiate("1 + exp(A x)", { wrt: "x" });
    expect(r.function.text).toBe("𝟏 + exp(Ax)");
    expect(r.notes).toEqual(["in 1 + exp(A x), 1 is broadcast to every entry of the n×1 vector exp(A x), as in NumPy: it reads as 𝟏"]);
  });

  it("a number added to a square matrix is entrywise, and the note offers cI", () => {
    const r = differentiate("tr(2 + X)", { wrt: "X", let: ["X: square"], check: true });
    expect(r.check?.ok).toBe(true);
    expect(r.notes).toEqual(["in 2 + X, 2 is broadcast to every entry of the n×n matrix X, as in NumPy: it reads as 2𝟏𝟏ᵀ; if the identity was meant, write 2I"]);
  });

  it("a declared scalar added to a vector is an error with a hint", () => {
    const e = (() => { try { differentiate("alpha + x", { wrt: "x", let: ["alpha: scalar", "x: vector"] }); } catch (err) { return err; } })();
    expect(e).toBeInstanceOf(MatdiffError);
    expect((e as MatdiffError).code).toBe("shape");
    expect((e as MatdiffError).message).toBe("dimension mismatch in alpha + x at 1:7: 1×1 + n×1");
    expect((e as MatdiffError).hint).toBe("α is a scalar; to add it to every entry write α𝟏 (or αI to add it to the diagonal)");
  });
});

describe("spellings people paste", () => {
  const fails = (expr: string, wrt = "x") => {
    try { differentiate(expr, { wrt }); } catch (err) { if (err instanceof MatdiffError) return err; throw err; }
    throw new Error(`${expr} did not fail`);
  };

  it("\\sum is sum; \\max(·, 0) is relu; a \\sum over three indices is an error with a hint and a caret", () => {
    expect(differentiate("\\sum(\\log(\\sigma(y ⊙ X w)))", { wrt: "w" }).derivative.text).toBe("Xᵀ(y ⊙ (𝟏 − σ(y ⊙ Xw)))");
    expect(differentiate("\\sum \\max(x, 0)", { wrt: "x" }).function.text).toBe("sum(relu(x))");
    const err = fails("\\sum_{ijk} A_{ij} x_k", "x");
    expect(err.message).toBe("'\\sum' with an index at 1:1: matdiff reads sums of whole vectors, not of indexed entries");
    expect(err.hint).toMatch(/sum\(v\)/);
  });

  it("‖x‖_3, ‖x‖_p: a p-norm other than 1, 2 and F is refused at its subscript, with the sum to write", () => {
    for (const [expr, p] of [["\\|x\\|_3^3", "3"], ["\\|x\\|_p", "p"], ["‖x‖_4", "4"], ["\\lVert x \\rVert_3", "3"]] as const) {
      const e = fails(expr);
      expect(e.code, expr).toBe("unsupported");
      expect(e.message, expr).toBe(`the norm ‖·‖_${p} is not supported: only ‖·‖_1, ‖·‖_2 (or ‖·‖) and ‖·‖_F are`);
      expect(expr.slice(e.start, e.end), expr).toBe(`_${p}`);
      expect(e.hint, expr).toContain(`sum(abs(x).^${p})`);
    }
  });

  it("‖x‖_∞ is an error with a hint", () => {
    const e = fails("\\|x\\|_\\infty");
    expect(e.code).toBe("unsupported");
    expect(e.hint).toMatch(/‖x‖_1/);
    expect(fails("\\|x\\|_{\\infty}").code).toBe("unsupported");
  });

  it("the nuclear norm ‖W‖_* is refused for what it is, with the caret under its subscript; x_* elsewhere stays a syntax error", () => {
    for (const input of ["\\|W\\|_*", "\\|W\\|_{*}", "\\|W\\|_\\ast", "‖W‖_*", "\\lVert W \\rVert_*"]) {
      const e = fails(input, "W");
      expect(e.code, input).toBe("unsupported");
      expect(e.message, input).toMatch(/nuclear norm/);
      expect(e.hint, input).toMatch(/‖W‖_F\^2/);
      expect(input.slice(e.start, e.end), input).toMatch(/^_/);
    }
    expect(fails("x_* + x", "x").code).toBe("syntax");
  });

  it("a word that names nothing is an error with a hint, not a product", () => {
    expect(fails("loss").code).toBe("unknown-word");
    expect(fails("loss").hint).toMatch(/l o s s/);
    expect(fails("f(x)").code).toBe("unknown-word");
    expect(differentiate("l o s s", { wrt: "s", let: ["l: scalar", "o: scalar", "s: scalar"] }).kind).toBe("derivative");
  });

  it("the ‖x‖₁ note warns about 0; log of a square matrix says it is entrywise", () => {
    expect(differentiate("\\|x\\|_1", { wrt: "x" }).notes).toEqual([expect.stringMatching(/1-norm.*no entry is 0/)]);
    expect(differentiate("tr(log X)", { wrt: "X" }).notes).toEqual([expect.stringMatching(/^log X is taken entrywise.*logdet\(X\)/)]);
    expect(differentiate("sum(log(x))", { wrt: "x" }).notes).toEqual([]);
  });

  it("e^{A} of a matrix is the matrix exponential: an error, not a silent entrywise exp", () => {
    const e = fails("x^T e^{A} x");
    expect([e.code, e.hint]).toEqual(["unsupported", "for the entrywise exponential write exp(·)"]);
    expect(differentiate("x^T exp(A) x", { wrt: "x", let: ["A: square"] }).notes).toEqual([expect.stringMatching(/^exp\(A\) is taken entrywise/)]);
  });

  it("e^T and e^{2} of a --where name e stay powers of e", () => {
    expect(differentiate("e^T e", { wrt: "x", where: ["e = A x"] }).derivative.text).toBe("2Aᵀe");
  });
});

describe("𝟏 and I are sized by unification, never the scalar 1 (issue 17 item 1)", () => {
  const checked = (expr: string, wrt: string, lets: string[] = []) => {
    const r = differentiate(expr, { wrt, let: lets, check: true });
    expect(r.check?.ok, `${expr}: ${r.check?.detail ?? ""}`).toBe(true);
    return r;
  };

  it("𝟏𝟏ᵀ is an outer product, on either side", () => {
    const left = checked("\\mathbf{1}\\mathbf{1}^\\top X", "X");
    expect([left.function.text, left.derivative.text]).toEqual(["𝟏𝟏ᵀX", "I ⊗ 𝟏𝟏ᵀ"]);
    const right = checked("X\\mathbf{1}\\mathbf{1}^\\top", "X");
    expect([right.function.text, right.derivative.text]).toEqual(["X𝟏𝟏ᵀ", "𝟏𝟏ᵀ ⊗ I"]);
    const vector = checked("\\mathbf{1}\\mathbf{1}^\\top x", "x");
    expect([vector.kind, vector.derivative.text]).toEqual(["jacobian", "𝟏𝟏ᵀ"]);
  });

  it("‖𝟏𝟏ᵀX‖² keeps the factor 𝟏ᵀ𝟏 = n, and the softmax divides by the scalar 𝟏ᵀexp(x)", () => {
    expect(checked("\\|\\mathbf{1}\\mathbf{1}^\\top X\\|_F^2", "X").derivative.text).toBe("2n𝟏𝟏ᵀX");
    expect(checked("\\frac{\\exp(x)}{\\mathbf{1}^\\top \\exp(x)}", "x").kind).toBe("jacobian");
  });

  it("an I in a Kronecker product is sized by the Kronecker index order: (I ⊗ A)vec(X) = vec(AX)", () => {
    const declared = checked("(I \\otimes A)\\,\\mathrm{vec}(X)", "X", ["A: 2 x 2", "X: 2 x 3"]);
    expect([declared.derivative.shape, declared.derivative.numpy]).toEqual(["6×6", "np.kron(np.eye(3), A)"]);
    expect(checked("(I \\otimes A)\\,\\mathrm{vec}(X)", "X").shapes).toEqual({ A: "m×p", X: "p×n" });
    expect(checked("(A \\otimes B)\\,\\mathrm{vec}(X)", "X").shapes).toEqual({ A: "n×m", B: "p×q", X: "q×m" });
  });

  it("sized Kronecker factors are solved: x^T (A ⊗ I) x with x: 6 and A: 2 x 2 makes I 3×3", () => {
    const r = checked("x^T (A \\otimes I) x", "x", ["x: 6", "A: 2 x 2"]);
    expect(r.derivative.numpy).toContain("np.eye(3)");
  });

  it("π is the number unless it is declared, differentiated by or read as a vector (erf′ = 2/√π e^{−t²})", () => {
    // the number: its value is π, so 2πxᵀx has gradient 4πx, checked against finite differences
    const number = checked("2 \\pi x^T x", "x");
    expect([number.derivative.text, number.derivative.numpy, number.shapes]).toEqual(["4πx", "4 * np.pi * x", { x: "n×1" }]);
    expect(checked("sum(erf(x))", "x").derivative.latex).toBe("\\frac{2 \\exp(-x^{\\circ 2})}{\\sqrt{\\pi}}");
    // a variable: mixture weights πᵀx, a declared π, the π asked for
    const weights = checked("\\pi^T x", "x");
    expect([weights.derivative.text, weights.shapes]).toEqual(["π", { pi: "n×1", x: "n×1" }]);
    expect(checked("pi x^T x", "x", ["pi: scalar"]).shapes).toEqual({ pi: "1×1", x: "n×1" });
    expect(checked("\\pi x^T x", "pi").derivative.text).toBe("xᵀx");
  });

  it("an I or 𝟏 that would have to be the scalar 1 is an error, not a silent 1", () => {
    expect(() => differentiate("alpha + I", { wrt: "alpha" })).toThrow(MatdiffError);
    expect(() => differentiate("alpha + \\mathbf{1}", { wrt: "alpha", let: ["alpha: scalar"] })).toThrow(MatdiffError);
    // undeclared, α takes the shape of the 𝟏 it is added to, and a note says so
    expect(differentiate("alpha + \\mathbf{1}", { wrt: "alpha" }).shapes).toEqual({ alpha: "n×1" });
  });
});

describe("notation that is not a product: 𝔼[·] and ℙ(·) are refused, never read as E times x", () => {
  it("says what the notation is, where, and what to write instead", () => {
    for (const [expr, what] of [["\\mathbb{E}[x^T A x]", "an expectation"], ["\\mathbb{E}\\left[ \\|x\\|^2 \\right]", "an expectation"], ["\\mathbb E(x)", "an expectation"], ["\\mathbb{P}(x)", "a probability"]] as const) {
      let e: unknown;
      try { differentiate(expr, { wrt: "x" }); } catch (err) { e = err; }
      expect(e, expr).toBeInstanceOf(MatdiffError);
      expect((e as MatdiffError).message, expr).toMatch(new RegExp(`^${what}, .* is not something matdiff differentiates$`));
      expect((e as MatdiffError).start, expr).toBe(0);
      expect((e as MatdiffError).hint, expr).toBeTruthy();
    }
    // 𝟙 and a blackboard letter not applied stay what they were
    expect(differentiate("\\mathbb{1}^T x", { wrt: "x" }).derivative.text).toBe("𝟏");
  });
});

describe("λ_max(A), σ₁(X): a spectral value is refused, never read as λ_max times A", () => {
  const refusal = (expr: string, opts: Record<string, unknown> = {}) => {
    try { differentiate(expr, { wrt: "A", ...opts }); } catch (err) { return err as MatdiffError; }
    return expect.unreachable(`${expr} was read`);
  };

  it.each([
    ["\\lambda_{max}(A)", "the largest eigenvalue of A"],
    ["\\lambda_{\\max}(A)", "the largest eigenvalue of A"],
    ["\\lambda_{\\min}(A^T A)", "the smallest eigenvalue of A^T A"],
    ["\\lambda_1(A)", "the eigenvalue number 1 of A"],
    ["\\lambda_i \\left(A\\right)", "the eigenvalue number i of A"],
    ["\\sigma_{max}(A)", "the largest singular value of A"],
    ["\\sigma_1 (A + B)", "the singular value number 1 of A + B"],
    ["tr(B) + \\lambda_{max}(A)", "the largest eigenvalue of A"],
  ])("%s reads as %s and is refused where it is written", (expr, what) => {
    const e = refusal(expr);
    expect(e).toBeInstanceOf(MatdiffError);
    expect(e.code).toBe("unsupported");
    expect(e.message).toContain(`reads as ${what}, which matdiff does not differentiate`);
    expect(expr.slice(e.start, e.end)).toMatch(/^\\(?:lambda|sigma)_/);
    expect(e.hint).toMatch(/v vᵀ|u vᵀ/);
  });

  it("a weight λ₁ times a scalar or a vector stays a product, and so does a declared λ_max", () => {
    const r = differentiate("\\lambda_1(w^T w) + \\lambda_2 \\|w\\|_1", { wrt: "w", check: true });
    expect(r.derivative.text).toBe("2λ₁ w + λ₂ sign(w)");
    expect(r.check?.ok).toBe(true);
    const declared = differentiate("\\lambda_{max}(A)", { wrt: "A", let: ["lambda_max: scalar"], check: true });
    expect(declared.function.text).toBe("λ_{max} A");
    expect(declared.check?.ok).toBe(true);
  });
});

describe("s_y beside Σⱼ exp(s_j): the entry of s at a label, the softmax cross-entropy as written", () => {
  it("reads s_y as yᵀs with y one-hot, says so, and gives softmax(s) − y; a declared y stays as declared", () => {
    for (const expr of ["-\\log \\frac{\\exp(s_y)}{\\sum_j \\exp(s_j)}", "-s_y + \\log \\sum_j \\exp(s_j)", "\\log \\sum_{j} e^{s_j} - s_y"]) {
      const r = differentiate(expr, { wrt: "s", check: true });
      expect(r.derivative.text, expr).toBe("softmax(s) − y");
      expect(r.check?.ok, expr).toBe(true);
      expect(r.notes, expr).toContain('s_y is read as yᵀs, the entry of s at the label y, with y the label\'s one-hot vector (as --let "y: probability" declares); declare y otherwise if it is not');
    }
    // df as a textbook writes it: the sum divided by cancels, the quotient is the softmax
    expect(differentiate("-\\log \\frac{\\exp(s_y)}{\\sum_j \\exp(s_j)}", { wrt: "s" }).differential.text).toBe("−(yᵀ ds − softmax(s)ᵀ ds)");
    // an entry of a parenthesised vector, (Wx)_j in the sum and (Wx)_y beside it, reads alike
    const scores = differentiate("\\log \\sum_{j} \\exp((W x + b)_j) - (W x + b)_y", { wrt: "b", check: true });
    expect(scores.derivative.text).toBe("softmax(Wx + b) − y");
    expect(scores.check?.ok).toBe(true);
    expect(scores.notes[0]).toBe("\\sum_{j} is read as the sum of the entries of a vector: (W x + b)_j is entry j of the vector (W x + b)");
    // with no sum over its index, an entry is at a label; an entrywise function of it is the entry of the function:
    // −log softmax(Wx)_y is −yᵀlog softmax(Wx), whose gradient is the cross-entropy's
    const entry = differentiate("-\\log \\operatorname{softmax}(W x)_y", { wrt: "W", check: true });
    expect(entry.derivative.text).toBe("(softmax(Wx) − y)xᵀ");
    expect(entry.check?.ok).toBe(true);
    expect(entry.notes[0]).toBe('\\log \\operatorname{softmax}(W x)_y is read as yᵀlog \\operatorname{softmax}(W x), the entry of log \\operatorname{softmax}(W x) at the label y, with y the label\'s one-hot vector (as --let "y: probability" declares); declare y otherwise if it is not');
    expect(differentiate("(W x)_k", { wrt: "W" }).derivative.text).toBe("kxᵀ");
    // in a --where definition, which no sum reads, an entry is refused with what to write
    expect(() => differentiate("p^T p", { wrt: "W", where: ["p = (W x)_j"] })).toThrow(/an entry of a vector, is read only inside a sum over j/);
    // Σ_{j≠y}: every j less the label's term; a sample at the label is a row of its matrix
    const left = differentiate("\\sum_{j \\ne y} \\exp(s_j)", { wrt: "s", check: true });
    expect(left.derivative.text).toBe("exp(s) − exp(yᵀs)y");
    expect(left.check?.ok).toBe(true);
    expect(left.notes).toContain("\\sum_{j \\ne y} is read as the sum over every j less the term j = y");
    const rows = differentiate("\\sum_{j \\neq y} x_j^T w", { wrt: "w", check: true });
    expect(rows.derivative.text).toBe("Xᵀ(𝟏 − y)");
    expect(rows.notes).toContain('x_y is read as Xᵀy, row y of X, with y the label\'s one-hot vector (as --let "y: probability" declares); declare y otherwise if it is not');
    // without a sum over s's entries, s_y is a symbol of its own
    expect(differentiate("\\exp(s_y) + s^T s", { wrt: "s" }).derivative.text).toBe("2s");
    // the entries of a sum's index are never a label: s_j inside Σⱼ stays entry j
    expect(differentiate("\\sum_j \\exp(s_j)", { wrt: "s" }).derivative.text).toBe("exp(s)");
  });
});

describe("𝒩(x; μ, Σ): the Gaussian written as a distribution (PRML eq. 2.43)", () => {
  const checked = (expr: string, wrt: string, extra: { let?: string[] } = {}) => {
    const r = differentiate(expr, { wrt, check: true, ...extra });
    expect(r.check?.ok, `${expr} by ${wrt}: ${r.derivative.text}`).toBe(true);
    expect(() => renderKatex(r.function.latex)).not.toThrow();
    expect(() => renderKatex(r.derivative.latex)).not.toThrow();
    return r;
  };

  it("reads every spelling as one density: \\mathcal{N}, 𝒩, N; ';' or \\mid", () => {
    const spellings = ["\\log \\mathcal{N}(x; \\mu, \\Sigma)", "\\log \\mathcal{N}(x \\mid \\mu, \\Sigma)", "\\log 𝒩(x; μ, Σ)", "log(N(x; mu, Sigma))", "\\ln \\mathcal N(x;\\mu,\\Sigma)"];
    for (const s of spellings) expect(checked(s, "mu").derivative.text, s).toBe("Σ⁻¹(x − μ)");
  });

  it("says what it read, and reads the covariance as symmetric positive definite unless it is declared", () => {
    const r = checked("\\log \\mathcal{N}(x; \\mu, \\Sigma)", "Sigma");
    expect(r.function.text).toBe("−(x − μ)ᵀΣ⁻¹(x − μ)/2 − (log det(2πΣ))/2");
    expect(r.derivative.text).toBe("(Σ⁻¹(x − μ)(x − μ)ᵀΣ⁻¹ − Σ⁻¹)/2");
    expect(r.notes).toContain("\\log \\mathcal{N}(x; \\mu, \\Sigma) is read as the Gaussian log-density of x with mean μ and covariance Σ, written out in f");
    expect(r.notes.some((n) => n.startsWith("Σ is read as symmetric positive definite, as the covariance of 𝒩 is"))).toBe(true);
    const general = checked("\\log \\mathcal{N}(x; \\mu, \\Sigma)", "Sigma", { let: ["Sigma: square"] });
    expect(general.derivative.text).toBe("(Σ⁻ᵀ(x − μ)(x − μ)ᵀΣ⁻ᵀ − Σ⁻ᵀ)/2");
    expect(general.notes.some((n) => n.includes("positive definite"))).toBe(false);
  });

  it("the density itself, the standard normal, a regression likelihood, samples summed", () => {
    expect(checked("𝒩(x; μ, Σ)", "mu").notes[0]).toBe("𝒩(x; μ, Σ) is read as the Gaussian density of x with mean μ and covariance Σ, written out in f");
    expect(checked("𝒩(x; μ, Σ)", "mu").function.text).toBe("exp(−(x − μ)ᵀΣ⁻¹(x − μ)/2)/sqrt(det(2πΣ))");
    expect(checked("\\mathcal{N}(x; 0, I)", "x").derivative.text).toBe("−exp(−xᵀx/2)x/sqrt(det(2πI))");
    expect(checked("\\log N(y \\mid W x + b, \\sigma^2 I)", "b").derivative.text).toBe("(y − (Wx + b))/σ²");
    expect(checked("\\sum_i \\log \\mathcal{N}(x_i; \\mu, \\Sigma)", "mu").derivative.text).toBe("Σ⁻¹(X − 𝟏μᵀ)ᵀ𝟏");
    // the maximum-likelihood covariance solves this = 0: Σ = (X − 𝟏μᵀ)ᵀ(X − 𝟏μᵀ)/n (PRML eq. 2.122)
    expect(checked("\\sum_i \\log \\mathcal{N}(x_i; \\mu, \\Sigma)", "Sigma").derivative.text).toBe("(Σ⁻¹(X − 𝟏μᵀ)ᵀ(X − 𝟏μᵀ)Σ⁻¹ − nΣ⁻¹)/2");
  });

  it("an isotropic covariance, σ²I or a Σ declared a scalar, normalises by n log(2πσ²): the n of x's length", () => {
    expect(checked("\\log N(y \\mid W x + b, \\sigma^2 I)", "sigma").derivative.text).toBe("(y − (Wx + b))ᵀ(y − (Wx + b))/σ³ − n/σ");
    const declared = checked("\\log N(x; mu, Sigma)", "Sigma", { let: ["Sigma: scalar"] });
    expect(declared.derivative.text).toBe("((x − μ)ᵀ(x − μ)/Σ² − n/Σ)/2");
    // the standard normal's I is the identity, not a covariance symbol to read
    const standard = checked("\\mathcal{N}(x; 0, I)", "x");
    expect(standard.notes.some((n) => n.includes("positive definite"))).toBe(false);
  });

  it("with a scalar variance it is the univariate density: 𝒩(y; μ, σ²)", () => {
    const r = checked("\\log \\mathcal{N}(y; \\mu, \\sigma^2)", "mu");
    expect(r.function.text).toBe("−(y − μ)²/(2σ²) − log(2πσ²)/2");
    expect(r.derivative.text).toBe("(y − μ)/σ²");
    expect(r.notes[0]).toBe("\\log \\mathcal{N}(y; \\mu, \\sigma^2) is read as the Gaussian log-density of y with mean μ and variance \\sigma^2, written out in f");
    expect(checked("\\log \\mathcal{N}(y; \\mu, \\sigma^2)", "sigma").derivative.text).toBe("(y − μ)²/σ³ − 1/σ");
  });

  it("reads Bishop's bare bar, 𝒩(x | μ, Σ), as the separator: one bar at the parenthesis's level with one comma after it", () => {
    for (const s of ["\\log \\mathcal{N}(x | \\mu, \\Sigma)", "\\log \\mathcal{N}(\\mathbf{x} | \\boldsymbol{\\mu}, \\boldsymbol{\\Sigma})", "log(N(x | mu, Sigma))"]) {
      expect(checked(s, "mu").derivative.text, s).toBe("Σ⁻¹(x − μ)");
    }
    expect(checked("\\log \\mathcal{N}(y | \\mu, \\sigma^2)", "mu").derivative.text).toBe("(y − μ)/σ²");
    // |x| inside is a pair, and a bar without its mean and covariance is a density matdiff cannot see inside
    expect(() => differentiate("N(|x|, y)", { wrt: "x" })).toThrow(MatdiffError);
    expect(() => differentiate("\\log \\mathcal{N}(x | \\mu)", { wrt: "mu" })).toThrow(/is a density or a distribution written by its name/);
  });

  it("−log 𝒩 is the negative log-likelihood, its halves added: no −(−…) in f", () => {
    const r = checked("-\\log \\mathcal{N}(x | \\mu, \\Sigma)", "Sigma");
    expect(r.function.text).toBe("(x − μ)ᵀΣ⁻¹(x − μ)/2 + (log det(2πΣ))/2");
    expect(r.derivative.text).toBe("(Σ⁻¹ − Σ⁻¹(x − μ)(x − μ)ᵀΣ⁻¹)/2");
    expect(r.notes).toContain("-\\log \\mathcal{N}(x | \\mu, \\Sigma) is read as the Gaussian negative log-density of x with mean μ and covariance Σ, written out in f");
    const map = checked("\\lambda \\|w\\|^2 - \\log \\mathcal{N}(y; X w, \\sigma^2 I)", "w");
    expect(map.function.text).toBe("λ‖w‖² + (y − Xw)ᵀ(σ²I)⁻¹(y − Xw)/2 + (log det(2πσ²I))/2");
    expect(map.derivative.text).toBe("2λw − Xᵀ(y − Xw)/σ²");
    expect(map.notes).toContain("−\\log \\mathcal{N}(y; X w, \\sigma^2 I) is read as the Gaussian negative log-density of y with mean X w and covariance \\sigma^2 I, written out in f");
    // over samples, the sum of the negated terms: no −sum(−…)
    const samples = checked("-\\sum_{n=1}^N \\log \\mathcal{N}(x_n | \\mu, \\Sigma)", "Sigma");
    expect(samples.function.text).toBe("sum(diag((X − 𝟏μᵀ)Σ⁻¹(X − 𝟏μᵀ)ᵀ)/2 + (log det(2πΣ))𝟏/2)");
    expect(samples.derivative.text).toBe("(NΣ⁻¹ − Σ⁻¹(X − 𝟏μᵀ)ᵀ(X − 𝟏μᵀ)Σ⁻¹)/2");
    const ridge = checked("\\lambda \\|w\\|^2 - \\sum_n \\log \\mathcal{N}(y_n | w^T x_n, \\sigma^2)", "w");
    expect(ridge.function.text).toBe("λ‖w‖² + sum((y − Xw)∘²/(2σ²) + log(2πσ²)𝟏/2)");
    expect(ridge.derivative.text).toBe("2λw − Xᵀ(y − Xw)/σ²");
  });

  it("refuses a call that is not one, saying what the density takes; an N without ';' stays a symbol", () => {
    for (const bad of ["N(x; mu)", "\\mathcal{N}(x \\mid \\mu, \\Sigma, A)", "N(x; mu; Sigma)"]) {
      let e: unknown;
      try { differentiate(bad, { wrt: "x" }); } catch (err) { e = err; }
      expect(e, bad).toBeInstanceOf(MatdiffError);
      expect((e as MatdiffError).message, bad).toMatch(/is not the Gaussian density 𝒩\(x; μ, Σ\): it takes the point/);
      expect((e as MatdiffError).start, bad).toBe(bad.indexOf("N") - (bad.startsWith("\\mathcal") ? "\\mathcal{".length : 0));
    }
    expect(differentiate("N(x + y)", { wrt: "x" }).derivative.text).toBe("N");
    expect(() => differentiate("x; y", { wrt: "x" })).toThrow(/unexpected ';' at 1:2/);
  });
});

describe("a 1 after a matrix or a row is the all-ones column: 1ᵀX1 is the sum of X's entries", () => {
  it.each([
    ["1^T X 1", "X", "𝟏ᵀX𝟏", "𝟏𝟏ᵀ"],
    ["\\mathbf{1}^T \\exp(X) 1", "X", "𝟏ᵀ exp(X)𝟏", "exp(X)"],
    ["1^T \\log(X) 1", "X", "𝟏ᵀ log(X)𝟏", "X∘⁻¹"],
    ["x^T A 1", "x", "xᵀA𝟏", "A𝟏"],
  ])("%s by %s reads %s, gradient %s, with a note", (expr, wrt, f, gradient) => {
    const r = differentiate(expr, { wrt, check: true });
    expect(r.function.text).toBe(f);
    expect(r.derivative.text).toBe(gradient);
    expect(r.check?.ok).toBe(true);
    expect(r.notes.some((n) => /is read as 𝟏, the all-ones column/.test(n))).toBe(true);
  });

  it("a 1 in front, or after a column or a scalar, is the number", () => {
    for (const [expr, f] of [["1 x^T x", "xᵀx"], ["2 x^T x 1", "2xᵀx"], ["(x^T x) 1", "xᵀx"]] as const) {
      const r = differentiate(expr, { wrt: "x" });
      expect(r.function.text, expr).toBe(f);
      expect(r.notes.some((n) => /all-ones column/.test(n)), expr).toBe(false);
    }
  });
});

describe("\\prod over an index is refused with the sum its log is", () => {
  it("says what it is and where", () => {
    let e: unknown;
    try { differentiate("\\log \\prod_i x_i", { wrt: "x" }); } catch (err) { e = err; }
    expect(e).toBeInstanceOf(MatdiffError);
    expect((e as MatdiffError).code).toBe("unsupported");
    expect((e as MatdiffError).start).toBe(5);
    expect((e as MatdiffError).hint).toMatch(/Σᵢ log p\(xᵢ\)/);
  });
});

describe("double sums Σᵢⱼ, as graph and kernel methods write them: each term in matrices", () => {
  const read = (expr: string, wrt: string) => differentiate(expr, { wrt, check: true });
  it.each([
    ["\\sum_{i,j} A_{ij} x_i x_j", "x", "xᵀAx", "(A + Aᵀ)x"],
    ["\\sum_i \\sum_j A_{ij} x_i y_j", "y", "xᵀAy", "Aᵀx"],
    ["\\sum_{i=1}^n \\sum_{j=1}^n A_{ij} x_i x_j", "x", "xᵀAx", "(A + Aᵀ)x"],
    ["\\sum_{ij} K_{ij} \\alpha_i \\alpha_j", "alpha", "αᵀKα", "(K + Kᵀ)α"],
    ["\\sum_{i,j} A_{ji} x_i x_j", "A", "xᵀAᵀx", "xxᵀ"],
    ["\\sum_{i,j} A_{ij} B_{ij}", "A", "tr(AᵀB)", "B"],
    ["\\sum_{i,j} A_{ij} \\log(x_i) x_j", "x", "log(x)ᵀAx", "Ax ⊘ x + Aᵀ log(x)"],
    ["\\sum_{i,j} A_{ij} (x_i - x_j)^2", "x", "(x∘²)ᵀA𝟏 − 2xᵀAx + 𝟏ᵀAx∘²", "2(x ⊙ A𝟏) + 2(x ⊙ Aᵀ𝟏) − 2(A + Aᵀ)x"],
    ["\\sum_{i}\\sum_{j} W_{ij} \\|x_i - x_j\\|^2", "X", "diag(XXᵀ)ᵀW𝟏 − 2 tr(XᵀWX) + 𝟏ᵀW diag(XXᵀ)", "2(diag((W + Wᵀ)𝟏) − W − Wᵀ)X"],
  ])("%s by %s reads %s, gradient %s, checked", (expr, wrt, f, gradient) => {
    const r = read(expr, wrt);
    expect(r.function.text).toBe(f);
    expect(r.derivative.text).toBe(gradient);
    expect(r.check?.ok).toBe(true);
    expect(r.notes.some((n) => n.includes("is read as a double sum"))).toBe(true);
  });

  it("the Laplacian smoothness term ½Σᵢⱼ wᵢⱼ(fᵢ − fⱼ)² names W and says it expanded the square", () => {
    const r = read("\\frac12 \\sum_{i,j} w_{ij} (f_i - f_j)^2", "f");
    expect(r.check?.ok).toBe(true);
    const note = r.notes.find((n) => n.includes("double sum"))!;
    expect(note).toContain("w_{ij} is entry (i, j) of the matrix W");
    expect(note).toContain("(f_i - f_j)^2 expanded as a square of a difference");
  });

  it("a term that mixes the indices otherwise is refused where it is, with the matrix forms as the hint", () => {
    for (const expr of ["\\sum_{i,j} A_{ij} \\exp(x_i - x_j)", "\\sum_{i,j} A_{ij} \\log(A_{ij} x_i)", "\\sum_{i,j} \\exp(A_{ij} B_{ji} x_i)", "\\sum_i \\sum_j \\sum_k A_{ij} x_k", "\\sum_i \\sum_i A_{ii}"]) {
      let e: unknown;
      try { differentiate(expr, { wrt: "A" }); } catch (err) { e = err; }
      expect(e, expr).toBeInstanceOf(MatdiffError);
      expect((e as MatdiffError).code, expr).toBe("unsupported");
      expect((e as MatdiffError).message, expr).toMatch(/double sum/);
    }
  });
});

describe("entrywise functions of entries in a double sum are those functions of the matrix (were read as a number apart from the sum: Σᵢⱼ |Aᵢⱼ| by A was a silent 0)", () => {
  it.each([
    ["\\sum_{i,j} |A_{ij}|", "A", "𝟏ᵀ abs(A)𝟏", "sign(A)"],
    // squared entries and nothing else: the squared Frobenius norm, as a textbook writes it
    ["\\sum_{i,j} A_{ij}^2", "A", "‖A‖_F²", "2A"],
    ["\\sum_{i} \\sum_{j} |A_{ij}|^2", "A", "‖A‖_F²", "2A"],
    ["\\sum_{ij} \\log(1 + \\exp(A_{ij}))", "A", "𝟏ᵀ log(𝟏𝟏ᵀ + exp(A))𝟏", "σ(A)"],
    ["\\sum_{i,j} (A_{ij} - B_{ij})^2", "A", "‖A − B‖_F²", "2(A − B)"],
    ["\\sum_{i,j} (A_{ij} - B_{ij})^2 u_i", "A", "uᵀ(A − B)∘²𝟏", "2(u𝟏ᵀ ⊙ (A − B))"],
    ["\\sum_{i,j} |A_{ij} - B_{ij}|", "A", "𝟏ᵀ abs(A − B)𝟏", "sign(A − B)"],
    ["\\sum_{i,j} \\frac{1}{A_{ij}}", "A", "𝟏ᵀ(𝟏𝟏ᵀ ⊘ A)𝟏", "−A∘⁻²"],
    ["\\sum_{i,j} Y_{ij} \\log P_{ij}", "P", "tr(Yᵀ log(P))", "Y ⊘ P"],
    ["\\sum_{i,j} A_{ij} B_{ij} C_{ij}", "B", "𝟏ᵀ(A ⊙ B ⊙ C)𝟏", "A ⊙ C"],
    ["\\sum_{i,j} \\exp(A_{ij}) u_i v_j", "A", "uᵀ exp(A)v", "exp(A) ⊙ uvᵀ"],
  ])("%s by %s is %s, gradient %s, checked", (input, wrt, f, gradient) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe(f);
    expect(r.derivative.text).toBe(gradient);
    expect(r.check?.ok).toBe(true);
    expect(r.notes.join("\n")).not.toMatch(/is taken entrywise, not as the matrix/);
  });
});

it("Σᵢⱼ |Aᵢⱼ|² by A is 2A (|t| sign(t) = t, |t|² = t²), and |A_{ij}| alone by A says that A_{ij} is a symbol of its own", () => {
  const squares = differentiate("\\sum_{i} \\sum_{j} |A_{ij}|^2", { wrt: "A", check: true });
  expect(squares.derivative.text).toBe("2A");
  expect(squares.check?.ok).toBe(true);
  const cube = differentiate("\\sum_i |x_i|^3", { wrt: "x", check: true });
  expect(cube.derivative.text).toBe("3(sign(x) ⊙ x∘²)");
  expect(cube.check?.ok).toBe(true);
  const alone = differentiate("|A_{ij}|", { wrt: "A" });
  expect(alone.derivative.text).toBe("0");
  expect(alone.notes).toContain("A_{ij} is a symbol of its own, not part of A: an entry is read inside a sum over its indices (\\sum_{i,j} f(A_{ij}) is 𝟏ᵀf(A)𝟏); by the entry itself, differentiate by A_{ij}");
  expect(differentiate("x_1^2 + x_2^2", { wrt: "x" }).notes).toContain("x₁ is a symbol of its own, not part of x: an entry is read inside a sum over its indices (\\sum_i f(x_i) is sum(f(x))); by the entry itself, differentiate by x₁");
});

describe("a sum of a matrix's diagonal entries, Σᵢ f(Aᵢᵢ), is over diag(A) (was refused as 'inside an inner sum')", () => {
  it.each([
    ["\\sum_i A_{ii}", "A", "tr(A)", "I"],
    ["\\sum_i \\log A_{ii}", "A", "sum(log(diag(A)))", "diag(diag(A)∘⁻¹)"],
    ["\\sum_i |A_{ii}|", "A", "sum(abs(diag(A)))", "diag(sign(diag(A)))"],
    ["\\sum_i (\\Sigma_{ii} - 1)^2", "Sigma", "sum((diag(Σ) − 𝟏)∘²)", "2 diag(diag(Σ) − 𝟏)"],
  ])("%s by %s is %s, gradient %s, checked", (input, wrt, f, gradient) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe(f);
    expect(r.derivative.text).toBe(gradient);
    expect(r.check?.ok).toBe(true);
    expect(r.notes.join("\n")).toMatch(/is entry i of diag\(/);
  });

  it("beside a vector's entries too: Σᵢ Aᵢᵢxᵢ² is sum(diag(A) ⊙ x∘²); a small letter's a_{ii} is refused with A_{ii} to write", () => {
    const r = differentiate("\\sum_i A_{ii} x_i^2", { wrt: "x", check: true });
    expect(r.function.text).toBe("sum(diag(A) ⊙ x∘²)");
    expect(r.notes).toContain("\\sum_i is read as the sum of the entries of a vector: diag(A)_i is entry i of the vector diag(A), x_i is entry i of the vector x");
    expect(r.derivative.text).toBe("2(x ⊙ diag(A))");
    expect(r.check?.ok).toBe(true);
    let e: unknown;
    try { differentiate("\\sum_i a_{ii}", { wrt: "a" }); } catch (err) { e = err; }
    expect(e).toBeInstanceOf(MatdiffError);
    expect((e as MatdiffError).message).toBe("a_{ii} of a small letter is not read as a diagonal entry (in a_{ii})");
    expect((e as MatdiffError).hint).toBe("write A_{ii}, entry i of diag(A), the diagonal of the matrix A");
  });
});

describe("a mixture of Gaussians is refused for what it is, not as samples with no capital letter", () => {
  it("says mixture, where, and what to differentiate instead", () => {
    for (const expr of ["\\log \\sum_k \\pi_k \\mathcal{N}(x; \\mu_k, \\Sigma_k)", "\\sum_k \\pi_k \\mathcal{N}(x \\mid \\mu_k, \\Sigma)"]) {
      let e: unknown;
      try { differentiate(expr, { wrt: "x" }); } catch (err) { e = err; }
      expect(e, expr).toBeInstanceOf(MatdiffError);
      expect((e as MatdiffError).message, expr).toMatch(/^a mixture of Gaussians, a sum over components k of 𝒩/);
      expect(expr.slice((e as MatdiffError).start, (e as MatdiffError).end), expr).toMatch(/^\\sum_k/);
      expect((e as MatdiffError).hint, expr).toMatch(/responsibility/);
    }
    // samples of one Gaussian still read
    expect(differentiate("\\sum_i \\log \\mathcal{N}(x_i; \\mu, \\Sigma)", { wrt: "mu", check: true }).check?.ok).toBe(true);
  });
});

describe("⟨A, B⟩_F, the Frobenius inner product as papers subscript it", () => {
  it.each(["\\langle A, X \\rangle_F", "\\left\\langle A, X \\right\\rangle_{F}", "⟨A, X⟩_F"])("%s is tr(AᵀX), gradient A", (expr) => {
    const r = differentiate(expr, { wrt: "X", check: true });
    expect(r.function.text).toBe("tr(AᵀX)");
    expect(r.derivative.text).toBe("A");
    expect(r.check?.ok).toBe(true);
  });
});

describe("names people reach for that are no function here: answered with what to write", () => {
  it.each([
    ["\\operatorname{KL}(p \\| q)", "KL", /Σᵢ pᵢ log\(pᵢ\/qᵢ\)/],
    ["KL(p, q)", "KL", /p\^T \\log\(p \.\/ q\)/],
    ["argmax(x)", "argmax", /softmax/],
    ["\\operatorname{rank}(A)", "rank", /piecewise constant/],
    ["eig(A)", "eig", /v vᵀ/],
  ])("%s", (expr, name, hint) => {
    let e: unknown;
    try { differentiate(expr, { wrt: "x" }); } catch (err) { e = err; }
    expect(e).toBeInstanceOf(MatdiffError);
    expect((e as MatdiffError).message).toBe(`unknown function '${name}'`);
    expect((e as MatdiffError).hint).toMatch(hint);
    expect(expr.slice((e as MatdiffError).start, (e as MatdiffError).end)).toBe(name);
  });
});

describe("xᵀAx / xᵀx: a divisor that begins with a transpose takes the factors after it", () => {
  it("reads the Rayleigh quotient as (xᵀAx)/(xᵀx), says so, and checks", () => {
    const r = differentiate("x^T A x / x^T x", { wrt: "x", check: true });
    expect(r.function.text).toBe("xᵀAx/(xᵀx)");
    expect(r.check?.ok).toBe(true);
    expect(r.notes).toContain("x^T A x / x^T x is read as (x^T A x)/(x^T x): a row cannot divide, so the division takes the whole product after /");
    // the same function as the fraction
    expect(differentiate("\\frac{x^T A x}{x^T x}", { wrt: "x" }).derivative.text).toBe(r.derivative.text);
    expect(differentiate("(x^T A x)/(x^T x)", { wrt: "x" }).notes).toEqual([]);
  });

  it("ends the divisor where the product ends: at +, and at the end of a bracket", () => {
    expect(differentiate("x^T A x / x^T x + 1", { wrt: "x" }).function.text).toBe("xᵀAx/(xᵀx) + 1");
    expect(differentiate("(x^T A x / x^T x) b^T x", { wrt: "x" }).function.text).toBe("(xᵀAx)bᵀx/(xᵀx)");
  });

  it("leaves a bracketed divisor as written, and a division that does not begin with a transpose", () => {
    expect(() => differentiate("y / (x^T) x", { wrt: "x" })).toThrow(/division by \(x\^T\), which is 1×\w+, not a scalar/);
    expect(differentiate("x^T x / n x^T y", { wrt: "x" }).function.text).not.toMatch(/\/\(n/);
  });
});

describe("a function of a parameter written L(θ), Z(θ), p(θ): a scalar unless the expression says otherwise", () => {
  it.each([
    ["\\log L(\\theta)", "theta", "L̇/L"],
    ["\\log Z(\\theta)", "theta", "Ż/Z"],
    ["-\\log p(\\theta)", "theta", "−ṗ/p"],
  ])("%s by %s is %s, with a note that the letter's convention gave way", (expr, wrt, printed) => {
    const r = differentiate(expr, { wrt, check: true });
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
    expect(r.notes.some((n) => /is read as a scalar, though its letter suggests a (matrix|vector)/.test(n))).toBe(true);
  });

  it("keeps the matrix the structure asks for: uᵀA(θ)v, log det Σ(θ), ‖A(t)x‖²", () => {
    expect(differentiate("u^T A(\\theta) v", { wrt: "theta" }).derivative.text).toBe("uᵀȦv");
    expect(differentiate("\\log\\det \\Sigma(\\theta)", { wrt: "theta" }).derivative.text).toBe("tr(Σ⁻¹Σ̇)");
    const r = differentiate("\\|A(t) x\\|^2", { wrt: "t", let: ["t: vector"] });
    expect(r.notes.join("\n")).toMatch(/A, a matrix that depends on t/);
  });

  it("the score ∇_θ log L(θ) by a vector θ is J_L(θ)ᵀ/L, and a unit coefficient is not printed per component", () => {
    const r = differentiate("\\nabla_\\theta \\log L(\\theta)", { wrt: "theta", check: true });
    expect(r.derivative.text).toBe("J_L(θ)ᵀ/L");
    expect(r.check?.ok).toBe(true);
    expect(differentiate("a^T x - F(x)", { wrt: "x" }).parameterisation?.components?.text).toBe("∂f/∂x_i = a_i − ∂F/∂x_i");
  });

  it("an exponential family θᵀT(x) − A(θ): the statistic T(x) a vector, the log-partition A(θ) a scalar, each said", () => {
    const r = differentiate("\\theta^T T(x) - A(\\theta)", { wrt: "theta", check: true });
    expect(r.shapes).toMatchObject({ theta: "n×1", T: "n×1", A: "1×1" });
    expect(r.derivative.text).toBe("T − J_A(θ)ᵀ");
    expect(r.check?.ok).toBe(true);
    expect(r.notes.join("\n")).toMatch(/T is read as a vector, though its letter suggests a matrix/);
    expect(r.notes.join("\n")).toMatch(/A is read as a scalar, though its letter suggests a matrix/);
    // n samples: the statistics are the rows of T, and the coefficient's sign is the term's
    const n = differentiate("\\sum_i \\theta^T t(x_i) - n A(\\theta)", { wrt: "theta", check: true });
    expect(n.derivative.text).toBe("Tᵀ𝟏 − nJ_A(θ)ᵀ");
    expect(n.check?.ok).toBe(true);
    expect(n.parameterisation?.components?.text).toBe("∂f/∂θ_i = (Tᵀ𝟏)_i − n ∂A/∂θ_i");
    // a capital's rows have no capital to name their matrix: the refusal says to write them small
    expect(refusalOf("\\sum_i \\theta^T T(x_i)", { wrt: "theta" }).message).toMatch(/T is a capital already/);
    expect(refusalOf("\\sum_i \\theta^T T(x_i)", { wrt: "theta" }).hint).toMatch(/t\(x_i\)/);
  });
});

describe("subscripts people write: a Greek letter or an upright label, and a symbol subscripted by the variable", () => {
  it("x_\\theta, x_{\\theta} and x_θ are one symbol, printed x_θ and x_{\\theta}", () => {
    const a = differentiate("x_\\theta^T A x_{\\theta}", { wrt: "x_θ", check: true });
    expect(a.derivative.text).toBe("(A + Aᵀ)x_θ");
    expect(a.derivative.latex).toBe("(A + A^{\\top}) x_{\\theta}");
    expect(a.check?.ok).toBe(true);
    expect(() => renderKatex(a.derivative.latex)).not.toThrow();
  });

  it("W_{\\text{out}} and W_{\\mathrm{out}} are W_out, a word printed upright", () => {
    const r = differentiate("\\|W_{\\text{out}} h - y\\|^2", { wrt: "W_{\\mathrm{out}}", check: true });
    expect(r.derivative.text).toBe("2(W_{out} h − y)hᵀ");
    expect(r.derivative.latex).toContain("W_{\\mathrm{out}}");
    expect(r.check?.ok).toBe(true);
    expect(differentiate(r.function.latex, { wrt: "W_out" }).derivative.text).toBe(r.derivative.text);
  });

  it("p_θ(x) and μ_θ asked by θ depend on θ, as the subscript says, with the dot over the letter (was a silent 0)", () => {
    const p = differentiate("\\log p_\\theta(x)", { wrt: "theta", check: true });
    expect(p.derivative.text).toBe("ṗ_θ/p_θ");
    expect(p.derivative.latex).toContain("\\dot{p}_{\\theta}");
    expect(p.check?.ok).toBe(true);
    expect(p.notes).toContain('p_θ is read as a scalar that depends on θ, as its subscript says (as --let "p_theta: scalar(theta)" declares)');
    const mu = differentiate("\\|x - \\mu_\\theta\\|^2", { wrt: "theta", let: ["theta: vector"], check: true });
    expect(mu.derivative.text).toBe("−2J_{μ_θ}(θ)ᵀ(x − μ_θ)");
    expect(mu.check?.ok).toBe(true);
    // a declared symbol keeps its declaration
    expect(differentiate("\\|x - \\mu_\\theta\\|^2", { wrt: "theta", let: ["mu_theta: vector"] }).derivative.text).toBe("0");
  });

  it("p(x | θ), p(x; θ), π(a | s) are refused at the bar for what they are, with what to write", () => {
    for (const [input, at] of [["\\log p(x|\\theta)", 8], ["\\log p(x \\mid \\theta)", 9], ["\\log P(y|X, w)", 8], ["\\log \\pi(a|s)", 10]] as const) {
      const e = refusalOf(input, { wrt: "theta" });
      expect(e.message, input).toMatch(/is a density or a distribution written by its name, which matdiff cannot see inside/);
      expect(e.start, input).toBe(at);
      expect(e.hint, input).toMatch(/\\mathcal\{N\}\(x; \\mu, \\Sigma\)/);
    }
    // a pair of bars inside a call is no conditional
    expect(() => differentiate("A(|x| + )", { wrt: "x" })).toThrow(/unexpected '\)'/);
  });
  it("eᶻ/(1 + eᶻ) reads as the logistic σ(z) it is written to mean, and its derivative comes out as σ(1 − σ)", () => {
    const r = differentiate("exp(theta'x)/(1+exp(theta'x))", { wrt: "theta", check: true });
    expect(r.function.text).toBe("σ(θᵀx)");
    expect(r.derivative.text).toBe("σ(θᵀx)(1 − σ(θᵀx))x");
    expect(r.check?.ok).toBe(true);
    const log = differentiate("\\log\\frac{e^{w^T x}}{1+e^{w^T x}}", { wrt: "w", check: true });
    expect(log.derivative.text).toBe("(1 − σ(wᵀx))x");
    expect(log.check?.ok).toBe(true);
    const v = differentiate("sigmoid(x)'*(1-sigmoid(x))", { wrt: "x", check: true });
    expect(v.derivative.text).toBe("σ(x) ⊙ (𝟏 − σ(x)) ⊙ (𝟏 − 2σ(x))");
    expect(v.check?.ok).toBe(true);
  });

  it("σ(0) is its own σ(−0), no pair for the logistic rules (fuzz (b), seed 1817963273: a wrong step, then the step limit)", () => {
    const r = differentiate("exp(sigmoid(X - X)) ./ (𝟏 + (X + log(X)).^2)", { wrt: "X", let: ["X: m x n"], check: true });
    expect(r.check?.ok).toBe(true);
    expect(r.simplification.stopped).not.toBe("step-limit");
    expect(r.simplification.rules).not.toContain("logistic-pair");
  });

  it("a − (a − b) is b, and (Aᵀ)∘² keeps the transpose outside", () => {
    const r = differentiate("tr(A - (A - B X))", { wrt: "X", check: true });
    expect(r.derivative.text).toBe("Bᵀ");
    expect(r.check?.ok).toBe(true);
    const h = differentiate("sum((A')^{\\circ 2})", { wrt: "A", check: true });
    expect(h.function.text).toBe("sum((A∘²)ᵀ)");
    expect(h.derivative.text).toBe("2A");
    expect(h.check?.ok).toBe(true);
  });
});

describe("powers by a symbol or an expression, as statisticians write them (was 'unexpected n')", () => {
  const cases: ReadonlyArray<[string, string, string, string]> = [
    // [input, wrt, f as read, derivative]
    ["(2\\pi)^{-n/2} \\det(\\Sigma)^{-1/2} \\exp(-\\frac12 (x-\\mu)^T \\Sigma^{-1} (x-\\mu))", "mu",
      "(2π)^(−n/2) exp(−(x − μ)ᵀΣ⁻¹(x − μ)/2)/sqrt(det(Σ))", "exp(−(x − μ)ᵀΣ⁻¹(x − μ)/2)(2π)^(−n/2)(Σ⁻¹ + Σ⁻ᵀ)(x − μ)/(2 sqrt(det(Σ)))"],
    ["t^a", "t", "t^a", "at^(a − 1)"],
    ["t^a", "a", "t^a", "log(t)t^a"],
    ["\\|x\\|^p", "x", "‖x‖^p", "p‖x‖^(p − 2)x"],
    ["\\|A x - b\\|_2^{p}", "x", "‖Ax − b‖^p", "p‖Ax − b‖^(p − 2)Aᵀ(Ax − b)"],
    ["\\det(A)^{1/n}", "A", "det(A)^(1/n)", "det(A)^(1/n)A⁻ᵀ/n"],
    ["(1 + x^T x)^{-(\\nu + d)/2}", "x", "(1 + xᵀx)^(−(ν + d)/2)", "−(ν + d)(1 + xᵀx)^(−(ν + d)/2 − 1)x"],
    ["x^T x (x^T x)^{p}", "x", "(xᵀx)(xᵀx)^p", "2(xᵀx)^p(1 + p)x"],
    // ASCII's parenthesised exponents, numbers included
    ["(x'x)^(1/2)", "x", "sqrt(xᵀx)", "x/‖x‖"],
    ["t^(n-1)", "t", "t^(n − 1)", "t^(n − 2)(n − 1)"],
  ];
  for (const [input, wrt, f, derivative] of cases) {
    it(`${input} by ${wrt}`, () => {
      const r = differentiate(input, { wrt, check: true });
      expect(r.function.text).toBe(f);
      expect(r.derivative.text).toBe(derivative);
      expect(r.check?.ok).toBe(true);
      expect(() => renderKatex(r.derivative.latex)).not.toThrow();
      expect(() => renderKatex(r.function.latex)).not.toThrow();
      // what is printed reads back as itself, in text and in LaTeX
      expect(differentiate(r.function.text, { wrt }).derivative.text).toBe(derivative);
      expect(differentiate(r.function.latex, { wrt }).derivative.text).toBe(derivative);
    });
  }

  it("a matrix or vector raised to a symbol is refused for what it is, with the entrywise power to write", () => {
    for (const [input, at] of [["A^n", 2], ["x^T A^k x", 6], ["x^T x^n", 6]] as const) {
      const e = refusalOf(input, { wrt: "x" });
      expect(e.code, input).toBe("shape");
      expect(e.message, input).toMatch(/to the power \w: a power by a symbol or an expression is a scalar's/);
      expect(e.start, input).toBe(at);
      expect(e.hint, input).toMatch(/for the entrywise power write \w\.\^\w; a matrix power needs a number/);
    }
    // the entrywise power it points to is read
    expect(differentiate("sum(x.^n)", { wrt: "x", let: ["n: scalar"], check: true }).derivative.text).toBe("nx∘^(n − 1)");
  });
});

describe("\\times and × are the product people write between numbers and matrices; between two vectors, the cross product", () => {
  it("2 × xᵀx, A \\times B, λ × ‖w‖², 3 × 4 × tr(X) are products", () => {
    for (const [input, wrt, derivative] of [["2 \\times x^T x", "x", "4x"], ["x^T A × x", "x", "(A + Aᵀ)x"], ["\\lambda \\times \\|w\\|^2", "w", "2λw"], ["3 × 4 × tr(X)", "X", "12I"]] as const) {
      const r = differentiate(input, { wrt, check: true });
      expect(r.derivative.text, input).toBe(derivative);
      expect(r.check?.ok, input).toBe(true);
    }
    expect(differentiate("A \\times B", { wrt: "A" }).function.text).toBe("AB");
  });

  it("a × b of two vectors is refused as the cross product, not read as a number times a vector", () => {
    for (const [input, at] of [["a \\times b", 0], ["\\|a × b\\|^2", 2]] as const) {
      const e = refusalOf(input, { wrt: "a" });
      expect(e.code, input).toBe("unsupported");
      expect(e.message, input).toMatch(/of two vectors is the cross product, which matdiff does not read/);
      expect(e.start, input).toBe(at);
      expect(e.hint, input).toMatch(/the 3×3 skew-symmetric matrix of a/);
    }
    // declared a number, a is one
    expect(differentiate("a \\times b", { wrt: "a", let: ["a: scalar"] }).derivative.text).toBe("b");
  });
});

describe("names people reach for that matdiff does not read get what to write instead, not a look-alike", () => {
  it("expm, logm, sqrtm (not 'did you mean exp?', which is entrywise), MSE, CE", () => {
    for (const [input, hint] of [
      ["tr(expm(X))", /matrix exponential is not read \(exp\(X\) is entrywise\).*∇ tr\(expm\(X\)\) = expm\(X\)ᵀ/],
      ["tr(logm(X))", /tr\(logm\(X\)\) = log det\(X\), written \\log\\det\(X\)/],
      ["tr(sqrtm(X))", /matrix square root is not read/],
      ["MSE(y, Xw)", /‖y − ŷ‖²\/n/],
      ["CE(y, softmax(Wx))", /−yᵀ log\(p\)/],
    ] as const) {
      const e = refusalOf(input, { wrt: "X" });
      expect(e.code, input).toBe("unknown-function");
      expect(e.hint, input).toMatch(hint);
    }
  });
});

describe("powers of powers compose for a scalar, which a real power is only of a positive one", () => {
  it("(t^a)^b = t^(ab), so t^t^…^t read left to right is t^(tⁿ) and its derivative stays small", () => {
    const six = differentiate("t^t^t^t^t^t", { wrt: "t", check: true });
    expect(six.derivative.text).toBe("t^(4 + t⁵)(1 + 5 log(t))");
    expect(six.check?.ok).toBe(true);
    // 400 levels: was a derivative of 4.8 million characters, refused after 5 s
    const tower = differentiate(Array(400).fill("t").join("^"), { wrt: "t" });
    expect(tower.derivative.text).toBe("t^(398 + t³⁹⁹)(1 + 399 log(t))");
    const mixed = differentiate("(t^2)^a", { wrt: "a", check: true });
    expect(mixed.derivative.text).toBe("2 log(t)t^(2a)");
    expect(mixed.check?.ok).toBe(true);
  });
});

describe("Φ(·): the standard normal distribution function of probit models, where Φ names nothing else", () => {
  it("Φ(wᵀx), log Φ(yᵢwᵀxᵢ) summed, the probit likelihood: φ = e^{−t²/2}/√(2π) in the gradient, with a note, and checked", () => {
    const r = differentiate("\\Phi(w^T x)", { wrt: "w", check: true });
    expect(r.derivative.text).toBe("exp(−(wᵀx)²/2)x/sqrt(2π)");
    expect(r.check?.ok).toBe(true);
    expect(r.notes.join("\n")).toMatch(/Φ is the standard normal distribution function/);
    expect(differentiate("Phi(x'*w)", { wrt: "w" }).function.text).toBe("Φ(xᵀw)");
    const sum = differentiate("\\sum_i \\log \\Phi(y_i w^T x_i)", { wrt: "w", check: true });
    expect(sum.derivative.text).toBe("Xᵀ(y ⊙ exp(−(y ⊙ Xw)∘²/2) ⊘ Φ(y ⊙ Xw))/sqrt(2π)");
    expect(sum.check?.ok).toBe(true);
  });

  it("1 − Φ(u) is evaluated as Φ(−u): the probit likelihood checks at every draw, where log(1 − Φ(9)) summed as written is log 0", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = differentiate("\\sum_i y_i \\log \\Phi(x_i^T \\beta) + (1 - y_i) \\log(1 - \\Phi(x_i^T \\beta))", { wrt: "beta", check: { seed } });
      expect(r.check?.ok, `seed ${seed}: ${r.check?.detail}`).toBe(true);
    }
  });

  it("beside a Φ of its own, Φ(…) is the design matrix times a bracket: yᵀΦ(ΦᵀΦ)⁻¹Φᵀy", () => {
    const r = differentiate("y^T \\Phi(\\Phi^T \\Phi)^{-1}\\Phi^T y", { wrt: "y" });
    expect(r.derivative.text).toBe("2Φ(ΦᵀΦ)⁻¹Φᵀy");
    expect(r.shapes.Phi).toMatch(/×/);
  });

  it("a sum's sample matrix stays a matrix: Σᵢ log A(yᵢwᵀxᵢ) is refused, not read with Y a scalar whose rows are the yᵢ", () => {
    expect(() => differentiate("\\sum_i \\log A(y_i w^T x_i)", { wrt: "w" })).toThrow(MatdiffError);
  });
});

describe("function names that end in a known one are that function, never a product", () => {
  it.each([
    ["sum(arcsin(x))", "sum(arcsin(x))"], ["sum(asin(x))", "sum(arcsin(x))"], ["sum(acos(x))", "sum(arccos(x))"],
    ["sum(arcsinh(x))", "sum(arsinh(x))"], ["sum(atanh(x))", "sum(artanh(x))"], ["sum(log10(x))", "sum(log10(x))"],
    ["sum(\\log_{10} x)", "sum(log10(x))"], ["sum(\\log_2(x))", "sum(log2(x))"], ["sum(swish(x))", "sum(silu(x))"],
  ])("%s reads as %s (was a·r·c·sin(x), log(10x)), and checks", (input, read) => {
    const r = differentiate(input, { wrt: "x", check: true });
    expect(r.function.text).toBe(read);
    expect(r.check?.ok).toBe(true);
  });

  it.each(["sum(arccot(x))", "sum(lgamma(x))", "sum(digamma(x))", "sum(gammaln(x))"])("%s is refused by name (was arc·cot(x), l·γ(x), d·i·γ(x))", (input) => {
    expect(refusalOf(input, { wrt: "x" }).message).toMatch(/unknown function '(arccot|lgamma|digamma|gammaln)'/);
  });

  it("softsign and exp2 are functions (were s·o·f·t·sign(x), exp(2x))", () => {
    expect(differentiate("sum(softsign(x))", { wrt: "x", check: true }).derivative.text).toBe("(𝟏 + abs(x))∘⁻²");
    const r = differentiate("sum(exp2(x))", { wrt: "x", check: true });
    expect(r.derivative.text).toBe("log(2) exp2(x)");
    expect(r.check?.ok).toBe(true);
  });

  it("a logarithm to another base is refused with what to write", () => {
    expect(refusalOf("\\log_3(x)", { wrt: "x" }).hint).toMatch(/log\(x\)\/log\(b\)/);
  });
});

describe("the identity and the ones vector with their sizes written: I_n, 𝟏_n", () => {
  it.each([
    ["x^T I_n x", "x", "xᵀx", "2x"], ["\\mathbf{1}_n^T x", "x", "𝟏ᵀx", "𝟏"], ["1_n^\\top x", "x", "𝟏ᵀx", "𝟏"],
    ["\\operatorname{tr}(I_d X)", "X", "tr(X)", "I"], ["\\mathbf{1}_{n}^T X \\mathbf{1}_{m}", "X", "𝟏ᵀX𝟏", "𝟏𝟏ᵀ"],
  ])("%s by %s reads as %s (I_n was a matrix of its own, 𝟏_n a parse error)", (input, wrt, read, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe(read);
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
  });

  it("Diag(x) is diag(x); X^\\dagger is refused as the pseudo-inverse, with its full-rank forms", () => {
    expect(differentiate("\\operatorname{Diag}(x) a", { wrt: "x" }).function.text).toBe("diag(x)a");
    expect(refusalOf("X^{\\dagger} b", { wrt: "X" }).hint).toMatch(/\(X\^T X\)\^\{-1\} X\^T/);
  });
});

describe("k-means as written: Σᵢₖ rᵢₖ‖xᵢ − μₖ‖², the centres μₖ the rows of M", () => {
  it("by M, and by μ_k, which is row k of M (was 0: μ_k does not occur), checked", () => {
    const input = "\\sum_{i=1}^N \\sum_{k=1}^K r_{ik} \\|x_i - \\mu_k\\|^2";
    for (const wrt of ["M", "mu_k"]) {
      const r = differentiate(input, { wrt, check: true });
      expect(r.derivative.text).toBe("2 diag(Rᵀ𝟏)M − 2RᵀX");
      expect(r.check?.ok).toBe(true);
      expect(r.notes.join("\n")).toContain("μ_kᵀ is row k of the matrix M");
    }
    expect(differentiate(input, { wrt: "mu_k" }).notes.join("\n")).toMatch(/μ_k is read as row k of M/);
    const one = differentiate("\\sum_{k=1}^K \\|x - \\mu_k\\|^2", { wrt: "x", check: true });
    expect(one.function.text).toBe("‖𝟏xᵀ − M‖_F²");
    expect(one.check?.ok).toBe(true);
  });
});

describe("kernels in double sums: weights beside a Gram entry, and the RBF kernel of squared distances", () => {
  it("Σᵢⱼ Aᵢⱼ xᵢᵀxⱼ is 𝟏ᵀ(A ⊙ XXᵀ)𝟏 (was refused: xᵢ alone)", () => {
    const r = differentiate("\\sum_{i,j} A_{ij} x_i^T x_j", { wrt: "X", check: true });
    expect(r.function.text).toBe("𝟏ᵀ(A ⊙ XXᵀ)𝟏");
    expect(r.derivative.text).toBe("(A + Aᵀ)X");
    expect(r.check?.ok).toBe(true);
  });

  it.each([
    ["\\sum_{i,j} \\alpha_i \\alpha_j \\exp(-\\gamma \\|x_i - x_j\\|^2)", "alpha"],
    ["\\sum_{i,j} \\alpha_i \\alpha_j \\exp(-\\gamma \\|x_i - x_j\\|^2)", "X"],
    ["\\sum_i \\alpha_i - \\frac12 \\sum_{i,j} \\alpha_i\\alpha_j y_i y_j e^{-\\|x_i - x_j\\|^2/(2\\sigma^2)}", "alpha"],
    ["\\sum_{i,j} \\exp(-\\|x_i - y_j\\|^2)", "Y"],
  ])("%s by %s: the kernel matrix exp(−γD) of squared distances D, checked (was refused)", (input, wrt) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toContain("diag(XXᵀ)𝟏ᵀ − 2X");
    expect(r.check?.ok).toBe(true);
    expect(r.notes.join("\n")).toMatch(/entry \(i, j\) of the squared distances/);
  });

  it("the RBF gradient by X takes γ out of the Diag: 4γ(ααᵀ ⊙ K − Diag((ααᵀ ⊙ K)𝟏))X", () => {
    const r = differentiate("\\sum_{i,j} \\alpha_i \\alpha_j \\exp(-\\gamma \\|x_i - x_j\\|^2)", { wrt: "X" });
    expect(r.derivative.text).toMatch(/^4γ\(ααᵀ ⊙ exp\(.*\) − diag\(\(ααᵀ ⊙ exp\(.*\)\)𝟏\)\)X$/);
  });
});

describe("\\vec{μ}, \\underline{x}: a letter marked as a vector is one, as a bold one is", () => {
  it.each([
    ["\\vec{\\mu}^T \\Sigma \\vec{\\mu}", "mu", "(Σ + Σᵀ)μ", "\\vec{\\mu}"],
    ["\\|x - \\vec{\\mu}\\|^2", "mu", "−2(x − μ)", "\\vec{\\mu}"],
    ["\\underline{\\theta}^T \\underline{x}", "theta", "x", "\\underline{\\theta}"],
  ])("%s by %s: %s, with the note", (input, wrt, printed, written) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
    expect(r.notes.join("\n")).toContain(`it is written as a vector, ${written}`);
  });
});

describe("code pasted from NumPy and MATLAB: @, .T, .', **, np. and torch. prefixes", () => {
  it.each([
    ["np.sum((X @ w - y)**2)", "w", "sum((Xw − y)∘²)", "2Xᵀ(Xw − y)"],
    ["x.T @ A @ x", "x", "xᵀAx", "(A + Aᵀ)x"],
    ["x @ A @ x", "x", "xᵀAx", "(A + Aᵀ)x"],
    ["w @ w", "w", "wᵀw", "2w"],
    ["np.linalg.norm(X @ w - y)**2", "w", "‖Xw − y‖²", "2Xᵀ(Xw − y)"],
    ["np.log(np.linalg.det(X))", "X", "log det(X)", "X⁻ᵀ"],
    ["np.trace(A @ X @ B)", "X", "tr(AXB)", "AᵀBᵀ"],
    ["x.' * A * x", "x", "xᵀAx", "(A + Aᵀ)x"],
    ["np.sum(np.log(1 + np.exp(-y * (X @ w))))", "w", "sum(log(𝟏 + exp(−y ⊙ Xw)))", "−Xᵀ(y ⊙ σ(−y ⊙ Xw))"],
    ["torch.sum(torch.sigmoid(X @ w))", "w", "sum(σ(Xw))", "Xᵀ(σ(Xw) ⊙ (𝟏 − σ(Xw)))"],
    ["np.dot(x, A @ x)", "x", "xᵀAx", "(A + Aᵀ)x"],
    ["dot(x, A*x)", "x", "xᵀAx", "(A + Aᵀ)x"],
    ["np.sum(np.multiply(y, np.log(p)))", "p", "sum(y ⊙ log(p))", "y ⊘ p"],
    ["np.trace(np.matmul(np.transpose(A), B))", "A", "tr(AᵀB)", "B"],
    ["np.maximum(0, X @ w) @ a", "w", "relu(Xw)ᵀa", "Xᵀ(a ⊙ heaviside(Xw))"],
    ["np.sum(np.outer(u, v) * A)", "u", "sum(uvᵀ ⊙ A)", "Av"],
    ["(x @ A @ x)", "x", "xᵀAx", "(A + Aᵀ)x"],
    ["(X @ w - y) @ (X @ w - y)", "w", "(Xw − y)ᵀ(Xw − y)", "2Xᵀ(Xw − y)"],
    ["np.abs(x).sum()", "x", "sum(abs(x))", "sign(x)"],
    ["((X @ w - y)**2).mean()", "w", "sum((Xw − y)∘²)/n", "2Xᵀ(Xw − y)/n"],
    ["(A @ B).trace()", "A", "tr(AB)", "Bᵀ"],
  ])("%s by %s reads as %s (was an unexpected character), and checks", (input, wrt, read, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe(read);
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
  });

  it.each([
    ["norm(X*W - Y, 'fro')^2", "W", "‖XW − Y‖_F²", "2Xᵀ(XW − Y)"],
    ["np.linalg.norm(X @ W - Y, 'fro')**2", "W", "‖XW − Y‖_F²", "2Xᵀ(XW − Y)"],
    ["norm(A*x - b, 2)^2", "x", "‖Ax − b‖²", "2Aᵀ(Ax − b)"],
    ["norm(x, 1)", "x", "sum(abs(x))", "sign(x)"],
  ])("%s: the order argument is the norm's subscript (was 'fro' an unknown word, ',' unexpected)", (input, wrt, read, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe(read);
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
  });

  it("norm(X, 'nuc') and norm(x, inf) are refused by name, another order with the orders read", () => {
    expect(refusalOf("norm(X, 'nuc')", { wrt: "X" }).message).toMatch(/nuclear norm/);
    expect(refusalOf("norm(x, inf)", { wrt: "x" }).message).toMatch(/max-norm/);
    const e = refusalOf("norm(x, 3)", { wrt: "x" });
    expect(e.message).toBe("norm(·, 3) is not read: the orders read are 1, 2 and 'fro'");
    expect([e.start, e.end]).toEqual([6, 10]);
  });

  it.each([
    ["w.dot(x)", "w", "wᵀx", "x"],
    ["X.T.dot(X.dot(w) - y)", "w", "Xᵀ(Xw − y)", "XᵀX"],
    ["x.dot(A).dot(x)", "x", "xᵀAx", "(A + Aᵀ)x"],
    ["(X.dot(w) - y).dot(X.dot(w) - y)", "w", "(Xw − y)ᵀ(Xw − y)", "2Xᵀ(Xw − y)"],
    ["w.T.dot(x)**2", "w", "(wᵀx)²", "2(wᵀx)x"],
    ["np.exp(w).dot(x)", "w", "exp(w)ᵀx", "x ⊙ exp(w)"],
    ["(X ** 2).sum()", "X", "sum(X∘²)", "2X"],
    ["np.square(X - Y).sum()", "X", "sum((X − Y)∘²)", "2(X − Y)"],
    ["np.logaddexp(0, X @ w).sum()", "w", "sum(softplus(Xw))", "Xᵀσ(Xw)"],
    ["np.logaddexp(a @ x, 0)", "x", "softplus(aᵀx)", "σ(aᵀx)a"],
    ["np.logaddexp(a @ x, b @ x)", "x", "log(exp(aᵀx) + exp(bᵀx))", "(exp(aᵀx)a + exp(bᵀx)b)/(exp(aᵀx) + exp(bᵀx))"],
    ["scipy.special.expit(X @ w).sum()", "w", "sum(σ(Xw))", "Xᵀ(σ(Xw) ⊙ (𝟏 − σ(Xw)))"],
    ["x @ (np.eye(n) + A) @ x", "x", "xᵀ(I + A)x", "(2I + A + Aᵀ)x"],
    ["np.ones(n) @ x", "x", "𝟏ᵀx", "𝟏"],
    ["np.ones(n) @ A @ np.ones(n)", "A", "𝟏ᵀA𝟏", "𝟏𝟏ᵀ"],
    ["b @ np.linalg.solve(A, b)", "A", "bᵀA⁻¹b", "−A⁻ᵀbbᵀA⁻ᵀ"],
    ["np.linalg.slogdet(X)[1]", "X", "log(abs(det(X)))", "X⁻ᵀ"],
    ["F.relu(W @ x).sum()", "W", "sum(relu(Wx))", "heaviside(Wx)xᵀ"],
    ["torch.nn.functional.softplus(x).sum()", "x", "sum(softplus(x))", "σ(x)"],
  ])("%s by %s reads as NumPy does, %s (was an unknown function, a misreading or an unexpected character), and checks", (input, wrt, read, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe(read);
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
  });

  it("x[i] by a sum's letter is the subscript x_i: an entry of x inside the sum", () => {
    expect(differentiate("\\sum_i y[i] \\log p[i]", { wrt: "p", check: true }).derivative.text).toBe("y ⊘ p");
    expect(differentiate("\\sum_{i,j} X[i,j]^2", { wrt: "X", check: true }).derivative.text).toBe("2X");
    expect(differentiate("\\sum_{i,j} X[i][j]^2", { wrt: "X", check: true }).derivative.text).toBe("2X");
    expect(differentiate("\\sum_i (A x)[i]^2", { wrt: "x", check: true }).derivative.text).toBe("2AᵀAx");
  });

  it("F is torch.nn.functional only before a function's call: F.T and F x are still the matrix F", () => {
    expect(differentiate("F.T @ x", { wrt: "x" }).function.text).toBe("Fᵀx");
    expect(differentiate("F x", { wrt: "x" }).function.text).toBe("Fx");
  });

  it("a symbol called with a comma, a kernel, a distance, a loss or MATLAB's indexing, is refused as a function of several arguments", () => {
    const kernel = refusalOf("\\sum_{i,j} K(x_i, x_j)", { wrt: "x" });
    expect(kernel.message).toBe("K(x_i, x_j) is a function of two arguments, which matdiff does not read: it has no functions of several arguments");
    expect([kernel.start, kernel.end]).toEqual([11, 22]);
    expect(kernel.hint).toMatch(/a kernel as \\exp\(-\\gamma \\\|x_i - x_j\\\|\^2\)/);
    expect(refusalOf("L(y, \\hat{y}, w)", { wrt: "w" }).message).toMatch(/^L\(y, \\hat\{y\}, w\) is a function of 3 arguments/);
    expect(refusalOf("A(1, 2)", { wrt: "A" }).hint).toMatch(/an entry of a matrix is A_\{ij\}$/);
    // a thousand arguments are named, not quoted
    expect(refusalOf(`K(${Array(1000).fill("x").join(", ")})`, { wrt: "x" }).message).toBe("K(…) is a function of 1000 arguments, which matdiff does not read: it has no functions of several arguments");
    // a known function's extra argument keeps its own hint (an axis)
    expect(refusalOf("softmax(x, 1)", { wrt: "x" }).hint).toMatch(/^softmax takes one argument/);
  });

  it("an axis or a keyword argument is refused with what the function is over without it", () => {
    const sum = refusalOf("np.sum(X, axis=0)", { wrt: "X" });
    expect(sum.message).toMatch(/keyword argument, axis=…, is not read/);
    expect(sum.hint).toMatch(/column sums \(axis 0\) are 𝟏ᵀX/);
    expect(refusalOf("torch.logsumexp(x, 0)", { wrt: "x" }).hint).toMatch(/^logsumexp takes one argument; an axis is not read/);
    expect(refusalOf("F.softmax(z, dim=-1) @ y", { wrt: "z" }).hint).toMatch(/softmax\(X\^T\)\^T/);
    expect(refusalOf("np.linalg.norm(x, ord=1)", { wrt: "x" }).hint).toBe("write the order as norm(x, 1), norm(x, 2) or norm(X, 'fro')");
  });

  it("* is NumPy's entrywise product only in array code: A * B is still the matrix product, A @ B too", () => {
    expect(differentiate("A * B", { wrt: "A" }).function.text).toBe("AB");
    expect(differentiate("A @ B", { wrt: "A" }).function.text).toBe("AB");
    expect(differentiate("np.sum(w * x)", { wrt: "w" }).function.text).toBe("sum(w ⊙ x)");
  });
});

describe("the log barrier −Σᵢ log(bᵢ − aᵢᵀx): its check draws A and x small, so that b − Ax is positive", () => {
  it("checks (was inconclusive: Ax outweighed b in every draw), its Hessian too", () => {
    const r = differentiate("-\\sum_i \\log(b_i - a_i^T x)", { wrt: "x", check: true });
    expect(r.derivative.text).toBe("Aᵀ(b − Ax)∘⁻¹");
    expect(r.check?.ok).toBe(true);
    const h = differentiate("-\\sum_{i=1}^m \\log(b_i - a_i^T x) + t c^T x", { wrt: "x", hessian: true, check: true });
    expect(h.derivative.text).toBe("Aᵀ diag((b − Ax)∘⁻²)A");
    expect(h.check?.ok).toBe(true);
  });
});

it("a shifted index x_{t+1} is refused by name, with the matrices to write (was 'expected a subscript')", () => {
  const e = refusalOf("\\sum_t \\|x_{t+1} - A x_t\\|^2", { wrt: "A" });
  expect(e.message).toBe("a shifted index, x_{t+1}, is not read");
  expect(e.hint).toContain("\\|P - Q A^T\\|_F^2");
});

describe("|v|² of a vector is its squared length ‖v‖², as physics writes it; |v| alone stays entrywise", () => {
  it.each([["|x|^2", "‖x‖²", "2x"], ["|Ax - b|^2", "‖Ax − b‖²", "2Aᵀ(Ax − b)"], ["\\left|x - y\\right|^2", "‖x − y‖²", "2(x − y)"]])(
    "%s reads as %s (|x|² had x read as a scalar, |Ax − b|² was refused), with a note, and checks", (input, read, printed) => {
      const r = differentiate(input, { wrt: "x", check: true });
      expect(r.function.text).toBe(read);
      expect(r.derivative.text).toBe(printed);
      expect(r.check?.ok).toBe(true);
      expect(r.notes.join("\n")).toMatch(/is read as its squared length/);
    });

  it("|x| of a vector is still entrywise, and |A|² of a matrix det(A)²", () => {
    expect(differentiate("\\lvert x \\rvert", { wrt: "x" }).function.text).toBe("abs(x)");
    expect(differentiate("|A|^2", { wrt: "A" }).function.text).toBe("det(A)²");
  });
});

describe("sums and indices as typed in Unicode: ∑ᵢ, xᵢ, Aᵢⱼ read as their LaTeX (were unexpected characters)", () => {
  it.each([
    ["∑ᵢ log(1 + exp(−yᵢ wᵀxᵢ))", "w", "\\sum_i \\log(1 + \\exp(-y_i w^T x_i))", "−Xᵀ(y ⊙ σ(−y ⊙ Xw))"],
    ["∑ᵢ (yᵢ − wᵀxᵢ)²", "w", "\\sum_i (y_i - w^T x_i)^2", "−2Xᵀ(y − Xw)"],
    ["∑ₙ ‖xₙ − μ‖²", "mu", "\\sum_n \\|x_n - \\mu\\|^2", "−2(X − 𝟏μᵀ)ᵀ𝟏"],
    ["∑ᵢⱼ Aᵢⱼ xᵢᵀxⱼ", "X", "\\sum_{i,j} A_{ij} x_i^T x_j", "(A + Aᵀ)X"],
    ["xᵢᵀ A xᵢ", "x_i", "x_i^T A x_i", "(A + Aᵀ)x_i"],
  ])("%s by %s is %s, and checks", (input, wrt, latex, printed) => {
    const r = differentiate(input, { wrt, check: true });
    const same = differentiate(latex, { wrt });
    expect(r.derivative.text).toBe(printed);
    expect(same.derivative.text).toBe(printed);
    expect(r.function.text).toBe(same.function.text);
    expect(r.check?.ok).toBe(true);
  });

  it("∑ before a bracket sums the bracket's squares, as \\sum does (was read as (sum(y − Xw))²)", () => {
    expect(differentiate("∑ᵢ (yᵢ − wᵀxᵢ)^2", { wrt: "w" }).derivative.text).toBe("−2Xᵀ(y − Xw)");
  });

  it.each([
    ["½‖Ax − b‖²", "x", "‖Ax − b‖²/2", "Aᵀ(Ax − b)"],
    ["½ xᵀAx − bᵀx", "x", "xᵀAx/2 − bᵀx", "(A + Aᵀ)x/2 − b"],
    ["¾xᵀx", "x", "3xᵀx/4", "3x/2"],
  ])("%s: ½, ¾ are the fractions (were unexpected characters)", (input, wrt, read, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe(read);
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
  });

  it("∏ is refused as \\prod is, with the log that turns it into a sum", () => {
    const e = refusalOf("∏ᵢ p(xᵢ)", { wrt: "w" });
    expect(e.message).toContain("a product over an index");
    expect(e.start).toBe(0);
  });
});

describe("an estimate has the shape of what it estimates: ŷ as y, θ̂ as θ", () => {
  it("the binary cross-entropy y log ŷ + (1 − y) log(1 − ŷ) is of two scalars (was a scalar y and a vector ŷ, a diagonal Jacobian)", () => {
    const r = differentiate("y\\log(\\hat y) + (1-y)\\log(1-\\hat y)", { wrt: "\\hat y", check: true });
    expect(r.derivative.text).toBe("y/ŷ − (1 − y)/(1 − ŷ)");
    expect(r.shapes).toEqual({ y: "1×1", "y\u0302": "1×1" });
    expect(r.check?.ok).toBe(true);
    expect(r.notes).toEqual([
      'y is read as a scalar, though its letter suggests a vector: ŷ estimates y, so the two have one shape, and ŷ is a scalar here; --let "y: scalar" states this reading',
      'ŷ is read as a scalar, though its letter suggests a vector: ŷ estimates y, so the two have one shape, and y is a scalar here; --let "\\hat{y}: scalar" states this reading',
    ]);
    expect(r.notes.join("\n")).not.toMatch(/other readings fit equally well/);
  });

  it.each([
    ["\\|y - \\hat{y}\\|^2", "\\hat{y}", "−2(y − ŷ)"],
    ["-y^T\\log\\hat y - (1-y)^T\\log(1-\\hat y)", "\\hat y", "(𝟏 − y) ⊘ (𝟏 − ŷ) − y ⊘ ŷ"],
    ["\\|\\hat\\theta - \\theta\\|^2", "\\hat\\theta", "2(θ̂ − θ)"],
  ])("%s by %s keeps the pair alike: %s", (input, wrt, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
  });
});

describe("a sum inside a sum: the inner one is read first, then the outer over its rows", () => {
  it.each([
    ["-\\sum_n \\log \\sum_k \\exp(w_k^T x_n)", "W", "−sum(log(exp(XWᵀ)𝟏))"],
    ["\\sum_n \\log \\sum_k \\exp(w_k^T x_n + b_k)", "b", "sum(log(exp(XWᵀ + 𝟏bᵀ)𝟏))"],
    ["\\sum_i \\log \\sum_j \\exp(x_i^T x_j)", "X", "sum(log(exp(XXᵀ)𝟏))"],
  ])("%s by %s is %s (softmax regression's log-partition was refused), and checks", (input, wrt, read) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe(read);
    expect(r.check?.ok).toBe(true);
    // the same as the matrix form written out
    expect(r.derivative.text).toBe(differentiate(read.replace("−", "-"), { wrt }).derivative.text);
  });

  it("an inner sum whose rows name a matrix the expression already uses is refused, saying which", () => {
    const e = refusalOf("\\sum_n \\log\\sum_k \\exp(w_k^T x_n) - \\sum_n y_n^T W x_n", { wrt: "W" });
    expect(e.message).toMatch(/^w_k would be a row of W, which the expression already uses/);
  });
});

it("a label-picked row w_{y_n} is refused with its one-hot form tr(Y W Xᵀ), which with the log-partition reads and checks (was 'expected a subscript')", () => {
  const e = refusalOf("\\sum_n (w_{y_n}^T x_n - \\log\\sum_k \\exp(w_k^T x_n))", { wrt: "W" });
  expect(e.message).toBe("a subscript with a subscript, w_{y_n}, is not read");
  expect(e.hint).toContain("tr(Y W X^T)");
  expect([e.start, e.end]).toEqual([9, 15]);
  const r = differentiate("tr(Y W X^T) - sum(log(exp(X W^T) 1))", { wrt: "W", check: true });
  expect(r.check?.ok).toBe(true);
});

describe("the machine-learning course's x^{(i)}, y^{(i)}: the samples of the sum over i", () => {
  it.each([
    ["\\frac{1}{2m}\\sum_{i=1}^m (\\theta^T x^{(i)} - y^{(i)})^2", "theta", "Xᵀ(Xθ − y)/m"],
    ["-\\sum_i y^{(i)} \\log \\sigma(w^T x^{(i)}) + (1 - y^{(i)}) \\log(1 - \\sigma(w^T x^{(i)}))", "w", "−Xᵀ(y − σ(Xw))"],
  ])("%s by %s is %s (was 'nothing in the summand is written with the index i')", (input, wrt, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
    expect(r.notes[0]).toMatch(/^x\^\{\(i\)\}, y\^\{\(i\)\} are read as the samples x_i, y_i of the sum over i|^y\^\{\(i\)\}, x\^\{\(i\)\} are read as the samples y_i, x_i of the sum over i/);
  });

  it("h_θ(x^{(i)}) under a sum with an upper limit depends on θ, as h_θ(xᵢ) under \\sum_i does (was a silent 0)", () => {
    for (const input of ["\\frac{1}{2m}\\sum_{i=1}^m (h_\\theta(x^{(i)}) - y^{(i)})^2", "\\sum_{i=1}^m (h_\\theta(x_i) - y_i)^2"]) {
      const r = differentiate(input, { wrt: "theta", check: true });
      expect(r.derivative.text).not.toBe("0");
      expect(r.derivative.text).toContain("ḣ_θᵀ(h_θ − y)");
      expect(r.check?.ok).toBe(true);
    }
  });
});

it("⟨w, x_k⟩ inside a sum over k is wᵀx_k (was 'this term in k is not read')", () => {
  const r = differentiate("\\sum_k \\log(1 + e^{-y_k \\langle w, x_k \\rangle})", { wrt: "w", check: true });
  expect(r.derivative.text).toBe("−Xᵀ(y ⊙ σ(−y ⊙ Xw))");
  expect(r.check?.ok).toBe(true);
  const swapped = differentiate("\\sum_k (\\langle x_k, w \\rangle - y_k)^2", { wrt: "w", check: true });
  expect(swapped.derivative.text).toBe(differentiate("\\sum_k (x_k^T w - y_k)^2", { wrt: "w" }).derivative.text);
  expect(swapped.check?.ok).toBe(true);
});

describe("LaTeX as papers write it: x^{\\prime}, \\sqrt[3]{…}, ‖X‖_{Fro}", () => {
  it.each([
    ["x^{\\prime} A x", "x", "xᵀAx", "(A + Aᵀ)x"],
    ["\\sqrt[3]{x^T x}", "x", "(xᵀx)^{1/3}", "2x/(3(xᵀx)^{2/3})"],
    ["\\|X\\|_{Fro}^2", "X", "‖X‖_F²", "2X"],
  ])("%s by %s reads as %s (was an unknown command, an unexpected '[', an unsupported norm), and checks", (input, wrt, read, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe(read);
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
  });

  it("\\sqrt[n] with no whole number n, or no braced radicand, is an error with the form to write", () => {
    for (const input of ["\\sqrt[0]{x^T x}", "\\sqrt[p]{x^T x}", "\\sqrt[3]{x"]) {
      const e = refusalOf(input, { wrt: "x" });
      expect(e.message).toBe("\\sqrt[n]{…} takes a whole number n ≥ 1 in its brackets and its radicand in braces");
      expect([e.start, e.end]).toEqual([0, 8]);
    }
  });
});

describe("the bias inside a margin: yᵢ(wᵀxᵢ + b)", () => {
  it.each([
    ["\\sum_{i=1}^n \\log(1 + \\exp(-y_i (w^T x_i + b)))", "w", "−Xᵀ(y ⊙ σ(−y ⊙ (Xw + b𝟏)))"],
    ["\\sum_{i=1}^n \\log(1 + \\exp(-y_i (w^T x_i + b)))", "b", "−yᵀσ(−y ⊙ (Xw + b𝟏))"],
    ["\\|w\\|^2 + C\\sum_{i=1}^n \\max(0, 1 - y_i(w^Tx_i + b))", "w", "2w − CXᵀ(y ⊙ heaviside(𝟏 − y ⊙ (Xw + b𝟏)))"],
    ["\\|w\\|^2 + C\\sum_{i=1}^n \\max(0, 1 - y_i(w^Tx_i + b))", "b", "−Cyᵀ heaviside(𝟏 − y ⊙ (Xw + b𝟏))"],
  ])("%s by %s is %s (was 'x_i must meet an index-free row'; by b, no reading)", (input, wrt, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
  });

  it("the note on b says it is a term of the sum as written (was 'dimension mismatch in b: k×1 · l×s', shapes of matdiff's own sample form)", () => {
    const r = differentiate("\\sum_i \\max(0, 1 - y_i(w^T x_i + b))", { wrt: "w" });
    expect(r.notes).toContain("b is read as a scalar, though its letter suggests a vector: as a vector it does not fit as a term of w^T x_i + b; --let \"b: scalar\" states this reading");
    // outside a sum over samples the mismatch itself says where: w^T x + b, 1×1 + m×1
    expect(differentiate("w^T x + b", { wrt: "w" }).notes[0]).toContain("dimension mismatch in w^T x + b: 1×1 + m×1");
  });
});

it("an entrywise function of a sample vector in a sum of squared norms is that function of the rows: Σᵢ ‖yᵢ − σ(Wxᵢ)‖² is ‖Y − σ(XWᵀ)‖_F² (was 'this vector in i is not read')", () => {
  const r = differentiate("\\sum_i \\|y_i - \\sigma(W x_i)\\|^2", { wrt: "W", check: true });
  expect(r.function.text).toBe("‖Y − σ(XWᵀ)‖_F²");
  expect(r.check?.ok).toBe(true);
  const bias = differentiate("\\sum_i \\|y_i - \\tanh(W x_i + b)\\|^2", { wrt: "b", check: true });
  expect(bias.function.text).toBe("‖Y − tanh(XWᵀ + 𝟏bᵀ)‖_F²");
  expect(bias.check?.ok).toBe(true);
});

it("Σᵢ, Σ_i, \\Sigma_{i=1}^N with the Greek capital are the sum over i where the index binds what follows (was the matrix Σ_i times it); Σ_k⁻¹, μ_kᵀΣ_kμ_k and Σ_i · (…) stay matrices", () => {
  const logistic = differentiate("Σᵢ log(1 + exp(−yᵢ wᵀxᵢ))", { wrt: "w", check: true });
  expect(logistic.derivative.text).toBe("−Xᵀ(y ⊙ σ(−y ⊙ Xw))");
  expect(logistic.notes[0]).toMatch(/^Σᵢ is read as the sum of the entries of a vector/);
  expect(logistic.shapes["Sigma_i"]).toBeUndefined();
  expect(logistic.check?.ok).toBe(true);
  const squares = differentiate("Σ_i (y_i - w^T x_i)^2", { wrt: "w", check: true });
  expect(squares.derivative.text).toBe("−2Xᵀ(y − Xw)");
  expect(squares.check?.ok).toBe(true);
  const limits = differentiate("\\Sigma_{i=1}^N (x_i - \\mu)^T (x_i - \\mu)", { wrt: "mu", check: true });
  expect(limits.derivative.text).toBe("−2(X − 𝟏μᵀ)ᵀ𝟏");
  expect(limits.shapes.X).toMatch(/^N×/);
  expect(limits.check?.ok).toBe(true);
  // a mixture's covariance: raised, or with its index written before it, Σ_k is a matrix
  const mixture = differentiate("(x - \\mu_k)^T \\Sigma_k^{-1} (x - \\mu_k)", { wrt: "Sigma_k", check: true });
  expect(mixture.shapes["Sigma_k"]).toBe("n×n");
  expect(mixture.check?.ok).toBe(true);
  expect(differentiate("mu_k^T Sigma_k mu_k", { wrt: "mu_k" }).derivative.text).toBe("(Σ_k + Σ_kᵀ)μ_k");
  // a mixture's per-component terms: Σ_k inside bars, a call's parentheses or after a transposed vector opens no sum
  for (const [expr, wrt] of [["log|Σ_k| + tr(Σ_k^{-1} S_k)", "Sigma_k"], ["log det(Σ_k) + (x - μ_k)^T Σ_k^{-1} (x - μ_k)", "mu_k"], ["tr(Σ_k S_k)", "Sigma_k"], ["a^T Σ_k b_k", "a"]] as const) {
    const r = differentiate(expr, { wrt, check: true });
    expect(r.shapes["Sigma_k"], expr).toMatch(/^n×/);
    expect(r.check?.ok, expr).toBe(true);
  }
  // and one after a coefficient or before a norm is the sum
  expect(differentiate("\\frac{1}{N}\\Sigma_i \\|x_i - \\mu\\|^2", { wrt: "mu" }).derivative.text).toBe("−2(X − 𝟏μᵀ)ᵀ𝟏/N");
  expect(differentiate("λ Σ_j w_j^2", { wrt: "w" }).derivative.text).toBe("2λw");
  expect(differentiate("Σ_i |y_i - w^T x_i|", { wrt: "w" }).derivative.text).toBe("−Xᵀ sign(y − Xw)");
  // a product written out is one
  const product = differentiate("Σ_i · (x - y_i)", { wrt: "x" });
  expect(product.shapes["Sigma_i"]).toBe("n×m");
  expect(product.notes).toContain("Σ_i is read as a matrix named Σ_i times what follows; for the sum over i, write ∑_i or \\sum_i");
});

it("ASCII sum_i and sum_{i=1}^N are the sum over i, a big operator as \\sum is: sum_i (y_i − wᵀx_i)^2 sums the squares (was 'unexpected _i')", () => {
  const r = differentiate("sum_i (y_i - w^T x_i)^2", { wrt: "w", check: true });
  expect(r.function.text).toBe("sum((y − Xw)∘²)");
  expect(r.derivative.text).toBe("−2Xᵀ(y − Xw)");
  expect(r.check?.ok).toBe(true);
  const counted = differentiate("sum_{i=1}^N log(1 + exp(-y_i w^T x_i))", { wrt: "w", check: true });
  expect(counted.shapes.y).toBe("N×1");
  expect(counted.check?.ok).toBe(true);
  // sum(x) is still the function, and a sum of a call's square is a square of the sum
  expect(differentiate("sum(x)^2", { wrt: "x" }).derivative.text).toBe("2 sum(x)𝟏");
});

it("a capital that is a factor of ⊙ beside a vector is read as a vector where nothing else gives a gradient: 𝟏ᵀexp(−Y ⊙ (Xw)) by w (was w a scalar, f a row of numbers)", () => {
  const r = differentiate("1^T exp(-Y ⊙ (Xw))", { wrt: "w", check: true });
  expect(r.kind).toBe("gradient");
  expect(r.shapes).toMatchObject({ Y: "n×1", X: "n×m", w: "m×1" });
  expect(r.derivative.text).toBe("−Xᵀ(Y ⊙ exp(−Y ⊙ Xw))");
  expect(r.notes[0]).toMatch(/^Y is read as a vector, though its letter suggests a matrix: as a matrix it does not fit/);
  expect(r.check?.ok).toBe(true);
  // elsewhere a mismatch stays an error: ⟨A, x⟩ does not read A as a vector
  expect(() => differentiate("\\langle A, x \\rangle", { wrt: "x" })).toThrow(/dimension mismatch|inner product/);
});

it("a weighted inner sum, Σₙ log Σₖ πₖ exp(w_kᵀxₙ), and a scaled sample, Σᵢ ‖a ⊙ xᵢ − b‖², read entrywise over the rows (were refused)", () => {
  const mixture = differentiate("\\sum_n \\log \\sum_k \\pi_k \\exp(w_k^T x_n)", { wrt: "pi", check: true });
  expect(mixture.function.text).toBe("sum(log((𝟏πᵀ ⊙ exp(XWᵀ))𝟏))");
  expect(mixture.check?.ok).toBe(true);
  expect(differentiate("\\sum_n \\log \\sum_k \\pi_k \\exp(w_k^T x_n)", { wrt: "W", check: true }).check?.ok).toBe(true);
  const scaled = differentiate("\\sum_i \\|a \\odot x_i - b\\|^2", { wrt: "a", check: true });
  expect(scaled.function.text).toBe("‖𝟏aᵀ ⊙ X − 𝟏bᵀ‖_F²");
  expect(scaled.check?.ok).toBe(true);
});

it("a Hadamard product with 𝟏vᵀ scales columns: softmax regression's log-partition by W is exp(WXᵀ) diag(s) X, not (𝟏sᵀ ⊙ exp(WXᵀ))X", () => {
  const r = differentiate("-\\sum_n \\log \\sum_k \\exp(w_k^T x_n)", { wrt: "W", check: true });
  expect(r.derivative.text).toBe("−exp(WXᵀ) diag((exp(XWᵀ)𝟏)∘⁻¹)X");
  expect(r.check?.ok).toBe(true);
  // a kernel's weighting (yyᵀ) ⊙ K and the cookbook's G ⊙ I keep their Hadamard form; uvᵀ ⊙ dA stays the gradient uvᵀ
  expect(differentiate("sum((u v^T) .* A)", { wrt: "A" }).derivative.text).toBe("uvᵀ");
});

describe("Σⱼ Aᵢⱼxⱼ inside a sum over i is (Ax)ᵢ, entry i of Ax (was refused: 'A_{ij} inside an inner sum, with the outer index i')", () => {
  it.each([
    ["\\sum_i \\log(\\sum_j A_{ij} x_j)", "x", "sum(log(Ax))", "Aᵀ(Ax)∘⁻¹"],
    ["\\sum_i \\left(y_i - \\sum_j A_{ij} x_j\\right)^2", "x", "sum((y − Ax)∘²)", "−2Aᵀ(y − Ax)"],
    ["\\sum_i y_i \\sum_j A_{ji} x_j", "x", "sum(y ⊙ Aᵀx)", "Ay"],
    ["\\sum_i \\exp(\\sum_j W_{ij} x_j)", "W", "sum(exp(Wx))", "exp(Wx)xᵀ"],
    ["\\sum_i \\log \\sum_j A_{ij} \\exp(x_j)", "x", "sum(log(A exp(x)))", "Aᵀ(A exp(x))∘⁻¹ ⊙ exp(x)"],
  ])("%s by %s is %s, gradient %s, checked", (input, wrt, f, gradient) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe(f);
    expect(r.derivative.text).toBe(gradient);
    expect(r.check?.ok).toBe(true);
    expect(r.notes.join("\n")).toMatch(/is read as \(A\^?T? ?\w+\)_i|is read as \((A|W)/);
  });

  it("the note says which entry of which vector; an inner sum with two entries is still refused", () => {
    const r = differentiate("\\sum_i \\log \\sum_j A_{ij} x_j", { wrt: "x" });
    expect(r.notes).toContain("\\sum_j A_{ij} x_j is read as (A x)_i, entry i of the vector A x: A_{ij} is entry (i, j) of the matrix A");
    expect(() => differentiate("\\sum_i \\log \\sum_j A_{ij} B_{ij} x_j", { wrt: "x" })).toThrow(MatdiffError);
  });
});

describe("a count's letter beside a sum with no upper limit is its number of terms: (1/n)Σᵢ, (1/N)Σₙ, n log σ", () => {
  it.each([
    ["\\frac{1}{n}\\sum_i (y_i - \\mu)^2", "mu", "−2(sum(y) − nμ)/n", "n"],
    ["n\\log\\sigma + \\frac{1}{2\\sigma^2}\\sum_i (y_i - \\mu)^2", "mu", "−(sum(y) − nμ)/σ²", "n"],
    ["\\frac{1}{N}\\sum_n (y_n - w^T x_n)^2", "w", "−2Xᵀ(y − Xw)/N", "N"],
    ["\\frac{1}{2m}\\sum_i (\\theta^T x_i - y_i)^2", "theta", "Xᵀ(Xθ − y)/m", "m"],
  ])("%s by %s: %s (was a size m or n beside a scalar n, N or m of its own)", (input, wrt, printed, letter) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
    expect(r.notes.join("\n")).toContain(`${letter}, with no upper limit written, is read as the number of terms`);
    expect(Object.keys(r.shapes)).not.toContain(letter);
  });

  it("not where the letter is the variable, is declared, sizes are declared, or is no count (the margin m inside the hinge)", () => {
    const by = (input: string, options: Parameters<typeof differentiate>[1]) => differentiate(input, { ...options, check: true });
    const mean = "\\frac{1}{n}\\sum_i (y_i - \\mu)^2";
    expect(by(mean, { wrt: "n" }).derivative.text).toBe("−(y − μ𝟏)ᵀ(y − μ𝟏)/n²");
    expect(by(mean, { wrt: "mu", let: ["n: scalar"] }).derivative.text).toBe("−2(sum(y) − mμ)/n");
    const sized = by(mean, { wrt: "mu", let: ["y: vector 5"] });
    expect(sized.derivative.text).toBe("−2(sum(y) − 5μ)/n");
    expect(sized.notes.join("\n")).not.toContain("number of terms");
    const hinge = by("\\sum_i \\max(0, m - y_i w^T x_i)", { wrt: "w" });
    expect(hinge.notes.join("\n")).not.toContain("number of terms");
    expect(hinge.shapes).toHaveProperty("m");
  });
});

describe("√ as typed: √(xᵀx) is sqrt(xᵀx), √2 x is √2 · x (was an unexpected character)", () => {
  it.each([
    ["√(xᵀx)", "x", "sqrt(xᵀx)", "x/‖x‖"],
    ["2√(x^T A x)", "x", "2 sqrt(xᵀAx)", "(A + Aᵀ)x/sqrt(xᵀAx)"],
    ["√2 xᵀx", "x", "sqrt(2)xᵀx", "2 sqrt(2)x"],
    ["1/√(xᵀx)", "x", "1/sqrt(xᵀx)", "−x/‖x‖³"],
  ])("%s by %s reads as %s: %s", (input, wrt, read, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.function.text).toBe(read);
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
  });
});

describe("matrix factorisation as written: Σᵢⱼ (Yᵢⱼ − uᵢᵀvⱼ)², an entry beside a Gram entry in a function (was refused)", () => {
  it.each([
    ["\\sum_{i,j} (Y_{ij} - u_i^T v_j)^2", "U", "−2(Y − UVᵀ)V"],
    ["\\sum_{i,j} W_{ij}(R_{ij} - u_i^T v_j)^2", "U", "−2(W ⊙ (R − UVᵀ))V"],
    ["\\sum_{i,j} (A_{ij} - x_i^T M x_j)^2", "M", "−2Xᵀ(A − XMXᵀ)X"],
    // the regulariser's U and V are the matrices of those rows: a Frobenius norm is the same of rows and of columns
    ["\\sum_{i,j} (Y_{ij} - u_i^T v_j)^2 + \\lambda(\\|U\\|_F^2 + \\|V\\|_F^2)", "V", "2λV − 2(Y − UVᵀ)ᵀU"],
  ])("%s by %s: %s, checked", (input, wrt, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
    expect(r.notes.join("\n")).toMatch(/is entry \(i, j\) of (UVᵀ|XMXᵀ)/);
  });

  it("−Yᵢⱼuᵢᵀvⱼ inside a function is the entry of −Y ⊙ UVᵀ, checked", () => {
    const r = differentiate("\\sum_{i,j} \\log(1 + \\exp(-Y_{ij} u_i^T v_j))", { wrt: "U", check: true });
    expect(r.check?.ok).toBe(true);
    expect(r.function.text).toBe("𝟏ᵀ log(𝟏𝟏ᵀ + exp(−UVᵀ ⊙ Y))𝟏");
    // 1/(𝟏𝟏ᵀ + exp(−t)) of a matrix is σ(t), as 1/(𝟏 + exp(−t)) of a vector is
    expect(r.derivative.text).toBe("−(Y ⊙ σ(−Y ⊙ UVᵀ))V");
  });

  it("a matrix the rows would name that is used outside a Frobenius norm is still refused (rows or columns?)", () => {
    expect(() => differentiate("\\sum_{i,j} (Y_{ij} - u_i^T v_j)^2 + \\mathrm{tr}(U A)", { wrt: "U" })).toThrow(/which the expression already uses/);
  });
});

describe("⊙ multiplies arrays: a letter beside it is read as one, as layer norm's γ ⊙ (x − μ)/σ + β means", () => {
  it.each([
    ["\\gamma \\odot \\frac{x - \\mu}{\\sigma} + \\beta", "gamma", "diag(x − μ)/σ"],
    ["\\gamma \\odot \\frac{x - \\mu}{\\sigma} + \\beta", "x", "diag(γ)/σ"],
    ["\\alpha \\odot x", "x", "diag(α)"],
  ])("%s by %s: %s (was γ a number, and x one beside a number μ)", (input, wrt, printed) => {
    const r = differentiate(input, { wrt, check: true });
    expect(r.derivative.text).toBe(printed);
    expect(r.check?.ok).toBe(true);
    expect(r.notes.join("\n")).toMatch(/(γ|α) is read as a vector, though its letter suggests a scalar: it is a factor of ⊙/);
  });

  it("declared a number, it stays one: α ⊙ x with --let \"alpha: scalar\" is αx", () => {
    expect(differentiate("\\alpha \\odot x", { wrt: "x", let: ["alpha: scalar"] }).derivative.text).toBe("αI");
  });
});
