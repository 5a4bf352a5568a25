/**
 * Derivations (--steps): every step is numerically equal, as a linear form in
 * the differential on random inputs and random directions, to the step
 * before it, so no step can be wrong (see test/support/derivation.ts).
 */
import { describe, it, expect } from "vitest";
import { analyze, differentiate } from "../src/api.js";
import { compareDerivation } from "./support/derivation.js";
import { renderKatex } from "./support/pipeline.js";

interface StepCase { expr: string; wrt: string; let?: string[]; where?: string[]; hessian?: true; source: string }

const CASES: StepCase[] = [
  { expr: "tr(A^<-1>B)", wrt: "A", source: "Matrix Cookbook (2012-11-15) eq. (63) with A = I" },
  { expr: "(x - A s)^T W (x - A s)", wrt: "s", let: ["W: symmetric"], source: "Cookbook eq. (84)" },
  { expr: "det(X)", wrt: "X", source: "Cookbook eq. (49)" },
  { expr: "log det(X)", wrt: "X", source: "Cookbook eq. (43)" },
  { expr: "a^T X^{-1} b", wrt: "X", source: "Cookbook eq. (61)" },
  { expr: "x^T B x", wrt: "x", source: "Cookbook eq. (81)" },
  { expr: "a^T X b", wrt: "X", source: "Cookbook eq. (70)" },
  { expr: "\\|A x - y\\|^2", wrt: "A", source: "least squares" },
  { expr: "\\|e\\|^2", wrt: "theta", let: ["theta: vector"], where: ["e = y - Phi theta"], source: "least squares with --where" },
  { expr: "tr(X^3)", wrt: "X", source: "Cookbook eq. (121) with k = 3" },
  { expr: "tr(A S)", wrt: "S", let: ["S: symmetric"], source: "symmetric gradient, Srinivasan & Panda (2023)" },
  { expr: "log det(S) + tr(S^{-1} C)", wrt: "S", let: ["S: symmetric", "C: symmetric"], source: "Gaussian likelihood" },
  { expr: "a^T sigmoid(x)", wrt: "x", source: "derived: chain rule" },
  { expr: "sum(exp(A x))", wrt: "x", source: "derived: chain rule" },
  { expr: "tr(A X B X^T)", wrt: "X", source: "Cookbook eq. (117)" },
  { expr: "\\|x\\|", wrt: "x", source: "derived: d‖x‖ = xᵀdx/‖x‖" },
  { expr: "X^2", wrt: "X", source: "Magnus & Neudecker: vec(d X²)" },
  { expr: "sigmoid(W x + b)", wrt: "x", source: "derived: Jacobian of a layer" },
  { expr: "(A + t B)^{-1}", wrt: "t", let: ["t: scalar"], source: "derived: d(M⁻¹) = −M⁻¹ dM M⁻¹" },
  { expr: "log det(X)", wrt: "t", let: ["X: matrix(t)", "t: scalar"], source: "derived: Jacobi's formula for X(t)" },
  // Hessians: the gradient's chain, then d²f = d(df) with dX constant, ending at dxᵀ H dx or vec(dX)ᵀ H vec(dX)
  { expr: "\\|A x - b\\|^2", wrt: "x", hessian: true, source: "least squares: H = 2AᵀA" },
  { expr: "x^T B x", wrt: "x", hessian: true, source: "Cookbook eq. (81) differentiated: H = B + Bᵀ" },
  { expr: "sum(exp(A x))", wrt: "x", hessian: true, source: "derived: H = Aᵀ diag(exp(Ax)) A" },
  { expr: "log det(X)", wrt: "X", hessian: true, source: "Cookbook eq. (43) differentiated: d²f = −tr(X⁻¹dX X⁻¹dX)" },
  { expr: "tr(X^3)", wrt: "X", hessian: true, source: "Cookbook eq. (121) with k = 3, differentiated" },
  { expr: "a^T X^{-1} b", wrt: "X", hessian: true, source: "Cookbook eq. (61) differentiated" },
  { expr: "\\|W x - y\\|^2", wrt: "W", hessian: true, source: "a linear layer: H = 2(xxᵀ ⊗ I)" },
  { expr: "x^3 + sin(x)", wrt: "x", let: ["x: scalar"], hessian: true, source: "f″ = 6x − sin x" },
];

describe("derivations: every step equals the one before it", () => {
  it.each(CASES.map((c) => [c.expr, c] as const))("%s", (_e, c) => {
    const a = analyze(c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], ...(c.hessian ? { hessian: true } : {}) });
    const { steps, comparisons } = compareDerivation(a);
    expect(steps.length, "a derivation has a start and at least one step").toBeGreaterThan(1);
    for (const { step, result, describe } of comparisons) {
      expect(result.ok, `${describe} (rel. error ${result.relError})`).toBe(true);
      expect(step.reason.length > 0 || step === steps[0], "every step says why").toBe(true);
    }
  });
});

describe("rendered derivations", () => {
  it.each(CASES.map((c) => [c.expr, c] as const))("%s renders in KaTeX and ends with the result", (_e, c) => {
    const r = differentiate(c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], steps: true, ...(c.hessian ? { hessian: true } : {}) });
    expect(() => renderKatex(r.derivation!.latex)).not.toThrow();
    for (const s of r.steps!) expect(() => renderKatex(s.latex)).not.toThrow();
    // every derivation ends at its result under the result's own name (a Hessian's too)
    expect(r.derivation!.text.split("\n").at(-1)).toBe(`⇒ ${r.label.text} = ${r.derivative.text}`);
    expect(r.derivation!.latex).toContain(`\\Rightarrow\\mkern5mu ${r.label.latex} &= ${r.derivative.latex}`);
    // no step that only reorders internal data, no dumps: derivations stay short (a Hessian's two chains, 20)
    expect(r.steps!.length).toBeLessThanOrEqual(c.hessian ? 20 : 12);
  });

  it("shows the textbook derivation of ∇ tr(A⁻¹B) (Cookbook eq. 40 then eq. 16)", () => {
    const r = differentiate("tr(A^<-1>B)", { wrt: "A", steps: true });
    expect(r.steps!.map((s) => s.text)).toEqual([
      "d(tr(A⁻¹B))",
      "tr(d(A⁻¹)B)",
      "−tr(A⁻¹ dA A⁻¹B)",
      "−tr(A⁻¹BA⁻¹ dA)",
      "⟨−A⁻ᵀBᵀA⁻ᵀ, dA⟩",
    ]);
    expect(r.steps![1]!.reason).toBe("linearity of the trace (Cookbook eq. 36); product rule (Cookbook eq. 34, 37); B constant");
    expect(r.steps![2]!.reason).toBe("differential of the inverse (Cookbook eq. 40)");
    expect(r.steps![3]!.reason).toBe("cyclic property of the trace (Cookbook eq. 16): dA last");
    expect(r.steps![2]!.source).toContain("eq. (40)");
    expect(r.derivation!.text.split("\n").at(-1)).toBe("⇒ ∇_A f = −A⁻ᵀBᵀA⁻ᵀ");
  });
});

describe("Hessian derivations (issue 14)", () => {
  it("derives d²f by differentiating df once more with dx constant, and ends at ∇²_x f = 2AᵀA", () => {
    const r = differentiate("\\|A x - b\\|^2", { wrt: "x", hessian: true, steps: true });
    const lines = r.derivation!.text.split("\n");
    expect(lines.filter((l) => /^\s*df = /.test(l))).toHaveLength(1);
    expect(lines).toContainEqual(expect.stringMatching(/^∇_x f = 2Aᵀ\(Ax − b\)\s+read off the gradient$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ *d²f = d\(2\(Ax − b\)ᵀA dx\)\s+differentiate df once more, dx constant$/));
    expect(r.steps!.at(-1)!.text).toBe("dxᵀ (2AᵀA) dx");
    expect(r.steps!.at(-1)!.reason).toBe("Hessian form d²f = dxᵀ H dx");
    expect(lines.at(-1)).toBe("⇒ ∇²_x f = 2AᵀA");
    // the gradient's chain is not repeated: one ⟨g, dx⟩ line
    expect(r.steps!.filter((s) => s.text.startsWith("⟨")).length).toBe(1);
  });

  it("ends a matrix variable's Hessian in the vec layout", () => {
    const r = differentiate("log det(X)", { wrt: "X", hessian: true, steps: true });
    expect(r.steps!.map((s) => [s.lhs?.text ?? "", s.text])).toEqual([
      ["df", "d(log det(X))"], ["", "tr(X⁻¹ dX)"], ["", "⟨X⁻ᵀ, dX⟩"], ["∇_X f", "X⁻ᵀ"],
      ["d²f", "d(tr(X⁻¹ dX))"], ["", "tr(d(X⁻¹) dX)"], ["", "−tr(X⁻¹ dX X⁻¹ dX)"], ["", "vec(dX)ᵀ (−K(X⁻ᵀ ⊗ X⁻¹)) vec(dX)"],
    ]);
  });

  it("a scalar variable's second derivative: d²f/dx²", () => {
    const r = differentiate("x^3 + sin(x)", { wrt: "x", let: ["x: scalar"], hessian: true, steps: true });
    expect(r.derivation!.text.split("\n").at(-1)).toBe("⇒ d²f/dx² = 6x − sin(x)");
    expect(r.steps!.find((s) => s.lhs?.text === "df/dx")?.text).toBe("3x² + cos(x)");
  });
});

describe("like traces meet up to rotation", () => {
  it("collects tr(dX X²) + tr(X dX X) + tr(X² dX) into 3 tr(X² dX): a power counts as its factors when traces are rotated", () => {
    const r = differentiate("tr(X^3)", { wrt: "X" });
    expect(r.differential.text).toBe("3 tr(X² dX)");
    expect(r.derivative.text).toBe("3(Xᵀ)²");
    expect(differentiate("tr(X^2 A X)", { wrt: "X" }).differential.text).toBe("tr((dX X + X dX)AX) + tr(X²A dX)"); // no two of the three are rotations of each other
    expect(differentiate("tr(X^4)", { wrt: "X", check: true }).differential.text).toBe("4 tr(X³ dX)");
  });

  it("d tr(Xᵏ) = k tr(Xᵏ⁻¹ dX) for every k, past the power limit too (issue 14: tr(X⁶⁴) had a 63-term differential; issue 18: rule d-trace-power)", () => {
    for (const k of [5, 16, 17, 20, 33, 64, 65, 256, 1024]) {
      const r = differentiate(`tr(X^{${k}})`, { wrt: "X", check: true });
      expect(r.differential.latex).toBe(`${k} \\mathop{\\mathrm{tr}}(X^{${k - 1}}\\mkern3mu \\mathrm{d}X)`);
      expect(r.derivative.latex).toBe(`${k} (X^{\\top})^{${k - 1}}`);
      expect(r.check?.ok, `tr(X^${k}): ${r.check?.relError}`).toBe(true);
    }
  });

  it("d² tr(X³) = 6 tr(X (dX)²): a trace of a product with a sum is multiplied out when its terms are one trace up to rotation", () => {
    expect(differentiate("tr(X^3)", { wrt: "X", hessian: true }).secondDifferential!.text).toBe("6 tr(X(dX)²)");
  });
});

describe("a Hessian wrt a symmetric matrix in the Cookbook convention (was: vec(dS)ᵀ H vec(dS), relative error 0.4–0.7)", () => {
  // H vec(dS) = vec(dG) with G the partials in the entries S_ij, i ≤ j, so d²f = Σ_{i≤j} dG_ij dS_ij
  it.each([
    ["logdet(S^T)", ["S: symmetric n x n"]],
    ["log det(S) + tr(A S)", ["S: symmetric"]],
    ["tr(S^3)", ["S: symmetric"]],
  ] as const)("%s: every step, the Hessian form included, is numerically an equality", (expr, lets) => {
    const a = analyze(expr, { wrt: "S", let: lets, hessian: true, symmetric: "cookbook" });
    const { steps, comparisons } = compareDerivation(a);
    expect(steps.at(-1)!.display).toBe("quadratic");
    expect(steps.at(-1)!.reason).toMatch(/Cookbook convention/);
    for (const { result, describe } of comparisons) expect(result.ok, `${describe} (rel. error ${result.relError})`).toBe(true);
    const r = differentiate(expr, { wrt: "S", let: lets, hessian: true, symmetric: "cookbook", steps: true });
    expect(() => renderKatex(r.derivation!.latex)).not.toThrow();
    expect(r.layout).toMatch(/d²f = ½ vec\(dS\)ᵀ \(I \+ diag\(vec I\)\) H vec\(dS\)/);
  });
});
