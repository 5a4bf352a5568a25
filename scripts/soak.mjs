// `npm run soak`: one process, many library calls (issue 19 item 8). Bundles
// test/support/soak.ts with esbuild (as scripts/fuzz.mjs does), runs it, and
// reports the memory after a warm-up and at the end; exit 1 unless it stayed
// flat (within 20%), so an editor preview or the playground can run for days.
//
//   npm run soak                        100,000 calls
//   npm run soak -- --calls 20000
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { calls: { type: "string", default: "100000" } } });
const calls = Number(values.calls);
if (!Number.isInteger(calls) || calls < 1) {
  console.error("usage: npm run soak -- [--calls N]");
  process.exit(2);
}
const out = resolve("node_modules/.cache/matdiff-soak/soak.mjs");
mkdirSync(resolve("node_modules/.cache/matdiff-soak"), { recursive: true });
await build({
  entryPoints: ["test/support/soak.ts"], outfile: out, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning",
  banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
});
const { soak } = await import(pathToFileURL(out).href);
const report = await soak(calls, (line) => console.log(line));
console.log(JSON.stringify(report));
process.exitCode = report.flat ? 0 : 1;
