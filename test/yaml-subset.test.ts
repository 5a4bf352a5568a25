/**
 * The YAML subset reader of problem sets (src/key/yaml-subset.ts) against the yaml package: wherever it
 * reads a set, it reads the same problems, errors and places; wherever it cannot, it says so (null) and the
 * package reads the set. Held on the committed sets, the bench's set of 100 problems, hand-written edge
 * cases and a few thousand mutations of them.
 */
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { readProblemSet, readYamlPackage, readYamlSubsetOnly } from "../src/key/problems.js";
import { readYamlSubset } from "../src/key/yaml-subset.js";
import { GRADIENT_CASES } from "./cases/gradients.js";

const BENCH_SET = stringify(GRADIENT_CASES.map((c) => ({
  title: c.id, expr: c.expr, wrt: c.wrt, ...(c.let ? { let: c.let } : {}), ...(c.where ? { where: c.where } : {}), ...(c.symmetric ? { symmetric: c.symmetric } : {}),
})));

/** Sets in the subset: read by it, the same as the package reads them. */
const IN_SUBSET: Record<string, string> = {
  examples: readFileSync("examples/problems.yaml", "utf8"),
  "the ML gallery": readFileSync("examples/ml.yaml", "utf8"),
  "the bench's set": BENCH_SET,
  "a document marker, comments, blank lines": "---\n# a set\n\n- title: One  # not a comment: no, this one is\n".replace("  # not a comment: no, this one is", "") + "  expr: x^T x\n  # between keys\n  wrt: x\n\n",
  "double-quoted LaTeX, its backslashes escaped": "- text: \"Find $\\\\nabla f$ for \\\"f\\\".\"\n  expr: \"\\\\|x\\\\|^2\"\n  wrt: x\n",
  "quoted values": "- title: 'It''s quoted'\n  expr: \"tr(A X)\"\n  wrt: 'X'\n",
  "flow maps and lists": "- expr: \\|y - Phi theta\\|^2\n  wrt: [theta]\n  let: { theta: vector, Phi: n x p }\n  where: { e: y - Phi theta }\n",
  "nested block maps and lists": "- expr: x^T A x\n  wrt: x\n  let:\n    A: symmetric\n    x: vector\n  where:\n  - s = A x\n",
  "a map with problems, at the key's column": "title: Set\nproblems:\n- expr: det(X)\n  wrt: X\n",
  "booleans and empty values": "- expr: x^T A x\n  wrt: x\n  hessian: true\n  text:\n- expr: tr(X)\n  wrt: X\n  hessian: False\n",
  "unknown keys, missing expr, a bad symmetric": "- expr: tr(A)\n- wrt: X\n  colour: red\n- expr: x\n  wrt: x\n  symmetric: yes\n",
  "Unicode and LaTeX": "- title: Σ and θ\n  text: The gradient of ‖y − Φθ‖² — with ∇.\n  expr: \\frac{1}{2}\\|y - \\Phi\\theta\\|^2 + \\lambda {\\theta}^T\\theta\n  wrt: θ\n",
  "a scalar list of lets": "- expr: x^T A x\n  wrt: x\n  let: A: symmetric\n".replace("let: A: symmetric", "let: A symmetric; x vector"),
  "a problem that is not a map": "- just text\n- expr: x\n  wrt: x\n",
  "a map without problems": "title: Set\nitems:\n- expr: x\n  wrt: x\n",
};

/** Sets outside it: the subset reader declines, and the package reads them as ever. */
const OUTSIDE: Record<string, string> = {
  "a block scalar": "- text: |\n    two\n    lines\n  expr: x\n  wrt: x\n",
  "a multi-line plain scalar": "- text: one\n    two\n  expr: x\n  wrt: x\n",
  "an anchor and an alias": "- &p\n  expr: x\n  wrt: x\n- *p\n",
  "a tag": "- expr: !!str 1\n  wrt: x\n",
  "a double-quoted value with an escape YAML has and the subset does not": "- expr: \"\\u00e9\"\n  wrt: x\n",
  "a comment after a value": "- expr: x^T x # the norm\n  wrt: x\n",
  "a number": "- expr: 2\n  wrt: x\n",
  "a float that prints otherwise": "- expr: x\n  wrt: 1.0\n",
  "null by name": "- expr: ~\n  wrt: x\n",
  "a duplicate key": "- expr: x\n  expr: y\n  wrt: x\n",
  "a tab": "- expr: x\n\twrt: x\n",
  "CRLF": "- expr: x\r\n  wrt: x\r\n",
  "a colon in a plain value": "- expr: a: b\n  wrt: x\n",
  "a quoted flow entry": "- expr: x\n  wrt: x\n  let: { \"A\": symmetric }\n",
  "a second document": "- expr: x\n  wrt: x\n---\n- expr: y\n  wrt: y\n",
  "a map value where a scalar belongs": "- expr: { a: b }\n  wrt: x\n",
  "bad indentation": "- expr: x\n   wrt: x\n",
};

describe("the YAML subset reader of problem sets", () => {
  it.each(Object.entries(IN_SUBSET))("reads %s as the yaml package does", (_name, source) => {
    const subset = readYamlSubsetOnly(source);
    expect(subset).not.toBeNull();
    expect(subset).toEqual(readYamlPackage(source));
  });

  it.each(Object.entries(OUTSIDE))("declines %s, which the yaml package reads", (_name, source) => {
    expect(readYamlSubsetOnly(source)).toBeNull();
    expect(readProblemSet(source, "p.yaml")).toEqual({ ...readYamlPackage(source), spelling: "yaml" });
  });

  it("reads the bench's set of 100 and more problems itself, with every problem's place", () => {
    const set = readYamlSubsetOnly(BENCH_SET)!;
    expect(set.problems.length).toBe(GRADIENT_CASES.length);
    expect(set.errors).toEqual([]);
    expect(set.problems[1]!.location).toEqual({ line: 4, column: 3 });
    expect(set.problems[1]!.exprLocation).toEqual({ line: 5, column: 9 });
  });

  it("never reads a mutated set otherwise than the yaml package: it reads it the same or declines (4,000 mutations)", () => {
    const pieces = [":", ": ", " #", "#", "'", "\"", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "!", "|", ">", "\t", "  ", "\n", "~", "1", "true", "\\", "%", "@", "?", " ", "x", "é"];
    const seeds = Object.values(IN_SUBSET);
    let state = 0x2545f491;
    const random = (n: number) => { state ^= state << 13; state ^= state >>> 17; state ^= state << 5; return (state >>> 0) % n; };
    let read = 0;
    for (let k = 0; k < 4000; k++) {
      let s = seeds[random(seeds.length)]!;
      for (let m = 1 + random(3); m > 0; m--) {
        const at = random(s.length + 1);
        s = random(4) === 0 ? s.slice(0, at) + s.slice(at + 1 + random(3)) : s.slice(0, at) + pieces[random(pieces.length)] + s.slice(at);
      }
      const subset = readYamlSubsetOnly(s);
      if (subset === null) continue;
      read++;
      expect({ source: s, read: subset }).toEqual({ source: s, read: readYamlPackage(s) });
    }
    // most mutations leave a set the subset still reads: the comparison is not vacuous
    expect(read).toBeGreaterThan(1000);
  }, 60_000);

  it("reads a set that names one problem a thousand times over through aliases without growing (the yaml package's tree is converted once per node)", () => {
    const chain = ["a0: &a0 { expr: x, wrt: x }"];
    for (let i = 1; i < 30; i++) chain.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}]`);
    const source = `${chain.join("\n")}\nproblems: *a29\n`;
    const t0 = performance.now();
    const set = readProblemSet(source, "p.yaml");
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(set.errors.length + set.problems.length).toBeGreaterThan(0);
  });
});
