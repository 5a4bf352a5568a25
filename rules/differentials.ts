/**
 * The differential of every node kind. Sources: Petersen & Pedersen, The
 * Matrix Cookbook (version 2012-11-15), §2 eqs. (33)–(45), or derivations
 * from the product and chain rules. Products keep their order: the product
 * rule never commutes factors.
 */
import * as E from "../src/core/expr.js";
import type { Expr, ExprOf } from "../src/core/expr.js";
import { FN_NAMES, OPERATIONS, type Builders } from "../src/core/operations.js";
import type { DifferentialTable, DifferentialRule } from "./rule.js";
import * as Q from "../src/core/rational.js";
import { innerProduct } from "../src/core/inner.js";
import { SCALAR } from "../src/core/shape.js";

const CB = (eq: string) => `Matrix Cookbook (2012-11-15) eq. (${eq})`;

const constant = (id: string, witness: string): readonly DifferentialRule<any>[] => [{
  id, title: "constant", source: CB("33"), formula: "\\mathrm{d}A = 0 \\quad (A \\text{ constant})", witness,
  d: (e: Expr) => E.zero(e.shape),
}];

/** d(F₁F₂⋯Fₙ) = Σᵢ F₁⋯dFᵢ⋯Fₙ, for any associative product that is linear in each factor. */
function productRule(factors: readonly Expr[], d: (x: Expr) => Expr, combine: (...fs: Expr[]) => Expr): Expr {
  const terms: Expr[] = [];
  factors.forEach((f, i) => {
    const df = d(f);
    if (E.isZero(df)) return;
    terms.push(combine(...factors.slice(0, i), df, ...factors.slice(i + 1)));
  });
  return terms.length ? E.add(...terms) : E.zero(combine(...factors).shape);
}

/** Mᵏ of a matrix M, integer k (negative powers are built as (M⁻¹)ᵏ, so k ≥ 2 here). */
const isMatrixPower = (e: Expr): boolean => e.kind === "power" && !(e.shape.rows === 1 && e.shape.cols === 1) && Q.isInt(e.exp);

/** What the operation table's derivatives are written with (src/core/operations.ts cannot import expr.ts). */
const BUILDERS: Builders = {
  fn: E.fn, hpower: E.hpower, ones: E.ones, mul: E.mul, sub: E.sub, hadamard: E.hadamard, add: E.add, num: E.num,
  neg: E.neg, transpose: E.transpose, power: E.power, constant: E.constant, scale: E.scale, zero: E.zero,
};

export const DIFFERENTIALS: DifferentialTable = {
  num: constant("d-number", "2"),
  const: constant("d-pi", "\\pi \\, tr(A)"),
  identity: constant("d-identity", "tr(I)"),
  zero: constant("d-zero", "0 A"),
  ones: constant("d-ones", "a^T (x + \\mathbf{1})"),
  commutation: constant("d-commutation", "tr(A)"),
  // the variable itself (dX), constants (0) and --where names (the definition's differential) are
  // the engine's; a declared function of the variable, X(t), has its own rule
  sym: [{
    id: "d-function-of-scalar", title: "dY = Ẏ dt for Y(t)", source: "derived: chain rule, Y depends on the scalar t",
    formula: "\\mathrm{d}X(t) = \\dot{X}\\, \\mathrm{d}t", witness: "tr(X) + t", witnessLet: ["X: matrix(t)", "t: scalar"],
    when: (e) => e.props.dependsOn !== undefined,
    d: (e, d) => E.mul(E.dotted(e), d(E.sym(e.props.dependsOn!, SCALAR))),
  }],
  d: [{
    id: "d-differential", title: "dX is constant", source: "derived: dX does not depend on X", formula: "\\mathrm{d}(\\mathrm{d}X) = 0", witness: "tr(A)",
    d: (e) => E.zero(e.shape),
  }],
  dop: [], // an unexpanded d(u) exists only inside derivations, which expand it (src/calculus/steps.ts)
  add: [{
    id: "d-sum", tags: ["linear"], title: "linearity", source: CB("35"), formula: "\\mathrm{d}(X + Y) = \\mathrm{d}X + \\mathrm{d}Y", witness: "A + B",
    d: (e, d) => E.add(...e.terms.map(d)),
  }],
  mul: [{
    id: "d-product", title: "product rule", source: CB("34, 37"), formula: "\\mathrm{d}(XY) = (\\mathrm{d}X) Y + X \\, \\mathrm{d}Y", witness: "A B C",
    d: (e, d) => productRule(e.factors, d, E.mul),
  }],
  transpose: [{
    id: "d-transpose", tags: ["linear"], title: "transpose commutes with d", source: CB("44"), formula: "\\mathrm{d}(X^{\\top}) = (\\mathrm{d}X)^{\\top}", witness: "A^T B",
    d: (e, d) => E.transpose(d(e.arg)),
  }],
  inverse: [{
    id: "d-inverse", title: "differential of the inverse", source: CB("40"), formula: "\\mathrm{d}(X^{-1}) = -X^{-1} (\\mathrm{d}X) X^{-1}", witness: "tr(A^{-1} B)",
    d: (e, d) => E.neg(E.mul(e, d(e.arg), e)),
  }],
  power: [
    {
      id: "d-norm-power", title: "differential of a power of the norm", source: "derived: d‖X‖² = 2 tr(Xᵀ dX), so d‖X‖ᵖ = p ‖X‖ᵖ⁻² tr(Xᵀ dX)",
      formula: "\\mathrm{d}\\lVert X \\rVert^{p} = p \\lVert X \\rVert^{p-2} \\operatorname{tr}(X^{\\top} \\mathrm{d}X)", witness: "\\|x\\|^2",
      when: (e) => e.arg.kind === "norm",
      d: (e, d) => {
        const x = (e.arg as E.Norm).arg;
        return E.mul(E.num(e.exp), E.power(e.arg, Q.sub(e.exp, Q.rat(2))), innerProduct(x, d(x)));
      },
    },
    {
      id: "d-scalar-power", title: "power rule", source: "derived: (tᵖ)′ = p tᵖ⁻¹", formula: "\\mathrm{d}(s^{p}) = p \\, s^{p-1} \\mathrm{d}s", witness: "(x^T x)^3",
      when: (e) => e.shape.rows === 1 && e.shape.cols === 1,
      d: (e, d) => E.mul(E.num(e.exp), E.power(e.arg, Q.sub(e.exp, Q.ONE)), d(e.arg)),
    },
    {
      id: "d-matrix-power", title: "product rule on the matrix power", source: "derived: product rule on X·X⋯X (n factors)",
      formula: "\\mathrm{d}(X^{n}) = \\sum_{k=0}^{n-1} X^{k} (\\mathrm{d}X) X^{n-1-k}", witness: "tr(A^3 B)",
      d: (e, d) => {
        const n = e.exp.n;
        const dx = d(e.arg);
        const terms: Expr[] = [];
        for (let k = 0; k < n; k++) terms.push(E.mul(E.power(e.arg, k), dx, E.power(e.arg, n - 1 - k)));
        return E.add(...terms);
      },
    },
  ],
  hadamard: [{
    id: "d-hadamard", title: "product rule for ⊙", source: CB("38"), formula: "\\mathrm{d}(X \\odot Y) = \\mathrm{d}X \\odot Y + X \\odot \\mathrm{d}Y", witness: "a^T (x .* x)",
    d: (e, d) => productRule(e.factors, d, E.hadamard),
  }],
  hpower: [{
    id: "d-hadamard-power", title: "entrywise power rule", source: "derived: (tᵖ)′ = p tᵖ⁻¹ entrywise",
    formula: "\\mathrm{d}(X^{\\circ p}) = p \\, X^{\\circ (p-1)} \\odot \\mathrm{d}X", witness: "sum(x .^ 3)",
    d: (e, d) => E.hadamard(E.scale(e.exp, E.hpower(e.arg, Q.sub(e.exp, Q.ONE))), d(e.arg)),
  }],
  kron: [{
    id: "d-kronecker", title: "product rule for ⊗", source: CB("39"), formula: "\\mathrm{d}(X \\otimes Y) = \\mathrm{d}X \\otimes Y + X \\otimes \\mathrm{d}Y", witness: "tr(A \\otimes B)",
    d: (e, d) => productRule(e.factors, d, E.kron),
  }],
  trace: [{
    // one term instead of k, by the cyclic trace: tr(Σᵢ Mⁱ dM Mᵏ⁻¹⁻ⁱ) = k tr(Mᵏ⁻¹ dM); so tr(X¹⁰⁰⁰) costs what tr(X²) does
    id: "d-trace-power", title: "differential of the trace of a power", source: CB("36") + " and the cyclic trace: d tr(Mᵏ) = Σᵢ tr(Mⁱ dM Mᵏ⁻¹⁻ⁱ)",
    formula: "\\mathrm{d}\\operatorname{tr}(M^{k}) = k \\operatorname{tr}(M^{k-1} \\mathrm{d}M)", witness: "tr(A^3)",
    when: (e) => isMatrixPower(e.arg),
    d: (e, d) => {
      const p = e.arg as ExprOf<"power">;
      return E.mul(E.num(p.exp), E.trace(E.mul(E.power(p.arg, Q.sub(p.exp, Q.ONE)), d(p.arg))));
    },
  }, {
    id: "d-trace", tags: ["linear"], title: "linearity of the trace", source: CB("36"), formula: "\\mathrm{d}\\operatorname{tr}(X) = \\operatorname{tr}(\\mathrm{d}X)", witness: "tr(A B)",
    d: (e, d) => E.trace(d(e.arg)),
  }],
  det: [{
    // Jacobi's formula on Mᵏ: det(Mᵏ) tr(M⁻ᵏ Σᵢ Mⁱ dM Mᵏ⁻¹⁻ⁱ) = k det(Mᵏ) tr(M⁻¹ dM), one term instead of k
    id: "d-det-power", title: "Jacobi's formula on a power", source: CB("42") + " (Jacobi's formula) and the cyclic trace",
    formula: "\\mathrm{d}\\det(M^{k}) = k \\det(M^{k}) \\operatorname{tr}(M^{-1} \\mathrm{d}M)", witness: "det(A^3)",
    when: (e) => isMatrixPower(e.arg),
    d: (e, d) => {
      const p = e.arg as ExprOf<"power">;
      return E.mul(E.num(p.exp), e, E.trace(E.mul(E.inverse(p.arg), d(p.arg))));
    },
  }, {
    id: "d-det", title: "Jacobi's formula", source: CB("42") + " (Jacobi's formula)",
    formula: "\\mathrm{d}\\det(X) = \\det(X) \\operatorname{tr}(X^{-1} \\mathrm{d}X)", witness: "det(A)",
    d: (e, d) => E.mul(e, E.trace(E.mul(E.inverse(e.arg), d(e.arg)))),
  }],
  logdet: [{
    id: "d-logdet-power", title: "differential of log det of a power", source: CB("43") + " and the cyclic trace",
    formula: "\\mathrm{d}\\log\\det(M^{k}) = k \\operatorname{tr}(M^{-1} \\mathrm{d}M)", witness: "logdet(A^2)",
    when: (e) => isMatrixPower(e.arg),
    d: (e, d) => {
      const p = e.arg as ExprOf<"power">;
      return E.mul(E.num(p.exp), E.trace(E.mul(E.inverse(p.arg), d(p.arg))));
    },
  }, {
    id: "d-logdet", title: "differential of log det", source: CB("43"), formula: "\\mathrm{d}\\log\\det(X) = \\operatorname{tr}(X^{-1} \\mathrm{d}X)", witness: "logdet(A)",
    d: (e, d) => E.trace(E.mul(E.inverse(e.arg), d(e.arg))),
  }],
  // one rule per entry of the operation table, with the entry's source, formula and witness
  fn: FN_NAMES.map((name) => {
    const op = OPERATIONS[name];
    return {
      id: `d-${name}`, title: op.kind === "elementwise" ? `chain rule, entrywise (${name}′)` : `chain rule (${name})`, ...op.rule,
      when: (e: E.Fn) => e.name === name,
      d: (e: E.Fn, d: (x: Expr) => Expr) => (op.kind === "elementwise"
        ? E.hadamard(op.derivative(e.arg, BUILDERS), d(e.arg))
        : op.differential(e, d(e.arg), BUILDERS)),
    };
  }),
  sum: [{
    id: "d-sum-entries", tags: ["linear"], title: "linearity of sum", source: "derived: sum is linear", formula: "\\mathrm{d}\\operatorname{sum}(X) = \\operatorname{sum}(\\mathrm{d}X)", witness: "sum(A x)",
    d: (e, d) => E.sumAll(d(e.arg)),
  }],
  diag: [{
    id: "d-diag", tags: ["linear"], title: "linearity of diag", source: "derived: diag is linear", formula: "\\mathrm{d}\\operatorname{diag}(X) = \\operatorname{diag}(\\mathrm{d}X)", witness: "a^T diag(A)",
    d: (e, d) => E.diagVec(d(e.arg)),
  }],
  diagm: [{
    id: "d-diag-matrix", tags: ["linear"], title: "linearity of diag", source: "derived: Diag is linear", formula: "\\mathrm{d}\\operatorname{Diag}(x) = \\operatorname{Diag}(\\mathrm{d}x)", witness: "tr(A diag(x))",
    d: (e, d) => E.diagMat(d(e.arg)),
  }],
  vec: [{
    id: "d-vec", tags: ["linear"], title: "linearity of vec", source: "derived: vec is linear", formula: "\\mathrm{d}\\operatorname{vec}(X) = \\operatorname{vec}(\\mathrm{d}X)", witness: "a^T vec(A)",
    d: (e, d) => E.vec(d(e.arg)),
  }],
  epower: [{
    id: "d-elementwise-power-by-expression", title: "differential of the elementwise power", source: "derived: ∂(tᵖ)/∂t = p tᵖ⁻¹, ∂(tᵖ)/∂p = tᵖ log t, entrywise (t > 0)",
    formula: "\\mathrm{d}(X^{\\circ p}) = p X^{\\circ (p - 1)} \\odot \\mathrm{d}X + (X^{\\circ p} \\odot \\log X)\\, \\mathrm{d}p", witness: "sum(x.^\\alpha)",
    d: (e, d) => E.add(
      E.hadamard(E.mul(e.exp, E.epower(e.arg, E.sub(e.exp, E.ONE_NUM))), d(e.arg)),
      E.mul(d(e.exp), E.hadamard(e, E.fn("log", e.arg))),
    ),
  }],
  unvec: [{
    id: "d-unvec", title: "linearity of unvec", source: "derived: unvec, the inverse of vec, is linear", formula: "\\mathrm{d}\\operatorname{unvec}(u) = \\operatorname{unvec}(\\mathrm{d}u)", witness: "a^T unvec(u) b",
    d: (e, d) => E.unvec(d(e.arg), e.shape.rows, e.shape.cols),
  }],
  norm: [{
    id: "d-norm", title: "differential of the norm", source: "derived: ‖X‖ = √tr(XᵀX) and the chain rule",
    formula: "\\mathrm{d}\\lVert X \\rVert = \\lVert X \\rVert^{-1} \\operatorname{tr}(X^{\\top} \\mathrm{d}X)", witness: "\\|x\\|",
    d: (e, d) => E.mul(E.power(e, -1), innerProduct(e.arg, d(e.arg))),
  }],
};
