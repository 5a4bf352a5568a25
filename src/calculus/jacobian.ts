/**
 * The Jacobian of vec(F) with respect to vec(X) from a differential dF that
 * is linear in dX: vec(dF) = J vec(dX), numerator layout, column-major vec.
 * Forward through the linear form:
 *   vec(L E R)  = (Rᵀ ⊗ L) vec(E)           Matrix Cookbook (2012-11-15) §10.2.2
 *   vec(Eᵀ)     = K vec(E)                   commutation matrix (Magnus & Neudecker §3.7)
 *   vec(A ⊙ E)  = diag(vec A) vec(E)
 *   vec(A ⊗ E)  = P (vec A ⊗ I) vec(E)     P = I ⊗ K ⊗ I, Magnus & Neudecker Theorem 3.10
 *   vec(Diag e) = diag(vec I)(𝟏 ⊗ I) e,    diag(E) = (𝟏ᵀ ⊗ I) diag(vec I) vec(E)
 *   vec(s M)    = vec(M) s                   s a scalar containing dX
 *   s           = ⟨G, dX⟩ = vec(G)ᵀ vec(dX)   any scalar linear form (traces, sums, xᵀdx)
 * For a vector x and vector f this is the ordinary Jacobian: d(Ax) = A dx.
 */
import * as E from "../core/expr.js";
import type { Expr, Diff } from "../core/expr.js";
import { mulDim, shape, isScalarShape, type Shape } from "../core/shape.js";
import { frobeniusGradient } from "./gradient.js";
import { Budget } from "../core/budget.js";
import { NodeMemo } from "../core/memo.js";
import { MatdiffError } from "../errors.js";

const vecSize = (s: Shape) => mulDim(s.rows, s.cols);

/** Jacobians taken before, by df and dX (core/memo.ts). */
const taken = new NodeMemo<Expr>();

export function vecJacobian(df: Expr, dx: Diff, budget: Budget = Budget.unlimited()): Expr {
  return taken.get(df, dx.id) ?? taken.set(df, dx.id, jacobianOf(df, dx, budget));
}

function jacobianOf(df: Expr, dx: Diff, budget: Budget): Expr {
  const memo = new Map<number, boolean>();
  const has = (e: Expr) => E.contains(e, (x) => x === dx, memo);
  const n = vecSize(dx.shape);

  const lin = (e: Expr): Expr => {
    budget.tick();
    if (!has(e)) return E.zero(shape(vecSize(e.shape), n));
    if (e === dx) return E.identity(n);
    // a scalar linear form is ⟨G, dX⟩ = vec(G)ᵀ vec(dX): tr(X⁻¹dX) gives vec(X⁻ᵀ)ᵀ, not vec(I)ᵀ(I ⊗ X⁻¹)
    if (isScalarShape(e.shape)) return E.transpose(E.vec(frobeniusGradient(e, dx, budget)));
    switch (e.kind) {
      case "add":
        return E.add(...e.terms.filter(has).map(lin));
      case "mul": {
        const { coeff, scalars, chain } = E.splitMul(e);
        const si = scalars.findIndex(has);
        if (si >= 0) {
          const rest = E.mul(E.num(coeff), ...scalars.filter((_, i) => i !== si), ...chain);
          return E.mul(E.vec(rest), lin(scalars[si]!));
        }
        const ci = chain.findIndex(has);
        const inner = chain[ci]!;
        const left = ci > 0 ? E.mul(...chain.slice(0, ci)) : E.identity(inner.shape.rows);
        const right = ci + 1 < chain.length ? E.mul(...chain.slice(ci + 1)) : E.identity(inner.shape.cols);
        if (inner.kind === "diagm" && (ci === 0 || ci === chain.length - 1)) {
          // Diag(e)R = (e𝟏ᵀ) ⊙ R and L Diag(e) = L ⊙ (𝟏eᵀ): diag(vec R)(𝟏 ⊗ I) rather than (Rᵀ ⊗ I) diag(vec I)(𝟏 ⊗ I)
          const size = inner.shape.rows;
          const [mask, spread] = ci === 0
            ? [right, E.kron(E.ones(shape(right.shape.cols, 1)), E.identity(size))]
            : [left, E.kron(E.identity(size), E.ones(shape(left.shape.rows, 1)))];
          return E.mul(E.num(coeff), ...scalars, E.diagMat(E.vec(mask)), spread, lin(inner.arg));
        }
        return E.mul(E.num(coeff), ...scalars, E.kron(E.transpose(right), left), lin(inner));
      }
      case "transpose":
        return E.mul(E.commutation(e.arg.shape.rows, e.arg.shape.cols), lin(e.arg));
      case "hadamard": {
        const i = e.factors.findIndex(has);
        const rest = E.hadamard(...e.factors.filter((_, j) => j !== i));
        return E.mul(E.diagMat(E.vec(rest)), lin(e.factors[i]!));
      }
      case "vec":
        return lin(e.arg);
      case "unvec":
        // vec(unvec(u)) = u
        return lin(e.arg);
      case "diagm": {
        // vec(Diag(e)) holds eᵢ at (i, i): n stacked copies (𝟏 ⊗ I)e, masked by diag(vec I)
        const size = e.shape.rows;
        return E.mul(E.diagMat(E.vec(E.identity(size))), E.kron(E.ones(shape(size, 1)), E.identity(size)), lin(e.arg));
      }
      case "diag": {
        // diag(E)ᵢ = Eᵢᵢ: mask the off-diagonal entries of vec(E), then add up its n blocks (E's columns)
        const size = e.arg.shape.rows;
        return E.mul(E.kron(E.ones(shape(1, size)), E.identity(size)), E.diagMat(E.vec(E.identity(size))), lin(e.arg));
      }
      case "kron": {
        // the factors before and after the one holding dX fold in one at a time: L ⊗ M, then (L ⊗ M) ⊗ R
        const i = e.factors.findIndex(has);
        let inner = e.factors[i]!;
        let jac = lin(inner);
        if (i > 0) {
          const left = E.kron(...e.factors.slice(0, i));
          jac = E.mul(kronVec(left, inner), E.kron(E.vec(left), E.identity(vecSize(inner.shape))), jac);
          inner = E.kron(left, inner);
        }
        if (i + 1 < e.factors.length) {
          const right = E.kron(...e.factors.slice(i + 1));
          jac = E.mul(kronVec(inner, right), E.kron(E.identity(vecSize(inner.shape)), E.vec(right)), jac);
        }
        return jac;
      }
      default:
        throw new E.InternalError(`the differential is not linear in d${dx.of.name} at a ${e.kind} node`);
    }
  };

  return lin(df);
}

/**
 * P with vec(A ⊗ B) = P (vec A ⊗ vec B) for A m×n and B p×q:
 * P = I_n ⊗ K_{q,m} ⊗ I_p (Magnus & Neudecker (2019) Theorem 3.10), so that
 * vec(dA ⊗ B) = P (I ⊗ vec B) vec(dA) and vec(A ⊗ dB) = P (vec A ⊗ I) vec(dB).
 */
function kronVec(a: Expr, b: Expr): Expr {
  return E.kron(E.identity(a.shape.cols), E.commutation(b.shape.cols, a.shape.rows), E.identity(b.shape.rows));
}

/** The derivative with respect to a scalar t: dF = F′ dt, so F′ = dF with dt = 1. */
export function scalarDerivative(df: Expr, dt: Diff): Expr {
  return E.mapBottomUp(df, (x) => (x === dt ? E.ONE_NUM : x));
}
