/**
 * matdiff for Obsidian: ```matdiff blocks show the derivative (same block
 * syntax as the markdown-it and remark plugins: src/plugins/block.ts),
 * typeset by Obsidian's MathJax; the "Insert derivative" command writes it
 * into the note as plain `$$…$$` Markdown for Obsidian Publish.
 */
import { Notice, Plugin, type Editor, type MarkdownPostProcessorContext, type MarkdownView } from "obsidian";
import { Lru, metaOf, solveBlock, type Outcome } from "../../src/plugins/block.js";
import { outcomeMarkdown } from "../../src/plugins/markdown.js";
import { matdiffBlockAt, problemOfSelection } from "./insert.js";
import { renderOutcome } from "./render.js";
import { blockOptions, MatdiffSettingTab, readSettings, type MatdiffSettings } from "./settings.js";

export default class MatdiffPlugin extends Plugin {
  override settings: MatdiffSettings = readSettings(undefined);
  /** Obsidian renders a block again on every edit of the note; solving the same block twice is wasted work. */
  private readonly solved = new Lru<Outcome>(256);

  override async onload(): Promise<void> {
    this.settings = readSettings(await this.loadData());
    this.registerMarkdownCodeBlockProcessor("matdiff", (source, el, ctx) => renderOutcome(el, this.solve(source, fenceMeta(el, ctx))));
    this.addCommand({
      id: "insert-derivative",
      name: "Insert derivative",
      editorCallback: (editor) => this.insertDerivative(editor),
    });
    this.addSettingTab(new MatdiffSettingTab(this.app, this));
  }

  /** Solves a block with the current settings (cached: a settings change is part of the key). */
  solve(content: string, meta: string): Outcome {
    const key = JSON.stringify([this.settings, meta, content]);
    let outcome = this.solved.get(key);
    if (!outcome) {
      outcome = solveBlock(content, meta, blockOptions(this.settings));
      this.solved.set(key, outcome);
    }
    return outcome;
  }

  async saveSettings(change: Partial<MatdiffSettings>): Promise<void> {
    this.settings = { ...this.settings, ...change };
    await this.saveData(this.settings);
    // open notes show the blocks with the new settings
    for (const leaf of this.app.workspace.getLeavesOfType("markdown")) (leaf.view as MarkdownView).previewMode?.rerender(true);
  }

  /**
   * Replaces the selection, or else the ```matdiff block around the cursor,
   * by the derivative as Markdown. A problem that cannot be solved leaves the
   * note as it is and says why.
   */
  insertDerivative(editor: Editor): void {
    let problem: { content: string; meta: string };
    let replace: (text: string) => void;
    if (editor.somethingSelected()) {
      problem = problemOfSelection(editor.getSelection());
      replace = (text) => editor.replaceSelection(text);
    } else {
      const lines = Array.from({ length: editor.lineCount() }, (_, i) => editor.getLine(i));
      const block = matdiffBlockAt(lines, editor.getCursor().line);
      if (!block) {
        new Notice("matdiff: put the cursor in a ```matdiff block, or select a problem such as tr(A^{-1}B) wrt A.");
        return;
      }
      problem = { content: block.content, meta: metaOf(block.info) };
      replace = (text) => editor.replaceRange(text.trimEnd(), { line: block.startLine, ch: 0 }, { line: block.endLine, ch: lines[block.endLine]!.length });
    }
    const outcome = this.solve(problem.content, problem.meta);
    if (!outcome.ok) {
      // a notice is proportional text, where a caret line would not line up: the message says where
      new Notice(`matdiff: ${outcome.error.message}`);
      return;
    }
    replace(outcomeMarkdown(outcome));
  }
}

/**
 * The words after `matdiff` on the block's opening fence (`steps`, `numpy`, …):
 * Obsidian hands a processor the block's content only, so they are read from
 * the note. Where Obsidian cannot say where the block is, there are none.
 */
function fenceMeta(el: HTMLElement, ctx: MarkdownPostProcessorContext): string {
  const section = ctx.getSectionInfo(el);
  const fence = section?.text.split("\n")[section.lineStart];
  return fence ? metaOf(fence.replace(/^ {0,3}(`{3,}|~{3,})/, "")) : "";
}
