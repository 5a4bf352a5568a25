/**
 * The playground: live results as you type, from the same engine and the
 * same presentation as the note-taking plugins. No framework: a handful of
 * elements updated in place. User text only ever reaches the page through
 * textContent; innerHTML is used for KaTeX's output of matdiff's own LaTeX.
 */
import "katex/dist/katex.min.css";
import "../../src/plugins/matdiff.css";
import "./style.css";
import { VERSION, type DifferentiateOptions, type DifferentiateResult } from "../../src/index.js";
import type { BlockError, Problem } from "../../src/plugins/block.js";
import { Channel } from "./engine.js";
import { mathHtml } from "../../src/plugins/html.js";
import { present, resultLhs } from "../../src/plugins/present.js";
import { CODE_FORMATS } from "../../src/formats.js";
import { EXAMPLES, INITIAL, fromHash, splitList, toHash, type State } from "./state.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A panel per code format (`#numpy` with its Copy button `#copy-numpy`, …), in the registry's order, where the page marks. */
const codePanels = CODE_FORMATS.map((format) => {
  const code = Object.assign(document.createElement("code"), { id: format.name });
  const copyButton = Object.assign(document.createElement("button"), { id: `copy-${format.name}`, type: "button", textContent: "Copy" });
  const head = Object.assign(document.createElement("div"), { className: "code-head" });
  head.append(Object.assign(document.createElement("span"), { textContent: format.title }), copyButton);
  const pre = document.createElement("pre");
  pre.append(code);
  const panel = Object.assign(document.createElement("div"), { className: "code" });
  panel.append(head, pre);
  return { format, code, copyButton, panel };
});
$<HTMLDivElement>("code-panels").replaceWith(...codePanels.map((p) => p.panel));

const el = {
  expr: $<HTMLTextAreaElement>("expr"),
  wrt: $<HTMLInputElement>("wrt"),
  let: $<HTMLTextAreaElement>("let"),
  where: $<HTMLTextAreaElement>("where"),
  check: $<HTMLInputElement>("check"),
  hessian: $<HTMLInputElement>("hessian"),
  symmetric: $<HTMLSelectElement>("symmetric"),
  error: $<HTMLDivElement>("error"),
  result: $<HTMLDivElement>("result"),
  shapes: $<HTMLParagraphElement>("shapes"),
  notes: $<HTMLDivElement>("notes"),
  steps: $<HTMLDetailsElement>("steps"),
  stepsList: $<HTMLDivElement>("steps-list"),
  latex: $<HTMLElement>("latex"),
  timing: $<HTMLSpanElement>("timing"),
  answer: document.querySelector<HTMLElement>(".answer")!,
  staleNote: $<HTMLParagraphElement>("stale-note"),
  copyButtons: [$<HTMLButtonElement>("copy-numpy"), $<HTMLButtonElement>("copy-latex")],
};

/** The result and the derivation are computed in workers (engine.ts): typing never waits for them. */
const results = new Channel();
const derivations = new Channel();

/** While typing, a pathological input must not freeze the page for the library's default 2 s. */
const LIVE_LIMITS = { timeoutMs: 400 };

function readState(): State {
  return {
    expr: el.expr.value, wrt: el.wrt.value, let: el.let.value, where: el.where.value,
    check: el.check.checked, hessian: el.hessian.checked, symmetric: el.symmetric.value === "cookbook" ? "cookbook" : "sym",
  };
}

function writeState(s: State): void {
  el.expr.value = s.expr;
  el.wrt.value = s.wrt;
  el.let.value = s.let;
  el.where.value = s.where;
  el.check.checked = s.check;
  el.hessian.checked = s.hessian;
  el.symmetric.value = s.symmetric;
}

function problemOf(s: State, steps = false): Problem {
  return { expr: s.expr, wrt: s.wrt.trim(), let: splitList(s.let), where: splitList(s.where), flags: new Set(steps ? ["steps"] : []) };
}

function optionsOf(p: Problem, s: State): DifferentiateOptions {
  // `steps` and `hessian` are newer than some engines' option types
  const options: DifferentiateOptions & { steps?: boolean; hessian?: boolean } = {
    wrt: p.wrt, let: p.let, where: p.where, symmetric: s.symmetric, limits: LIVE_LIMITS, index: false,
    ...(p.flags.has("steps") ? { steps: true } : {}), ...(s.check ? { check: true } : {}), ...(s.hessian ? { hessian: true } : {}),
  };
  return options;
}

const paragraph = (text: string, className: string) => Object.assign(document.createElement("p"), { className, textContent: text });

/**
 * Typesets into an element unless it already shows that LaTeX: while typing,
 * the shapes line and often the result stay the same, and putting KaTeX's
 * HTML into the page and laying it out costs more than computing it.
 */
function setMath(target: HTMLElement, latex: string, display: boolean, html?: string): void {
  if (target.dataset.tex === latex) return;
  target.innerHTML = latex ? html ?? mathHtml(latex, display) : "";
  target.dataset.tex = latex;
}

function showResult(r: DifferentiateResult, problem: Problem, html: { equation: string; shapes: string }): void {
  const p = present(r, problem.flags);
  setMath(el.result, p.equation, true, html.equation);
  el.result.dataset.kind = r.kind;
  setMath(el.shapes, p.shapes, false, html.shapes);
  el.notes.replaceChildren(
    ...[p.convention, p.layout, ...p.notes].filter((n): n is string => Boolean(n)).map((n) => paragraph(n, "note")),
    ...(p.check ? [paragraph(p.check.text, p.check.ok ? "check-ok" : "check-failed")] : []),
  );
  for (const p of codePanels) p.code.textContent = p.format.render(r);
  el.latex.textContent = `${resultLhs(r)} = ${r.derivative.latex}`;
  markStale(null);
}

/**
 * After an error the last good result stays in place (the layout does not jump
 * while typing) but says it is the previous problem's, dimmed, with its Copy
 * buttons off, so nobody copies an answer to a question they no longer ask.
 */
function markStale(previous: string | null): void {
  el.answer.classList.toggle("stale", previous !== null);
  el.answer.classList.remove("empty");
  el.staleNote.hidden = previous === null;
  if (previous !== null) el.staleNote.textContent = `The result below is for the last input that worked, ${previous}; fix the error above to update it.`;
  for (const b of el.copyButtons) b.disabled = previous !== null;
}

function showError(e: BlockError | null): void {
  el.expr.setAttribute("aria-invalid", String(e !== null));
  el.error.hidden = e === null;
  if (!e) { el.error.replaceChildren(); return; }
  const parts: HTMLElement[] = [paragraph(e.message, "error-message")];
  if (e.caret) parts.push(Object.assign(document.createElement("pre"), { className: "caret", textContent: e.caret }));
  if (e.hint) parts.push(paragraph(`hint: ${e.hint}`, "hint"));
  el.error.replaceChildren(...parts);
  el.error.dataset.code = e.code;
}

/**
 * The derivation follows the result by a frame: the result is what the
 * reader waits for, and the steps (a second pass of the engine and a KaTeX
 * rendering per step) would double the time to it. A newer input cancels
 * steps not yet shown; a closed panel computes them only when opened.
 */
let stepsFor: string | null = null;
let stepsTimer: ReturnType<typeof setTimeout> | undefined;
let stepsFrame: number | undefined;

function clearSteps(): void {
  cancelAnimationFrame(stepsFrame ?? 0);
  clearTimeout(stepsTimer);
  stepsFor = null;
  el.steps.hidden = true;
  el.stepsList.replaceChildren();
}

function scheduleSteps(state: State): void {
  cancelAnimationFrame(stepsFrame ?? 0);
  clearTimeout(stepsTimer);
  // after the next paint: a frame for the result, then the steps
  stepsFrame = requestAnimationFrame(() => { stepsTimer = setTimeout(() => showSteps(state), 0); });
}

function showSteps(state: State): void {
  const key = toHash(state);
  if (stepsFor === key || !el.steps.open) return;
  stepsFor = key;
  const t0 = performance.now();
  const problem = problemOf(state, true);
  void derivations.ask({ problem, options: optionsOf(problem, state) }).then((reply) => {
    // superseded, or the input changed while it was computed: a newer request draws the steps
    if (!reply || stepsFor !== key || toHash(readState()) !== key) {
      if (stepsFor === key) stepsFor = null; // so that showing this input again asks again
      return;
    }
    // typeset in the worker (solve.ts): the page only places it
    const html = reply.ok ? reply.html.steps ?? "" : "";
    el.stepsList.innerHTML = html;
    el.steps.hidden = html === "";
    el.result.dataset.stepsMs = (performance.now() - t0).toFixed(2);
  });
}

/** The input the page last showed a result or an error for (the stale note names it). */
let shownExpr: string | null = null;

function show(state: State, problem: Problem, r: { result: DifferentiateResult; html: { equation: string; shapes: string } } | null, error: BlockError | null, t0: number): void {
  const tk = performance.now();
  if (r) {
    showResult(r.result, problem, r.html);
    showError(null);
    shownExpr = state.expr;
    if (stepsFor !== toHash(state)) scheduleSteps(state);
  } else if (error) {
    showError(error.code === "wrt" && !problem.wrt ? { ...error, message: "which variable? Fill in “with respect to”." } : error);
    if (shownExpr !== null) markStale(shownExpr);
    else el.answer.classList.add("empty");
  }
  performance.measure("matdiff:typeset", { start: tk, end: performance.now() });
  const ms = performance.now() - t0;
  // which input the page now shows, and how long it took from the keystroke (for tests and the curious)
  el.result.dataset.input = state.expr;
  el.result.dataset.ms = ms.toFixed(2);
  el.timing.textContent = `Computed and typeset in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms.`;
}

function update(): void {
  const t0 = performance.now();
  const state = readState();
  const problem = problemOf(state);
  if (!state.expr.trim()) {
    showError(null);
    clearSteps();
    el.answer.classList.add("empty");
    el.staleNote.hidden = true;
    el.result.dataset.input = state.expr;
    return;
  }
  void results.ask({ problem, options: optionsOf(problem, state) }).then((reply) => {
    // a newer keystroke superseded this one, or arrived while it was computed: only the latest input is shown
    if (!reply || readState().expr !== state.expr || toHash(readState()) !== toHash(state)) return;
    performance.measure("matdiff:engine", { start: t0, end: performance.now() });
    if (reply.ok) show(state, problem, reply, null, t0);
    else show(state, problem, null, reply.error, t0);
  });
}

/**
 * A multi-line expression field that grows with its text: CSS field-sizing
 * where the browser has it (wrapped lines too), else a row per line. Nothing
 * here reads layout, so a keystroke never forces the page to lay out the
 * result just typeset.
 */
function autoGrow(): void {
  const lines = el.expr.value.split("\n").length;
  if (el.expr.rows !== Math.min(lines, 12)) el.expr.rows = Math.min(lines, 12);
}

function schedule(): void {
  saveHash();
  autoGrow();
  update();
}

function saveHash(): void {
  const hash = toHash(readState());
  if (location.hash === hash) return;
  try {
    history.replaceState(null, "", hash);
  } catch {
    location.replace(hash); // some browsers refuse replaceState on file: URLs; a fragment change never reloads
  }
}

async function copy(text: string, button: HTMLButtonElement, done = "Copied"): Promise<void> {
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // no clipboard API (an insecure context): the old way
    const area = Object.assign(document.createElement("textarea"), { value: text });
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  button.textContent = done;
  setTimeout(() => { button.textContent = label; }, 1200);
}

function start(): void {
  writeState(fromHash(location.hash) ?? INITIAL);
  for (const input of [el.expr, el.wrt, el.let, el.where]) input.addEventListener("input", schedule);
  for (const input of [el.check, el.hessian, el.symmetric]) input.addEventListener("change", schedule);
  el.steps.addEventListener("toggle", () => { if (el.steps.open) showSteps(readState()); });
  window.addEventListener("hashchange", () => {
    const s = fromHash(location.hash);
    if (s && toHash(s) !== toHash(readState())) { writeState(s); autoGrow(); update(); }
  });

  const nav = document.querySelector<HTMLElement>(".examples")!;
  for (const ex of EXAMPLES) {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: ex.label, title: `${ex.state.expr}, with respect to ${ex.state.wrt}` });
    b.addEventListener("click", () => { writeState({ ...INITIAL, ...ex.state }); schedule(); el.expr.focus(); });
    nav.append(b);
  }
  for (const p of codePanels) p.copyButton.addEventListener("click", () => void copy(p.code.textContent ?? "", p.copyButton));
  $<HTMLButtonElement>("copy-latex").addEventListener("click", (e) => void copy(el.latex.textContent ?? "", e.currentTarget as HTMLButtonElement));
  // the link carries the whole problem (expression, variable, let, where, options) in its hash
  $<HTMLButtonElement>("copy-link").addEventListener("click", (e) => void copy(location.href, e.currentTarget as HTMLButtonElement, "Link copied: it opens this problem with its let, where and options"));
  $<HTMLSpanElement>("version").textContent = `matdiff ${VERSION}.`;
  autoGrow();
  update();
}

start();
