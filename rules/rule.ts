/**
 * The shape of a rule in rules/. Every rule carries a stable id, its source
 * (a Matrix Cookbook equation or "derived: …"), the identity it implements as
 * a formula for readers, and a witness: an input on which it must fire.
 * A generated test checks each rule numerically on its witness.
 */
import type { Expr, ExprOf, Kind } from "../src/core/expr.js";

export interface RuleMeta {
  readonly id: string;
  /** How a derivation names the rule: "product rule", "Jacobi's formula". */
  readonly title?: string;
  readonly source: string;
  /** The identity in LaTeX, for documentation and step-by-step output. */
  readonly formula: string;
  /** An input expression (matdiff syntax) the rule must fire on. */
  readonly witness: string;
  /** Declarations the witness needs, e.g. ["S: symmetric"]. */
  readonly witnessLet?: readonly string[];
}

export interface DifferentialRule<K extends Kind> extends RuleMeta {
  /** Narrows the rule within its kind (e.g. one elementwise function). */
  readonly when?: (e: ExprOf<K>) => boolean;
  /** The differential of `e`, given `d` for its operands. Never simplifies. */
  readonly d: (e: ExprOf<K>, d: (x: Expr) => Expr) => Expr;
}

/** One entry per node kind: adding a kind fails to compile until it has a rule. */
export type DifferentialTable = { readonly [K in Kind]: readonly DifferentialRule<K>[] };

export interface RewriteRule extends RuleMeta {
  /** The node kinds at which the rule may fire, so the engine only tries relevant rules. */
  readonly on: readonly Kind[];
  /** The rewritten expression, or null when the rule does not apply. Must preserve value. */
  readonly apply: (e: Expr, ctx: RewriteContext) => Expr | null;
}

export interface RewriteContext {
  /** Canonical total order on expressions (for sums, scalar factors, trace rotations). */
  readonly compare: (a: Expr, b: Expr) => number;
}
