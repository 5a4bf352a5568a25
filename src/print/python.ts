/**
 * The Python printer core: a Python expression over the backend's module and
 * the variables' names (DESIGN.md §4): vectors are 1-D arrays, matrices 2-D,
 * scalars floats. Because a 1-D array has no orientation, the printer reads
 * orientation from each node's shape: a transposed vector prints as the
 * vector itself, `xᵀAy` is `x @ A @ y`, and only a column times a row needs
 * an outer product.
 *
 * Where parentheses go and how products chain is decided here, once; a
 * backend (print/numpy.ts) only spells: its module's functions in a
 * `PythonBackendSpelling`, and each function of the operation table in that
 * entry's `python` record (core/operations.ts), both checked complete by the
 * compiler.
 */
import { InternalError, children, hpower, power, splitMul, type ConstName, type Expr, type HPower, type Power, type Sym } from "../core/expr.js";
import { OPERATIONS, complemented, type PythonBackend, type PythonBinding, type PythonSpelling } from "../core/operations.js";
import * as Q from "../core/rational.js";
import type { Rational } from "../core/rational.js";
import { type Dim, type Shape, isColumn, isRow, isScalarShape, shape } from "../core/shape.js";
import { splitName, MAX_PRINTED } from "./infix.js";
import { basePython } from "../syntax/names.js";
import { MatdiffError } from "../errors.js";

/**
 * What differs between array libraries. Arguments arrive printed; `arg`
 * ones are complete expressions (they stand inside a call's parentheses),
 * `atom` ones bind tightly enough to take a method or attribute (`X.T`).
 */
/** A number built from π and numbers alone (log(2π)): a Python float, not an array, which torch's functions refuse. */
const isFloat = (e: Expr): boolean => e.kind === "const"
  || ((e.kind === "mul" || e.kind === "add" || e.kind === "power" || e.kind === "fn") && isScalarShape(e.shape) && children(e).every((c) => c.kind === "num" || isFloat(c)));

export interface PythonBackendSpelling {
  /** Which spelling of each operation-table function to use; also the format's name (`--format numpy`). */
  readonly name: PythonBackend;
  /** How people call the library: "NumPy". */
  readonly title: string;
  /** The library's name of each named constant (core/expr.ts `Const`): np.pi, a Python float. */
  readonly constants: { readonly [C in ConstName]: string };
  /** A Python float as an argument the library's functions take (torch.exp refuses a float): np.exp(np.pi). */
  floatArgument(value: string, like?: string): string;
  /**
   * The n×n identity; `size` is a dimension, or a tuple `(m, n)` for zeros and
   * ones. `like` names an input array whose dtype and device a new array must
   * share (PyTorch will not multiply float32 by float64).
   */
  eye(n: string, like?: string): string;
  zeros(size: string, like?: string): string;
  ones(size: string, like?: string): string;
  /**
   * The mn×mn commutation matrix K_{m,n}, K vec(A) = vec(Aᵀ) for A m×n, as one
   * expression: no comprehension, whose scope `eval` with separate globals
   * and locals would break.
   */
  commutation(m: string, n: string, like?: string): string;
  inv(arg: string): string;
  matrixPower(arg: string, k: number): string;
  trace(arg: string): string;
  det(arg: string): string;
  /** log |det A| (log det is taken where det > 0). */
  logdet(arg: string): string;
  sum(arg: string): string;
  /** Matrix → its diagonal as 1-D, and 1-D → the diagonal matrix. */
  diag(arg: string): string;
  /** Column-major vec of a matrix, given as an atom. */
  vec(atom: string): string;
  /** ‖·‖: of a 1-D array, the Frobenius norm of a matrix, the spectral norm of a matrix. */
  norm(arg: string, ord: "vector" | "fro" | "spectral"): string;
  outer(a: string, b: string): string;
  kron(a: string, b: string): string;
  /** Transpose of a 2-D array given as an atom. */
  transpose(atom: string): string;
  /** Einstein summation, `spec` in einsum's notation ("ij,jk->ik"). */
  einsum(spec: string, operands: readonly string[]): string;
  /** An array given as an atom, reshaped to rows × cols reading its entries column-major (vec layout). */
  reshapeColumnMajor(atom: string, rows: string, cols: string): string;
}

export interface PythonOptions {
  /**
   * Python for a symbolic dimension, e.g. "n" ↦ "A.shape[0]". Numeric
   * dimensions print as numbers, product dimensions ("m·n") as products.
   */
  readonly dimExpr: (d: Dim) => string;
  /** An input array whose dtype and device new arrays (I, 0, 𝟏, K) take; by default the first symbol printed with a shape. */
  readonly like?: string;
  /** Past this many characters the printer stops with a limit error (the text's cap, MAX_PRINTED, by default). */
  readonly maxLength?: number;
}

/**
 * A dimension as Python: a number, a name's `dimExpr` (`A.shape[0]`), or a
 * product dimension "m·n" as `A.shape[0] * A.shape[1]`, never as "m·n",
 * which is not Python. Products use only `*`, so they need no parentheses
 * as a factor or a call argument.
 */
export function pythonDim(d: Dim, dimExpr: (d: Dim) => string): string {
  if (typeof d === "number") return String(d);
  return d.split("·").map((x) => (/^\d+$/.test(x) ? x : dimExpr(x))).join(" * ");
}

/**
 * The symbolic sizes the expressions use that no input's shape carries (tr(I) with I's size
 * free, 𝟏ᵀ𝟏 of a 𝟏 nothing sizes): Python has no expression for them, so a program takes
 * each as an argument and the NumPy form names them in a note.
 */
export function freeSizes(exprs: readonly Expr[], inputs: Iterable<Sym>): string[] {
  const carried = new Set<Dim>();
  for (const s of inputs) { carried.add(s.shape.rows); carried.add(s.shape.cols); }
  const used = new Set<string>();
  for (const e of exprs) {
    for (const d of namedDims(e)) {
      if (carried.has(d)) continue;
      for (const f of d.split("·")) if (!/^\d+$/.test(f) && !carried.has(f)) used.add(f);
    }
  }
  return [...used].sort();
}

/** The named dimensions in e's shapes (and commutation sizes), kept per node: a node's sizes never change. */
const dimsByNode = new WeakMap<Expr, readonly string[]>();
function namedDims(root: Expr): readonly string[] {
  const known = dimsByNode.get(root);
  if (known) return known;
  const found = new Set<string>();
  const seen = new Set<number>();
  const note = (d: Dim) => { if (typeof d === "string") found.add(d); };
  const walk = (e: Expr): void => {
    if (seen.has(e.id)) return;
    seen.add(e.id);
    const below = dimsByNode.get(e);
    if (below) { for (const d of below) found.add(d); return; }
    note(e.shape.rows); note(e.shape.cols);
    if (e.kind === "commutation") { note(e.m); note(e.n); }
    children(e).forEach(walk);
  };
  walk(root);
  const dims = [...found];
  dimsByNode.set(root, dims);
  return dims;
}

/** Python binding strength, loosest first (`*`, `@` and `/` share a level; `-x ** 2` is `-(x ** 2)`). */
const enum Py {
  ADD = 1,
  MUL = 2,
  UNARY = 3,
  POW = 4,
  ATOM = 5, // names, literals, calls, attributes, subscriptions, parentheses
}

interface Out {
  readonly s: string;
  readonly prec: Py;
}

const atom = (s: string): Out => ({ s, prec: Py.ATOM });
const BINDING: Readonly<Record<PythonBinding, Py>> = { sum: Py.ADD, product: Py.MUL, unary: Py.UNARY, power: Py.POW, atom: Py.ATOM };
const wrap = (o: Out, min: Py) => (o.prec >= min ? o.s : `(${o.s})`);
const isMatrix = (s: Shape) => s.rows !== 1 && s.cols !== 1;

/** A symbol's Python name: `W_1`, `theta`, `X_dot` for Ẋ; `lambda` is a Python keyword. */
export function pyName(name: string): string {
  const order = (/\u0307*$/.exec(name)?.[0] ?? "").length;
  if (order) return `${pyName(name.slice(0, name.length - order))}_${"d".repeat(order)}ot`;
  const { base, sub } = splitName(name);
  const id = (sub === null ? basePython(base) : `${basePython(base)}_${sub}`).replace(/\W/g, "");
  return id === "lambda" ? "lambda_" : id;
}

/** Exponents as decimals when exact (`0.5`), else as a parenthesised quotient. */
function exponent(r: Rational): string {
  let d = r.d;
  while (d % 2 === 0) d /= 2;
  while (d % 5 === 0) d /= 5;
  return d === 1 ? String(r.n / r.d) : `(${r.n} / ${r.d})`;
}

function number(r: Rational): Out {
  if (r.d !== 1) return { s: `${r.n} / ${r.d}`, prec: Py.MUL };
  return { s: String(r.n), prec: r.n < 0 ? Py.UNARY : Py.ATOM };
}

/** The first symbol in `e` that is an array (not a scalar), by name: where I, 0 and 𝟏 take their dtype from. */
function firstArray(e: Expr): string | undefined {
  // walked as a graph: a shared node is visited once (symbolsOf walks the tree, exponential on shared definitions)
  const seen = new Set<number>();
  const found: Sym[] = [];
  const stack = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x.id)) continue;
    seen.add(x.id);
    if (x.kind === "sym") found.push(x);
    else if (x.kind === "d") found.push(x.of);
    const kids = children(x);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  const s = found.find((x) => !isScalarShape(x.shape)) ?? found[0];
  return s && pyName(s.name);
}

export function toPython(e: Expr, py: PythonBackendSpelling, opts: PythonOptions): string {
  const dim = (d: Dim) => pythonDim(d, opts.dimExpr);
  const like = opts.like ?? firstArray(e);
  const size = (s: Shape) => (isColumn(s) ? dim(s.rows) : isRow(s) ? dim(s.cols) : `(${dim(s.rows)}, ${dim(s.cols)})`);
  const call = (spell: (arg: string) => string) => (x: Expr) => atom(spell(print(x).s));
  // Operands of `*`, `@`, `/` are parenthesised unless they bind tighter:
  // `(A * B) @ x` reads clearer than relying on left-associativity.
  const operand = (x: Expr) => wrap(print(x), Py.POW);

  // As in the infix printers: a definition used twice is one node used twice, so each node is printed
  // once and its text reused (a string concatenation shares its parts), and a text that grows past the
  // cap stops the printer before it exists in full: thirteen definitions squaring a matrix print to 2¹³ copies.
  const limit = opts.maxLength ?? MAX_PRINTED;
  const printed = new Map<number, Out>();
  const print = (x: Expr): Out => {
    let out = printed.get(x.id);
    if (out === undefined) {
      out = printNode(x);
      if (out.s.length > limit) {
        throw new MatdiffError("limit", `the result is more than ${limit} characters long in ${py.title}`, undefined, {
          hint: "name repeated parts with --where, or raise limits.maxOutput in the library",
        });
      }
      printed.set(x.id, out);
    }
    return out;
  };

  /** A function's spelling applied to an argument. */
  const applied = (spelling: PythonSpelling, arg: Expr): Out =>
    typeof spelling === "string" ? atom(`${spelling}(${print(arg).s})`) : { s: spelling.template((at) => wrap(print(arg), BINDING[at])), prec: BINDING[spelling.binds] };

  // a switch, not ts-pattern's match(): this runs once per node of every NumPy and PyTorch form, and match()
  // allocated its builder and patterns per node, a twelfth of an answer key's garbage
  const printNode = (x: Expr): Out => {
    switch (x.kind) {
      case "num":
      case "mul": {
        const { coeff, scalars, chain } = splitMul(x);
        return product(coeff, scalars, chain);
      }
      case "sym":
        // the Jacobian the caller passes in: J_A, an array of shape (A.size, theta.size)
        if (x.props.jacobianOf) return atom(`J_${pyName(x.props.jacobianOf.of)}`);
        return atom(pyName(x.name));
      case "const": return atom(py.constants[x.name]);
      case "d": return atom(x.tag === 0 ? `d${pyName(x.of.name)}` : `d${x.tag}_${pyName(x.of.name)}`);
      case "identity": return atom(py.eye(dim(x.shape.rows), like));
      case "zero": return atom(py.zeros(size(x.shape), like));
      case "ones": return atom(py.ones(size(x.shape), like));
      case "dop": throw new InternalError("an unexpanded differential has no Python form");
      case "commutation": return atom(py.commutation(dim(x.m), dim(x.n), like));
      case "add": {
        // 1 − Φ(u) as Φ(−u), so the code does not lose the tail to cancellation (Elementwise.complement)
        const c = complemented(x.terms);
        const spelling = c?.op.complement!.python?.[py.name];
        return c && spelling && !isFloat(c.arg) ? applied(spelling, c.arg) : sum(x.terms);
      }
      case "transpose":
        // transposing a 1-D array is a no-op
        if (!isMatrix(x.shape)) return print(x.arg);
        return atom(py.transpose(wrap(print(x.arg), Py.ATOM)));
      case "inverse": return call(py.inv)(x.arg); // A⁻ᵀ is inv(A).T
      case "power":
        return isScalarShape(x.shape)
          ? { s: `${wrap(print(x.arg), Py.ATOM)} ** ${exponent(x.exp)}`, prec: Py.POW }
          : atom(py.matrixPower(print(x.arg).s, x.exp.n));
      case "hpower": return { s: `${wrap(print(x.arg), Py.ATOM)} ** ${exponent(x.exp)}`, prec: Py.POW };
      case "epower": return { s: `${wrap(print(x.arg), Py.ATOM)} ** ${wrap(print(x.exp), Py.ATOM)}`, prec: Py.POW };
      case "hadamard": {
        // x ⊙ y∘⁻¹ is x / y, as for the text and LaTeX forms
        const divisor = (f: Expr) => f.kind === "hpower" && f.exp.n < 0;
        const over = x.factors.filter((f) => !divisor(f)), under = x.factors.filter(divisor) as HPower[];
        if (over.length === 0 || under.length === 0) return { s: x.factors.map(operand).join(" * "), prec: Py.MUL };
        return { s: [over.map(operand).join(" * "), ...under.map((f) => operand(hpower(f.arg, Q.neg(f.exp))))].join(" / "), prec: Py.MUL };
      }
      case "kron": return kron(x.factors);
      case "trace": {
        // tr(I_n) is the size n, as the text and LaTeX forms print it: X.shape[0], not np.trace(np.eye(X.shape[0]))
        if (x.arg.kind !== "identity") return call(py.trace)(x.arg);
        const n = dim(x.arg.shape.rows);
        return n.includes(" * ") ? { s: n, prec: Py.MUL } : atom(n);
      }
      case "det": return call(py.det)(x.arg);
      case "logdet": return call(py.logdet)(x.arg);
      case "fn": {
        const spelling = OPERATIONS[x.name].python[py.name];
        // log(10) of log10′ too: PyTorch's functions take tensors, not Python numbers
        if (isFloat(x.arg) || x.arg.kind === "num") {
          // √π, as erf′ has it: a float's square root needs no library
          if (x.name === "sqrt") return { s: `${wrap(print(x.arg), Py.ATOM)} ** 0.5`, prec: Py.POW };
          const arg = py.floatArgument(print(x.arg).s, like);
          if (typeof spelling === "string") return atom(`${spelling}(${arg})`);
          return { s: spelling.template(() => arg), prec: BINDING[spelling.binds] };
        }
        return applied(spelling, x.arg);
      }
      case "sum": return call(py.sum)(x.arg);
      case "diag":
      case "diagm": return call(py.diag)(x.arg); // matrix → 1-D and 1-D → matrix
      // vec of a 1-D array is the array
      case "vec": return isMatrix(x.arg.shape) ? atom(py.vec(wrap(print(x.arg), Py.ATOM))) : print(x.arg);
      // the inverse of vec: the 1-D array refilled column by column into the node's shape
      case "unvec": return atom(py.reshapeColumnMajor(wrap(print(x.arg), Py.ATOM), dim(x.shape.rows), dim(x.shape.cols)));
      case "norm": return atom(py.norm(print(x.arg).s, !isMatrix(x.arg.shape) ? "vector" : x.p === "F" ? "fro" : "spectral"));
      default: {
        const unknown: never = x;
        throw new InternalError(`no Python form for ${(unknown as Expr).kind}`);
      }
    }
  };

  function sum(terms: readonly Expr[]): Out {
    const s = terms.map((t, i) => {
      if (i === 0) return print(t).s;
      const { coeff, scalars, chain } = splitMul(t);
      if (coeff.n >= 0) return ` + ${wrap(print(t), Py.MUL)}`;
      return ` - ${wrap(product(Q.neg(coeff), scalars, chain), Py.MUL)}`;
    });
    return { s: s.join(""), prec: Py.ADD };
  }

  /**
   * coeff · scalars · chain as one left-associative Python product:
   * `-2 * s * A @ x / 3` is ((((-2 s) A) @ x) / 3), equal by linearity.
   */
  function product(coeff: Rational, scalars: readonly Expr[], chain: readonly Expr[]): Out {
    if (scalars.length === 0 && chain.length === 0) return number(coeff);
    // a scalar to a negative power divides, as it is written: 2 * x / np.sqrt(d), not 2 * np.sqrt(d) ** -1 * x
    const under = scalars.filter((f): f is Power => f.kind === "power" && f.exp.n < 0);
    if (under.length > 0 && (scalars.length + chain.length > under.length || Math.abs(coeff.n) !== 1)) {
      const top = product(Q.rat(Math.abs(coeff.n)), scalars.filter((f) => !under.includes(f as Power)), chain);
      const divisors = [...under.map((f) => operand(power(f.arg, Q.neg(f.exp)))), ...(coeff.d !== 1 ? [String(coeff.d)] : [])];
      const s = [wrap(top, Py.MUL), ...divisors].join(" / ");
      return { s: coeff.n < 0 ? `-${s}` : s, prec: Py.MUL };
    }
    const [only, ...more] = [...scalars, ...chain];
    if (only !== undefined && more.length === 0 && Math.abs(coeff.n) === 1 && coeff.d === 1) {
      const o = print(only); // -x ** 2 is -(x ** 2), as meant
      return coeff.n < 0 ? { s: `-${wrap(o, Py.POW)}`, prec: Py.UNARY } : o;
    }
    const parts = scalars.map(operand);
    if (Math.abs(coeff.n) !== 1) parts.unshift(String(Math.abs(coeff.n)));
    let out: Out = { s: parts.join(" * "), prec: parts.length > 1 ? Py.MUL : Py.POW };
    if (chain.length > 0) {
      const c = matmul(chain);
      out = parts.length === 0 ? c : { s: `${out.s} * ${c.s}`, prec: Py.MUL };
    }
    if (coeff.d !== 1) out = { s: `${out.s} / ${coeff.d}`, prec: Py.MUL };
    return coeff.n < 0 ? { s: `-${out.s}`, prec: Math.min(out.prec, Py.UNARY) } : out;
  }

  /** The matrix chain; 1-D arrays take their orientation from `@`, except column × row. */
  function matmul(chain: readonly Expr[]): Out {
    const [first, ...rest] = chain;
    if (first === undefined) throw new InternalError("empty matrix chain");
    let acc: Out = { s: operand(first), prec: Py.POW };
    let accShape = first.shape;
    for (const f of rest) {
      acc = isColumn(accShape) && isRow(f.shape)
        ? atom(py.outer(acc.s, print(f).s))
        : { s: `${acc.s} @ ${operand(f)}`, prec: Py.MUL };
      accShape = shape(accShape.rows, f.shape.cols);
    }
    return acc;
  }

  /** kron of 1-D arrays is the Kronecker product of two columns (or two rows); mixed operands go 2-D. */
  function kron(factors: readonly Expr[]): Out {
    const flat = factors.every((f) => isColumn(f.shape)) || factors.every((f) => isRow(f.shape));
    const arg = (f: Expr) => {
      if (flat || isMatrix(f.shape)) return print(f).s;
      return `${wrap(print(f), Py.ATOM)}${isColumn(f.shape) ? "[:, None]" : "[None, :]"}`;
    };
    const [first, ...rest] = factors;
    if (first === undefined) throw new InternalError("empty Kronecker product");
    return atom(rest.reduce((acc, f) => py.kron(acc, arg(f)), arg(first)));
  }

  return print(e).s;
}
