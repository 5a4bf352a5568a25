/**
 * Sums: like terms combine, terms take a canonical order, and a factor
 * common to every term comes out (A x + B x = (A + B) x).
 */
import * as E from "../../src/core/expr.js";
import type { Expr } from "../../src/core/expr.js";
import * as Q from "../../src/core/rational.js";
import { rewriteRule, type AnyRewriteRule } from "../rule.js";
import { orientScalarChain } from "./products.js";
import { canonicalTraceKey } from "./scalar-functions.js";
import { transposed } from "../../src/core/symmetry.js";

/** A term as coefficient × body, the body carrying no numeric factor. */
function coefficientOf(t: Expr): [Q.Rational, Expr] {
  const { coeff, scalars, chain } = E.splitMul(t);
  if (coeff.n === 1 && coeff.d === 1) return [coeff, t];
  return [coeff, E.mul(...scalars, ...chain)];
}

function gcdInt(a: number, b: number): number {
  a = Math.abs(a); b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

function transposedMatrices(e: Expr): number {
  let n = 0;
  const visit = (x: Expr): void => {
    if (x.kind === "transpose" && x.shape.rows !== 1 && x.shape.cols !== 1) n++;
    E.children(x).forEach(visit);
  };
  visit(e);
  return n;
}

/**
 * A term's body with its 1×1 factors in canonical orientation and powers of
 * matrix products written out ((XᵀAᵀ)² as XᵀAᵀXᵀAᵀ), as the key for like
 * terms: the product rule on tr((AX)³) makes both spellings of one term.
 */
function likeKey(body: Expr): Expr {
  const canonical = (s: Expr) => canonicalTraceKey(orientScalarChain(s) ?? s);
  const { coeff, scalars, chain } = E.splitMul(body);
  // only a plain chain is written out: a power of c·P or of s·P stays one factor
  const expanded = chain.flatMap((f) => (f.kind === "power" && f.arg.kind === "mul" && Q.isInt(f.exp) && f.exp.n > 1 && E.splitMul(f.arg).chain.length === f.arg.factors.length
    ? Array.from({ length: f.exp.n }, () => (f.arg as E.Mul).factors).flat()
    : [f]));
  if (scalars.length === 0) return expanded.length === chain.length ? canonical(body) : E.mul(E.num(coeff), ...expanded);
  return E.mul(E.num(coeff), ...scalars.map(canonical).sort((a, b) => a.id - b.id), ...expanded);
}

/**
 * The largest group (at least two terms) sharing a first (or last) matrix
 * factor, with the rest of each term. Terms outside the group stay as they are:
 * xᵀAx + bᵀx gives (A + Aᵀ)x + b.
 */
function commonEdge(terms: readonly Expr[], side: "left" | "right"): { factor: Expr; members: number[]; rests: Expr[] } | null {
  const groups = new Map<number, { factor: Expr; members: number[]; rests: Expr[] }>();
  terms.forEach((t, i) => {
    const { coeff, scalars, chain } = E.splitMul(t);
    if (chain.length < 2) return;
    const f = side === "left" ? chain[0]! : chain[chain.length - 1]!;
    const rest = side === "left" ? chain.slice(1) : chain.slice(0, -1);
    const g = groups.get(f.id) ?? { factor: f, members: [], rests: [] };
    g.members.push(i);
    g.rests.push(E.mul(E.num(coeff), ...scalars, ...rest));
    groups.set(f.id, g);
  });
  // terms with the same scalar factors, (B + Bᵀ)x, or with no divisor among them, ((𝟏ᵀy)s − y)xᵀ;
  // but not (AᵀA/s − t BᵀB/s²)x: there, those with the same scalars among them, so the generalised Rayleigh
  // quotient's gradient reads (A + Aᵀ)w/(wᵀBw) − (wᵀAw)(B + Bᵀ)w/(wᵀBw)²
  const scalarsOf = (i: number) => E.splitMul(terms[i]!).scalars.map((x) => x.id).join(",");
  const divides = (i: number) => E.splitMul(terms[i]!).scalars.some((x) => x.kind === "power" && x.exp.n < 0);
  let best: { factor: Expr; members: number[]; rests: Expr[] } | null = null;
  for (const whole of groups.values()) {
    let g = whole;
    if (g.members.some(divides) && !g.members.every((i) => scalarsOf(i) === scalarsOf(g.members[0]!))) {
      const bySigns = new Map<string, number[]>();
      g.members.forEach((i, k) => bySigns.set(scalarsOf(i), [...(bySigns.get(scalarsOf(i)) ?? []), k]));
      const largest = [...bySigns.values()].reduce((a, b) => (b.length > a.length ? b : a));
      g = { factor: g.factor, members: largest.map((k) => whole.members[k]!), rests: largest.map((k) => whole.rests[k]!) };
    }
    if (g.members.length < 2) continue;
    if (!best || g.members.length > best.members.length) best = g;
  }
  return best;
}

/** Replaces the group's terms by one factored term, where the first of them stood. */
function regroup(terms: readonly Expr[], members: readonly number[], factored: Expr): Expr {
  const out: Expr[] = [];
  terms.forEach((t, i) => {
    if (i === members[0]) out.push(factored);
    else if (!members.includes(i)) out.push(t);
  });
  return E.add(...out);
}

/** A scalar as base and positive integer exponent: σ² is (σ, 2), σ is (σ, 1); other powers are their own base. */
function basePower(s: Expr): [Expr, number] {
  return s.kind === "power" && Q.isInt(s.exp) && s.exp.n > 0 ? [s.arg, s.exp.n] : [s, 1];
}

/**
 * A scalar factor shared by every term, to its lowest power: det(X) A + det(X) B = det(X)(A + B), and
 * σ(1 − σ)² − σ²(1 − σ) = σ(1 − σ)((1 − σ) − σ), which like terms finish as σ(1 − σ)(1 − 2σ).
 */
function commonScalar(terms: readonly Expr[]): { factor: Expr; rests: Expr[] } | null {
  const parts = terms.map((t) => E.splitMul(t));
  for (const s of parts[0]!.scalars) {
    const [base] = basePower(s);
    const found = parts.map((p) => p.scalars.findIndex((x) => basePower(x)[0] === base));
    if (found.some((i) => i < 0)) continue;
    const lowest = Math.min(...found.map((i, k) => basePower(parts[k]!.scalars[i]!)[1]));
    const rests = parts.map(({ coeff, scalars, chain }, k) => {
      const i = found[k]!;
      const left = basePower(scalars[i]!)[1] - lowest;
      const kept = scalars.flatMap((x, j) => (j !== i ? [x] : left > 0 ? [E.power(base, left)] : []));
      return E.mul(E.num(coeff), ...kept, ...chain);
    });
    return { factor: lowest === 1 ? base : E.power(base, lowest), rests };
  }
  return null;
}

/** tr(… dX): a trace whose product ends with a differential and does not start with one. */
function differentialLast(body: Expr): boolean {
  if (body.kind !== "trace") return false;
  const { chain } = E.splitMul(body.arg);
  const isD = (f: Expr | undefined) => f !== undefined && (f.kind === "d" || (f.kind === "power" && f.arg.kind === "d"));
  return chain.length > 1 && isD(chain[chain.length - 1]) && !isD(chain[0]);
}

export const SUM_RULES: readonly AnyRewriteRule[] = [
  rewriteRule({
    id: "collect-like-terms", source: "derived: distributivity", formula: "a X + b X = (a + b) X",
    witness: "A B + 2 A B + (A B)^2 - A B A B", on: ["add"],
    apply: (e) => {
      // xᵀa and aᵀx are one number: terms meet up to the orientation of 1×1 factors,
      // and the first term's way of writing it is kept
      const groups = new Map<number, { body: Expr; coeff: Q.Rational }>();
      for (const t of e.terms) {
        const [c, body] = coefficientOf(t);
        const key = likeKey(body);
        const g = groups.get(key.id);
        // like traces are written with the differential last, as tr(G dX) reads: 3 tr(X² dX); of two
        // spellings of one term otherwise the shorter stays: (XᵀAᵀ)², not XᵀAᵀXᵀAᵀ
        if (g) {
          g.coeff = Q.add(g.coeff, c);
          const lastWins = differentialLast(body) && !differentialLast(g.body);
          const shorter = differentialLast(body) === differentialLast(g.body) && E.splitMul(body).chain.length < E.splitMul(g.body).chain.length;
          if (lastWins || shorter) g.body = body;
        }
        else groups.set(key.id, { body, coeff: c });
      }
      if (groups.size === e.terms.length) return null;
      const terms = [...groups.values()].filter((g) => g.coeff.n !== 0).map((g) => E.mul(E.num(g.coeff), g.body));
      return terms.length ? E.add(...terms) : E.zero(e.shape);
    },
  }),
  rewriteRule({
    // d of eᶻ/(1 + eᶻ) factors as σ(z)(1 − (1 − σ(−z))): a bracketed sum whose terms meet terms outside it is
    // opened, so they cancel or merge; a sum that meets nothing stays factored, as 2(x + y) + z
    id: "open-to-cancel", source: "derived: distributivity", formula: "a - (a - b) = b",
    witness: "x - (x - y)", on: ["add"],
    apply: (e) => {
      for (const t of e.terms) {
        const { coeff, scalars, chain } = E.splitMul(t);
        const inner = scalars.length === 1 && chain.length === 0 ? scalars[0]! : scalars.length === 0 && chain.length === 1 ? chain[0]! : null;
        if (inner?.kind !== "add") continue;
        const others = e.terms.filter((u) => u !== t);
        const outside = new Set(others.map((u) => likeKey(coefficientOf(u)[1]).id));
        const opened = inner.terms.map((u) => E.mul(E.num(coeff), u));
        if (!opened.some((u) => outside.has(likeKey(coefficientOf(u)[1]).id))) continue;
        return E.add(...e.terms.flatMap((u) => (u === t ? opened : [u])));
      }
      return null;
    },
  }),
  rewriteRule({
    // Only the signs move (x − As, not −As + x); otherwise the order the user
    // wrote, or the product rule produced, is the order a reader expects.
    id: "order-terms", tags: ["mechanical"], source: "derived: addition commutes", formula: "-B + A = A - B",
    witness: "-A s + x", on: ["add"],
    apply: (e) => {
      const negative = (t: Expr) => E.splitMul(t).coeff.n < 0;
      const sorted = [...e.terms.filter((t) => !negative(t)), ...e.terms.filter(negative)];
      // and a pair M, Mᵀ reads M + Mᵀ (A + Aᵀ, not Aᵀ + A)
      for (let i = 0; i < sorted.length; i++) {
        for (let j = i + 1; j < sorted.length; j++) {
          if (transposed(sorted[i]!) === sorted[j] && transposedMatrices(sorted[i]!) > transposedMatrices(sorted[j]!)) {
            [sorted[i], sorted[j]] = [sorted[j]!, sorted[i]!];
          }
        }
      }
      return sorted.every((t, i) => t === e.terms[i]) ? null : E.add(...sorted);
    },
  }),
  rewriteRule({
    id: "factor-common-coefficient", source: "derived: distributivity", formula: "c A + c B = c (A + B)",
    witness: "2 A + 2 B", on: ["add"],
    apply: (e) => {
      const cs = e.terms.map((t) => coefficientOf(t)[0]);
      let g = cs.reduce((acc, c) => gcdInt(acc, c.n), 0);
      const l = cs.reduce((acc, c) => (acc * c.d) / gcdInt(acc, c.d), 1);
      if (cs.every((c) => c.n < 0)) g = -g;
      const common = Q.rat(g, l);
      if (common.n === 0 || (Math.abs(common.n) === 1 && common.d === 1)) return null;
      // 2Ax + 2Bx = 2(A + B)x and (A + Aᵀ)/2, but −2Φᵀe + 2λθ stays as written
      const sameSign = cs.every((c) => c.n > 0) || cs.every((c) => c.n < 0);
      if (!sameSign && common.d === 1) return null;
      const factored = (c: Q.Rational, terms: readonly Expr[]) => E.mul(E.num(c), E.add(...terms.map((t) => E.mul(E.num(Q.div(Q.ONE, c)), t))));
      // beside a whole term a fraction comes out of the terms that share it only: ½xᵀAx − bᵀx gives ½(A + Aᵀ)x − b,
      // not ((A + Aᵀ)x − 2b)/2, and a + b + c/2 stays (distribute-fraction undoes ½(2a + 2b + c): the two must
      // not undo each other)
      if (common.d !== 1 && cs.some((c) => c.d === 1)) {
        const sizes = new Map<string, { c: Q.Rational; n: number }>();
        for (const c of cs) {
          if (c.d === 1) continue;
          const key = `${Math.abs(c.n)}/${c.d}`;
          const seen = sizes.get(key);
          if (seen) seen.n++;
          else sizes.set(key, { c: Q.rat(Math.abs(c.n), c.d), n: 1 });
        }
        const shared = [...sizes.values()].filter((s) => s.n >= 2).sort((a, b) => b.n - a.n)[0];
        if (!shared) return null;
        const inGroup = (c: Q.Rational) => Math.abs(c.n) === shared.c.n && c.d === shared.c.d;
        const group = e.terms.filter((_, i) => inGroup(cs[i]!));
        const signed = group.every((t) => coefficientOf(t)[0].n < 0) ? Q.neg(shared.c) : shared.c;
        return E.add(factored(signed, group), ...e.terms.filter((_, i) => !inGroup(cs[i]!)));
      }
      return factored(common, e.terms);
    },
  }),
  rewriteRule({
    id: "factor-common-scalar", source: "derived: distributivity", formula: "s A + s B = s (A + B)",
    witness: "det(X) A + det(X) B", on: ["add"],
    apply: (e) => {
      const c = commonScalar(e.terms);
      return c ? E.mul(c.factor, E.add(...c.rests)) : null;
    },
  }),
  rewriteRule({
    // φ − σ(θᵀφ)φ = (1 − σ(θᵀφ))φ and I − sI = (1 − s)I, as a textbook writes them: terms that differ only in
    // their scalar factors. Not with a divisor among those (x/s − t x/s² stays; (1/s − t/s²)x reads worse)
    id: "collect-scalar-coefficients", source: "derived: distributivity", formula: "a X + s X = (a + s) X",
    witness: "x - tr(A) x + y", on: ["add"],
    apply: (e) => {
      // in a differential, aᵀdx − σ(aᵀx)aᵀdx = (1 − σ(aᵀx))aᵀdx: the 1×1 factors with the differential are the body
      const hasD = (x: Expr) => E.contains(x, (y) => y.kind === "d");
      const parts = e.terms.map((t) => {
        const { coeff, scalars, chain } = E.splitMul(t);
        const body = chain.length ? chain : scalars.filter(hasD);
        return { body, rest: [E.num(coeff), ...(chain.length ? scalars : scalars.filter((x) => !hasD(x)))] };
      });
      const groups = new Map<number, number[]>();
      parts.forEach((p, i) => {
        if (p.body.length === 0) return;
        const key = E.mul(...p.body).id;
        groups.set(key, [...(groups.get(key) ?? []), i]);
      });
      const divides = (i: number) => parts[i]!.rest.some((x) => x.kind === "power" && x.exp.n < 0);
      for (const members of groups.values()) {
        if (members.length < 2 || !members.some((i) => parts[i]!.rest.length > 1) || members.some(divides)) continue;
        const coefficient = E.add(...members.map((i) => E.mul(...parts[i]!.rest)));
        return regroup(e.terms, members, E.mul(coefficient, ...parts[members[0]!]!.body));
      }
      return null;
    },
  }),
  rewriteRule({
    id: "factor-common-right", source: "derived: distributivity", formula: "A X + B X = (A + B) X",
    witness: "A x + B x + y", on: ["add"],
    apply: (e) => {
      const c = commonEdge(e.terms, "right");
      return c ? regroup(e.terms, c.members, E.mul(E.add(...c.rests), c.factor)) : null;
    },
  }),
  rewriteRule({
    id: "factor-common-left", source: "derived: distributivity", formula: "X A + X B = X (A + B)",
    witness: "A B + A C", on: ["add"],
    apply: (e) => {
      const c = commonEdge(e.terms, "left");
      return c ? regroup(e.terms, c.members, E.mul(c.factor, E.add(...c.rests))) : null;
    },
  }),
  rewriteRule({
    id: "coefficient-out-of-sum-factor", tags: ["mechanical"], source: "derived: distributivity", formula: "A (2B - 2C) = 2 A (B - C)",
    witness: "(2 B - 2 C) A", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      const all = [...scalars, ...chain];
      const i = all.findIndex((f) => f.kind === "add" && commonInteger(f.terms) > 1);
      if (i < 0) return null;
      const g = commonInteger((all[i] as E.Add).terms);
      const inner = E.add(...(all[i] as E.Add).terms.map((t) => E.scale(Q.rat(1, g), t)));
      return E.mul(E.num(Q.mul(coeff, Q.rat(g))), ...all.map((f, j) => (j === i ? inner : f)));
    },
  }),
  rewriteRule({
    id: "distribute-fraction", source: "derived: distributivity", formula: "\\tfrac{1}{2}(2A - 2B - C) = A - B - \\tfrac{1}{2} C",
    witness: "(2 A - 2 B - C)/2", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      if (coeff.d === 1 || scalars.length !== 0 || chain.length !== 1 || chain[0]!.kind !== "add") return null;
      const terms = chain[0].terms;
      const integral = terms.filter((t) => Q.mul(coefficientOf(t)[0], coeff).d === 1).length;
      // half the terms whole is enough: Σ⁻¹ − Σ⁻¹(S + Sᵀ)Σ⁻¹/2 reads better than (2Σ⁻¹ − Σ⁻¹(S + Sᵀ)Σ⁻¹)/2
      if (integral * 2 < terms.length) return null;
      return E.add(...terms.map((t) => E.mul(E.num(coeff), t)));
    },
  }),
  rewriteRule({
    // d of −log(exp(yᵀs)/Σ exp(s)) arrives as −S(yᵀds/S − exp(s)ᵀds/S²), S = sum(exp(s)): S cancels into each term
    id: "cancel-into-sum", source: "derived: distributivity, then c·c⁻ᵏ = c¹⁻ᵏ", formula: "c\left(\frac{a}{c} - \frac{b}{c^{2}}\right) = a - \frac{b}{c}",
    witness: "s (a^T x / s - b^T x / s^2)", witnessLet: ["s: scalar", "a: vector", "b: vector", "x: vector"], on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      const j = scalars.findIndex((x) => x.kind === "add");
      const sum = j >= 0 ? scalars[j] as E.Add : chain.length === 1 && chain[0]!.kind === "add" ? chain[0] : null;
      if (!sum) return null;
      // c divides every term: each has a factor c⁻ᵏ, k ≥ 1
      const divides = (c: Expr) => sum.terms.every((t) => E.splitMul(t).scalars.some((x) => x.kind === "power" && x.arg === c && x.exp.n < 0));
      const i = scalars.findIndex((c, k) => k !== j && c.kind !== "add" && divides(c));
      if (i < 0) return null;
      const c = scalars[i]!;
      const rest = scalars.filter((_, k) => k !== i && k !== j);
      return E.mul(E.num(coeff), ...rest, E.add(...sum.terms.map((t) => E.mul(c, t))), ...(j >= 0 ? chain : []));
    },
  }),
  rewriteRule({
    // the quotient rule leaves 1/(1 + u) − u/(1 + u)²; over the common denominator it is (1 + u − u)/(1 + u)² =
    // 1/(1 + u)², as a textbook writes it (xᵀx/(1 + xᵀx) by x: 2x/(1 + xᵀx)²). Taken only where the numerator then
    // is a single term: a longer one would only trade a sum of quotients for a quotient of a sum
    id: "common-denominator", source: "derived: a/d + b/d² = (ad + b)/d²",
    formula: "\\frac{a}{d} + \\frac{b}{d^{2}} = \\frac{a d + b}{d^{2}}, \\quad \\frac{1}{1 + u} - \\frac{u}{(1 + u)^{2}} = \\frac{1}{(1 + u)^{2}}",
    witness: "1/(1 + t) - t/(1 + t)^2 + (x/(1 + x^T x) - (x^T x) x/(1 + x^T x)^2)^T y", witnessLet: ["t: scalar", "x: vector", "y: vector"], on: ["add"],
    apply: (e) => {
      // every sum meets this rule: only one over a power of a sum pays for more
      const overSum = (x: Expr): x is E.Power => x.kind === "power" && Q.isInt(x.exp) && x.exp.n < 0 && x.arg.kind === "add" && x.arg.shape.rows === 1 && x.arg.shape.cols === 1;
      const first = e.terms[0]!;
      const candidates = first.kind === "mul" ? E.splitMul(first).scalars.filter(overSum) : overSum(first) ? [first] : [];
      for (const candidate of candidates) {
        const d = candidate.arg as E.Add;
        const split = e.terms.map((t) => {
          const { coeff, scalars, chain } = E.splitMul(t);
          const k = scalars.findIndex((x) => overSum(x) && x.arg === d);
          return k < 0 ? null : { coeff, rest: [...scalars.filter((_, i) => i !== k), ...chain], power: -(scalars[k] as E.Power).exp.n };
        });
        if (split.some((x) => x === null)) continue;
        const top = Math.max(...split.map((x) => x!.power));
        if (split.some((x) => top - x!.power > 1) || split.every((x) => x!.power === top)) continue;
        // the numerator's monomials, like ones collected: (1 + u)·1 − u is 1 + u − u
        const monomials = new Map<Expr, Q.Rational>();
        const put = (c: Q.Rational, factors: readonly Expr[]) => {
          const body = factors.length ? E.mul(...factors) : E.ONE_NUM;
          const split = E.splitMul(body);
          const key = split.scalars.length + split.chain.length ? E.mul(...split.scalars, ...split.chain) : E.ONE_NUM;
          monomials.set(key, Q.add(monomials.get(key) ?? Q.ZERO, Q.mul(c, split.coeff)));
        };
        for (const x of split) {
          if (x!.power === top) put(x!.coeff, x!.rest);
          else for (const t of d.terms) put(x!.coeff, [...x!.rest, t]);
        }
        const left = [...monomials].filter(([, c]) => c.n !== 0);
        if (left.length === 0) return E.zero(e.shape);
        if (left.length !== 1) continue;
        const [body, c] = left[0]!;
        return E.mul(E.num(c), body, E.power(d, -top));
      }
      return null;
    },
  }),
];

/** The largest integer dividing every term's coefficient (1 for fractions). */
function commonInteger(terms: readonly Expr[]): number {
  const cs = terms.map((t) => coefficientOf(t)[0]);
  if (cs.some((c) => c.d !== 1)) return 1;
  return cs.reduce((acc, c) => gcdInt(acc, c.n), 0);
}
