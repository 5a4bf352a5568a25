/**
 * Products: powers of the same base merge (X X⁻¹ = I), 1×1 sub-products
 * become scalar factors, and scalar factors take a canonical order and
 * orientation (xᵀa and aᵀx are the same number).
 */
import * as E from "../../src/core/expr.js";
import type { Expr } from "../../src/core/expr.js";
import * as Q from "../../src/core/rational.js";
import { rewriteRule, type AnyRewriteRule, type RewriteContext } from "../rule.js";
import { isScalarShape, shape } from "../../src/core/shape.js";
import { sortKey } from "../../src/core/order.js";

/** X^k as (X, k): X⁻¹ is (X, −1), (X⁻¹)^k is (X, −k). */
function basePower(f: Expr): [Expr, Q.Rational] {
  if (f.kind === "power") {
    const [b, k] = basePower(f.arg);
    return [b, Q.mul(k, f.exp)];
  }
  if (f.kind === "inverse") return [f.arg, Q.MINUS_ONE];
  // X⁻ᵀ is (Xᵀ)⁻¹, so it cancels against Xᵀ
  if (f.kind === "transpose" && f.arg.kind === "inverse") return [E.transpose(f.arg.arg), Q.MINUS_ONE];
  return [f, Q.ONE];
}

/**
 * Merges neighbours with the same base; returns null when nothing merged. A scalar's power by an expression
 * (t^(a − 1), det(A)^(1/n − 1)) merges with its base's other powers too: t·t^(a − 1) = t^a.
 */
function mergeRun(factors: readonly Expr[], scalar: boolean): Expr[] | null {
  const out: [Expr, Q.Rational, Expr[]][] = [];
  let merged = false;
  for (const f of factors) {
    const symbolic = scalar && f.kind === "epower";
    const [b, k] = symbolic ? [f.arg, Q.ZERO] : basePower(f);
    const last = out[out.length - 1];
    // scalars commute, so any earlier equal base may absorb this one
    const j = scalar ? out.findIndex(([ob]) => ob === b) : last && last[0] === b ? out.length - 1 : -1;
    // fractional scalar powers only merge with care: s^a s^b = s^(a+b) holds for s > 0, which
    // is the only domain where fractional powers are defined here
    if (j >= 0) {
      const [, k0, exps] = out[j]!;
      out[j] = [b, Q.add(k0, k), symbolic ? [...exps, f.exp] : exps];
      merged = true;
    } else out.push([b, k, symbolic ? [f.exp] : []]);
  }
  if (!merged) return null;
  return out.flatMap(([b, k, exps]) => {
    if (exps.length === 0) return k.n === 0 ? [] : [E.power(b, k)];
    const exponent = E.add(E.num(k), ...exps);
    return exponent.kind === "num" && exponent.value.n === 0 ? [] : [E.epower(b, exponent)];
  });
}

/** Splits a chain into 1×1 sub-chains (scalars) and the rest. */
function extractScalarRuns(chain: readonly Expr[]): { scalars: Expr[]; rest: Expr[] } | null {
  for (let i = 0; i < chain.length; i++) {
    if (chain[i]!.shape.rows !== 1) continue;
    for (let j = i + 1; j < chain.length; j++) {
      if (chain[j]!.shape.cols !== 1) continue;
      if (i === 0 && j === chain.length - 1) return null;
      const inner = E.mul(...chain.slice(i, j + 1));
      const rest = [...chain.slice(0, i), ...chain.slice(j + 1)];
      const deeper = extractScalarRuns(rest);
      return deeper ? { scalars: [inner, ...deeper.scalars], rest: deeper.rest } : { scalars: [inner], rest };
    }
  }
  return null;
}

/** Key of a 1×1 chain read backwards with every factor transposed, without building it. */
function flippedKey(chain: readonly Expr[]): string {
  return chain.slice().reverse().map((f) => {
    if (f.kind === "transpose") return sortKey(f.arg);
    const t = E.transpose(f);
    return t === f ? sortKey(f) : `${sortKey(f)}'`;
  }).join(" ");
}

const transposeCount = (chain: readonly Expr[]) => chain.filter((f) => f.kind === "transpose" && !isScalarShape(f.arg.shape) && f.arg.shape.cols !== 1 && f.arg.shape.rows !== 1).length;

/** A scalar (1×1) chain in canonical orientation: fewer transposed matrices, then the smaller key. */
export function orientScalarChain(e: Expr): Expr | null {
  if (e.kind !== "mul" || !isScalarShape(e.shape)) return null;
  const { coeff, scalars, chain } = E.splitMul(e);
  if (chain.length < 2) return null;
  const flipped = chain.slice().reverse().map(E.transpose);
  const tNow = transposeCount(chain);
  const tFlip = transposeCount(flipped);
  const better = tFlip < tNow || (tFlip === tNow && flippedKey(chain) < chain.map(sortKey).join(" "));
  if (!better) return null;
  return E.mul(E.num(coeff), ...scalars, E.mul(...flipped));
}

/** Scalars read best as α det(X) exp(α) (aᵀx): symbols, then functions, then 1×1 products. */
function scalarRank(e: Expr): number {
  const base = e.kind === "power" ? e.arg : e;
  if (base.kind === "trace" && base.arg.kind === "identity") return -1; // a size first, as printed: 2n tr(A), not 2 tr(A)n
  if (base.kind === "sym") return 0;
  if (base.kind === "d") return 3; // det(X) tr(X⁻¹B) dt: the differential last
  if (base.kind === "mul") return 2;
  return 1;
}

function sortScalars(e: E.Mul, ctx: RewriteContext): Expr | null {
  const { coeff, scalars, chain } = E.splitMul(e);
  if (scalars.length < 2) return null;
  const sorted = scalars.slice().sort((a, b) => scalarRank(a) - scalarRank(b) || ctx.compare(a, b));
  if (sorted.every((s, i) => s === scalars[i])) return null;
  return E.mul(E.num(coeff), ...sorted, ...chain);
}

/** A column that sums to 1: a declared probability vector, or softmax of a column vector (Σᵢ e^{uᵢ}/Σⱼ e^{uⱼ} = 1). */
const isProbability = (e: Expr) => (e.kind === "sym" && e.props.probability === true)
  || (e.kind === "fn" && e.name === "softmax" && e.shape.cols === 1);
/** softmax of a row vector, a row that sums to 1. */
const isProbabilityRow = (e: Expr) => e.kind === "fn" && e.name === "softmax" && e.shape.rows === 1 && e.shape.cols !== 1;

/** 𝟏ᵀy or yᵀ𝟏 of a probability vector y (or s𝟏 of a probability row s), or sum(y): each is 1. */
const sumsToOne = (e: Expr): boolean =>
  (e.kind === "sum" && (isProbability(e.arg) || isProbabilityRow(e.arg)))
  || (e.kind === "mul" && e.factors.length === 2 && (
    (e.factors[0]!.kind === "ones" && isProbability(e.factors[1]!))
    || (e.factors[0]!.kind === "transpose" && isProbability(e.factors[0]!.arg) && e.factors[1]!.kind === "ones")
    || (isProbabilityRow(e.factors[0]!) && e.factors[1]!.kind === "ones")));

export const PRODUCT_RULES: readonly AnyRewriteRule[] = [
  rewriteRule({
    // 𝟏ᵀ𝟏 = n and 𝟏𝟏ᵀ𝟏𝟏ᵀ = n𝟏𝟏ᵀ: ‖𝟏𝟏ᵀX‖² has the gradient 2n𝟏𝟏ᵀX, the size a factor (issue 17);
    // an outer product 𝟏𝟏ᵀ (inner size 1) stays as written
    id: "ones-product", source: "derived: Σₖ 1·1 = n, so 𝟏_{p×n} 𝟏_{n×q} = n 𝟏_{p×q}", formula: "\\mathbf{1}^{\\top} \\mathbf{1} = n",
    witness: "\\mathbf{1}\\mathbf{1}^T \\mathbf{1}\\mathbf{1}^T X", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      const i = chain.findIndex((f, j) => f.kind === "ones" && chain[j + 1]?.kind === "ones" && f.shape.cols !== 1);
      if (i < 0) return null;
      const [a, b] = [chain[i]!, chain[i + 1]!];
      const outer = [E.ones(shape(a.shape.rows, 1)), E.ones(shape(1, b.shape.cols))];
      return E.mul(E.num(coeff), ...scalars, E.sizeOf(a.shape.cols), ...chain.slice(0, i), ...outer, ...chain.slice(i + 2));
    },
  }),
  rewriteRule({
    id: "merge-powers", tags: ["kronecker-normal-form"], source: "derived: Xᵃ Xᵇ = Xᵃ⁺ᵇ, X X⁻¹ = I", formula: "X^{a} X^{b} = X^{a+b}, \\quad X X^{-1} = I",
    witness: "A A^{-1} B A A", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      const s = mergeRun(scalars, true);
      const c = mergeRun(chain, false);
      if (!s && !c) return null;
      const rest = c ?? chain;
      // all matrix factors cancelled: the product is I of the chain's size
      const body = rest.length === 0 && chain.length > 0 ? [E.identity(e.shape.rows)] : rest;
      return E.mul(E.num(coeff), ...(s ?? scalars), ...body);
    },
  }),
  rewriteRule({
    id: "scalar-subproduct", source: "derived: a 1×1 product is a scalar and commutes", formula: "x \\, (a^{\\top} y) = (a^{\\top} y) \\, x",
    witness: "x a^T y", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      const split = extractScalarRuns(chain);
      if (!split) return null;
      return E.mul(E.num(coeff), ...scalars, ...split.scalars, ...split.rest);
    },
  }),
  rewriteRule({
    id: "order-scalar-factors", tags: ["mechanical"], source: "derived: scalars commute", formula: "\\beta \\alpha A = \\alpha \\beta A",
    witness: "beta alpha A", on: ["mul"],
    apply: sortScalars,
  }),
  rewriteRule({
    id: "sign-out-of-sum", tags: ["mechanical"], source: "derived: distributivity", formula: "A (-B - C) = -A (B + C)",
    witness: "A (-B - C)", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      // a 1×1 sum too: d of −½(x − μ)ᵀA(x − μ) by μ arrives as −½(−(dμ)ᵀA(x − μ) − (x − μ)ᵀA dμ), no "−(−"
      const negative = (f: E.Expr) => f.kind === "add" && f.terms.every((t) => E.splitMul(t).coeff.n < 0);
      // the first such sum, among the 1×1 factors or else in the chain (no array made on a hot path's miss)
      const inScalars = scalars.findIndex(negative);
      const inChain = inScalars < 0 ? chain.findIndex(negative) : -1;
      if (inScalars < 0 && inChain < 0) return null;
      const flip = (fs: readonly E.Expr[], i: number) => fs.map((f, j) => (j === i ? E.add(...(f as E.Add).terms.map(E.neg)) : f));
      return E.mul(E.num(Q.neg(coeff)), ...flip(scalars, inScalars), ...flip(chain, inChain));
    },
  }),
  rewriteRule({
    id: "probability-sums-to-one", source: "derived: a declared probability vector y, or y = softmax(u) of a vector u, has 𝟏ᵀy = Σᵢ yᵢ = 1",
    formula: "(\\mathbf{1}^{\\top} y) A = A, \\quad \\operatorname{sum}(y) = 1", witness: "(\\mathbf{1}^T y) x", witnessLet: ["y: probability"], on: ["mul", "sum"],
    apply: (e) => {
      if (e.kind === "sum") return isProbability(e.arg) || isProbabilityRow(e.arg) ? E.ONE_NUM : null;
      if (e.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e);
      const i = scalars.findIndex(sumsToOne);
      if (i < 0) return null;
      return E.mul(E.num(coeff), ...scalars.filter((_, j) => j !== i), ...chain);
    },
  }),
  rewriteRule({
    id: "sign-times-value", source: "derived: sign(t) t = |t|", formula: "\\operatorname{sign}(s)\\, s = \\lvert s \\rvert",
    witness: "sign(alpha) alpha", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      const i = scalars.findIndex((f) => f.kind === "fn" && f.name === "sign" && scalars.includes(f.arg));
      if (i < 0) return null;
      const arg = (scalars[i] as E.Fn).arg;
      const rest = scalars.filter((f, j) => j !== i && f !== arg);
      return E.mul(E.num(coeff), ...rest, E.fn("abs", arg), ...chain);
    },
  }),
  rewriteRule({
    // scalars commute, so (ab)ᵏ = aᵏbᵏ for integer k; then t/(αt) meets its t. Fractional
    // powers stay whole: (ab)^{1/2} = a^{1/2}b^{1/2} needs a, b ≥ 0
    id: "power-of-scalar-product", source: "derived: scalars commute", formula: "(\\alpha \\beta)^{k} = \\alpha^{k} \\beta^{k}",
    witness: "beta (alpha beta)^{-1}", on: ["power"],
    apply: (e) => {
      if (e.arg.kind !== "mul" || !isScalarShape(e.shape) || e.exp.d !== 1) return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      if (chain.length > 0) return null; // a 1×1 chain xᵀAy is one scalar
      return E.mul(E.power(E.num(coeff), e.exp), ...scalars.map((x) => E.power(x, e.exp)));
    },
  }),
  rewriteRule({
    // M = P₁⋯Pₖ need not be square factor by factor: (XᵀX)⁻¹XᵀX = I for any X of full column rank,
    // which merge-powers cannot see (XᵀX is one base there, Xᵀ and X two factors here)
    id: "inverse-cancels-product", source: "derived: M⁻¹M = MM⁻¹ = I with M = P₁⋯Pₖ",
    formula: "(P_1 \\cdots P_k)^{-1} P_1 \\cdots P_k = I, \\quad P_1 \\cdots P_k (P_1 \\cdots P_k)^{-1} = I",
    witness: "X (X^T X)^{-1} X^T X", witnessLet: ["X: 5 x 3"], on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      for (let i = 0; i < chain.length; i++) {
        const inv = chain[i]!;
        if (inv.kind !== "inverse" || inv.arg.kind !== "mul") continue;
        const inner = E.splitMul(inv.arg);
        const k = inner.chain.length;
        if (k < 2) continue;
        const matches = (at: number) => at >= 0 && at + k <= chain.length && inner.chain.every((f, j) => chain[at + j] === f);
        // M⁻¹ = (c s P)⁻¹ = (c s)⁻¹ P⁻¹: the coefficient and scalars of M stay behind, inverted
        const rest = (from: number, to: number) => E.mul(
          E.num(Q.div(coeff, inner.coeff)), ...scalars, ...inner.scalars.map((x) => E.power(x, -1)),
          ...chain.slice(0, from), ...(from === 0 && to === chain.length ? [E.identity(e.shape.rows)] : []), ...chain.slice(to),
        );
        if (matches(i + 1)) return rest(i, i + 1 + k);
        if (matches(i - k)) return rest(i - k, i + 1);
      }
      return null;
    },
  }),
  rewriteRule({
    id: "inverse-of-product", source: "Matrix Cookbook (2012-11-15) eq. (2), all factors square",
    formula: "(A B C)^{-1} = C^{-1} B^{-1} A^{-1}", witness: "(A X B)^{-1}", witnessLet: ["A: square", "B: square"], on: ["inverse"],
    apply: (e) => {
      if (e.arg.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      if (chain.length < 2 || !chain.every((f) => f.shape.rows === f.shape.cols)) return null;
      return E.mul(E.num(Q.div(Q.ONE, coeff)), ...scalars.map((x) => E.power(x, -1)), ...chain.slice().reverse().map(E.inverse));
    },
  }),
  rewriteRule({
    // log det(2πΣ) differentiates to 2π(2πΣ)⁻ᵀ, which a reader wants as Σ⁻ᵀ: the scalars leave the inverse
    id: "inverse-of-scaled", source: "Matrix Cookbook (2012-11-15) eq. (2) with A = cI: (cA)⁻¹ = c⁻¹A⁻¹",
    formula: "(c A)^{-1} = c^{-1} A^{-1}", witness: "(3 α X^T X)^{-1}", witnessLet: ["X: 5 x 3"], on: ["inverse"],
    apply: (e) => {
      if (e.arg.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      if (chain.length === 0 || (Q.eq(coeff, Q.ONE) && scalars.length === 0)) return null;
      return E.mul(E.num(Q.div(Q.ONE, coeff)), ...scalars.map((x) => E.power(x, -1)), E.inverse(E.mul(...chain)));
    },
  }),
];
