/**
 * The output formats: each is one entry, read by the command line
 * (`--format NAME`), the note-taking plugins (a block's `numpy` flag), the
 * playground (its code panels) and the answer keys. A Python backend
 * (print/python-backends.ts) is a format by being there: adding a backend
 * adds `--format`, the plugin flag and the playground panel.
 */
import { checkBasis } from "./pipeline/check.js";
import type { DifferentiateResult, SeveralResult } from "./present/result.js";
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
  /** The same for several variables (`--wrt W_1,b_1`): one f, one df, then each result in the order asked. */
  renderSeveral(r: SeveralResult, opts?: RenderOptions): string;
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
  const name = r.label;
  const s = style(color);
  const lines = [
    `${s.dim(`${name.function.text} =`)} ${r.function.text}`,
    // the name as printed, β, ŷ, ℓ: the record is keyed by the canonical name (beta), as JSON has it
    ...Object.entries(r.definitions ?? {}).map(([n, d]) => `${s.dim(`  where ${nameText(n)} =`)} ${d.text}`),
    ...(r.derivation ? ["", ...r.derivation.text.split("\n").slice(0, -1), s.bold(r.derivation.text.split("\n").at(-1)!), ""] : [`${s.dim(`${name.differential.text} =`)} ${r.differential.text}`]),
    ...(r.gradient && name.gradient && !r.derivation ? [`${s.dim(`${name.gradient.text} =`)} ${r.gradient.text}`] : []),
    ...(r.secondDifferential && name.secondDifferential && !r.derivation ? [`${s.dim(`${name.secondDifferential.text} =`)} ${r.secondDifferential.text}`] : []),
    ...(r.parameterisation && !r.derivation ? [
      ...r.parameterisation.pushForward.map((p) => `${s.dim("where")} ${p.text}`),
      ...r.parameterisation.gradients.map((g) => `${s.dim(`${g.label.text} =`)} ${g.value.text}`),
    ] : []),
    ...(r.derivation ? [] : [`${s.bold(`${name.text} =`)} ${s.bold(r.derivative.text)}`]),
    ...(r.parameterisation?.components ? [`${s.dim("per component:")} ${r.parameterisation.components.text}`] : []),
    ...(r.parameterisation?.vjp ? [`${s.dim("as VJPs:")} ${name.text} = ${r.parameterisation.vjp.text}`] : []),
    ...(r.parameterisation?.jvp ? [`${s.dim("as a JVP:")} ${r.parameterisation.jvp.text}`] : []),
    s.dim(`layout: ${r.layout}`),
    s.dim(`shapes: ${groupShapes(r.shapes)}`),
  ];
  if (r.convention) lines.push(s.dim(`convention: ${r.convention.text}`));
  for (const note of r.notes) lines.push(s.dim(`note: ${note}`));
  if (r.check?.inconclusive) lines.push(`check: ${s.yellow("inconclusive")}: ${r.check.detail ?? "no valid sample"}`);
  else if (r.check) {
    const verdict = r.check.ok ? s.green("passed") : s.red("FAILED");
    lines.push(`check: ${verdict} (relative error ${r.check.relError.toExponential(1)} against ${checkBasis(r.check)})`);
  }
  return lines.join("\n");
}

/** With shared subexpressions named, each result is written with the names: the backward pass. */
const shownOf = (r: SeveralResult) => (i: number) => r.common?.results[i] ?? { ...r.results[i]!.derivative };

function renderSeveralText(r: SeveralResult, color: boolean): string {
  const shown = shownOf(r);
  const s = style(color);
  const { function: f, differential: df } = r.results[0]!.label;
  const lines = [`${s.dim(`${f.text} =`)} ${r.function.text}`, `${s.dim(`${df.text} =`)} ${r.differential.text}`];
  for (const d of r.common?.definitions ?? []) lines.push(`${s.dim(`where ${d.name.text} =`)} ${d.text}`);
  r.results.forEach((x, i) => {
    if (x.derivation) lines.push(...(lines.at(-1) === "" ? [] : [""]), ...x.derivation.text.split("\n"), "");
    else lines.push(`${s.bold(`${x.label.text} =`)} ${s.bold(shown(i).text)}`);
  });
  const plain = r.results.every((x) => x.kind === "gradient" && !x.parameterisation);
  if (plain) lines.push(s.dim(`layout: each gradient has the shape of its variable: ${df.text} = Σ tr(∇_X ${f.text}ᵀ dX)`));
  else for (const x of r.results) lines.push(s.dim(`layout: ${x.wrt.text}: ${x.layout}`));
  lines.push(s.dim(`shapes: ${groupShapes(r.shapes)}`));
  for (const x of r.results) if (x.convention) lines.push(s.dim(`convention: ${x.wrt.text}: ${x.convention.text}`));
  for (const note of r.notes) lines.push(s.dim(`note: ${note}`));
  for (const x of r.results) {
    if (!x.check) continue;
    const verdict = x.check.inconclusive ? s.yellow("inconclusive") : x.check.ok ? s.green("passed") : s.red("FAILED");
    lines.push(`check ${x.wrt.text}: ${verdict} (relative error ${x.check.relError.toExponential(1)} against ${checkBasis(x.check)})`);
  }
  return lines.join("\n");
}

const indexForm = (r: DifferentiateResult) => [r.derivative.index?.text ?? "(no entrywise form)", ...(r.derivative.einsum ? [r.derivative.einsum] : [])].join("\n");

const pythonFormat = (backend: PythonBackend): Format & { readonly name: PythonBackend } => ({
  name: backend, title: PYTHON_BACKENDS[backend].title, summary: `a Python expression over ${PYTHON_BACKENDS[backend].title}`,
  display: "inline", language: "python", showsIndex: false,
  render: (r) => [
    r.derivative[backend],
    // through opaque functions: J_A is an argument (A.size × θ.size, column-major vec); or pass callables vjp_A(G)
    // the parameterisation's callables are spelled for NumPy only so far
    ...(r.parameterisation?.vjp && backend === "numpy" ? [
      `# or with callables ${r.parameterisation.jacobians.map((j) => `vjp_${j.numpy.slice(2)}(G) = ${j.numpy}.T @ vec(G), shaped like ${nameText(j.wrt)}`).join("; ")}:`,
      r.parameterisation.vjp.numpy,
    ] : []),
  ].join("\n"),
  renderSeveral: (r) => {
    // the shared names (the backward pass) are spelled for NumPy only so far: other backends write each gradient out
    const shown = shownOf(r);
    const common = backend === "numpy" ? r.common : undefined;
    return [
      ...(common?.definitions ?? []).map((d) => `${d.name.numpy} = ${d.numpy}`),
      ...r.results.map((x, i) => `grad_${x.wrt.name.replace(/\W/g, "")} = ${common ? shown(i).numpy : x.derivative[backend]}`),
    ].join("\n");
  },
});

/** The formats that are program text (NumPy, …): the plugins' flags and the playground's code panels. */
export const CODE_FORMATS: readonly (Format & { readonly name: PythonBackend })[] = PYTHON_BACKEND_NAMES.map(pythonFormat);

/** The formats in the order the help lists them. */
export const FORMATS: readonly Format[] = [
  {
    name: "text", title: "Text", summary: "readable, for a terminal", display: "block", language: "text", showsIndex: false,
    render: (r, o) => renderText(r, o?.color ?? false), renderSeveral: (r, o) => renderSeveralText(r, o?.color ?? false),
  },
  {
    name: "latex", title: "LaTeX", summary: "one equation (a derivation with --steps)", display: "block", language: "latex", showsIndex: false,
    render: (r) => r.derivation?.latex ?? `${r.label.applied?.latex ?? r.label.latex} = ${r.derivative.latex}`,
    renderSeveral: (r) => {
      const shown = shownOf(r);
      return `\\begin{aligned}\n${[
        ...(r.common?.definitions ?? []).map((d) => `${d.name.latex} &= ${d.latex}`),
        ...r.results.map((x, i) => `${x.label.latex} &= ${shown(i).latex}`),
      ].join(" \\\\\n")}\n\\end{aligned}`;
    },
  },
  { name: "json", title: "JSON", summary: "one object", display: "block", language: "json", showsIndex: true, render: (r) => safeJson(r, 2), renderSeveral: (r) => safeJson(r, 2) },
  ...CODE_FORMATS,
  {
    name: "index", title: "Index form", summary: "entrywise, in Einstein summation, and as np.einsum", display: "block", language: "text", showsIndex: true,
    render: (r) => indexForm(r),
    renderSeveral: (r) => r.results.map(indexForm).join("\n"),
  },
];

export const formatNamed = (name: string): Format | undefined => FORMATS.find((f) => f.name === name);
