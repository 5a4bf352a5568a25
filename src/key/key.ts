/**
 * Answer keys: every problem of a set solved with its derivation and a
 * verification stamp from the numeric check, then rendered as Markdown,
 * self-contained HTML, LaTeX or JSON. A problem that fails (input error,
 * check failure) is in the key as a failure, never dropped.
 *
 * Pure: no file system, no console. The CLI reads the problems and KaTeX's
 * stylesheet and writes the result.
 */
import katex from "katex";
import { typesetFormula, formulaMark, type Formula } from "./typeset.js";
import { differentiate, differentiateAll, checkBasis, DEFAULT_LIMITS, type DifferentiateResult, type Rendered } from "../api.js";
import { nameText } from "../print/text.js";
import { latexText } from "../print/latex-text.js";
import { MatdiffError, caretDisplay, visible } from "../errors.js";
import { safeJson } from "../print/json.js";
import { mdBlock, mdText } from "../print/markdown.js";
import { fileWording, type KeyProblem, type Location, type ProblemSet } from "./problems.js";
import { VERSION } from "../version.js";
import { MAX_TYPESET } from "../plugins/present.js";
import { CODE_FORMATS } from "../formats.js";
import { THICK } from "../print/latex-space.js";

export interface KeyFailure {
  readonly message: string;
  readonly location: Location;
  readonly caret?: string;
  readonly hint?: string;
}

export type KeyEntry =
  | { readonly problem: KeyProblem; readonly ok: true; readonly result: DifferentiateResult }
  | { readonly problem: KeyProblem; readonly ok: false; readonly failure: KeyFailure; readonly result?: DifferentiateResult };

export interface AnswerKey {
  readonly title: string;
  /** The problem set's introduction, if it has one. */
  readonly intro?: string;
  readonly entries: readonly KeyEntry[];
  /** Problems that could not be read at all, with their place in the file. */
  readonly unreadable: readonly KeyFailure[];
  readonly fileName: string;
  /** The problem file's own spelling of declarations, for notes and hints. */
  readonly spelling: ProblemSet["spelling"];
}

/** How long a whole key may take by default: each problem has its own budget, but a set can have thousands. */
export const KEY_TIMEOUT_MS = 120_000;

/** The whole-file budget of an answer key ran out: the key is not written (a partial key would read as complete). */
export class KeyBudgetError extends MatdiffError {
  constructor(readonly solved: number, readonly total: number, timeoutMs: number) {
    super("limit", `the answer key took longer than its budget of ${timeoutMs / 1000} s, with ${solved} of ${total} problems done`, undefined, {
      hint: "split the problem set, or raise the budget with --timeout SECONDS",
    });
    this.name = "KeyBudgetError";
  }
}

/** The whole file's budget as each problem sees it: the time left, or a KeyBudgetError when none is. */
export interface KeyBudget {
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly total: number;
}

export const keyBudget = (total: number, timeoutMs = KEY_TIMEOUT_MS): KeyBudget => ({ deadline: Date.now() + timeoutMs, timeoutMs, total });

/** Milliseconds a problem may take: what is left of the file's budget; throws KeyBudgetError when nothing is. */
export function timeLeft(budget: KeyBudget, solved: number): number {
  const left = budget.deadline - Date.now();
  if (left <= 0) throw new KeyBudgetError(solved, budget.total, budget.timeoutMs);
  return left;
}

export function solveProblems(set: ProblemSet, fileName: string, opts: { seed?: number; timeoutMs?: number } = {}): AnswerKey {
  const budget = keyBudget(set.problems.length, opts.timeoutMs);
  const entries: KeyEntry[] = set.problems.flatMap((problem, done) =>
    solveProblem(problem, set.spelling, { ...(opts.seed !== undefined ? { seed: opts.seed } : {}), timeoutMs: timeLeft(budget, done) }));
  return {
    title: set.title ?? "Answer key", ...(set.intro ? { intro: set.intro } : {}), entries, fileName, spelling: set.spelling,
    unreadable: set.errors.map((e) => ({ message: e.message, location: e.location })),
  };
}

/** One problem's entries (one per variable when it asks for several): each problem stands alone, so a pool of workers can share them out. */
export function solveProblem(problem: KeyProblem, spelling: ProblemSet["spelling"], opts: { seed?: number; timeoutMs?: number } = {}): KeyEntry[] {
  try {
    const options = {
      // each problem has the request's own budget, and no more than what is left of the file's
      ...(opts.timeoutMs !== undefined && opts.timeoutMs < DEFAULT_LIMITS.timeoutMs ? { limits: { timeoutMs: opts.timeoutMs } } : {}),
      let: problem.let, where: problem.where, steps: true, index: false,
      check: opts.seed !== undefined ? { seed: opts.seed } : true,
      ...(problem.hessian ? { hessian: true } : {}), ...(problem.symmetric ? { symmetric: problem.symmetric } : {}),
    };
    const judged = (p: KeyProblem, result: DifferentiateResult): KeyEntry => {
      // the derivation counted by its steps: its aligned block (Markdown, LaTeX) is made only when it is read
      const typeset = result.function.latex.length + result.derivative.latex.length + (result.steps?.reduce((n, s) => n + s.latex.length + (s.lhs?.latex.length ?? 0), 0) ?? 0);
      if (typeset > MAX_TYPESET) {
        return { problem: p, ok: false, failure: { message: `the result is ${typeset} characters of LaTeX, more than the ${MAX_TYPESET} a key typesets per problem`, location: p.location, hint: "split the problem, or name repeated parts with where" } };
      }
      return result.check && !result.check.ok
        ? { problem: p, ok: false, result, failure: { message: `the numeric check failed (relative error ${result.check.relError.toExponential(2)}): this is a bug in matdiff, please report it`, location: p.location } }
        : { problem: p, ok: true, result };
    };
    // several variables: one entry each, all from one differential
    if (/,/.test(problem.wrt.replace(/\{[^{}]*\}/g, ""))) {
      return differentiateAll(problem.expr, { ...options, wrt: problem.wrt }).results.map((r) => judged({
        ...problem, wrt: r.wrt.name, ...(problem.title ? { title: `${problem.title} (${r.wrt.text})` } : {}),
      }, r));
    }
    return [judged(problem, differentiate(problem.expr, { ...options, wrt: problem.wrt }))];
  } catch (err) {
    const e = err instanceof MatdiffError ? err : new MatdiffError("unsupported", `internal error (this is a bug in matdiff): ${(err as Error).message}`);
    // a span inside the expression becomes a column in the file when the expression is on one line
    const onOneLine = !problem.expr.includes("\n") && e.source === undefined && e.start !== undefined;
    const location = onOneLine ? { line: problem.exprLocation.line, column: problem.exprLocation.column + e.start! } : problem.location;
    return [{
      problem, ok: false,
      failure: {
        message: fileWording(e.message, spelling), location,
        ...(e.start !== undefined ? { caret: caretDisplay(e.source ?? problem.expr, e.start, e.end ?? e.start + 1) } : {}),
        ...(e.hint ? { hint: fileWording(e.hint, spelling) } : {}),
      },
    }];
  }
}

/** "problems.yaml:12:5: message", the form editors jump to. */
export function failureLines(key: AnswerKey): string[] {
  const at = (l: Location) => `${key.fileName}:${l.line}:${l.column}`;
  return [
    ...key.unreadable.map((f) => `${at(f.location)}: error: ${f.message}`),
    ...key.entries.filter((e): e is Extract<KeyEntry, { ok: false }> => !e.ok).map((e) => `${at(e.failure.location)}: error: ${e.failure.message}`),
  ];
}

// ---------------------------------------------------------------------------
// User math in problem texts

/**
 * Commands that reach outside a formula — links and URLs, raw HTML, images,
 * files and the shell, macro definitions (\def\a{\a}\a never ends) — which
 * the $…$ math of a problem's text may not use in any key. Anything else must
 * also be math KaTeX knows (so no TeX primitive such as \input or \write gets
 * into the .tex key).
 */
const UNSAFE_MATH = /\\(?:href|url|includegraphics|html[A-Za-z]*|def|gdef|edef|xdef|let|futurelet|newcommand|renewcommand|providecommand|DeclareMathOperator|newenvironment|renewenvironment|input|include|write|immediate|openin|openout|read|catcode|csname|expandafter|special|verb)(?![A-Za-z])/;

/** What linkify and GFM autolinks make a link of: a scheme, www., an address, a domain. */
const LINKISH = /:\/\/|www\.|@|[A-Za-z0-9]\.[A-Za-z]/i;

/**
 * The math of a `$…$` span in user prose if it is safe to pass on, or null to
 * show the span as text. For HTML and Markdown, `<` and `>` are spelled \lt
 * and \gt (so no markup can form); LaTeX itself wants them as they are. In
 * Markdown, `[` and `]` are spelled \lbrack and \rbrack too: a renderer
 * without math support reads `$[x](javascript:…)$` as a link and
 * `$![x](https://…)$` as an image it fetches, and neither can form without a
 * bracket.
 */
function userMath(tex: string, target: "md" | "html" | "tex"): string | null {
  if (UNSAFE_MATH.test(tex)) return null;
  // in math a backslash starts a command, so a URL or an address cannot be escaped there as in mdText: such math is shown as text
  if (target === "md" && LINKISH.test(tex)) return null;
  const MARKUP: Readonly<Record<string, string>> = { "<": "\\lt ", ">": "\\gt ", "[": "\\lbrack ", "]": "\\rbrack " };
  const out = target === "tex" ? tex : tex.replace(target === "md" ? /[<>[\]]/g : /[<>]/g, (c) => MARKUP[c]!);
  try {
    katex.renderToString(out, { throwOnError: true, strict: "ignore", trust: false, maxExpand: 100, maxSize: 10 });
    return out;
  } catch {
    return null;
  }
}

/** Prose with inline math: `$…$` spans (on one line) alternate with text. */
const proseParts = (s: string) => visible(s).split(/(\$[^$\n]+\$)/).map((part, i) => ({ math: i % 2 === 1, part }));

// ---------------------------------------------------------------------------
// Shared pieces

const verdict = (r: DifferentiateResult) =>
  r.check ? `verified: relative error ${r.check.relError.toExponential(1)} against ${checkBasis(r.check)}` : "not checked";

function answerLatex(r: DifferentiateResult): string {
  return `${r.label.latex} = ${r.derivative.latex}`;
}

function facts(r: DifferentiateResult, spelling: AnswerKey["spelling"]): { label: string; text: string }[] {
  const byShape = new Map<string, string[]>();
  for (const [name, s] of Object.entries(r.shapes)) byShape.set(s, [...(byShape.get(s) ?? []), nameText(name)]);
  return [
    { label: "Shapes", text: [...byShape].map(([s, names]) => `${names.join(", ")}: ${s}`).join("; ") },
    { label: "Layout", text: r.layout },
    ...(r.convention ? [{ label: "Convention", text: r.convention.text }] : []),
    ...r.notes.map((n) => ({ label: "Note", text: fileWording(n, spelling) })),
  ];
}

// ---------------------------------------------------------------------------
// Markdown: $$…$$ display math, which GitHub, VS Code, Obsidian and Jupyter render

/** A problem's prose: text escaped, `$…$` kept when it is safe math (else escaped as text). */
function mdProse(s: string): string {
  return proseParts(s).map(({ math, part }) => {
    const tex = math ? userMath(part.slice(1, -1), "md") : null;
    return tex === null ? mdText(part) : `$${tex}$`;
  }).join("");
}

/** A one-line heading: a newline in a title would end the heading. */
const mdLine = (s: string) => mdText(s.replace(/\s*\n\s*/g, " "));

/** Inline code holding any text: fenced with more backticks than the text has in a row. */
function mdCode(s: string): string {
  const text = visible(s).replace(/\n/g, " ");
  const fence = "`".repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  // CommonMark strips one space each side, which lets the text start or end with a backtick
  const pad = /^[` ]|[` ]$/.test(text) ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

export function renderMarkdown(key: AnswerKey): string {
  return keyDocument("md", key, counts(key.entries, key.unreadable.length), key.entries.map((e, i) => markdownSection(e, i + 1, key)));
}

/** The Markdown key's title, introduction, summary and unreadable problems. */
function markdownHead(key: KeyFrame, summaryText: string): string {
  const out: string[] = [`# ${mdLine(key.title)}`, "", ...(key.intro ? [mdProse(key.intro), ""] : []), `_${mdText(summaryText)}_`, ""];
  for (const f of key.unreadable) out.push(`> **Unreadable problem** at line ${f.location.line}: ${mdText(f.message)}`, "");
  return out.join("\n");
}

function markdownSection(e: KeyEntry, n: number | string, key: SectionContext): string {
  const out: string[] = [];
  out.push(`## ${n}. ${e.problem.title !== undefined ? mdLine(e.problem.title) : `Problem ${n}`}`, "");
  if (e.problem.text) out.push(mdProse(e.problem.text), "");
  const r = e.result;
  out.push(r ? `Differentiate with respect to $${r.wrt.latex}$:` : `Differentiate ${mdCode(e.problem.expr)} with respect to ${mdCode(e.problem.wrt)}:`, "");
  if (r) out.push(`$$${r.label.function.latex} = ${r.function.latex}$$`, "");
  for (const l of e.problem.let) out.push(`- let ${mdCode(l)}`);
  for (const w of e.problem.where) out.push(`- where ${mdCode(w)}`);
  if (e.problem.let.length || e.problem.where.length) out.push("");
  if (!e.ok) {
    out.push(`> **Failed** (line ${e.failure.location.line}): ${mdText(e.failure.message)}`, "");
    if (e.failure.caret) out.push(...mdBlock(e.failure.caret), "");
    return out.join("\n");
  }
  out.push(`**Answer: the ${e.result.label.noun}.**`, "", `$$${answerLatex(e.result)}$$`, "");
  if (e.result.derivation) out.push(`**Derivation of the ${e.result.label.noun}.**`, "", `$$${e.result.derivation.latex.replace(/\n/g, " ")}$$`, "");
  for (const f of facts(e.result, key.spelling)) out.push(`- *${f.label}:* ${mdText(f.text)}`);
  out.push(`- *Check:* ✓ ${verdict(e.result)}`, "");
  for (const c of CODE_FORMATS) out.push(`*${c.title}:*`, "", ...mdBlock(c.render(e.result), c.language), "");
  return out.join("\n");
}

/** What the summary line counts: entries, those solved, and unreadable problems. */
export interface KeyCounts { readonly entries: number; readonly ok: number; readonly unreadable: number }
const counts = (entries: readonly KeyEntry[], unreadable: number): KeyCounts => ({ entries: entries.length, ok: entries.filter((e) => e.ok).length, unreadable });

function summary(c: KeyCounts): string {
  const failed = c.entries - c.ok + c.unreadable;
  return `${c.entries + c.unreadable} problems, ${c.ok} solved and verified numerically${failed ? `, ${failed} failed` : ""} — generated by matdiff ${VERSION}`;
}

// ---------------------------------------------------------------------------
// LaTeX: compiles with a standard install (amsmath, amssymb)

/** User or engine text for LaTeX, all of it text: specials escaped, Greek and math symbols as inline math (print/latex-text.ts). */
const texText = (s: string) => latexText(visible(s));

/** A problem's prose for LaTeX: text escaped, `$…$` passed through when it is safe math (else escaped as text). */
function texProse(s: string): string {
  return proseParts(s).map(({ math, part }) => {
    const tex = math ? userMath(part.slice(1, -1), "tex") : null;
    return tex === null ? texText(part) : `$${tex}$`;
  }).join("");
}

export function renderTex(key: AnswerKey): string {
  return keyDocument("tex", key, counts(key.entries, key.unreadable.length), key.entries.map((e, i) => texSection(e, i + 1, key)));
}

function texHead(key: KeyFrame, summaryText: string): string {
  return [
    "\\documentclass[11pt]{article}",
    "\\usepackage{amsmath,amssymb}",
    `\\title{${texProse(key.title.replace(/\s*\n\s*/g, " "))}}`,
    "\\author{}",
    "\\date{}",
    "\\begin{document}",
    "\\maketitle",
    ...(key.intro ? [texProse(key.intro), ""] : []),
    `\\noindent\\emph{${texText(summaryText)}}`,
    "",
  ].join("\n");
}

function texSection(e: KeyEntry, n: number | string, key: SectionContext): string {
  const out: string[] = [];
  out.push(`\\section*{${n}. ${texProse((e.problem.title ?? `Problem ${n}`).replace(/\s*\n\s*/g, " "))}}`);
  if (e.problem.text) out.push(texProse(e.problem.text), "");
  const r = e.result;
  if (r) out.push(`Differentiate with respect to $${r.wrt.latex}$:`, `\\[ ${r.label.function.latex} = ${r.function.latex} \\]`);
  for (const l of [...e.problem.let.map((x) => `let ${x}`), ...e.problem.where.map((x) => `where ${x}`)]) out.push(`\\noindent\\texttt{${texText(l)}}\\\\`);
  if (!e.ok) {
    out.push(`\\noindent\\textbf{Failed} (line ${e.failure.location.line}): ${texText(e.failure.message)}`, "");
    return out.join("\n");
  }
  out.push(`\\paragraph{Answer: the ${e.result.label.noun}.}`, `\\[ ${answerLatex(e.result)} \\]`);
  if (e.result.derivation) out.push(`\\paragraph{Derivation of the ${e.result.label.noun}.}`, `\\[ ${e.result.derivation.latex} \\]`);
  out.push("\\begin{itemize}");
  for (const f of facts(e.result, key.spelling)) out.push(`\\item \\emph{${f.label}:} ${texText(f.text)}`);
  out.push(`\\item \\emph{Check:} ${texText(verdict(e.result))}`, "\\end{itemize}", "");
  // the printers' Python is ASCII and never holds \end{verbatim}
  for (const c of CODE_FORMATS) out.push(`\\noindent\\emph{${texText(c.title)}:}`, "\\begin{verbatim}", c.render(e.result), "\\end{verbatim}", "");
  return out.join("\n");
}

// ---------------------------------------------------------------------------
// JSON

export function renderJson(key: AnswerKey): string {
  return `${safeJson({
    title: key.title,
    ...(key.intro ? { intro: key.intro } : {}),
    problems: key.entries.map((e) => ({
      title: e.problem.title ?? null, text: e.problem.text ?? null, expr: e.problem.expr, wrt: e.problem.wrt,
      let: e.problem.let, where: e.problem.where, location: e.problem.location, ok: e.ok,
      ...(e.result ? { result: e.result } : {}), ...(!e.ok ? { error: e.failure } : {}),
    })),
    unreadable: key.unreadable,
  }, 2)}\n`;
}

// ---------------------------------------------------------------------------
// HTML: one self-contained, offline file (KaTeX rendered ahead of time, its CSS and fonts inlined)

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (s: string) => visible(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** How a section's formulas become HTML: typeset here, or marked for a typesetting thread (renderProblem). */
type Typeset = (latex: string, display: boolean) => string;

/** Prose: escaped, with safe $…$ rendered as inline math (user math is untrusted: see userMath; the rest is shown as text). */
function htmlProse(s: string): string {
  return proseParts(s).map(({ math, part }) => {
    const tex = math ? userMath(part.slice(1, -1), "html") : null;
    if (tex === null) return esc(part).replace(/\n{2,}/g, "</p><p>");
    return katex.renderToString(tex, { throwOnError: false, strict: "ignore", trust: false, maxExpand: 100, maxSize: 10 });
  }).join("");
}

export const KEY_CSS = `
:root { --ink: #1d232b; --muted: #5b6673; --line: #e3e7ec; --ok: #1b7f4b; --bad: #b42318; --accent: #3655b3; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 2.5rem 1.25rem 4rem; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; letter-spacing: -.01em; }
.summary { color: var(--muted); margin: 0 0 2rem; }
.problem { border-top: 1px solid var(--line); padding: 1.5rem 0 .5rem; break-inside: avoid; }
.problem h2 { font-size: 1.25rem; margin: 0 0 .5rem; }
.problem h2 .n { color: var(--accent); margin-right: .35em; }
.given { overflow-x: auto; }
.decl { font: 14px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--muted); margin: .25rem 0; }
.answer { background: #f6f8fb; border-left: 3px solid var(--accent); padding: .25rem 1rem; margin: .75rem 0; overflow-x: auto; }
.answer-kind { display: block; padding-top: .4rem; font-size: .78rem; font-weight: 600; letter-spacing: .04em; text-transform: uppercase; color: var(--muted); }
table.derivation { border-collapse: collapse; margin: .5rem 0 .25rem; }
table.derivation td { padding: .2rem .35rem; vertical-align: baseline; }
table.derivation td.lhs { text-align: right; white-space: nowrap; }
table.derivation td.eq { color: var(--muted); }
table.derivation td.rhs { white-space: nowrap; }
table.derivation td.why { color: var(--muted); font-size: .86rem; padding-left: 1.25rem; min-width: 14rem; }
details { overflow-x: auto; }
details summary { cursor: pointer; color: var(--accent); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .75rem 0; font-size: .92rem; color: var(--muted); }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.stamp { font-size: .92rem; margin: .5rem 0 0; }
.stamp.ok { color: var(--ok); }
.failure { color: var(--bad); }
.failure pre { background: #fff5f4; border: 1px solid #f4c7c3; padding: .5rem .75rem; overflow-x: auto; color: var(--ink); }
.katex-display { margin: .5em 0; }
.code { margin: .5rem 0; border: 1px solid var(--line); border-radius: 4px; }
.code-head { padding: .2rem .6rem; font-size: .85rem; color: var(--muted); border-bottom: 1px solid var(--line); }
.code pre { margin: 0; padding: .5rem .75rem; overflow-x: auto; user-select: all; font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  details { display: block; }
  details > summary { display: none; }
  .answer { background: none; }
  a { color: inherit; text-decoration: none; }
}
`;

/** The derivation as a table: each equality in math, its reason as prose that wraps (and prints). */
function derivationTable(r: DifferentiateResult, math: Typeset): string {
  const rows = r.steps!.map((s) => `<tr><td class="lhs">${s.lhs ? math(s.lhs.latex, false) : ""}</td><td class="eq">=</td><td class="rhs">${math(s.latex, false)}</td><td class="why">${esc(s.reason)}</td></tr>`);
  rows.push(`<tr class="conclusion"><td class="lhs">${math(`\\Rightarrow${THICK}${r.label.latex}`, false)}</td><td class="eq">=</td><td class="rhs">${math(r.derivative.latex, false)}</td><td class="why"></td></tr>`);
  return `<table class="derivation">${rows.join("")}</table>`;
}

export function renderHtml(key: AnswerKey, opts: { katexCss: string }): string {
  return keyDocument("html", key, counts(key.entries, key.unreadable.length), key.entries.map((e, i) => htmlSection(e, i + 1, key)), opts.katexCss);
}

function htmlSection(e: KeyEntry, n: number | string, key: SectionContext, math: Typeset = typesetFormula): string {
  const r = e.result;
  const title = `<h2><span class="n">${n}.</span>${esc(e.problem.title ?? `Problem ${n}`)}</h2>`;
  const text = e.problem.text ? `<p>${htmlProse(e.problem.text)}</p>` : "";
  const decls = [...e.problem.let.map((x) => `let ${x}`), ...e.problem.where.map((x) => `where ${x}`)]
    .map((d) => `<div class="decl">${esc(d)}</div>`).join("");
  const given = r
    ? `<p>Differentiate with respect to ${math(r.wrt.latex, false)}:</p><div class="given">${math(`${r.label.function.latex} = ${r.function.latex}`, true)}</div>${decls}`
    : `<p>Differentiate <code>${esc(e.problem.expr)}</code> with respect to <code>${esc(e.problem.wrt)}</code>.</p>${decls}`;
  if (!e.ok) {
    return `<section class="problem" id="p${n}">${title}${text}${given}<div class="failure"><p><strong>Failed</strong> (${esc(key.fileName)}:${e.failure.location.line}:${e.failure.location.column}): ${esc(e.failure.message)}</p>${e.failure.caret ? `<pre>${esc(e.failure.caret)}</pre>` : ""}${e.failure.hint ? `<p>${esc(e.failure.hint)}</p>` : ""}</div></section>`;
  }
  const answer = `<div class="answer"><span class="answer-kind">The ${esc(e.result.label.noun)}</span>${math(answerLatex(e.result), true)}</div>`;
  const steps = e.result.steps ? `<details open><summary>Derivation of the ${esc(e.result.label.noun)}</summary>${derivationTable(e.result, math)}</details>` : "";
  const dl = `<dl class="facts">${facts(e.result, key.spelling).map((f) => `<dt>${esc(f.label)}</dt><dd>${esc(f.text)}</dd>`).join("")}</dl>`;
  const stamp = `<p class="stamp ok">✓ ${esc(verdict(e.result))}</p>`;
  // the key runs no script (test/security.test.ts), so no Copy button: the code is plain text to select
  const code = CODE_FORMATS.map((c) => `<div class="code"><div class="code-head">${esc(c.title)}</div><pre><code class="language-${c.language}">${esc(c.render(e.result))}</code></pre></div>`).join("");
  return `<section class="problem" id="p${n}">${title}${text}${given}${answer}${steps}${dl}${stamp}${code}</section>`;
}

function htmlHead(key: KeyFrame, summaryText: string, katexCss: string): string {
  const unreadable = key.unreadable.map((f) => `<section class="problem failure"><h2>Unreadable problem</h2><p>${esc(key.fileName)}:${f.location.line}:${f.location.column}: ${esc(f.message)}</p></section>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="matdiff ${esc(VERSION)}">
<title>${esc(key.title)}</title>
<style>${katexCss}</style>
<style>${KEY_CSS}</style>
</head>
<body>
<main>
<h1>${esc(key.title)}</h1>
${key.intro ? `<p>${htmlProse(key.intro)}</p>\n` : ""}<p class="summary">${esc(summaryText)}</p>
${unreadable}
`;
}

// ---------------------------------------------------------------------------
// A key built a problem at a time (src/cli/key.ts, its worker pool): each entry becomes its section as soon
// as it is solved and its result is let go, and the section is written out and let go in turn

export type KeyFormat = "md" | "tex" | "html";

/** What a whole key needs beyond its sections. */
export interface KeyFrame {
  readonly title: string;
  readonly intro?: string;
  readonly unreadable: readonly KeyFailure[];
  readonly fileName: string;
}

/** What a section needs beyond its entry. */
export interface SectionContext {
  readonly fileName: string;
  readonly spelling: ProblemSet["spelling"];
}

/** The key around its sections, in order. */
export function keyDocument(format: KeyFormat, frame: KeyFrame, c: KeyCounts, sections: readonly string[], katexCss = ""): string {
  switch (format) {
    case "md": return `${[markdownHead(frame, summary(c)), ...sections].join("\n").trim()}\n`;
    case "tex": return `${[texHead(frame, summary(c)), ...sections, "\\end{document}"].join("\n")}\n`;
    case "html": return `${htmlHead(frame, summary(c), katexCss)}${sections.join("\n")}\n</main>\n</body>\n</html>\n`;
  }
}

/** Stands for an entry's number in a section rendered before the entries ahead of it are counted (a worker's). */
export const ENTRY_NUMBER = "\u0000n\u0000";

/** An entry as the pool hands it back: its section (numbered by ENTRY_NUMBER), and what the summary and the error lines need. */
export interface RenderedEntry {
  readonly ok: boolean;
  readonly section: string;
  /** The formulas left to typeset: the section holds formulaMark(k) for the k-th (src/key/typeset.ts fillFormulas). */
  readonly formulas?: readonly Formula[];
  readonly failure?: { readonly message: string; readonly location: Location };
}

/**
 * One problem solved and rendered: the body of a pool worker, and of the key on one thread. `typesetLater`:
 * an HTML section's formulas are marked, not typeset, and come with it (a typesetting thread's work).
 */
export function renderProblem(problem: KeyProblem, format: KeyFormat, ctx: SectionContext, opts: { seed?: number; timeoutMs?: number; typesetLater?: boolean } = {}): RenderedEntry[] {
  const { typesetLater, ...solveOptions } = opts;
  return solveProblem(problem, ctx.spelling, solveOptions).map((e) => {
    const failure = !e.ok ? { failure: { message: e.failure.message, location: e.failure.location } } : {};
    if (format === "html" && typesetLater) {
      const formulas: Formula[] = [];
      const section = htmlSection(e, ENTRY_NUMBER, ctx, (latex, display) => formulaMark(formulas.push([latex, display]) - 1));
      return { ok: e.ok, section, ...(formulas.length ? { formulas } : {}), ...failure };
    }
    const render = format === "md" ? markdownSection : format === "tex" ? texSection : htmlSection;
    return { ok: e.ok, section: render(e, ENTRY_NUMBER, ctx), ...failure };
  });
}

/**
 * A key written a section at a time, as its problems are solved (src/cli/key.ts writes each to a file and
 * lets it go): `section` gives each entry's text, numbered and with what keyDocument puts before it, and
 * `end`, once every entry is in, the head (with the counts) and the tail. head + the sections' texts + tail
 * is keyDocument's text of the numbered sections, byte for byte (test/key.test.ts).
 */
export class KeyWriter {
  private entries = 0;
  private ok = 0;
  /** Markdown: the whitespace at the end of the text so far, held back (the document is trimmed at its end). */
  private space = "";
  private blank = true;

  constructor(private readonly format: KeyFormat, private readonly frame: KeyFrame) {}

  section(e: RenderedEntry): string {
    const n = ++this.entries;
    if (e.ok) this.ok++;
    const text = `${n === 1 && this.format === "html" ? "" : "\n"}${e.section.split(ENTRY_NUMBER).join(String(n))}`;
    if (this.format !== "md") return text;
    const body = text.trimEnd();
    const out = body ? `${this.space}${body}` : "";
    this.space = body ? text.slice(body.length) : `${this.space}${text}`;
    if (body) this.blank = false;
    return out;
  }

  /**
   * The HTML head's length in bytes at most, whatever the counts come to: its place can be kept at the start of
   * the key's file, the sections written after it as they come (src/cli/spool.ts), and `end` then fills it. Null
   * for the other formats, whose heads are small enough to write ahead of a copy of the sections.
   */
  headBytesAtMost(katexCss: string): number | null {
    if (this.format !== "html") return null;
    // every count as long as any can be: nine digits, and the failures' part written
    const widest = summary({ entries: 999_999_999, ok: 899_999_999, unreadable: this.frame.unreadable.length });
    return Buffer.byteLength(htmlHead(this.frame, widest, katexCss), "utf8");
  }

  /** The head, with the counts, and the tail; `fill`: an HTML head made that many bytes long (headBytesAtMost) by spaces after its summary. */
  end(katexCss = "", fill?: number): { head: string; tail: string } {
    const c = { entries: this.entries, ok: this.ok, unreadable: this.frame.unreadable.length };
    switch (this.format) {
      // the head starts with its "# " title, so trimming the document's start never reaches a section
      case "md": { const head = markdownHead(this.frame, summary(c)).trimStart(); return { head: this.blank ? head.trimEnd() : head, tail: "\n" }; }
      case "tex": return { head: texHead(this.frame, summary(c)), tail: "\n\\end{document}\n" };
      case "html": {
        const head = htmlHead(this.frame, summary(c), katexCss);
        const short = fill === undefined ? 0 : fill - Buffer.byteLength(head, "utf8");
        // spaces inside the summary's paragraph, which HTML does not show
        return { head: short > 0 ? htmlHead(this.frame, summary(c) + " ".repeat(short), katexCss) : head, tail: "\n</main>\n</body>\n</html>\n" };
      }
    }
  }
}

export type { Rendered };
