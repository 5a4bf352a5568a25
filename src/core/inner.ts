import * as E from "./expr.js";
import type { Expr } from "./expr.js";

/** ⟨X, Y⟩ = tr(XᵀY), written xᵀy for columns and x yᵀ for rows. */
export function innerProduct(x: Expr, y: Expr): Expr {
  if (x.shape.rows === 1 && x.shape.cols === 1) return E.mul(x, y);
  // ⟨x, 𝟏⟩ is the sum of x's entries, written 𝟏ᵀx whichever way the extraction met it
  // (the softmax gradient's (𝟏ᵀy) s − y), so a differential and its simplified form extract alike
  if (x.shape.cols === 1) return isOnes(y) && !isOnes(x) ? E.mul(E.transpose(y), x) : E.mul(E.transpose(x), y);
  if (x.shape.rows === 1) return E.mul(x, E.transpose(y));
  return E.trace(E.mul(E.transpose(x), y));
}

/** 𝟏, or a multiple of it (−𝟏 as a weight carries its sign). */
function isOnes(e: Expr): boolean {
  const { chain } = E.splitMul(e);
  return e.kind === "ones" || (e.kind === "mul" && chain.length === 1 && chain[0]!.kind === "ones");
}
