/**
 * The library entry: text in, derivative out (or a MatdiffError). It never
 * touches `process` or the console, so it runs the same in Node, in the
 * browser and inside note-taking plugins.
 */
import * as E from "./core/expr.js";
import type { Expr, Sym } from "./core/expr.js";
import { formatShape, isScalarShape, mulDim, type Dim } from "./core/shape.js";
import * as Q from "./core/rational.js";
import { MatdiffError } from "./errors.js";
import { RationalOverflow } from "./core/rational.js";
import { parse, DEFAULT_LIMITS as PARSE_LIMITS } from "./syntax/parse.js";
import type { Node } from "./syntax/ast.js";
import { parseDeclaration, type Declaration } from "./shapes/declarations.js";
import { elaborate, nodesInOrder, conventionalRank, DEFAULT_MAX_POWER, type Definition, type Elaborated } from "./shapes/elaborate.js";
import { readShapes } from "./shapes/reading.js";
import { differential, expandDefinitions } from "./calculus/differential.js";
import { frobeniusGradient } from "./calculus/gradient.js";
import { symmetricGradient, diagonalGradient, CONVENTION_TEXT, type SymmetricConvention } from "./calculus/symmetric.js";
import { simplify, type StopReason, type Step } from "./simplify/index.js";
import { toLatex } from "./print/latex.js";
import { toText, nameText } from "./print/text.js";
import { GREEK } from "./syntax/greek.js";
import { latexText } from "./print/latex-text.js";
import { toNumpy } from "./print/numpy.js";
import { toPythonAll } from "./print/python-backends.js";
import { OPERATIONS, type PythonBackend } from "./core/operations.js";
import { freeSizes, pyName } from "./print/python.js";
import { Budget } from "./core/budget.js";
import { checkGradient, checkJacobian, checkParameterised, asPolynomialsIn, type CheckResult, type Dependent } from "./numeric/check.js";
import { vecJacobian, scalarDerivative } from "./calculus/jacobian.js";
import { derive, type DerivationStep } from "./calculus/steps.js";
import { commonSubexpressions } from "./present/common.js";
import { presentParameterisation as presentForms, type ParameterisationResult } from "./present/parameterisation.js";
import {
  checkDependencyCycles, intermediatesOf, dependentsOf, pullBackGradient, pushForwardJacobian, restrictDifferential, type Intermediate,
} from "./calculus/parameterised.js";
import { indexForm } from "./print/index-notation.js";
import { resultLabel, type ResultKind, type ResultLabel } from "./print/label.js";
import { DIFFERENTIALS } from "../rules/differentials.js";
import { SIMPLIFY_RULES } from "../rules/simplify/index.js";

export interface Limits {
  /** Characters of input (default 10,000). */
  readonly maxLength: number;
  /** Bracket nesting depth (default 200). */
  readonly maxDepth: number;
  /** Largest integer matrix power (default 64). */
  readonly maxPower: number;
  /** Rewrite steps of the simplifier (default 5,000). */
  readonly maxSteps: number;
  /**
   * Wall-clock budget for one request in milliseconds (default 2,000): parsing,
   * differentiation, simplification, printing, steps and the check all count.
   */
  readonly timeoutMs: number;
  /** Expression nodes one request may build, its memory budget (default 1,000,000, some 200 MB at most). */
  readonly maxNodes: number;
  /**
   * Operands of the expression written out in full, its --where definitions
   * substituted and matrix powers multiplied (default 20,000): the derivative
   * has a term for each, and the check and the NumPy form evaluate them all.
   */
  readonly maxExpandedSize: number;
  /** Characters of all the printed forms of a result together (default 2,000,000; one form stops at 4,000,000 regardless, print/infix.ts). */
  readonly maxOutput: number;
  /**
   * Entries of any one matrix the check samples (default 40,000, a 200 × 200):
   * a declared 100000 × 100000 is refused, not allocated. Past about that
   * size one draw of a matrix, with its condition number, already takes a good
   * part of the time budget.
   */
  readonly maxCheckEntries: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxLength: PARSE_LIMITS.maxLength,
  maxDepth: PARSE_LIMITS.maxDepth,
  maxPower: DEFAULT_MAX_POWER,
  maxSteps: 5000,
  timeoutMs: 2000,
  maxNodes: 1_000_000,
  maxExpandedSize: 20_000,
  maxOutput: 2_000_000,
  maxCheckEntries: 40_000,
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
  /** Second derivatives of a scalar function: the Hessian. */
  readonly hessian?: boolean;
  /** The derivation, step by step, with the rule behind each step. */
  readonly steps?: boolean;
  /** Include the index form (derivative.index, derivative.einsum); default true. */
  readonly index?: boolean;
  readonly limits?: Partial<Limits>;
}

/** Several variables (`["W_1", "b_1"]`, or `"W_1, b_1"`): one differential, every gradient. */
export type SeveralOptions = Omit<DifferentiateOptions, "wrt"> & { readonly wrt: string | readonly string[] };

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
  readonly detail?: string;
  /**
   * Not ok, yet not shown wrong: no sampled point had f defined and finite
   * differences settled (sin(σ(e).^{−1/2}) where σ(e) ≈ 1e-20 oscillates
   * faster than any step resolves), so nothing was compared.
   */
  readonly inconclusive?: true;
}

export interface DifferentiateResult {
  readonly ok: true;
  /**
   * gradient: scalar f of a vector or matrix; derivative: anything by a scalar;
   * jacobian: vector or matrix f of a vector or matrix (∂vec F/∂vec X);
   * hessian: second derivatives of a scalar f (with `hessian: true`).
   */
  readonly kind: ResultKind;
  readonly wrt: { readonly name: string; readonly shape: string; readonly latex: string; readonly text: string };
  readonly function: Rendered & { readonly shape: string };
  /** df, simplified: the differential form dF = Σ Lᵢ dX Rᵢ for matrix functions. */
  readonly differential: Rendered;
  /** d²f[dX, dX], for the Hessian of a function of a matrix. */
  readonly secondDifferential?: Rendered;
  /** For a Hessian: the gradient it differentiates. */
  readonly gradient?: Rendered;
  readonly derivative: Rendered & {
    readonly shape: string;
    /** Entrywise, Einstein summation: ∂f/∂X_{ij} = …, ∂F_{ij}/∂X_{kl} = … (absent if it cannot be written). */
    readonly index?: Rendered;
    /** The same as an np.einsum expression, when every factor has a NumPy form. */
    readonly einsum?: string;
  } & {
    /** Python over each backend's library and the variables: `numpy` (print/python-backends.ts). */
    readonly [B in PythonBackend]: string;
  };
  /**
   * The result's name as a textbook writes it (∇_θ f, ∂vec(F)/∂vec(X), dF/dt, ∇²_x f),
   * with the names that go with it (f or F, df or dF, d²f) and, in `applied`, the
   * name as an operator on the expression. Every surface prints these.
   */
  readonly label: ResultLabel;
  /** How the result is laid out, in words. */
  readonly layout: string;
  /** Every symbol's shape, e.g. { A: "n×n", x: "n×1", alpha: "1×1" }. */
  readonly shapes: Readonly<Record<string, string>>;
  readonly definitions?: Readonly<Record<string, Rendered>>;
  readonly convention?: { readonly symmetric: SymmetricConvention; readonly text: string };
  readonly notes: readonly string[];
  readonly simplification: { readonly steps: number; readonly stopped: StopReason; readonly rules: readonly string[] };
  readonly check?: CheckReport;
  /** When f depends on the variable through opaque functions A(θ) (`--let "A: matrix(theta)"`): the seed's forms. */
  readonly parameterisation?: ParameterisationResult;
  /** With `steps: true`: the derivation, one equality per step. */
  readonly steps?: readonly RenderedStep[];
  /** With `steps: true`: the derivation as one LaTeX `aligned` block. */
  readonly derivation?: { readonly latex: string; readonly text: string };
}

export type { ParameterisationResult };

export interface RenderedStep {
  /** The left-hand side when it is not the previous line's (df, vec(dF)). */
  readonly lhs?: Rendered;
  readonly latex: string;
  readonly text: string;
  /** Why this step holds, for a reader ("" for the first line). */
  readonly reason: string;
  /** The rule ids applied. */
  readonly rule: string;
  /** Their sources (Matrix Cookbook equations or derivations). */
  readonly source: string;
}

/**
 * How deeply operands may nest, not counting chains: a + a + … + a and A A … A
 * are left spines that the stages walk without recursion, but a right operand
 * or a function argument nests. Past this depth the input is refused cleanly
 * instead of overflowing the stack.
 */
export const MAX_TREE_DEPTH = 1000;

function guardTreeDepth(root: Node): void {
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length) {
    const [n, depth] = stack.pop()!;
    if (depth > MAX_TREE_DEPTH) {
      throw new MatdiffError("limit", `the expression is nested more than ${MAX_TREE_DEPTH} levels deep`, { start: n.span.start, end: n.span.end }, {
        hint: "split it into named parts with --where",
      });
    }
    switch (n.type) {
      case "binary": stack.push([n.left, depth], [n.right, depth + 1]); break;
      case "inner": stack.push([n.left, depth + 1], [n.right, depth + 1]); break;
      case "neg": case "postfix": stack.push([n.arg, depth]); break;
      case "norm": case "bars": stack.push([n.arg, depth + 1]); break;
      case "call": for (const a of n.args) stack.push([a, depth + 1]); break;
      default: break;
    }
  }
}

/**
 * Refuses an expression whose written-out form is too large, counted on the
 * shared graph without writing it out: each use of a --where name counts its
 * definition again, and a matrix power A^k counts A k times (its differential
 * has k terms). Thirty definitions e_i = e_{i−1} + e_{i−1} are 2³⁰ copies of
 * x; writing them out used to take 41 s and 3.8 GB before V8 gave up.
 */
function guardExpandedSize(f: Expr, definitions: ReadonlyMap<string, Expr>, limit: number): void {
  const memo = new Map<number, number>();
  const sizeOf = (e: Expr): number => {
    const hit = memo.get(e.id);
    if (hit !== undefined) return hit;
    let n: number;
    if (e.kind === "sym" && definitions.has(e.name)) n = sizeOf(definitions.get(e.name)!);
    else if (e.kind === "power" && !isScalarShape(e.shape)) n = Math.abs(e.exp.n) * sizeOf(e.arg);
    else {
      const kids = E.children(e);
      n = kids.length === 0 ? 1 : 0;
      for (const k of kids) n += sizeOf(k);
    }
    memo.set(e.id, n);
    return n;
  };
  const size = sizeOf(f);
  if (size <= limit) return;
  const biggest = [...definitions].map(([name, body]) => [name, sizeOf(body)] as const).sort((a, b) => b[1] - a[1])[0];
  throw new MatdiffError("limit", `written out in full, the expression has ${formatCount(size)} operands${biggest && biggest[1] > limit ? ` (${nameText(biggest[0])} alone has ${formatCount(biggest[1])})` : ""}; the limit is ${limit}`, undefined, {
    hint: definitions.size
      ? "every use of a --where name stands for its whole definition, so a chain of definitions that each use the previous twice doubles at every step"
      : "its derivative would have a term for each; split the problem into smaller ones",
  });
}

const formatCount = (n: number): string => (n < 1e15 ? String(Math.round(n)) : n.toExponential(2));

/** Reads a lone symbol in any spelling; null when the text is not one symbol. */
function symbolName(text: string, limits: Limits): string | null {
  // the common spellings (x, W_1, theta) need no parser; the rest (\theta, θ, \mathbf{x}) go through it
  const plain = /^\s*([A-Za-z])(?:_(\d+|[A-Za-z]+|\{([A-Za-z0-9]+)\}))?\s*$/.exec(text);
  if (plain) return plain[2] === undefined ? plain[1]! : `${plain[1]}_${plain[3] ?? plain[2]}`;
  if (GREEK.has(text.trim())) return text.trim();
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

/**
 * The operation table's notes for the functions f uses: a convention the
 * reader must know (relu′(0) = 0); for a column-wise function only where it
 * is applied to a matrix.
 */
function operationNotes(f: Expr): string[] {
  const out = new Set<string>();
  E.contains(f, (e) => {
    if (e.kind !== "fn") return false;
    const op = OPERATIONS[e.name];
    const matrixArg = e.arg.shape.rows !== 1 && e.arg.shape.cols !== 1;
    if (op.note && (op.kind !== "columns" || matrixArg)) out.add(op.note);
    return false;
  });
  return [...out];
}

/**
 * How Python code refers to a symbolic dimension: the shape of a symbol that
 * has it (defined names last: an input is there before any definition).
 */
export function dimExpressions(symbols: Iterable<Sym>, defined: ReadonlyMap<string, unknown> = new Map()): (d: Dim) => string {
  const map = new Map<Dim, string>();
  const ordered = [...symbols].sort((a, b) => Number(defined.has(a.name)) - Number(defined.has(b.name)));
  for (const s of ordered) {
    // a 1-D array has one axis: a vector's length is its shape[0]
    if (!map.has(s.shape.rows) && typeof s.shape.rows === "string") map.set(s.shape.rows, `${pyName(s.name)}.shape[0]`);
    if (!map.has(s.shape.cols) && typeof s.shape.cols === "string") map.set(s.shape.cols, `${pyName(s.name)}.shape[${s.shape.rows === 1 ? 0 : 1}]`);
  }
  return (d) => (typeof d === "number" ? String(d) : map.get(d) ?? d);
}

const render = (e: Expr): Rendered => ({ latex: toLatex(e), text: toText(e) });

/** A size no input carries is a name the Python forms use but do not define: the reader binds it. */
function freeSizeNote(a: Analysis, result: Expr): string[] {
  const free = freeSizes([expandDefinitions(result, a.definitions)], a.symbols.values());
  if (free.length === 0) return [];
  const names = free.join(", ");
  return [`the Python forms use the size${free.length > 1 ? "s" : ""} ${names}, which no input's shape gives: bind ${free.length > 1 ? "them" : "it"} (${free.map((d) => `${d} = 3`).join(", ")}) before evaluating; the programs of --emit take ${free.length > 1 ? "them as arguments" : "it as an argument"}`];
}

export type { ResultKind, ResultLabel } from "./print/label.js";

/** Everything the pipeline computed, as expressions (for tests and richer front ends). */
export interface Analysis {
  readonly input: string;
  readonly kind: ResultKind;
  readonly f: Expr;
  readonly X: Sym;
  readonly df: Expr;
  /** The result before simplification (after the symmetric convention, if any). */
  readonly raw: Expr;
  /** The result: gradient, derivative, Jacobian (of vec F by vec X) or Hessian. */
  readonly result: Expr;
  /** The gradient (or, for a scalar variable, the first derivative); for a Hessian, the one it differentiates. */
  readonly gradient: Expr;
  /** d²f[dX, dX] for the Hessian of a function of a matrix. */
  readonly secondDifferential?: Expr;
  readonly symbols: ReadonlyMap<string, Sym>;
  readonly definitions: ReadonlyMap<string, Expr>;
  readonly convention: SymmetricConvention | undefined;
  readonly differentialRules: readonly string[];
  readonly simplification: { readonly steps: readonly Step[]; readonly stopped: StopReason };
  readonly notes: readonly string[];
  readonly limits: Limits;
  readonly deadline: number;
  /** When f depends on X through opaque functions A(X) (declared matrix(X)): the pieces of the pull-back. */
  readonly parameterisation?: Parameterisation;
  /** The request's budget, which every later stage (printing, steps, the check) keeps drawing on. */
  readonly budget: Budget;
}

export function analyze(input: string, options: DifferentiateOptions): Analysis {
  return asUserErrors(() => analyzeUnguarded(input, options));
}

/** Engine conditions the user caused, as MatdiffErrors. */
function asUserErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    // the last line of defence behind the depth and size limits: never a raw stack overflow
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      // a stack overflow comes from depth or from sheer size (a sum of 2¹⁶ terms): the message claims neither
      throw new MatdiffError("limit", "the expression is too large or too deeply nested to process", undefined, { hint: "split it into named parts with --where, or make it smaller" });
    }
    // e.g. ‖u − u‖: its derivative xᵀdx/‖x‖ divides by it
    if (err instanceof RationalOverflow) {
      throw new MatdiffError("number", "a coefficient grew past 2⁵³, beyond exact arithmetic", undefined, {
        hint: "write the large constant as a scalar symbol (c x^T x with --let \"c: scalar\")",
      });
    }
    if (err instanceof E.DivisionByZero) {
      throw new MatdiffError("number", `division by zero: ${toText(err.divisor)} is identically 0`, undefined, {
        hint: "the expression (or its derivative) divides by it; simplify that part of the input",
      });
    }
    throw err;
  }
}

function analyzeUnguarded(input: string, options: DifferentiateOptions): Analysis {
  const names = wrtNames(options.wrt);
  if (names.length > 1) {
    throw new MatdiffError("wrt", `several variables (${names.join(", ")}) need differentiateAll, or wrt as an array`, undefined, {
      hint: `differentiate(expr, { wrt: [${names.map((n) => JSON.stringify(n)).join(", ")}] })`,
    });
  }
  return analyzeSeveral(input, { ...options, wrt: names }).analyses[0]!;
}

/** `"W_1, b_1"`, `["W_1", "b_1"]` → the names as written; an empty list when none is given. */
function wrtNames(wrt: string | readonly string[] | undefined): string[] {
  const list = typeof wrt === "string" ? [wrt] : [...(wrt ?? [])];
  // a comma inside braces belongs to a subscript (x_{1,2}); only top-level commas separate
  const out: string[] = [];
  for (const item of list) {
    let depth = 0, start = 0;
    for (let i = 0; i <= item.length; i++) {
      const c = item[i];
      if (c === "{" || c === "(") depth++;
      else if (c === "}" || c === ")") depth--;
      else if ((c === "," && depth === 0) || i === item.length) {
        const part = item.slice(start, i).trim();
        if (part) out.push(part);
        start = i + 1;
      }
    }
  }
  return out;
}

/** Analyses for several variables at once: one parse, one elaboration and, where the variables are independent, one differential. */
export interface SeveralAnalyses {
  readonly analyses: readonly Analysis[];
  /**
   * With several variables, the differential in all of them at once (df = Σ ⟨∇_X f, dX⟩). Each analysis
   * restricts it to its variable, unless one variable depends on another (A(θ) and θ both asked for):
   * then each has its own, with the other held fixed.
   */
  readonly sharedDf?: Expr;
}

export function analyzeAll(input: string, options: SeveralOptions): SeveralAnalyses {
  return asUserErrors(() => analyzeSeveral(input, { ...options, wrt: wrtNames(options.wrt) }));
}

function analyzeSeveral(input: string, options: Omit<DifferentiateOptions, "wrt"> & { readonly wrt: readonly string[] }): SeveralAnalyses {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const budget = Budget.of(limits);
  const deadline = budget.deadline;
  const root = parse(input, limits);
  guardTreeDepth(root);

  const declarations: Declaration[] = entries(options.let, ":").map((t) =>
    parseDeclaration(t, (raw) => {
      const name = symbolName(raw, limits);
      // as for --where: a name that is not one symbol (`<img …>`, `x y`) declares nothing the expression could use
      if (name === null) throw new MatdiffError("declaration", `bad --let "${t}": '${raw.trim()}' is not a single symbol`, undefined, { hint: 'e.g. --let "S: symmetric"' });
      return name;
    }));
  const definitions = entries(options.where, " =").map((t) => readDefinition(t, limits));
  const seen = new Set<string>();
  for (const d of declarations) {
    if (seen.has(d.name)) throw new MatdiffError("declaration", `${d.name} is declared twice with --let`, undefined, { hint: `give ${d.name} one SPEC, e.g. --let "${d.name}: symmetric"` });
    seen.add(d.name);
  }
  for (const d of definitions) {
    if (definitions.filter((o) => o.name === d.name).length > 1) throw new MatdiffError("declaration", `${d.name} is defined twice with --where`);
  }
  const dependsOn = new Map(declarations.flatMap((d) => (d.dependsOn !== undefined ? [[d.name, d.dependsOn] as const] : [])));
  checkDependencyCycles(dependsOn, nameText);
  for (const [name, parent] of dependsOn) {
    if (definitions.some((d) => d.name === parent)) {
      throw new MatdiffError("declaration", `${nameText(name)} is declared a function of ${nameText(parent)}, which is defined by --where`, undefined, {
        hint: `declare it a function of a symbol, or write ${nameText(name)} with --where in terms of ${nameText(parent)}'s own symbols`,
      });
    }
  }

  if (options.wrt.length === 0) {
    const names = [...new Set(collectNames(root))].sort();
    throw new MatdiffError("wrt", `missing the variable to differentiate with respect to`, undefined, {
      hint: names.length ? `the expression's symbols are ${names.join(", ")}; e.g. --wrt ${names[0]}` : undefined,
    });
  }
  const wrtList: string[] = [];
  for (const raw of options.wrt) {
    const wrtName = symbolName(raw, limits);
    if (!wrtName || wrtName === "I") {
      throw new MatdiffError("wrt", `--wrt must name one symbol, e.g. --wrt A; '${raw}' is not a symbol`);
    }
    if (definitions.some((d) => d.name === wrtName)) {
      throw new MatdiffError("wrt", `${wrtName} is defined by --where; differentiate with respect to a symbol it is built from`);
    }
    if (wrtList.includes(wrtName)) throw new MatdiffError("wrt", `${nameText(wrtName)} is named twice in --wrt`);
    wrtList.push(wrtName);
  }
  if (wrtList.length > 1 && options.hessian) {
    throw new MatdiffError("unsupported", `--hessian takes one variable, not ${wrtList.length} (${wrtList.map(nameText).join(", ")})`, undefined, {
      hint: "ask for each Hessian in its own run",
    });
  }

  const notes: string[] = [];
  // the reading prefers a scalar f for the first variable asked for, as for a single one
  const reading = readShapes(root, { text: input, offset: 0 }, {
    declarations, definitions, extraSymbols: [...wrtList, ...new Set(dependsOn.values())], maxPower: limits.maxPower, wrt: wrtList[0]!, display: nameText, deadline,
  });
  const el = reading.elaborated;
  notes.push(...reading.notes);
  const f = el.expr;
  guardExpandedSize(f, el.definitions, limits.maxExpandedSize);
  budget.check();
  const expanded = expandDefinitions(f, el.definitions, budget);
  notes.push(...operationNotes(expanded));
  // a parameter that only declarations mention has nothing to size it: the convention decides, and says so
  const written = new Set([...collectNames(root), ...definitions.flatMap((d) => collectNames(d.node))]);
  for (const parent of new Set(dependsOn.values())) {
    if (written.has(parent) || declarations.some((d) => d.name === parent)) continue;
    const rank = conventionalRank(parent);
    notes.push(`${nameText(parent)} does not occur in the expression and is not declared, so it is read as a ${rank} by convention; declare it, e.g. --let "${parent}: ${rank === "scalar" ? "vector" : "scalar"}", if it is not`);
  }

  // one differential in every variable (and the symbols that depend on them): reverse mode shares it;
  // a variable that depends on another (A(θ) and θ both asked for) needs df with the other held fixed
  const plans = wrtList.map((name) => {
    const X = el.symbols.get(name)!;
    return { X, nodes: intermediatesOf(X, el.symbols), dependents: dependentsOf(X, el.symbols) };
  });
  const independent = plans.every((p) => p.dependents.size === 0 || plans.every((q) => !p.dependents.has(q.X.name)));
  const diffsOf = (p: (typeof plans)[number]) => new Map<string, E.Diff>([[p.X.name, E.diff(p.X)], ...p.nodes.map((n) => [n.sym.name, E.diff(n.sym)] as const)]);
  const combined = plans.length > 1 ? differential(f, { wrt: new Map(plans.flatMap((p) => [...diffsOf(p)])), definitions: el.definitions, budget }) : undefined;
  const shared = independent ? combined : undefined;

  const analyses = plans.map((plan): Analysis => {
    const own = diffsOf(plan);
    const variableNotes = [...notes];
    const { X } = plan;
    const usesX = E.contains(expanded, (e) => e === X || (e.kind === "sym" && plan.dependents.has(e.name)));
    if (!usesX) {
      variableNotes.push(dependsOn.size
        ? `nothing in the expression depends on ${nameText(X.name)}: it does not occur, and no symbol in it is declared a function of ${nameText(X.name)}; so the derivative is 0`
        : `${X.name} does not occur in the expression, so the derivative is 0`);
    }
    const { df, rules } = shared
      ? { df: restrictDifferential(shared.df, new Set(own.keys())), rules: shared.rules }
      : differential(f, { wrt: own, definitions: el.definitions, budget });
    return analyzeVariable({
      input, options, f, X, df, rules, nodes: plan.nodes, el, notes: variableNotes, limits, deadline, budget,
    });
  });
  return { analyses, ...(combined ? { sharedDf: combined.df } : {}) };
}

interface VariableInput {
  readonly input: string;
  readonly options: Omit<DifferentiateOptions, "wrt">;
  readonly f: Expr;
  readonly X: Sym;
  /** df in X and in the symbols that depend on it (nodes). */
  readonly df: Expr;
  readonly rules: readonly string[];
  readonly nodes: readonly Intermediate[];
  readonly el: Elaborated;
  readonly notes: string[];
  readonly limits: Limits;
  readonly deadline: number;
  readonly budget: Budget;
}

function analyzeVariable(v: VariableInput): Analysis {
  const { input, options, f, X, df, rules, el, notes, limits, deadline, budget, nodes } = v;
  const wrtName = X.name;
  const dX = E.diff(X);
  const scalarF = isScalarShape(f.shape);
  const scalarX = isScalarShape(X.shape);
  const symmetricX = Boolean(X.props.symmetric || X.props.posdef);
  const simplifyAll = (e: Expr) => simplify(foldDefinitions(e, el.definitions, el.symbols), { maxSteps: limits.maxSteps, deadline });
  const convention = symmetricX && scalarF ? options.symmetric ?? "sym" : undefined;
  // dD ranges over diagonal matrices: the gradient in that space is G's diagonal part G ⊙ I, the
  // analogue of sym(G) for a symmetric S, and what checkGradient expects (both conventions agree on it)
  const diagonalX = Boolean(X.props.diagonal) && !scalarX && !symmetricX;
  if (diagonalX && scalarF) notes.push(`${nameText(wrtName)} is diagonal: the gradient is the diagonal part G ⊙ I of the unconstrained gradient G, so that df = ⟨∇f, d${nameText(wrtName)}⟩ for every diagonal d${nameText(wrtName)}`);

  if (nodes.length) return analyzeThroughParameterisation(v, simplifyAll);

  /** First derivative of a scalar f: the gradient (with the symmetric convention or the diagonal part) or f′. */
  const firstDerivative = (): Expr => {
    let g = scalarX ? scalarDerivative(df, dX) : frobeniusGradient(df, dX, budget);
    if (convention) g = symmetricGradient(g, convention);
    if (diagonalX) g = diagonalGradient(g);
    return g;
  };
  const ctx = { wrt: new Map([[wrtName, dX]]), definitions: el.definitions, budget };

  let kind: ResultKind;
  let raw: Expr;
  let gradient: Expr | undefined;
  let secondDifferential: Expr | undefined;
  if (options.hessian) {
    if (!scalarF) {
      throw new MatdiffError("unsupported", `the Hessian is defined for a scalar function, but this one is ${formatShape(f.shape)}`, { start: 0, end: input.length });
    }
    kind = "hessian";
    gradient = simplifyAll(firstDerivative()).expr;
    const { df: dG } = differential(gradient, ctx);
    raw = scalarX ? scalarDerivative(dG, dX) : vecJacobian(dG, dX, budget);
    // dS ranges over symmetric (dD over diagonal) matrices: the Hessian is the derivative of the
    // stated gradient along them, J P, P the projection onto those directions (½(I + K), diag(vec I));
    // J P v = vec(d∇f) for every such v, and J P = P J P since d∇f is symmetric (diagonal) too
    if (!scalarX && (symmetricX || diagonalX)) {
      const n = X.shape.rows;
      const projection = symmetricX
        ? E.scale(Q.rat(1, 2), E.add(E.identity(mulDim(n, n)), E.commutation(n, n)))
        : E.diagMat(E.vec(E.identity(n)));
      raw = E.mul(raw, projection);
      const what = symmetricX ? "symmetric" : "diagonal";
      notes.push(`the Hessian acts on ${what} directions: H = J P, P = ${symmetricX ? "(I + K)/2" : "diag(vec(I))"} projecting onto them`);
    }
    if (!scalarX && X.shape.cols !== 1) secondDifferential = simplifyAll(differential(df, ctx).df).expr;
  } else if (scalarF && !scalarX) {
    kind = "gradient";
    raw = firstDerivative();
  } else if (scalarX) {
    kind = "derivative";
    raw = scalarDerivative(df, dX);
  } else {
    kind = "jacobian";
    raw = vecJacobian(df, dX, budget);
    // textbooks order Kronecker terms by the degree of their left factor: I ⊗ X² + Xᵀ ⊗ X + (Xᵀ)² ⊗ I
    if (raw.kind === "add" && X.shape.cols !== 1) {
      const degree = (t: Expr) => leftKroneckerDegree(t, X);
      raw = E.add(...raw.terms.map((t, i) => [t, i] as const).sort(([a, i], [b, j]) => degree(a) - degree(b) || i - j).map(([t]) => t));
    }
  }
  const simplified = simplifyAll(raw);
  if (simplified.stopped !== "fixpoint") notes.push(`simplification stopped early (${simplified.stopped}); the result is correct but may not be in its simplest form`);
  return {
    input, kind, f, X, df, raw, result: simplified.expr, gradient: gradient ?? simplified.expr,
    ...(secondDifferential ? { secondDifferential } : {}),
    symbols: el.symbols, definitions: el.definitions, convention,
    differentialRules: rules, simplification: { steps: simplified.steps, stopped: simplified.stopped }, notes, limits, deadline, budget,
  };
}

/** The result's name (kept for callers of the library: it is `r.label`). */
export function resultName(r: DifferentiateResult): ResultLabel {
  return r.label;
}

/** What a result through a parameterisation carries besides the result itself (api.ts presents it). */
export interface Parameterisation {
  /** The symbols that depend on the variable, nearest first, each with its J. */
  readonly nodes: readonly Intermediate[];
  /** Each node's own gradient G_N (Frobenius match, others held fixed), simplified; for a vector or matrix f, ∂vec(F)/∂vec(N). */
  readonly partials: ReadonlyMap<string, Expr>;
  /** vec of each node's total gradient, pulled back from its dependents; scalar f only. */
  readonly totals: ReadonlyMap<string, Expr>;
  /** The variable's own gradient (where it occurs directly), simplified. */
  readonly direct: Expr;
}

/**
 * f depends on X through opaque functions A(X): the partial gradient (or
 * Jacobian) in each, pulled back (pushed forward) through the J's.
 */
function analyzeThroughParameterisation(v: VariableInput, simplifyAll: (e: Expr) => { expr: Expr; steps: readonly Step[]; stopped: StopReason }): Analysis {
  const { input, options, f, X, df, rules, el, notes, limits, deadline, budget, nodes } = v;
  const scalarF = isScalarShape(f.shape);
  const scalarX = isScalarShape(X.shape);
  if (options.hessian) {
    throw new MatdiffError("unsupported", `Hessians through a parameterisation (${nodes.map((n) => `${nameText(n.sym.name)}(${nameText(n.parent.name)})`).join(", ")}) are not supported yet`, undefined, {
      hint: "the second derivative needs the second derivatives of the opaque functions too",
    });
  }
  if (X.props.symmetric || X.props.posdef || X.props.diagonal) {
    throw new MatdiffError("unsupported", `a parameter with structure (${nameText(X.name)} declared ${X.props.diagonal ? "diagonal" : "symmetric"}) behind an opaque function is not supported yet`, undefined, {
      hint: `declare ${nameText(X.name)} a plain matrix or vector; J is then ∂vec(A)/∂vec(${nameText(X.name)}) over all its entries`,
    });
  }
  const partialDf = (s: Sym) => restrictDifferential(df, new Set([s.name]));
  const partials = new Map<string, Expr>();
  const totals = new Map<string, Expr>();
  let kind: ResultKind;
  let raw: Expr;
  let direct: Expr;
  if (scalarF) {
    const own = (s: Sym): Expr => {
      const d = partialDf(s);
      const g = isScalarShape(s.shape) ? scalarDerivative(d, E.diff(s)) : frobeniusGradient(d, E.diff(s), budget);
      return simplifyAll(g).expr;
    };
    for (const n of nodes) partials.set(n.sym.name, own(n.sym));
    direct = own(X);
    const pulled = pullBackGradient(X, nodes, (s) => (s === X ? direct : partials.get(s.name)!));
    for (const p of pulled.pullBacks) totals.set(p.node.sym.name, simplifyAll(p.vecGradient).expr);
    kind = scalarX ? "derivative" : "gradient";
    raw = pulled.result;
  } else {
    const own = (s: Sym): Expr => vecJacobian(partialDf(s), E.diff(s), budget);
    direct = simplifyAll(own(X)).expr;
    for (const n of nodes) partials.set(n.sym.name, simplifyAll(own(n.sym)).expr);
    raw = pushForwardJacobian(X, nodes, (s) => (s === X ? direct : partials.get(s.name)!));
    if (scalarX) {
      if (f.shape.cols !== 1) {
        throw new MatdiffError("unsupported", `the derivative of a matrix-valued function by ${nameText(X.name)} through ${nodes.map((n) => nameText(n.sym.name)).join(", ")} is not supported yet`, undefined, {
          hint: `declare ${nameText(X.name)} a vector (length 1 works) to get ∂vec(F)/∂${nameText(X.name)}`,
        });
      }
      kind = "derivative";
    } else kind = "jacobian";
  }
  // the pull-back is assembled from simplified pieces and kept as the seed writes it, J_A(θ)ᵀ vec(2(Ax − y)xᵀ):
  // simplifying it again would pull the 2 out of vec and reorder the pull-backs
  const simplified = scalarF ? { expr: raw, steps: [] as readonly Step[], stopped: "fixpoint" as StopReason } : simplifyAll(raw);
  if (simplified.stopped !== "fixpoint") notes.push(`simplification stopped early (${simplified.stopped}); the result is correct but may not be in its simplest form`);
  return {
    input, kind, f, X, df, raw, result: simplified.expr, gradient: simplified.expr,
    symbols: el.symbols, definitions: el.definitions, convention: undefined,
    differentialRules: rules, simplification: { steps: simplified.steps, stopped: simplified.stopped }, notes, limits, deadline, budget,
    parameterisation: { nodes, partials, totals, direct },
  };
}

/** How much of X the left factor of a Kronecker term carries: I ⊗ X² is 0, Xᵀ ⊗ X is 1, (Xᵀ)² ⊗ I is 2. */
function leftKroneckerDegree(term: Expr, X: Sym): number {
  const { chain } = E.splitMul(term);
  const first = chain[0];
  if (!first || first.kind === "identity") return 0;
  if (first.kind !== "kron") return 0.5;
  let degree = 0;
  const visit = (e: Expr, k: number): void => {
    if (e === X) degree += k;
    else if (e.kind === "power") visit(e.arg, k * e.exp.n);
    else E.children(e).forEach((c) => visit(c, k));
  };
  visit(first.factors[0]!, 1);
  return degree;
}

/** The numeric check of an analysis against central finite differences, for every kind. */
export function checkAnalysis(a: Analysis, opts: { readonly seed?: number; readonly trials?: number; readonly step?: number } = {}): CheckReport {
  guardCheckSizes(a);
  if (a.parameterisation) return checkThroughParameterisation(a, opts);
  const expand = (e: Expr) => asPolynomialsIn(expandDefinitions(e, a.definitions, a.budget), a.X);
  const common = {
    budget: a.budget,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.trials !== undefined ? { trials: opts.trials } : {}),
    ...(opts.step !== undefined ? { step: opts.step } : {}),
  };
  const scalarX = isScalarShape(a.X.shape);
  // a first derivative by a scalar is a Jacobian with one column: vec(f′)
  const first = (f: Expr, g: Expr): CheckResult => (scalarX
    ? checkJacobian({ f: expand(f), wrt: a.X, jacobian: E.vec(expand(g)), ...common })
    : checkGradient({ f: expand(f), wrt: a.X, gradient: expand(g), ...(a.convention ? { symmetric: a.convention } : {}), ...common }));
  const results: CheckResult[] = [];
  switch (a.kind) {
    case "gradient":
    case "derivative":
      results.push(isScalarShape(a.f.shape) || a.kind === "gradient" ? first(a.f, a.result)
        : checkJacobian({ f: expand(a.f), wrt: a.X, jacobian: E.vec(expand(a.result)), ...common }));
      break;
    case "jacobian":
      results.push(checkJacobian({ f: expand(a.f), wrt: a.X, jacobian: expand(a.result), ...common }));
      break;
    case "hessian":
      results.push(first(a.f, a.gradient));
      results.push(checkJacobian({ f: expand(a.gradient), wrt: a.X, jacobian: scalarX ? E.vec(expand(a.result)) : expand(a.result), ...common }));
      break;
  }
  const ok = results.every((r) => r.ok);
  // checkResult marks "no valid sample" with relError NaN
  const inconclusive = !ok && results.every((r) => r.ok || Number.isNaN(r.relError));
  const relError = Math.max(...results.map((r) => (Number.isNaN(r.relError) ? Infinity : r.relError)));
  const detail = results.map((r) => r.detail).filter(Boolean).join("; ");
  return {
    ok, relError, trials: Math.min(...results.map((r) => r.trials)),
    method: a.kind === "hessian" ? "central finite differences of f and of its gradient" : "central finite differences",
    ...(ok || !detail ? {} : { detail }),
    ...(inconclusive ? { inconclusive: true as const } : {}),
  };
}

/**
 * What a check compared against, for every surface's stamp: "central finite
 * differences at 3 random points" (a bare "(3 points)" reads like marks).
 */
export function checkBasis(c: CheckReport): string {
  return `${c.method} at ${c.trials} random point${c.trials === 1 ? "" : "s"}`;
}

/**
 * The check samples symbolic dimensions at small sizes (2 to 5) but declared
 * ones at their size: x: 100000000 grew past 5 GiB, A: 100000 x 100000 was an
 * internal error. Every matrix the check evaluates (symbols, f, the result) is
 * bounded before any is allocated.
 */
function guardCheckSizes(a: Analysis): void {
  const SYMBOLIC = 5; // the largest automatic size (numeric/random.ts), an upper bound for a symbolic factor
  const size = (d: Dim): number => (typeof d === "number" ? d : d.split("·").reduce((p, f) => p * (/^\d+$/.test(f) ? Number(f) : SYMBOLIC), 1));
  const named: [string, Expr][] = [...[...a.symbols.values()].map((s) => [nameText(s.name), s] as [string, Expr]), ["f", a.f], ["the result", a.result]];
  for (const [what, e] of named) {
    const entries = size(e.shape.rows) * size(e.shape.cols);
    if (entries > a.limits.maxCheckEntries) {
      throw new MatdiffError("limit", `--check would sample ${what} as a ${formatShape(e.shape)} matrix (${entries} entries); the check's limit is ${a.limits.maxCheckEntries} entries per matrix`, undefined, {
        hint: "leave the size symbolic (--let \"x: n\") and the check picks small sizes, or declare a smaller one",
      });
    }
  }
}

/** Through a parameterisation: what J means and how the result is laid out. */
function parameterisedLayout(a: Analysis): string {
  const p = a.parameterisation!;
  const x = nameText(a.X.name);
  const js = p.nodes.map((n) => {
    const of = nameText(n.sym.name), wrt = nameText(n.parent.name);
    return `${toText(n.jacobian)} = ∂${n.sym.shape.cols === 1 ? of : `vec(${of})`}/∂${n.parent.shape.cols === 1 ? wrt : `vec(${wrt})`} is ${formatShape(n.jacobian.shape)}`;
  }).join("; ");
  const vecNote = "vec stacks columns";
  if (a.kind === "jacobian") return `${js}; J = ∂${a.f.shape.cols === 1 ? "f" : "vec(F)"}/∂${a.X.shape.cols === 1 ? x : `vec(${x})`} is ${formatShape(a.result.shape)}; ${vecNote}`;
  if (a.kind === "derivative") return `${js}; entrywise derivative, the shape of f (${formatShape(a.f.shape)}); ${vecNote}`;
  const matrixX = a.X.shape.cols !== 1;
  return `${js}; ${matrixX ? `vec(∇_${x} f)` : `∇_${x} f`} is ${formatShape(a.result.shape)} with df = ${matrixX ? `vec(∇_${x} f)ᵀ vec(d${x})` : `∇_${x} fᵀ d${x}`}; the pull-back Jᵀ vec(G) is a vector-Jacobian product; ${vecNote}`;
}

/** A result through opaque functions, against finite differences along a random smooth parameterisation. */
function checkThroughParameterisation(a: Analysis, opts: { readonly seed?: number; readonly trials?: number; readonly step?: number }): CheckReport {
  const expand = (e: Expr) => expandDefinitions(e, a.definitions);
  const byName = new Map(a.parameterisation!.nodes.map((n) => [n.sym.name, n] as const));
  // every dependent, parents first: the J-nodes and the Ẋ functions of a scalar variable alike
  const dependents: Dependent[] = [];
  const placed = new Set([a.X.name]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of a.symbols.values()) {
      const p = s.props.dependsOn;
      if (p === undefined || placed.has(s.name) || !placed.has(p)) continue;
      const node = byName.get(s.name);
      dependents.push({ sym: s, parent: a.symbols.get(p)!, ...(node ? { jacobian: node.jacobian } : {}) });
      placed.add(s.name);
      grew = true;
    }
  }
  const claimed = a.kind === "gradient" ? E.transpose(E.vec(a.result)) : E.vec(a.result);
  const r = checkParameterised({
    f: expand(a.f), wrt: a.X, dependents, jacobian: expand(a.kind === "jacobian" ? a.result : claimed),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.trials !== undefined ? { trials: opts.trials } : {}),
    ...(opts.step !== undefined ? { step: opts.step } : {}),
  });
  const inconclusive = !r.ok && Number.isNaN(r.relError);
  return {
    ok: r.ok, relError: Number.isNaN(r.relError) ? Infinity : r.relError, trials: r.trials,
    method: `central finite differences in ${nameText(a.X.name)} along a random quadratic parameterisation ${dependents.map((d) => `${nameText(d.sym.name)}(${nameText(d.parent.name)})`).join(", ")}`,
    ...(r.ok || !r.detail ? {} : { detail: r.detail }),
    ...(inconclusive ? { inconclusive: true as const } : {}),
  };
}

const LAYOUT: Record<ResultKind, (a: Analysis, label: ResultLabel) => string> = {
  gradient: (a) => `∇f has the shape of ${nameText(a.X.name)} (${formatShape(a.X.shape)}): df = tr(∇fᵀ d${nameText(a.X.name)})`,
  derivative: (a) => `entrywise derivative, the shape of f (${formatShape(a.f.shape)})`,
  jacobian: (a, label) => (a.X.shape.cols === 1 && a.f.shape.cols === 1
    ? `numerator layout: J is ${formatShape(a.result.shape)} with df = J d${nameText(a.X.name)}`
    : `J = ${label.text} is ${formatShape(a.result.shape)} with vec(${label.differential.text}) = J vec(d${nameText(a.X.name)}); vec stacks columns${commutationNote(a.result)}`),
  hessian: (a) => (isScalarShape(a.X.shape) ? "second derivative"
    : a.X.shape.cols === 1 ? `H is ${formatShape(a.result.shape)} with d²f = d${nameText(a.X.name)}ᵀ H d${nameText(a.X.name)}`
    : a.convention === "cookbook"
      // H maps vec(dS) to vec(dG), G the partials in the entries S_ij, i ≤ j: each off-diagonal pair counts once
      ? `H is ${formatShape(a.result.shape)} with H vec(d${nameText(a.X.name)}) = vec(d∇f) and d²f = ½ vec(d${nameText(a.X.name)})ᵀ (I + diag(vec I)) H vec(d${nameText(a.X.name)}); vec stacks columns${commutationNote(a.result)}`
      : `H is ${formatShape(a.result.shape)} with d²f = vec(d${nameText(a.X.name)})ᵀ H vec(d${nameText(a.X.name)}); vec stacks columns${commutationNote(a.result)}`),
};

/** The layout line explains K where the result has one. */
function commutationNote(result: Expr): string {
  if (!E.contains(result, (x) => x.kind === "commutation")) return "";
  const rectangular = E.contains(result, (x) => x.kind === "commutation" && x.m !== x.n);
  return `; K is the commutation matrix, K vec(A) = vec(Aᵀ)${rectangular ? ", written K_{m,n} for A m×n" : ""}`;
}

export function differentiate(input: string, options: SeveralOptions & { readonly wrt: readonly string[] }): SeveralResult;
export function differentiate(input: string, options: DifferentiateOptions): DifferentiateResult;
export function differentiate(input: string, options: SeveralOptions): DifferentiateResult | SeveralResult {
  if (typeof options.wrt !== "string") return differentiateAll(input, options);
  const single = { ...options, wrt: options.wrt };
  return asUserErrors(() => present(analyze(input, single), single));
}

/** Several variables at once (`wrt: ["W_1", "b_1"]` or `"W_1, b_1"`): one differential, every gradient. */
export interface SeveralResult {
  readonly ok: true;
  readonly kind: "several";
  readonly wrt: readonly DifferentiateResult["wrt"][];
  readonly function: DifferentiateResult["function"];
  /** df in all the variables at once: Σ ⟨∇_X f, dX⟩. */
  readonly differential: Rendered;
  /** One result per variable, in the order asked; each as `differentiate` gives it for that variable alone. */
  readonly results: readonly DifferentiateResult[];
  readonly shapes: Readonly<Record<string, string>>;
  readonly notes: readonly string[];
  /**
   * Subexpressions the results share, named once (c₁ = σ(W₁x + b₁), …) in the order they can be
   * computed, and the results written with them: the backward pass. Absent when nothing repeats.
   */
  readonly common?: {
    readonly definitions: readonly (Rendered & { readonly name: Rendered & { readonly numpy: string }; readonly numpy: string })[];
    readonly results: readonly (Rendered & { readonly numpy: string })[];
  };
}

export function differentiateAll(input: string, options: SeveralOptions): SeveralResult {
  return asUserErrors(() => {
    const all = analyzeAll(input, options);
    const results = all.analyses.map((a) => present(a, options));
    const first = all.analyses[0]!;
    const df = all.sharedDf ?? E.add(...all.analyses.map((a) => a.df));
    const shared = simplify(df, { maxSteps: first.limits.maxSteps, deadline: first.deadline }).expr;
    const notes = [...new Set(results.flatMap((r) => r.notes))];
    const common = commonSubexpressions(all.analyses.map((a) => a.result), new Set(first.symbols.keys()));
    const numpy = (e: Expr) => toNumpy(expandDefinitions(e, first.definitions), { dimExpr: dimExpressions(first.symbols.values()) });
    return {
      ok: true, kind: "several", wrt: results.map((r) => r.wrt), function: results[0]!.function, differential: render(shared),
      results, shapes: results[0]!.shapes, notes,
      ...(common ? {
        common: {
          definitions: common.definitions.map((d) => ({ name: { ...render(d.sym), numpy: d.sym.name }, ...render(d.body), numpy: numpy(d.body) })),
          results: common.results.map((e) => ({ ...render(e), numpy: numpy(e) })),
        },
      } : {}),
    };
  });
}

function present(a: Analysis, options: Omit<DifferentiateOptions, "wrt">): DifferentiateResult {
  const { f, X, result, convention, budget } = a;
  const dfShown = simplify(a.df, { maxSteps: a.limits.maxSteps, deadline: a.deadline }).expr;
  budget.check();

  const shapes: Record<string, string> = {};
  for (const [name, s] of a.symbols) shapes[name] = formatShape(s.shape);
  const defsOut: Record<string, Rendered> = {};
  for (const [name, body] of a.definitions) defsOut[name] = render(body);

  budget.check();
  const check = options.check ? checkAnalysis(a, typeof options.check === "object" ? options.check : {}) : undefined;
  const label = labelOf(a);
  budget.check();
  const steps = options.steps ? renderSteps(a, label) : undefined;
  budget.check();

  const out: DifferentiateResult = {
    ok: true,
    kind: a.kind,
    wrt: { name: X.name, shape: formatShape(X.shape), latex: toLatex(X), text: toText(X) },
    function: { ...render(f), shape: formatShape(f.shape) },
    differential: render(dfShown),
    ...(a.secondDifferential ? { secondDifferential: render(a.secondDifferential) } : {}),
    ...(a.kind === "hessian" ? { gradient: render(a.gradient) } : {}),
    derivative: {
      ...render(result), shape: formatShape(result.shape),
      ...toPythonAll(expandDefinitions(result, a.definitions, budget), { dimExpr: dimExpressions(a.symbols.values(), a.definitions), like: pyName(X.name) }),
      ...(options.index === false ? {} : indexFields(a)),
    },
    label,
    layout: a.parameterisation ? parameterisedLayout(a) : LAYOUT[a.kind](a, label),
    shapes,
    ...(a.definitions.size ? { definitions: defsOut } : {}),
    ...(convention ? { convention: { symmetric: convention, text: CONVENTION_TEXT[convention] } } : {}),
    notes: [...a.notes, ...freeSizeNote(a, result)],
    simplification: {
      steps: a.simplification.steps.length, stopped: a.simplification.stopped,
      rules: [...new Set(a.simplification.steps.map((s) => s.rule))],
    },
    ...(a.parameterisation ? { parameterisation: presentParameterisation(a) } : {}),
    ...(check ? { check } : {}),
    ...(steps ? { steps, derivation: renderDerivation(a, steps) } : {}),
  };
  guardOutput(out, a.limits.maxOutput);
  budget.check();
  return out;
}

/** Refuses a result whose printed forms are too long to show (or for KaTeX to set within the budget). */
function guardOutput(r: DifferentiateResult, limit: number): void {
  let total = 0;
  const visit = (v: unknown): void => {
    if (typeof v === "string") total += v.length;
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(r);
  if (total > limit) {
    throw new MatdiffError("limit", `the result is ${total} characters long in all its printed forms; the limit is ${limit}`, undefined, {
      hint: "name repeated parts with --where, or ask for less (no --steps), or raise limits.maxOutput in the library",
    });
  }
}

function presentParameterisation(a: Analysis): ParameterisationResult {
  const p = a.parameterisation!;
  const simplifyHere = (e: Expr) => simplify(foldDefinitions(e, a.definitions, a.symbols), { maxSteps: a.limits.maxSteps, deadline: a.deadline }).expr;
  const partialsTransposed = new Map([...p.partials].map(([name, g]) => [name, simplifyHere(E.transpose(g))] as const));
  return presentForms({
    X: a.X, f: a.f, nodes: p.nodes, partials: p.partials, partialsTransposed, direct: p.direct, result: a.result, definitions: a.definitions,
    expand: (e) => expandDefinitions(e, a.definitions), dimExpr: dimExpressions(a.symbols.values()),
  });
}

/** The index form, or nothing when a result has no entrywise form (it is an extra view, never a reason to fail). */
function indexFields(a: Analysis): { index?: Rendered; einsum?: string } {
  // J_A(θ) has no entries matdiff could name: the entrywise form is ∂f/∂θ_i = ⟨G_A, ∂A/∂θ_i⟩ (parameterisation.components)
  if (a.parameterisation) return {};
  try {
    const ix = indexForm(a, { dimExpr: dimExpressions(a.symbols.values(), a.definitions) });
    return { index: { latex: ix.latex, text: ix.text }, ...(ix.einsum ? { einsum: ix.einsum } : {}) };
  } catch (err) {
    if (err instanceof MatdiffError) return {};
    throw err;
  }
}

/** The derivation of an analysis, as expressions (for tests: each step is checked numerically). */
export function derivationOf(a: Analysis): DerivationStep[] {
  return derive({
    f: a.f, X: a.X, df: a.df, definitions: a.definitions, kind: a.kind, result: a.result, gradient: a.gradient, budget: a.budget,
    ...(a.convention ? { convention: a.convention } : {}),
    // through a parameterisation this is the variable's own part; renderParameterisedSteps adds the functions' parts
    ...(a.parameterisation ? { holdDependents: true } : {}),
  });
}

function renderSteps(a: Analysis, label: ResultLabel): RenderedStep[] {
  if (a.parameterisation) return renderParameterisedSteps(a, label);
  return renderStepsOf(derivationOf(a), a.X, label);
}

/**
 * The seed's derivation: for each opaque function A(θ), df with the others held fixed
 * brought to ⟨G_A, dA⟩ (the Frobenius match), then the pull-back through J_A(θ).
 */
function renderParameterisedSteps(a: Analysis, name: ResultLabel): RenderedStep[] {
  const p = a.parameterisation!;
  const out: RenderedStep[] = [];
  const pieces: { text: string; latex: string }[] = [];
  const x = render(a.X);
  const matrixX = a.X.shape.cols !== 1;
  if (!isScalarShape(a.f.shape)) return renderPushForwardSteps(a, name);
  for (const n of [...p.nodes.map((m) => m.sym), a.X]) {
    const G = n === a.X ? p.direct : p.partials.get(n.name)!;
    if (E.isZero(G)) continue;
    const scalarN = isScalarShape(n.shape);
    const steps = derive({
      f: a.f, X: n, df: restrictDifferential(a.df, new Set([n.name])), definitions: a.definitions, kind: scalarN ? "derivative" : "gradient", result: G,
      holdDependents: !(n === a.X && scalarN),
    });
    const nm = render(n);
    const label = scalarN ? { text: `∂f/∂${nm.text}`, latex: `\\frac{\\partial f}{\\partial ${nm.latex}}` } : { text: `∇_${nm.text} f`, latex: `\\nabla_{${braced(nm.latex)}} f` };
    const held = n === a.X ? (p.nodes.length ? `${p.nodes.map((m) => nameText(m.sym.name)).join(", ")} held fixed` : "") : `only ${nm.text} varies`;
    const block = renderStepsOf(steps, n, partLabel(a, n, scalarN ? "derivative" : "gradient"));
    block[0] = { ...block[0]!, lhs: { text: `df`, latex: `\\mathrm{d}f` }, reason: held };
    out.push(...block);
    const g = render(G);
    out.push({
      lhs: n === a.X && p.nodes.length ? { text: `${label.text}|fixed`, latex: `\\left.${label.latex}\\right|_{\\text{fixed}}` } : label, ...g,
      reason: `${scalarN ? "the coefficient of its differential" : "Frobenius match"}${n === a.X && p.nodes.length ? `, with ${p.nodes.map((m) => nameText(m.sym.name)).join(", ")} fixed` : ""}`,
      rule: "frobenius", source: ruleSource("frobenius"),
    });
    if (n === a.X) {
      // θ's own gradient, where it occurs directly, joins the pull-backs by value
      pieces.push(matrixX ? { text: `vec(${g.text})`, latex: `\\mathop{\\mathrm{vec}}\\left(${g.latex}\\right)` } : g);
    }
  }
  // the pull-back: ⟨G_A, dA⟩ = ⟨G_A, unvec(J_A dθ)⟩ = ⟨J_Aᵀ vec(G_A), dθ⟩, from the deepest function back to θ
  for (const n of p.nodes.filter((m) => m.parent === a.X)) {
    const total = p.totals.get(n.sym.name)!;
    if (E.isZero(total)) continue;
    const j = render(E.transpose(n.jacobian));
    const nm = render(n.sym);
    const vecG = n.sym.shape.cols === 1 ? { text: `∇_${nm.text} f`, latex: `\\nabla_{${braced(nm.latex)}} f` }
      : { text: `vec(∇_${nm.text} f)`, latex: `\\mathop{\\mathrm{vec}}(\\nabla_{${braced(nm.latex)}} f)` };
    const deeper = p.nodes.some((m) => m.parent === n.sym);
    pieces.push(deeper ? { text: `${j.text}(vec Ḡ_${nm.text})`, latex: `${j.latex} \\mathop{\\mathrm{vec}}(\\bar{G}_{${nm.latex}})` }
      : isScalarShape(n.sym.shape) ? { text: `${j.text} ∂f/∂${nm.text}`, latex: `${j.latex} \\frac{\\partial f}{\\partial ${nm.latex}}` }
      : { text: `${j.text} ${vecG.text}`, latex: `${j.latex} ${vecG.latex}` });
  }
  const chain = p.nodes.map((n) => {
    const d = (s: Sym) => (s.shape.cols === 1 ? `d${nameText(s.name)}` : `vec(d${nameText(s.name)})`);
    return `${d(n.sym)} = ${toText(n.jacobian)} ${d(n.parent)}`;
  }).join(", ");
  const deep = p.nodes.some((m) => m.parent !== a.X);
  out.push({
    lhs: name, text: pieces.map((q) => q.text).join(" + "), latex: pieces.map((q) => q.latex).join(" + "),
    reason: `chain rule: ${chain}, so ⟨G, d${nameText(p.nodes[0]?.sym.name ?? a.X.name)}⟩ = ⟨Jᵀ vec(G), d${x.text}⟩ (pull-back, a VJP)${deep ? "; Ḡ is the gradient pulled back from the deeper functions" : ""}`,
    rule: "pull-back", source: "derived: chain rule, vec(dA) = J_A(θ) vec(dθ)",
  });
  return out;
}

/** For a vector or matrix F: each function's vec(dF) = (∂vec F/∂vec A) vec(dA), then the push-forward through J_A(θ) (a JVP). */
function renderPushForwardSteps(a: Analysis, name: ResultLabel): RenderedStep[] {
  const p = a.parameterisation!;
  const out: RenderedStep[] = [];
  const terms: { text: string; latex: string }[] = [];
  const x = render(a.X);
  for (const n of [...p.nodes.map((m) => m.sym), a.X]) {
    const J = n === a.X ? p.direct : p.partials.get(n.name)!;
    if (E.isZero(J)) continue;
    const steps = derive({
      f: a.f, X: n, df: restrictDifferential(a.df, new Set([n.name])), definitions: a.definitions, kind: "jacobian", result: J,
      holdDependents: !(n === a.X && isScalarShape(n.shape)),
    });
    const block = renderStepsOf(steps, n, partLabel(a, n, "jacobian"));
    block[0] = { ...block[0]!, lhs: { text: "dF", latex: "\\mathrm{d}F" }, reason: n === a.X ? `${p.nodes.map((m) => nameText(m.sym.name)).join(", ")} held fixed` : `only ${nameText(n.name)} varies` };
    out.push(...block);
    const node = p.nodes.find((m) => m.sym === n);
    const j = render(J);
    const wrap = (r: Rendered, e: Expr) => (e.kind === "add" ? { text: `(${r.text})`, latex: `\\left(${r.latex}\\right)` } : r);
    const w = wrap(j, J);
    if (!node) terms.push(w);
    else {
      // T_A = J_A(P) T_P: the tangent of A along dθ, through the chain of declarations
      const chain: Sym[] = [];
      for (let m: typeof node | undefined = node; m; m = p.nodes.find((k) => k.sym === m!.parent)) chain.push(m.jacobian);
      const js = chain.map((c) => render(c));
      terms.push({ text: `${w.text}${js.map((c) => c.text).join("")}`, latex: `${w.latex} ${js.map((c) => c.latex).join(" ")}` });
    }
  }
  const pushes = p.nodes.map((n) => {
    const d = (s: Sym) => (s.shape.cols === 1 ? `d${nameText(s.name)}` : `vec(d${nameText(s.name)})`);
    return `${d(n.sym)} = ${toText(n.jacobian)} ${d(n.parent)}`;
  }).join(", ");
  out.push({
    lhs: name, text: terms.map((t) => t.text).join(" + "), latex: terms.map((t) => t.latex).join(" + "),
    reason: `chain rule: ${pushes} (push-forward, a JVP in d${x.text})`, rule: "push-forward", source: "derived: chain rule, vec(dA) = J_A(θ) vec(dθ)",
  });
  return out;
}

/** The names in the derivation of f by one of the symbols it depends on. */
function partLabel(a: Analysis, n: Sym, kind: ResultKind): ResultLabel {
  return resultLabel(kind, a.f.shape, { ...render(n), shape: n.shape }, render(a.f));
}

function renderStepsOf(derivation: readonly DerivationStep[], X: Sym, label: ResultLabel): RenderedStep[] {
  const a = { X };
  const dX = render(E.diff(a.X));
  return derivation.map((s, i) => {
    const sources = [...new Set(s.rules.map((id) => ruleSource(id)).filter(Boolean))].join("; ");
    const base = { reason: s.reason, rule: s.rules.join(", "), source: sources };
    if (s.display === "frobenius") {
      const g = render(s.gradient!);
      return { ...base, latex: `\\left\\langle ${g.latex},\\, ${dX.latex} \\right\\rangle`, text: `⟨${g.text}, ${dX.text}⟩` };
    }
    if (s.display === "entries") {
      // Σ_{i≤j} G_ij dS_ij: the partials in the independent entries of a symmetric S
      const g = render(s.gradient!);
      const x = render(a.X);
      return {
        ...base,
        latex: `\\sum_{i \\le j} \\left(${g.latex}\\right)_{ij} \\, \\mathrm{d}${braced(x.latex)}_{ij}`,
        text: `Σ_{i≤j} (${g.text})_{ij} d${x.text}_{ij}`,
      };
    }
    if (s.display === "vec") {
      // (I ⊗ X + Xᵀ ⊗ I) vec(dX): a sum (or a lone ⊗) multiplied on the right needs parentheses
      const j = render(s.gradient!);
      const wrap = s.gradient!.kind === "add" || s.gradient!.kind === "kron" || E.splitMul(s.gradient!).coeff.n < 0;
      return {
        ...base, lhs: { latex: `\\mathop{\\mathrm{vec}}(${label.differential.latex})`, text: `vec(${label.differential.text})` },
        latex: `${wrap ? `\\left(${j.latex}\\right)` : j.latex} \\mathop{\\mathrm{vec}}(${dX.latex})`,
        text: `${wrap ? `(${j.text})` : j.text} vec(${dX.text})`,
      };
    }
    if (s.display === "quadratic") {
      // d²f = dxᵀ H dx, vec(dX)ᵀ H vec(dX), or f″ (dt)²: H as one factor between the differentials
      const h = render(s.gradient!);
      const { coeff } = E.splitMul(s.gradient!);
      const wrap = s.gradient!.kind === "add" || s.gradient!.kind === "kron" || coeff.n !== 1 || coeff.d !== 1;
      const H = wrap ? { latex: `(${h.latex})`, text: `(${h.text})` } : h;
      if (isScalarShape(a.X.shape)) return { ...base, latex: `${H.latex}\\, (${dX.latex})^{2}`, text: `${H.text} (${dX.text})²` };
      const v = a.X.shape.cols === 1 ? dX : { latex: `\\mathop{\\mathrm{vec}}(${dX.latex})`, text: `vec(${dX.text})` };
      const vT = a.X.shape.cols === 1 ? { latex: `${dX.latex}^{\\top}`, text: `${dX.text}ᵀ` } : { latex: `${v.latex}^{\\top}`, text: `${v.text}ᵀ` };
      return { ...base, latex: `${vT.latex}\\, ${H.latex}\\, ${v.latex}`, text: `${vT.text} ${H.text} ${v.text}` };
    }
    const r = render(s.expr);
    if (s.begins === "gradient" && label.gradient) return { ...base, lhs: label.gradient, ...r };
    if (s.begins === "second" && label.secondDifferential) return { ...base, lhs: label.secondDifferential, ...r };
    return i === 0 ? { ...base, lhs: label.differential, ...r } : { ...base, ...r };
  });
}

/** A LaTeX atom that can take a subscript: `\\Sigma` and `S` as they are, `W_{1}` braced. */
const braced = (latex: string) => (/^(?:[A-Za-z]|\\[A-Za-z]+)$/.test(latex) ? latex : `{${latex}}`);

function ruleSource(id: string): string {
  return RULE_SOURCES.get(id) ?? "";
}

const RULE_SOURCES = new Map<string, string>([
  ...Object.values(DIFFERENTIALS).flatMap((rules) => (rules as readonly { id: string; source: string }[]).map((r) => [r.id, r.source] as [string, string])),
  ...SIMPLIFY_RULES.map((r) => [r.id, r.source] as [string, string]),
  ["trace-cyclic", "Matrix Cookbook (2012-11-15) eq. (16)"],
  ["frobenius", "derived: df = tr(Gᵀ dX) = ⟨G, dX⟩ defines the gradient G"],
  ["symmetric-gradient", "Srinivasan & Panda (2023); Matrix Cookbook (2012-11-15) §2.8.2"],
  ["diagonal-gradient", "derived: the orthogonal projection onto diagonal matrices, as sym(G) for symmetric ones"],
  ["vec", "Matrix Cookbook (2012-11-15) §10.2.2"],
  ["hessian-form", "derived: d²f = d(tr(Gᵀ dX)) = vec(dX)ᵀ (∂vec G/∂vec X) vec(dX); Matrix Cookbook (2012-11-15) §10.2.2"],
]);

/** The names of an analysis's result (see print/label.ts): one place for every surface. */
export function labelOf(a: Analysis): ResultLabel {
  const label = resultLabel(a.kind, a.f.shape, { ...render(a.X), shape: a.X.shape }, render(a.f));
  // through a parameterisation, a matrix θ's gradient is shown as the vector the pull-back gives
  if (a.parameterisation && a.kind === "gradient" && a.X.shape.cols !== 1) {
    const x = render(a.X);
    return { ...label, latex: `\\mathop{\\mathrm{vec}}(\\nabla_{${x.latex}} f)`, text: `vec(∇_${x.text} f)` };
  }
  return label;
}

function renderDerivation(a: Analysis, steps: readonly RenderedStep[]): { latex: string; text: string } {
  const name = labelOf(a);
  const result = render(a.result);
  const lhsWidth = Math.max(...steps.map((s) => [...(s.lhs?.text ?? "")].length));
  const exprWidth = Math.min(60, Math.max(...steps.map((s) => [...s.text].length)));
  const textLines = steps.map((s) => {
    const lhs = (s.lhs?.text ?? "").padStart(lhsWidth);
    const body = `${lhs} = ${s.text}`;
    return s.reason ? `${body}${" ".repeat(Math.max(2, lhsWidth + 3 + exprWidth - [...body].length + 2))}${s.reason}` : body;
  });
  textLines.push(`⇒ ${name.text} = ${result.text}`);
  const latexLines = steps.map((s) => `${s.lhs?.latex ?? ""} &= ${s.latex}${s.reason ? ` && \\text{${latexText(s.reason)}}` : ""}`);
  latexLines.push(`\\Rightarrow\\; ${name.latex} &= ${result.latex}`);
  return { latex: `\\begin{aligned}\n${latexLines.join(" \\\\\n")}\n\\end{aligned}`, text: textLines.join("\n") };
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

function collectNames(root: Node): string[] {
  return nodesInOrder(root).flatMap((n) => (n.type === "ident" && n.name !== "I" ? [n.name] : []));
}
