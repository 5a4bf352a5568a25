/**
 * Hostile problems for the fuzz campaign (issue 19): a random well-shaped
 * problem (arbitraries.ts) made hostile in one of the ways that crashed or
 * hung matdiff — a chain of --where definitions that double or square, sizes
 * declared for --check from 1 to 10⁸, literals from 2⁰ to 2⁸⁰ and 15-digit
 * numbers, and fractional powers of 0. The property: every one ends as an
 * answer or a MatdiffError (never another exception, the CLI's exit 4), and
 * within its budget.
 */
import fc from "fast-check";
import { problem, type Problem } from "./arbitraries.js";

/** A chain e₁ = base, eᵢ = eᵢ₋₁ op eᵢ₋₁ (op +, −, product, ⊙), used by the function. */
const whereChain = fc.record({
  n: fc.integer({ min: 1, max: 26 }),
  name: fc.constantFrom("Q", "q"),
  base: fc.constantFrom("x + x", "A A", "A^T A", "x x^T", "A + A^T", "0.5 A", "A^{-1}", "2^{30} A", "0^{1/2} A + A"),
  ops: fc.array(fc.constantFrom(" + ", " - ", " ", " \\odot "), { minLength: 1, maxLength: 3 }),
  use: fc.constantFrom("tr(N)", "sum(N)", "N", "\\|N\\|^2", "x^T N x"),
});

const declaredSize = fc.record({
  expr: fc.constantFrom("x^T x", "x^T A x", "tr(A)", "A x", "sum(exp(A x))", "log det(S)", "\\|A - B\\|_F^2", "B \\otimes (0 P)", "tr(A^{-1})"),
  rows: fc.constantFrom(1, 2, 3, 7, 50, 400, 1000, 100_000, 100_000_000),
  cols: fc.constantFrom(1, 2, 3, 7, 50, 400, 1000, 100_000),
  which: fc.constantFrom("x", "A", "S", "B", "P"),
});

const bigLiteral = fc.oneof(
  fc.integer({ min: 0, max: 80 }).map((k) => `2^{${k}}`),
  fc.integer({ min: 0, max: 20 }).map((k) => `10^{${k}}`),
  fc.constantFrom("123456789012345", "999999999999999", "1e15", "1e-15", "9007199254740993", "0.000000000000001", "4503599627370496"),
);

const zeroPower = fc.record({ p: fc.integer({ min: -7, max: 7 }), q: fc.integer({ min: 1, max: 9 }) }).map(({ p, q }) => `0^{${p}/${q}}`);

export type HostileProblem = Problem & { readonly check: boolean };

export function hostileProblem(): fc.Arbitrary<HostileProblem> {
  return fc.record({ base: problem({ maxDepth: 3 }), how: fc.nat({ max: 3 }), chain: whereChain, size: declaredSize, lit: bigLiteral, zero: zeroPower, placement: fc.nat({ max: 2 }) })
    .map(({ base, how, chain, size, lit, zero, placement }): HostileProblem => {
      switch (how) {
        case 0: {
          const names = Array.from({ length: chain.n }, (_, i) => `${chain.name}_{${i + 1}}`);
          const where = [`${names[0]} = ${chain.base}`, ...names.slice(1).map((nm, i) => `${nm} = ${names[i]}${chain.ops[i % chain.ops.length]}${names[i]}`)];
          const f = chain.use.replace("N", names.at(-1)!);
          return { ...base, expr: placement === 0 ? f : `${f} + (${base.expr})`, wrt: placement === 2 ? base.wrt : /\bx\b/.test(chain.base) ? "x" : "A", where: [...base.where, ...where], kind: "s", check: placement !== 1 };
        }
        case 1: {
          const decl = size.which === "x" ? `x: ${size.rows}` : `${size.which}: ${size.rows} x ${size.which === "S" ? size.rows : size.cols}`;
          return { ...base, expr: size.expr, wrt: size.expr.includes("x") ? "x" : size.expr.includes("S") ? "S" : size.expr.includes("B") ? "B" : "A", let: [decl, ...(size.which === "S" ? ["S: posdef"] : [])], where: [], hessian: false, kind: "s", check: true };
        }
        case 2:
          return { ...base, expr: placement === 0 ? `${lit} (${base.expr})` : placement === 1 ? `(${lit} ${base.wrt})^T (${lit} ${base.wrt}) + (${base.expr})` : `${lit} x^T x`, wrt: placement === 2 ? "x" : base.wrt, check: true };
        default:
          return { ...base, expr: placement === 0 ? `${zero} (${base.expr})` : placement === 1 ? `${zero} ${base.wrt} + (${base.expr})` : `(${zero}) x^T A x`, wrt: placement === 2 ? "x" : base.wrt, check: true };
      }
    });
}
