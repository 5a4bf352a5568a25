/**
 * The command line: argument parsing and formatting only. Everything else is
 * the library's. I/O is injected so tests drive `main` without spawning.
 */
import { parseArgs } from "node:util";
import { differentiate, resultName, type DifferentiateResult } from "../api.js";
import { MatdiffError, caretDisplay, visible } from "../errors.js";
import { safeJson } from "../print/json.js";
import { InternalError } from "../core/expr.js";
import { VERSION } from "../version.js";
import { nameText } from "../print/text.js";

export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The whole of standard input when it is piped, else null. */
  readonly readStdin: () => Promise<string | null>;
  readonly color: boolean;
}

export const EXIT = { ok: 0, input: 1, usage: 2, checkFailed: 3, bug: 4 } as const;

const FORMATS = ["text", "latex", "json", "numpy", "index"] as const;
type Format = (typeof FORMATS)[number];

export const HELP = `matdiff ${VERSION} — matrix derivatives in closed form, checked numerically

Usage:
  matdiff EXPR --wrt X [options]
  echo EXPR | matdiff --wrt X [options]       (EXPR absent or "-": read standard input)
  matdiff key PROBLEMS [-o OUT] [--format md|html|tex|json]   (an answer key; see matdiff key --help)

Options:
  --wrt X               the variable (a symbol of EXPR: A, x, theta, \\Sigma, ...)
  --let "NAME: SPEC"    declare a shape: scalar, vector, matrix, symmetric, posdef,
                        diagonal, or sizes "m x n" (repeatable)
  --where "NAME = EXPR" name a subexpression, e.g. --where "e = y - Phi theta" (repeatable)
  --format FORMAT       text (default), latex, json, numpy, or index (Einstein
                        summation and an np.einsum expression)
  --symmetric CONV      gradient convention for a symmetric variable:
                        sym (default, (G + Gᵀ)/2) or cookbook (G + Gᵀ − G∘I)
  --hessian             second derivatives of a scalar function (the Hessian)
  --steps               show the derivation, each step with the rule behind it
  --check               compare the result with central finite differences
  --seed N              random seed for --check
  -h, --help            this help
  -v, --version         the version

Results: the gradient of a scalar function (shape of X), the derivative by a
scalar, the Jacobian ∂f/∂x (m×n) or ∂vec(F)/∂vec(X) (Kronecker form), the Hessian.

Input: LaTeX or ASCII, mixed freely: det(A), u^T A v, A^3, tr(A^<-1>B),
\\operatorname{tr}(A^{-1}B), x'*A*x, \\|Ax-y\\|^2, sigmoid(W x + b), A .* B, kron(A, B).
Shapes follow from the expression (μ in (x − μ)ᵀΣ⁻¹(x − μ) is a vector); where it
leaves a choice, a gradient comes first, then the letters: uppercase matrices,
lowercase vectors, lowercase Greek scalars. A note names every other reading.

Exit codes: 0 success, 1 bad input, 2 bad command line, 3 check failed or inconclusive, 4 internal error (a bug).
`;

function usageError(io: CliIO, message: string): number {
  // messages quote the command line: control characters and bidi overrides are shown, not obeyed
  io.stderr(`matdiff: ${visible(message)}\nTry 'matdiff --help'.\n`);
  return EXIT.usage;
}

/** Short options; any other argument that starts with a single minus is an expression: `matdiff "-tr(X)" --wrt X`. */
const SHORT_OPTIONS: ReadonlySet<string> = new Set(["-f", "-h", "-v"]);

/**
 * The argument list with an expression that starts with a minus moved behind `--`, where parseArgs takes it
 * as positional. `matdiff -- "-tr(X)" --wrt X` ends the options before the expression only: what follows it
 * are options still.
 */
function leadingMinusAsExpression(argv: readonly string[]): string[] {
  const end = argv.indexOf("--");
  if (end >= 0) return end + 1 < argv.length ? [...argv.slice(0, end), ...argv.slice(end + 2), "--", argv[end + 1]!] : [...argv];
  const takesValue = new Set(["--wrt", "--let", "--where", "--format", "-f", "--symmetric", "--seed"]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (takesValue.has(a)) { i++; continue; }
    if (a.startsWith("-") && !a.startsWith("--") && a !== "-" && !SHORT_OPTIONS.has(a.slice(0, 2))) {
      return [...argv.slice(0, i), ...argv.slice(i + 1), "--", a];
    }
  }
  return [...argv];
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  // a subcommand, loaded on demand so plain differentiation starts fast
  if (argv[0] === "key") return (await import("./key.js")).keyMain(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({
      args: leadingMinusAsExpression(argv),
      allowPositionals: true,
      tokens: true,
      options: {
        wrt: { type: "string" },
        let: { type: "string", multiple: true },
        where: { type: "string", multiple: true },
        format: { type: "string", short: "f" },
        symmetric: { type: "string" },
        check: { type: "boolean" },
        hessian: { type: "boolean" },
        steps: { type: "boolean" },
        seed: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    return usageError(io, message.charAt(0).toLowerCase() + message.slice(1));
  }
  const { values, positionals } = parsed;
  // Several variables at once are issue 11's design; until it lands, a second --wrt must not silently replace the first.
  const wrts = parsed.tokens.filter((t) => t.kind === "option" && t.name === "wrt").length;
  if (wrts > 1) return usageError(io, `--wrt is given ${wrts} times; differentiate with respect to one variable at a time`);
  if (values.help) { io.stdout(HELP); return EXIT.ok; }
  if (values.version) { io.stdout(`${VERSION}\n`); return EXIT.ok; }

  const format = (values.format ?? "text") as Format;
  if (!FORMATS.includes(format)) return usageError(io, `unknown --format '${values.format}': use ${FORMATS.join(", ")}`);
  if (values.symmetric !== undefined && values.symmetric !== "sym" && values.symmetric !== "cookbook") {
    return usageError(io, `unknown --symmetric '${values.symmetric}': use sym or cookbook`);
  }
  if (positionals.length > 1) {
    return usageError(io, `expected one expression, got ${positionals.length}: ${positionals.map((p) => `'${p}'`).join(" ")} (quote the expression)`);
  }
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isSafeInteger(seed)) return usageError(io, `--seed must be an integer, not '${values.seed}'`);
  }

  let expr = positionals[0];
  if (expr === undefined || expr === "-") {
    const piped = await io.readStdin();
    if (piped === null) return usageError(io, "no expression: give EXPR or pipe it on standard input");
    expr = piped.replace(/\s+$/, "");
  }

  try {
    const result = differentiate(expr, {
      wrt: values.wrt ?? "",
      let: values.let ?? [],
      where: values.where ?? [],
      ...(values.symmetric ? { symmetric: values.symmetric as "sym" | "cookbook" } : {}),
      ...(values.check ? { check: seed !== undefined ? { seed } : true } : {}),
      ...(values.hessian ? { hessian: true } : {}),
      ...(values.steps ? { steps: true } : {}),
      // the entrywise form costs a little at every start: only the formats that show it compute it
      ...(format === "json" || format === "index" ? {} : { index: false }),
    });
    io.stdout(formatResult(result, format, io.color));
    if (result.check?.inconclusive) {
      io.stderr(`matdiff: check inconclusive: ${result.check.detail ?? "no valid sample"}\n`);
      return EXIT.checkFailed;
    }
    if (result.check && !result.check.ok) {
      io.stderr(`matdiff: check FAILED: relative error ${result.check.relError.toExponential(2)} against central finite differences\n`);
      return EXIT.checkFailed;
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof MatdiffError) {
      io[format === "json" ? "stdout" : "stderr"](formatError(err, expr, format, io.color));
      return err.code === "declaration" || err.code === "wrt" ? EXIT.usage : EXIT.input;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    const message = visible(e instanceof InternalError ? e.message : `internal error (this is a bug in matdiff): ${e.message}`);
    if (format === "json") io.stdout(`${safeJson({ ok: false, error: { code: "internal", message } })}\n`);
    io.stderr(`matdiff: ${message}\n${e.stack ?? ""}\nPlease report it with the command line that caused it.\n`);
    return EXIT.bug;
  }
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

export function formatResult(r: DifferentiateResult, format: Format, color: boolean): string {
  const name = resultName(r);
  switch (format) {
    case "json":
      return `${safeJson(r, 2)}\n`;
    case "numpy":
      return `${r.derivative.numpy}\n`;
    case "index":
      return `${r.derivative.index?.text ?? "(no entrywise form)"}\n${r.derivative.einsum ? `${r.derivative.einsum}\n` : ""}`;
    case "latex":
      if (r.derivation) return `${r.derivation.latex}\n`;
      return `${name.latex} \\left(${r.function.latex}\\right) = ${r.derivative.latex}\n`;
    case "text": {
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
      return `${lines.join("\n")}\n`;
    }
  }
}

export function formatError(err: MatdiffError, expr: string, format: Format, color: boolean): string {
  if (format === "json") {
    return `${safeJson({
      ok: false,
      error: {
        code: err.code, message: err.message,
        ...(err.start !== undefined ? { start: err.start, end: err.end } : {}),
        ...(err.hint ? { hint: err.hint } : {}),
        ...(err.source !== undefined ? { source: err.source } : {}),
      },
    })}\n`;
  }
  const s = style(color);
  const lines = [`${s.red("matdiff: error:")} ${err.message}`];
  if (err.start !== undefined) {
    const text = err.source ?? expr;
    lines.push(...caretDisplay(text, err.start, err.end ?? err.start + 1).split("\n").map((l) => `  ${l}`));
  }
  if (err.hint) lines.push(`  ${s.dim("hint:")} ${err.hint}`);
  return `${lines.join("\n")}\n`;
}
