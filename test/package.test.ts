/**
 * matdiff installs without a registry: `npm pack` makes a tarball that
 * installs into an empty project with npm offline and an empty cache (so
 * nothing comes from a registry or from this machine's cache), and there
 * `npx matdiff`, `import { differentiate } from "matdiff"`, `matdiff/markdown-it`,
 * `matdiff/remark`, the stylesheets and the published types all work.
 * Oracle for the gradient: Matrix Cookbook (2012) eq. (63) with A = I,
 * ∇_A tr(A⁻¹B) = −A⁻ᵀBᵀA⁻ᵀ.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string; dependencies: Record<string, string>; devDependencies: Record<string, string>; bundleDependencies: string[];
};
const TARBALL = `matdiff-${pkg.version}.tgz`;

/** npm with no registry to reach: offline, with a cache of its own that starts empty. */
function npm(args: string[], cwd: string, cache: string): string {
  return execFileSync("npm", [...args, "--offline", "--cache", cache, "--no-audit", "--no-fund", "--loglevel", "error"], {
    cwd, encoding: "utf8", env: { ...process.env, npm_config_registry: "http://127.0.0.1:9/" },
  });
}

describe("the npm tarball, installed into an empty project without a registry", () => {
  let dir: string;
  let project: string;
  let cache: string;
  let files: string[];

  beforeAll(() => {
    expect(existsSync(join(ROOT, "dist/cli.js")), "run npm run build first").toBe(true);
    dir = mkdtempSync(join(tmpdir(), "matdiff-pack-"));
    cache = join(dir, "npm-cache");
    project = join(dir, "project");
    mkdirSync(project);
    // the suite has just built dist/; the tarball takes it as it is
    const packed = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", dir, ROOT], dir, cache)) as { filename: string; files: { path: string }[] }[];
    expect(packed[0]!.filename).toBe(TARBALL);
    files = packed[0]!.files.map((f) => f.path);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    npm(["install", `../${TARBALL}`], project, cache);
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("holds the built package and KaTeX, and nothing of the sources or tests", () => {
    for (const f of ["package.json", "README.md", "LICENSE", "dist/cli.cjs", "dist/cli.js", "dist/cli/main.cjs", "dist/cli/key.cjs", "dist/index.js", "dist/markdown-it.js", "dist/remark.js", "dist/matdiff.css",
      "dist/types/src/index.d.ts", "node_modules/katex/package.json", "node_modules/katex/dist/katex.min.css"]) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|grammar|rules|scripts|obsidian|examples|playground|bench)\//.test(f))).toEqual([]);
  });

  it("has KaTeX as its only dependency, bundled: everything else is inside dist/", () => {
    // the esbuild bundles import nothing but Node's modules and KaTeX (kept external so a host has one copy)
    expect(Object.keys(pkg.dependencies)).toEqual(["katex"]);
    expect(pkg.bundleDependencies).toEqual(["katex"]);
    for (const bundled of ["moo", "nearley", "ts-pattern", "yaml"]) expect(pkg.devDependencies[bundled], bundled).toBeDefined();
    const installed = JSON.parse(npm(["ls", "--all", "--json"], project, cache)) as { problems?: string[] };
    expect(installed.problems ?? []).toEqual([]);
  });

  it("npx matdiff runs the command line", () => {
    const out = execFileSync("npx", ["--offline", "matdiff", "tr(A^<-1>B)", "--wrt", "A"], { cwd: project, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(out).toContain("∇_A f = −A⁻ᵀBᵀA⁻ᵀ");
  });

  it("the library and both plugins import and work", () => {
    writeFileSync(join(project, "use.mjs"), `
      import { differentiate } from "matdiff";
      import matdiffMarkdownIt, { renderBlock } from "matdiff/markdown-it";
      import remarkMatdiff from "matdiff/remark";
      import { createRequire } from "node:module";
      const require = createRequire(import.meta.url);
      const tree = { type: "root", children: [{ type: "code", lang: "matdiff", meta: null, value: "det(X) wrt X" }] };
      remarkMatdiff()(tree);
      console.log(JSON.stringify({
        gradient: differentiate("tr(A^{-1} B)", { wrt: "A" }).derivative.text,
        plugin: typeof matdiffMarkdownIt,
        html: renderBlock("x^T A x wrt x\\nlet A: symmetric"),
        remark: tree.children[0].children[0].value,
        css: require.resolve("matdiff/matdiff.css"),
        katexCss: createRequire(require.resolve("matdiff/markdown-it")).resolve("katex/dist/katex.min.css"),
      }));
    `);
    const r = JSON.parse(execFileSync(process.execPath, ["use.mjs"], { cwd: project, encoding: "utf8" })) as Record<string, string>;
    expect(r.gradient).toBe("−A⁻ᵀBᵀA⁻ᵀ");
    expect(r.plugin).toBe("function");
    expect(r.html).toMatch(/^<div class="matdiff" data-kind="gradient">/);
    expect(r.html).toContain('<span class="katex-display">');
    expect(r.html).toContain("\\nabla_{x} f &amp;= 2 A x");
    expect(r.remark).toContain("\\nabla_{X} f &= \\det(X) X^{-\\top}");
    expect(r.css).toBe(join(project, "node_modules/matdiff/dist/matdiff.css"));
    expect(r.katexCss).toBe(join(project, "node_modules/matdiff/node_modules/katex/dist/katex.min.css"));
  });

  it("its types compile in a TypeScript consumer", () => {
    writeFileSync(join(project, "use.ts"), [
      'import { differentiate, MatdiffError, type DifferentiateResult } from "matdiff";',
      'import matdiffMarkdownIt, { renderBlock } from "matdiff/markdown-it";',
      'import remarkMatdiff from "matdiff/remark";',
      'const r: DifferentiateResult = differentiate("tr(A)", { wrt: "A", let: ["A: symmetric"] });',
      'const kind: "gradient" | "derivative" | "jacobian" | "hessian" = r.kind;',
      'export const all = [kind, r.derivative.latex.length, MatdiffError.name, typeof matdiffMarkdownIt, renderBlock("x wrt x"), remarkMatdiff({ steps: true })];',
    ].join("\n"));
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    // tsc reports on standard output: a failure shows its messages
    const compiled = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "use.ts"], { cwd: project, encoding: "utf8" });
    expect(compiled.stdout + compiled.stderr).toBe("");
    expect(compiled.status).toBe(0);
  }, 30_000);
});
