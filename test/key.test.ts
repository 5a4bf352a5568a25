/**
 * Answer keys (matdiff key): problem files in YAML and Markdown, every
 * problem present with its verification stamp, failures reported with their
 * place in the file, the committed example key kept fresh, and the HTML key
 * opened in headless Chromium: no KaTeX error, no network request.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { readProblemSet } from "../src/key/problems.js";
import { solveProblems, renderMarkdown, renderTex, renderJson, renderHtml } from "../src/key/key.js";
import { inlinedKatexCss } from "../src/cli/key.js";
import { main, type CliIO } from "../src/cli/main.js";
import { renderKatex } from "./support/pipeline.js";

const EXAMPLES = readFileSync("examples/problems.yaml", "utf8");
const ARTIFACTS = "test-artifacts";
const CHROMIUM = "/usr/bin/chromium";

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, readStdin: async () => null, color: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Display math in Markdown: every $$…$$ block. */
const displayMath = (md: string) => [...md.matchAll(/\$\$([\s\S]+?)\$\$/g)].map((m) => m[1]!);

describe("problem files", () => {
  it("reads the YAML form with titles, let/where maps and positions", () => {
    const set = readProblemSet(EXAMPLES, "problems.yaml");
    expect(set.errors).toEqual([]);
    expect(set.title).toBe("Matrix calculus — worked answer key");
    expect(set.problems.length).toBe(13);
    const ls = set.problems[0]!;
    expect(ls).toMatchObject({ title: "Least squares", expr: "\\|y - \\Phi \\theta\\|^2", wrt: "theta", let: ["theta: vector"] });
    expect(ls.location.line).toBe(5);
    expect(set.problems[10]!.where).toEqual(["h = sigmoid(W_1 x)"]);
    expect(set.problems[12]!.hessian).toBe(true);
  });

  it("reads the Markdown form: one problem per heading, prose as its text", () => {
    const md = ["# Homework 3", "", "## Least squares", "Minimise the residual.", "", "```matdiff", "\\|y - Phi theta\\|^2 wrt theta", "let theta: vector", "```", "",
      "## Determinant", "```matdiff steps", "det(X) wrt X", "```"].join("\n");
    const set = readProblemSet(md, "hw.md");
    expect(set.title).toBe("Homework 3");
    expect(set.problems.map((p) => [p.title, p.text, p.expr, p.wrt, p.location.line])).toEqual([
      ["Least squares", "Minimise the residual.", "\\|y - Phi theta\\|^2", "theta", 3],
      ["Determinant", undefined, "det(X)", "X", 11],
    ]);
  });

  it("reports unreadable problems with their line, never dropping them", () => {
    const set = readProblemSet("- expr: tr(A)\n- wrt: X\n  colour: red\n", "bad.yaml");
    expect(set.problems).toEqual([]);
    expect(set.errors.map((e) => `${e.location.line}: ${e.message}`)).toEqual([
      "1: the problem has no 'wrt'",
      "3: unknown key 'colour' (known: title, text, expr, wrt, let, where, hessian, symmetric)",
      "2: the problem has no 'expr'",
    ]);
  });
});

describe("answer keys", () => {
  const key = solveProblems(readProblemSet(EXAMPLES, "examples/problems.yaml"), "examples/problems.yaml");

  it("solves and verifies every example problem", () => {
    expect(key.entries.every((e) => e.ok)).toBe(true);
    for (const e of key.entries) if (e.ok) expect(e.result.check?.ok).toBe(true);
  });

  it("Markdown: every problem, its answer, derivation and stamp; all math renders in KaTeX", () => {
    const md = renderMarkdown(key);
    for (const e of key.entries) expect(md).toContain(e.problem.title!);
    expect(md.match(/✓ verified: relative error/g)?.length).toBe(13);
    expect(md).toContain("$$\\nabla_{\\theta} f = -2 \\Phi^{\\top} (y - \\Phi \\theta)$$");
    for (const m of displayMath(md)) expect(() => renderKatex(m), m).not.toThrow();
  });

  it("offers each answer's PyTorch form beside the NumPy one, in Markdown, HTML and LaTeX", () => {
    const md = renderMarkdown(key);
    expect(md.match(/\*NumPy:\*\n\n```python\n/g)?.length).toBe(13);
    expect(md.match(/\*PyTorch:\*\n\n```python\n/g)?.length).toBe(13);
    expect(md).toContain("*PyTorch:*\n\n```python\n-2 * Phi.T @ (y - Phi @ theta)\n```");
    const html = renderHtml(key, { katexCss: "" });
    expect(html.match(/<div class="code-head">PyTorch<\/div>/g)?.length).toBe(13);
    expect(renderTex(key).match(/\\emph\{PyTorch:\}\n\\begin\{verbatim\}/g)?.length).toBe(13);
  });

  it("LaTeX: a complete amsmath document whose math renders", () => {
    const tex = renderTex(key);
    expect(tex.startsWith("\\documentclass")).toBe(true);
    expect(tex).toContain("\\usepackage{amsmath,amssymb}");
    expect(tex.trim().endsWith("\\end{document}")).toBe(true);
    for (const m of tex.matchAll(/\\\[([\s\S]+?)\\\]/g)) expect(() => renderKatex(m[1]!), m[1]).not.toThrow();
    // every non-math line is plain ASCII, so pdflatex needs no extra packages
    expect(tex.replace(/\\\[[\s\S]+?\\\]/g, "")).toMatch(/^[\x00-\x7F]*$/);
  });

  it("JSON: one object per problem with its result", () => {
    const json = JSON.parse(renderJson(key));
    expect(json.problems).toHaveLength(13);
    expect(json.problems[0].result.derivative.text).toBe("−2Φᵀ(y − Φθ)");
  });

  it("the committed example key is what the script generates (so it never goes stale)", () => {
    const committed = readFileSync("examples/answer-key.md", "utf8");
    // the relative errors' digits are floating-point noise; everything else must match
    const mask = (s: string) => s.replace(/relative error [0-9.e+-]+/g, "relative error …").replace(/matdiff \d+\.\d+\.\d+/, "matdiff x");
    expect(mask(committed)).toBe(mask(renderMarkdown(key)));
  });
});

describe("matdiff key on the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "matdiff-key-"));

  it("writes the key and says how many problems were verified", async () => {
    const out = join(dir, "key.md");
    const r = await cli(["key", "examples/problems.yaml", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`matdiff key: 13 of 13 problems solved and verified → ${out}\n`);
    expect(readFileSync(out, "utf8")).toContain("# Matrix calculus — worked answer key");
  });

  it("a failing problem is in the key and on stderr with file:line:col, and the exit code is 1", async () => {
    const file = join(dir, "broken.yaml");
    writeFileSync(file, ["- title: Fine", "  expr: det(X)", "  wrt: X", "- title: Broken", "  expr: tr(A B", "  wrt: A", "- title: Mismatch", "  expr: A x + y", "  wrt: x", "  let: { A: m x n, y: p }", ""].join("\n"));
    const r = await cli(["key", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe([
      `${file}:5:11: error: unclosed '(' opened at 1:3`,
      `${file}:8:9: error: dimension mismatch in A x + y at 1:5: m×1 + p×1`,
      "",
    ].join("\n"));
    expect(r.stdout).toContain("## 1. Fine");
    expect(r.stdout).toContain("> **Failed** (line 5): unclosed '(' opened at 1:3");
    expect(r.stdout).toContain("## 3. Mismatch");
  });

  it("refuses a missing file and a bad format on the command line (exit 2)", async () => {
    expect((await cli(["key", join(dir, "nope.yaml")])).code).toBe(2);
    expect((await cli(["key", "examples/problems.yaml", "--format", "docx"])).code).toBe(2);
  });
});

describe.skipIf(!existsSync(CHROMIUM))("the HTML key in headless Chromium", () => {
  let browser: Browser;
  let html: string;
  const file = join(ARTIFACTS, "answer-key.html");

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const key = solveProblems(readProblemSet(EXAMPLES, "examples/problems.yaml"), "examples/problems.yaml");
    html = renderHtml(key, { katexCss: await inlinedKatexCss() });
    writeFileSync(file, html);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  }, 60_000);

  afterAll(async () => { await browser?.close(); });

  it("is self-contained: no network requests, no KaTeX errors, every problem present", async () => {
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/i);
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    const requests: string[] = [];
    page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url()); });
    await page.goto(pathToFileURL(file).href);
    await page.evaluate(() => document.fonts.ready);
    expect(requests).toEqual([]);
    expect(await page.locator(".katex-error").count()).toBe(0);
    expect(await page.locator("section.problem").count()).toBe(13);
    expect(await page.locator(".stamp.ok").count()).toBe(13);
    // KaTeX's own fonts are in use (inlined), not a fallback
    expect(await page.evaluate(() => document.fonts.check("16px KaTeX_Main"))).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "answer-key.png"), fullPage: false });
    await page.emulateMedia({ media: "print" });
    await page.screenshot({ path: join(ARTIFACTS, "answer-key-print.png"), fullPage: false });
    await page.close();
  }, 60_000);
});
