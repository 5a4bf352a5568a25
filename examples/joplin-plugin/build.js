// Builds the plugin as Joplin's generator does (`npm run dist`), with esbuild
// in place of webpack: dist/ gets index.js (the plugin), markdownItPlugin.js
// (the content script, CommonJS with the function as `exports.default`),
// manifest.json and the stylesheets the content script names as assets
// (matdiff.css, KaTeX's CSS and fonts); publish/<id>.jpl is dist/ as a tar archive.
import { build } from "esbuild";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { create } from "tar";

const here = import.meta.dirname;
const require = createRequire(join(here, "package.json"));
const dist = join(here, "dist");
const publish = join(here, "publish");
const manifest = JSON.parse(readFileSync(join(here, "src/manifest.json"), "utf8"));
rmSync(dist, { recursive: true, force: true });
rmSync(publish, { recursive: true, force: true });
mkdirSync(publish, { recursive: true });

const common = { bundle: true, platform: "node", format: "cjs", target: "node18", minify: true, legalComments: "none", logLevel: "warning", alias: { api: join(here, "api") } };
await build({ ...common, entryPoints: [join(here, "src/index.ts")], outfile: join(dist, "index.js") });
await build({ ...common, entryPoints: [join(here, "src/markdownItPlugin.js")], outfile: join(dist, "markdownItPlugin.js") });

cpSync(join(here, "src/manifest.json"), join(dist, "manifest.json"));
cpSync(require.resolve("matdiff/matdiff.css"), join(dist, "matdiff.css"));
const katexDist = dirname(createRequire(require.resolve("matdiff/markdown-it")).resolve("katex/dist/katex.min.css"));
cpSync(join(katexDist, "katex.min.css"), join(dist, "katex/katex.min.css"));
cpSync(join(katexDist, "fonts"), join(dist, "katex/fonts"), { recursive: true, filter: (f) => !/\.(ttf|woff)$/.test(f) });

const files = readdirSync(dist, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dist.length + 1)).sort();
const jpl = join(publish, `${manifest.id}.jpl`);
await create({ strict: true, portable: true, file: jpl, cwd: dist }, files);
console.log(`${jpl.slice(here.length + 1)}: ${files.length} files`);
