/**
 * The differential d f: applies the rule for each node kind from
 * rules/differentials.ts. It never simplifies (STYLE habit 4); it only relies
 * on the constructors' structural normalisation, so `0` terms vanish.
 */
import * as E from "../core/expr.js";
import type { Expr, Sym, Kind, ExprOf } from "../core/expr.js";
import { DIFFERENTIALS } from "../../rules/differentials.js";
import type { DifferentialRule } from "../../rules/rule.js";
import type { Budget } from "../core/budget.js";
import { NodeMemo } from "../core/memo.js";

export interface DifferentialContext {
  /** The variables, each with its differential dX (tag 0 unless a second direction is needed). */
  readonly wrt: ReadonlyMap<string, E.Diff>;
  /** --where definitions: d(e) = d(definition of e). */
  readonly definitions: ReadonlyMap<string, Expr>;
  readonly budget?: Budget;
  /**
   * Symbols declared functions of a variable (`A: matrix(X)`) are held fixed
   * instead of varying with it: the partial differential in the variables alone.
   */
  readonly holdDependents?: boolean;
}

/**
 * What differential() did, node by node: which nodes vary and the rule it
 * applied at each. A derivation (calculus/steps.ts) renders this record one
 * level of d(·) per line instead of walking the expression again.
 */
export interface Expansion {
  readonly wrt: ReadonlyMap<string, E.Diff>;
  readonly definitions: ReadonlyMap<string, Expr>;
  /** Whether a node depends on the variables (its differential is not 0). */
  readonly varies: (e: Expr) => boolean;
  /** The rule applied at a node that varies; undefined for a variable and a --where name (its definition is expanded). */
  readonly ruleAt: (e: Expr) => DifferentialRule<Kind> | undefined;
}

export interface DifferentialResult {
  readonly df: Expr;
  /** Rule ids used, in first-use order, for the derivation trace. */
  readonly rules: readonly string[];
  readonly expansion: Expansion;
}

export function ruleFor<K extends Kind>(e: ExprOf<K>): DifferentialRule<K> | undefined {
  const rules = DIFFERENTIALS[e.kind as K] as readonly DifferentialRule<K>[];
  return rules.find((r) => !r.when || r.when(e));
}

/** Differentials taken before, by f and what else they depend on (the variables, the definitions, holding dependents). */
const taken = new NodeMemo<DifferentialResult>();

export function differential(f: Expr, ctx: DifferentialContext): DifferentialResult {
  // names length-prefixed: no name can run into the next entry
  let key = ctx.holdDependents ? "hold" : "";
  for (const [name, dx] of ctx.wrt) key += `|${name.length}:${name}${dx.id}`;
  key += "|=";
  for (const [name, body] of ctx.definitions) key += `|${name.length}:${name}${body.id}`;
  return taken.get(f, key) ?? taken.set(f, key, differentialOf(f, ctx));
}

function differentialOf(f: Expr, ctx: DifferentialContext): DifferentialResult {
  const memo = new Map<number, Expr>();
  const depends = new Map<number, boolean>();
  const used = new Set<string>();
  const applied = new Map<number, DifferentialRule<Kind>>();

  const varies = (x: E.Sym): boolean => ctx.wrt.has(x.name) || (!ctx.holdDependents && x.props.dependsOn !== undefined && ctx.wrt.has(x.props.dependsOn));
  const dependsOn = (e: Expr): boolean =>
    E.contains(e, (x) => (x.kind === "sym" && (varies(x) || (ctx.definitions.has(x.name) && dependsOn(ctx.definitions.get(x.name)!)))), depends);

  const d = (e: Expr): Expr => {
    // tick before the memo: the product rule asks for d of every factor, even repeated ones
    ctx.budget?.tick();
    const hit = memo.get(e.id);
    if (hit) return hit;
    let out: Expr;
    if (!dependsOn(e)) out = E.zero(e.shape);
    else if (e.kind === "sym") {
      const dx = ctx.wrt.get(e.name);
      const rule = dx ? undefined : ruleFor(e);
      if (dx) out = dx;
      else if (rule) { used.add(rule.id); applied.set(e.id, rule as DifferentialRule<Kind>); out = (rule.d as (e: Expr, d: (x: Expr) => Expr) => Expr)(e, d); }
      else out = d(ctx.definitions.get(e.name)!);
    } else {
      const rule = ruleFor(e);
      if (!rule) throw new E.InternalError(`no differential rule for ${e.kind}`);
      used.add(rule.id);
      applied.set(e.id, rule as DifferentialRule<Kind>);
      out = (rule.d as (e: Expr, d: (x: Expr) => Expr) => Expr)(e, d);
    }
    memo.set(e.id, out);
    return out;
  };

  const df = d(f);
  return {
    df, rules: [...used],
    expansion: { wrt: ctx.wrt, definitions: ctx.definitions, varies: dependsOn, ruleAt: (e) => applied.get(e.id) },
  };
}

/** Replaces --where names by their definitions (for numeric evaluation and checks). */
export function expandDefinitions(e: Expr, definitions: ReadonlyMap<string, Expr>, budget?: Budget): Expr {
  if (definitions.size === 0) return e;
  return E.mapBottomUp(e, (x) => {
    budget?.tick();
    return x.kind === "sym" && definitions.has(x.name) ? expandDefinitions(definitions.get(x.name)!, definitions, budget) : x;
  });
}

export type { Sym };
