// Bundles with esbuild.
// - The CLI is one Node file (plus a chunk loaded only by `matdiff key`), so it
//   starts fast: the target is within 1.6× of `node -e 0`.
// - The library and the note-taking plugins are platform-neutral ESM: they run
//   in Node (VS Code, static-site builds) and in browsers (Joplin, bundlers).
//   KaTeX stays external there so a host has one copy.
import { build } from "esbuild";
import { rmSync, chmodSync, copyFileSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
await build({
  bundle: true, platform: "node", format: "esm", target: "node20", legalComments: "none", logLevel: "warning",
  entryPoints: { cli: "src/cli/bin.ts" },
  // smaller source compiles faster at every start; identifiers stay, so a bug's stack trace reads
  minifyWhitespace: true,
  minifySyntax: true,
  outdir: "dist",
  splitting: true,
  chunkNames: "chunks/cli-[name]-[hash]",
  // nearley and yaml's CommonJS parts call require(): give the Node bundle one
  banner: { js: 'import { createRequire as __matdiffCreateRequire } from "node:module"; const require = __matdiffCreateRequire(import.meta.url);' },
});
chmodSync("dist/cli.js", 0o755);

await build({
  bundle: true,
  platform: "neutral",
  mainFields: ["module", "main"],
  format: "esm",
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
  entryPoints: { index: "src/index.ts", "markdown-it": "src/plugins/markdown-it.ts", remark: "src/plugins/remark.ts" },
  outdir: "dist",
  splitting: true,
  chunkNames: "chunks/lib-[hash]",
  external: ["katex"],
});
copyFileSync("src/plugins/matdiff.css", "dist/matdiff.css");
