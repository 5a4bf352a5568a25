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

export function formatDim(d: Dim): string {
  return String(d);
}

export function formatShape(s: Shape): string {
  return `${formatDim(s.rows)}×${formatDim(s.cols)}`;
}

/** Product of two dimensions, for Kronecker products and vec: "mn", "2n". */
export function mulDim(a: Dim, b: Dim): Dim {
  if (typeof a === "number" && typeof b === "number") return a * b;
  if (a === 1) return b;
  if (b === 1) return a;
  return `${a}${b}`;
}
