/**
 * The library entry: text in, derivative out (or a MatdiffError). It never
 * touches `process` or the console, so it runs the same in Node, in the
 * browser and inside note-taking plugins.
 */
import * as E from "./core/expr.js";
import type { Expr, Sym } from "./core/expr.js";
import { formatShape, isScalarShape, type Dim } from "./core/shape.js";
import { MatdiffError } from "./errors.js";
import { parse, DEFAULT_LIMITS as PARSE_LIMITS } from "./syntax/parse.js";
import type { Node } from "./syntax/ast.js";
import { parseDeclaration, type Declaration } from "./shapes/declarations.js";
import { elaborate, conventionalRank, flippableSymbols, DEFAULT_MAX_POWER, type Definition, type ElaborateOptions, type Elaborated } from "./shapes/elaborate.js";
import { differential, expandDefinitions } from "./calculus/differential.js";
import { frobeniusGradient } from "./calculus/gradient.js";
import { symmetricGradient, CONVENTION_TEXT, type SymmetricConvention } from "./calculus/symmetric.js";
import { simplify, type StopReason, type Step } from "./simplify/index.js";
import { toLatex } from "./print/latex.js";
import { toText } from "./print/text.js";
import { toNumpy } from "./print/numpy.js";
import { checkGradient } from "./numeric/check.js";

export interface Limits {
  /** Characters of input (default 10,000). */
  readonly maxLength: number;
  /** Bracket nesting depth (default 200). */
  readonly maxDepth: number;
  /** Largest integer matrix power (default 64). */
  readonly maxPower: number;
  /** Rewrite steps of the simplifier (default 5,000). */
  readonly maxSteps: number;
  /** Wall-clock budget for one request in milliseconds (default 2,000). */
  readonly timeoutMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxLength: PARSE_LIMITS.maxLength,
  maxDepth: PARSE_LIMITS.maxDepth,
  maxPower: DEFAULT_MAX_POWER,
  maxSteps: 5000,
  timeoutMs: 2000,
};

export interface DifferentiateOptions {
  /** The variable: a symbol of the expression, in any spelling (`theta`, `\theta`, `θ`). */
  readonly wrt: string;
  /** Declarations: ["S: symmetric", "A: m x n"] or { S: "symmetric" }. */
  readonly let?: readonly string[] | Readonly<Record<string, string>>;
  /** Definitions: ["e = y - Phi theta"] or { e: "y - Phi theta" }. */
  readonly where?: readonly string[] | Readonly<Record<string, string>>;
  /** Gradient convention for a symmetric variable (default "sym"). */
  readonly symmetric?: SymmetricConvention;
  /** Check the result against central finite differences. */
  readonly check?: boolean | { readonly seed?: number; readonly trials?: number };
  readonly limits?: Partial<Limits>;
}

export interface Rendered {
  readonly latex: string;
  readonly text: string;
}

export interface CheckReport {
  readonly ok: boolean;
  /** Largest relative error between the result and central differences. */
  readonly relError: number;
  readonly trials: number;
  readonly method: string;
}

export interface DifferentiateResult {
  readonly ok: true;
  readonly kind: "gradient" | "derivative";
  readonly wrt: { readonly name: string; readonly shape: string; readonly latex: string; readonly text: string };
  readonly function: Rendered;
  readonly differential: Rendered;
  readonly derivative: Rendered & { readonly numpy: string };
  /** Every symbol's shape, e.g. { A: "n×n", x: "n×1", alpha: "1×1" }. */
  readonly shapes: Readonly<Record<string, string>>;
  readonly definitions?: Readonly<Record<string, Rendered>>;
  readonly convention?: { readonly symmetric: SymmetricConvention; readonly text: string };
  readonly notes: readonly string[];
  readonly simplification: { readonly steps: number; readonly stopped: StopReason; readonly rules: readonly string[] };
  readonly check?: CheckReport;
}

/** Reads a lone symbol in any spelling; null when the text is not one symbol. */
function symbolName(text: string, limits: Limits): string | null {
  let node: Node;
  try {
    node = parse(text, limits);
  } catch {
    return null;
  }
  return node.type === "ident" ? node.name : null;
}

function entries(v: readonly string[] | Readonly<Record<string, string>> | undefined, sep: string): string[] {
  if (!v) return [];
  if (Array.isArray(v)) return [...v];
  return Object.entries(v).map(([k, s]) => `${k}${sep} ${s}`);
}

function readDefinition(text: string, limits: Limits): Definition {
  const label = `--where "${text}"`;
  const eq = text.indexOf("=");
  if (eq < 0) throw new MatdiffError("declaration", `bad ${label}: expected NAME = EXPRESSION`, undefined, { hint: 'e.g. --where "e = y - Phi theta"' });
  const name = symbolName(text.slice(0, eq), limits);
  if (!name) throw new MatdiffError("declaration", `bad ${label}: '${text.slice(0, eq).trim()}' is not a single symbol`);
  // blank out "NAME =" so spans and line:col refer to the whole definition text
  const padded = " ".repeat(eq + 1) + text.slice(eq + 1);
  let node: Node;
  try {
    node = parse(padded, limits);
  } catch (err) {
    if (err instanceof MatdiffError) {
      throw new MatdiffError(err.code, `in ${label}: ${err.message}`, err.start !== undefined ? { start: err.start, end: err.end ?? err.start } : undefined, {
        source: text, ...(err.hint ? { hint: err.hint } : {}),
      });
    }
    throw err;
  }
  return { name, node, source: { text, offset: 0, label }, nameSpan: { start: 0, end: eq } };
}

/** How NumPy code refers to a symbolic dimension: the shape of a symbol that has it. */
function dimExpressions(symbols: Iterable<Sym>): (d: Dim) => string {
  const map = new Map<Dim, string>();
  for (const s of symbols) {
    if (!map.has(s.shape.rows) && typeof s.shape.rows === "string") map.set(s.shape.rows, `${numpyName(s.name)}.shape[0]`);
    if (!map.has(s.shape.cols) && typeof s.shape.cols === "string") map.set(s.shape.cols, `${numpyName(s.name)}.shape[1]`);
  }
  return (d) => (typeof d === "number" ? String(d) : map.get(d) ?? d);
}

const numpyName = (name: string) => name;

const render = (e: Expr): Rendered => ({ latex: toLatex(e), text: toText(e) });

/** Everything the pipeline computed, as expressions (for tests and richer front ends). */
export interface Analysis {
  readonly input: string;
  readonly f: Expr;
  readonly X: Sym;
  readonly df: Expr;
  /** The gradient before simplification (after the symmetric convention, if any). */
  readonly raw: Expr;
  readonly gradient: Expr;
  readonly symbols: ReadonlyMap<string, Sym>;
  readonly definitions: ReadonlyMap<string, Expr>;
  readonly convention: SymmetricConvention | undefined;
  readonly differentialRules: readonly string[];
  readonly simplification: { readonly steps: readonly Step[]; readonly stopped: StopReason };
  readonly notes: readonly string[];
  readonly limits: Limits;
  readonly deadline: number;
}

export function analyze(input: string, options: DifferentiateOptions): Analysis {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const deadline = Date.now() + limits.timeoutMs;
  const root = parse(input, limits);

  const declarations: Declaration[] = entries(options.let, ":").map((t) =>
    parseDeclaration(t, (raw) => symbolName(raw, limits) ?? raw.trim()));
  const definitions = entries(options.where, " =").map((t) => readDefinition(t, limits));

  if (!options.wrt || !options.wrt.trim()) {
    const names = [...new Set(collectNames(root))].sort();
    throw new MatdiffError("wrt", `missing the variable to differentiate with respect to`, undefined, {
      hint: names.length ? `the expression's symbols are ${names.join(", ")}; e.g. --wrt ${names[0]}` : undefined,
    });
  }
  const wrtName = symbolName(options.wrt, limits);
  if (!wrtName || wrtName === "I") {
    throw new MatdiffError("wrt", `--wrt must name one symbol, e.g. --wrt A; '${options.wrt}' is not a symbol`);
  }
  if (definitions.some((d) => d.name === wrtName)) {
    throw new MatdiffError("wrt", `${wrtName} is defined by --where; differentiate with respect to a symbol it is built from`);
  }

  const notes: string[] = [];
  const el = elaborateWithConventions(root, input, { declarations, definitions, extraSymbols: [wrtName], maxPower: limits.maxPower }, notes);
  const f = el.expr;
  const X = el.symbols.get(wrtName)!;
  if (!isScalarShape(f.shape)) {
    throw new MatdiffError("unsupported", `the expression is ${formatShape(f.shape)}, not a scalar: Jacobians of vector- and matrix-valued functions are not supported yet`, { start: 0, end: input.length });
  }
  const usesX = E.contains(expandDefinitions(f, el.definitions), (e) => e === X);
  if (!usesX) notes.push(`${wrtName} does not occur in the expression, so the gradient is 0`);

  const dX = E.diff(X);
  const { df, rules } = differential(f, { wrt: new Map([[wrtName, dX]]), definitions: el.definitions });
  let raw = frobeniusGradient(df, dX);
  const convention = X.props.symmetric || X.props.posdef ? options.symmetric ?? "sym" : undefined;
  if (convention) raw = symmetricGradient(raw, convention);
  raw = foldDefinitions(raw, el.definitions, el.symbols);
  const simplified = simplify(raw, { maxSteps: limits.maxSteps, deadline });
  if (simplified.stopped !== "fixpoint") notes.push(`simplification stopped early (${simplified.stopped}); the result is correct but may not be in its simplest form`);
  return {
    input, f, X, df, raw, gradient: simplified.expr, symbols: el.symbols, definitions: el.definitions, convention,
    differentialRules: rules, simplification: { steps: simplified.steps, stopped: simplified.stopped }, notes, limits, deadline,
  };
}

export function differentiate(input: string, options: DifferentiateOptions): DifferentiateResult {
  const a = analyze(input, options);
  const { f, X, gradient: G, convention } = a;
  const dfShown = simplify(a.df, { maxSteps: a.limits.maxSteps, deadline: a.deadline }).expr;

  const shapes: Record<string, string> = {};
  for (const [name, s] of a.symbols) shapes[name] = formatShape(s.shape);
  const defsOut: Record<string, Rendered> = {};
  for (const [name, body] of a.definitions) defsOut[name] = render(body);

  let check: CheckReport | undefined;
  if (options.check) {
    const opts = typeof options.check === "object" ? options.check : {};
    const r = checkGradient({
      f: expandDefinitions(f, a.definitions), wrt: X, gradient: expandDefinitions(G, a.definitions),
      ...(convention ? { symmetric: convention } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.trials !== undefined ? { trials: opts.trials } : {}),
    });
    check = { ok: r.ok, relError: r.relError, trials: r.trials, method: "central finite differences on random inputs" };
  }

  return {
    ok: true,
    kind: isScalarShape(X.shape) ? "derivative" : "gradient",
    wrt: { name: X.name, shape: formatShape(X.shape), latex: toLatex(X), text: toText(X) },
    function: render(f),
    differential: render(dfShown),
    derivative: { ...render(G), numpy: toNumpy(expandDefinitions(G, a.definitions), { dimExpr: dimExpressions(a.symbols.values()) }) },
    shapes,
    ...(a.definitions.size ? { definitions: defsOut } : {}),
    ...(convention ? { convention: { symmetric: convention, text: CONVENTION_TEXT[convention] } } : {}),
    notes: a.notes,
    simplification: {
      steps: a.simplification.steps.length, stopped: a.simplification.stopped,
      rules: [...new Set(a.simplification.steps.map((s) => s.rule))],
    },
    ...(check ? { check } : {}),
  };
}

/**
 * Writes --where names back where their definitions appear, so the result
 * reads −2Φᵀe and 2((h − y) ⊙ h ⊙ (𝟏 − h))xᵀ, as a textbook writes it.
 */
function foldDefinitions(e: Expr, definitions: ReadonlyMap<string, Expr>, symbols: ReadonlyMap<string, Sym>): Expr {
  if (definitions.size === 0) return e;
  const byBody = new Map<number, Sym>();
  for (const [name, body] of definitions) if (body.kind !== "sym") byBody.set(body.id, symbols.get(name)!);
  return E.mapBottomUp(e, (x) => byBody.get(x.id) ?? x);
}

/**
 * Elaborates with DESIGN.md's conventions; if the expression does not fit
 * them, tries reading a few undeclared symbols against convention (θ as a
 * vector in ‖y − Φθ‖², t as a scalar in A + tB) and says so in a note.
 * The reading with the fewest changes that gives a scalar function wins.
 */
function elaborateWithConventions(root: Node, input: string, opts: ElaborateOptions, notes: string[]): Elaborated {
  const source = { text: input, offset: 0 };
  let firstError: unknown;
  try {
    const el = elaborate(root, source, opts);
    if (isScalarShape(el.expr.shape)) return el;
    firstError = null;
  } catch (err) {
    if (!(err instanceof MatdiffError) || err.code !== "shape") throw err;
    firstError = err;
  }
  const candidates = flippableSymbols(root, opts).slice(0, 6);
  const subsets: string[][] = [];
  for (let k = 1; k <= Math.min(3, candidates.length); k++) {
    const pick = (start: number, acc: string[]): void => {
      if (acc.length === k) { subsets.push(acc); return; }
      for (let i = start; i < candidates.length; i++) pick(i + 1, [...acc, candidates[i]!]);
    };
    pick(0, []);
  }
  for (const flipped of subsets) {
    try {
      const el = elaborate(root, source, { ...opts, flipped: new Set(flipped) });
      if (!isScalarShape(el.expr.shape)) continue;
      for (const name of flipped) {
        const rank = conventionalRank(name, true);
        notes.push(`${name} is read as a ${rank} (the convention would make it a ${rank === "vector" ? "scalar" : "vector"}); declare it with --let "${name}: ${rank}" to be explicit`);
      }
      return el;
    } catch (err) {
      if (!(err instanceof MatdiffError) || err.code !== "shape") throw err;
    }
  }
  if (firstError) throw firstError;
  return elaborate(root, source, opts);
}

function collectNames(n: Node): string[] {
  switch (n.type) {
    case "ident": return n.name === "I" ? [] : [n.name];
    case "number": case "ones": return [];
    case "binary": case "inner": return [...collectNames(n.left), ...collectNames(n.right)];
    case "neg": case "postfix": case "norm": return collectNames(n.arg);
    case "call": return n.args.flatMap(collectNames);
  }
}
