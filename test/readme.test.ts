/**
 * README.md is tested as written: every `$ npx matdiff …` command in its
 * console blocks runs through `main()`, and every output line the README
 * shows under it must appear, in order, in the real output (the README may
 * leave lines out, and the relative error of a check varies with the
 * platform's rounding). The library example runs too, and each value in its
 * comments is compared with what the call returns.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EXIT } from "../src/cli/main.js";
import { runCli } from "./support/cli.js";
import * as library from "../src/index.js";
import { CHECK_TOL } from "../src/numeric/check.js";

const README = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");

/** The fenced blocks of one language, in order. */
function blocks(lang: string): string[] {
  const out: string[] = [];
  const re = new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```", "gm");
  for (let m = re.exec(README); m; m = re.exec(README)) out.push(m[1]!);
  return out;
}

/**
 * POSIX shell words: single quotes keep everything literally (backslashes
 * too); in double quotes a backslash escapes only $ ` " \ ; outside quotes it
 * escapes the next character.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= "";
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === "\\" && '$`"\\'.includes(line[i + 1] ?? "")) i++;
        word += line[i];
      }
      if (i >= line.length) throw new Error(`unclosed " in ${line}`);
    } else if (c === "\\") {
      word = (word ?? "") + (line[++i] ?? "");
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

interface Example {
  readonly command: string;
  readonly argv: readonly string[];
  readonly shown: readonly string[];
}

/** `$ npx matdiff ARGS` lines and the output lines under each, up to a blank line or the next `$`. */
function examples(): Example[] {
  const out: Example[] = [];
  for (const block of blocks("console")) {
    let current: { command: string; argv: string[]; shown: string[] } | null = null;
    for (const line of block.split("\n")) {
      if (line.startsWith("$ ")) {
        const words = shellWords(line.slice(2));
        expect(words.slice(0, 2), line).toEqual(["npx", "matdiff"]);
        current = { command: line.slice(2), argv: words.slice(2), shown: [] };
        out.push(current);
      } else if (line.trim() === "") {
        current = null;
      } else if (current) {
        current.shown.push(line);
      }
    }
  }
  return out;
}

/** The number in "relative error 1.3e-11" varies from run to run of the platform; the rest must match. */
const normalise = (line: string) => line.replace(/relative error [0-9.]+e[-+]?\d+/, "relative error <n>");

/** README examples show what a terminal shows: standard output, then any notes or errors. */
async function cli(argv: readonly string[]) {
  const { code, stdout, stderr } = await runCli(argv);
  return { code, lines: (stdout + stderr).replace(/\n$/, "").split("\n") };
}

describe("shell words", () => {
  it("reads quotes as a POSIX shell does", () => {
    expect(shellWords(`npx matdiff "x^T A x" --wrt x`)).toEqual(["npx", "matdiff", "x^T A x", "--wrt", "x"]);
    expect(shellWords(`'\\|y - Phi theta\\|^2' --let "A: m x n"`)).toEqual(["\\|y - Phi theta\\|^2", "--let", "A: m x n"]);
    expect(shellWords(`"a \\"b\\" \\\\ \\x" c\\ d ''`)).toEqual(['a "b" \\ \\x', "c d", ""]);
  });
});

describe("README console examples", () => {
  const all = examples();

  it("has the examples we expect to find", () => {
    expect(all.length).toBeGreaterThanOrEqual(13);
    expect(all.every((e) => e.shown.length > 0)).toBe(true);
  });

  it.each(all.map((e) => [e.command, e] as const))("$ %s", async (_command, e) => {
    const { code, lines } = await cli(e.argv);
    const report = `README shows:\n${e.shown.join("\n")}\nmatdiff prints:\n${lines.join("\n")}`;
    expect(code, report).toBe(e.shown[0]!.startsWith("matdiff: error:") ? EXIT.input : EXIT.ok);
    // every shown line appears, in the README's order
    let at = 0;
    for (const want of e.shown.map(normalise)) {
      const found = lines.findIndex((l, i) => i >= at && normalise(l) === want);
      expect(found, `missing or out of order: ${want}\n${report}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
  });
});

/**
 * The `js` block: each `EXPR;  // VALUE` line (or a `// VALUE` line right
 * after `EXPR;`) becomes a check that EXPR evaluates to VALUE, and a
 * `console.log(...)` line with a `// VALUES` comment checks what it logs.
 */
describe("README library example", () => {
  const [code] = blocks("js");

  it("runs, and every commented value is what the call returns", () => {
    expect(code, "README has a ```js block").toBeDefined();
    const expected: string[] = [];
    const src = code!.split("\n");
    const body: string[] = [];
    for (let i = 0; i < src.length; i++) {
      const line = src[i]!;
      if (line.startsWith("import ")) continue; // the names are passed in
      const inline = /^(\s*)(.+?);\s*\/\/\s*(.+)$/.exec(line);
      const next = /^\s*\/\/\s*(.+)$/.exec(src[i + 1] ?? "");
      const statement = /^(\s*)(.+?);\s*$/.exec(line);
      const log = /^(\s*)(.*?)console\.log\((.*)\);\s*$/.exec(line);
      if (log && next) {
        body.push(`${log[1]}${log[2]}__record(${expected.length}, [${log[3]}]);`);
        expected.push(`[${next[1]!.match(/"(?:[^"\\]|\\.)*"|\S+/g)!.join(", ")}]`);
        i++;
      } else if (inline && !/^(const|let|try|if|\})/.test(inline[2]!.trim())) {
        body.push(`${inline[1]}__record(${expected.length}, ${inline[2]});`);
        expected.push(inline[3]!);
      } else if (statement && next && !/^(const|let|try|if|\})/.test(statement[2]!.trim())) {
        body.push(`${statement[1]}__record(${expected.length}, ${statement[2]});`);
        expected.push(next[1]!);
        i++;
      } else {
        body.push(line);
      }
    }
    expect(expected.length).toBeGreaterThanOrEqual(7);

    const actual = new Map<number, unknown>();
    const record = (k: number, v: unknown) => { actual.set(k, v); };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function("differentiate", "MatdiffError", "__record", body.join("\n"))(library.differentiate, library.MatdiffError, record);

    expected.forEach((text, k) => {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const want = new Function(`return (${text});`)() as unknown;
      const got = actual.get(k);
      expect(actual.has(k), `README value ${k} (${text}) was never computed`).toBe(true);
      if (want && typeof want === "object" && "relError" in want) {
        // the README's relative error is an example of its size; any value under the check's tolerance is right
        const { relError, ...rest } = got as { relError: number };
        expect(relError).toBeLessThan(CHECK_TOL);
        const { relError: _shown, ...wantRest } = want as { relError: number };
        expect(rest, text).toEqual(wantRest);
      } else {
        expect(got, text).toEqual(want);
      }
    });
  });
});
