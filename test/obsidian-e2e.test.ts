/**
 * The built Obsidian plugin (obsidian/dist/matdiff/main.js and styles.css)
 * end to end in headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core): loaded as Obsidian loads a plugin, with a stub `obsidian`
 * module whose renderMath is MathJax's CHTML output (mathjax-full, as the app
 * bundles it), rendering a note with several blocks and two error blocks in
 * a page with Obsidian's theme variables, light and dark. Screenshots go to
 * test-artifacts/obsidian-light.png and obsidian-dark.png, and the Markdown
 * that Insert derivative writes as a host without plugins shows it in
 * obsidian-published.png.
 * Oracle for the results: the library's `differentiate` (checked against the
 * Matrix Cookbook and finite differences by the gradient suites); here we
 * test that the plugin shows them, typeset without a MathJax error.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { differentiate } from "../src/index.js";
import { blockWording } from "../src/plugins/block.js";
import { launchChromium } from "./support/browser.js";

const ROOT = resolve(import.meta.dirname, "..");
const PLUGIN = join(ROOT, "obsidian/dist/matdiff");
const MATHJAX = join(ROOT, "node_modules/mathjax-full/es5");
const ARTIFACTS = join(ROOT, "test-artifacts");
const ORIGIN = "http://vault.test";

/** A student's note: four problems, one with a misspelt flag, one with a typo and HTML in it. */
const NOTE = [
  "# Matrix calculus", "",
  "The trace of an inverse (Matrix Cookbook eq. 63):", "",
  "```matdiff", "tr(A^<-1>B) wrt A", "```", "",
  "Least squares, step by step:", "",
  "```matdiff steps", "\\|e\\|^2 wrt theta", "let theta: vector", "where e = y - Phi theta", "```", "",
  "A layer's Jacobian, with its NumPy code:", "",
  "```matdiff numpy", "sigmoid(W x + b) wrt x", "```", "",
  "A symmetric variable:", "",
  "```matdiff", "log det(S) wrt S", "let S: symmetric", "```", "",
  "A misspelt option:", "",
  "```matdiff stepz", "det(X) wrt X", "```", "",
  "A typo, with some HTML in it:", "",
  "```matdiff", "tr(A B <img src=x onerror=\"window.pwned=1\"> <script>window.pwned=2</script> wrt A", "```", "",
].join("\n");

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".woff": "font/woff", ".woff2": "font/woff2", ".json": "application/json" };

/** Obsidian's own theme variables that the plugin's stylesheet uses, with the default theme's values. */
const THEME_CSS = `
body { margin: 0; font: 16px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Inter, Ubuntu, sans-serif; background: var(--background-primary); color: var(--text-normal); }
.theme-light { --background-primary: #ffffff; --background-secondary: #f6f6f6; --text-normal: #222222; --text-muted: #5c5c5c; --text-error: #e93147;
  --color-red-rgb: 233, 49, 71; --color-green: #08b94e; --background-modifier-border: #e0e0e0; --code-background: #fafafa; }
.theme-dark { --background-primary: #1e1e1e; --background-secondary: #262626; --text-normal: #dadada; --text-muted: #b3b3b3; --text-error: #fb464c;
  --color-red-rgb: 251, 70, 76; --color-green: #44cf6e; --background-modifier-border: #363636; --code-background: #262626; }
body { --font-monospace: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; --code-size: 0.875em; --code-radius: 4px; }
.markdown-preview-view { padding: 16px 32px; }
.markdown-preview-sizer { max-width: 700px; margin: 0 auto; }
`;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>note</title>
<style>${THEME_CSS}</style>
<link rel="stylesheet" href="/plugin/styles.css">
<script>window.MathJax = { startup: { typeset: false }, chtml: { fontURL: "/mathjax/output/chtml/fonts/woff-v2" } };</script>
<script src="/mathjax/tex-chtml-full.js"></script>
<script src="/harness.js"></script>
</head><body class="theme-light"><div class="markdown-preview-view markdown-rendered"><div class="markdown-preview-sizer" id="note"></div></div></body></html>`;

describe("the Obsidian plugin in headless Chromium", () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const built = execFileSync(process.execPath, [join(ROOT, "scripts/build-obsidian.mjs")], { cwd: ROOT, encoding: "utf8" });
    expect(built).toContain("obsidian/dist/matdiff/main.js");
    const harness = await build({ entryPoints: [join(ROOT, "test/support/obsidian-harness.ts")], bundle: true, format: "iife", platform: "browser", target: "es2021", write: false, logLevel: "silent" });
    const files: Record<string, Buffer | string> = { "/": PAGE, "/harness.js": Buffer.from(harness.outputFiles[0]!.contents) };
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    // the vault's pages come from disk; nothing leaves the machine
    await context.route("**/*", async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) return route.abort();
      const path = url.pathname;
      const file = files[path] ?? (path.startsWith("/plugin/") ? readFileSync(join(PLUGIN, path.slice(8))) : path.startsWith("/mathjax/") ? readFileSync(join(MATHJAX, path.slice(9))) : undefined);
      if (file === undefined) return route.fulfill({ status: 404, body: "" });
      return route.fulfill({ status: 200, contentType: TYPES[extname(path) || ".html"] ?? "application/octet-stream", body: file });
    });
    page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    await page.goto(`${ORIGIN}/`);
    const main = readFileSync(join(PLUGIN, "main.js"), "utf8");
    const manifest = JSON.parse(readFileSync(join(PLUGIN, "manifest.json"), "utf8")) as object;
    await page.evaluate(async ({ main, manifest, note }) => {
      const h = (window as any).harness;
      (window as any).plugin = await h.loadPlugin(main, manifest);
      await h.renderNote((window as any).plugin, note, document.getElementById("note"));
    }, { main, manifest, note: NOTE });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("loads main.js as Obsidian does: CommonJS, requiring nothing but obsidian", async () => {
    expect(new Set(await page.evaluate(() => (window as any).required as string[]))).toEqual(new Set(["obsidian"]));
    expect(existsSync(join(PLUGIN, "manifest.json")) && existsSync(join(PLUGIN, "styles.css"))).toBe(true);
  });

  it("renders each block with Obsidian's MathJax, without a MathJax error", async () => {
    const blocks = page.locator("#note .block-language-matdiff > .matdiff");
    expect(await blocks.count()).toBe(6);
    expect(await page.locator("#note .block-language-matdiff > .matdiff:not(.matdiff-error)").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind"))))
      .toEqual(["gradient", "gradient", "jacobian", "gradient"]);
    expect(await page.locator("#note .matdiff:not(.matdiff-error) .matdiff-equation > mjx-container[display='true']").count()).toBe(4);
    expect(await page.locator("#note mjx-merror, #note .matdiff-tex").count()).toBe(0);
    // what MathJax was given is the engine's own LaTeX
    const typeset = (await page.evaluate(() => (window as any).harness.typeset)) as { tex: string; display: boolean }[];
    const equations = typeset.filter((t) => t.display).map((t) => t.tex);
    expect(equations[0]).toContain(`\\nabla_{A} f &= ${differentiate("tr(A^<-1>B)", { wrt: "A" }).derivative.latex}`);
    expect(equations[1]).toContain(`\\nabla_{\\theta} f &= ${differentiate("\\|e\\|^2", { wrt: "theta", let: ["theta: vector"], where: ["e = y - Phi theta"] }).derivative.latex}`);
    expect(equations[3]).toContain(`\\nabla_{S} f &= ${differentiate("log det(S)", { wrt: "S", let: ["S: symmetric"] }).derivative.latex}`);
    // MathJax's fonts came (from the plugin's host, as Obsidian serves them)
    expect(await page.evaluate(async () => { await document.fonts.ready; const faces: FontFace[] = []; document.fonts.forEach((f) => faces.push(f)); return faces.filter((f) => f.status === "loaded").map((f) => f.family).some((f) => /MJXTEX/.test(f)); })).toBe(true);
  });

  it("shows the derivation, the NumPy code, the shapes and the convention where asked", async () => {
    const steps = differentiate("\\|e\\|^2", { wrt: "theta", let: ["theta: vector"], where: ["e = y - Phi theta"], steps: true }).steps!;
    const second = page.locator("#note .matdiff").nth(1);
    expect(await second.locator("details.matdiff-steps[open] summary").textContent()).toBe("Steps");
    expect(await second.locator(".matdiff-step").count()).toBe(steps.length);
    expect(await second.locator(".matdiff-step-why").allTextContents()).toEqual(steps.map((s) => blockWording(s.reason ?? "")));
    expect(await second.locator(".matdiff-step-why").nth(2).textContent()).toMatch(/^by definition/);
    const third = page.locator("#note .matdiff").nth(2);
    expect(await third.locator("pre.matdiff-numpy > code.language-python").textContent()).toBe(differentiate("sigmoid(W x + b)", { wrt: "x" }).derivative.numpy);
    expect(await third.locator(".matdiff-note").first().textContent()).toMatch(/^Numerator layout/);
    const fourth = page.locator("#note .matdiff").nth(3);
    expect(await fourth.locator(".matdiff-shapes mjx-container").count()).toBe(1);
    expect(await fourth.locator(".matdiff-note").first().textContent()).toMatch(/^Convention: symmetric gradient/);
  });

  it("shows errors as text in a box with the caret: no script, no markup from the input", async () => {
    const errors = page.locator("#note .matdiff-error");
    expect(await errors.count()).toBe(2);
    expect(await errors.nth(0).locator(".matdiff-error-message").textContent()).toBe("matdiff: error: unknown option 'stepz' after matdiff");
    expect(await errors.nth(0).locator(".matdiff-hint").textContent()).toBe("hint: the options are steps, check, numpy, torch, hessian, cookbook");
    const typo = errors.nth(1);
    expect(await typo.getAttribute("data-code")).toBe("syntax");
    expect(await typo.locator(".matdiff-error-message strong").textContent()).toBe("matdiff: error:");
    const caret = (await typo.locator("pre.matdiff-caret").textContent())!;
    expect(caret.split("\n")[0]).toBe("tr(A B <img src=x onerror=\"window.pwned=1\"> <script>window.pwned=2</script>");
    expect(caret.split("\n")[1]).toMatch(/^ +\^+$/);
    // the input's tags are text: no element came from them, nothing ran
    expect(await page.locator("#note script, #note img, #note iframe, #note object, #note a").count()).toBe(0);
    expect(await page.evaluate(() => Array.from(document.querySelectorAll("#note *")).flatMap((e) => Array.from(e.attributes).map((a) => a.name)).filter((n) => n.startsWith("on")))).toEqual([]);
    expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
  });

  it("follows Obsidian's theme: light and dark (screenshots in test-artifacts/)", async () => {
    for (const theme of ["light", "dark"] as const) {
      await page.evaluate((t) => { document.body.className = `theme-${t}`; }, theme);
      const colours = await page.evaluate(() => {
        const css = getComputedStyle(document.body);
        const colour = (sel: string) => getComputedStyle(document.querySelector(sel)!).color;
        const probe = document.body.appendChild(document.createElement("span"));
        const resolve = (v: string) => { probe.style.color = css.getPropertyValue(v); return getComputedStyle(probe).color; };
        const out = { error: [colour(".matdiff-error-message strong"), resolve("--text-error")], note: [colour(".matdiff-note"), resolve("--text-muted")], text: [colour(".matdiff mjx-container"), resolve("--text-normal")] };
        probe.remove();
        return out;
      });
      for (const [what, [actual, expected]] of Object.entries(colours)) expect(actual, `${theme}: ${what}`).toBe(expected);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, `obsidian-${theme}.png`), fullPage: true });
    }
  });

  it("Insert derivative writes $$…$$ Markdown that MathJax typesets without the plugin", async () => {
    const { text, notices } = (await page.evaluate((note) => (window as any).harness.insertDerivative((window as any).plugin, note), "Notes\n\n```matdiff steps\ntr(A^{-1}|B) wrt A\n```\n")) as { text: string; notices: string[] };
    expect(notices).toEqual([]);
    expect(text).toMatch(/^Notes\n\n\$\$\n\\begin\{aligned\}/);
    expect(text).toContain(differentiate("tr(A^{-1}B)", { wrt: "A" }).derivative.latex);
    expect(text.match(/^\d+\. \$/gm)!.length).toBeGreaterThan(2);
    expect(await page.evaluate((t) => (window as any).harness.mathErrors(t), text)).toEqual([]);
    // what Obsidian Publish shows of it (screenshot in test-artifacts/obsidian-published.png)
    await page.evaluate((t) => { document.body.className = "theme-light"; (window as any).harness.renderPublished(t, document.getElementById("note")); }, text);
    expect(await page.locator("#note mjx-container").count()).toBe(1 + text.match(/^\d+\. \$/gm)!.length + 1);
    expect(await page.locator("#note mjx-merror").count()).toBe(0);
    expect(await page.locator("#note ol > li").count()).toBe(text.match(/^\d+\. \$/gm)!.length);
    await page.screenshot({ path: join(ARTIFACTS, "obsidian-published.png"), fullPage: true });
  });

  it("logged no errors, warnings or failed requests", () => {
    expect(problems).toEqual([]);
  });
});
