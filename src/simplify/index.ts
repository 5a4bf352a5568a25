import type { Expr } from "../core/expr.js";
import { SIMPLIFY_RULES } from "../../rules/simplify/index.js";
import { spreadRootTranspose } from "../../rules/simplify/transpose.js";
import { known } from "../../rules/registry.js";
import { makeRuleIndex, rewrite, rewriteRun, type SimplifyLimits, type SimplifyResult } from "./engine.js";

export type { Step, StopReason, SimplifyResult, SimplifyLimits } from "./engine.js";

const INDEX = makeRuleIndex(SIMPLIFY_RULES);
const TRANSPOSE_SUM = known("transpose-sum");

/** Simplifies to the form a textbook prints. Bounded; says why it stopped. */
export function simplify(e: Expr, limits: SimplifyLimits = {}): SimplifyResult {
  return simplifier(limits).simplify(e);
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
  return {
    simplify(e: Expr): SimplifyResult {
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
    },
  };
}
