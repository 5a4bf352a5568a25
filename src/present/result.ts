/**
 * An analysis presented: the result object every surface reads, with its
 * printed forms, labels, layout line, check and derivation.
 */
import * as E from "../core/expr.js";
import type { Expr } from "../core/expr.js";
import { formatShape, isScalarShape } from "../core/shape.js";
import { MatdiffError } from "../errors.js";
import { expandDefinitions } from "../calculus/differential.js";
import { CONVENTION_TEXT, type SymmetricConvention } from "../calculus/symmetric.js";
import type { StopReason } from "../simplify/index.js";
import { toLatex } from "../print/latex.js";
import { toText, nameText } from "../print/text.js";
import { toNumpy } from "../print/numpy.js";
import type { PythonBackend } from "../core/operations.js";
import { freeSizes, pyName, toPython } from "../print/python.js";
import { pendingFields, lazy, once } from "../core/lazy.js";
import { commonSubexpressions } from "./common.js";
import { presentParameterisation as presentForms, type ParameterisationResult } from "./parameterisation.js";
import type { ResultKind, ResultLabel } from "../print/label.js";
import type { Analysis, DifferentiateOptions, SeveralAnalyses } from "../pipeline/analyse.js";
import { checkAnalysis, type CheckReport } from "../pipeline/check.js";
import { asUserErrors, foldDefinitions } from "../pipeline/analyse.js";
import { PYTHON_BACKENDS, PYTHON_BACKEND_NAMES } from "../print/python-backends.js";
import { dimExpressions } from "./dims.js";
import { labelOf, render, type Rendered, type RenderedStep } from "./rendered.js";
import { renderSteps, renderDerivation } from "./steps.js";
import { indexFields } from "./index-form.js";

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
/** The result's name (kept for callers of the library: it is `r.label`). */
export function resultName(r: DifferentiateResult): ResultLabel {
  return r.label;
}

/** Through a parameterisation: what J means and how the result is laid out. */
function parameterisedLayout(a: Analysis, label: ResultLabel): string {
  const p = a.parameterisation!;
  const x = nameText(a.X.name);
  const f = label.function.text;
  const js = p.nodes.map((n) => {
    const of = nameText(n.sym.name), wrt = nameText(n.parent.name);
    return `${toText(n.jacobian)} = ∂${n.sym.shape.cols === 1 ? of : `vec(${of})`}/∂${n.parent.shape.cols === 1 ? wrt : `vec(${wrt})`} is ${formatShape(n.jacobian.shape)}`;
  }).join("; ");
  const vecNote = "vec stacks columns";
  if (a.kind === "jacobian") return `${js}; J = ∂${a.f.shape.cols === 1 ? f : `vec(${f})`}/∂${a.X.shape.cols === 1 ? x : `vec(${x})`} is ${formatShape(a.result.shape)}; ${vecNote}`;
  if (a.kind === "derivative") return `${js}; entrywise derivative, the shape of ${f} (${formatShape(a.f.shape)}); ${vecNote}`;
  const matrixX = a.X.shape.cols !== 1;
  return `${js}; ${matrixX ? `vec(∇_${x} ${f})` : `∇_${x} ${f}`} is ${formatShape(a.result.shape)} with d${f} = ${matrixX ? `vec(∇_${x} ${f})ᵀ vec(d${x})` : `∇_${x} ${f}ᵀ d${x}`}; the pull-back Jᵀ vec(G) is a vector-Jacobian product; ${vecNote}`;
}

const LAYOUT: Record<ResultKind, (a: Analysis, label: ResultLabel) => string> = {
  gradient: (a, { function: { text: f } }) => `∇${f} has the shape of ${nameText(a.X.name)} (${formatShape(a.X.shape)}): d${f} = tr(∇${f}ᵀ d${nameText(a.X.name)})`,
  derivative: (a, { function: { text: f } }) => `entrywise derivative, the shape of ${f} (${formatShape(a.f.shape)})`,
  jacobian: (a, label) => (a.X.shape.cols === 1 && a.f.shape.cols === 1
    ? `numerator layout: J is ${formatShape(a.result.shape)} with df = J d${nameText(a.X.name)}`
    : `J = ${label.text} is ${formatShape(a.result.shape)} with vec(${label.differential.text}) = J vec(d${nameText(a.X.name)}); vec stacks columns${commutationNote(a.result)}`),
  hessian: (a, { function: { text: f } }) => (isScalarShape(a.X.shape) ? "second derivative"
    : a.X.shape.cols === 1 ? `H is ${formatShape(a.result.shape)} with d²${f} = d${nameText(a.X.name)}ᵀ H d${nameText(a.X.name)}`
    : a.convention === "cookbook"
      // H maps vec(dS) to vec(dG), G the partials in the entries S_ij, i ≤ j: each off-diagonal pair counts once
      ? `H is ${formatShape(a.result.shape)} with H vec(d${nameText(a.X.name)}) = vec(d∇${f}) and d²${f} = ½ vec(d${nameText(a.X.name)})ᵀ (I + diag(vec I)) H vec(d${nameText(a.X.name)}); vec stacks columns${commutationNote(a.result)}`
      : `H is ${formatShape(a.result.shape)} with d²${f} = vec(d${nameText(a.X.name)})ᵀ H vec(d${nameText(a.X.name)}); vec stacks columns${commutationNote(a.result)}`),
};

/** A size no input carries is a name the Python forms use but do not define: the reader binds it. */
function freeSizeNote(a: Analysis, result: Expr): string[] {
  const free = freeSizes([expandDefinitions(result, a.definitions)], [...a.symbols.values()].filter((s) => !a.definitions.has(s.name)));
  if (free.length === 0) return [];
  const names = free.join(", ");
  return [`the Python forms use the size${free.length > 1 ? "s" : ""} ${names}, which no input's shape gives: bind ${free.length > 1 ? "them" : "it"} (${free.map((d) => `${d} = 3`).join(", ")}) before evaluating; the programs of --emit take ${free.length > 1 ? "them as arguments" : "it as an argument"}`];
}

/** The layout line explains K where the result has one. */
function commutationNote(result: Expr): string {
  if (!E.contains(result, (x) => x.kind === "commutation")) return "";
  const rectangular = E.contains(result, (x) => x.kind === "commutation" && x.m !== x.n);
  return `; K is the commutation matrix, K vec(A) = vec(Aᵀ)${rectangular ? ", written K_{m,n} for A m×n" : ""}`;
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

/** Several analyses sharing one differential, presented together. */
export function presentSeveral(all: SeveralAnalyses, options: Omit<DifferentiateOptions, "wrt">): SeveralResult {
  const results = all.analyses.map((a) => present(a, options));
  const first = all.analyses[0]!;
  const df = all.sharedDf ?? E.add(...all.analyses.map((a) => a.df));
  const shared = first.pass.simplify(df).expr;
  const notes = [...new Set(results.flatMap((r) => r.notes))];
  const common = commonSubexpressions(all.analyses.map((a) => a.result), new Set(first.symbols.keys()));
  const numpy = (e: Expr) => toNumpy(expandDefinitions(e, first.definitions), { dimExpr: dimExpressions(first.symbols.values(), first.definitions) });
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
}

export function present(a: Analysis, options: Omit<DifferentiateOptions, "wrt">): DifferentiateResult {
  const { f, X, result, convention, budget } = a;
  const dfShown = a.simplifiedDf().expr;
  budget.check();

  const shapes: Record<string, string> = {};
  for (const [name, s] of a.symbols) shapes[name] = formatShape(s.shape);
  const defsOut: Record<string, Rendered> = {};
  for (const [name, body] of a.definitions) defsOut[name] = render(body);

  budget.check();
  const check = options.check ? checkAnalysis(a, typeof options.check === "object" ? options.check : {}) : undefined;
  const fn = render(f);
  const label = labelOf(a, fn);
  budget.check();
  const steps = options.steps ? renderSteps(a, label) : undefined;
  budget.check();

  // the Python forms and the index form are computed when read (core/lazy.ts): most callers print one format
  const expanded = once(() => expandDefinitions(result, a.definitions));
  const pythonOptions = once(() => ({ dimExpr: dimExpressions(a.symbols.values(), a.definitions), like: pyName(X.name), maxLength: a.limits.maxOutput }));
  const printed = render(result);
  const derivative = { latex: printed.latex, text: printed.text, shape: formatShape(result.shape) };
  for (const backend of PYTHON_BACKEND_NAMES) {
    lazy(derivative, backend, () => asUserErrors(() => guarded(toPython(expanded(), PYTHON_BACKENDS[backend], pythonOptions()), a.limits.maxOutput)));
  }
  if (options.index !== false) {
    const index = once(() => asUserErrors(() => guarded(indexFields(a), a.limits.maxOutput)));
    lazy(derivative, "index", () => index().index);
    lazy(derivative, "einsum", () => index().einsum);
  }
  // Fields assigned one by one, in the order the result has always had (JSON shows it), not spread in: each
  // `...(cond ? {…} : {})` copied an object through the runtime, and eight of them were a tenth of presenting.
  const out: { -readonly [K in keyof DifferentiateResult]: DifferentiateResult[K] } = {
    ok: true,
    kind: a.kind,
    // by σ², the variable as asked: its name is σ's, its written form σ²
    wrt: { name: X.name, shape: formatShape(X.shape), latex: toLatex(a.bySquare ? E.power(X, 2) : X), text: toText(a.bySquare ? E.power(X, 2) : X) },
    function: { latex: fn.latex, text: fn.text, shape: formatShape(f.shape) },
    differential: render(dfShown),
  } as DifferentiateResult;
  if (a.secondDifferential) out.secondDifferential = render(a.secondDifferential);
  if (a.kind === "hessian") out.gradient = render(a.gradient);
  out.derivative = derivative as DifferentiateResult["derivative"];
  out.label = label;
  out.layout = a.parameterisation ? parameterisedLayout(a, label) : LAYOUT[a.kind](a, label);
  out.shapes = shapes;
  if (a.definitions.size) out.definitions = defsOut;
  if (convention) out.convention = { symmetric: convention, text: CONVENTION_TEXT[convention](toText(X), label.function.text) };
  out.notes = [...a.notes, ...freeSizeNote(a, result)];
  out.simplification = {
    steps: a.simplification.steps.length, stopped: a.simplification.stopped,
    rules: [...new Set(a.simplification.steps.map((s) => s.rule))],
  };
  if (a.parameterisation) out.parameterisation = presentParameterisation(a, label.function);
  if (check) out.check = check;
  if (steps) {
    out.steps = steps;
    // the steps as one aligned block, for Markdown, LaTeX and the terminal; a page of steps sets each on its own
    lazy(out, "derivation", () => asUserErrors(() => guarded(renderDerivation(steps, label, printed), a.limits.maxOutput)));
  }
  guardOutput(out, a.limits.maxOutput);
  budget.check();
  return out;
}

/** Characters of the strings in v; a lazy field (an accessor not yet read) is left to count itself when it is (guarded). */
function printedLength(v: unknown): number {
  if (typeof v === "string") return v.length;
  if (v === null || typeof v !== "object") return 0;
  let total = 0;
  if (Array.isArray(v)) {
    for (const x of v) total += printedLength(x);
    return total;
  }
  const lazyFields = pendingFields(v);
  // for…in, not Object.keys: a result is plain objects, and this walk runs on every one
  for (const key in v) if (!lazyFields?.has(key)) total += printedLength((v as Record<string, unknown>)[key]);
  return total;
}

/** A lazily computed form, refused when it alone is longer than the output limit. */
function guarded<T>(v: T, limit: number): T {
  const total = printedLength(v);
  if (total > limit) {
    throw new MatdiffError("limit", `the result is ${total} characters long in one of its printed forms; the limit is ${limit}`, undefined, {
      hint: "name repeated parts with --where, or raise limits.maxOutput in the library",
    });
  }
  return v;
}

/** Refuses a result whose printed forms are too long to show (or for KaTeX to set within the budget). */
function guardOutput(r: DifferentiateResult, limit: number): void {
  const total = printedLength(r);
  if (total > limit) {
    throw new MatdiffError("limit", `the result is ${total} characters long in all its printed forms; the limit is ${limit}`, undefined, {
      hint: "name repeated parts with --where, or ask for less (no --steps), or raise limits.maxOutput in the library",
    });
  }
}

function presentParameterisation(a: Analysis, letter: Rendered): ParameterisationResult {
  const p = a.parameterisation!;
  // in the analysis's pass, whose memo holds the partials' pieces
  const simplifyHere = (e: Expr) => a.pass.simplify(foldDefinitions(e, a.definitions, a.symbols)).expr;
  const partialsTransposed = new Map([...p.partials].map(([name, g]) => [name, simplifyHere(E.transpose(g))] as const));
  return presentForms({
    X: a.X, f: a.f, letter, nodes: p.nodes, partials: p.partials, partialsTransposed, direct: p.direct, result: a.result, definitions: a.definitions,
    expand: (e) => expandDefinitions(e, a.definitions), dimExpr: dimExpressions(a.symbols.values(), a.definitions),
  });
}
