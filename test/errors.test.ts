/**
 * Every kind of user error (STYLE habit 10): the exact message, the code,
 * the span (and the text it points into), the hint, and through the CLI the
 * exit code, the caret display and the JSON form. Messages come from
 * src/syntax/lexer.ts, src/syntax/parse.ts, src/shapes/elaborate.ts,
 * src/shapes/declarations.ts and src/api.ts.
 */
import { describe, expect, it } from "vitest";
import { differentiate, type DifferentiateOptions } from "../src/api.js";
import { MatdiffError, type ErrorCode } from "../src/errors.js";
import { EXIT } from "../src/cli/main.js";
import { runCli as cli } from "./support/cli.js";

interface ErrorCase {
  readonly name: string;
  readonly expr: string;
  readonly wrt: string;
  readonly let?: readonly string[];
  readonly where?: readonly string[];
  readonly code: ErrorCode;
  readonly message: string;
  /** [start, end) in `source` if given, else in `expr`; absent for errors about a command-line value as a whole. */
  readonly span?: readonly [number, number];
  readonly hint?: string;
  /** The --where text the span points into. */
  readonly source?: string;
  readonly exit: number;
  /** The lines the CLI draws under the message (without the two-space indent). */
  readonly caret?: readonly [string, string];
}

const CASES: readonly ErrorCase[] = [
  // ---- syntax (src/syntax/parse.ts, src/syntax/lexer.ts)
  {
    name: "syntax: unexpected token", expr: "tr(A B))", wrt: "A",
    code: "syntax", message: "unexpected ')' at 1:8", span: [7, 8], exit: EXIT.input,
    caret: ["tr(A B))", "       ^"],
  },
  {
    name: "syntax: unexpected end (an operand)", expr: "A +", wrt: "A",
    code: "syntax", message: "unexpected end of input at 1:4: expected an expression", span: [3, 3], exit: EXIT.input,
    caret: ["A +", "   ^"],
  },
  {
    name: "syntax: unexpected end (an exponent)", expr: "A^", wrt: "A",
    code: "syntax", message: "unexpected end of input at 1:3: expected an exponent", span: [2, 2], exit: EXIT.input,
  },
  {
    name: "syntax: unclosed parenthesis", expr: "tr(A B", wrt: "A",
    code: "syntax", message: "unclosed '(' opened at 1:3", span: [2, 3], exit: EXIT.input,
    caret: ["tr(A B", "  ^"],
  },
  {
    name: "syntax: unclosed bracket", expr: "[A B", wrt: "A",
    code: "syntax", message: "unclosed '[' opened at 1:1", span: [0, 1], exit: EXIT.input,
  },
  {
    name: "syntax: unexpected character", expr: "A $ B", wrt: "A",
    code: "syntax", message: "unexpected character '$' at 1:3", span: [2, 3], exit: EXIT.input,
    caret: ["A $ B", "  ^"],
  },
  // ---- names
  {
    name: "unknown function, with did-you-mean", expr: "sigmod(x)", wrt: "x",
    code: "unknown-function", message: "unknown function 'sigmod'", span: [0, 6], hint: "did you mean sigmoid?", exit: EXIT.input,
    caret: ["sigmod(x)", "^^^^^^"],
  },
  {
    name: "unknown function inside \\operatorname", expr: "\\operatorname{foo}(x)", wrt: "x",
    code: "unknown-function", message: "unknown function 'foo'", span: [14, 17],
    hint: "known functions: tr, Tr, trace, det, logdet, log, ln, log10, log2, exp, exp2, sin, cos, tanh, tan, arctan, atan, arcsin, asin, arccos, acos, cot, sec, csc, sinh, cosh, arsinh, arcsinh, asinh, artanh, arctanh, atanh, sigmoid, expit, log1p, expm1, erf, normcdf, erfc, gelu, GELU, silu, SiLU, swish, softsign, relu, ReLU, heaviside, softplus, sqrt, abs, sign, softmax, log_softmax, logsoftmax, logsumexp, lse, sum, mean, diag, Diag, vec, unvec, inv, kron, norm, max",
    exit: EXIT.input,
  },
  {
    name: "unknown LaTeX command, with did-you-mean", expr: "\\lamda x", wrt: "x",
    code: "unknown-command", message: "unknown LaTeX command '\\lamda'", span: [0, 6], hint: "did you mean \\lambda?", exit: EXIT.input,
    caret: ["\\lamda x", "^^^^^^"],
  },
  // ---- empty
  { name: "empty input", expr: "", wrt: "A", code: "empty", message: "empty expression", span: [0, 0], exit: EXIT.input },
  { name: "blank input", expr: "   ", wrt: "A", code: "empty", message: "empty expression", span: [0, 3], exit: EXIT.input },
  // ---- shapes (src/shapes/elaborate.ts)
  {
    name: "dimension mismatch in a sum (README)", expr: "A x + y", wrt: "x", let: ["A: m x n", "y: p"],
    code: "shape", message: "dimension mismatch in A x + y at 1:5: m×1 + p×1", span: [0, 7], exit: EXIT.input,
    caret: ["A x + y", "^^^^^^^"],
  },
  {
    name: "product of two columns, with the x^T y hint", expr: "x y", wrt: "x", let: ["x: vector", "y: vector"],
    code: "shape", message: "dimension mismatch in x y at 1:3: n×1 · m×1", span: [0, 3], hint: "did you mean x^T y?", exit: EXIT.input,
  },
  {
    name: "product of declared sizes that do not chain", expr: "tr(A B)", wrt: "A", let: ["A: m x n", "B: m x n"],
    code: "shape", message: "dimension mismatch in A B at 1:6: m×n · m×n", span: [3, 6], exit: EXIT.input,
  },
  {
    name: "det of a vector", expr: "det(x)", wrt: "x", let: ["x: vector"],
    code: "shape", message: "det needs a square matrix, but x is n×1 at 1:5", span: [0, 6], exit: EXIT.input,
  },
  {
    name: "trace of a vector", expr: "tr(x)", wrt: "x", let: ["x: vector"],
    code: "shape", message: "the trace needs a square matrix, but x is n×1 at 1:4", span: [0, 5], exit: EXIT.input,
  },
  {
    // issue 5: a vector used as a matrix suggests the declaration, and is not silently read as a scalar
    name: "trace of an undeclared vector", expr: "tr(x)", wrt: "x",
    code: "shape", message: "the trace needs a square matrix, but x is n×1 at 1:4", span: [0, 5], exit: EXIT.input,
    hint: 'declare it with --let "x: matrix"',
  },
  {
    name: "inverse of a non-square matrix", expr: "tr(A^{-1})", wrt: "A", let: ["A: m x n"],
    code: "shape", message: "the inverse needs a square matrix, but A is m×n at 1:4", span: [3, 9], exit: EXIT.input,
  },
  {
    name: "power of a vector, with the squared-norm hint", expr: "x^2", wrt: "x", let: ["x: vector"],
    code: "shape", message: "x^2 of the n×1 vector x is not defined at 1:1", span: [0, 3],
    hint: "did you mean x^T x (the squared norm) or x.^2 (elementwise)?", exit: EXIT.input,
  },
  {
    name: "division by a matrix", expr: "tr(A / B)", wrt: "A", let: ["B: matrix"],
    code: "shape", message: "division by B, which is p×q, not a scalar, at 1:6", span: [7, 8],
    hint: "multiply by an inverse instead, e.g. A B^{-1}", exit: EXIT.input,
    caret: ["tr(A / B)", "       ^"],
  },
  {
    name: "a number over a matrix", expr: "sum(1/(1 + exp(-A)))", wrt: "A",
    code: "shape", message: "division by (1 + exp(-A)), which is n×m, not a scalar, at 1:6", span: [6, 19],
    hint: "for the entrywise reciprocal write 1 ./ (1 + exp(-A)); for the matrix inverse, (1 + exp(-A))^{-1}", exit: EXIT.input,
    caret: ["sum(1/(1 + exp(-A)))", "      ^^^^^^^^^^^^^"],
  },
  {
    name: "mismatched inner product", expr: "\\langle A, x \\rangle", wrt: "x", let: ["x: vector"],
    code: "shape", message: "dimension mismatch in \\langle A, x \\rangle at 1:1: ⟨n×m, n×1⟩", span: [0, 20], exit: EXIT.input,
  },
  // ---- numbers, limits, unsupported
  {
    name: "a number out of range", expr: "1e999 tr(A)", wrt: "A",
    code: "number", message: "the number 1e999 is out of range (at most 15 significant digits, finite)", span: [0, 5], exit: EXIT.input,
  },
  {
    name: "a matrix power above the limit", expr: "tr(B A^100)", wrt: "A",
    code: "limit", message: "the matrix power 100 is above the limit of 64 (its derivative has one term per factor)", span: [5, 10], exit: EXIT.input,
  },
  {
    name: "a fractional matrix power", expr: "tr(A^{1/2})", wrt: "A",
    code: "unsupported", message: "fractional powers of matrices (A^{1/2}) are not supported", span: [3, 10], exit: EXIT.input,
  },
  {
    name: "ambiguous norm bars", expr: "\\|x\\|y\\|z\\|", wrt: "x",
    code: "ambiguous", message: "ambiguous expression: it reads as ‖(x ‖y‖) z‖ or as (‖x‖ y) ‖z‖", span: [0, 11],
    hint: "add parentheses to say which you mean", exit: EXIT.input,
  },
  {
    name: "the spectral norm of a matrix", expr: "\\|A\\|_2", wrt: "A",
    code: "unsupported", message: "the spectral norm ‖·‖₂ of the n×m matrix A is not supported", span: [0, 7],
    hint: "did you mean the Frobenius norm ‖A‖_F?", exit: EXIT.input,
  },
  // ---- --wrt (src/api.ts): a bad command line
  {
    name: "--wrt is not a symbol", expr: "x^T A x", wrt: "x^T",
    code: "wrt", message: "--wrt must name one symbol, e.g. --wrt A; 'x^T' is not a symbol", exit: EXIT.usage,
  },
  {
    name: "--wrt is the identity", expr: "tr(A)", wrt: "I",
    code: "wrt", message: "--wrt must name one symbol, e.g. --wrt A; 'I' is not a symbol", exit: EXIT.usage,
  },
  {
    name: "--wrt names a --where definition", expr: "\\|e\\|^2", wrt: "e", where: ["e = y - Phi theta"],
    code: "wrt", message: "e is defined by --where; differentiate with respect to a symbol it is built from", exit: EXIT.usage,
  },
  // ---- --let (src/shapes/declarations.ts)
  {
    name: "--let without a colon", expr: "tr(A)", wrt: "A", let: ["A symmetric"],
    code: "declaration", message: 'bad --let "A symmetric": expected NAME: SPEC', hint: 'e.g. --let "S: symmetric" or --let "A: m x n"', exit: EXIT.usage,
  },
  {
    name: "--let with contradicting words", expr: "tr(A)", wrt: "A", let: ["A: scalar vector"],
    code: "declaration", message: "bad --let \"A: scalar vector\": 'scalar' and 'vector' contradict each other", exit: EXIT.usage,
  },
  // ---- --where (src/api.ts): malformed definitions are a bad command line; errors inside the
  //      definition's expression point into its text (`source`) and are bad input, like EXPR's
  {
    name: "--where without '='", expr: "\\|e\\|^2", wrt: "theta", where: ["e y - Phi theta"],
    code: "declaration", message: 'bad --where "e y - Phi theta": expected NAME = EXPRESSION', hint: 'e.g. --where "e = y - Phi theta"', exit: EXIT.usage,
  },
  {
    name: "--where naming more than a symbol", expr: "\\|e\\|^2", wrt: "theta", where: ["e f = y"],
    code: "declaration", message: "bad --where \"e f = y\": 'e f' is not a single symbol", exit: EXIT.usage,
  },
  {
    name: "--where with a syntax error", expr: "\\|e\\|^2", wrt: "theta", where: ["e = y - Phi theta +"],
    code: "syntax", message: 'in --where "e = y - Phi theta +": unexpected end of input at 1:20: expected an expression',
    span: [19, 19], source: "e = y - Phi theta +", exit: EXIT.input,
    caret: ["e = y - Phi theta +", "                   ^"],
  },
  {
    name: "--where with an unexpected character", expr: "x^T A x", wrt: "x", where: ["e = y $"],
    code: "syntax", message: "in --where \"e = y $\": unexpected character '$' at 1:7", span: [6, 7], source: "e = y $", exit: EXIT.input,
  },
  {
    name: "--where with a dimension mismatch", expr: "\\|e\\|^2", wrt: "y", where: ["e = y - A"],
    code: "shape", message: 'dimension mismatch in y - A at 1:7 of --where "e = y - A": n×1 − n×m', span: [4, 9], source: "e = y - A", exit: EXIT.input,
    caret: ["e = y - A", "    ^^^^^"],
  },
  {
    name: "--where referring to itself", expr: "e", wrt: "x", where: ["e = x.^2 + e"],
    code: "shape", message: "the definition of e refers to itself", span: [11, 12], source: "e = x.^2 + e", exit: EXIT.input,
  },
];

const optionsOf = (c: ErrorCase): DifferentiateOptions => ({ wrt: c.wrt, let: c.let ?? [], where: c.where ?? [] });
const argvOf = (c: ErrorCase): string[] => [
  c.expr, "--wrt", c.wrt, ...(c.let ?? []).flatMap((l) => ["--let", l]), ...(c.where ?? []).flatMap((w) => ["--where", w]),
];

function thrown(c: ErrorCase): MatdiffError {
  try {
    differentiate(c.expr, optionsOf(c));
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(MatdiffError);
    return err as MatdiffError;
  }
  return expect.unreachable(`${c.expr} was accepted`);
}


describe("user errors: message, code, span and hint (library)", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const e = thrown(c);
    expect(e.code).toBe(c.code);
    expect(e.message).toBe(c.message);
    expect(e.start === undefined ? undefined : [e.start, e.end]).toEqual(c.span);
    expect(e.hint).toBe(c.hint);
    expect(e.source).toBe(c.source);
    if (c.span) {
      // the span lies inside the text it points into
      const text = c.source ?? c.expr;
      expect(c.span[0]).toBeLessThanOrEqual(c.span[1]);
      expect(c.span[1]).toBeLessThanOrEqual(text.length);
    }
  });
});

describe("user errors through the CLI: exit code, caret display, JSON", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const text = await cli(argvOf(c));
    expect(text.code).toBe(c.exit);
    expect(text.stdout).toBe("");
    const shown = text.stderr.replace(/\n$/, "").split("\n");
    expect(shown[0]).toBe(`matdiff: error: ${c.message}`);
    if (c.caret) expect(shown.slice(1, 3)).toEqual(c.caret.map((l) => `  ${l}`));
    // the caret line sits under the text the span points into: the --where text when there is one
    if (c.span) expect(shown[1]).toBe(`  ${c.source ?? c.expr}`);
    if (c.hint) expect(shown.at(-1)).toBe(`  hint: ${c.hint}`);
    expect(text.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const json = await cli([...argvOf(c), "--format", "json"]);
    expect(json.code).toBe(c.exit);
    expect(json.stderr).toBe("");
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      error: {
        code: c.code, message: c.message,
        ...(c.span ? { start: c.span[0], end: c.span[1] } : {}),
        ...(c.hint ? { hint: c.hint } : {}),
        ...(c.source ? { source: c.source } : {}),
      },
    });
  });
});

describe("library errors are MatdiffErrors, never raw exceptions", () => {
  it("README's example: an unclosed parenthesis", () => {
    const e = thrown({ name: "", expr: "tr(A B", wrt: "A", code: "syntax", message: "", exit: 1 });
    expect([e.code, e.message, e.start, e.end]).toEqual(["syntax", "unclosed '(' opened at 1:3", 2, 3]);
  });

  it("a missing --wrt names the expression's symbols in the hint", () => {
    const e = thrown({ name: "", expr: "tr(A^{-1} B) + x^T x", wrt: "", code: "wrt", message: "", exit: 2 });
    expect(e.code).toBe("wrt");
    expect(e.message).toBe("missing the variable to differentiate with respect to");
    expect(e.hint).toBe("the expression's symbols are A, B, x; e.g. --wrt A");
  });

  it("the input length limit", () => {
    let err: unknown;
    try { differentiate("tr(A)", { wrt: "A", limits: { maxLength: 3 } }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MatdiffError);
    expect((err as MatdiffError).code).toBe("limit");
    expect((err as MatdiffError).message).toBe("input is 5 characters long; the limit is 3");
  });
});
