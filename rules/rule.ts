/**
 * The shape of a rule in rules/. Every rule carries a stable id, its source
 * (a Matrix Cookbook equation or "derived: …"), the identity it implements as
 * a formula for readers, and a witness: an input on which it must fire.
 * A generated test checks each rule numerically on its witness.
 */
import type { Expr, ExprOf, Kind } from "../src/core/expr.js";

/**
 * What other modules select rules by, instead of naming ids: a renamed rule
 * keeps its tags, and a tag no rule carries fails at load (rules/registry.ts).
 *   linear                 moves d inside and nothing else; a derivation merges it into the next step
 *   mechanical             bookkeeping a reader does without noticing; folded into the step it follows
 *   kronecker-normal-form  brings Kronecker products into the form the Frobenius extraction reads
 */
export const RULE_TAGS = ["linear", "mechanical", "kronecker-normal-form"] as const;
export type RuleTag = (typeof RULE_TAGS)[number];

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
  readonly tags?: readonly RuleTag[];
}

export interface DifferentialRule<K extends Kind> extends RuleMeta {
  /** Narrows the rule within its kind (e.g. one elementwise function). */
  readonly when?: (e: ExprOf<K>) => boolean;
  /** The differential of `e`, given `d` for its operands. Never simplifies. */
  readonly d: (e: ExprOf<K>, d: (x: Expr) => Expr) => Expr;
}

/** One entry per node kind: adding a kind fails to compile until it has a rule. */
export type DifferentialTable = { readonly [K in Kind]: readonly DifferentialRule<K>[] };

/**
 * A rewrite rule typed by the node kinds it matches: `apply` receives only
 * nodes of those kinds (the engine dispatches by kind), so a rule never
 * re-checks its kind by hand.
 */
export interface RewriteRule<K extends Kind = Kind> extends RuleMeta {
  /** The node kinds at which the rule may fire. */
  readonly on: readonly K[];
  /** The rewritten expression, or null when the rule does not apply. Must preserve value. */
  readonly apply: (e: ExprOf<K>, ctx: RewriteContext) => Expr | null;
}

/**
 * A rule of any kind, as the tables hold it. `apply` takes any node here; the
 * engine's table (src/simplify/engine.ts) only hands it the kinds in `on`.
 */
export interface AnyRewriteRule extends RuleMeta {
  readonly on: readonly Kind[];
  readonly apply: (e: Expr, ctx: RewriteContext) => Expr | null;
}

/** Declares a rewrite rule: K is inferred from `on`, and `apply` is typed by it. */
export function rewriteRule<K extends Kind>(rule: RewriteRule<K>): AnyRewriteRule {
  // sound because the only caller of apply is the engine's table, keyed by e.kind ∈ on
  return rule as unknown as AnyRewriteRule;
}

export interface RewriteContext {
  /** Canonical total order on expressions (for sums, scalar factors, trace rotations). */
  readonly compare: (a: Expr, b: Expr) => number;
}
