/**
 * The page side of the Obsidian end-to-end test (bundled for Chromium): the
 * stub `obsidian` module typesetting with MathJax the way Obsidian does
 * (`tex2chtml`, then the CHTML stylesheet brought up to date), a loader for
 * the built main.js as Obsidian loads plugins (CommonJS, `require("obsidian")`),
 * and a reading view that hands each fenced block of a registered language to
 * its processor, with the section information Obsidian gives.
 */
import MarkdownIt from "markdown-it";
import * as obsidian from "./obsidian-stub.js";

interface MathJaxGlobal {
  tex2chtml(tex: string, options: { display: boolean }): HTMLElement;
  startup: { promise: Promise<void>; document: { clear(): void; updateDocument(): void } };
}
declare const MathJax: MathJaxGlobal;

obsidian.math.render = (tex, display) => MathJax.tex2chtml(tex, { display });
obsidian.math.finish = async () => {
  MathJax.startup.document.clear();
  MathJax.startup.document.updateDocument();
};

type Processor = (source: string, el: HTMLElement, ctx: object) => Promise<unknown> | void;
interface LoadedPlugin {
  processors: Map<string, Processor>;
  commands: { id: string; editorCallback?: (editor: unknown, view: unknown) => unknown }[];
  settings: unknown;
  onload(): Promise<void>;
}

/** Runs main.js as Obsidian does: a CommonJS module whose default export is the plugin class. */
async function loadPlugin(code: string, manifest: object, data?: unknown): Promise<LoadedPlugin> {
  await MathJax.startup.promise;
  const module = { exports: {} as Record<string, unknown> };
  const required: string[] = [];
  const require = (id: string) => {
    required.push(id);
    if (id === "obsidian") return obsidian;
    throw new Error(`main.js required ${id}, which Obsidian does not provide`);
  };
  new Function("module", "exports", "require", code)(module, module.exports, require);
  const PluginClass = (module.exports.default ?? module.exports) as new (app: obsidian.StubApp, manifest: object) => LoadedPlugin;
  const app = new obsidian.StubApp();
  app.data = data;
  const plugin = new PluginClass(app, manifest);
  await plugin.onload();
  (window as unknown as { required: string[] }).required = required;
  return plugin;
}

/**
 * The reading view of a note: Markdown rendered as HTML (markdown-it standing
 * in for Obsidian's renderer, with raw HTML off), each ```lang block of a
 * registered processor replaced by an element the processor fills.
 */
async function renderNote(plugin: LoadedPlugin, markdown: string, container: HTMLElement): Promise<void> {
  const md = new MarkdownIt({ html: false });
  const tokens = md.parse(markdown, {});
  const blocks: { token: (typeof tokens)[number]; processor: Processor }[] = [];
  const defaultFence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (toks, idx, options, env, self) => {
    const token = toks[idx]!;
    const processor = plugin.processors.get(token.info.trim().split(/\s+/)[0] ?? "");
    if (!processor) return defaultFence(toks, idx, options, env, self);
    blocks.push({ token, processor });
    return `<div class="el-pre"><div class="block-language-${md.utils.escapeHtml(token.info.trim().split(/\s+/)[0]!)}" data-block="${blocks.length - 1}"></div></div>`;
  };
  container.innerHTML = md.renderer.render(tokens, md.options, {});
  await Promise.all(blocks.map(({ token, processor }, i) => {
    const el = container.querySelector<HTMLElement>(`[data-block="${i}"]`)!;
    el.removeAttribute("data-block");
    const [lineStart, lineEnd] = token.map!;
    return processor(token.content, el, { docId: "note", sourcePath: "note.md", frontmatter: null, addChild() {}, getSectionInfo: () => ({ text: markdown, lineStart, lineEnd: lineEnd - 1 }) });
  }));
}

/** Runs "Insert derivative" on a note with the cursor at `|`; returns the note after it. */
function insertDerivative(plugin: LoadedPlugin, note: string): { text: string; notices: string[] } {
  obsidian.Notice.shown.length = 0;
  const editor = obsidian.editorAt(note);
  plugin.commands.find((c) => c.id === "insert-derivative")!.editorCallback!(editor, {});
  return { text: editor.getValue(), notices: [...obsidian.Notice.shown] };
}

/** Typesets every `$$…$$` and `$…$` of a Markdown text with MathJax; returns those MathJax could not read. */
function mathErrors(markdown: string): string[] {
  const display = [...markdown.matchAll(/^\$\$\n([\s\S]*?)\n\$\$$/gm)].map((m) => [m[1]!, true] as const);
  const inline = [...markdown.replace(/^\$\$\n[\s\S]*?\n\$\$$/gm, "").matchAll(/\$([^$\n]+)\$/g)].map((m) => [m[1]!, false] as const);
  return [...display, ...inline].filter(([tex, d]) => MathJax.tex2chtml(tex, { display: d }).querySelector("mjx-merror")).map(([tex]) => tex);
}

/**
 * A note as a host that runs no plugins shows it (Obsidian Publish): Markdown
 * with `$$…$$` and `$…$` typeset by MathJax, everything else by markdown-it.
 */
function renderPublished(markdown: string, container: HTMLElement): void {
  const math: [string, boolean][] = [];
  const hold = (tex: string, display: boolean) => `MATH${math.push([tex, display]) - 1}HTAM`;
  const text = markdown
    .replace(/^\$\$\n([\s\S]*?)\n\$\$$/gm, (_, tex: string) => hold(tex, true))
    .replace(/\$([^$\n]+)\$/g, (_, tex: string) => hold(tex, false));
  container.innerHTML = new MarkdownIt({ html: false }).render(text);
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
  for (const node of nodes) {
    const parts = node.data.split(/MATH(\d+)HTAM/);
    if (parts.length === 1) continue;
    const fragment = document.createDocumentFragment();
    parts.forEach((part, i) => {
      if (i % 2 === 0) { if (part) fragment.append(part); return; }
      const [tex, display] = math[Number(part)]!;
      fragment.append(MathJax.tex2chtml(tex, { display }));
    });
    node.replaceWith(fragment);
  }
  MathJax.startup.document.clear();
  MathJax.startup.document.updateDocument();
}

Object.assign(window, { harness: { loadPlugin, renderNote, insertDerivative, mathErrors, renderPublished, typeset: obsidian.typeset } });
