/**
 * A stand-in for the `obsidian` module (which exists only inside the app):
 * the parts the matdiff plugin uses, behaving as Obsidian's do, plus the DOM
 * helpers Obsidian adds to every element (`createEl`, `empty`, …). Used by
 * the unit tests (in Node, through vi.mock) and, bundled, by the end-to-end
 * test in Chromium, where `math` is set to typeset with MathJax as Obsidian does.
 */
import type { Command, Editor, EditorPosition, MarkdownPostProcessorContext, PluginManifest } from "obsidian";

// ---------------------------------------------------------------------------
// Math: Obsidian typesets with MathJax; a test chooses how

export interface MathEngine {
  render(tex: string, display: boolean): HTMLElement;
  finish(): Promise<void>;
}

/** Every TeX string the plugin asked to typeset, in order. */
export const typeset: { tex: string; display: boolean }[] = [];

/** Without a browser's MathJax: the TeX as the element's text, marked as math. */
export const math: MathEngine = {
  render(tex, display) {
    const el = document.createElement(display ? "div" : "span");
    el.className = "stub-math";
    el.textContent = tex;
    return el;
  },
  async finish() {},
};

export function renderMath(source: string, display: boolean): HTMLElement {
  typeset.push({ tex: source, display });
  return math.render(source, display);
}

export function finishRenderMath(): Promise<void> {
  return math.finish();
}

// ---------------------------------------------------------------------------
// DOM helpers Obsidian installs on Node and HTMLElement

interface ElementInfo { cls?: string | string[]; text?: string; attr?: Record<string, string | number | boolean | null>; title?: string }

function createIn<K extends keyof HTMLElementTagNameMap>(parent: Node | undefined, tag: K, o?: ElementInfo | string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  const info: ElementInfo = typeof o === "string" ? { cls: o } : o ?? {};
  if (info.cls) el.className = Array.isArray(info.cls) ? info.cls.join(" ") : info.cls;
  if (info.text !== undefined) el.textContent = info.text;
  if (info.title !== undefined) el.title = info.title;
  for (const [k, v] of Object.entries(info.attr ?? {})) {
    if (v === null || v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
  parent?.appendChild(el);
  return el;
}

/** Installs the helpers (in a browser, or in Node under a DOM implementation). */
export function installDomHelpers(win: { Node: typeof Node; HTMLElement: typeof HTMLElement }): void {
  const node = win.Node.prototype as unknown as Record<string, unknown>;
  node.createEl = function (this: Node, tag: keyof HTMLElementTagNameMap, o?: ElementInfo | string) { return createIn(this, tag, o); };
  node.createDiv = function (this: Node, o?: ElementInfo | string) { return createIn(this, "div", o); };
  node.createSpan = function (this: Node, o?: ElementInfo | string) { return createIn(this, "span", o); };
  node.empty = function (this: Node) { while (this.firstChild) this.removeChild(this.firstChild); };
  node.appendText = function (this: Node, text: string) { this.appendChild(document.createTextNode(text)); };
  const element = win.HTMLElement.prototype as unknown as Record<string, unknown>;
  element.setText = function (this: HTMLElement, text: string) { this.textContent = text; };
}
if (typeof window !== "undefined") installDomHelpers(window);

// ---------------------------------------------------------------------------
// The app, plugins, settings, notices

/** The part of `App` the plugin touches, with the plugin's saved data kept in memory. */
export class StubApp {
  data: unknown = undefined;
  readonly rerendered: string[] = [];
  readonly workspace = {
    getLeavesOfType: (type: string) => (type === "markdown" ? [{ view: { previewMode: { rerender: () => this.rerendered.push("markdown") } } }] : []),
  };
}

type Processor = (source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext) => Promise<unknown> | void;

export class Plugin {
  readonly commands: Command[] = [];
  readonly processors = new Map<string, Processor>();
  readonly settingTabs: PluginSettingTab[] = [];
  constructor(readonly app: StubApp, readonly manifest: PluginManifest) {}
  async loadData(): Promise<unknown> { return structuredClone(this.app.data); }
  async saveData(data: unknown): Promise<void> { this.app.data = structuredClone(data); }
  addCommand(command: Command): Command { this.commands.push(command); return command; }
  addSettingTab(tab: PluginSettingTab): void { this.settingTabs.push(tab); }
  registerMarkdownCodeBlockProcessor(language: string, handler: Processor): void { this.processors.set(language, handler); }
}

/** A settings tab; `containerEl` is a real element where there is a DOM, else a list of the settings it shows. */
export class PluginSettingTab {
  readonly settings: Setting[] = [];
  readonly containerEl: HTMLElement;
  constructor(readonly app: StubApp, readonly plugin: Plugin) {
    const tab = this;
    this.containerEl = typeof document !== "undefined"
      ? document.createElement("div")
      : ({ empty() { tab.settings.length = 0; } } as unknown as HTMLElement);
    (this.containerEl as unknown as { tab: PluginSettingTab }).tab = this;
  }
  display(): void {}
}

export class ToggleComponent {
  value = false;
  private handler: ((v: boolean) => unknown) | undefined;
  setValue(v: boolean): this { this.value = v; return this; }
  getValue(): boolean { return this.value; }
  onChange(f: (v: boolean) => unknown): this { this.handler = f; return this; }
  /** What a click does: flips the value and reports it. */
  async click(): Promise<void> { this.value = !this.value; await this.handler?.(this.value); }
}

export class DropdownComponent {
  value = "";
  readonly options = new Map<string, string>();
  private handler: ((v: string) => unknown) | undefined;
  addOption(value: string, display: string): this { this.options.set(value, display); return this; }
  setValue(v: string): this { this.value = v; return this; }
  getValue(): string { return this.value; }
  onChange(f: (v: string) => unknown): this { this.handler = f; return this; }
  async choose(v: string): Promise<void> {
    if (!this.options.has(v)) throw new Error(`no option ${v}`);
    this.value = v;
    await this.handler?.(v);
  }
}

export class Setting {
  name = "";
  desc = "";
  readonly controls: (ToggleComponent | DropdownComponent)[] = [];
  constructor(containerEl: HTMLElement) {
    const tab = (containerEl as unknown as { tab?: PluginSettingTab }).tab;
    tab?.settings.push(this);
  }
  setName(name: string): this { this.name = name; return this; }
  setDesc(desc: string): this { this.desc = desc; return this; }
  addToggle(cb: (t: ToggleComponent) => unknown): this { const t = new ToggleComponent(); cb(t); this.controls.push(t); return this; }
  addDropdown(cb: (d: DropdownComponent) => unknown): this { const d = new DropdownComponent(); cb(d); this.controls.push(d); return this; }
}

export class Notice {
  static readonly shown: string[] = [];
  constructor(readonly message: string) { Notice.shown.push(message); }
}

// ---------------------------------------------------------------------------
// An editor over a string, as CodeMirror behaves for these calls

export class StubEditor implements Pick<Editor, "getLine" | "lineCount" | "getCursor" | "somethingSelected" | "getSelection" | "replaceSelection" | "replaceRange" | "getValue"> {
  /** Selection as offsets into the text; equal when nothing is selected. */
  constructor(public text: string, public from = 0, public to = from) {}
  private offset(p: EditorPosition): number {
    const lines = this.text.split("\n");
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.ch;
  }
  private position(offset: number): EditorPosition {
    const before = this.text.slice(0, offset).split("\n");
    return { line: before.length - 1, ch: before[before.length - 1]!.length };
  }
  getValue(): string { return this.text; }
  getLine(line: number): string { return this.text.split("\n")[line] ?? ""; }
  lineCount(): number { return this.text.split("\n").length; }
  getCursor(): EditorPosition { return this.position(this.to); }
  somethingSelected(): boolean { return this.from !== this.to; }
  getSelection(): string { return this.text.slice(this.from, this.to); }
  replaceSelection(replacement: string): void {
    this.text = this.text.slice(0, this.from) + replacement + this.text.slice(this.to);
    this.from = this.to = this.from + replacement.length;
  }
  replaceRange(replacement: string, from: EditorPosition, to: EditorPosition = from): void {
    const [a, b] = [this.offset(from), this.offset(to)];
    this.text = this.text.slice(0, a) + replacement + this.text.slice(b);
    this.from = this.to = a + replacement.length;
  }
}

/** A cursor placed at the first occurrence of `marker` (which is removed). */
export function editorAt(text: string, marker = "|"): StubEditor {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`no ${marker} in the text`);
  return new StubEditor(text.slice(0, at) + text.slice(at + marker.length), at);
}
