/**
 * The Obsidian plugin's logic against a stub of the `obsidian` module
 * (test/support/obsidian-stub.ts): what it registers, its settings and their
 * tab, the fences it finds in a note, and the "Insert derivative" command.
 * Its rendering is tested in Chromium with MathJax (obsidian-e2e.test.ts).
 * Oracle for the results: the library's own `differentiate`, whose answers
 * the gradient suite checks against the Matrix Cookbook and finite
 * differences; here we test that the plugin writes them faithfully.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { renderKatex } from "./support/katex.js";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { differentiate } from "../src/index.js";
import { blockWording } from "../src/plugins/block.js";
import { mdText } from "../src/print/markdown.js";
import { fencedBlocks, matdiffBlockAt, problemOfSelection } from "../obsidian/src/insert.js";
import { DEFAULT_SETTINGS, readSettings } from "../obsidian/src/settings.js";
import MatdiffPlugin from "../obsidian/src/main.js";
import { DropdownComponent, editorAt, Notice, StubApp, StubEditor, ToggleComponent, type Setting } from "./support/obsidian-stub.js";

vi.mock("obsidian", () => import("./support/obsidian-stub.js"));

const ROOT = resolve(import.meta.dirname, "..");
const MANIFEST = { id: "matdiff", name: "matdiff", version: "0.1.0", minAppVersion: "1.0.0", description: "", author: "" };
type Stubbed = MatdiffPlugin & { commands: { id: string; name: string; editorCallback?: (e: unknown, v: unknown) => unknown }[]; processors: Map<string, unknown>; settingTabs: { display(): void; settings: Setting[] }[] };

async function loaded(data?: unknown): Promise<{ plugin: Stubbed; app: StubApp }> {
  const app = new StubApp();
  app.data = data;
  const plugin = new MatdiffPlugin(app as never, MANIFEST) as Stubbed;
  await plugin.onload();
  return { plugin, app };
}

/** Every `$$…$$` and `$…$` of a Markdown text renders in KaTeX (MathJax is the end-to-end test's). */
function mathOf(markdown: string): string[] {
  const display = [...markdown.matchAll(/^\$\$\n([\s\S]*?)\n\$\$$/gm)].map((m) => m[1]!);
  const inline = [...markdown.replace(/^\$\$\n[\s\S]*?\n\$\$$/gm, "").matchAll(/\$([^$\n]+)\$/g)].map((m) => m[1]!);
  const all = [...display, ...inline];
  for (const tex of all) renderKatex(tex);
  return all;
}

beforeEach(() => {
  Notice.shown.length = 0;
});

describe("the plugin registers", () => {
  it("a matdiff code block processor, the Insert derivative command and a settings tab", async () => {
    const { plugin } = await loaded();
    expect([...plugin.processors.keys()]).toEqual(["matdiff"]);
    expect(plugin.commands.map((c) => [c.id, c.name])).toEqual([["insert-derivative", "Insert derivative"]]);
    expect(typeof plugin.commands[0]!.editorCallback).toBe("function");
    expect(plugin.settingTabs).toHaveLength(1);
    expect(plugin.settings).toEqual(DEFAULT_SETTINGS);
  });

  it("a manifest Obsidian accepts, with the package's version and a versions.json entry for it", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "obsidian/manifest.json"), "utf8")) as Record<string, unknown>;
    const versions = JSON.parse(readFileSync(join(ROOT, "obsidian/versions.json"), "utf8")) as Record<string, string>;
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(manifest).toMatchObject({ id: "matdiff", name: "matdiff", version: pkg.version, isDesktopOnly: false });
    expect(versions[pkg.version]).toBe(manifest.minAppVersion);
    // Obsidian's review rules: the id is lowercase and does not say "obsidian"; the description is a sentence
    expect(manifest.id).toMatch(/^[a-z0-9-]+$/);
    expect(String(manifest.description)).toMatch(/^[A-Z].*\.$/);
    expect(String(manifest.description)).not.toMatch(/obsidian/i);
  });
});

describe("settings", () => {
  it("come from data.json, and anything unexpected there falls back to the default", async () => {
    expect(readSettings({ steps: true, symmetric: "cookbook", numpy: true })).toEqual({ steps: true, symmetric: "cookbook", numpy: true });
    expect(readSettings({ steps: "yes", symmetric: "upper", numpy: 1, extra: 2 })).toEqual(DEFAULT_SETTINGS);
    expect(readSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect((await loaded({ numpy: true })).plugin.settings).toEqual({ ...DEFAULT_SETTINGS, numpy: true });
  });

  it("the tab shows the three settings; changing one saves it, re-renders open notes and changes the blocks", async () => {
    const { plugin, app } = await loaded();
    const tab = plugin.settingTabs[0]!;
    tab.display();
    expect(tab.settings.map((s) => s.name)).toEqual(["Show steps by default", "Symmetric variables", "Show NumPy code"]);
    const [steps, symmetric, numpy] = tab.settings.map((s) => s.controls[0]!);
    expect(steps).toBeInstanceOf(ToggleComponent);
    expect(symmetric).toBeInstanceOf(DropdownComponent);
    expect((symmetric as DropdownComponent).value).toBe("sym");

    const block = "log det(S) wrt S\nlet S: symmetric";
    const before = plugin.solve(block, "");
    expect(before.ok && before.result.derivative.latex).toBe(differentiate("log det(S)", { wrt: "S", let: ["S: symmetric"] }).derivative.latex);

    await (steps as ToggleComponent).click();
    await (symmetric as DropdownComponent).choose("cookbook");
    await (numpy as ToggleComponent).click();
    expect(app.data).toEqual({ steps: true, symmetric: "cookbook", numpy: true });
    expect(app.rerendered).toHaveLength(3);

    // Matrix Cookbook §2.8.2: with S symmetric, ∂ log det(S)/∂S = 2S⁻¹ − S⁻¹ ∘ I
    const after = plugin.solve(block, "");
    const cookbook = differentiate("log det(S)", { wrt: "S", let: ["S: symmetric"], symmetric: "cookbook", steps: true });
    expect(after.ok && after.result.derivative.latex).toBe(cookbook.derivative.latex);
    expect(after.ok && [...after.problem.flags].sort()).toEqual(["cookbook", "numpy", "steps"]);
    // a reloaded plugin has them
    expect((await loaded(app.data)).plugin.settings).toEqual({ steps: true, symmetric: "cookbook", numpy: true });
  });
});

describe("fences in a note", () => {
  it("are found as CommonMark reads them: backticks or tildes, a closing fence at least as long, unclosed to the end", () => {
    const note = [
      "text", "```matdiff steps", "tr(A) wrt A", "```", "", "~~~~ python", "x = 1", "~~~", "```matdiff", "~~~~", "",
      "````matdiff", "```", "det(X) wrt X", "````", "```matdiff", "x^T x wrt x",
    ];
    expect(fencedBlocks(note)).toEqual([
      { startLine: 1, endLine: 3, info: "matdiff steps", content: "tr(A) wrt A" },
      { startLine: 5, endLine: 9, info: "python", content: "x = 1\n~~~\n```matdiff" },
      { startLine: 11, endLine: 14, info: "matdiff", content: "```\ndet(X) wrt X" },
      { startLine: 15, endLine: 16, info: "matdiff", content: "x^T x wrt x" },
    ]);
    expect(matdiffBlockAt(note, 2)?.startLine).toBe(1);
    expect(matdiffBlockAt(note, 3)?.startLine).toBe(1);
    expect(matdiffBlockAt(note, 0)).toBeUndefined();
    expect(matdiffBlockAt(note, 6)).toBeUndefined(); // a python block
    expect(matdiffBlockAt(note, 16)?.content).toBe("x^T x wrt x");
  });

  it("a selection is a whole block with its flags, or else the problem itself", () => {
    expect(problemOfSelection("```matdiff numpy\ntr(A^{-1}B) wrt A\n```\n")).toEqual({ content: "tr(A^{-1}B) wrt A", meta: "numpy" });
    expect(problemOfSelection("x^T A x wrt x\nlet A: symmetric")).toEqual({ content: "x^T A x wrt x\nlet A: symmetric", meta: "" });
  });
});

describe("Insert derivative", () => {
  const run = async (editor: StubEditor, data?: unknown) => {
    const { plugin } = await loaded(data);
    plugin.commands[0]!.editorCallback!(editor, {});
    return editor.getValue();
  };

  it("replaces the block around the cursor by $$…$$ Markdown, and leaves the rest of the note alone", async () => {
    const note = await run(editorAt("# Notes\n\n```matdiff\ntr(A^{-1}|B) wrt A\n```\n\nAfter.\n"));
    // Matrix Cookbook (2012) eq. (63) with A = I: ∇_A tr(A⁻¹B) = −A⁻ᵀBᵀA⁻ᵀ
    const r = differentiate("tr(A^{-1}B)", { wrt: "A" });
    expect(r.derivative.latex).toBe("-A^{-\\top} B^{\\top} A^{-\\top}");
    expect(note).toBe([
      "# Notes", "", "$$", "\\begin{aligned}", "f &= \\mathop{\\mathrm{tr}}(A^{-1} B) \\\\", `\\mathrm{d}f &= ${r.differential.latex} \\\\`,
      `\\nabla_{A} f &= ${r.derivative.latex}`, "\\end{aligned}", "$$", "", "$A, B \\in \\mathbb{R}^{n \\times n}$", "",
      "After.", "",
    ].join("\n"));
    expect(mathOf(note)).toHaveLength(2);
    expect(Notice.shown).toEqual([]);
  });

  it("keeps the block's flags and the settings: steps as a numbered derivation, the NumPy code as a python block", async () => {
    const note = await run(editorAt("```matdiff steps\n|\\|e\\|^2 wrt theta\nlet theta: vector\nwhere e = y - Phi theta\n```"), { numpy: true });
    const r = differentiate("\\|e\\|^2", { wrt: "theta", let: ["theta: vector"], where: ["e = y - Phi theta"], steps: true });
    expect(note).toContain(`\\nabla_{\\theta} f &= ${r.derivative.latex}`);
    expect(note).toMatch(/^1\. \$\\displaystyle \\mathrm\{d\}f = /m);
    expect(note.match(/^\d+\. /gm)).toHaveLength(r.steps!.length);
    for (const s of r.steps!.filter((s) => s.reason)) expect(note).toContain(` — ${mdText(blockWording(s.reason!))}`);
    expect(note).toContain(" — by definition;");
    expect(note).toContain(["```python", r.derivative.numpy, "```"].join("\n"));
    expect(note).not.toContain("```matdiff");
    mathOf(note);
  });

  it("solves a selected problem, or a selected block", async () => {
    const note = await run(new StubEditor("Let f = x^T A x wrt x here.", 8, 21));
    expect(note).toMatch(/^Let f = \$\$\n\\begin\{aligned\}/);
    expect(note).toContain(`\\nabla_{x} f &= ${differentiate("x^T A x", { wrt: "x" }).derivative.latex}`);
    const block = "```matdiff numpy\ndet(X) wrt X\n```";
    const replaced = await run(new StubEditor(`a\n${block}\nb`, 2, 2 + block.length));
    expect(replaced).toContain(differentiate("det(X)", { wrt: "X" }).derivative.numpy);
  });

  it("says why and changes nothing when the cursor is in no block, or the problem has an error", async () => {
    const outside = "Some text|\n\n```matdiff\ntr(A) wrt A\n```";
    expect(await run(editorAt(outside))).toBe(outside.replace("|", ""));
    expect(Notice.shown).toEqual(["matdiff: put the cursor in a ```matdiff block, or select a problem such as tr(A^{-1}B) wrt A."]);
    Notice.shown.length = 0;
    const broken = "```matdiff\ntr(A B| wrt A\n```";
    expect(await run(editorAt(broken))).toBe(broken.replace("|", ""));
    expect(Notice.shown).toEqual(["matdiff: unclosed '(' opened at 1:3"]);
  });
});
