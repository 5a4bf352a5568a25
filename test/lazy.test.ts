/**
 * Issue 18, item 2 (pay for what is asked): src/core/lazy.ts, the fields a
 * result computes when read. (Its use for the Python and index forms of a
 * result waits for the split of src/api.ts into src/present/result.ts.)
 */
import { describe, expect, it } from "vitest";
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
});
