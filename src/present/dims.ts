/** Python spellings of symbolic dimensions, shared by every Python surface. */
import type { Sym } from "../core/expr.js";
import type { Dim } from "../core/shape.js";
import { pyName } from "../print/python.js";

/**
 * How Python code refers to a symbolic dimension: the shape of a symbol that
 * has it (defined names last: an input is there before any definition).
 */
export function dimExpressions(symbols: Iterable<Sym>, defined: ReadonlyMap<string, unknown> = new Map()): (d: Dim) => string {
  const map = new Map<Dim, string>();
  const ordered = [...symbols].sort((a, b) => Number(defined.has(a.name)) - Number(defined.has(b.name)));
  for (const s of ordered) {
    // a 1-D array has one axis: a vector's length is its shape[0]
    if (!map.has(s.shape.rows) && typeof s.shape.rows === "string") map.set(s.shape.rows, `${pyName(s.name)}.shape[0]`);
    if (!map.has(s.shape.cols) && typeof s.shape.cols === "string") map.set(s.shape.cols, `${pyName(s.name)}.shape[${s.shape.rows === 1 ? 0 : 1}]`);
  }
  return (d) => (typeof d === "number" ? String(d) : map.get(d) ?? d);
}
