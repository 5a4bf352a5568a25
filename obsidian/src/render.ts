/**
 * A solved (or failed) ```matdiff block as DOM, typeset by Obsidian's own
 * MathJax (`renderMath`), so it matches the note's `$…$` math and needs no
 * stylesheet of KaTeX's. Elements are made with Obsidian's `createEl` family
 * and every piece of text goes in as text: nothing is parsed as HTML. The
 * structure and class names are those of the markdown-it plugin's HTML
 * (src/plugins/html.ts), so one stylesheet serves both.
 */
import { finishRenderMath, renderMath } from "obsidian";
import type { BlockError, Outcome } from "../../src/plugins/block.js";
import { present, type Presentation, type Step } from "../../src/plugins/present.js";

/**
 * Math typeset by MathJax. If it throws (a matdiff printer bug), the reader
 * still gets the LaTeX source rather than nothing.
 */
function math(parent: HTMLElement, latex: string, display: boolean): void {
  try {
    parent.appendChild(renderMath(latex, display));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    parent.createEl("code", { cls: "matdiff-tex", text: latex, title: `MathJax could not render this (a bug in matdiff): ${why}` });
  }
}

function renderSteps(parent: HTMLElement, steps: readonly Step[]): void {
  const grid = parent.createDiv({ cls: "matdiff-steps-grid" });
  for (const s of steps) {
    const row = grid.createDiv({ cls: "matdiff-step" });
    const lhs = row.createSpan({ cls: "matdiff-step-lhs" });
    if (s.lhs) math(lhs, `\\displaystyle ${s.lhs.latex}`, false);
    math(row.createSpan({ cls: "matdiff-step-rhs" }), `\\displaystyle {} = ${s.latex}`, false);
    const title = [s.rule, s.source].filter(Boolean).join(" — ");
    row.createSpan({ cls: "matdiff-step-why", text: s.reason ?? "", ...(title ? { title } : {}) });
  }
}

export function renderPresentation(el: HTMLElement, p: Presentation): void {
  math(el.createDiv({ cls: "matdiff-equation" }), p.equation, true);
  if (p.steps) {
    if (p.steps.length) {
      const details = el.createEl("details", { cls: "matdiff-steps", attr: { open: true } });
      details.createEl("summary", { text: "Steps" });
      renderSteps(details, p.steps);
    } else {
      el.createEl("p", { cls: "matdiff-note", text: "This version of matdiff does not list derivation steps." });
    }
  }
  if (p.shapes) math(el.createEl("p", { cls: "matdiff-shapes" }), p.shapes, false);
  for (const note of [p.convention, p.layout, ...p.notes]) if (note) el.createEl("p", { cls: "matdiff-note", text: note });
  if (p.check) el.createEl("p", { cls: `matdiff-check matdiff-check-${p.check.ok ? "ok" : "failed"}`, text: p.check.text });
  for (const c of p.code ?? []) el.createEl("pre", { cls: `matdiff-${c.name}` }).createEl("code", { cls: `language-${c.language}`, text: c.text });
}

export function renderError(el: HTMLElement, e: BlockError): void {
  const message = el.createEl("p", { cls: "matdiff-error-message" });
  message.createEl("strong", { text: `matdiff: ${e.code === "internal" ? "internal error" : "error"}:` });
  message.appendText(` ${e.message}`);
  if (e.caret) el.createEl("pre", { cls: "matdiff-caret", text: e.caret });
  if (e.hint) el.createEl("p", { cls: "matdiff-hint", text: `hint: ${e.hint}` });
}

/** Replaces `el`'s content with the block; resolves once MathJax's stylesheet is up to date. */
export async function renderOutcome(el: HTMLElement, o: Outcome): Promise<void> {
  el.empty();
  const box = el.createDiv({ cls: o.ok ? "matdiff" : "matdiff matdiff-error", attr: { "data-kind": o.ok ? o.result.kind : "error" } });
  if (o.ok) renderPresentation(box, present(o.result, o.problem.flags));
  else {
    box.setAttribute("data-code", o.error.code);
    renderError(box, o.error);
  }
  await finishRenderMath();
}
