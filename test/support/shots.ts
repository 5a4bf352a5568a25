/**
 * Screenshots of LaTeX as KaTeX sets it, in Debian's headless Chromium (the
 * typography of derivations is judged by eye: a missing thin space reads as a
 * product). The page inlines KaTeX's stylesheet and fonts, so nothing is fetched.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { renderKatex } from "./katex.js";
import type { Browser } from "playwright-core";
import { inlinedKatexCss } from "../../src/cli/key.js";

export const ARTIFACTS = "test-artifacts";

/** Renders each display formula on one page and saves one PNG per formula as test-artifacts/<prefix>-<name>.png. */
export async function screenshotFormulas(browser: Browser, prefix: string, formulas: readonly { name: string; latex: string }[]): Promise<string[]> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const body = formulas.map((f, i) => `<section id="f${i}"><h2>${f.name}</h2>${renderKatex(f.latex, { displayMode: true })}</section>`).join("\n");
  const file = join(ARTIFACTS, `${prefix}.html`);
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><style>${await inlinedKatexCss()}</style>
<style>body{font:15px system-ui;margin:0;padding:12px;background:#fff;width:max-content} section{padding:4px 12px 10px;border-bottom:1px solid #ddd} h2{font-size:13px;color:#666;margin:4px 0} .katex{font-size:1.35em}</style>
${body}`);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(file).href);
  await page.evaluate(() => document.fonts.ready);
  const paths: string[] = [];
  for (let i = 0; i < formulas.length; i++) {
    const path = join(ARTIFACTS, `${prefix}-${formulas[i]!.name}.png`);
    await page.locator(`#f${i}`).screenshot({ path });
    paths.push(path);
  }
  await page.close();
  return paths;
}
