/**
 * Derivations (--steps): every step is numerically equal, as a linear form in
 * the differential on random inputs and random directions, to the step
 * before it, so no step can be wrong. Unexpanded d(u) is evaluated through
 * the differential engine; ⟨G, dX⟩ lines through tr(Gᵀ dX); vec lines as
 * J vec(dX) against vec(df).
 */
import { describe, it, expect } from "vitest";
import { analyze, derivationOf, differentiate } from "../src/api.js";
import * as E from "../src/core/expr.js";
import type { Expr } from "../src/core/expr.js";
import { differential, expandDefinitions } from "../src/calculus/differential.js";
import { innerProduct } from "../src/core/inner.js";
import { numericallyEqual } from "../src/numeric/check.js";
import { toText } from "../src/print/text.js";
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

/** The value of a derivation line: d(u) expanded by the engine, ⟨G, dX⟩ as tr(Gᵀ dX). */
function valueOf(e: Expr, ctx: Parameters<typeof differential>[1]): Expr {
  return E.mapBottomUp(e, (x) => (x.kind === "dop" ? differential(x.arg, ctx).df : x));
}

describe("derivations: every step equals the one before it", () => {
  it.each(CASES.map((c) => [c.expr, c] as const))("%s", (_e, c) => {
    const a = analyze(c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [] });
    const steps = derivationOf(a);
    const dX = E.diff(a.X);
    const ctx = { wrt: new Map([[a.X.name, dX]]), definitions: a.definitions };
    const expand = (e: Expr) => expandDefinitions(e, a.definitions);
    expect(steps.length, "a derivation has a start and at least one step").toBeGreaterThan(1);
    let previous = expand(valueOf(steps[0]!.expr, ctx));
    // the first line is df itself
    expect(numericallyEqual(previous, expand(a.df)).ok).toBe(true);
    for (const s of steps.slice(1)) {
      let value: Expr;
      let against = previous;
      if (s.display === "frobenius") value = expand(innerProduct(s.gradient!, dX));
      else if (s.display === "vec") { value = expand(E.mul(s.gradient!, E.vec(dX))); against = E.vec(previous); }
      else value = expand(valueOf(s.expr, ctx));
      const r = numericallyEqual(against, value);
      expect(r.ok, `step "${s.reason}": ${toText(s.expr)} (rel. error ${r.relError})`).toBe(true);
      if (s.display !== "vec") previous = value;
      expect(s.reason.length, "every step says why").toBeGreaterThan(0);
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
