/**
 * The `matdiff` fenced block, shared by the markdown-it and remark plugins:
 *
 *     ```matdiff steps
 *     \|e\|^2 wrt theta
 *     let theta: vector
 *     where e = y - Phi theta
 *     ```
 *
 * One problem per block: the expression (ending in `wrt X`, or with `wrt X`
 * on a line of its own; a long one may run over several lines up to its
 * `wrt`), then any number of `let NAME: SPEC` and
 * `where NAME = EXPR` lines (several per line when `;`-separated). Lines
 * starting with `%` are comments. Words after `matdiff` in the info string
 * are flags: `steps` (derivation steps), `check` (against finite differences),
 * `numpy` (the NumPy code), `hessian` (second derivatives), `cookbook` (the
 * Matrix Cookbook's gradient convention for symmetric variables).
 *
 * Solving never throws: user errors and bugs alike come back as a
 * `BlockError`, so one bad block cannot break the rendering of a document.
 */
import { differentiate, type DifferentiateOptions, type DifferentiateResult, type Limits } from "../api.js";
import { MatdiffError, caretDisplay, visible } from "../errors.js";
import type { PythonBackend } from "../core/operations.js";
import { PYTHON_BACKEND_NAMES } from "../print/python-backends.js";

/** A block's options; each code format (formats.ts) is one, `numpy`, showing the result in that language. */
export type Flag = "steps" | "check" | "hessian" | "cookbook" | PythonBackend;
export const FLAGS: readonly Flag[] = ["steps", "check", ...PYTHON_BACKEND_NAMES, "hessian", "cookbook"];

export interface Problem {
  readonly expr: string;
  readonly wrt: string;
  readonly let: readonly string[];
  readonly where: readonly string[];
  readonly flags: ReadonlySet<Flag>;
}

/** What a renderer shows for a block that failed: all plain text, to be escaped by the renderer. */
export interface BlockError {
  /** A MatdiffError code, "block" for the block's own syntax, or "internal" for a bug. */
  readonly code: string;
  readonly message: string;
  /** The offending line with a caret run under the span (monospace). */
  readonly caret?: string;
  readonly hint?: string;
}

export type Outcome =
  | { readonly ok: true; readonly problem: Problem; readonly result: DifferentiateResult }
  | { readonly ok: false; readonly error: BlockError };

/** Options shared by both plugins; flags given here apply to every block; `numpy: true` shows the NumPy code in every block. */
export type BlockOptions = BlockSettings & { readonly [B in PythonBackend]?: boolean };

interface BlockSettings {
  /** Show derivation steps in every block (otherwise only with `steps` in the info string). */
  readonly steps?: boolean;
  /** Check every result against finite differences (otherwise only with `check`). */
  readonly check?: boolean;
  /** The gradient convention for symmetric variables in every block: `cookbook` is what the `cookbook` flag asks for. */
  readonly symmetric?: "sym" | "cookbook";
  /** Resource limits for each block (see the library's `DEFAULT_LIMITS`). */
  readonly limits?: Partial<Limits>;
}

/** A block that does not follow the block syntax (thrown by `parseBlock` and `parseFlags`). */
export class BlockSyntaxError extends Error {
  constructor(message: string, readonly caret?: string, readonly hint?: string) {
    super(message);
    this.name = "BlockSyntaxError";
  }
}

/** The fence info string names a matdiff block: `matdiff`, `matdiff steps`, `{matdiff}`... */
export function isMatdiffInfo(info: string, name = "matdiff"): boolean {
  const first = info.trim().split(/\s+/)[0] ?? "";
  return first === name || first === `{${name}}`;
}

/** Flags after the block's name; an unknown word is an error (a typo would otherwise pass silently). */
export function parseFlags(words: string): Set<Flag> {
  const flags = new Set<Flag>();
  for (const w of words.trim().split(/[\s,]+/).filter(Boolean)) {
    const word = w.toLowerCase();
    if (!(FLAGS as readonly string[]).includes(word)) {
      throw new BlockSyntaxError(`unknown option '${w}' after matdiff`, undefined, `the options are ${FLAGS.join(", ")}`);
    }
    flags.add(word as Flag);
  }
  return flags;
}

const KEYWORD = /^(let|where|wrt)(?:\s+|$)/i;
/** The last ` wrt ` on the line, so the expression may itself contain w, r and t. */
const TRAILING_WRT = /^(.*\S)\s+wrt\s+(\S.*)$/i;

/** Reads a block's content; `meta` is the info string after the block's name. Throws `BlockSyntaxError`. */
export function parseBlock(content: string, meta = ""): Problem {
  const flags = parseFlags(meta);
  let expr: string | undefined;
  let wrt: string | undefined;
  const lets: string[] = [];
  const wheres: string[] = [];
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith("%")) continue;
    const kw = KEYWORD.exec(line);
    if (kw) {
      const keyword = kw[1]!.toLowerCase();
      const rest = line.slice(kw[0].length).trim();
      if (!rest) throw new BlockSyntaxError(`'${keyword}' needs something after it`, caretDisplay(line, 0, keyword.length), HINTS[keyword]);
      if (keyword === "wrt") {
        if (wrt !== undefined) throw new BlockSyntaxError("more than one 'wrt' in the block", caretDisplay(line, 0, line.length));
        wrt = rest;
      } else {
        const parts = rest.split(";").map((p) => p.trim()).filter(Boolean);
        (keyword === "let" ? lets : wheres).push(...parts);
      }
      continue;
    }
    if (wrt !== undefined) {
      throw new BlockSyntaxError("one problem per block: this line comes after 'wrt' and is neither 'let' nor 'where'", caretDisplay(line, 0, line.length),
        "start a new ```matdiff block for another problem");
    }
    // a long expression may run over several lines, up to its `wrt`
    const m = TRAILING_WRT.exec(line);
    const part = m ? m[1]! : line;
    expr = expr === undefined ? part : `${expr}\n${part}`;
    if (m) wrt = m[2]!.trim();
  }
  if (expr === undefined) throw new BlockSyntaxError("the block has no expression", undefined, "e.g. tr(A^{-1} B) wrt A");
  return { expr, wrt: wrt ?? "", let: lets, where: wheres, flags };
}

const HINTS: Record<string, string> = {
  let: "e.g. let S: symmetric; A: m x n",
  where: "e.g. where e = y - Phi theta",
  wrt: "e.g. wrt A",
};

/**
 * The engine's messages name the command line's options (`--let "S: symmetric"`);
 * a block spells them as its own lines (`let S: symmetric`).
 */
export function blockWording(s: string): string {
  return s
    .replace(/--(let|where) "(.*?)"(?=[:\s]|$)/g, "$1 $2")
    .replace(/--(let|where|wrt)\b/g, "$1")
    .replace(/--symmetric cookbook/g, "the cookbook option");
}

/** The block's flags plus those the plugin's options turn on for every block. */
export function effectiveFlags(flags: ReadonlySet<Flag>, defaults: BlockOptions = {}): Set<Flag> {
  const out = new Set(flags);
  if (defaults.steps) out.add("steps");
  if (defaults.check) out.add("check");
  for (const code of PYTHON_BACKEND_NAMES) if (defaults[code]) out.add(code);
  if (defaults.symmetric === "cookbook") out.add("cookbook");
  return out;
}

/** The engine's options for a problem; `steps` is asked for even where the engine does not yet give them. */
export function optionsFor(problem: Problem, defaults: BlockOptions = {}): DifferentiateOptions {
  const flags = effectiveFlags(problem.flags, defaults);
  const flag = (f: Flag) => flags.has(f);
  // `steps` is newer than some engines' option types; `hessian` too
  const options: DifferentiateOptions & { steps?: boolean; hessian?: boolean } = {
    wrt: problem.wrt,
    let: problem.let,
    where: problem.where,
    ...(flag("cookbook") ? { symmetric: "cookbook" as const } : {}),
    ...(flag("check") ? { check: true } : {}),
    ...(flag("steps") ? { steps: true } : {}),
    ...(flag("hessian") ? { hessian: true } : {}),
    ...(defaults.limits ? { limits: defaults.limits } : {}),
  };
  return options;
}

/** Turns anything thrown while solving into what a renderer shows. */
export function toBlockError(err: unknown, problem?: Problem): BlockError {
  if (err instanceof BlockSyntaxError) {
    // the block's own messages quote its text: control and bidi characters are shown, not obeyed (as in MatdiffError)
    return { code: "block", message: visible(err.message), ...(err.caret ? { caret: err.caret } : {}), ...(err.hint ? { hint: visible(err.hint) } : {}) };
  }
  if (err instanceof MatdiffError) {
    const text = err.source ?? problem?.expr;
    const caret = err.start !== undefined && text !== undefined ? caretDisplay(text, err.start, err.end ?? err.start + 1) : undefined;
    let message = blockWording(err.message);
    if (err.code === "wrt" && problem && !problem.wrt.trim()) message = "missing 'wrt': say which variable to differentiate with respect to";
    const hint = err.hint ? blockWording(err.hint) : undefined;
    return { code: err.code, message, ...(caret ? { caret } : {}), ...(hint ? { hint } : {}) };
  }
  const message = visible(err instanceof Error ? err.message : String(err));
  return { code: "internal", message: `internal error (this is a bug in matdiff, please report it): ${message}` };
}

/** Parses and solves one block. Never throws. */
export function solveBlock(content: string, meta: string, defaults: BlockOptions = {}): Outcome {
  let problem: Problem | undefined;
  try {
    const parsed = parseBlock(content, meta);
    problem = { ...parsed, flags: effectiveFlags(parsed.flags, defaults) };
    const result = differentiate(problem.expr, optionsFor(problem, defaults));
    return { ok: true, problem, result };
  } catch (err) {
    return { ok: false, error: toBlockError(err, problem) };
  }
}

/** The info string minus the block's name: "matdiff steps" → "steps". */
export function metaOf(info: string): string {
  return info.trim().replace(/^\S+\s*/, "");
}

/** A small least-recently-used cache: previews re-render the whole document on every keystroke. */
export class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) { this.map.delete(key); this.map.set(key, v); }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}
