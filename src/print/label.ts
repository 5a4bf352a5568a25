/**
 * The names of a result, decided once from its kind and the shapes of f and
 * of the variable: ∇_X f, ∂f/∂x, ∂vec F/∂vec X, dF/dt, ∇²_x f, d²f/dt², and
 * the left-hand sides that go with them (f or F, df or dF, d²f). The CLI,
 * JSON, answer keys, plugins, playground, derivations and the index form all
 * read these, so no surface can call a Hessian a gradient.
 */
import { isScalarShape, type Shape } from "../core/shape.js";

export type ResultKind = "gradient" | "derivative" | "jacobian" | "hessian";

export interface Spelled {
  readonly text: string;
  readonly latex: string;
}

/** The variable a result is taken with respect to, as the printers spell it. */
export interface Variable extends Spelled {
  readonly shape: Shape;
}

export interface ResultLabel extends Spelled {
  /** What the result is called in prose: gradient, Jacobian, derivative, Hessian, second derivative. */
  readonly noun: string;
  /** The function: f, or F when it is a matrix. */
  readonly function: Spelled;
  /** The differential's left-hand side: df, or dF for a matrix F. */
  readonly differential: Spelled;
  /** For a Hessian: the first derivative it differentiates (∇_x f, df/dt) and d²f. */
  readonly gradient?: Spelled;
  readonly secondDifferential?: Spelled;
  /** The name as an operator applied to the expression, for a one-line answer: ∇_{A} \left(tr(A⁻¹B)\right). */
  readonly applied?: Spelled;
}

/**
 * A matrix (neither dimension 1) is F; scalars and vectors are f, as textbooks
 * write them. When the expression has a symbol of that name (‖y − f‖² by f,
 * FᵀF by F), the next free letter names the function instead, so that df and
 * ∇_f f never read as the variable's own differential.
 */
const FUNCTION_LETTERS = { scalar: "fghφψ", matrix: "FGHΨ" };
/** The Greek ones' LaTeX and canonical names (the symbols' keys: φ is phi, as --let and the parser name it). */
const GREEK_LETTERS: Readonly<Record<string, readonly [latex: string, name: string]>> = { φ: ["\\phi", "phi"], ψ: ["\\psi", "psi"], Ψ: ["\\Psi", "Psi"] };

/** `taken`: whether the expression has a symbol of this canonical name (f, phi), whose letter the function must not take. */
export function functionLetter(f: Shape, taken: (name: string) => boolean = () => false): Spelled {
  const letters = FUNCTION_LETTERS[f.rows !== 1 && f.cols !== 1 ? "matrix" : "scalar"];
  const letter = [...letters].find((l) => !taken(GREEK_LETTERS[l]?.[1] ?? l)) ?? letters[0]!;
  return { text: letter, latex: GREEK_LETTERS[letter]?.[0] ?? letter };
}

/** A column vector is its own vec; a matrix or a row is written vec(·). */
const isColumnOrScalar = (s: Shape) => s.cols === 1;

/** `W_{1}` and `\theta` take a subscript as they are; the text form W₁ too. */
const latexSub = (x: string) => `_{${x}}`;

function gradientName(x: Variable, f: Spelled): Spelled {
  return isScalarShape(x.shape)
    ? { text: `d${f.text}/d${x.text}`, latex: `\\frac{\\mathrm{d}${f.latex}}{\\mathrm{d}${x.latex}}` }
    : { text: `∇_${x.text} ${f.text}`, latex: `\\nabla${latexSub(x.latex)} ${f.latex}` };
}

/**
 * The result's name for one variable. Several variables (`--wrt W_1,b_1`)
 * give one result each, named by calling this once per variable.
 */
export function resultLabel(kind: ResultKind, f: Shape, x: Variable, expression?: Spelled, taken?: (name: string) => boolean): ResultLabel {
  const letter = functionLetter(f, taken);
  const { name, gradient, secondDifferential } = names(kind, f, x, letter);
  const noun = kind === "jacobian" ? "Jacobian" : kind === "hessian" ? (isScalarShape(x.shape) ? "second derivative" : "Hessian") : kind;
  // one literal, its fields in the order every surface has always seen them (JSON): spreading a name into a
  // label took 4 µs, a tenth of presenting a result
  const label: { -readonly [K in keyof ResultLabel]: ResultLabel[K] } = {
    text: name.text, latex: name.latex, noun, function: letter, differential: { text: `d${letter.text}`, latex: `\\mathrm{d}${letter.latex}` },
  };
  if (gradient) label.gradient = gradient;
  if (secondDifferential) label.secondDifferential = secondDifferential;
  if (expression) label.applied = applied(kind, f, x, expression);
  return label;
}

/** The result's own name, and for a Hessian the first derivative's and d²f. */
function names(kind: ResultKind, f: Shape, x: Variable, letter: Spelled): { name: Spelled; gradient?: Spelled; secondDifferential?: Spelled } {
  switch (kind) {
    case "gradient":
      return { name: gradientName(x, letter) };
    case "derivative":
      return { name: { text: `d${letter.text}/d${x.text}`, latex: `\\frac{\\mathrm{d}${letter.latex}}{\\mathrm{d}${x.latex}}` } };
    case "jacobian": {
      const num: Spelled = isColumnOrScalar(f) ? letter : { text: `vec(${letter.text})`, latex: `\\mathop{\\mathrm{vec}} ${letter.latex}` };
      const den: Spelled = isColumnOrScalar(x.shape) ? x : { text: `vec(${x.text})`, latex: `\\mathop{\\mathrm{vec}} ${x.latex}` };
      return { name: { text: `∂${num.text}/∂${den.text}`, latex: `\\frac{\\partial ${num.latex}}{\\partial ${den.latex}}` } };
    }
    case "hessian": {
      const name: Spelled = isScalarShape(x.shape)
        ? { text: `d²${letter.text}/d${x.text}²`, latex: `\\frac{\\mathrm{d}^{2}${letter.latex}}{\\mathrm{d}${x.latex}^{2}}` }
        : { text: `∇²_${x.text} ${letter.text}`, latex: `\\nabla^{2}${latexSub(x.latex)} ${letter.latex}` };
      return { name, gradient: gradientName(x, letter), secondDifferential: { text: `d²${letter.text}`, latex: `\\mathrm{d}^{2}${letter.latex}` } };
    }
  }
}

/** The operator of each kind, applied to the expression in parentheses. */
function applied(kind: ResultKind, f: Shape, x: Variable, e: Spelled): Spelled {
  const paren: Spelled = { text: `(${e.text})`, latex: `\\left(${e.latex}\\right)` };
  const scalarX = isScalarShape(x.shape);
  switch (kind) {
    case "gradient":
      return scalarX
        ? { text: `d/d${x.text} ${paren.text}`, latex: `\\frac{\\mathrm{d}}{\\mathrm{d}${x.latex}} ${paren.latex}` }
        : { text: `∇_${x.text} ${paren.text}`, latex: `\\nabla${latexSub(x.latex)} ${paren.latex}` };
    case "derivative":
      return { text: `d/d${x.text} ${paren.text}`, latex: `\\frac{\\mathrm{d}}{\\mathrm{d}${x.latex}} ${paren.latex}` };
    case "jacobian": {
      const num: Spelled = isColumnOrScalar(f) ? paren : { text: `vec${paren.text}`, latex: `\\mathop{\\mathrm{vec}}${paren.latex}` };
      const den: Spelled = isColumnOrScalar(x.shape) ? x : { text: `vec(${x.text})`, latex: `\\mathop{\\mathrm{vec}} ${x.latex}` };
      return { text: `∂/∂${den.text} ${num.text}`, latex: `\\frac{\\partial}{\\partial ${den.latex}} ${num.latex}` };
    }
    case "hessian":
      return scalarX
        ? { text: `d²/d${x.text}² ${paren.text}`, latex: `\\frac{\\mathrm{d}^{2}}{\\mathrm{d}${x.latex}^{2}} ${paren.latex}` }
        : { text: `∇²_${x.text} ${paren.text}`, latex: `\\nabla^{2}${latexSub(x.latex)} ${paren.latex}` };
  }
}
