/**
 * Derivations reuse the pipeline's work (issue 15, item 5): a request, with
 * --steps or without, makes one simplification pass and extracts the gradient
 * once, from df simplified. The pass is one engine run (simplifier()) whose
 * memo df, the result (a Hessian's gradient first) and every line --steps
 * simplifies (each term of df with dX last, G before a convention, d²f's
 * chain) share, so a subexpression is rewritten once per request; each of
 * them has the step limit to itself and comes out as simplify() alone gives
 * it (checked over the corpus below). The derivation writes its lines from
 * that work: differential()'s record of df, df simplified, the Frobenius terms.
 *
 * The counter is the test's alone: vi.mock wraps the modules' exports, so a
 * pass is a call into src/simplify/index.ts (simplify() or a new
 * simplifier()) and an extraction a call into src/calculus/gradient.ts from
 * another module; production code carries no hook. (The Kronecker normal form
 * inside the extraction is a bounded rewrite with its own few rules, not a
 * pass of the simplifier.)
 *
 * Before this change (main at fa922cd) the same requests took, in passes /
 * extractions: one-term gradients 3/1, xᵀAx 4/1, tr(A⁻¹B) 3/2, tr(AXBXᵀ) 3/2,
 * a symmetric or diagonal matrix 4/1, Jacobians and derivatives 2/0, Hessians
 * 5 to 7 / 1 to 2. The expressions simplified are the same ones (df, the
 * result, each rotated term, …); they are no longer separate runs.
 * Through a parameterisation (A(θ)) the pieces (each symbol's partial, the
 * pull-backs, the derivation of each part) join the same pass, and each
 * symbol's partial df is extracted once (‖Ax − y‖² by θ: was 7/3, now 1/2, A's
 * partial and θ's own).
 */
import { describe, it, expect, vi, beforeEach } from "vitest";

const counts = { passes: 0, extractions: 0 };

vi.mock("../src/simplify/index.js", async (importOriginal) => {
  const m = await importOriginal<typeof import("../src/simplify/index.js")>();
  return {
    ...m,
    simplify: (...a: Parameters<typeof m.simplify>) => { counts.passes++; return m.simplify(...a); },
    simplifier: (...a: Parameters<typeof m.simplifier>) => { counts.passes++; return m.simplifier(...a); },
  };
});
vi.mock("../src/calculus/gradient.js", async (importOriginal) => {
  const m = await importOriginal<typeof import("../src/calculus/gradient.js")>();
  return {
    ...m,
    frobeniusTerms: (...a: Parameters<typeof m.frobeniusTerms>) => { counts.extractions++; return m.frobeniusTerms(...a); },
    frobeniusGradient: (...a: Parameters<typeof m.frobeniusGradient>) => { counts.extractions++; return m.frobeniusGradient(...a); },
  };
});

import { analyze, differentiate, type DifferentiateOptions } from "../src/api.js";
import { foldDefinitions } from "../src/pipeline/analyse.js";
import { GRADIENT_CASES } from "./cases/gradients.js";
import { JACOBIAN_CASES } from "./cases/jacobians.js";
import { HESSIAN_CASES } from "./cases/hessians.js";
import { simplify, simplifier } from "../src/simplify/index.js";
import { toText } from "../src/print/text.js";
import { frobeniusTerms } from "../src/calculus/gradient.js";
import * as E from "../src/core/expr.js";
import { shape } from "../src/core/shape.js";

interface Case { expr: string; options: DifferentiateOptions; passes: number; extractions: number }

const gradient = (expr: string, wrt: string, more: Partial<DifferentiateOptions> = {}): Case => ({ expr, options: { wrt, ...more }, passes: 1, extractions: 1 });
const noExtraction = (expr: string, wrt: string, more: Partial<DifferentiateOptions> = {}): Case => ({ expr, options: { wrt, ...more }, passes: 1, extractions: 0 });

const CASES: Case[] = [
  gradient("a^T X b", "X"), // one term
  gradient("x^T A x", "x"), // two terms
  gradient("tr(A^<-1>B)", "A"), // df changes when simplified: the one extraction is from the simplified df
  gradient("-y^T log softmax(W x)", "W"), // ⟨y, 𝟏⟩ met either way round is 𝟏ᵀy
  gradient("tr(A X B X^T)", "X"),
  gradient("\\|e\\|^2", "theta", { let: ["theta: vector"], where: ["e = y - Phi theta"] }),
  gradient("tr(A S)", "S", { let: ["S: symmetric"] }), // G before the convention, in the result's pass
  gradient("log det(S)", "S", { let: ["S: symmetric"], symmetric: "cookbook" }),
  gradient("tr(A D)", "D", { let: ["D: diagonal"] }),
  noExtraction("sigmoid(W x + b)", "x"),
  noExtraction("X^2", "X"),
  noExtraction("(A + t B)^{-1}", "t", { let: ["t: scalar"] }),
  // Hessians: df, the gradient (simplified before it is differentiated again) and the Hessian in one
  // pass, d²f and the derivation's two chains in it too
  gradient("\\|A x - b\\|^2", "x", { hessian: true }),
  gradient("sum(exp(A x))", "x", { hessian: true }),
  gradient("log det(X)", "X", { hessian: true }),
  gradient("tr(X^3)", "X", { hessian: true }),
  gradient("\\|W x - y\\|^2", "W", { hessian: true }),
  gradient("log det(S)", "S", { hessian: true, let: ["S: symmetric"] }),
  noExtraction("x^3 + sin(x)", "x", { hessian: true, let: ["x: scalar"] }),
  // through A(θ): one extraction per symbol (A's partial, θ's own), each serving the result and --steps
  { expr: "\\|A x - y\\|^2", options: { wrt: "theta", let: ["A: matrix(theta)", "theta: vector"] }, passes: 1, extractions: 2 },
  noExtraction("A x", "theta", { let: ["A: matrix(theta)", "theta: vector"] }),
];

beforeEach(() => { counts.passes = 0; counts.extractions = 0; });

describe("a --steps request makes one simplification pass and extracts the gradient once", () => {
  it.each(CASES.map((c) => [`${c.expr} by ${c.options.wrt}${c.options.hessian ? " (Hessian)" : ""}`, c] as const))("%s", (_name, c) => {
    const r = differentiate(c.expr, { ...c.options, steps: true });
    // every form a surface prints: the derivation, the result, df, and the index form (which reads df simplified)
    expect(r.derivation!.text.split("\n").at(-1)).toBe(`⇒ ${r.label.text} = ${r.derivative.text}`);
    expect(r.differential.text.length).toBeGreaterThan(0);
    void r.derivative.index;
    expect({ passes: counts.passes, extractions: counts.extractions }).toEqual({ passes: c.passes, extractions: c.extractions });
  });

  it("several variables share one differential and one pass, with one extraction each", () => {
    const r = differentiate("\\|sigmoid(W x + b) - y\\|^2", { wrt: ["W", "b"], steps: true });
    expect(r.results.map((x) => x.derivation!.text.split("\n").at(-1))).toEqual(r.results.map((x) => `⇒ ${x.label.text} = ${x.derivative.text}`));
    expect(r.differential.text.length).toBeGreaterThan(0);
    expect({ passes: counts.passes, extractions: counts.extractions }).toEqual({ passes: 1, extractions: 2 });
  });

  it("and without --steps, the same", () => {
    for (const c of CASES) {
      counts.passes = 0; counts.extractions = 0;
      const r = differentiate(c.expr, c.options);
      void r.derivative.index;
      expect({ case: c.expr, passes: counts.passes, extractions: counts.extractions }).toEqual({ case: c.expr, passes: c.passes, extractions: c.extractions });
    }
  });

  it("the counter counts: each call into the modules is one", () => {
    const x = E.sym("x", shape("n", 1));
    simplify(E.add(x, x));
    frobeniusTerms(E.mul(E.transpose(x), E.diff(x)), E.diff(x));
    expect(counts).toEqual({ passes: 1, extractions: 1 });
  });

  it("one pass over several roots: the first comes out as simplify() alone gives it, a later one with every step that made it", () => {
    const [A, B, C] = ["A", "B", "C"].map((n) => E.sym(n, shape("n", "n"))) as [E.Sym, E.Sym, E.Sym];
    const AB = E.transpose(E.mul(A, B));
    const first = E.add(AB, C);
    const second = E.mul(AB, C);
    const pass = simplifier();
    const r1 = pass.simplify(first);
    const r2 = pass.simplify(second);
    expect(toText(r1.expr)).toBe(toText(simplify(first).expr));
    expect(r1.steps.map((s) => s.rule)).toEqual(simplify(first).steps.map((s) => s.rule));
    expect(r2.expr).toBe(simplify(second).expr);
    // (AB)ᵀ = BᵀAᵀ was rewritten once, for the first root; the second reuses it and still lists that step
    const shared = r1.steps.find((s) => s.before === AB);
    expect(shared?.rule).toBe("transpose-product");
    expect(r2.steps).toContain(shared);
  });

  it("sharing the pass changes nothing: over the corpus, df and the result are what simplify() gives each alone", () => {
    const corpus: (readonly [{ id: string; expr: string; wrt: string; let?: string[]; where?: string[]; symmetric?: "sym" | "cookbook" }, boolean])[] = [
      ...[...GRADIENT_CASES, ...JACOBIAN_CASES].map((c) => [c, false] as const), ...HESSIAN_CASES.map((c) => [c, true] as const),
    ];
    let compared = 0;
    for (const [c, hessian] of corpus) {
      const options = { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], ...(c.symmetric ? { symmetric: c.symmetric } : {}), ...(hessian ? { hessian } : {}) } as DifferentiateOptions;
      let a;
      try { a = analyze(c.expr, options); } catch { continue; } // a refused problem has nothing to compare
      if (a.parameterisation) continue;
      const limits = { maxSteps: a.limits.maxSteps };
      expect(toText(a.simplifiedDf().expr), `${c.id}: df`).toBe(toText(simplify(a.df, limits).expr));
      expect(toText(a.result), `${c.id}: result`).toBe(toText(simplify(foldDefinitions(a.raw, a.definitions, a.symbols), limits).expr));
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });
});
