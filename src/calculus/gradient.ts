/**
 * Frobenius extraction: from a differential df that is linear in dX, the
 * gradient G with df = ⟨G, dX⟩ = tr(Gᵀ dX).
 *
 * We propagate a weight W through the linear form ⟨W, E⟩ (E contains dX):
 *   ⟨W, L E R⟩ = ⟨Lᵀ W Rᵀ, E⟩          trace cyclicity, Cookbook eq. (16)
 *   ⟨W, Eᵀ⟩    = ⟨Wᵀ, E⟩               tr(Aᵀ) = tr(A), eq. (13)
 *   ⟨w, tr E⟩  = ⟨w I, E⟩
 *   ⟨W, B ⊙ E⟩ = ⟨W ⊙ B, E⟩            entrywise
 *   ⟨W, s M⟩   = ⟨⟨W, M⟩, s⟩            s a scalar containing dX
 * until E is dX itself; W is then one term of G. This is the textbook
 * "rotate dX to the end of the trace" argument, done once per term.
 */
import * as E from "../core/expr.js";
import type { Expr, Diff } from "../core/expr.js";
import { isScalarShape, shape, type Dim } from "../core/shape.js";
import { transposed } from "../core/symmetry.js";
import { innerProduct } from "../core/inner.js";
import { MatdiffError } from "../errors.js";
import { Budget } from "../core/budget.js";
import { SIMPLIFY_RULES } from "../../rules/simplify/index.js";
import { makeRuleIndex, rewrite } from "../simplify/engine.js";

/**
 * Kronecker products reach dX only through identities: tr(A ⊗ B) = tr A tr B,
 * (A ⊗ B)(C ⊗ D) = AC ⊗ BD and (A ⊗ B)⁻¹ = A⁻¹ ⊗ B⁻¹ (with A⁻¹A = I, so
 * d log det(A ⊗ X) = tr(I ⊗ X⁻¹dX)). This small, bounded rule set (not the general
 * simplifier) brings them into that form before the extraction.
 */
const KRONECKER = makeRuleIndex(SIMPLIFY_RULES.filter((r) => r.tags?.includes("kronecker-normal-form")));

function kroneckerNormalForm(df: Expr): Expr {
  return E.contains(df, (x) => x.kind === "kron") ? rewrite(df, KRONECKER, { maxSteps: 1000 }).expr : df;
}

export function frobeniusGradient(df: Expr, dx: Diff, budget: Budget = Budget.unlimited()): Expr {
  return frobeniusTerms(df, dx, budget).gradient;
}

/** The extraction with its pieces: for each term of df, the weights Wᵢ with that term = Σ ⟨Wᵢ, dX⟩. */
export interface FrobeniusTerms {
  /** G = Σ of every weight. */
  readonly gradient: Expr;
  /** df's terms, each with its weights (a derivation writes each term as tr(Wᵢᵀ dX)). */
  readonly terms: readonly { readonly term: Expr; readonly weights: readonly Expr[] }[];
}

export function frobeniusTerms(df: Expr, dx: Diff, budget: Budget = Budget.unlimited()): FrobeniusTerms {
  const memo = new Map<number, boolean>();
  const has = (e: Expr) => E.contains(e, (x) => x === dx, memo);
  let terms: Expr[] = [];

  const visit = (w: Expr, e: Expr): void => {
    budget.tick();
    if (!has(e)) return;
    if (e === dx) { terms.push(w); return; }
    switch (e.kind) {
      case "add":
        for (const t of e.terms) visit(w, t);
        return;
      case "mul": {
        const { coeff, scalars, chain } = E.splitMul(e);
        const si = scalars.findIndex(has);
        if (si >= 0) {
          const rest = E.mul(E.num(coeff), ...scalars.filter((_, i) => i !== si), ...chain);
          visit(innerProduct(w, rest), scalars[si]!);
          return;
        }
        const ci = chain.findIndex(has);
        const left = E.mul(...chain.slice(0, ci));
        const right = E.mul(...chain.slice(ci + 1));
        visit(E.mul(E.num(coeff), ...scalars, E.transpose(left), w, E.transpose(right)), chain[ci]!);
        return;
      }
      case "transpose":
        visit(E.transpose(w), e.arg);
        return;
      case "trace":
        visit(E.mul(w, E.identity(e.arg.shape.rows)), e.arg);
        return;
      case "hadamard": {
        const i = e.factors.findIndex(has);
        visit(E.hadamard(w, ...e.factors.filter((_, j) => j !== i)), e.factors[i]!);
        return;
      }
      case "diagm":
        visit(E.diagVec(w), e.arg);
        return;
      case "diag":
        visit(E.diagMat(w), e.arg);
        return;
      case "sum":
        visit(E.mul(w, E.ones(e.arg.shape)), e.arg);
        return;
      case "vec": {
        // ⟨vec(M), vec(E)⟩ = ⟨M, E⟩, and W = Σ cᵢ vec(Mᵢ) is vec(Σ cᵢ Mᵢ)
        const m = unvec(w, e.arg.shape.rows, e.arg.shape.cols);
        if (m) { visit(m, e.arg); return; }
        throw new MatdiffError("unsupported", "this gradient through vec(·) needs the inverse reshaping, which is not supported yet");
      }
      case "kron":
        throw new MatdiffError("unsupported", "this gradient through a Kronecker product is not supported yet (traces and products of Kronecker products are)");
      default:
        throw new E.InternalError(`the differential is not linear in d${dx.of.name} at a ${e.kind} node`);
    }
  };

  if (!isScalarShape(df.shape)) throw new E.InternalError("frobeniusGradient needs a scalar differential");
  const normal = kroneckerNormalForm(df);
  const all: Expr[] = [];
  const byTerm = (normal.kind === "add" ? normal.terms : [normal]).map((term) => {
    terms = [];
    visit(E.ONE_NUM, term);
    all.push(...terms);
    return { term, weights: terms };
  });
  return { gradient: all.length ? E.add(...all) : E.zero(dx.shape), terms: byTerm };
}

/**
 * M with vec(M) = w, when w is written as vec(M), a scalar multiple of one or a
 * sum of such (2 vec(A) after simplification); null otherwise (a general
 * mn-vector would need an unvec node).
 */
function unvec(w: Expr, rows: Dim, cols: Dim): Expr | null {
  if (w.kind === "vec") return w.arg.shape.rows === rows && w.arg.shape.cols === cols ? w.arg : null;
  // the weight arrives as (2 vec(A)ᵀ)ᵀ when dX sat in a row: push the transpose through the product
  if (w.kind === "transpose") return unvec(transposed(w.arg), rows, cols);
  if (w.kind === "ones") return E.ones(shape(rows, cols)); // 𝟏 = vec(𝟏), as sum(vec(X)) gives
  if (w.kind === "add") {
    const terms = w.terms.map((t) => unvec(t, rows, cols));
    return terms.every((t): t is Expr => t !== null) ? E.add(...terms) : null;
  }
  if (w.kind === "mul") {
    const { coeff, scalars, chain } = E.splitMul(w);
    const inner = chain.length === 1 ? unvec(chain[0]!, rows, cols) : null;
    return inner && E.mul(E.num(coeff), ...scalars, inner);
  }
  return null;
}
