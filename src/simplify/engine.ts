/**
 * The bounded rewrite engine. Children first, then the rules registered for
 * the node's kind, until none applies; every firing is recorded as a step
 * (rule id, before, after). A run stops at a fixpoint or when a limit is hit
 * and says which: a stopped run still returns a correct expression, because
 * every rule preserves value.
 */
import * as E from "../core/expr.js";
import type { Expr, Kind } from "../core/expr.js";
import type { AnyRewriteRule, RewriteContext } from "../../rules/rule.js";
import { compareExpr } from "../core/order.js";

export interface Step {
  readonly rule: string;
  readonly before: Expr;
  readonly after: Expr;
}

export type StopReason = "fixpoint" | "step-limit" | "size-limit" | "time-limit";

export interface SimplifyResult {
  readonly expr: Expr;
  readonly steps: readonly Step[];
  readonly stopped: StopReason;
}

export interface SimplifyLimits {
  readonly maxSteps?: number;
  readonly maxSize?: number;
  readonly deadline?: number; // Date.now() value
}

const NONE: readonly AnyRewriteRule[] = [];

export const DEFAULT_SIMPLIFY_LIMITS = { maxSteps: 5000, maxSize: 50_000 } as const;

/**
 * Rules by the node kind they match. The engine hands a rule only nodes of
 * the kinds in its `on`, which is what lets a rule's `apply` take
 * `ExprOf<K>` (rules/rule.ts) and skip re-checking the kind.
 */
export type RuleTable = { readonly [K in Kind]?: readonly AnyRewriteRule[] };

export function makeRuleIndex(rules: readonly AnyRewriteRule[]): RuleTable {
  const ids = new Set<string>();
  const index: { [K in Kind]?: AnyRewriteRule[] } = Object.create(null);
  for (const r of rules) {
    if (ids.has(r.id)) throw new E.InternalError(`duplicate rule id ${r.id}`);
    ids.add(r.id);
    for (const k of r.on) (index[k] ??= []).push(r);
  }
  return index;
}

export function rewrite(root: Expr, index: RuleTable, limits: SimplifyLimits = {}): SimplifyResult {
  const maxSteps = limits.maxSteps ?? DEFAULT_SIMPLIFY_LIMITS.maxSteps;
  const maxSize = limits.maxSize ?? DEFAULT_SIMPLIFY_LIMITS.maxSize;
  const steps: Step[] = [];
  const done = new Map<number, Expr>();
  const active = new Set<number>();
  let stopped: StopReason = "fixpoint";
  const ctx: RewriteContext = { compare: compareExpr };

  const budgetLeft = (): boolean => {
    if (stopped !== "fixpoint") return false;
    if (steps.length >= maxSteps) stopped = "step-limit";
    else if (limits.deadline !== undefined && (steps.length & 63) === 0 && Date.now() > limits.deadline) stopped = "time-limit";
    return stopped === "fixpoint";
  };

  let visits = 0;
  const simp = (e: Expr): Expr => {
    const hit = done.get(e.id);
    if (hit) return hit;
    // out of time: stop rewriting (the result stays correct, only less simple)
    if ((++visits & 255) === 0 && limits.deadline !== undefined && Date.now() > limits.deadline && stopped === "fixpoint") stopped = "time-limit";
    // a rule whose result leads back to e: keep e as it is rather than loop
    if (active.has(e.id)) return e;
    active.add(e.id);
    const kids = E.children(e);
    let cur = kids.length ? E.rebuild(e, kids.map(simp)) : e;
    // The constructors normalise as they rebuild, and may make inner nodes no rule has seen:
    // hadamard(2D, I) is 2·(D ⊙ I); pulling the 2 out of a 1×1 chain (2u)ᵀ(uxᵀs) makes the chain
    // uᵀ(uxᵀs) anew. Those are simplified too, or the result would depend on where a rewrite happened
    // (and simplifying it again would change it).
    for (let round = 0; round < 4 && cur !== e && !done.has(cur.id); round++) {
      const inner = E.children(cur);
      if (inner.every((k) => done.get(k.id) === k)) break;
      const next = E.rebuild(cur, inner.map(simp));
      if (next === cur) break;
      cur = next;
    }
    if (cur !== e && done.has(cur.id)) cur = done.get(cur.id)!;
    else {
      const rules = index[cur.kind] ?? NONE;
      for (const rule of rules) {
        if (!budgetLeft()) break;
        const out = rule.apply(cur, ctx);
        if (out === null || out === cur) continue;
        if (E.size(out) > maxSize) { stopped = "size-limit"; break; }
        steps.push({ rule: rule.id, before: cur, after: out });
        cur = simp(out);
        break; // simp(out) already ran every rule on the new node
      }
    }
    active.delete(e.id);
    done.set(e.id, cur);
    done.set(cur.id, cur);
    return cur;
  };

  const expr = simp(root);
  return { expr, steps, stopped };
}
