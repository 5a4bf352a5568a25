/**
 * A solved block as plain Markdown with `$$…$$` and `$…$` math: what a
 * host that runs no plugins (Obsidian Publish, GitHub, a static export)
 * still shows. The same presentation as the rendered block, as text; all
 * LaTeX is matdiff's own, all prose is escaped as Markdown text.
 */
import { mdBlock, mdText } from "../print/markdown.js";
import { present, type Presentation } from "./present.js";
import type { Outcome } from "./block.js";

/** Inline math that CommonMark-style math parsers accept: no space just inside the dollars, no newline. */
const inlineMath = (latex: string) => `$${latex.replace(/\s+/g, " ").trim()}$`;

export function presentationMarkdown(p: Presentation): string {
  const out: string[] = ["$$", p.equation, "$$", ""];
  if (p.steps?.length) {
    p.steps.forEach((s, i) => out.push(`${i + 1}. ${inlineMath(`\\displaystyle ${s.lhs ? s.lhs.latex : ""} = ${s.latex}`)}${s.reason ? ` — ${mdText(s.reason)}` : ""}`));
    out.push("");
  }
  if (p.shapes) out.push(inlineMath(p.shapes), "");
  for (const note of [p.convention, p.layout, ...p.notes]) if (note) out.push(mdText(note), "");
  if (p.check) out.push(mdText(p.check.text), "");
  for (const c of p.code ?? []) out.push(...mdBlock(c.text, c.language), "");
  return `${out.join("\n").trimEnd()}\n`;
}

/** The Markdown of a solved block. */
export function outcomeMarkdown(o: Extract<Outcome, { ok: true }>): string {
  return presentationMarkdown(present(o.result, o.problem.flags));
}
