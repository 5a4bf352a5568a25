/**
 * Answer keys (matdiff key): problem files in YAML and Markdown, every
 * problem present with its verification stamp, failures reported with their
 * place in the file, the committed example key kept fresh, and the HTML key
 * opened in headless Chromium: no KaTeX error, no network request.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { readProblemSet } from "../src/key/problems.js";
import { solveProblems, renderMarkdown, renderTex, renderJson, renderHtml, keyDocument, KeyWriter, ENTRY_NUMBER, type KeyFormat, type RenderedEntry } from "../src/key/key.js";
import { inlinedKatexCss } from "../src/cli/key.js";
import { runCli as cli } from "./support/cli.js";
import { renderKatex } from "./support/pipeline.js";
import { latexText } from "../src/print/latex-text.js";
import { launchChromium } from "./support/browser.js";

const EXAMPLES = readFileSync("examples/problems.yaml", "utf8");
const ARTIFACTS = "test-artifacts";


/** Display math in Markdown: every $$…$$ block. */
const displayMath = (md: string) => [...md.matchAll(/\$\$([\s\S]+?)\$\$/g)].map((m) => m[1]!);

describe("problem files", () => {
  it("reads the YAML form with titles, let/where maps and positions", () => {
    const set = readProblemSet(EXAMPLES, "problems.yaml");
    expect(set.errors).toEqual([]);
    expect(set.title).toBe("Matrix calculus — worked answer key");
    expect(set.problems.length).toBe(13);
    const ls = set.problems[0]!;
    expect(ls).toMatchObject({ title: "Least squares", expr: "\\|y - \\Phi \\theta\\|^2", wrt: "theta", let: ["theta: vector"] });
    expect(ls.location.line).toBe(5);
    expect(set.problems[10]!.where).toEqual(["h = sigmoid(W_1 x)"]);
    expect(set.problems[12]!.hessian).toBe(true);
  });

  it("reads the Markdown form: one problem per heading, prose as its text", () => {
    const md = ["# Homework 3", "", "## Least squares", "Minimise the residual.", "", "```matdiff", "\\|y - Phi theta\\|^2 wrt theta", "let theta: vector", "```", "",
      "## Determinant", "```matdiff steps", "det(X) wrt X", "```"].join("\n");
    const set = readProblemSet(md, "hw.md");
    expect(set.title).toBe("Homework 3");
    expect(set.problems.map((p) => [p.title, p.text, p.expr, p.wrt, p.location.line])).toEqual([
      ["Least squares", "Minimise the residual.", "\\|y - Phi theta\\|^2", "theta", 3],
      ["Determinant", undefined, "det(X)", "X", 11],
    ]);
  });

  it("reports unreadable problems with their line, never dropping them", () => {
    const set = readProblemSet("- expr: tr(A)\n- wrt: X\n  colour: red\n", "bad.yaml");
    expect(set.problems).toEqual([]);
    expect(set.errors.map((e) => `${e.location.line}: ${e.message}`)).toEqual([
      "1: the problem has no 'wrt'",
      "3: unknown key 'colour' (known: title, text, expr, wrt, let, where, hessian, symmetric)",
      "2: the problem has no 'expr'",
    ]);
  });
});

describe("answer keys", () => {
  const key = solveProblems(readProblemSet(EXAMPLES, "examples/problems.yaml"), "examples/problems.yaml");

  it("solves and verifies every example problem", () => {
    expect(key.entries.every((e) => e.ok)).toBe(true);
    for (const e of key.entries) if (e.ok) expect(e.result.check?.ok).toBe(true);
  });

  it("Markdown: every problem, its answer, derivation and stamp; all math renders in KaTeX", () => {
    const md = renderMarkdown(key);
    for (const e of key.entries) expect(md).toContain(e.problem.title!);
    expect(md.match(/✓ verified: relative error/g)?.length).toBe(13);
    // "(3 points)" read like marks: the stamp says what the points are
    expect(md.match(/against central finite differences(?: of f and of its gradient)? at 3 random points\n/g)?.length).toBe(13);
    expect(md).toContain("$$\\nabla_{\\theta} f = -2 \\Phi^{\\top} (y - \\Phi \\theta)$$");
    for (const m of displayMath(md)) expect(() => renderKatex(m), m).not.toThrow();
  });

  it("offers each answer's PyTorch form beside the NumPy one, in Markdown, HTML and LaTeX", () => {
    const md = renderMarkdown(key);
    expect(md.match(/\*NumPy:\*\n\n```python\n/g)?.length).toBe(13);
    expect(md.match(/\*PyTorch:\*\n\n```python\n/g)?.length).toBe(13);
    expect(md).toContain("*PyTorch:*\n\n```python\n-2 * Phi.T @ (y - Phi @ theta)\n```");
    const html = renderHtml(key, { katexCss: "" });
    expect(html.match(/<div class="code-head">PyTorch<\/div>/g)?.length).toBe(13);
    expect(renderTex(key).match(/\\emph\{PyTorch:\}\n\\begin\{verbatim\}/g)?.length).toBe(13);
  });

  it("LaTeX: a complete amsmath document whose math renders", () => {
    const tex = renderTex(key);
    expect(tex.startsWith("\\documentclass")).toBe(true);
    expect(tex).toContain("\\usepackage{amsmath,amssymb}");
    expect(tex.trim().endsWith("\\end{document}")).toBe(true);
    for (const m of tex.matchAll(/\\\[([\s\S]+?)\\\]/g)) expect(() => renderKatex(m[1]!), m[1]).not.toThrow();
    // plain ASCII throughout, so pdflatex needs no extra packages; Greek and symbols are commands, not dropped
    expect(tex).toMatch(/^[\x00-\x7F]*$/);
    expect(tex).toContain("e = y $-$ $\\Phi\\theta$.");
  });

  it("JSON: one object per problem with its result", () => {
    const json = JSON.parse(renderJson(key));
    expect(json.problems).toHaveLength(13);
    expect(json.problems[0].result.derivative.text).toBe("−2Φᵀ(y − Φθ)");
  });

  it("the committed example key names each result by its kind: §13's answer is the Hessian ∇²_x f = 2AᵀA", () => {
    const committed = readFileSync("examples/answer-key.md", "utf8");
    const sections = committed.split(/^## /m).slice(1);
    const problems = readProblemSet(EXAMPLES, "examples/problems.yaml").problems;
    expect(sections).toHaveLength(problems.length);
    sections.forEach((section, i) => {
      const answer = /\*\*Answer: the (\w+)\.\*\*\n\n\$\$(.+) = (.+)\$\$/.exec(section);
      expect(answer, section).not.toBeNull();
      const [, noun, label, value] = answer!;
      // the derivation ends at the same name and the same value
      expect(section, `§${i + 1}`).toContain(`\\Rightarrow\\mkern5mu ${label} &= ${value}`);
      if (problems[i]!.hessian) {
        expect(noun).toBe("Hessian");
        expect(label).toMatch(/^\\nabla\^\{2\}_\{/);
        expect(section).toContain("**Derivation of the Hessian.**");
      } else if (noun === "Jacobian") {
        expect(label).toMatch(/^\\frac\{\\partial /);
      } else {
        expect(noun).toBe("gradient");
        expect(label).toMatch(/^\\nabla_\{/);
      }
    });
    const s13 = sections[12]!;
    expect(s13).toContain("$$\\nabla^{2}_{x} f = 2 A^{\\top} A$$");
    expect(s13).toContain("\\nabla_{x} f &= 2 A^{\\top} (A x - b)"); // the gradient, named as one, on the way
    expect(s13).not.toContain("$$\\nabla_{x} f = 2 A^{\\top} A$$");
  });

  it("tells a YAML author the YAML spelling, a Markdown author the block's", () => {
    const yamlKey = solveProblems(readProblemSet("- expr: \\|y - Phi theta\\|^2\n  wrt: theta\n", "p.yaml"), "p.yaml");
    expect(renderMarkdown(yamlKey)).toContain("let: { theta: vector } states this reading");
    expect(renderMarkdown(yamlKey)).not.toContain("--let");
    const mdKey = solveProblems(readProblemSet("## A\n```matdiff\n\\|y - Phi theta\\|^2 wrt theta\n```\n", "p.md"), "p.md");
    expect(renderMarkdown(mdKey)).toContain("let theta: vector states this reading");
    const failing = solveProblems(readProblemSet("- expr: x^T S x\n  wrt: x\n  let: { S: symmetric }\n  hessian: true\n  symmetric: cookbook\n", "p.yaml"), "p.yaml");
    expect(JSON.stringify(failing.entries)).not.toMatch(/--(let|where|symmetric|hessian)/);
  });

  it("the committed example key is what the script generates (so it never goes stale)", () => {
    const committed = readFileSync("examples/answer-key.md", "utf8");
    // the relative errors' digits are floating-point noise; everything else must match
    const mask = (s: string) => s.replace(/relative error [0-9.e+-]+/g, "relative error …").replace(/matdiff \d+\.\d+\.\d+/, "matdiff x");
    expect(mask(committed)).toBe(mask(renderMarkdown(key)));
  });
});

describe("the ML gallery (examples/ml.yaml)", () => {
  const source = readFileSync("examples/ml.yaml", "utf8");
  const key = solveProblems(readProblemSet(source, "examples/ml.yaml"), "examples/ml.yaml");

  it("solves every problem and verifies each against finite differences", () => {
    expect(key.entries).toHaveLength(37);
    for (const e of key.entries) {
      expect(e.ok, e.problem.title).toBe(true);
      if (e.ok) expect(e.result.check?.ok, e.problem.title).toBe(true);
    }
  });

  it("gives the closed forms of issue 12", () => {
    const answer = (title: string) => key.entries.find((e) => e.problem.title === title)!;
    const text = (title: string) => { const e = answer(title); return e.ok ? e.result.derivative.text : e.failure.message; };
    expect(text("Softmax regression")).toBe("((𝟏ᵀy) softmax(Wx) − y)xᵀ");
    expect(text("Softmax regression, one-hot target")).toBe("(softmax(Wx) − y)xᵀ");
    expect(text("Log-sum-exp")).toBe("Aᵀ softmax(Ax)");
    expect(text("Logistic regression")).toBe("Xᵀ(σ(Xw) − y)");
    // σ spelled 1/(1 + e^{−z}) as NumPy code has it, and np.mean
    expect(text("Logistic regression, written out")).toBe("Xᵀ(σ(Xw) − y)");
    expect(text("Mean squared error")).toBe("2Xᵀ(Xw − y)/n");
    expect(text("Two-layer network with ReLU, first layer")).toBe("2(W₂ᵀ(W₂ relu(W₁ x) − y) ⊙ heaviside(W₁ x))xᵀ");
    // erf′ = (2/√π) e^{−t²} (DLMF 7.10.1), π the number
    expect(text("Probit regression")).toBe("2Xᵀ(y ⊙ exp(−(Xw)∘²))/sqrt(π)");
    // written as the textbooks write them: s_y beside Σⱼ, 𝒩(x; μ, Σ), Σᵢ over samples, the hinge
    expect(text("Softmax classifier, as written")).toBe("(softmax(s) − y)xᵀ");
    expect(text("Gaussian log-likelihood, mean")).toBe("Σ⁻¹(x − μ)");
    expect(text("Gaussian maximum likelihood, covariance")).toBe("(Σ⁻¹(X − 𝟏μᵀ)ᵀ(X − 𝟏μᵀ)Σ⁻¹ − NΣ⁻¹)/2");
    expect(text("Support vector machine, primal")).toBe("w − CXᵀ(y ⊙ heaviside(𝟏 − y ⊙ Xw))");
    expect(text("Attention scores")).toBe("(diag(softmax(Kᵀq/sqrt(d))) − softmax(Kᵀq/sqrt(d)) softmax(Kᵀq/sqrt(d))ᵀ)Kᵀ/sqrt(d)");
    // Φ, the variance, k-means and an RBF kernel as the texts write them
    expect(text("Probit regression, the likelihood as written")).toBe("Xᵀ(exp(−(Xβ)∘²/2) ⊙ (y ⊘ Φ(Xβ) − (𝟏 − y) ⊘ (𝟏 − Φ(Xβ))))/sqrt(2π)");
    expect(text("Gaussian maximum likelihood, variance")).toBe("(‖y − Xβ‖²/σ⁴ − n/σ²)/2");
    expect(text("k-means, the centres")).toBe("2 diag(Rᵀ𝟏)M − 2RᵀX");
    expect(text("Kernel SVM, the dual with an RBF kernel")).toMatch(/^𝟏 − y ⊙ exp\(−γ\(.*\)\)\(α ⊙ y\)$/);
    // the course's x^{(i)}, the bias in a margin, an estimate's shape, a layer's rows
    expect(text("Linear regression, the course's notation")).toBe("Xᵀ(Xθ − y)/m");
    expect(text("Logistic regression with a bias")).toBe("−yᵀσ(−y ⊙ (Xw + b𝟏))");
    expect(text("Binary cross-entropy, one prediction")).toBe("(1 − y)/(1 − ŷ) − y/ŷ");
    expect(text("One layer, squared error over the samples")).toBe("−2(σ(XWᵀ + 𝟏bᵀ) ⊙ (𝟏 − σ(XWᵀ + 𝟏bᵀ)) ⊙ (Y − σ(XWᵀ + 𝟏bᵀ)))ᵀX");
    // index notation's inner sum as an entry of a product; the softmax written out read as softmax
    expect(text("Least squares in index notation")).toBe("−Xᵀ(y − Xβ)");
    expect(text("Cross-entropy with the softmax written out")).toBe("(𝟏ᵀy) softmax(z) − y");
    // a Gram entry in a double sum, an entry's definition after f, ⊙ as the sign of arrays
    expect(text("Matrix factorisation, entry by entry with weight decay")).toBe("2λU − 2(Y − UVᵀ)V");
    expect(text("Poisson regression, as a statistician writes it")).toBe("Xᵀ(y − exp(Xβ))");
    expect(text("Layer normalisation's gain")).toBe("diag(x − μ)/σ");
  });

  it("the committed key is what the script generates (so it never goes stale)", () => {
    const committed = readFileSync("examples/ml-answer-key.md", "utf8");
    const mask = (s: string) => s.replace(/relative error [0-9.e+-]+/g, "relative error …").replace(/matdiff \d+\.\d+\.\d+/, "matdiff x");
    expect(mask(committed)).toBe(mask(renderMarkdown(key)));
  });
});

// the command writes a key a section at a time (src/cli/spool.ts); it must be the document keyDocument makes
describe("a key written a section at a time (KeyWriter)", () => {
  const frame = { title: "T", intro: "Intro", unreadable: [{ message: "bad", location: { line: 3, column: 1 } }], fileName: "p.yaml" };
  const entry = (section: string, ok = true): RenderedEntry => ({ ok, section });
  const sets: Record<string, RenderedEntry[]> = {
    none: [],
    one: [entry(`## ${ENTRY_NUMBER}. One\n\ntext\n`)],
    // trailing blank lines, a section all whitespace, a failure, a number used twice in one section
    several: [entry(`## ${ENTRY_NUMBER}. A\n\n`), entry(" \n\t\n"), entry(`## ${ENTRY_NUMBER}. B (${ENTRY_NUMBER})\n`, false), entry("last  \n\n")],
    blank: [entry("\n"), entry("  ")],
  };
  for (const format of ["md", "tex", "html"] as KeyFormat[]) {
    it.each(Object.keys(sets))(`${format}: %s`, (name) => {
      const entries = sets[name]!;
      const writer = new KeyWriter(format, frame);
      const body = entries.map((e) => writer.section(e)).join("");
      const { head, tail } = writer.end("css");
      const counts = { entries: entries.length, ok: entries.filter((e) => e.ok).length, unreadable: 1 };
      const sections = entries.map((e, i) => e.section.split(ENTRY_NUMBER).join(String(i + 1)));
      expect(head + body + tail).toBe(keyDocument(format, frame, counts, sections, "css"));
    });
  }
});

describe("matdiff key on the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "matdiff-key-"));

  it("writes the key and says how many problems were verified", async () => {
    const out = join(dir, "key.md");
    const r = await cli(["key", "examples/problems.yaml", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`matdiff key: 13 of 13 problems solved and verified → ${out}\n`);
    expect(readFileSync(out, "utf8")).toContain("# Matrix calculus — worked answer key");
  });

  it("a failing problem is in the key and on stderr with file:line:col, and the exit code is 1", async () => {
    const file = join(dir, "broken.yaml");
    writeFileSync(file, ["- title: Fine", "  expr: det(X)", "  wrt: X", "- title: Broken", "  expr: tr(A B", "  wrt: A", "- title: Mismatch", "  expr: A x + y", "  wrt: x", "  let: { A: m x n, y: p }", ""].join("\n"));
    const r = await cli(["key", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe([
      `${file}:5:11: error: unclosed '(' opened at 1:3`,
      `${file}:8:9: error: dimension mismatch in A x + y at 1:5: m×1 + p×1`,
      "",
    ].join("\n"));
    expect(r.stdout).toContain("## 1. Fine");
    expect(r.stdout).toContain("> **Failed** (line 5): unclosed '(' opened at 1:3");
    expect(r.stdout).toContain("## 3. Mismatch");
  });

  it("refuses a missing file and a bad format on the command line (exit 2)", async () => {
    expect((await cli(["key", join(dir, "nope.yaml")])).code).toBe(2);
    expect((await cli(["key", "examples/problems.yaml", "--format", "docx"])).code).toBe(2);
  });

  // issue 14 item 3, issue 19 item 1: `.replace("htm", "html")` made "html" "htmll", which fell back to
  // Markdown, so `-o key.html` wrote Markdown with the problem text raw for a browser to run
  describe("the format is the output file's extension", () => {
    const problems = join(dir, "one.yaml");
    writeFileSync(problems, '- title: Quadratic\n  expr: "x^T A x"\n  wrt: x\n');
    const cases: [string, (out: string) => void][] = [
      ["key.html", (out) => expect(out).toMatch(/^<!doctype html>/)],
      ["KEY.HTM", (out) => expect(out).toMatch(/^<!doctype html>/)],
      ["key.md", (out) => expect(out).toMatch(/^# Answer key\n/)],
      ["key.markdown", (out) => expect(out).toMatch(/^# Answer key\n/)],
      ["key.tex", (out) => expect(out).toMatch(/^\\documentclass/)],
      ["key.json", (out) => expect(JSON.parse(out).problems).toHaveLength(1)],
    ];
    it.each(cases)("%s", async (name, expectFormat) => {
      const out = join(dir, name);
      const r = await cli(["key", problems, "-o", out]);
      expect(r.code, r.stderr).toBe(0);
      expectFormat(readFileSync(out, "utf8"));
    });

    it("--format wins over the extension", async () => {
      const out = join(dir, "key.txt");
      expect((await cli(["key", problems, "-o", out, "--format", "html"])).code).toBe(0);
      expect(readFileSync(out, "utf8")).toMatch(/^<!doctype html>/);
    });

    it("an unknown extension without --format is an error (exit 2), and nothing is written", async () => {
      const out = join(dir, "key.docx");
      const r = await cli(["key", problems, "-o", out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`matdiff key: cannot tell the format of '${out}' from its extension: name it .md, .html, .tex or .json, or give --format md|html|tex|json\n`);
      expect(existsSync(out)).toBe(false);
    });
  });

  // issue 19 item 6: answer keys never lose data
  describe("writing the key", () => {
    it("refuses to write over the problems file (exit 2), which stays as it was", async () => {
      const notes = join(dir, "notes.md");
      const text = "# Notes\n\n## One\n\n```matdiff\nx^T x wrt x\n```\n";
      writeFileSync(notes, text);
      for (const out of [notes, join(dir, ".", "notes.md")]) {
        const r = await cli(["key", notes, "-o", out]);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`matdiff key: refusing to write the key over its problems file ${notes}: choose another -o\n`);
        expect(readFileSync(notes, "utf8")).toBe(text);
      }
    });

    it("a missing directory is a clear error with exit 2, not a stack trace", async () => {
      const out = join(dir, "no-such-dir", "key.md");
      const r = await cli(["key", "examples/problems.yaml", "-o", out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`matdiff key: cannot write ${out}: its directory does not exist\n`);
    });

    it("replaces the key whole, through a temporary file that does not stay behind", async () => {
      const sub = mkdtempSync(join(tmpdir(), "matdiff-key-atomic-"));
      const problems = join(sub, "p.yaml");
      writeFileSync(problems, '- expr: "x^T x"\n  wrt: x\n');
      const out = join(sub, "key.md");
      writeFileSync(out, "an older key\n");
      expect((await cli(["key", problems, "-o", out])).code).toBe(0);
      expect(readFileSync(out, "utf8")).toMatch(/^# Answer key\n[\s\S]*✓ verified/);
      expect(readdirSync(sub).sort()).toEqual(["key.md", "p.yaml"]);
    });
  });
});

describe("text for LaTeX (print/latex-text.ts): every character kept, as ASCII LaTeX that KaTeX and pdflatex read", () => {
  it("maps Greek, math symbols, super- and subscripts, accents and TeX's specials; nothing is dropped", () => {
    const all = "e = y − Φθ; ᵀ ′ ⊙ ⊗ ∘ ⟨a, b⟩ ≤ ≥ ≠ ≈ ‖x‖ × · ∇ ∂ ∑ ∈ → ⇒ ℝ 𝟏 ± ⁻¹ ⋯ ⊤ ✓ ° x₁₂ — – … § • ß æ ø å œ café naïve Ẋ {}#$%&_~^<>|\\ αβγδεθλμπσφψω ΓΔΘΛΠΣΦΨΩ";
    const tex = latexText(all);
    expect(tex).toMatch(/^[\x20-\x7E]*$/);
    expect(tex).not.toContain("[U+");
    expect(tex.startsWith("e = y $-$ $\\Phi\\theta$;")).toBe(true);
    for (const piece of ["$\\ne$", "$^{-1}$", "x$_{12}$", "caf\\'{e}", "na\\\"{\\i}ve", "$\\dot{X}$", "\\aa{}", "\\#\\$\\%\\&\\_", "$\\Gamma\\Delta\\Theta"]) expect(tex, piece).toContain(piece);
    expect(() => renderKatex(`\\text{${tex}}`)).not.toThrow();
    // a character with no LaTeX spelling is named, never silently dropped
    expect(latexText("☃")).toBe("[U+2603]");
  });
});

describe("the LaTeX key compiled by pdflatex (Debian's texlive-latex-base; .ci/run installs it)", () => {
  it("compiles, and the PDF keeps every character: Greek letters, minus signs, transposes", () => {
    const dir = mkdtempSync(join(tmpdir(), "matdiff-tex-"));
    const yaml = [EXAMPLES, "  - title: Greek in the text — λ, Σ and ‖·‖", "    text: With Σ ≻ 0 and λ ≥ 0, minimise ½‖x‖² + λ·tr(Σ); see §2.8.2 (Ẋ = dX/dt, café).", "    expr: \\lambda x^T \\Sigma x", "    wrt: x", ""].join("\n");
    const key = solveProblems(readProblemSet(yaml, "greek.yaml"), "greek.yaml");
    writeFileSync(join(dir, "key.tex"), renderTex(key));
    const run = (cmd: string, args: string[]) => {
      try {
        return execFileSync(cmd, args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
      } catch (err) {
        const e = err as NodeJS.ErrnoException & { stdout?: string };
        if (e.code === "ENOENT") throw new Error(`${cmd} is needed (apt-get install texlive-latex-base texlive-latex-recommended texlive-fonts-recommended poppler-utils; .ci/run does)`);
        throw new Error(`${cmd} failed:\n${(e.stdout ?? "").split("\n").filter((l) => l.startsWith("!") || /error/i.test(l)).slice(0, 10).join("\n")}`);
      }
    };
    run("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", "key.tex"]);
    const pdf = run("pdftotext", ["-enc", "UTF-8", "key.pdf", "-"]).normalize("NFC");
    expect(pdf).toContain("e = y − Φθ");
    for (const ch of ["Φ", "θ", "Σ", "λ", "−", "⊤", "≥", "∇"]) expect(pdf, ch).toContain(ch);
    expect(pdf).toContain("café");
    expect(pdf).toContain("§2.8.2");
    expect(pdf).toMatch(/at 3 random points/);
  }, 90_000);
});

describe("the HTML key in headless Chromium", () => {
  let browser: Browser;
  let html: string;
  const file = join(ARTIFACTS, "answer-key.html");

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const key = solveProblems(readProblemSet(EXAMPLES, "examples/problems.yaml"), "examples/problems.yaml");
    html = renderHtml(key, { katexCss: await inlinedKatexCss() });
    writeFileSync(file, html);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => { await browser?.close(); });

  it("is self-contained: no network requests, no KaTeX errors, every problem present", async () => {
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/i);
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    const requests: string[] = [];
    page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url()); });
    await page.goto(pathToFileURL(file).href);
    await page.evaluate(() => document.fonts.ready);
    expect(requests).toEqual([]);
    expect(await page.locator(".katex-error").count()).toBe(0);
    expect(await page.locator("section.problem").count()).toBe(13);
    expect(await page.locator(".stamp.ok").count()).toBe(13);
    // KaTeX's own fonts are in use (inlined), not a fallback
    expect(await page.evaluate(() => document.fonts.check("16px KaTeX_Main"))).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "answer-key.png"), fullPage: false });
    // the Hessian problem (§13): its answer is labelled the Hessian, its derivation goes through d²f
    const hessian = page.locator("#p13");
    expect(await hessian.locator(".answer-kind").textContent()).toBe("The Hessian");
    expect(await hessian.locator("summary").textContent()).toBe("Derivation of the Hessian");
    expect(await hessian.locator(".answer annotation").textContent()).toBe("\\nabla^{2}_{x} f = 2 A^{\\top} A");
    await hessian.screenshot({ path: join(ARTIFACTS, "answer-key-hessian.png") });
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await hessian.screenshot({ path: join(ARTIFACTS, "answer-key-hessian-375.png") });
    await page.setViewportSize({ width: 1000, height: 1400 });
    await page.emulateMedia({ media: "print" });
    await page.screenshot({ path: join(ARTIFACTS, "answer-key-print.png"), fullPage: false });
    await page.close();
  }, 60_000);
});
