/** diag and Diag: the diagonal of a matrix, the diagonal matrix of a vector. */
import * as E from "../../src/core/expr.js";
import { rewriteRule, type AnyRewriteRule } from "../rule.js";

export const DIAGONAL_RULES: readonly AnyRewriteRule[] = [
  rewriteRule({
    // a Hessian of Σᵢ f(xᵢ) arrives as one Diag per product-rule term
    id: "diag-linear", source: "derived: Diag is linear", formula: "\\operatorname{diag}(a) - 2\\operatorname{diag}(b) = \\operatorname{diag}(a - 2b)",
    witness: "diag(x) - 2 diag(y)", on: ["add"],
    apply: (e) => {
      const inside = (t: E.Expr): E.Expr | null => {
        const { coeff, scalars, chain } = E.splitMul(t);
        return chain.length === 1 && chain[0]!.kind === "diagm" ? E.mul(E.num(coeff), ...scalars, chain[0].arg) : null;
      };
      const merged = e.terms.map(inside);
      if (merged.filter((m) => m !== null).length < 2) return null;
      return E.add(E.diagMat(E.add(...merged.filter((m): m is E.Expr => m !== null))), ...e.terms.filter((_, i) => merged[i] === null));
    },
  }),
  rewriteRule({
    // the RBF kernel's gradient 4γ(K ⊙ ααᵀ − Diag((K ⊙ ααᵀ)𝟏))X, not 4(Diag(−γ(K ⊙ ααᵀ)𝟏) + γ(K ⊙ ααᵀ))X
    id: "diag-scalar-out", source: "derived: Diag is linear", formula: "\\operatorname{diag}(c\\, s\\, v) = c\\, s \\operatorname{diag}(v)",
    witness: "a^T diag(-2 t v) b", witnessLet: ["a: vector", "b: vector", "v: vector", "t: scalar"], on: ["diagm"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      // Diag(c𝟏) is cI, diag-of-ones below
      if (chain.length === 0 || (chain.length === 1 && chain[0]!.kind === "ones") || (scalars.length === 0 && coeff.n === 1 && coeff.d === 1)) return null;
      return E.mul(E.num(coeff), ...scalars, E.diagMat(E.mul(...chain)));
    },
  }),
  rewriteRule({
    id: "diag-outer-product", source: "derived: (a bᵀ)ᵢᵢ = aᵢbᵢ", formula: "\\operatorname{diag}(a b^{\\top}) = a \\odot b",
    witness: "diag(x y^T)", on: ["diag"],
    apply: (e) => {
      if (e.arg.kind !== "mul") return null;
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      if (chain.length !== 2 || chain[0]!.shape.cols !== 1 || chain[1]!.shape.rows !== 1) return null;
      return E.mul(E.num(coeff), ...scalars, E.hadamard(chain[0]!, E.transpose(chain[1]!)));
    },
  }),
  rewriteRule({
    // a sum over samples of a quadratic form, Σᵢ log 𝒩(xᵢ; μ, Σ) by Σ, arrives as Diag(−𝟏/2) between X's
    id: "diag-of-ones", source: "derived: Diag(c𝟏) has c on its diagonal", formula: "\\operatorname{diag}(c\\mathbf{1}) = c I",
    witness: "a^T diag(2 \\mathbf{1} + v - v) b", witnessLet: ["a: vector", "b: vector", "v: vector"], on: ["diagm"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e.arg);
      return chain.length === 1 && chain[0]!.kind === "ones" ? E.mul(E.num(coeff), ...scalars, E.identity(e.shape.rows)) : null;
    },
  }),
  rewriteRule({
    id: "diag-transpose", source: "derived: A and Aᵀ share their diagonal", formula: "\\operatorname{diag}(A^{\\top}) = \\operatorname{diag}(A)",
    witness: "diag(A^T)", on: ["diag"],
    apply: (e) => (e.arg.kind === "transpose" ? E.diagVec(e.arg.arg) : null),
  }),
  rewriteRule({
    // diag(x)⁻¹y is y ⊘ x: the inverse of a diagonal matrix is taken entry by entry, and then meets the rule below
    id: "inverse-of-diagonal", source: "Matrix Cookbook (2012-11-15) §9.1.2 (Diag(d)⁻¹ = Diag(d∘⁻¹), dᵢ ≠ 0)",
    formula: "\\operatorname{diag}(d)^{-1} = \\operatorname{diag}(d^{\\circ -1})", witness: "a^T diag(x)^{-1} b", on: ["inverse"],
    apply: (e) => (e.arg.kind === "diagm" ? E.diagMat(E.hpower(e.arg.arg, -1)) : null),
  }),
  rewriteRule({
    // x may be a product, Diag(d)Ay = d ⊙ Ay: the last Diag before a chain that ends in a column
    id: "diagonal-times-vector", source: "derived: (Diag(d) x)ᵢ = dᵢxᵢ", formula: "\\operatorname{diag}(d)\\, x = d \\odot x",
    witness: "diag(d) x + diag(d) A y", on: ["mul"],
    apply: (e) => {
      const { coeff, scalars, chain } = E.splitMul(e);
      if (chain.length < 2 || chain[chain.length - 1]!.shape.cols !== 1) return null;
      let i = -1;
      for (let k = chain.length - 2; k >= 0; k--) if (chain[k]!.kind === "diagm") { i = k; break; }
      if (i < 0) return null;
      const merged = E.hadamard((chain[i] as E.DiagMat).arg, E.mul(...chain.slice(i + 1)));
      return E.mul(E.num(coeff), ...scalars, ...chain.slice(0, i), merged);
    },
  }),
];
