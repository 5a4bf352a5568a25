/**
 * The playground: live results as you type, from the same engine and the
 * same presentation as the note-taking plugins. No framework: a handful of
 * elements updated in place. User text only ever reaches the page through
 * textContent; innerHTML is used for KaTeX's output of matdiff's own LaTeX.
 */
import "katex/dist/katex.min.css";
import "../../src/plugins/matdiff.css";
import "./style.css";
import { differentiate, VERSION, type DifferentiateOptions, type DifferentiateResult } from "../../src/index.js";
import { toBlockError, type BlockError, type Problem } from "../../src/plugins/block.js";
import { mathHtml, stepsHtml } from "../../src/plugins/html.js";
import { present, resultLhs, type Step } from "../../src/plugins/present.js";
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
  expr: $<HTMLInputElement>("expr"),
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
};

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
    wrt: p.wrt, let: p.let, where: p.where, symmetric: s.symmetric, limits: LIVE_LIMITS,
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
function setMath(target: HTMLElement, latex: string, display: boolean): void {
  if (target.dataset.tex === latex) return;
  target.innerHTML = latex ? mathHtml(latex, display) : "";
  target.dataset.tex = latex;
}

function showResult(r: DifferentiateResult, problem: Problem): void {
  const p = present(r, problem.flags);
  setMath(el.result, p.equation, true);
  el.result.dataset.kind = r.kind;
  setMath(el.shapes, p.shapes, false);
  el.notes.replaceChildren(
    ...[p.convention, p.layout, ...p.notes].filter((n): n is string => Boolean(n)).map((n) => paragraph(n, "note")),
    ...(p.check ? [paragraph(p.check.text, p.check.ok ? "check-ok" : "check-failed")] : []),
  );
  for (const p of codePanels) p.code.textContent = p.format.render(r);
  el.latex.textContent = `${resultLhs(r)} = ${r.derivative.latex}`;
  el.answer.classList.remove("stale", "empty");
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
  const t0 = performance.now();
  const problem = problemOf(state, true);
  let steps: readonly Step[] = [];
  try {
    steps = present(differentiate(problem.expr, optionsOf(problem, state)), problem.flags).steps ?? [];
  } catch {
    // the result was shown a frame ago, so the engine does not fail here; if it does, no steps
  }
  stepsFor = key;
  el.stepsList.innerHTML = steps.length ? stepsHtml(steps) : "";
  el.steps.hidden = steps.length === 0;
  el.result.dataset.stepsMs = (performance.now() - t0).toFixed(2);
}

/**
 * Typing faster than the engine answers: after an update that took longer
 * than two frames, keystrokes are coalesced (the queued ones cost nothing and
 * one update follows them). Textbook inputs take a millisecond or two, so
 * they are answered within the keystroke's own frame.
 */
const SLOW_MS = 32;
let slow = false;
let pending: ReturnType<typeof setTimeout> | undefined;

function update(): void {
  const t0 = performance.now();
  const state = readState();
  const problem = problemOf(state);
  if (!state.expr.trim()) {
    showError(null);
    clearSteps();
    el.answer.classList.add("empty");
  } else {
    try {
      // named measures, for the browser's performance panel (and the end-to-end test's report)
      const te = performance.now();
      const r = differentiate(problem.expr, optionsOf(problem, state));
      performance.measure("matdiff:engine", { start: te, end: performance.now() });
      const tk = performance.now();
      showResult(r, problem);
      performance.measure("matdiff:typeset", { start: tk, end: performance.now() });
      showError(null);
      if (stepsFor !== toHash(state)) scheduleSteps(state);
    } catch (err) {
      const e = toBlockError(err, problem);
      showError(e.code === "wrt" && !problem.wrt ? { ...e, message: "which variable? Fill in “with respect to”." } : e);
      el.answer.classList.add("stale");
    }
  }
  const ms = performance.now() - t0;
  slow = ms > SLOW_MS;
  // which input the page now shows, and how long it took (for tests and the curious)
  el.result.dataset.input = state.expr;
  el.result.dataset.ms = ms.toFixed(2);
  el.timing.textContent = `Computed and typeset in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms.`;
}

function schedule(): void {
  saveHash();
  if (!slow) { update(); return; }
  if (pending === undefined) pending = setTimeout(() => { pending = undefined; update(); }, 0);
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

async function copy(text: string, button: HTMLButtonElement): Promise<void> {
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
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = label; }, 1200);
}

function start(): void {
  writeState(fromHash(location.hash) ?? INITIAL);
  for (const input of [el.expr, el.wrt, el.let, el.where]) input.addEventListener("input", schedule);
  for (const input of [el.check, el.hessian, el.symmetric]) input.addEventListener("change", schedule);
  el.steps.addEventListener("toggle", () => { if (el.steps.open) showSteps(readState()); });
  window.addEventListener("hashchange", () => {
    const s = fromHash(location.hash);
    if (s && toHash(s) !== toHash(readState())) { writeState(s); update(); }
  });

  const nav = document.querySelector<HTMLElement>(".examples")!;
  for (const ex of EXAMPLES) {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: ex.label, title: `${ex.state.expr}, with respect to ${ex.state.wrt}` });
    b.addEventListener("click", () => { writeState({ ...INITIAL, ...ex.state }); schedule(); el.expr.focus(); });
    nav.append(b);
  }
  for (const p of codePanels) p.copyButton.addEventListener("click", () => void copy(p.code.textContent ?? "", p.copyButton));
  $<HTMLButtonElement>("copy-latex").addEventListener("click", (e) => void copy(el.latex.textContent ?? "", e.currentTarget as HTMLButtonElement));
  $<HTMLButtonElement>("copy-link").addEventListener("click", (e) => void copy(location.href, e.currentTarget as HTMLButtonElement));
  $<HTMLSpanElement>("version").textContent = `matdiff ${VERSION}.`;
  update();
}

start();
