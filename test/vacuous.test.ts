/**
 * No test passes by construction (issue 15, item 6): a matcher that every
 * value satisfies (toContain(""), toMatch(/.*\/), a length ≥ 0) or an
 * expectation about a literal asserts nothing. This reads every test file and
 * fails on one.
 *
 * The other way a test passes by construction is asserting nothing at all; a
 * run with `npx vitest run --expect.requireAssertions` (issue 15's closing
 * note) finds only the fast-check properties of test/properties.test.ts, which
 * fail by throwing a PropertyFailure (test/support/properties.ts) rather than
 * through expect().
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const VACUOUS: readonly [RegExp, string][] = [
  [/\.toContain\(\s*(""|''|``)\s*\)/, "toContain of the empty string holds for every string"],
  [/\.toMatch\(\s*(""|''|\/\.\*\/|\/\(\?:\)\/)\s*\)/, "toMatch of a pattern every string matches"],
  [/\.length\)\.toBeGreaterThanOrEqual\(0\)/, "a length is always ≥ 0"],
  [/expect\((true|false|null|undefined|-?\d+|"[^"]*")\)\./, "an expectation about a literal"],
];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? testFiles(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : []);
}

/** Every line of `text` that asserts nothing, with the reason. */
function vacuous(text: string): string[] {
  return text.split("\n").flatMap((line, i) => VACUOUS.filter(([re]) => re.test(line)).map(([, why]) => `${i + 1}: ${why}: ${line.trim()}`));
}

describe("no test passes by construction", () => {
  it("each pattern catches what it names, and lets a real assertion through", () => {
    const q = '"';
    expect(vacuous(`expect(s).toContain(${q}${q});`)).toHaveLength(1);
    expect(vacuous("expect(s).toMatch(/.*/);")).toHaveLength(1);
    expect(vacuous("expect(xs.length).toBeGreaterThanOrEqual(0);")).toHaveLength(1);
    expect(vacuous("expect(true).toBe(true);")).toHaveLength(1);
    expect(vacuous(`expect(s).toContain(${q}x${q}); expect(found).toBeGreaterThanOrEqual(0); expect(r.ok).toBe(true);`)).toEqual([]);
  });

  it("no test file holds a matcher that every value satisfies", () => {
    const here = join(import.meta.dirname, "vacuous.test.ts");
    const found = testFiles(import.meta.dirname).filter((f) => f !== here).flatMap((f) => vacuous(readFileSync(f, "utf8")).map((v) => `${f}:${v}`));
    expect(found).toEqual([]);
  });
});
