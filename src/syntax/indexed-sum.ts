/**
 * Sums over an index, as statistics and ML texts write them, read as the
 * vectors and matrices they stand for:
 *
 *   \sum_i (y_i − x_i^T β)^2          → sum((y − Xβ)∘²)       y_i the entries of y, x_iᵀ the rows of X
 *   \sum_{i=1}^n \log σ(y_i x_i^T w)  → sum(log σ(y ⊙ Xw))
 *
 * The summand is a scalar in i. A symbol written with the index is indexed: x_i that is transposed or meets an
 * index-free row or column in an inner product (x_iᵀw, wᵀx_i, x_iᵀAw) is the i-th sample, a row of the matrix of
 * its capital letter (X, Φ for φ); any other (y_i, ε_i) is the i-th entry of the vector of its letter. Entrywise
 * operations then act on those vectors: products of indexed factors become ⊙, quotients ⊘, powers .^, functions
 * and |·| apply entrywise, and the sum adds the entries. What a norm is taken of is a vector, so an x_i inside
 * ‖·‖ is a sample too: Σᵢ ‖xᵢ − μ‖² is ‖X − 𝟏μᵀ‖_F², the squared row norms summed. An upper limit from 1,
 * \sum_{i=1}^{N}, is the number of rows of what the sum reads (IndexedReading.counts). Anything else in
 * i (outer products x_i x_iᵀ, other norms, nested indexed sums) is refused with a hint to write the vector form,
 * never guessed.
 *
 * Labels: beside a sum over j that reads s_j, s_y (y no index) is the entry of s at the label y, yᵀs with y
 * one-hot, and a sample x_y is row y of X, Xᵀy; (Wx)_j is read as s_j is, the vector named for the reading;
 * an entry with no sum over its index, softmax(z)_y, is at a label too; \sum_{j \neq y} is the sum over every
 * j less the summand at y. Each reading is said in a note, and the label declared a probability vector.
 */
import { childrenOf, nodesInOrder, type Node, type Span } from "./ast.js";
import { MatdiffError } from "../errors.js";
import { GREEK } from "./greek.js";
import { FN_NAMES, OPERATIONS } from "../core/operations.js";
import { baseText } from "./names.js";
import { describe, formatTree } from "./parse.js";

/** How an indexed sum was read: one note per sum. */
export interface IndexedReading {
  readonly root: Node;
  readonly notes: readonly string[];
  /**
   * `\sum_{i=1}^{N}`: N is the number of rows of what the sum reads (y of yᵢ, X of xᵢ), by symbol; the vectors are
   * the ones read as entries, the others matrices of samples.
   */
  readonly counts: ReadonlyMap<string, RowCount>;
  /**
   * s_y beside Σⱼ exp(s_j): the entry of s at a label y, read as yᵀs with y the one-hot vector of the label,
   * which the analysis declares so (a probability vector, 𝟏ᵀy = 1).
   */
  readonly labels: readonly string[];
  /**
   * The matrices whose rows are a sum's samples, by the samples' letter (x → X of xᵢ, μ → M of μₖ): matrices whatever
   * their letters or the search for a reading say, and what a --wrt μ_k asks for. Also the matrix a double sum reads
   * a small letter's entries into (p → P of pᵢₖ): what --wrt p asks for.
   */
  readonly sampleRows: ReadonlyMap<string, string>;
}

/** The rows an indexed sum gives a symbol: its upper limit, the symbol's rank, and the sum as written (for messages). */
export interface RowCount {
  readonly rows: string; readonly rank: "vector" | "matrix"; readonly sum: string;
  /** Read from a count's letter beside a sum with no upper limit (impliedCount): a declaration overrides it. */
  readonly implied?: true;
}

/** The letters that count samples, n of (1/n)Σᵢ and N of (1/N)Σₙ, m of the course's (1/m)Σᵢ. */
const COUNT_LETTERS: ReadonlySet<string> = new Set(["n", "N", "m", "M"]);

/**
 * (1/n)Σᵢ (yᵢ − μ)², n log σ + Σᵢ (yᵢ − μ)²/(2σ²): a count's letter beside sums with no upper limit, all over
 * one index, is their number of terms, as Σ_{i=1}^n writes it (the mean's n, not a number of its own beside a
 * size m that y would get). Only one such letter, never transposed, and no sum with a limit of its own.
 */
function impliedCount(root: Node, exclude: ReadonlySet<string>): { root: Node; letter: string } | null {
  const nodes = nodesInOrder(root);
  const sums = nodes.filter((n): n is Node & { type: "call" } => n.type === "call" && n.index !== undefined);
  if (sums.length === 0 || sums.some((s) => s.count !== undefined || s.except !== undefined || s.index !== sums[0]!.index)) return null;
  if (sums.some((s) => nodesInOrder(s.args[0]!).some((m) => m !== s && m.type === "call" && m.index !== undefined))) return null;
  const letters = new Set(nodes.flatMap((n) => (n.type === "ident" && COUNT_LETTERS.has(n.name) ? [n.name] : [])));
  if (letters.size !== 1) return null;
  const letter = [...letters][0]!;
  if (letter === sums[0]!.index || exclude.has(letter) || nodes.some((n) => n.type === "postfix" && n.arg.type === "ident" && n.arg.name === letter)) return null;
  // written as a count is: a divisor (1/n, \frac{1}{2m}), or the coefficient of a log (n log σ, \frac{n}{2}\log|Σ|);
  // not the margin m of Σᵢ max(0, m − yᵢwᵀxᵢ)
  const has = (n: Node) => nodesInOrder(n).some((m) => m.type === "ident" && m.name === letter);
  const isLog = (n: Node): boolean => (n.type === "call" && (n.fn === "log" || n.fn === "logdet")) || (n.type === "binary" && n.op === "*" && isLog(n.left));
  const counting = nodes.some((n) => n.type === "binary" && ((n.op === "/" && has(n.right)) || (n.op === "*" && has(n.left) && !nodesInOrder(n.left).some((m) => m.type === "call") && isLog(n.right))));
  if (!counting) return null;
  const withCount = (n: Node): Node => (n.type === "call" && n.index !== undefined ? { ...mapChildren(n, withCount), count: letter } as Node : mapChildren(n, withCount));
  return { root: withCount(root), letter };
}

/** Functions of a scalar that act entrywise on a vector (the summand's). */
const ENTRYWISE: ReadonlySet<string> = new Set(FN_NAMES.filter((name) => OPERATIONS[name].kind === "elementwise"));
/** softmax, log_softmax: of a matrix, column by column, so of a sample vector Wxᵢ they are column i of softmax(WXᵀ). */
const BY_COLUMN: ReadonlySet<string> = new Set(FN_NAMES.filter((name) => OPERATIONS[name].kind === "columns"));

/**
 * Greek letters whose capital is a Latin letter (Μ is M): μₖ are the rows of M, as a k-means objective's
 * centres Σᵢₖ rᵢₖ‖xᵢ − μₖ‖² are. Not ι (I is the identity), ν (N counts), χ (X is x's), ο.
 */
const LATIN_CAPITALS: ReadonlyMap<string, string> = new Map([["alpha", "A"], ["beta", "B"], ["epsilon", "E"], ["zeta", "Z"], ["eta", "H"], ["kappa", "K"], ["mu", "M"], ["rho", "P"], ["tau", "T"]]);

/** The matrix whose rows are a sum's samples x_i, φ_i, μ_k: X, Φ, M; null for a letter with no capital (T_i, ω_i). */
function rowsMatrixName(base: string): string | null {
  const greek = GREEK.get(base);
  if (!greek) return /^[a-z]$/.test(base) ? base.toUpperCase() : null;
  if (greek.upper) return null;
  const capital = base[0]!.toUpperCase() + base.slice(1);
  return GREEK.get(capital)?.upper ? capital : LATIN_CAPITALS.get(base) ?? null;
}

/**
 * Σᵢ log(1 + exp(−yᵢwᵀxᵢ)) with the Greek Σ is a matrix Σ_i times what follows, as Σ_k is in a mixture's
 * (x − μ_k)ᵀΣ_k⁻¹(x − μ_k): read so, but where it opens the input before terms indexed by its subscript, a note
 * says how to write the sum.
 */
function greekSigmaNote(root: Node, input: string): string | null {
  const first = nodesInOrder(root).find((n) => n.type === "ident");
  const m = first?.type === "ident" ? /^Sigma_([a-z])$/.exec(first.name) : null;
  if (!m || !/^[\s\-−\d.]*$/.test(input.slice(0, first!.span.start))) return null;
  const i = m[1]!;
  const indexedAfter = nodesInOrder(root).some((n) => n !== first && n.type === "ident" && n.name.endsWith(`_${i}`) && n.span.start > first!.span.end);
  return indexedAfter ? `${input.slice(first!.span.start, first!.span.end)} is read as a matrix named Σ_${i} times what follows; for the sum over ${i}, write ∑_${i} or \\sum_${i}` : null;
}

/** `exclude`: letters not to read as a sum's count (the variable, a name declared with --let). */
export function readIndexedSums(root: Node, input: string, exclude: ReadonlySet<string> = new Set()): IndexedReading {
  // most inputs have no indexed sum and no entry: reading them costs one walk, no copy
  if (!nodesInOrder(root).some((n) => (n.type === "call" && n.index !== undefined) || n.type === "entry")) {
    const sigma = input.includes("Σ") || input.includes("Sigma") ? greekSigmaNote(root, input) : null;
    const scored = input.includes("exp") || input.includes("softmax") ? labelsBesideScores(root, input) : null;
    return { root: scored?.root ?? root, notes: [...(sigma ? [sigma] : []), ...(scored?.notes ?? [])], counts: NO_COUNTS, labels: scored?.labels ?? [], sampleRows: new Map() };
  }
  const notes: string[] = [];
  const counts = new Map<string, RowCount>();
  const implied = impliedCount(root, exclude);
  if (implied) root = implied.root;
  // (Wx)_j in a sum over j, and (Wx)_y beside it: the vector gets a name no input can spell while the sums are
  // read as if it were written s_j, s_y, and takes its place again after
  const entryVectors = new Set<string>();
  /** Samples read as rows of a matrix (x_j → X), by their letter: x_y beside them is row y, Xᵀy. */
  const sampleRows = new Map<string, string>();
  root = innerProducts(root, input, notes, counts, entryVectors, sampleRows);
  const vectors = entryVectorsOf(root);
  if (vectors.size) root = nameEntries(root, vectors);
  root = superscriptSamples(root, notes);
  root = extendSums(root, input, notes);
  const used = namesIn(root);
  const indices = new Set<string>();
  const walk = (n: Node): Node => {
    if (n.type === "call" && n.index !== undefined) {
      indices.add(n.index);
      const inner = n.args[0]!;
      if (inner.type === "call" && inner.index !== undefined && n.except === undefined && inner.except === undefined) {
        indices.add(inner.index);
        return doubleSum(n as Node & { type: "call" }, inner as Node & { type: "call" }, input, used, notes, counts, entryVectors, sampleRows);
      }
      // Σₙ log Σₖ exp(w_kᵀxₙ): the inner sum is read first, xₙ a vector of its own there, then the outer over its rows
      if (n.except === undefined) {
        const nested = nodesInOrder(inner).some((m) => m !== n && m.type === "call" && m.index !== undefined);
        const read = nested ? { ...n, args: [walk(inner)] } as Node & { type: "call" } : n as Node & { type: "call" };
        return sumOver(read, input, used, notes, counts, entryVectors, sampleRows);
      }
      // Σ_{i≠j} xᵢᵀxⱼ: a double sum off the diagonal, its j an index as i is, not a label to leave out
      if (INDEX_LETTERS.has(n.except)) {
        refuse(input, n.nameSpan, `\\sum_{${n.index} \\neq ${n.except}} reads as a double sum over ${n.index} ≠ ${n.except}, which is not read`,
          `write the double sum less its diagonal: \\sum_{${n.index},${n.except}} (…) minus the terms ${n.index} = ${n.except}; a label left out, Σ_{j≠y}, is written with its own letter`);
      }
      // Σ_{j≠y} g(j) = Σⱼ g(j) − g(y): the term left out is the summand at the label, s_j read as s_y (below)
      const { except, ...all } = n as Node & { type: "call" };
      const whole = sumOver(all as Node & { type: "call" }, input, used, notes, counts, entryVectors, sampleRows);
      notes.push(`${input.slice(n.nameSpan.start, n.nameSpan.end)} is read as the sum over every ${n.index} less the term ${n.index} = ${except}`);
      return { type: "binary", op: "-", left: whole, right: atIndex(n.args[0]!, n.index, except!), span: n.span };
    }
    return mapChildren(n, walk);
  };
  const summed = walk(root);
  // −log(exp(s_y)/Σⱼ exp(s_j)): s_y is the entry of that same s at the label y (the softmax cross-entropy),
  // not a scalar of its own, whose gradient would leave out the numerator
  const labels: string[] = [];
  /** `row` of a label's one-hot vector ℓ: ℓᵀv (the entry of v at ℓ), or with a matrix, Mᵀℓ (row ℓ of M); said once per label. */
  const atLabel = (label: string, written: string, vector: Node, what: string, at: Span, row = false): Node => {
    if (!labels.includes(label)) {
      labels.push(label);
      notes.push(`${written} is read as ${what}, with ${label} the label's one-hot vector (as --let "${label}: probability" declares); declare ${label} otherwise if it is not`);
    }
    const l = ident(label, at);
    return row ? { type: "binary", op: "*", left: { type: "postfix", op: "T", arg: vector, span: at }, right: l, span: at, implicit: true }
      : { type: "binary", op: "*", left: { type: "postfix", op: "T", arg: l, span: at }, right: vector, span: at, implicit: true };
  };
  const picked = (n: Node): Node => {
    const m = n.type === "ident" && !n.of ? /^(.+)_([a-z])$/.exec(n.name) : null;
    if (!m || indices.has(m[2]!)) return mapChildren(n, picked);
    const [, base, label] = m as unknown as [string, string, string];
    const matrix = sampleRows.get(base);
    // x_y, the sample at the label: row y of X, as a column Xᵀy
    if (matrix) return atLabel(label, `${baseText(base)}_${label}`, ident(matrix, n.span), `${baseText(matrix)}ᵀ${label}, row ${label} of ${baseText(matrix)}`, n.span, true);
    if (entryVectors.has(base)) return atLabel(label, `${baseText(base)}_${label}`, ident(base, n.span), `${label}ᵀ${baseText(base)}, the entry of ${baseText(base)} at the label ${label}`, n.span);
    return n;
  };
  // softmax(z)_y, (Wx)_k with no sum over the index: the entry at a label, yᵀsoftmax(z)
  // log softmax(z)_y is the entry of log softmax(z), entrywise functions taken inside: −yᵀlog softmax(z) has the
  // cross-entropy's gradient softmax(z) − y, where −log(yᵀsoftmax(z)) would need y one-hot to reach it
  const entryAt = (n: Node, inside = ""): Node => {
    if (n.type === "call" && n.args.length === 1 && ENTRYWISE.has(n.fn) && n.args[0]!.type === "entry") {
      const e = n.args[0];
      return entryAt({ type: "entry", arg: { ...n, args: [e.arg] }, index: e.index, span: n.span }, `${inside}${n.fn} `);
    }
    if (n.type !== "entry") return mapChildren(n, (c) => entryAt(c));
    // the vector as written, after the functions taken inside: log softmax(W x)
    let vector = n.arg;
    while (inside && vector.type === "call" && vector.span === n.span) vector = vector.args[0]!;
    const text = `${inside}${input.slice(vector.span.start, vector.span.end).replace(/\s+/g, " ")}`;
    return atLabel(n.index, input.slice(n.span.start, n.span.end).replace(/\s+/g, " "), entryAt(n.arg), `${n.index}ᵀ${text}, the entry of ${text} at the label ${n.index}`, n.span);
  };
  const read = entryAt(entryVectors.size || sampleRows.size ? picked(summed) : summed);
  // Σᵢ yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ): the sum takes the product after it, so the second term's yᵢ is outside it —
  // not what was meant, and read as a scalar of its own it would be a wrong answer
  for (const m of nodesInOrder(read).sort((a, b) => a.span.start - b.span.start)) {
    if (m.type !== "ident") continue;
    const index = [...indices].find((i) => m.name.endsWith(`_${i}`) && m.name.length > i.length + 1);
    if (index !== undefined) {
      refuse(input, m.span, `${m.name} is written with the index ${index} but stands outside the sum over ${index}`, `put the whole summand in parentheses: \\sum_${index} (…)`);
    }
  }
  if (implied) {
    for (const [name, count] of counts) counts.set(name, { ...count, implied: true });
    const said = `; ${implied.letter} is the number of terms`;
    notes.forEach((note, k) => { notes[k] = note.replace(said, `; ${implied.letter}, with no upper limit written, is read as the number of terms`); });
  }
  if (!vectors.size) return { root: read, notes, counts, labels, sampleRows };
  const written = new Map([...vectors.values()].map((v) => [v.name, v] as const));
  const unname = (n: Node): Node => (n.type === "ident" && written.has(n.name) ? written.get(n.name)!.node : mapChildren(n, unname));
  // a vector spelled as one call, diag(A), needs no brackets of its own: diag(A)_i, not (diag(A))_i
  const spell = (v: { readonly node: Node }) => {
    const text = spelled.get(v.node) ?? input.slice(v.node.span.start, v.node.span.end).replace(/^\((.*)\)$/s, "$1").replace(/\s+/g, " ");
    return /^\w+\([^()]*\)$/.test(text) ? text : `(${text})`;
  };
  const said = (note: string) => [...written.values()].reduce((t, v) => t.split(v.name).join(spell(v)), note);
  return { root: unname(read), notes: notes.map(said), counts, labels, sampleRows };
}

/**
 * −log(exp(s_y)/sum(exp(s))), −s_y + logsumexp(s), exp(s_y)/𝟏ᵀexp(s): s_y beside the scores s that a sum of
 * exponentials, a logsumexp or a softmax takes whole is the entry of s at a label y, yᵀs with y one-hot, as it is
 * beside Σⱼ exp(s_j). Read as a scalar of its own, the cross-entropy's gradient was softmax(s), the −y left out.
 * Only there: beside ‖x − x_k‖², x_k is a vector of its own.
 */
function labelsBesideScores(root: Node, input: string): { root: Node; notes: string[]; labels: string[] } | null {
  const scores = new Set<string>();
  const bare = (n: Node | undefined): string | null => (n?.type === "ident" && !n.of ? n.name : null);
  const expOf = (n: Node | undefined): string | null => (n?.type === "call" && n.fn === "exp" && n.args.length === 1 ? bare(n.args[0]) : null);
  for (const n of nodesInOrder(root)) {
    let s: string | null = null;
    if (n.type === "call" && n.args.length === 1 && (n.fn === "logsumexp" || n.fn === "softmax")) s = bare(n.args[0]);
    else if (n.type === "call" && n.args.length === 1 && n.fn === "sum") s = expOf(n.args[0]);
    // 𝟏ᵀexp(s), and 1^T exp(s) as typed (read as 𝟏ᵀ later)
    else if (n.type === "binary" && n.op === "*" && n.left.type === "postfix" && n.left.op === "T" && (n.left.arg.type === "ones" || (n.left.arg.type === "number" && n.left.arg.text === "1"))) s = expOf(n.right);
    if (s !== null) scores.add(s);
  }
  if (!scores.size) return null;
  const labels: string[] = [];
  const notes: string[] = [];
  const walk = (n: Node): Node => {
    const m = n.type === "ident" && !n.of ? /^(.+)_([a-z])$/.exec(n.name) : null;
    if (!m || !scores.has(m[1]!) || scores.has(m[0])) return mapChildren(n, walk);
    const [, base, label] = m as unknown as [string, string, string];
    if (!labels.includes(label)) {
      labels.push(label);
      notes.push(`${baseText(base)}_${label} is read as ${label}ᵀ${baseText(base)}, the entry of ${baseText(base)} at the label ${label} (beside ${baseText(base)} in a sum of its exponentials), with ${label} the label's one-hot vector (as --let "${label}: probability" declares); declare ${label} otherwise if it is not`);
    }
    return { type: "binary", op: "*", left: { type: "postfix", op: "T", arg: ident(label, n.span), span: n.span }, right: ident(base, n.span), span: n.span, implicit: true };
  };
  const out = walk(root);
  return labels.length ? { root: out, notes, labels } : null;
}

/**
 * Aᵢᵢ in a sum over i is entry i of diag(A), which the sum then reads as it reads (Wx)ᵢ: Σᵢ Aᵢᵢ is sum(diag(A)) = tr(A),
 * Σᵢ log Aᵢᵢ and Σᵢ Aᵢᵢxᵢ² too. A matrix's letter only, a capital: a_{ii} of a small letter is not read so.
 */
function diagonalEntries(root: Node, input: string, notes: string[]): Node {
  const go = (n: Node, index: string | undefined): Node => {
    if (n.type === "call" && n.index !== undefined) return mapChildren(n, (c) => go(c, n.index));
    if (index === undefined || n.type !== "ident") return mapChildren(n, (c) => go(c, index));
    const base = new RegExp(`^([A-Z]|[A-Z][a-z]+)_${index}${index}$`).exec(n.name)?.[1];
    if (base === undefined || (base.length > 1 && GREEK.get(base)?.upper !== true)) return n;
    const diagonal: Node = { type: "call", fn: "diag", args: [ident(base, n.span)], span: n.span, nameSpan: n.span };
    spelled.set(diagonal, `diag(${baseText(base)})`);
    const note = `${input.slice(n.span.start, n.span.end)} is entry ${index} of diag(${baseText(base)}), the diagonal of the matrix ${baseText(base)}`;
    if (!notes.includes(note)) notes.push(note);
    return { type: "entry", arg: diagonal, index, span: n.span };
  };
  return nodesInOrder(root).some((n) => n.type === "ident" && /_([a-z])\1$/.test(n.name)) ? go(root, undefined) : root;
}

/** Vectors a reading made that the input does not spell (innerProducts' Ax, diag(A)): how notes write them. */
const spelled = new WeakMap<Node, string>();

/**
 * Σⱼ Aᵢⱼxⱼ inside a sum over i is entry i of the vector Ax (Σⱼ Aᵢⱼ f(xⱼ) of A f(x), Σⱼ Aⱼᵢxⱼ of Aᵀx, Σⱼ Aᵢⱼ of
 * A𝟏), which the outer sum then reads as it reads (Wx)ᵢ: Σᵢ log Σⱼ Aᵢⱼxⱼ is sum(log(Ax)). Left as written where the
 * summand is not one such entry times a vector's entries in j (the outer sum then says what it cannot read).
 */
function innerProducts(root: Node, input: string, notes: string[], counts: Map<string, RowCount>, entryVectors: Set<string>, sampleRows: Map<string, string>): Node {
  root = diagonalEntries(root, input, notes);
  if (!nodesInOrder(root).some((n) => n.type === "call" && n.index !== undefined && nodesInOrder(n.args[0]!).some((m) => m !== n && m.type === "call" && m.index !== undefined))) return root;
  const used = namesIn(root);
  const entryOf = (sum: Node & { type: "call" }, i: string, j: string): Node | null => {
    const factors = flatten(sum.args[0]!);
    const pair = (f: Node) => (f.type === "ident" ? new RegExp(`^([A-Za-z]|[A-Z][a-z]+)_(${i}${j}|${j}${i})$`).exec(f.name) : null);
    const pairs = factors.filter((f) => pair(f) !== null);
    if (pairs.length !== 1) return null;
    const [, base, indices] = pair(pairs[0]!)! as unknown as [string, string, string];
    const rest = factors.filter((f) => f !== pairs[0]);
    // nothing else in i, nor another entry: Σⱼ Aᵢⱼ Bᵢⱼ is no product with a vector
    const inI = (m: Node) => m.type === "ident" && (m.name.endsWith(`_${i}`) || pair(m) !== null || /_[a-z]{2}$/.test(m.name));
    if (rest.some((f) => nodesInOrder(f).some(inI))) return null;
    const upper = /^[a-z]$/.test(base!) ? base!.toUpperCase() : base!;
    if (upper !== base && used.has(upper)) return null;
    const inJ = rest.some((f) => nodesInOrder(f).some((m) => m.type === "ident" && m.name.endsWith(`_${j}`)));
    let vector: Node;
    if (!inJ) vector = rest.length ? chain([...rest, { type: "ones", span: sum.span }]) : { type: "ones", span: sum.span };
    else {
      try {
        const read = sumOver({ type: "call", fn: "sum", args: [chain(rest)], span: sum.span, nameSpan: sum.nameSpan, index: j }, input, used, notes, counts, entryVectors, sampleRows);
        if (read.type !== "call" || read.fn !== "sum") return null;
        vector = read.args[0]!;
      } catch (e) {
        if (e instanceof MatdiffError) return null;
        throw e;
      }
    }
    const matrix: Node = indices === `${i}${j}` ? ident(upper, pairs[0]!.span) : { type: "postfix", op: "T", arg: ident(upper, pairs[0]!.span), span: pairs[0]!.span };
    const product = chain([matrix, vector]);
    const text = describe(product);
    spelled.set(product, text);
    notes.push(`${input.slice(sum.span.start, sum.span.end).replace(/\s+/g, " ")} is read as (${text})_${i}, entry ${i} of the vector ${text}: ${input.slice(pairs[0]!.span.start, pairs[0]!.span.end)} is entry (${indices[0]}, ${indices[1]}) of the matrix ${baseText(upper)}`);
    return { type: "entry", arg: product, index: i, span: sum.span };
  };
  const go = (n: Node, outer: string | undefined): Node => {
    if (n.type !== "call" || n.index === undefined) return mapChildren(n, (c) => go(c, outer));
    if (outer !== undefined && outer !== n.index && n.except === undefined) {
      const entry = entryOf(n, outer, n.index);
      if (entry) return entry;
    }
    return mapChildren(n, (c) => go(c, n.index));
  };
  return go(root, undefined);
}

/** The summand at one value of its index: x_j → x_y, (Wx)_j → (Wx)_y. */
function atIndex(n: Node, index: string, value: string): Node {
  if (n.type === "ident" && n.name.endsWith(`_${index}`) && !n.name.slice(0, -index.length - 1).includes("_")) return { ...n, name: `${n.name.slice(0, -index.length)}${value}` };
  if (n.type === "entry" && n.index === index) return { ...n, index: value, arg: atIndex(n.arg, index, value) };
  return mapChildren(n, (c) => atIndex(c, index, value));
}

/** The vectors written with an entry index, (Wx)_j, that a sum over j reads: by their tree, each with its stand-in name. */
function entryVectorsOf(root: Node): Map<string, { readonly name: string; readonly node: Node }> {
  const out = new Map<string, { name: string; node: Node }>();
  for (const n of nodesInOrder(root)) {
    if (n.type !== "call" || n.index === undefined) continue;
    for (const m of nodesInOrder(n.args[0]!)) {
      if (m.type !== "entry" || m.index !== n.index) continue;
      const key = formatTree(m.arg);
      if (!out.has(key)) out.set(key, { name: `§${out.size + 1}`, node: m.arg });
    }
  }
  return out;
}

/** Every (v)_k of a vector a sum reads, as the ident of its stand-in name, §1_k. */
function nameEntries(n: Node, vectors: ReadonlyMap<string, { readonly name: string }>): Node {
  const v = n.type === "entry" ? vectors.get(formatTree(n.arg)) : undefined;
  return v ? { type: "ident", name: `${v.name}_${(n as { index: string }).index}`, span: n.span } : mapChildren(n, (c) => nameEntries(c, vectors));
}

const NO_COUNTS: IndexedReading["counts"] = new Map();

const span = (start: number, end: number): Span => ({ start, end });
const ident = (name: string, at: Span): Node => ({ type: "ident", name, span: at });

function refuse(input: string, at: Span, what: string, hint: string): never {
  throw new MatdiffError("unsupported", `${what} (in ${input.slice(at.start, at.end).replace(/\s+/g, " ")})`, at, { hint });
}

/** The letters an index is written with, never a label's: Σ_{i≠j} pairs two of them. */
const INDEX_LETTERS: ReadonlySet<string> = new Set(["i", "j", "k", "l", "m", "n"]);

const VECTOR_FORM_HINT = "write the sum in vectors: Σᵢ (yᵢ − xᵢᵀβ)² is ‖y − Xβ‖², Σᵢ xᵢxᵢᵀ is XᵀX, Σᵢ f(xᵢᵀw) is sum(f(Xw))";

function sumOver(call: Node & { type: "call" }, input: string, used: ReadonlySet<string>, notes: string[], counts: Map<string, RowCount>, entryVectors: Set<string>, sampleRows: Map<string, string>): Node {
  const index = call.index!;
  const suffix = `_${index}`;
  const withIndex = (name: string) => name.endsWith(suffix) && name.length > suffix.length && !name.slice(0, -suffix.length).includes("_");
  // ⟨w, xᵢ⟩ with a sample in it is wᵀxᵢ, read as that is
  const innerAsProduct = (n: Node): Node => (n.type === "inner" && nodesInOrder(n).some((m) => m.type === "ident" && withIndex(m.name))
    ? { type: "binary", op: "*", left: { type: "postfix", op: "T", arg: innerAsProduct(n.left), span: n.left.span }, right: innerAsProduct(n.right), span: n.span, implicit: true }
    : mapChildren(n, innerAsProduct));
  // φ(y) with y the index itself, a feature map at each value the index takes (log Σ_y exp(θᵀφ(y))), is φ_y
  const atIndex = new Set<string>();
  const featureAt = (n: Node): Node => {
    if (n.type !== "ident" || n.of?.name !== index || n.name.includes("_")) return mapChildren(n, featureAt);
    atIndex.add(n.name);
    return { type: "ident", name: `${n.name}${suffix}`, span: n.span, ...(n.bold ? { bold: true as const } : {}) };
  };
  const summand = featureAt(innerAsProduct(call.args[0]!));
  // φ(x_i), a feature map of sample i, is indexed as φ_i is: the i-th row of Φ
  const indexedName = (n: Node) => (n.type !== "ident" ? null : withIndex(n.name) ? n.name.slice(0, -suffix.length) : n.of && withIndex(n.of.name) ? n.name : null);
  const all = nodesInOrder(summand);
  if (all.some((m) => m.type === "call" && m.index !== undefined)) refuse(input, call.span, "a sum over an index inside another is not read", VECTOR_FORM_HINT);
  // Σₖ πₖ 𝒩(x; μₖ, Σₖ): the mixture's components, not samples (Σᵢ log 𝒩(yᵢ; xᵢᵀw, σ²) has its samples in the point)
  const inIndex = (p: Node) => nodesInOrder(p).some((q) => q.type === "ident" && withIndex(q.name));
  const component = all.find((m): m is Node & { type: "call" } => (m.type === "call" || m.type === "binary") && m.gaussian !== undefined
    && !inIndex(m.gaussian.x) && (inIndex(m.gaussian.mean) || inIndex(m.gaussian.cov)));
  if (component) {
    refuse(input, call.span, `a mixture of Gaussians, a sum over components ${index} of 𝒩 with parameters in ${index}, is not read`,
      `its gradient weighs each component by its responsibility; differentiate one component, \\log \\mathcal{N}(x; \\mu, \\Sigma), or write the terms out`);
  }
  if (!all.some((m) => indexedName(m) !== null)) {
    // Σᵢ log Σⱼ Aᵢⱼxⱼ: the inner sum read Aᵢⱼ as a number of its own, its i the outer index
    const mixed = all.find((m): m is Node & { type: "ident" } => m.type === "ident" && new RegExp(`^[A-Za-z]_(?:${index}[a-z]|[a-z]${index})$`).test(m.name));
    // a_{ii}: a diagonal entry is read of a matrix's capital letter only (diagonalEntries)
    if (mixed && mixed.name.endsWith(`_${index}${index}`)) {
      const letter = mixed.name[0]!;
      refuse(input, mixed.span, `${input.slice(mixed.span.start, mixed.span.end)} of a small letter is not read as a diagonal entry`, `write ${letter.toUpperCase()}_{${index}${index}}, entry ${index} of diag(${letter.toUpperCase()}), the diagonal of the matrix ${letter.toUpperCase()}`);
    }
    if (mixed) {
      refuse(input, call.span, `${input.slice(mixed.span.start, mixed.span.end)} inside an inner sum, with the outer index ${index}, is not read`,
        `write the inner sum in vectors: Σⱼ Aᵢⱼxⱼ is (Ax)ᵢ, so Σᵢ log Σⱼ Aᵢⱼxⱼ is sum(log(Ax)), written sum(log(A x))`);
    }
    refuse(input, call.span, `nothing in the summand is written with the index ${index}`, `write the terms that vary with ${index} as y_${index}, x_${index}; a sum of a constant is n times it`);
  }
  // samples: x_i transposed, or the column an index-free factor meets in a product (wᵀx_i, y_i wᵀx_i, A x_i)
  const samples = new Set<string>();
  for (const m of all) {
    if (m.type === "postfix" && (m.op === "T") && indexedName(m.arg) !== null) samples.add(indexedName(m.arg)!);
    // (x_i − μ)ᵀ: what is transposed is a vector, so every x_i in it is a sample (a scalar is never transposed)
    if (m.type === "postfix" && m.op === "T") for (const x of nodesInOrder(m.arg)) if (indexedName(x) !== null) samples.add(indexedName(x)!);
    // ‖xᵢ − μ‖: a norm is of a vector, so the same holds inside one
    if (m.type === "norm") for (const x of nodesInOrder(m.arg)) if (indexedName(x) !== null) samples.add(indexedName(x)!);
    if (m.type === "binary" && m.op === "*") {
      const factors = flatten(m);
      factors.forEach((f, k) => {
        const before = factors[k - 1];
        // a row (wᵀ) or a matrix (A, Σ⁻¹) before it makes an inner product; a scalar (c, λ) before y_i leaves it an entry
        if (!before || !rowOrMatrix(before) || dependsOn(before, indexedName)) return;
        for (const x of nodesInOrder(f)) if (indexedName(x) !== null) samples.add(indexedName(x)!);
      });
    }
  }
  const matrixOf = (base: string) => {
    const upper = rowsMatrixName(base);
    const greek = GREEK.get(base);
    if (!upper) {
      // T(x_i), T_i: a capital's rows would need a matrix named by a capital of a capital
      const capital = greek ? greek.upper : /^[A-Z]$/.test(base);
      if (capital) refuse(input, call.span, `${baseText(base)}_${index} is read as row ${index} of a matrix, but ${baseText(base)} is a capital already, with no other to name that matrix`, `write the rows with a small letter (${baseText(base.toLowerCase())}_${index}, ${baseText(base.toLowerCase())}(x_${index})), read as the rows of the matrix ${baseText(base)}, or write the sum in vectors`);
      refuse(input, call.span, `${baseText(base)}_${index} is read as row ${index} of a matrix, but ${baseText(base)} has no capital letter to name it`, VECTOR_FORM_HINT);
    }
    if (used.has(upper)) refuse(input, call.span, `${base}_${index} would be a row of ${upper}, which the expression already uses`, VECTOR_FORM_HINT);
    return upper;
  };
  const renamed = new Map([...samples].map((s) => [s, matrixOf(s)] as const));
  /** Samples read as rows where they stand (cᵢᵀxᵢ = tr(CXᵀ)), though nothing before them said so: said as rows too. */
  const rowsHere = new Map<string, string>();
  /** What the upper limit sizes: the rows of every vector and matrix the sum reads. */
  const counted: string[] = [];
  if (call.count !== undefined) {
    if (/^\d+$/.test(call.count) && Number(call.count) < 2) refuse(input, call.span, `a sum of ${call.count === "0" ? "no terms" : "one term"} over ${index} is not read`, VECTOR_FORM_HINT);
    for (const m of renamed.values()) counted.push(m);
    for (const m of all) {
      const base = indexedName(m);
      if (base !== null && !renamed.has(base) && !counted.includes(base)) counted.push(base);
    }
    if (counted.includes(call.count)) refuse(input, call.span, `the upper limit ${call.count} is also the name of the ${[...renamed.values()].includes(call.count) ? "matrix" : "vector"} the sum reads`, `name the number of terms with another letter, as in \\sum_{${index}=1}^{n}`);
    for (const name of counted) counts.set(name, { rows: call.count, rank: [...renamed.values()].includes(name) ? "matrix" : "vector", sum: input.slice(call.nameSpan.start, call.nameSpan.end) });
  }
  const countNote = call.count !== undefined && counted.length
    ? `; ${call.count} is the number of terms, the rows of ${counted.map(baseText).join(" and ")}` : "";

  type Read = { readonly node: Node; readonly dep: boolean };
  const read = (n: Node): Read => {
    const base = indexedName(n);
    if (base !== null) {
      if (renamed.has(base)) refuse(input, n.span, `${base}_${index} stands alone here, where only its inner product with a vector (x_${index}ᵀw) is read`, VECTOR_FORM_HINT);
      return { node: { type: "ident", name: base, span: n.span, entriesOver: index }, dep: true };
    }
    if (!dependsOn(n, indexedName)) return { node: n, dep: false };
    switch (n.type) {
      case "neg": { const a = read(n.arg); return { node: { ...n, arg: a.node }, dep: true }; }
      case "binary": {
        if (n.op === "*") return product(n);
        const l = read(n.left), r = read(n.right);
        if (n.op === "+" || n.op === "-") {
          // an index-free scalar beside an indexed term is added to every entry: c becomes c𝟏 (and 1 is 𝟏, which the
          // summand, a scalar in i, says: no broadcast note)
          const spread = (x: Read): Node => (x.dep ? x.node : { type: "binary", op: "*", left: x.node, right: { type: "ones", span: x.node.span }, span: x.node.span, implicit: true });
          return { node: { ...n, left: spread(l), right: spread(r) }, dep: true };
        }
        if (n.op === "/") return { node: { ...n, op: l.dep && r.dep || r.dep ? "hdivide" : "/", left: l.node, right: r.node }, dep: true };
        return refuse(input, n.span, `this operation in ${index} is not read inside an indexed sum`, VECTOR_FORM_HINT);
      }
      case "postfix": {
        // ‖vᵢ‖²: entry i of diag(V Vᵀ), V the rows vᵢᵀ stacked
        if (n.op === "pow" && n.exponent === "2" && n.arg.type === "norm" && euclidean(n.arg)) return { node: squaredRowNorms(n.arg.arg, n.span), dep: true };
        const a = read(n.arg);
        if (n.op === "pow") return { node: { ...n, op: "epow", arg: a.node }, dep: true };
        if (n.op === "T") return a; // a scalar's transpose is itself
        return refuse(input, n.span, `this power in ${index} is not read inside an indexed sum`, VECTOR_FORM_HINT);
      }
      case "norm": {
        // ‖vᵢ‖ = √(vᵢᵀvᵢ): entry i of the entrywise square root of diag(V Vᵀ)
        if (!euclidean(n)) return refuse(input, n.span, `this norm of a vector in ${index} is not read inside an indexed sum: only the 2-norm is`, VECTOR_FORM_HINT);
        return { node: { type: "call", fn: "sqrt", args: [squaredRowNorms(n.arg, n.span)], span: n.span, nameSpan: n.span }, dep: true };
      }
      // |yᵢ − xᵢᵀβ|: entrywise, as the functions are
      case "bars": return { node: { ...n, arg: read(n.arg).node }, dep: true };
      case "call": {
        if (n.args.length === 1 && ENTRYWISE.has(n.fn)) return { node: { ...n, args: [read(n.args[0]!).node] }, dep: true };
        // sum(exp(W xᵢ)), an inner sum already read: entry i of the rows' sums, exp(X Wᵀ)𝟏
        if (n.fn === "sum" && n.args.length === 1 && n.index === undefined && sampleVector(n.args[0]!)) {
          return { node: { type: "binary", op: "*", left: rowsOf(n.args[0]!, n.span), right: { type: "ones", span: n.span }, span: n.span, implicit: true }, dep: true };
        }
        // logsumexp(W xᵢ): entry i of log(exp(X Wᵀ)𝟏), the log of the rows' sums of exp
        if (n.fn === "logsumexp" && n.args.length === 1 && n.index === undefined && sampleVector(n.args[0]!)) {
          const exp: Node = { type: "call", fn: "exp", args: [rowsOf(n.args[0]!, n.span)], span: n.span, nameSpan: n.nameSpan };
          const sums: Node = { type: "binary", op: "*", left: exp, right: { type: "ones", span: n.span }, span: n.span, implicit: true };
          return { node: { type: "call", fn: "log", args: [sums], span: n.span, nameSpan: n.nameSpan }, dep: true };
        }
        // the hinge max(0, 1 − yᵢwᵀxᵢ) of the SVM: max(·, 0) is the ReLU, entrywise (shapes/elaborate.ts reads it so)
        const zero = (x: Node | undefined) => x?.type === "number" && Number(x.text) === 0;
        if (n.fn === "max" && n.args.length === 2 && (zero(n.args[0]) || zero(n.args[1]))) {
          return { node: { ...n, args: n.args.map((a) => (zero(a) ? a : read(a).node)) }, dep: true };
        }
        return refuse(input, n.span, `${n.fn} of a term in ${index} is not read inside an indexed sum`, VECTOR_FORM_HINT);
      }
      default:
        return refuse(input, n.span, `this term in ${index} is not read inside an indexed sum`, VECTOR_FORM_HINT);
    }
  };

  /**
   * A vector built from samples by sums and products (xᵢ − μ, A xᵢ): its rows stack to a matrix. A function
   * of one, log σ(wᵀxᵢ), is a scalar in i, read as the functions are (yᵢ log σ(wᵀxᵢ) is y ⊙ log σ(Xw)).
   */
  function sampleVector(x: Node): boolean {
    const base = indexedName(x);
    if (base !== null) return renamed.has(base);
    if (!dependsOn(x, indexedName)) return true;
    if (x.type === "neg") return sampleVector(x.arg);
    if (x.type === "call" && x.args.length === 1 && (ENTRYWISE.has(x.fn) || BY_COLUMN.has(x.fn)) && x.index === undefined) return sampleVector(x.args[0]!);
    // wᵀxᵢ is a number, not a vector of samples: yᵢ(wᵀxᵢ + b) scales an entry, as yᵢ wᵀxᵢ does
    if (x.type === "binary" && x.op === "*") {
      const factors = flatten(x);
      const first = factors.findIndex((f) => dependsOn(f, indexedName));
      if (first > 0 && isRow(factors[first - 1]!)) return false;
    }
    return x.type === "binary" && (x.op === "+" || x.op === "-" || x.op === "*" || x.op === "hadamard") && sampleVector(x.left) && sampleVector(x.right);
  }

  /** A product: the scalar factors in i multiply entrywise; an inner product with a sample is a column of X·(…). */
  function product(n: Node & { type: "binary" }): Read {
    const factors = flatten(n);
    const parts: Read[] = [];
    for (let k = 0; k < factors.length; k++) {
      const f = factors[k]!;
      const quadratic = quadraticForm(factors, k);
      if (quadratic) {
        parts.push({ node: quadratic, dep: true });
        break;
      }
      const transposed = f.type === "postfix" && f.op === "T" ? indexedName(f.arg) : null;
      if (transposed !== null && renamed.has(transposed)) {
        // x_iᵀ E: the i-th entry of X E, E the index-free factors that follow
        const rest = factors.slice(k + 1);
        if (rest.length === 0 || rest.some((r) => dependsOn(r, indexedName))) refuse(input, n.span, `${transposed}_${index}ᵀ must be followed by index-free factors (x_${index}ᵀw)`, VECTOR_FORM_HINT);
        const matrix = ident(renamed.get(transposed)!, (f as { arg: Node }).arg.span);
        parts.push({ node: chain([matrix, ...rest]), dep: true });
        break;
      }
      const base = indexedName(f);
      const sample = base !== null ? renamed.has(base) : dependsOn(f, indexedName) && sampleVector(f);
      if (sample) {
        // E x_i, E the index-free factors before it (since the last factor in i): (E x_i) = x_iᵀEᵀ, the i-th entry of X Eᵀ
        let start = k;
        while (start > 0 && !dependsOn(factors[start - 1]!, indexedName)) start--;
        const row = factors.slice(start, k);
        if (row.length === 0) refuse(input, f.span, `${base ?? "x"}_${index} must meet an index-free row (wᵀx_${index})`, VECTOR_FORM_HINT);
        // each factor before was one part: the row's factors are taken into the inner product instead
        parts.splice(parts.length - row.length, row.length);
        // (wᵀA)ᵀ written as Aᵀw: the row's factors reversed, each transposed (a transposed one loses its ᵀ)
        const column = [...row].reverse().map((g): Node => (g.type === "postfix" && g.op === "T" ? g.arg : { type: "postfix", op: "T", arg: g, span: g.span }));
        parts.push({ node: chain([base !== null ? ident(renamed.get(base)!, f.span) : rowsOf(f, span(factors[start]!.span.start, f.span.end)), ...column]), dep: true });
        continue;
      }
      parts.push(read(f));
    }
    const free = parts.filter((p) => !p.dep).map((p) => p.node);
    // Σᵢ yᵢ² A is the matrix (yᵀy)A: an index-free matrix or row beside entries would be moved across the ⊙
    const matrix = free.find(rowOrMatrix);
    if (matrix) refuse(input, matrix.span, `the sum over ${index} of a term times the matrix or row ${input.slice(matrix.span.start, matrix.span.end)} is not read: only numbers and scalars may stand beside entries`, VECTOR_FORM_HINT);
    const dep = parts.filter((p) => p.dep).map((p) => p.node);
    const entrywise = dep.reduce((a, b): Node => ({ type: "binary", op: "hadamard", left: a, right: b, span: span(a.span.start, b.span.end) }));
    return { node: free.length ? chain([...free, entrywise]) : entrywise, dep: true };
  }

  /**
   * uᵢᵀ M vᵢ (or uᵢᵀ w), uᵢ and vᵢ sample vectors (xᵢ − μ): entry i of diag(U M Vᵀ), U and V their rows stacked (X − 𝟏μᵀ),
   * so that the sum is tr(U M Vᵀ), as (x − μ)ᵀΣ⁻¹(x − μ) summed over samples is written in matrices
   */
  function quadraticForm(factors: readonly Node[], k: number): Node | null {
    const f = factors[k]!;
    if (f.type !== "postfix" || f.op !== "T" || !dependsOn(f.arg, indexedName)) return null;
    const rest = factors.slice(k + 1);
    const last = rest[rest.length - 1];
    // (xᵢ − μ)ᵀw: entry i of (X − 𝟏μᵀ)w
    if (indexedName(f.arg) === null && last !== undefined && !rest.some((r) => dependsOn(r, indexedName))) return chain([rowsOf(f.arg, span(f.span.start, last.span.end)), ...rest]);
    if (last === undefined || !dependsOn(last, indexedName) || rest.slice(0, -1).some((r) => dependsOn(r, indexedName))) return null;
    const middle = rest.slice(0, -1);
    const at = span(f.span.start, last.span.end);
    const u = rowsOf(f.arg, at), v = rowsOf(last, at);
    // log(softmax(WXᵀ)ᵀ)ᵀ is log(softmax(WXᵀ)), as the function f is shown
    const vT: Node = v.type === "postfix" && v.op === "T" ? v.arg
      : v.type === "call" && ENTRYWISE.has(v.fn) && v.args.length === 1 && v.args[0]!.type === "postfix" && v.args[0]!.op === "T" ? { ...v, args: [v.args[0]!.arg] }
      : { type: "postfix", op: "T", arg: v, span: last.span };
    return { type: "call", fn: "diag", args: [chain([u, ...middle, vT])], span: at, nameSpan: at };
  }

  /** The 2-norm ‖·‖ or ‖·‖₂ (‖·‖₁ and ‖·‖_F are not read). */
  function euclidean(n: Node & { type: "norm" }): boolean {
    return n.kind === null || n.kind === "2";
  }

  /** ‖vᵢ‖² for each i, as one vector: diag(V Vᵀ), V the rows vᵢᵀ (see rowsOf). */
  function squaredRowNorms(v: Node, at: Span): Node {
    const rows = rowsOf(v, at);
    return { type: "call", fn: "diag", args: [chain([rows, { type: "postfix", op: "T", arg: rows, span: at }])], span: at, nameSpan: at };
  }

  /**
   * A sample vector in i as the matrix of its rows: xᵢ → X, an index-free μ → 𝟏μᵀ, sums and differences alike.
   * The transpose made for μ spans the whole form, which notes quote as the evidence that μ is a vector.
   */
  function rowsOf(n: Node, form: Span): Node {
    const base = indexedName(n);
    if (base !== null) {
      const rows = renamed.get(base) ?? matrixOf(base);
      sampleRows.set(base, rows);
      rowsHere.set(base, rows);
      return ident(rows, n.span);
    }
    if (!dependsOn(n, indexedName)) return chain([{ type: "ones", span: n.span }, { type: "postfix", op: "T", arg: n, span: form, besideSamples: true }]);
    if (n.type === "neg") return { ...n, arg: rowsOf(n.arg, form) };
    // (π ⊙ vᵢ)ᵀ = 𝟏πᵀ ⊙ Vᵢ's row: entrywise, as sums are
    if (n.type === "binary" && (n.op === "+" || n.op === "-" || n.op === "hadamard")) return { ...n, left: rowsOf(n.left, form), right: rowsOf(n.right, form) };
    if (n.type === "binary" && n.op === "*" && n.left.type === "number") return { ...n, right: rowsOf(n.right, form) };
    // σ(W xᵢ): an entrywise function of a sample vector is that function of its rows, σ(X Wᵀ)
    if (n.type === "call" && n.args.length === 1 && ENTRYWISE.has(n.fn) && n.index === undefined) return { ...n, args: [rowsOf(n.args[0]!, form)] };
    // softmax(W xᵢ): softmax of a matrix is taken by columns, so the rows softmax(Wxᵢ)ᵀ are softmax(W Xᵀ)ᵀ
    if (n.type === "call" && n.args.length === 1 && BY_COLUMN.has(n.fn) && n.index === undefined) {
      return { type: "postfix", op: "T", arg: { ...n, args: [transposed(rowsOf(n.args[0]!, form))] }, span: n.span };
    }
    if (n.type === "binary" && n.op === "*") {
      // E vᵢ, E index-free: its transpose vᵢᵀEᵀ is row i of V Eᵀ (numbers stay in front, untransposed)
      const factors = flatten(n);
      const last = factors[factors.length - 1]!;
      const before = factors.slice(0, -1);
      if (!before.some((f) => dependsOn(f, indexedName))) {
        const numbers = before.filter((f) => f.type === "number");
        const column = before.filter((f) => f.type !== "number").reverse()
          .map((g): Node => (g.type === "postfix" && g.op === "T" ? g.arg : { type: "postfix", op: "T", arg: g, span: g.span }));
        return chain([...numbers, rowsOf(last, form), ...column]);
      }
    }
    return refuse(input, n.span, `this vector in ${index} is not read inside an indexed sum`, VECTOR_FORM_HINT);
  }

  // Σᵢ ‖vᵢ‖² as a whole is ‖V‖_F², as a textbook writes it (‖X − 𝟏μᵀ‖_F²), not the sum of diag(V Vᵀ)
  const squaredNorm = summand.type === "postfix" && summand.op === "pow" && summand.exponent === "2" && summand.arg.type === "norm" && euclidean(summand.arg) ? summand.arg : null;
  if (squaredNorm) {
    const rows = rowsOf(squaredNorm.arg, squaredNorm.span);
    const said = [...renamed].map(([b, m]) => `${baseText(b)}_${index}ᵀ is row ${index} of the matrix ${baseText(m)}`);
    notes.push(`${input.slice(call.nameSpan.start, call.nameSpan.end)} of squared norms is read as the squared Frobenius norm of the matrix of those rows: ${said.join(", ")}${countNote}`);
    return { type: "postfix", op: "pow", exponent: "2", arg: { type: "norm", kind: "F", arg: rows, span: squaredNorm.span }, span: call.span };
  }
  const body = read(summand);
  const entries = [...nodesInOrder(summand)].map(indexedName).filter((b): b is string => b !== null);
  const vectors = [...new Set(entries)].filter((b) => !renamed.has(b) && !rowsHere.has(b));
  for (const b of vectors) entryVectors.add(b);
  for (const [b, m] of renamed) sampleRows.set(b, m);
  const maps = new Map(all.flatMap((m) => (m.type === "ident" && m.of && withIndex(m.of.name) ? [[m.name, m.of.name] as const] : [])));
  const sample = (b: string) => (maps.has(b) ? `${baseText(b)}(${baseText(maps.get(b)!)})` : atIndex.has(b) ? `${baseText(b)}(${index})` : `${baseText(b)}_${index}`);
  const said = [
    ...vectors.map((b) => `${sample(b)} is entry ${index} of the vector ${baseText(b)}`),
    ...[...new Map([...renamed, ...rowsHere])].map(([b, m]) => `${sample(b)}ᵀ is row ${index} of the matrix ${baseText(m)}`),
  ];
  notes.push(`${input.slice(call.nameSpan.start, call.nameSpan.end)} is read as the sum of the entries of a vector: ${said.join(", ")}${countNote}`);
  // `entries`: elaborate makes sure the summand did read as a vector, one entry per i
  return { type: "call", fn: "sum", args: [body.node], span: call.span, nameSpan: call.nameSpan, entries: index };
}

/**
 * Σᵢ Σⱼ (or Σ_{i,j}) of a term that is bilinear in the two indices, as graph and kernel methods write them:
 *
 *   Σᵢⱼ Aᵢⱼ uᵢ vⱼ = uᵀAv            (uᵢ, vⱼ any terms a single sum reads: xᵢ, yᵢ², log pᵢ; Aⱼᵢ is Aᵀ; no A is 𝟏𝟏ᵀ)
 *   Σᵢⱼ Aᵢⱼ (xᵢ − xⱼ)² = (x∘²)ᵀA𝟏 − 2xᵀAx + 𝟏ᵀA x∘²
 *   Σᵢⱼ Wᵢⱼ ‖xᵢ − xⱼ‖² = diag(XXᵀ)ᵀW𝟏 − 2 tr(XᵀWX) + 𝟏ᵀW diag(XXᵀ)     (xᵢ samples, the rows of X)
 *
 * A square of a difference is expanded; each term is then a constant times factors in i alone, in j alone and
 * at most one entry Aᵢⱼ, read as the single sums over i and over j read their summands. Anything else that
 * mixes the two indices is refused.
 */
function doubleSum(outer: Node & { type: "call" }, innerSum: Node & { type: "call" }, input: string, used: ReadonlySet<string>, notes: string[], counts: Map<string, RowCount>, entryVectors: Set<string>, sampleRows: Map<string, string>): Node {
  const i = outer.index!, j = innerSum.index!;
  const at = outer.span;
  const written = input.slice(outer.nameSpan.start, innerSum.nameSpan.end).replace(/\s+/g, " ");
  if (i === j) refuse(input, at, `a double sum needs two indices, not ${i} twice`, VECTOR_FORM_HINT);
  if (nodesInOrder(innerSum.args[0]!).some((m) => m.type === "call" && m.index !== undefined)) refuse(input, at, "a sum over an index inside a double sum is not read", VECTOR_FORM_HINT);
  const single = (name: string, k: string) => name.endsWith(`_${k}`) && name.length > k.length + 1 && !name.slice(0, -k.length - 1).includes("_");
  const pairOf = (n: Node): { base: string; transposed: boolean } | null => {
    if (n.type !== "ident") return null;
    const m = /^([^_]+)_([a-z])([a-z])$/.exec(n.name);
    if (!m || !((m[2] === i && m[3] === j) || (m[2] === j && m[3] === i))) return null;
    return { base: m[1]!, transposed: m[2] === j };
  };
  const isIn = (n: Node, k: string) => nodesInOrder(n).some((m) => m.type === "ident" && (single(m.name, k) || (m.of !== undefined && single(m.of.name, k))));
  const stack: { sign: number; factors: Node[] }[] = [];
  const split = (n: Node, sign: number, extra: readonly Node[] = []): void => {
    if (n.type === "neg") return split(n.arg, -sign, extra);
    if (n.type === "binary" && (n.op === "+" || n.op === "-")) {
      split(n.left, sign, extra);
      split(n.right, n.op === "-" ? -sign : sign, extra);
      return;
    }
    stack.push({ sign, factors: [...extra, ...flatten(n)] });
  };
  split(innerSum.args[0]!, 1);
  const pairNames = new Set<string>();
  /** Squares of differences expanded, as written. */
  const expanded = new Set<string>();
  /** Letters whose indexed vectors are rows of a matrix, with the indices they are written with (xᵢ and xⱼ, or μₖ alone). */
  const sampleLetters = new Map<string, Set<string>>();
  const addSample = (letter: string, k: string) => sampleLetters.set(letter, (sampleLetters.get(letter) ?? new Set<string>()).add(k));
  const terms: Node[] = [];
  const signs: number[] = [];
  const one = (from: Span): Node => ({ type: "ones", span: from });
  const T = (n: Node): Node => ({ type: "postfix", op: "T", arg: n, span: n.span });
  const square = (n: Node): Node => ({ type: "postfix", op: "pow", exponent: "2", arg: n, span: n.span });
  /** Σ over k of a summand in k alone, as the vector whose entries it sums. */
  const vectorOver = (factors: readonly Node[], k: string, from: Span): Node => {
    if (factors.length === 0) return one(from);
    const call: Node & { type: "call" } = { type: "call", fn: "sum", args: [chain(factors)], span: at, nameSpan: outer.nameSpan, index: k };
    const read = sumOver(call, input, used, [], counts, entryVectors, sampleRows);
    if (read.type !== "call" || read.fn !== "sum") return refuse(input, span(factors[0]!.span.start, factors[factors.length - 1]!.span.end), `this term in ${k} is not read inside a double sum`, VECTOR_FORM_HINT);
    return read.args[0]!;
  };
  const matrixLetter = (base: string, from: Span): string => {
    const upper = rowsMatrixName(base) ?? base;
    if (upper !== base && used.has(upper)) refuse(input, from, `${base}_{${i}${j}} would be an entry of ${upper}, which the expression already uses`, VECTOR_FORM_HINT);
    return upper;
  };
  /** ‖aᵢ − bⱼ‖² of samples: the matrix of squared distances whose entry (i, j) it is, else null. */
  const squaredDistance = (f: Node): Node | null => {
    const norm = f.type === "postfix" && f.op === "pow" && f.exponent === "2" && f.arg.type === "norm" && (f.arg.kind === null || f.arg.kind === "2") ? f.arg : null;
    const diff = norm && norm.arg.type === "binary" && norm.arg.op === "-" ? norm.arg : null;
    if (!diff) return null;
    const letter = (n: Node, k: string) => (n.type === "ident" && single(n.name, k) ? n.name.slice(0, -k.length - 1) : null);
    const [a, b] = letter(diff.left, i) !== null ? [diff.left, diff.right] : [diff.right, diff.left];
    const xa = letter(a, i), xb = letter(b, j);
    if (xa === null || xb === null) return null;
    const X = matrixLetter(xa, a.span), Y = matrixLetter(xb, b.span);
    addSample(xa, i);
    addSample(xb, j);
    sampleRows.set(xa, X).set(xb, Y);
    const at2 = f.span;
    pairNames.add(`${input.slice(at2.start, at2.end).replace(/\s+/g, " ")} is entry (${i}, ${j}) of the squared distances diag(${baseText(X)}${baseText(X)}ᵀ)𝟏ᵀ − 2${baseText(X)}${baseText(Y)}ᵀ + 𝟏 diag(${baseText(Y)}${baseText(Y)}ᵀ)ᵀ`);
    const rows = (M: string): Node => ({ type: "call", fn: "diag", args: [chain([ident(M, at2), T(ident(M, at2))])], span: at2, nameSpan: at2 });
    const first: Node = chain([rows(X), T(one(at2))]);
    const cross: Node = chain([{ type: "number", text: "2", span: at2 }, ident(X, at2), T(ident(Y, at2))]);
    const last: Node = chain([one(at2), T(rows(Y))]);
    return { type: "binary", op: "+", left: { type: "binary", op: "-", left: first, right: cross, span: at2 }, right: last, span: at2 };
  };
  /** xᵢᵀxⱼ, xᵢᵀMxⱼ, ⟨xᵢ, xⱼ⟩ among the factors: entry (i, j) of the Gram matrix XMYᵀ of the samples' rows. */
  const gramOf = (factors: readonly Node[], inFunction = false): { matrix: Node; used: ReadonlySet<Node> } | null => {
    const sample = (n: Node): { letter: string; k: string } | null => {
      if (n.type !== "ident") return null;
      for (const k of [i, j]) if (single(n.name, k)) return { letter: n.name.slice(0, -k.length - 1), k };
      return null;
    };
    const matrixOf = (a: { letter: string; k: string }, middle: readonly Node[], b: { letter: string; k: string }, from: Span): Node | null => {
      if (a.k === b.k) return null;
      const X = matrixLetter(a.letter, from), Y = matrixLetter(b.letter, from);
      addSample(a.letter, a.k);
      addSample(b.letter, b.k);
      const between = middle.length ? input.slice(middle[0]!.span.start, middle[middle.length - 1]!.span.end).replace(/\s+/g, " ") : "";
      pairNames.add(`${input.slice(from.start, from.end).replace(/\s+/g, " ")} is entry (${a.k}, ${b.k}) of ${baseText(X)}${between}${baseText(Y)}ᵀ`);
      const m = chain([ident(X, from), ...middle, T(ident(Y, from))]);
      return a.k === i ? m : T(m);
    };
    for (let k = 0; k < factors.length; k++) {
      const f = factors[k]!;
      // ‖xᵢ − yⱼ‖² inside a function (the RBF kernel): entry (i, j) of the squared distances diag(XXᵀ)𝟏ᵀ − 2XYᵀ +
      // 𝟏 diag(YYᵀ)ᵀ; alone, Σᵢⱼ Wᵢⱼ‖xᵢ − xⱼ‖² is expanded term by term below, as the Laplacian's texts write it
      const distance = inFunction ? squaredDistance(f) : null;
      if (distance) return { matrix: distance, used: new Set([f]) };
      // (xᵢᵀxⱼ)², exp(xᵢᵀxⱼ), tanh(xᵢᵀAxⱼ): the entry of the Gram matrix's entrywise power or function, a kernel matrix
      const wrapped = f.type === "postfix" && f.op === "pow" && f.exponent !== undefined ? f.arg : f.type === "call" && ENTRYWISE.has(f.fn) && f.args.length === 1 ? f.args[0]! : null;
      if (wrapped) {
        // exp(−γ‖xᵢ − xⱼ‖²), exp(−‖xᵢ − xⱼ‖²/(2σ²)), the RBF kernel: numbers and scalars beside the entry, and a sign
        const negated = wrapped.type === "neg";
        const unsigned = negated ? wrapped.arg : wrapped;
        const divided = unsigned.type === "binary" && unsigned.op === "/" && !isIn(unsigned.right, i) && !isIn(unsigned.right, j) && !rowOrMatrix(unsigned.right) ? unsigned : null;
        const scaledBy = (m: Node, free: readonly Node[]): Node => {
          const times = free.length ? chain([...free, m]) : m;
          const over: Node = divided ? { type: "binary", op: "/", left: times, right: divided.right, span: divided.span } : times;
          return negated ? { type: "neg", arg: over, span: wrapped.span } : over;
        };
        // (xᵢᵀxⱼ + c)ᵖ, the polynomial kernel: the number is added to every entry, c𝟏𝟏ᵀ
        const shifted = !negated && !divided && wrapped.type === "binary" && (wrapped.op === "+" || wrapped.op === "-") && wrapped.right.type === "number" ? wrapped : null;
        const inside = flatten(shifted ? shifted.left : divided ? divided.left : unsigned);
        const found = gramOf(inside, true);
        const free = found ? inside.filter((g) => !found.used.has(g)) : [];
        const scalarsOnly = free.every((g) => !isIn(g, i) && !isIn(g, j) && !rowOrMatrix(g));
        const entry = found && shifted
          ? { ...found, matrix: { ...shifted, left: found.matrix, right: chain([shifted.right, one(shifted.right.span), T(one(shifted.right.span))]) } as Node }
          : found && scalarsOnly && (negated || divided || free.length) ? { matrix: scaledBy(found.matrix, free), used: new Set(inside) } : found;
        if (entry && inside.every((g) => entry.used.has(g))) {
          const matrix: Node = f.type === "postfix"
            ? { type: "postfix", op: "epow", exponent: f.exponent, arg: entry.matrix, span: f.span }
            : { ...(f as Node & { type: "call" }), args: [entry.matrix], ofEntries: true as const };
          return { matrix, used: new Set([f]) };
        }
        continue;
      }
      if (f.type === "inner") {
        const a = sample(f.left), b = sample(f.right);
        const matrix = a && b ? matrixOf(a, [], b, f.span) : null;
        if (matrix) return { matrix, used: new Set([f]) };
        continue;
      }
      const a = f.type === "postfix" && f.op === "T" ? sample(f.arg) : null;
      if (!a) continue;
      for (let l = k + 1; l < factors.length; l++) {
        const b = sample(factors[l]!);
        if (b) {
          const middle = factors.slice(k + 1, l);
          const matrix = matrixOf(a, middle, b, span(f.span.start, factors[l]!.span.end));
          return matrix ? { matrix, used: new Set([f, ...middle, factors[l]!]) } : null;
        }
        if (isIn(factors[l]!, i) || isIn(factors[l]!, j)) break;
      }
    }
    return null;
  };
  /** Factors that are entrywise functions of entries, |Aᵢⱼ|, log(1 + exp(Aᵢⱼ)), (Aᵢⱼ − Bᵢⱼ)²: the matrix whose entries they are. */
  const entryMatrices = new Map<Node, Node>();
  const isEntry = (f: Node) => pairOf(f) !== null || entryMatrices.has(f);
  const entryMatrix = (f: Node) => entryMatrices.get(f) ?? pairMatrix(f);
  while (stack.length) {
    const { sign, factors: written } = stack.shift()!;
    // a factor with an entry inside it is that entry's function of the whole matrix, or the term is refused: read as a
    // number apart from the sum, Σᵢⱼ |Aᵢⱼ| was |A_ij| times n·m, and its derivative by A a silent 0
    let factors = written;
    for (const f of written) {
      if (isEntry(f) || !nodesInOrder(f).some((m) => pairOf(m) !== null)) continue;
      const matrix = entrywise(f);
      if (!matrix) {
        const entry = nodesInOrder(f).find((m) => pairOf(m) !== null)!;
        refuse(input, f.span, `in a double sum, ${input.slice(entry.span.start, entry.span.end)} inside this term is read only under entrywise functions with numbers and scalars`,
          `write it with the matrix: Σᵢⱼ |Aᵢⱼ| is 𝟏ᵀabs(A)𝟏, Σᵢⱼ f(Aᵢⱼ)uᵢ is uᵀf(A)𝟏, Σᵢⱼ Aᵢⱼ² is ‖A‖_F²`);
      }
      entryMatrices.set(f, matrix);
    }
    // several entries in one term, Σᵢⱼ Aᵢⱼ log Aᵢⱼ uᵢ: of their Hadamard product (two and nothing else in i or j is tr(AᵀB), below)
    const entryFactors = factors.filter(isEntry);
    if (entryFactors.length > 2 || (entryFactors.length === 2 && factors.some((f) => !isEntry(f) && (isIn(f, i) || isIn(f, j))))) {
      const product = entryFactors.map(entryMatrix).reduce((a, b): Node => ({ type: "binary", op: "hadamard", left: a, right: b, span: span(Math.min(a.span.start, b.span.start), Math.max(a.span.end, b.span.end)) }));
      const merged: Node = { ...product, span: entryFactors[0]!.span };
      entryMatrices.set(merged, product);
      factors = [merged, ...factors.filter((f) => !isEntry(f))];
    }
    // Σᵢⱼ αᵢαⱼyᵢyⱼ xᵢᵀxⱼ (the SVM's dual) = (α ⊙ y)ᵀXXᵀ(α ⊙ y): the Gram entry is the pair; beside an entry
    // Aᵢⱼ of a matrix of weights, the two are entries of their Hadamard product, Σᵢⱼ Aᵢⱼ xᵢᵀxⱼ = 𝟏ᵀ(A ⊙ XXᵀ)𝟏
    const weights = factors.filter(isEntry);
    const gram = weights.length > 1 ? null : gramOf(factors.filter((f) => !weights.includes(f)));
    if (gram) {
      const rest = factors.filter((f) => !gram.used.has(f) && !weights.includes(f));
      const entries = weights.length ? { type: "binary" as const, op: "hadamard" as const, left: entryMatrix(weights[0]!), right: gram.matrix, span: at } : gram.matrix;
      if (!rest.some((f) => isIn(f, i) && isIn(f, j))) {
        const inI = rest.filter((f) => isIn(f, i)), inJ = rest.filter((f) => isIn(f, j));
        const free = rest.filter((f) => !isIn(f, i) && !isIn(f, j));
        if (free.some(rowOrMatrix)) refuse(input, at, `a double sum of a term times a matrix or row is not read: only numbers and scalars may stand beside entries`, VECTOR_FORM_HINT);
        const body = chain([T(vectorOver(inI, i, at)), entries, vectorOver(inJ, j, at)]);
        terms.push(free.length ? chain([...free, body]) : body);
        signs.push(sign);
        continue;
      }
    }
    const pairs = factors.filter(isEntry);
    // Σᵢⱼ Aᵢⱼ Bᵢⱼ = tr(AᵀB)
    if (pairs.length === 2 && factors.every((f) => pairs.includes(f) || (!isIn(f, i) && !isIn(f, j)))) {
      const free = factors.filter((f) => !pairs.includes(f));
      const body: Node = { type: "call", fn: "tr", args: [chain([T(entryMatrix(pairs[0]!)), entryMatrix(pairs[1]!)])], span: at, nameSpan: at };
      terms.push(free.length ? chain([...free, body]) : body);
      signs.push(sign);
      continue;
    }
    if (pairs.length > 1) refuse(input, at, `a term with more than two entries in ${i} and ${j} is not read inside a double sum`, VECTOR_FORM_HINT);
    const pair = pairs[0];
    const rest = factors.filter((f) => f !== pair);
    const mixed = rest.filter((f) => isIn(f, i) && isIn(f, j));
    if (mixed.length > 1) refuse(input, at, `a term with several factors in both ${i} and ${j} is not read inside a double sum`, VECTOR_FORM_HINT);
    const m = mixed[0];
    if (m) {
      const others = rest.filter((f) => f !== m);
      const withPair = pair ? [pair, ...others] : others;
      // (aᵢ − bⱼ)²: a², −2ab, b²
      const arg = m.type === "postfix" && m.op === "pow" && m.exponent === "2" ? m.arg : null;
      const diff = arg && arg.type === "binary" && (arg.op === "-" || arg.op === "+") ? arg : null;
      const sides = diff && ((isIn(diff.left, i) && !isIn(diff.left, j) && isIn(diff.right, j) && !isIn(diff.right, i)) || (isIn(diff.left, j) && !isIn(diff.left, i) && isIn(diff.right, i) && !isIn(diff.right, j)));
      if (diff && sides && arg!.type !== "norm") {
        const cross = diff.op === "-" ? -2 : 2;
        expanded.add(input.slice(m.span.start, m.span.end).replace(/\s+/g, " "));
        stack.push({ sign, factors: [...withPair, square(diff.left)] });
        stack.push({ sign: sign * cross, factors: [...withPair, diff.left, diff.right] });
        stack.push({ sign, factors: [...withPair, square(diff.right)] });
        continue;
      }
      // ‖xᵢ − yⱼ‖², samples: diag(XXᵀ)ᵀP𝟏 − 2 tr(XᵀPY) + 𝟏ᵀP diag(YYᵀ)
      const norm = arg && arg.type === "norm" && (arg.kind === null || arg.kind === "2") && arg.arg.type === "binary" && arg.arg.op === "-" ? arg.arg : null;
      const letter = (n: Node, k: string) => (n.type === "ident" && single(n.name, k) ? n.name.slice(0, -k.length - 1) : null);
      if (norm && others.every((f) => !isIn(f, i) && !isIn(f, j))) {
        const [a, b] = letter(norm.left, i) !== null ? [norm.left, norm.right] : [norm.right, norm.left];
        const xa = letter(a, i), xb = letter(b, j);
        if (xa !== null && xb !== null) {
          const X = matrixLetter(xa, a.span), Y = matrixLetter(xb, b.span);
          addSample(xa, i);
          addSample(xb, j);
          sampleRows.set(xa, X).set(xb, Y);
          expanded.add(input.slice(m.span.start, m.span.end).replace(/\s+/g, " "));
          const P = pair ? entryMatrix(pair) : chain([one(at), T(one(at))]);
          const rows = (M: string, from: Span): Node => ({ type: "call", fn: "diag", args: [chain([ident(M, from), T(ident(M, from))])], span: from, nameSpan: from });
          const scalars = others;
          const put = (s: number, body: Node) => { terms.push(scalars.length ? chain([...scalars, body]) : body); signs.push(sign * s); };
          put(1, chain([T(rows(X, a.span)), P, one(at)]));
          put(-2, { type: "call", fn: "tr", args: [chain([T(ident(X, a.span)), P, ident(Y, b.span)])], span: at, nameSpan: at });
          put(1, chain([T(one(at)), P, rows(Y, b.span)]));
          continue;
        }
      }
      refuse(input, m.span, `this term mixes ${i} and ${j} in a way a double sum is not read`, `write it in matrices: Σᵢⱼ Aᵢⱼ uᵢ vⱼ is uᵀAv, Σᵢⱼ Aᵢⱼ (xᵢ − xⱼ)² is (x∘²)ᵀA𝟏 − 2xᵀAx + 𝟏ᵀA x∘²`);
    }
    const inI = rest.filter((f) => isIn(f, i));
    const inJ = rest.filter((f) => isIn(f, j));
    const free = rest.filter((f) => !isIn(f, i) && !isIn(f, j));
    if (free.some(rowOrMatrix)) refuse(input, at, `a double sum of a term times a matrix or row is not read: only numbers and scalars may stand beside entries`, VECTOR_FORM_HINT);
    const u = vectorOver(inI, i, at), v = vectorOver(inJ, j, at);
    const P = pair ? entryMatrix(pair) : chain([one(at), T(one(at))]);
    // Σᵢⱼ (Aᵢⱼ − Bᵢⱼ)², squared entries and nothing else in i or j: ‖A − B‖_F², as a textbook writes it (was 𝟏ᵀ(A − B)∘²𝟏)
    let squared = inI.length === 0 && inJ.length === 0 && P.type === "postfix" && P.op === "epow" && P.exponent === "2" ? P.arg : null;
    // |Aᵢⱼ|² is Aᵢⱼ² of real entries
    if (squared?.type === "call" && squared.fn === "abs" && squared.args.length === 1) squared = squared.args[0]!;
    const body: Node = squared ? square({ type: "norm", kind: "F", arg: squared, span: P.span }) : chain([T(u), P, v]);
    terms.push(free.length ? chain([...free, body]) : body);
    signs.push(sign);
  }

  /** |Aᵢⱼ|, Aᵢⱼ², log(1 + exp(Aᵢⱼ)), (Aᵢⱼ − Bᵢⱼ)²: the matrix of which it is entry (i, j). */
  function entrywise(n: Node): Node | null {
    return entrywiseOf(n, (m) => (pairOf(m) ? pairMatrix(m) : gramEntry(m)), (m) => !isIn(m, i) && !isIn(m, j) && !rowOrMatrix(m) && !nodesInOrder(m).some((x) => pairOf(x) !== null),
      (m) => chain([m, one(m.span), T(one(m.span))]));
  }

  /**
   * uᵢᵀvⱼ, uᵢᵀMvⱼ beside an entry in a function, (Yᵢⱼ − uᵢᵀvⱼ)² of matrix factorisation: entry (i, j) of UVᵀ, UMVᵀ;
   * times entries and scalars, −Yᵢⱼuᵢᵀvⱼ of a logistic factorisation, the entry of −Y ⊙ UVᵀ.
   */
  function gramEntry(m: Node): Node | null {
    if (m.type !== "binary" || m.op !== "*") return null;
    const factors = flatten(m);
    const sampled = (n: Node) => n.type === "ident" && (single(n.name, i) || single(n.name, j));
    const a = factors.findIndex((f) => f.type === "postfix" && f.op === "T" && sampled(f.arg));
    const b = factors.findIndex((f, k) => k > a && sampled(f));
    if (a < 0 || b < 0 || factors.slice(a + 1, b).some((f) => isIn(f, i) || isIn(f, j))) return null;
    const others = [...factors.slice(0, a), ...factors.slice(b + 1)];
    const scalar = (f: Node) => !isIn(f, i) && !isIn(f, j) && !rowOrMatrix(f);
    if (!others.every((f) => pairOf(f) !== null || scalar(f))) return null;
    const g = gramOf(factors.slice(a, b + 1));
    if (!g || !factors.slice(a, b + 1).every((f) => g.used.has(f))) return null;
    const entries = [g.matrix, ...others.filter((f) => pairOf(f) !== null).map(pairMatrix)]
      .reduce((x, y): Node => ({ type: "binary", op: "hadamard", left: x, right: y, span: span(Math.min(x.span.start, y.span.start), Math.max(x.span.end, y.span.end)) }));
    const scalars = others.filter((f) => pairOf(f) === null);
    return scalars.length ? chain([...scalars, entries]) : entries;
  }

  function pairMatrix(n: Node): Node {
    const { base, transposed } = pairOf(n)!;
    const M = matrixLetter(base, n.span);
    // --wrt p of Σᵢₖ yᵢₖ log pᵢₖ asks for P (src/pipeline/analyse.ts)
    if (M !== base && !sampleRows.has(base)) sampleRows.set(base, M);
    pairNames.add(transposed
      ? `${baseText(base)}_{${j}${i}} is entry (${j}, ${i}) of the matrix ${baseText(M)}, entry (${i}, ${j}) of ${baseText(M)}ᵀ`
      : `${baseText(base)}_{${i}${j}} is entry (${i}, ${j}) of the matrix ${baseText(M)}`);
    return transposed ? T(ident(M, n.span)) : ident(M, n.span);
  }

  const said = [...pairNames, ...[...sampleLetters].map(([x, ks]) => `${[...ks].map((k) => `${baseText(x)}_${k}ᵀ`).join(" and ")} ${ks.size > 1 ? "are rows" : "is row " + [...ks][0]} of the matrix ${baseText(rowsMatrixName(x) ?? x)}`)];
  if (expanded.size) said.push(`${[...expanded].join(", ")} expanded as a square of a difference`);
  notes.push(`${written} is read as a double sum, each term in matrices (Σᵢⱼ Aᵢⱼ uᵢvⱼ = uᵀAv)${said.length ? `: ${said.join("; ")}` : ""}`);
  let out: Node | null = null;
  terms.forEach((t, k) => {
    const s = signs[k]!;
    const scaled: Node = Math.abs(s) === 1 ? t : chain([{ type: "number", text: String(Math.abs(s)), span: t.span }, t]);
    out = out === null ? (s < 0 ? { type: "neg", arg: scaled, span: at } : scaled) : { type: "binary", op: s < 0 ? "-" : "+", left: out, right: scaled, span: at };
  });
  return out!;
}

/** wᵀ, Aᵀ, A, Σ⁻¹, W₁: what makes an inner product with a sample after it, as a scalar (c, λ, 2) does not. */
/** wᵀ, the transpose of a small letter: a row, whose product with a sample is a number. */
function isRow(n: Node): boolean {
  return n.type === "postfix" && n.op === "T" && n.arg.type === "ident" && !rowOrMatrix(n.arg);
}

/**
 * n, a function of entries (|Aᵢⱼ|, log(1 + exp(Aᵢⱼ)), (Aᵢᵢ − 1)²), as the matrix or vector whose entry it is: the
 * entries' own (`leaf`) under entrywise functions, powers, sums, products and quotients, with numbers and scalars
 * (`scalar`; `filled` puts one in every entry); null for anything else (a vector in the index, a matrix product).
 */
function entrywiseOf(n: Node, leaf: (n: Node) => Node | null, scalar: (n: Node) => boolean, filled: (n: Node) => Node): Node | null {
  const at = leaf(n);
  if (at) return at;
  const of = (m: Node) => entrywiseOf(m, leaf, scalar, filled);
  switch (n.type) {
    case "bars": {
      const a = of(n.arg);
      return a && { type: "call", fn: "abs", args: [a], span: n.span, nameSpan: n.span, ofEntries: true };
    }
    case "neg": {
      const a = of(n.arg);
      return a && { ...n, arg: a };
    }
    case "postfix": {
      if (n.op !== "pow" || n.exponent === undefined) return null;
      const a = of(n.arg);
      return a && { type: "postfix", op: "epow", exponent: n.exponent, arg: a, span: n.span };
    }
    case "call": {
      if (!ENTRYWISE.has(n.fn) || n.args.length !== 1) return null;
      const a = of(n.args[0]!);
      return a && { ...n, args: [a], ofEntries: true };
    }
    case "binary": {
      const left = scalar(n.left) ? null : of(n.left);
      const right = scalar(n.right) ? null : of(n.right);
      if ((!left && !scalar(n.left)) || (!right && !scalar(n.right)) || (!left && !right)) return null;
      switch (n.op) {
        // 1 + exp(Aᵢⱼ): the number in every entry
        case "+": case "-": return { ...n, left: left ?? filled(n.left), right: right ?? filled(n.right) };
        case "*": return left && right ? { type: "binary", op: "hadamard", left, right, span: n.span } : { ...n, left: left ?? n.left, right: right ?? n.right };
        case "/": return right ? { type: "binary", op: "hdivide", left: left ?? filled(n.left), right, span: n.span } : { ...n, left: left! };
        case "hadamard": case "hdivide": return left && right ? { ...n, left, right } : null;
        default: return null;
      }
    }
    default: return null;
  }
}

function rowOrMatrix(n: Node): boolean {
  if (n.type === "postfix") return n.op === "T" || n.op === "invT" || rowOrMatrix(n.arg);
  if (n.type === "ident") return /^[A-Z]/.test(n.name) || GREEK.get(n.name.split("_")[0]!)?.upper === true;
  if (n.type === "binary" && n.op === "*") return rowOrMatrix(n.right) || rowOrMatrix(n.left);
  return false;
}

/** Factors of a product chain (juxtaposition, *), in order. */
function flatten(n: Node): Node[] {
  return n.type === "binary" && n.op === "*" && !n.dot ? [...flatten(n.left), ...flatten(n.right)] : [n];
}

/** xᵀ as it is written: (XWᵀ)ᵀ is WXᵀ, a transpose's transpose what it transposed; anything else transposed as a whole. */
function transposed(x: Node): Node {
  if (x.type === "postfix" && x.op === "T") return x.arg;
  if (x.type === "binary" && (x.op === "+" || x.op === "-")) return { ...x, left: transposed(x.left), right: transposed(x.right) };
  const factors = flatten(x);
  if (factors.length > 1 && factors.every((f) => f.type === "ident" || f.type === "ones" || f.type === "number" || (f.type === "postfix" && f.op === "T"))) {
    return chain(factors.reverse().map((f) => (f.type === "number" ? f : transposed(f))));
  }
  return { type: "postfix", op: "T", arg: x, span: x.span };
}

function chain(factors: readonly Node[]): Node {
  return factors.reduce((a, b): Node => ({ type: "binary", op: "*", left: a, right: b, span: span(Math.min(a.span.start, b.span.start), Math.max(a.span.end, b.span.end)), implicit: true }));
}

function dependsOn(n: Node, indexed: (n: Node) => string | null): boolean {
  return nodesInOrder(n).some((m) => indexed(m) !== null);
}

/**
 * Σₙ tₙ log yₙ + (1 − tₙ) log(1 − yₙ): the sum takes the product after it, but a term after it written with its
 * index can only be part of it (Bishop's braces, left out), so the sum extends over it, with a note. A term
 * without the index (− λ‖w‖²) stays outside. Was refused; read as a scalar of its own it would be a wrong answer.
 */
function extendSums(root: Node, input: string, notes: string[]): Node {
  /** `left op right` with right taken into the sum that ends left (Σ…, −Σ…, a − Σ…), or null when none does. */
  const join = (left: Node, op: "+" | "-", right: Node): Node | null => {
    const end = span(left.span.start, right.span.end);
    // a − Σ… + b: the sum is the chain's last operand, its sign the whole sum's
    if (left.type === "binary" && (left.op === "+" || left.op === "-")) {
      const tail = join(left.right, op, right);
      return tail && { ...left, right: tail, span: end };
    }
    // −Σ…: the minus is the whole sum's, as in the cross-entropy −Σₙ tₙ log yₙ + (1 − tₙ) log(1 − yₙ)
    if (left.type === "neg") {
      const inner = join(left.arg, op, right);
      return inner && { ...left, arg: inner, span: end };
    }
    if (left.type !== "call" || left.index === undefined || left.except !== undefined || left.args.length !== 1) return null;
    const index = left.index;
    if (!writesFreeIndex(right, index)) return null;
    const body = left.args[0]!;
    const said = input.slice(left.nameSpan.start, left.nameSpan.end);
    if (!notes.some((t) => t.startsWith(said))) notes.push(`${said} is read over the terms after it written with its index ${index}, as if they were in its brackets`);
    return { ...left, args: [{ type: "binary", op, left: body, right, span: span(body.span.start, right.span.end) }], span: end };
  };
  const walk = (n: Node): Node => {
    const m = mapChildren(n, walk);
    if (m.type !== "binary" || (m.op !== "+" && m.op !== "-")) return m;
    return join(m.left, m.op, m.right) ?? m;
  };
  return walk(root);
}

/** Whether n writes the index free: xᵢ, (Wx)ᵢ, not bound by a sum of its own over the index (½ Σᵢ Σⱼ αᵢαⱼ…). */
function writesFreeIndex(n: Node, index: string): boolean {
  if (n.type === "call" && n.index === index) return false;
  if (n.type === "ident") return n.name.endsWith(`_${index}`) && n.name.length > index.length + 1;
  if (n.type === "entry" && n.index === index) return true;
  return childrenOf(n).some((c) => writesFreeIndex(c, index));
}

/**
 * x^{(i)}, y^{(i)} beside a sum over i, the machine-learning course's samples, are x_i and y_i: read as the sum
 * reads those, over the terms after it too (a name x_i of its own in the input keeps x^{(i)} a name). One note says so.
 */
function superscriptSamples(root: Node, notes: string[]): Node {
  const labelled = (name: string, index: string) => name.endsWith(`^(${index})`) && !/[_^]/.test(name.slice(0, -index.length - 3));
  const all = nodesInOrder(root);
  const indices = [...new Set(all.flatMap((n) => (n.type === "call" && n.index !== undefined ? [n.index] : [])))];
  if (!indices.length || !all.some((m) => m.type === "ident" && indices.some((i) => labelled(m.name, i) || (m.of !== undefined && labelled(m.of.name, i))))) return root;
  const names = new Set(all.flatMap((n) => (n.type === "ident" ? [n.name] : [])));
  const read: string[] = [];
  const sampleOf = (name: string, index: string): string | null => {
    if (!labelled(name, index)) return null;
    const sample = `${name.slice(0, -index.length - 3)}_${index}`;
    if (names.has(sample)) return null;
    if (!read.includes(name)) read.push(name);
    return sample;
  };
  const rename = (n: Node, index: string): Node => {
    if (n.type === "ident") {
      const sample = sampleOf(n.name, index);
      // h_θ(x^{(i)}): a function of the sample, as h_θ(x_i) is
      const of = n.of ? sampleOf(n.of.name, index) : null;
      return sample || of ? { ...n, ...(sample ? { name: sample } : {}), ...(of ? { of: { ...n.of!, name: of } } : {}) } : n;
    }
    return mapChildren(n, (c) => rename(c, index));
  };
  const out = indices.reduce((tree, index) => rename(tree, index), root);
  if (read.length) {
    const shown = (name: string) => name.replace(/\^\((.)\)$/, "^{($1)}");
    notes.push(`${read.map(shown).join(", ")} ${read.length === 1 ? "is" : "are"} read as the sample${read.length === 1 ? "" : "s"} ${read.map((r) => r.replace(/\^\((.)\)$/, "_$1")).join(", ")} of the sum over ${read[0]!.slice(-2, -1)}`);
  }
  return out;
}

/**
 * μᵢ = e^{xᵢᵀβ} after −Σᵢ (yᵢ log μᵢ − μᵢ): an indexed name's definition put in place of each of its uses, its index
 * the use's (μⱼ takes xⱼ), before the sums are read; so the sum reads exp(Xβ) where μ stood.
 */
export function substituteIndexed(root: Node, defs: readonly { readonly base: string; readonly index: string; readonly node: Node }[]): Node {
  if (defs.length === 0) return root;
  const reindexed = (n: Node, from: string, to: string): Node => (n.type === "ident" && n.name.endsWith(`_${from}`)
    ? { ...n, name: `${n.name.slice(0, -from.length)}${to}` }
    : mapChildren(n, (m) => reindexed(m, from, to)));
  const walk = (n: Node): Node => {
    if (n.type === "ident") {
      const m = /^(.+)_([A-Za-z])$/.exec(n.name);
      const def = m ? defs.find((d) => d.base === m[1]) : undefined;
      if (def) return walk(reindexed(def.node, def.index, m![2]!));
    }
    return mapChildren(n, walk);
  };
  return walk(root);
}

function mapChildren(n: Node, f: (n: Node) => Node): Node {
  switch (n.type) {
    case "binary": return { ...n, left: f(n.left), right: f(n.right) };
    case "inner": return { ...n, left: f(n.left), right: f(n.right) };
    case "neg": case "postfix": case "norm": case "bars": case "entry": return { ...n, arg: f(n.arg) } as Node;
    case "call": return { ...n, args: n.args.map(f) };
    default: return n;
  }
}

/**
 * The names the expression uses, which a sum's rows may not take for their matrix (wₖ as the rows of a W written
 * beside them could as well be its columns); not a name used only in Frobenius norms, which are the same of rows
 * and of columns: the regulariser λ(‖U‖_F² + ‖V‖_F²) of Σᵢⱼ (Yᵢⱼ − uᵢᵀvⱼ)².
 */
function namesIn(root: Node): Set<string> {
  const nodes = nodesInOrder(root);
  const inNorms = new Set(nodes.flatMap((n) => (n.type === "norm" && n.kind === "F" && n.arg.type === "ident" ? [n.arg] : [])));
  const elsewhere = new Set(nodes.flatMap((n) => (n.type === "ident" && !inNorms.has(n) ? [n.name] : [])));
  return elsewhere;
}
