/**
 * The Python the NumPy backend prints is run, by Debian's python3 with NumPy,
 * and must compute what the numeric evaluator computes: for every function of
 * the operation table (on a vector, and on a matrix where a function is taken
 * column by column), so that no spelling is a guess. The test fails, never
 * skips, when python3 or NumPy is missing (.ci/run installs python3-numpy).
 */
import { describe, expect, it } from "vitest";
import * as E from "../src/core/expr.js";
import { FN_NAMES, OPERATIONS } from "../src/core/operations.js";
import { shape } from "../src/core/shape.js";
import { evaluate } from "../src/numeric/evaluate.js";
import { Matrix } from "../src/numeric/matrix.js";
import { toNumpy } from "../src/print/numpy.js";
import { runPython } from "./support/python.js";


/** Values inside every function's domain (log, sqrt, log1p take positive arguments); some large, to catch overflow. */
const X = Matrix.fromRows([[0.3, 1.7, 0.9], [2.1, 0.05, 1.2], [0.6, 3.0, 40]]);
const x = Matrix.column([0.3, 2.1, 0.6, 50]);

const runNumpy = (lines: readonly string[]): number[][] => runPython(["import json, math, numpy as np", ...lines].join("\n"), null);

/** A matrix as the row-major nested list NumPy reads; a column vector as a 1-D list. */
const literal = (m: Matrix) => JSON.stringify(m.cols === 1 ? [...m.data] : Array.from({ length: m.rows }, (_, i) => Array.from({ length: m.cols }, (_, j) => m.data[i + j * m.rows])));

describe("the NumPy backend's spelling of each operation", () => {
  const cases = FN_NAMES.flatMap((name) => {
    const op = OPERATIONS[name];
    // arcsin, artanh: the same values scaled into (0, 1)
    const inDomain = (m: Matrix) => (op.kind === "elementwise" && op.domain === "unit" ? m.map((t) => t / 64) : m);
    const onVector = { name, arg: E.sym("x", shape("n", 1)), value: inDomain(x) };
    const onMatrix = { name, arg: E.sym("X", shape("n", "n")), value: inDomain(X) };
    return OPERATIONS[name].kind === "reduce" ? [onVector] : [onVector, onMatrix];
  });

  it("computes what the evaluator computes", () => {
    const printed = cases.map((c) => toNumpy(E.fn(c.name, c.arg), { dimExpr: String }));
    const results = runNumpy([
      "out = []",
      ...printed.map((p, k) => `${cases[k]!.arg.kind === "sym" && cases[k]!.value.cols === 1 ? "x" : "X"} = np.array(${literal(cases[k]!.value)}, dtype=float); out.append(np.atleast_1d(np.asarray(${p}, dtype=float)).flatten(order="F").tolist())`),
      "print(json.dumps(out))",
    ]);
    cases.forEach((c, k) => {
      const env = { values: new Map([[c.arg.kind === "sym" ? c.arg.name : "", c.value]]), diffs: new Map(), dims: new Map([["n", c.value.rows]]) };
      const want = [...evaluate(E.fn(c.name, c.arg), env).data];
      const got = results[k]!;
      expect(got.length, `${c.name}: ${printed[k]}`).toBe(want.length);
      want.forEach((w, i) => expect(Math.abs(got[i]! - w) / Math.max(1, Math.abs(w)), `${c.name}: ${printed[k]} entry ${i}`).toBeLessThan(1e-12));
    });
  });
});
