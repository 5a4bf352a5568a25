/**
 * The programs `--emit` writes (issue 13 items 3 and 4), run for real:
 *
 * - `torch-function`: for every gradient corpus case (Cookbook, courses, ML
 *   losses), problems with several --wrt, and vector- and matrix-valued f
 *   (backward is the VJP Jᵀ grad_output), the generated module is imported
 *   and `torch.autograd.gradcheck` runs on `F.apply` in double precision at
 *   a sampled point; F.apply's value must equal the numeric evaluator's f,
 *   and inputs not asked for get no gradient (None).
 * - `numpy-script`: every generated script runs as a program and must exit 0
 *   (its own finite-difference check passed); a script whose gradient is
 *   wrong on purpose must exit 1.
 *
 * One Python process per program kind (test/support/python.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../src/api.js";
import { PROGRAMS, type ProgramOptions } from "../src/emit/python-programs.js";
import { pyName } from "../src/print/python.js";
import { GRADIENT_CASES } from "./cases/gradients.js";
import { JACOBIAN_CASES } from "./cases/jacobians.js";
import { PYTHON, runPython, samplePoint, type PyValue } from "./support/python.js";

interface Problem {
  readonly id: string;
  readonly expr: string;
  readonly options: ProgramOptions;
}

const program = (name: string) => PROGRAMS.find((p) => p.name === name)!;

/** Several variables at once: one backward pass returns every gradient. */
const SEVERAL_WRT: Problem[] = [
  { id: "several-quadratic-x-A", expr: "x^T A x", options: { wrt: ["x", "A"] } },
  { id: "several-bilinear-a-X-b", expr: "a^T X b", options: { wrt: ["a", "X", "b"] } },
  { id: "several-least-squares-Phi-theta", expr: "\\|y - Phi theta\\|^2", options: { wrt: ["theta", "Phi"] } },
  { id: "several-ridge", expr: "\\|y - Phi theta\\|^2 + lambda \\|theta\\|^2", options: { wrt: ["theta", "lambda"] } },
  { id: "several-logistic-w-lambda", expr: "sum(softplus(-y .* (X w))) + lambda w^T w", options: { wrt: ["w", "lambda"] } },
  { id: "several-mlp-W-b", expr: "\\|sigmoid(W x + b) - y\\|^2", options: { wrt: ["W", "b", "x"] } },
  { id: "several-factorization-U-V", expr: "\\|X - U V^T\\|_F^2", options: { wrt: ["U", "V"] } },
  { id: "several-trace-AXB", expr: "tr(A X B)", options: { wrt: ["A", "X", "B"] } },
  { id: "several-logdet-Sigma-mu", expr: "log det(Sigma) + (x - mu)^T Sigma^{-1} (x - mu)", options: { wrt: ["mu", "Sigma"], let: ["Sigma: posdef"] } },
  { id: "several-where-residual", expr: "e^T e", options: { wrt: ["theta", "Phi"], where: ["e = y - Phi theta"] } },
  // an input named f would shadow the function f inside the class and main()
  { id: "several-input-named-f", expr: "f^T A f", options: { wrt: ["f", "A"] } },
];

/** Vector- and matrix-valued f: backward is the VJP from the Jacobian. */
const VALUED = JACOBIAN_CASES.filter((c) => c.pending?.kind !== "unsupported" && !c.let?.some((l) => /\(/.test(l))).map((c): Problem => ({ id: c.id, expr: c.expr, options: { wrt: [c.wrt], let: c.let ?? [], where: c.where ?? [] } }));

const TORCH_PROBLEMS: Problem[] = [
  ...GRADIENT_CASES.filter((c) => c.symmetric !== "cookbook").map((c): Problem => ({ id: c.id, expr: c.expr, options: { wrt: [c.wrt], let: c.let ?? [], where: c.where ?? [] } })),
  ...SEVERAL_WRT,
  ...VALUED,
];

interface TorchJob {
  readonly id: string;
  readonly module: string;
  readonly inputs: { readonly name: string; readonly value: PyValue; readonly grad: boolean }[];
  readonly f: PyValue;
}

let dir = "";

function torchJob(p: Problem, i: number): TorchJob {
  const text = program("torch-function").emit(p.expr, p.options);
  const module = `emitted_${i}`;
  writeFileSync(join(dir, `${module}.py`), text);
  const all = p.options.wrt.map((w) => analyze(p.expr, { ...p.options, wrt: w }));
  const a = all[0]!;
  // where every derivative is defined too: log det(XᵀX) is finite for a wide X, its gradient is not
  const { inputs, values } = samplePoint(a, [a.f, ...all.flatMap((b) => [b.X, b.result])]);
  const signature = /def forward\(ctx, ([^)]*)\)/.exec(text)![1]!.split(", ");
  const byPy = new Map(Object.entries(inputs).map(([n, v]) => [pyName(n), v]));
  const wanted = new Set(all.map((b) => pyName(b.X.name)));
  return { id: p.id, module, inputs: signature.map((name) => ({ name, value: byPy.get(name)!, grad: wanted.has(name) })), f: values[0]! };
}

const GRADCHECK = String.raw`
import importlib, json, sys, warnings
import numpy as np
import torch
warnings.simplefilter("ignore")
out = {}
for job in json.load(sys.stdin):
    try:
        m = importlib.import_module(job["module"])
        xs = [torch.tensor(x["value"], dtype=torch.float64, requires_grad=x["grad"]) for x in job["inputs"]]
        value = m.F.apply(*xs)
        expected = np.array(job["f"], dtype=np.float64)
        got = value.detach().numpy()
        if got.shape != expected.shape:
            out[job["id"]] = "f has shape %s, expected %s" % (got.shape, expected.shape)
            continue
        f_error = float(np.max(np.abs(got - expected), initial=0.0)) / max(1.0, float(np.max(np.abs(expected), initial=0.0)))
        passed = torch.autograd.gradcheck(m.F.apply, xs, eps=1e-6, atol=1e-6, rtol=1e-4, raise_exception=False)
        # with every input requiring grad, those not asked for get no gradient (backward returned None)
        every = [x.detach().requires_grad_(True) for x in xs]
        m.F.apply(*every).sum().backward()
        unasked = all(y.grad is None for x, y in zip(job["inputs"], every) if not x["grad"])
        asked = all(y.grad is not None and y.grad.shape == y.shape for x, y in zip(job["inputs"], every) if x["grad"])
        out[job["id"]] = {"gradcheck": bool(passed), "f_error": f_error, "none_for_others": unasked and asked}
    except Exception as e:
        out[job["id"]] = "%s: %s" % (type(e).__name__, e)
print(json.dumps(out))
`;

describe("--emit torch-function: torch.autograd.gradcheck in double precision on the generated Function", () => {
  let jobs: TorchJob[] = [];
  let results: Record<string, { gradcheck: boolean; f_error: number; none_for_others: boolean } | string> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "matdiff-torch-"));
    jobs = TORCH_PROBLEMS.map(torchJob);
    results = runPython(GRADCHECK, jobs, { cwd: dir });
  }, 300_000);
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it("covers at least 40 cases: Cookbook gradients, ML losses, several --wrt, vector- and matrix-valued f", () => {
    expect(TORCH_PROBLEMS.length).toBeGreaterThanOrEqual(40);
    expect(TORCH_PROBLEMS.filter((p) => p.id.startsWith("cookbook")).length).toBeGreaterThanOrEqual(10);
    expect(TORCH_PROBLEMS.filter((p) => p.options.wrt.length > 1).length).toBeGreaterThanOrEqual(10);
  });

  it.each(TORCH_PROBLEMS.map((p) => [p.id] as const))("%s", (id) => {
    const r = results[id];
    expect(typeof r === "object" && r.gradcheck && r.f_error < 1e-8 && r.none_for_others, `${JSON.stringify(r)}\n${jobs.find((j) => j.id === id) && program("torch-function").emit(TORCH_PROBLEMS.find((p) => p.id === id)!.expr, TORCH_PROBLEMS.find((p) => p.id === id)!.options)}`).toBe(true);
  });
});

/**
 * Each script's own check, batched: the scripts are imported (not run as
 * __main__) and their main() returns the worst relative error. Two of them
 * also run as programs, to see the exit status: 0 when the check passes, 1
 * when the gradient is wrong.
 */
const SCRIPTS = String.raw`
import contextlib, importlib, io, json, sys, warnings
import numpy as np
warnings.simplefilter("error", RuntimeWarning)
out = {}
for job in json.load(sys.stdin):
    try:
        m = importlib.import_module(job["module"])
        with contextlib.redirect_stdout(io.StringIO()):
            out[job["id"]] = m.main()
    except Exception as e:
        out[job["id"]] = "%s: %s" % (type(e).__name__, e)
print(json.dumps(out))
`;

describe("--emit numpy-script: every generated script runs and passes its own finite-difference check", () => {
  let scriptDir = "";
  let results: Record<string, number | string> = {};
  const scripts = TORCH_PROBLEMS.map((p, i) => ({ id: p.id, module: `script_${i}`, text: program("numpy-script").emit(p.expr, p.options) }));
  beforeAll(() => {
    scriptDir = mkdtempSync(join(tmpdir(), "matdiff-numpy-"));
    for (const s of scripts) writeFileSync(join(scriptDir, `${s.module}.py`), s.text);
    results = runPython(SCRIPTS, scripts.map(({ id, module }) => ({ id, module })), { cwd: scriptDir });
  }, 300_000);
  afterAll(() => { if (scriptDir) rmSync(scriptDir, { recursive: true, force: true }); });

  it.each(scripts.map((s) => [s.id, s] as const))("%s", (id, s) => {
    const r = results[id];
    expect(typeof r === "number" && r < 1e-5, `${JSON.stringify(r)}\n${s.text}`).toBe(true);
  });

  it("a size no input carries (tr(I), 𝟏ᵀ𝟏) is a keyword argument of the functions, not an undefined name (was: NameError n)", () => {
    const text = program("numpy-script").emit("tr(I) x^T x + \\mathbf{1}^T \\mathbf{1} w^T x", { wrt: ["x", "w"] });
    expect(text).toMatch(/def f\(x, w, n=3, p=3\):/);
    const ran = spawnSync(PYTHON, ["-"], { input: text, encoding: "utf8" });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/check passed\n$/);
    // and its value is f's at those sizes: tr(I₃) xᵀx + 3 wᵀx
    const check = spawnSync(PYTHON, ["-"], { input: `${text.replace('if __name__ == "__main__":', "if False:")}\nimport numpy as np\nx = np.array([1.0, 2.0]); w = np.array([0.5, -1.0])\nprint(f(x, w), f(x, w, n=4, p=2))\n`, encoding: "utf8" });
    expect(check.stdout.trim().split("\n").at(-1)).toBe("10.5 17.0");
  });

  it("a derivative by σ² checks against finite differences in σ through d(σ²) = 2σ dσ; torch-function refuses it", () => {
    const text = program("numpy-script").emit("-\\frac{n}{2}\\log(2\\pi\\sigma^2) - \\frac{1}{2\\sigma^2}\\|y - X\\beta\\|^2", { wrt: ["sigma^2"] });
    expect(text).toMatch(/The derivative with respect to sigma squared/);
    const ran = spawnSync(PYTHON, ["-"], { input: text, encoding: "utf8" });
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/check passed\n$/);
    expect(() => program("torch-function").emit("\\frac{1}{\\sigma^2}", { wrt: ["sigma^2"] })).toThrow(/a derivative by σ² is not one/);
  });

  it("exits 0 and prints the relative error when the check passes, and exits 1 when the gradient is wrong", () => {
    const good = program("numpy-script").emit("\\|y - Phi theta\\|^2", { wrt: ["theta"] });
    const ran = spawnSync(PYTHON, ["-"], { input: good, encoding: "utf8" });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/d\/dtheta: relative error \d\.\de-\d+ against central differences\ncheck passed\n$/);
    // the gradient of ‖y − Φθ‖² with the factor 2 dropped
    const wrong = good.replace(/return -2 \* /, "return -");
    expect(wrong).not.toBe(good);
    const failed = spawnSync(PYTHON, ["-"], { input: wrong, encoding: "utf8" });
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/check FAILED\n$/);
  });

  it("a NaN is a failure, not agreement: det(A)^(1/n) drawn with det(A) < 0 failed silently as 'check passed'", () => {
    const text = program("numpy-script").emit("\\det(A)^{1/n}", { wrt: ["A"] });
    // a square matrix under a fractional power is drawn with det > 0 and positive entries
    expect(text).toContain("A = positive_square(rng, size_");
    const ran = spawnSync(PYTHON, ["-"], { input: text, encoding: "utf8" });
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/check passed\n$/);
    // drawn as before, det(A) may be negative and f NaN: the check must then fail
    const careless = text.replace(/A = positive_square\(rng, (\w+)\)/, "A = -np.eye($1)");
    expect(careless).not.toBe(text);
    const failed = spawnSync(PYTHON, ["-"], { input: careless, encoding: "utf8" });
    expect(failed.stdout).toMatch(/check FAILED\n$/);
    expect(failed.status).toBe(1);
  });

  it("draws data of consistent shapes that respect the declarations: symmetric, positive definite, positive arguments of log", () => {
    const s = program("numpy-script").emit("log det(Sigma) + x^T Sigma^{-1} x + sum(log(z))", { wrt: ["Sigma"], let: ["Sigma: posdef"] });
    expect(s).toContain("Sigma = spd(rng, size_n)");
    expect(s).toContain("z = rng.uniform(0.5, 2.0, size_");
    expect(s).toContain("direction = symmetric(rng, size_n)");
  });
});
