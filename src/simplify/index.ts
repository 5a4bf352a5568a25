import type { Expr } from "../core/expr.js";
import { SIMPLIFY_RULES } from "../../rules/simplify/index.js";
import { spreadRootTranspose } from "../../rules/simplify/transpose.js";
import { known } from "../../rules/registry.js";
import { makeRuleIndex, rewrite, type SimplifyLimits, type SimplifyResult } from "./engine.js";

export type { Step, StopReason, SimplifyResult, SimplifyLimits } from "./engine.js";

const INDEX = makeRuleIndex(SIMPLIFY_RULES);
const TRANSPOSE_SUM = known("transpose-sum");

/** Simplifies to the form a textbook prints. Bounded; says why it stopped. */
export function simplify(e: Expr, limits: SimplifyLimits = {}): SimplifyResult {
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
