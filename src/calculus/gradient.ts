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
import { NodeMemo } from "../core/memo.js";
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
  /** The differential the terms were extracted from. */
  readonly of: Expr;
  /** G = Σ of every weight. */
  readonly gradient: Expr;
  /** df's terms, each with its weights (a derivation writes each term as tr(Wᵢᵀ dX)). */
  readonly terms: readonly { readonly term: Expr; readonly weights: readonly Expr[] }[];
}

/** Extractions made before, by df and dX (core/memo.ts). */
const extracted = new NodeMemo<FrobeniusTerms>();

export function frobeniusTerms(df: Expr, dx: Diff, budget: Budget = Budget.unlimited()): FrobeniusTerms {
  return extracted.get(df, dx.id) ?? extracted.set(df, dx.id, extract(df, dx, budget));
}

function extract(df: Expr, dx: Diff, budget: Budget): FrobeniusTerms {
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
      case "vec":
        // ⟨w, vec(E)⟩ = ⟨unvec(w), E⟩
        visit(unvecOf(w, e.arg.shape.rows, e.arg.shape.cols), e.arg);
        return;
      case "unvec":
        visit(E.vec(w), e.arg);
        return;
      case "kron":
        visitKron(w, e);
        return;
      default:
        throw new E.InternalError(`the differential is not linear in d${dx.of.name} at a ${e.kind} node`);
    }
  };

  /**
   * ⟨W, A ⊗ E⟩ for a weight W = Σ uvᵀ of rank-one terms, through (A ⊗ B)vec(C) = vec(BCAᵀ)
   * (Magnus & Neudecker (2019) ch. 2, Theorem 2): uᵀ(A ⊗ E)v = ⟨U, E V Aᵀ⟩ = ⟨U A Vᵀ, E⟩ and
   * uᵀ(E ⊗ B)v = ⟨U, B V Eᵀ⟩ = ⟨Uᵀ B V, E⟩, with U = unvec(u) and V = unvec(v) shaped to fit.
   */
  const visitKron = (w: Expr, e: E.Kron): void => {
    const unsupported = () => new MatdiffError("unsupported", "this gradient through a Kronecker product is not supported yet (traces and products of Kronecker products are, and uᵀ(A ⊗ X)v)");
    if (w.kind === "add") { for (const t of w.terms) visitKron(t, e); return; }
    if (e.factors.length !== 2) throw unsupported();
    const [u, v] = rankOne(w) ?? [null, null];
    if (!u || !v) throw unsupported();
    const [a, b] = e.factors as [Expr, Expr];
    if (has(a) && has(b)) throw unsupported();
    if (has(b)) {
      const U = unvecOf(u, b.shape.rows, a.shape.rows), V = unvecOf(v, b.shape.cols, a.shape.cols);
      visit(E.mul(U, a, E.transpose(V)), b);
    } else {
      const U = unvecOf(u, b.shape.rows, a.shape.rows), V = unvecOf(v, b.shape.cols, a.shape.cols);
      visit(E.mul(E.transpose(U), b, V), a);
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
  return { of: df, gradient: all.length ? E.add(...all) : E.zero(dx.shape), terms: byTerm };
}

/**
 * M with vec(M) = w, the rows×cols matrix: M itself when w is written vec(M) (or a scalar
 * multiple, or a sum, 2 vec(A) after simplification); Q unvec(r) Pᵀ when w = (P ⊗ Q) r, by
 * (P ⊗ Q)vec(R) = vec(Q R Pᵀ) (seed 001: ∇_C uᵀ(A ⊗ B)vec(C) = Bᵀ unvec(u) A); else unvec(w).
 */
function unvecOf(w: Expr, rows: Dim, cols: Dim): Expr {
  if (w.kind === "vec" && w.arg.shape.rows === rows && w.arg.shape.cols === cols) return w.arg;
  // the weight arrives as (2 vec(A)ᵀ)ᵀ when dX sat in a row: push the transpose through the product
  if (w.kind === "transpose") {
    const pushed = transposed(w.arg);
    if (pushed.kind !== "transpose") return unvecOf(pushed, rows, cols);
  }
  if (w.kind === "ones") return E.mul(E.ones(shape(rows, 1)), E.ones(shape(1, cols))); // 𝟏 = vec(𝟏𝟏ᵀ), as sum(vec(X)) gives
  if (w.kind === "add") return E.add(...w.terms.map((t) => unvecOf(t, rows, cols)));
  if (w.kind === "mul") {
    const { coeff, scalars, chain } = E.splitMul(w);
    const [first, ...rest] = chain;
    if (chain.length === 1) return E.mul(E.num(coeff), ...scalars, unvecOf(first!, rows, cols));
    if (first?.kind === "kron" && first.factors.length === 2 && rest.length > 0) {
      const [p, q] = first.factors as [Expr, Expr];
      if (q.shape.rows === rows && p.shape.rows === cols) {
        return E.mul(E.num(coeff), ...scalars, q, unvecOf(E.mul(...rest), q.shape.cols, p.shape.cols), E.transpose(p));
      }
    }
  }
  return E.unvec(w, rows, cols);
}

/**
 * [u, v] with w = u vᵀ, reading w's product at a 1×1 joint (x yᵀ, 2 (Ax) bᵀ; a column is
 * w·1ᵀ, a row 1·w); null when w is not written as a rank-one product.
 */
function rankOne(w: Expr): [Expr, Expr] | null {
  if (w.shape.cols === 1) return [w, E.ONE_NUM];
  if (w.shape.rows === 1) return [E.ONE_NUM, E.transpose(w)];
  if (w.kind !== "mul") return null;
  const { coeff, scalars, chain } = E.splitMul(w);
  const j = chain.findIndex((f, i) => i < chain.length - 1 && f.shape.cols === 1);
  if (j < 0) return null;
  return [E.mul(E.num(coeff), ...scalars, ...chain.slice(0, j + 1)), E.transpose(E.mul(...chain.slice(j + 1)))];
}
