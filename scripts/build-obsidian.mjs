// Builds the Obsidian plugin into obsidian/dist/matdiff/, the folder a user
// copies into their vault's .obsidian/plugins/: main.js (CommonJS, as
// Obsidian loads plugins; `obsidian` is the app's own module), manifest.json,
// and styles.css (matdiff's layout, then Obsidian's theme variables).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const out = join(root, "obsidian/dist/matdiff");
const manifest = JSON.parse(readFileSync(join(root, "obsidian/manifest.json"), "utf8"));
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
if (manifest.version !== version) throw new Error(`obsidian/manifest.json has version ${manifest.version}, package.json ${version}: keep them equal`);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, "obsidian/src/main.ts")],
  outfile: join(out, "main.js"),
  bundle: true,
  format: "cjs",
  platform: "browser",
  // Obsidian 1.0's Electron runs ES2021
  target: "es2021",
  external: ["obsidian", "electron", "@codemirror/*", "@lezer/*"],
  // identifiers stay, so a bug's stack trace reads
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
  banner: { js: `/* matdiff ${version} for Obsidian: built from the matdiff repository by npm run build:obsidian */` },
});
copyFileSync(join(root, "obsidian/manifest.json"), join(out, "manifest.json"));
writeFileSync(join(out, "styles.css"), `${readFileSync(join(root, "src/plugins/matdiff.css"), "utf8")}\n${readFileSync(join(root, "obsidian/styles.css"), "utf8")}`);

for (const f of ["main.js", "manifest.json", "styles.css"]) console.log(`  obsidian/dist/matdiff/${f}  ${(statSync(join(out, f)).size / 1024).toFixed(1)} KB`);
console.log("copy obsidian/dist/matdiff/ into <vault>/.obsidian/plugins/ and enable matdiff under Settings → Community plugins");
