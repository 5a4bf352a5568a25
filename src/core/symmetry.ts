/**
 * Structural symmetry: Mᵀ computed by pushing the transpose to the leaves,
 * where symmetric declarations absorb it. M is symmetric when that gives M
 * back (sums compared as sets of terms), so (I + XXᵀ)⁻ᵀ = (I + XXᵀ)⁻¹ and
 * (A + XᵀCX)ᵀ = A + XᵀCX when A and C are declared symmetric.
 */
import * as E from "./expr.js";
import type { Expr } from "./expr.js";
import { OPERATIONS } from "./operations.js";

/** Keyed by the node itself, weakly: an entry goes when its node does (a map by id kept every node it had met alive). */
const cache = new WeakMap<Expr, Expr>();

/** Mᵀ with the transpose pushed to the leaves; memoised, since the symmetry rule asks at every transpose. */
export function transposed(e: Expr): Expr {
  const hit = cache.get(e);
  if (hit) return hit;
  const t = computeTransposed(e);
  cache.set(e, t);
  return t;
}

function computeTransposed(e: Expr): Expr {
  switch (e.kind) {
    case "mul": {
      const { coeff, scalars, chain } = E.splitMul(e);
      return E.mul(E.num(coeff), ...scalars, ...chain.slice().reverse().map(transposed));
    }
    case "add": return E.add(...e.terms.map(transposed));
    case "transpose": return e.arg;
    case "inverse": return E.inverse(transposed(e.arg));
    case "power": return E.power(transposed(e.arg), e.exp);
    case "hadamard": return E.hadamard(...e.factors.map(transposed));
    case "kron": return E.kron(...e.factors.map(transposed));
    case "fn": return OPERATIONS[e.name].kind === "elementwise" ? E.fn(e.name, transposed(e.arg)) : E.transpose(e);
    case "hpower": return E.hpower(transposed(e.arg), e.exp);
    default: return E.transpose(e);
  }
}

/** Equal up to the order of terms in sums and of Hadamard factors. */
function sameUpToOrder(a: Expr, b: Expr): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  const ka = E.children(a);
  const kb = E.children(b);
  if (ka.length !== kb.length || ka.length === 0) return false;
  if (a.kind === "add" || a.kind === "hadamard") {
    const rest = [...kb];
    return ka.every((x) => {
      const i = rest.findIndex((y) => sameUpToOrder(x, y));
      if (i < 0) return false;
      rest.splice(i, 1);
      return true;
    });
  }
  return E.rebuild(a, kb) === b && ka.every((x, i) => sameUpToOrder(x, kb[i]!));
}

export function isSymmetric(e: Expr): boolean {
  if (e.shape.rows !== e.shape.cols) return false;
  return sameUpToOrder(transposed(e), e);
}
