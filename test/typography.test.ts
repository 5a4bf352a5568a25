/**
 * Typography of what users read (issue 14 item 4).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { differentiate, type DifferentiateOptions } from "../src/api.js";
import { CHROMIUM, launchChromium, screenshotFormulas } from "./support/shots.js";

/** Derivations whose typography the issue named: dA A⁻¹, dX X², X dX X, dW₂ h, elementwise powers, a Hessian. */
export const SHOWCASE: readonly { name: string; expr: string; options: DifferentiateOptions }[] = [
  { name: "trace-inverse", expr: "tr(A^{-1}B)", options: { wrt: "A" } },
  { name: "cube", expr: "X^3", options: { wrt: "X" } },
  { name: "layer", expr: "\\|W_2 h - y\\|^2", options: { wrt: "W_2" } },
  { name: "elementwise-square", expr: "sum(x .^ 2) + a^T (x .^ 3)", options: { wrt: "x" } },
  { name: "hessian-least-squares", expr: "\\|A x - b\\|^2", options: { wrt: "x", hessian: true } },
];

describe("derivations in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (apt-get install chromium; .ci/run does)`).toBe(true);
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
