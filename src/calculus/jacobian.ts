/**
 * The Jacobian of vec(F) with respect to vec(X) from a differential dF that
 * is linear in dX: vec(dF) = J vec(dX), numerator layout, column-major vec.
 * Forward through the linear form:
 *   vec(L E R)  = (Rᵀ ⊗ L) vec(E)           Matrix Cookbook (2012-11-15) §10.2.2
 *   vec(Eᵀ)     = K vec(E)                   commutation matrix (Magnus & Neudecker §3.7)
 *   vec(A ⊙ E)  = diag(vec A) vec(E)
 *   vec(s M)    = vec(M) s                   s a scalar containing dX
 *   s           = ⟨G, dX⟩ = vec(G)ᵀ vec(dX)   any scalar linear form (traces, sums, xᵀdx)
 * For a vector x and vector f this is the ordinary Jacobian: d(Ax) = A dx.
 */
import * as E from "../core/expr.js";
import type { Expr, Diff } from "../core/expr.js";
import { mulDim, shape, isScalarShape, type Shape } from "../core/shape.js";
import { frobeniusGradient } from "./gradient.js";
import { Budget } from "../core/budget.js";
import { MatdiffError } from "../errors.js";

const vecSize = (s: Shape) => mulDim(s.rows, s.cols);

export function vecJacobian(df: Expr, dx: Diff, budget: Budget = Budget.unlimited()): Expr {
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
      case "kron": case "diag": case "diagm":
        throw new MatdiffError("unsupported", `Jacobians through ${e.kind === "kron" ? "a Kronecker product" : "diag(·)"} are not supported yet`);
      default:
        throw new E.InternalError(`the differential is not linear in d${dx.of.name} at a ${e.kind} node`);
    }
  };

  return lin(df);
}

/** The derivative with respect to a scalar t: dF = F′ dt, so F′ = dF with dt = 1. */
export function scalarDerivative(df: Expr, dt: Diff): Expr {
  return E.mapBottomUp(df, (x) => (x === dt ? E.ONE_NUM : x));
}
