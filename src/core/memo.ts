/**
 * Results of pure functions of hash-consed expressions, kept per node. An
 * expression is immutable and equal expressions are one node (core/expr.ts),
 * so a stage asked again about the same nodes (an editor's preview re-rendering
 * its blocks, the playground retyping, a derivation revisiting df) can answer
 * from what it computed before. Weak in the node: an entry goes with it.
 */
import type { Expr } from "./expr.js";

export class NodeMemo<R> {
  private readonly byNode = new WeakMap<Expr, Map<string | number, R>>();

  /** The result kept for `node` under `key` (what else the result depends on), if any. */
  get(node: Expr, key: string | number): R | undefined {
    return this.byNode.get(node)?.get(key);
  }

  set(node: Expr, key: string | number, value: R): R {
    let m = this.byNode.get(node);
    if (!m) this.byNode.set(node, (m = new Map()));
    m.set(key, value);
    return value;
  }
}
