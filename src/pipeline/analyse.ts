/**
 * The pipeline: text in, an Analysis out. Parse, read the shapes, guard the
 * sizes, take the differential, bring it to a gradient, Jacobian or Hessian
 * and simplify. Everything as expressions; presenting them is present/'s job.
 */
import { substituteIndexed, readIndexedSums } from "../syntax/indexed-sum.js";
import { readGaussians } from "../syntax/gaussian.js";
import * as E from "../core/expr.js";
import type { Expr, Sym } from "../core/expr.js";
import { formatShape, isScalarShape, mulDim } from "../core/shape.js";
import * as Q from "../core/rational.js";
import { MatdiffError } from "../errors.js";
import { RationalOverflow } from "../core/rational.js";
import { parse, DEFAULT_LIMITS as PARSE_LIMITS } from "../syntax/parse.js";
import { readQuestion } from "../syntax/question.js";
import { readDomains } from "../syntax/domains.js";
import { nodesInOrder, type Node, type Span } from "../syntax/ast.js";
import { parseDeclaration, type Declaration } from "../shapes/declarations.js";
import { conventionalRank, DEFAULT_MAX_POWER, type Definition, type Elaborated, type SourceText } from "../shapes/elaborate.js";
import { readShapes } from "../shapes/reading.js";
import { guardFoldedPowers, definitionSite } from "../shapes/folded-power.js";
import { differential, expandDefinitions, type Expansion } from "../calculus/differential.js";
import { frobeniusTerms, type FrobeniusTerms } from "../calculus/gradient.js";
import { symmetricGradient, diagonalGradient, type SymmetricConvention } from "../calculus/symmetric.js";
import { readSoftmaxQuotients, simplifier, type Simplifier, type SimplifyResult, type StopReason, type Step } from "../simplify/index.js";
import { toText, nameText } from "../print/text.js";
import { GREEK } from "../syntax/greek.js";
import { nameInput } from "../syntax/names.js";
import { OPERATIONS } from "../core/operations.js";
import { Budget } from "../core/budget.js";
import { vecJacobian, scalarDerivative } from "../calculus/jacobian.js";
import { checkDependencyCycles, intermediatesOf, dependentsOf, pullBackGradient, pushForwardJacobian, restrictDifferential, type Intermediate } from "../calculus/parameterised.js";
import { functionLetter, type ResultKind } from "../print/label.js";

export interface Limits {
  /** Characters of input (default 10,000). */
  readonly maxLength: number;
  /** Bracket nesting depth (default 200). */
  readonly maxDepth: number;
  /** Largest integer matrix power (default 64) whose derivative has a term per factor; tr(Aᵏ), det(Aᵏ), logdet(Aᵏ) collapse and are bounded by the budget alone. */
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
      case "norm": case "bars": case "entry": stack.push([n.arg, depth + 1]); break;
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
function guardExpandedSize(f: Expr, definitions: ReadonlyMap<string, Expr>, limit: number, collapsing: boolean): void {
  const memo = new Map<number, number>();
  const sizeOf = (e: Expr): number => {
    const hit = memo.get(e.id);
    if (hit !== undefined) return hit;
    let n: number;
    if (e.kind === "sym" && definitions.has(e.name)) n = sizeOf(definitions.get(e.name)!);
    // tr(Xᵏ), det(Xᵏ): the derivative collapses to one term (rules/differentials.ts), unless it is differentiated twice
    else if (collapsing && (e.kind === "trace" || e.kind === "det" || e.kind === "logdet") && e.arg.kind === "power") n = 1 + sizeOf(e.arg.arg);
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

function readDefinition(text: string, limits: Limits, label = `--where "${text}"`): Definition {
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

/** Everything the pipeline computed, as expressions (for tests and richer front ends). */
export interface Analysis {
  readonly input: string;
  readonly kind: ResultKind;
  readonly f: Expr;
  readonly X: Sym;
  readonly df: Expr;
  /** df simplified (in the request's pass), computed once for every stage that shows or reads it (the extraction, the result, the index form, --steps). */
  readonly simplifiedDf: () => SimplifyResult;
  /** differential()'s record of how it expanded df, when df was taken in X alone: --steps renders it. */
  readonly expansion?: Expansion;
  /** The Frobenius extraction of df simplified, term by term (the gradient of a scalar f by a vector or matrix): the one extraction of a request. */
  readonly frobenius?: FrobeniusTerms;
  /**
   * The request's one simplification pass (simplifier()): df, the result (for a Hessian, the
   * gradient first) and d²f share its memo, and --steps continues it for the lines it writes from
   * the same pieces (each term of df with dX last, G before a convention, d²f's chain).
   */
  readonly pass: Simplifier;
  /** The result before simplification (after the symmetric convention, if any). */
  readonly raw: Expr;
  /** The result: gradient, derivative, Jacobian (of vec F by vec X) or Hessian. */
  readonly result: Expr;
  /** The gradient (or, for a scalar variable, the first derivative); for a Hessian, the one it differentiates. */
  readonly gradient: Expr;
  /** A derivative by X², (d/dX)/(2X), as ∂/∂σ² asks (X a scalar). */
  readonly bySquare?: true;
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
export function asUserErrors<T>(run: () => T): T {
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
  if (names.length === 0 && input.length <= (options.limits?.maxLength ?? DEFAULT_LIMITS.maxLength)) names.push(...readQuestion(input).wrt);
  if (names.length > 1) {
    throw new MatdiffError("wrt", `several variables (${names.join(", ")}) need differentiateAll, or wrt as an array`, undefined, {
      hint: `differentiate(expr, { wrt: [${names.map((n) => JSON.stringify(n)).join(", ")}] })`,
    });
  }
  return analyzeSeveral(input, options, names).analyses[0]!;
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
  return asUserErrors(() => analyzeSeveral(input, options, wrtNames(options.wrt)));
}

/**
 * `asked` is the caller's options and `askedWrt` its variables as a list: the options are read, never copied
 * (a spread of an options object cost as much as a tenth of a small request's parsing).
 */
function analyzeSeveral(typed: string, asked: Omit<DifferentiateOptions, "wrt">, askedWrt: readonly string[]): SeveralAnalyses {
  const limits: Limits = asked.limits ? { ...DEFAULT_LIMITS, ...asked.limits } : DEFAULT_LIMITS;
  const budget = Budget.of(limits);
  const deadline = budget.deadline;
  // \nabla_x f, \frac{∂}{∂X} f, f(x) = …: the question's own notation names the variable; the rest is the function
  const question = typed.length <= limits.maxLength ? readQuestion(typed) : { expr: typed, wrt: [], hessian: false };
  // x^T A x, \quad A \in \mathbb{S}^n: the domains stated after f are declarations
  const stated = readDomains(question.expr);
  let input = stated.expr;
  let wrtAsked = askedWrt.length ? askedWrt : question.wrt;
  const hessian = Boolean(asked.hessian || question.hessian);
  const options = { symmetric: asked.symmetric, hessian };
  // Σᵢ (yᵢ − xᵢᵀβ)²: sums over an index read as the vectors and matrices they stand for
  // not the count of a sum with no upper limit: the variable, a declared name, any count letter once sizes are declared
  const lets = entries(asked.let, ":");
  const notCounts = new Set([...wrtAsked.map((w) => w.trim()), ...lets.map((t) => t.split(":")[0]!.trim())]);
  if (lets.some((t) => /\d|\s(?:x|×)\s|vector\s+\S/.test(t.split(":").slice(1).join(":")))) for (const c of ["n", "N", "m", "M"]) notCounts.add(c);
  // μᵢ = e^{xᵢᵀβ} after the function: an entry's definition, put in place of its uses before the sums are read
  const indexedDefinitions: { base: string; index: string; node: Node }[] = [];
  const afterF = (question.where ?? []).filter((d) => {
    const eq = d.text.indexOf("=");
    const entry = /^(.+)_([A-Za-z])$/.exec(symbolName(d.text.slice(0, eq), limits) ?? "");
    if (!entry) return true;
    indexedDefinitions.push({ base: entry[1]!, index: entry[2]!, node: parse(" ".repeat(d.offset + eq + 1) + d.text.slice(eq + 1), limits) });
    return false;
  });
  const parsed = parse(input, limits);
  // the definitions' text back in place, now that f is parsed: what was put in its place is quoted from there
  for (const d of (question.where ?? []).filter((w) => !afterF.includes(w))) input = input.slice(0, d.offset) + d.text + input.slice(d.offset + d.text.length);
  const { root, notes: indexedNotes, counts, labels, sampleRows } = readIndexedSums(substituteIndexed(parsed, indexedDefinitions), input, notCounts);
  // 𝒩(x; μ, Σ): the density (or log 𝒩's log-density) it was read as, and Σ a covariance
  const gaussians = input.includes("N") || input.includes("𝒩") ? readGaussians(root, input, nameText) : { notes: [], covariances: [] };
  guardTreeDepth(root);

  const declarations: Declaration[] = lets.map((t) =>
    parseDeclaration(t, (raw) => {
      const name = symbolName(raw, limits);
      // as for --where: a name that is not one symbol (`<img …>`, `x y`) declares nothing the expression could use
      if (name === null) throw new MatdiffError("declaration", `bad --let "${t}": '${raw.trim()}' is not a single symbol`, undefined, { hint: 'e.g. --let "S: symmetric"' });
      return name;
    }));
  const domainNotes: string[] = [];
  const fromDomains: string[] = [];
  for (const d of stated.domains) {
    const declaration = parseDeclaration(`${d.name}: ${d.spec}`, (raw) => symbolName(raw, limits) ?? raw);
    // --let says more than the text: it wins
    if (declarations.some((o) => o.name === declaration.name) || fromDomains.includes(declaration.name)) continue;
    declarations.push(declaration);
    fromDomains.push(declaration.name);
    domainNotes.push(`--let "${nameInput(declaration.name)}: ${d.spec}"`);
  }
  if (domainNotes.length) domainNotes.splice(0, domainNotes.length, `the domains stated after f are read as declarations: ${domainNotes.join(" ")}`);
  // ‖y − ŷ‖², ŷ = Xw: definitions written after the function are read as --where's
  const inline = afterF.map((d) => d.text.replace(/\s+/g, " "));
  const definitions = [...entries(asked.where, " =").map((t) => readDefinition(t, limits)), ...inline.map((t) => readDefinition(t, limits, `the definition "${t}"`))];
  const writtenAfter = (question.where ?? []).map((d) => d.text.replace(/\s+/g, " "));
  const inlineNotes = writtenAfter.length ? [`${writtenAfter.join(", ")} after f ${writtenAfter.length > 1 ? "are" : "is"} read as ${writtenAfter.length > 1 ? "definitions" : "a definition"}, as --where gives ${writtenAfter.length > 1 ? "them" : "it"}${indexedDefinitions.length ? ` (an entry's, put in place of each of its uses)` : ""}`] : [];
  // \sum_{i=1}^{N}: what the sum reads has N rows (y: N×1, X: N×p), unless --let or --where says otherwise;
  // N then names that size wherever it is written (the 1/N of a mean), as a declared size does
  const implied: Declaration[] = [];
  for (const [name, { rows: written, rank, sum, implied: byLetter }] of counts) {
    if (definitions.some((d) => d.name === name)) continue;
    const rows = /^\d+$/.test(written) ? Number(written) : written;
    const at = declarations.findIndex((d) => d.name === name);
    const declared = declarations[at];
    // a count read from the letter beside the sum yields to what --let says
    if (byLetter && declared && (declared.rows !== undefined || declarations.some((d) => d.name === written))) continue;
    if (!declared) implied.push({ name, rank, rows });
    else if (declared.rows === undefined && declared.rank !== "scalar") declarations[at] = { ...declared, rows };
    else if (declared.rows !== rows) {
      throw new MatdiffError("declaration", `${nameText(name)} is declared with ${declared.rows ?? 1} row${declared.rows === 1 || declared.rows === undefined ? "" : "s"}, but ${sum} has ${written} terms, one per row of ${nameText(name)}`, undefined, {
        hint: `write the sum's upper limit as ${declared.rows ?? 1}, or declare ${nameText(name)} with ${written} rows`,
      });
    }
  }
  const seen = new Set<string>();
  for (const d of declarations) {
    if (seen.has(d.name)) throw new MatdiffError("declaration", `${d.name} is declared twice with --let`, undefined, { hint: `give ${d.name} one SPEC, e.g. --let "${nameInput(d.name)}: symmetric"` });
    seen.add(d.name);
  }
  for (const d of definitions) {
    if (definitions.filter((o) => o.name === d.name).length > 1) throw new MatdiffError("declaration", `${d.name} is defined twice with --where`);
  }
  declarations.push(...implied);
  // the matrix of a sum's samples (X of Σᵢ xᵢᵀw) is one however the search for a reading would have its letter
  for (const name of sampleRows.values()) {
    if (!declarations.some((d) => d.name === name) && !definitions.some((d) => d.name === name)) declarations.push({ name, rank: "matrix" });
  }
  // s_y beside Σⱼ exp(s_j): y is the label's one-hot vector, unless declared
  for (const label of labels) {
    if (!declarations.some((d) => d.name === label) && !definitions.some((d) => d.name === label)) declarations.push({ name: label, rank: "vector", probability: true });
  }
  const covarianceNotes: string[] = [];
  for (const name of gaussians.covariances) {
    if (declarations.some((d) => d.name === name) || definitions.some((d) => d.name === name)) continue;
    declarations.push({ name, rank: "matrix", symmetric: true, posdef: true });
    covarianceNotes.push(`${nameText(name)} is read as symmetric positive definite, as the covariance of 𝒩 is (--let "${nameInput(name)}: posdef" states this reading); declared otherwise, e.g. --let "${nameInput(name)}: square", it is not`);
  }
  const dependsOn = new Map<string, string>();
  for (const d of declarations) if (d.dependsOn !== undefined) dependsOn.set(d.name, d.dependsOn);
  const written = writtenDependencies(root, definitions, declarations, input);
  for (const [name, { of }] of written) dependsOn.set(name, of);
  checkDependencyCycles(dependsOn, nameText);
  for (const [name, parent] of dependsOn) {
    if (definitions.some((d) => d.name === parent)) {
      throw new MatdiffError("declaration", `${nameText(name)} is declared a function of ${nameText(parent)}, which is defined by --where`, undefined, {
        hint: `declare it a function of a symbol, or write ${nameText(name)} with --where in terms of ${nameText(parent)}'s own symbols`,
      });
    }
  }

  // ∇f with no subscript: by f's one symbol, which the notation leaves no doubt about
  const bareNablaNotes: string[] = [];
  if (wrtAsked.length === 0 && question.bareNabla) {
    const names = [...new Set(collectNames(root))];
    // ∇f names its variable in a subscript; "the gradient of f" in words
    const inWords = /^[A-Za-z]/.test(question.notation ?? "");
    const unnamed = inWords ? `"${question.notation}" names no variable` : `${question.notation} with no subscript`;
    if (names.length === 1) {
      wrtAsked = names;
      bareNablaNotes.push(`${unnamed}${inWords ? ": it" : ""} is read as by ${nameText(names[0]!)}, f's one symbol`);
    } else if (names.length > 1) {
      throw new MatdiffError("wrt", `${unnamed}: with respect to which of ${names.map(nameText).join(", ")}?`, undefined, {
        hint: inWords
          ? `add the variable, e.g. ${question.notation} f with respect to ${nameInput(names[0]!)}, or use --wrt`
          : `write the variable as its subscript, e.g. ${question.notation}_${nameInput(names[0]!)} f, or use --wrt`,
      });
    }
  }
  if (wrtAsked.length === 0) {
    const names = [...new Set(collectNames(root))].sort();
    throw new MatdiffError("wrt", `missing the variable to differentiate with respect to`, undefined, {
      hint: names.length ? `the expression's symbols are ${names.join(", ")}; e.g. --wrt ${names[0]}` : undefined,
    });
  }
  const wrtList: string[] = [];
  /** The variable σ of a derivative asked by its square σ² (∂/∂σ², --wrt sigma^2). */
  let bySquare: string | undefined;
  const componentNotes: string[] = [];
  /** The names as asked, before an entry θ_i is read as its vector θ: what the notation's names are checked against. */
  const askedNames: (string | null)[] = [];
  for (const raw of wrtAsked) {
    let wrtName = symbolName(raw, limits);
    askedNames.push(wrtName);
    // ∂/∂θ_i of f written in θ: entry i of θ, not a symbol f does not contain (whose derivative, 0, was a wrong answer)
    const component = wrtName ? entryOf(wrtName, root, declarations, definitions, sampleRows) : null;
    if (component?.row) {
      // ∂/∂μ_k of Σᵢₖ rᵢₖ‖xᵢ − μₖ‖², whose μₖ are the rows of M: 0 was a wrong answer
      componentNotes.push(`${nameText(wrtName!)} is read as row ${component.index} of ${nameText(component.of)}, the matrix of the sum's rows ${nameText(component.base)}_${component.index}ᵀ: the gradient ∇_${nameText(component.of)} f is given, and its row ${component.index} is the gradient by ${nameText(wrtName!)}`);
      wrtName = component.of;
    } else if (component) {
      componentNotes.push(`${nameText(wrtName!)} is read as entry ${component.index} of ${nameText(component.of)}, which f is written in: the gradient ∇_${nameText(component.of)} f is given, entry by entry with --format index`);
      wrtName = component.of;
    } else if (wrtName && sampleRows.has(wrtName) && !declarations.some((d) => d.name === wrtName) && !collectNames(root).includes(wrtName)) {
      // --wrt x of Σᵢ ‖xᵢ − μ‖², --wrt p of Σᵢₖ yᵢₖ log pᵢₖ: the letter of the sum's rows or entries, which f is written
      // in as the matrix X, P; 0, by a symbol f does not contain, was a wrong answer
      const matrix = sampleRows.get(wrtName)!;
      componentNotes.push(`${nameText(wrtName)} is read as ${nameText(matrix)}, the matrix of the sum's ${nameText(wrtName)}'s (as the note on the sum says): ∇_${nameText(matrix)} f is given, the derivative by each ${nameText(wrtName)} its row or entry`);
      wrtName = matrix;
    }
    // ∂/∂σ², --wrt sigma^2: the derivative by a square (a variance's MLE), (d/dσ)/(2σ) by the chain rule through σ²
    const base = question.bySquare ? wrtName : squaredName(raw, limits);
    if (base) {
      const x = nameText(base);
      const asked = question.bySquare ? question.notation : `--wrt ${raw}`;
      if (hessian || wrtAsked.length > 1 || question.wrt.length > 1) {
        throw new MatdiffError("unsupported", `${asked} asks for the derivative by ${x}², which matdiff takes alone: not as a second derivative, nor beside other variables`, undefined, {
          hint: `ask for it on its own; a second derivative by ${x}² is d/d${x}² of the first, (d/d${x})/(2${x}) applied twice`,
        });
      }
      bySquare = base;
      wrtName = base;
    }
    if (!wrtName || wrtName === "I") {
      // hat{y}: a shell took the backslash of an unquoted --wrt \hat{y}
      const lost = /^[a-zA-Z]+\{/.test(raw.trim()) ? `\\${raw.trim()}` : null;
      throw new MatdiffError("wrt", `--wrt must name one symbol, e.g. --wrt A; '${raw}' is not a symbol`, undefined,
        lost ? { hint: `for ${lost}, quote it so the shell keeps the backslash: --wrt '${lost}'` } : undefined);
    }
    if (definitions.some((d) => d.name === wrtName)) {
      throw new MatdiffError("wrt", `${wrtName} is defined by --where; differentiate with respect to a symbol it is built from`);
    }
    if (wrtList.includes(wrtName)) throw new MatdiffError("wrt", `${nameText(wrtName)} is named twice in --wrt`);
    wrtList.push(wrtName);
  }
  // an operator that names its variable (∇_x, ∂/∂X) and a --wrt that names another ask two questions
  const operatorNames = question.notation && !/=$/.test(question.notation) ? question.wrt.map((w) => symbolName(w, limits)) : [];
  if (askedWrt.length && operatorNames.length && (operatorNames.length !== askedNames.length || operatorNames.some((n, i) => n !== askedNames[i]))) {
    throw new MatdiffError("wrt", `the input asks for ${question.notation}, with respect to ${operatorNames.map((n) => (n ? nameText(n) : "?")).join(", ")}, but --wrt names ${wrtList.map(nameText).join(", ")}`, undefined, {
      hint: "drop --wrt, or the derivative's notation from the expression",
    });
  }
  if (wrtList.length > 1 && options.hessian) {
    throw new MatdiffError("unsupported", `--hessian takes one variable, not ${wrtList.length} (${wrtList.map(nameText).join(", ")})`, undefined, {
      hint: "ask for each Hessian in its own run",
    });
  }

  // p_θ(x), μ_θ, Σ_θ asked by θ: a symbol subscripted by the variable is a function of it, as the subscript
  // says (the x of p_θ(x) is the point it is evaluated at); read as a constant, the answer was a silent 0
  const subscripted: string[] = [];
  // names walked once, and only where a subscript is written at all
  const names = input.includes("_") || definitions.length ? new Set([...collectNames(root), ...definitions.flatMap((d) => collectNames(d.node))]) : new Set<string>();
  for (const w of wrtList) {
    for (const name of names) {
      const sub = name.indexOf("_") < 0 ? null : name.slice(name.indexOf("_") + 1);
      // a sum's upper limit sizes h_θ of Σᵢ₌₁ᵐ (h_θ(xᵢ) − yᵢ)² (an implied declaration), which says nothing of what it depends on
      if (sub !== w || declarations.some((d) => d.name === name && !implied.includes(d)) || definitions.some((d) => d.name === name) || dependsOn.get(name) === w) continue;
      dependsOn.set(name, w);
      written.delete(name);
      subscripted.push(name);
    }
  }
  if (subscripted.length) checkDependencyCycles(dependsOn, nameText);

  const notes: string[] = [...domainNotes, ...inlineNotes, ...bareNablaNotes, ...componentNotes, ...indexedNotes, ...gaussians.notes, ...covarianceNotes];
  // d/dt, \frac{d}{dt}: a derivative by a scalar, whatever t's letter says (x − ta is a line through x, not
  // the product of two vectors); only a t the expression cannot read as a scalar keeps its convention
  const byNotation = question.total && wrtList.length === 1 && !declarations.some((d) => d.name === wrtList[0]) && conventionalRank(wrtList[0]!) !== "scalar"
    && !writtenAsVector(root, wrtList[0]!)
    ? { declaration: { name: wrtList[0]!, rank: "scalar" as const }, note: `${nameText(wrtList[0]!)} is read as a scalar, as ${question.notation} writes a derivative by a scalar; --let "${nameInput(wrtList[0]!)}: vector" if it is not` }
    : null;
  if (byNotation) {
    declarations.push(byNotation.declaration);
    notes.push(byNotation.note);
  } else if (question.total && wrtList.length === 1 && !declarations.some((d) => d.name === wrtList[0]) && writtenAsVector(root, wrtList[0]!)) {
    // d/dX of a matrix X (tr(XᵀAX)) is a gradient by a matrix, which no sentence about vectors describes
    const matrix = conventionalRank(wrtList[0]!) === "matrix";
    notes.push(`${question.notation} is read as the gradient ∇_${nameText(wrtList[0]!)}: ${nameText(wrtList[0]!)} is written as a ${matrix ? "matrix" : "vector"} (${matrix ? "a capital, transposed" : "transposed or bold"}), which no scalar is; --let "${nameInput(wrtList[0]!)}: scalar" for the derivative by a number`);
  }
  // ∇_θ uᵀA(θ)v: a gradient is by a vector, so a θ that only parameterises is one, whatever its letter says
  if (question.notation && /^(?:\\nabla|∇)(?!\s*(?:\^|²))/.test(question.notation) && wrtList.length === 1 && !declarations.some((d) => d.name === wrtList[0])
    && !collectNames(root).includes(wrtList[0]!) && [...dependsOn.values()].includes(wrtList[0]!) && conventionalRank(wrtList[0]!) === "scalar") {
    declarations.push({ name: wrtList[0]!, rank: "vector" });
    notes.push(`${nameText(wrtList[0]!)} is read as a vector, as ${question.notation} asks for a gradient; --let "${nameInput(wrtList[0]!)}: scalar" if it is not`);
  }
  // the reading prefers a scalar f for the first variable asked for, as for a single one
  const read = () => readShapes(root, { text: input, offset: 0 }, {
    declarations, definitions, dependencies: dependsOn, extraSymbols: dependsOn.size ? [...wrtList, ...new Set(dependsOn.values())] : wrtList, maxPower: limits.maxPower, collapsing: !options.hessian, hessian: Boolean(options.hessian), wrt: wrtList[0]!, display: nameText, deadline,
  });
  let reading: ReturnType<typeof readShapes>;
  try {
    reading = read();
  } catch (err) {
    if (!byNotation || !(err instanceof MatdiffError) || (err.code !== "shape" && err.code !== "unsupported")) throw err;
    declarations.splice(declarations.indexOf(byNotation.declaration), 1);
    notes.splice(notes.indexOf(byNotation.note), 1);
    reading = read();
  }
  const el = reading.elaborated;
  notes.push(...reading.notes);
  for (const name of subscripted) {
    const shape = el.symbols.get(name)?.shape;
    const rank = !shape || isScalarShape(shape) ? "scalar" : shape.cols === 1 ? "vector" : "matrix";
    const of = dependsOn.get(name)!;
    notes.push(`${nameText(name)} is read as a ${rank} that depends on ${nameText(of)}, as its subscript says (as --let "${nameInput(name)}: ${rank}(${nameInput(of)})" declares)`);
  }
  for (const [name, { of }] of written) {
    const shape = el.symbols.get(name)?.shape;
    const rank = !shape || isScalarShape(shape) ? "scalar" : shape.cols === 1 ? "vector" : "matrix";
    notes.push(`${nameText(name)}(${nameText(of)}) is read as ${nameText(name)}, a ${rank} that depends on ${nameText(of)} (as --let "${nameInput(name)}: ${rank}(${nameInput(of)})" declares), not as a product; write ${nameText(name)} ${nameText(of)} for the product`);
  }
  // exp(z)/sum(exp(z)) as written is softmax(z): differentiated as the quotient, its df collects back into nothing
  const softmaxRead = /exp|e\s*\^/.test(input) ? readSoftmaxQuotients(el.expr) : null;
  if (softmaxRead) notes.push(`exp(·)/sum(exp(·)) is read as softmax(·), the function it writes out, and differentiated as that`);
  const f = softmaxRead ?? el.expr;
  guardFoldedPowers(f, el.definitions, { maxPower: limits.maxPower, collapsing: !options.hessian, display: nameText, site: (name) => definitionSite(definitions, name) });
  guardExpandedSize(f, el.definitions, limits.maxExpandedSize, !options.hessian);
  budget.check();
  const expanded = expandDefinitions(f, el.definitions, budget);
  notes.push(...operationNotes(expanded));
  // a parameter that only declarations mention has nothing to size it: the convention decides, and says so
  const occurring = dependsOn.size ? new Set([...collectNames(root), ...definitions.flatMap((d) => collectNames(d.node))]) : new Set<string>();
  for (const parent of new Set(dependsOn.values())) {
    if (occurring.has(parent) || declarations.some((d) => d.name === parent)) continue;
    const rank = conventionalRank(parent);
    const declare = `declare it, e.g. --let "${nameInput(parent)}: ${rank === "scalar" ? "vector" : "scalar"}", if it is not`;
    // φ(x) writes x, but as an argument only, which says nothing of its shape
    const caller = [...written].find(([, w]) => w.of === parent)?.[0];
    const argumentOnly = caller === undefined ? "" : ` (it is written only as the argument of ${nameText(caller)}(${nameText(parent)}), which does not size it)`;
    notes.push(`${nameText(parent)} does not occur in the expression and is not declared, so it is read as a ${rank} by convention${argumentOnly}; ${declare}`);
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
  // one simplification pass for the request: every variable's df, result and derivation share its memo
  const pass = simplifier({ maxSteps: limits.maxSteps, deadline });
  const shared = independent ? combined : undefined;

  const analyses = plans.map((plan): Analysis => {
    const own = diffsOf(plan);
    const variableNotes = [...notes];
    const { X } = plan;
    const usesX = E.contains(expanded, (e) => e === X || (e.kind === "sym" && plan.dependents.has(e.name)));
    // --wrt X of xᵀAx, --wrt w of Wx: the other case of a letter the expression has is the likelier question
    const lookalike = (name: string) => {
      const other = [...el.symbols.keys()].find((s) => s !== name && s.toLowerCase() === name.toLowerCase());
      return other === undefined ? "" : `; ${nameText(other)} does: --wrt ${nameInput(other)} differentiates by it`;
    };
    if (!usesX) {
      // Σₙ log p(xₙ) by x: the sum read p(xₙ) as the entries of a vector p, an unknown function's values at the
      // samples; 0 would answer another question than the one asked of x
      const argument = nodesInOrder(parsed).find((n): n is Node & { type: "ident" } => n.type === "ident" && n.of !== undefined
        && (n.of.name === X.name || n.of.name.startsWith(`${X.name}_`)) && !el.symbols.has(n.of.name));
      if (argument) {
        const written = `${nameText(argument.name)}(${nameText(argument.of!.name)})`;
        throw new MatdiffError("unsupported", `${nameText(X.name)} occurs only as the argument of ${written}, an unknown function of it: its derivative is not something matdiff can know`, argument.span, {
          hint: `write ${nameText(argument.name)}'s formula in ${nameText(argument.of!.name)} (a density's log, a feature map's expression): as written, ${written} is data, an entry or a row the sum reads, and constant in ${nameText(X.name)}`,
        });
      }
      variableNotes.push(dependsOn.size
        ? `nothing in the expression depends on ${nameText(X.name)}: it does not occur, and no symbol in it is declared a function of ${nameText(X.name)}; so the derivative is 0`
        : `${X.name} does not occur in the expression, so the derivative is 0${lookalike(X.name)}`);
      // |A_{ij}| by A: a symbol of its own by its name, which the asker may have meant as an entry
      const namesake = [...el.symbols.keys()].find((name) => name.startsWith(`${X.name}_`));
      if (namesake !== undefined) {
        const example = isScalarShape(X.shape) || X.shape.cols === 1 || X.shape.rows === 1
          ? `\\sum_i f(${X.name}_i) is sum(f(${X.name}))`
          : `\\sum_{i,j} f(${X.name}_{ij}) is 𝟏ᵀf(${X.name})𝟏`;
        variableNotes.push(`${nameText(namesake)} is a symbol of its own, not part of ${nameText(X.name)}: an entry is read inside a sum over its indices (${example}); by the entry itself, differentiate by ${nameText(namesake)}`);
      }
    }
    const { df, rules, expansion } = shared
      ? { df: restrictDifferential(shared.df, new Set(own.keys())), rules: shared.rules, expansion: undefined }
      : differential(f, { wrt: own, definitions: el.definitions, budget });
    return analyzeVariable({
      input, options, f, X, df, rules, nodes: plan.nodes, el, notes: variableNotes, limits, deadline, budget, pass, bySquare: bySquare === X.name,
      // the record is --steps' only when df is in X alone (not in the functions of X as well)
      expansion: own.size === 1 ? expansion : undefined,
    });
  });
  return { analyses, ...(combined ? { sharedDf: combined.df } : {}) };
}

interface VariableInput {
  readonly input: string;
  readonly options: { readonly symmetric?: SymmetricConvention; readonly hessian: boolean };
  readonly f: Expr;
  readonly X: Sym;
  /** df in X and in the symbols that depend on it (nodes). */
  readonly df: Expr;
  readonly rules: readonly string[];
  readonly expansion?: Expansion;
  readonly nodes: readonly Intermediate[];
  readonly el: Elaborated;
  readonly notes: string[];
  readonly limits: Limits;
  readonly deadline: number;
  readonly budget: Budget;
  /** The request's simplification pass (Analysis.pass). */
  readonly pass: Simplifier;
  /** The derivative is asked by X², not X (Analysis.bySquare). */
  readonly bySquare: boolean;
}

/** diag(vec(I)): the mask a Jacobian through Diag(·) or diag(·) carries. */
const isDiagonalMask = (e: Expr): boolean => e.kind === "diagm" && e.arg.kind === "vec" && e.arg.arg.kind === "identity";

function analyzeVariable(v: VariableInput): Analysis {
  const { input, options, f, X, df, rules, el, notes, limits, deadline, budget, nodes } = v;
  const wrtName = X.name;
  const dX = E.diff(X);
  const scalarF = isScalarShape(f.shape);
  const scalarX = isScalarShape(X.shape);
  const symmetricX = Boolean(X.props.symmetric || X.props.posdef);
  if (v.bySquare && (!scalarX || v.nodes.length)) {
    throw new MatdiffError("unsupported", `a derivative by ${nameText(wrtName)}² is read for a scalar ${nameText(wrtName)} that f is written in, but ${nameText(wrtName)} is ${scalarX ? "a parameter of other symbols" : formatShape(X.shape)}`);
  }
  // one pass: df, the result (or a parameterisation's pieces) and what --steps simplifies share its memo (Analysis.pass)
  const { pass } = v;
  const simplifyInPass = (e: Expr) => pass.simplify(foldDefinitions(e, el.definitions, el.symbols));
  const simplifiedDf = once(() => pass.simplify(df));
  const convention = symmetricX && scalarF ? options.symmetric ?? "sym" : undefined;
  // dD ranges over diagonal matrices: the gradient in that space is G's diagonal part G ⊙ I, the
  // analogue of sym(G) for a symmetric S, and what checkGradient expects (both conventions agree on it)
  const diagonalX = Boolean(X.props.diagonal) && !scalarX && !symmetricX;
  if (diagonalX && scalarF) {
    const fn = functionLetter(f.shape, (name) => el.symbols.has(name)).text;
    notes.push(`${nameText(wrtName)} is diagonal: the gradient is the diagonal part G ⊙ I of the unconstrained gradient G, so that d${fn} = ⟨∇${fn}, d${nameText(wrtName)}⟩ for every diagonal d${nameText(wrtName)}`);
  }

  if (nodes.length) return analyzeThroughParameterisation(v, pass, simplifiedDf);

  /** First derivative of a scalar f: the gradient (with the symmetric convention or the diagonal part) or f′. */
  let frobenius: FrobeniusTerms | undefined;
  const firstDerivative = (): Expr => {
    // one extraction, from df as it is shown (simplified): --steps writes each term of it as tr(Wᵢᵀ dX) from its weights
    if (!scalarX) frobenius = extractTerms(simplifiedDf().expr, df, dX, budget);
    let g = scalarX ? scalarDerivative(df, dX) : frobenius!.gradient;
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
    gradient = simplifyInPass(firstDerivative()).expr;
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
  } else if (scalarF && !scalarX) {
    kind = "gradient";
    raw = firstDerivative();
  } else if (scalarX) {
    kind = "derivative";
    raw = scalarDerivative(df, dX);
    // d/dσ² = (d/dσ)/(2σ): σ² = v, σ = √v, dσ/dv = 1/(2σ); into each term, so σ's powers merge (n/(2σ²), not (n/σ)/(2σ))
    if (v.bySquare) {
      const bySigma = simplifyInPass(raw).expr;
      const over = (t: Expr) => E.mul(E.power(E.mul(E.num(2), X), -1), t);
      raw = bySigma.kind === "add" ? E.add(...bySigma.terms.map(over)) : over(bySigma);
      notes.push(`the derivative by ${nameText(wrtName)}² is (d/d${nameText(wrtName)})/(2${nameText(wrtName)}), the chain rule through ${nameText(wrtName)}² = v (for ${nameText(wrtName)} > 0, ${nameText(wrtName)} = √v)`);
    }
  } else {
    kind = "jacobian";
    raw = vecJacobian(df, dX, budget);
    // a Diag(·) in df as written leaves the mask diag(vec(I))(𝟏 ⊗ I) in J; df as shown has often folded it into a
    // Hadamard product (diag(x)⁻¹y is y ⊘ x), whose J is diag(·): the shown one then, where it has no mask
    if (E.contains(simplifyInPass(raw).expr, isDiagonalMask)) {
      const shown = vecJacobian(simplifiedDf().expr, dX, budget);
      if (!E.contains(simplifyInPass(shown).expr, isDiagonalMask)) raw = shown;
    }
    // textbooks order Kronecker terms by the degree of their left factor: I ⊗ X² + Xᵀ ⊗ X + (Xᵀ)² ⊗ I
    if (raw.kind === "add" && X.shape.cols !== 1) {
      const degree = (t: Expr) => leftKroneckerDegree(t, X);
      raw = E.add(...raw.terms.map((t, i) => [t, i] as const).sort(([a, i], [b, j]) => degree(a) - degree(b) || i - j).map(([t]) => t));
    }
  }
  const simplified = simplifyInPass(raw);
  if (simplified.stopped !== "fixpoint") notes.push(`simplification stopped early (${simplified.stopped}); the result is correct but may not be in its simplest form`);
  if (options.hessian && !scalarX && X.shape.cols !== 1) secondDifferential = simplifyInPass(differential(df, ctx).df).expr;
  // optional fields as undefined, not spread in: a literal with spreads is built by V8's runtime, 25 times slower
  return {
    input, kind, f, X, df, simplifiedDf, expansion: v.expansion, frobenius, pass,
    raw, result: simplified.expr, gradient: gradient ?? simplified.expr,
    secondDifferential,
    symbols: el.symbols, definitions: el.definitions, convention,
    differentialRules: rules, simplification: { steps: simplified.steps, stopped: simplified.stopped }, notes, limits, deadline, budget,
    bySquare: v.bySquare && kind === "derivative" ? true : undefined,
  };
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
  /** For a scalar f: the Frobenius extraction of each non-scalar symbol's partial df (simplified), which --steps rotates. */
  readonly extractions: ReadonlyMap<string, FrobeniusTerms>;
}

/**
 * f depends on X through opaque functions A(X): the partial gradient (or
 * Jacobian) in each, pulled back (pushed forward) through the J's.
 */
function analyzeThroughParameterisation(v: VariableInput, pass: Simplifier, simplifiedDf: () => SimplifyResult): Analysis {
  const { input, options, f, X, df, rules, el, notes, limits, budget, nodes } = v;
  const simplifyAll = (e: Expr) => pass.simplify(foldDefinitions(e, el.definitions, el.symbols));
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
  const extractions = new Map<string, FrobeniusTerms>();
  let kind: ResultKind;
  let raw: Expr;
  let direct: Expr;
  if (scalarF) {
    const own = (s: Sym): Expr => {
      const d = partialDf(s);
      if (isScalarShape(s.shape)) return simplifyAll(scalarDerivative(d, E.diff(s))).expr;
      // from the partial df simplified, as a derivation ends at it: --steps rotates its terms from this extraction
      const terms = extractTerms(pass.simplify(d).expr, d, E.diff(s), budget);
      extractions.set(s.name, terms);
      return simplifyAll(terms.gradient).expr;
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
    input, kind, f, X, df, simplifiedDf, pass,
    raw, result: simplified.expr, gradient: simplified.expr,
    symbols: el.symbols, definitions: el.definitions, convention: undefined,
    differentialRules: rules, simplification: { steps: simplified.steps, stopped: simplified.stopped }, notes, limits, deadline: v.deadline, budget,
    parameterisation: { nodes, partials, totals, direct, extractions },
  };
}

/** A value computed on first use and kept: later stages ask for it again. */
function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) { value = compute(); done = true; }
    return value as T;
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

/**
 * Writes --where names back where their definitions appear, so the result
 * reads −2Φᵀe and 2((h − y) ⊙ h ⊙ (𝟏 − h))xᵀ, as a textbook writes it.
 */
export function foldDefinitions(e: Expr, definitions: ReadonlyMap<string, Expr>, symbols: ReadonlyMap<string, Sym>): Expr {
  if (definitions.size === 0) return e;
  const byBody = new Map<number, Sym>();
  for (const [name, body] of definitions) if (body.kind !== "sym") byBody.set(body.id, symbols.get(name)!);
  return E.mapBottomUp(e, (x) => byBody.get(x.id) ?? x);
}

/**
 * The symbols written as functions of a parameter, `A(θ)`, in the expression and the --where bodies. One symbol has one
 * parameter: written with two, or with another than its --let declares, it is an error naming both.
 */
function writtenDependencies(root: Node, definitions: readonly Definition[], declarations: readonly Declaration[], input: string): Map<string, { of: string; text: string }> {
  const found = new Map<string, { of: string; text: string }>();
  const sources: [Node, SourceText][] = [[root, { text: input, offset: 0 }], ...definitions.map((d): [Node, SourceText] => [d.node, d.source])];
  for (const [top, src] of sources) {
    // ℓ(ŷ(w)): ℓ as a function of ŷ, and ŷ(w), inside it, as a function of w
    const written: { name: string; of: { name: string }; span: Span }[] = [];
    for (const n of nodesInOrder(top)) {
      if (n.type !== "ident" || !n.of) continue;
      written.push({ name: n.name, of: n.of, span: n.span });
      if (n.of.of) written.push({ name: n.of.name, of: n.of.of, span: n.of.span });
    }
    for (const n of written) {
      const span = { start: n.span.start + src.offset, end: n.span.end + src.offset };
      const written = src.text.slice(span.start, span.end);
      const conflict = (message: string, hint: string): never => {
        throw new MatdiffError("declaration", message, span, { hint, ...(src.label ? { source: src.text } : {}) });
      };
      const declared = declarations.find((d) => d.name === n.name);
      if (declared && declared.dependsOn !== n.of.name) {
        conflict(declared.dependsOn === undefined
          ? `${written} writes ${nameText(n.name)} as a function of ${nameText(n.of.name)}, but --let declares ${nameText(n.name)} without a parameter`
          : `${written} writes ${nameText(n.name)} as a function of ${nameText(n.of.name)}, but --let declares it a function of ${nameText(declared.dependsOn)}`,
        `write ${nameText(n.name)}(${nameText(declared.dependsOn ?? n.of.name)}), or declare ${nameText(n.name)} a function of ${nameText(n.of.name)}`);
      }
      const before = found.get(n.name);
      if (before && before.of !== n.of.name) {
        conflict(`${nameText(n.name)} is written as a function of ${nameText(before.of)} (${before.text}) and of ${nameText(n.of.name)} (${written})`,
          "a symbol depends on one parameter: stack several in one vector");
      }
      if (!before) found.set(n.name, { of: n.of.name, text: written });
    }
  }
  return found;
}

/**
 * The Frobenius terms of df as it is shown (simplified); where simplification left a Kronecker form the extraction
 * cannot read, those of df as the differential wrote it, which it can: a solved problem stays solved.
 */
function extractTerms(simplified: Expr, written: Expr, dX: E.Diff, budget: Budget): FrobeniusTerms {
  try {
    return frobeniusTerms(simplified, dX, budget);
  } catch (err) {
    if (err instanceof MatdiffError && err.code === "unsupported" && simplified !== written) return frobeniusTerms(written, dX, budget);
    throw err;
  }
}

function collectNames(root: Node): string[] {
  return nodesInOrder(root).flatMap((n) => (n.type === "ident" && n.name !== "I" ? [n.name] : []));
}

/**
 * xᵀ, x′, \mathbf{x}: written as no scalar is (the hard evidence of reading.ts), so d/dx (xᵀAx) asks for the
 * gradient its author writes with d/dx, not the derivative of x·x·A by a number.
 */
function writtenAsVector(root: Node, name: string): boolean {
  return nodesInOrder(root).some((n) =>
    (n.type === "ident" && n.name === name && n.bold === true)
    || (n.type === "postfix" && (n.op === "T" || n.op === "invT") && n.arg.type === "ident" && n.arg.name === name && !n.besideSamples));
}

/** `sigma^2`, `\\sigma^{2}`, `σ²`: the symbol whose square a --wrt names, or null. */
function squaredName(raw: string, limits: Limits): string | null {
  const m = /^(.*?)\s*(?:\^\s*(?:\{\s*2\s*\}|2)|²)\s*$/.exec(raw);
  return m && m[1]!.trim() ? symbolName(m[1]!, limits) : null;
}

/**
 * θ_i asked for where f is written in θ and never in θ_i: entry i of θ, its index one letter. A θ_i that f
 * contains, or that is declared or defined, is a symbol of its own (W_1, x_i of a sum read away).
 */
function entryOf(name: string, root: Node, declarations: readonly Declaration[], definitions: readonly Definition[], sampleRows: ReadonlyMap<string, string>): { of: string; index: string; base: string; row?: true } | null {
  const at = name.indexOf("_");
  if (at <= 0) return null;
  const written = name.slice(at + 1).replace(/^\{(.*)\}$/, "$1");
  // θ_i, X_{ij}, X_{i,j}: one index or two
  const letters = /^([a-z])(?:,?\s*([a-z]))?$/.exec(written);
  if (!letters) return null;
  const index = letters[2] ? `(${letters[1]}, ${letters[2]})` : letters[1]!;
  const of = name.slice(0, at);
  const declared = (n: string) => declarations.some((d) => d.name === n) || definitions.some((d) => d.name === n);
  if (declared(name)) return null;
  const names = collectNames(root);
  if (names.includes(name)) return null;
  if (names.includes(of)) return { of, index, base: of };
  // μ_k where a sum read its μₖ as the rows of M
  const rows = sampleRows.get(of);
  return rows !== undefined && names.includes(rows) && !letters[2] ? { of: rows, index, base: of, row: true } : null;
}
