/**
 * Elaboration: the surface tree becomes shaped core expressions.
 *
 * Pass 1 infers shapes by unification over symbolic dimensions and reports
 * mismatches with both shapes and the place; pass 2 builds core expressions
 * once every dimension has its final name.
 */
import type { Node, Span } from "../syntax/ast.js";
import { baseText, letterOf, nameInput } from "../syntax/names.js";
import { GREEK } from "../syntax/greek.js";
import * as E from "../core/expr.js";
import type { Expr, Sym } from "../core/expr.js";
import { OPERATIONS } from "../core/operations.js";
import { shape as mkShape, isScalarShape, type Shape } from "../core/shape.js";
import * as Q from "../core/rational.js";
import { MatdiffError, lineCol } from "../errors.js";
import { DimContext, type DimT, type ShapeT, SCALAR_T, ONE_T } from "./dims.js";
import type { Declaration, Rank } from "./declarations.js";
import { isSymmetric } from "../core/symmetry.js";

/** One text the user wrote: the expression, or the body of a --where definition. */
export interface SourceText {
  readonly text: string;
  /** Offset of the parsed part inside `text` (a --where body starts after "e ="). */
  readonly offset: number;
  /** How to name this text in messages; undefined for the main expression. */
  readonly label?: string;
}

export interface Definition {
  readonly name: string;
  readonly node: Node;
  readonly source: SourceText;
  readonly nameSpan: Span;
}

export interface ElaborateOptions {
  readonly declarations?: readonly Declaration[];
  readonly definitions?: readonly Definition[];
  /** Names that must get a symbol even if the expression does not use them (e.g. --wrt). */
  readonly extraSymbols?: readonly string[];
  readonly maxPower?: number;
  /**
   * A matrix power directly under tr, det or logdet has a derivative that collapses
   * (d tr(Xᵏ) = k tr(Xᵏ⁻¹ dX)): maxPower does not hold for it, the budget does.
   * Off for a Hessian, whose second differential has a term per factor again.
   */
  readonly collapsing?: boolean;
  /** The shape the whole expression must have (sizes `I` and `0` in "2 tr(X) I"). */
  readonly expectShape?: Shape;
  /** Symbol → the parameter it is an opaque function of, declared (`--let "A: matrix(theta)"`) or written (`A(θ)`). */
  readonly dependencies?: ReadonlyMap<string, string>;
  /** Sizes no declaration names that a letter stands for, as tr(I_n) prints n (a printed result read back). */
  readonly sizes?: readonly string[];
}

/** The letter conventions of DESIGN.md §2: uppercase a matrix, lowercase Latin a vector, lowercase Greek a scalar. */
/** Letters that name sizes and counts (d, n, m, N, M, D, with a subscript: d_k). */
const COUNT_LETTER = /^[dnmNMD](?:_[A-Za-z0-9]+)?$/;

/** λ and σ with an index of the spectrum: `lambda_max`, `sigma_1`, `lambda_i`. */
const SPECTRAL_NAME = /^(?:lambda|sigma)_(?:max|min|\d+|[a-z])$/;

export function conventionalRank(name: string): Rank {
  if (isUpperName(name)) return "matrix";
  return isGreekLower(name) ? "scalar" : "vector";
}

export interface Elaborated {
  readonly expr: Expr;
  /** Every symbol by name, including names defined with --where. */
  readonly symbols: ReadonlyMap<string, Sym>;
  /** --where definitions: symbol name → its body. */
  readonly definitions: ReadonlyMap<string, Expr>;
  /** How the input was read where it could surprise: a number broadcast, log of a matrix taken entrywise, ‖x‖₁, x / y of vectors entrywise. */
  readonly notes: readonly string[];
  /** Numbers over vectors read entrywise (NumPy's 1 / v): a reading that needs none is the likelier one (shapes/reading.ts). */
  readonly entrywiseReciprocals: number;
  /** ⊙ and ⊘ with a number on a side, which no one writes ⊙ for (α ⊙ x is αx): a reading with none is the likelier one. */
  readonly scalarHadamards: number;
}

export const DEFAULT_MAX_POWER = 64;

type Info = { readonly shape: ShapeT; readonly src: SourceText };

interface SymbolInfo {
  readonly shape: ShapeT;
  readonly decl?: Declaration;
  readonly definition?: Node;
}

export const isUpperName = (name: string) => {
  const letter = letterOf(name);
  const g = GREEK.get(letter);
  return g ? g.upper : /^[A-Z]$/.test(letter);
};
const isGreekLower = (name: string) => {
  const g = GREEK.get(letterOf(name));
  return g !== undefined && !g.upper;
};

function firstOperand(n: Node): Node | undefined {
  switch (n.type) {
    case "binary": return n.left;
    case "neg": case "postfix": return n.arg;
    default: return undefined;
  }
}

/** 0, and 0 to a positive power: their shape is whatever the context needs, their value 0. */
const isLiteralZero = (n: Node): boolean =>
  (n.type === "number" && Q.parseRational(n.text)?.n === 0)
  || (n.type === "postfix" && (n.op === "pow" || n.op === "epow") && (Q.parseRational(n.exponent ?? "")?.n ?? 0) > 0 && isLiteralZero(n.arg));

/**
 * 1/(ab) = a⁻¹b⁻¹ for nonzero scalars: the reciprocal of a product of scalar
 * factors is the product of their reciprocals. That is the canonical form,
 * which the printers write over one denominator (`x/(2α)` is ½·α⁻¹·x), so a
 * printed fraction reads back as the expression it was printed from. A 1×1
 * matrix chain such as xᵀy is one scalar factor and keeps its reciprocal whole.
 */
function reciprocal(r: Expr): Expr {
  if (r.kind === "num") return E.num(Q.div(Q.ONE, r.value));
  if (r.kind === "mul") {
    const { coeff, scalars, chain } = E.splitMul(r);
    if (chain.length === 0) return E.mul(E.num(Q.div(Q.ONE, coeff)), ...scalars.map(reciprocal));
  }
  return E.power(r, -1);
}

/** A symbol as a reader writes it in a hint: α for alpha, W_1 as is. */
const letter = (name: string) => {
  const [base, ...sub] = name.split("_");
  return [baseText(base!), ...sub].join("_");
};

/** A number written out (`2`, `-1`, `\frac12`, `0.5^2`): the constants NumPy broadcasts. */
function isNumericLiteral(n: Node): boolean {
  switch (n.type) {
    case "number": return true;
    case "neg": return isNumericLiteral(n.arg);
    case "binary": return (n.op === "*" || n.op === "/") && isNumericLiteral(n.left) && isNumericLiteral(n.right);
    case "postfix": return n.op === "pow" && isNumericLiteral(n.arg);
    default: return false;
  }
}

/**
 * eᶻ/(1 + eᶻ) is σ(z), as it is written to mean: 1/(1 + eᶻ) is built as σ(−z) (core/expr.ts), and
 * f = eᶻσ(−z) read back the reader's own logistic function in a form nobody writes.
 */
function logistic(numerator: Expr, reciprocal: Expr): Expr | null {
  if (numerator.kind !== "fn" || numerator.name !== "exp" || reciprocal.kind !== "fn" || reciprocal.name !== "sigmoid") return null;
  return reciprocal.arg === E.neg(numerator.arg) ? E.fn("sigmoid", numerator.arg) : null;
}

/** What a × b of two vectors is: shapes/reading.ts refuses it outright rather than read a or b as a number. */
export const CROSS_PRODUCT = "of two vectors is the cross product";

/** 𝟏ᵀ as written: the transposed 𝟏, or 1ᵀ (a number has no transpose). */
const isOnesRow = (n: Node): boolean => isTransposedOne(n) || (n.type === "postfix" && n.op === "T" && n.arg.type === "ones");
const isTransposedOne = (n: Node) => n.type === "postfix" && n.op === "T" && n.arg.type === "number" && Q.parseRational(n.arg.text)?.n === 1 && Q.parseRational(n.arg.text)?.d === 1;

/** Functions that have a matrix-function namesake (logm, expm, sqrtm) a reader may have meant instead. */
const MATRIX_FUNCTION_NAMESAKE: Readonly<Record<string, string>> = {
  log: "logarithm (for log det X write logdet(X))", exp: "exponential", sqrt: "square root",
};

/**
 * `ranks`: the reading of undeclared symbols (src/shapes/reading.ts chooses it); a symbol not in it has its
 * letter's convention. An argument of its own, not an option: each reading tried would copy the options.
 */
export function elaborate(root: Node, source: SourceText, opts: ElaborateOptions = {}, ranks?: ReadonlyMap<string, Rank>): Elaborated {
  const dims = new DimContext<{ readonly node: Node; readonly src: SourceText }>();
  const infos = new Map<Node, Info>();
  const symbols = new Map<string, SymbolInfo>();
  const decls = new Map((opts.declarations ?? []).map((d) => [d.name, d]));
  const defs = new Map((opts.definitions ?? []).map((d) => [d.name, d]));
  const maxPower = opts.maxPower ?? DEFAULT_MAX_POWER;
  /** Powers whose derivative collapses (see ElaborateOptions.collapsing): the argument of tr, det, logdet. */
  const collapses = new Set<Node>();
  const noteCollapsing = (n: Node & { type: "call" }) => {
    const arg = n.args[0];
    if (opts.collapsing && n.args.length === 1 && (n.fn === "tr" || n.fn === "det" || n.fn === "logdet") && arg?.type === "postfix" && arg.op === "pow") collapses.add(arg);
  };
  const inProgress = new Set<string>();
  const diagIsMatrix = new Set<Node>();
  /** The power that is the whole argument of a sum, sum(v^2): entrywise when v is a vector (entrywisePowers). */
  const summedPowers = new Set<Node>();
  const entrywisePowers = new Map<Node, SourceText>();
  /** `w · x` of two vectors: the dot product wᵀx, said in a note. */
  const dotProducts = new Map<Node, SourceText>();
  /** v @ M with a column v: NumPy's 1-D array on the left of @, a row (built as vᵀM, like a dot product). */
  const matmulRows = new Map<Node, SourceText>();
  /** |v|² of a vector v: the squared Euclidean norm ‖v‖², as physics writes it (|v| alone stays entrywise). */
  const barNorms = new Map<Node, SourceText>();
  /** Divisions whose divisor took the factors after its transpose (`xᵀAx / xᵀx`, syntax/build.ts). */
  const divisorRuns = new Map<Node, SourceText>();
  /** `x / y` of two vectors: entrywise (NumPy's reading), said in a note. */
  const entrywiseDivisions = new Set<Node>();
  /** `1 / v` of a vector: entrywise, NumPy's reading, said in a note. */
  const entrywiseReciprocals = new Set<Node>();
  const scalarHadamards = new Set<Node>();
  const divisionNotes: string[] = [];
  /** `|X|` of a matrix: its determinant. */
  const barsIsDet = new Set<Node>();
  /** Numbers added to a vector or matrix, NumPy style: the literal, the sum it is in, the shape it spreads to. */
  const broadcasts = new Map<Node, { readonly sum: Node; readonly other: Node; readonly shape: ShapeT; readonly src: SourceText }>();
  /** log/exp/sqrt calls, for a note where the argument is a square matrix. */
  const entrywiseOfMatrix: { readonly call: Node & { type: "call" }; readonly shape: ShapeT; readonly src: SourceText }[] = [];
  const oneNorms: { readonly node: Node; readonly src: SourceText }[] = [];
  /** `1^T`, read as the all-ones row 𝟏ᵀ. */
  const onesRows = new Map<Node, SourceText>();
  /** `X 1`: a 1 after a matrix or a row, read as the all-ones column 𝟏. */
  const onesColumns = new Map<Node, SourceText>();
  /** `mean(v)`: said in a note, with the number of entries it divides by. */
  const means = new Map<Node & { type: "call" }, SourceText>();
  /**
   * A divisor that is a size by its letter, d, n, N, d_k or its square root (Kᵀq/√d, attention's scaling; ‖r‖²/n):
   * never an entrywise division, so a vector reading of the letter fails and the scalar one is taken, with a note.
   * (g/√v, RMSprop's, stays entrywise: v is no size.)
   */
  const countLike = (x: Node): boolean => {
    const a = x.type === "call" && x.fn === "sqrt" && x.args.length === 1 ? x.args[0]! : x;
    return a.type === "ident" && COUNT_LETTER.test(a.name) && !decls.has(a.name) && !defs.has(a.name);
  };
  /** Certainly a vector or matrix, whatever the still-open sizes become. */
  const certainlyNotScalar = (s: ShapeT) => dims.isRigid(s.rows) || dims.isRigid(s.cols);

  const where = (src: SourceText, offset: number) => {
    const { line, col } = lineCol(src.text, offset + src.offset);
    return src.label ? `${line}:${col} of ${src.label}` : `${line}:${col}`;
  };
  const fail = (src: SourceText, code: "shape" | "number" | "unsupported" | "limit", message: string, span: Span, hint?: string): never => {
    throw new MatdiffError(code, message, { start: span.start + src.offset, end: span.end + src.offset }, {
      ...(hint ? { hint } : {}), ...(src.label ? { source: src.text } : {}),
    });
  };
  const show = (s: ShapeT) => {
    const name = dims.namer();
    return `${name(s.rows)}×${name(s.cols)}`;
  };
  const snippet = (src: SourceText, span: Span) => src.text.slice(span.start + src.offset, span.end + src.offset).replace(/\s+/g, " ");
  /** Position of the operator between two operands, for "at 1:5". */
  const opPos = (src: SourceText, left: Node, right: Node) => {
    const text = src.text;
    let i = left.span.end + src.offset;
    while (i < right.span.start + src.offset && /\s/.test(text[i]!)) i++;
    return i - src.offset;
  };

  /**
   * `λ_max(A)`, `λ₁(A)`, `σ_{min}(X)`, `λ_i(S)`: a spectral value of the matrix in the parentheses, not λ_max
   * times A; refused once the shapes are known (a scalar or vector in them is a product: `λ₁(wᵀw)`), unless
   * the letter is declared.
   */
  const spectral: { readonly product: Node & { type: "binary" }; readonly name: string; readonly src: SourceText }[] = [];
  function noteSpectral(n: Node & { type: "binary" }, src: SourceText): void {
    let left = n.left;
    while (left.type === "binary" && left.op === "*" && left.implicit) left = left.right;
    if (left.type !== "ident" || !SPECTRAL_NAME.test(left.name) || decls.has(left.name)) return;
    const after = src.text.slice(left.span.end + src.offset, n.right.span.end + src.offset);
    if (!/^\s*(?:\\(?:left|[bB]igg?l?)\s*)?\(/.test(after)) return;
    const candidate = { product: n, name: left.name, src };
    // a matrix already (A by its letter): refused before a sum it is in fails to fit
    const arg = infos.get(n.right)?.shape;
    if (arg && dims.isRigid(arg.rows) && dims.isRigid(arg.cols)) refuseSpectral([candidate]);
    spectral.push(candidate);
  }
  function refuseSpectral(candidates = spectral): void {
    for (const { product, name, src } of candidates) {
      const arg = infos.get(product.right)?.shape;
      if (!arg || dims.isOne(arg.rows) || dims.isOne(arg.cols)) continue;
      const [letter, index] = name.split("_") as [string, string];
      const singular = letter === "sigma";
      const which = index === "max" ? "largest " : index === "min" ? "smallest " : "";
      const what = `${which}${singular ? "singular value" : "eigenvalue"}`;
      const span = { start: product.left.span.start, end: product.span.end };
      const matrix = snippet(src, product.right.span).replace(/^(?:\\(?:left|[bB]igg?l?)\s*)?\((.*?)\s*(?:\\(?:right|[bB]igg?r?)\s*)?\)$/s, "$1");
      fail(src, "unsupported", `${snippet(src, span)} reads as the ${what}${which ? "" : ` number ${index}`} of ${matrix}, which matdiff does not differentiate`, span,
        `${singular ? "for a simple singular value σ with unit singular vectors u, v: ∇σ = u vᵀ" : "for a symmetric matrix and a simple eigenvalue λ with unit eigenvector v: ∇λ = v vᵀ"}; `
        + `for a product write ${snippet(src, product.left.span)} \\cdot (…), or declare --let "${name}: scalar"`);
    }
  }

  /** max(x, 0) and max(0, x) are relu(x), entrywise; other maxima have no derivative matdiff can write. */
  function reluArgument(n: Extract<Node, { type: "call" }>, src: SourceText): Node {
    const [a, b] = n.args;
    if (b && isLiteralZero(b)) return a!;
    if (a && b && isLiteralZero(a)) return b;
    if (!b) {
      return fail(src, "unsupported", `${snippet(src, n.span)}, the largest entry, has no derivative in closed form (it is one-hot at the largest entry), at ${where(src, n.span.start)}`, n.span,
        "max(0, x) and max(x, 0) are the ReLU; a smooth largest entry is logsumexp(x)");
    }
    return fail(src, "unsupported", `max(a, b) is supported only as max(x, 0), the ReLU, at ${where(src, n.span.start)}`, n.span, "write relu(x) for max(x, 0)");
  }

  function symbolInfo(name: string, span: Span, src: SourceText): SymbolInfo {
    const found = symbols.get(name);
    if (found) return found;
    const def = defs.get(name);
    if (def) {
      if (inProgress.has(name)) fail(src, "shape", `the definition of ${name} refers to itself`, span);
      inProgress.add(name);
      const body = infer(def.node, def.source);
      inProgress.delete(name);
      const info = { shape: body.shape, definition: def.node };
      symbols.set(name, info);
      return info;
    }
    const decl = decls.get(name);
    let s: ShapeT;
    if (decl) {
      if (decl.rank === "scalar") s = SCALAR_T;
      else if (decl.rank === "vector") s = { rows: decl.rows !== undefined ? dimOf(decl.rows) : dims.fresh(), cols: ONE_T };
      else {
        const rows = decl.rows !== undefined ? dimOf(decl.rows) : dims.fresh();
        const cols = decl.cols !== undefined ? dimOf(decl.cols) : decl.square ? rows : dims.fresh();
        s = { rows, cols };
      }
    } else {
      const rank = ranks?.get(name) ?? conventionalRank(name);
      s = rank === "scalar" ? SCALAR_T : rank === "vector" ? { rows: dims.fresh(), cols: ONE_T } : { rows: dims.fresh(), cols: dims.fresh() };
    }
    const info: { -readonly [K in keyof SymbolInfo]: SymbolInfo[K] } = { shape: s };
    if (decl) info.decl = decl;
    symbols.set(name, info);
    return info;
  }

  const requireSquare = (n: Node, s: ShapeT, src: SourceText, what: string, span: Span) => {
    if (!dims.unify(s.rows, s.cols)) {
      // a lone symbol that is a vector by convention was probably meant as a matrix
      const hint = n.type === "ident" && !decls.has(n.name) && dims.isOne(s.cols) ? `declare it with --let "${nameInput(n.name)}: matrix"`
        : n.type === "ident" && !decls.has(n.name) ? `declare it with --let "${nameInput(n.name)}: square"` : undefined;
      fail(src, "shape", `${what} needs a square matrix, but ${snippet(src, n.span)} is ${show(s)} at ${where(src, n.span.start)}`, span, hint);
    }
  };

  const flexibleVar = (d: DimT) => {
    const r = dims.resolve(d);
    return r.k === "var" && r.v.flexible;
  };
  /** A row or column whose other size is only a 𝟏's or 0's free size: 𝟏ᵀx, (𝟏ᵀx)ᵀ. */
  const scalarByFlexible = (s: ShapeT) => (dims.isOne(s.rows) && flexibleVar(s.cols)) || (dims.isOne(s.cols) && flexibleVar(s.rows));

  /** A declared size; a product "n·p" (as a result prints vec(X)'s length) is the product of its named factors, as a Kronecker shape infers it. */
  const dimOf = (d: string | number): DimT => (typeof d === "string" && d.includes("·")
    ? { k: "prod", parts: d.split("·").map((f) => dims.namedDim(/^\d+$/.test(f) ? Number(f) : f)) }
    : dims.namedDim(d));

  const isIdentityName = (name: string) => name === "I" && !decls.has("I") && !defs.has("I");
  /**
   * π is the number 3.14159… (as in erf′ = 2/√π e^{−t²}, 2πσ²) unless it is declared, defined,
   * differentiated by or read as a vector (πᵀx): then it is the variable of a policy or of mixture weights.
   */
  const isPiName = (name: string) => name === "pi" && !decls.has("pi") && !defs.has("pi") && !(opts.extraSymbols ?? []).includes("pi")
    && (ranks?.get("pi") ?? "scalar") === "scalar";
  /**
   * A letter that names a declared size and no symbol is that size: with X: m×n, `2n𝟏𝟏ᵀX` is
   * 2·tr(I_n)·𝟏𝟏ᵀX, as the printers write tr(I_n) = n (print/infix.ts), so a result reads back as itself.
   */
  const sizeNames = new Set<string>();
  // loops, not a chain of flatMaps: this runs for every reading tried, and the chain was a seventh of elaborating
  const addSize = (d: string | number | undefined) => {
    if (typeof d === "string") for (const f of d.split("·")) if (/^[A-Za-z]\w*$/.test(f)) sizeNames.add(f);
  };
  for (const d of decls.values()) { addSize(d.rows); addSize(d.cols); }
  for (const d of opts.sizes ?? []) addSize(d);
  const isSizeName = (name: string) => sizeNames.has(name) && !decls.has(name) && !defs.has(name);

  function infer(n: Node, src: SourceText): Info {
    const done = infos.get(n);
    if (done) return done;
    // a long chain (a + a + … + a, A A … A, primes, − − t) is a deep left spine: infer it from
    // the bottom up so each level finds its operand done, instead of recursing once per level; the walk
    // stops at an operand already done, or every level of the spine would walk the rest of it again (k²)
    const spine: Node[] = [];
    for (let cur = firstOperand(n); cur && !infos.has(cur); cur = firstOperand(cur)) spine.push(cur);
    for (let i = spine.length - 1; i >= 0; i--) if (!infos.has(spine[i]!)) infer(spine[i]!, src);
    const outer = dims.origin;
    dims.origin = { node: n, src };
    const s = inferShape(n, src);
    dims.origin = outer;
    const info = { shape: s, src };
    infos.set(n, info);
    return info;
  }

  function inferShape(n: Node, src: SourceText): ShapeT {
    switch (n.type) {
      case "number": {
        const v = Q.parseRational(n.text);
        if (v === null) fail(src, "number", `the number ${n.text} is out of range (at most 15 significant digits, finite)`, n.span);
        if (v!.n === 0) return { rows: dims.fresh({ flexible: true }), cols: dims.fresh({ flexible: true }) };
        return SCALAR_T;
      }
      case "ident": {
        if (isIdentityName(n.name)) {
          // an identity is never the scalar 1: its size is a fresh symbolic dimension until the context fixes it
          const d = dims.fresh();
          return { rows: d, cols: d };
        }
        if (isPiName(n.name)) return SCALAR_T;
        if (isSizeName(n.name)) return SCALAR_T;
        return symbolInfo(n.name, n.span, src).shape;
      }
      case "ones":
        // 𝟏 is never the scalar 1: a column of a symbolic length, or the all-ones matrix where the context needs one (𝟏 + A)
        return { rows: dims.fresh(), cols: dims.fresh({ flexible: true }) };
      case "neg":
        return infer(n.arg, src).shape;
      case "binary": {
        const l = infer(n.left, src).shape;
        // 1ᵀX1, X 1: a 1 written after a matrix or a row is the all-ones column 𝟏 (a number that scales is written
        // first), so 1ᵀX1 is the sum of X's entries, not the row 𝟏ᵀX
        if (n.op === "*" && n.implicit && n.right.type === "number" && n.right.text === "1" && certainlyNotScalar(l) && !dims.isOne(l.cols)) {
          onesColumns.set(n.right, src);
          infos.set(n.right, { shape: { rows: dims.fresh(), cols: dims.fresh({ flexible: true }) }, src });
        }
        const r = infer(n.right, src).shape;
        const at = opPos(src, n.left, n.right);
        const mismatch = (sym: string, hint?: string): never =>
          fail(src, "shape", `dimension mismatch in ${snippet(src, n.span)} at ${where(src, at)}: ${show(l)} ${sym} ${show(r)}`, n.span, hint);
        switch (n.op) {
          case "+": case "-": {
            // NumPy broadcasting of a written number: 1 + exp(Ax) is 𝟏 + exp(Ax)
            if (isNumericLiteral(n.left) && dims.isScalar(l) && certainlyNotScalar(r)) { broadcasts.set(n.left, { sum: n, other: n.right, shape: r, src }); return r; }
            if (isNumericLiteral(n.right) && dims.isScalar(r) && certainlyNotScalar(l)) { broadcasts.set(n.right, { sum: n, other: n.left, shape: l, src }); return l; }
            if (!dims.unifyShapes(l, r)) {
              const scalarSide = dims.isScalar(l) !== dims.isScalar(r) ? (dims.isScalar(l) ? n.left : n.right) : null;
              const c = scalarSide?.type === "ident" ? letter(scalarSide.name) : scalarSide && snippet(src, scalarSide.span);
              mismatch(n.op === "+" ? "+" : "−", scalarSide === null ? undefined
                : scalarSide.type === "ident" ? `${c} is a scalar; to add it to every entry write ${c}𝟏 (or ${c}I to add it to the diagonal)`
                : "a scalar and a matrix or vector can't be added; write c·𝟏 or c·I explicitly");
            }
            return l;
          }
          case "*": {
            if (n.implicit) noteSpectral(n, src);
            // 𝟏ᵀ𝟏 is the size n, a scalar (issue 17), however the product goes on: (𝟏ᵀ𝟏)u is n·u, not 𝟏ᵀ
            // times an all-ones matrix sized by u (fuzz seed 20261205, (b), (c), (e): Xᵀ(𝟏ᵀ𝟏u) failed to read)
            if (isOnesRow(n.left) && n.right.type === "ones" && dims.unify(l.cols, r.rows) && dims.unifyShapes({ rows: l.rows, cols: r.cols }, SCALAR_T)) return SCALAR_T;
            if (dims.isScalar(l)) return r;
            if (dims.isScalar(r)) return l;
            // 𝟏 is a vector by notation: in (𝟏ᵀx)ᵀA and A(𝟏ᵀx) the product 𝟏ᵀx is the scalar it reads as,
            // not a row or column of an all-ones matrix sized by A (a sum, 𝟏 + A, may still make 𝟏 a matrix)
            if (scalarByFlexible(l) && dims.isRigid(r.rows) && dims.unifyShapes(l, SCALAR_T)) return r;
            if (scalarByFlexible(r) && dims.isRigid(l.cols) && dims.unifyShapes(r, SCALAR_T)) return l;
            // (𝟏ᵀx)θᵀ and θ(xᵀ𝟏) too: the scalar times a row or a column, not an outer product whose other size
            // a later use (diag(e), fuzz (a) seed 20261208) would choose
            if (scalarByFlexible(l) && dims.isOne(l.cols) && dims.isOne(r.rows) && dims.isRigid(r.cols) && dims.unifyShapes(l, SCALAR_T)) return r;
            if (scalarByFlexible(r) && dims.isOne(r.rows) && dims.isOne(l.cols) && dims.isRigid(l.rows) && dims.unifyShapes(r, SCALAR_T)) return l;
            // np.ones(n) @ x: the ones on the left of @ are NumPy's 1-D array, a row, not an all-ones matrix sized by x
            if (n.matmul && n.left.type === "ones" && !dims.isRigid(l.cols) && dims.isRigid(r.rows) && dims.unify(l.cols, ONE_T) && dims.unify(l.rows, r.rows)) {
              matmulRows.set(n, src);
              return { rows: ONE_T, cols: r.cols };
            }
            if (!dims.unify(l.cols, r.rows)) {
              // a product of sizeless constants that nothing has sized yet (𝟏ᵀv, printed by (𝟏ᵀv)x)
              // can be a scalar, and here only a scalar fits
              const sizeless = (s: ShapeT) => !dims.isRigid(s.rows) && !dims.isRigid(s.cols);
              if (sizeless(l) && dims.unifyShapes(l, SCALAR_T)) return r;
              if (sizeless(r) && dims.unifyShapes(r, SCALAR_T)) return l;
              const bothColumns = dims.isOne(l.cols) && dims.isOne(r.cols);
              // x @ A, w @ w: NumPy takes a 1-D array on the left of @ as a row
              if (n.matmul && dims.isOne(l.cols) && !dims.isOne(l.rows) && dims.unify(l.rows, r.rows)) {
                matmulRows.set(n, src);
                return { rows: ONE_T, cols: r.cols };
              }
              // w · x of two vectors is the dot product, as physics and ML notes write it
              if (n.dot && bothColumns && dims.unify(l.rows, r.rows)) {
                dotProducts.set(n, src);
                return SCALAR_T;
              }
              // a × b of two 3-vectors: the cross product, which has no place in matrix calculus' notation
              if (n.cross && bothColumns) {
                const a = snippet(src, n.left.span), b = snippet(src, n.right.span);
                fail(src, "unsupported", `${snippet(src, n.span)} ${CROSS_PRODUCT}, which matdiff does not read, at ${where(src, at)}`, n.span,
                  `${a} × ${b} = [${a}]ₓ ${b}, with [${a}]ₓ the 3×3 skew-symmetric matrix of ${a}: write it S ${b} (--let "S: 3 x 3"); for the dot product write ${a}^T ${b}`);
              }
              mismatch("·", bothColumns ? `did you mean ${snippet(src, n.left.span)}^T ${snippet(src, n.right.span)}?` : undefined);
            }
            return { rows: l.rows, cols: r.cols };
          }
          case "/":
            if (n.divisorRun) divisorRuns.set(n, src);
            // a literal 0 has the shape it is given, so test for it before the shapes
            if (isLiteralZero(n.right)) fail(src, "number", `division by zero at ${where(src, at)}`, n.right.span);
            // a vector by a vector of its size is entrywise, as NumPy reads x / y; a scalar by a vector is not
            // (‖r‖²/n means n is a number), nor a matrix by a matrix (A/B may mean A B⁻¹), nor a divisor that
            // may still be a scalar (x / t, 𝟏ᵀexp(x))
            if (certainlyNotScalar(l) && certainlyNotScalar(r) && !countLike(n.right) && (dims.isOne(r.cols) || dims.isOne(r.rows)) && dims.unifyShapes(l, r)) {
              entrywiseDivisions.add(n);
              return l;
            }
            // a number over a vector is NumPy's 1 / v, entrywise: 1/(1 + exp(−Ax)) is the logistic σ(Ax)
            if (isNumericLiteral(n.left) && dims.isScalar(l) && certainlyNotScalar(r) && !countLike(n.right) && (dims.isOne(r.cols) || dims.isOne(r.rows))) {
              entrywiseReciprocals.add(n);
              return r;
            }
            // a divisor whose sizes are still open (𝟏ᵀexp(x)) is the scalar division needs
            if (!dims.isScalar(r) && (certainlyNotScalar(r) || !dims.unifyShapes(r, SCALAR_T))) {
              const hint = isNumericLiteral(n.left)
                ? `for the entrywise reciprocal write ${snippet(src, n.left.span)} ./ ${snippet(src, n.right.span)}; for the matrix inverse, ${snippet(src, n.right.span)}^{-1}`
                : "multiply by an inverse instead, e.g. A B^{-1}";
              const why = countLike(n.right) ? `${snippet(src, n.right.span)} divides, as a size or a count does` : `division by ${snippet(src, n.right.span)}, which is ${show(r)}, not a scalar`;
              fail(src, "shape", `${why}, at ${where(src, at)}`, n.right.span, hint);
            }
            return l;
          case "hadamard": case "hdivide":
            if (isLiteralZero(n.right) && n.op === "hdivide") fail(src, "number", `division by zero at ${where(src, at)}`, n.right.span);
            if (dims.isScalar(l) || dims.isScalar(r)) scalarHadamards.add(n);
            if (dims.isScalar(l)) return r;
            if (dims.isScalar(r)) return l;
            if (!dims.unifyShapes(l, r)) mismatch(n.op === "hadamard" ? "⊙" : "⊘");
            return l;
          case "kron":
            return { rows: { k: "prod", parts: [l.rows, r.rows] }, cols: { k: "prod", parts: [l.cols, r.cols] } };
          case "hpow":
            // x^n with n a symbol: a scalar's power; a matrix power needs a number of factors
            if (n.scalarPower && !dims.isScalar(l) && (certainlyNotScalar(l) || !dims.unifyShapes(l, SCALAR_T))) {
              const base = snippet(src, n.left.span), exponent = snippet(src, n.right.span);
              fail(src, "shape", `${snippet(src, n.span)} raises ${base}, which is ${show(l)}, to the power ${exponent}: a power by a symbol or an expression is a scalar's, at ${where(src, n.span.start)}`, n.right.span,
                `for the entrywise power write ${base}.^${n.right.type === "ident" ? exponent : `(${exponent})`}; a matrix power needs a number, e.g. ${base}^3`);
            }
            // x.^p: p is a scalar (a sizeless 𝟏ᵀ𝟏 becomes one), the result has x's shape
            if (!dims.isScalar(r) && (certainlyNotScalar(r) || !dims.unifyShapes(r, SCALAR_T))) {
              fail(src, "shape", `the exponent of ${n.scalarPower ? "a power" : "an elementwise power"} must be a scalar, but ${snippet(src, n.right.span)} is ${show(r)} at ${where(src, n.right.span.start)}`, n.right.span,
                "for entrywise powers by a vector of exponents write exp(p ⊙ log(x))");
            }
            return l;
        }
        break;
      }
      case "postfix": {
        if (isTransposedOne(n)) {
          // a number has no transpose: 1^T exp(Xβ) means the all-ones row 𝟏ᵀ
          onesRows.set(n, src);
          return { rows: dims.fresh({ flexible: true }), cols: dims.fresh() };
        }
        const a = infer(n.arg, src).shape;
        switch (n.op) {
          case "T": return { rows: a.cols, cols: a.rows };
          case "inv": case "invT": {
            if (isLiteralZero(n.arg)) fail(src, "number", `0 has no inverse (at ${where(src, n.span.start)})`, n.span);
            if (dims.isScalar(a)) return a;
            requireSquare(n.arg, a, src, "the inverse", n.span);
            return n.op === "inv" ? a : { rows: a.cols, cols: a.rows };
          }
          case "pow": case "epow": {
            const p = Q.parseRational(n.exponent ?? "");
            if (p === null) fail(src, "number", `the exponent ${n.exponent} is out of range`, n.span);
            if (isLiteralZero(n.arg) && p!.n < 0) fail(src, "number", `0 to a negative power is undefined (at ${where(src, n.span.start)})`, n.span);
            if (n.op === "epow" || dims.isScalar(a) || isLiteralZero(n.arg)) return a;
            // a power needs a square operand: a row or column whose other size is still free (𝟏ᵀx) is a scalar
            if ((dims.isOne(a.cols) && dims.unify(a.rows, ONE_T)) || (dims.isOne(a.rows) && dims.unify(a.cols, ONE_T))) return a;
            // sum((Xw − y)^2), \sum (Xw − y)^2: a sum of squares, as NumPy's sum((X @ w - y)**2) writes it
            if (summedPowers.has(n) && (dims.isOne(a.cols) || dims.isOne(a.rows))) {
              entrywisePowers.set(n, src);
              return a;
            }
            // |v|² of a vector, as physics and engineering write the squared length: ‖v‖²
            if (n.arg.type === "bars" && n.exponent === "2" && (dims.isOne(a.cols) || dims.isOne(a.rows))) {
              barNorms.set(n, src);
              return SCALAR_T;
            }
            if (dims.isOne(a.cols) || dims.isOne(a.rows)) {
              const v = snippet(src, n.arg.span);
              fail(src, "shape", `${v}^${n.exponent} of the ${show(a)} vector ${v} is not defined at ${where(src, n.span.start)}`, n.span,
                `did you mean ${v}^T ${v} (the squared norm) or ${v}.^${n.exponent} (elementwise)?`);
            }
            if (!Q.isInt(p!)) fail(src, "unsupported", `fractional powers of matrices (${snippet(src, n.span)}) are not supported`, n.span);
            if (Math.abs(p!.n) > maxPower && !collapses.has(n)) {
              fail(src, "limit", `the matrix power ${p!.n} is above the limit of ${maxPower} (its derivative has one term per factor)`, n.span);
            }
            requireSquare(n.arg, a, src, "a matrix power", n.span);
            return a;
          }
        }
        break;
      }
      case "call": {
        noteCollapsing(n);
        const expectArgs = (k: number) => {
          if (n.args.length !== k) fail(src, "shape", `${n.fn} takes ${k} argument${k === 1 ? "" : "s"}, not ${n.args.length}`, n.span);
        };
        if (n.index !== undefined) fail(src, "unsupported", `a sum over the index ${n.index} is read in the expression, not in a --where definition`, n.nameSpan, "write the definition in vectors, or the sum in the expression");
        if (n.fn === "max") return infer(reluArgument(n, src), src).shape;
        expectArgs(1);
        const arg = n.args[0]!;
        // marked before the argument is inferred, which is where it is read (a call is never a chain's spine)
        if ((n.fn === "sum" || n.fn === "mean") && arg.type === "postfix" && arg.op === "pow") summedPowers.add(arg);
        const a = infer(arg, src).shape;
        switch (n.fn) {
          case "tr": case "det": case "logdet":
            if (!dims.isScalar(a)) requireSquare(arg, a, src, n.fn === "tr" ? "the trace" : n.fn === "det" ? "det" : "log det", n.span);
            return SCALAR_T;
          case "sum":
            // Σᵢ read as a vector's entries: a summand that is no column (wᵀ x_i with w a matrix) was not that
            // (an all-ones factor's free width is a column's here: exp(XWᵀ)𝟏, the rows' sums of an inner sum)
            if (n.entries !== undefined && !((dims.isOne(a.cols) || (flexibleVar(a.cols) && dims.unify(a.cols, ONE_T))) && !dims.isOne(a.rows) && dims.unifyShapes(a, { rows: a.rows, cols: ONE_T }))) {
              fail(src, "unsupported", `the sum over ${n.entries} does not read as the sum of a vector's entries here: its summand in vectors is ${show(a)}`, n.nameSpan, "write the sum in vectors: Σᵢ (yᵢ − xᵢᵀβ)² is ‖y − Xβ‖²");
            }
            return SCALAR_T;
          case "mean":
            means.set(n as Node & { type: "call" }, src);
            return SCALAR_T;
          case "diag":
            if (dims.isScalar(a)) return a;
            if (dims.isOne(a.cols)) { diagIsMatrix.add(n); return { rows: a.rows, cols: a.rows }; }
            if (dims.isOne(a.rows)) fail(src, "shape", `diag of the row vector ${snippet(src, arg.span)} (${show(a)}) at ${where(src, n.span.start)}`, n.span, "transpose it to a column first");
            requireSquare(arg, a, src, "diag of a matrix", n.span);
            return { rows: a.rows, cols: ONE_T };
          case "vec":
            // column-major: the column index varies slowest, as the left factor's does in a Kronecker product,
            // so (B ⊗ A)vec(X) pairs B's columns with X's columns: vec(AXBᵀ) = (B ⊗ A)vec(X)
            return { rows: { k: "prod", parts: [a.cols, a.rows] }, cols: ONE_T };
          case "unvec": {
            // the inverse of vec: its shape is what the context needs, rows·cols = the length of the column
            if (!dims.unify(a.cols, ONE_T)) fail(src, "shape", `unvec takes a column vector, but ${snippet(src, arg.span)} is ${show(a)} at ${where(src, n.span.start)}`, n.span);
            const s = { rows: dims.fresh(), cols: dims.fresh() };
            if (!dims.unify(a.rows, { k: "prod", parts: [s.cols, s.rows] })) fail(src, "shape", `unvec of ${snippet(src, arg.span)} (${show(a)}) at ${where(src, n.span.start)}`, n.span);
            return s;
          }
          default:
            switch (OPERATIONS[n.fn].kind) {
              case "elementwise":
                // e^{A} of a matrix is the matrix exponential in every text; exp(A) is NumPy's entrywise one
                if (dims.isRigid(a.rows) && dims.isRigid(a.cols) && n.fn === "exp" && !n.ofEntries && !snippet(src, n.nameSpan).includes("exp")) {
                  fail(src, "unsupported", `${snippet(src, n.span)} of a matrix is the matrix exponential: not supported`, n.span, "for the entrywise exponential write exp(·)");
                }
                // a note in pass 2 if the argument turns out a square matrix
                if (n.fn in MATRIX_FUNCTION_NAMESAKE && !n.ofEntries) entrywiseOfMatrix.push({ call: n, shape: a, src });
                return a;
              case "columns": return a;
              case "reduce":
                if (dims.isScalar(a) || dims.isOne(a.rows) || dims.unify(a.cols, ONE_T)) return SCALAR_T;
                return fail(src, "shape", `${n.fn} takes a vector, but ${snippet(src, arg.span)} is the ${show(a)} matrix at ${where(src, n.span.start)}`, n.span,
                  `for all its entries write ${n.fn}(vec(${snippet(src, arg.span)}))`);
            }
        }
        break;
      }
      case "bars": {
        const a = infer(n.arg, src).shape;
        if (dims.isOne(a.cols) || dims.isOne(a.rows)) return a;
        requireSquare(n.arg, a, src, "|·| of a matrix (its determinant)", n.span);
        barsIsDet.add(n);
        return SCALAR_T;
      }
      case "norm": {
        const a = infer(n.arg, src).shape;
        const vectorLike = dims.isOne(a.cols) || dims.isOne(a.rows);
        if (n.kind === "1") {
          if (!vectorLike) {
            fail(src, "unsupported", `the matrix 1-norm of ${snippet(src, n.arg.span)} is not supported`, n.span, "for the sum of absolute entries write sum(abs(·))");
          }
          oneNorms.push({ node: n, src });
        }
        if (n.kind === "2" && !vectorLike && !dims.isScalar(a)) {
          fail(src, "unsupported", `the spectral norm ‖·‖₂ of the ${show(a)} matrix ${snippet(src, n.arg.span)} is not supported`, n.span, "did you mean the Frobenius norm ‖A‖_F?");
        }
        return SCALAR_T;
      }
      case "entry":
        // indexed-sum.ts reads (Wx)_j inside a sum over j and (Wx)_y beside one; one left here is neither
        return fail(src, "unsupported", `${snippet(src, n.span)}, an entry of a vector, is read only inside a sum over ${n.index} (as \\sum_${n.index} \\exp(${snippet(src, n.arg.span)}_${n.index})) or as a label beside one`, n.span,
          "name the vector with --where, e.g. --where \"s = W x\", and write s_j");
      case "inner": {
        const l = infer(n.left, src).shape;
        const r = infer(n.right, src).shape;
        if (!dims.unifyShapes(l, r)) {
          fail(src, "shape", `dimension mismatch in ${snippet(src, n.span)} at ${where(src, n.span.start)}: ⟨${show(l)}, ${show(r)}⟩`, n.span);
        }
        return SCALAR_T;
      }
    }
    throw new E.InternalError(`no shape rule for ${JSON.stringify(n)}`);
  }

  const rootInfo = infer(root, source);
  if (opts.expectShape) {
    const want = { rows: dimOf(opts.expectShape.rows), cols: dimOf(opts.expectShape.cols) };
    if (!dims.unifyShapes(rootInfo.shape, want)) {
      fail(source, "shape", `the expression is ${show(rootInfo.shape)}, not ${opts.expectShape.rows}×${opts.expectShape.cols}`, root.span);
    }
  }
  settleProducts();
  // A 𝟏 or 0 whose size nothing fixed is as small as it can be: 𝟏ᵀx makes 𝟏 a column, not a matrix
  for (const [node, info] of infos) {
    if (node.type === "ones" || onesRows.has(node) || onesColumns.has(node) || (node.type === "number" && isLiteralZero(node))) {
      for (const d of [info.shape.rows, info.shape.cols]) {
        const r = dims.resolve(d);
        if (r.k === "var" && r.v.flexible) dims.unify(r, ONE_T);
      }
    }
  }
  settleProducts();
  refuseSpectral();

  for (const name of opts.extraSymbols ?? []) if (!isIdentityName(name)) symbolInfo(name, { start: 0, end: 0 }, source);

  /**
   * Kronecker and vec sizes kept for later (d·q = m·k) are decided now that the whole input is read;
   * what nothing else decides pairs by the Kronecker index order (vec.ts: vec(X) is cols·rows).
   */
  function settleProducts(): void {
    const { failed } = dims.settle();
    if (failed) {
      const { node, src } = failed.origin!;
      const name = dims.namer();
      fail(src, "shape", `dimension mismatch in ${snippet(src, node.span)} at ${where(src, node.span.start)}: ${String(name(failed.left))} ≠ ${String(name(failed.right))}`, node.span);
    }
  }

  // ---- pass 2: build core expressions with final dimension names
  const dimName = dims.namer(symbols.keys());
  const toShape = (s: ShapeT): Shape => mkShape(dimName(s.rows), dimName(s.cols));
  const syms = new Map<string, Sym>();
  const definitions = new Map<string, Expr>();
  const built = new Map<Node, Expr>();

  const symFor = (name: string): Sym => {
    let s = syms.get(name);
    if (!s) {
      const info = symbols.get(name)!;
      const d = info.decl;
      // a --where name is symmetric when its definition is (M = XᵀX), so M⁻ᵀ reads M⁻¹
      const body = info.definition ? build(info.definition) : null;
      const symmetric = d?.symmetric || (body !== null && isSymmetric(body));
      // assigned, not spread in (a literal with spreads is built by V8's runtime): one per symbol of every request
      const props: { -readonly [K in keyof E.SymbolProps]: E.SymbolProps[K] } = {};
      if (symmetric) props.symmetric = true;
      if (d?.posdef) props.posdef = true;
      if (d?.diagonal) props.diagonal = true;
      if (d?.probability) props.probability = true;
      const dependsOn = opts.dependencies?.get(name) ?? d?.dependsOn;
      if (dependsOn !== undefined) props.dependsOn = dependsOn;
      s = E.sym(name, toShape(info.shape), props);
      syms.set(name, s);
      if (body) definitions.set(name, body);
    }
    return s;
  };

  function build(n: Node): Expr {
    const hit = built.get(n);
    if (hit) return hit;
    // operands first, deepest first, without recursion (a chain of products is thousands of nodes deep);
    // the walk stops at what is built, so a chain is walked once, not once per node
    const pending: Node[] = [];
    for (let cur = firstOperand(n); cur && !built.has(cur); cur = firstOperand(cur)) pending.push(cur);
    for (let i = pending.length - 1; i >= 0; i--) {
      const m = pending[i]!;
      if (!absorbed(m, i > 0 ? pending[i - 1]! : n)) buildHere(m);
    }
    return buildHere(n);
  }

  function buildHere(n: Node): Expr {
    const spread = broadcasts.get(n);
    const e = spread ? E.mul(buildNode(n), E.ones(toShape(spread.shape))) : buildNode(n);
    built.set(n, e);
    return e;
  }

  /**
   * A₁A₂⋯A_k and a₁ + a₂ + ⋯ + a_k are left-nested in the tree; built one node at a time, each
   * product or sum copies the factors of the one below it, O(k²). So the chain is built whole: an
   * inner node of it is absorbed by the one above, except a 1×1 product (xᵀy stays one scalar
   * factor of what follows, as E.mul groups it) and a node that broadcasts.
   */
  const family = (op: string) => (op === "*" ? "*" : op === "+" || op === "-" ? "+" : null);
  function absorbed(m: Node, parent: Node): boolean {
    if (m.type !== "binary" || parent.type !== "binary" || parent.left !== m) return false;
    const f = family(m.op);
    if (f === null || f !== family(parent.op) || broadcasts.has(m) || matmulRows.has(m)) return false;
    return f === "+" || !isScalarShape(toShape(infos.get(m)!.shape));
  }

  /** The operands of the chain ending at n (see absorbed), first to last; for a sum, subtracted ones negated. */
  function chainOperands(n: Node & { type: "binary" }): Expr[] {
    const links: (Node & { type: "binary" })[] = [];
    let m: Node = n;
    while (m.type === "binary" && (m === n || (!built.has(m) && absorbed(m, parentOf.get(m)!)))) {
      links.push(m);
      parentOf.set(m.left, m);
      m = m.left;
    }
    // in source order, so symbols are met (and listed) as they are written
    const out = [build(m)];
    for (let i = links.length - 1; i >= 0; i--) {
      const link = links[i]!;
      const r = build(link.right);
      out.push(link.op === "-" ? E.neg(r) : r);
    }
    return out;
  }
  const parentOf = new Map<Node, Node>();

  function buildNode(n: Node): Expr {
    const info = infos.get(n);
    const shapeHere = () => toShape(info!.shape);
    switch (n.type) {
      case "number": {
        if (onesColumns.has(n)) return E.ones(shapeHere());
        const v = Q.parseRational(n.text)!;
        return v.n === 0 ? E.zero(shapeHere()) : E.num(v);
      }
      case "ident":
        return isIdentityName(n.name) ? E.identity(shapeHere().rows) : isPiName(n.name) ? E.constant("pi") : isSizeName(n.name) ? E.sizeOf(n.name) : symFor(n.name);
      case "ones":
        return E.ones(shapeHere());
      case "neg":
        return E.neg(build(n.arg));
      case "binary": {
        if (n.op === "+" || n.op === "-") return E.add(...chainOperands(n));
        if (n.op === "*" && (dotProducts.has(n) || matmulRows.has(n))) return E.mul(E.transpose(build(n.left)), build(n.right));
        if (n.op === "*") return E.mul(...chainOperands(n));
        const l = build(n.left);
        const r = build(n.right);
        switch (n.op) {
          case "/": case "hdivide":
            // a divisor that folds to 0, like (1 − 1) or 0², is caught here; literal 0 during inference
            if (E.isZero(r)) fail(info!.src, "number", `division by zero: ${snippet(info!.src, n.right.span)} is 0`, n.right.span);
            if (entrywiseReciprocals.has(n)) {
              const c = snippet(info!.src, n.left.span), written = snippet(info!.src, n.right.span);
              const v = /^\(.*\)$/.test(written) || !/[\s+\-−]/.test(written) ? written : `(${written})`;
              divisionNotes.push(`${snippet(info!.src, n.span)} divides entrywise, ${c} ./ ${v}, as NumPy reads a number over an array`);
              return E.mul(l, E.hpower(r, -1));
            }
            if (n.op === "hdivide" || entrywiseDivisions.has(n)) {
              if (entrywiseDivisions.has(n)) {
                const [x, y] = [snippet(info!.src, n.left.span), snippet(info!.src, n.right.span)];
                const declare = n.right.type === "ident" ? ` with --let "${nameInput(n.right.name)}: scalar"` : "";
                divisionNotes.push(`${snippet(info!.src, n.span)} divides entrywise, ${x} ./ ${y}, as in NumPy; to divide by a number, declare ${y} a scalar${declare}`);
              }
              return logistic(l, E.hpower(r, -1)) ?? E.hadamard(l, E.hpower(r, -1));
            }
            return logistic(l, reciprocal(r)) ?? E.mul(l, reciprocal(r));
          case "hadamard": return E.hadamard(l, r);
          case "kron": return E.kron(l, r);
          case "hpow": return E.epower(l, r);
        }
        break;
      }
      case "postfix": {
        if (onesRows.has(n)) {
          const s = toShape(info!.shape);
          return E.transpose(E.ones(mkShape(s.cols, s.rows)));
        }
        if (barNorms.has(n)) return E.power(E.norm(build((n.arg as Node & { type: "bars" }).arg), "2"), 2);
        const a = build(n.arg);
        switch (n.op) {
          case "T": return E.transpose(a);
          // (0 xᵀx)⁻¹: the argument folded to 0 (a literal 0 is caught while inferring shapes)
          case "inv": case "invT":
            if (E.isZero(a)) fail(info!.src, "number", `${snippet(info!.src, n.arg.span)} is 0, which has no inverse (at ${where(info!.src, n.span.start)})`, n.span);
            return n.op === "inv" ? E.inverse(a) : E.inverse(E.transpose(a));
          case "pow": {
            const exponent = Q.parseRational(n.exponent!)!;
            if (entrywisePowers.has(n)) return E.hpower(a, exponent);
            if (E.isZero(a) && exponent.n < 0) fail(info!.src, "number", `${snippet(info!.src, n.arg.span)} is 0, and 0 to a negative power is undefined (at ${where(info!.src, n.span.start)})`, n.span);
            // (A^{64})^{64} folds to A^{4096}: the limit holds for the power that is built, not only for each exponent written
            const built = E.power(a, exponent);
            if (built.kind === "power" && !isScalarShape(built.shape) && Math.abs(built.exp.n) > maxPower && !collapses.has(n)) {
              fail(info!.src, "limit", `${snippet(info!.src, n.span)} is the matrix power ${built.arg.kind === "inverse" ? -built.exp.n : built.exp.n} once its exponents are multiplied, above the limit of ${maxPower} (its derivative has one term per factor)`, n.span);
            }
            return built;
          }
          case "epow": return E.hpower(a, Q.parseRational(n.exponent!)!);
        }
        break;
      }
      case "call": {
        if (n.fn === "max") return E.fn("relu", build(reluArgument(n, info!.src)));
        const a = build(n.args[0]!);
        switch (n.fn) {
          case "tr": return E.trace(a);
          case "det": return E.det(a);
          case "logdet": return E.logdet(a);
          case "sum": return E.sumAll(a);
          // np.mean: the sum over the number of entries, each size a size (tr(I_n) prints n), so it reads back
          case "mean": {
            const count = [a.shape.rows, a.shape.cols].filter((d) => d !== 1).map(E.sizeOf);
            return count.length ? E.mul(E.sumAll(a), ...count.map((c) => E.power(c, -1))) : a;
          }
          case "diag": return diagIsMatrix.has(n) ? E.diagMat(a) : E.diagVec(a);
          case "vec": return E.vec(a);
          case "unvec": return E.unvec(a, shapeHere().rows, shapeHere().cols);
          // the power ½ its derivative is written with, printed as the root it is (print/infix.ts): √(1 + t²) meets
          // the (1 + t²)^{−1/2} of its derivative, and sqrt(x) of a vector the x∘^{−1/2}; √2, √d and a matrix's stay
          case "sqrt":
            if (isScalarShape(a.shape) && a.kind !== "sym" && a.kind !== "num" && a.kind !== "const" && E.contains(a, (x) => x.kind === "sym")) return E.power(a, Q.rat(1, 2));
            if (a.shape.cols === 1 && a.shape.rows !== 1) return E.hpower(a, Q.rat(1, 2));
            return E.fn(n.fn, a);
          default: return E.fn(n.fn, a);
        }
      }
      case "bars": {
        const a = build(n.arg);
        return barsIsDet.has(n) ? E.det(a) : E.fn("abs", a);
      }
      case "norm": {
        const a = build(n.arg);
        if (n.kind === "1") return E.sumAll(E.fn("abs", a));
        const vectorLike = a.shape.cols === 1 || a.shape.rows === 1;
        return E.norm(a, vectorLike ? "2" : "F");
      }
      case "inner": {
        const l = build(n.left);
        const r = build(n.right);
        // ⟨a, b⟩ = tr(aᵀb): aᵀb for columns, a bᵀ for rows
        if (l.shape.cols === 1) return E.mul(E.transpose(l), r);
        if (l.shape.rows === 1) return E.mul(l, E.transpose(r));
        return E.trace(E.mul(E.transpose(l), r));
      }
    }
    throw new E.InternalError(`cannot build ${(n as Node).type}`);
  }

  const expr = build(root);
  for (const name of symbols.keys()) symFor(name);
  return { expr, symbols: syms, definitions, notes: readingNotes(), entrywiseReciprocals: entrywiseReciprocals.size, scalarHadamards: scalarHadamards.size };

  function readingNotes(): string[] {
    const notes: string[] = [];
    for (const [literal, { sum, other, shape, src }] of broadcasts) {
      const s = toShape(shape);
      const c = snippet(src, literal.span);
      const matrix = s.rows !== 1 && s.cols !== 1;
      const ones = matrix ? "𝟏𝟏ᵀ" : "𝟏";
      const spread = c === "1" ? ones : `${c}${ones}`;
      const square = matrix && s.rows === s.cols ? `; if the identity was meant, write ${c === "1" ? "I" : `${c}I`}` : "";
      notes.push(`in ${snippet(src, sum.span)}, ${c} is broadcast to every entry of the ${s.rows}×${s.cols} ${matrix ? "matrix" : "vector"} ${snippet(src, other.span)}, as in NumPy: it reads as ${spread}${square}`);
    }
    for (const { call, shape, src } of entrywiseOfMatrix) {
      const s = toShape(shape);
      if (s.rows !== s.cols || s.rows === 1) continue;
      notes.push(`${snippet(src, call.span)} is taken entrywise, not as the matrix ${MATRIX_FUNCTION_NAMESAKE[call.fn]}`);
    }
    for (const [node, src] of onesRows) notes.push(`${snippet(src, node.span)} is read as 𝟏ᵀ: a number has no transpose`);
    for (const [node, src] of onesColumns) notes.push(`the ${snippet(src, node.span)} after a matrix or a row at ${where(src, node.span.start)} is read as 𝟏, the all-ones column: a number that scales is written first`);
    for (const [node, src] of entrywisePowers) {
      const { arg, exponent } = node as Node & { type: "postfix" };
      const v = snippet(src, arg.span);
      notes.push(`${snippet(src, node.span)} of a vector under a sum is read entrywise, ${v}.^${exponent}, as NumPy's sum(v**${exponent}) reads it`);
    }
    for (const [node, src] of divisorRuns) {
      const { left, right } = node as Node & { type: "binary" };
      const grouped = (n: Node) => { const t = snippet(src, n.span); return n.type === "ident" || /^\(.*\)$/.test(t) ? t : `(${t})`; };
      notes.push(`${snippet(src, node.span)} is read as ${grouped(left)}/${grouped(right)}: a row cannot divide, so the division takes the whole product after /`);
    }
    for (const [node, src] of dotProducts) {
      const { left, right } = node as Node & { type: "binary" };
      const written = snippet(src, left.span);
      const l = left.type === "ident" || /^\(.*\)$/.test(written) ? written : `(${written})`;
      notes.push(`${snippet(src, node.span)} of two vectors is read as their dot product ${l}^T ${snippet(src, right.span)}`);
    }
    for (const [node, src] of barNorms) {
      const inner = snippet(src, (node as Node & { type: "postfix" }).arg.span);
      notes.push(`${snippet(src, node.span)} of a vector is read as its squared length ‖${inner.replace(/^\||\|$/g, "").replace(/^\\(?:left|lvert)\|?|\\(?:right|rvert)\|?$/g, "")}‖², as physics writes it; write ${inner}.^2 for the entrywise square`);
    }
    for (const [node, src] of matmulRows) {
      const { left } = node as Node & { type: "binary" };
      const written = snippet(src, left.span);
      notes.push(`in ${snippet(src, node.span)}, ${written} on the left of @ is a row, as NumPy takes a 1-D array there: ${left.type === "ident" || left.type === "ones" || /^\(.*\)$|^[A-Za-z_.]+\([^()]*\)$/.test(written) ? written : `(${written})`}ᵀ`);
    }
    for (const { node, src } of oneNorms) {
      notes.push(`${snippet(src, node.span)} is the 1-norm sum(|·|): its gradient sign(·) holds where no entry is 0 (there, sign(0) = 0 gives a subgradient)`);
    }
    for (const [call, src] of means) {
      const s = toShape(infos.get(call.args[0]!)!.shape);
      const count = [s.rows, s.cols].filter((d) => d !== 1).map(String).join("");
      if (count) notes.push(`${snippet(src, call.span)} is the sum of the ${count} entries over ${count}, as NumPy's np.mean takes it`);
    }
    notes.push(...divisionNotes);
    // the same reading twice (1 + exp(−Xw) written in two places) is said once
    return [...new Set(notes)];
  }
}
