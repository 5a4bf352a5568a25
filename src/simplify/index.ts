import * as E from "../core/expr.js";
import type { Expr } from "../core/expr.js";
import { compareExpr } from "../core/order.js";
import { SIMPLIFY_RULES } from "../../rules/simplify/index.js";
import { spreadRootTranspose } from "../../rules/simplify/transpose.js";
import { known } from "../../rules/registry.js";
import { DEFAULT_SIMPLIFY_LIMITS, makeRuleIndex, rewrite, rewriteRun, type SimplifyLimits, type SimplifyResult } from "./engine.js";

export type { Step, StopReason, SimplifyResult, SimplifyLimits } from "./engine.js";

const INDEX = makeRuleIndex(SIMPLIFY_RULES);
const SOFTMAX_QUOTIENT = SIMPLIFY_RULES.find((r) => r.id === "softmax-quotient")!;

/**
 * f as read, its exp(v)/sum(exp(v)) written softmax(v) (rule softmax-quotient), before it is differentiated: taken
 * through the quotient rule, −yᵀlog(exp(z)/sum(exp(z))) left a df no rule collects back into (𝟏ᵀy) softmax(z) − y.
 * Null where there is none.
 */
export function readSoftmaxQuotients(f: Expr): Expr | null {
  const isExp = (e: Expr) => e.kind === "fn" && e.name === "exp" && e.shape.cols === 1;
  // 𝟏ᵀexp(v), the sum as a product with the ones, is sum(exp(v)) to the rule
  const onesTimesExp = (e: Expr) => e.kind === "mul" && e.factors.length === 2 && e.factors[0]!.kind === "ones" && isExp(e.factors[1]!);
  if (!E.contains(f, (e) => (e.kind === "sum" && isExp(e.arg)) || onesTimesExp(e))) return null;
  const summed = E.mapBottomUp(f, (e) => (onesTimesExp(e) ? E.sumAll((e as E.Mul).factors[1]!) : e));
  const read = E.mapBottomUp(summed, (e) => (e.kind === "mul" ? SOFTMAX_QUOTIENT.apply(e, { compare: compareExpr }) ?? e : e));
  return read === summed ? null : read;
}
const TRANSPOSE_SUM = known("transpose-sum");

/**
 * Runs that reached their fixpoint, by the hash-consed node they started from. A run is a function
 * of its node alone (the rules are pure and the nodes it meets are the ones this entry keeps alive),
 * so a node simplified again (an editor's preview re-rendering its blocks, the playground retyping,
 * a derivation's lines, several variables sharing one differential) gets the same result and steps.
 * Weak: an entry goes with its node. Only a run that a smaller step limit or a size limit could have
 * cut short is run again.
 */
const settled = new WeakMap<Expr, SimplifyResult>();

/** Simplifies to the form a textbook prints. Bounded; says why it stopped. */
export function simplify(e: Expr, limits: SimplifyLimits = {}): SimplifyResult {
  return simplifier(limits).simplify(e);
}

/** A settled run of e that these limits could not have cut short, if any. */
function settledRun(e: Expr, limits: SimplifyLimits): SimplifyResult | undefined {
  const hit = settled.get(e);
  // fewer steps than the limit: a fresh run could not have met it either
  return hit && limits.maxSize === undefined && hit.steps.length < (limits.maxSteps ?? DEFAULT_SIMPLIFY_LIMITS.maxSteps) ? hit : undefined;
}

/**
 * One simplification pass over several expressions, simplified in turn: they
 * share one engine run (its memo, rewriteRun), so df, the result and the
 * derivation lines written from the same pieces (the rotated terms of
 * --steps, the gradient before a convention, d²f) simplify what they share
 * once. Each expression has the step limit to itself and comes out as
 * simplify() alone gives it (the memo holds finished nodes only; the test
 * corpus is checked both ways in test/steps-reuse.test.ts), with every step
 * that made it.
 */
export interface Simplifier {
  simplify(e: Expr): SimplifyResult;
}

export function simplifier(limits: SimplifyLimits = {}): Simplifier {
  const run = rewriteRun(INDEX, limits);
  const runOnce = (e: Expr): SimplifyResult => {
    const { expr, steps } = run.rewrite(e);
    const stopped = run.stopped();
    const spread = spreadRootTranspose(expr);
    if (spread === expr || stopped !== "fixpoint") return { expr, steps, stopped };
    // (Aᵀ + B)ᵀ spread at the root is a new root: rewritten afresh, as simplify() always has
    const again = rewrite(spread, INDEX, { ...limits, ...(limits.maxSteps ? { maxSteps: limits.maxSteps - run.ownSteps() } : {}) });
    return {
      expr: again.expr,
      steps: [...steps, { rule: TRANSPOSE_SUM, before: expr, after: spread }, ...again.steps],
      stopped: again.stopped,
    };
  };
  return {
    simplify(e: Expr): SimplifyResult {
      const hit = settledRun(e, limits);
      if (hit) return hit;
      const out = runOnce(e);
      if (out.stopped === "fixpoint" && limits.maxSize === undefined) settled.set(e, out);
      return out;
    },
  };
}
