/**
 * The budget of one request: wall-clock time and the expression nodes it may
 * build (its memory: a node and its hash-cons key take a few hundred bytes,
 * and the numbers the check samples are capped separately). Long loops in
 * every stage tick it; past either bound it throws a limit error rather than
 * keep a caller waiting or grow until the process dies. Date.now is read once
 * every 256 ticks, so ticking is nearly free.
 */
import { MatdiffError } from "../errors.js";
import { nodesMade } from "./expr.js";

export class Budget {
  private ticks = 0;
  private readonly firstNode = nodesMade();

  constructor(readonly deadline: number, readonly timeoutMs: number, readonly maxNodes = Number.POSITIVE_INFINITY) {}

  static unlimited(): Budget {
    return new Budget(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  }

  /** A budget that starts now. */
  static of(limits: { readonly timeoutMs: number; readonly maxNodes?: number }): Budget {
    return new Budget(Date.now() + limits.timeoutMs, limits.timeoutMs, limits.maxNodes);
  }

  tick(): void {
    if ((++this.ticks & 255) === 0) this.check();
  }

  /** Throws when the time or the nodes are spent (for a stage about to start, or a loop of few, costly turns). */
  check(): void {
    if (Date.now() > this.deadline) {
      throw new MatdiffError("limit", `the request took longer than its budget of ${this.timeoutMs} ms`, undefined, {
        hint: "simplify the expression, split it with --where, or raise limits.timeoutMs in the library",
      });
    }
    const made = nodesMade() - this.firstNode;
    if (made > this.maxNodes) {
      throw new MatdiffError("limit", `the request built more than ${this.maxNodes} expression nodes, its memory budget`, undefined, {
        hint: "simplify the expression, split it with --where, or raise limits.maxNodes in the library",
      });
    }
  }

  /** Milliseconds left (for work that cannot tick, such as a KaTeX call: it is skipped when none is left). */
  remainingMs(): number {
    return this.deadline - Date.now();
  }
}
