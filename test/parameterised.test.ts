/**
 * Issue 11: gradients through a parameterisation A(θ), and every parameter at
 * once. The corpus (test/cases/parameterised.ts) is checked against finite
 * differences along a concrete random parameterisation, by its printed forms,
 * in KaTeX, and through its NumPy output run by python3 (which must be
 * installed: the test fails, never skips, without it; .ci/run installs it).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { analyzeAll, differentiate, differentiateAll, type DifferentiateResult, type SeveralOptions } from "../src/api.js";
import { MatdiffError } from "../src/errors.js";
import { expandDefinitions } from "../src/calculus/differential.js";
import { evaluate } from "../src/numeric/evaluate.js";
import { sampleEnv } from "../src/numeric/random.js";
import * as E from "../src/core/expr.js";
import type { Expr, Sym } from "../src/core/expr.js";
import { commonSubexpressions } from "../src/present/common.js";
import { solveProblems } from "../src/key/key.js";
import { readProblemSet } from "../src/key/problems.js";
import { PARAMETERISED, type ParameterisedCase } from "./cases/parameterised.js";
import { problem } from "./support/arbitraries.js";
import { renderKatex } from "./support/pipeline.js";
import { runCli as cli } from "./support/cli.js";
import { pyValue, spawnPython } from "./support/python.js";

const optionsOf = (c: ParameterisedCase): SeveralOptions => ({ wrt: c.wrt, let: c.let ?? [], where: c.where ?? [] });
const resultsOf = (c: ParameterisedCase, extra: Partial<SeveralOptions> = {}): DifferentiateResult[] => {
  const opts = { ...optionsOf(c), ...extra };
  return typeof c.wrt === "string" ? [differentiate(c.expr, { ...opts, wrt: c.wrt })] : [...differentiateAll(c.expr, opts).results];
};

function latexStrings(r: DifferentiateResult): string[] {
  const p = r.parameterisation;
  return [
    r.derivative.latex, r.function.latex, r.differential.latex, r.label.latex,
    ...(r.derivation ? [r.derivation.latex] : []),
    ...(p ? [...p.jacobians.map((j) => j.name.latex), ...p.gradients.flatMap((g) => [g.label.latex, g.value.latex]), ...p.pushForward.map((x) => x.latex)] : []),
    ...(p?.components ? [p.components.latex] : []), ...(p?.vjp ? [p.vjp.latex] : []), ...(p?.jvp ? [p.jvp.latex] : []),
  ];
}

describe("the corpus: through a parameterisation, and every parameter at once", () => {
  it("has at least 40 cases, with θ scalar, vector and matrix, several dependent symbols, and 2- and 3-layer nets", () => {
    expect(PARAMETERISED.length).toBeGreaterThanOrEqual(40);
    const lets = PARAMETERISED.map((c) => (c.let ?? []).join(" "));
    expect(lets.some((l) => /t: scalar/.test(l))).toBe(true);
    expect(lets.some((l) => /theta: vector/.test(l))).toBe(true);
    expect(PARAMETERISED.some((c) => c.wrt === "Theta")).toBe(true);
    expect(PARAMETERISED.some((c) => (c.let ?? []).filter((l) => /\(theta\)/.test(l)).length >= 2)).toBe(true);
    expect(PARAMETERISED.some((c) => Array.isArray(c.wrt) && c.wrt.length === 4)).toBe(true);
    expect(PARAMETERISED.some((c) => Array.isArray(c.wrt) && c.wrt.length === 6)).toBe(true);
  });

  it.each(PARAMETERISED.map((c) => [c.name, c] as const))("%s", { timeout: 30_000 }, (_name, c) => {
    const results = resultsOf(c, { check: true, steps: true });
    const texts = c.text === undefined ? [] : typeof c.text === "string" ? [c.text] : c.text;
    results.forEach((r, i) => {
      // finite differences in θ along a random quadratic parameterisation (or plain ones without)
      expect(r.check, `${r.wrt.name}: ${JSON.stringify(r.check)}`).toMatchObject({ ok: true });
      expect(r.check!.relError).toBeLessThan(1e-6);
      if (texts[i] !== undefined) expect(r.derivative.text).toBe(texts[i]);
      for (const latex of latexStrings(r)) expect(() => renderKatex(latex), latex).not.toThrow();
    });
    if (c.vjp) expect(results[0]!.parameterisation?.vjp?.text).toBe(c.vjp);
    if (c.components) expect(results[0]!.parameterisation?.components?.text).toBe(c.components);
    if (c.jvp) expect(results[0]!.parameterisation?.jvp?.text).toBe(c.jvp);
  });
});

// ---------------------------------------------------------------------------
// NumPy, run by python3

interface PyCase {
  readonly name: string;
  /** Python values by name: floats, 1-D lists, 2-D lists (row-major). */
  readonly values: Record<string, number | number[] | number[][]>;
  /** Jacobians J_A with the Python shape of their parent, to build vjp_A(G). */
  readonly vjps: { readonly fn: string; readonly jacobian: string; readonly parentShape: number[]; readonly cols: number }[];
  readonly expr: string;
  /** vec (column-major) of the value matdiff computes for the same expression. */
  readonly expected: number[];
}

const pyName = (name: string) => {
  const i = name.indexOf("_");
  return (i < 0 ? name : `${name.slice(0, i)}_${name.slice(i + 1)}`).replace(/\W/g, "");
};

function pythonCases(c: ParameterisedCase): PyCase[] {
  const all = analyzeAll(c.expr, optionsOf(c));
  const results = resultsOf(c);
  return all.analyses.flatMap((a, i) => {
    const r = results[i]!;
    const expand = (e: Parameters<typeof expandDefinitions>[0]) => expandDefinitions(e, a.definitions);
    const result = expand(a.result);
    const env = sampleEnv([expand(a.f), result, a.X, ...(a.parameterisation?.nodes ?? []).flatMap((n) => [n.sym, n.parent])], { seed: 11 + i });
    const expected = evaluate(result, env);
    const values: PyCase["values"] = {};
    const syms = new Map<string, Sym>();
    for (const e of [expand(a.f), result, a.X]) {
      const visit = (x: typeof e): void => {
        if (x.kind === "sym") syms.set(x.name, x);
        E.children(x).forEach(visit);
      };
      visit(e);
    }
    for (const s of syms.values()) {
      const name = s.props.jacobianOf ? `J_${pyName(s.props.jacobianOf.of)}` : /\u0307$/.test(s.name) ? `${pyName(s.name.slice(0, -1))}_dot` : pyName(s.name);
      values[name] = pyValue(env.values.get(s.name)!);
    }
    const vjps = (a.parameterisation?.nodes ?? []).map((n) => {
      const p = env.values.get(n.parent.name)!;
      return {
        fn: `vjp_${pyName(n.sym.name)}`, jacobian: `J_${pyName(n.sym.name)}`, cols: p.rows * p.cols,
        parentShape: n.parent.shape.rows === 1 && n.parent.shape.cols === 1 ? [] : n.parent.shape.cols === 1 ? [p.rows] : [p.rows, p.cols],
      };
    });
    const base = { values, vjps, expected: [...expected.data] };
    return [
      { ...base, name: `${c.name} [${r.wrt.name}] J form`, expr: r.derivative.numpy },
      ...(r.parameterisation?.vjp ? [{ ...base, name: `${c.name} [${r.wrt.name}] VJP form`, expr: r.parameterisation.vjp.numpy }] : []),
    ];
  });
}

const PYTHON = String.raw`
import json, sys
import numpy as np
out = []
for case in json.load(sys.stdin):
    env = {"np": np}
    for k, v in case["values"].items():
        env[k] = np.array(v, dtype=float) if isinstance(v, list) else float(v)
    for f in case["vjps"]:
        J = np.asarray(env[f["jacobian"]], dtype=float).reshape(-1, f["cols"], order="F")
        shape = tuple(f["parentShape"])
        env[f["fn"]] = (lambda J, shape: lambda G: (J.T @ np.reshape(G, -1, order="F")).reshape(shape, order="F") if shape else float((J.T @ np.reshape(G, -1, order="F"))[0]))(J, shape)
    try:
        value = np.reshape(np.asarray(eval(case["expr"], env), dtype=float), -1, order="F")
        expected = np.asarray(case["expected"])
        err = float(np.linalg.norm(value - expected) / max(np.linalg.norm(expected), 1e-3)) if value.shape == expected.shape else float("inf")
        out.append({"name": case["name"], "err": err})
    except Exception as e:
        out.append({"name": case["name"], "err": float("inf"), "error": repr(e)})
print(json.dumps(out))
`;


describe("the NumPy output, run by python3", () => {
  it("evaluates every case's J form and VJP form to matdiff's own (finite-difference-checked) value", { timeout: 120_000 }, () => {
    const cases = PARAMETERISED.flatMap(pythonCases);
    expect(cases.length).toBeGreaterThanOrEqual(60);
    console.log(`NumPy: ${cases.length} expressions (J forms and VJP forms) evaluated by python3`);
    const r = spawnPython(PYTHON, JSON.stringify(cases));
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { name: string; err: number; error?: string }[];
    const bad = out.filter((o) => !(o.err < 1e-9)).map((o) => `${o.name}: ${o.error ?? o.err} — ${cases.find((c) => c.name === o.name)!.expr}`);
    expect(bad).toEqual([]);
    expect(out).toHaveLength(cases.length);
  });

  const README = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
  const pythonBlocks = [...README.matchAll(/^```python\n([\s\S]*?)^```/gm)].map((m) => m[1]!);

  it("README's worked Python example runs, and its matdiff lines are matdiff's output", async () => {
    expect(pythonBlocks.length).toBeGreaterThanOrEqual(1);
    for (const block of pythonBlocks) {
      const r = spawnPython(block, "");
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("ok");
    }
    // the lines marked as matdiff's output are what `--format numpy` prints today
    const { stdout } = await cli(["u^T A v", "--wrt", "theta", "--let", "A: matrix(theta)", "--let", "theta: vector", "--format", "numpy"]);
    const [jForm, , vjpForm] = stdout.trim().split("\n");
    const all = pythonBlocks.join("\n");
    expect(all).toContain(`= ${jForm}`);
    expect(all).toContain(`= ${vjpForm}`);
  });
});

// ---------------------------------------------------------------------------
// Clear answers where the question has none

describe("parameters nothing depends on, and circular dependencies", () => {
  it("a parameter that nothing depends on: the zero gradient, with a note", () => {
    const r = differentiate("u^T B v", { wrt: "theta", let: ["A: matrix(theta)", "theta: vector"], check: true });
    expect(r.derivative.text).toBe("0");
    expect(r.derivative.shape).toBe("p×1");
    expect(r.notes.join("\n")).toMatch(/nothing in the expression depends on θ/);
    expect(r.check?.ok).toBe(true);
  });

  it("circular dependencies are an error naming both symbols", () => {
    const call = () => differentiate("u^T A v", { wrt: "theta", let: ["A: matrix(B)", "B: matrix(A)"] });
    expect(call).toThrow(MatdiffError);
    expect(call).toThrow("circular dependency between A and B: A depends on B, B depends on A");
    expect(() => differentiate("tr(A)", { wrt: "A", let: ["A: matrix(A)"] })).toThrow("circular dependency between A");
    expect(() => differentiate("tr(A)", { wrt: "t", let: ["A: matrix(B)", "B: matrix(C)", "C: matrix(A)", "t: scalar"] }))
      .toThrow(/circular dependency between A, B and C/);
  });

  it("a long chain of declarations is answered and checked within a second (J's drawn small past a bound)", () => {
    const lets = Array.from({ length: 40 }, (_, i) => `A_${i + 1}: matrix(A_${i + 2})`);
    const t0 = performance.now();
    const r = differentiate("tr(A_1)", { wrt: "A_41", let: [...lets, "A_41: vector"], check: true });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.check).toMatchObject({ ok: true });
    expect(r.parameterisation!.jacobians).toHaveLength(40);
  });

  it("one parameter per function: matrix(theta)(phi) is refused", () => {
    expect(() => differentiate("tr(A)", { wrt: "theta", let: ["A: matrix(theta)(phi)"] })).toThrow(/a function of one parameter/);
  });

  it("a function of a --where name is refused with a hint", () => {
    expect(() => differentiate("tr(A)", { wrt: "x", let: ["A: matrix(e)"], where: ["e = x + y"] })).toThrow(/declared a function of e, which is defined by --where/);
  });

  it("several variables: no Hessian, no repeats; a library call with one string and a comma asks for the array", () => {
    expect(() => differentiateAll("x^T A x", { wrt: ["x", "A"], hessian: true })).toThrow(/--hessian takes one variable/);
    expect(() => differentiateAll("x^T A x", { wrt: "x, x" })).toThrow(/named twice/);
    expect(() => differentiate("x^T A x", { wrt: "x, A" })).toThrow(/wrt as an array/);
  });
});

// ---------------------------------------------------------------------------
// Written as lecture notes write it: A(θ) in the expression itself

describe("A(θ) written in the expression: the symbol is a function of θ, as --let \"A: matrix(theta)\" declares", () => {
  const same: readonly { readonly written: string; readonly declared: string; readonly wrt: string; readonly let: readonly string[]; readonly declare: readonly string[]; readonly where?: readonly string[] }[] = [
    { written: "x^T A(θ) x", declared: "x^T A x", wrt: "theta", let: ["theta: vector"], declare: ["A: matrix(theta)"] },
    { written: "x^T A(θ) x", declared: "x^T A x", wrt: "theta", let: [], declare: ["A: matrix(theta)"] },
    { written: "u^T A(\\theta) v", declared: "u^T A v", wrt: "theta", let: ["theta: vector"], declare: ["A: matrix(theta)"] },
    { written: "\\|A(θ) x - y\\|^2", declared: "\\|A x - y\\|^2", wrt: "theta", let: ["theta: vector"], declare: ["A: matrix(theta)"] },
    {
      written: "\\log|Σ(θ)| + (x - μ(θ))^T Σ(θ)^{-1} (x - μ(θ))", declared: "\\log|Σ| + (x - μ)^T Σ^{-1} (x - μ)",
      wrt: "theta", let: ["theta: vector"], declare: ["Sigma: matrix(theta)", "mu: vector(theta)"],
    },
    { written: "tr(A(Θ)^T B)", declared: "tr(A^T B)", wrt: "Theta", let: [], declare: ["A: matrix(Theta)"] },
    { written: "\\mathbf{x}(t)^T \\mathbf{x}(t)", declared: "x^T x", wrt: "t", let: [], declare: ["x: vector(t)"] },
    { written: "sigmoid(W(θ) x + b(θ))^T 𝟏", declared: "sigmoid(W x + b)^T 𝟏", wrt: "theta", let: ["theta: vector"], declare: ["W: matrix(theta)", "b: vector(theta)"] },
    { written: "\\|e\\|^2", declared: "\\|e\\|^2", wrt: "theta", let: ["theta: vector"], declare: ["A: matrix(theta)"], where: ["e = y - A(θ) x"] },
    // a loss of a prediction, ℓ(ŷ(w)): ℓ depends on ŷ, which depends on w (was read as the product ℓ·ŷ(w))
    { written: "\\ell(\\hat{y}(w)) + \\lambda \\|w\\|^2", declared: "\\ell + \\lambda \\|w\\|^2", wrt: "w", let: [], declare: ["ell: scalar(\\hat{y})", "\\hat{y}: vector(w)"] },
    { written: "x^T A(θ(t)) x", declared: "x^T A x", wrt: "t", let: [], declare: ["A: matrix(theta)", "theta: scalar(t)"] },
  ];
  it.each(same.map((c) => [c.written, c] as const))("%s gives what the --let declaration gives, checked", (_name, c) => {
    const written = differentiate(c.written, { wrt: c.wrt, let: [...c.let], where: c.where ? [...c.where] : [], check: true });
    const declared = differentiate(c.declared, {
      wrt: c.wrt, let: [...c.let, ...c.declare], where: c.where ? [...c.where.map((w) => w.replace("A(θ)", "A"))] : [],
    });
    expect(written.check?.ok).toBe(true);
    expect(written.derivative.text).toBe(declared.derivative.text);
    expect(written.function.text).toBe(declared.function.text);
    expect(written.notes.join("\n")).toMatch(/\(θ\) is read as|\(Θ\) is read as|\(t\) is read as|\(ŷ\) is read as/);
  });

  it("says how it read A(θ), and the convention that sized θ", () => {
    const r = differentiate("x^T A(θ) x", { wrt: "theta" });
    expect(r.derivative.text).toBe("xᵀȦx");
    expect(r.notes).toContain('A(θ) is read as A, a matrix that depends on θ (as --let "A: matrix(theta)" declares), not as a product; write A θ for the product');
    expect(r.notes.join("\n")).toMatch(/θ does not occur in the expression and is not declared, so it is read as a scalar by convention/);
  });

  it("a vector parameter gives the seed's pull-back J_A(θ)ᵀ vec(xxᵀ)", () => {
    const r = differentiate("x^T A(θ) x", { wrt: "theta", let: ["theta: vector"], check: true });
    expect(r.derivative.text).toBe("J_A(θ)ᵀ vec(xxᵀ)");
    expect(r.check?.ok).toBe(true);
  });

  it("ℓ(ŷ(w)) says both readings; A(B(x)), an uppercase Latin argument, stays a product", () => {
    const r = differentiate("\\ell(\\hat{y}(w))", { wrt: "w" });
    expect(r.function.text).toBe("ℓ");
    expect(r.derivative.text).toBe("J_ŷ(w)ᵀJ_ℓ(ŷ)ᵀ");
    expect(r.notes).toContain('ℓ(ŷ) is read as ℓ, a scalar that depends on ŷ (as --let "ell: scalar(\\hat{y})" declares), not as a product; write ℓ ŷ for the product');
    expect(r.notes).toContain('ŷ(w) is read as ŷ, a vector that depends on w (as --let "\\hat{y}: vector(w)" declares), not as a product; write ŷ w for the product');
    expect(differentiate("A(B(x))", { wrt: "x" }).function.text).toBe("AB");
  });

  it("φ, ψ and ℓ applied to an expression are refused as functions matdiff cannot see inside (were the products φ·(Wx + b), ℓ·xᵀw)", () => {
    for (const [input, letter] of [["\\phi(W x + b)^T 𝟏", "\\phi"], ["\\ell(x^T w)", "\\ell"], ["\\psi(A x)^T y", "\\psi"]] as const) {
      let err: unknown;
      try { differentiate(input, { wrt: input.includes("w") ? "w" : "x" }); } catch (e) { err = e; }
      expect(err, input).toBeInstanceOf(MatdiffError);
      expect((err as MatdiffError).message).toBe(`${letter}(…) of an expression is a function matdiff cannot see inside`);
      expect([(err as MatdiffError).start, (err as MatdiffError).end]).toEqual([0, letter.length]);
      expect((err as MatdiffError).hint).toMatch(/write its formula \(an activation as/);
    }
    // of one symbol it is a quantity that depends on it; spaced, a product, as A (θ) is
    expect(differentiate("\\theta^T \\phi(x)", { wrt: "theta" }).derivative.text).toBe("φ");
    expect(differentiate("\\ell (x^T w)", { wrt: "w" }).derivative.text).toBe("ℓx");
  });

  it("products stay products: a space before the parenthesis, an uppercase Latin factor, anything longer than one symbol", () => {
    expect(differentiate("x^T A (θ) x", { wrt: "theta" }).function.text).toBe("θxᵀAx");
    expect(differentiate("tr(A(B))", { wrt: "B" }).derivative.text).toBe("Aᵀ");
    expect(differentiate("u^T A(x + y)", { wrt: "x" }).derivative.text).toBe("Aᵀu");
    expect(differentiate("σ(z)^T 𝟏", { wrt: "z" }).function.text).toBe("σ(z)ᵀ𝟏");
  });

  it("one parameter per symbol: two, or another than --let declares, is an error naming both, with a caret", () => {
    const two = () => differentiate("tr(A(θ) + A(φ))", { wrt: "theta" });
    expect(two).toThrow(MatdiffError);
    expect(two).toThrow("A is written as a function of θ (A(θ)) and of φ (A(φ))");
    let err: unknown;
    try { differentiate("x^T A(θ) x", { wrt: "theta", let: ["A: matrix(phi)"] }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MatdiffError);
    expect((err as MatdiffError).message).toBe("A(θ) writes A as a function of θ, but --let declares it a function of φ");
    expect([(err as MatdiffError).start, (err as MatdiffError).end]).toEqual([4, 8]);
    expect(() => differentiate("x^T A(θ) x", { wrt: "theta", let: ["A: symmetric"] })).toThrow(/--let declares A without a parameter/);
    expect(() => differentiate("tr(A(e))", { wrt: "x", where: ["e = x + y"] })).toThrow(/declared a function of e, which is defined by --where/);
  });

  it("the push-forward's line brackets a Kronecker factor before J_A(θ), as its result does", () => {
    const r = differentiate("A x", { wrt: "theta", let: ["A: matrix(theta)", "theta: vector"], steps: true, check: true });
    expect(r.derivative.text).toBe("(xᵀ ⊗ I)J_A(θ)");
    const chain = r.steps!.find((s) => s.reason.startsWith("chain rule"))!;
    expect(chain.text).toBe("(xᵀ ⊗ I)J_A(θ)");
    expect(() => renderKatex(chain.latex)).not.toThrow();
    expect(r.check?.ok).toBe(true);
    const two = differentiate("A x + B x", { wrt: "t", let: ["A: matrix(t)", "B: matrix(t)", "t: vector"], steps: true, check: true });
    expect(two.steps!.find((s) => s.reason.startsWith("chain rule"))!.text).toBe("(xᵀ ⊗ I)J_A(t) + (xᵀ ⊗ I)J_B(t)");
    expect(two.check?.ok).toBe(true);
  });

  it("the command line prints the pull-back and passes --check", async () => {
    const out = await cli(["x^T A(θ) x", "--wrt", "theta", "--let", "theta: vector", "--check"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("∇_θ f = J_A(θ)ᵀ vec(xxᵀ)");
    expect(out.stdout).toMatch(/check: passed/);
  });
});

// ---------------------------------------------------------------------------
// Every parameter at once: the command line, JSON, answer keys


describe("several --wrt", () => {
  const NET = "\\|W_2 sigmoid(W_1 x + b_1) + b_2 - y\\|^2";

  it("prints one f, one df, then each gradient in the order asked; a comma list and repeated --wrt agree", async () => {
    const a = await cli([NET, "--wrt", "W_1,b_1,W_2,b_2"]);
    const b = await cli([NET, "--wrt", "W_1", "--wrt", "b_1", "--wrt", "W_2,b_2"]);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const lines = a.stdout.split("\n");
    expect(lines.filter((l) => l.startsWith("df ="))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("∇_")).map((l) => l.split(" =")[0])).toEqual(["∇_W₁ f", "∇_b₁ f", "∇_W₂ f", "∇_b₂ f"]);
    // one differential carries every parameter
    for (const d of ["dW₁", "db₁", "dW₂", "db₂"]) expect(lines.find((l) => l.startsWith("df ="))).toContain(d);
  });

  it("JSON: one object with the results as a list; a single --wrt keeps its object shape", async () => {
    const several = JSON.parse((await cli([NET, "--wrt", "W_1,b_2", "--format", "json"])).stdout);
    expect(several).toMatchObject({ ok: true, kind: "several" });
    expect(several.results.map((r: { wrt: { name: string }; kind: string }) => [r.wrt.name, r.kind])).toEqual([["W_1", "gradient"], ["b_2", "gradient"]]);
    const single = JSON.parse((await cli([NET, "--wrt", "W_1", "--format", "json"])).stdout);
    expect(single).toMatchObject({ ok: true, kind: "gradient", wrt: { name: "W_1" } });
    expect(single.results).toBeUndefined();
    expect(single.derivative.text).toBe(several.results[0].derivative.text);
  });

  it("--check checks every gradient and --format numpy names each", async () => {
    const c = await cli([NET, "--wrt", "W_1,b_1,W_2,b_2", "--check"]);
    expect(c.code).toBe(0);
    expect(c.stdout.match(/^check .*: passed/gm)).toHaveLength(4);
    const n = await cli([NET, "--wrt", "W_1,b_1", "--format", "numpy"]);
    expect(n.stdout.split("\n").filter(Boolean).map((l) => l.split(" = ")[0])).toEqual(["c_1", "c_2", "grad_W_1", "grad_b_1"]);
  });

  it("names the shared subexpressions once, in computable order: written back, each result is the full one", () => {
    for (const c of PARAMETERISED.filter((x) => Array.isArray(x.wrt))) {
      const all = analyzeAll(c.expr, optionsOf(c));
      const names = new Set(all.analyses[0]!.symbols.keys());
      const common = commonSubexpressions(all.analyses.map((a) => a.result), names);
      if (!common) continue;
      const defs = new Map<Sym, Expr>();
      common.definitions.forEach((d, i) => {
        // each body uses only the names before it
        for (const later of common.definitions.slice(i)) expect(E.contains(d.body, (x) => x === later.sym)).toBe(false);
        expect(names.has(d.sym.name)).toBe(false);
        defs.set(d.sym, E.mapBottomUp(d.body, (x) => (x.kind === "sym" && defs.has(x) ? defs.get(x)! : x)));
      });
      common.results.forEach((r, i) => {
        expect(E.mapBottomUp(r, (x) => (x.kind === "sym" && defs.has(x) ? defs.get(x)! : x))).toBe(all.analyses[i]!.result);
      });
    }
    const net = differentiateAll("\\|W_3 sigmoid(W_2 sigmoid(W_1 x + b_1) + b_2) + b_3 - y\\|^2", { wrt: "W_1,b_1,W_2,b_2,W_3,b_3" });
    expect(net.common!.definitions.map((d) => `${d.name.text} = ${d.text}`)).toEqual([
      "c₁ = σ(W₁ x + b₁)", "c₂ = σ(W₂ c₁ + b₂)", "c₃ = W₃ c₂ + b₃ − y", "c₄ = W₃ᵀc₃ ⊙ c₂ ⊙ (𝟏 − c₂)", "c₅ = W₂ᵀc₄ ⊙ c₁ ⊙ (𝟏 − c₁)",
    ]);
    expect(net.common!.results.map((r) => r.text)).toEqual(["2c₅ xᵀ", "2c₅", "2c₄ c₁ᵀ", "2c₄", "2c₃ c₂ᵀ", "2c₃"]);
    // a user's c_1 keeps its name: the shared ones take another letter
    const taken = differentiateAll("\\|W_2 sigmoid(W_1 c_1 + b_1) - y\\|^2", { wrt: ["W_1", "b_1"] });
    expect(taken.common!.definitions[0]!.name.text).toMatch(/^z/);
  });

  it("the NumPy backward pass (shared names first) runs in python3 and gives the full forms' values", () => {
    const NET3 = "\\|W_3 tanh(W_2 sigmoid(W_1 x + b_1) + b_2) + b_3 - y\\|^2";
    const wrt = ["W_1", "b_1", "W_2", "b_2", "W_3", "b_3"];
    const r = differentiateAll(NET3, { wrt });
    const all = analyzeAll(NET3, { wrt });
    const env = sampleEnv(all.analyses.map((a) => a.result), { seed: 5 });
    const values = Object.fromEntries([...env.values].filter(([k]) => all.analyses[0]!.symbols.has(k)).map(([k, m]) => [k, pyValue(m)]));
    const script = `import json, sys\nimport numpy as np\nv = json.load(sys.stdin)\nfor key_, val_ in v.items(): globals()[key_] = np.array(val_, dtype=float) if isinstance(val_, list) else float(val_)\n`
      + r.common!.definitions.map((d) => `${d.name.numpy} = ${d.numpy}\n`).join("")
      + `print(json.dumps([np.reshape(np.asarray(g, dtype=float), -1, order="F").tolist() for g in [${r.common!.results.map((x) => x.numpy).join(", ")}]]))\n`;
    const out = spawnPython(script, JSON.stringify(values));
    expect(out.stderr).toBe("");
    const got = JSON.parse(out.stdout) as number[][];
    all.analyses.forEach((a, i) => {
      const want = evaluate(a.result, env).data;
      const err = Math.hypot(...got[i]!.map((x, j) => x - want[j]!)) / Math.max(Math.hypot(...want), 1e-3);
      expect(err, a.X.name).toBeLessThan(1e-10);
    });
  });

  it("--format latex is one aligned block that renders", async () => {
    const l = await cli([NET, "--wrt", "W_1,b_1,W_2,b_2", "--format", "latex"]);
    expect(() => renderKatex(l.stdout)).not.toThrow();
  });

  it("a function and its parameter asked for together: df is written once, in dA (not counted twice)", () => {
    const r = differentiateAll("u^T A v", { wrt: ["A", "theta"], let: ["A: matrix(theta)", "theta: vector"] });
    expect(r.differential.text).toBe("uᵀ dA v");
    expect(r.results.map((x) => x.derivative.text)).toEqual(["uvᵀ", "J_A(θ)ᵀ vec(uvᵀ)"]);
    expect(r.common).toBeUndefined(); // uvᵀ is too small to name
  });

  it("answer keys take a list of variables: one entry each, all checked", () => {
    const set = readProblemSet(`- title: two-layer net\n  expr: '${NET}'\n  wrt: [W_1, b_1, W_2, b_2]\n- expr: u^T A v\n  wrt: theta, A\n  let: ['A: matrix(theta)', 'theta: vector']\n`, "set.yaml");
    expect(set.errors).toEqual([]);
    const key = solveProblems(set, "set.yaml");
    expect(key.entries.map((e) => [e.problem.wrt, e.ok])).toEqual([
      ["W_1", true], ["b_1", true], ["W_2", true], ["b_2", true], ["theta", true], ["A", true],
    ]);
    expect(key.entries[0]!.problem.title).toBe("two-layer net (W₁)");
  });
});

// ---------------------------------------------------------------------------
// No internal error for any shape of parameter

describe("property: random expressions with opaque dependencies", () => {
  const SHAPES = ["phi: scalar", "phi: vector", "phi: vector q", "phi: q x r", "phi: n x n"];

  it("never fail with an internal error, and agree with finite differences whenever they answer", { timeout: 120_000 }, () => {
    let answered = 0;
    fc.assert(fc.property(problem({ maxDepth: 3 }), fc.nat({ max: SHAPES.length - 1 }), fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), fc.boolean(), (p, shape, picks, chain) => {
      // some declared symbols become opaque functions of φ; with `chain`, one of them a function of another
      const lets = p.let.map((l, i) => (picks[i] ? `${l} (phi)` : l));
      const dependent = lets.map((l, i) => [l, i] as const).filter(([l]) => l.endsWith("(phi)"));
      if (chain && dependent.length >= 2) {
        const [first] = dependent[0]!;
        const [, j] = dependent[1]!;
        lets[j] = lets[j]!.replace("(phi)", `(${first.split(":")[0]!.trim()})`);
      }
      try {
        const r = differentiate(p.expr, { wrt: "phi", let: [...lets, SHAPES[shape]!], where: p.where, check: true, steps: true });
        answered++;
        if (!r.check!.inconclusive) expect(r.check, `${p.expr} ${lets.join("; ")} ${SHAPES[shape]}`).toMatchObject({ ok: true });
        for (const latex of latexStrings(r)) renderKatex(latex);
      } catch (err) {
        if (!(err instanceof MatdiffError)) throw new Error(`${p.expr} --let ${lets.join(" --let ")} --let ${SHAPES[shape]}: ${(err as Error).stack}`);
      }
    }), { numRuns: 150, seed: 11 });
    console.log(`opaque dependencies: ${answered} of 150 random problems answered and checked, the rest clear MatdiffErrors`);
    expect(answered).toBeGreaterThan(100);
  });
});

describe("property: every variable at once gives what each gives alone", () => {
  it("the same result for each variable as a single --wrt, checked", { timeout: 120_000 }, () => {
    let compared = 0;
    fc.assert(fc.property(problem({ maxDepth: 3 }), (p) => {
      const names = p.let.map((l) => l.split(":")[0]!.trim());
      let all;
      try {
        all = differentiateAll(p.expr, { wrt: names, let: p.let, where: p.where, check: true });
      } catch (err) {
        if (!(err instanceof MatdiffError)) throw err;
        return;
      }
      all.results.forEach((r, i) => {
        if (!r.check!.inconclusive) expect(r.check, `${p.expr} wrt ${names[i]}`).toMatchObject({ ok: true });
        expect(r.derivative.text, `${p.expr} wrt ${names[i]}`).toBe(differentiate(p.expr, { wrt: names[i]!, let: p.let, where: p.where }).derivative.text);
        compared++;
      });
    }), { numRuns: 100, seed: 11 });
    expect(compared).toBeGreaterThan(150);
  });
});

