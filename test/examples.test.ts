/**
 * The example integrations build from the repository as their READMEs say,
 * with their own installed tools (`npm ci` in each example folder, which
 * .ci/run does) and matdiff linked from this repository (`file:../..`):
 * - VS Code: `npm run package` writes a .vsix non-interactively; its files are
 *   the bundle, the styles, README, LICENSE, icon and manifest, and the
 *   bundled extension's `extendMarkdownIt` renders a block;
 * - Joplin: `npm run dist` writes the .jpl; the plugin registers its content
 *   script, which renders a block and names assets that are in the archive.
 * Oracle for the results: the library's `differentiate`, which the gradient
 * suites check against the Matrix Cookbook and finite differences.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runInNewContext } from "node:vm";
import MarkdownIt from "markdown-it";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { differentiate } from "../src/index.js";

const ROOT = resolve(import.meta.dirname, "..");
const fence = (body: string) => `\`\`\`matdiff\n${body}\n\`\`\`\n`;
const KATEX_FONTS = readdirSync(join(ROOT, "node_modules/katex/dist/fonts")).filter((f) => f.endsWith(".woff2")).sort();

/** The example's own tools are installed and its matdiff is this repository. */
function ready(example: string, tool: string): string {
  const dir = join(ROOT, "examples", example);
  expect(existsSync(join(dir, "node_modules", tool, "package.json")), `${tool} is missing: run npm ci in examples/${example} (.ci/run does)`).toBe(true);
  expect(realpathSync(join(dir, "node_modules/matdiff")), "matdiff should come from this repository (file:../..)").toBe(ROOT);
  expect(existsSync(join(ROOT, "dist/markdown-it.js")), "run npm run build first").toBe(true);
  return dir;
}

/** Runs an npm script with no terminal: a question would end it with an error, not wait. */
function npmRun(dir: string, script: string, ...args: string[]): string {
  return execFileSync("npm", ["run", "--silent", script, ...(args.length ? ["--", ...args] : [])], {
    cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000,
  });
}

type Md = InstanceType<typeof MarkdownIt>;

/** The parts of yauzl (vsce's zip reader) and tar (the Joplin build's) that the tests use. */
interface ZipEntry { readonly fileName: string }
interface ZipFile {
  on(event: "entry", f: (e: ZipEntry) => void): void;
  on(event: "end", f: () => void): void;
  readEntry(): void;
  openReadStream(e: ZipEntry, cb: (err: Error | null, stream?: NodeJS.ReadableStream) => void): void;
}
interface Yauzl { open(path: string, options: { lazyEntries: boolean }, cb: (err: Error | null, zip?: ZipFile) => void): void }
interface Tar { extract(options: { file: string; cwd: string }): Promise<void> }

describe("the VS Code extension", () => {
  let dir: string;
  let out: string;
  let entries: Map<string, Buffer>;

  beforeAll(async () => {
    dir = ready("vscode-extension", "@vscode/vsce");
    out = mkdtempSync(join(tmpdir(), "matdiff-vsix-"));
    const log = npmRun(dir, "package", "--out", join(out, "extension.vsix"));
    expect(log).toContain("Packaged:");
    expect(log).not.toMatch(/WARNING|ERROR/);
    // a .vsix is a zip archive; yauzl (vsce's own reader) lists it
    const yauzl = createRequire(join(dir, "node_modules/@vscode/vsce/package.json"))("yauzl") as Yauzl;
    entries = await new Promise((ok, fail) => {
      const files = new Map<string, Buffer>();
      yauzl.open(join(out, "extension.vsix"), { lazyEntries: true }, (err, zip) => {
        if (err || !zip) return fail(err);
        zip.on("entry", (e) => zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return fail(err2);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => { chunks.push(c); });
          stream.on("end", () => { files.set(e.fileName, Buffer.concat(chunks)); zip.readEntry(); });
        }));
        zip.on("end", () => ok(files));
        zip.readEntry();
      });
    });
  }, 180_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("packs the bundle, the preview's styles, README, LICENSE and icon: no sources, no node_modules", () => {
    expect([...entries.keys()].sort()).toEqual([
      "[Content_Types].xml", "extension.vsixmanifest",
      "extension/LICENSE.txt", "extension/dist/extension.cjs", ...KATEX_FONTS.map((f) => `extension/dist/fonts/${f}`),
      "extension/dist/katex.min.css", "extension/dist/matdiff.css", "extension/icon.png", "extension/package.json", "extension/readme.md",
    ].sort());
    expect(entries.get("extension/LICENSE.txt")!.toString()).toBe(readFileSync(join(ROOT, "LICENSE"), "utf8"));
    expect(entries.get("extension/icon.png")!.subarray(1, 4).toString()).toBe("PNG");
    const manifest = JSON.parse(entries.get("extension/package.json")!.toString()) as Record<string, unknown>;
    expect(manifest).toMatchObject({ main: "./dist/extension.cjs", activationEvents: ["onLanguage:markdown"], license: "MIT", icon: "icon.png" });
    expect(manifest.devDependencies).toMatchObject({ matdiff: "file:../.." });
  });

  it("its bundled extendMarkdownIt renders a block in the preview's markdown-it", () => {
    const ext = join(out, "unpacked");
    mkdirSync(join(ext, "dist"), { recursive: true });
    for (const f of ["package.json", "dist/extension.cjs"]) writeFileSync(join(ext, f), entries.get(`extension/${f}`)!);
    // VS Code require()s the main file and hands extendMarkdownIt the preview's instance
    const extension = createRequire(join(ext, "package.json"))("./dist/extension.cjs") as { activate(): { extendMarkdownIt(md: Md): Md } };
    const html = extension.activate().extendMarkdownIt(new MarkdownIt()).render(fence("tr(A^{-1}B) wrt A"));
    expect(html).toMatch(/^<div class="matdiff" data-kind="gradient">/);
    // Matrix Cookbook (2012) eq. (63) with A = I: ∇_A tr(A⁻¹B) = −A⁻ᵀBᵀA⁻ᵀ
    expect(html).toContain(`\\nabla_{A} f &amp;= ${differentiate("tr(A^{-1}B)", { wrt: "A" }).derivative.latex}`);
    expect(html).toContain('<span class="katex-display">');
  });
});

describe("the Joplin plugin", () => {
  let dir: string;
  let out: string;
  let files: string[];

  beforeAll(async () => {
    dir = ready("joplin-plugin", "tar");
    const log = npmRun(dir, "dist");
    expect(log.trim()).toMatch(/^publish\/org\.matdiff\.joplin\.jpl: \d+ files$/);
    out = mkdtempSync(join(tmpdir(), "matdiff-jpl-"));
    const tar = createRequire(join(dir, "package.json"))("tar") as Tar;
    await tar.extract({ file: join(dir, "publish/org.matdiff.joplin.jpl"), cwd: out });
    files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(out.length + 1)).sort();
  }, 120_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("the .jpl holds the plugin, its content script, the manifest and the assets", () => {
    expect(files).toEqual(["index.js", ...KATEX_FONTS.map((f) => `katex/fonts/${f}`), "katex/katex.min.css", "manifest.json", "markdownItPlugin.js", "matdiff.css"].sort());
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({ manifest_version: 1, id: "org.matdiff.joplin", version: "0.1.0" });
  });

  it("the plugin registers the content script when Joplin starts it", async () => {
    const calls: unknown[][] = [];
    let onStart: (() => Promise<void>) | undefined;
    const joplin = {
      plugins: { register: (s: { onStart(): Promise<void> }) => { onStart = s.onStart; } },
      contentScripts: { register: async (...args: unknown[]) => { calls.push(args); } },
    };
    runInNewContext(readFileSync(join(out, "index.js"), "utf8"), { joplin, module: { exports: {} }, exports: {}, require: () => { throw new Error("the plugin needs no module"); } });
    await onStart!();
    expect(calls).toEqual([["markdownItPlugin", "matdiff", "./markdownItPlugin.js"]]);
  });

  it("the content script renders a block, and its assets are in the archive", () => {
    const script = (createRequire(join(out, "index.js"))("./markdownItPlugin.js") as { default: (context: object) => { plugin(md: Md, options: object): void; assets(): { name: string }[] } }).default;
    const contentScript = script({ contentScriptId: "matdiff", pluginId: "org.matdiff.joplin" });
    const md = new MarkdownIt();
    contentScript.plugin(md, {});
    const html = md.render(fence("det(X) wrt X"));
    // Matrix Cookbook (2012) eq. (49): ∂det(X)/∂X = det(X)X⁻ᵀ
    expect(html).toContain(`\\nabla_{X} f &amp;= ${differentiate("det(X)", { wrt: "X" }).derivative.latex}`);
    for (const asset of contentScript.assets()) expect(files, asset.name).toContain(asset.name);
  });
});
