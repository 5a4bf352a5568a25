/** Python spellings of symbolic dimensions, shared by every Python surface. */
import type { Sym } from "../core/expr.js";
import type { Dim } from "../core/shape.js";
import { pyName } from "../print/python.js";

/**
 * How Python code refers to a symbolic dimension: the shape of an input that
 * has it. Never a --where name's: every Python form expands the definitions,
 * so H.shape[0] named a variable the program does not define (issue 17); a
 * size only a definition has is a free size, which the reader binds.
 */
export function dimExpressions(symbols: Iterable<Sym>, defined: ReadonlyMap<string, unknown>): (d: Dim) => string {
  const map = new Map<Dim, string>();
  for (const s of symbols) {
    if (defined.has(s.name)) continue;
    // a 1-D array has one axis: a vector's length is its shape[0]
    if (!map.has(s.shape.rows) && typeof s.shape.rows === "string") map.set(s.shape.rows, `${pyName(s.name)}.shape[0]`);
    if (!map.has(s.shape.cols) && typeof s.shape.cols === "string") map.set(s.shape.cols, `${pyName(s.name)}.shape[${s.shape.rows === 1 ? 0 : 1}]`);
  }
  return (d) => (typeof d === "number" ? String(d) : map.get(d) ?? d);
}
