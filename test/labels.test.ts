/**
 * One name for each result (issue 14 item 1): every surface — the CLI's text,
 * LaTeX and JSON, derivations, answer keys (Markdown, HTML, LaTeX), the
 * markdown-it and remark plugins, the playground's presentation and the index
 * form — shows the same label for every kind, because all of them read it from
 * print/label.ts. Expected names are the textbook ones (DESIGN.md §1; Magnus &
 * Neudecker for ∂vec F/∂vec X).
 */
import { describe, expect, it } from "vitest";
import { differentiate, type DifferentiateOptions } from "../src/api.js";
import { runCli } from "./support/cli.js";
import { readProblemSet } from "../src/key/problems.js";
import { solveProblems, renderMarkdown, renderHtml, renderTex } from "../src/key/key.js";
import { renderBlock } from "../src/plugins/markdown-it.js";
import remarkMatdiff from "../src/plugins/remark.js";
import { present, resultLhs } from "../src/plugins/present.js";
import { resultLabel } from "../src/print/label.js";
import { SCALAR, shape } from "../src/core/shape.js";
import { renderKatex } from "./support/pipeline.js";

interface LabelCase {
  readonly kind: string;
  readonly expr: string;
  readonly wrt: string;
  readonly let?: readonly string[];
  readonly hessian?: true;
  readonly text: string;
  readonly latex: string;
  /** df or dF */
  readonly differential: string;
  /** The function's letter when a symbol has f's (or F's): the next free one. */
  readonly letter?: string;
}

const CASES: readonly LabelCase[] = [
  { kind: "gradient", expr: "tr(A^{-1}B)", wrt: "A", text: "∇_A f", latex: "\\nabla_{A} f", differential: "df" },
  { kind: "gradient", expr: "x^T B x", wrt: "x", text: "∇_x f", latex: "\\nabla_{x} f", differential: "df" },
  { kind: "gradient", expr: "\\|y - \\Phi \\theta\\|^2", wrt: "theta", let: ["theta: vector"], text: "∇_θ f", latex: "\\nabla_{\\theta} f", differential: "df" },
  { kind: "jacobian", expr: "sigmoid(W x + b)", wrt: "x", text: "∂f/∂x", latex: "\\frac{\\partial f}{\\partial x}", differential: "df" },
  { kind: "jacobian", expr: "X^2", wrt: "X", text: "∂vec(F)/∂vec(X)", latex: "\\frac{\\partial \\mathop{\\mathrm{vec}} F}{\\partial \\mathop{\\mathrm{vec}} X}", differential: "dF" },
  { kind: "jacobian", expr: "W x", wrt: "W", text: "∂f/∂vec(W)", latex: "\\frac{\\partial f}{\\partial \\mathop{\\mathrm{vec}} W}", differential: "df" },
  { kind: "derivative", expr: "(A + t B)^{-1}", wrt: "t", let: ["t: scalar"], text: "dF/dt", latex: "\\frac{\\mathrm{d}F}{\\mathrm{d}t}", differential: "dF" },
  { kind: "derivative", expr: "t sin(t)", wrt: "t", let: ["t: scalar"], text: "df/dt", latex: "\\frac{\\mathrm{d}f}{\\mathrm{d}t}", differential: "df" },
  { kind: "hessian", expr: "\\|A x - b\\|^2", wrt: "x", hessian: true, text: "∇²_x f", latex: "\\nabla^{2}_{x} f", differential: "df" },
  { kind: "hessian", expr: "log det(X)", wrt: "X", hessian: true, text: "∇²_X f", latex: "\\nabla^{2}_{X} f", differential: "df" },
  { kind: "hessian", expr: "x^3 + sin(x)", wrt: "x", let: ["x: scalar"], hessian: true, text: "d²f/dx²", latex: "\\frac{\\mathrm{d}^{2}f}{\\mathrm{d}x^{2}}", differential: "df" },
  // a symbol called f (the model's outputs): the function is g, so that df is f's own differential and ∇_f g reads right
  { kind: "gradient", expr: "\\|y - f\\|^2", wrt: "f", text: "∇_f g", latex: "\\nabla_{f} g", differential: "dg", letter: "g" },
  { kind: "jacobian", expr: "F^T F", wrt: "F", text: "∂vec(G)/∂vec(F)", latex: "\\frac{\\partial \\mathop{\\mathrm{vec}} G}{\\partial \\mathop{\\mathrm{vec}} F}", differential: "dG", letter: "G" },
  { kind: "hessian", expr: "f^T A f + g^T f", wrt: "f", let: ["A: sym"], hessian: true, text: "∇²_f h", latex: "\\nabla^{2}_{f} h", differential: "dh", letter: "h" },
  { kind: "derivative", expr: "f t + sin(t)", wrt: "t", let: ["t: scalar", "f: scalar"], text: "dg/dt", latex: "\\frac{\\mathrm{d}g}{\\mathrm{d}t}", differential: "dg", letter: "g" },
  { kind: "gradient", expr: "f^T x + g^T x + h^T x", wrt: "x", text: "∇_x φ", latex: "\\nabla_{x} \\phi", differential: "dφ", letter: "φ" },
];

const optionsOf = (c: LabelCase): DifferentiateOptions => ({ wrt: c.wrt, let: c.let ?? [], ...(c.hessian ? { hessian: true } : {}) });

async function cli(args: string[]): Promise<string> {
  const r = await runCli(args);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.stdout;
}
const cliArgs = (c: LabelCase) => [c.expr, "--wrt", c.wrt, ...(c.let ?? []).flatMap((l) => ["--let", l]), ...(c.hessian ? ["--hessian"] : [])];

/** The TeX source of every KaTeX formula in an HTML page (its MathML annotation). */
const annotations = (html: string) => [...html.matchAll(/<annotation encoding="application\/x-tex">([\s\S]*?)<\/annotation>/g)]
  .map((m) => m[1]!.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&"));

describe("the result's label is the same on every surface", () => {
  for (const c of CASES) {
    describe(`${c.kind}: ${c.expr} by ${c.wrt} → ${c.text}`, () => {
      const r = differentiate(c.expr, { ...optionsOf(c), steps: true, check: true });
      const dLatex = r.derivative.latex;

      it("the library: kind, label, differential's name; the label renders in KaTeX", () => {
        expect(r.kind).toBe(c.kind);
        expect([r.label.text, r.label.latex]).toEqual([c.text, c.latex]);
        expect(r.label.differential.text).toBe(c.differential);
        expect(r.label.function.text).toBe(c.letter ?? (c.differential === "dF" ? "F" : "f"));
        expect(r.steps![0]!.lhs!.text).toBe(c.differential);
        expect(r.check?.ok).toBe(true);
        expect(() => renderKatex(r.label.latex)).not.toThrow();
        expect(() => renderKatex(r.label.applied!.latex)).not.toThrow();
      });

      it("the CLI: text, text with --steps, LaTeX, LaTeX with --steps, JSON", async () => {
        const text = (await cli(cliArgs(c))).split("\n");
        expect(text[0]).toBe(`${r.label.function.text} = ${r.function.text}`);
        expect(text).toContain(`${c.text} = ${r.derivative.text}`);
        expect(text.some((l) => l.startsWith(`${c.differential} = `)), text.join("\n")).toBe(true);
        const steps = (await cli([...cliArgs(c), "--steps"])).split("\n");
        expect(steps).toContain(`⇒ ${c.text} = ${r.derivative.text}`);
        expect(await cli([...cliArgs(c), "--format", "latex"])).toBe(`${r.label.applied!.latex} = ${dLatex}\n`);
        expect(await cli([...cliArgs(c), "--format", "latex", "--steps"])).toContain(`\\Rightarrow\\mkern5mu ${c.latex} &= ${dLatex}`);
        const json = JSON.parse(await cli([...cliArgs(c), "--format", "json"]));
        expect([json.label.text, json.label.latex, json.kind]).toEqual([c.text, c.latex, c.kind]);
      });

      it("the derivation ends with it", () => {
        expect(r.derivation!.text.split("\n").at(-1)).toBe(`⇒ ${c.text} = ${r.derivative.text}`);
        expect(r.derivation!.latex).toContain(`\\Rightarrow\\mkern5mu ${c.latex} &= ${dLatex}`);
      });

      it("answer keys: Markdown, HTML and LaTeX, answer and conclusion", () => {
        const yaml = [`- title: ${c.kind}`, `  expr: '${c.expr.replace(/'/g, "''")}'`, `  wrt: ${c.wrt}`,
          ...(c.let?.length ? [`  let: [${c.let.map((l) => `'${l}'`).join(", ")}]`] : []), ...(c.hessian ? ["  hessian: true"] : []), ""].join("\n");
        const key = solveProblems(readProblemSet(yaml, "p.yaml"), "p.yaml");
        expect(key.entries[0]!.ok).toBe(true);
        const md = renderMarkdown(key);
        expect(md).toContain(`$$${c.latex} = ${dLatex}$$`);
        expect(md).toContain(`\\Rightarrow\\mkern5mu ${c.latex} &= ${dLatex}`);
        const html = annotations(renderHtml(key, { katexCss: "" }));
        expect(html).toContain(`${c.latex} = ${dLatex}`);
        expect(html).toContain(`\\Rightarrow\\mkern5mu ${c.latex}`);
        const tex = renderTex(key);
        expect(tex).toContain(`\\[ ${c.latex} = ${dLatex} \\]`);
        expect(tex).toContain(`\\Rightarrow\\mkern5mu ${c.latex} &= ${dLatex}`);
      });

      it("plugins and the playground: markdown-it, remark, the shared presentation", async () => {
        const block = `${c.expr} wrt ${c.wrt}\n${(c.let ?? []).map((l) => `let ${l}`).join("\n")}`;
        const meta = c.hessian ? "hessian" : "";
        expect(annotations(renderBlock(block, meta)).join("\n")).toContain(`${c.latex} &= ${dLatex}`);
        const tree = { type: "root", children: [{ type: "code", lang: "matdiff", meta: meta || null, value: block }] };
        (remarkMatdiff() as (t: unknown, f: unknown) => void)(tree, { message: () => ({}) });
        expect(JSON.stringify(tree)).toContain(JSON.stringify(`${c.latex} &= ${dLatex}`).slice(1, -1));
        // the playground shows present(r).equation and copies `${resultLhs(r)} = …`
        expect(present(r).equation).toContain(`${c.latex} &= ${dLatex}`);
        expect(resultLhs(r)).toBe(c.latex);
      });

      it("the index form uses the same names", () => {
        const index = differentiate(c.expr, optionsOf(c)).derivative.index;
        expect(index, "an index form").toBeDefined();
        const lhs = index!.text.split(" = ")[0]!;
        // entrywise names: ∂f/∂A_{ij}, ∂²f/∂x_i∂x_j, d(F)_{ij}/dt; a scalar function of a scalar has no entries, so its is the label itself
        if (r.function.shape === "1×1" && r.wrt.shape === "1×1") expect(lhs).toBe(c.text);
        else if (c.kind === "gradient") expect(lhs.startsWith(`∂${c.letter ?? "f"}/∂`)).toBe(true);
        else if (c.kind === "hessian") expect(lhs.startsWith(`∂²${c.letter ?? "f"}/∂`)).toBe(true);
      });
    });
  }
});

describe("the label function", () => {
  it("names a matrix-valued function F and its differential dF, a scalar or vector one f and df", () => {
    const X = { text: "X", latex: "X", shape: shape("n", "n") };
    expect(resultLabel("jacobian", shape("n", "n"), X).differential).toEqual({ text: "dF", latex: "\\mathrm{d}F" });
    expect(resultLabel("jacobian", shape("n", 1), X).differential).toEqual({ text: "df", latex: "\\mathrm{d}f" });
    expect(resultLabel("gradient", SCALAR, X).differential).toEqual({ text: "df", latex: "\\mathrm{d}f" });
  });

  it("takes one variable at a time: several --wrt give one label each", () => {
    const labels = [["W_{1}", "W₁"], ["b_{1}", "b₁"]].map(([latex, text], i) =>
      resultLabel("gradient", SCALAR, { latex: latex!, text: text!, shape: i === 0 ? shape("m", "n") : shape("m", 1) }));
    expect(labels.map((l) => l.text)).toEqual(["∇_W₁ f", "∇_b₁ f"]);
    for (const l of labels) expect(() => renderKatex(l.latex)).not.toThrow();
  });
});

describe("a symbol with the function's letter", () => {
  it("the layout, the convention, the derivation's reasons and the parameterised forms name the function by its own letter", () => {
    const squared = differentiate("\\|y - f\\|^2", { wrt: "f", steps: true });
    expect(squared.layout).toBe("∇g has the shape of f (n×1): dg = tr(∇gᵀ df)");
    expect(squared.differential.text).toBe("−2(y − f)ᵀ df");
    const hessian = differentiate("f^T A f", { wrt: "f", hessian: true, steps: true });
    expect(hessian.layout).toBe("H is n×n with d²g = dfᵀ H df");
    expect(hessian.steps!.map((s) => s.reason)).toEqual(expect.arrayContaining(["differentiate dg once more, df constant", "Hessian form d²g = dfᵀ H df"]));
    const sym = differentiate("tr(S f f^T)", { wrt: "S", let: ["S: sym"] });
    expect(sym.convention?.text).toBe("symmetric gradient sym(G) = (G + Gᵀ)/2, so that dg = ⟨∇g, dS⟩ for every symmetric dS");
    const through = differentiate("f^T A f", { wrt: "theta", let: ["A: matrix(theta)", "theta: vector"], steps: true, check: true });
    expect(through.label.text).toBe("∇_θ g");
    expect(through.parameterisation!.gradients.map((g) => g.label.text)).toEqual(["∇_A g"]);
    expect(through.layout).toMatch(/; ∇_θ g is m×1 with dg = ∇_θ gᵀ dθ;/);
    expect(through.check?.ok).toBe(true);
    const pushed = differentiate("A f", { wrt: "theta", let: ["A: matrix(theta)", "theta: vector"] });
    expect(pushed.parameterisation!.jvp!.text).toBe("dg = (fᵀ ⊗ I)J_A(θ) dθ");
  });

  it("the index form and the key's statement use it too", () => {
    const gram = differentiate("F^T F", { wrt: "F" });
    expect(gram.derivative.index!.text.startsWith("∂G_{ij}/∂F_{kl} = ")).toBe(true);
    const key = solveProblems(readProblemSet("- expr: 'F^T F'\n  wrt: F\n", "p.yaml"), "p.yaml");
    expect(renderMarkdown(key)).toContain("$$G = F^{\\top} F$$");
    expect(renderTex(key)).toContain("\\[ G = F^{\\top} F \\]");
    expect(annotations(renderHtml(key, { katexCss: "" }))).toContain("G = F^{\\top} F");
  });

  it("several variables at once: the header, the shared differential and the layout", async () => {
    const out = (await cli(["\\|y - f\\|^2 + g^T f", "--wrt", "f,g"])).split("\n");
    expect(out[0]).toBe("h = ‖y − f‖² + gᵀf");
    expect(out[1]!.startsWith("dh = ")).toBe(true);
    expect(out).toContain("layout: each gradient has the shape of its variable: dh = Σ tr(∇_X hᵀ dX)");
  });
});

describe("the symmetric convention names the variable", () => {
  it("dΣ for Σ, Σ_ij in the Cookbook convention", () => {
    const sym = differentiate("tr(S Σ^{-1}) + \\ln|Σ|", { wrt: "Sigma", let: ["Sigma: spd", "S: sym"], check: true });
    expect(sym.convention?.text).toBe("symmetric gradient sym(G) = (G + Gᵀ)/2, so that df = ⟨∇f, dΣ⟩ for every symmetric dΣ");
    expect(sym.check?.ok).toBe(true);
    const cookbook = differentiate("tr(S Σ^{-1})", { wrt: "Sigma", let: ["Sigma: spd"], symmetric: "cookbook" });
    expect(cookbook.convention?.text).toMatch(/independent entries Σ_ij, i ≤ j\)$/);
  });
});
