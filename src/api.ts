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
import { parse, DEFAULT_LIMITS as PARSE_LIMITS } from "./syntax/parse.js";
import type { Node } from "./syntax/ast.js";
import { parseDeclaration, type Declaration } from "./shapes/declarations.js";
import { elaborate, nodesInOrder, DEFAULT_MAX_POWER, type Definition } from "./shapes/elaborate.js";
import { readShapes } from "./shapes/reading.js";
import { differential, expandDefinitions } from "./calculus/differential.js";
import { frobeniusGradient } from "./calculus/gradient.js";
import { symmetricGradient, diagonalGradient, CONVENTION_TEXT, type SymmetricConvention } from "./calculus/symmetric.js";
import { simplify, type StopReason, type Step } from "./simplify/index.js";
import { toLatex } from "./print/latex.js";
import { toText, nameText } from "./print/text.js";
import { GREEK, GREEK_BY_UNICODE } from "./syntax/greek.js";
import { toNumpy } from "./print/numpy.js";
import { Budget } from "./core/budget.js";
import { checkGradient, checkJacobian, asPolynomialsIn, type CheckResult } from "./numeric/check.js";
import { vecJacobian, scalarDerivative } from "./calculus/jacobian.js";
import { derive, type DerivationStep } from "./calculus/steps.js";
import { indexForm } from "./print/index-notation.js";
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
  /** Second derivatives of a scalar function: the Hessian. */
  readonly hessian?: boolean;
  /** The derivation, step by step, with the rule behind each step. */
  readonly steps?: boolean;
  /** Include the index form (derivative.index, derivative.einsum); default true. */
  readonly index?: boolean;
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
    readonly numpy: string;
    readonly shape: string;
    /** Entrywise, Einstein summation: ∂f/∂X_{ij} = …, ∂F_{ij}/∂X_{kl} = … (absent if it cannot be written). */
    readonly index?: Rendered;
    /** The same as an np.einsum expression, when every factor has a NumPy form. */
    readonly einsum?: string;
  };
  /** The result's name as a textbook writes it: ∇_θ f, ∂vec(F)/∂vec(X), ∇²_x f. */
  readonly label: Rendered;
  /** How the result is laid out, in words. */
  readonly layout: string;
  /** Every symbol's shape, e.g. { A: "n×n", x: "n×1", alpha: "1×1" }. */
  readonly shapes: Readonly<Record<string, string>>;
  readonly definitions?: Readonly<Record<string, Rendered>>;
  readonly convention?: { readonly symmetric: SymmetricConvention; readonly text: string };
  readonly notes: readonly string[];
  readonly simplification: { readonly steps: number; readonly stopped: StopReason; readonly rules: readonly string[] };
  readonly check?: CheckReport;
  /** With `steps: true`: the derivation, one equality per step. */
  readonly steps?: readonly RenderedStep[];
  /** With `steps: true`: the derivation as one LaTeX `aligned` block. */
  readonly derivation?: { readonly latex: string; readonly text: string };
}

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

export type ResultKind = "gradient" | "derivative" | "jacobian" | "hessian";

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
      throw new MatdiffError("limit", "the expression is too deeply nested to process", undefined, { hint: "split it into named parts with --where" });
    }
    // e.g. ‖u − u‖: its derivative xᵀdx/‖x‖ divides by it
    if (err instanceof E.DivisionByZero) {
      throw new MatdiffError("number", `division by zero: ${toText(err.divisor)} is identically 0`, undefined, {
        hint: "the expression (or its derivative) divides by it; simplify that part of the input",
      });
    }
    throw err;
  }
}

function analyzeUnguarded(input: string, options: DifferentiateOptions): Analysis {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const deadline = Date.now() + limits.timeoutMs;
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
  const reading = readShapes(root, { text: input, offset: 0 }, {
    declarations, definitions, extraSymbols: [wrtName], maxPower: limits.maxPower, wrt: wrtName, display: nameText, deadline,
  });
  const el = reading.elaborated;
  notes.push(...reading.notes);
  const f = el.expr;
  const X = el.symbols.get(wrtName)!;
  const usesX = E.contains(expandDefinitions(f, el.definitions), (e) => e === X || (e.kind === "sym" && e.props.dependsOn === X.name));
  if (!usesX) notes.push(`${wrtName} does not occur in the expression, so the derivative is 0`);

  const dX = E.diff(X);
  const budget = new Budget(deadline, limits.timeoutMs);
  const ctx = { wrt: new Map([[wrtName, dX]]), definitions: el.definitions, budget };
  const { df, rules } = differential(f, ctx);
  const scalarF = isScalarShape(f.shape);
  const scalarX = isScalarShape(X.shape);
  const symmetricX = Boolean(X.props.symmetric || X.props.posdef);
  const simplifyAll = (e: Expr) => simplify(foldDefinitions(e, el.definitions, el.symbols), { maxSteps: limits.maxSteps, deadline });
  const convention = symmetricX && scalarF ? options.symmetric ?? "sym" : undefined;
  // dD ranges over diagonal matrices: the gradient in that space is G's diagonal part G ⊙ I, the
  // analogue of sym(G) for a symmetric S, and what checkGradient expects (both conventions agree on it)
  const diagonalX = Boolean(X.props.diagonal) && !scalarX && !symmetricX;
  if (diagonalX && scalarF) notes.push(`${nameText(wrtName)} is diagonal: the gradient is the diagonal part G ⊙ I of the unconstrained gradient G, so that df = ⟨∇f, d${nameText(wrtName)}⟩ for every diagonal d${nameText(wrtName)}`);

  /** First derivative of a scalar f: the gradient (with the symmetric convention or the diagonal part) or f′. */
  const firstDerivative = (): Expr => {
    let g = scalarX ? scalarDerivative(df, dX) : frobeniusGradient(df, dX, budget);
    if (convention) g = symmetricGradient(g, convention);
    if (diagonalX) g = diagonalGradient(g);
    return g;
  };

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
    differentialRules: rules, simplification: { steps: simplified.steps, stopped: simplified.stopped }, notes, limits, deadline,
  };
}

/** The left-hand side naming the result, for text and LaTeX. */
export function resultName(r: DifferentiateResult): Rendered {
  const x = r.wrt;
  const vectorish = (shape: string) => shape.endsWith("×1");
  switch (r.kind) {
    case "gradient":
      return { text: `∇_${x.text} f`, latex: `\\nabla_{${x.latex}}` };
    case "derivative":
      return { text: `d/d${x.text} f`, latex: `\\frac{\\mathrm{d}}{\\mathrm{d}${x.latex}}` };
    case "jacobian":
      return vectorish(r.function.shape) && vectorish(r.wrt.shape)
        ? { text: `∂f/∂${x.text}`, latex: `\\frac{\\partial}{\\partial ${x.latex}}` }
        : { text: `∂vec(F)/∂vec(${x.text})`, latex: `\\frac{\\partial \\operatorname{vec}}{\\partial \\operatorname{vec}(${x.latex})}` };
    case "hessian":
      return r.wrt.shape === "1×1"
        ? { text: `d²/d${x.text}² f`, latex: `\\frac{\\mathrm{d}^{2}}{\\mathrm{d}${x.latex}^{2}}` }
        : { text: `∇²_${x.text} f`, latex: `\\nabla^{2}_{${x.latex}}` };
  }
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
  const expand = (e: Expr) => asPolynomialsIn(expandDefinitions(e, a.definitions), a.X);
  const common = {
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
    method: a.kind === "hessian" ? "central finite differences of f and of its gradient on random inputs" : "central finite differences on random inputs",
    ...(ok || !detail ? {} : { detail }),
    ...(inconclusive ? { inconclusive: true as const } : {}),
  };
}

const LAYOUT: Record<ResultKind, (a: Analysis) => string> = {
  gradient: (a) => `∇f has the shape of ${nameText(a.X.name)} (${formatShape(a.X.shape)}): df = tr(∇fᵀ d${nameText(a.X.name)})`,
  derivative: (a) => `entrywise derivative, the shape of f (${formatShape(a.f.shape)})`,
  jacobian: (a) => (a.X.shape.cols === 1 && a.f.shape.cols === 1
    ? `numerator layout: J is ${formatShape(a.result.shape)} with df = J d${nameText(a.X.name)}`
    : `J = ∂vec(F)/∂vec(${nameText(a.X.name)}) is ${formatShape(a.result.shape)} with vec(dF) = J vec(d${nameText(a.X.name)}); vec stacks columns${commutationNote(a.result)}`),
  hessian: (a) => (isScalarShape(a.X.shape) ? "second derivative"
    : a.X.shape.cols === 1 ? `H is ${formatShape(a.result.shape)} with d²f = d${nameText(a.X.name)}ᵀ H d${nameText(a.X.name)}`
    : `H is ${formatShape(a.result.shape)} with d²f = vec(d${nameText(a.X.name)})ᵀ H vec(d${nameText(a.X.name)}); vec stacks columns${commutationNote(a.result)}`),
};

/** The layout line explains K where the result has one. */
function commutationNote(result: Expr): string {
  if (!E.contains(result, (x) => x.kind === "commutation")) return "";
  const rectangular = E.contains(result, (x) => x.kind === "commutation" && x.m !== x.n);
  return `; K is the commutation matrix, K vec(A) = vec(Aᵀ)${rectangular ? ", written K_{m,n} for A m×n" : ""}`;
}

export function differentiate(input: string, options: DifferentiateOptions): DifferentiateResult {
  return asUserErrors(() => differentiateUnguarded(input, options));
}

function differentiateUnguarded(input: string, options: DifferentiateOptions): DifferentiateResult {
  const a = analyze(input, options);
  const { f, X, result, convention } = a;
  const dfShown = simplify(a.df, { maxSteps: a.limits.maxSteps, deadline: a.deadline }).expr;

  const shapes: Record<string, string> = {};
  for (const [name, s] of a.symbols) shapes[name] = formatShape(s.shape);
  const defsOut: Record<string, Rendered> = {};
  for (const [name, body] of a.definitions) defsOut[name] = render(body);

  const check = options.check ? checkAnalysis(a, typeof options.check === "object" ? options.check : {}) : undefined;
  const steps = options.steps ? renderSteps(a) : undefined;

  return {
    ok: true,
    kind: a.kind,
    wrt: { name: X.name, shape: formatShape(X.shape), latex: toLatex(X), text: toText(X) },
    function: { ...render(f), shape: formatShape(f.shape) },
    differential: render(dfShown),
    ...(a.secondDifferential ? { secondDifferential: render(a.secondDifferential) } : {}),
    ...(a.kind === "hessian" ? { gradient: render(a.gradient) } : {}),
    derivative: {
      ...render(result), shape: formatShape(result.shape),
      numpy: toNumpy(expandDefinitions(result, a.definitions), { dimExpr: dimExpressions(a.symbols.values()) }),
      ...(options.index === false ? {} : indexFields(a)),
    },
    label: conclusionName(a),
    layout: LAYOUT[a.kind](a),
    shapes,
    ...(a.definitions.size ? { definitions: defsOut } : {}),
    ...(convention ? { convention: { symmetric: convention, text: CONVENTION_TEXT[convention] } } : {}),
    notes: a.notes,
    simplification: {
      steps: a.simplification.steps.length, stopped: a.simplification.stopped,
      rules: [...new Set(a.simplification.steps.map((s) => s.rule))],
    },
    ...(check ? { check } : {}),
    ...(steps ? { steps, derivation: renderDerivation(a, steps) } : {}),
  };
}

/** The index form, or nothing when a result has no entrywise form (it is an extra view, never a reason to fail). */
function indexFields(a: Analysis): { index?: Rendered; einsum?: string } {
  try {
    const ix = indexForm(a, { dimExpr: dimExpressions(a.symbols.values()) });
    return { index: { latex: ix.latex, text: ix.text }, ...(ix.einsum ? { einsum: ix.einsum } : {}) };
  } catch (err) {
    if (err instanceof MatdiffError) return {};
    throw err;
  }
}

/** The derivation of an analysis, as expressions (for tests: each step is checked numerically). */
export function derivationOf(a: Analysis): DerivationStep[] {
  return derive({
    f: a.f, X: a.X, df: a.df, definitions: a.definitions, kind: a.kind, result: a.kind === "hessian" ? a.gradient : a.result,
    ...(a.convention ? { convention: a.convention } : {}),
  });
}

function renderSteps(a: Analysis): RenderedStep[] {
  const dX = render(E.diff(a.X));
  return derivationOf(a).map((s, i) => {
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
        ...base, lhs: { latex: "\\operatorname{vec}(\\mathrm{d}F)", text: "vec(dF)" },
        latex: `${wrap ? `\\left(${j.latex}\\right)` : j.latex} \\operatorname{vec}(${dX.latex})`,
        text: `${wrap ? `(${j.text})` : j.text} vec(${dX.text})`,
      };
    }
    const r = render(s.expr);
    return i === 0 ? { ...base, lhs: { latex: "\\mathrm{d}f", text: "df" }, ...r } : { ...base, ...r };
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
]);

/** The name of the result, as the derivation's conclusion writes it. */
function conclusionName(a: Analysis): Rendered {
  const x = render(a.X);
  switch (a.kind) {
    case "gradient": return isScalarShape(a.X.shape) ? { latex: `\\frac{\\mathrm{d}f}{\\mathrm{d}${x.latex}}`, text: `df/d${x.text}` } : { latex: `\\nabla_{${x.latex}} f`, text: `∇_${x.text} f` };
    case "derivative": return { latex: `\\frac{\\mathrm{d}F}{\\mathrm{d}${x.latex}}`, text: `dF/d${x.text}` };
    case "jacobian": return { latex: `\\frac{\\partial \\operatorname{vec} F}{\\partial \\operatorname{vec} ${x.latex}}`, text: `∂vec(F)/∂vec(${x.text})` };
    case "hessian": return isScalarShape(a.X.shape) ? { latex: `\\frac{\\mathrm{d}f}{\\mathrm{d}${x.latex}}`, text: `df/d${x.text}` } : { latex: `\\nabla_{${x.latex}} f`, text: `∇_${x.text} f` };
  }
}

/** The reason of a step inside LaTeX \\text{…}: specials escaped, symbols as inline math. */
function latexReason(reason: string): string {
  const map: Record<string, string> = {
    "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "#": "\\#", "$": "\\$", "%": "\\%", "&": "\\&", "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}",
    "ᵀ": "$^{\\top}$", "′": "$'$", "⊙": "$\\odot$", "⊗": "$\\otimes$", "∘": "$\\circ$", "⟨": "$\\langle$", "⟩": "$\\rangle$",
    "−": "$-$", "≤": "$\\le$", "‖": "$\\|$", "⁻¹": "$^{-1}$", "Ẏ": "$\\dot{Y}$", "σ": "$\\sigma$", "§": "\\S{}",
  };
  let out = "";
  for (let i = 0; i < reason.length; i++) {
    const two = reason.slice(i, i + 2);
    if (map[two]) { out += map[two]; i++; continue; }
    const c = reason[i]!;
    const greek = GREEK_BY_UNICODE.get(c);
    const sub = "₀₁₂₃₄₅₆₇₈₉".indexOf(c);
    out += map[c] ?? (greek ? `$\\${greek}$` : sub >= 0 ? `$_{${sub}}$` : c.charCodeAt(0) < 128 ? c : "");
  }
  // adjacent inline math merges: "$\theta$$\rangle$" would read as a $$ display delimiter in Markdown
  return out.replace(/(?<!\\)\$\$/g, "");
}

function renderDerivation(a: Analysis, steps: readonly RenderedStep[]): { latex: string; text: string } {
  const name = conclusionName(a);
  const result = render(a.kind === "hessian" ? a.gradient : a.result);
  const lhsWidth = Math.max(...steps.map((s) => [...(s.lhs?.text ?? "")].length));
  const exprWidth = Math.min(60, Math.max(...steps.map((s) => [...s.text].length)));
  const textLines = steps.map((s) => {
    const lhs = (s.lhs?.text ?? "").padStart(lhsWidth);
    const body = `${lhs} = ${s.text}`;
    return s.reason ? `${body}${" ".repeat(Math.max(2, lhsWidth + 3 + exprWidth - [...body].length + 2))}${s.reason}` : body;
  });
  textLines.push(`⇒ ${name.text} = ${result.text}`);
  const latexLines = steps.map((s) => `${s.lhs?.latex ?? ""} &= ${s.latex}${s.reason ? ` && \\text{${latexReason(s.reason)}}` : ""}`);
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
