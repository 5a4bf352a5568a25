/**
 * The layering lint (issue 15, item 4): reads every import in src/ and rules/
 * and fails on an import circle and on an import that runs up the layers.
 *
 *   0  core/, syntax/, errors.ts, version.ts    the expression, the grammar
 *   1  rules/                                  the calculus as data, on core/ alone
 *   2  calculus/, simplify/, shapes/, numeric/, print/
 *   3  pipeline/, present/, formats.ts          one request: analyse, then present
 *   4  api.ts                                  the library entry
 *   5  cli/, key/, plugins/, emit/, index.ts   the surfaces
 *
 * An import may stay within its layer or go down; within a layer the imports
 * must still form no circle. Dynamic imports (`import("./key.js")`) and
 * type-only imports count like the others: a circle of types is still two
 * modules that cannot be read apart.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

const LAYERS: readonly (readonly [RegExp, number])[] = [
  [/^src\/(core|syntax)\//, 0],
  [/^src\/(errors|version)\.ts$/, 0],
  [/^rules\//, 1],
  [/^src\/(calculus|simplify|shapes|numeric|print)\//, 2],
  [/^src\/(pipeline|present)\//, 3],
  [/^src\/formats\.ts$/, 3],
  [/^src\/api\.ts$/, 4],
  [/^src\/(cli|key|plugins|emit)\//, 5],
  [/^src\/index\.ts$/, 5],
];

/**
 * Imports the lint lets through, each with its reason. Keep this short: a new
 * entry needs a reason a reviewer accepts.
 */
const ALLOWED: readonly { readonly from: string; readonly to: string; readonly why: string }[] = [
  {
    from: "src/core/operations.ts", to: "src/core/expr.ts",
    why: "type-only: an operation's differential and witness are typed by the expression it builds, and expr.ts reads the table to build fn nodes; erased at run time",
  },
];

function layerOf(file: string): number {
  for (const [re, layer] of LAYERS) if (re.test(file)) return layer;
  throw new Error(`${file} has no layer: add it to LAYERS in test/layers.test.ts`);
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
  });
}

interface Edge { readonly from: string; readonly to: string; readonly typeOnly: boolean }

/** Every relative import of a file, resolved to a file of the repository (`.js` names the `.ts` source). */
function importsOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const out: Edge[] = [];
  const patterns = [
    /\b(import|export)\s+(type\s+)?(?:[\w*{}\s,]+?\s+from\s+)?["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const spec = m.length > 2 ? m[3]! : m[1]!;
      if (!spec.startsWith(".")) continue;
      const target = relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, ".ts");
      if (!target.endsWith(".ts")) continue; // ../package.json
      out.push({ from: file, to: target, typeOnly: m.length > 2 && Boolean(m[2]) });
    }
  }
  return out;
}

const files = [...sources("src"), ...sources("rules")].sort();
const edges = files.flatMap(importsOf);
const allowed = (e: Edge) => ALLOWED.some((a) => a.from === e.from && a.to === e.to);

/** The import circles: strongly connected components with more than one file (Tarjan). */
function circles(nodes: readonly string[], graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of nodes) if (!idx.has(v)) visit(v);
  return out;
}

describe("layers", () => {
  it("reads the imports of every source file", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(edges.length).toBeGreaterThan(200);
    // the reader sees each form of import: a named one, a type-only one, a re-export and a dynamic one
    expect(edges).toContainEqual({ from: "src/api.ts", to: "src/pipeline/analyse.ts", typeOnly: false });
    expect(edges).toContainEqual({ from: "src/cli/pool.ts", to: "src/key/problems.ts", typeOnly: true });
    expect(edges).toContainEqual({ from: "src/cli/main.ts", to: "src/cli/key.ts", typeOnly: false });
    for (const e of edges) expect(files, `${e.from} imports ${e.to}, which does not exist`).toContain(e.to);
  });

  it("every file has a layer", () => {
    for (const f of files) expect(() => layerOf(f)).not.toThrow();
  });

  it("no import runs up the layers", () => {
    const upward = edges.filter((e) => layerOf(e.to) > layerOf(e.from) && !allowed(e))
      .map((e) => `${e.from} (layer ${layerOf(e.from)}) imports ${e.to} (layer ${layerOf(e.to)})`);
    expect(upward).toEqual([]);
  });

  it("no import circle", () => {
    const graph = new Map<string, string[]>();
    for (const e of edges) if (!allowed(e)) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
    expect(circles(files, graph)).toEqual([]);
  });

  it("rules/ rests on core/ alone (issue 15, item 3)", () => {
    const outside = edges.filter((e) => e.from.startsWith("rules/") && !e.to.startsWith("rules/") && !e.to.startsWith("src/core/"))
      .map((e) => `${e.from} imports ${e.to}`);
    expect(outside).toEqual([]);
  });

  it("the allow-list is used and type-only", () => {
    for (const a of ALLOWED) {
      const hits = edges.filter((e) => e.from === a.from && e.to === a.to);
      expect(hits.length, `${a.from} → ${a.to} is allowed but no longer imported: drop it`).toBeGreaterThan(0);
      expect(hits.every((e) => e.typeOnly), `${a.from} → ${a.to} is allowed as type-only`).toBe(true);
    }
  });

  it("the lint finds a circle and an upward import when there is one", () => {
    // a negative test: the checks are not vacuous
    const graph = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
    expect(circles(["a", "b", "c", "d"], graph)).toEqual([["a", "b", "c"]]);
    expect(layerOf("src/core/expr.ts")).toBeLessThan(layerOf("src/print/text.ts"));
    expect(layerOf("rules/differentials.ts")).toBeLessThan(layerOf("src/calculus/differential.ts"));
  });
});
