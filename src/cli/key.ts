/**
 * `matdiff key PROBLEMS [-o OUT] [--format md|html|tex|json]`: an answer key
 * for a problem set. Loaded only for this subcommand (the CLI's start-up stays
 * light); the file system is touched here, never in the library.
 */
// node:fs, not node:fs/promises: that module loads readline and the directory watchers, some 3 ms of a key's start
import { closeSync, existsSync, openSync, readFile, readSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, extname, basename, resolve } from "node:path";
import { readProblemSet, type ProblemSet } from "../key/problems.js";
import { solveProblems, failureLines, renderJson, KeyWriter, keyBudget, KeyBudgetError, KEY_TIMEOUT_MS } from "../key/key.js";
import { solveAll, serveKeyJobs } from "./pool.js";
import { Spool } from "./spool.js";
import { Typesetter } from "./typesetter.js";
import { processIO, type CliIO } from "./io.js";
import { OptionError, parseOptions } from "./args.js";
import { visible } from "../errors.js";

const FORMATS = ["md", "html", "tex", "json"] as const;
type KeyFormat = (typeof FORMATS)[number];

export const KEY_HELP = `matdiff key PROBLEMS [-o OUT] [--format md|html|tex|json] [--timeout SECONDS]

An answer key for a problem set: every problem solved, with its derivation,
shapes, conventions and a verification stamp from the numeric check.

PROBLEMS is YAML (a list of problems with expr, wrt and optional title, text,
let, where, hessian, symmetric) or Markdown (one problem per heading, in a
\`\`\`matdiff block). The format is OUT's extension (.md, .markdown, .html,
.htm, .tex, .json) unless --format says otherwise; an unknown extension needs
--format. Without -o the key goes to standard output (Markdown by default).
OUT is written whole or not at all, and never over PROBLEMS. A problem that fails is reported in the key
and on standard error with its place in the file, and the exit code is 1.
The whole set has a budget of --timeout SECONDS (default 120) besides each
problem's own: past it no key is written and the exit code is 1.

Exit codes: 0 every problem solved, 1 a problem failed or the budget ran out,
2 bad command line or unreadable file, 4 internal error (a bug).
`;

/** KaTeX's stylesheet with its woff2 fonts inlined, so the HTML key works offline. */
export async function inlinedKatexCss(): Promise<string> {
  const cssPath = katexFile("dist/katex.min.css");
  const css = (await read(cssPath)).toString("utf8");
  const names = [...new Set(Array.from(css.matchAll(/url\((fonts\/[^)]+\.woff2)\)/g), (m) => m[1]!))];
  const fonts = new Map(await Promise.all(names.map(async (name) => [name, (await read(join(dirname(cssPath), name))).toString("base64")] as const)));
  // keep only the woff2 source of each @font-face: every browser that renders the key reads it
  return css.replace(/src:([^;}]*)/g, (_all, srcs: string) => {
    const woff2 = /url\((fonts\/[^)]+\.woff2)\)\s*format\("woff2"\)/.exec(srcs);
    return woff2 ? `src:url(data:font/woff2;base64,${fonts.get(woff2[1]!)}) format("woff2")` : `src:${srcs}`;
  });
}

const read = (path: string) => new Promise<Buffer>((done, fail) => readFile(path, (err, data) => (err ? fail(err) : done(data))));

/**
 * A file of the installed KaTeX package. Looked for in the node_modules directories Node would search before
 * Node's own resolver is asked: resolving through the package's exports map loads the ES module resolver,
 * some 4 ms of a key.
 */
function katexFile(file: string): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths("katex") ?? []) if (existsSync(join(dir, "katex", "package.json"))) return join(dir, "katex", file);
  return require.resolve(`katex/${file}`);
}

export async function keyMain(argv: readonly string[], ioRaw: CliIO): Promise<number> {
  // messages quote file names, options and problem text: control and bidi characters are shown, not obeyed
  const io: CliIO = { ...ioRaw, stderr: (text) => ioRaw.stderr(visible(text)) };
  let parsed;
  try {
    parsed = parseOptions(argv, {
      output: { type: "string", short: "o" }, format: { type: "string", short: "f" }, seed: { type: "string" }, timeout: { type: "string" }, help: { type: "boolean", short: "h" },
    });
  } catch (err) {
    if (!(err instanceof OptionError)) throw err;
    const m = err.message;
    io.stderr(`matdiff key: ${m.charAt(0).toLowerCase()}${m.slice(1)}\nTry 'matdiff key --help'.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { io.stdout(KEY_HELP); return 0; }
  if (positionals.length !== 1) {
    io.stderr(`matdiff key: expected one problems file, got ${positionals.length}\nTry 'matdiff key --help'.\n`);
    return 2;
  }
  const file = positionals[0]!;
  if (values.format !== undefined && !(FORMATS as readonly string[]).includes(values.format)) {
    io.stderr(`matdiff key: unknown --format '${values.format}': use ${FORMATS.join(", ")}\n`);
    return 2;
  }
  const fromExt = values.output ? formatOfFile(values.output) : "md";
  if (values.format === undefined && fromExt === null) {
    io.stderr(`matdiff key: cannot tell the format of '${values.output}' from its extension: name it .md, .html, .tex or .json, or give --format ${FORMATS.join("|")}\n`);
    return 2;
  }
  const format = (values.format ?? fromExt) as KeyFormat;
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed)) { io.stderr(`matdiff key: --seed must be an integer\n`); return 2; }
  const timeout = values.timeout === undefined ? KEY_TIMEOUT_MS / 1000 : Number(values.timeout);
  if (!(timeout > 0 && timeout <= 86_400)) { io.stderr(`matdiff key: --timeout must be a number of seconds, more than 0 and at most 86400\n`); return 2; }

  if (values.output && sameFile(values.output, file)) {
    io.stderr(`matdiff key: refusing to write the key over its problems file ${file}: choose another -o\n`);
    return 2;
  }
  // each section goes to the spool as its problem is solved (src/cli/spool.ts); standard output has no spool, a
  // pipe cannot be written ahead of the head
  let spool: Spool | null = null;
  const parts: string[] = [];
  let source: string | null;
  try {
    source = readAtMost(file, PROBLEMS_LIMIT);
  } catch (err) {
    io.stderr(`matdiff key: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return 2;
  }
  if (source === null) {
    io.stderr(`matdiff key: ${file} is longer than ${PROBLEMS_LIMIT} bytes; split the problem set\n`);
    return 2;
  }
  if (values.output && format !== "json") {
    try {
      spool = new Spool(values.output);
    } catch (err) {
      io.stderr(`matdiff key: cannot write ${values.output}: ${describeFsError(err)}\n`);
      return 2;
    }
  }
  let typesetter: Typesetter | null = null;
  // whatever ends the key from here on, the typesetting thread ends too (it would keep the command waiting) and the
  // spool is removed; both are no-ops once the key is written
  try {
    // KaTeX's stylesheet and fonts are read while the problems are
    const katexCss = format === "html" ? inlinedKatexCss() : Promise.resolve("");
    katexCss.catch(() => undefined);
    const set = readProblemSet(source, file);
    if (format === "json") return await jsonKey(set, file, values.output, { ...(seed !== undefined ? { seed } : {}), timeoutMs: timeout * 1000 }, io);

    const unreadable = set.errors.map((e) => ({ message: e.message, location: e.location }));
    const writer = new KeyWriter(format, { title: set.title ?? "Answer key", ...(set.intro ? { intro: set.intro } : {}), unreadable, fileName: file });
    // KaTeX's stylesheet, some 400 KB of fonts in base64, goes to the file as bytes of its own: spliced into the head
    // as text, it made the head one two-byte string of 0.8 MB, built and encoded at the end of the key (10 ms of the
    // bench's). The head holds a mark in its place.
    const cssText = await katexCss;
    const css = Buffer.from(cssText, "utf8");
    // the head's place kept at the start of the file, the sections written after it: the file is the key at the end.
    // The head is made as long as it can be, by spaces HTML does not show, on standard output too: one document
    const atMost = writer.headBytesAtMost(STYLESHEET);
    if (atMost !== null && spool) spool.keep(atMost - STYLESHEET.length + css.length);
    // the typesetting thread (started with the command, src/cli/launch.ts) is told where to write
    if (format === "html") typesetter = new Typesetter((io.cores ?? 1) > 1 ? io.typesetWorker ?? null : null, spool ?? { write: (text) => parts.push(text) });
    const at = (l: { line: number; column: number }) => `${file}:${l.line}:${l.column}`;
    const failures: string[] = unreadable.map((f) => `${at(f.location)}: error: ${f.message}`);
    let solved = 0, entries = 0;
    try {
      const ctx = { fileName: file, spelling: set.spelling };
      const budget = keyBudget(set.problems.length, timeout * 1000);
      const jobs = set.problems.map((problem) => ({ problem, format, ctx, budget, typesetLater: typesetter !== null, ...(seed !== undefined ? { seed } : {}) }));
      // the typesetting thread has a core of its own: on two cores a solver thread beside it made a key of 600
      // problems slower (2.1 s against 1.8 s, 108 MiB against 87)
      await solveAll(jobs, io.keyWorker, (io.cores ?? 1) - (typesetter?.threaded ? 1 : 0), (solvedEntries) => {
        for (const e of solvedEntries) {
          const text = writer.section(e);
          if (typesetter) typesetter.add(text, e.formulas);
          else if (spool) spool.write(text);
          else parts.push(text);
          entries++;
          if (e.ok) solved++;
          if (e.failure) failures.push(`${at(e.failure.location)}: error: ${e.failure.message}`);
        }
      }, io.forcePool, typesetter ? () => typesetter!.room() : undefined);
      await typesetter?.finish();
    } catch (err) {
      spool?.discard();
      if (!(err instanceof KeyBudgetError)) throw err;
      io.stderr(`matdiff key: ${err.message}; no key written\n  hint: ${err.hint}\n`);
      return 1;
    }
    const { head, tail } = writer.end(STYLESHEET, atMost ?? undefined);
    const [before, after] = head.split(STYLESHEET) as [string, string | undefined];
    if (spool) {
      try {
        spool.finish(after === undefined ? before : [before, css, after], tail);
      } catch (err) {
        io.stderr(`matdiff key: cannot write ${values.output}: ${describeFsError(err)}\n`);
        return 2;
      }
    } else io.stdout(`${before}${after === undefined ? "" : cssText + after}${parts.join("")}${tail}`);
    return reported(io, failures, solved, entries + unreadable.length, values.output);
  } catch (err) {
    // a problem's own failure is its section's; this is the key's machinery failing, a bug: said as `matdiff` says one
    const e = err instanceof Error ? err : new Error(String(err));
    io.stderr(`matdiff key: internal error (this is a bug in matdiff): ${e.message}; no key written\n${e.stack ?? ""}\nPlease report it with the command line and the problems file that caused it.\n`);
    return 4;
  } finally {
    typesetter?.abandon();
    spool?.discard();
  }
}

/** The key as JSON: it holds the results themselves, so it is solved here, whole, and written at once. */
async function jsonKey(set: ProblemSet, file: string, out: string | undefined, opts: { seed?: number; timeoutMs: number }, io: CliIO): Promise<number> {
  let key;
  try {
    key = solveProblems(set, file, opts);
  } catch (err) {
    if (!(err instanceof KeyBudgetError)) throw err;
    io.stderr(`matdiff key: ${err.message}; no key written\n  hint: ${err.hint}\n`);
    return 1;
  }
  const output = renderJson(key);
  if (out) {
    try {
      writeWhole(out, output);
    } catch (err) {
      io.stderr(`matdiff key: cannot write ${out}: ${describeFsError(err)}\n`);
      return 2;
    }
  } else io.stdout(output);
  return reported(io, failureLines(key), key.entries.filter((e) => e.ok).length, key.entries.length + key.unreadable.length, out);
}

/** The failures on standard error with their places, and the count; the exit code. */
function reported(io: CliIO, failures: readonly string[], solved: number, total: number, out: string | undefined): number {
  for (const line of failures) io.stderr(`${line}\n`);
  if (out) io.stderr(`matdiff key: ${solved} of ${total} problems solved and verified → ${out}\n`);
  return failures.length ? 1 : 0;
}

/** `matdiff key` on a real process: the built command runs it without loading the rest of the command (src/cli/launch.ts). */
export const runKey = (argv: readonly string[], extra: Partial<CliIO> = {}): Promise<number> => keyMain(argv, { ...processIO(), ...extra });

export { streamedOutput } from "./io.js";

/** A pool worker of the built command (src/cli/launch.ts starts it): solves the problems it is sent. */
export function keyWorker(port: Parameters<typeof serveKeyJobs>[0]): void {
  serveKeyJobs(port);
}

/** Stands for KaTeX's stylesheet in the HTML key's head (the CSS never holds a NUL). */
const STYLESHEET = "\u0000katex-css\u0000";

/** Bytes of a problem set read at most (a set of hundreds of problems is some 100 KB; /dev/zero never ends). */
const PROBLEMS_LIMIT = 4 << 20;

/** A file's text, or null when it is longer than limit bytes (read no further than that). */
function readAtMost(path: string, limit: number): string | null {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    return length > limit ? null : buffer.subarray(0, length).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** The key format an output file's extension names, or null when it names none. */
export function formatOfFile(path: string): KeyFormat | null {
  const ext = extname(path).slice(1).toLowerCase();
  const byExt: Readonly<Record<string, KeyFormat>> = { md: "md", markdown: "md", html: "html", htm: "html", tex: "tex", json: "json" };
  return Object.hasOwn(byExt, ext) ? byExt[ext]! : null;
}

/** Do two paths name one file (through links, `./`, hard links)? A path that does not exist is no file yet. */
function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a), sb = statSync(b);
    return (sa.dev === sb.dev && sa.ino === sb.ino) || realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

/**
 * Writes `text` to `path` whole or not at all: into a temporary file beside it,
 * then renamed over it (atomic within one file system), so a write killed
 * halfway never leaves a truncated key in place of a good one.
 */
function writeWhole(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    writeFileSync(temp, text, { encoding: "utf8", flag: "wx" });
    renameSync(temp, path);
  } catch (err) {
    try { unlinkSync(temp); } catch { /* never made */ }
    throw err;
  }
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT": return "its directory does not exist";
    case "EACCES": case "EPERM": return "permission denied";
    case "EISDIR": return "it is a directory";
    case "ENOTDIR": return "a part of its path is not a directory";
    case "EROFS": return "the file system is read-only";
    case "ENOSPC": return "no space left on the device";
    default: return code ?? (err as Error).message;
  }
}
