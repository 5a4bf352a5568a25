/**
 * Issue 18, item 2 (pay for what is asked): the Python forms and the index form
 * of a result are computed when read (src/core/lazy.ts), and are then the plain
 * values they always were, to JSON, structured clone and deep equality alike.
 */
import { describe, expect, it } from "vitest";
import { differentiate } from "../src/api.js";
import { isPending, lazy } from "../src/core/lazy.js";

describe("lazy result fields", () => {
  it("are computed on first read only, then are plain data", () => {
    let runs = 0;
    const o = lazy({ a: 1 }, "b", () => { runs++; return "x"; });
    expect(isPending(o, "b")).toBe(true);
    expect(runs).toBe(0);
    expect(o.b).toBe("x");
    expect(o.b).toBe("x");
    expect(runs).toBe(1);
    expect(isPending(o, "b")).toBe(false);
    expect(Object.getOwnPropertyDescriptor(o, "b")).toMatchObject({ value: "x", enumerable: true });
  });

  it("a result's NumPy, PyTorch and index forms wait to be read, and read the same in JSON and a structured clone", () => {
    const r = differentiate("tr(A^{-1} B)", { wrt: "A" });
    for (const key of ["numpy", "torch", "index", "einsum"]) expect(isPending(r.derivative, key), key).toBe(true);
    expect(Object.keys(r.derivative)).toEqual(["latex", "text", "shape", "numpy", "torch", "index", "einsum"]);
    const json = JSON.parse(JSON.stringify(r));
    expect(json.derivative.numpy).toBe("-np.linalg.inv(A).T @ B.T @ np.linalg.inv(A).T");
    expect(json.derivative.torch).toBe(r.derivative.torch);
    expect(json.derivative.index.text).toBe(r.derivative.index!.text);
    const clone = structuredClone(r);
    expect(clone.derivative.einsum).toBe(r.derivative.einsum);
    expect(clone).toEqual(r);
  });

  it("the derivation's aligned block waits to be read too: a page that sets each step on its own never makes it", () => {
    const r = differentiate("tr(A^{-1} B)", { wrt: "A", steps: true });
    expect(isPending(r, "derivation")).toBe(true);
    expect(Object.keys(r).slice(-2)).toEqual(["steps", "derivation"]);
    // read, it ends in the result as the result prints it, after every step in order
    const { latex, text } = r.derivation!;
    expect(isPending(r, "derivation")).toBe(false);
    expect(latex.endsWith(`\\Rightarrow\\mkern5mu ${r.label.latex} &= ${r.derivative.latex}\n\\end{aligned}`)).toBe(true);
    expect(text.split("\n").at(-1)).toBe(`⇒ ${r.label.text} = ${r.derivative.text}`);
    for (const s of r.steps!) expect(latex).toContain(s.latex);
    expect(JSON.parse(JSON.stringify(r)).derivation).toEqual({ latex, text });
  });

  it("index: false leaves the index form out, as before", () => {
    const r = differentiate("x^T A x", { wrt: "x", index: false });
    expect(Object.keys(r.derivative)).toEqual(["latex", "text", "shape", "numpy", "torch"]);
    expect(r.derivative.numpy).toBe("(A + A.T) @ x");
  });
});
