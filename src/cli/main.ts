/**
 * The command line: argument parsing and formatting only. Everything else is
 * the library's. I/O is injected so tests drive `main` without spawning.
 */
import { differentiate, differentiateAll, readQuestion } from "../api.js";
import { PROGRAMS, programNamed } from "../emit/python-programs.js";
import { FORMATS, formatNamed } from "../formats.js";
import { MatdiffError, caretDisplay, visible } from "../errors.js";
import { safeJson } from "../print/json.js";
import { InternalError } from "../core/expr.js";
import { VERSION } from "../version.js";
import { EXIT, type CliIO } from "./io.js";
import { OptionError, parseOptions } from "./args.js";

export { EXIT, type CliIO } from "./io.js";

/** Bytes of standard input read at most: far above any expression (the library's limit is 10,000 characters). */
export const STDIN_LIMIT = 1 << 20;

export const HELP = `matdiff ${VERSION} — matrix derivatives in closed form, checked numerically

Usage:
  matdiff EXPR --wrt X [options]
  echo EXPR | matdiff --wrt X [options]       (EXPR absent or "-": read standard input)
  matdiff key PROBLEMS [-o OUT] [--format md|html|tex|json]   (an answer key; see matdiff key --help)

Options:
  --wrt X               the variable (a symbol of EXPR: A, x, theta, \\Sigma, ...);
                        several, --wrt W_1,b_1 or repeated, share one differential;
                        not needed when EXPR names it: "\\nabla_x f", "f(x) = ..."
  --let "NAME: SPEC"    declare a shape: scalar, vector, matrix, symmetric, posdef,
                        diagonal, or sizes "m x n" (repeatable)
  --where "NAME = EXPR" name a subexpression, e.g. --where "e = y - Phi theta" (repeatable)
  --format FORMAT       the output (default text), one of:
${FORMATS.map((f) => `                          ${f.name.padEnd(8)}${f.summary}`).join("\n")}
  --emit PROGRAM        a whole program instead (--wrt repeatable), one of:
${PROGRAMS.map((p) => `                          ${p.name}  ${p.summary}`).join("\n")}
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
  const takesValue = new Set(["--wrt", "--let", "--where", "--format", "-f", "--emit", "--symmetric", "--seed"]);
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
    parsed = parseOptions(leadingMinusAsExpression(argv), {
        wrt: { type: "string", multiple: true },
        let: { type: "string", multiple: true },
        where: { type: "string", multiple: true },
        format: { type: "string", short: "f" },
        emit: { type: "string" },
        symmetric: { type: "string" },
        check: { type: "boolean" },
        hessian: { type: "boolean" },
        steps: { type: "boolean" },
        seed: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
    });
  } catch (err) {
    if (!(err instanceof OptionError)) throw err;
    return usageError(io, err.message.charAt(0).toLowerCase() + err.message.slice(1));
  }
  const { values, positionals } = parsed;
  if (values.help) { io.stdout(HELP); return EXIT.ok; }
  if (values.version) { io.stdout(`${VERSION}\n`); return EXIT.ok; }

  const format = formatNamed(values.format ?? "text");
  if (!format) return usageError(io, `unknown --format '${values.format}': use ${FORMATS.map((f) => f.name).join(", ")}`);
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
    const piped = await io.readStdin(STDIN_LIMIT);
    if (piped === null) return usageError(io, "no expression: give EXPR or pipe it on standard input");
    if (piped.length > STDIN_LIMIT) {
      io.stderr(`matdiff: error: standard input is longer than ${STDIN_LIMIT} bytes; an expression has at most 10000 characters\n`);
      return EXIT.input;
    }
    // trimEnd, not /\s+$/: that regular expression is quadratic in a run of spaces (200 KB of them took 46 s)
    expr = piped.trimEnd();
  }

  const wrts = values.wrt ?? [];
  const program = values.emit === undefined ? undefined : programNamed(values.emit);
  if (values.emit !== undefined && !program) return usageError(io, `unknown --emit '${values.emit}': use ${PROGRAMS.map((p) => p.name).join(", ")}`);
  if (program && (values.hessian || values.steps || values.check || values.format !== undefined)) {
    return usageError(io, `--emit ${program.name} writes a program: it does not take --format, --hessian, --steps or --check`);
  }

  try {
    if (program) {
      const quote = (s: string) => (/^[\w.:-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
      const commandLine = ["matdiff", quote(expr), ...wrts.flatMap((w) => ["--wrt", quote(w)]), ...(values.let ?? []).flatMap((l) => ["--let", quote(l)]),
        ...(values.where ?? []).flatMap((w) => ["--where", quote(w)]), "--emit", program.name].join(" ");
      io.stdout(program.emit(expr, {
        wrt: wrts, let: values.let ?? [], where: values.where ?? [],
        ...(values.symmetric ? { symmetric: values.symmetric as "sym" | "cookbook" } : {}),
      }, commandLine));
      return EXIT.ok;
    }
    const wrt = (values.wrt ?? []).join(",");
    const options = {
      let: values.let ?? [],
      where: values.where ?? [],
      ...(values.symmetric ? { symmetric: values.symmetric as "sym" | "cookbook" } : {}),
      ...(values.check ? { check: seed !== undefined ? { seed } : true } : {}),
      ...(values.hessian ? { hessian: true } : {}),
      ...(values.steps ? { steps: true } : {}),
      // the entrywise form costs a little at every start: only the formats that show it compute it
      ...(format.showsIndex ? {} : { index: false }),
    };
    // "W_1,b_1" or a repeated --wrt: every gradient from one differential
    const several = /,/.test(wrt.replace(/\{[^{}]*\}/g, "")) || (wrt === "" && readQuestion(expr).wrt.length > 1);
    const result = several ? differentiateAll(expr, { ...options, wrt }) : differentiate(expr, { ...options, wrt });
    io.stdout(`${result.kind === "several" ? format.renderSeveral(result, { color: io.color }) : format.render(result, { color: io.color })}\n`);
    const checks = result.kind === "several" ? result.results.flatMap((r) => (r.check ? [r.check] : [])) : result.check ? [result.check] : [];
    const inconclusive = checks.find((c) => c.inconclusive);
    const failed = checks.find((c) => !c.ok && !c.inconclusive);
    if (failed) {
      io.stderr(`matdiff: check FAILED: relative error ${failed.relError.toExponential(2)} against central finite differences\n`);
      return EXIT.checkFailed;
    }
    if (inconclusive) {
      io.stderr(`matdiff: check inconclusive: ${inconclusive.detail ?? "no valid sample"}\n`);
      return EXIT.checkFailed;
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof MatdiffError) {
      io[format.name === "json" ? "stdout" : "stderr"](formatError(err, expr, format.name, io.color));
      return err.code === "declaration" || err.code === "wrt" ? EXIT.usage : EXIT.input;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    const message = visible(e instanceof InternalError ? e.message : `internal error (this is a bug in matdiff): ${e.message}`);
    if (format.name === "json") io.stdout(`${safeJson({ ok: false, error: { code: "internal", message } })}\n`);
    io.stderr(`matdiff: ${message}\n${e.stack ?? ""}\nPlease report it with the command line that caused it.\n`);
    return EXIT.bug;
  }
}

const red = (s: string, on: boolean) => (on ? `\x1b[31m${s}\x1b[39m` : s);
const dim = (s: string, on: boolean) => (on ? `\x1b[2m${s}\x1b[22m` : s);

export function formatError(err: MatdiffError, expr: string, format: string, color: boolean): string {
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
  const lines = [`${red("matdiff: error:", color)} ${err.message}`];
  if (err.start !== undefined) {
    const text = err.source ?? expr;
    lines.push(...caretDisplay(text, err.start, err.end ?? err.start + 1).split("\n").map((l) => `  ${l}`));
  }
  if (err.hint) lines.push(`  ${dim("hint:", color)} ${err.hint}`);
  return `${lines.join("\n")}\n`;
}
