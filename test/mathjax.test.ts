/**
 * Obsidian typesets with MathJax, not KaTeX: every formula the Obsidian
 * plugin hands to `renderMath` for the gradient, Jacobian and Hessian corpora
 * (the block's equation and shapes; the derivation's steps for a sample)
 * must typeset in MathJax's TeX input (mathjax-full, all packages, as the app
 * loads it) without a MathJax error. The end-to-end test shows a few in
 * Chromium; this covers the printers' whole range.
 */
import { describe, expect, it } from "vitest";
import { liteAdaptor } from "mathjax-full/js/adaptors/liteAdaptor.js";
import { RegisterHTMLHandler } from "mathjax-full/js/handlers/html.js";
import { TeX } from "mathjax-full/js/input/tex.js";
import { AllPackages } from "mathjax-full/js/input/tex/AllPackages.js";
import { mathjax } from "mathjax-full/js/mathjax.js";
import { CHTML } from "mathjax-full/js/output/chtml.js";
import { differentiate } from "../src/index.js";
import { present } from "../src/plugins/present.js";
import { GRADIENT_CASES } from "./cases/gradients.js";
import { HESSIAN_CASES } from "./cases/hessians.js";
import { JACOBIAN_CASES } from "./cases/jacobians.js";
import type { CaseInput } from "./cases/case.js";

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const doc = mathjax.document("", { InputJax: new TeX({ packages: AllPackages }), OutputJax: new CHTML({ fontURL: "fonts" }) });

/** MathJax's message when it cannot read the TeX, or undefined. */
function mathjaxError(tex: string, display: boolean): string | undefined {
  const html = adaptor.outerHTML(doc.convert(tex, { display }) as never);
  if (!/mjx-merror|data-mjx-error/.test(html)) return undefined;
  return /data-mjx-error="([^"]*)"/.exec(html)?.[1] ?? "merror";
}

/** The formulas the Obsidian plugin typesets for a case, as src/plugins/present.ts gives them. */
function formulas(c: CaseInput, hessian: boolean, steps: boolean): [string, boolean][] {
  const r = differentiate(c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], hessian, steps });
  const p = present(r, new Set(steps ? ["steps"] : []));
  return [
    [p.equation, true], [p.shapes, false],
    ...(p.steps ?? []).flatMap((s): [string, boolean][] => [...(s.lhs ? [[`\\displaystyle ${s.lhs.latex}`, false] as [string, boolean]] : []), [`\\displaystyle {} = ${s.latex}`, false]]),
  ];
}

describe("what the Obsidian plugin typesets, in MathJax", () => {
  const cases = [...GRADIENT_CASES.map((c) => [c, false] as const), ...JACOBIAN_CASES.map((c) => [c, false] as const), ...HESSIAN_CASES.map((c) => [c, true] as const)];

  it("every corpus result's equation and shapes", () => {
    const errors: string[] = [];
    let count = 0;
    for (const [c, hessian] of cases) {
      for (const [tex, display] of formulas(c, hessian, false)) {
        count++;
        const e = mathjaxError(tex, display);
        if (e) errors.push(`${c.id}: ${e}\n  ${tex}`);
      }
    }
    expect(count).toBeGreaterThan(600);
    expect(errors).toEqual([]);
  }, 60_000);

  it("the derivation's steps, for every tenth case", () => {
    const errors: string[] = [];
    for (const [c, hessian] of cases.filter((_, i) => i % 10 === 0)) {
      for (const [tex, display] of formulas(c, hessian, true).slice(2)) {
        const e = mathjaxError(tex, display);
        if (e) errors.push(`${c.id}: ${e}\n  ${tex}`);
      }
    }
    expect(errors).toEqual([]);
  }, 60_000);

  it("reports a formula MathJax cannot read (the check can fail)", () => {
    expect(mathjaxError("\\frac{a}{", true)).toBeDefined();
    expect(mathjaxError("\\nabla_{A} f = -A^{-\\top}", true)).toBeUndefined();
  });
});
