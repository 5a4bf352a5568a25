/** The derivation of an analysis, rendered step by step with the rule behind each step. */
import * as E from "../core/expr.js";
import type { Expr, Sym } from "../core/expr.js";
import { isScalarShape } from "../core/shape.js";
import { toText, nameText } from "../print/text.js";
import { latexText } from "../print/latex-text.js";
import { derive, type DerivationStep } from "../calculus/steps.js";
import { restrictDifferential } from "../calculus/parameterised.js";
import { resultLabel, type ResultKind, type ResultLabel } from "../print/label.js";
import { ruleSource, step } from "../../rules/registry.js";
import type { Analysis } from "../pipeline/analyse.js";
import { functionOf, render, type Rendered, type RenderedStep } from "./rendered.js";
import { THICK, THIN } from "../print/latex-space.js";

/** The derivation of an analysis, as expressions (for tests: each step is checked numerically). */
export function derivationOf(a: Analysis): DerivationStep[] {
  return derive({
    f: a.f, X: a.X, df: a.df, definitions: a.definitions, kind: a.kind, result: a.result, gradient: a.gradient, budget: a.budget,
    // the pipeline's work, rendered rather than redone: its record of df, df simplified, its Frobenius terms
    simplifiedDf: a.simplifiedDf, ...(a.expansion ? { expansion: a.expansion } : {}), ...(a.frobenius ? { frobenius: a.frobenius } : {}), pass: a.pass,
    ...(a.convention ? { convention: a.convention } : {}), ...(a.bySquare ? { bySquare: true } : {}),
    // through a parameterisation this is the variable's own part; renderParameterisedSteps adds the functions' parts
    ...(a.parameterisation ? { holdDependents: true } : {}),
    letter: functionOf(a).text,
  });
}

export function renderSteps(a: Analysis, label: ResultLabel): RenderedStep[] {
  if (a.parameterisation) return renderParameterisedSteps(a, label);
  return renderStepsOf(derivationOf(a), a.X, label);
}

/**
 * The seed's derivation: for each opaque function A(θ), df with the others held fixed
 * brought to ⟨G_A, dA⟩ (the Frobenius match), then the pull-back through J_A(θ).
 */
function renderParameterisedSteps(a: Analysis, name: ResultLabel): RenderedStep[] {
  const p = a.parameterisation!;
  const out: RenderedStep[] = [];
  const pieces: { text: string; latex: string }[] = [];
  const x = render(a.X);
  const matrixX = a.X.shape.cols !== 1;
  const f = name.function;
  if (!isScalarShape(a.f.shape)) return renderPushForwardSteps(a, name);
  for (const n of [...p.nodes.map((m) => m.sym), a.X]) {
    const G = n === a.X ? p.direct : p.partials.get(n.name)!;
    if (E.isZero(G)) continue;
    const scalarN = isScalarShape(n.shape);
    const df = restrictDifferential(a.df, new Set([n.name]));
    const frobenius = p.extractions.get(n.name);
    const steps = derive({
      f: a.f, X: n, df, definitions: a.definitions, kind: scalarN ? "derivative" : "gradient", result: G,
      holdDependents: !(n === a.X && scalarN),
      // the analysis's work: its pass (df's simplification is in its memo) and its extraction of this df
      pass: a.pass, simplifiedDf: () => a.pass.simplify(df), ...(frobenius ? { frobenius } : {}), letter: f.text,
    });
    const nm = render(n);
    const label = scalarN ? { text: `∂${f.text}/∂${nm.text}`, latex: `\\frac{\\partial ${f.latex}}{\\partial ${nm.latex}}` } : { text: `∇_${nm.text} ${f.text}`, latex: `\\nabla_{${braced(nm.latex)}} ${f.latex}` };
    const held = n === a.X ? (p.nodes.length ? `${p.nodes.map((m) => nameText(m.sym.name)).join(", ")} held fixed` : "") : `only ${nm.text} varies`;
    const block = renderStepsOf(steps, n, partLabel(a, n, scalarN ? "derivative" : "gradient"));
    block[0] = { ...block[0]!, lhs: name.differential, reason: held };
    out.push(...block);
    const g = render(G);
    out.push({
      lhs: n === a.X && p.nodes.length ? { text: `${label.text}|fixed`, latex: `\\left.${label.latex}\\right|_{\\text{fixed}}` } : label, ...g,
      reason: `${scalarN ? "the coefficient of its differential" : "Frobenius match"}${n === a.X && p.nodes.length ? `, with ${p.nodes.map((m) => nameText(m.sym.name)).join(", ")} fixed` : ""}`,
      rule: step("frobenius"), source: ruleSource(step("frobenius")),
    });
    if (n === a.X) {
      // θ's own gradient, where it occurs directly, joins the pull-backs by value
      pieces.push(matrixX ? { text: `vec(${g.text})`, latex: `\\mathop{\\mathrm{vec}}\\left(${g.latex}\\right)` } : g);
    }
  }
  // the pull-back: ⟨G_A, dA⟩ = ⟨G_A, unvec(J_A dθ)⟩ = ⟨J_Aᵀ vec(G_A), dθ⟩, from the deepest function back to θ
  for (const n of p.nodes.filter((m) => m.parent === a.X)) {
    const total = p.totals.get(n.sym.name)!;
    if (E.isZero(total)) continue;
    const j = render(E.transpose(n.jacobian));
    const nm = render(n.sym);
    const vecG = n.sym.shape.cols === 1 ? { text: `∇_${nm.text} ${f.text}`, latex: `\\nabla_{${braced(nm.latex)}} ${f.latex}` }
      : { text: `vec(∇_${nm.text} ${f.text})`, latex: `\\mathop{\\mathrm{vec}}(\\nabla_{${braced(nm.latex)}} ${f.latex})` };
    const deeper = p.nodes.some((m) => m.parent === n.sym);
    pieces.push(deeper ? { text: `${j.text}(vec Ḡ_${nm.text})`, latex: `${j.latex} \\mathop{\\mathrm{vec}}(\\bar{G}_{${nm.latex}})` }
      : isScalarShape(n.sym.shape) ? { text: `${j.text} ∂${f.text}/∂${nm.text}`, latex: `${j.latex} \\frac{\\partial ${f.latex}}{\\partial ${nm.latex}}` }
      : { text: `${j.text} ${vecG.text}`, latex: `${j.latex} ${vecG.latex}` });
  }
  const chain = p.nodes.map((n) => {
    const d = (s: Sym) => (s.shape.cols === 1 ? `d${nameText(s.name)}` : `vec(d${nameText(s.name)})`);
    return `${d(n.sym)} = ${toText(n.jacobian)} ${d(n.parent)}`;
  }).join(", ");
  const deep = p.nodes.some((m) => m.parent !== a.X);
  out.push({
    lhs: name, text: pieces.map((q) => q.text).join(" + "), latex: pieces.map((q) => q.latex).join(" + "),
    reason: `chain rule: ${chain}, so ⟨G, d${nameText(p.nodes[0]?.sym.name ?? a.X.name)}⟩ = ⟨Jᵀ vec(G), d${x.text}⟩ (pull-back, a VJP)${deep ? "; Ḡ is the gradient pulled back from the deeper functions" : ""}`,
    rule: step("pull-back"), source: ruleSource(step("pull-back")),
  });
  return out;
}

/** For a vector or matrix F: each function's vec(dF) = (∂vec F/∂vec A) vec(dA), then the push-forward through J_A(θ) (a JVP). */
function renderPushForwardSteps(a: Analysis, name: ResultLabel): RenderedStep[] {
  const p = a.parameterisation!;
  const out: RenderedStep[] = [];
  const terms: Expr[] = [];
  const x = render(a.X);
  for (const n of [...p.nodes.map((m) => m.sym), a.X]) {
    const J = n === a.X ? p.direct : p.partials.get(n.name)!;
    if (E.isZero(J)) continue;
    const df = restrictDifferential(a.df, new Set([n.name]));
    const steps = derive({
      f: a.f, X: n, df, definitions: a.definitions, kind: "jacobian", result: J,
      holdDependents: !(n === a.X && isScalarShape(n.shape)),
      pass: a.pass, simplifiedDf: () => a.pass.simplify(df), letter: name.function.text,
    });
    const block = renderStepsOf(steps, n, partLabel(a, n, "jacobian"));
    block[0] = { ...block[0]!, lhs: name.differential, reason: n === a.X ? `${p.nodes.map((m) => nameText(m.sym.name)).join(", ")} held fixed` : `only ${nameText(n.name)} varies` };
    out.push(...block);
    const node = p.nodes.find((m) => m.sym === n);
    // T_A = J_A(P) T_P: the tangent of A along dθ, through the chain of declarations
    const chain: Expr[] = [J];
    let top: Sym = n;
    for (let m: typeof node | undefined = node; m; m = p.nodes.find((k) => k.sym === m!.parent)) {
      chain.push(m.jacobian);
      top = m.parent;
    }
    // by a scalar t, a symbol declared a function of t enters through its rate Ẏ (calculus/parameterised.ts)
    if (top !== a.X) chain.push(E.vec(E.dotted(top)));
    terms.push(E.mul(...chain));
  }
  const pushes = p.nodes.map((n) => {
    const d = (s: Sym) => (s.shape.cols === 1 ? `d${nameText(s.name)}` : `vec(d${nameText(s.name)})`);
    return `${d(n.sym)} = ${toText(n.jacobian)} ${d(n.parent)}`;
  }).join(", ");
  out.push({
    // the printer brackets a Kronecker or a sum before J_A(θ) and writes a negative term with −
    lhs: name, ...render(terms.length ? E.add(...terms) : E.zero(a.result.shape)),
    reason: `chain rule: ${pushes} (push-forward, a JVP in d${x.text})`, rule: step("push-forward"), source: ruleSource(step("push-forward")),
  });
  return out;
}

/** The names in the derivation of f by one of the symbols it depends on. */
function partLabel(a: Analysis, n: Sym, kind: ResultKind): ResultLabel {
  return resultLabel(kind, a.f.shape, { ...render(n), shape: n.shape }, render(a.f), (name) => a.symbols.has(name));
}

function renderStepsOf(derivation: readonly DerivationStep[], X: Sym, label: ResultLabel): RenderedStep[] {
  const a = { X };
  const dX = render(E.diff(a.X));
  return derivation.map((s, i) => {
    const sources = [...new Set(s.rules.map((id) => ruleSource(id)).filter(Boolean))].join("; ");
    const base = { reason: s.reason, rule: s.rules.join(", "), source: sources };
    if (s.display === "frobenius") {
      const g = render(s.gradient!);
      return { ...base, latex: `\\left\\langle ${g.latex},${THIN}${dX.latex} \\right\\rangle`, text: `⟨${g.text}, ${dX.text}⟩` };
    }
    if (s.display === "entries") {
      // Σ_{i≤j} G_ij dS_ij: the partials in the independent entries of a symmetric S
      const g = render(s.gradient!);
      const x = render(a.X);
      return {
        ...base,
        latex: `\\sum_{i \\le j} \\left(${g.latex}\\right)_{ij} ${THIN}\\mathrm{d}${braced(x.latex)}_{ij}`,
        text: `Σ_{i≤j} (${g.text})_{ij} d${x.text}_{ij}`,
      };
    }
    if (s.display === "vec") {
      // (I ⊗ X + Xᵀ ⊗ I) vec(dX): a sum (or a lone ⊗) multiplied on the right needs parentheses
      const j = render(s.gradient!);
      const wrap = s.gradient!.kind === "add" || s.gradient!.kind === "kron" || E.splitMul(s.gradient!).coeff.n < 0;
      return {
        ...base, lhs: { latex: `\\mathop{\\mathrm{vec}}(${label.differential.latex})`, text: `vec(${label.differential.text})` },
        latex: `${wrap ? `\\left(${j.latex}\\right)` : j.latex} \\mathop{\\mathrm{vec}}(${dX.latex})`,
        text: `${wrap ? `(${j.text})` : j.text} vec(${dX.text})`,
      };
    }
    if (s.display === "quadratic") {
      // d²f = dxᵀ H dx, vec(dX)ᵀ H vec(dX), or f″ (dt)²: H as one factor between the differentials
      const h = render(s.gradient!);
      const { coeff } = E.splitMul(s.gradient!);
      const wrap = s.gradient!.kind === "add" || s.gradient!.kind === "kron" || coeff.n !== 1 || coeff.d !== 1;
      const H = wrap ? { latex: `(${h.latex})`, text: `(${h.text})` } : h;
      if (isScalarShape(a.X.shape)) return { ...base, latex: `${H.latex}${THIN}(${dX.latex})^{2}`, text: `${H.text} (${dX.text})²` };
      const v = a.X.shape.cols === 1 ? dX : { latex: `\\mathop{\\mathrm{vec}}(${dX.latex})`, text: `vec(${dX.text})` };
      const vT = a.X.shape.cols === 1 ? { latex: `${dX.latex}^{\\top}`, text: `${dX.text}ᵀ` } : { latex: `${v.latex}^{\\top}`, text: `${v.text}ᵀ` };
      return { ...base, latex: `${vT.latex}${THIN}${H.latex}${THIN}${v.latex}`, text: `${vT.text} ${H.text} ${v.text}` };
    }
    const r = render(s.expr);
    if (s.begins === "gradient" && label.gradient) return { ...base, lhs: label.gradient, ...r };
    if (s.begins === "second" && label.secondDifferential) return { ...base, lhs: label.secondDifferential, ...r };
    return i === 0 ? { ...base, lhs: label.differential, ...r } : { ...base, ...r };
  });
}

/** A LaTeX atom that can take a subscript: `\\Sigma` and `S` as they are, `W_{1}` braced. */
const braced = (latex: string) => (/^(?:[A-Za-z]|\\[A-Za-z]+)$/.test(latex) ? latex : `{${latex}}`);

/** The steps as one aligned block, ending in the result (`name` and `result` as the caller printed them). */
export function renderDerivation(steps: readonly RenderedStep[], name: Rendered, result: Rendered): { latex: string; text: string } {
  const lhsWidth = Math.max(...steps.map((s) => [...(s.lhs?.text ?? "")].length));
  const exprWidth = Math.min(60, Math.max(...steps.map((s) => [...s.text].length)));
  const textLines = steps.map((s) => {
    const lhs = (s.lhs?.text ?? "").padStart(lhsWidth);
    const body = `${lhs} = ${s.text}`;
    return s.reason ? `${body}${" ".repeat(Math.max(2, lhsWidth + 3 + exprWidth - [...body].length + 2))}${s.reason}` : body;
  });
  textLines.push(`⇒ ${name.text} = ${result.text}`);
  const latexLines = steps.map((s) => `${s.lhs?.latex ?? ""} &= ${s.latex}${s.reason ? ` && \\text{${latexText(s.reason)}}` : ""}`);
  latexLines.push(`\\Rightarrow${THICK}${name.latex} &= ${result.latex}`);
  return { latex: `\\begin{aligned}\n${latexLines.join(" \\\\\n")}\n\\end{aligned}`, text: textLines.join("\n") };
}
