/**
 * The wall-clock budget of one request. Long loops tick it; past the
 * deadline it throws a limit error rather than keep a caller waiting.
 * Date.now is read once every 256 ticks, so ticking is nearly free.
 */
import { MatdiffError } from "../errors.js";

export class Budget {
  private ticks = 0;
  constructor(readonly deadline: number, readonly timeoutMs: number) {}

  static unlimited(): Budget {
    return new Budget(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  }

  tick(): void {
    if ((++this.ticks & 255) === 0 && Date.now() > this.deadline) {
      throw new MatdiffError("limit", `the request took longer than its budget of ${this.timeoutMs} ms`, undefined, {
        hint: "simplify the expression, split it with --where, or raise limits.timeoutMs in the library",
      });
    }
  }
}
