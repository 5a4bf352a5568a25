/**
 * How a result through a parameterisation is written (seed 000): the pull-back
 * ∇_θ f = J_A(θ)ᵀ vec(G_A) + J_b(θ)ᵀ g_b is the result itself; beside it the
 * per-component form ∂f/∂θ_i = ⟨G_A, ∂A/∂θ_i⟩ = tr(G_Aᵀ ∂A/∂θ_i), the VJP form
 * vjp_A(G_A) (what to hand to an autodiff system), the push-forward
 * vec(dA) = J_A(θ) vec(dθ), and what each J means.
 */
import * as E from "../core/expr.js";
import type { Expr, Sym } from "../core/expr.js";
import { formatShape, isScalarShape } from "../core/shape.js";
import type { Intermediate } from "../calculus/parameterised.js";
import { toLatex, latexName } from "../print/latex.js";
import { toText, nameText } from "../print/text.js";
import { toNumpy } from "../print/numpy.js";
import { pyName } from "../print/python.js";
import { THIN } from "../print/latex-space.js";

export interface Rendered {
  readonly latex: string;
  readonly text: string;
}

export interface ParameterisationResult {
  /** Each opaque function's Jacobian, as the result names it. */
  readonly jacobians: readonly {
    readonly of: string;
    readonly wrt: string;
    /** J_A(θ) */
    readonly name: Rendered;
    /** Its NumPy argument: J_A, an array of shape (A.size, θ.size), column-major vec. */
    readonly numpy: string;
    readonly shape: string;
    /** "J_A(θ) = ∂vec(A)/∂θ, nm×p" */
    readonly meaning: string;
  }[];
  /** Each function's own gradient G_A = ∇_A f (the Frobenius match), for scalar f. */
  readonly gradients: readonly { readonly of: string; readonly label: Rendered; readonly value: Rendered }[];
  /** vec(dA) = J_A(θ) vec(dθ), one per function. */
  readonly pushForward: readonly Rendered[];
  /** For a vector or matrix F: vec(dF) = (∂vec F/∂vec θ) vec(dθ), the JVP form with every J in place. */
  readonly jvp?: Rendered;
  /** ∂f/∂θ_i = ⟨G_A, ∂A/∂θ_i⟩ + … = tr(G_Aᵀ ∂A/∂θ_i) + …, for scalar f. */
  readonly components?: Rendered;
  /** ∇_θ f = vjp_A(G_A) + …, with NumPy calling functions vjp_A(G) that return θ-shaped arrays; for scalar f of a non-scalar θ. */
  readonly vjp?: Rendered & { readonly numpy: string };
}

export interface ParameterisationInput {
  readonly X: Sym;
  readonly f: Expr;
  /** The function's letter (f, or the next free one: print/label.ts). */
  readonly letter: Rendered;
  readonly nodes: readonly Intermediate[];
  /** G_N by name (scalar f), simplified. */
  readonly partials: ReadonlyMap<string, Expr>;
  /** Gᵀ of each matrix node, simplified: the trace form tr(Gᵀ ∂A/∂θ_i). */
  readonly partialsTransposed: ReadonlyMap<string, Expr>;
  /** The variable's own gradient (where it occurs directly), simplified. */
  readonly direct: Expr;
  /** The result: the pulled-back gradient, or the pushed-forward Jacobian. */
  readonly result: Expr;
  readonly definitions: ReadonlyMap<string, Expr>;
  readonly expand: (e: Expr) => Expr;
  readonly dimExpr: (d: string | number) => string;
}

/** A subscript that holds a name: one letter bare, more braced (J_A, vjp_{W₁}). */
const textSub = (s: string) => ([...s].length === 1 ? `_${s}` : `_{${s}}`);

export function presentParameterisation(p: ParameterisationInput): ParameterisationResult {
  const { X, nodes, letter: f } = p;
  const scalarF = isScalarShape(p.f.shape);
  const matrixX = X.shape.rows !== 1 && X.shape.cols !== 1;
  const xText = nameText(X.name), xLatex = latexName(X.name);
  const index = matrixX ? { text: `${xText}_{ij}`, latex: `${xLatex}_{ij}` } : { text: `${xText}_i`, latex: `${xLatex}_{i}` };

  const jacobians = nodes.map((n) => {
    const of = nameText(n.sym.name), wrt = nameText(n.parent.name);
    const vecOf = n.sym.shape.cols === 1 ? of : `vec(${of})`;
    const vecWrt = n.parent.shape.cols === 1 ? wrt : `vec(${wrt})`;
    return {
      of: n.sym.name, wrt: n.parent.name,
      name: { text: toText(n.jacobian), latex: toLatex(n.jacobian) },
      numpy: `J_${pyName(n.sym.name)}`,
      shape: formatShape(n.jacobian.shape),
      meaning: `${toText(n.jacobian)} = ∂${vecOf}/∂${vecWrt}, ${formatShape(n.jacobian.shape)}`,
    };
  });

  const pushForward = nodes.map((n) => {
    const d = (s: Sym) => (s.shape.cols === 1 ? { text: `d${nameText(s.name)}`, latex: `\\mathrm{d}${latexName(s.name)}` }
      : { text: `vec(d${nameText(s.name)})`, latex: `\\mathop{\\mathrm{vec}}(\\mathrm{d}${latexName(s.name)})` });
    const l = d(n.sym), r = d(n.parent);
    return { text: `${l.text} = ${toText(n.jacobian)} ${r.text}`, latex: `${l.latex} = ${toLatex(n.jacobian)} ${THIN}${r.latex}` };
  });

  if (!scalarF) {
    const vecF = p.f.shape.cols === 1 ? { text: `d${f.text}`, latex: `\\mathrm{d}${f.latex}` } : { text: `vec(d${f.text})`, latex: `\\mathop{\\mathrm{vec}}(\\mathrm{d}${f.latex})` };
    const dX = X.shape.cols === 1 ? { text: `d${xText}`, latex: `\\mathrm{d}${xLatex}` } : { text: `vec(d${xText})`, latex: `\\mathop{\\mathrm{vec}}(\\mathrm{d}${xLatex})` };
    const wrap = p.result.kind === "add";
    const jvp = {
      text: `${vecF.text} = ${wrap ? `(${toText(p.result)})` : toText(p.result)} ${dX.text}`,
      latex: `${vecF.latex} = ${wrap ? `\\left(${toLatex(p.result)}\\right)` : toLatex(p.result)} ${THIN}${dX.latex}`,
    };
    return { jacobians, gradients: [], pushForward, jvp };
  }

  const gradients = nodes.flatMap((n) => {
    const g = p.partials.get(n.sym.name)!;
    if (E.isZero(g)) return [];
    const name = nameText(n.sym.name);
    const label = isScalarShape(n.sym.shape)
      ? { text: `∂${f.text}/∂${name}`, latex: `\\frac{\\partial ${f.latex}}{\\partial ${latexName(n.sym.name)}}` }
      : { text: `∇_${name} ${f.text}`, latex: `\\nabla_{${latexName(n.sym.name)}} ${f.latex}` };
    return [{ of: n.sym.name, label, value: { text: toText(g), latex: toLatex(g) } }];
  });

  // ∂f/∂θ_i: one term per function of θ itself (a deeper one's share reaches θ through it)
  const children = (s: Sym) => nodes.filter((n) => n.parent === s);
  let inner: Rendered[] = [];
  let traced: Rendered[] = [];
  const part = (n: Intermediate) => {
    const s = nameText(n.sym.name), l = latexName(n.sym.name);
    return { text: `∂${s}/∂${index.text}`, latex: `\\frac{\\partial ${l}}{\\partial ${index.latex}}` };
  };
  // a factor in front of ∂b/∂θ_i: a sum or an entrywise product is bracketed, (a ⊙ b)ᵀ ∂b/∂θ_i
  const loose = (e: Expr) => e.kind === "add" || e.kind === "hadamard" || e.kind === "kron" || (e.kind === "mul" && E.splitMul(e).coeff.n < 0);
  const wrapText = (e: Expr) => (loose(e) ? `(${toText(e)})` : toText(e));
  const wrapLatex = (e: Expr) => (loose(e) ? `\\left(${toLatex(e)}\\right)` : toLatex(e));
  /** g ∂b/∂θ_i for a scalar b: ∂b/∂θ_i alone where g is 1, −∂b/∂θ_i where it is −1. */
  const times = (g: Expr, d: Rendered): Rendered => {
    if (g === E.ONE_NUM) return d;
    if (g === E.num(-1)) return { text: `−${d.text}`, latex: `-${d.latex}` };
    // −n ∂A/∂θ_i, not (−n) ∂A/∂θ_i
    if (g.kind === "mul" && E.splitMul(g).coeff.n < 0) {
      const positive = times(E.scale(-1, g), d);
      return { text: `−${positive.text}`, latex: `-${positive.latex}` };
    }
    return { text: `${wrapText(g)} ${d.text}`, latex: `${wrapLatex(g)} ${THIN}${d.latex}` };
  };
  let componentsExact = true;
  for (const n of children(X)) {
    if (children(n.sym).length) { componentsExact = false; continue; }
    const g = p.partials.get(n.sym.name)!;
    if (E.isZero(g)) continue;
    const d = part(n);
    inner.push(isScalarShape(n.sym.shape) ? times(g, d)
      : { text: `⟨${toText(g)}, ${d.text}⟩`, latex: `\\left\\langle ${toLatex(g)}, ${d.latex} \\right\\rangle` });
    if (isScalarShape(n.sym.shape)) traced.push(times(g, d));
    else if (n.sym.shape.cols === 1) {
      const gt = p.partialsTransposed.get(n.sym.name)!;
      traced.push({ text: `${wrapText(gt)} ${d.text}`, latex: `${wrapLatex(gt)} ${THIN}${d.latex}` });
    } else {
      const gt = p.partialsTransposed.get(n.sym.name)!;
      traced.push({ text: `tr(${toText(gt)} ${d.text})`, latex: `\\mathop{\\mathrm{tr}}\\left(${toLatex(gt)} ${THIN}${d.latex}\\right)` });
    }
  }
  if (!E.isZero(p.direct)) {
    // φ_i, but (Ax)_i and (W₁)_{ij}: a symbol with no subscript of its own takes the index bare
    const bare = p.direct.kind === "sym" && !p.direct.name.includes("_");
    const at = matrixX ? "ij" : "i";
    const own = bare
      ? { text: `${toText(p.direct)}${matrixX ? "_{ij}" : "_i"}`, latex: `${toLatex(p.direct)}_{${at}}` }
      : { text: `(${toText(p.direct)})${matrixX ? "_{ij}" : "_i"}`, latex: `\\left(${toLatex(p.direct)}\\right)_{${at}}` };
    inner.push(own);
    traced.push(own);
  }
  // the terms with a plus first: (Tᵀ𝟏)_i − n ∂A/∂θ_i
  const byText = (xs: Rendered[]) => [...xs.filter((x) => !x.text.startsWith("−")), ...xs.filter((x) => x.text.startsWith("−"))];
  inner = byText(inner);
  traced = byText(traced);
  const join = (xs: readonly Rendered[], key: keyof Rendered) => xs.map((x, i) => {
    const minus = key === "text" ? "−" : "-";
    return i === 0 ? x[key] : x[key].startsWith(minus) ? ` ${minus} ${x[key].slice(minus.length)}` : ` + ${x[key]}`;
  }).join("");
  const lhs = { text: `∂${f.text}/∂${index.text}`, latex: `\\frac{\\partial ${f.latex}}{\\partial ${index.latex}}` };
  // the traced form only where it differs: for scalar intermediates the two are one
  const same = join(inner, "text") === join(traced, "text");
  const components = componentsExact && inner.length && !isScalarShape(X.shape)
    ? {
      text: `${lhs.text} = ${join(inner, "text")}${same ? "" : ` = ${join(traced, "text")}`}`,
      latex: `${lhs.latex} = ${join(inner, "latex")}${same ? "" : ` = ${join(traced, "latex")}`}`,
    }
    : undefined;

  // ∇_θ f = G_θ + Σ vjp_A(Ḡ_A), Ḡ_A = G_A + Σ vjp_B(Ḡ_B) over the functions B of A: θ-shaped throughout
  const vjpName = (s: Sym) => ({ text: `vjp${textSub(nameText(s.name))}`, latex: `\\operatorname{vjp}_{${latexName(s.name)}}`, numpy: `vjp_${pyName(s.name)}` });
  const total = (s: Sym, own: Expr): Rendered & { numpy: string } | null => {
    const parts: (Rendered & { numpy: string })[] = [];
    if (!E.isZero(own)) parts.push({ text: toText(own), latex: toLatex(own), numpy: toNumpy(p.expand(own), { dimExpr: p.dimExpr }) });
    for (const c of children(s)) {
      const t = total(c.sym, p.partials.get(c.sym.name)!);
      if (!t) continue;
      const v = vjpName(c.sym);
      parts.push({ text: `${v.text}(${t.text})`, latex: `${v.latex}\\left(${t.latex}\\right)`, numpy: `${v.numpy}(${t.numpy})` });
    }
    if (!parts.length) return null;
    return { text: parts.map((x) => x.text).join(" + "), latex: parts.map((x) => x.latex).join(" + "), numpy: parts.map((x) => x.numpy).join(" + ") };
  };
  const vjp = !isScalarShape(X.shape) ? total(X, p.direct) ?? undefined : undefined;
  return { jacobians, gradients, pushForward, ...(components ? { components } : {}), ...(vjp ? { vjp } : {}) };
}
