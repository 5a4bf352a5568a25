/**
 * Accented names — ŷ, x̄, W̃, θ̂ — are symbols of their own, as statisticians and ML papers use them (the prediction
 * ŷ beside the label y, the mean x̄ beside x). Every spelling reads as one symbol, every format spells it, and the
 * printed forms read back.
 */
import { describe, expect, it } from "vitest";
import { differentiate } from "../src/api.js";
import { parse, formatTree } from "../src/syntax/parse.js";
import { MatdiffError } from "../src/errors.js";
import { ACCENTS, PRECOMPOSED_ACCENTED } from "../src/syntax/names.js";
import { renderKatex } from "./support/katex.js";
import { spawnPython } from "./support/python.js";

const tree = (s: string) => formatTree(parse(s));

describe("spellings of an accented name", () => {
  it.each([
    ["\\hat{y}", "y\u0302"], ["\\widehat{y}", "y\u0302"], ["\\hat y", "y\u0302"], ["ŷ", "y\u0302"], ["y\u0302", "y\u0302"],
    ["\\hat{y}_i", "y\u0302_i"], ["\\hat{y_i}", "y\u0302_i"], ["\\bar{x}", "x\u0304"], ["\\overline{x}", "x\u0304"], ["x̄", "x\u0304"],
    ["\\tilde{W}", "W\u0303"], ["\\widetilde{W}", "W\u0303"], ["\\hat{\\theta}", "theta\u0302"], ["θ̂", "theta\u0302"],
    ["\\hat{\\mathbf{y}}", "y\u0302"], ["\\mathbf{\\hat{y}}", "y\u0302"],
  ])("%s is the one symbol %s", (input, name) => expect(tree(input)).toBe(name));

  it("the precomposed letters the lexer knows are exactly those Unicode composes from a Latin letter and one of the accents", () => {
    const derived = Array.from({ length: 0x1f00 - 0xc0 }, (_, k) => String.fromCharCode(0xc0 + k)).filter((c) => {
      const d = c.normalize("NFD");
      return d.length === 2 && /^[A-Za-z]$/.test(d[0]!) && ACCENTS.some((a) => a.mark === d[1]);
    });
    expect(PRECOMPOSED_ACCENTED).toBe(derived.join(""));
    for (const c of PRECOMPOSED_ACCENTED) expect(tree(c)).toBe(c.normalize("NFD"));
  });

  it("an accented name is another symbol than its letter", () => {
    expect(tree("\\hat{y} - y")).toBe("(- y\u0302 y)");
  });

  it("a stray mark or an accent on 𝟏 is an error with a caret", () => {
    for (const bad of [" \u0302x", "\\hat{\\mathbf{1}}"]) {
      expect(() => parse(bad)).toThrow(MatdiffError);
    }
  });
});

describe("accented names in every format", () => {
  it("‖ŷ − y‖² wrt ŷ: text, LaTeX (KaTeX renders it), NumPy (runs), index form, and --check", () => {
    const r = differentiate("\\|\\hat{y} - y\\|^2", { wrt: "\\hat{y}", check: true });
    expect(r.check?.ok).toBe(true);
    expect(r.derivative.text).toBe("2(ŷ − y)");
    expect(r.label.text).toBe("∇_ŷ f");
    expect(r.derivative.latex).toBe("2 (\\hat{y} - y)");
    expect(() => renderKatex(`${r.label.latex} = ${r.derivative.latex}`)).not.toThrow();
    expect(r.derivative.numpy).toBe("2 * (y_hat - y)");
    const run = spawnPython(`import numpy as np\ny_hat = np.array([1.0, 2.0]); y = np.array([0.5, 0.5])\nprint(${r.derivative.numpy})`);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("[1. 3.]");
    expect(r.derivative.index?.text).toBe("∂f/∂ŷ_i = 2 ŷ_i − 2 y_i");
    expect(r.derivative.einsum).toBe('2 * np.einsum("i->i", y_hat) - 2 * np.einsum("i->i", y)');
    expect(differentiate("\\hat{y}^T W x", { wrt: "W" }).derivative.torch).toBe("torch.outer(y_hat, x)");
  });

  it("θ̂ is a scalar by its letter, Ŝ a matrix, x̄ a vector; hints spell the name as it is typed", () => {
    const r = differentiate("\\hat{\\theta} \\bar{x}^T \\hat{S} \\bar{x}", { wrt: "\\bar{x}" });
    expect(r.shapes["theta\u0302"]).toBe("1×1");
    expect(r.shapes["S\u0302"]).toBe("n×n");
    expect(r.derivative.text).toBe("θ̂(Ŝ + Ŝᵀ)x̄");
    const v = differentiate("\\hat{\\theta}^T \\hat{\\theta}", { wrt: "\\hat{theta}" });
    expect(v.notes.join("\n")).toContain('--let "\\hat{theta}: vector" states this reading');
    expect(differentiate("\\hat{\\theta}^T \\hat{\\theta}", { wrt: "\\hat{theta}", let: ["\\hat{theta}: vector"] }).notes).toEqual([]);
  });

  it("printed text reads back: the derivative of the printed f is the same", () => {
    const r = differentiate("-y^T \\log(\\hat{y}) + \\|\\bar{x} - x\\|^2 \\tilde{W}_1", { wrt: "\\hat{y}", let: ["\\tilde{W}_1: scalar"] });
    const again = differentiate(r.function.text, { wrt: "ŷ", let: ["\\tilde{W}_1: scalar"] });
    expect(again.derivative.text).toBe(r.derivative.text);
    expect(r.derivative.text).toBe("−y ⊘ ŷ");
  });
});

describe("a probability under log(1 − ·) is drawn in (0, 1) by --check", () => {
  it("binary cross-entropy in ŷ: checked, not inconclusive", () => {
    const r = differentiate("y^T \\log(\\hat{y}) + (1-y)^T \\log(1-\\hat{y})", { wrt: "\\hat{y}", check: true });
    expect(r.derivative.text).toBe("y ⊘ ŷ − (𝟏 − y) ⊘ (𝟏 − ŷ)");
    expect(r.check).toMatchObject({ ok: true });
    expect(r.check?.inconclusive).toBeFalsy();
    expect(differentiate("\\log(1 - p)", { wrt: "p", check: true }).check).toMatchObject({ ok: true });
  });
});

describe("layer and sample labels in a superscript: W^{[1]}, x^{(i)}", () => {
  it.each([
    ["W^{[1]}", "W^[1]"], ["W^[1]", "W^[1]"], ["a^{[l]}", "a^[l]"], ["x^{(i)}", "x^(i)"], ["x^(i)", "x^(i)"],
    ["W^{[1]T}", "(T W^[1])"], ["W^{[1]\\top} x", "(* (T W^[1]) x)"], ["W^{[1]}^T", "(T W^[1])"],
    // a subscript and a label together, in either order: one name, the label with the letter
    ["x_i^{(k)}", "x^(k)_i"], ["x^{(k)}_i", "x^(k)_i"], ["x^(k)_i", "x^(k)_i"], ["x_i^{(k)T}", "(T x^(k)_i)"], ["W_1^{[2]}", "W^[2]_1"], ["x^{(k)}_2", "x^(k)_2"],
  ])("%s reads as %s", (input, tree) => expect(formatTree(parse(input))).toBe(tree));

  it("x_i^{(k)}: a subscripted sample label in every format, read back from text, checked", () => {
    const r = differentiate("x_i^{(k)T} A x_i^{(k)}", { wrt: "x_i^{(k)}", check: true });
    expect(r.check?.ok).toBe(true);
    expect(r.derivative.text).toBe("(A + Aᵀ)x^(k)_i");
    expect(r.derivative.latex).toBe("(A + A^{\\top}) {x^{(k)}}_{i}");
    expect(r.derivative.numpy).toBe("(A + A.T) @ x_k_i");
    expect(() => renderKatex(`${r.label.latex} = ${r.derivative.latex}`)).not.toThrow();
    expect(differentiate(r.function.text, { wrt: "x^(k)_i" }).derivative.text).toBe(r.derivative.text);
  });

  it("a two-layer network in course notation: each layer's gradient, checked, in every format", () => {
    const loss = "\\|W^{[2]} σ(W^{[1]} x + b^{[1]}) + b^{[2]} - y\\|^2";
    const r = differentiate(loss, { wrt: "W^{[1]}", check: true });
    expect(r.check?.ok).toBe(true);
    expect(r.label.text).toBe("∇_W^[1] f");
    expect(() => renderKatex(`${r.label.latex} = ${r.derivative.latex}`)).not.toThrow();
    expect(r.derivative.latex).toContain("{W^{[2]}}^{\\top}");
    expect(r.derivative.numpy).toContain("W2.T");
    const again = differentiate(r.function.text, { wrt: "W^[1]" });
    expect(again.derivative.text).toBe(r.derivative.text);
    const b = differentiate(loss, { wrt: "b^{[2]}", check: true });
    expect(b.derivative.text).toBe("2(W^[2]σ(W^[1]x + b^[1]) + b^[2] − y)");
    expect(b.check?.ok).toBe(true);
  });

  it("x^{(i)ᵀ} W x^{(i)}: the sample label in text, LaTeX and Python", () => {
    const r = differentiate("x^{(i)T} W x^{(i)}", { wrt: "W" });
    expect(r.derivative.text).toBe("x^(i)x^(i)ᵀ");
    expect(r.derivative.latex).toBe("{x^{(i)}} {x^{(i)}}^{\\top}");
    expect(r.derivative.numpy).toBe("np.outer(x_i, x_i)");
  });
});

describe("the plugins name labelled and accented symbols in LaTeX", () => {
  it("nameLatex: W^[1], ŷ, θ̂_i", async () => {
    const { nameLatex } = await import("../src/plugins/present.js");
    expect(nameLatex("W^[1]")).toBe("{W^{[1]}}");
    expect(nameLatex("y\u0302")).toBe("\\hat{y}");
    expect(nameLatex("theta\u0302_i")).toBe("\\hat{\\theta}_{i}");
    for (const n of ["W^[1]", "y\u0302", "theta\u0302_i", "x^(i)"]) expect(() => renderKatex(`${nameLatex(n)} \\in \\mathbb{R}^{n}`)).not.toThrow();
  });
});
