/**
 * Running generated Python in tests: Debian's python3 with NumPy and PyTorch
 * (`.ci/run` installs python3-torch, which brings python3-numpy). A missing
 * interpreter or library is a failure, never a skip. Each suite sends all
 * its cases to one process as JSON on standard input, so the whole corpus
 * costs one interpreter start, not one per case.
 */
import { spawnSync } from "node:child_process";
import { expandDefinitions } from "../../src/calculus/differential.js";
import type { Expr, Sym } from "../../src/core/expr.js";
import type { Analysis } from "../../src/api.js";
import { evaluate } from "../../src/numeric/evaluate.js";
import type { Matrix } from "../../src/numeric/matrix.js";
import { sampleEnv } from "../../src/numeric/random.js";

/** Debian's interpreter, which is where apt puts python3-torch (a pyenv or venv python on PATH would not see it). */
export const PYTHON = "/usr/bin/python3";

export interface PythonRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `script` with `stdin`, whatever its exit status (tests that expect a
 * failure look at it); throws only when the interpreter cannot start.
 */
export function spawnPython(script: string, stdin = "", opts: { readonly cwd?: string; readonly timeoutMs?: number } = {}): PythonRun {
  const r = spawnSync(PYTHON, ["-c", script], {
    input: stdin, encoding: "utf8", maxBuffer: 256 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 240_000, ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", OMP_NUM_THREADS: "1" },
  });
  if (r.error) throw new Error(`${PYTHON} could not run (${r.error.message}): install python3-torch, which brings python3-numpy (apt-get install python3-torch, as .ci/run does)`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `script` with `input` as JSON on stdin; returns its stdout parsed as JSON. Throws with Python's stderr on failure. */
export function runPython<T>(script: string, input: unknown, opts: { readonly cwd?: string; readonly timeoutMs?: number } = {}): T {
  const r = spawnPython(script, JSON.stringify(input), opts);
  if (r.status !== 0) throw new Error(`${PYTHON} exited with ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A value as the Python printers lay it out: a scalar is a float, a vector (either orientation) 1-D, a matrix 2-D. */
export type PyValue = number | number[] | number[][];

export function pyValue(m: Matrix): PyValue {
  if (m.rows === 1 && m.cols === 1) return m.data[0]!;
  if (m.rows === 1 || m.cols === 1) return [...m.data];
  return m.toRows();
}

/**
 * Inputs at which every expression is defined and finite (the sampler
 * respects symmetric, positive definite and positive-domain symbols), with
 * each expression's value there. Tries a few seeds and size orders, as the numeric checks do.
 */
export function samplePoint(a: Analysis, exprs: readonly Expr[]): { inputs: Record<string, PyValue>; values: PyValue[]; symbols: Sym[] } {
  const expanded = exprs.map((e) => expandDefinitions(e, a.definitions));
  let lastError: unknown;
  // XᵀX is singular for a wide X: some problems need the sizes in another order (numeric/random.ts SIZE_ORDERS)
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      // X itself: a variable f does not use is still an input of the derivative (0 of X's shape)
      const env = sampleEnv([expandDefinitions(a.f, a.definitions), a.X, ...expanded], { seed: 1 + (attempt % 5), sizeOrder: Math.floor(attempt / 5) });
      const values = expanded.map((e) => evaluate(e, env));
      if (values.some((v) => v.data.some((x) => !Number.isFinite(x)))) continue;
      const inputs: Record<string, PyValue> = {};
      for (const [name, v] of env.values) inputs[name] = pyValue(v);
      return { inputs, values: values.map(pyValue), symbols: [...a.symbols.values()].filter((s) => env.values.has(s.name)) };
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`no sample point where ${a.input} is defined: ${String(lastError)}`);
}
