/**
 * The command line, driven in-process through `main(argv, io)` with a fake
 * IO (STYLE habit 11), plus a few spawns of the built binary for what only
 * a real process shows: the exit status and the absence of stack traces.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT } from "../src/cli/main.js";
import { cacheDir } from "../src/cli/launch.js";
import { differentiate } from "../src/api.js";
import { CODE_FORMATS, FORMATS } from "../src/formats.js";
import { FLAGS } from "../src/plugins/block.js";
import { renderKatex } from "./support/pipeline.js";
import { runCli as cli } from "./support/cli.js";


const lines = (s: string) => s.replace(/\n$/, "").split("\n");
const ANSI = /\x1b\[[0-9;]*m/;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PACKAGE = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { version: string };

describe("success output", () => {
  it("text: the gradient of tr(A⁻¹B) (Matrix Cookbook (2012-11-15) eq. (63) with A ↔ X, B = I), line by line", async () => {
    const r = await cli(["tr(A^<-1>B)", "--wrt", "A"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stderr).toBe("");
    expect(lines(r.stdout)).toEqual([
      "f = tr(A⁻¹B)",
      "df = −tr(A⁻¹ dA A⁻¹B)",
      "∇_A f = −A⁻ᵀBᵀA⁻ᵀ",
      "layout: ∇f has the shape of A (n×n): df = tr(∇fᵀ dA)",
      "shapes: A, B: n×n",
    ]);
  });

  it("latex: one equation that KaTeX renders in strict mode", async () => {
    const r = await cli(["tr(A^<-1>B)", "--wrt", "A", "--format", "latex"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toBe("\\nabla_{A} \\left(\\mathop{\\mathrm{tr}}(A^{-1} B)\\right) = -A^{-\\top} B^{\\top} A^{-\\top}\n");
    expect(() => renderKatex(r.stdout.trim())).not.toThrow();
  });

  it("latex: a scalar variable gets d/dt, and renders", async () => {
    const r = await cli(["tr(A + t B)", "--wrt", "t", "--format", "latex"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout.startsWith("\\frac{\\mathrm{d}}{\\mathrm{d}t} ")).toBe(true);
    expect(() => renderKatex(r.stdout.trim())).not.toThrow();
  });

  it("json: one object with ok, kind, derivative {latex, text, numpy} and shapes", async () => {
    const r = await cli(["tr(A^<-1>B)", "--wrt", "A", "--format", "json"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      ok: true,
      kind: "gradient",
      derivative: {
        latex: "-A^{-\\top} B^{\\top} A^{-\\top}",
        text: "−A⁻ᵀBᵀA⁻ᵀ",
        numpy: "-np.linalg.inv(A).T @ B.T @ np.linalg.inv(A).T",
      },
      shapes: { A: "n×n", B: "n×n" },
    });
    expect(() => renderKatex(out.derivative.latex)).not.toThrow();
    expect(() => renderKatex(out.function.latex)).not.toThrow();
    expect(() => renderKatex(out.differential.latex)).not.toThrow();
  });

  it("json: the kind is \"derivative\" for a scalar variable", async () => {
    const r = await cli(["tr(A + t B)", "--wrt", "t", "--format", "json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, kind: "derivative", derivative: { text: "tr(B)" } });
  });

  it("numpy: one Python expression", async () => {
    const r = await cli(["tr(A^<-1>B)", "--wrt", "A", "--format", "numpy"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toBe("-np.linalg.inv(A).T @ B.T @ np.linalg.inv(A).T\n");
  });

  it("--check passes against central finite differences and exits 0", async () => {
    const r = await cli(["tr(A^<-1>B)", "--wrt", "A", "--check"]);
    expect(r.code).toBe(EXIT.ok);
    const check = lines(r.stdout).at(-1)!;
    expect(check).toMatch(/^check: passed \(relative error \d\.\de-\d+ against central finite differences at 3 random points\)$/);
    expect(Number(/error (\S+)/.exec(check)![1])).toBeLessThan(1e-6);
  });

  it("--check refines the finite-difference step where f is steep: sin(exp(4α)) passes (was: FAILED, 9e-4, with one fixed step)", async () => {
    const r = await cli(["sin(exp(4 alpha))", "--wrt", "alpha", "--check"]);
    expect(r.code).toBe(EXIT.ok);
    expect(Number(/error (\S+)/.exec(lines(r.stdout).at(-1)!)![1])).toBeLessThan(1e-6);
  });

  it("--check says inconclusive, not FAILED, where finite differences settle at no point drawn, and exits 3", async () => {
    // exp(30α) ≥ 3e6 for α ≥ 0.5: sin of it oscillates faster than any step resolves
    const r = await cli(["sin(exp(30 alpha))", "--wrt", "alpha", "--check"]);
    expect(r.code).toBe(EXIT.checkFailed);
    expect(lines(r.stdout).at(-1)).toBe("check: inconclusive: no valid sample in 20 draws; at the last, finite differences did not settle at any step from 1e-3 down to 1e-7");
    expect(r.stderr).toBe("matdiff: check inconclusive: no valid sample in 20 draws; at the last, finite differences did not settle at any step from 1e-3 down to 1e-7\n");
    const json = JSON.parse((await cli(["sin(exp(30 alpha))", "--wrt", "alpha", "--check", "--format", "json"])).stdout);
    expect(json.check).toMatchObject({ ok: false, inconclusive: true });
  });

  it("--check in JSON reports ok, the error and the method; --seed is accepted", async () => {
    const r = await cli(["x^T A x", "--wrt", "x", "--check", "--seed", "7", "--format", "json"]);
    expect(r.code).toBe(EXIT.ok);
    const out = JSON.parse(r.stdout);
    expect(out.check).toMatchObject({ ok: true, trials: 3, method: "central finite differences" });
    expect(out.check.relError).toBeLessThan(1e-6);
  });

  it("--help prints the usage and exits 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain("Usage:\n  matdiff EXPR --wrt X [options]");
    expect(r.stdout).toContain("Exit codes: 0 success, 1 bad input, 2 bad command line, 3 check failed or inconclusive, 4 internal error (a bug).");
    expect((await cli(["-h"])).stdout).toBe(r.stdout);
  });

  it("--version prints package.json's version", async () => {
    const r = await cli(["--version"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toBe(`${PACKAGE.version}\n`);
    expect((await cli(["-v"])).stdout).toBe(r.stdout);
  });
});

describe("standard input", () => {
  it("reads EXPR from standard input when it is absent, trimming the trailing newline", async () => {
    const r = await cli(["--wrt", "A"], { stdin: "tr(A^<-1>B)\n" });
    expect(r.code).toBe(EXIT.ok);
    expect(lines(r.stdout)[0]).toBe("f = tr(A⁻¹B)");
  });

  it("reads EXPR from standard input when it is \"-\"", async () => {
    const r = await cli(["-", "--wrt", "A", "--format", "numpy"], { stdin: "tr(A^<-1>B)" });
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toBe("-np.linalg.inv(A).T @ B.T @ np.linalg.inv(A).T\n");
  });

  it("is not read when EXPR is given", async () => {
    const r = await cli(["tr(A)", "--wrt", "A"], { stdin: "det(A)" });
    expect(r.stdinReads).toBe(0);
    expect(lines(r.stdout)[0]).toBe("f = tr(A)");
  });

  it("without EXPR and without a pipe, is a usage error (exit 2)", async () => {
    const r = await cli(["--wrt", "A"], { stdin: null });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("matdiff: no expression: give EXPR or pipe it on standard input\nTry 'matdiff --help'.\n");
  });
});

describe("an expression that starts with a minus", () => {
  it.each([
    [["-tr(X)", "--wrt", "X"]],
    [["--", "-tr(X)", "--wrt", "X"]],
    [["--wrt", "X", "-tr(X)"]],
    [["--wrt", "X", "--", "-tr(X)"]],
  ])("%j", async (argv) => {
    const r = await cli(argv);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    expect(r.stdout).toContain("∇_X f = −I");
  });
});

describe("--emit (the programs are run by test/python-programs.test.ts)", () => {
  it("writes the torch module for several --wrt, with the command line that made it", async () => {
    const r = await cli(["x^T A x", "--wrt", "x", "--wrt", "A", "--emit", "torch-function"]);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    expect(r.stdout).toContain("    matdiff 'x^T A x' --wrt x --wrt A --emit torch-function\n");
    expect(r.stdout).toContain("def grad_f(x, A):");
    expect(r.stdout).toContain("    return (A + A.T) @ x, torch.outer(x, x)\n");
    expect(r.stdout).toContain("class F(torch.autograd.Function):");
    expect(r.stdout).toContain("        return grad_output * grad_x, grad_output * grad_A\n");
  });

  it("refuses an unknown program, an option that makes no program, and the cookbook convention, with the reason", async () => {
    const unknown = await cli(["x^T x", "--wrt", "x", "--emit", "jax"]);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toBe("matdiff: unknown --emit 'jax': use torch-function, numpy-script\nTry 'matdiff --help'.\n");
    const format = await cli(["x^T x", "--wrt", "x", "--emit", "numpy-script", "--hessian"]);
    expect(format.code).toBe(EXIT.usage);
    expect(format.stderr).toContain("it does not take --format, --hessian, --steps or --check");
    const cookbook = await cli(["a^T S b", "--wrt", "S", "--let", "S: symmetric", "--symmetric", "cookbook", "--emit", "torch-function"]);
    expect(cookbook.code).toBe(EXIT.input);
    expect(cookbook.stderr).toContain("the cookbook convention is not a gradient autograd or finite differences can check");
  });
});

describe("bad command lines exit 2", () => {
  it("not a second --wrt: it asks for both gradients, never silently replaces the first (issue 11)", async () => {
    const r = await cli(["x^T y", "--wrt", "x", "--wrt", "y"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain("∇_x f = y\n∇_y f = x\n");
  });

  it("an unknown option", async () => {
    const r = await cli(["tr(A)", "--wrtx", "A"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe("matdiff: unknown option '--wrtx'\nTry 'matdiff --help'.\n");
  });

  it("an unknown --format", async () => {
    const r = await cli(["tr(A)", "--wrt", "A", "--format", "xml"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe("matdiff: unknown --format 'xml': use text, latex, json, numpy, torch, index\nTry 'matdiff --help'.\n");
  });

  it("a missing --wrt, with the expression's symbols in the hint", async () => {
    const r = await cli(["tr(A^<-1>B)"]);
    expect(r.code).toBe(EXIT.usage);
    expect(lines(r.stderr)).toEqual([
      "matdiff: error: missing the variable to differentiate with respect to",
      "  hint: the expression's symbols are A, B; e.g. --wrt A",
    ]);
  });

  it("--wrt naming two symbols", async () => {
    const r = await cli(["tr(A B)", "--wrt", "A B"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe("matdiff: error: --wrt must name one symbol, e.g. --wrt A; 'A B' is not a symbol\n");
  });

  it("--wrt hat{y}, a shell having taken the backslash of an unquoted \\hat{y}, says to quote it", async () => {
    const r = await cli(["-\\sum_k y_k \\log \\hat{y}_k", "--wrt", "hat{y}"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe("matdiff: error: --wrt must name one symbol, e.g. --wrt A; 'hat{y}' is not a symbol\n  hint: for \\hat{y}, quote it so the shell keeps the backslash: --wrt '\\hat{y}'\n");
    const quoted = await cli(["-\\sum_k y_k \\log \\hat{y}_k", "--wrt", "\\hat{y}"]);
    expect(quoted.stdout).toContain("∇_ŷ f = −y ⊘ ŷ");
  });

  it("a malformed --let", async () => {
    const r = await cli(["tr(A)", "--wrt", "A", "--let", "A symmetric"]);
    expect(r.code).toBe(EXIT.usage);
    expect(lines(r.stderr)).toEqual([
      'matdiff: error: bad --let "A symmetric": expected NAME: SPEC',
      '  hint: e.g. --let "S: symmetric" or --let "A: m x n"',
    ]);
  });

  it("two expressions (an unquoted one)", async () => {
    const r = await cli(["tr(A)", "B", "--wrt", "A"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe("matdiff: expected one expression, got 2: 'tr(A)' 'B' (quote the expression)\nTry 'matdiff --help'.\n");
  });

  it("a non-integer --seed and an unknown --symmetric", async () => {
    expect((await cli(["tr(A)", "--wrt", "A", "--check", "--seed", "x"])).code).toBe(EXIT.usage);
    expect((await cli(["tr(A)", "--wrt", "A", "--symmetric", "foo"])).code).toBe(EXIT.usage);
  });
});

describe("bad input exits 1", () => {
  it("a syntax error draws a caret under the span on stderr", async () => {
    const r = await cli(["tr(A B", "--wrt", "A"]);
    expect(r.code).toBe(EXIT.input);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr)).toEqual([
      "matdiff: error: unclosed '(' opened at 1:3",
      "  tr(A B",
      "    ^",
    ]);
  });

  it("in JSON, the error is an object on stdout with code, message, start and end", async () => {
    const r = await cli(["tr(A B", "--wrt", "A", "--format", "json"]);
    expect(r.code).toBe(EXIT.input);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      error: { code: "syntax", message: "unclosed '(' opened at 1:3", start: 2, end: 3 },
    });
  });

  it("in JSON, the hint comes along", async () => {
    const r = await cli(["trc(A)", "--wrt", "A", "--format", "json"]);
    expect(r.code).toBe(EXIT.input);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      error: { code: "unknown-function", message: "unknown function 'trc'", start: 0, end: 3, hint: "did you mean tr?" },
    });
  });
});

describe("colour", () => {
  it("color: false writes no ANSI escapes, on success or on error", async () => {
    const ok = await cli(["tr(A^<-1>B)", "--wrt", "A", "--check"], { color: false });
    const bad = await cli(["tr(A B", "--wrt", "A"], { color: false });
    expect(ok.stdout).not.toMatch(ANSI);
    expect(bad.stderr).not.toMatch(ANSI);
  });

  it("color: true styles the text output and the error, without changing the words", async () => {
    const ok = await cli(["tr(A^<-1>B)", "--wrt", "A", "--check"], { color: true });
    const bad = await cli(["tr(A B", "--wrt", "A"], { color: true });
    expect(ok.stdout).toMatch(ANSI);
    expect(bad.stderr).toMatch(ANSI);
    const plain = await cli(["tr(A^<-1>B)", "--wrt", "A", "--check"], { color: false });
    expect(ok.stdout.replace(new RegExp(ANSI.source, "g"), "")).toBe(plain.stdout);
  });

  it("machine formats never carry colour", async () => {
    for (const format of ["json", "latex", "numpy"]) {
      const r = await cli(["tr(A^<-1>B)", "--wrt", "A", "--format", format], { color: true });
      expect(r.stdout, format).not.toMatch(ANSI);
    }
  });
});

describe("the built binary (dist/cli.js, built by `npm test`'s pretest)", () => {
  const bin = `${ROOT}dist/cli.js`;
  const spawn = (args: string[], input?: string) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1" } });

  it("exists", () => {
    expect(existsSync(bin), "run `npm run build` first").toBe(true);
  });

  it("exits 0 on success and prints the gradient", () => {
    const r = spawn(["tr(A^<-1>B)", "--wrt", "A"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("∇_A f = −A⁻ᵀBᵀA⁻ᵀ\n");
  });

  it("a user error exits 1 without a stack trace", () => {
    const r = spawn(["tr(A B", "--wrt", "A"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("matdiff: error: unclosed '(' opened at 1:3\n  tr(A B\n    ^\n");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reads a piped expression and exits 2 on a bad command line, without a stack trace", () => {
    const piped = spawn(["--wrt", "A", "--format", "numpy"], "tr(A^<-1>B)\n");
    expect(piped.status).toBe(0);
    expect(piped.stdout).toBe("-np.linalg.inv(A).T @ B.T @ np.linalg.inv(A).T\n");
    const usage = spawn(["tr(A)", "--wrt", "A", "--format", "xml"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });

  it("writes a long output whole into a pipe read late: the process ends on its own when Node's stream holds the rest (it ends at once only after synchronous writes)", () => {
    const dir = mkdtempSync(join(tmpdir(), "matdiff-pipe-"));
    try {
      const file = join(dir, "key.html");
      expect(spawn(["key", "examples/problems.yaml", "-o", file]).status).toBe(0);
      const whole = readFileSync(file).length;
      // the reader sleeps while the command fills the pipe (64 KB) and meets EAGAIN; then it reads everything
      const late = spawnSync("sh", ["-c", `'${process.execPath}' '${bin}' key examples/problems.yaml --format html 2>/dev/null | (sleep 1; wc -c)`], { cwd: ROOT, encoding: "utf8" });
      expect(Number(late.stdout.trim())).toBe(whole);
      expect(whole).toBeGreaterThan(300_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("the built binary in a terminal (a pseudo-terminal from script(1), util-linux)", () => {
  // the modules the run loaded, reported by the process as it exits
  const inTerminal = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const dir = mkdtempSync(join(tmpdir(), "matdiff-tty-"));
    try {
      const probe = join(dir, "probe.cjs");
      const modules = join(dir, "modules.txt");
      writeFileSync(probe, `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(modules)}, process.moduleLoadList.join("\\n")));`);
      const command = [process.execPath, "-r", probe, `${ROOT}dist/cli.cjs`, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
      const r = spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "", TERM: "xterm", ...env } });
      expect(r.error, "script(1) from util-linux runs the command in a pseudo-terminal").toBeUndefined();
      return { ...r, output: r.stdout.replace(/\r\n/g, "\n"), modules: readFileSync(modules, "utf8").split("\n") };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("is told from a pipe (colour) without Node's tty streams, on success and on error", () => {
    const ok = inTerminal(["tr(A^<-1>B)", "--wrt", "A"]);
    expect(ok.status).toBe(0);
    expect(ok.output).toMatch(ANSI);
    expect(ok.output.replace(new RegExp(ANSI.source, "g"), "")).toContain("∇_A f = −A⁻ᵀBᵀA⁻ᵀ\n");
    // node:tty, node:net and the streams were 4.5 ms of a run in a terminal
    expect(ok.modules).not.toContain("NativeModule tty");
    expect(ok.modules).not.toContain("NativeModule net");
    const bad = inTerminal(["tr(A B", "--wrt", "A"]);
    expect(bad.status).toBe(1);
    expect(bad.output).toMatch(ANSI);
    expect(bad.output.replace(new RegExp(ANSI.source, "g"), "")).toContain("matdiff: error: unclosed '(' opened at 1:3\n");
  });

  it("under --pending-deprecation asks Node's stream instead, and prints no warning", () => {
    const r = inTerminal(["tr(A^<-1>B)", "--wrt", "A"], { NODE_OPTIONS: "--pending-deprecation" });
    expect(r.status).toBe(0);
    expect(r.output).toMatch(ANSI);
    expect(r.output).not.toMatch(/DeprecationWarning|DEP0111/);
    expect(r.modules).toContain("NativeModule tty");
  });
});

describe("the built binary's code cache (src/cli/launch.ts)", () => {
  const bin = `${ROOT}dist/cli.js`;
  const spawn = (args: string[], cache: string) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", MATDIFF_CACHE_DIR: cache } });

  it("lives in the per-user cache directory, or MATDIFF_CACHE_DIR (empty: none)", () => {
    expect(cacheDir({ HOME: "/h", XDG_CACHE_HOME: "/x" }, "linux")).toBe("/x/matdiff");
    expect(cacheDir({ MATDIFF_CACHE_DIR: "/c" }, "linux")).toBe("/c");
    expect(cacheDir({ MATDIFF_CACHE_DIR: "" }, "linux")).toBeNull();
    expect(cacheDir({}, "darwin")).toMatch(/Library[\\/]Caches[\\/]matdiff$/);
  });

  it("is written by a first run, keyed by version, and used or rewritten after: a corrupt or unwritable cache never breaks a run", () => {
    const dir = mkdtempSync(join(tmpdir(), "matdiff-cache-"));
    try {
      const cache = join(dir, "cache");
      const expected = "∇_A f = −A⁻ᵀBᵀA⁻ᵀ\n";
      const first = spawn(["tr(A^<-1>B)", "--wrt", "A"], cache);
      expect(first.stdout).toContain(expected);
      const files = readdirSync(cache).filter((f) => f.endsWith(".v8"));
      // Node ≥ 22.1 keeps its own compile cache in a subdirectory instead
      if (files.length) {
        expect(files[0]).toContain(`-${JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")).version}-`);
        for (const f of files) writeFileSync(join(cache, f), "not V8's data");
      }
      const corrupt = spawn(["tr(A^<-1>B)", "--wrt", "A"], cache);
      expect(corrupt.status).toBe(0);
      expect(corrupt.stdout).toContain(expected);
      // a cache "directory" that is a file: nothing can be written, the run goes on
      const blocked = join(dir, "a-file");
      writeFileSync(blocked, "");
      const unwritable = spawn(["tr(A^<-1>B)", "--wrt", "A"], join(blocked, "cache"));
      expect(unwritable.status).toBe(0);
      expect(unwritable.stdout).toContain(expected);
      expect(unwritable.stderr).toBe("");
      // the key subcommand is its own bundle, cached beside the main one
      const key = spawn(["key", "--help"], cache);
      expect(key.status).toBe(0);
      expect(key.stdout).toContain("matdiff key PROBLEMS");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the built key's worker pool (src/cli/pool.ts)", () => {
  it("gives the key the one thread gives, problem for problem, failures and their lines included", () => {
    const dir = mkdtempSync(join(tmpdir(), "matdiff-pool-"));
    try {
      const problems = join(dir, "p.yaml");
      const exprs = ["tr(A^{-1} B)", "x^T A x", "det(X)", "logdet(S)", "tr(A X B)", "\\|A x - b\\|^2", "a^T X b", "tr(X^{5})", "sigmoid(w^T x)", "tr(A B", "u^T v", "tr(X^T X)"];
      writeFileSync(problems, exprs.map((e, i) => `- title: p${i}\n  expr: "${e.replace(/\\/g, "\\\\")}"\n  wrt: ${/X/.test(e) ? "X" : /x/.test(e) ? "x" : /S/.test(e) ? "S" : /u/.test(e) ? "u" : /w/.test(e) ? "w" : "A"}\n`).join(""));
      const key = (workers: string, out: string) => spawnSync(process.execPath, [`${ROOT}dist/cli.js`, "key", problems, "-o", join(dir, out), "--seed", "3"], {
        encoding: "utf8", env: { ...process.env, MATDIFF_WORKERS: workers },
      });
      const one = key("1", "one.md");
      const pool = key("4", "pool.md");
      expect(one.status).toBe(1); // tr(A B is unclosed
      expect(pool.status).toBe(1);
      expect(pool.stderr).toBe(one.stderr.replace("one.md", "pool.md"));
      expect(readFileSync(join(dir, "pool.md"), "utf8")).toBe(readFileSync(join(dir, "one.md"), "utf8"));
      expect(readFileSync(join(dir, "pool.md"), "utf8")).toContain("## 12. p11");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the format registry (src/formats.ts)", () => {
  it("is what --format accepts and the help lists: each format prints its own rendering", async () => {
    const result = differentiate("tr(A^<-1>B)", { wrt: "A" });
    const help = (await cli(["--help"])).stdout;
    expect(new Set(FORMATS.map((f) => f.name)).size).toBe(FORMATS.length);
    for (const format of FORMATS) {
      const r = await cli(["tr(A^<-1>B)", "--wrt", "A", "--format", format.name]);
      expect(r.code, format.name).toBe(EXIT.ok);
      if (format.name !== "json" && format.name !== "index") expect(r.stdout, format.name).toBe(`${format.render(result)}\n`);
      expect(help, format.name).toMatch(new RegExp(`^ +${format.name} +${format.summary.replace(/[()]/g, "\\$&")}$`, "m"));
    }
  });

  it("makes each code format a block flag of the plugins", () => {
    expect(CODE_FORMATS.map((f) => f.name)).toEqual(["numpy", "torch"]);
    for (const f of CODE_FORMATS) expect(FLAGS).toContain(f.name);
  });
});
