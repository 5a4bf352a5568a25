/**
 * A solved (or failed) block as an HTML string with KaTeX math: what the
 * markdown-it plugin emits and what `renderBlock` returns for hosts that take
 * HTML (Obsidian's code-block processors, a static-site template, ...).
 * Every piece of text is escaped; the only markup is ours and KaTeX's.
 */
import katex from "katex";
import type { BlockError, Outcome } from "./block.js";
import { present, type Presentation, type Step } from "./present.js";

/** The part of KaTeX's API the plugins use, so a host can pass its own copy (matching its CSS). */
export interface KatexLike {
  renderToString(tex: string, options?: Record<string, unknown>): string;
}

/**
 * KaTeX settings for matdiff's own LaTeX. `strict: "error"` keeps the output
 * standard LaTeX that MathJax renders the same way (and never logs: "warn"
 * would write to the console); `trust: false` refuses \href, \url and
 * \htmlClass even though our printers never emit them.
 */
export const KATEX_OPTIONS = {
  throwOnError: true,
  strict: "error",
  trust: false,
  output: "htmlAndMathml",
  maxSize: 20,
} as const;

/** Text and double-quoted attribute values (the only quoting our markup uses), as markdown-it escapes them. */
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
export const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ESCAPES[c]!);

/**
 * KaTeX HTML for LaTeX that matdiff printed. If KaTeX refuses it (a printer
 * bug), the reader still gets the LaTeX source rather than nothing.
 */
export function mathHtml(latex: string, display: boolean, engine: KatexLike = katex): string {
  try {
    return engine.renderToString(latex, { ...KATEX_OPTIONS, displayMode: display });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return `<code class="matdiff-tex" title="${escapeHtml(`KaTeX could not render this (a bug in matdiff): ${why}`)}">${escapeHtml(latex)}</code>`;
  }
}

export function presentationHtml(p: Presentation, engine: KatexLike = katex): string {
  const out: string[] = [`<div class="matdiff-equation">${mathHtml(p.equation, true, engine)}</div>`];
  if (p.steps) {
    out.push(p.steps.length
      ? `<details class="matdiff-steps" open><summary>Steps</summary>\n${stepsHtml(p.steps, engine)}\n</details>`
      : `<p class="matdiff-note">This version of matdiff does not list derivation steps.</p>`);
  }
  if (p.shapes) out.push(`<p class="matdiff-shapes">${mathHtml(p.shapes, false, engine)}</p>`);
  for (const note of [p.convention, p.layout, ...p.notes]) if (note) out.push(`<p class="matdiff-note">${escapeHtml(note)}</p>`);
  if (p.check) out.push(`<p class="matdiff-check matdiff-check-${p.check.ok ? "ok" : "failed"}">${escapeHtml(p.check.text)}</p>`);
  for (const c of p.code ?? []) out.push(`<pre class="matdiff-${c.name}"><code class="language-${c.language}">${escapeHtml(c.text)}</code></pre>`);
  return out.join("\n");
}

/**
 * A derivation as a textbook sets it: `df = …` then `= …` lines with the
 * equals signs aligned (a CSS grid: left side, right side, reason), each with
 * the reason it holds and, on hover, the rule ids and their sources.
 */
export function stepsHtml(steps: readonly Step[], engine: KatexLike = katex): string {
  const rows = steps.map((s) => {
    const lhs = s.lhs ? mathHtml(`\\displaystyle ${s.lhs.latex}`, false, engine) : "";
    const rhs = mathHtml(`\\displaystyle {} = ${s.latex}`, false, engine);
    const title = [s.rule, s.source].filter(Boolean).join(" — ");
    const why = s.reason ? `<span class="matdiff-step-why"${title ? ` title="${escapeHtml(title)}"` : ""}>${escapeHtml(s.reason)}</span>` : `<span class="matdiff-step-why"></span>`;
    return `<div class="matdiff-step"><span class="matdiff-step-lhs">${lhs}</span><span class="matdiff-step-rhs">${rhs}</span>${why}</div>`;
  });
  return `<div class="matdiff-steps-grid">${rows.join("\n")}</div>`;
}

export function errorHtml(e: BlockError): string {
  const out = [`<p class="matdiff-error-message"><strong>matdiff: ${e.code === "internal" ? "internal error" : "error"}:</strong> ${escapeHtml(e.message)}</p>`];
  if (e.caret) out.push(`<pre class="matdiff-caret">${escapeHtml(e.caret)}</pre>`);
  if (e.hint) out.push(`<p class="matdiff-hint">hint: ${escapeHtml(e.hint)}</p>`);
  return out.join("\n");
}

/** The wrapper's classes and inner HTML for an outcome; the caller writes the wrapper (to add its own attributes). */
export function outcomeHtml(o: Outcome, engine: KatexLike = katex): { readonly className: string; readonly inner: string; readonly kind: string } {
  if (!o.ok) return { className: "matdiff matdiff-error", inner: errorHtml(o.error), kind: "error" };
  return { className: "matdiff", inner: presentationHtml(present(o.result, o.problem.flags), engine), kind: o.result.kind };
}
