/**
 * In-process timings over the test identities, and the CLI's wall time
 * against `node -e 0` measured in the same run (a ratio, so the machine's
 * speed cancels out). Run with `npm run bench`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { performance } from "node:perf_hooks";
import { analyze, type DifferentiateOptions } from "../src/api.js";
import { parse } from "../src/syntax/parse.js";
import { GRADIENT_CASES } from "../test/cases/gradients.js";
import { JACOBIAN_CASES } from "../test/cases/jacobians.js";
import { HESSIAN_CASES } from "../test/cases/hessians.js";

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const ms = (x: number) => `${x.toFixed(3)} ms`;

function timeIt(f: () => void, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    out.push(performance.now() - t0);
  }
  return out;
}

interface BenchCase {
  readonly id: string;
  readonly expr: string;
  readonly options: DifferentiateOptions;
}

const toCase = (c: { id: string; expr: string; wrt: string; let?: readonly string[]; where?: readonly string[]; symmetric?: "sym" | "cookbook" }, extra: Partial<DifferentiateOptions> = {}): BenchCase => ({
  id: c.id, expr: c.expr,
  options: { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], ...(c.symmetric ? { symmetric: c.symmetric } : {}), ...extra },
});

function timeSuite(name: string, cases: readonly BenchCase[]): number[] {
  const runnable = cases.filter((c) => { try { analyze(c.expr, c.options); return true; } catch { return false; } });
  const warm: number[] = [];
  const parseOnly: number[] = [];
  let slowest = { id: "", t: 0 };
  for (const c of runnable) {
    const t = median(timeIt(() => analyze(c.expr, c.options), 15));
    warm.push(t);
    parseOnly.push(median(timeIt(() => parse(c.expr), 15)));
    if (t > slowest.t) slowest = { id: c.id, t };
  }
  console.log(`${name}: ${runnable.length} cases (parse → shapes → differential → result → simplify)`);
  console.log(`  per case, warm: median ${ms(median(warm))}   p99 ${ms(quantile(warm, 0.99))}   (target: median < 0.2 ms)`);
  console.log(`  slowest: ${slowest.id} ${ms(slowest.t)}`);
  console.log(`  peer: parsing alone, median ${ms(median(parseOnly))}; the pipeline is ${(median(warm) / median(parseOnly)).toFixed(1)}× that`);
  return warm;
}

export function main(cli: string): void {
  const gradients = GRADIENT_CASES.map((c) => toCase(c));
  // first call per case: nothing of this expression is interned or cached yet
  const first = gradients.map((c) => timeIt(() => analyze(c.expr, c.options), 1)[0]!);
  timeSuite("gradients", gradients);
  console.log(`  per case, first call: median ${ms(median(first))}   p99 ${ms(quantile(first, 0.99))}`);
  const jacobians = timeSuite("Jacobians and derivatives by a scalar", JACOBIAN_CASES.map((c) => toCase(c)));
  const hessians = timeSuite("Hessians", HESSIAN_CASES.map((c) => toCase(c, { hessian: true })));
  const beyond = [...jacobians, ...hessians];
  console.log(`beyond gradients, all ${beyond.length} cases: median ${ms(median(beyond))}   p99 ${ms(quantile(beyond, 0.99))}   (target: median < 0.2 ms)`);

  // an answer key of 100 problems (steps, checks, KaTeX, inlined fonts), through the real CLI
  const dir = mkdtempSync(join(tmpdir(), "matdiff-bench-"));
  const problems = join(dir, "problems.yaml");
  writeFileSync(problems, stringify(GRADIENT_CASES.slice(0, 100).map((c) => ({
    title: c.id, expr: c.expr, wrt: c.wrt, ...(c.let ? { let: c.let } : {}), ...(c.where ? { where: c.where } : {}), ...(c.symmetric ? { symmetric: c.symmetric } : {}),
  }))));
  const keyTimes: number[] = [];
  for (const format of ["html", "md", "html"] as const) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, "key", problems, "-o", join(dir, `key.${format}`)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`matdiff key failed: ${r.stderr}`);
    if (format === "html") keyTimes.push(performance.now() - t0);
  }
  console.log(`answer key of 100 problems to self-contained HTML (steps, numeric checks, KaTeX, fonts): ${ms(Math.min(...keyTimes))} wall (target: under 2 s)`);

  // CLI wall time against a bare node start, interleaved so both see the same machine load
  const run = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    return performance.now() - t0;
  };
  const bare: number[] = [];
  const tool: number[] = [];
  for (let i = 0; i < 15; i++) {
    bare.push(run(["-e", "0"]));
    tool.push(run([cli, "tr(A^<-1>B)", "--wrt", "A"]));
  }
  const ratio = median(tool) / median(bare);
  console.log(`CLI: matdiff "tr(A^<-1>B)" --wrt A   median ${ms(median(tool))}`);
  console.log(`peer: node -e 0                       median ${ms(median(bare))}`);
  console.log(`  ratio ${ratio.toFixed(2)}× (target: under 1.6×)`);
}
