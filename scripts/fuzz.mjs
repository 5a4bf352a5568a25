// `npm run fuzz`: the property campaign of issue 5. Bundles test/support/fuzz.ts
// (TypeScript, importing the sources and the test helpers) with esbuild, then
// runs it; the bundle is also each worker thread's entry.
//
//   npm run fuzz                                  100,000 cases, random seed
//   npm run fuzz -- --runs 20000 --seed 42        fewer cases, a given seed
//   npm run fuzz -- --property "(c)"              one property
//   npm run fuzz -- --property "(a)" --seed=S --path P   replay a failure (=: a seed may be negative)
//   npm run fuzz -- --workers 1
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "100000" },
    seed: { type: "string" },
    workers: { type: "string" },
    property: { type: "string" },
    path: { type: "string" },
  },
});

const out = resolve("node_modules/.cache/matdiff-fuzz/fuzz.mjs");
mkdirSync(resolve("node_modules/.cache/matdiff-fuzz"), { recursive: true });
await build({
  entryPoints: ["test/support/fuzz.ts"], outfile: out, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning",
  banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
});
const { fuzz, defaultWorkers } = await import(pathToFileURL(out).href);

const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const opts = {
  runs: Number(values.runs), seed, workers: values.workers !== undefined ? Number(values.workers) : defaultWorkers(),
  ...(values.property ? { property: values.property } : {}), ...(values.path ? { path: values.path } : {}),
};
if (!Number.isInteger(opts.runs) || opts.runs < 1 || !Number.isInteger(seed) || !Number.isInteger(opts.workers) || opts.workers < 1) {
  console.error("usage: npm run fuzz -- [--runs N] [--seed S] [--workers W] [--property NAME] [--path P]");
  process.exit(2);
}
process.exitCode = await fuzz(opts, out, (line) => console.log(line));
