import type { Expr } from "../core/expr.js";
import { SIMPLIFY_RULES } from "../../rules/simplify/index.js";
import { spreadRootTranspose } from "../../rules/simplify/transpose.js";
import { known } from "../../rules/registry.js";
import { DEFAULT_SIMPLIFY_LIMITS, makeRuleIndex, rewrite, type SimplifyLimits, type SimplifyResult } from "./engine.js";

export type { Step, StopReason, SimplifyResult, SimplifyLimits } from "./engine.js";

const INDEX = makeRuleIndex(SIMPLIFY_RULES);
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
  const hit = settled.get(e);
  // fewer steps than the limit: a fresh run could not have met it either
  if (hit && limits.maxSize === undefined && hit.steps.length < (limits.maxSteps ?? DEFAULT_SIMPLIFY_LIMITS.maxSteps)) return hit;
  const out = simplifyUncached(e, limits);
  if (out.stopped === "fixpoint" && limits.maxSize === undefined) settled.set(e, out);
  return out;
}

function simplifyUncached(e: Expr, limits: SimplifyLimits): SimplifyResult {
  const first = rewrite(e, INDEX, limits);
  const spread = spreadRootTranspose(first.expr);
  if (spread === first.expr || first.stopped !== "fixpoint") return first;
  const again = rewrite(spread, INDEX, { ...limits, ...(limits.maxSteps ? { maxSteps: limits.maxSteps - first.steps.length } : {}) });
  return {
    expr: again.expr,
    steps: [...first.steps, { rule: TRANSPOSE_SUM, before: first.expr, after: spread }, ...again.steps],
    stopped: again.stopped,
  };
}
