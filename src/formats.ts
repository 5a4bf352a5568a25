/**
 * The output formats: each is one entry, read by the command line
 * (`--format NAME`), the note-taking plugins (a block's `numpy` flag), the
 * playground (its code panels) and the answer keys. A Python backend
 * (print/python-backends.ts) is a format by being there: adding a backend
 * adds `--format`, the plugin flag and the playground panel.
 */
import { resultName, type DifferentiateResult } from "./api.js";
import type { PythonBackend } from "./core/operations.js";
import { safeJson } from "./print/json.js";
import { PYTHON_BACKENDS, PYTHON_BACKEND_NAMES } from "./print/python-backends.js";
import { nameText } from "./print/text.js";

export interface RenderOptions {
  /** ANSI colours, for a terminal. */
  readonly color?: boolean;
}

export interface Format {
  readonly name: string;
  /** How a reader calls it: "NumPy", "LaTeX". */
  readonly title: string;
  /** What it prints, for the help: "a Python expression over np". */
  readonly summary: string;
  /** "block": several lines shown as a display; "inline": one expression, for running text or a code cell. */
  readonly display: "block" | "inline";
  /** The language of a code fence or highlighter; "python" marks program text. */
  readonly language: "text" | "latex" | "json" | "python";
  /** Whether the result's index form (which costs a little to compute) is shown. */
  readonly showsIndex: boolean;
  /** What `matdiff --format NAME` prints for a result (without the final newline). */
  render(r: DifferentiateResult, opts?: RenderOptions): string;
}

const style = (on: boolean) => ({
  bold: (s: string) => (on ? `\x1b[1m${s}\x1b[22m` : s),
  dim: (s: string) => (on ? `\x1b[2m${s}\x1b[22m` : s),
  red: (s: string) => (on ? `\x1b[31m${s}\x1b[39m` : s),
  green: (s: string) => (on ? `\x1b[32m${s}\x1b[39m` : s),
  yellow: (s: string) => (on ? `\x1b[33m${s}\x1b[39m` : s),
});

function groupShapes(shapes: Readonly<Record<string, string>>): string {
  const byShape = new Map<string, string[]>();
  for (const [name, s] of Object.entries(shapes)) byShape.set(s, [...(byShape.get(s) ?? []), nameText(name)]);
  return [...byShape].map(([s, names]) => `${names.join(", ")}: ${s}`).join("; ");
}

function renderText(r: DifferentiateResult, color: boolean): string {
  const name = resultName(r);
  const s = style(color);
  const lines = [
    `${s.dim("f =")} ${r.function.text}`,
    ...Object.entries(r.definitions ?? {}).map(([n, d]) => `${s.dim(`  where ${n} =`)} ${d.text}`),
    ...(r.derivation ? ["", ...r.derivation.text.split("\n").slice(0, -1), s.bold(r.derivation.text.split("\n").at(-1)!), ""] : [`${s.dim(r.function.shape.endsWith("×1") ? "df =" : "dF =")} ${r.differential.text}`]),
    ...(r.gradient ? [`${s.dim(`${r.wrt.shape === "1×1" ? `d/d${r.wrt.text}` : `∇_${r.wrt.text}`} f =`)} ${r.gradient.text}`] : []),
    ...(r.secondDifferential ? [`${s.dim("d²f =")} ${r.secondDifferential.text}`] : []),
    ...(r.derivation ? [] : [`${s.bold(`${name.text} =`)} ${s.bold(r.derivative.text)}`]),
    s.dim(`layout: ${r.layout}`),
    s.dim(`shapes: ${groupShapes(r.shapes)}`),
  ];
  if (r.convention) lines.push(s.dim(`convention: ${r.convention.text}`));
  for (const note of r.notes) lines.push(s.dim(`note: ${note}`));
  if (r.check?.inconclusive) lines.push(`check: ${s.yellow("inconclusive")}: ${r.check.detail ?? "no valid sample"}`);
  else if (r.check) {
    const verdict = r.check.ok ? s.green("passed") : s.red("FAILED");
    lines.push(`check: ${verdict} (relative error ${r.check.relError.toExponential(1)} against ${r.check.method}, ${r.check.trials} points)`);
  }
  return lines.join("\n");
}

const pythonFormat = (backend: PythonBackend): Format & { readonly name: PythonBackend } => ({
  name: backend, title: PYTHON_BACKENDS[backend].title, summary: `a Python expression over ${PYTHON_BACKENDS[backend].title}`,
  display: "inline", language: "python", showsIndex: false,
  render: (r) => r.derivative[backend],
});

/** The formats that are program text (NumPy, …): the plugins' flags and the playground's code panels. */
export const CODE_FORMATS: readonly (Format & { readonly name: PythonBackend })[] = PYTHON_BACKEND_NAMES.map(pythonFormat);

/** The formats in the order the help lists them. */
export const FORMATS: readonly Format[] = [
  { name: "text", title: "Text", summary: "readable, for a terminal", display: "block", language: "text", showsIndex: false, render: (r, o) => renderText(r, o?.color ?? false) },
  {
    name: "latex", title: "LaTeX", summary: "one equation (a derivation with --steps)", display: "block", language: "latex", showsIndex: false,
    render: (r) => r.derivation?.latex ?? `${resultName(r).latex} \\left(${r.function.latex}\\right) = ${r.derivative.latex}`,
  },
  { name: "json", title: "JSON", summary: "one object", display: "block", language: "json", showsIndex: true, render: (r) => safeJson(r, 2) },
  ...CODE_FORMATS,
  {
    name: "index", title: "Index form", summary: "entrywise, in Einstein summation, and as np.einsum", display: "block", language: "text", showsIndex: true,
    render: (r) => [r.derivative.index?.text ?? "(no entrywise form)", ...(r.derivative.einsum ? [r.derivative.einsum] : [])].join("\n"),
  },
];

export const formatNamed = (name: string): Format | undefined => FORMATS.find((f) => f.name === name);
