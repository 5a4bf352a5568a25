/**
 * The surface syntax tree produced by the parser. It mirrors what the user
 * wrote (every spelling of an operator collapses to one node type) and keeps
 * source spans so later stages can point at the offending text. Shapes are
 * not known here; `elaborate` turns this tree into core expressions.
 */
import type { FnName } from "../core/operations.js";

/** Half-open character range [start, end) into the input string. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * Functions applied with parentheses or, LaTeX style, to the following product.
 * `inv(A)`, `kron(A, B)`, `norm(x)` and `\frac{a}{b}` are not calls: they parse to
 * the same nodes as `A^{-1}`, `A ⊗ B`, `‖x‖` and `a / b`, so every spelling
 * gives one tree. `diag` is both directions; shapes decide which.
 */
export type FunctionName = StructuralFunction | FnName;

/** Functions with a node kind of their own; the rest are entries of the operation table (core/operations.ts). */
/** `mean(v)`: the sum of v's entries over their number, NumPy's np.mean (elaborate writes it with sum and the sizes). */
export type StructuralFunction = "tr" | "det" | "logdet" | "sum" | "mean" | "diag" | "vec" | "unvec" | "max";

export type BinaryOp =
  | "+" | "-"
  | "*"        // matrix product: juxtaposition, `*`, `\cdot`
  | "/"        // division by a scalar: `/`, `\frac`
  | "hadamard" // `.*`, `\odot`, `∘`, `\circ`
  | "hdivide"  // `./`, `\oslash`, `⊘`: entrywise division (also `/` between vectors, as NumPy reads it)
  | "kron"     // `\otimes`, `⊗`
  | "hpow";    // `x.^p`, `x.^(p + 1)`, `x^{\circ p}`, `x∘^p`: elementwise power by a scalar expression

export type PostfixOp =
  | "T"        // `^T`, `^\top`, `^{T}`, `'`
  | "inv"      // `^{-1}`, `^-1`, `^<-1>`
  | "invT"     // `^{-T}`
  | "pow"      // `^n`, `^{n}`: exponent in `exponent`
  | "epow";    // `.^n`, `^{\circ n}`: elementwise power

export type NormKind = "1" | "2" | "F" | null;

/**
 * `𝒩(x; μ, Σ)` as written, kept on the node its reading stands in (the density's exp, or log 𝒩's
 * log-density) so the reading can say what it read and that Σ is a covariance (src/syntax/gaussian.ts).
 */
export interface Gaussian {
  readonly x: Node;
  readonly mean: Node;
  readonly cov: Node;
  /** A scalar variance (σ², s): 𝒩 of a number; else Σ is a covariance matrix. */
  readonly univariate: boolean;
  /** Read as log 𝒩: the log-density itself. */
  readonly log: boolean;
  /** Read as −log 𝒩, the negative log-likelihood: its two halves added, not the log-density negated (build.ts negNode). */
  readonly negated?: boolean;
  /** On the density's node: the log-density, which log 𝒩 stands for (build.ts callNode). */
  readonly logDensity?: Node;
  /** On log 𝒩's node: the negative log-density, which −log 𝒩 stands for. */
  readonly negLogDensity?: Node;
}

export type Node =
  | { readonly type: "number"; readonly text: string; readonly span: Span }
  /**
   * `name` is canonical: `A`, `W_1`, `x_i`, `theta`, `Sigma` (Greek by name whatever the spelling).
   * `bold`: written `\mathbf{…}`, `\boldsymbol{…}` or `\bm{…}`, which makes a lowercase letter a vector.
   */
  | {
      readonly type: "ident"; readonly name: string; readonly span: Span; readonly bold?: true;
      /** `A(θ)`: the symbol is an opaque function of this parameter (as `--let "A: matrix(theta)"` declares). */
      readonly of?: { readonly name: string; readonly span: Span; readonly of?: { readonly name: string; readonly span: Span } };
      /** y read from the y_i of an indexed sum over this index (indexed-sum.ts): a vector, whatever its letter. */
      readonly entriesOver?: string;
    }
  | {
      readonly type: "binary"; readonly op: BinaryOp;
      readonly left: Node; readonly right: Node; readonly span: Span;
      /** Product written by juxtaposition (`AB`, `u^T A v`). */
      readonly implicit?: boolean;
      /** Product written `\cdot` or `·`: between two vectors, the dot product (`w · x` = wᵀx). */
      readonly dot?: true;
      /** Product written `\times` or `×`: a product like any other (`2 \times A`), but between two vectors the cross product, refused. */
      readonly cross?: true;
      /** Product written `@`, NumPy's: a 1-D array on its left is a row there (`v @ M` = vᵀM, `v @ w` = vᵀw). */
      readonly matmul?: true;
      /** log 𝒩(x; μ, Σ), read as this log-density. */
      readonly gaussian?: Gaussian;
      /** `xᵀAx / xᵀx`: a division whose divisor took the factors after its transpose (build.ts extendedDivisor). */
      readonly divisorRun?: true;
      /** `x^n`, `t^{a - 1}` (op "hpow"): written with ^, not .^, so a power only a scalar has (build.ts symbolicPower). */
      readonly scalarPower?: true;
    }
  | { readonly type: "neg"; readonly arg: Node; readonly span: Span }
  | {
      readonly type: "postfix"; readonly op: PostfixOp; readonly arg: Node; readonly span: Span;
      /** Decimal text of the exponent for `pow`/`epow`, e.g. "3", "-2", "1/2", "0.5". */
      readonly exponent?: string;
      /**
       * A transpose the user did not write: the μᵀ of 𝟏μᵀ, an index-free vector beside the samples of an indexed
       * sum (xᵢ − μ → X − 𝟏μᵀ, indexed-sum.ts), spanning what it was read from. Notes say that, not "transposed".
       */
      readonly besideSamples?: true;
    }
  | {
      readonly type: "call"; readonly fn: FunctionName; readonly args: readonly Node[];
      readonly span: Span; readonly nameSpan: Span;
      /** `\sum_i`: the index the sum runs over, which src/syntax/indexed-sum.ts reads away. */
      readonly index?: string;
      /** `\sum_{i=1}^{N}`: the upper limit, the number of terms (a letter or a number): the rows of what is indexed. */
      readonly count?: string;
      /** `\sum_{j \neq y}`: the value of the index left out (a label, indexed-sum.ts). */
      readonly except?: string;
      /** A sum over an index read as the sum of a vector's entries (indexed-sum.ts): its argument must be a column. */
      readonly entries?: string;
      /** 𝒩(x; μ, Σ), read as exp of its log-density. */
      readonly gaussian?: Gaussian;
      /** e^{−γ‖xᵢ − xⱼ‖²} read as a kernel matrix (indexed-sum.ts): e^{…} of each entry, not the matrix exponential. */
      readonly ofEntries?: true;
    }
  | { readonly type: "norm"; readonly arg: Node; readonly kind: NormKind; readonly span: Span }
  | { readonly type: "inner"; readonly left: Node; readonly right: Node; readonly span: Span }
  /** `|x|`, `\lvert X \rvert`: entrywise absolute value of a scalar or vector, determinant of a matrix. */
  | { readonly type: "bars"; readonly arg: Node; readonly span: Span }
  /** The all-ones vector or matrix: `𝟏`, `\mathbf{1}`, `\mathbb{1}`. */
  | { readonly type: "ones"; readonly span: Span }
  /**
   * `(Wx)_j`: entry j of a parenthesised vector. Read only inside a sum over j, or as a label beside such a sum
   * (`(Wx)_y`), by indexed-sum.ts; anywhere else shapes/elaborate.ts refuses it.
   */
  | { readonly type: "entry"; readonly arg: Node; readonly index: string; readonly span: Span };

/** Every node, in source order, without recursion (chains can be thousands deep). */
export function nodesInOrder(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    const children = childrenOf(n);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

/** A node's operands, in source order. */
export function childrenOf(n: Node): readonly Node[] {
  switch (n.type) {
    case "binary": case "inner": return [n.left, n.right];
    case "neg": case "postfix": case "norm": case "bars": case "entry": return [n.arg];
    case "call": return n.args;
    default: return NO_CHILDREN;
  }
}

/** A leaf's operands: one shared empty list, not a new one at every visit. */
const NO_CHILDREN: readonly Node[] = [];
