/**
 * Results of pure functions of hash-consed expressions, kept per node. An
 * expression is immutable and equal expressions are one node (core/expr.ts),
 * so a stage asked again about the same nodes (an editor's preview re-rendering
 * its blocks, the playground retyping, a derivation revisiting df) can answer
 * from what it computed before. Weak in the node: an entry goes with it. One
 * entry per node, the last: a node that lives long (‖e‖², met with a new
 * definition of e at every keystroke) must not gather one result per context.
 */
import type { Expr } from "./expr.js";

export class NodeMemo<R> {
  private readonly byNode = new WeakMap<Expr, { readonly key: string | number; readonly value: R }>();

  /** The result kept for `node` under `key` (what else the result depends on), if any. */
  get(node: Expr, key: string | number): R | undefined {
    const entry = this.byNode.get(node);
    return entry !== undefined && entry.key === key ? entry.value : undefined;
  }

  set(node: Expr, key: string | number, value: R): R {
    this.byNode.set(node, { key, value });
    return value;
  }
}
