/**
 * The long property campaign behind `npm run fuzz` (scripts/fuzz.mjs bundles
 * this file with esbuild and runs it): the properties of
 * test/support/properties.ts, run many times with a random seed, in worker
 * threads. On a failure it prints fast-check's report (the shrunk
 * counterexample, the seed and the path to replay it) and the problem as a
 * command line; at the end, the cases run, the cases out of scope and why, the
 * largest growth seen by property (e) and the slowest input.
 */
import fc from "fast-check";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { PROPERTIES, PropertyFailure, newStats, type Stats } from "./properties.js";
import { commandLine, type Problem } from "./arbitraries.js";

export interface FuzzOptions {
  /** Cases in total, shared equally by the properties. */
  readonly runs: number;
  readonly seed: number;
  readonly workers: number;
  /** Only the properties whose name contains this. */
  readonly property?: string;
  /** Replay one failure: fast-check's path (with its seed and property). */
  readonly path?: string;
}

interface Job { readonly property: string; readonly seed: number; readonly runs: number; readonly path?: string }

interface JobResult {
  readonly property: string;
  readonly seed: number;
  readonly runs: number;
  readonly ms: number;
  readonly failure?: string;
  readonly stats: Omit<Stats, "reasons"> & { reasons: [string, number][] };
}

/** Runs one property; returns its statistics and, on failure, fast-check's report. */
function runJob(job: Job, progress: (done: number) => void): JobResult {
  const property = PROPERTIES.find((p) => p.name === job.property)!;
  const stats = newStats();
  const start = performance.now();
  let last = 0;
  const details = fc.check(fc.property(property.arbitrary(), (value) => {
    property.check(value, stats);
    if (stats.cases - last >= 1000) { last = stats.cases; progress(stats.cases); }
  }), { seed: job.seed, numRuns: job.runs, ...(job.path ? { path: job.path, endOnFailure: true } : {}), maxSkipsPerRun: 1000 });
  let failure: string | undefined;
  if (details.failed) {
    const value = details.counterexample?.[0] as unknown;
    const problem = value && typeof value === "object" && "expr" in value ? commandLine(value as Problem) : JSON.stringify(value);
    const error = details.errorInstance instanceof PropertyFailure ? details.errorInstance.message : String((details.errorInstance as Error | undefined)?.stack ?? details.errorInstance);
    failure = [
      `counterexample (shrunk ${details.numShrinks} times): ${problem}`,
      error,
      `replay: npm run fuzz -- --property "${job.property.slice(0, 3)}" --seed=${details.seed} --path "${details.counterexamplePath}"`,
    ].join("\n");
  }
  return { property: job.property, seed: job.seed, runs: details.numRuns, ms: performance.now() - start, ...(failure ? { failure } : {}), stats: { ...stats, reasons: [...stats.reasons] } };
}

if (!isMainThread && parentPort) {
  const jobs = workerData as Job[];
  for (const job of jobs) {
    const result = runJob(job, (done) => parentPort!.postMessage({ progress: { property: job.property, done } }));
    parentPort.postMessage({ result });
  }
}

export async function fuzz(opts: FuzzOptions, entry: string, log: (line: string) => void): Promise<number> {
  const chosen = PROPERTIES.filter((p) => !opts.property || p.name.includes(opts.property));
  if (chosen.length === 0) { log(`no property matches ${JSON.stringify(opts.property)}`); return 2; }
  const per = Math.ceil(opts.runs / chosen.length);
  // each property gets its own seed, derived from the campaign's, so one failure replays alone
  const jobs: Job[] = chosen.map((p, i) => ({ property: p.name, seed: (opts.seed + i * 0x9e3779b1) >>> 0, runs: per, ...(opts.path ? { path: opts.path } : {}) }));
  if (opts.path) jobs.forEach((j) => Object.assign(j, { seed: opts.seed }));
  log(`matdiff fuzz: ${per * jobs.length} cases (${per} per property, ${jobs.length} properties), seed ${opts.seed}, ${opts.workers} worker${opts.workers > 1 ? "s" : ""}`);
  const started = performance.now();
  // deal the jobs to the workers, the slow KaTeX property first so the loads even out
  const order = [...jobs].sort((a, b) => Number(b.property.startsWith("(d)")) - Number(a.property.startsWith("(d)")));
  const shares: Job[][] = Array.from({ length: Math.min(opts.workers, jobs.length) }, () => []);
  order.forEach((j, i) => shares[i % shares.length]!.push(j));
  const results: JobResult[] = [];
  await Promise.all(shares.map((share) => new Promise<void>((resolve, reject) => {
    const w = new Worker(entry, { workerData: share });
    w.on("message", (m: { progress?: { property: string; done: number }; result?: JobResult }) => {
      if (m.progress) log(`  ${m.progress.property.slice(0, 3)} ${m.progress.done} cases…`);
      if (m.result) {
        results.push(m.result);
        const r = m.result;
        log(`${r.failure ? "FAIL" : "ok  "} ${r.property}: ${r.runs} cases in ${(r.ms / 1000).toFixed(1)} s (seed ${r.seed})`);
      }
    });
    w.on("error", reject);
    w.on("exit", () => resolve());
  })));
  const total = results.reduce((n, r) => n + r.stats.cases, 0);
  log("");
  log(`${results.reduce((n, r) => n + r.runs, 0)} cases passed their property's run count (${total} checked, out-of-scope ones included) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  for (const r of results) {
    const s = r.stats;
    const reasons = s.reasons.map(([k, v]) => `${v}× ${k}`).join("; ");
    log(`${r.property}: out of scope ${s.unsupported} unsupported, ${s.divisionByZero} division by zero, ${s.noSample} no valid sample`
      + (r.property.startsWith("(a)") ? `; ${s.illConditioned} near misses that passed at other points` : "")
      + (r.property.startsWith("(c)") ? `; merges: ${s.merged} reciprocal, ${s.sizeless} sizeless` : "")
      + (r.property.startsWith("(e)") ? `; largest size(result)/size(raw) ${s.worstGrowth.ratio.toFixed(2)}${s.worstGrowth.problem ? ` for ${commandLine(s.worstGrowth.problem)}` : ""}` : "")
      + (reasons ? `\n    (${reasons})` : ""));
  }
  const slowest = results.map((r) => r.stats.slowest).sort((a, b) => b.ms - a.ms)[0];
  if (slowest?.problem) log(`slowest input: ${slowest.ms.toFixed(0)} ms in ${slowest.property}: ${commandLine(slowest.problem)}`);
  const failures = results.filter((r) => r.failure);
  for (const f of failures) log(`\n${f.property} FAILED\n${f.failure}`);
  log(failures.length ? `\n${failures.length} propert${failures.length > 1 ? "ies" : "y"} failed (seed ${opts.seed})` : `\nno counterexample (seed ${opts.seed})`);
  return failures.length ? 1 : 0;
}

export const defaultWorkers = () => Math.max(1, Math.min(availableParallelism(), 4));
