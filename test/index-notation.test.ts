/**
 * Index form (issue 3, item 5). Three oracles:
 * - exact strings for the examples, each derived by hand in a comment;
 * - every LaTeX string renders in KaTeX strict mode;
 * - numerically, the formula itself (the terms before printing, run by the
 *   small interpreter below on random matrices) equals every entry of the
 *   evaluated result, which checkAnalysis compares with finite differences.
 */
import { describe, it, expect } from "vitest";
import { analyze, checkAnalysis, differentiate, type Analysis, type DifferentiateOptions } from "../src/api.js";
import { indexForm, indexFormula, type Term } from "../src/present/index-form.js";
import * as Q from "../src/core/rational.js";
import { numericError } from "./support/index-form.js";
import { GRADIENT_CASES } from "./cases/gradients.js";
import { INDEX_SIZE_CASES } from "./cases/index-sizes.js";
import { optionsOf, renderKatex } from "./support/pipeline.js";

// ---------------------------------------------------------------------------

interface Example {
  readonly expr: string;
  readonly options: DifferentiateOptions;
  readonly text?: string;
  readonly latex?: string;
  readonly einsum?: string | null;
}

/**
 * The examples; the expected strings are derived by hand:
 * - ∇_A tr(A⁻¹B) = −A⁻ᵀBᵀA⁻ᵀ (Matrix Cookbook (2012-11-15) eq. (114) with the
 *   transposes); entry (i, j) = −(A⁻ᵀ)_{ik}(Bᵀ)_{kl}(A⁻ᵀ)_{lj} = −(A⁻¹)_{ki} B_{lk} (A⁻¹)_{jl}.
 *   (The issue's `B_{kl}` would be the gradient −A⁻ᵀBA⁻ᵀ, right only for symmetric B.)
 * - d(X²) = dX X + X dX: (dX X)_{ij} = dX_{ip} X_{pj} ↦ δ_{ik} δ_{pl} X_{pj} = δ_{ik} X_{lj}.
 * - (dXᵀ)_{ij} = dX_{ji} ↦ δ_{jk} δ_{il}.
 * - ∇ xᵀBx = (B + Bᵀ)x (Cookbook eq. (81)); ∇² = B + Bᵀ.
 * - d² log det X = −tr(X⁻¹dX X⁻¹dX) (Cookbook eq. (43) differentiated): the two halves of
 *   the polarisation are both −(X⁻¹)_{li}(X⁻¹)_{jk}, i.e. H = −K(X⁻ᵀ ⊗ X⁻¹).
 * - d(A + tB)⁻¹/dt = −(A + tB)⁻¹B(A + tB)⁻¹ (Cookbook eq. (59)).
 */
const EXAMPLES: readonly Example[] = [
  {
    expr: "tr(A^{-1} B)", options: { wrt: "A" },
    text: "∂f/∂A_{ij} = −(A⁻¹)_{ki} B_{lk} (A⁻¹)_{jl}",
    latex: "\\frac{\\partial f}{\\partial A_{ij}} = -(A^{-1})_{ki} B_{lk} (A^{-1})_{jl}",
    einsum: '-np.einsum("ki,lk,jl->ij", np.linalg.inv(A), B, np.linalg.inv(A))',
  },
  {
    expr: "X^2", options: { wrt: "X" },
    text: "∂(X²)_{ij}/∂X_{kl} = δ_{ik} X_{lj} + X_{ik} δ_{jl}",
    latex: "\\frac{\\partial (X^{2})_{ij}}{\\partial X_{kl}} = \\delta_{ik} X_{lj} + X_{ik} \\delta_{jl}",
    einsum: '(np.einsum("ik,lj->ijkl", np.eye(X.shape[0]), X) + np.einsum("ik,jl->ijkl", X, np.eye(X.shape[0])))'
      + '.reshape(X.shape[0] * X.shape[0], X.shape[0] * X.shape[0], order="F")',
  },
  { expr: "X^T", options: { wrt: "X" }, text: "∂(Xᵀ)_{ij}/∂X_{kl} = δ_{jk} δ_{il}" },
  { expr: "A x", options: { wrt: "x" }, text: "∂f_i/∂x_j = A_{ij}", latex: "\\frac{\\partial f_{i}}{\\partial x_{j}} = A_{ij}", einsum: 'np.einsum("ij->ij", A)' },
  {
    expr: "x^T B x", options: { wrt: "x" },
    text: "∂f/∂x_i = B_{ij} x_j + B_{ji} x_j",
    einsum: 'np.einsum("ij,j->i", B, x) + np.einsum("ji,j->i", B, x)',
  },
  {
    expr: "x^T B x", options: { wrt: "x", hessian: true },
    text: "∂²f/∂x_i∂x_j = B_{ij} + B_{ji}",
    latex: "\\frac{\\partial^2 f}{\\partial x_{i} \\partial x_{j}} = B_{ij} + B_{ji}",
  },
  {
    expr: "log det X", options: { wrt: "X", hessian: true },
    text: "∂²f/∂X_{ij}∂X_{kl} = −(X⁻¹)_{li} (X⁻¹)_{jk}",
    latex: "\\frac{\\partial^2 f}{\\partial X_{ij} \\partial X_{kl}} = -(X^{-1})_{li} (X^{-1})_{jk}",
  },
  {
    expr: "(A + t B)^{-1}", options: { wrt: "t", let: ["t: scalar"] },
    text: "d((A + tB)⁻¹)_{ij}/dt = −((A + tB)⁻¹)_{ik} B_{kl} ((A + tB)⁻¹)_{lj}",
    latex: "\\frac{\\mathrm{d} ((A + t B)^{-1})_{ij}}{\\mathrm{d} t} = -((A + t B)^{-1})_{ik} B_{kl} ((A + t B)^{-1})_{lj}",
    einsum: '-np.einsum("ik,kl,lj->ij", np.linalg.inv(A + t * B), B, np.linalg.inv(A + t * B))',
  },
  // X⁻¹: d(X⁻¹) = −X⁻¹dX X⁻¹ (Cookbook eq. (59)), i.e. −X⁻ᵀ ⊗ X⁻¹
  { expr: "X^{-1}", options: { wrt: "X" }, text: "∂(X⁻¹)_{ij}/∂X_{kl} = −(X⁻¹)_{ik} (X⁻¹)_{lj}" },
  // d(AXB) = A dX B, i.e. Bᵀ ⊗ A (Cookbook §10.2.2)
  { expr: "A X B", options: { wrt: "X" }, text: "∂F_{ij}/∂X_{kl} = A_{ik} B_{lj}" },
  // d(Xa) = dX a, i.e. aᵀ ⊗ I
  { expr: "X a", options: { wrt: "X" }, text: "∂f_i/∂X_{jk} = δ_{ij} a_k" },
  // d(x ⊙ y) = dx ⊙ y, i.e. diag(y): the Hadamard product shares the index
  { expr: "x .* y", options: { wrt: "x" }, text: "∂f_i/∂x_j = y_i δ_{ij}" },
  // σ′ = σ ⊙ (𝟏 − σ) distributed; the repeated entry σ_i σ_i prints as a square
  {
    expr: "sigmoid(W x + b)", options: { wrt: "x" },
    text: "∂σ(Wx + b)_i/∂x_j = W_{ij} σ(Wx + b)_i − W_{ij} σ(Wx + b)_i²",
  },
  // ∇ tr(X) tr(X⁻¹) = tr(X⁻¹) I − tr(X) X⁻²ᵀ: traces free of dX stay atoms, (X⁻ᵀ)² is (X⁻²) with swapped indices
  { expr: "tr(X) tr(X^{-1})", options: { wrt: "X" }, text: "∂f/∂X_{ij} = tr(X⁻¹) δ_{ij} − tr(X) (X⁻²)_{ji}" },
  // d/dt det(A + tB) = det(A + tB) tr((A + tB)⁻¹B) (Jacobi): a scalar of scalar atoms, no einsum call needed
  {
    expr: "det(A + t B)", options: { wrt: "t", let: ["t: scalar"] },
    text: "df/dt = det(A + tB) tr((A + tB)⁻¹B)",
    einsum: "np.linalg.det(A + t * B) * np.trace(np.linalg.inv(A + t * B) @ B)",
  },
  // ∇ sum(X) = 𝟏: every entry is 1, and einsum needs ones to carry the output indices
  { expr: "sum(X)", options: { wrt: "X" }, text: "∂f/∂X_{ij} = 1", einsum: 'np.einsum("i,j->ij", np.ones(X.shape[0]), np.ones(X.shape[1]))' },
  { expr: "t^3", options: { wrt: "t", let: ["t: scalar"], hessian: true }, text: "d²f/dt² = 6 t" },
];

/** More shapes and rules, checked numerically only. */
const MORE: readonly { readonly expr: string; readonly options: DifferentiateOptions }[] = [
  { expr: "X^3", options: { wrt: "X" } },
  { expr: "R^T R", options: { wrt: "R", let: ["R: m x n"] } },
  { expr: "X .* X", options: { wrt: "X" } },
  { expr: "X^T A X", options: { wrt: "X", let: ["X: m x n"] } },
  { expr: "tr(X) X", options: { wrt: "X" } },
  { expr: "exp(X)", options: { wrt: "X" } },
  { expr: "tanh(X) .* X", options: { wrt: "X" } },
  { expr: "X .^ 3", options: { wrt: "X" } },
  { expr: "(I + X)^{-1}", options: { wrt: "X" } },
  { expr: "x x^T", options: { wrt: "x" } },
  { expr: "A x / norm(x)", options: { wrt: "x" } },
  { expr: "(x^T a) b", options: { wrt: "x" } },
  { expr: "x / norm(x)", options: { wrt: "x" } },
  { expr: "A X", options: { wrt: "X", let: ["A: p x m", "X: m x n"] } },
  { expr: "S^2", options: { wrt: "S", let: ["S: symmetric"] } },
  { expr: "exp(t) A", options: { wrt: "t", let: ["t: scalar"] } },
  { expr: "t^2 x + sin(t) A x", options: { wrt: "t", let: ["t: scalar"] } },
  { expr: "norm(A x - b)^2", options: { wrt: "x", hessian: true } },
  { expr: "det X", options: { wrt: "X", hessian: true } },
  { expr: "tr(X^T A X)", options: { wrt: "X", hessian: true, let: ["X: m x n"] } },
  { expr: "tr(X A X B)", options: { wrt: "X", hessian: true } },
  // logistic loss: Hessian Xᵀ diag(σ ⊙ (𝟏 − σ)) X (issue 3, item 4)
  { expr: "sum(log(\\mathbf{1} + exp(X w))) - y^T X w", options: { wrt: "w", hessian: true, let: ["X: m x n"] } },
  { expr: "a^T X^{-1} b", options: { wrt: "X", hessian: true } },
  { expr: "x^T x x^T A x", options: { wrt: "x", hessian: true } },
];

const ALL = [...EXAMPLES, ...MORE];

describe("index form: the issue's examples, exactly", () => {
  it.each(EXAMPLES.map((c) => [`${c.expr} wrt ${c.options.wrt}${c.options.hessian ? " (Hessian)" : ""}`, c] as const))("%s", (_name, c) => {
    const out = indexForm(analyze(c.expr, c.options));
    if (c.text !== undefined) expect(out.text).toBe(c.text);
    if (c.latex !== undefined) expect(out.latex).toBe(c.latex);
    if (c.einsum !== undefined) expect(out.einsum).toBe(c.einsum);
  });
});

describe("index form: equals the result entry by entry, and the result equals finite differences", () => {
  it.each(ALL.map((c) => [`${c.expr} wrt ${c.options.wrt}${c.options.hessian ? " (Hessian)" : ""}`, c] as const))("%s", (_name, c) => {
    const a = analyze(c.expr, c.options);
    const form = indexFormula(a);
    const out = indexForm(a);
    const report = `${out.text}\n${out.latex}\n${out.einsum}`;
    expect(form.level, report).toBe("expanded");
    expect(numericError(a, form), report).toBeLessThan(1e-9);
    expect(checkAnalysis(a).ok, report).toBe(true);
    expect(() => renderKatex(out.latex), report).not.toThrow();
    expect(out.einsum, report).not.toBeNull();
  });

  it("uses the dimension names the caller gives NumPy", () => {
    const out = indexForm(analyze("X^T", { wrt: "X", let: ["X: m x n"] }), { dimExpr: (d) => `dims["${d}"]` });
    expect(out.einsum).toBe('(np.einsum("jk,il->ijkl", np.eye(dims["m"]), np.eye(dims["n"]))).reshape(dims["n"] * dims["m"], dims["m"] * dims["n"], order="F")');
  });
});

describe("index form: fallbacks stay correct", () => {
  const cases = [
    // 26 terms once distributed: the sums free of dx stay whole (level "sums")
    { expr: "(x - a)^T (x - b) (x - c)^T (x - d) (x - e)^T (x - g)", options: { wrt: "x" }, level: "sums",
      text: "∂f/∂x_i = (x − c)_j (x − d)_j (x − e)_k (x − g)_k (x − b)_i + (x − c)_j (x − d)_j (x − e)_k (x − g)_k (x − a)_i"
        + " + (x − a)_j (x − b)_j (x − e)_k (x − g)_k (x − d)_i + (x − a)_j (x − b)_j (x − e)_k (x − g)_k (x − c)_i"
        + " + (x − a)_j (x − b)_j (x − c)_k (x − d)_k (x − g)_i + (x − a)_j (x − b)_j (x − c)_k (x − d)_k (x − e)_i" },
    // vec(dX) has no entrywise form without index arithmetic: the vec-Jacobian I read entrywise
    { expr: "vec(X)", options: { wrt: "X" }, level: "vec", text: "∂f_i/∂vec(X)_j = δ_{ij}" },
    // 25 terms of atoms: nothing shorter than the result itself
    { expr: Array.from({ length: 25 }, (_, k) => `a_{${k + 1}}^T x`).join(" + "), options: { wrt: "x" }, level: "whole" },
    // d²(aᵀXb) = 0
    { expr: "a^T X b", options: { wrt: "X", hessian: true }, level: "expanded", text: "∂²f/∂X_{ij}∂X_{kl} = 0" },
    { expr: "tr(A)", options: { wrt: "X", let: ["X: m x n"] }, level: "expanded", text: "∂f/∂X_{ij} = 0", einsum: "np.zeros((X.shape[0], X.shape[1]))" },
  ] as const;
  it.each(cases.map((c) => [c.expr.slice(0, 40), c] as const))("%s", (_name, c) => {
    const a = analyze(c.expr, c.options);
    const form = indexFormula(a);
    const out = indexForm(a);
    expect(form.level).toBe(c.level);
    if ("text" in c) expect(out.text).toBe(c.text);
    if ("einsum" in c) expect(out.einsum).toBe(c.einsum);
    expect(out.einsum === null).toBe(c.level === "whole");
    expect(numericError(a, form)).toBeLessThan(1e-9);
    expect(() => renderKatex(out.latex)).not.toThrow();
  });
});

describe("index form: negative checks, the interpreter catches a wrong layout", () => {
  // the printed B_{kl} for tr(A⁻¹B) is the gradient for symmetric B only
  it("tr(A^{-1} B) with B_{kl} instead of B_{lk} is numerically wrong", () => {
    const a = analyze("tr(A^{-1} B)", { wrt: "A" });
    const form = indexFormula(a);
    const [term] = form.terms;
    const swapped: Term = {
      coeff: term!.coeff,
      factors: term!.factors.map((f) => (f.kind === "atom" && f.expr.kind === "sym" ? { ...f, idx: [...f.idx].reverse() } : f)),
    };
    expect(numericError(a, { ...form, terms: [swapped] })).toBeGreaterThan(1e-3);
  });

  it("d(X²) is not 2 δ_{ik} X_{lj}", () => {
    const a = analyze("X^2", { wrt: "X" });
    const form = indexFormula(a);
    expect(numericError(a, { ...form, terms: [{ ...form.terms[0]!, coeff: Q.rat(2) }] })).toBeGreaterThan(1e-3);
  });
});

describe("index form: the gradient corpus", () => {
  const runs = GRADIENT_CASES.map((c) => {
    const a = analyze(c.expr, optionsOf(c));
    return { c, a, form: indexFormula(a), out: indexForm(a) };
  });

  it.each(runs.map((r) => [r.c.id, r] as const))("%s", (_id, { a, form, out }) => {
    const report = `${out.text}\n${out.latex}\n${out.einsum}`;
    expect(numericError(a, form, 1), report).toBeLessThan(1e-9);
    expect(() => renderKatex(out.latex), report).not.toThrow();
  });

  it("writes every case out, none as the whole result in one atom", () => {
    const levels = new Map<string, number>();
    for (const r of runs) levels.set(r.form.level, (levels.get(r.form.level) ?? 0) + 1);
    expect(levels.get("whole") ?? 0).toBe(0);
    expect(runs.filter((r) => r.out.einsum === null)).toHaveLength(0);
  });
});

describe("index form: sizes (issue 17, item 2): a sum of ones is the size N, never 1", () => {
  it.each(INDEX_SIZE_CASES.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const a = analyze(c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], ...(c.hessian ? { hessian: true } : {}) });
    const form = indexFormula(a);
    const out = indexForm(a);
    expect(out.text).toBe(c.index);
    expect(form.level).toBe("expanded");
    expect(numericError(a, form)).toBeLessThan(1e-9);
    expect(checkAnalysis(a).ok).toBe(true);
    expect(() => renderKatex(out.latex)).not.toThrow();
  });

  it("the size is in the NumPy string as the shape it is", () => {
    const out = indexForm(analyze("\\|X - m \\mathbf{1}^\\top\\|_F^2", { wrt: "m", let: ["m: vector"] }));
    expect(out.einsum).toBe('-2 * np.einsum("ij->i", X) + 2 * X.shape[1] * np.einsum("i->i", m)');
    expect(out.latex).toBe("\\frac{\\partial f}{\\partial m_{i}} = -2 X_{ij} + 2 p m_{i}");
  });

  it("without the size the formula is numerically wrong (the interpreter sees the dropped sum)", () => {
    const a = analyze("\\|X - m \\mathbf{1}^\\top\\|_F^2", { wrt: "m", let: ["m: vector"] });
    const form = indexFormula(a);
    const dropped = form.terms.map((t) => ({ ...t, factors: t.factors.filter((f) => f.kind !== "size") }));
    expect(numericError(a, { ...form, terms: dropped })).toBeGreaterThan(1e-3);
  });
});

describe("a scalar to a negative power divides the term", () => {
  it("2 exp(−x∘²)_i/sqrt(π) for erf, 2 x_i/λ; the einsum divides too", () => {
    const erf = differentiate("sum(erf(x))", { wrt: "x" });
    expect(erf.derivative.index?.text).toBe("∂f/∂x_i = 2 exp(−x∘²)_i/sqrt(π)");
    expect(erf.derivative.einsum).toBe('2 * np.einsum("i->i", np.exp(-x ** 2)) / (np.pi ** 0.5)');
    const r = differentiate("x^T x / λ", { wrt: "x" });
    expect(r.derivative.index?.text).toBe("∂f/∂x_i = 2 x_i/λ");
    expect(r.derivative.index?.latex).toBe("\\frac{\\partial f}{\\partial x_{i}} = \\frac{2 x_{i}}{\\lambda}");
  });
});

describe("a divisor's powers of one base are one power", () => {
  it("λ⁻¹λ⁻² divides by λ³ and λ⁻²λ⁻² by λ⁴, never λ^{2}^{2} (fuzz (d), seed 67914133)", () => {
    const options = { wrt: "alpha", let: ["alpha: scalar", "A: n x n", "x: n"] };
    const expr = "‖sin(x) \\odot diag(\\frac{A}{alpha})‖";
    for (const [hessian, power] of [[false, "\\alpha^{3}"], [true, "\\alpha^{4}"]] as const) {
      const r = differentiate(expr, { ...options, hessian });
      const latex = r.derivative.index!.latex;
      expect(latex).toContain(power);
      expect(latex).not.toMatch(/\}\^\{/);
      expect(() => renderKatex(latex)).not.toThrow();
    }
    const a = analyze(expr, { ...options, hessian: true });
    expect(checkAnalysis(a).ok).toBe(true);
    expect(numericError(a, indexFormula(a))).toBeLessThan(1e-6);
  });
});

describe("index form: a bracketed power under a fraction bar is not bracketed again", () => {
  it("2 x_i/(1 + xᵀx)², not 2 x_i/((1 + xᵀx)²)", () => {
    const r = differentiate("x^T x / (1 + x^T x)", { wrt: "x" });
    expect(r.derivative.index?.text).toBe("∂f/∂x_i = 2 x_i/(1 + xᵀx)²");
    expect(numericError(analyze("x^T x / (1 + x^T x)", { wrt: "x" }))).toBeLessThan(1e-8);
    expect(() => renderKatex(r.derivative.index!.latex)).not.toThrow();
    expect(differentiate("x^T x / (\\sigma^2 + x^T x)", { wrt: "x" }).derivative.index?.text).toBe("∂f/∂x_i = 2 σ² x_i/(σ² + xᵀx)²");
  });

  it("nor is a function's call: x_i/sqrt(xᵀx + ε), 2 x_i/det(A + B) (were x_i/(sqrt(xᵀx + ε)))", () => {
    const r = differentiate("\\sqrt{x^T x + \\epsilon}", { wrt: "x" });
    expect(r.derivative.index?.text).toBe("∂f/∂x_i = x_i/sqrt(xᵀx + ε)");
    expect(numericError(analyze("\\sqrt{x^T x + \\epsilon}", { wrt: "x" }))).toBeLessThan(1e-8);
    expect(() => renderKatex(r.derivative.index!.latex)).not.toThrow();
    expect(differentiate("x^T x / \\det(A + B)", { wrt: "x" }).derivative.index?.text).toBe("∂f/∂x_i = 2 x_i/det(A + B)");
  });
});
