/**
 * Typography of what users read (issue 14 item 4): a thin space on both sides
 * of a differential in LaTeX (`\mathrm{d}A\, A^{-1}`: KaTeX sets `\mathrm{d}A A^{-1}`
 * as "dAA⁻¹"), dF for a matrix-valued F, the Jacobian named ∂vec F/∂vec X,
 * one Unicode spelling of the elementwise power (x∘², never MATLAB's .^2).
 * Every formula is rendered by KaTeX (strict), and a few derivations are
 * photographed in Chromium: test-artifacts/typography-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { differentiate, type DifferentiateOptions } from "../src/api.js";
import { renderKatex } from "./support/pipeline.js";
import katex from "katex";
import { screenshotFormulas } from "./support/shots.js";
import { launchChromium } from "./support/browser.js";

/** Derivations whose typography the issue named: dA A⁻¹, dX X², X dX X, dW₂ h, elementwise powers, a Hessian. */
export const SHOWCASE: readonly { name: string; expr: string; options: DifferentiateOptions }[] = [
  { name: "trace-inverse", expr: "tr(A^{-1}B)", options: { wrt: "A" } },
  { name: "cube", expr: "X^3", options: { wrt: "X" } },
  { name: "layer", expr: "\\|W_2 h - y\\|^2", options: { wrt: "W_2" } },
  { name: "elementwise-square", expr: "sum(x .^ 2) + a^T (x .^ 3)", options: { wrt: "x" } },
  { name: "hessian-least-squares", expr: "\\|A x - b\\|^2", options: { wrt: "x", hessian: true } },
];

const steps = (c: (typeof SHOWCASE)[number]) => differentiate(c.expr, { ...c.options, steps: true });
const showcase = (name: string) => steps(SHOWCASE.find((c) => c.name === name)!);

describe("differentials stand apart in LaTeX", () => {
  it("d(A⁻¹) = −A⁻¹ dA A⁻¹ is spaced \\mathrm{d}A\\mkern3mu A^{-1}, and KaTeX sets the space", () => {
    const r = showcase("trace-inverse");
    expect(r.derivation!.latex).toContain("-\\mathop{\\mathrm{tr}}(A^{-1}\\mkern3mu \\mathrm{d}A\\mkern3mu A^{-1} B)");
    const html = renderKatex("A^{-1}\\mkern3mu \\mathrm{d}A\\mkern3mu A^{-1}");
    expect(html.match(/class="mspace"/g)?.length).toBe(2);
  });

  it("dX X², X dX X, X² dX; dW₂ h; (dx)ᵀ A dx", () => {
    expect(showcase("cube").derivation!.latex).toContain("\\mathrm{d}X\\mkern3mu X^{2} + X\\mkern3mu \\mathrm{d}X\\mkern3mu X + X^{2}\\mkern3mu \\mathrm{d}X");
    expect(showcase("layer").derivation!.latex).toContain("\\mathrm{d}W_{2}\\mkern3mu h");
    expect(showcase("hessian-least-squares").derivation!.latex).toContain("(\\mathrm{d}x)^{\\top}\\mkern3mu A^{\\top} A\\mkern3mu \\mathrm{d}x");
  });

  it("every showcase formula renders in KaTeX (strict)", () => {
    for (const c of SHOWCASE) {
      const r = steps(c);
      for (const latex of [r.derivation!.latex, r.differential.latex, r.derivative.latex, r.label.latex, r.label.applied!.latex]) expect(() => renderKatex(latex), latex).not.toThrow();
    }
  });
});

describe("names: dF for matrix-valued F, df for scalar f; the Jacobian ∂vec F/∂vec X", () => {
  it("a matrix function's derivation starts dF = and its Jacobian line is vec(dF)", () => {
    const r = showcase("cube");
    expect(r.steps![0]!.lhs).toEqual({ latex: "\\mathrm{d}F", text: "dF" });
    expect(r.steps!.find((s) => s.lhs?.text.startsWith("vec"))!.lhs).toEqual({ latex: "\\mathop{\\mathrm{vec}}(\\mathrm{d}F)", text: "vec(dF)" });
    expect(r.label.latex).toBe("\\frac{\\partial \\mathop{\\mathrm{vec}} F}{\\partial \\mathop{\\mathrm{vec}} X}");
    expect(r.derivation!.latex).toContain("\\Rightarrow\\mkern5mu \\frac{\\partial \\mathop{\\mathrm{vec}} F}{\\partial \\mathop{\\mathrm{vec}} X} &=");
  });

  it("a scalar function's derivation starts df =", () => {
    expect(showcase("trace-inverse").steps![0]!.lhs!.text).toBe("df");
    expect(showcase("hessian-least-squares").steps![0]!.lhs!.text).toBe("df");
  });
});

describe("one Unicode elementwise power in text output", () => {
  it("x∘², x∘⁻¹ and x∘^{1/2}; never MATLAB's .^", () => {
    const r = showcase("elementwise-square");
    expect(r.function.text).toBe("sum(x∘²) + aᵀx∘³");
    for (const t of [r.function.text, r.differential.text, r.derivative.text, r.derivation!.text]) expect(t).not.toContain(".^");
    expect(differentiate("sum(x.^{-1}) + sum(sqrt(x))", { wrt: "x" }).derivative.text).toBe("x∘^{−1/2}/2 − x∘⁻²");
  });
});

describe("derivations in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => { await browser?.close(); });

  it("saves a screenshot of each showcase derivation (test-artifacts/typography-*.png)", async () => {
    const formulas = SHOWCASE.map((c) => {
      const r = differentiate(c.expr, { ...c.options, steps: true });
      return { name: c.name, latex: r.derivation!.latex };
    });
    const paths = await screenshotFormulas(browser, process.env.SHOTS_PREFIX ?? "typography", formulas);
    expect(paths.every((p) => existsSync(p))).toBe(true);
  }, 60_000);
});

describe("operator names cost KaTeX no macro expansion", () => {
  // \operatorname is a KaTeX macro of about three expansions, and KaTeX stops at 1,000 (maxExpand):
  // this Hessian's derivation has some 370 operator names, spelled \mathop{\mathrm{…}}, which expand nothing
  it("a long Hessian derivation renders in KaTeX (was: Too many expansions)", () => {
    const r = differentiate("sqrt(det(softplus(X)^T softplus(X) + I))", { wrt: "X", let: ["X: m x n"], hessian: true, steps: true });
    expect(r.derivation!.latex.match(/\\mathop\{\\mathrm\{/g)!.length).toBeGreaterThan(333);
    expect(r.derivation!.latex).not.toContain("\\operatorname");
    expect(() => renderKatex(r.derivation!.latex)).not.toThrow();
  });

  it("\\mathop{\\mathrm{tr}} is set as \\operatorname{tr} is: the same boxes and spaces", () => {
    const html = (s: string) => katex.renderToString(s, { strict: true, output: "html" }).replace(/<span class="mord">(<span class="mord mathrm">\w+<\/span>)<\/span>/g, "$1");
    expect(html("a\\mathop{\\mathrm{tr}}(A) x \\mathop{\\mathrm{tr}} A")).toBe(html("a\\operatorname{tr}(A) x \\operatorname{tr} A"));
  });
});

describe("spacing costs KaTeX no macro expansion (issue 17: a long Hessian derivation passed maxExpand)", () => {
  // node_modules/katex/src/macros.ts: \, is \tmspace+{3mu}{.1667em} (→ \mskip3mu), \; 5mu, \quad \hskip1em
  it.each([["\\,", "\\mkern3mu "], ["\\;", "\\mkern5mu "], ["\\quad ", "\\hskip1em\\relax "]])("%s and %s render the same", (macro, primitive) => {
    const shown = (latex: string) => renderKatex(latex).replace(/<annotation[^]*?<\/annotation>/, ""); // the source differs, nothing else
    expect(shown(`a${primitive}b`)).toBe(shown(`a${macro}b`));
  });
  it("1,200 thin spaces render; 1,200 \\, do not", () => {
    expect(() => renderKatex(`x${"\\mkern3mu x".repeat(1200)}`)).not.toThrow();
    expect(() => renderKatex(`x${"\\, x".repeat(1200)}`)).toThrow(/Too many expansions/);
  });
  it("no LaTeX form of a result or derivation spells a spacing macro", () => {
    const r = differentiate("tr(A X^{-1} B)", { wrt: "X", steps: true, hessian: false });
    for (const s of [r.derivative.latex, r.differential.latex, r.derivation!.latex]) expect(s).not.toMatch(/\\[,;:!]|\\quad/);
  });
});

describe("a fraction comes out of the terms that share it, not out of the whole sum", () => {
  it.each([
    ["\\frac{1}{2} x^T A x - b^T x", "x", "(A + Aᵀ)x/2 − b"],
    ["\\frac12 \\theta^T H \\theta + g^T \\theta + c", "theta", "(H + Hᵀ)θ/2 + g"],
    ["-\\frac{1}{2} x^T A x + b^T x", "x", "b − (A + Aᵀ)x/2"],
    ["x^T A x + \\frac{1}{3} b^T x", "x", "(A + Aᵀ)x + b/3"],
    ["x^T A x/2 + x^T B x/2 + c^T x", "x", "(A + B + Aᵀ + Bᵀ)x/2 + c"],
    // a fraction every term has still comes out of all of them
    ["\\frac{1}{2} x^T A x", "x", "(A + Aᵀ)x/2"],
  ])("∇ %s by %s is %s, checked", (expr, wrt, gradient) => {
    const r = differentiate(expr, { wrt, check: true });
    expect(r.derivative.text).toBe(gradient);
    expect(r.check?.ok).toBe(true);
  });
});

describe("no −(− in a differential", () => {
  it("the signs of −½(x − μ)ᵀA(x − μ) by μ cancel: df = ((dμ)ᵀA(x − μ) + (x − μ)ᵀA dμ)/2", () => {
    for (const expr of ["-\\frac12 (x - \\mu)^T A (x - \\mu)", "-(x - \\mu)^T A (x - \\mu)", "-\\frac12 \\sum_i (x_i-\\mu)^T A (x_i-\\mu)"]) {
      const r = differentiate(expr, { wrt: "mu", check: true, steps: true });
      expect(r.check?.ok, expr).toBe(true);
      for (const t of [r.differential.text, r.derivative.text, r.derivation!.text]) expect(t, expr).not.toMatch(/−\(−/);
    }
    expect(differentiate("-\\frac12 (x - \\mu)^T A (x - \\mu)", { wrt: "mu" }).differential.text).toBe("((dμ)ᵀA(x − μ) + (x − μ)ᵀA dμ)/2");
  });
});

describe("entrywise powers of one base cancel through a quotient", () => {
  it("∇_p Σᵢ pᵢ log(pᵢ/qᵢ) (KL) is log(p ⊘ q) + 𝟏, not log(p ⊘ q) + p ⊘ q ⊘ (p ⊘ q)", () => {
    for (const expr of ["\\sum_i p_i \\log \\frac{p_i}{q_i}", "p^T \\log(p ./ q)"]) {
      const r = differentiate(expr, { wrt: "p", check: true });
      expect(r.derivative.text, expr).toBe("log(p ⊘ q) + 𝟏");
      expect(r.check?.ok, expr).toBe(true);
    }
  });
});
