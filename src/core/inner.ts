import * as E from "./expr.js";
import type { Expr } from "./expr.js";

/** ⟨X, Y⟩ = tr(XᵀY), written xᵀy for columns and x yᵀ for rows. */
export function innerProduct(x: Expr, y: Expr): Expr {
  if (x.shape.rows === 1 && x.shape.cols === 1) return E.mul(x, y);
  if (x.shape.cols === 1) return E.mul(E.transpose(x), y);
  if (x.shape.rows === 1) return E.mul(x, E.transpose(y));
  return E.trace(E.mul(E.transpose(x), y));
}
