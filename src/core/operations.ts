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
  /** LaTeX commands that call it (`\tanh`), without the backslash. */
  readonly commands: readonly string[];
  /** The text printer's form of f(arg). */
  readonly text: (arg: string) => string;
  /** The LaTeX printer's form of f(arg); it must render in KaTeX and parse back. */
  readonly latex: (arg: string) => string;
  readonly python: { readonly [B in PythonBackend]: PythonSpelling };
  /** The differential rule: where it comes from, the identity in LaTeX, and an input it must fire on. */
  readonly rule: { readonly source: string; readonly formula: string; readonly witness: string };
}

/**
 * f applied entry by entry: the shape is the argument's, the differential
 * d f(X) = f′(X) ⊙ dX, the transpose passes through, f(Xᵀ) = f(X)ᵀ.
 */
export interface Elementwise extends OperationBase {
  readonly kind: "elementwise";
  /**
   * f′, entrywise, built with the given constructors. Written `(x, E): Expr =>`:
   * the annotation keeps the table's type from depending on E.fn's, whose
   * parameter is this table's keys.
   */
  readonly derivative: (x: Expr, E: typeof Core) => Expr;
  /** The value at a real number. */
  readonly value: (t: number) => number;
  /** f(0) when it is the number 0 or 1, so that constructors fold it (sin 0 = 0, exp 0 = 1). */
  readonly atZero?: 0 | 1;
  /** Numeric checks sample the argument's symbols with positive entries (log, sqrt). */
  readonly domain?: "positive";
}

export type Operation = Elementwise;

const call = (head: string) => (arg: string) => `${head}(${arg})`;
const operatorname = (name: string) => call(`\\operatorname{${name}}`);

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
  exp: {
    kind: "elementwise", words: ["exp"], commands: ["exp"], text: call("exp"), latex: call("\\exp"), python: { numpy: "np.exp", torch: "torch.exp" },
    value: Math.exp, atZero: 1, derivative: (x, E): Expr => E.fn("exp", x),
    rule: { source: "derived: (eᵗ)′ = eᵗ entrywise", formula: entrywise("\\exp(X)", "\\exp(X)"), witness: "sum(exp(x))" },
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
  sigmoid: {
    // σ glued to `(` also calls it (syntax/lexer.ts): σ(z) is how the textbooks write it
    kind: "elementwise", words: ["sigmoid"], commands: [], text: call("σ"), latex: call("\\sigma"),
    python: { numpy: { binds: "product", template: (x) => `1 / (1 + np.exp(-${x("power")}))` }, torch: "torch.sigmoid" },
    // two branches so that neither overflows: e^{-t} for t ≥ 0, e^{t} for t < 0
    value: (t) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t))),
    derivative: (x, E): Expr => E.hadamard(E.fn("sigmoid", x), E.sub(E.ones(x.shape), E.fn("sigmoid", x))),
    rule: { source: "derived: σ′ = σ(1 − σ) entrywise", formula: entrywise("\\sigma(X)", "\\sigma(X) \\odot (\\mathbf{1} - \\sigma(X))"), witness: "sum(sigmoid(x))" },
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
    rule: { source: "derived: (√t)′ = 1/(2√t) entrywise", formula: entrywise("\\sqrt{X}", "\\tfrac{1}{2} X^{\\circ -1/2}"), witness: "sum(sqrt(x))" },
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
});

export type FnName = keyof typeof OPERATIONS;
export const FN_NAMES = Object.keys(OPERATIONS) as readonly FnName[];

export const isFnName = (name: string): name is FnName => Object.hasOwn(OPERATIONS, name);

export const operation = (name: FnName): Operation => OPERATIONS[name];
