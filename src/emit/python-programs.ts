/**
 * Whole Python programs around a result (`--emit NAME`): a PyTorch module
 * with a `torch.autograd.Function` whose backward is matdiff's closed form,
 * and a NumPy script that checks the gradient against finite differences.
 * Each program is one entry of `PROGRAMS`; both are written by one core
 * from the problem's analysis, once per `--wrt`, through a backend of the
 * Python printer (print/python.ts), so their expressions are exactly what
 * `--format numpy` / `--format torch` print.
 *
 * This sits beside the command line and the answer keys: above the API.
 */
import { analyze, dimExpressions, type Analysis, type DifferentiateOptions } from "../api.js";
import { expandDefinitions } from "../calculus/differential.js";
import type { Expr, Sym } from "../core/expr.js";
import type { PythonBackend } from "../core/operations.js";
import { formatShape, isScalarShape, type Dim } from "../core/shape.js";
import { MatdiffError } from "../errors.js";
import { evaluate } from "../numeric/evaluate.js";
import { positiveSymbols, sampleDims, sampleEnv } from "../numeric/random.js";
import { PYTHON_BACKENDS } from "../print/python-backends.js";
import { freeSizes, pyName, pythonDim, toPython } from "../print/python.js";
import { nameText, toText } from "../print/text.js";
import { nodesInOrder } from "../syntax/ast.js";
import { parse } from "../syntax/parse.js";
import { VERSION } from "../version.js";

/** A problem with one or more variables: the command line's `--wrt X --wrt Y`. */
export type ProgramOptions = Omit<DifferentiateOptions, "wrt" | "hessian" | "check" | "steps"> & { readonly wrt: readonly string[] };

export interface Program {
  /** What `--emit` takes. */
  readonly name: string;
  /** One line for the help. */
  readonly summary: string;
  /** The program's text; throws a MatdiffError for a problem it cannot express. */
  emit(input: string, options: ProgramOptions, commandLine?: string): string;
}

/** One variable's analysis, and the Python the program needs from it. */
interface Part {
  readonly a: Analysis;
  readonly X: Sym;
  readonly name: string;
  /** The gradient (scalar f), or the Jacobian (vector or matrix f), as Python. */
  readonly derivative: string;
  /** For a non-scalar f: Jᵀ applied to `grad_output`, shaped like X. */
  readonly vjp?: string;
}

interface Prepared {
  readonly input: string;
  readonly parts: readonly Part[];
  /** The inputs of f in the order they first appear (definitions read where their name is). */
  readonly inputs: readonly Sym[];
  readonly f: string;
  readonly scalarF: boolean;
  readonly description: readonly string[];
  /** Sizes no input carries (tr(I) of a free size): keyword arguments of the functions. */
  readonly free: readonly string[];
}

const GRAD_OUTPUT = "grad_output";

function prepare(input: string, options: ProgramOptions, backend: PythonBackend, program: string): Prepared {
  const wrts = [...new Set(options.wrt)];
  if (wrts.length === 0) throw new MatdiffError("wrt", "missing the variable to differentiate with respect to", undefined, { hint: "e.g. --wrt x (repeat --wrt for several)" });
  if (options.symmetric === "cookbook") {
    throw new MatdiffError("unsupported", `--emit ${program} uses the gradient that satisfies df = ⟨∇f, dS⟩ (sym); the cookbook convention is not a gradient autograd or finite differences can check`, undefined, {
      hint: "drop --symmetric cookbook",
    });
  }
  const analyses = wrts.map((w) => analyze(input, { ...options, wrt: w }));
  const first = analyses[0]!;
  const squared = analyses.find((a) => a.bySquare);
  if (squared && program === "torch-function") {
    throw new MatdiffError("unsupported", `--emit ${program} hands PyTorch the gradient by each input, and a derivative by ${nameText(squared.X.name)}² is not one`, undefined, {
      hint: `emit by ${nameText(squared.X.name)} (--wrt ${pyName(squared.X.name)}), whose derivative is 2${nameText(squared.X.name)} times this one`,
    });
  }
  const parameterised = [...first.symbols.values()].find((s) => s.props.dependsOn);
  if (parameterised) {
    throw new MatdiffError("unsupported", `--emit ${program} does not take a symbol declared as a function (${nameText(parameterised.name)} of ${nameText(parameterised.props.dependsOn!)}) yet: the program would need its derivative as an input`, undefined, {
      hint: "write the dependence out in the expression, or use --format for the closed form",
    });
  }
  const scalarF = isScalarShape(first.f.shape);
  const py = PYTHON_BACKENDS[backend];
  const symbols = new Map<string, Sym>();
  for (const a of analyses) for (const [n, s] of a.symbols) if (!symbols.has(n)) symbols.set(n, s);
  const dimExpr = dimExpressions(symbols.values(), first.definitions);
  const print = (e: Expr, like?: string) => toPython(expandDefinitions(e, first.definitions), py, { dimExpr, ...(like ? { like } : {}) });

  const parts = analyses.map((a): Part => {
    const name = pyName(a.X.name);
    const derivative = print(a.result, name);
    if (scalarF) return { a, X: a.X, name, derivative };
    const lib = py.name === "torch" ? "torch" : "np";
    return { a, X: a.X, name, derivative, vjp: vjp(a, derivative, lib, dimExpr) };
  });
  const inputs = inputOrder(input, options.where ?? [], first, parts.map((p) => p.X));
  const description: string[] = [
    `f(${inputs.map((s) => nameText(s.name)).join(", ")}) = ${toText(first.f)}`,
    ...[...first.definitions].map(([n, d]) => `  where ${nameText(n)} = ${toText(d)}`),
    ...parts.map((p) => `${derivativeName(p)} = ${toText(p.a.result)}`),
    `Shapes: ${inputs.map((s) => `${nameText(s.name)}: ${shapeWords(s)}`).join("; ")}.`,
    ...parts.filter((p) => p.X.props.symmetric || p.X.props.posdef).map((p) =>
      `${nameText(p.X.name)} is symmetric: f reads its symmetric part (${nameText(p.X.name)} + ${nameText(p.X.name)}ᵀ)/2, so the gradient (G + Gᵀ)/2 is exact for every input.`),
  ];
  const array = inputs.find((s) => !isScalarShape(s.shape)) ?? inputs[0];
  const free = freeSizes([first.f, ...parts.map((x) => x.a.result)].map((e) => expandDefinitions(e, first.definitions)), inputs);
  if (free.length) description.push(`${free.join(", ")}: ${free.length > 1 ? "sizes" : "a size"} no input's shape gives, taken as ${free.length > 1 ? "arguments" : "an argument"} (default 3).`);
  return { input, parts, inputs, f: print(first.f, array && pyName(array.name)), scalarF, description, free };
}

function derivativeName(p: Part): string {
  const x = nameText(p.X.name);
  if (p.a.kind === "gradient") return `∇_${x} f`;
  if (p.a.kind === "derivative") return `df/d${x}`;
  return isScalarShape(p.X.shape) || p.X.shape.cols === 1 ? `∂f/∂${x}` : `∂vec(F)/∂vec(${x})`;
}

function shapeWords(s: Sym): string {
  const { rows, cols } = s.shape;
  const props = [s.props.posdef ? "positive definite" : s.props.symmetric ? "symmetric" : "", s.props.diagonal ? "diagonal" : ""].filter(Boolean);
  const base = isScalarShape(s.shape) ? "scalar" : cols === 1 ? `${formatShape(s.shape).split("×")[0]} (1-D)` : `${formatShape({ rows, cols })}`;
  return [base, ...props].join(", ");
}

/**
 * The vector-Jacobian product Jᵀ g, shaped like X, from the Jacobian J of
 * vec(F) by vec(X) (column-major vec): what a backward pass returns.
 */
function vjp(a: Analysis, jacobian: string, lib: "torch" | "np", dimExpr: (d: Dim) => string): string {
  const g = GRAD_OUTPUT;
  const fMatrix = a.f.shape.rows !== 1 && a.f.shape.cols !== 1;
  const xMatrix = a.X.shape.rows !== 1 && a.X.shape.cols !== 1;
  // by a scalar t the derivative has F's shape: ⟨dF/dt, G⟩
  if (isScalarShape(a.X.shape)) return `${lib}.sum((${jacobian}) * ${g})`;
  const gFlat = fMatrix ? `${g}.T.reshape(-1)` : g;
  const flat = `(${jacobian}).T @ ${gFlat}`;
  if (!xMatrix) return flat;
  const rows = pythonDim(a.X.shape.rows, dimExpr);
  const cols = pythonDim(a.X.shape.cols, dimExpr);
  return `(${flat}).reshape(${cols}, ${rows}).T`;
}

/** The symbols f reads, in the order they first appear in the input (a --where name read where it stands); then any other variable. */
function inputOrder(input: string, where: readonly string[] | Readonly<Record<string, string>>, a: Analysis, wrts: readonly Sym[]): Sym[] {
  const defs = new Map<string, string>();
  const texts = Array.isArray(where) ? where : Object.entries(where).map(([k, v]) => `${k} = ${v}`);
  for (const t of texts) {
    const eq = t.indexOf("=");
    const name = [...a.definitions.keys()].find((n) => n === t.slice(0, eq).trim() || pyName(n) === t.slice(0, eq).trim());
    if (name) defs.set(name, t.slice(eq + 1));
  }
  const order: string[] = [];
  const visit = (text: string, seen: Set<string>) => {
    for (const n of nodesInOrder(parse(text))) {
      if (n.type !== "ident") continue;
      const body = defs.get(n.name);
      if (body !== undefined) { if (!seen.has(n.name)) visit(body, new Set([...seen, n.name])); continue; }
      if (a.symbols.has(n.name) && !a.definitions.has(n.name) && !order.includes(n.name)) order.push(n.name);
    }
  };
  visit(input, new Set());
  const out = order.map((n) => a.symbols.get(n)!);
  for (const s of [...a.symbols.values(), ...wrts]) if (!a.definitions.has(s.name) && !out.some((o) => o.name === s.name)) out.push(s);
  return out;
}

/**
 * Lines that project a gradient-shaped value onto the variable's structure:
 * f reads only the symmetric (diagonal) part of a symmetric (diagonal)
 * input, so its gradient is the projection of the unconstrained one.
 */
function projectGradient(X: Sym, v: string, lib: "torch" | "np"): string[] {
  if (X.props.symmetric || X.props.posdef) return [`${v} = (${v} + ${v}.T) / 2  # ${nameText(X.name)} is symmetric`];
  if (X.props.diagonal) return [`${v} = ${lib}.diag(${lib}.diag(${v}))  # ${nameText(X.name)} is diagonal`];
  return [];
}

/** Lines that replace each structured input by its projection, so f and its gradient agree off the structure too. */
function projections(p: Prepared, lib: "torch" | "np"): string[] {
  return p.inputs.flatMap((s) => {
    const n = pyName(s.name);
    if (s.props.symmetric || s.props.posdef) return [`${n} = (${n} + ${n}.T) / 2  # ${nameText(s.name)} is symmetric`];
    if (s.props.diagonal) return [`${n} = ${lib}.diag(${lib}.diag(${n}))  # ${nameText(s.name)} is diagonal`];
    return [];
  });
}

const indent = (lines: readonly string[], by = "    ") => lines.map((l) => (l ? by + l : l));

function header(p: Prepared, commandLine: string | undefined, what: string): string[] {
  return [
    `"""${what}, generated by matdiff ${VERSION}.`,
    "",
    ...(commandLine ? [`    ${commandLine}`, ""] : []),
    ...p.description,
    `"""`,
  ];
}

/**
 * How the program's own code calls f, grad_f and vjp_f: by those names, or,
 * where an input is called f (a vector f is common) and would shadow the
 * function inside the class or main(), by aliases no symbol can be named.
 */
function callers(p: Prepared): { f: string; grad_f: string; vjp_f: string; aliases: string[] } {
  if (!p.inputs.some((s) => pyName(s.name) === "f")) return { f: "f", grad_f: "grad_f", vjp_f: "vjp_f", aliases: [] };
  return {
    f: "_f", grad_f: "_grad_f", vjp_f: "_vjp_f",
    aliases: ["", "", "# an input is named f: the code below calls the functions by these names", `_f, _grad_f = f, grad_f${p.scalarF ? "" : "\n_vjp_f = vjp_f"}`],
  };
}

/** f and its derivatives as plain functions (shared by both programs). */
function plainFunctions(p: Prepared, lib: "torch" | "np"): string[] {
  // a free size is a keyword argument: f(x) and grad_f(x) agree on it, and no input's shape depends on it
  const args = [...p.inputs.map((s) => pyName(s.name)), ...p.free.map((d) => `${d}=3`)].join(", ");
  const proj = projections(p, lib);
  const several = p.parts.length > 1;
  const names = p.parts.map((x) => x.name).join(", ");
  const out = [
    `def f(${args}):`,
    ...indent(proj),
    `    return ${p.f}`,
    "",
    "",
    `def grad_f(${args}):`,
    p.parts.some((x) => x.a.bySquare)
      ? `    """The derivative with respect to ${names} squared, (d/d${names})/(2 ${names})."""`
      : `    """${p.scalarF ? "The gradient" : "The Jacobian"}${several ? `s with respect to ${names}, in that order` : ` with respect to ${names}`}${p.scalarF ? " (the shape of the variable)" : " (rows: vec f, columns: vec of the variable, column-major)"}."""`,
    ...indent(proj),
    `    return ${p.parts.map((x) => x.derivative).join(", ")}`,
  ];
  if (!p.scalarF) {
    out.push(
      "",
      "",
      `def vjp_f(${GRAD_OUTPUT}, ${args}):`,
      `    """Jᵀ ${GRAD_OUTPUT} for each variable (${names}), shaped like it: what a backward pass returns."""`,
      ...indent(proj),
      ...indent(p.parts.flatMap((x) => [`grad_${x.name} = ${x.vjp!}`, ...projectGradient(x.X, `grad_${x.name}`, lib)])),
      `    return ${p.parts.map((x) => `grad_${x.name}`).join(", ")}`,
    );
  }
  out.push(...callers(p).aliases);
  return out;
}

function torchFunction(input: string, options: ProgramOptions, commandLine?: string): string {
  const p = prepare(input, options, "torch", "torch-function");
  const args = p.inputs.map((s) => pyName(s.name));
  const wanted = new Set(p.parts.map((x) => x.name));
  const lhs = p.parts.map((x) => `grad_${x.name}`).join(", ");
  const returned = args.map((n) => (wanted.has(n) ? (p.scalarF ? `${GRAD_OUTPUT} * grad_${n}` : `grad_${n}`) : "None"));
  return [
    ...header(p, commandLine, "f as a torch.autograd.Function with its closed-form gradient"),
    "import torch",
    "",
    "",
    ...plainFunctions(p, "torch"),
    "",
    "",
    "class F(torch.autograd.Function):",
    `    """f with matdiff's closed-form backward: F.apply(${args.join(", ")}). Inputs not differentiated get None."""`,
    "",
    "    @staticmethod",
    `    def forward(ctx, ${args.join(", ")}):`,
    `        ctx.save_for_backward(${args.join(", ")}${args.length === 1 ? "," : ""})`,
    `        return ${callers(p).f}(${args.join(", ")})`,
    "",
    "    @staticmethod",
    `    def backward(ctx, ${GRAD_OUTPUT}):`,
    `        ${args.join(", ")}${args.length === 1 ? "," : ""} = ctx.saved_tensors`,
    p.scalarF ? `        ${lhs} = ${callers(p).grad_f}(${args.join(", ")})` : `        ${lhs} = ${callers(p).vjp_f}(${GRAD_OUTPUT}, ${args.join(", ")})`,
    `        return ${returned.join(", ")}`,
    "",
  ].join("\n");
}

/** Python for a random value of `s`'s shape and structure; `dims` names the size variables. */
function randomValue(s: Sym, dim: (d: Dim) => string, positive: boolean): string {
  const r = dim(s.shape.rows);
  const c = dim(s.shape.cols);
  if (isScalarShape(s.shape)) return "rng.uniform(0.5, 2.0)";
  // a declared probability vector sums to 1: the closed form may rely on it (𝟏ᵀy = 1)
  if (s.props.probability) return `(lambda p: p / p.sum())(rng.uniform(0.5, 2.0, ${s.shape.cols === 1 ? r : c}))`;
  if (s.shape.cols === 1) return positive ? `rng.uniform(0.5, 2.0, ${r})` : `rng.standard_normal(${r})`;
  if (s.shape.rows === 1) return positive ? `rng.uniform(0.5, 2.0, ${c})` : `rng.standard_normal(${c})`;
  if (s.props.diagonal) return `np.diag(rng.uniform(0.5, 2.0, ${r}))`;
  if (s.props.posdef) return `spd(rng, ${r})`;
  if (s.props.symmetric) return `symmetric(rng, ${r})`;
  if (positive) return s.shape.rows === s.shape.cols ? `positive_square(rng, ${r})` : `rng.uniform(0.5, 2.0, (${r}, ${c}))`;
  // shifted by 2√n past the spectral radius (≈ √n) of a Gaussian matrix: invertible, well conditioned, det > 0
  if (s.shape.rows === s.shape.cols) return `rng.standard_normal((${r}, ${c})) + 2 * np.sqrt(${r}) * np.eye(${r})`;
  return `rng.standard_normal((${r}, ${c}))`;
}

/** Sizes for the symbolic dimensions at which f and every derivative are defined (a Gram matrix XᵀX needs X tall). */
function sizes(p: Prepared): Map<string, number> {
  const exprs = [expandDefinitions(p.parts[0]!.a.f, p.parts[0]!.a.definitions), ...p.parts.map((x) => expandDefinitions(x.a.result, x.a.definitions)), ...p.inputs];
  for (let order = 0; order < 6; order++) {
    for (let seed = 1; seed <= 3; seed++) {
      try {
        const env = sampleEnv(exprs, { seed, sizeOrder: order });
        if (exprs.every((e) => evaluate(e, env).data.every(Number.isFinite))) return new Map(env.dims);
      } catch {
        // singular at these sizes: try others
      }
    }
  }
  return sampleDims(exprs);
}

function numpyScript(input: string, options: ProgramOptions, commandLine?: string): string {
  const p = prepare(input, options, "numpy", "numpy-script");
  const args = p.inputs.map((s) => pyName(s.name));
  const dims = sizes(p);
  const dimNames = [...dims.keys()].filter((d) => !d.includes("·"));
  const sizeVar = (d: string) => `size_${d.replace(/\W/g, "")}`;
  const dim = (d: Dim) => (typeof d === "number" ? String(d) : d.split("·").map((x) => (/^\d+$/.test(x) ? x : sizeVar(x))).join(" * "));
  const positive = positiveSymbols([expandDefinitions(p.parts[0]!.a.f, p.parts[0]!.a.definitions)]);
  // the script's own names (direction, gradient, step, …) are words no symbol's Python name can be
  const randomDirection = (x: Part) => {
    const n = x.name;
    if (x.X.props.symmetric || x.X.props.posdef) return `symmetric(rng, ${dim(x.X.shape.rows)})`;
    if (x.X.props.diagonal) return `np.diag(rng.standard_normal(${dim(x.X.shape.rows)}))`;
    if (isScalarShape(x.X.shape)) return "rng.standard_normal()";
    return `rng.standard_normal(np.shape(${n}))`;
  };
  const derivs = p.parts.map((x) => `grad_${x.name}`);
  const call = callers(p);
  const draws = p.inputs.map((s) => `    ${pyName(s.name)} = ${randomValue(s, dim, positive.has(s.name))}`);
  const usesPositiveSquare = draws.some((d) => d.includes("= positive_square("));
  return [
    "#!/usr/bin/env python3",
    ...header(p, commandLine, "f, its derivative and a finite-difference check"),
    "import sys",
    "",
    "import numpy as np",
    "",
    "",
    ...plainFunctions(p, "np"),
    "",
    "",
    "def symmetric(rng, n):",
    "    M = rng.standard_normal((n, n))",
    "    return (M + M.T) / 2",
    "",
    "",
    "def spd(rng, n):",
    "    M = rng.standard_normal((n, n))",
    "    return M @ M.T / n + np.eye(n)",
    "",
    "",
    ...(usesPositiveSquare ? [
      "def positive_square(rng, n):",
      "    M = rng.uniform(0.5, 2.0, (n, n))",
      "    # swapping two rows flips the sign of det: det > 0 (for det(A)^p), the entries still positive (for log(A))",
      "    return M if np.linalg.det(M) > 0 else M[[1, 0, *range(2, n)]]",
      "",
      "",
    ] : []),
    "def main(seed=0):",
    "    rng = np.random.default_rng(seed)",
    ...dimNames.map((d) => `    ${sizeVar(d)} = ${dims.get(d)}`),
    ...draws,
    `    print("f =", ${call.f}(${args.join(", ")}))`,
    `    ${derivs.join(", ")} = ${call.grad_f}(${args.join(", ")})`,
    ...(p.scalarF ? [] : [`    ${derivs.join(", ")} = ${derivs.map((d) => `np.asarray(${d})`).join(", ")}`]),
    "    worst = 0.0",
    ...p.parts.flatMap((x) => {
      const n = x.name;
      const at = (sign: string) => args.map((a) => (a === n ? `${a} ${sign} step * direction` : a)).join(", ");
      // the Jacobian maps vec(dX) (column-major) to vec(dF); a gradient pairs with dX entry by entry
      const exact = x.a.bySquare
        // the derivative by σ² times d(σ²) = 2σ dσ
        ? `2 * ${n} * ${p.scalarF ? "np.sum(gradient * direction)" : "gradient * direction"}`
        : p.scalarF
        ? "np.sum(gradient * direction)"
        : isScalarShape(x.X.shape) ? "gradient * direction" : "(gradient @ np.ravel(direction, order=\"F\")).reshape(np.shape(f_value), order=\"F\")";
      return [
        `    # d${n}: the directional derivative along a random direction${x.X.props.symmetric || x.X.props.posdef ? " (symmetric, as d" + n + " is)" : x.X.props.diagonal ? " (diagonal, as d" + n + " is)" : ""}`,
        `    direction = ${randomDirection(x)}`,
        `    gradient = grad_${n}`,
        ...(p.scalarF ? [] : [`    f_value = np.asarray(${call.f}(${args.join(", ")}))`]),
        `    step = 1e-5 * max(1.0, float(np.max(np.abs(${n}))))`,
        `    numeric = (np.asarray(${call.f}(${at("+")})) - np.asarray(${call.f}(${at("-")}))) / (2 * step)`,
        `    exact = ${exact}`,
        "    error = float(np.max(np.abs(numeric - exact))) / max(1e-12, float(np.max(np.abs(exact))), float(np.max(np.abs(numeric))))",
        `    print("d/d${n}: relative error %.1e against central differences" % error)`,
        // a NaN is no agreement: max(0.0, nan) is 0.0, so it would have passed
        "    worst = max(worst, error) if np.isfinite(error) else float(\"inf\")",
      ];
    }),
    "    return worst",
    "",
    "",
    `if __name__ == "__main__":`,
    "    worst = main()",
    "    ok = worst < 1e-5",
    `    print("check passed" if ok else "check FAILED")`,
    "    sys.exit(0 if ok else 1)",
    "",
  ].join("\n")
    // NumPy has no erf: its spelling is the standard library's, np.vectorize(math.erf)
    .replace(/^import sys$/m, (line, _at, text: string) => (text.includes("math.") ? `import math\n${line}` : line));
}

/** The programs `--emit` writes, in the order the help lists them. */
export const PROGRAMS: readonly Program[] = [
  { name: "torch-function", summary: "a Python module: f as a torch.autograd.Function with the closed-form backward", emit: torchFunction },
  { name: "numpy-script", summary: "a runnable NumPy script: random data, f, the gradient and a finite-difference check", emit: numpyScript },
];

export const programNamed = (name: string): Program | undefined => PROGRAMS.find((p) => p.name === name);
