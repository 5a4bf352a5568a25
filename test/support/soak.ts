/**
 * The memory soak of issue 19 item 8: many library calls in one process, as
 * an editor preview or the playground makes over days. Inputs rotate through
 * shapes of problem and fresh symbol names, so the hash-cons table keeps
 * meeting new nodes and has to retire old ones. Memory is read after a full
 * collection, after a warm-up (the first calls load rules and fill caches),
 * and at the end; the process is flat when the end is within 20% of the start.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { differentiate } from "../../src/api.js";
import { MatdiffError } from "../../src/errors.js";
import { hashConsStats } from "../../src/core/expr.js";

const TEMPLATES: readonly ((k: number) => [string, { wrt: string; let?: string[]; where?: string[]; steps?: boolean; check?: { seed: number } }])[] = [
  (k) => [`\\|y - W_{${k}} x\\|^2`, { wrt: `W_{${k}}` }],
  (k) => [`tr(A_{${k}}^{-1} B X)`, { wrt: "X" }],
  (k) => [`log det(X + c_{${k}} I)`, { wrt: "X", let: [`c_{${k}}: scalar`] }],
  (k) => [`sum(sigmoid(W x + b_{${k}}))`, { wrt: "W", steps: true }],
  (k) => [`x^T S_{${k}} x`, { wrt: "x", let: [`S_{${k}}: symmetric`] }],
  (k) => [`\\|e\\|^2`, { wrt: "theta", where: [`e = y_{${k}} - Phi theta`] }],
  (k) => [`tr(X^${2 + (k % 5)} A_{${k}})`, { wrt: "X", check: { seed: k } }],
  (k) => [`A_{${k}} x + x`, { wrt: "x" }],
  () => ["x^T (", { wrt: "x" }], // an error now and then
];

export interface SoakReport {
  readonly calls: number;
  readonly seconds: number;
  /** Heap used and resident set, in MB, after the warm-up and at the end (each after a full collection). */
  readonly start: { readonly heapMB: number; readonly rssMB: number };
  readonly end: { readonly heapMB: number; readonly rssMB: number };
  /** end.heapMB / start.heapMB. */
  readonly ratio: number;
  readonly flat: boolean;
}

function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

const MB = 1024 * 1024;

/**
 * Yields to the event loop between batches of calls, as an editor or the
 * playground does between renders. It matters: a WeakRef keeps its target
 * alive until the current job ends (ECMA-262 AddToKeptObjects), so nodes the
 * hash-cons table retired during one long synchronous loop are all kept
 * until it returns.
 */
/**
 * Distinct subscripts the templates cycle through: 2,000 names give each
 * template 2,000 problems, enough new nodes that the hash-cons table retires
 * nodes again and again. (Fresh names without end also grow V8's own tables of
 * property names and hidden classes, some 0.2 KB a name: a document does not
 * have 100,000 symbols.)
 */
const NAMES = 2000;

const nextTask = () => new Promise<void>((done) => setImmediate(done));
const BATCH = 100;

export async function soak(calls: number, log: (line: string) => void = () => undefined): Promise<SoakReport> {
  const gc = collector();
  const reading = async () => {
    // a full collection, then the tasks in which finalizers run (the hash-cons table's drops its dead entries), then another
    for (let i = 0; i < 3; i++) {
      await nextTask();
      gc();
    }
    const m = process.memoryUsage();
    return { heapMB: Math.round((m.heapUsed / MB) * 10) / 10, rssMB: Math.round((m.rss / MB) * 10) / 10 };
  };
  const call = (i: number) => {
    const [input, options] = TEMPLATES[i % TEMPLATES.length]!(Math.floor(i / TEMPLATES.length) % NAMES);
    try {
      differentiate(input, options);
    } catch (err) {
      if (!(err instanceof MatdiffError)) throw err;
    }
  };
  // the warm-up ends in the steady state: rules loaded, caches full, the hash-cons table retired a few times
  const warmup = Math.max(150, Math.floor(calls / 10));
  for (let i = 0; i < warmup; i++) {
    call(i);
    if ((i + 1) % BATCH === 0) await nextTask();
  }
  log(`warm-up: ${warmup} calls; hash-cons ${JSON.stringify(hashConsStats())}`);
  const start = await reading();
  log(`after ${warmup} calls: heap ${start.heapMB} MB, rss ${start.rssMB} MB`);
  const t0 = performance.now();
  for (let i = warmup; i < calls; i++) {
    call(i);
    if ((i + 1) % BATCH === 0) await nextTask();
    if ((i + 1) % 20_000 === 0) {
      const now = await reading();
      log(`${i + 1} calls: heap ${now.heapMB} MB, rss ${now.rssMB} MB; hash-cons ${JSON.stringify(hashConsStats())}`);
    }
  }
  const end = await reading();
  log(`after ${calls} calls: heap ${end.heapMB} MB, rss ${end.rssMB} MB; hash-cons ${JSON.stringify(hashConsStats())}`);
  const ratio = end.heapMB / start.heapMB;
  return { calls, seconds: Math.round((performance.now() - t0) / 100) / 10, start, end, ratio: Math.round(ratio * 100) / 100, flat: ratio <= 1.2 };
}
