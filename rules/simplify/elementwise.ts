/** Hadamard products commute: factors take a canonical order so like terms meet. */
import * as E from "../../src/core/expr.js";
import type { RewriteRule } from "../../src/calculus/rule.js";

export const ELEMENTWISE_RULES: readonly RewriteRule[] = [
  {
    id: "order-hadamard-factors", source: "derived: the Hadamard product is entrywise, so it commutes",
    formula: "A \\odot B = B \\odot A", witness: "x .* a", on: ["hadamard"],
    apply: (e, ctx) => {
      if (e.kind !== "hadamard") return null;
      // x ⊙ σ(y) ⊙ (𝟏 − σ(y)): plain symbols, then functions, then sums; I last
      const rank = (f: E.Expr) => (f.kind === "sym" || f.kind === "transpose" ? 0 : f.kind === "identity" ? 3 : f.kind === "add" ? 2 : 1);
      const sorted = e.factors.slice().sort((a, b) => rank(a) - rank(b) || ctx.compare(a, b));
      return sorted.every((f, i) => f === e.factors[i]) ? null : E.hadamard(...sorted);
    },
  },
  {
    id: "hadamard-same-base", source: "derived: entrywise tᵃ tᵇ = tᵃ⁺ᵇ", formula: "A \\odot A = A^{\\circ 2}",
    witness: "x .* x", on: ["hadamard"],
    apply: (e) => {
      if (e.kind !== "hadamard") return null;
      const seen = new Map<number, number>();
      for (const f of e.factors) seen.set(f.id, (seen.get(f.id) ?? 0) + 1);
      if ([...seen.values()].every((c) => c === 1)) return null;
      const done = new Set<number>();
      const out = [];
      for (const f of e.factors) {
        if (done.has(f.id)) continue;
        done.add(f.id);
        out.push(E.hpower(f, seen.get(f.id)!));
      }
      return E.hadamard(...out);
    },
  },
  {
    id: "diagonal-part-transpose", source: "derived: Aᵀ and A share their diagonal", formula: "A^{\\top} \\odot I = A \\odot I",
    witness: "A^T .* I", on: ["hadamard"],
    apply: (e) => {
      if (e.kind !== "hadamard" || !e.factors.some((f) => f.kind === "identity")) return null;
      const i = e.factors.findIndex((f) => f.kind === "transpose");
      if (i < 0) return null;
      return E.hadamard(...e.factors.map((f, j) => (j === i ? (f as E.Transpose).arg : f)));
    },
  },
  {
    id: "logistic", source: "derived: eᶻ/(1 + eᶻ) = σ(z)", formula: "\\exp(z) \\odot (\\mathbf{1} + \\exp(z))^{\\circ -1} = \\sigma(z)",
    witness: "exp(x) .* (\\mathbf{1} + exp(x)).^{-1}", on: ["hadamard", "mul"],
    apply: (e) => {
      // the entrywise form (vectors) and the scalar form share one shape of argument
      const factors = e.kind === "hadamard" ? e.factors : e.kind === "mul" ? E.splitMul(e).scalars : null;
      if (!factors) return null;
      const isOne = (t: E.Expr) => t.kind === "ones" || E.isOne(t);
      const isOnePlusExp = (f: E.Expr, z: E.Expr) => f.kind === "add" && f.terms.length === 2
        && ((isOne(f.terms[0]!) && f.terms[1] === E.fn("exp", z)) || (isOne(f.terms[1]!) && f.terms[0] === E.fn("exp", z)));
      for (const f of factors) {
        if (f.kind !== "fn" || f.name !== "exp") continue;
        const j = factors.findIndex((g) => (g.kind === "hpower" || g.kind === "power") && g.exp.n === -1 && g.exp.d === 1 && isOnePlusExp(g.arg, f.arg));
        if (j < 0) continue;
        const rest = factors.filter((g, k) => g !== f && k !== j);
        if (e.kind === "hadamard") return E.hadamard(E.fn("sigmoid", f.arg), ...rest);
        const { coeff, chain } = E.splitMul(e);
        return E.mul(E.num(coeff), E.fn("sigmoid", f.arg), ...rest, ...chain);
      }
      return null;
    },
  },
];
