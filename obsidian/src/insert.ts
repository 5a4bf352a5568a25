/**
 * "Insert derivative": a ```matdiff block (or a selected problem) becomes
 * plain Markdown with `$$…$$` math, which Obsidian Publish and any other
 * Markdown renderer show without this plugin. Pure functions over the
 * note's lines, so they are tested without an editor.
 */
import { isMatdiffInfo, metaOf } from "../../src/plugins/block.js";

/** A fenced block in the note: the lines of its fences (inclusive), its info string and content. */
export interface FencedBlock {
  readonly startLine: number;
  readonly endLine: number;
  readonly info: string;
  readonly content: string;
}

/** CommonMark's fence: three or more backticks or tildes, indented at most three spaces. */
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * The fenced blocks of a note, read as CommonMark reads them: a block closes
 * at a fence of the same character at least as long, with nothing after it;
 * an unclosed block runs to the end of the note.
 */
export function fencedBlocks(lines: readonly string[]): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    // a backtick fence's info string cannot hold a backtick
    if (!open || (open[1]![0] === "`" && open[2]!.includes("`"))) continue;
    const [marker, info] = [open[1]!, open[2]!.trim()];
    let end = i + 1;
    for (; end < lines.length; end++) {
      const close = FENCE.exec(lines[end]!);
      if (close && close[1]![0] === marker[0] && close[1]!.length >= marker.length && !close[2]!.trim()) break;
    }
    blocks.push({ startLine: i, endLine: Math.min(end, lines.length - 1), info, content: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return blocks;
}

/** The ```matdiff block around a line, if there is one. */
export function matdiffBlockAt(lines: readonly string[], line: number): FencedBlock | undefined {
  return fencedBlocks(lines).find((b) => b.startLine <= line && line <= b.endLine && isMatdiffInfo(b.info));
}

/**
 * What a selection asks to solve: a whole ```matdiff block with its flags,
 * or else the selected text as a block's content.
 */
export function problemOfSelection(selection: string): { readonly content: string; readonly meta: string } {
  const lines = selection.trim().split(/\r?\n/);
  const [block] = fencedBlocks(lines);
  if (block && block.startLine === 0 && block.endLine === lines.length - 1 && isMatdiffInfo(block.info)) {
    return { content: block.content, meta: metaOf(block.info) };
  }
  return { content: selection, meta: "" };
}
