/**
 * Derivations for --steps: the equalities a student would write, each with
 * the rule that justifies it.
 *
 *   df = d tr(A⁻¹B)
 *      = tr(d(A⁻¹) B)          linearity of the trace; product rule, B constant
 *      = −tr(A⁻¹ dA A⁻¹B)      differential of the inverse (eq. 40)
 *      = −tr(A⁻¹BA⁻¹ dA)       cyclic property of the trace (eq. 16)
 *      = ⟨−A⁻ᵀBᵀA⁻ᵀ, dA⟩        Frobenius form
 *   ⇒ ∇_A f = −A⁻ᵀBᵀA⁻ᵀ
 *
 * The derivation renders the pipeline's work rather than redoing it:
 * differential()'s record of the rule it applied at each node (its
 * Expansion) is replayed one level of d(·) per step; the simplified df, the
 * Frobenius terms and the gradient are the analysis's, and what a line needs
 * simplified (each term with dX last, d²f) joins the analysis's pass. Steps that only apply
 * linearity are merged into the next one, and mechanical simplification is
 * one step that lists its rules. Every step's expression is a value (a
 * linear form in dX) that tests compare numerically with the step before it.
 */
import * as E from "../core/expr.js";
import type { Expr, Sym, Diff } from "../core/expr.js";
import { isScalarShape } from "../core/shape.js";
import { Budget } from "../core/budget.js";
import { MatdiffError } from "../errors.js";
import * as Q from "../core/rational.js";
import { differential, ruleFor, type Expansion } from "./differential.js";
import { frobeniusTerms, type FrobeniusTerms } from "./gradient.js";
import { simplifier, type Simplifier, type SimplifyResult } from "../simplify/index.js";
import { ruleInfo, step, tagged } from "../../rules/registry.js";
import { nameText } from "../print/text.js";

export interface DerivationStep {
  /** The value of this line: the differential (with d(·) left unexpanded where the derivation has not reached). */
  readonly expr: Expr;
  /** Rule ids applied to reach this line from the previous one. */
  readonly rules: readonly string[];
  /** Why this line equals the previous one, for a reader. */
  readonly reason: string;
  /** Symbols treated as constants in this step (d of them is 0). */
  readonly constants?: readonly string[];
  /**
   * How the line is shown when it is not just `expr`: ⟨G, dX⟩, vec(dF) = J vec(dX),
   * or Σ_{i≤j} G_ij dS_ij (the Cookbook's partials in the independent entries of a
   * symmetric S, which is df for symmetric dS but not ⟨G, dS⟩).
   */
  readonly display?: "frobenius" | "vec" | "entries" | "quadratic";
  /** For "frobenius", "vec" and "entries" lines: G; for "quadratic" lines (d²f = dxᵀ H dx): H. */
  readonly gradient?: Expr;
  /**
   * A Hessian's derivation is two chains: this line starts a new one rather than
   * equalling the line before it. "gradient": ∇f = G, read off the first chain;
   * "second": d²f = d(df) with dX constant, which the second chain expands.
   */
  readonly begins?: "gradient" | "second";
}

export interface DerivationInput {
  readonly f: Expr;
  readonly X: Sym;
  readonly df: Expr;
  readonly definitions: ReadonlyMap<string, Expr>;
  readonly kind: "gradient" | "derivative" | "jacobian" | "hessian";
  /** The gradient before the symmetric convention, if one applies. */
  readonly convention?: "sym" | "cookbook";
  readonly result: Expr;
  /** For a Hessian: the gradient (or f′) that the first chain ends at. */
  readonly gradient?: Expr;
  /**
   * Symbols declared functions of X (`A: matrix(X)`) are held fixed: the derivation is of
   * the partial differential in X alone, as a pull-back through them needs (calculus/parameterised.ts).
   */
  readonly holdDependents?: boolean;
  /** The request's budget: the derivation is one more stage of it. */
  readonly budget?: Budget;
  /** differential()'s record of df, when df was taken in X alone; otherwise the derivation asks differential() for one. */
  readonly expansion?: Expansion;
  /** df simplified, as the analysis has it: the derivation's simplify step when it expands to that same df. */
  readonly simplifiedDf?: () => SimplifyResult;
  /** The analysis's Frobenius extraction of df. */
  readonly frobenius?: FrobeniusTerms;
  /** The analysis's simplification pass, continued for the lines written here; otherwise one pass of the derivation's own. */
  readonly pass?: Simplifier;
  /** The derivative is by X² (∂/∂σ²): the last line writes df with d(X²) = 2X dX. */
  readonly bySquare?: boolean;
  /** The function's name in the reasons (f; another letter when a symbol is called f). */
  readonly letter?: string;
}

let linearIds: ReadonlySet<string> | undefined;
/** Linear rules only move d inside; a step made of them alone is merged into the next. */
const LINEAR = () => linearIds ??= tagged("linear");

/** " (Cookbook eq. 40)" from a Cookbook source, for a compact reason. */
function citation(source: string): string {
  const m = /Matrix Cookbook \(2012-11-15\) (?:eq\. \(([^)]*)\)|(§[\d.]+))/.exec(source);
  if (!m) return "";
  return m[1] ? ` (Cookbook eq. ${m[1]})` : ` (Cookbook ${m[2]})`;
}

let mechanicalIds: ReadonlySet<string> | undefined;
/** Simplifications a reader does without noticing: folded into the step they follow. */
const MECHANICAL = () => mechanicalIds ??= tagged("mechanical");

function reasonOf(rules: readonly string[], constants: readonly string[], X: Sym): string {
  const parts = [...new Set(rules)].map((id) => {
    const m = ruleInfo(id);
    return m ? m.title + citation(m.source) : id;
  });
  const cs = [...new Set(constants)].map((c) => (c.startsWith("d ") ? `d${nameText(c.slice(2))}` : nameText(c)));
  if (cs.length) parts.push(`${cs.join(", ")} constant`);
  return [...new Set(parts)].join("; ");
}

export function derive(input: DerivationInput): DerivationStep[] {
  const { f, X, definitions } = input;
  const fn = input.letter ?? "f";
  const budget = input.budget ?? Budget.unlimited();
  const limits = { deadline: budget.deadline };
  // every line simplified here shares one pass: the analysis's, or one of the derivation's own, made when first needed
  let own: Simplifier | undefined;
  const pass = (): Simplifier => input.pass ?? (own ??= simplifier(limits));
  const dX = E.diff(X);
  const wrt = new Map([[X.name, dX]]);
  const recordOf = (e: Expr): Expansion =>
    differential(e, { wrt, definitions, budget, ...(input.holdDependents ? { holdDependents: true } : {}) }).expansion;
  const varies = (s: Sym) => s === X || (!input.holdDependents && s.props.dependsOn === X.name);

  // a --where name (f = e) starts as d(e), which its definition expands
  const start: Expr = f.kind === "sym" && !definitions.has(f.name)
    ? (f === X ? dX : varies(f) ? E.mul(E.dotted(f), dX) : E.zero(f.shape))
    : E.diffOf(f);
  const expansion = input.expansion ?? recordOf(f);
  const { steps: merged, last } = expandChain(start, {
    X, dX, expansion, budget, pass, ...(input.simplifiedDf ? { df: input.df, simplifiedDf: input.simplifiedDf } : {}),
  });

  /**
   * The terms of the derivation's last line; where the extraction cannot read that form (a Kronecker
   * product the chain's simplification left out of normal form) the analysis's own, from the df it
   * solved: asking for the steps must not make a solved problem fail (fuzz (d), seed 2048069657).
   */
  const extractFrom = (e: Expr): FrobeniusTerms => {
    try {
      return frobeniusTerms(e, dX, budget);
    } catch (err) {
      if (input.frobenius && err instanceof MatdiffError && err.code === "unsupported") return input.frobenius;
      throw err;
    }
  };

  const gradientChain = (result: Expr): Expr => {
    if (isScalarShape(X.shape)) return last;
    // move dX to the end of each trace (or each xᵀ… dx), term by term, from the extraction's weights:
    // the analysis's own when the derivation ended at the df it extracted from (df simplified)
    const extraction = input.frobenius?.of === last ? input.frobenius : extractFrom(last);
    const rotated = E.add(...extraction.terms.map(({ term, weights }) => { budget.check(); return rotatedTerm(term, weights, dX, pass()); }));
    if (rotated !== last) {
      merged.push({ expr: rotated, rules: [step("trace-cyclic")], reason: isVector(X) ? `a scalar equals its transpose: d${nameText(X.name)} last` : `cyclic property of the trace (Cookbook eq. 16): d${nameText(X.name)} last` });
    }
    // the analysis's gradient, unless a convention (sym(G), G ⊙ I) made the result another matrix than G
    const structured = input.convention !== undefined || X.props.diagonal === true;
    const G = structured ? pass().simplify(extraction.gradient).expr : input.kind === "hessian" ? input.gradient ?? result : result;
    merged.push({
      expr: rotated, rules: [step("frobenius")], reason: isVector(X) ? `gradient form gᵀd${nameText(X.name)} = ⟨g, d${nameText(X.name)}⟩` : `Frobenius form tr(Gᵀ d${nameText(X.name)}) = ⟨G, d${nameText(X.name)}⟩`,
      display: "frobenius", gradient: G,
    });
    if (X.props.diagonal && !input.convention && G !== result) {
      merged.push({ expr: rotated, rules: [step("diagonal-gradient")], reason: "for diagonal dD: ⟨G, dD⟩ = ⟨G ∘ I, dD⟩", display: "frobenius", gradient: result });
    }
    if (input.convention && G !== result) {
      // for symmetric dS, ⟨G, dS⟩ = ⟨(G + Gᵀ)/2, dS⟩ = Σ_{i≤j} (G + Gᵀ − G ∘ I)_ij dS_ij; the
      // Cookbook form is not a Frobenius partner of dS (⟨G + Gᵀ − G ∘ I, dS⟩ ≠ df), so its line sums the entries
      merged.push(input.convention === "sym"
        ? { expr: rotated, rules: [step("symmetric-gradient")], reason: "for symmetric dS: ⟨G, dS⟩ = ⟨(G + Gᵀ)/2, dS⟩", display: "frobenius", gradient: result }
        : { expr: rotated, rules: [step("symmetric-gradient")], reason: "for symmetric dS: ⟨G, dS⟩ = Σ_{i≤j} (G + Gᵀ − G ∘ I)_ij dS_ij (Cookbook §2.8.2)", display: "entries", gradient: result });
    }
    return rotated;
  };

  switch (input.kind) {
    case "gradient":
      gradientChain(input.result);
      break;
    case "hessian": {
      const G = input.gradient ?? input.result;
      const df = gradientChain(G);
      merged.push({ expr: G, rules: [], reason: isScalarShape(X.shape) ? `read off d${fn} = ${fn}′ d${nameText(X.name)}` : "read off the gradient", begins: "gradient" });
      // d²f = d(df) with dX held constant (d(dX) = 0): the chain rule again, on df as the first chain wrote it
      const second = expandChain(E.diffOf(df), { X, dX, expansion: recordOf(df), budget, pass });
      const [first, ...rest] = second.steps;
      merged.push({ ...first!, begins: "second", reason: `differentiate d${fn} once more, d${nameText(X.name)} constant` }, ...rest);
      // In the Cookbook convention H vec(dS) = vec(dG) with G the partials in the entries S_ij, i ≤ j, so
      // d²f = Σ_{i≤j} dG_ij dS_ij = ½ vec(dS)ᵀ (I + diag(vec I)) H vec(dS) (off-diagonal pairs counted once);
      // vec(dS)ᵀ H vec(dS) would count them twice
      const cookbook = input.convention === "cookbook" && !isScalarShape(X.shape) && !isVector(X);
      const H = cookbook
        ? E.mul(E.scale(Q.rat(1, 2), E.add(E.identity(E.vec(dX).shape.rows), E.diagMat(E.vec(E.identity(X.shape.rows))))), input.result)
        : input.result;
      const quadratic = isScalarShape(X.shape) ? E.mul(H, dX, dX)
        : isVector(X) ? E.mul(E.transpose(dX), H, dX)
        : E.mul(E.transpose(E.vec(dX)), H, E.vec(dX));
      // f″ (dt)² is what the chain ended at already; dxᵀ H dx and vec(dX)ᵀ H vec(dX) name H
      if (!(isScalarShape(X.shape) && pass().simplify(quadratic).expr === second.last)) merged.push({
        expr: quadratic, rules: [step("hessian-form")], display: "quadratic", gradient: H,
        reason: isScalarShape(X.shape) ? `second derivative: d²${fn} = ${fn}″ (d${nameText(X.name)})²`
          : isVector(X) ? `Hessian form d²${fn} = d${nameText(X.name)}ᵀ H d${nameText(X.name)}`
          : cookbook ? `Hessian form in the Cookbook convention: d²${fn} = Σ_{i≤j} (H vec(d${nameText(X.name)}))_{ij} d${nameText(X.name)}_{ij} = ½ vec(d${nameText(X.name)})ᵀ (I + diag(vec I)) H vec(d${nameText(X.name)})`
          : `Hessian form d²${fn} = vec(d${nameText(X.name)})ᵀ H vec(d${nameText(X.name)}) (Cookbook §10.2.2)`,
      });
      break;
    }
    case "derivative": {
      if (input.bySquare) {
        // f′ dσ = (f′/(2σ)) d(σ²): the result is the factor of d(σ²)
        merged.push({ expr: E.mul(input.result, E.diffOf(E.power(X, 2))), rules: [step("derivative")], reason: `d${nameText(X.name)} = d(${nameText(X.name)}²)/(2${nameText(X.name)}): the factor of d(${nameText(X.name)}²)` });
        break;
      }
      const shown = E.mul(input.result, dX);
      if (shown !== last) merged.push({ expr: shown, rules: [step("derivative")], reason: `collect the factor d${nameText(X.name)}` });
      break;
    }
    case "jacobian": {
      merged.push({ expr: last, rules: [step("vec")], reason: "vec(L dX R) = (Rᵀ ⊗ L) vec(dX) (Cookbook §10.2.2); vec(dXᵀ) = K vec(dX)", display: "vec", gradient: input.result });
      break;
    }
  }
  return merged;
}

interface ChainContext {
  readonly X: Sym;
  readonly dX: Diff;
  /** differential()'s record of the expression the chain starts from. */
  readonly expansion: Expansion;
  readonly budget: Budget;
  /** The pass the chain's last simplification joins. */
  readonly pass: () => Simplifier;
  /** The differential the analysis simplified, and its simplification: reused when the chain ends at it. */
  readonly df?: Expr;
  readonly simplifiedDf?: () => SimplifyResult;
}

/**
 * From a line holding d(u), expands every outermost d(u) by the rule the
 * record names for u, one level per step, until none is left, then
 * simplifies: the steps, and the last value. dX itself is a constant here
 * (d(dX) = 0), which is what a second differential needs.
 */
function expandChain(start: Expr, { X, dX, expansion, budget, pass, df, simplifiedDf }: ChainContext): { steps: DerivationStep[]; last: Expr } {
  const { varies: depends, ruleAt, definitions } = expansion;
  const steps: DerivationStep[] = [{ expr: start, rules: [], reason: "" }];
  let current = start;
  for (let guard = 0; guard < 64 && E.contains(current, (x) => x.kind === "dop"); guard++) {
    const used: string[] = [];
    const constants: string[] = [];
    const note = (id: string) => { if (!used.includes(id)) used.push(id); };
    const child = (x: Expr): Expr => {
      if (!depends(x)) {
        if (x.kind === "sym" && !constants.includes(x.name)) constants.push(x.name);
        // d(dX) = 0: in a second differential the direction dX is held fixed
        if (x.kind === "d" && !constants.includes(`d ${x.of.name}`)) constants.push(`d ${x.of.name}`);
        return E.zero(x.shape);
      }
      if (x.kind === "sym") {
        const dx = expansion.wrt.get(x.name);
        if (dx) return dx;
        const rule = ruleAt(x); // a symbol declared a function of X: dY = Ẏ dX
        if (rule) { note(rule.id); return (rule.d as (e: Expr, d: (x: Expr) => Expr) => Expr)(x, child); }
        return E.diffOf(x); // a --where name: its definition comes next
      }
      return E.diffOf(x);
    };
    const expand = (e: Expr): Expr => {
      budget.tick();
      if (e.kind !== "dop") {
        const kids = E.children(e);
        return kids.length ? E.rebuild(e, kids.map(expand)) : e;
      }
      const u = e.arg;
      if (u.kind === "sym") {
        // d(e) for a --where name: d of its definition; a definition that is itself a symbol (e = x) is d of that symbol
        const body = definitions.get(u.name);
        if (!body) throw new E.InternalError(`d(${u.name}) of a symbol that is not a --where name`);
        note(step("definition"));
        return body.kind === "sym" ? child(body) : E.diffOf(body);
      }
      // a node the record lacks was made by the constructors as a line was rebuilt (‖X‖⁻¹‖X‖² is ‖X‖,
      // a node differential() never met): the table gives its rule, as it gave differential() its others
      const rule = ruleAt(u) ?? ruleFor(u);
      if (!rule) throw new E.InternalError(`no differential rule for ${u.kind}`);
      // d(2u) = 2 du is linearity, not a product rule worth a line of its own
      const constantMultiple = u.kind === "mul" && u.factors.every((x) => x.kind === "num" || depends(x)) && u.factors.filter(depends).length === 1;
      note(constantMultiple ? step("d-constant-multiple") : rule.id);
      return (rule.d as (e: Expr, d: (x: Expr) => Expr) => Expr)(u, child);
    };
    current = expand(current);
    steps.push({ expr: current, rules: used, constants, reason: "" });
  }

  const merged = mergeLinear(steps).map((s) => ({ ...s, reason: reasonOf(s.rules, s.constants ?? [], X) }));

  // simplification: folded into the last step when it is only bookkeeping, else one step listing its rules
  const simplified = current === df && simplifiedDf ? simplifiedDf() : pass().simplify(current);
  let last = current;
  if (simplified.expr !== current) {
    last = simplified.expr;
    const ids = [...new Set(simplified.steps.map((s) => s.rule))];
    const prev = merged[merged.length - 1]!;
    if (ids.every((id) => MECHANICAL().has(id)) && merged.length > 1) merged[merged.length - 1] = { ...prev, expr: last, rules: [...prev.rules, ...ids] };
    else merged.push({ expr: last, rules: ids, reason: `simplify: ${ids.map((id) => ruleInfo(id)?.title ?? id).join(", ")}` });
  }
  return { steps: merged, last };
}

const isVector = (X: Sym) => X.shape.cols === 1;

/**
 * One term of df written as tr(Gᵢᵀ dX) (or gᵢᵀ dx), coefficient and scalars in
 * front, from its weights in the Frobenius extraction: Gᵢ = Σ weights.
 */
function rotatedTerm(term: Expr, weights: readonly Expr[], dX: Diff, pass: Simplifier): Expr {
  if (weights.length === 0) return term;
  // Gᵢᵀ simplified, so the line reads as a textbook writes it (2 tr(x(Ax − y)ᵀ dA)), in the pass that
  // simplified the result from the same weights: what they share is simplified once
  const { coeff, scalars, chain } = E.splitMul(pass.simplify(flip(E.add(...weights))).expr);
  const body = E.mul(...chain, dX);
  return E.mul(E.num(coeff), ...scalars, isScalarShape(body.shape) ? body : E.trace(body));
}

/**
 * Gᵀ one level deep, as a reader transposes a weight: a product reversed
 * with each factor transposed, (2(Ax − y)xᵀ)ᵀ = 2x(Ax − y)ᵀ, leaving the
 * factors' insides as they are (no simplification pass).
 */
function flip(e: Expr): Expr {
  if (e.kind === "add") return E.add(...e.terms.map(flip));
  if (e.kind === "hadamard") return E.hadamard(...e.factors.map(E.transpose));
  if (e.kind !== "mul") return E.transpose(e);
  const { coeff, scalars, chain } = E.splitMul(e);
  return E.mul(E.num(coeff), ...scalars, ...chain.slice().reverse().map(E.transpose));
}

/** Folds steps made only of linear rules into the step after them. */
function mergeLinear(steps: DerivationStep[]): DerivationStep[] {
  const out: DerivationStep[] = [steps[0]!];
  let pending: DerivationStep | null = null;
  for (const s of steps.slice(1)) {
    const linear = s.rules.every((id) => LINEAR().has(id));
    const combined: DerivationStep = pending
      ? { ...s, rules: [...pending.rules, ...s.rules], constants: [...(pending.constants ?? []), ...(s.constants ?? [])] }
      : s;
    if (linear && s !== steps[steps.length - 1]) { pending = combined; continue; }
    out.push(combined);
    pending = null;
  }
  return out;
}
