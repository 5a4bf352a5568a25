/**
 * The oracle corpus: every case is checked against central finite
 * differences, against its expected closed form numerically, and against the
 * expected form as printed (so the simplifier's quality is tested too).
 * Sources: test/cases/gradients.ts (Matrix Cookbook equation numbers, courses).
 */
import { describe, it, expect } from "vitest";
import { GRADIENT_CASES } from "./cases/gradients.js";
import { NEGATIVE_CASES } from "./cases/negative.js";
import { run, elaborateLike, renderKatex, sameValue } from "./support/pipeline.js";
import { toText } from "../src/print/text.js";
import { expandDefinitions } from "../src/calculus/differential.js";
import { checkGradient } from "../src/numeric/check.js";
import { differentiate } from "../src/api.js";

describe("gradient corpus", () => {
  it.each(GRADIENT_CASES.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const r = run(c);
    const expected = elaborateLike(r.analysis, c.expected);
    const report = r.report(`expected   ${toText(expected)}   (${c.source})`);
    expect(r.check.ok, report).toBe(true);
    expect(sameValue(r.analysis, r.analysis.gradient, expected).ok, report).toBe(true);
    expect(r.text, report).toBe(toText(expected));
    expect(() => renderKatex(r.latex), report).not.toThrow();
  });
});

describe("negative corpus: plausible wrong answers are rejected numerically", () => {
  it.each(NEGATIVE_CASES.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const r = run(c);
    const wrong = elaborateLike(r.analysis, c.wrong);
    const a = r.analysis;
    const verdict = checkGradient({
      f: expandDefinitions(a.f, a.definitions), wrt: a.X, gradient: expandDefinitions(wrong, a.definitions),
      ...(a.convention ? { symmetric: a.convention } : {}),
    });
    expect(verdict.ok, r.report(`wrong      ${toText(wrong)}`)).toBe(false);
    expect(r.text).not.toBe(toText(wrong));
    expect(r.check.ok, r.report()).toBe(true);
  });
});

describe("scalars leave an inverse: (cA)⁻¹ = c⁻¹A⁻¹", () => {
  it.each([
    ["\\log\\det(2 Σ)", "Sigma", "Σ⁻ᵀ"],
    ["-\\frac{1}{2}\\log\\det(2\\pi Σ) - \\frac{1}{2}(x-μ)^TΣ^{-1}(x-μ)", "Sigma", "(Σ⁻ᵀ(x − μ)(x − μ)ᵀΣ⁻ᵀ − Σ⁻ᵀ)/2"],
    ["tr((3A)^{-1}B)", "A", "−A⁻ᵀBᵀA⁻ᵀ/3"],
    ["x^T (λ I)^{-1} x", "x", "2x/λ"],
  ])("%s wrt %s is %s, checked", (expr, wrt, text) => {
    const r = differentiate(expr, { wrt, check: true });
    expect(r.derivative.text).toBe(text);
    expect(r.check?.ok).toBe(true);
  });
});

describe("softmax regression through a --where name: ŷ = softmax(Wx)", () => {
  it("−yᵀlog ŷ gives ((𝟏ᵀy)ŷ − y)xᵀ, and (ŷ − y)xᵀ for a probability vector y, checked", () => {
    const r = differentiate("-y^T \\log \\hat{y}", { wrt: "W", where: ["\\hat{y} = softmax(W x)"], check: true });
    expect(r.derivative.text).toBe("((𝟏ᵀy)ŷ − y)xᵀ");
    expect(r.check?.ok).toBe(true);
    const p = differentiate("-y^T \\log \\hat{y}", { wrt: "W", where: ["\\hat{y} = softmax(W x)"], let: ["y: probability"], check: true });
    expect(p.derivative.text).toBe("(ŷ − y)xᵀ");
    expect(p.check?.ok).toBe(true);
  });
});
