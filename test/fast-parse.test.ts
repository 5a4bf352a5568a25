/**
 * The fast reader of the common case (src/syntax/fast-parse.ts) against the
 * grammar run by nearley (parseByGrammar), the reference: wherever the fast
 * reader answers, the grammar has exactly that one reading, span for span;
 * wherever the grammar refuses an input (an error, two readings), the fast
 * reader declines it too, so the error and its caret are the grammar's. And it
 * must answer the common case, or it is no shortcut: every input of the
 * corpus and the tests with at most one pair of `|` and one of `‖` (the only
 * brackets that open and close alike).
 */
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Node } from "../src/syntax/ast.js";
import { fastParse } from "../src/syntax/fast-parse.js";
import { tokenize, type Token } from "../src/syntax/lexer.js";
import { parse, parseByGrammar } from "../src/syntax/parse.js";
import { makeRng } from "../src/numeric/random.js";
import { GRADIENT_CASES } from "./cases/gradients.js";
import { JACOBIAN_CASES } from "./cases/jacobians.js";
import { HESSIAN_CASES } from "./cases/hessians.js";

type Outcome = { readonly tree: Node } | { readonly error: string };

function byGrammar(input: string): Outcome {
  try {
    return { tree: parseByGrammar(input) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

function tokensOf(input: string): Token[] | null {
  try {
    return tokenize(input);
  } catch {
    return null; // a lexical error: neither parser sees tokens
  }
}

/** Compares the two readers on one input; true when the fast reader answered. */
function agree(input: string): boolean {
  const tokens = tokensOf(input);
  if (!tokens || tokens.length === 0) return false;
  const fast = fastParse(tokens);
  const reference = byGrammar(input);
  if (fast === null) return false;
  expect(reference, `the grammar refuses ${JSON.stringify(input)}, which the fast reader read`).toHaveProperty("tree");
  expect(fast, JSON.stringify(input)).toStrictEqual((reference as { tree: Node }).tree);
  return true;
}

/** Every string the tests give the parser: corpus inputs and expected forms, and `expr:`/`parse("…")` literals in test files. */
function testInputs(): string[] {
  const found = new Set<string>();
  for (const c of [...GRADIENT_CASES, ...JACOBIAN_CASES, ...HESSIAN_CASES]) {
    found.add(c.expr);
    if ("expected" in c && typeof c.expected === "string") found.add(c.expected);
  }
  const unescape = (s: string) => s.replace(/\\\\/g, "\\").replace(/\\"/g, "\"").replace(/\\'/g, "'");
  for (const f of readdirSync("test", { recursive: true }) as string[]) {
    if (!/\.(ts|yaml)$/.test(f)) continue;
    const text = readFileSync(join("test", f), "utf8");
    for (const m of text.matchAll(/(?:expr|input|expected)\s*:\s*(["'`])((?:\\.|(?!\1).)*)\1/g)) found.add(unescape(m[2]!));
    for (const m of text.matchAll(/(?:differentiate|analyze|parse|run|solve)\(\s*(["'`])((?:\\.|(?!\1).)*)\1/g)) found.add(unescape(m[2]!));
  }
  return [...found].filter((s) => !s.includes("${"));
}

/** More than one pair of ‖ or of |: readings may multiply, and the grammar decides. */
const manyBars = (tokens: readonly Token[]) =>
  tokens.filter((t) => t.type === "bar").length > 2 || tokens.filter((t) => t.type === "vbar").length > 2;

describe("the fast reader gives the grammar's one reading", () => {
  const inputs = testInputs();

  it("on every input of the corpus and the tests", () => {
    let answered = 0, parsable = 0;
    const declined: string[] = [];
    for (const input of inputs) {
      const took = agree(input);
      const tokens = tokensOf(input);
      if (tokens && tokens.length > 0 && !manyBars(tokens) && "tree" in byGrammar(input)) {
        parsable++;
        if (took) answered++;
        else declined.push(input);
      }
    }
    expect(inputs.length).toBeGreaterThan(600);
    // the shortcut takes every bar-free input the grammar reads: none is left to nearley for want of a rule
    expect(declined).toEqual([]);
    expect(answered).toBe(parsable);
    expect(parsable).toBeGreaterThan(500);
  });

  it("on random token strings and mutations of the corpus (seeded)", () => {
    const rng = makeRng(20261205);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
    const FRAGMENTS = [
      "A", "B", "X", "x", "y", "W_1", "\\theta", "μ", "Σ", "2", "0.5", ".5", "3", "n", "I", "\\mathbf{1}", "𝟏", "\\mathbf{x}", "A(\\theta)", "A (θ)",
      "+", "-", "−", "*", "/", "\\cdot", "·", "\\odot", "∘", "\\circ", "⊙", "\\otimes", "⊗", "./", ".*", "\\oslash",
      "^T", "^{T}", "^\\top", "^{-1}", "^-1", "^{-T}", "^<-1>", "^<-2>", "'", "ᵀ", "⁻¹", "²", "^2", "^{2}", "^{1/2}", "^{-3/2}", ".^2", ".^{-1}",
      ".^p", ".^(p - 1)", "∘²", "∘ᵀ", "∘^2", "∘^p", "^{\\circ 2}", "^{\\circ p}", "^{\\circ (p+1)}", "^{\\circ -1/2}",
      "tr(", "det(", "exp(", "log(", "sigmoid(", "softmax(", "diag(", "sum(", "vec(", "\\det", "\\log", "\\operatorname{tr}", "\\exp",
      "\\frac{", "}{", "}", "{", "\\sqrt{", "\\langle", "\\rangle", ",", "\\lVert", "\\rVert", "_2", "_F", "e^", "e^{-", "e^-",
      "max(", ", 0)", "kron(", "inv(", "norm(", "\\lvert", "\\rvert", "(", ")", "[", "]", "\\left(", "\\right)", " ", " ", "_",
    ];
    const seeds = inputs.filter((s) => s.length < 80);
    let answered = 0;
    for (let i = 0; i < 4000; i++) {
      let input: string;
      if (i % 2 === 0) {
        input = Array.from({ length: 1 + Math.floor(rng.next() * 12) }, () => pick(FRAGMENTS)).join(rng.next() < 0.5 ? " " : "");
      } else {
        // a corpus input with one fragment inserted, or one character dropped
        const s = pick(seeds);
        const at = Math.floor(rng.next() * (s.length + 1));
        input = rng.next() < 0.5 ? s.slice(0, at) + pick(FRAGMENTS) + s.slice(at) : s.slice(0, at) + s.slice(at + 1);
      }
      if (agree(input)) answered++;
    }
    // enough random inputs parse for the comparison to mean something
    expect(answered).toBeGreaterThan(500);
  });

  it("leaves every error to the grammar, caret and all", () => {
    for (const input of ["A +", "tr(A", "(A B", "A ⊙ -B", "\\det -A", "x^{,}", "x.^{p}", "x ∘ᵀ", "A^<-2>", "A ^", "max(x, )", "\\frac{a}{", "A B )"]) {
      const tokens = tokensOf(input);
      if (tokens) expect(fastParse(tokens), input).toBeNull();
      expect(() => parse(input), input).toThrow();
    }
  });

  it("reads one pair of bars, and leaves more to the grammar", () => {
    expect(fastParse(tokenize("‖a‖ b ‖c‖"))).toBeNull();
    expect(() => parse("‖a‖ b ‖c‖")).toThrow(/ambiguous/);
    for (const input of ["|X| + 1", "\\log|Σ|", "‖Xw − y‖^2", "‖x‖^2_2", "‖x‖_2^2", "|‖x‖ − 1|", "‖ |x| ‖", "A ‖x‖ B"]) {
      expect(agree(input), input).toBe(true);
    }
  });
});
