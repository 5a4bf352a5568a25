// Bundles with esbuild.
// - The command: dist/cli.js is a small start-up file (src/cli/launch.ts)
//   that loads CommonJS bundles of the command through V8's code cache:
//   dist/cli/main.cjs for differentiation, dist/cli/key.cjs only for
//   `matdiff key`. The target is within 1.3× of `node -e 0`.
// - The library and the note-taking plugins are platform-neutral ESM: they run
//   in Node (VS Code, static-site builds) and in browsers (Joplin, bundlers).
//   KaTeX stays external there so a host has one copy.
import { build } from "esbuild";
import { rmSync, chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist", { recursive: true });
// No static import here: an ES module importing one of Node's modules builds that module's whole facade
// (node:fs's loads the streams), some 10–20 ms of a 60 ms start. CommonJS require() does not.
// The bin is CommonJS (dist/cli.cjs): an ES module entry costs Node's ESM loader, some 5 ms of a start;
// dist/cli.js does the same for those who run that file.
writeFileSync("dist/cli.cjs", `#!/usr/bin/env node
// matdiff's command: src/cli/launch.ts (dist/cli/launch.cjs) loads the command's bundles through V8's code cache
"use strict";
require("./cli/launch.cjs").start(__filename);
`);
writeFileSync("dist/cli.js", `#!/usr/bin/env node
// matdiff's command, as an ES module (the bin is dist/cli.cjs): src/cli/launch.ts does the work
const { createRequire } = process.getBuiltinModule?.("node:module") ?? await import("node:module");
createRequire(import.meta.url)("./cli/launch.cjs").start(import.meta.url);
`);
chmodSync("dist/cli.cjs", 0o755);
chmodSync("dist/cli.js", 0o755);

/** The key subcommand is its own bundle: main.cjs reaches it as require("./key.cjs") (launch.ts). */
const keyApart = {
  name: "key-apart",
  setup(b) {
    b.onResolve({ filter: /^\.\/key\.js$/ }, (args) => (/[\\/]cli[\\/]main\.ts$/.test(args.importer) ? { path: "key", namespace: "key-apart" } : undefined));
    // a require, not an import(): a script compiled by vm has no dynamic import
    b.onLoad({ filter: /.*/, namespace: "key-apart" }, () => ({ contents: 'module.exports = require("./key.cjs");', loader: "js" }));
    b.onResolve({ filter: /^\.\/key\.cjs$/ }, () => ({ path: "./key.cjs", external: true }));
  },
};
/**
 * KaTeX is a bundle of its own too, dist/cli/katex.cjs, loaded at its first use: an HTML key typesets on a
 * thread of its own (src/cli/typesetter.ts), and the key's thread, which loaded and initialised all of
 * KaTeX at its start, now needs it only for math in a problem's prose. Through the command's loader, so
 * its compiled code is in the code cache (src/cli/launch.ts).
 */
const katexApart = {
  name: "katex-apart",
  setup(b) {
    b.onResolve({ filter: /^katex$/ }, (args) => (args.kind === "entry-point" ? undefined : { path: "katex", namespace: "katex-apart" }));
    b.onLoad({ filter: /.*/, namespace: "katex-apart" }, () => ({
      // what `import katex from "katex"` gets in a Node bundle: module.exports itself
      contents: 'let katex; module.exports = { renderToString: (...args) => (katex ??= require("./katex.cjs")).renderToString(...args) };',
      loader: "js",
    }));
    b.onResolve({ filter: /^\.\/katex\.cjs$/ }, () => ({ path: "./katex.cjs", external: true }));
  },
};
/** src/version.ts reads package.json for its version alone: the bundles hold that, not the whole file as an object. */
/**
 * The yaml package, too (115 KB, a fifth of the key's bundle), is a bundle of its own, dist/cli/yaml.cjs, loaded
 * only for a problem set outside the YAML subset src/key/yaml-subset.ts reads itself.
 */
const yamlApart = {
  name: "yaml-apart",
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, (args) => (args.kind === "entry-point" ? undefined : { path: "yaml", namespace: "yaml-apart" }));
    b.onLoad({ filter: /.*/, namespace: "yaml-apart" }, () => ({
      // the names src/key/problems.ts imports, each loading the package at its first call
      contents: 'let yaml; const load = () => (yaml ??= require("./yaml.cjs"));\n'
        + "module.exports = Object.fromEntries(['parseDocument', 'isAlias', 'isMap', 'isSeq', 'isScalar'].map((name) => [name, (...args) => load()[name](...args)]));",
      loader: "js",
    }));
    b.onResolve({ filter: /^\.\/yaml\.cjs$/ }, () => ({ path: "./yaml.cjs", external: true }));
  },
};
const versionOnly = {
  name: "version-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/package\.json$/ }, (args) => (/[\\/]src[\\/]version\.ts$/.test(args.importer) ? { path: "version", namespace: "version-only" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "version-only" }, () => ({
      contents: JSON.stringify({ version: JSON.parse(readFileSync("package.json", "utf8")).version }), loader: "json",
    }));
  },
};
await build({
  bundle: true, platform: "node", format: "cjs", target: "node20", legalComments: "none", logLevel: "warning",
  entryPoints: { launch: "src/cli/launch.ts", main: "src/cli/bin.ts", key: "src/cli/key.ts", typeset: "src/cli/typeset-thread.ts", katex: "katex", yaml: "yaml" },
  outdir: "dist/cli",
  outExtension: { ".js": ".cjs" },
  // Minified identifiers too: every start reads the whole source into memory twice (a buffer, then a string), and
  // on the bench's machine each fresh page of memory costs some 20 µs: 100 KB less source and code cache was
  // 2 ms (120 fewer page faults) of a 30 ms start, paired. A bug's stack trace then names minified functions:
  // MATDIFF_READABLE_BUILD=1 npm run build keeps the names, for reading one (the command line reproduces it).
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: process.env.MATDIFF_READABLE_BUILD !== "1",
  plugins: [keyApart, katexApart, yamlApart, versionOnly],
  // CommonJS has no import.meta: key.ts finds KaTeX's stylesheet from its own file. A getter, asked only where
  // it is used (the key, the launcher's rare paths), not node:url's conversion at every bundle's start
  define: { "import.meta.url": "__matdiffMeta.url" },
  banner: { js: 'var __matdiffMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };' },
});

// The command's bundles in ASCII. esbuild escapes strings but not regular expression literals (the lexer's
// ⁰¹²³, 𝟏, ∂), and one such character makes V8 hold the whole 400 KB source as two-byte text, decoded from
// UTF-8 at every start. \uXXXX means the same character in a string, a template, an identifier and a
// regular expression (a surrogate pair is one character under the u flag, two code units without it, as
// the literal was); the String.raw templates among them only spell regular expressions (src/syntax/question.ts).
//
// Each is also written inside the function Node wraps a CommonJS file in, so that src/cli/launch.ts compiles the
// file's text as it is: wrapping it there made a second copy of half a megabyte at every start (1.4 ms). The file
// stays a module Node can require: then it calls that function with the module's own variables; compiled as a
// script, where there are none, its value is the function.
// `this` tells the two apart: a script's is the global object (where -e and a worker's eval have put a module and
// exports of their own), a module's is its exports
const WRAP_OPEN = "(F => this === globalThis ? F : F(exports, require, module, __filename, __dirname))(function (exports, require, module, __filename, __dirname) {";
const WRAP_CLOSE = "\n})";
for (const name of ["main", "key", "typeset", "katex", "yaml"]) {
  const file = `dist/cli/${name}.cjs`;
  const source = readFileSync(file, "utf8");
  // src/cli/launch.ts reads them as latin1, which is right only for ASCII
  const ascii = source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  writeFileSync(file, `${WRAP_OPEN}${ascii}${WRAP_CLOSE}`);
}

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
  plugins: [versionOnly],
});
copyFileSync("src/plugins/matdiff.css", "dist/matdiff.css");
