// Bundles the library and the CLI with esbuild. The CLI is one file so it
// starts fast (target: within 1.6× of `node -e 0`).
import { build } from "esbuild";
import { rmSync, chmodSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
const common = { bundle: true, platform: "node", format: "esm", target: "node20", legalComments: "none", logLevel: "warning" };
await build({
  ...common,
  entryPoints: { index: "src/index.ts", cli: "src/cli/bin.ts" },
  outdir: "dist",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  // nearley is CommonJS: give the ESM bundle a require() for it
  banner: { js: 'import { createRequire as __matdiffCreateRequire } from "node:module"; const require = __matdiffCreateRequire(import.meta.url);' },
});
chmodSync("dist/cli.js", 0o755);
