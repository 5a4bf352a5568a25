/**
 * The playground end to end, in headless Chromium (Debian's /usr/bin/chromium
 * driven by playwright-core): built with Vite, served by Vite's in-process
 * preview on 127.0.0.1, then opened from disk (file://) as a user would.
 * Screenshots go to test-artifacts/. Oracle for the gradient: Matrix
 * Cookbook (2012) eq. (63) with A = I, ∇_A tr(A⁻¹B) = −A⁻ᵀBᵀA⁻ᵀ.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { build, preview, type PreviewServer } from "vite";
import MarkdownIt from "markdown-it";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import matdiffMarkdownIt from "../src/plugins/markdown-it.js";
import { fromHash, toHash, splitList, EXAMPLES, INITIAL, type State } from "../playground/src/state.js";
import { differentiate } from "../src/api.js";
import { launchChromium } from "./support/browser.js";

const ROOT = resolve(import.meta.dirname, "..");
const CONFIG = join(ROOT, "playground/vite.config.ts");
const DIST = join(ROOT, "playground/dist/index.html");
const ARTIFACTS = join(ROOT, "test-artifacts");

describe("playground state in the URL hash", () => {
  it("round-trips every field", () => {
    const s = { expr: "\\|e\\|^2 + \\lambda x^T x", wrt: "theta", let: "theta: vector; W: symmetric", where: "e = y - Phi theta", check: true, hessian: true, symmetric: "cookbook" } as const;
    expect(fromHash(toHash(s))).toEqual(s);
    expect(fromHash(toHash(INITIAL))).toEqual(INITIAL);
    expect(fromHash("")).toBeNull();
    expect(fromHash("#nothing=1")).toBeNull();
  });

  it("offers examples that solve and pass the numeric check", () => {
    for (const ex of EXAMPLES) {
      const s = { ...INITIAL, ...ex.state };
      const r = differentiate(s.expr, { wrt: s.wrt, let: splitList(s.let), where: splitList(s.where), ...(s.hessian ? { hessian: true } : {}), check: { seed: 1 } });
      expect(r.check?.ok, ex.label).toBe(true);
    }
  });

  it("splits declarations on lines and semicolons", () => {
    expect(splitList("S: symmetric; A: m x n\n\n x: vector ;")).toEqual(["S: symmetric", "A: m x n", "x: vector"]);
  });
});

describe("playground in headless Chromium", () => {
  let server: PreviewServer;
  let browser: Browser;
  /** One page for the served playground: tests move between problems through the hash, as a shared link does. */
  let page: Page;
  let base: string;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const built = build({ configFile: CONFIG, logLevel: "error" });
    browser = await launchChromium();
    await built;
    server = await preview({ configFile: CONFIG, logLevel: "error", preview: { host: "127.0.0.1", port: 0, strictPort: false, open: false } });
    base = server.resolvedUrls!.local[0]!;
    page = await open(base);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(url: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const p = await context.newPage();
    p.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    p.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`); });
    p.on("requestfailed", (r) => {
      // a worker still loading when a newer keystroke abandons its job is terminated by design (engine.ts),
      // which aborts its blob: script; on a loaded machine that happens, and it is no failure
      if (r.url().startsWith("blob:") && r.failure()?.errorText === "net::ERR_ABORTED") return;
      problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    await p.goto(url);
    await p.waitForSelector("#result .katex");
    return p;
  }

  /** Moves the page to a problem through the URL hash (what opening a shared link does). */
  async function go(state: Partial<State> & { expr: string; wrt: string }): Promise<void> {
    const hash = toHash({ ...INITIAL, ...state });
    await page.evaluate((h) => { location.hash = h; }, hash);
    await expect.poll(() => page.inputValue("#expr")).toBe(state.expr);
  }

  it("renders the gradient of tr(A^{-1}B) as you type it", async () => {
    await page.fill("#expr", "");
    await page.fill("#wrt", "A");
    await page.locator("#expr").pressSequentially("tr(A^{-1}B)"); // real key events, one at a time
    await expect.poll(() => page.locator("#result .katex-html").textContent()).toContain("−A−⊤B⊤A−⊤");
    const tex = await page.locator("#result annotation").textContent();
    expect(tex).toContain("\\nabla_{A} f &= -A^{-\\top} B^{\\top} A^{-\\top}");
    expect(await page.locator("#numpy").textContent()).toBe("-np.linalg.inv(A).T @ B.T @ np.linalg.inv(A).T");
    expect(await page.locator("#torch").textContent()).toBe("-torch.linalg.inv(A).T @ B.T @ torch.linalg.inv(A).T");
    expect(await page.locator("#shapes .katex-html").textContent()).toContain("A,B∈Rn×n");
    expect(await page.locator("#error").isHidden()).toBe(true);
    // the derivation follows a frame later: df = … down to the Frobenius form ⟨G, dA⟩
    await expect.poll(() => page.locator("#steps .matdiff-step").count()).toBeGreaterThan(2);
    expect(await page.locator("#steps .matdiff-step-lhs .katex-html").first().textContent()).toBe("df");
    // the state is in the hash, so the link can be shared
    expect(decodeURIComponent(new URL(page.url()).hash)).toContain("expr=tr(A^{-1}B)&wrt=A");
    await page.screenshot({ path: join(ARTIFACTS, "playground-result.png"), fullPage: true });
  });

  it("answers every keystroke; records the time from input to the rendered result", async () => {
    const cases = [
      ["tr(A^{-1}B)", "A", ""], ["\\|y - \\Phi\\theta\\|^2", "theta", "theta: vector"], ["(x - A s)^T W (x - A s)", "s", "W: symmetric"],
      ["\\log\\det(\\Sigma)", "Sigma", "Sigma: symmetric"], ["a^T X^{-1} b", "X", ""], ["sigmoid(W x + b)", "x", ""],
    ];
    const { typed, complete } = await page.evaluate(async (cases) => {
      const set = (id: string, v: string) => {
        const e = document.getElementById(id) as HTMLInputElement;
        e.value = v;
        e.dispatchEvent(new Event("input", { bubbles: true }));
      };
      const result = document.getElementById("result")!;
      /** Lets queued tasks run (a message, not a timer: nested timers are clamped to 4 ms). */
      const yieldTask = () => new Promise<void>((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
      /** Until the page shows this input: at once, or after the queued keystrokes when a previous update was slow. */
      const settle = async (expr: string) => {
        const until = performance.now() + 2000;
        while (result.dataset.input !== expr && performance.now() < until) await new Promise((r) => setTimeout(r, 1));
        if (result.dataset.input !== expr) throw new Error(`the page never showed ${expr}`);
      };
      const problem = async (expr: string, wrt: string, decl: string) => {
        set("wrt", wrt);
        set("let", decl);
        set("expr", "");
        await settle("");
      };

      // three problems typed a character at a time, as a person does, the first time the page sees them
      const typed: { expr: string; keys: number; median: number; max: number; coalesced: number }[] = [];
      for (const [expr, wrt, decl] of cases.slice(0, 3)) {
        await problem(expr!, wrt!, decl!);
        const times: number[] = [];
        let coalesced = 0;
        for (let i = 1; i <= expr!.length; i++) {
          const prefix = expr!.slice(0, i);
          const t0 = performance.now();
          set("expr", prefix);
          if (result.dataset.input !== prefix) coalesced++;
          await settle(prefix);
          void document.body.offsetHeight; // the layout the next paint needs
          times.push(performance.now() - t0);
          await yieldTask(); // the next key arrives later
        }
        const sorted = [...times].sort((a, b) => a - b);
        typed.push({ expr: expr!, keys: times.length, median: sorted[sorted.length >> 1]!, max: sorted[sorted.length - 1]!, coalesced });
      }

      // every problem entered whole, best of three: the page's own measure of computing and typesetting
      // it (at once or after coalescing) plus the layout; a shared machine adds noise to any single run
      const complete: { expr: string; best: number; steps: number }[] = [];
      for (const [expr, wrt, decl] of cases) {
        await problem(expr!, wrt!, decl!);
        let best = Infinity;
        let steps = Infinity;
        for (let k = 0; k < 3; k++) {
          set("expr", expr!);
          await settle(expr!);
          const t0 = performance.now();
          void document.body.offsetHeight;
          best = Math.min(best, Number(result.dataset.ms) + performance.now() - t0);
          if (!result.querySelector(".katex") || !document.getElementById("error")!.hidden) throw new Error(`no result for ${expr}`);
          // the derivation follows a frame later
          delete result.dataset.stepsMs;
          for (let i = 0; i < 200 && result.dataset.stepsMs === undefined; i++) await new Promise((r) => setTimeout(r, 2));
          steps = Math.min(steps, Number(result.dataset.stepsMs ?? Infinity));
          // another problem in between, so that the next round typesets afresh (the page skips unchanged math)
          set("expr", `2 (${expr})`);
          await settle(`2 (${expr})`);
        }
        complete.push({ expr: expr!, best, steps });
      }
      return { typed, complete };
    }, cases);
    console.log(`playground: input → computed, typeset and laid out (ms)\n` +
      `typed a key at a time, first time (cold JIT):\n${typed.map((t) => `  ${t.expr.padEnd(26)} ${String(t.keys).padStart(2)} keys  median ${t.median.toFixed(1).padStart(5)}  max ${t.max.toFixed(1).padStart(6)}${t.coalesced ? `  (${t.coalesced} coalesced after a slow one)` : ""}`).join("\n")}\n` +
      `complete input, best of 3: the result (the derivation a frame later)\n${complete.map((t) => `  ${t.expr.padEnd(26)} ${t.best.toFixed(1).padStart(5)}  (steps ${t.steps.toFixed(1).padStart(5)})`).join("\n")}`);
    // Speed is a measurement, not a pass/fail (STYLE: speed lives in benchmarks): the figures go
    // to test-artifacts/playground-timings.json beside the machine's load, for the closing note.
    // The test only insists that every problem is answered, quickly enough to be interactive.
    const load = loadavg()[0]! / availableParallelism();
    writeFileSync(join(ARTIFACTS, "playground-timings.json"), `${JSON.stringify({ load, typed, complete }, null, 2)}\n`);
    for (const t of complete) expect(t.best, t.expr).toBeLessThan(1000);
  }, 20_000);

  it("shows a broken input's error inline, with the caret, and keeps the last result", async () => {
    await go({ expr: "det(X)", wrt: "X" });
    await page.locator("#expr").fill("tr(A B");
    await page.locator("#wrt").fill("A");
    const error = page.locator("#error");
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.locator(".error-message").textContent()).toBe("unclosed '(' opened at 1:3");
    expect(await error.locator("pre.caret").textContent()).toBe("tr(A B\n  ^");
    expect(await page.locator("#expr").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(".answer").getAttribute("class")).toContain("stale");
    // no ghost: the old result says whose it is, and cannot be copied as if it answered this input
    expect(await page.locator("#stale-note").textContent()).toBe("The result below is for the last input that worked, det(X); fix the error above to update it.");
    expect(await page.isDisabled("#copy-numpy")).toBe(true);
    expect(await page.isDisabled("#copy-latex")).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "playground-error.png"), fullPage: true });
    // hostile input is shown as text, never as markup
    await page.locator("#expr").fill("<img src=x onerror=alert(1)>");
    await expect.poll(() => error.locator("pre.caret").textContent()).toContain("<img src=x onerror=alert(1)>");
    expect(await page.locator("#error img").count()).toBe(0);
    // fixing it brings the result back
    await page.locator("#expr").fill("tr(A B)");
    await expect.poll(() => error.isHidden()).toBe(true);
    await expect.poll(() => page.locator("#result annotation").textContent(), { timeout: 10_000 }).toContain("\\nabla_{A} f &= B^{\\top}");
    expect(await page.isHidden("#stale-note")).toBe(true);
    expect(await page.isEnabled("#copy-numpy")).toBe(true);
  });

  it("restores a shared link, and copies the NumPy code", async () => {
    await go({ expr: "\\|e\\|^2", wrt: "theta", let: "theta: vector", where: "e = y - Phi theta", check: true });
    expect(await page.inputValue("#where")).toBe("e = y - Phi theta");
    expect(await page.isChecked("#check")).toBe(true);
    // the worker answers asynchronously: the previous problem's result may still be on the page for a moment
    await expect.poll(() => page.locator("#result annotation").textContent(), { timeout: 10_000 }).toContain("\\nabla_{\\theta} f &= -2 \\Phi^{\\top} e");
    expect(await page.locator("#notes .check-ok").textContent()).toMatch(/^Checked numerically/);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(base).origin });
    await page.click("#copy-numpy");
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("-2 * Phi.T @ (y - Phi @ theta)");
    expect(await page.locator("#copy-numpy").textContent()).toBe("Copied");
    await page.click("#copy-torch");
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("-2 * Phi.T @ (y - Phi @ theta)");
    expect(await page.locator("#copy-torch").textContent()).toBe("Copied");
  });

  it("has a multi-line expression field that grows with its text", async () => {
    await go({ expr: "tr(A^{-1}B)", wrt: "A" });
    const one = await page.locator("#expr").evaluate((e) => e.getBoundingClientRect().height);
    await page.locator("#expr").fill("\\|W_2 h - y\\|^2\n+ \\lambda \\|W_2\\|_F^2\n+ tr(W_2^T A W_2)");
    await page.locator("#wrt").fill("W_2");
    await expect.poll(() => page.locator("#result annotation").textContent()).toContain("\\nabla_{W_{2}} f &=");
    const three = await page.locator("#expr").evaluate((e) => e.getBoundingClientRect().height);
    expect(three).toBeGreaterThan(one * 2);
    // every line is visible: nothing scrolls inside the field
    expect(await page.locator("#expr").evaluate((e) => e.scrollHeight - e.clientHeight)).toBeLessThanOrEqual(1);
  });

  it("says what Copy link copies", async () => {
    const button = page.locator("#copy-link");
    expect(await button.textContent()).toBe("Copy a link to this problem (expression and settings)");
    expect(await button.getAttribute("title")).toContain("the expression, the variable, let, where and the options");
  });

  it("keeps typing smooth on a Hessian and on tr(X⁶⁴): the engine runs in a worker, a keystroke costs the page under a frame", async () => {
    const cases = [["\\|A x - b\\|^2", "x", true], ["tr(X^{64})", "X", false], ["tr(X^{64})", "X", true]] as const;
    const report = await page.evaluate(async (cases) => {
      const set = (id: string, v: string) => {
        const e = document.getElementById(id) as HTMLInputElement;
        e.value = v;
        e.dispatchEvent(new Event("input", { bubbles: true }));
      };
      const hessian = document.getElementById("hessian") as HTMLInputElement;
      const result = document.getElementById("result")!;
      const out: { expr: string; hessian: boolean; keys: number; medianKeyMs: number; maxKeyMs: number; longestTaskMs: number; resultMs: number }[] = [];
      for (const [expr, wrt, h] of cases) {
        set("expr", "");
        set("wrt", wrt);
        if (hessian.checked !== h) { hessian.checked = h; hessian.dispatchEvent(new Event("change", { bubbles: true })); }
        const tasks: number[] = [];
        const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push(e.duration); });
        observer.observe({ type: "longtask" });
        const keys: number[] = [];
        const start = performance.now();
        for (let i = 1; i <= expr.length; i++) {
          const t0 = performance.now();
          set("expr", expr.slice(0, i)); // the handler's synchronous cost is what a keystroke blocks the page for
          keys.push(performance.now() - t0);
          await new Promise((r) => setTimeout(r, 30)); // a fast typist: a key every 30 ms
        }
        const until = performance.now() + 10_000;
        while (result.dataset.input !== expr && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
        const resultMs = performance.now() - start - 30 * expr.length;
        await new Promise((r) => setTimeout(r, 50));
        observer.disconnect();
        const sorted = [...keys].sort((a, b) => a - b);
        out.push({ expr, hessian: h, keys: keys.length, medianKeyMs: sorted[sorted.length >> 1]!, maxKeyMs: sorted[sorted.length - 1]!, longestTaskMs: Math.max(0, ...tasks), resultMs });
        if (result.dataset.input !== expr) throw new Error(`never showed ${expr}`);
      }
      hessian.checked = false;
      hessian.dispatchEvent(new Event("change", { bubbles: true }));
      return out;
    }, cases);
    console.log(`playground, typing with the engine in a worker (ms):\n${report.map((r) => `  ${r.expr.padEnd(16)} ${r.hessian ? "hessian " : "        "} ${r.keys} keys  keystroke median ${r.medianKeyMs.toFixed(1)} slowest ${r.maxKeyMs.toFixed(1)}  longest main-thread task ${r.longestTaskMs.toFixed(0)}  result after the last key ${r.resultMs.toFixed(0)}`).join("\n")}`);
    writeFileSync(join(ARTIFACTS, "playground-worker-timings.json"), `${JSON.stringify({ load: loadavg()[0]! / availableParallelism(), report }, null, 2)}\n`);
    // a keystroke never waits for the engine: its handler only posts a message. The median is the
    // measure (a shared, loaded machine can deschedule the page for any one key); the slowest must
    // still be far from the half second the engine spends on the Hessian of tr(X⁶⁴)
    for (const r of report) {
      expect(r.medianKeyMs, r.expr).toBeLessThan(16);
      expect(r.maxKeyMs, r.expr).toBeLessThan(100);
    }
    await page.screenshot({ path: join(ARTIFACTS, "playground-hessian.png"), fullPage: true });
  }, 60_000);

  it("reads well on a phone and in print", async () => {
    await go({ expr: "(x - A s)^T W (x - A s)", wrt: "s", let: "W: symmetric" });
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, "playground-mobile.png"), fullPage: true });
      // a long result (a Hessian of X) scrolls inside its box, the page does not
      await go({ expr: "a^T X^{-1} b", wrt: "X", hessian: true });
      await expect.poll(() => page.locator("#result annotation").textContent()).toContain("\\nabla^{2}_{X} f &=");
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      // and no control pokes out of its panel (the page's own width hides that): only scrolling boxes may hold wide content
      const poking = await page.evaluate(() => Array.from(document.querySelectorAll("main *")).filter((e) => {
        for (let a = e.parentElement; a; a = a.parentElement) if (/auto|scroll|hidden/.test(getComputedStyle(a).overflowX)) return false;
        const panel = e.closest(".problem, .answer")!.getBoundingClientRect();
        return e.getBoundingClientRect().right > panel.right + 0.5;
      }).map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}`));
      expect(poking).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, "playground-mobile-hessian.png"), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1100, height: 900 });
    }
    await page.emulateMedia({ media: "print" });
    try {
      expect(await page.locator(".examples").isVisible()).toBe(false);
      expect(await page.locator("#result .katex").isVisible()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, "playground-print.png"), fullPage: true });
    } finally {
      await page.emulateMedia({ media: "screen" });
    }
  });

  it("works opened from disk (file://), offline", async () => {
    expect(existsSync(DIST)).toBe(true);
    await page.goto(`${pathToFileURL(DIST).href}#expr=${encodeURIComponent("\\det(X)")}&wrt=X`);
    await page.waitForSelector("#result .katex");
    expect(await page.locator("#result annotation").textContent()).toContain("\\nabla_{X} f &= \\det(X) X^{-\\top}");
    // KaTeX's fonts load (the ones matdiff uses are inlined: some browsers refuse fonts from file: URLs)
    expect(await page.evaluate(async () => { await document.fonts.ready; return document.fonts.check("16px KaTeX_Main") && document.fonts.check("16px KaTeX_Math"); })).toBe(true);
    await page.locator("#expr").fill("\\det(X^2)");
    await expect.poll(() => page.locator("#result annotation").textContent()).toContain("\\nabla_{X} f &= 2");
    await page.screenshot({ path: join(ARTIFACTS, "playground-file-url.png"), fullPage: true });
  });

  it("shows the markdown-it plugin's HTML well in a page with KaTeX's and matdiff's stylesheets", async () => {
    const md = new MarkdownIt().use(matdiffMarkdownIt);
    const body = md.render([
      "# Least squares", "", "```matdiff steps check numpy", "\\|e\\|^2 + \\lambda \\|\\theta\\|^2 wrt theta", "let theta: vector", "where e = y - Phi theta", "```", "",
      "A typo:", "", "```matdiff", "tr(A B wrt A", "```", "", "A Jacobian:", "", "```matdiff", "sigmoid(W x + b) wrt x", "```", "",
    ].join("\n"));
    const css = (f: string) => `<link rel="stylesheet" href="${pathToFileURL(join(ROOT, f)).href}">`;
    await page.setContent(`<!doctype html><meta charset="utf-8">${css("node_modules/katex/dist/katex.min.css")}${css("src/plugins/matdiff.css")}` +
      `<style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem }</style>${body}`);
    expect(await page.locator(".matdiff .katex-display").count()).toBe(2);
    expect(await page.locator(".matdiff-error .matdiff-caret").textContent()).toBe("tr(A B\n  ^");
    expect(await page.evaluate(async () => { await document.fonts.ready; return document.fonts.check("16px KaTeX_Main"); })).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, "markdown-it.png"), fullPage: true });
  });

  it("logged no errors, warnings or failed requests", () => {
    expect(problems).toEqual([]);
  });
});
