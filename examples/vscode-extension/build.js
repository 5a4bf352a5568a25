// Bundles extension.js (with matdiff and KaTeX) into one CommonJS file and
// copies the preview's styles: KaTeX's CSS with its fonts, and matdiff.css.
import { build } from "esbuild";
import { cpSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const here = import.meta.dirname;
const require = createRequire(join(here, "package.json"));
const out = join(here, "dist");
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, "extension.js")],
  outfile: join(out, "extension.cjs"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node18",
  external: ["vscode"],
  minify: true,
  logLevel: "warning",
});

const katexDist = dirname(createRequire(require.resolve("matdiff/markdown-it")).resolve("katex/dist/katex.min.css"));
cpSync(join(katexDist, "katex.min.css"), join(out, "katex.min.css"));
cpSync(join(katexDist, "fonts"), join(out, "fonts"), { recursive: true, filter: (f) => !/\.(ttf|woff)$/.test(f) });
cpSync(require.resolve("matdiff/matdiff.css"), join(out, "matdiff.css"));
