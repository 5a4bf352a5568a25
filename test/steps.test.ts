/**
 * Derivations (--steps): every step is numerically equal, as a linear form in
 * the differential on random inputs and random directions, to the step
 * before it, so no step can be wrong (see test/support/derivation.ts).
 */
import { describe, it, expect } from "vitest";
import { analyze, differentiate } from "../src/api.js";
import { compareDerivation } from "./support/derivation.js";
import { renderKatex } from "./support/pipeline.js";

interface StepCase { expr: string; wrt: string; let?: string[]; where?: string[]; source: string }

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
];

describe("derivations: every step equals the one before it", () => {
  it.each(CASES.map((c) => [c.expr, c] as const))("%s", (_e, c) => {
    const a = analyze(c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [] });
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
    const r = differentiate(c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], steps: true });
    expect(() => renderKatex(r.derivation!.latex)).not.toThrow();
    for (const s of r.steps!) expect(() => renderKatex(s.latex)).not.toThrow();
    expect(r.derivation!.text.split("\n").at(-1)).toContain(r.kind === "hessian" ? "" : r.derivative.text);
    // no step that only reorders internal data, no dumps: derivations stay short
    expect(r.steps!.length).toBeLessThanOrEqual(12);
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

describe("like traces meet up to rotation", () => {
  it("collects tr(dX X²) + tr(X dX X) + tr(X² dX) into 3 tr(dX X²): a power counts as its factors when traces are rotated", () => {
    const r = differentiate("tr(X^3)", { wrt: "X" });
    expect(r.differential.text).toBe("3 tr(dX X²)");
    expect(r.derivative.text).toBe("3(Xᵀ)²");
    expect(differentiate("tr(X^2 A X)", { wrt: "X" }).differential.text).toBe("tr((dX X + X dX)AX) + tr(X²A dX)"); // no two of the three are rotations of each other
    expect(differentiate("tr(X^4)", { wrt: "X", check: true }).differential.text).toBe("4 tr(dX X³)");
  });
});
