/**
 * The Jacobian, derivative-by-a-scalar and Hessian corpora (issue 3): every
 * case runs through `analyze` and is checked against central finite
 * differences (`checkAnalysis`), against its expected closed form numerically
 * and as printed, and its LaTeX must render in KaTeX strictly. For a matrix
 * variable's Hessian the second differential d²f[dX, dX] is compared as
 * printed and numerically with vec(dX)ᵀ H vec(dX).
 *
 * Plus the classic check of the Kronecker layout: for a concrete 2×2 X the
 * Jacobians of X², Xᵀ and X⁻¹ evaluated from matdiff's closed forms equal the
 * 4×4 matrices of partial derivatives ∂F_ij/∂X_kl written out by hand
 * (rows and columns in column-major order).
 */
import { describe, it, expect } from "vitest";
import { JACOBIAN_CASES, type JacobianCase } from "./cases/jacobians.js";
import { HESSIAN_CASES, type HessianCase } from "./cases/hessians.js";
import { analyze, checkAnalysis, type Analysis } from "../src/api.js";
import { parse, formatTree } from "../src/syntax/parse.js";
import type { Node } from "../src/syntax/ast.js";
import { elaborate } from "../src/shapes/elaborate.js";
import type { Declaration } from "../src/shapes/declarations.js";
import * as E from "../src/core/expr.js";
import type { Expr } from "../src/core/expr.js";
import { formatShape, mulDim, shape, type Dim, type Shape } from "../src/core/shape.js";
import { expandDefinitions } from "../src/calculus/differential.js";
import { toText } from "../src/print/text.js";
import { toLatex } from "../src/print/latex.js";
import { numericallyEqual } from "../src/numeric/check.js";
import { evaluate, type Env } from "../src/numeric/evaluate.js";
import { Matrix } from "../src/numeric/matrix.js";
import { MatdiffError } from "../src/errors.js";
import { renderKatex } from "./support/pipeline.js";

type Case = (JacobianCase | (HessianCase & { kind: "hessian" })) & { secondDifferentialText?: string };

const CASES: Case[] = [
  ...JACOBIAN_CASES,
  ...HESSIAN_CASES.map((c) => ({ ...c, kind: "hessian" as const })),
];

// ───────────────────────── elaborating an expected form ─────────────────────────

/** The factors of a dimension: "m·n" → [m, n], 6 → ["6"], 1 → []. */
const factors = (d: Dim): string[] => (typeof d === "number" ? (d === 1 ? [] : [String(d)]) : d.split("·"));
const product = (fs: readonly string[]): Dim =>
  fs.reduce<Dim>((acc, f) => mulDim(acc, /^\d+$/.test(f) ? Number(f) : f), 1);

function dimsOf(e: Expr, out = new Set<string>()): Set<string> {
  E.mapBottomUp(e, (x) => {
    for (const d of [x.shape.rows, x.shape.cols]) for (const f of factors(d)) out.add(f);
    if (x.kind === "commutation") for (const d of [x.m, x.n]) for (const f of factors(d)) out.add(f);
    return x;
  });
  return out;
}

/**
 * Elaborates an expected form against an analysis: every symbol gets its
 * shape in the analysis, and the whole must have the result's shape. `K` (no
 * input syntax) becomes the commutation matrix K_{m,n} of the m×n variable.
 *
 * Elaboration with the sizes pinned is tried first. Kronecker and vec shapes
 * are products of dimensions, which shape inference can't unify with a
 * declared size, nor (it compares products factor by factor, 1·n against
 * n·1) with each other in every order; so the form is then elaborated with
 * ranks only, or term by term, and its dimensions are renamed afterwards:
 * from each symbol's shape to the analysis's, then the sizes left free (an
 * `I` inside a Kronecker product) by matching the whole with the result's
 * shape ("p" against "n", or "p·p" against "n·n", gives p = n).
 */
function elaborateExpected(a: Analysis, text: string): Expr {
  expect(a.symbols.has("K"), "`K` is reserved for the commutation matrix in expected forms").toBe(false);
  const declare = (sized: boolean): Declaration[] => [...a.symbols.values()].map((s) => {
    const { rows, cols } = s.shape;
    const rank = rows === 1 && cols === 1 ? "scalar" : cols === 1 ? "vector" : "matrix";
    return {
      name: s.name, rank,
      ...(sized && rank !== "scalar" ? { rows } : {}), ...(sized && rank === "matrix" ? { cols } : {}),
      symmetric: Boolean(s.props.symmetric), posdef: Boolean(s.props.posdef), diagonal: Boolean(s.props.diagonal), probability: Boolean(s.props.probability),
    };
  });
  const analysisDims = new Set<string>();
  for (const s of a.symbols.values()) for (const d of [s.shape.rows, s.shape.cols]) for (const f of factors(d)) analysisDims.add(f);
  const source = { text, offset: 0 };
  const target = a.result.shape;
  const X = a.X.shape;
  const vecSize = mulDim(X.rows, X.cols);

  /** Renames the dimensions of an elaboration (sized: in the analysis's names already) into the analysis's. */
  const relabel = (e: Expr, sized: boolean, want: Shape): Expr => {
    const sub = new Map<string, string[]>();
    if (sized) for (const d of analysisDims) sub.set(d, [d]);
    const mapped = (d: Dim): string[] => factors(d).flatMap((f) => sub.get(f) ?? (/^\d+$/.test(f) ? [f] : [`?${f}`]));
    // from the symbols' shapes
    for (const s of E.symbolsOf(e).values()) {
      const theirs = a.symbols.get(s.name);
      if (!theirs) continue;
      for (const [d, w] of [[s.shape.rows, theirs.shape.rows], [s.shape.cols, theirs.shape.cols]] as const) {
        const fs = factors(d);
        if (fs.length === 1 && !/^\d+$/.test(fs[0]!) && !sub.has(fs[0]!)) sub.set(fs[0]!, factors(w));
      }
    }
    // the sizes left free, from the whole's shape
    for (let round = 0; round < 3; round++) {
      for (const [d, w] of [[e.shape.rows, want.rows], [e.shape.cols, want.cols]] as const) {
        const fg = mapped(d), fw = factors(w);
        for (const f of [...fg]) {
          const i = fw.indexOf(f);
          if (i >= 0 && !f.startsWith("?")) { fw.splice(i, 1); fg.splice(fg.indexOf(f), 1); }
        }
        if (fg.length === 0 || !fg.every((f) => f === fg[0] && f.startsWith("?"))) continue;
        const k = fg.length;
        const counts = new Map<string, number>();
        for (const f of fw) counts.set(f, (counts.get(f) ?? 0) + 1);
        if (fw.length === 0 || [...counts.values()].some((c) => c % k !== 0)) continue;
        sub.set(fg[0]!.slice(1), [...counts].flatMap(([f, c]) => Array<string>(c / k).fill(f)));
      }
    }
    const dim = (d: Dim): Dim => {
      const fs = mapped(d);
      const open = fs.find((f) => f.startsWith("?"));
      if (open) throw new Error(`expected form "${text}": can't size dimension ${open.slice(1)} (in ${formatShape(e.shape)} against ${formatShape(want)})`);
      return product(fs);
    };
    return E.mapBottomUp(e, (x) => {
      switch (x.kind) {
        case "identity": return E.identity(dim(x.shape.rows));
        case "zero": return E.zero(shape(dim(x.shape.rows), dim(x.shape.cols)));
        case "ones": return E.ones(shape(dim(x.shape.rows), dim(x.shape.cols)));
        case "sym": {
          if (x.name !== "K") return a.symbols.get(x.name) ?? x;
          const rows = dim(x.shape.rows), cols = dim(x.shape.cols);
          if (rows !== vecSize || cols !== vecSize) {
            throw new Error(`K in "${text}" is ${formatShape(shape(rows, cols))}, not the commutation matrix of the ${formatShape(X)} ${a.X.name}`);
          }
          return E.commutation(X.rows, X.cols);
        }
        default: return x;
      }
    });
  };

  const build = (node: Node, want: Shape): Expr => {
    const tries: [boolean, boolean][] = [[true, true], [true, false], [false, false]]; // [sized, expectShape]
    let first: unknown;
    for (const [sized, pin] of tries) {
      let e: Expr;
      try {
        e = elaborate(node, source, { declarations: declare(sized), ...(pin ? { expectShape: want } : {}) }).expr;
      } catch (err) {
        if (!(err instanceof MatdiffError) || err.code !== "shape") throw err;
        first ??= err;
        continue;
      }
      return relabel(e, sized, want);
    }
    // a sum whose terms are Kronecker products in different orders (x ⊗ I + I ⊗ x): term by term
    if (node.type === "binary" && (node.op === "+" || node.op === "-")) {
      const l = build(node.left, want), r = build(node.right, want);
      return E.add(l, node.op === "-" ? E.neg(r) : r);
    }
    throw first;
  };

  return build(parse(text), target);
}

// ───────────────────────────── running a case ─────────────────────────────

interface Run {
  readonly a: Analysis;
  readonly text: string;
  readonly latex: string;
  readonly expected?: Expr;
  readonly expectedText: string;
  report(extra?: string): string;
}

function run(c: Case): Run {
  const a = analyze(c.expr, { wrt: c.wrt, let: c.let ?? [], where: c.where ?? [], hessian: c.kind === "hessian" });
  const expected = c.expected !== undefined ? elaborateExpected(a, c.expected) : undefined;
  const text = toText(a.result);
  const latex = toLatex(a.result);
  const expectedText = c.expectedText ?? toText(expected!);
  return {
    a, text, latex, ...(expected ? { expected } : {}), expectedText,
    report: (extra = "") => [
      `input      ${c.expr}   wrt ${c.wrt}${c.let?.length ? `   let ${c.let.join("; ")}` : ""}${c.where?.length ? `   where ${c.where.join("; ")}` : ""}${c.kind === "hessian" ? "   (hessian)" : ""}`,
      `tree       ${formatTree(parse(c.expr))}`,
      `shapes     ${[...a.symbols.values()].map((s) => `${s.name}: ${formatShape(s.shape)}`).join(", ")}`,
      `kind       ${a.kind}   result ${formatShape(a.result.shape)}`,
      `df         ${toText(a.df)}`,
      ...(a.secondDifferential ? [`d²f        ${toText(a.secondDifferential)}`] : []),
      `raw        ${toText(a.raw)}`,
      `result     ${text}   (${a.simplification.steps.length} steps, ${a.simplification.stopped})`,
      `expected   ${expectedText}   (${c.source})`,
      `latex      ${latex}`,
      extra,
    ].join("\n"),
  };
}

const expand = (a: Analysis, e: Expr) => expandDefinitions(e, a.definitions);

/**
 * numericallyEqual, with sizes for dimensions that no symbol of x or y
 * carries (2I of size mn from tr(XᵀX), where neither side mentions X).
 */
function sameValue(a: Analysis, x: Expr, y: Expr) {
  const ex = expand(a, x), ey = expand(a, y);
  const carried = new Set<string>();
  for (const e of [ex, ey]) for (const s of E.symbolsOf(e).values()) for (const d of [s.shape.rows, s.shape.cols]) for (const f of factors(d)) carried.add(f);
  const missing = [...new Set([...dimsOf(ex), ...dimsOf(ey)])].filter((f) => !carried.has(f) && !/^\d+$/.test(f));
  const sizes = [3, 2, 4, 5, 6];
  return numericallyEqual(ex, ey, missing.length ? { dims: Object.fromEntries(missing.map((d, i) => [d, sizes[i % sizes.length]!])) } : {});
}
const vecSize = (s: Shape) => mulDim(s.rows, s.cols);

/** Everything but the printed comparisons: must pass for every case not marked unsupported. */
function checkNumerics(c: Case, r: Run): void {
  const { a } = r;
  expect(a.kind, r.report()).toBe(c.kind);
  // the layout: J is (size of f) × (size of X); f′ has f's shape; H is (size of X)²
  const want = c.kind === "derivative" ? a.f.shape
    : c.kind === "hessian" ? shape(vecSize(a.X.shape), vecSize(a.X.shape))
    : shape(vecSize(a.f.shape), vecSize(a.X.shape));
  expect(formatShape(a.result.shape), r.report("layout")).toBe(formatShape(want));
  const fd = checkAnalysis(a);
  expect(fd.ok, r.report(`finite differences: relError ${fd.relError.toExponential(2)} ${fd.detail ?? ""}`)).toBe(true);
  if (r.expected) {
    expect(formatShape(r.expected.shape), r.report("shape of the expected form")).toBe(formatShape(a.result.shape));
    const same = sameValue(a, a.result, r.expected);
    expect(same.ok, r.report(`against the expected form: relError ${same.relError.toExponential(2)} ${same.detail ?? ""}`)).toBe(true);
  }
  expect(() => renderKatex(r.latex), r.report()).not.toThrow();
  if (c.kind === "hessian" && a.X.shape.cols !== 1 && a.X.shape.rows !== 1) {
    expect(a.secondDifferential, r.report("no second differential")).toBeDefined();
    const d2 = a.secondDifferential!;
    const dX = E.vec(E.diff(a.X));
    const same = sameValue(a, d2, E.mul(E.transpose(dX), a.result, dX));
    expect(same.ok, r.report(`d²f against vec(dX)ᵀ H vec(dX): relError ${same.relError.toExponential(2)} ${same.detail ?? ""}`)).toBe(true);
    expect(() => renderKatex(toLatex(d2)), r.report()).not.toThrow();
  }
}

function checkResultText(r: Run): void {
  expect(r.text, r.report()).toBe(r.expectedText);
}

function checkSecondDifferentialText(c: Case, r: Run): void {
  expect(toText(r.a.secondDifferential!), r.report()).toBe(c.secondDifferentialText);
}

function register(c: Case): void {
  const p = c.pending;
  if (p?.kind === "unsupported") {
    // matdiff refuses the input today: the whole case is expected to fail (p.reason)
    it.fails(`${c.id}   [pending: ${p.reason}]`, () => {
      const r = run(c);
      checkNumerics(c, r);
      checkResultText(r);
    });
    return;
  }
  const formOn = p?.kind === "form" ? p.on ?? "result" : undefined;
  it(c.id, () => {
    const r = run(c);
    checkNumerics(c, r);
    if (formOn !== "result") checkResultText(r);
    if (c.secondDifferentialText !== undefined && formOn !== "secondDifferential") checkSecondDifferentialText(c, r);
  });
  if (formOn) {
    // right but printed worse than the textbook (p.reason): the printed comparison is expected to fail
    it.fails(`${c.id} prints the textbook form   [pending: ${p!.reason}]`, () => {
      const r = run(c);
      if (formOn === "result") checkResultText(r);
      else checkSecondDifferentialText(c, r);
    });
  }
}

describe("corpus sanity", () => {
  it("has unique ids, and expected or expectedText for every case", () => {
    const ids = CASES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CASES) expect(c.expected !== undefined || c.expectedText !== undefined, c.id).toBe(true);
  });
  it("is large enough (issue 3: ≥ 40 Jacobian / by-scalar cases, ≥ 15 Hessians)", () => {
    expect(JACOBIAN_CASES.length).toBeGreaterThanOrEqual(45);
    expect(HESSIAN_CASES.length).toBeGreaterThanOrEqual(18);
  });
});

describe("Jacobian and derivative-by-a-scalar corpus", () => {
  for (const c of CASES) if (c.kind !== "hessian") register(c);
});

describe("Hessian corpus", () => {
  for (const c of CASES) if (c.kind === "hessian") register(c);
});

// ───────────────────── the classic 2×2 check of the Kronecker layout ─────────────────────

describe("Kronecker layout against 4×4 Jacobians written out by hand", () => {
  // X = [[a, b], [c, d]] = [[2, −1], [1, 3]]; vec(X) = (a, c, b, d) = (X₁₁, X₂₁, X₁₂, X₂₂).
  // Row (i, j) of J is vec index i + 2j of F, column (k, l) is vec index k + 2l of X.
  const X = [[2, -1], [1, 3]];

  const jacobianAt = (expr: string): { text: string; value: number[][] } => {
    const a = analyze(expr, { wrt: "X" });
    expect(a.kind).toBe("jacobian");
    const dims = new Map<string, number>();
    for (const d of [a.X.shape.rows, a.X.shape.cols]) if (typeof d === "string") dims.set(d, 2);
    const env: Env = { values: new Map([["X", Matrix.fromRows(X)]]), diffs: new Map(), dims };
    return { text: toText(a.result), value: evaluate(a.result, env).toRows() };
  };
  const close = (got: number[][], want: number[][]) => {
    expect(got.length).toBe(want.length);
    got.forEach((row, i) => row.forEach((x, j) => expect(x, `entry (${i + 1}, ${j + 1})`).toBeCloseTo(want[i]![j]!, 12)));
  };

  it("X²: ∂(X²)_ij/∂X_kl = δ_ik X_lj + X_ik δ_jl", () => {
    // vec(X²) = (a² + bc, c(a + d), b(a + d), bc + d²), differentiated by (a, c, b, d):
    //   a² + bc     → [2a,  b,     c,     0 ]
    //   c(a + d)    → [c,   a + d, 0,     c ]
    //   b(a + d)    → [b,   0,     a + d, b ]
    //   bc + d²     → [0,   b,     c,     2d]
    const hand = [
      [4, -1, 1, 0],
      [1, 5, 0, 1],
      [-1, 0, 5, -1],
      [0, -1, 1, 6],
    ];
    const { text, value } = jacobianAt("X^2");
    expect(text).toBe("I ⊗ X + Xᵀ ⊗ I");
    close(value, hand);
  });

  it("Xᵀ: the 4×4 commutation matrix K", () => {
    // vec(Xᵀ) = (a, b, c, d) against vec(X) = (a, c, b, d): rows 2 and 3 swap
    const hand = [
      [1, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 1],
    ];
    const { text, value } = jacobianAt("X^T");
    expect(text).toBe("K_{n,m}"); // X is n×m here: vec(Xᵀ) = K_{n,m} vec(X)
    close(value, hand);
  });

  it("X⁻¹: ∂(X⁻¹)_ij/∂X_kl = −(X⁻¹)_ik (X⁻¹)_lj (Matrix Cookbook eq. (60))", () => {
    // det X = 7 and X⁻¹ = [[3, 1], [−1, 2]]/7; each entry is −Y_ik Y_lj with Y = 7X⁻¹, over 49
    const hand = [
      [-9, -3, 3, 1],
      [3, -6, -1, 2],
      [-3, -1, -6, -2],
      [1, -2, 2, -4],
    ].map((row) => row.map((x) => x / 49));
    const { text, value } = jacobianAt("X^{-1}");
    expect(text).toBe("−X⁻ᵀ ⊗ X⁻¹");
    close(value, hand);
    // and against the explicit 2×2 inverse [[d, −b], [−c, a]]/(ad − bc), differentiated by central differences
    const inv2 = ([a, c, b, d]: number[]) => {
      const det = a! * d! - b! * c!;
      return [d! / det, -c! / det, -b! / det, a! / det]; // vec of [[d, −b], [−c, a]]/det
    };
    const x0 = [2, 1, -1, 3];
    const h = 1e-6;
    for (let k = 0; k < 4; k++) {
      const up = x0.slice(), down = x0.slice();
      up[k]! += h; down[k]! -= h;
      const fu = inv2(up), fd = inv2(down);
      for (let i = 0; i < 4; i++) expect((fu[i]! - fd[i]!) / (2 * h)).toBeCloseTo(hand[i]![k]!, 8);
    }
  });
});
