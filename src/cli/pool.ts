/**
 * The answer key's problems shared out over worker threads, one per core: a
 * key is a hundred independent problems, each solved, checked and typeset on
 * its own (src/key/key.ts renderProblem). Workers take the next problem as
 * soon as they are free, so one slow problem does not hold up a fixed share;
 * results come back in any order and are put back in the file's.
 *
 * Only the built command has a pool (its launcher knows the bundle a worker
 * loads, src/cli/launch.ts); run from the sources, in tests or on one core,
 * the key is solved on the calling thread with the same function.
 */
import type { Worker } from "node:worker_threads";
import { renderProblem, timeLeft, type KeyBudget, type KeyFormat, type RenderedEntry, type SectionContext } from "../key/key.js";
import type { KeyProblem } from "../key/problems.js";

export interface KeyJob {
  readonly problem: KeyProblem;
  readonly format: KeyFormat;
  readonly ctx: SectionContext;
  readonly seed?: number;
  /** The whole file's budget; each problem gets what is left of it when it starts. */
  readonly budget?: KeyBudget;
  /** An HTML section's formulas marked, for the typesetting thread (src/cli/typesetter.ts). */
  readonly typesetLater?: boolean;
}

/** A job's options; throws KeyBudgetError when the file's budget is spent. */
const jobOptions = (j: KeyJob, solved: number) => ({
  ...(j.seed !== undefined ? { seed: j.seed } : {}),
  ...(j.budget ? { timeoutMs: timeLeft(j.budget, solved) } : {}),
  ...(j.typesetLater ? { typesetLater: true } : {}),
});

type Reply = { readonly id: number; readonly entries: readonly RenderedEntry[] };

/**
 * Problems a worker must have to pay for itself. A worker starts cold: it loads the bundle and KaTeX and
 * runs everything unoptimised at first, and it has a heap of its own. Nor is the second core idle without
 * it: V8's concurrent marking, scavenging and compiling on one thread already use some 0.4 of another
 * (CPU 1.4× wall). Measured on a 2-core machine (the bench's gradient cases, one thread against
 * MATDIFF_WORKERS=2): 100 problems 1.22× the wall time and 142 MiB against 88; 211 problems 1.13× and
 * 158 MiB against 110; 633 problems 0.98× (even) and 221 MiB against 146. So a worker only past 600.
 */
export const PROBLEMS_PER_WORKER = 600;

/**
 * Each problem's entries handed to `emit` in the problems' order, each as soon as it and every problem
 * before it are solved (the key is written as it goes, src/cli/key.ts). `size`: threads to use, this one
 * included; `force`: use them all whatever the problem count (MATDIFF_WORKERS set); `pace`: awaited after
 * each problem this thread solves.
 */
export async function solveAll(jobs: readonly KeyJob[], spawn: (() => Worker) | undefined, size: number, emit: (entries: readonly RenderedEntry[]) => void, force = false, pace?: () => Promise<void>): Promise<void> {
  // solved problems not emitted yet: a worker's that came back before an earlier one was done
  const waiting = new Map<number, readonly RenderedEntry[]>();
  const done = new Array<boolean>(jobs.length).fill(false);
  let solved = 0;
  let emitted = 0;
  const settle = (id: number, entries: readonly RenderedEntry[]) => {
    if (done[id]) return;
    done[id] = true;
    solved++;
    waiting.set(id, entries);
    for (let next = waiting.get(emitted); next; next = waiting.get(emitted)) {
      waiting.delete(emitted++);
      emit(next);
    }
  };
  const inline = (id: number) => settle(id, renderProblem(jobs[id]!.problem, jobs[id]!.format, jobs[id]!.ctx, jobOptions(jobs[id]!, solved)));
  const workers = spawn ? Math.min(size - 1, jobs.length - 1, force ? Infinity : Math.floor(jobs.length / PROBLEMS_PER_WORKER)) : 0;
  let next = 0;
  let live = 0;
  let wake: (() => void) | null = null;
  const changed = () => { const w = wake; wake = null; w?.(); };
  const started: Worker[] = [];
  for (let w = 0; w < workers; w++) {
    let worker: Worker;
    try { worker = spawn!(); } catch { break; }
    started.push(worker);
    live++;
    const feed = () => {
      if (next >= jobs.length) { void worker.terminate(); return; }
      const id = next++;
      worker.postMessage({ id, job: jobs[id] });
    };
    worker.on("message", (reply: Reply) => { settle(reply.id, reply.entries); feed(); changed(); });
    // a worker that dies (out of memory, a bug) leaves its problem to this thread, below
    worker.on("error", () => undefined);
    worker.on("exit", () => { live--; changed(); });
    feed();
  }
  try {
    // this thread is one of the pool: it takes the next problem too, and lets the workers' replies in between.
    // It yields after every problem, workers or not: the engine's retired nodes are held by weak references
    // (src/core/expr.ts), and a weak reference keeps its target alive to the end of the current job, so a key
    // solved in one job kept every node of every problem to its end (all of it promoted, all of it copied by
    // each scavenge): 7% of the bench's key of 100 problems.
    while (next < jobs.length) {
      inline(next++);
      await new Promise<void>((resolve) => setImmediate(resolve));
      // what the sections go to (the typesetting thread) may ask this thread to wait for it
      await pace?.();
    }
    while (live > 0) await new Promise<void>((resolve) => { wake = resolve; });
    // whatever a dead worker did not answer is solved here: a pool never loses a problem
    for (let i = 0; i < jobs.length; i++) if (!done[i]) inline(i);
  } finally {
    // a spent budget ends the key at once: no worker is left running (it would keep the process alive)
    for (const w of started) void w.terminate();
  }
}

/** A pool worker's body: one job in, its rendered entries out. */
export function serveKeyJobs(port: { on(event: "message", f: (m: { id: number; job: KeyJob }) => void): unknown; postMessage(m: Reply): void }): void {
  port.on("message", ({ id, job }) => {
    // past the file's budget this throws and the worker ends; the calling thread then meets the same spent budget and says so
    port.postMessage({ id, entries: renderProblem(job.problem, job.format, job.ctx, jobOptions(job, 0)) });
  });
}
