/** Hadamard products commute: factors take a canonical order so like terms meet. */
import * as E from "../../src/core/expr.js";
import type { Expr } from "../../src/core/expr.js";
import { rewriteRule, type AnyRewriteRule } from "../rule.js";
import * as Q from "../../src/core/rational.js";

/** Structurally diagonal: a diagonal symbol or diag(x), and what products, inverses, powers and sums keep diagonal. */
function isDiagonal(e: E.Expr): boolean {
  switch (e.kind) {
    case "identity": case "diagm": case "zero": return true;
    case "sym": return Boolean(e.props.diagonal);
    case "d": return Boolean(e.of.props.diagonal);
    case "transpose": case "inverse": case "power": return isDiagonal(e.arg);
    case "add": return e.terms.every(isDiagonal);
    case "mul": return E.splitMul(e).chain.every(isDiagonal);
    case "hadamard": return e.factors.some(isDiagonal);
    default: return false;
  }
}

/** An entrywise product as base → exponent: σ ⊙ (𝟏 − σ).^2 is {σ: 1, 𝟏 − σ: 2}. */
function entrywisePowers(h: E.Expr): Map<number, [E.Expr, Q.Rational]> {
  const powers = new Map<number, [E.Expr, Q.Rational]>();
  for (const f of h.kind === "hadamard" ? h.factors : [h]) {
    const [b, p] = f.kind === "hpower" ? [f.arg, f.exp] : [f, Q.ONE];
    const seen = powers.get(b.id);
    powers.set(b.id, [b, seen ? Q.add(seen[1], p) : p]);
  }
  return powers;
}

/** A square root of a positive number as k and the power n of √k it is (√2: [2, 1], 1/√3: [3, −1], 2^{1/2}), else [null, 0]. */
function surdOf(f: E.Expr): [Q.Rational | null, number] {
  const positive = (x: E.Expr) => (x.kind === "num" && x.value.n > 0 ? x.value : null);
  const sqrtOf = (x: E.Expr) => (x.kind === "fn" && x.name === "sqrt" ? positive(x.arg) : null);
  if (f.kind === "fn") return [sqrtOf(f), 1];
  if (f.kind !== "power" || f.shape.rows !== 1 || f.shape.cols !== 1) return [null, 0];
  if (Q.isInt(f.exp) && sqrtOf(f.arg)) return [sqrtOf(f.arg), f.exp.n];
  if (f.exp.d === 2 && positive(f.arg)) return [positive(f.arg), f.exp.n];
  return [null, 0];
}

/** kⁿ for an integer n (|n| small: a product's square roots). */
function ratPower(k: Q.Rational, n: number): Q.Rational {
  let r = Q.ONE;
  for (let i = 0; i < Math.abs(n); i++) r = Q.mul(r, k);
  return n < 0 ? Q.div(Q.ONE, r) : r;
}

/** n = s²m with m square-free, as [s, m]; [null, n] past 10¹² (trial division would be slow). */
function squareFree(n: number): [number | null, number] {
  if (!Number.isSafeInteger(n) || n > 1e12) return [null, n];
  let s = 1, m = 1, rest = n;
  for (let p = 2; p * p <= rest; p++) {
    let count = 0;
    while (rest % p === 0) { rest /= p; count++; }
    s *= p ** Math.floor(count / 2);
    if (count % 2) m *= p;
  }
  return [s, m * rest];
}

/**
 * Each term with one entrywise factor that is a sum distributed over it
 * (a ⊙ (𝟏 − b) = a − a ⊙ b), then like terms collected, entrywise products
 * compared up to the order of their factors; null unless something cancelled.
 */
function distributeAndCancel(e: E.Add): E.Expr | null {
  let distributed = false;
  const pieces: E.Expr[] = e.terms.flatMap((t) => {
    const { coeff, scalars, chain } = E.splitMul(t);
    const h = chain.length === 1 ? chain[0]! : null;
    const at = h?.kind === "hadamard" ? h.factors.findIndex((f) => f.kind === "add") : -1;
    if (!h || h.kind !== "hadamard" || at < 0) return [t];
    distributed = true;
    const others = h.factors.filter((_, j) => j !== at);
    return (h.factors[at] as E.Add).terms.map((u) => E.mul(E.num(coeff), ...scalars, E.hadamard(...others, u)));
  });
  if (!distributed) return null;
  const groups = new Map<string, { body: E.Expr; coeff: Q.Rational }>();
  for (const p of pieces) {
    const { coeff, scalars, chain } = E.splitMul(p);
    const body = E.mul(...scalars, ...chain);
    const key = [...scalars.map((x) => x.id), "|", ...chain.flatMap((f) => (f.kind === "hadamard" ? f.factors.map((x) => x.id).sort((a, b) => a - b) : [f.id]))].join(",");
    const g = groups.get(key);
    if (g) g.coeff = Q.add(g.coeff, coeff);
    else groups.set(key, { body, coeff });
  }
  const kept = [...groups.values()].filter((g) => g.coeff.n !== 0).map((g) => E.mul(E.num(g.coeff), g.body));
  const out = kept.length ? E.add(...kept) : E.zero(e.shape);
  // only a cancellation counts: no more terms than before, and fewer nodes
  return kept.length <= e.terms.length && E.size(out) < E.size(e) ? out : null;
}

/** sum(h) of an entrywise product h of columns as an inner product (rule sum-of-entrywise-product), or null. */
function entrywiseInner(h: E.Expr): E.Expr | null {
  if (h.kind !== "hadamard" || h.shape.cols !== 1 || h.shape.rows === 1) return null;
  const hasD = (x: E.Expr) => E.contains(x, (y) => y.kind === "d");
  const withD = h.factors.filter(hasD);
  const rest = h.factors.filter((x) => !hasD(x));
  if (withD.length === 1 && rest.length === 1) return E.mul(E.transpose(rest[0]!), withD[0]!);
  // a weight that is itself entrywise, y ⊙ σ(−y ⊙ Xw), keeps its ⊙ whole on the right: transposing it would
  // split it into σ(…)ᵀ ⊙ yᵀ
  if (withD.length === 1 && rest.length > 1) return E.mul(E.transpose(withD[0]!), E.hadamard(...rest));
  if (withD.length === 0 && h.factors.length === 2) return E.mul(E.transpose(h.factors[0]!), h.factors[1]!);
  return null;
}

/**
 * In a Hadamard product, or a product's scalar factors: a factor fn(z) beside σ(−z), the pair replaced by what
 * `pair` makes of fn(z) (null: leave it); the product rebuilt around them, or null when no pair is there.
 */
function withSigmoidOfNegated(e: Expr, fn: "exp" | "sigmoid", pair: (f: Expr & { kind: "fn" }) => Expr[] | null): Expr | null {
  const factors = e.kind === "hadamard" ? e.factors : e.kind === "mul" ? E.splitMul(e).scalars : null;
  if (!factors) return null;
  for (let i = 0; i < factors.length; i++) {
    const f = factors[i]!;
    if (f.kind !== "fn" || f.name !== fn) continue;
    const j = factors.indexOf(E.fn("sigmoid", E.neg(f.arg)));
    // σ(0) is its own σ(−0): no pair (fuzz (b), seed 1817963273, paired it with itself)
    if (j < 0 || j === i) continue;
    const replaced = pair(f);
    if (!replaced) continue;
    // by place, not by value: in eᶻeᶻσ(−z) one eᶻ pairs, the other stays
    const rest = factors.filter((_, k) => k !== i && k !== j);
    if (e.kind === "hadamard") return E.hadamard(...replaced, ...rest);
    const { coeff, chain } = E.splitMul(e);
    return E.mul(E.num(coeff), ...replaced, ...rest, ...chain);
  }
  return null;
}

export const ELEMENTWISE_RULES: readonly AnyRewriteRule[] = [
  rewriteRule({
    // sum(−2(y − μ𝟏)) is −2 sum(y − μ𝟏), as tr(cA) is c tr(A)
    id: "sum-linear", tags: ["mechanical"], source: "derived: sum is linear", formula: "\\operatorname{sum}(c\\, s A) = c\\, s \\operatorname{sum}(A)",
    witness: "sum(2 \\alpha x)", witnessLet: ["alpha: scalar"], on: ["sum"],
    apply: (e) => {
      if (e.kind !== "sum" || e.arg.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      if ((coeff.n === 1 && coeff.d === 1 && scalars.length === 0) || chain.length === 0) return null;
      return E.mul(E.num(coeff), ...scalars, E.sumAll(E.mul(...chain)));
    },
  }),
  rewriteRule({
    // Σᵢ log 𝒩(yᵢ; xᵢᵀw, σ²) by σ arrives as sum((y − Xw)∘²/σ³ − 𝟏/σ): the constant term adds up to n/σ
    id: "sum-of-constant-term", source: "derived: sum is linear, sum(c𝟏ₙ) = cn", formula: "\\operatorname{sum}(A + c\\mathbf{1}) = \\operatorname{sum}(A) + c\\, n",
    witness: "sum(x.^2 - 2 \\mathbf{1}) s", witnessLet: ["x: vector", "s: scalar"], on: ["sum"],
    apply: (e) => {
      if (e.kind !== "sum" || e.arg.kind !== "add") return null;
      const constant = (t: E.Expr) => { const { chain } = E.splitMul(t); return chain.length === 1 && chain[0]!.kind === "ones"; };
      const constants = e.arg.terms.filter(constant);
      if (constants.length === 0 || constants.length === e.arg.terms.length) return null;
      const entries = E.mul(E.sizeOf(e.arg.shape.rows), E.sizeOf(e.arg.shape.cols));
      return E.add(E.sumAll(E.add(...e.arg.terms.filter((t) => !constant(t)))), ...constants.map((t) => {
        const { coeff, scalars } = E.splitMul(t);
        return E.mul(E.num(coeff), ...scalars, entries);
      }));
    },
  }),
  rewriteRule({
    // −log(exp(s_y)/Σⱼ exp(s_j)), the cross-entropy as written, differentiates to exp(s)/sum(exp(s)) − y
    id: "softmax-quotient", source: "derived: softmax(v)ᵢ = exp(vᵢ)/Σⱼ exp(vⱼ)", formula: "\\frac{\\exp(v)}{\\operatorname{sum}(\\exp(v))} = \\operatorname{softmax}(v)",
    witness: "exp(v) / sum(exp(v))", witnessLet: ["v: vector"], on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      const isExp = (c: E.Expr) => c.kind === "fn" && c.name === "exp" && c.shape.cols === 1 && c.shape.rows !== 1;
      // the sum(exp(v)) divided by, and the exp(v) it divides: a factor of the chain, or the first of a 1×1 product
      // among the scalars, exp(v)ᵀ dv as df writes it (E.mul keeps a scalar product whole)
      for (let k = 0; k < scalars.length; k++) {
        const p = scalars[k]!;
        if (p.kind !== "power" || p.exp.n !== -1 || p.exp.d !== 1 || p.arg.kind !== "sum" || !isExp(p.arg.arg)) continue;
        const exp = p.arg.arg as E.Fn;
        const softmax = E.fn("softmax", exp.arg);
        const swap = (c: E.Expr): E.Expr | null => (c === exp ? softmax : c.kind === "transpose" && c.arg === exp ? E.transpose(softmax) : null);
        const others = scalars.filter((_, j) => j !== k);
        const i = chain.findIndex((c) => swap(c) !== null);
        if (i >= 0) return E.mul(E.num(coeff), ...others, ...chain.slice(0, i), swap(chain[i]!)!, ...chain.slice(i + 1));
        const m = others.findIndex((x) => x.kind === "mul" && swap(x.factors[0]!) !== null);
        if (m >= 0) {
          const product = others[m] as E.Mul;
          return E.mul(E.num(coeff), ...others.filter((_, j) => j !== m), E.mul(swap(product.factors[0]!)!, ...product.factors.slice(1)), ...chain);
        }
      }
      return null;
    },
  }),
  rewriteRule({
    // the sum of squares of a column is its squared norm: sum((y − Xw)∘²) = (y − Xw)ᵀ(y − Xw)
    id: "sum-of-squares", source: "derived: Σᵢ vᵢ² = vᵀv", formula: "\\operatorname{sum}(v^{\\circ 2}) = v^{\\top} v",
    witness: "sum((x - y).^2) s", witnessLet: ["x: vector", "y: vector", "s: scalar"], on: ["sum"],
    apply: (e) => {
      if (e.kind !== "sum") return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      const square = chain.length === 1 ? chain[0]! : null;
      if (square?.kind !== "hpower" || square.exp.n !== 2 || square.exp.d !== 1 || square.shape.cols !== 1 || square.shape.rows === 1) return null;
      return E.mul(E.num(coeff), ...scalars, E.transpose(square.arg), square.arg);
    },
  }),
  rewriteRule({
    // df of sum(exp(Ax)) or 𝟏ᵀexp(Ax) reads exp(Ax)ᵀA dx, as a textbook writes it, not sum(A dx ⊙ exp(Ax)). Of
    // columns only: sum(dX ⊙ G) of matrices reads better than tr(Gᵀ dX) once transposes move into G; and without
    // a differential only two columns become uᵀv (three or more factors stay a sum of entrywise products)
    id: "sum-of-entrywise-product", source: "derived: Σᵢ uᵢvᵢ = 𝟏ᵀ(u ⊙ v) = uᵀv",
    formula: "\\operatorname{sum}(u \\odot v) = u^{\\top} v", witness: "sum(2 (x .* y)) + \\mathbf{1}^T (x .* z)", on: ["sum", "mul"],
    apply: (e) => {
      if (e.kind === "sum") {
        const { coeff, scalars, chain } = E.splitMul(e.arg);
        const inner = chain.length === 1 ? entrywiseInner(chain[0]!) : null;
        return inner && E.mul(E.num(coeff), ...scalars, inner);
      }
      if (e.kind !== "mul") return null;
      const i = e.factors.findIndex((f, k) => ((f.kind === "transpose" && f.arg.kind === "ones") || (f.kind === "ones" && f.shape.rows === 1)) && e.factors[k + 1]?.kind === "hadamard");
      const inner = i < 0 ? null : entrywiseInner(e.factors[i + 1]!);
      return inner && E.mul(...e.factors.slice(0, i), inner, ...e.factors.slice(i + 2));
    },
  }),
  rewriteRule({
    // the cross-entropy gradient σ ⊙ (𝟏 − y) − y ⊙ (𝟏 − σ) is σ − y: distributing cancels σ ⊙ y
    id: "hadamard-distribute-cancel", source: "derived: ⊙ distributes over +, then like terms cancel",
    formula: "a \\odot (\\mathbf{1} - b) - b \\odot (\\mathbf{1} - a) = a - b",
    witness: "x .* (\\mathbf{1} - y) - y .* (\\mathbf{1} - x)", on: ["add"],
    apply: distributeAndCancel,
  }),
  rewriteRule({
    // σ ⊙ (𝟏 − σ).^2 − σ.^2 ⊙ (𝟏 − σ) = σ ⊙ (𝟏 − σ) ⊙ (𝟏 − 2σ): only entrywise products, and only a
    // factor every term has, so a plain sum such as x ⊙ a + x stays as written
    id: "factor-common-hadamard", source: "derived: ⊙ distributes over +", formula: "a \\odot b^{\\circ 2} - a^{\\circ 2} \\odot b = a \\odot b \\odot (b - a)",
    witness: "x .* y.^2 - x.^2 .* y", on: ["add"],
    apply: (e) => {
      const parts = e.terms.map((t) => {
        const { coeff, scalars, chain } = E.splitMul(t);
        const h = chain.length === 1 ? chain[0]! : null;
        return h && (h.kind === "hadamard" || h.kind === "hpower") ? { lead: [E.num(coeff), ...scalars], powers: entrywisePowers(h) } : null;
      });
      if (parts.some((p) => p === null)) return null;
      const all = parts as { lead: E.Expr[]; powers: Map<number, [E.Expr, Q.Rational]> }[];
      const common: [E.Expr, Q.Rational][] = [];
      for (const [id, [base, p]] of all[0]!.powers) {
        let least = p;
        for (const other of all.slice(1)) {
          const q = other.powers.get(id)?.[1];
          least = q === undefined || q.n <= 0 || least.n <= 0 ? Q.ZERO : Q.cmp(q, least) < 0 ? q : least;
        }
        if (least.n > 0) common.push([base, least]);
      }
      if (common.length === 0) return null;
      const rests = all.map(({ lead, powers }) => {
        const left = [...powers.values()].map(([b, p]) => {
          const c = common.find(([cb]) => cb === b);
          return E.hpower(b, c ? Q.sub(p, c[1]) : p);
        });
        return E.mul(...lead, left.length ? E.hadamard(...left) : E.ones(e.shape));
      });
      return E.hadamard(...common.map(([b, p]) => E.hpower(b, p)), E.add(...rests));
    },
  }),
  rewriteRule({
    id: "order-hadamard-factors", tags: ["mechanical"], source: "derived: the Hadamard product is entrywise, so it commutes",
    formula: "A \\odot B = B \\odot A", witness: "x .* a", on: ["hadamard"],
    apply: (e, ctx) => {
      // x ⊙ σ(y) ⊙ (𝟏 − σ(y)): plain symbols, then functions, then sums, then the divisors (printed after ⊘, so
      // (𝟏 − y) ⊘ (𝟏 − Φ(u)) reads back as it was); I last
      const rank = (f: E.Expr) => (f.kind === "sym" || f.kind === "transpose" ? 0 : f.kind === "identity" ? 4 : f.kind === "hpower" && f.exp.n < 0 ? 3 : f.kind === "add" ? 2 : 1);
      const sorted = e.factors.slice().sort((a, b) => rank(a) - rank(b) || ctx.compare(a, b));
      return sorted.every((f, i) => f === e.factors[i]) ? null : E.hadamard(...sorted);
    },
  }),
  rewriteRule({
    // t ⊙ t.^{−1/2} = t.^{1/2} too: fractional powers are only defined for t > 0, where tᵃtᵇ = tᵃ⁺ᵇ holds
    id: "hadamard-same-base", source: "derived: entrywise tᵃ tᵇ = tᵃ⁺ᵇ", formula: "A \\odot A = A^{\\circ 2}",
    witness: "x .* x + sqrt(x) .* x", on: ["hadamard"],
    apply: (e) => {
      // sqrt(t) is t.^{1/2}, so that it meets t's other powers: sqrt(x) ⊘ x.^{1/2} is 𝟏, sqrt(x) ⊙ x is x.^{3/2}
      const baseOf = (f: E.Expr): [E.Expr, Q.Rational] => (f.kind === "hpower" ? [f.arg, f.exp] : f.kind === "fn" && f.name === "sqrt" ? [f.arg, Q.rat(1, 2)] : [f, Q.ONE]);
      // (p ⊘ q)∘⁻¹ is p∘⁻¹ ⊙ q for an integer power: KL's p ⊘ q ⊘ (p ⊘ q) is then 𝟏
      const parts: [E.Expr, Q.Rational][] = [];
      for (const f of e.factors) {
        if (f.kind === "hpower" && f.arg.kind === "hadamard" && Q.isInt(f.exp)) for (const g of f.arg.factors) { const [b, p] = baseOf(g); parts.push([b, Q.mul(p, f.exp)]); }
        else parts.push(baseOf(f));
      }
      const powers = new Map<number, [E.Expr, Q.Rational]>();
      for (const [b, p] of parts) {
        const seen = powers.get(b.id);
        powers.set(b.id, [b, seen ? Q.add(seen[1], p) : p]);
      }
      if (powers.size === parts.length) return null;
      // t∘ᵃ ⊙ t∘⁻ᵃ = 𝟏 where t has no zero entry, which its negative power already says
      const kept = [...powers.values()].filter(([, p]) => p.n !== 0);
      return kept.length ? E.hadamard(...kept.map(([b, p]) => E.hpower(b, p))) : E.ones(e.shape);
    },
  }),
  rewriteRule({
    // I's entries are 0 and 1, fixed by any positive power; a negative one would divide by the zeros
    id: "hadamard-power-of-identity", source: "derived: 0ᵏ = 0 and 1ᵏ = 1 for k > 0", formula: "I^{\\circ k} = I \\quad (k > 0)",
    witness: "2 I - I.^2 + A", on: ["hpower"],
    apply: (e) => (e.arg.kind === "identity" && e.exp.n > 0 ? e.arg : null),
  }),
  rewriteRule({
    // 𝟏ᵀ exp(X) 𝟏 by X gives 𝟏𝟏ᵀ ⊙ exp(X), and 𝟏ᵀ log(X) 𝟏 gives 𝟏𝟏ᵀ ⊘ X: a factor of ones changes no entry
    id: "hadamard-by-ones", source: "derived: 1 · t = t entrywise", formula: "\mathbf{1}\mathbf{1}^{\top} \odot A = A",
    witness: "A \\odot (\\mathbf{1} \\mathbf{1}^T)", witnessLet: ["A: n x m"], on: ["hadamard"],
    apply: (e) => {
      const ones = (f: E.Expr): boolean => f.kind === "ones" || (f.kind === "transpose" && ones(f.arg))
        || (f.kind === "mul" && f.factors.length === 2 && ones(f.factors[0]!) && ones(f.factors[1]!));
      const rest = e.factors.filter((f) => !ones(f));
      return rest.length && rest.length < e.factors.length && rest.some((f) => f.shape.rows === e.shape.rows && f.shape.cols === e.shape.cols)
        ? E.hadamard(...rest) : null;
    },
  }),
  rewriteRule({
    // softmax regression's (𝟏sᵀ ⊙ exp(WXᵀ))X is exp(WXᵀ) diag(s) X: its columns scaled, as a textbook writes it
    id: "hadamard-ones-outer", source: "derived: (𝟏vᵀ ⊙ A)ᵢⱼ = Aᵢⱼvⱼ",
    formula: "(\\mathbf{1} v^{\\top}) \\odot A = A \\operatorname{diag}(v), \\quad (u \\mathbf{1}^{\\top}) \\odot A = \\operatorname{diag}(u)\\, A",
    witness: "((\\mathbf{1} v^T) \\odot A) + ((u \\mathbf{1}^T) \\odot A)", witnessLet: ["A: n x m", "v: m", "u: n"], on: ["hadamard"],
    apply: (e) => {
      // of a matrix only: for vectors u ⊙ x stays the entrywise product it reads as
      if (e.shape.rows === 1 || e.shape.cols === 1 || e.factors.length < 2) return null;
      const column = (x: E.Expr) => x.shape.cols === 1 && x.shape.rows !== 1;
      // one side all ones (𝟏vᵀ, u𝟏ᵀ): a weighting of the kernel, (yyᵀ) ⊙ K, stays the Hadamard product the texts write
      const i = e.factors.findIndex((f) => f.kind === "mul" && f.factors.length === 2 && column(f.factors[0]!)
        && f.factors[1]!.kind === "transpose" && column(f.factors[1]!.arg) && (f.factors[0]!.kind === "ones") !== (f.factors[1]!.arg.kind === "ones"));
      if (i < 0) return null;
      // beside 𝟏𝟏ᵀ, uvᵀ is the answer itself (hadamard-by-ones)
      const ones = (f: E.Expr): boolean => f.kind === "ones" || (f.kind === "transpose" && ones(f.arg)) || (f.kind === "mul" && f.factors.every(ones));
      // beside I, the diagonal part G ⊙ I of the cookbook's convention keeps its form
      if (e.factors.some((f, j) => j !== i && (ones(f) || f.kind === "identity"))) return null;
      // a differential's uvᵀ ⊙ dA stays as it is, the form the gradient is read from (⟨uvᵀ, dA⟩)
      if (e.factors.some((f) => E.contains(f, (x) => x.kind === "d" || x.kind === "dop"))) return null;
      const [u, vT] = (e.factors[i] as E.Mul).factors as [E.Expr, E.Transpose];
      return E.mul(E.diagMat(u), E.hadamard(...e.factors.filter((_, j) => j !== i)), E.diagMat(vT.arg));
    },
  }),
  rewriteRule({
    id: "diagonal-part-transpose", source: "derived: Aᵀ and A share their diagonal", formula: "A^{\\top} \\odot I = A \\odot I",
    witness: "A^T .* I", on: ["hadamard"],
    apply: (e) => {
      if (!e.factors.some((f) => f.kind === "identity")) return null;
      const i = e.factors.findIndex((f) => f.kind === "transpose");
      if (i < 0) return null;
      return E.hadamard(...e.factors.map((f, j) => (j === i ? (f as E.Transpose).arg : f)));
    },
  }),
  rewriteRule({
    // the diagonal part of a diagonal matrix is itself: D ⊙ I = D, (2D⁻¹) ⊙ I = 2D⁻¹
    id: "diagonal-part-of-diagonal", source: "derived: a diagonal matrix is zero off its diagonal", formula: "D \\odot I = D \\text{ for diagonal } D",
    witness: "D^{-1} .* I", witnessLet: ["D: diagonal"], on: ["hadamard"],
    apply: (e) => {
      if (!e.factors.some((f) => f.kind === "identity")) return null;
      if (!e.factors.some((f) => f.kind !== "identity" && isDiagonal(f))) return null;
      return E.hadamard(...e.factors.filter((f) => f.kind !== "identity"));
    },
  }),
  rewriteRule({
    // d|x| = sign(x) ⊙ dx, so Σᵢⱼ |Aᵢⱼ|² has 2 abs(A) ⊙ sign(A) in its gradient: 2A
    id: "abs-times-sign", source: "derived: |t| sign(t) = t", formula: "\\lvert A \\rvert \\odot \\operatorname{sign}(A) = A",
    witness: "abs(x) .* sign(x) .* y", on: ["hadamard", "mul"],
    apply: (e) => {
      const factors = e.kind === "hadamard" ? e.factors : E.splitMul(e).scalars;
      const i = factors.findIndex((f) => f.kind === "fn" && f.name === "abs" && factors.some((g) => g.kind === "fn" && g.name === "sign" && g.arg === f.arg));
      if (i < 0) return null;
      const arg = (factors[i] as E.Fn).arg;
      const j = factors.findIndex((g) => g.kind === "fn" && g.name === "sign" && g.arg === arg);
      const rest = factors.filter((_, k) => k !== i && k !== j);
      if (e.kind === "hadamard") return E.hadamard(arg, ...rest);
      const { coeff, chain } = E.splitMul(e);
      return E.mul(E.num(coeff), arg, ...rest, ...chain);
    },
  }),
  rewriteRule({
    // 1/√(xᵀx) differentiates to −x/(xᵀx)^{3/2}, not −x/(√(xᵀx)²(xᵀx)^{1/2}): a scalar's square root is the power
    // 1/2 its derivative is written with, so that it meets its powers and like terms. √2 and √π stay as written,
    // and so does the √d of a symbol (attention's softmax(QKᵀ/√d)) unless it meets a power of d: √t² = t
    id: "sqrt-as-power", source: "derived: √s = s^{1/2} for s ≥ 0", formula: "\\sqrt{s} = s^{1/2}",
    witness: "sqrt(x^T x)^{-1} + sqrt(alpha)^2 + sqrt(alpha) alpha + sqrt(alpha) + alpha^{1/2} + sum(sqrt(x) .* x)", witnessLet: ["x: vector", "alpha: scalar"], on: ["fn", "power", "mul", "add"],
    apply: (e) => {
      const root = (f: E.Expr) => (f.kind === "fn" && f.name === "sqrt" && f.arg.shape.rows === 1 && f.arg.shape.cols === 1 && E.contains(f.arg, (x) => x.kind === "sym") ? f.arg : null);
      const half = Q.rat(1, 2);
      if (e.kind === "fn") {
        // a vector's or a matrix's is entrywise, t.^{1/2}: it then meets the powers its derivative is written with,
        // sqrt(x) ⊙ x.^{−1/2}/2 + sqrt(x) is 3 sqrt(x)/2 (printed sqrt(x) for a vector either way)
        if (e.name === "sqrt" && !(e.arg.shape.rows === 1 && e.arg.shape.cols === 1)) return E.hpower(e.arg, half);
        const s = root(e);
        return s !== null && s.kind !== "sym" ? E.power(s, half) : null;
      }
      if (e.kind === "power") {
        const s = root(e.arg);
        // of a symbol, an even power only: 1/√d stays as written
        return s !== null && (s.kind !== "sym" || (Q.isInt(e.exp) && e.exp.n % 2 === 0)) ? E.power(s, Q.mul(half, e.exp)) : null;
      }
      const base = (f: E.Expr) => (f.kind === "power" ? f.arg : f);
      const factors = (t: E.Expr) => E.splitMul(t).scalars;
      // every product and sum of the simplifier meets this rule: only one with a square root of a scalar in it pays for more
      const isSqrt = (f: E.Expr) => f.kind === "fn" && f.name === "sqrt";
      const hasSqrt = (t: E.Expr) => isSqrt(t) || (t.kind === "mul" && t.factors.some(isSqrt));
      if (!(e.kind === "add" ? e.terms.some(hasSqrt) : hasSqrt(e))) return null;
      if (e.kind === "add") {
        // √t + t^{1/2}/2: like terms once √t is the power its neighbour is written with
        const powered = new Set(e.terms.flatMap((t) => factors(t).filter((f) => f.kind === "power" && !Q.isInt(f.exp)).map((f) => base(f))));
        const terms = e.terms.map((t) => {
          const { coeff, scalars, chain } = E.splitMul(t);
          const at = scalars.findIndex((f) => { const s = root(f); return s !== null && powered.has(s); });
          return at < 0 ? t : E.mul(E.num(coeff), ...scalars.map((f, k) => (k === at ? E.power(root(f)!, half) : f)), ...chain);
        });
        return terms.some((t, k) => t !== e.terms[k]) ? E.add(...terms) : null;
      }
      if (e.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e);
      for (const f of scalars) {
        const s = root(f);
        if (s !== null && scalars.some((g) => g !== f && base(g) === s)) {
          return E.mul(E.num(coeff), ...scalars.map((g) => (g === f ? E.power(s, half) : g)), ...chain);
        }
      }
      return null;
    },
  }),
  rewriteRule({
    // √(xᵀx) is ‖x‖ and (xᵀx)^{3/2} is ‖x‖³, as a textbook writes them: x/‖x‖, not x/sqrt(xᵀx); and ‖x‖ sqrt(xᵀx) meets
    // itself, 2x by x (was sqrt(xᵀx)x/‖x‖ + ‖x‖x/sqrt(xᵀx)). An integer power stays the inner product it is
    id: "root-of-inner-product", source: "derived: ‖v‖ = (vᵀv)^{1/2}", formula: "(v^{\\top} v)^{k/2} = \\lVert v \\rVert^{k}",
    witness: "sqrt(x^T x) + (x^T x)^{3/2} + \\|x\\| sqrt(x^T x) + sqrt(x^T x) x^T x", witnessLet: ["x: vector"], on: ["power", "mul"],
    apply: (e) => {
      /** v of vᵀv: a column's inner product with itself, written as the product it is. */
      const innerOf = (f: Expr): Expr | null => {
        if (f.kind !== "mul") return null;
        const { coeff, scalars, chain } = E.splitMul(f);
        if (!Q.eq(coeff, Q.ONE) || scalars.length !== 0 || chain.length !== 2) return null;
        const [t, v] = chain as [Expr, Expr];
        return t.kind === "transpose" && t.arg === v && v.shape.cols === 1 ? v : null;
      };
      if (e.kind === "power") {
        const v = e.exp.d === 2 ? innerOf(e.arg) : null;
        return v ? E.power(E.norm(v, "2"), Q.rat(e.exp.n)) : null;
      }
      if (e.kind !== "mul") return null;
      // ‖v‖ beside vᵀv (whole or as a power): one power of ‖v‖, (xᵀx)‖x‖⁻¹ = ‖x‖, so that like terms meet
      const { coeff, scalars, chain } = E.splitMul(e);
      const normed = (f: Expr) => (f.kind === "norm" && f.p === "2" ? f.arg : f.kind === "power" && f.arg.kind === "norm" && f.arg.p === "2" ? f.arg.arg : null);
      const norms = new Set(scalars.map(normed).filter((v): v is Expr => v !== null));
      if (norms.size === 0) return null;
      const extra = new Map<Expr, number>();
      const add = (v: Expr, k: number) => extra.set(v, (extra.get(v) ?? 0) + k);
      const kept = scalars.filter((f) => {
        const v = innerOf(f) ?? (f.kind === "power" && Q.isInt(f.exp) ? innerOf(f.arg) : null);
        if (v === null || !norms.has(v)) return true;
        add(v, f.kind === "power" ? 2 * f.exp.n : 2);
        return false;
      });
      let rest = chain;
      const whole = chain.length === 2 ? innerOf(E.mul(...chain)) : null;
      if (whole !== null && norms.has(whole)) { add(whole, 2); rest = []; }
      if (extra.size === 0) return null;
      const merged = kept.map((f) => {
        const v = normed(f);
        if (v === null || !extra.has(v)) return f;
        const k = extra.get(v)!;
        extra.delete(v);
        return E.power(E.norm(v, "2"), Q.add(f.kind === "power" ? f.exp : Q.ONE, Q.rat(k)));
      });
      return E.mul(E.num(coeff), ...merged, ...rest);
    },
  }),
  rewriteRule({
    // 2x/√2 is √2 x, √8 is 2√2 and √2√2 is 2, as a textbook writes them: the square roots of numbers in a product
    // are one √m with m square-free, its coefficient an integer where one can be (12/√3 = 4√3), else a number
    // over √m where that is an integer over it (1/√2, 3/√2), else a fraction before it (√2/4)
    id: "numeric-surd", source: "derived: √(s²m) = s√m and c/√m = (c/m)√m for numbers", formula: "\\frac{2}{\\sqrt{2}} = \\sqrt{2}, \\quad \\sqrt{8} = 2\\sqrt{2}",
    witness: "2 x / sqrt(2) + sqrt(8) x + sqrt(2) sqrt(3) x + sqrt(2)^2 x + 3 x / sqrt(2) + sqrt(4) x + 2^{1/2} x / 4", witnessLet: ["x: vector"], on: ["fn", "power", "mul"],
    apply: (e) => {
      // every product meets this rule: only one with a number's square root among its factors pays for more
      if (e.kind === "mul" ? !e.factors.some((f) => surdOf(f)[0] !== null) : surdOf(e)[0] === null) return null;
      const { coeff, scalars, chain } = e.kind === "mul" ? E.splitMul(e) : { coeff: Q.ONE, scalars: [e], chain: [] };
      let radicand = Q.ONE;
      const rest: E.Expr[] = [];
      const surds: E.Expr[] = [];
      try {
        for (const f of scalars) {
          const [k, n] = surdOf(f);
          if (k === null) rest.push(f);
          else {
            surds.push(f);
            radicand = Q.mul(radicand, ratPower(k, n));
          }
        }
        if (surds.length === 0) return null;
        // √(p/q) = √(pq)/q, and pq = s²m
        const [s, m] = squareFree(radicand.n * radicand.d);
        if (s === null) return null;
        const a = Q.mul(coeff, Q.rat(s, radicand.d));
        const root = E.fn("sqrt", E.num(m));
        const [c, surd] = m === 1 ? [a, null] : Q.isInt(a) || !Q.isInt(Q.mul(a, Q.rat(m))) ? [a, root] : [Q.mul(a, Q.rat(m)), E.power(root, -1)];
        if (surds.length === 1 && surds[0] === surd && Q.eq(c, coeff)) return null;
        return E.mul(E.num(c), ...(surd ? [surd] : []), ...rest, ...chain);
      } catch (err) {
        // a radicand past what a rational holds exactly stays as written
        if (err instanceof Q.RationalOverflow) return null;
        throw err;
      }
    },
  }),
  rewriteRule({
    id: "abs-even-power", source: "derived: |t|ᵏ = tᵏ for even k", formula: "\\lvert A \\rvert^{\\circ 2k} = A^{\\circ 2k}",
    witness: "sum(abs(x).^2) + abs(alpha)^4", on: ["hpower", "power"],
    // a matrix power of abs(Σ) is a product of matrices of absolute values, not entrywise: abs(Σ)² is no Σ² (fuzz (b′), seed 1909514088)
    apply: (e) => (e.arg.kind === "fn" && e.arg.name === "abs" && Q.isInt(e.exp) && e.exp.n % 2 === 0 && (e.kind === "hpower" || (e.shape.rows === 1 && e.shape.cols === 1))
      ? (e.kind === "hpower" ? E.hpower(e.arg.arg, e.exp) : E.power(e.arg.arg, e.exp))
      : null),
  }),
  rewriteRule({
    // 1/(1 + eᶻ) is built as σ(−z) (core/expr.ts), so eᶻ/(1 + eᶻ) meets the rule as eᶻ σ(−z)
    id: "logistic", source: "derived: eᶻσ(−z) = eᶻ/(1 + eᶻ) = σ(z)", formula: "\\exp(z) \\odot \\sigma(-z) = \\exp(z) \\odot (\\mathbf{1} + \\exp(z))^{\\circ -1} = \\sigma(z)",
    witness: "exp(x) .* (\\mathbf{1} + exp(x)).^{-1}", on: ["hadamard", "mul"],
    apply: (e) => withSigmoidOfNegated(e, "exp", (f) => [E.fn("sigmoid", f.arg)]),
  }),
  rewriteRule({
    // σ(z)σ(−z) is σ′(z), which the textbooks and σ's own derivative rule write σ(z)(1 − σ(z))
    id: "logistic-pair", source: "derived: σ(−z) = 1 − σ(z)", formula: "\\sigma(z) \\odot \\sigma(-z) = \\sigma(z) \\odot (\\mathbf{1} - \\sigma(z))",
    witness: "sigmoid(x) .* sigmoid(-x)", on: ["hadamard", "mul"],
    // of σ(z) and σ(−z), the one written without a minus stays
    apply: (e) => withSigmoidOfNegated(e, "sigmoid", (f) => (E.splitMul(f.arg).coeff.n < 0 ? null : [f, E.sub(E.ones(f.shape), f)])),
  }),
  rewriteRule({
    // -yᵀlog(ŷ) with ŷ = softmax(Wx) defined by --where: d log(ŷ) = dŷ ⊘ ŷ meets ŷ again in dŷ
    id: "reciprocal-inner", source: "derived: Σᵢ rᵢ bᵢ⁻¹ bᵢ = Σᵢ rᵢ wherever b has no zero entry (b∘⁻¹ is written)",
    formula: "(r \\odot (b^{\\circ -1})^{\\top})\\, b = r \\mathbf{1}, \\quad b^{\\top} (c \\odot b^{\\circ -1}) = \\mathbf{1}^{\\top} c",
    witness: "(y .* x.^{-1})^T x + x^T (a .* x.^{-1})", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      const reciprocalOf = (f: E.Expr, b: E.Expr) => f === E.hpower(b, -1) || f === E.transpose(E.hpower(b, -1)) || f === E.hpower(E.transpose(b), -1);
      for (let i = 0; i + 1 < chain.length; i++) {
        const [l, r] = [chain[i]!, chain[i + 1]!];
        if (l.shape.rows !== 1 || r.shape.cols !== 1) continue;
        let pair: E.Expr[] | null = null;
        if (l.kind === "hadamard") {
          const k = l.factors.findIndex((f) => reciprocalOf(f, r) || reciprocalOf(f, E.transpose(r)));
          // r𝟏 is the scalar 𝟏ᵀrᵀ, as every sum of entries is written
          if (k >= 0) pair = [E.mul(E.transpose(E.ones(r.shape)), E.transpose(E.hadamard(...l.factors.filter((_, j) => j !== k))))];
        }
        if (!pair && r.kind === "hadamard") {
          const k = r.factors.findIndex((f) => reciprocalOf(f, E.transpose(l)) || reciprocalOf(f, l));
          if (k >= 0) pair = [E.ones(l.shape), E.hadamard(...r.factors.filter((_, j) => j !== k))];
        }
        if (pair) return E.mul(E.num(coeff), ...scalars, ...chain.slice(0, i), ...pair, ...chain.slice(i + 2));
      }
      return null;
    },
  }),
];
