/**
 * The operation table: every named function that matdiff applies to one
 * argument (`tanh(X)`, `σ(z)`, `log(x)`) is one entry here, in the way KaTeX
 * keeps one `defineFunction` per command. Everything else derives from it:
 *
 *   the parser's function words and LaTeX commands   syntax/lexer.ts
 *   the shape rule (from `kind`)                     shapes/elaborate.ts
 *   folding at 0, f(0) = 0 or 1                      core/expr.ts `fn`
 *   the differential rule, its source and witness    rules/differentials.ts
 *   the text and LaTeX spellings                     print/text.ts, print/latex.ts
 *   the Python spellings, one per backend            print/python.ts
 *   the numeric value and sampling domain            numeric/evaluate.ts, numeric/random.ts
 *
 * The index form prints an application as one indexed atom (σ(Wx + b)_i)
 * through the text and LaTeX spellings, so it needs none of its own.
 *
 * Every spelling is required by the types: an entry without a NumPy spelling
 * does not compile (there is no fallback that would print `np.softplus`).
 * How to add a function: see "How to add an operation" in README.md.
 *
 * This module sits at the bottom of the layers (core/expr.ts imports it; it
 * imports only rational.ts at run time), so each derivative is written
 * against the constructors handed in.
 */
import type * as Core from "./expr.js";
import type { Expr } from "./expr.js";
import * as Q from "./rational.js";

/** The Python libraries a printer backend targets (print/python.ts); a new one makes every entry name its spelling. */
export type PythonBackend = "numpy" | "torch";

/** How tightly a Python spelling binds, loosest first (the printer's own ladder). */
export type PythonBinding = "sum" | "product" | "unary" | "power" | "atom";

/**
 * A Python spelling: the dotted name of a function called on the argument
 * (`np.tanh`), or a template given the argument printed so that it binds at
 * least as tightly as asked, with how tightly the result binds.
 */
export type PythonSpelling =
  | string
  | { readonly binds: PythonBinding; readonly template: (arg: (atLeast: PythonBinding) => string) => string };

interface OperationBase {
  /** ASCII words that call it, `tanh(x)` or LaTeX-operator style `tanh x`; also `\operatorname{…}` of each. */
  readonly words: readonly string[];
  /** Names that call it only inside `\operatorname{…}`: `\operatorname{H}` (a bare H is a matrix). */
  readonly operatornames?: readonly string[];
  /** LaTeX commands that call it (`\tanh`), without the backslash. */
  readonly commands: readonly string[];
  /** The text printer's form of f(arg). */
  readonly text: (arg: string) => string;
  /** The LaTeX printer's form of f(arg); it must render in KaTeX and parse back. */
  readonly latex: (arg: string) => string;
  /**
   * The text and LaTeX forms are operator forms (`log softmax(z)`), which take
   * the rest of an implicit product, so the printers bracket what follows.
   */
  readonly operatorForm?: boolean;
  /** Said under every result whose function uses it (a convention the reader must know). */
  readonly note?: string;
  readonly python: { readonly [B in PythonBackend]: PythonSpelling };
  /** The differential rule: where it comes from, the identity in LaTeX, and an input it must fire on. */
  readonly rule: { readonly source: string; readonly formula: string; readonly witness: string };
}

/**
 * f applied entry by entry: the shape is the argument's, the differential
 * d f(X) = f′(X) ⊙ dX, the transpose passes through, f(Xᵀ) = f(X)ᵀ.
 */
/**
 * The constructors an operation's derivative is built with, handed in by rules/differentials.ts. The few
 * it uses, not the whole module: its namespace object, a getter for each of its exports, was built at every
 * start only to be handed here.
 */
export type Builders = Pick<typeof Core, "fn" | "hpower" | "ones" | "mul" | "sub" | "hadamard" | "add" | "num" | "neg" | "transpose" | "power" | "constant" | "scale" | "zero">;

export interface Elementwise extends OperationBase {
  readonly kind: "elementwise";
  /**
   * f′, entrywise, built with the given constructors. Written `(x, E): Expr =>`:
   * the annotation keeps the table's type from depending on E.fn's, whose
   * parameter is this table's keys.
   */
  readonly derivative: (x: Expr, E: Builders) => Expr;
  /** The value at a real number. */
  readonly value: (t: number) => number;
  /** f(0) when it is the number 0, 1 or ½, so that constructors fold it (sin 0 = 0, exp 0 = 1, σ(0) = ½). */
  readonly atZero?: 0 | 1 | 0.5;
  /** Numeric checks sample the argument's symbols with positive entries (log, sqrt), or in (0, 1) (arcsin, artanh). */
  readonly domain?: "positive" | "unit";
  /**
   * 1 − f(t) without the cancellation where f nears 1 (1 − σ(t) = σ(−t), 1 − Φ(t) = Φ(−t)): numeric checks
   * evaluate 𝟏 − f(u) with `value`, or log(1 − Φ(xᵀβ)) of a probit likelihood is log 0 wherever xᵀβ > 8.3,
   * and generated code spells it with `python` where it is given.
   */
  readonly complement?: { readonly value: (t: number) => number; readonly python?: { readonly [B in PythonBackend]: PythonSpelling } };
}

/**
 * A vector to a vector of its size (softmax). A row vector is one vector; a
 * matrix is taken column by column, and a note says so.
 */
export interface ColumnMap extends OperationBase {
  readonly kind: "columns";
  /** The value of one column (or row vector). */
  readonly column: (xs: readonly number[]) => number[];
  /** d f(u) given the node f = f(u) itself and du, built with the given constructors. */
  readonly differential: (f: Core.Fn, du: Expr, E: Builders) => Expr;
}

/** A vector (either orientation) to a scalar (logsumexp); a matrix is an error that suggests vec. */
export interface VectorReduction extends OperationBase {
  readonly kind: "reduce";
  readonly reduce: (xs: readonly number[]) => number;
  readonly differential: (f: Core.Fn, du: Expr, E: Builders) => Expr;
}

export type Operation = Elementwise | ColumnMap | VectorReduction;

/** log Σ eˣⁱ without overflow. */
function logSumExp(xs: readonly number[]): number {
  const top = Math.max(...xs);
  if (!Number.isFinite(top)) return top;
  return top + Math.log(xs.reduce((acc, x) => acc + Math.exp(x - top), 0));
}

/**
 * erf to double precision, as JavaScript has no Math.erf: the Maclaurin series
 * erf t = (2/√π) Σ (−1)ⁿ t²ⁿ⁺¹ / (n! (2n + 1)) for |t| < 3 (DLMF 7.6.1; at most
 * about 60 terms, cancellation below 1e-13 there), and 1 − erfc beyond.
 */
function erf(t: number): number {
  if (Number.isNaN(t)) return t;
  const a = Math.abs(t);
  if (a < 3) {
    let term = t, total = t;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(total); n++) {
      term *= -t * t / n;
      total += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * total;
  }
  if (a > 6) return Math.sign(t); // erfc(6) ≈ 2e-17: below a double's resolution near 1
  return Math.sign(t) * (1 - erfcTail(a));
}

/**
 * erfc a for a ≥ 3 with its relative precision, far into the tail (erfc 10 ≈ 2e-45): the continued fraction
 * erfc a = e^{−a²}/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …))))) (DLMF 7.9.2), by Lentz's method.
 */
function erfcTail(a: number): number {
  const tiny = 1e-300;
  let f = a, c = a, d = 0;
  for (let k = 1; k < 200; k++) {
    const ak = k / 2;
    d = a + ak * d; d = Math.abs(d) < tiny ? tiny : d; d = 1 / d;
    c = a + ak / c; c = Math.abs(c) < tiny ? tiny : c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
}

/** erfc t = 1 − erf t, without losing the tail to cancellation: log Φ(−8) needs erfc(5.7) ≈ 1e-15 to 15 digits. */
const erfc = (t: number): number => (t >= 3 ? erfcTail(t) : 1 - erf(t));

const COLUMNS_NOTE = "softmax of a matrix is taken column by column: each column of the result sums to 1";

const call = (head: string) => (arg: string) => `${head}(${arg})`;
/**
 * An operator name in LaTeX. KaTeX sets \\mathop{\\mathrm{tr}} as it sets \\operatorname{tr}, with the same
 * spacing, but \\operatorname is a macro that costs three of KaTeX's 1,000 expansions, and a long
 * Hessian derivation has hundreds of operator names. The parser reads both spellings.
 */
export const latexOperatorName = (name: string): string => `\\mathop{\\mathrm{${name}}}`;
const operatorname = (name: string) => call(latexOperatorName(name));

/** Each derivative as printed in the rule's formula is f′(X) ⊙ dX; `d` spells the LaTeX once. */
const entrywise = (f: string, fPrime: string) => `\\mathrm{d}${f} = ${fPrime} \\odot \\mathrm{d}X`;

/** The keys are inferred, the values checked as operations: a table typo is a compile error, not a new name. */
const defineOperations = <K extends string>(table: { readonly [N in K]: Operation }): { readonly [N in K]: Operation } => table;

export const OPERATIONS = defineOperations({
  log: {
    kind: "elementwise", words: ["log", "ln"], commands: ["log", "ln"], text: call("log"), latex: call("\\log"), python: { numpy: "np.log", torch: "torch.log" },
    value: Math.log, domain: "positive", derivative: (x, E): Expr => E.hpower(x, -1),
    rule: { source: "derived: (log t)′ = 1/t entrywise", formula: entrywise("\\log(X)", "X^{\\circ -1}"), witness: "sum(log(x))" },
  },
  log10: {
    // `\log_{10}` and `\log_2` are read as these (syntax/lexer.ts); log10(x) is not log(10x)
    kind: "elementwise", words: ["log10"], commands: [], text: call("log10"), latex: (arg) => `\\log_{10}(${arg})`, python: { numpy: "np.log10", torch: "torch.log10" },
    value: Math.log10, domain: "positive", derivative: (x, E): Expr => E.mul(E.power(E.fn("log", E.num(10)), -1), E.hpower(x, -1)),
    rule: { source: "derived: log₁₀ t = log t / log 10, so (log₁₀ t)′ = 1/(t log 10) entrywise", formula: entrywise("\\log_{10}(X)", "\\tfrac{1}{\\log 10} X^{\\circ -1}"), witness: "sum(log10(x))" },
  },
  log2: {
    kind: "elementwise", words: ["log2"], commands: [], text: call("log2"), latex: (arg) => `\\log_{2}(${arg})`, python: { numpy: "np.log2", torch: "torch.log2" },
    value: Math.log2, domain: "positive", derivative: (x, E): Expr => E.mul(E.power(E.fn("log", E.num(2)), -1), E.hpower(x, -1)),
    rule: { source: "derived: log₂ t = log t / log 2, so (log₂ t)′ = 1/(t log 2) entrywise", formula: entrywise("\\log_{2}(X)", "\\tfrac{1}{\\log 2} X^{\\circ -1}"), witness: "sum(log2(x))" },
  },
  exp: {
    kind: "elementwise", words: ["exp"], commands: ["exp"], text: call("exp"), latex: call("\\exp"), python: { numpy: "np.exp", torch: "torch.exp" },
    value: Math.exp, atZero: 1, derivative: (x, E): Expr => E.fn("exp", x),
    rule: { source: "derived: (eᵗ)′ = eᵗ entrywise", formula: entrywise("\\exp(X)", "\\exp(X)"), witness: "sum(exp(x))" },
  },
  exp2: {
    kind: "elementwise", words: ["exp2"], commands: [], text: call("exp2"), latex: operatorname("exp2"), python: { numpy: "np.exp2", torch: "torch.exp2" },
    value: (t) => 2 ** t, atZero: 1, derivative: (x, E): Expr => E.mul(E.fn("log", E.num(2)), E.fn("exp2", x)),
    rule: { source: "derived: (2ᵗ)′ = 2ᵗ log 2 entrywise", formula: entrywise("\\operatorname{exp2}(X)", "\\log 2 \\, \\operatorname{exp2}(X)"), witness: "sum(exp2(x))" },
  },
  sin: {
    kind: "elementwise", words: ["sin"], commands: ["sin"], text: call("sin"), latex: call("\\sin"), python: { numpy: "np.sin", torch: "torch.sin" },
    value: Math.sin, atZero: 0, derivative: (x, E): Expr => E.fn("cos", x),
    rule: { source: "derived: (sin t)′ = cos t entrywise", formula: entrywise("\\sin(X)", "\\cos(X)"), witness: "sum(sin(x))" },
  },
  cos: {
    kind: "elementwise", words: ["cos"], commands: ["cos"], text: call("cos"), latex: call("\\cos"), python: { numpy: "np.cos", torch: "torch.cos" },
    value: Math.cos, atZero: 1, derivative: (x, E): Expr => E.neg(E.fn("sin", x)),
    rule: { source: "derived: (cos t)′ = −sin t entrywise", formula: entrywise("\\cos(X)", "-\\sin(X)"), witness: "sum(cos(x))" },
  },
  tanh: {
    kind: "elementwise", words: ["tanh"], commands: ["tanh"], text: call("tanh"), latex: call("\\tanh"), python: { numpy: "np.tanh", torch: "torch.tanh" },
    value: Math.tanh, atZero: 0, derivative: (x, E): Expr => E.sub(E.ones(x.shape), E.hpower(E.fn("tanh", x), 2)),
    rule: { source: "derived: (tanh t)′ = 1 − tanh² t entrywise", formula: entrywise("\\tanh(X)", "(\\mathbf{1} - \\tanh(X)^{\\circ 2})"), witness: "sum(tanh(x))" },
  },
  tan: {
    kind: "elementwise", words: ["tan"], commands: ["tan"], text: call("tan"), latex: call("\\tan"), python: { numpy: "np.tan", torch: "torch.tan" },
    value: Math.tan, atZero: 0, derivative: (x, E): Expr => E.add(E.ones(x.shape), E.hpower(E.fn("tan", x), 2)),
    rule: { source: "derived: (tan t)′ = 1 + tan² t = sec² t entrywise", formula: entrywise("\\tan(X)", "(\\mathbf{1} + \\tan(X)^{\\circ 2})"), witness: "sum(tan(x))" },
  },
  arctan: {
    kind: "elementwise", words: ["arctan", "atan"], commands: ["arctan"], text: call("arctan"), latex: call("\\arctan"), python: { numpy: "np.arctan", torch: "torch.arctan" },
    value: Math.atan, atZero: 0, derivative: (x, E): Expr => E.hpower(E.add(E.ones(x.shape), E.hpower(x, 2)), -1),
    rule: { source: "derived: (arctan t)′ = 1/(1 + t²) entrywise", formula: entrywise("\\arctan(X)", "(\\mathbf{1} + X^{\\circ 2})^{\\circ -1}"), witness: "sum(arctan(x))" },
  },
  arcsin: {
    kind: "elementwise", words: ["arcsin", "asin"], commands: ["arcsin"], text: call("arcsin"), latex: call("\\arcsin"), python: { numpy: "np.arcsin", torch: "torch.asin" },
    value: Math.asin, atZero: 0, domain: "unit", derivative: (x, E): Expr => E.hpower(E.sub(E.ones(x.shape), E.hpower(x, 2)), Q.rat(-1, 2)),
    rule: { source: "derived: (arcsin t)′ = 1/√(1 − t²) entrywise, |t| < 1 (DLMF 4.24.1)", formula: entrywise("\\arcsin(X)", "(\\mathbf{1} - X^{\\circ 2})^{\\circ -1/2}"), witness: "sum(arcsin(x))" },
  },
  arccos: {
    kind: "elementwise", words: ["arccos", "acos"], commands: ["arccos"], text: call("arccos"), latex: call("\\arccos"), python: { numpy: "np.arccos", torch: "torch.acos" },
    value: Math.acos, domain: "unit", derivative: (x, E): Expr => E.neg(E.hpower(E.sub(E.ones(x.shape), E.hpower(x, 2)), Q.rat(-1, 2))),
    rule: { source: "derived: (arccos t)′ = −1/√(1 − t²) entrywise, |t| < 1 (DLMF 4.24.2)", formula: entrywise("\\arccos(X)", "-(\\mathbf{1} - X^{\\circ 2})^{\\circ -1/2}"), witness: "sum(arccos(x))" },
  },
  cot: {
    kind: "elementwise", words: ["cot"], commands: ["cot"], text: call("cot"), latex: call("\\cot"),
    python: { numpy: { binds: "product", template: (x) => `1 / np.tan(${x("sum")})` }, torch: { binds: "product", template: (x) => `1 / torch.tan(${x("sum")})` } },
    value: (t) => 1 / Math.tan(t), derivative: (x, E): Expr => E.neg(E.add(E.ones(x.shape), E.hpower(E.fn("cot", x), 2))),
    rule: { source: "derived: (cot t)′ = −(1 + cot² t) = −csc² t entrywise", formula: entrywise("\\cot(X)", "-(\\mathbf{1} + \\cot(X)^{\\circ 2})"), witness: "sum(cot(x))" },
  },
  sec: {
    kind: "elementwise", words: ["sec"], commands: ["sec"], text: call("sec"), latex: call("\\sec"),
    python: { numpy: { binds: "product", template: (x) => `1 / np.cos(${x("sum")})` }, torch: { binds: "product", template: (x) => `1 / torch.cos(${x("sum")})` } },
    value: (t) => 1 / Math.cos(t), atZero: 1, derivative: (x, E): Expr => E.hadamard(E.fn("sec", x), E.fn("tan", x)),
    rule: { source: "derived: (sec t)′ = sec t tan t entrywise", formula: entrywise("\\sec(X)", "\\sec(X) \\odot \\tan(X)"), witness: "sum(sec(x))" },
  },
  csc: {
    kind: "elementwise", words: ["csc"], commands: ["csc"], text: call("csc"), latex: call("\\csc"),
    python: { numpy: { binds: "product", template: (x) => `1 / np.sin(${x("sum")})` }, torch: { binds: "product", template: (x) => `1 / torch.sin(${x("sum")})` } },
    value: (t) => 1 / Math.sin(t), derivative: (x, E): Expr => E.neg(E.hadamard(E.fn("csc", x), E.fn("cot", x))),
    rule: { source: "derived: (csc t)′ = −csc t cot t entrywise", formula: entrywise("\\csc(X)", "-\\csc(X) \\odot \\cot(X)"), witness: "sum(csc(x))" },
  },
  sinh: {
    kind: "elementwise", words: ["sinh"], commands: ["sinh"], text: call("sinh"), latex: call("\\sinh"), python: { numpy: "np.sinh", torch: "torch.sinh" },
    value: Math.sinh, atZero: 0, derivative: (x, E): Expr => E.fn("cosh", x),
    rule: { source: "derived: (sinh t)′ = cosh t entrywise", formula: entrywise("\\sinh(X)", "\\cosh(X)"), witness: "sum(sinh(x))" },
  },
  cosh: {
    kind: "elementwise", words: ["cosh"], commands: ["cosh"], text: call("cosh"), latex: call("\\cosh"), python: { numpy: "np.cosh", torch: "torch.cosh" },
    value: Math.cosh, atZero: 1, derivative: (x, E): Expr => E.fn("sinh", x),
    rule: { source: "derived: (cosh t)′ = sinh t entrywise", formula: entrywise("\\cosh(X)", "\\sinh(X)"), witness: "sum(cosh(x))" },
  },
  arsinh: {
    kind: "elementwise", words: ["arsinh", "arcsinh", "asinh"], commands: [], text: call("arsinh"), latex: operatorname("arsinh"), python: { numpy: "np.arcsinh", torch: "torch.asinh" },
    value: Math.asinh, atZero: 0, derivative: (x, E): Expr => E.hpower(E.add(E.ones(x.shape), E.hpower(x, 2)), Q.rat(-1, 2)),
    rule: { source: "derived: (arsinh t)′ = 1/√(1 + t²) entrywise (DLMF 4.38.1)", formula: entrywise("\\operatorname{arsinh}(X)", "(\\mathbf{1} + X^{\\circ 2})^{\\circ -1/2}"), witness: "sum(arsinh(x))" },
  },
  artanh: {
    kind: "elementwise", words: ["artanh", "arctanh", "atanh"], commands: [], text: call("artanh"), latex: operatorname("artanh"), python: { numpy: "np.arctanh", torch: "torch.atanh" },
    value: Math.atanh, atZero: 0, domain: "unit", derivative: (x, E): Expr => E.hpower(E.sub(E.ones(x.shape), E.hpower(x, 2)), -1),
    rule: { source: "derived: (artanh t)′ = 1/(1 − t²) entrywise, |t| < 1 (DLMF 4.38.3)", formula: entrywise("\\operatorname{artanh}(X)", "(\\mathbf{1} - X^{\\circ 2})^{\\circ -1}"), witness: "sum(artanh(x))" },
  },
  sigmoid: {
    // σ glued to `(` also calls it (syntax/lexer.ts): σ(z) is how the textbooks write it
    kind: "elementwise", words: ["sigmoid", "expit"], commands: [], text: call("σ"), latex: call("\\sigma"),
    python: { numpy: { binds: "product", template: (x) => `1 / (1 + np.exp(-${x("power")}))` }, torch: "torch.sigmoid" },
    // two branches so that neither overflows: e^{-t} for t ≥ 0, e^{t} for t < 0
    value: (t) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t))), atZero: 0.5,
    complement: { value: (t) => (t <= 0 ? 1 / (1 + Math.exp(t)) : Math.exp(-t) / (1 + Math.exp(-t))) },
    derivative: (x, E): Expr => E.hadamard(E.fn("sigmoid", x), E.sub(E.ones(x.shape), E.fn("sigmoid", x))),
    rule: { source: "derived: σ′ = σ(1 − σ) entrywise", formula: entrywise("\\sigma(X)", "\\sigma(X) \\odot (\\mathbf{1} - \\sigma(X))"), witness: "sum(sigmoid(x))" },
  },
  log1p: {
    // log(1 + t), accurate for small t; its argument is sampled positive, inside its domain t > −1
    kind: "elementwise", words: ["log1p"], commands: [], text: call("log1p"), latex: operatorname("log1p"), python: { numpy: "np.log1p", torch: "torch.log1p" },
    value: Math.log1p, atZero: 0, domain: "positive", derivative: (x, E): Expr => E.hpower(E.add(E.ones(x.shape), x), -1),
    rule: { source: "derived: (log(1 + t))′ = 1/(1 + t) entrywise", formula: entrywise("\\operatorname{log1p}(X)", "(\\mathbf{1} + X)^{\\circ -1}"), witness: "sum(log1p(x))" },
  },
  expm1: {
    kind: "elementwise", words: ["expm1"], commands: [], text: call("expm1"), latex: operatorname("expm1"), python: { numpy: "np.expm1", torch: "torch.expm1" },
    value: Math.expm1, atZero: 0, derivative: (x, E): Expr => E.fn("exp", x),
    rule: { source: "derived: (eᵗ − 1)′ = eᵗ entrywise", formula: entrywise("\\operatorname{expm1}(X)", "\\exp(X)"), witness: "sum(expm1(x))" },
  },
  erf: {
    // NumPy has no erf (SciPy's is scipy.special.erf): the standard library's, vectorised; the code needs `import math`
    kind: "elementwise", words: ["erf"], commands: [], text: call("erf"), latex: operatorname("erf"),
    python: { numpy: { binds: "atom", template: (x) => `np.vectorize(math.erf)(${x("sum")})` }, torch: "torch.erf" },
    value: erf, atZero: 0, complement: { value: erfc },
    derivative: (x, E): Expr => E.mul(E.num(2), E.power(E.fn("sqrt", E.constant("pi")), -1), E.fn("exp", E.neg(E.hpower(x, 2)))),
    rule: {
      source: "derived: erf t = (2/√π) ∫₀ᵗ e^{−s²} ds, so erf′ t = (2/√π) e^{−t²} entrywise (DLMF 7.2.1, 7.10.1)",
      formula: entrywise("\\operatorname{erf}(X)", "\\tfrac{2}{\\sqrt{\\pi}} \\exp(-X^{\\circ 2})"), witness: "sum(erf(x))",
    },
  },
  normcdf: {
    // Φ glued to `(` calls it when Φ names nothing else in the input (syntax/lexer.ts): Φ(wᵀx) of a probit model
    kind: "elementwise", words: ["normcdf"], commands: [], text: call("Φ"), latex: call("\\Phi"),
    note: "Φ is the standard normal distribution function, Φ(t) = (1 + erf(t/√2))/2, and its derivative the density φ(t) = exp(−t²/2)/√(2π)",
    // NumPy has no erfc (SciPy's ndtr is Φ itself): the standard library's, vectorised; PyTorch's own ndtr loses
    // the lower tail (1.13: Φ(−6) to 5 digits), its erfc does not
    python: { numpy: { binds: "product", template: (x) => `0.5 * np.vectorize(math.erfc)(-${x("power")} / np.sqrt(2))` }, torch: { binds: "product", template: (x) => `0.5 * torch.erfc(-${x("power")} / 2 ** 0.5)` } },
    value: (t) => erfc(-t / Math.SQRT2) / 2, atZero: 0.5,
    complement: {
      value: (t) => erfc(t / Math.SQRT2) / 2,
      python: { numpy: { binds: "product", template: (x) => `0.5 * np.vectorize(math.erfc)(${x("product")} / np.sqrt(2))` }, torch: { binds: "product", template: (x) => `0.5 * torch.erfc(${x("product")} / 2 ** 0.5)` } },
    },
    derivative: (x, E): Expr => E.mul(E.power(E.fn("sqrt", E.mul(E.num(2), E.constant("pi"))), -1), E.fn("exp", E.scale(Q.rat(-1, 2), E.hpower(x, 2)))),
    rule: {
      source: "derived: Φ t = ∫_{−∞}^t e^{−s²/2} ds/√(2π), so Φ′ t = e^{−t²/2}/√(2π) entrywise (DLMF 7.2.1, 7.18.1)",
      formula: entrywise("\\Phi(X)", "\\tfrac{1}{\\sqrt{2\\pi}} \\exp(-\\tfrac{1}{2} X^{\\circ 2})"), witness: "sum(normcdf(x))",
    },
  },
  erfc: {
    kind: "elementwise", words: ["erfc"], commands: [], text: call("erfc"), latex: operatorname("erfc"),
    python: { numpy: { binds: "atom", template: (x) => `np.vectorize(math.erfc)(${x("sum")})` }, torch: "torch.erfc" },
    value: erfc, atZero: 1,
    derivative: (x, E): Expr => E.neg(E.mul(E.num(2), E.power(E.fn("sqrt", E.constant("pi")), -1), E.fn("exp", E.neg(E.hpower(x, 2))))),
    rule: { source: "derived: erfc t = 1 − erf t, so erfc′ t = −(2/√π) e^{−t²} entrywise (DLMF 7.2.2)", formula: entrywise("\\operatorname{erfc}(X)", "-\\tfrac{2}{\\sqrt{\\pi}} \\exp(-X^{\\circ 2})"), witness: "sum(erfc(x))" },
  },
  gelu: {
    // the exact GELU, x Φ(x) (Hendrycks & Gimpel 2016; PyTorch's default), not its tanh approximation
    kind: "elementwise", words: ["gelu", "GELU"], commands: [], text: call("gelu"), latex: operatorname("GELU"),
    python: { numpy: { binds: "product", template: (x) => `${x("power")} * (0.5 * np.vectorize(math.erfc)(-${x("power")} / np.sqrt(2)))` }, torch: "torch.nn.functional.gelu" },
    value: (t) => t * erfc(-t / Math.SQRT2) / 2, atZero: 0,
    derivative: (x, E): Expr => E.add(E.fn("normcdf", x), E.mul(E.power(E.fn("sqrt", E.mul(E.num(2), E.constant("pi"))), -1), E.hadamard(x, E.fn("exp", E.scale(Q.rat(-1, 2), E.hpower(x, 2)))))),
    note: "gelu is the exact GELU, gelu(t) = t Φ(t) with Φ the standard normal distribution function (PyTorch's default, not its tanh approximation)",
    rule: { source: "derived: (t Φ(t))′ = Φ(t) + t φ(t) entrywise, φ(t) = e^{−t²/2}/√(2π) (Hendrycks & Gimpel, GELUs, 2016)", formula: entrywise("\\operatorname{GELU}(X)", "\\Phi(X) + \\tfrac{1}{\\sqrt{2\\pi}} X \\odot \\exp(-\\tfrac{1}{2} X^{\\circ 2})"), witness: "sum(gelu(x))" },
  },
  silu: {
    kind: "elementwise", words: ["silu", "SiLU", "swish"], commands: [], text: call("silu"), latex: operatorname("SiLU"),
    python: { numpy: { binds: "product", template: (x) => `${x("power")} / (1 + np.exp(-${x("power")}))` }, torch: "torch.nn.functional.silu" },
    value: (t) => (t >= 0 ? t / (1 + Math.exp(-t)) : t * Math.exp(t) / (1 + Math.exp(t))), atZero: 0,
    derivative: (x, E): Expr => E.hadamard(E.fn("sigmoid", x), E.add(E.ones(x.shape), E.hadamard(x, E.sub(E.ones(x.shape), E.fn("sigmoid", x))))),
    rule: { source: "derived: (t σ(t))′ = σ(t)(1 + t(1 − σ(t))) entrywise (Elfwing et al. 2018; Ramachandran et al., swish, 2017)", formula: entrywise("\\operatorname{SiLU}(X)", "\\sigma(X) \\odot (\\mathbf{1} + X \\odot (\\mathbf{1} - \\sigma(X)))"), witness: "sum(silu(x))" },
  },
  softsign: {
    kind: "elementwise", words: ["softsign"], commands: [], text: call("softsign"), latex: operatorname("softsign"),
    python: { numpy: { binds: "product", template: (x) => `${x("power")} / (1 + np.abs(${x("sum")}))` }, torch: "torch.nn.functional.softsign" },
    value: (t) => t / (1 + Math.abs(t)), atZero: 0, derivative: (x, E): Expr => E.hpower(E.add(E.ones(x.shape), E.fn("abs", x)), -2),
    rule: { source: "derived: (t/(1 + |t|))′ = 1/(1 + |t|)² entrywise", formula: entrywise("\\operatorname{softsign}(X)", "(\\mathbf{1} + \\lvert X \\rvert)^{\\circ -2}"), witness: "sum(softsign(x))" },
  },
  relu: {
    kind: "elementwise", words: ["relu", "ReLU"], commands: [], text: call("relu"), latex: operatorname("ReLU"), python: { numpy: { binds: "atom", template: (x) => `np.maximum(${x("sum")}, 0)` }, torch: "torch.relu" },
    value: (t) => Math.max(t, 0), atZero: 0, derivative: (x, E): Expr => E.fn("heaviside", x),
    note: "relu′ is the step heaviside(t) = H(t) = 𝟙[t > 0]: at 0, where relu has no derivative, it is taken as 0",
    rule: { source: "derived: max(t, 0)′ = 𝟙[t > 0] entrywise (t ≠ 0)", formula: entrywise("\\operatorname{ReLU}(X)", "\\operatorname{H}(X)"), witness: "sum(relu(x))" },
  },
  heaviside: {
    // the step 𝟙[t > 0]; textbooks write H(t), which only \operatorname{H} can say without taking the matrix H
    kind: "elementwise", words: ["heaviside"], operatornames: ["H"], commands: [], text: call("heaviside"), latex: operatorname("H"),
    python: { numpy: { binds: "atom", template: (x) => `np.heaviside(${x("sum")}, 0)` }, torch: { binds: "atom", template: (x) => `torch.heaviside(${x("sum")}, torch.zeros_like(${x("sum")}))` } },
    value: (t) => (t > 0 ? 1 : 0), atZero: 0, derivative: (x, E): Expr => E.zero(x.shape),
    rule: { source: "derived: the step is locally constant (t ≠ 0)", formula: "\\mathrm{d}\\operatorname{H}(X) = 0", witness: "sum(heaviside(x))" },
  },
  softplus: {
    kind: "elementwise", words: ["softplus"], commands: [], text: call("softplus"), latex: operatorname("softplus"),
    python: { numpy: { binds: "atom", template: (x) => `np.logaddexp(0, ${x("sum")})` }, torch: "torch.nn.functional.softplus" },
    // log(1 + eᵗ) without overflow for large t or loss of digits for very negative t
    value: (t) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))),
    derivative: (x, E): Expr => E.fn("sigmoid", x),
    rule: { source: "derived: (log(1 + eᵗ))′ = eᵗ/(1 + eᵗ) = σ(t) entrywise", formula: entrywise("\\operatorname{softplus}(X)", "\\sigma(X)"), witness: "sum(softplus(x))" },
  },
  sqrt: {
    // `\sqrt` takes a braced argument, so the lexer reads it as its own token, not a command here
    kind: "elementwise", words: ["sqrt"], commands: [], text: call("sqrt"), latex: (arg) => `\\sqrt{${arg}}`, python: { numpy: "np.sqrt", torch: "torch.sqrt" },
    value: Math.sqrt, atZero: 0, domain: "positive", derivative: (x, E): Expr => E.scale(Q.rat(1, 2), E.hpower(x, Q.rat(-1, 2))),
    rule: { source: "derived: (√t)′ = 1/(2√t) entrywise", formula: entrywise("\\sqrt{X}", "\\tfrac{1}{2} X^{\\circ -1/2}"), witness: "sum(sqrt(X))" },
  },
  abs: {
    kind: "elementwise", words: ["abs"], commands: [], text: call("abs"), latex: operatorname("abs"), python: { numpy: "np.abs", torch: "torch.abs" },
    value: Math.abs, atZero: 0, derivative: (x, E): Expr => E.fn("sign", x),
    rule: { source: "derived: |t|′ = sign t entrywise (t ≠ 0)", formula: "\\mathrm{d}\\lvert X \\rvert = \\operatorname{sign}(X) \\odot \\mathrm{d}X", witness: "sum(abs(x))" },
  },
  sign: {
    kind: "elementwise", words: ["sign"], commands: [], text: call("sign"), latex: operatorname("sign"), python: { numpy: "np.sign", torch: "torch.sign" },
    value: Math.sign, atZero: 0, derivative: (x, E): Expr => E.zero(x.shape),
    rule: { source: "derived: sign is locally constant (t ≠ 0)", formula: "\\mathrm{d}\\operatorname{sign}(X) = 0", witness: "sum(sign(x))" },
  },
  softmax: {
    kind: "columns", words: ["softmax"], commands: [], text: call("softmax"), latex: operatorname("softmax"),
    python: { numpy: { binds: "atom", template: (x) => `np.exp(${x("sum")} - np.logaddexp.reduce(${x("sum")}, axis=0))` }, torch: { binds: "atom", template: (x) => `torch.softmax(${x("sum")}, dim=0)` } },
    note: COLUMNS_NOTE,
    column: (xs) => { const lse = logSumExp(xs); return xs.map((x) => Math.exp(x - lse)); },
    // d s = (Diag(s) − s sᵀ) du for a vector, column by column for a matrix: S ⊙ (dU − 𝟏𝟏ᵀ(S ⊙ dU))
    differential: (s, du, E): Expr => (s.shape.cols === 1 || s.shape.rows === 1
      ? E.sub(E.hadamard(s, du), E.mul(s, s.shape.cols === 1 ? E.mul(E.transpose(s), du) : E.mul(du, E.transpose(s))))
      : E.hadamard(s, E.sub(du, E.mul(E.ones({ rows: s.shape.rows, cols: 1 }), E.ones({ rows: 1, cols: s.shape.rows }), E.hadamard(s, du))))),
    rule: {
      source: "derived: ∂sᵢ/∂uⱼ = sᵢ(δᵢⱼ − sⱼ), s = softmax(u) (Bishop, PRML eq. 4.106)",
      formula: "\\mathrm{d}\\operatorname{softmax}(u) = (\\operatorname{diag}(s) - s s^{\\top}) \\mathrm{d}u, \\quad s = \\operatorname{softmax}(u)",
      witness: "a^T softmax(x)",
    },
  },
  log_softmax: {
    // log(softmax(u)) is built as this node (core/expr.ts `fn`), so `log softmax(u)` prints and reads back as one
    kind: "columns", words: ["log_softmax", "logsoftmax"], commands: [], operatorForm: true,
    text: (arg) => `log softmax(${arg})`, latex: (arg) => `\\log${latexOperatorName("softmax")}(${arg})`,
    python: { numpy: { binds: "sum", template: (x) => `${x("sum")} - np.logaddexp.reduce(${x("sum")}, axis=0)` }, torch: { binds: "atom", template: (x) => `torch.log_softmax(${x("sum")}, dim=0)` } },
    note: COLUMNS_NOTE,
    column: (xs) => { const lse = logSumExp(xs); return xs.map((x) => x - lse); },
    // d log softmax(u) = du − 𝟏 softmax(u)ᵀ du; column by column dU − 𝟏𝟏ᵀ(softmax(U) ⊙ dU)
    differential: (f, du, E): Expr => {
      const s = E.fn("softmax", f.arg);
      if (f.shape.cols === 1) return E.sub(du, E.mul(E.ones(f.shape), E.transpose(s), du));
      if (f.shape.rows === 1) return E.sub(du, E.mul(du, s, E.transpose(E.ones(f.shape))));
      return E.sub(du, E.mul(E.ones({ rows: f.shape.rows, cols: 1 }), E.ones({ rows: 1, cols: f.shape.rows }), E.hadamard(s, du)));
    },
    rule: {
      source: "derived: log softmax(u) = u − 𝟏 logsumexp(u)",
      formula: "\\mathrm{d}\\log\\operatorname{softmax}(u) = \\mathrm{d}u - \\mathbf{1} \\operatorname{softmax}(u)^{\\top} \\mathrm{d}u",
      witness: "y^T log_softmax(x)",
    },
  },
  logsumexp: {
    // log(sum(exp(u))) of a vector is built as this node (core/expr.ts `fn`)
    kind: "reduce", words: ["logsumexp", "lse"], commands: [], text: call("logsumexp"), latex: operatorname("logsumexp"),
    python: { numpy: { binds: "atom", template: (x) => `np.logaddexp.reduce(${x("sum")})` }, torch: { binds: "atom", template: (x) => `torch.logsumexp(${x("sum")}.reshape(-1), dim=0)` } },
    reduce: logSumExp,
    differential: (f, du, E): Expr => (f.arg.shape.cols === 1 ? E.mul(E.transpose(E.fn("softmax", f.arg)), du) : E.mul(du, E.transpose(E.fn("softmax", f.arg)))),
    rule: {
      source: "derived: ∂/∂uᵢ log Σⱼ e^{uⱼ} = softmax(u)ᵢ (Boyd & Vandenberghe §3.1.5)",
      formula: "\\mathrm{d}\\operatorname{logsumexp}(u) = \\operatorname{softmax}(u)^{\\top} \\mathrm{d}u",
      witness: "logsumexp(x)",
    },
  },
});

export type FnName = keyof typeof OPERATIONS;

/**
 * 𝟏 − f(u) (or 1 − f(u)) as two terms, of an f whose complement the table gives: f's name and entry, and u; else
 * null. The numeric evaluator and the Python printers take it whole (Elementwise.complement).
 */
export function complemented(terms: readonly Expr[]): { readonly op: Elementwise; readonly arg: Expr } | null {
  if (terms.length !== 2) return null;
  const one = (x: Expr) => x.kind === "ones" || (x.kind === "num" && Q.eq(x.value, Q.ONE));
  const minusF = (x: Expr) => {
    if (x.kind !== "mul" || x.factors.length !== 2) return null;
    const [c, f] = x.factors as [Expr, Expr];
    if (c.kind !== "num" || !Q.eq(c.value, Q.MINUS_ONE) || f.kind !== "fn") return null;
    const op: Operation = OPERATIONS[f.name];
    return op.kind === "elementwise" && op.complement ? { op, arg: f.arg } : null;
  };
  const [a, b] = terms as [Expr, Expr];
  return one(a) ? minusF(b) : one(b) ? minusF(a) : null;
}
export const FN_NAMES = Object.keys(OPERATIONS) as readonly FnName[];

export const isFnName = (name: string): name is FnName => Object.hasOwn(OPERATIONS, name);

export const operation = (name: FnName): Operation => OPERATIONS[name];
