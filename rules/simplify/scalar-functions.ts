/**
 * Traces, determinants and log-determinants.
 * Cookbook (2012-11-15) §1.1: trace eqs. (11)–(17), determinant eqs. (18)–(23).
 */
import * as E from "../../src/core/expr.js";
import type { Expr } from "../../src/core/expr.js";
import * as Q from "../../src/core/rational.js";
import { rewriteRule, type AnyRewriteRule } from "../rule.js";
import { sortKey } from "../../src/core/order.js";
import { shape, type Dim } from "../../src/core/shape.js";

const CB = (eq: string) => `Matrix Cookbook (2012-11-15) eq. (${eq})`;

const rotationsOf = (chain: readonly Expr[]): Expr[][] => chain.map((_, i) => [...chain.slice(i), ...chain.slice(0, i)]);

/**
 * The canonical rotation of a trace, tr(ABC) = tr(BCA) = tr(CAB) = tr(CᵀBᵀAᵀ): the
 * smallest by sortKey of the rotations of the product and of its transpose (eq. 13),
 * so tr((dX)ᵀX) meets tr(Xᵀ dX). Used to compare traces (like terms), not to print
 * them: a trace keeps the rotation it was written or derived in.
 */
export function canonicalTraceKey(e: Expr): Expr {
  if (e.kind !== "trace" || (e.arg.kind !== "mul" && e.arg.kind !== "power")) return e;
  // X² is X X here: tr(dX X²) and tr(X dX X) are one rotation apart only factor by factor
  const chain = E.splitMul(e.arg).chain.flatMap((f) =>
    (f.kind === "power" && Q.isInt(f.exp) && f.exp.n > 1 && f.exp.n <= MAX_EXPANDED_POWER ? Array<Expr>(f.exp.n).fill(f.arg) : [f]));
  let best = chain;
  let bestKey = chain.map(sortKey).join(" ");
  const transposed = chain.map((f) => E.transpose(f)).reverse();
  for (const r of [...rotationsOf(chain).slice(1), ...rotationsOf(transposed)]) {
    const k = r.map(sortKey).join(" ");
    if (k < bestKey) { best = r; bestKey = k; }
  }
  return best === chain && e.arg.kind === "mul" && chain.length === E.splitMul(e.arg).chain.length ? e : E.trace(E.mul(...best));
}

/** Powers up to this are spelled out factor by factor when traces are compared. */
const MAX_EXPANDED_POWER = 64;

export const SCALAR_FUNCTION_RULES: readonly AnyRewriteRule[] = [
  rewriteRule({
    id: "trace-transpose", source: CB("13"), formula: "\\operatorname{tr}(A^{\\top}) = \\operatorname{tr}(A)",
    witness: "tr(A^T)", on: ["trace"],
    apply: (e) => (e.arg.kind === "transpose" ? E.trace(e.arg.arg) : null),
  }),
  rewriteRule({
    id: "trace-linear", tags: ["mechanical", "kronecker-normal-form"], source: CB("15") + " and linearity", formula: "\\operatorname{tr}(c A + B) = c \\operatorname{tr}(A) + \\operatorname{tr}(B)",
    witness: "tr(2 A + B)", on: ["trace"],
    apply: (e) => {
      if (e.arg.kind === "add") return E.add(...e.arg.terms.map(E.trace));
      if (e.arg.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      if (Q.eq(coeff, Q.ONE) && scalars.length === 0) return null;
      return E.mul(E.num(coeff), ...scalars, E.trace(E.mul(...chain)));
    },
  }),
  rewriteRule({
    // a symbolic size has no scalar expression, so tr(I_n) stays; the index form writes it n
    id: "trace-identity", source: "derived: tr(I_n) = n", formula: "\\operatorname{tr}(I_{3}) = 3",
    witness: "tr(A + I)", witnessLet: ["A: 3 x 3"], on: ["trace"],
    apply: (e) => (e.arg.kind === "identity" && typeof e.arg.shape.rows === "number" ? E.num(e.arg.shape.rows) : null),
  }),
  rewriteRule({
    // tr(a bᵀ) = bᵀa: a rotation that starts with a row is a scalar and needs no trace
    id: "trace-of-outer-product", source: CB("16") + " and (17)", formula: "\\operatorname{tr}(a b^{\\top} C) = b^{\\top} C a",
    witness: "tr(x y^T A)", on: ["trace"],
    apply: (e) => {
      if (e.arg.kind !== "mul") return null;
      const r = rotationsOf(E.splitMul(e.arg).chain).find((c) => c[0]!.shape.rows === 1);
      return r ? E.trace(E.mul(...r)) : null;
    },
  }),
  rewriteRule({
    id: "trace-kronecker", tags: ["kronecker-normal-form"], source: "Matrix Cookbook (2012-11-15) §10.2.1", formula: "\\operatorname{tr}(A \\otimes B) = \\operatorname{tr}(A) \\operatorname{tr}(B)",
    witness: "tr(A \\otimes B)", on: ["trace"],
    apply: (e) => (e.arg.kind === "kron" && e.arg.factors.every((f) => f.shape.rows === f.shape.cols)
      ? E.mul(...e.arg.factors.map(E.trace)) : null),
  }),
  rewriteRule({
    // square factors: then A ⊗ B is invertible exactly when each is, and the mixed product gives the inverse
    id: "kron-inverse", tags: ["kronecker-normal-form"], source: "Matrix Cookbook (2012-11-15) §10.2.1", formula: "(A \\otimes B)^{-1} = A^{-1} \\otimes B^{-1}",
    witness: "(A \\otimes B)^{-1}", on: ["inverse"],
    apply: (e) => {
      if (e.arg.kind !== "kron" || !e.arg.factors.every((f) => f.shape.rows === f.shape.cols)) return null;
      return E.kron(...e.arg.factors.map(E.inverse));
    },
  }),
  rewriteRule({
    id: "kron-mixed-product", tags: ["kronecker-normal-form"], source: "Matrix Cookbook (2012-11-15) §10.2.1", formula: "(A \\otimes B)(C \\otimes D) = A C \\otimes B D",
    witness: "(A \\otimes B) (C \\otimes D)", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      for (let i = 0; i + 1 < chain.length; i++) {
        const l = chain[i]!;
        const r = chain[i + 1]!;
        if (l.kind !== "kron" || r.kind !== "kron" || l.factors.length !== r.factors.length) continue;
        if (!l.factors.every((f, k) => f.shape.cols === r.factors[k]!.shape.rows)) continue;
        const merged = E.kron(...l.factors.map((f, k) => E.mul(f, r.factors[k]!)));
        return E.mul(E.num(coeff), ...scalars, ...chain.slice(0, i), merged, ...chain.slice(i + 2));
      }
      return null;
    },
  }),
  rewriteRule({
    // d(X⁻ᵀ) in a Hessian leaves (Σ Aᵢ ⊗ Bᵢ) K (C ⊗ D); for n×n factors (A ⊗ B)K = K(B ⊗ A)
    // (Magnus & Neudecker Theorem 3.9 with K_{n,n}² = I), and the mixed product then multiplies
    // through: K Σ BᵢC ⊗ AᵢD. Only between two Kronecker products, so a lone (A ⊗ B)K stays as written.
    id: "commutation-between-kron-products", source: "derived: Magnus & Neudecker (2019) Theorem 3.9 and Matrix Cookbook (2012-11-15) §10.2.1",
    formula: "(A \\otimes B) K (C \\otimes D) = K (B C \\otimes A D)", witness: "jacobian of (X^{-T})^2 wrt X", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      /** Σ cᵢ Aᵢ ⊗ Bᵢ with every factor n×n, as its terms; null otherwise. */
      const kronTerms = (x: Expr, n: Dim): { lead: Expr[]; a: Expr; b: Expr }[] | null => {
        const terms = x.kind === "add" ? x.terms : [x];
        const out: { lead: Expr[]; a: Expr; b: Expr }[] = [];
        for (const t of terms) {
          const m = E.splitMul(t);
          const k = m.chain.length === 1 ? m.chain[0]! : null;
          if (!k || k.kind !== "kron" || k.factors.length !== 2) return null;
          const [a, b] = k.factors as [Expr, Expr];
          if ([a, b].some((f) => f.shape.rows !== n || f.shape.cols !== n)) return null;
          out.push({ lead: [E.num(m.coeff), ...m.scalars], a, b });
        }
        return out;
      };
      for (let i = 0; i + 2 < chain.length; i++) {
        const k = chain[i + 1]!;
        if (k.kind !== "commutation" || k.m !== k.n) continue;
        const left = kronTerms(chain[i]!, k.n);
        const right = kronTerms(chain[i + 2]!, k.n);
        if (!left || !right || right.length !== 1) continue;
        const { lead, a: c, b: d } = right[0]!;
        const moved = E.add(...left.map((t) => E.mul(...t.lead, E.kron(E.mul(t.b, c), E.mul(t.a, d)))));
        return E.mul(E.num(coeff), ...scalars, ...lead, ...chain.slice(0, i), k, moved, ...chain.slice(i + 3));
      }
      return null;
    },
  }),
  rewriteRule({
    // log det(XᵀX)'s Hessian leaves (M ⊗ XM)((Xᵀ ⊗ I)K + I ⊗ Xᵀ): multiplied through, each
    // term is one Kronecker product (MXᵀ ⊗ XM)K + M ⊗ XMXᵀ, which like terms can then meet
    id: "kron-product-over-sum", source: "Matrix Cookbook (2012-11-15) §10.2.1 (mixed product) and distributivity",
    formula: "(A \\otimes B)(C \\otimes D + (E \\otimes F) K) = A C \\otimes B D + (A E \\otimes B F) K", witness: "(A \\otimes B) (C \\otimes D + E \\otimes F)", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      for (let i = 0; i + 1 < chain.length; i++) {
        const l = chain[i]!;
        const r = chain[i + 1]!;
        if (l.kind !== "kron" || l.factors.length !== 2 || r.kind !== "add") continue;
        const [a, b] = l.factors as [Expr, Expr];
        const terms: Expr[] = [];
        for (const t of r.terms) {
          const m = E.splitMul(t);
          const k = m.chain[0];
          const rest = m.chain.slice(1);
          if (!k || k.kind !== "kron" || k.factors.length !== 2 || !rest.every((f) => f.kind === "commutation")) break;
          const [c, d] = k.factors as [Expr, Expr];
          if (a.shape.cols !== c.shape.rows || b.shape.cols !== d.shape.rows) break;
          terms.push(E.mul(E.num(m.coeff), ...m.scalars, E.kron(E.mul(a, c), E.mul(b, d)), ...rest));
        }
        if (terms.length !== r.terms.length) continue;
        return E.mul(E.num(coeff), ...scalars, ...chain.slice(0, i), E.add(...terms), ...chain.slice(i + 2));
      }
      return null;
    },
  }),
  rewriteRule({
    // a(M ⊗ P) + b(M ⊗ Q) = M ⊗ (aP + bQ), written a(M ⊗ (P + (b/a)Q)): 2(M ⊗ I) − 2(M ⊗ XMXᵀ) = 2(M ⊗ (I − XMXᵀ))
    id: "factor-common-kron-left", source: "derived: the Kronecker product is bilinear (Matrix Cookbook (2012-11-15) §10.2.1)",
    formula: "a (M \\otimes P) + b (M \\otimes Q) = a (M \\otimes (P + \\tfrac{b}{a} Q))", witness: "2 (A \\otimes B) - 2 (A \\otimes C)", on: ["add"],
    apply: (e) => {
      // c(A + B) counts as cA + cB here (−2(P + Q) from factoring a coefficient out), but is only
      // opened when a pair then shares its left factor: otherwise the sum stays as it was
      const flat = e.terms.flatMap((t) => {
        const m = E.splitMul(t);
        const sum = m.chain.length === 1 && m.scalars.length === 0 ? m.chain[0]! : null;
        return sum && sum.kind === "add" ? sum.terms.map((u) => E.mul(E.num(m.coeff), u)) : [t];
      });
      const parts = flat.map((t) => {
        const m = E.splitMul(t);
        const k = m.chain.length === 1 ? m.chain[0]! : null;
        return k && k.kind === "kron" && k.factors.length === 2 && m.scalars.length === 0 ? { coeff: m.coeff, left: k.factors[0]!, right: k.factors[1]! } : null;
      });
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        if (!p) continue;
        const members = parts.map((q, j) => (q && q.left === p.left && q.right.shape.rows === p.right.shape.rows && q.right.shape.cols === p.right.shape.cols ? j : -1)).filter((j) => j >= 0);
        if (members.length < 2) continue;
        const inner = E.add(...members.map((j) => E.mul(E.num(Q.div(parts[j]!.coeff, p.coeff)), parts[j]!.right)));
        const factored = E.mul(E.num(p.coeff), E.kron(p.left, inner));
        const out: Expr[] = [];
        flat.forEach((t, j) => { if (j === members[0]) out.push(factored); else if (!members.includes(j)) out.push(t); });
        return E.add(...out);
      }
      return null;
    },
  }),
  rewriteRule({
    // M(r ⊗ I) = (1 ⊗ M)(r ⊗ I) = r ⊗ M for a row r, and u vec(abᵀ)ᵀ = u(bᵀ ⊗ aᵀ) = bᵀ ⊗ uaᵀ (vec(abᵀ) = b ⊗ a): where a
    // sum has M(r ⊗ I) and another term of that row, they are one Kronecker product r ⊗ (M + N) (softmax(Wx) by W
    // arrives as diag(s)(xᵀ ⊗ I) − s vec(sxᵀ)ᵀ: xᵀ ⊗ (diag(s) − ssᵀ)); a lone diag(σ′)(xᵀ ⊗ I) stays as the chain rule
    // writes it
    id: "kron-row-sum", source: "Matrix Cookbook (2012-11-15) §10.2.1 (mixed product with the 1×1 identity; bilinearity) and eq. (520), vec(abᵀ) = b ⊗ a",
    formula: "M (r \\otimes I) + r \\otimes N = r \\otimes (M + N), \\quad u \\operatorname{vec}(a b^{\\top})^{\\top} = b^{\\top} \\otimes u a^{\\top} \\quad (r \\text{ a row})",
    witness: "jacobian of softmax(W x) wrt W", on: ["add"],
    apply: (e) => {
      // every sum meets this rule: only one with Kronecker products among its terms pays for more
      const krons = (t: Expr) => t.kind === "kron" || (t.kind === "mul" && t.factors.some((f) => f.kind === "kron" || (f.kind === "transpose" && f.arg.kind === "vec")));
      if (!e.terms.some(krons)) return null;
      const parts = e.terms.map((t) => {
        const { coeff, scalars, chain } = E.splitMul(t);
        const lead = [E.num(coeff), ...scalars];
        if (chain.length === 1 && chain[0]!.kind === "kron" && chain[0]!.factors.length === 2 && chain[0]!.factors[0]!.shape.rows === 1) {
          return { row: chain[0]!.factors[0]!, inner: E.mul(...lead, chain[0]!.factors[1]!), absorbed: false };
        }
        const k = chain[1];
        // M(r ⊗ N) = r ⊗ MN (softmax(AWx) by W: diag(s)(xᵀ ⊗ A))
        if (chain.length === 2 && k?.kind === "kron" && k.factors.length === 2 && k.factors[0]!.shape.rows === 1) {
          return { row: k.factors[0]!, inner: E.mul(...lead, chain[0]!, k.factors[1]!), absorbed: true };
        }
        // u vec(abᵀ)ᵀ, u a column, a a column however many factors make it: bᵀ ⊗ uaᵀ
        if (chain.length === 2 && chain[0]!.shape.cols === 1 && k?.kind === "transpose" && k.arg.kind === "vec" && k.arg.arg.kind === "mul") {
          const outer = E.splitMul(k.arg.arg);
          const bT = outer.chain[outer.chain.length - 1];
          const column = outer.chain.slice(0, -1);
          if (bT !== undefined && bT.shape.rows === 1 && column.length > 0 && column[column.length - 1]!.shape.cols === 1) {
            return { row: bT, inner: E.mul(...lead, E.num(outer.coeff), ...outer.scalars, chain[0]!, E.transpose(E.mul(...column))), absorbed: false };
          }
        }
        return null;
      });
      for (const p of parts) {
        if (!p?.absorbed) continue;
        const members = parts.filter((q) => q !== null && q.row === p.row && q.inner.shape.rows === p.inner.shape.rows && q.inner.shape.cols === p.inner.shape.cols);
        if (members.length < 2 || members.every((q) => q!.absorbed)) continue;
        const merged = E.kron(p.row, E.add(...members.map((q) => q!.inner)));
        return E.add(merged, ...e.terms.filter((_, i) => !members.includes(parts[i]!)));
      }
      return null;
    },
  }),
  rewriteRule({
    // (u ⊗ vᵀ)_{(i,1),(1,j)} = u_i v_j and (vᵀ ⊗ u)_{(1,i),(j,1)} = v_j u_i: both are the outer product u vᵀ
    id: "kron-column-row", source: "derived: entrywise (a ⊗ bᵀ)_{ij} = a_i b_j = (bᵀ ⊗ a)_{ij} = (a bᵀ)_{ij}",
    formula: "a \\otimes b^{\\top} = b^{\\top} \\otimes a = a b^{\\top}", witness: "x^T \\otimes y + y \\otimes x^T", on: ["kron"],
    apply: (e) => {
      if (e.factors.length !== 2) return null;
      const isColumn = (f: Expr) => f.shape.cols === 1 && f.shape.rows !== 1;
      const isRow = (f: Expr) => f.shape.rows === 1 && f.shape.cols !== 1;
      const [l, r] = e.factors as [Expr, Expr];
      if (isColumn(l) && isRow(r)) return E.mul(l, r);
      if (isRow(l) && isColumn(r)) return E.mul(r, l);
      return null;
    },
  }),
  rewriteRule({
    // tr(dX (dX X + X dX)) = tr(dX dX X) + tr(dX X dX) = 2 tr((dX)² X): a trace of a product
    // with a sum is multiplied out only when every term is the same trace up to rotation, so
    // the result is one term (d² tr(X³) = 6 tr(X (dX)²), not a sum of rotations)
    id: "trace-distribute-rotations", source: CB("16") + " and linearity",
    formula: "\\operatorname{tr}(A (A B + B A)) = 2 \\operatorname{tr}(A^{2} B)", witness: "tr(A (A B + B A))", on: ["trace"],
    apply: (e) => {
      if (e.arg.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      const i = chain.findIndex((f) => f.kind === "add");
      if (i < 0 || chain.findIndex((f, j) => j > i && f.kind === "add") >= 0) return null;
      const sum = chain[i] as E.Add;
      const terms = sum.terms.map((t) => {
        const split = E.splitMul(t);
        return { coeff: split.coeff, scalars: split.scalars, trace: E.trace(E.mul(...chain.slice(0, i), ...split.chain, ...chain.slice(i + 1))) };
      });
      const key = canonicalTraceKey(terms[0]!.trace);
      if (terms.some((t) => t.scalars.length > 0 || canonicalTraceKey(t.trace) !== key)) return null;
      const total = terms.reduce((acc, t) => Q.add(acc, t.coeff), Q.ZERO);
      // the rotation with the differentials last, as a gradient's tr(G dX) is written: 6 tr(X (dX)²)
      const first = E.splitMul((terms[0]!.trace as E.Trace).arg).chain;
      const isD = (f: Expr) => f.kind === "d" || (f.kind === "power" && f.arg.kind === "d");
      const shown = rotationsOf(first).find((r) => !isD(r[0]!) && isD(r[r.length - 1]!)) ?? first;
      return E.mul(E.num(Q.mul(coeff, total)), ...scalars, E.trace(E.mul(...shown)));
    },
  }),
  rewriteRule({
    id: "vec-linear", tags: ["mechanical"], source: "derived: vec is linear", formula: "\\operatorname{vec}(s A) = s \\operatorname{vec}(A)",
    witness: "vec(det(X) X^{-T})", on: ["vec"],
    apply: (e) => {
      if (e.arg.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      if (Q.eq(coeff, Q.ONE) && scalars.length === 0) return null;
      return E.mul(E.num(coeff), ...scalars, E.vec(E.mul(...chain)));
    },
  }),
  rewriteRule({
    // ∇ vec(X)ᵀA vec(X) arrives as unvec(A vec(X)) + unvec(Aᵀ vec(X)); one unvec lets the sum collect
    id: "unvec-linear", source: "derived: unvec, the inverse of vec, is linear", formula: "\\operatorname{unvec}(a) + s \\operatorname{unvec}(b) = \\operatorname{unvec}(a + s b)",
    witness: "unvec(a) + 2 unvec(b) + \\alpha unvec(b)", on: ["add"],
    apply: (e) => {
      const parts = e.terms.map((t) => {
        const { coeff, scalars, chain } = E.splitMul(t);
        return chain.length === 1 && chain[0]!.kind === "unvec" ? { t, inner: E.mul(E.num(coeff), ...scalars, chain[0].arg) } : null;
      });
      const unvecs = parts.filter((p): p is NonNullable<typeof p> => p !== null);
      if (unvecs.length < 2) return null;
      const merged = E.unvec(E.add(...unvecs.map((p) => p.inner)), e.shape.rows, e.shape.cols);
      return E.add(merged, ...e.terms.filter((_, i) => parts[i] === null));
    },
  }),
  rewriteRule({
    // ∇ of 𝟏ᵀ(x ⊗ x) arrives as unvec(c𝟏): the all-ones n²-vector is vec of the all-ones n×n matrix, 𝟏𝟏ᵀ
    id: "unvec-ones", source: "derived: vec(𝟏_m 𝟏_nᵀ) = 𝟏_{mn}", formula: "\\operatorname{unvec}(c \\mathbf{1}) = c \\mathbf{1} \\mathbf{1}^{\\top}",
    witness: "A + unvec(2 \\mathbf{1})", witnessLet: ["A: 3 x 3"], on: ["unvec"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      return chain.length === 1 && chain[0]!.kind === "ones" ? E.mul(E.num(coeff), ...scalars, E.ones(shape(e.shape.rows, 1)), E.ones(shape(1, e.shape.cols))) : null;
    },
  }),
  rewriteRule({
    // merge-powers writes (A ⊗ B)(A ⊗ B) as (A ⊗ B)², which the mixed product must still reach
    id: "kron-power", tags: ["kronecker-normal-form"], source: "Matrix Cookbook (2012-11-15) §10.2.1 (mixed product, repeated)", formula: "(A \\otimes B)^{k} = A^{k} \\otimes B^{k}",
    witness: "(A \\otimes B)^2", on: ["power"],
    apply: (e) => (e.arg.kind === "kron" && e.arg.factors.every((f) => f.shape.rows === f.shape.cols)
      ? E.kron(...e.arg.factors.map((f) => E.power(f, e.exp))) : null),
  }),
  rewriteRule({
    // K_{pm}(A ⊗ B)K_{nq} = B ⊗ A for A m×n, B p×q, so (A ⊗ B)K_{nq} = K_{mp}(B ⊗ A),
    // and K_{mp} = I when A or B is a single row
    id: "commutation-through-kron", source: "derived: Magnus & Neudecker (2019) Theorem 3.9",
    formula: "(a^{\\top} \\otimes B) K = B \\otimes a^{\\top}", witness: "jacobian of X^T a wrt X", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      for (let i = 0; i + 1 < chain.length; i++) {
        const kr = chain[i]!;
        const k = chain[i + 1]!;
        if (kr.kind !== "kron" || kr.factors.length !== 2 || k.kind !== "commutation") continue;
        const [a, b] = kr.factors as [Expr, Expr];
        if (k.m !== a.shape.cols || k.n !== b.shape.cols || (a.shape.rows !== 1 && b.shape.rows !== 1)) continue;
        return E.mul(E.num(coeff), ...scalars, ...chain.slice(0, i), E.kron(b, a), ...chain.slice(i + 2));
      }
      return null;
    },
  }),
  rewriteRule({
    id: "kron-identities", source: "Matrix Cookbook (2012-11-15) §10.2.1", formula: "I_{m} \\otimes I_{n} = I_{mn}",
    witness: "vec(X)^T (I \\otimes I) vec(X)", on: ["kron"],
    apply: (e) => (e.factors.every((f) => f.kind === "identity")
      ? E.identity(e.shape.rows) : null),
  }),
  rewriteRule({
    id: "det-transpose", source: CB("20"), formula: "\\det(A^{\\top}) = \\det(A)", witness: "det(A^T)", on: ["det"],
    apply: (e) => (e.arg.kind === "transpose" ? E.det(e.arg.arg) : null),
  }),
  rewriteRule({
    id: "det-inverse", source: CB("22"), formula: "\\det(A^{-1}) = \\det(A)^{-1}", witness: "det(A^{-1})", on: ["det"],
    apply: (e) => (e.arg.kind === "inverse" ? E.power(E.det(e.arg.arg), -1) : null),
  }),
  rewriteRule({
    id: "det-power", source: "derived: eq. (21) with equal factors", formula: "\\det(A^{k}) = \\det(A)^{k}", witness: "det(A^3)", on: ["det"],
    apply: (e) => (e.arg.kind === "power" ? E.power(E.det(e.arg.arg), e.arg.exp) : null),
  }),
  rewriteRule({
    id: "logdet-transpose", source: CB("20"), formula: "\\log\\det(A^{\\top}) = \\log\\det(A)", witness: "logdet(A^T)", on: ["logdet"],
    apply: (e) => (e.arg.kind === "transpose" ? E.logdet(e.arg.arg) : null),
  }),
  rewriteRule({
    id: "logdet-inverse", source: CB("22"), formula: "\\log\\det(A^{-1}) = -\\log\\det(A)", witness: "logdet(A^{-1})", on: ["logdet"],
    apply: (e) => (e.arg.kind === "inverse" ? E.neg(E.logdet(e.arg.arg)) : null),
  }),
  rewriteRule({
    id: "logdet-power", source: "derived: eq. (21) with equal factors", formula: "\\log\\det(A^{k}) = k \\log\\det(A)", witness: "logdet(A^2)", on: ["logdet"],
    apply: (e) => (e.arg.kind === "power" ? E.scale(e.arg.exp, E.logdet(e.arg.arg)) : null),
  }),
];
