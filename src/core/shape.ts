/**
 * Dimensions are either literal sizes or symbolic names. After shape inference
 * every symbolic dimension is a name such as "n" or "m"; two dimensions are
 * equal exactly when they are identical.
 */
export type Dim = number | string;

export interface Shape {
  readonly rows: Dim;
  readonly cols: Dim;
}

export const SCALAR: Shape = { rows: 1, cols: 1 };

export const shape = (rows: Dim, cols: Dim): Shape => (rows === 1 && cols === 1 ? SCALAR : { rows, cols });
export const isScalarShape = (s: Shape) => s.rows === 1 && s.cols === 1;
export const isColumn = (s: Shape) => s.cols === 1 && s.rows !== 1;
export const isRow = (s: Shape) => s.rows === 1 && s.cols !== 1;
export const isSquare = (s: Shape) => s.rows === s.cols;
export const sameShape = (a: Shape, b: Shape) => a.rows === b.rows && a.cols === b.cols;
export const transposeShape = (s: Shape): Shape => shape(s.cols, s.rows);

/**
 * A product dimension is stored as "m·n": factors sorted, literal sizes
 * multiplied into one leading number, so m·n and n·m are one dimension.
 * It is shown textbook style: "mn", "n²", "2n".
 */
export function formatDim(d: Dim): string {
  if (typeof d === "number" || !d.includes("·")) return String(d);
  const counts = new Map<string, number>();
  for (const f of d.split("·")) counts.set(f, (counts.get(f) ?? 0) + 1);
  const sup = (k: number) => (k === 1 ? "" : [...String(k)].map((c) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(c)]).join(""));
  const parts = [...counts].map(([f, k]) => f + sup(k));
  return parts.every((p) => /^(\d+|[A-Za-z][⁰¹²³⁴⁵⁶⁷⁸⁹]*)$/.test(p)) ? parts.join("") : parts.join("·");
}

/** Kept by dimensions: a result shows a handful of shapes, each several times (its symbols, layout, wrt). */
const formatted = new Map<Dim, Map<Dim, string>>();
export function formatShape(s: Shape): string {
  let byCols = formatted.get(s.rows);
  if (!byCols) {
    if (formatted.size >= 1024) formatted.clear();
    formatted.set(s.rows, (byCols = new Map()));
  }
  let text = byCols.get(s.cols);
  if (text === undefined) {
    if (byCols.size >= 1024) byCols.clear();
    byCols.set(s.cols, (text = `${formatDim(s.rows)}×${formatDim(s.cols)}`));
  }
  return text;
}

/** Product of two dimensions, for Kronecker products and vec (see formatDim for the spelling). */
export function mulDim(a: Dim, b: Dim): Dim {
  let literal = 1;
  const names: string[] = [];
  for (const d of [a, b]) {
    for (const f of typeof d === "number" ? [d] : d.split("·")) {
      if (typeof f === "number") literal *= f;
      else if (/^\d+$/.test(f)) literal *= Number(f);
      else names.push(f);
    }
  }
  if (names.length === 0) return literal;
  names.sort();
  return [...(literal === 1 ? [] : [String(literal)]), ...names].join("·");
}
