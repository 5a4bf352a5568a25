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
  const run = rewriteRun(index, limits);
  const { expr, steps } = run.rewrite(root);
  return { expr, steps, stopped: run.stopped() };
}

/**
 * One run of the engine that may take several roots in turn: they share its
 * memo, so what one root's rewriting has done (a shared subexpression
 * simplified) the next reuses instead of redoing. Each root has the step
 * limit to itself, as a run of its own would; after a root that stopped
 * early the memo is dropped, since what it holds may not be simplified.
 */
export interface RewriteRun {
  /** The root rewritten, with the steps that took it there: its own and those of earlier roots it reused. */
  rewrite(root: Expr): { readonly expr: Expr; readonly steps: readonly Step[] };
  /** Steps taken for the last root alone (its share of the step limit). */
  ownSteps(): number;
  /** Why the last root stopped. */
  stopped(): StopReason;
}

export function rewriteRun(index: RuleTable, limits: SimplifyLimits = {}): RewriteRun {
  const maxSteps = limits.maxSteps ?? DEFAULT_SIMPLIFY_LIMITS.maxSteps;
  const maxSize = limits.maxSize ?? DEFAULT_SIMPLIFY_LIMITS.maxSize;
  const steps: Step[] = [];
  let done = new Map<number, Expr>();
  const active = new Set<number>();
  let stopped: StopReason = "fixpoint";
  const ctx: RewriteContext = { compare: compareExpr };
  // A node's steps are a contiguous range of `steps` (its subtree was rewritten in one go), plus the
  // ranges of earlier roots' nodes it reused from the memo: a later root that reuses it is still
  // told every step that made it (a derivation names those rules). Nothing is borrowed by the first root.
  let spans = new Map<number, { readonly start: number; readonly end: number; readonly borrowed: readonly number[] | null }>();
  let rootStart = 0;
  let borrowed: number[] = []; // flat [start, end, start, end, …], ranges before rootStart
  const reuse = (id: number): void => {
    if (rootStart === 0) return;
    const span = spans.get(id);
    if (!span || span.start >= rootStart) return; // made in this root: inside its own range already
    borrowed.push(span.start, span.end);
    if (span.borrowed) borrowed.push(...span.borrowed);
  };

  // the clock is read every 64 rule tries: keyed to steps.length, it was read at every try while no rule had
  // fired yet and while the count sat at a multiple of 64 (18 ms of 1.5 s in a profile of the bench's key)
  let tries = 0;
  const budgetLeft = (): boolean => {
    if (stopped !== "fixpoint") return false;
    if (steps.length - rootStart >= maxSteps) stopped = "step-limit";
    else if (limits.deadline !== undefined && (++tries & 63) === 0 && Date.now() > limits.deadline) stopped = "time-limit";
    return stopped === "fixpoint";
  };

  let visits = 0;
  const simp = (e: Expr): Expr => {
    const hit = done.get(e.id);
    if (hit) { reuse(e.id); return hit; }
    // out of time: stop rewriting (the result stays correct, only less simple)
    if ((++visits & 255) === 0 && limits.deadline !== undefined && Date.now() > limits.deadline && stopped === "fixpoint") stopped = "time-limit";
    // a rule whose result leads back to e: keep e as it is rather than loop
    if (active.has(e.id)) return e;
    active.add(e.id);
    const start = steps.length, mark = borrowed.length;
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
    if (cur !== e && done.has(cur.id)) { reuse(cur.id); cur = done.get(cur.id)!; }
    else {
      const rules = index[cur.kind] ?? NONE;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r]!;
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
    if (steps.length > start || borrowed.length > mark) spans.set(e.id, { start, end: steps.length, borrowed: borrowed.length > mark ? borrowed.slice(mark) : null });
    done.set(e.id, cur);
    done.set(cur.id, cur);
    return cur;
  };

  return {
    rewrite(root) {
      if (stopped !== "fixpoint") { done = new Map(); spans = new Map(); stopped = "fixpoint"; }
      rootStart = steps.length;
      borrowed = [];
      const expr = simp(root);
      if (borrowed.length === 0) return { expr, steps: steps.slice(rootStart) };
      const taken = new Set<number>();
      for (let i = 0; i < borrowed.length; i += 2) for (let j = borrowed[i]!; j < borrowed[i + 1]!; j++) taken.add(j);
      for (let j = rootStart; j < steps.length; j++) taken.add(j);
      return { expr, steps: [...taken].sort((a, b) => a - b).map((j) => steps[j]!) };
    },
    ownSteps: () => steps.length - rootStart,
    stopped: () => stopped,
  };
}
