// Bundles bench/bench.ts (TypeScript, importing the sources, the test corpus
// and the playground's engine) with esbuild, then runs it against the built
// CLI. `npm run bench -- --quick` runs fewer repetitions.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const out = resolve("node_modules/.cache/matdiff-bench/bench.mjs");
mkdirSync(resolve("node_modules/.cache/matdiff-bench"), { recursive: true });
await build({
  entryPoints: ["bench/bench.ts"], outfile: out, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning",
  banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
});
const { main } = await import(pathToFileURL(out).href);
// the command as installed: package.json's bin
const { readFileSync } = await import("node:fs");
const bin = JSON.parse(readFileSync("package.json", "utf8")).bin.matdiff;
main(resolve(process.env.MATDIFF_BENCH_CLI ?? bin));
