/**
 * Checks a derivation (--steps) line by line: every step is numerically
 * equal, as a linear form in the differential on random inputs and random
 * directions, to the step before it. Unexpanded d(u) is evaluated through the
 * differential engine; ⟨G, dX⟩ lines through tr(Gᵀ dX); Σ_{i≤j} G_ij dS_ij
 * lines through ½(⟨G, dS⟩ + ⟨G ∘ I, dS⟩); vec lines as J vec(dX) against vec(df). A Hessian's
 * derivation starts two more chains: ∇f = G, compared with the engine's gradient, and
 * d²f = d(df), compared with d²f from the engine (d(dX) = 0); its last line, vec(dX)ᵀ H vec(dX),
 * is an ordinary value. Used by test/steps.test.ts (named cases) and
 * test/properties.test.ts (random problems).
 */
import { derivationOf, type Analysis } from "../../src/api.js";
import * as E from "../../src/core/expr.js";
import type { Expr } from "../../src/core/expr.js";
import { differential, expandDefinitions } from "../../src/calculus/differential.js";
import { innerProduct } from "../../src/core/inner.js";
import * as Q from "../../src/core/rational.js";
import { numericallyEqual, type CheckOptions, type CheckResult } from "../../src/numeric/check.js";
import type { DerivationStep } from "../../src/calculus/steps.js";
import { toText } from "../../src/print/text.js";

/** The value of a derivation line: d(u) expanded by the engine. */
function valueOf(e: Expr, ctx: Parameters<typeof differential>[1]): Expr {
  return E.mapBottomUp(e, (x) => (x.kind === "dop" ? differential(x.arg, ctx).df : x));
}

export interface StepComparison {
  readonly step: DerivationStep;
  /** The first line is compared with df itself. */
  readonly index: number;
  readonly result: CheckResult;
  readonly describe: string;
}

/** Each line of the derivation against the one before it (the first against df). */
export function compareDerivation(
  a: Analysis, opts: CheckOptions = {}, equal: (x: Expr, y: Expr, opts: CheckOptions) => CheckResult = numericallyEqual,
): { steps: DerivationStep[]; comparisons: StepComparison[] } {
  const steps = derivationOf(a);
  const dX = E.diff(a.X);
  const ctx = { wrt: new Map([[a.X.name, dX]]), definitions: a.definitions };
  const expand = (e: Expr) => expandDefinitions(e, a.definitions);
  const comparisons: StepComparison[] = [];
  if (steps.length === 0) return { steps, comparisons };
  let previous = expand(valueOf(steps[0]!.expr, ctx));
  comparisons.push({ step: steps[0]!, index: 0, result: equal(previous, expand(a.df), opts), describe: `the first line ${toText(steps[0]!.expr)} against df` });
  steps.slice(1).forEach((s, i) => {
    let value: Expr;
    let against = previous;
    if (s.begins === "gradient") { value = expand(s.expr); against = expand(a.gradient); }
    else if (s.begins === "second") { value = expand(valueOf(s.expr, ctx)); against = expand(differential(a.df, ctx).df); }
    else if (s.display === "frobenius") value = expand(innerProduct(s.gradient!, dX));
    // Σ_{i≤j} G_ij dS_ij = ½(⟨G, dS⟩ + ⟨G ∘ I, dS⟩) for symmetric G and dS (off-diagonal pairs counted once)
    else if (s.display === "entries") {
      const g = s.gradient!;
      value = expand(E.scale(Q.rat(1, 2), E.add(innerProduct(g, dX), innerProduct(E.hadamard(g, E.identity(g.shape.rows)), dX))));
    }
    else if (s.display === "vec") { value = expand(E.mul(s.gradient!, E.vec(dX))); against = E.vec(previous); }
    else value = expand(valueOf(s.expr, ctx));
    comparisons.push({ step: s, index: i + 1, result: equal(against, value, opts), describe: `step "${s.reason}": ${toText(s.gradient ?? s.expr)}` });
    if (s.display !== "vec") previous = value;
  });
  return { steps, comparisons };
}
