/**
 * Security of the outputs ("Never wrong, never stuck", issue 5 item 6).
 * Hostile text — markup, script URLs, LaTeX that defines macros or makes
 * links, control and bidi characters, very long identifiers — goes in
 * everywhere a user can put text: the expression, --let and --where (names
 * and values), --wrt, problem titles and texts of answer keys, and
 * markdown-it / remark blocks; it comes out of every format. What is asserted,
 * by kind of output:
 *
 *   HTML (HTML key, markdown-it, renderBlock, remark → rehype, the Markdown
 *   key rendered by a permissive markdown-it): no element or attribute the
 *   user's text could have added — every tag is one that a benign run of the
 *   same output produces, no on…= attribute, no javascript: anywhere in a tag,
 *   no href or src; the HTML key, opened in Chromium, runs no script.
 *   LaTeX (every `latex` field, --format latex, the TeX key): only matdiff's
 *   printed LaTeX, or user math that passed the key's filter — never \href,
 *   \url, \html…, \def, \gdef, \input, \write, …; it renders in KaTeX with
 *   { strict: "error", trust: false }.
 *   JSON (--format json, the JSON key): parses, and holds no raw < > & (they
 *   are \u003c …), so it can sit in an HTML page.
 *   Terminal text (--format text/numpy/index, error messages): no control
 *   character but newline and tab, no bidi override: echoed input is shown as
 *   it is, never obeyed by the terminal or reordered.
 *   Everywhere: each case finishes within a second, and no internal error.
 *
 * And every call into KaTeX passes trust: false (a test reads the sources).
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { renderKatex, REHYPE_KATEX_STRICT } from "./support/katex.js";
import MarkdownIt from "markdown-it";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import rehypeKatex from "rehype-katex";
import rehypeStringify from "rehype-stringify";
import type { Browser } from "playwright-core";
import { differentiate } from "../src/api.js";
import { MatdiffError } from "../src/errors.js";
import { runCli as cli } from "./support/cli.js";
import { readProblemSet } from "../src/key/problems.js";
import { solveProblems, renderMarkdown, renderHtml, renderTex, renderJson } from "../src/key/key.js";
import matdiffMarkdownIt, { renderBlock } from "../src/plugins/markdown-it.js";
import remarkMatdiff from "../src/plugins/remark.js";
import { latexFields } from "./support/properties.js";
import { launchChromium } from "./support/browser.js";

// ---------------------------------------------------------------------------
// The inputs

const LONG = 9_000;
const HOSTILE: readonly (readonly [string, string])[] = [
  ["a script element", "<script>alert(1)</script>"],
  ["an attribute break-out", "\"><img src=x onerror=alert(1)>"],
  ["an SVG with onload", "<svg/onload=alert(1)>"],
  ["\\href to javascript:", "\\href{javascript:alert(1)}{x}"],
  ["\\url", "\\url{javascript:alert(1)}"],
  ["\\htmlClass", "\\htmlClass{x}{y} x"],
  ["\\gdef recursion", "\\gdef\\x{\\x}\\x"],
  ["\\def recursion", "\\def\\a{\\a}\\a"],
  ["\\def doubling", "\\def\\a{\\a\\a}\\a"],
  ["TeX file access", "\\input{/etc/passwd} \\write18{id}"],
  ["a Markdown link", "[x](javascript:alert(1))"],
  ["a Markdown image", "![x](https://evil.example/t.png)"],
  ["an autolink", "<javascript:alert(1)>"],
  ["a right-to-left override", "x\u202Ey^T x"],
  ["an override at the start", "\u202Ex^T x"],
  ["a bidi isolate and a zero-width joiner", "x\u2067^T\u200Dx\u2069"],
  ["terminal escapes", "\u001b]0;pwned\u0007\u001b[31mx^T x"],
  ["a very long letter run", "a".repeat(LONG)],
  ["a very long subscript", `x_{${"a".repeat(LONG)}}^T x`],
  ["a very long command", `\\${"a".repeat(LONG)}`],
];

/** Valid problems wrapped around a hostile piece, so it reaches outputs that only successes have. */
const VALID = "x^T A x";

// ---------------------------------------------------------------------------
// What may come out

/** Control characters other than \n and \t, and the bidi / zero-width format characters. */
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
/** In HTML, the same but for U+200B, which KaTeX itself writes (an empty vlist cell). */
const INVISIBLE_IN_HTML = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200c-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
/** LaTeX commands that leave the formula: links, HTML, files, the shell, macro definitions. */
const UNSAFE_TEX = /\\(?:href|url|includegraphics|html[A-Za-z]*|def|gdef|edef|xdef|let|newcommand|renewcommand|input|include|write|immediate|openin|openout|catcode|csname)(?![A-Za-z])/;

/**
 * The elements matdiff's HTML is made of: its own wrappers (keys, plugin
 * blocks) and what KaTeX writes (HTML spans, MathML, SVG for stretchy glyphs).
 * Text the user typed can only add elements by escaping that: no other tag may
 * appear, and these never with a handler or a URL.
 */
const ALLOWED = new Set([
  "html", "head", "meta", "title", "style", "body", "main", "section", "h1", "h2", "p", "div", "span", "pre", "code", "strong", "em",
  "details", "summary", "table", "tr", "td", "dl", "dt", "dd", "ul", "ol", "li", "blockquote", "br", "hr",
  "math", "semantics", "annotation", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot",
  "mover", "munder", "munderover", "mpadded", "mphantom", "mstyle", "mtable", "mtr", "mtd", "menclose", "svg", "path", "line",
]);

const tags = (html: string) => html.match(/<[a-zA-Z][^>]*>/g) ?? [];
const tagNames = (html: string) => new Set(tags(html).map((t) => /^<([a-zA-Z][\w-]*)/.exec(t)![1]!.toLowerCase()));

/** HTML with no markup the user's text could have added: only matdiff's and KaTeX's elements, no handlers, scripts or URLs. */
function expectInertHtml(html: string, what: string): void {
  for (const name of tagNames(html)) expect(ALLOWED.has(name), `${what}: a <${name}> element`).toBe(true);
  for (const tag of tags(html)) {
    expect(tag, what).not.toMatch(/\son[a-z]+\s*=/i);
    expect(tag, what).not.toMatch(/javascript:|\shref\s*=|\ssrc\s*=/i);
  }
  expect(html, what).not.toMatch(/<script/i);
  // every < opens one of those tags, a closing tag, a comment or the doctype: no stray markup
  for (const m of html.matchAll(/<(?![a-zA-Z]|\/[a-zA-Z]|!--|!doctype)/gi)) expect.fail(`${what}: an unescaped < at ${m.index}`);
  expect(INVISIBLE_IN_HTML.test(html), `${what}: a control or bidi character`).toBe(false);
}

/** The LaTeX matdiff printed: renders in KaTeX without trust, and holds none of the commands that leave a formula. */
function expectSafeLatex(latex: string, what: string): void {
  expect(latex, what).not.toMatch(UNSAFE_TEX);
  expect(() => renderKatex(latex), `${what}: ${latex}`).not.toThrow();
}

/** Runs `work`, failing if it takes more than a second. */
async function withinASecond<T>(what: string, work: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await work();
  expect(performance.now() - start, `${what} took too long`).toBeLessThan(1000);
  return out;
}

// ---------------------------------------------------------------------------
// The command line and the library


/** Every place a user puts text on the command line, with `h` there. */
const commandLines = (h: string): string[][] => [
  [h, "--wrt", "x"],
  [VALID, "--wrt", h],
  [VALID, "--wrt", "x", "--let", `A: ${h}`],
  [VALID, "--wrt", "x", "--let", `${h}: scalar`],
  ["\\|e\\|^2", "--wrt", "x", "--where", `e = ${h}`],
  ["\\|e\\|^2 + x^T x", "--wrt", "x", "--where", `${h} = x`],
  [VALID, "--wrt", "x", "--format", h],
];

describe("the command line, in every format", () => {
  // 35 command lines per input; each must finish within a second
  it.each(HOSTILE)("%s", { timeout: 60_000 }, async (_name, h) => {
    for (const format of ["text", "latex", "json", "numpy", "index"]) {
      for (const args of commandLines(h)) {
        const argv = args.includes("--format") ? args : [...args, "--format", format, "--steps"];
        const what = `${format}: ${JSON.stringify(argv).slice(0, 100)}`;
        const r = await withinASecond(what, () => cli(argv));
        expect(r.code, `${what}: ${r.stderr}`).not.toBe(4);
        expect(INVISIBLE.test(r.stdout + r.stderr), `${what}: a control or bidi character in ${JSON.stringify(r.stdout + r.stderr)}`).toBe(false);
        if (format === "json" && !args.includes("--format")) {
          expect(() => JSON.parse(r.stdout), what).not.toThrow();
          expect(r.stdout, what).not.toMatch(/[<>&]/);
        }
        if (format === "latex" && r.code === 0) expectSafeLatex(r.stdout, what);
      }
    }
  });

  it("quotes a bidi override visibly instead of obeying it", async () => {
    const r = await cli(["x\u202Ey", "--wrt", "x"]);
    expect(r.stderr).toContain("unexpected character '\\u{202e}' at 1:2");
    expect(r.stderr).toContain("x\\u{202e}y\n   ^^^^^^^^");
  });

  it("writes JSON that is safe inside an HTML page and reads back the same", async () => {
    const r = await cli([VALID, "--wrt", "x", "--let", "A: <script>", "--format", "json"]);
    expect(r.stdout).toContain("\\u003cscript\\u003e");
    expect(JSON.parse(r.stdout).error.message).toContain("<script>");
  });
});

describe("the library: every LaTeX string of a result is matdiff's own", () => {
  it.each(HOSTILE)("%s", { timeout: 30_000 }, async (_name, h) => {
    const attempts: [string, Parameters<typeof differentiate>[1]][] = [
      [h, { wrt: "x" }],
      [VALID, { wrt: "x", let: [`A: ${h}`] }],
      [VALID, { wrt: "x", let: [`${h}: scalar`] }],
      ["\\|e\\|^2", { wrt: "x", where: [`e = ${h}`] }],
      ["\\|e\\|^2", { wrt: "x", where: [`e = x`, `${h} = x`] }],
      [VALID, { wrt: h }],
    ];
    for (const [expr, options] of attempts) {
      await withinASecond(`${expr} ${JSON.stringify(options).slice(0, 80)}`, () => {
        try {
          const r = differentiate(expr, { ...options, steps: true });
          for (const [path, latex] of latexFields(r)) expectSafeLatex(latex, path);
        } catch (err) {
          // refused, as a user error with a visible message
          expect(err).toBeInstanceOf(MatdiffError);
          expect(INVISIBLE.test((err as MatdiffError).message)).toBe(false);
        }
      });
    }
  });

  it("refuses a subscript longer than 32 characters (a 9,000-letter one took seconds to render)", () => {
    expect(() => differentiate(`x_{${"a".repeat(LONG)}}^T x`, { wrt: "x" })).toThrow(`a subscript has at most 32 characters, this one has ${LONG}`);
    expect(differentiate(`x_{${"a".repeat(32)}}^T x`, { wrt: `x_{${"a".repeat(32)}}` }).kind).toBe("gradient");
  });

  it("refuses a --let name that is not a symbol (it used to be accepted and ignored)", () => {
    expect(() => differentiate(VALID, { wrt: "x", let: ["<img src=x onerror=alert(1)>: scalar"] }))
      .toThrow("bad --let \"<img src=x onerror=alert(1)>: scalar\": '<img src=x onerror=alert(1)>' is not a single symbol");
  });
});

// ---------------------------------------------------------------------------
// Note-taking plugins

const fence = (body: string, info = "matdiff steps") => `\`\`\`${info}\n${body}\n\`\`\`\n`;
const blocks = (h: string): string[] => [
  `${h} wrt x`, `${VALID} wrt ${h}`, `${VALID} wrt x\nlet A: ${h}`, `${VALID} wrt x\nlet ${h}: scalar`,
  `\\|e\\|^2 wrt x\nwhere e = ${h}`, `${VALID} wrt x\n% ${h}`,
];
const rehype = () => unified().use(remarkParse).use(remarkMatdiff).use(remarkRehype).use(rehypeKatex, REHYPE_KATEX_STRICT).use(rehypeStringify);

describe("markdown-it and remark blocks", () => {
  it.each(HOSTILE)("%s", { timeout: 30_000 }, async (_name, h) => {
    for (const body of blocks(h)) {
      const md = fence(body);
      const a = await withinASecond(`markdown-it ${body.slice(0, 60)}`, () => new MarkdownIt().use(matdiffMarkdownIt).render(md));
      expectInertHtml(a, `markdown-it: ${body.slice(0, 60)}`);
      expectInertHtml(renderBlock(body, "steps numpy"), `renderBlock: ${body.slice(0, 60)}`);
      const b = await withinASecond(`remark ${body.slice(0, 60)}`, async () => String(await rehype().process(md)));
      expectInertHtml(b, `remark → rehype: ${body.slice(0, 60)}`);
    }
    // in the info string too
    expectInertHtml(new MarkdownIt().use(matdiffMarkdownIt).render(fence(VALID + " wrt x", `matdiff ${h}`)), "info string");
  });
});

// ---------------------------------------------------------------------------
// Answer keys

/** One problem per hostile input, with it in every field a problem file has. */
function hostileSet(): string {
  const q = (s: string) => JSON.stringify(s);
  const problems = HOSTILE.flatMap(([name, h]) => [
    `  - title: ${q(`${name}: ${h}`)}\n    text: ${q(`Text ${h} and math $${h}$ and $x < y$.`)}\n    expr: ${q(VALID)}\n    wrt: x`,
    `  - title: ${q(name)}\n    expr: ${q(h)}\n    wrt: ${q(h)}\n    let: [${q(`A: ${h}`)}]\n    where: [${q(`e = ${h}`)}]`,
  ]);
  return `title: ${q(`Key ${HOSTILE[0]![1]} ${HOSTILE[3]![1]}`)}\nproblems:\n${problems.join("\n")}\n`;
}

describe("answer keys", () => {
  const solve = (source: string) => solveProblems(readProblemSet(source, "hostile.yaml"), "hostile.yaml", { seed: 1 });
  const css = "/* KaTeX's stylesheet */";
  let key: ReturnType<typeof solve>;
  beforeAll(() => { key = solve(hostileSet()); });

  it("solves every hostile problem quickly, or reports it", () => {
    const start = performance.now();
    solve(hostileSet());
    expect(performance.now() - start).toBeLessThan(1000 * key.entries.length);
    expect(key.entries.length).toBe(2 * HOSTILE.length);
    expect(key.entries.filter((e) => e.ok).length).toBe(HOSTILE.length); // the valid expressions, whatever their text
  });

  it("HTML: no markup, handler or URL from the problems", () => {
    expectInertHtml(renderHtml(key, { katexCss: css }), "HTML key");
  });

  it("Markdown: plain text and safe math only, even through a markdown-it that allows HTML", () => {
    const md = renderMarkdown(key);
    const permissive = new MarkdownIt({ html: true, linkify: true });
    expectInertHtml(permissive.render(md), "Markdown key");
    // every $…$ the key leaves as math (the renderer's math extension would typeset it) is safe
    for (const m of md.matchAll(/(?<!\\)\$(?!\$)([^$\n]+?)(?<!\\)\$/g)) expect(m[1]!, "user math in the Markdown key").not.toMatch(UNSAFE_TEX);
    expect(md).toContain("and $x \\lt  y$."); // safe math passes, with < spelled \lt
  });

  // issue 19 item 1: `$[x](javascript:alert(1))$` in a problem's text passed into the Markdown key
  // unchanged; remark → rehype made it a clickable javascript: link, markdown-it an image it fetched
  it("Markdown through remark → rehype (no math extension): no link, image or markup from the problems", async () => {
    const html = String(await unified().use(remarkParse).use(remarkRehype).use(rehypeStringify).process(renderMarkdown(key)));
    expectInertHtml(html, "Markdown key through remark");
  });

  it("in the Markdown key, math keeps its brackets as \\lbrack and \\rbrack; math or text with a URL is text that no linkify links", () => {
    const k = solve(`problems:\n  - text: ${JSON.stringify("Then $[x](javascript:alert(1))$ and $![x](https://evil.example/t.png)$, see www.evil.com or a@evil.com.")}\n    expr: x^T x\n    wrt: x\n`);
    const md = renderMarkdown(k);
    expect(md).toContain("Then $\\lbrack x\\rbrack (javascript:alert(1))$ and \\$!\\[x\\](https\\://evil\\.example/t\\.png)\\$, see www\\.evil\\.com or a\\@evil\\.com.");
    for (const renderer of [new MarkdownIt({ html: true, linkify: true }), new MarkdownIt()]) {
      const html = renderer.render(md);
      expect(html).not.toMatch(/<a |<img /);
    }
  });

  it("TeX: user text escaped, only safe math", () => {
    const tex = renderTex(key);
    expect(tex).not.toMatch(UNSAFE_TEX);
    expect(tex).not.toMatch(/[^\x00-\x7F]/);
    expect(INVISIBLE.test(tex)).toBe(false);
  });

  it("JSON: parses, and is safe inside an HTML page", () => {
    const json = renderJson(key);
    expect(json).not.toMatch(/[<>&]/);
    expect(INVISIBLE.test(json)).toBe(false);
    expect(JSON.parse(json).problems.length).toBe(2 * HOSTILE.length);
  });

  it("macro definitions in a problem's math are shown as text, not expanded", () => {
    const k = solve(`problems:\n  - text: ${JSON.stringify("$\\def\\a{\\a\\a}\\a$")}\n    expr: x^T x\n    wrt: x\n`);
    const html = renderHtml(k, { katexCss: css });
    expect(html).toContain("$\\def\\a{\\a\\a}\\a$");
    expect(renderMarkdown(k)).toContain("\\$\\\\def\\\\a{\\\\a\\\\a}\\\\a\\$");
  });
});

// Chromium, when the machine has it (as test/key.test.ts): the hostile HTML key runs no script.
describe("the HTML key in a browser", () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launchChromium(); }, 30_000);
  afterAll(async () => { await browser?.close(); });

  it("opens without a dialog, a script, an error or a request", async () => {
    const html = renderHtml(solveProblems(readProblemSet(hostileSet(), "h.yaml"), "h.yaml", { seed: 1 }), { katexCss: "" });
    const page = await browser.newPage();
    const events: string[] = [];
    page.on("dialog", (d) => { events.push(`dialog: ${d.message()}`); void d.dismiss(); });
    page.on("pageerror", (e) => events.push(`error: ${e.message}`));
    page.on("request", (r) => { if (!r.url().startsWith("data:") && r.url() !== "about:blank") events.push(`request: ${r.url()}`); });
    await page.setContent(html, { waitUntil: "load" });
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.querySelectorAll("script, img, iframe, object, embed, a[href]").length)).toBe(0);
    expect(events).toEqual([]);
    await page.close();
  }, 30_000);
});

// ---------------------------------------------------------------------------
// KaTeX is always called without trust

/** Every .ts file under dir. */
const sources = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
});

/** The text of each call `name(…)` in src, brackets balanced. */
function calls(src: string, name: RegExp): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(name)) {
    let depth = 0;
    let i = m.index! + m[0].length - 1;
    const start = i;
    for (; i < src.length; i++) {
      if (src[i] === "(") depth++;
      else if (src[i] === ")" && --depth === 0) break;
    }
    out.push(src.slice(start, i + 1));
  }
  return out;
}

describe("every call into KaTeX passes trust: false", () => {
  const files = [...sources("src"), ...sources("playground/src")];

  it("KATEX_OPTIONS, which the plugins and the playground spread, has trust: false", () => {
    expect(readFileSync("src/plugins/html.ts", "utf8")).toMatch(/export const KATEX_OPTIONS = \{[^}]*\btrust: false,/);
  });

  it.each(files.filter((f) => /renderToString\s*\(|katex\.render\s*\(/.test(readFileSync(f, "utf8"))))("%s", (file) => {
    const src = readFileSync(file, "utf8");
    const found = calls(src, /(?:renderToString|katex\.render)\s*\(/g).filter((c) => !/^\(\s*tex: string/.test(c)); // the KatexLike signature
    expect(found.length).toBeGreaterThan(0);
    for (const call of found) {
      // the options object: a literal with trust: false, or a spread of KATEX_OPTIONS with nothing that could override trust
      const ok = /\btrust:\s*false\b/.test(call) || (/\.\.\.KATEX_OPTIONS\b/.test(call) && !/\btrust\b/.test(call));
      expect(ok, `${file}: ${call}`).toBe(true);
    }
  });
});
