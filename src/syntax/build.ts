/**
 * The syntax tree's nodes as the grammar's rules build them: one builder per
 * rule shape, called by the nearley grammar (grammar/matdiff.ne) and by the
 * fast reader of the common case (fast-parse.ts), so both give one tree, span
 * for span.
 */
import type { BinaryOp, FunctionName, Gaussian, Node, NormKind, PostfixOp, Span } from "./ast.js";
import type { Token } from "./lexer.js";

/** What follows `^`: the postfix operator it spells, and where its text ends. */
export interface Exponent { readonly op: PostfixOp; readonly exponent?: string; readonly end: number }

export const span = (start: number, end: number): Span => ({ start, end });

/**
 * A node of one type, its fields writable while it is built. Optional fields are assigned after the literal,
 * not spread into it (`...(implicit ? { implicit } : {})`): V8 builds a literal with a spread in it through
 * the runtime, some 50 times slower, and these builders run for every node of every input.
 */
type Building<T extends Node["type"]> = { -readonly [K in keyof Extract<Node, { type: T }>]: Extract<Node, { type: T }>[K] };

export function binaryNode(op: BinaryOp, left: Node, right: Node, implicit = false): Node {
  // a − log 𝒩(…), a − Σₙ log 𝒩(…): a plus the negative log-density (negNode)
  const negated = op === "-" ? negatedLogGaussian(right, right.span) : null;
  if (negated) return binaryNode("+", left, negated, implicit);
  const n: Building<"binary"> = { type: "binary", op, left, right, span: span(left.span.start, right.span.end) };
  if (implicit) n.implicit = implicit;
  return n;
}

/** Juxtaposition: `AB`, `u^T A v`, and an operator form's run. */
export const productNode = (left: Node, right: Node): Node =>
  extendedDivisor(left, right, (d) => binaryNode("*", d, right, true)) ?? binaryNode("*", left, right, true);

/** `w \cdot x`, `w · x`: the dot of a dot product, which elaborate reads as wᵀx between two vectors. */
export function timesNode(left: Node, op: Token, right: Node): Node {
  const times = (l: Node) => {
    const n = binaryNode("*", l, right);
    if (op.text === "\\cdot" || op.text === "·") return { ...n, dot: true } as Node;
    if (op.text === "@") return { ...n, matmul: true } as Node;
    return op.text === "\\times" || op.text === "×" ? { ...n, cross: true } as Node : n;
  };
  return extendedDivisor(left, right, times) ?? times(left);
}

/** Whether n, unbracketed, begins with a transpose: xᵀ in `xᵀx`, `xᵀAx`, `x'*x`. */
function startsTransposed(n: Node): boolean {
  if (n.type === "postfix") return n.op === "T" && n.span.start === n.arg.span.start;
  if (n.type === "binary" && n.op === "*") return n.span.start === n.left.span.start && startsTransposed(n.left);
  return false;
}

/**
 * `xᵀAx / xᵀx` is the Rayleigh quotient (xᵀAx)/(xᵀx), as everyone writes it, though `/` and the product
 * share one left-associative level (a/b c is (a/b) c): a divisor that begins with a transpose is a row, never
 * the scalar a division needs, so the factors after it join the divisor. `(a/xᵀ)x` and `a/(xᵀ)x`, bracketed,
 * stay as written (and fail as written); elaborate.ts says the reading in a note.
 */
function extendedDivisor(left: Node, right: Node, join: (divisor: Node) => Node): Node | null {
  if (left.type !== "binary" || left.op !== "/" || left.span.end !== left.right.span.end || !startsTransposed(left.right)) return null;
  return { ...left, right: join(left.right), span: span(left.span.start, right.span.end), divisorRun: true };
}

/** `(Wx)_j`: entry j of the group's vector; a subscript that is not one letter is no index (null). */
export function entryNode(group: Node, sub: Token): Node | null {
  return /^[a-z]$/.test(sub.value) ? { type: "entry", arg: group, index: sub.value, span: span(group.span.start, sub.end) } : null;
}

/** A bracketed group is not a node: its content stands in, spanning the brackets too. */
export const groupNode = (open: Token, content: Node, close: Token): Node => ({ ...content, span: span(open.offset, close.end) });

export function identNode(t: Token): Node {
  const n: Building<"ident"> = { type: "ident", name: t.value, span: span(t.offset, t.end) };
  if (t.bold) n.bold = true;
  if (t.param) {
    const inner = t.param.param;
    n.of = { name: t.param.name, span: span(t.param.offset, t.param.end), ...(inner ? { of: { name: inner.name, span: span(inner.offset, inner.end) } } : {}) };
  }
  return n;
}

/** A name as an exponent (`x.^p`): never a function of a parameter. */
export function exponentIdent(t: Token): Node {
  const n: Building<"ident"> = { type: "ident", name: t.value, span: span(t.offset, t.end) };
  if (t.bold) n.bold = true;
  return n;
}

export const numberNode = (t: Token): Node => ({ type: "number", text: t.value, span: span(t.offset, t.end) });
export const onesNode = (t: Token): Node => ({ type: "ones", span: span(t.offset, t.end) });
export function negNode(minus: Token, arg: Node): Node {
  return negatedLogGaussian(arg, span(minus.offset, arg.span.end)) ?? { type: "neg", arg, span: span(minus.offset, arg.span.end) };
}

/**
 * −log 𝒩(x; μ, Σ), the negative log-likelihood: ½(x − μ)ᵀΣ⁻¹(x − μ) + ½ log det(2πΣ), not −(−½… − ½…); and
 * −Σₙ log 𝒩(xₙ; μ, Σ), the sum of the terms negated (`at` the span of the negated whole). Else null.
 */
function negatedLogGaussian(arg: Node, at: Span): Node | null {
  const g = arg.type === "binary" ? arg.gaussian : undefined;
  if (g?.log && g.negLogDensity) {
    const n = { ...g.negLogDensity, span: at } as Building<"binary">;
    n.gaussian = { x: g.x, mean: g.mean, cov: g.cov, univariate: g.univariate, log: true, negated: true };
    return n;
  }
  if (arg.type === "call" && arg.fn === "sum" && arg.index !== undefined && arg.args.length === 1) {
    const term = negatedLogGaussian(arg.args[0]!, arg.args[0]!.span);
    if (term) return { ...arg, args: [term], span: at };
  }
  return null;
}

export function callNode(fn: FunctionName, name: Token, args: Node[], end: number): Node {
  // log 𝒩(x; μ, Σ) is the log-density itself, not the log of its exp
  const density = args[0];
  const gaussian = density?.type === "binary" ? density.gaussian : undefined;
  if (fn === "log" && args.length === 1 && gaussian?.logDensity) {
    const n = { ...gaussian.logDensity, span: span(name.offset, end) } as Building<"binary">;
    n.gaussian = { x: gaussian.x, mean: gaussian.mean, cov: gaussian.cov, univariate: gaussian.univariate, log: true, negLogDensity: gaussian.negLogDensity };
    return n;
  }
  const n: Building<"call"> = { type: "call", fn, args, span: span(name.offset, end), nameSpan: span(name.offset, name.end) };
  if (name.index) n.index = name.index;
  if (name.count) n.count = name.count;
  if (name.except) n.except = name.except;
  return n;
}

export function postfixNode(arg: Node, e: Exponent): Node {
  const exponent = e.exponent === undefined ? {} : { exponent: e.exponent };
  return { type: "postfix", op: e.op, arg, span: span(arg.span.start, e.end), ...exponent };
}

/** `inv(A)`: the same node as A^{-1}. */
export const inverseCall = (name: Token, arg: Node, close: Token): Node => ({ type: "postfix", op: "inv", arg, span: span(name.offset, close.end) });

/** `‖x‖`, `\lVert x \rVert`, `norm(x)`. */
export const normNode = (open: Token, arg: Node, close: Token): Node => ({ type: "norm", arg, kind: null, span: span(open.offset, close.end) });

/** `|x|`, `\lvert X \rvert`. */
export const barsNode = (open: Token, arg: Node, close: Token): Node => ({ type: "bars", arg, span: span(open.offset, close.end) });

/** `\langle a, b \rangle`. */
export const innerNode = (open: Token, left: Node, right: Node, close: Token): Node => ({ type: "inner", left, right, span: span(open.offset, close.end) });

/** `kron(A, B)` and `\frac{a}{b}`: the nodes of `A ⊗ B` and `a / b`, spanning the whole call. */
export const spelledBinary = (op: BinaryOp, name: Token, left: Node, right: Node, close: Token): Node =>
  ({ type: "binary", op, left, right, span: span(name.offset, close.end) });

/** `e^x`, `e^{-x}`, `\mathrm{e}^{…}`: exp of the exponent. */
export const expCall = (base: Token, exponent: Node): Node => callNode("exp", base, [exponent], exponent.span.end);
/** `e^-x`: exp of the negated atom. */
export const expOfNegated = (base: Token, minus: Token, atom: Node): Node => expCall(base, negNode(minus, atom));

/** `.5` reads as 0.5 so that every spelling of an exponent has one text. */
const decimal = (text: string) => (text.startsWith(".") ? `0${text}` : text);

/** The exponent of `^n` / `^{-n}` / `^{a/b}`; `-1` is the inverse. */
function power(negative: boolean, text: string, end: number): Exponent {
  if (negative && text === "1") return { op: "inv", end };
  return { op: "pow", exponent: `${negative ? "-" : ""}${text}`, end };
}

/** `^2`, `^{-3}` (negated: a minus before the number). */
export const numberExponent = (negated: boolean, num: Token): Exponent => power(negated, decimal(num.value), num.end);
/** `^{1/2}`, `^{-3/2}`. */
export const fractionExponent = (negated: boolean, num: Token, den: Token): Exponent =>
  power(negated, `${decimal(num.value)}/${decimal(den.value)}`, den.end);
/** `^T`, `^{-T}` (negated). */
export const transposeExponent = (negated: boolean, tee: Token): Exponent => ({ op: negated ? "invT" : "T", end: tee.end });
/** An exponent in braces ends at its closing brace. */
export const braced = (e: Exponent, close: Token): Exponent => ({ ...e, end: close.end });
/** `^<-1>`: the inverse only; any other number there is refused (null). */
export const angledExponent = (num: Token, close: Token): Exponent | null => (num.value === "1" ? { op: "inv", end: close.end } : null);

/** Unicode superscripts as the lexer reads them: "T", "-T", "-1", "2", "-2". */
export function superscript(t: Token): Exponent {
  if (t.value === "T") return { op: "T", end: t.end };
  if (t.value === "-T") return { op: "invT", end: t.end };
  return t.value.startsWith("-") ? power(true, t.value.slice(1), t.end) : power(false, t.value, t.end);
}
/** `x∘²`: a Hadamard power; `x∘ᵀ` is no exponent (null). */
export function circledSuperscript(t: Token): Exponent | null {
  const e = superscript(t);
  return e.op === "T" || e.op === "invT" ? null : e;
}

/** `x'`: the transpose. */
export const primeNode = (arg: Node, prime: Token): Node => postfixNode(arg, { op: "T", end: prime.end });

/** `x.^p`: the elementwise power by a scalar expression. */
export function powerBy(arg: Node, exponent: Node, end: number): Node {
  return { type: "binary", op: "hpow", left: arg, right: exponent, span: span(arg.span.start, end) };
}

/**
 * `x^n`, `t^{a - 1}`, `(2π)^{-d/2}`, `‖x‖^p`: a power by a symbol or an expression, which only a scalar has
 * (shapes/elaborate.ts refuses it of a vector or matrix, pointing to `.^`). The node of `x.^p`, marked.
 */
export function symbolicPower(arg: Node, exponent: Node, end: number): Node {
  return { type: "binary", op: "hpow", left: arg, right: exponent, span: span(arg.span.start, end), scalarPower: true };
}

/**
 * `x^(1/2)`, `(xᵀx)^(3/2)`, `t^(n - 1)`: an exponent in parentheses or brackets, as ASCII writes it. A number there
 * is the power `^{1/2}` is; anything else a power by an expression. In braces only the expression: `^{1/2}` has its
 * own rule (the grammar's Power), and two readings of one input would be an ambiguity.
 */
export function groupPower(arg: Node, open: Token, content: Node, close: Token): Node | null {
  const number = numericExponent(content);
  if (number !== null) return open.type === "lbrace" ? null : postfixNode(arg, power(number.startsWith("-"), number.replace(/^-/, ""), close.end));
  // the exponent spans what is inside the brackets: notes quote a − 1, not {a-1}
  return symbolicPower(arg, content, close.end);
}

/** "3", "-1/2", "0.5" for a number, a fraction of numbers, or either negated; null for anything else. */
function numericExponent(n: Node): string | null {
  if (n.type === "number") return decimal(n.text);
  if (n.type === "neg") {
    const inner = numericExponent(n.arg);
    return inner === null || inner.startsWith("-") ? null : `-${inner}`;
  }
  if (n.type === "binary" && n.op === "/" && n.left.type === "number" && n.right.type === "number") return `${decimal(n.left.text)}/${decimal(n.right.text)}`;
  return null;
}

/** `.^n`; `.^{-1}` is the elementwise reciprocal, not an inverse. */
export function elementwise(arg: Node, e: Exponent): Node {
  return postfixNode(arg, { op: "epow", exponent: e.exponent ?? "-1", end: e.end });
}

/** A norm with its `_2` / `_F` (the lexer only types those two as %normsub), spanning the subscript. */
export const subscriptedNorm = (norm: Node, sub: Token): Node =>
  ({ ...norm, kind: sub.value as NormKind, span: span(norm.span.start, sub.end) }) as Node;

/** `‖x‖^2_2`: LaTeX allows the subscript after the superscript. */
export const subscriptedNormPower = (norm: Node, e: Exponent, sub: Token): Node =>
  ({ ...postfixNode({ ...norm, kind: sub.value as NormKind } as Node, e), span: span(norm.span.start, sub.end) });

/**
 * `𝒩(x; μ, Σ)`, `N(x \mid μ, Σ)`: the Gaussian density exp(−½(x − μ)ᵀΣ⁻¹(x − μ))/√det(2πΣ) (Bishop, PRML
 * eq. 2.43), or exp(−(x − μ)²/(2σ²))/√(2πσ²) when nothing in it is a matrix by its letter (𝒩(y; m, σ²)); under
 * a log, the log-density −½(x − μ)ᵀΣ⁻¹(x − μ) − ½ log det(2πΣ) (callNode). The nodes it adds span the whole call, so a message
 * about them quotes what was written; (x − μ) and Σ are one node each, used twice, so both uses have one shape.
 */
export function gaussianNode(name: Token, x: Node, mean: Node, cov: Node, close: Token): Node {
  const whole = span(name.offset, close.end);
  const num = (text: string): Node => ({ type: "number", text, span: whole });
  const op = (o: BinaryOp, left: Node, right: Node): Node => ({ type: "binary", op: o, left, right, span: whole });
  const univariate = !mentionsMatrix(cov) && !mentionsMatrix(x) && !mentionsMatrix(mean);
  const residual = op("-", x, mean);
  const identity = cov.type === "ident" && cov.name === "I" && !cov.bold;
  // ΣI, one node in both places: a Σ declared a scalar is the isotropic σ²I, whose log det(2πσ²I) is
  // n log(2πσ²) with n the length of x (the I is sized by the product with x − μ); a matrix Σ drops the I
  const covariance = univariate || identity ? cov : op("*", cov, { type: "ident", name: "I", span: whole });
  const twoPi = (of: Node) => op("*", op("*", num("2"), { type: "ident", name: "pi", span: whole }), of);
  const half = (n: Node) => op("/", n, num("2"));
  const quadratic = univariate
    ? op("/", { type: "postfix", op: "pow", arg: residual, exponent: "2", span: whole }, cov)
    : identity
      // 𝒩(x; 0, I), the standard normal: I⁻¹ is no factor to print
      ? op("*", { type: "postfix", op: "T", arg: residual, span: whole }, residual)
      : op("*", op("*", { type: "postfix", op: "T", arg: residual, span: whole }, { type: "postfix", op: "inv", arg: covariance, span: whole }), residual);
  const logNormaliser: Node = { type: "call", fn: univariate ? "log" : "logdet", args: [twoPi(covariance)], span: whole, nameSpan: whole };
  const exponent: Node = { type: "neg", arg: half(quadratic), span: whole };
  const logDensity = op("-", exponent, half(logNormaliser));
  const negLogDensity = op("+", half(quadratic), half(logNormaliser));
  const normaliser: Node = { type: "call", fn: "sqrt", args: [univariate ? twoPi(covariance) : { type: "call", fn: "det", args: [twoPi(covariance)], span: whole, nameSpan: whole }], span: whole, nameSpan: whole };
  const gaussian: Gaussian = { x, mean, cov, univariate, log: false, logDensity, negLogDensity };
  return { type: "binary", op: "/", left: { type: "call", fn: "exp", args: [exponent], span: whole, nameSpan: span(name.offset, name.end) }, right: normaliser, span: whole, gaussian };
}

/** Does the subtree name a matrix by its letter (Σ, S, I, K₁), a bold symbol or 𝟏: then 𝒩 is multivariate. */
function mentionsMatrix(n: Node): boolean {
  switch (n.type) {
    case "ident": return Boolean(n.bold) || /^[A-Z]/.test(n.name);
    case "ones": return true;
    case "binary": case "inner": return mentionsMatrix(n.left) || mentionsMatrix(n.right);
    case "neg": case "postfix": return mentionsMatrix(n.arg);
    case "call": return n.args.some(mentionsMatrix);
    default: return false;
  }
}
