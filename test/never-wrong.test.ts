/**
 * "Never wrong, round two" (issue 17): each example of the issue as a
 * regression test, with its numeric check (central finite differences on
 * random inputs through checkAnalysis) and its LaTeX rendered in KaTeX.
 * Item 1 (𝟏 and I sized by unification) has its own suite on its branch;
 * item 2's sizes in the index form are in test/index-notation.test.ts and
 * test/index-numpy.test.ts.
 */
import { describe, it, expect } from "vitest";
import { analyze, checkAnalysis, differentiate, type DifferentiateOptions } from "../src/api.js";
import { renderKatex } from "./support/pipeline.js";

interface Example {
  readonly expr: string;
  readonly options: DifferentiateOptions;
  /** The result as printed (text). */
  readonly text: string;
  /** Where the expected form comes from. */
  readonly source: string;
}

function expectExample(c: Example): void {
  const r = differentiate(c.expr, c.options);
  expect(r.derivative.text).toBe(c.text);
  const check = checkAnalysis(analyze(c.expr, c.options));
  expect(check.ok, JSON.stringify(check)).toBe(true);
  for (const latex of [r.function.latex, r.derivative.latex, r.differential.latex]) expect(() => renderKatex(latex)).not.toThrow();
}

describe("issue 17 item 4: the closed form", () => {
  const examples: readonly Example[] = [
    {
      // P = X(XᵀX)⁻¹Xᵀ is the projection onto X's columns, tr P = rank X = m, constant
      expr: "tr(X (X^T X)^{-1} X^T)", options: { wrt: "X" }, text: "0",
      source: "derived: tr of the hat matrix is rank X; (XᵀX)⁻¹XᵀX = I cancels the gradient 2(X − X(XᵀX)⁻¹XᵀX)(XᵀX)⁻¹",
    },
    {
      expr: "tr(X^T (X X^T)^{-1} X)", options: { wrt: "X" }, text: "0",
      source: "derived: the same projection, row space",
    },
    {
      // d tr((AX)³) = 3 tr((AX)² A dX), so ∇ = 3Aᵀ((AX)²)ᵀ = 3Aᵀ(XᵀAᵀ)²
      expr: "tr((A X)^3)", options: { wrt: "X" }, text: "3Aᵀ(XᵀAᵀ)²",
      source: "Matrix Cookbook (2012-11-15) eq. (109) with the chain rule through AX",
    },
    {
      expr: "-(y^T log(\\sigma) + (\\mathbf{1} - y)^T log(\\mathbf{1} - \\sigma))",
      options: { wrt: "w", where: ["\\sigma = sigmoid(X w)"] }, text: "Xᵀ(σ − y)",
      source: "Bishop, PRML (2006) eq. (4.91): the gradient of the cross-entropy of logistic regression",
    },
    {
      expr: "-(y^T log(sigmoid(z)) + (\\mathbf{1} - y)^T log(\\mathbf{1} - sigmoid(z)))", options: { wrt: "z" }, text: "σ(z) − y",
      source: "derived: σ′ = σ(1 − σ), so the logits' gradient is σ − y",
    },
  ];
  it.each(examples.map((c) => [c.expr, c] as const))("%s", (_name, c) => expectExample(c));

  it("a form that only looks like the cancellation stays: σ ⊙ (𝟏 − σ) is not distributed", () => {
    expect(differentiate("\\mathbf{1}^T sigmoid(x)", { wrt: "x" }).derivative.text).toBe("σ(x) ⊙ (𝟏 − σ(x))");
  });

  it("(XᵀX)⁻¹XᵀX = I is a cancellation, not XᵀX(XᵀX)⁻¹ read the wrong way round", () => {
    // X(XᵀX)⁻¹ Xᵀ is not I when X is tall: only M⁻¹ next to its own product M cancels
    const r = differentiate("tr(A X (X^T X)^{-1} X^T)", { wrt: "X", check: true });
    expect(r.derivative.text).not.toBe("0");
    expect(r.check?.ok).toBe(true);
  });
});

describe("issue 17 item 3: questions that were refused", () => {
  const examples: readonly Example[] = [
    { expr: "\\left< x, y \\right>", options: { wrt: "x" }, text: "y", source: "seed 001 writes the inner product with \\left< \\right>" },
    { expr: "\\left< A x, y \\right>", options: { wrt: "x" }, text: "Aᵀy", source: "derived: ⟨Ax, y⟩ = xᵀAᵀy" },
    { expr: "\\left< X, Y \\right>", options: { wrt: "X" }, text: "Y", source: "derived: ⟨X, Y⟩ = tr(XᵀY)" },
  ];
  it.each(examples.map((c) => [c.expr, c] as const))("%s", (_name, c) => expectExample(c));

  it("an unmatched \\left< is an error with a span", () => {
    expect(() => differentiate("\\left< x, y \\right", { wrt: "x" })).toThrow(/expected a delimiter after '\\right' at 1:13/);
  });
});
