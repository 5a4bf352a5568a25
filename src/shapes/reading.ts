/**
 * Which reading of the undeclared symbols the user meant (DESIGN.md §2).
 *
 * Every undeclared symbol's shape is a variable: its sizes are unified by the
 * elaborator over the whole expression (x − μ gives μ the shape of x, uᵀMv
 * sizes u and v by M), and its rank — scalar, vector or matrix — is a
 * finite-domain variable. Hard evidence narrows that domain before anything
 * is tried: a transposed symbol is not a scalar, a bold lowercase letter is a
 * vector, an uppercase letter is a matrix unless it divides (the N of 1/N). The letter conventions are soft.
 * Among the readings the unifier accepts, the best one
 *   1. makes the result a gradient when one can be (f scalar, the variable not):
 *      asked for ∇_w, `c wᵀw` and `−y log σ(wᵀx)` mean c and y scalars;
 *   2. then gives an estimate the shape of what it estimates: ŷ, θ̂ as y, θ (the binary
 *      cross-entropy y log ŷ + (1 − y) log(1 − ŷ) is of two scalars, not of a scalar y and a vector ŷ);
 *   3. then departs from the conventions for the fewest symbols;
 *   4. then, of equally many, reads Greek letters as vectors rather than Latin
 *      letters as scalars: θ, β, μ, φ are vectors in ML and statistics as often
 *      as scalars, while x, w, b are nearly always vectors.
 * Two accepted readings of the same cost are a tie that a note names. Every
 * departure is reported with its evidence and the `--let` line that states the
 * reading used.
 */
import { childrenOf, nodesInOrder, type Node } from "../syntax/ast.js";
import { MatdiffError } from "../errors.js";
import type { Rank } from "./declarations.js";
import { conventionalRank, CROSS_PRODUCT, elaborate, isUpperName, type ElaborateOptions, type Elaborated, type SourceText } from "./elaborate.js";
import { nameInput } from "../syntax/names.js";

export interface ReadOptions extends ElaborateOptions {
  /** The variable: readings that make the result its gradient come first. */
  readonly wrt: string;
  /** How a canonical name is shown in a note (θ for theta). */
  readonly display: (name: string) => string;
  /** A Hessian is asked for: f must be a scalar, so a reading with a scalar f beats one without, even with x a scalar. */
  readonly hessian?: boolean;
  /** Wall-clock deadline (ms since the epoch) for trying readings. */
  readonly deadline?: number;
}

export interface Reading {
  readonly elaborated: Elaborated;
  /** One note per departure from the conventions, and one for a tie. */
  readonly notes: readonly string[];
}

/** The hat of an estimate, ŷ = y + U+0302 (src/syntax/names.ts). */
const HAT = /\u0302/g;

/** Elaborations tried at most, scaled down for long inputs so reading never dominates the time budget. */
const WORK = 200_000;
const MAX_READINGS = 512;

interface Unknown {
  readonly name: string;
  readonly conventional: Rank;
  /** The rank hard evidence forces, with the evidence in words. */
  readonly forced?: { readonly rank: Rank; readonly because: string };
  /** As written (b, \beta), and the sum it is first a term of, as written (w^T x_i + b): asked of a note only. */
  readonly written?: () => string;
  readonly addedIn?: () => string;
}

type Attempt =
  | { readonly ok: true; readonly el: Elaborated; readonly gradient: boolean; readonly scalarF: boolean; readonly scalarX: boolean }
  | { readonly ok: false; readonly error: MatdiffError };

export function readShapes(root: Node, source: SourceText, opts: ReadOptions): Reading {
  const unknowns = undeclaredSymbols(root, source, opts);
  const forced = new Map(unknowns.flatMap((u) => (u.forced ? [[u.name, u.forced.rank] as const] : [])));
  /**
   * A symbol written as a function of a parameter, L(θ), Z(θ), p(θ): the value the question is about, a
   * likelihood or a normaliser, which is a scalar unless the expression says otherwise (uᵀA(θ)v); log L(θ)
   * read as the entrywise log of a matrix answered a question nobody asks.
   */
  const written = (name: string) => opts.dependencies?.has(name) === true;
  const free = unknowns.filter((u) => !u.forced && (u.conventional !== "matrix" || written(u.name)));
  /** Capital letters read as scalars (C in wᵀw/2 + C·sum(…), K, L): only when no other reading gives a gradient. */
  // Aᵏ by a symbol k is a matrix power nobody can compute in closed form, not a capital that is a number
  const capitals = unknowns.filter((u) => !u.forced && u.conventional === "matrix" && !written(u.name));
  const writesFunctions = unknowns.some((u) => written(u.name));
  const departing = [...free, ...capitals];
  const other = (r: Rank): Rank => (r === "scalar" ? "vector" : "scalar");
  /**
   * The ranks a symbol may depart to: the other of scalar and vector, and for a capital, a scalar; but a
   * capital written as a function is a scalar or a vector, as the structure says: the log-partition A(θ) of
   * θᵀT(x) − A(θ) is a scalar, the sufficient statistic T(x) a vector.
   */
  const alternatives = (u: Unknown): readonly Rank[] => (u.conventional === "matrix" && written(u.name) ? ["scalar", "vector"] : [other(u.conventional)]);
  /**
   * In the last resort a capital may be a scalar, and a factor of ⊙ a vector too (the labels Y of 𝟏ᵀexp(−Y ⊙ (Xw)),
   * which ⊙ matches entry by entry with the vector Xw); nowhere else: ⟨A, x⟩ or 1/(1 + exp(−A)) with A a vector
   * would only hide the mismatch the input has.
   */
  let hadamardFactors: ReadonlySet<string> | undefined;
  const factorOfHadamard = (name: string) => (hadamardFactors ??= new Set(nodesInOrder(root).flatMap((n) => {
    if (n.type !== "binary" || n.op !== "hadamard") return [];
    const bare = (x: Node): Node => (x.type === "neg" ? bare(x.arg) : x);
    return [bare(n.left), bare(n.right)].flatMap((x) => (x.type === "ident" ? [x.name] : []));
  }))).has(name);
  const capitalAlternatives = (u: Unknown): readonly Rank[] => (u.conventional === "matrix" && !written(u.name) && factorOfHadamard(u.name) ? ["scalar", "vector"] : alternatives(u));
  const unknownNamed = new Map(unknowns.map((u) => [u.name, u]));
  /** ŷ beside y, θ̂_i beside θ_i: an estimate and what it estimates, which have one shape. */
  const estimates = unknowns.flatMap((u) => {
    const estimated = u.name.replace(HAT, "");
    return estimated !== u.name && unknownNamed.has(estimated) ? [[u.name, estimated] as const] : [];
  });
  const rankIn = (departed: ReadonlyMap<string, Rank>, name: string) => departed.get(name) ?? forced.get(name) ?? unknownNamed.get(name)?.conventional;
  const unlikeEstimates = (departed: ReadonlyMap<string, Rank>) => estimates.filter(([hat, plain]) => rankIn(departed, hat) !== rankIn(departed, plain)).length;

  /** The first reading refused for what it makes of the input (e^{tA} of a scalar t, the matrix exponential). */
  let unsupported: MatdiffError | undefined;
  const attempt = (departed: ReadonlyMap<string, Rank>): Attempt => {
    const ranks = new Map(forced);
    for (const u of departing) ranks.set(u.name, departed.get(u.name) ?? u.conventional);
    try {
      const el = elaborate(root, source, opts, ranks);
      const f = el.expr.shape;
      const x = el.symbols.get(opts.wrt)?.shape;
      const scalarF = f.rows === 1 && f.cols === 1;
      const scalarX = x !== undefined && x.rows === 1 && x.cols === 1;
      const gradient = scalarF && x !== undefined && !scalarX;
      return { ok: true, el, gradient, scalarF, scalarX };
    } catch (err) {
      // a reading that makes part of the input unsupported (e^{A} of a matrix) is not the one meant either
      if (err instanceof MatdiffError && (err.code === "shape" || err.code === "unsupported")) {
        if (err.code === "unsupported" && departed.size > 0) unsupported ??= err;
        return { ok: false, error: err };
      }
      throw err;
    }
  };

  const conventional = attempt(new Map());
  if (conventional.ok && conventional.gradient) return finish(conventional.el, new Map(), []);
  // a symbol that must be a square matrix is none of the readings tried here: its hint to declare it says more
  if (!conventional.ok && conventional.error.hint?.startsWith("declare it")) throw conventional.error;
  // a × b of two vectors: a cross product, not a number times a vector
  if (!conventional.ok && conventional.error.message.includes(CROSS_PRODUCT)) throw conventional.error;

  const nodes = nodesInOrder(root).length + (opts.definitions ?? []).reduce((k, d) => k + nodesInOrder(d.node).length, 0);
  let budget = Math.max(8, Math.min(MAX_READINGS, Math.floor(WORK / Math.max(1, nodes))));
  // NumPy's 1 / v of a vector is a reading of last resort before a departure: 1/x by x means a scalar x, unless
  // only the vector gives a gradient (sum(1/(1 + exp(−x))))
  // γ ⊙ (x − μ)/σ + β: a ⊙ with a number on a side says nothing a product would not, so a reading that makes an
  // operand a number (γ the scalar its letter suggests, or x one beside a scalar μ) is not what the ⊙ was written for
  type Cost = readonly [notGradient: number, reciprocals: number, scalarHadamards: number, unlikeEstimates: number, departures: number, latinAsScalar: number];
  const costOf = (departed: ReadonlyMap<string, Rank>, a: { gradient: boolean; scalarF: boolean }, el: Elaborated): Cost => {
    const greek = [...departed.keys()].filter((name) => unknownNamed.get(name)!.conventional === "scalar").length;
    // σ(t) asked for its second derivative: t a scalar (d²f/dt²) over the vector whose f has no Hessian
    // and where a function of a parameter is written (log L(θ) by a scalar θ), a scalar f over the matrix its letter suggests
    const notGradient = a.gradient ? 0 : a.scalarF && (opts.hessian || writesFunctions) ? 1 : 2;
    return [notGradient, el.entrywiseReciprocals, el.scalarHadamards, unlikeEstimates(departed), departed.size, departed.size - greek];
  };
  const compare = (a: Cost, b: Cost) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3] || a[4] - b[4] || a[5] - b[5];
  let best: { el: Elaborated; departed: ReadonlyMap<string, Rank>; cost: Cost } | null = conventional.ok ? { el: conventional.el, departed: new Map(), cost: costOf(new Map(), conventional, conventional.el) } : null;
  const ties: ReadonlyMap<string, Rank>[] = [];
  /**
   * A reading in which the variable is a scalar has no gradient, so the best it can cost is known before it is
   * elaborated: where that already loses to the best so far (Ax by x: x read as a scalar), it is not tried.
   * A fifth of the corpus is Jacobians and derivatives by scalars, whose every reading was elaborated.
   */
  const cannotWin = (departed: ReadonlyMap<string, Rank>) =>
    best !== null && rankIn(departed, opts.wrt) === "scalar" && compare([opts.hessian || writesFunctions ? 1 : 2, 0, 0, unlikeEstimates(departed), departed.size, 0], best.cost) > 0;
  for (let size = 1; size <= free.length && budget > 0; size++) {
    // a larger reading departs more: once a gradient is found, none can beat it
    if (best && best.cost[0] === 0 && best.cost[1] === 0 && best.cost[2] === 0 && best.cost[3] === 0) break;
    for (const departed of departures(free, size)) {
      if (cannotWin(departed)) continue;
      if (--budget < 0 || (opts.deadline !== undefined && Date.now() > opts.deadline)) { budget = 0; break; }
      const a = attempt(departed);
      if (!a.ok) continue;
      const cost = costOf(departed, a, a.el);
      const order = best === null ? -1 : compare(cost, best.cost);
      if (order < 0) { best = { el: a.el, departed, cost }; ties.length = 0; }
      else if (order === 0) ties.push(departed);
    }
  }
  // the last resort, capitals as scalars (the C of wᵀw/2 + C·sum(…), a constant K) or vectors (the labels Y of
  // 𝟏ᵀexp(−Y ⊙ (Xw))): only where the sizes of the convention clash — tr(X) A keeps its matrix A, e^{A} is refused
  // for what it is — and no reading of the small letters gives a gradient (w a number made that f a row of
  // numbers), and only for a gradient (not where a reading was refused for what it is: e^{tA} with A a number
  // is not what x^T e^{tA} x means)
  const clash = (best === null || best.cost[0] > 0) && !conventional.ok && conventional.error.code === "shape" && unsupported === undefined;
  const anyFits = best !== null;
  let powered: ReadonlySet<string> | undefined;
  const poweredBySymbol = (name: string) => (powered ??= new Set(nodesInOrder(root).flatMap((n) => (n.type === "binary" && n.scalarPower && n.left.type === "ident" ? [n.left.name] : [])))).has(name);
  for (let size = 1; clash && size <= departing.length && budget > 0 && capitals.length > 0; size++) {
    if (best !== null && best.cost[0] === 0) break;
    for (const departed of departures(departing, size, capitalAlternatives)) {
      const names = [...departed.keys()];
      if (!names.some((name) => capitals.some((u) => u.name === name))) continue;
      // Aᵏ by a symbol k is a matrix power with no closed form, not a capital that is a number
      if (names.some(poweredBySymbol)) continue;
      if (--budget < 0 || (opts.deadline !== undefined && Date.now() > opts.deadline)) { budget = 0; break; }
      const a = attempt(departed);
      // a gradient; or a scalar f by a scalar: by a letter that is one by convention (d/dσ² of −n log σ² − S/σ²), or
      // in a function of vectors, the SVM's ‖w‖² + C Σᵢ max(0, 1 − yᵢ(wᵀxᵢ + b)) by its bias b; not where every symbol
      // would be a number, which (Ax − b)² by x and tr(1/(XᵀX)) by X are only by taking their matrices for numbers
      const byScalar = a.ok && a.scalarF && a.scalarX
        && ((conventionalRank(opts.wrt) === "scalar" && !departed.has(opts.wrt)) || [...a.el.symbols.values()].some((s) => s.shape.rows !== 1 || s.shape.cols !== 1));
      if (!a.ok || !(a.gradient || (byScalar && !anyFits))) continue;
      const cost = costOf(departed, a, a.el);
      const order = best === null ? -1 : compare(cost, best.cost);
      if (order < 0) { best = { el: a.el, departed, cost }; ties.length = 0; }
      else if (order === 0) ties.push(departed);
    }
  }
  // no reading fits: the conventional one's error says where (best is only null when that one failed too)
  // where the sizes of the convention clash and another reading is refused for what it is (e^{tA}: t a vector
  // clashes, a scalar t makes it the matrix exponential), that refusal says what stands in the way
  if (best === null) {
    const error = (conventional as Extract<Attempt, { ok: false }>).error;
    throw error.code === "shape" && unsupported ? unsupported : error;
  }
  return finish(best.el, best.departed, ties);

  /** Each way `size` of the unknowns depart from their conventions together, each to each of its alternatives. */
  function* departures(from: readonly Unknown[], size: number, alternativesOf: (u: Unknown) => readonly Rank[] = alternatives): Generator<ReadonlyMap<string, Rank>> {
    for (const chosen of combinations(from, size)) {
      // every choice of alternative for each chosen symbol, the first symbol's changing slowest (an odometer:
      // generators nested per symbol were 3% of a request that reaches this loop only to skip what it yields)
      const options = chosen.map(alternativesOf);
      const at = new Array<number>(chosen.length).fill(0);
      for (let k = chosen.length - 1; k >= 0;) {
        const departed = new Map<string, Rank>();
        for (let i = 0; i < chosen.length; i++) departed.set(chosen[i]!.name, options[i]![at[i]!]!);
        yield departed;
        for (k = chosen.length - 1; k >= 0 && ++at[k]! === options[k]!.length; k--) at[k] = 0;
      }
    }
  }

  function finish(el: Elaborated, chosen: ReadonlyMap<string, Rank>, tied: readonly ReadonlyMap<string, Rank>[]): Reading {
    const notes: string[] = [];
    for (const u of unknowns) {
      const rank = u.forced?.rank ?? chosen.get(u.name) ?? u.conventional;
      if (rank === u.conventional) continue;
      const because = u.forced?.because ?? evidence(u, chosen, el);
      notes.push(`${opts.display(u.name)} is read as a ${rank}, though its letter suggests a ${u.conventional}: ${because}; --let "${nameInput(u.name)}: ${rank}" states this reading`);
    }
    if (tied.length > 0) {
      const pick = (reading: ReadonlyMap<string, Rank>) => [...reading].map(([n, rank]) => `--let "${nameInput(n)}: ${rank}"`).join(" ");
      notes.push(`other readings fit equally well: this one is ${pick(chosen)}, another ${tied.map(pick).join(", or ")}; declare the shapes you mean`);
    }
    return { elaborated: el, notes: [...notes, ...el.notes] };
  }

  /** Why u departs: what goes wrong when it alone is read by its letter. */
  function evidence(u: Unknown, chosen: ReadonlyMap<string, Rank>, read: Elaborated): string {
    const without = new Map(chosen);
    without.delete(u.name);
    const a = attempt(without);
    if (!a.ok) {
      const message = a.error.message.replace(/,? at \d+:\d+/g, "");
      // a mismatch placed at the symbol itself is met in a form matdiff wrote (a sum over samples as vectors, the b
      // of wᵀxᵢ + b broadcast to every sample): its shapes are that form's, so the sum as written says it instead
      const at = /^dimension mismatch in (.*?): /.exec(message)?.[1];
      if (at !== undefined && u.addedIn && at === u.written?.()) return `as a ${u.conventional} it does not fit as a term of ${u.addedIn().replace(/^\((.*)\)$/s, (whole, inner: string) => (balanced(inner) ? inner : whole))}`;
      return `as a ${u.conventional} it does not fit (${message})`;
    }
    // it would fit, but not beside its estimate or what it estimates
    const partner = estimates.find(([hat, plain]) => (hat === u.name || plain === u.name) && rankIn(without, hat) !== rankIn(without, plain));
    if (partner) {
      const other = partner[0] === u.name ? partner[1] : partner[0];
      return `${opts.display(partner[0])} estimates ${opts.display(partner[1])}, so the two have one shape, and ${opts.display(other)} is a ${rankIn(chosen, other)} here`;
    }
    // γ ⊙ (x − μ): it fits as a number, but a ⊙ beside a number is no Hadamard product
    if (a.el.scalarHadamards > read.scalarHadamards) return `it is a factor of ⊙, which multiplies arrays entry by entry (a number beside ⊙ would be a plain product)`;
    const f = a.el.expr.shape;
    if (!(f.rows === 1 && f.cols === 1)) return `as a ${u.conventional}, f would be ${f.rows}×${f.cols}, not the scalar a ${opts.hessian ? "second derivative" : "gradient"} needs`;
    return `as a ${u.conventional}, f would have no gradient with respect to ${opts.display(opts.wrt)}`;
  }
}

/** Undeclared, undefined symbols (not I) in order of appearance, with the evidence the tree gives about each. */
function undeclaredSymbols(root: Node, source: SourceText, opts: ElaborateOptions): Unknown[] {
  const declared = new Set((opts.declarations ?? []).map((d) => d.name));
  const defined = new Set((opts.definitions ?? []).map((d) => d.name));
  // a letter that names a declared size (the N of \sum_{i=1}^{N}, of X: N×p) is that size, not a symbol to read
  const sizes = new Set((opts.declarations ?? []).flatMap((d) => [d.rows, d.cols]).filter((d): d is string => typeof d === "string"));
  const found = new Map<string, { bold?: string; transposed?: string; besideSamples?: string; divisor?: string; entries?: string; written?: () => string; addedIn?: () => string }>();
  const texts: [Node, SourceText][] = [[root, source], ...(opts.definitions ?? []).map((d): [Node, SourceText] => [d.node, d.source])];
  for (const [top, src] of texts) {
    // what a note quotes as evidence: the text, or where it is long its start (a note does not reprint the input)
    const snippet = (n: Node) => {
      const text = src.text.slice(n.span.start + src.offset, n.span.end + src.offset).replace(/\s+/g, " ");
      return text.length <= 80 ? text : `${text.slice(0, 40)}…`;
    };
    // one walk in source order (parents before children, as nodesInOrder), each node with what it stands in:
    // the whole product it is a factor of (μᵀΣ⁻¹μ for the μᵀ in it) and the division whose divisor it is a
    // factor of (the N of 1/(2N)); a map from node to parent, walked up for each, cost a tenth of a reading
    const stack: Node[] = [top], products: Node[] = [top], divisions: (Node | undefined)[] = [undefined], sums: (Node | undefined)[] = [undefined];
    while (stack.length) {
      const n = stack.pop()!, product = products.pop()!, division = divisions.pop(), sum = sums.pop();
      const children = childrenOf(n);
      const factors = n.type === "binary" && n.op === "*";
      const terms = n.type === "binary" && (n.op === "+" || n.op === "-");
      for (let i = children.length - 1; i >= 0; i--) {
        const c = children[i]!;
        stack.push(c);
        products.push(factors ? product : c);
        divisions.push(n.type === "binary" && n.op === "/" && n.right === c ? n : factors || n.type === "neg" ? division : undefined);
        // the sum a symbol is a term of, or a factor of a term of (b in wᵀxᵢ + b, which a sum over samples writes b𝟏)
        sums.push(terms ? n : n.type === "neg" || factors ? sum : undefined);
      }
      const ident = n.type === "ident" ? n : n.type === "postfix" && (n.op === "T" || n.op === "invT") && n.arg.type === "ident" ? n.arg : null;
      if (!ident || ident.name === "I" || declared.has(ident.name) || defined.has(ident.name) || sizes.has(ident.name)) continue;
      const seen = found.get(ident.name) ?? {};
      // the text only where a note quotes it: cut out for every symbol of every request, it was a tenth of a warm one
      if (n.type === "ident") seen.written ??= () => snippet(n);
      if (n.type === "ident" && sum) seen.addedIn ??= () => snippet(sum);
      if (n.type === "ident" && n.bold) seen.bold ??= snippet(n);
      if (n.type === "ident" && n.entriesOver !== undefined) seen.entries ??= snippet(n);
      if (n.type === "postfix" && n.besideSamples) seen.besideSamples ??= snippet(n);
      else if (n.type === "postfix") seen.transposed ??= snippet(product);
      // only a scalar divides: the N of 1/N or 1/(2N) is a count, whatever its letter's convention; but the A of
      // xᵀx/(xᵀAx) is the matrix of a quadratic form, a scalar as a whole (a transpose in the divisor says so)
      if (n.type === "ident" && division && !hasTranspose(division.type === "binary" ? division.right : division)) seen.divisor ??= snippet(division);
      found.set(ident.name, seen);
    }
  }
  const unknowns = [...found].map(([name, seen]): Unknown => {
    const u = unknown(name, seen);
    // one shape for every Unknown (the readings loop reads them all): the quoting thunks set, not spread in
    return { name: u.name, conventional: u.conventional, forced: u.forced, written: seen.written, addedIn: seen.addedIn };
  });
  function unknown(name: string, seen: typeof found extends Map<string, infer V> ? V : never): Unknown {
    const conventional = conventionalRank(name);
    if (isUpperName(name)) {
      // a matrix never divides (a vector may, elementwise), so a capital letter there is a count such as N
      if (seen.divisor && !seen.transposed) return { name, conventional, forced: { rank: "scalar", because: `it is a divisor in ${seen.divisor}` } };
      return { name, conventional };
    }
    if (seen.bold) return { name, conventional, forced: { rank: "vector", because: `it is written ${/^\\(?:vec|underline|overrightarrow)\b/.test(seen.bold) ? "as a vector" : "in bold"}, ${seen.bold}` } };
    if (seen.entries) return { name, conventional, forced: { rank: "vector", because: `its entries ${seen.entries} are summed over the index` } };
    if (seen.transposed) return { name, conventional, forced: { rank: "vector", because: `it is transposed in ${seen.transposed}` } };
    if (seen.besideSamples) return { name, conventional, forced: { rank: "vector", because: `it is combined with the sample vectors in ${seen.besideSamples}` } };
    return { name, conventional };
  }
  // a --wrt that does not occur has nothing to read it by: its letter decides, and the derivative is 0
  for (const name of opts.extraSymbols ?? []) {
    if (name !== "I" && !declared.has(name) && !defined.has(name) && !found.has(name)) {
      unknowns.push({ name, conventional: conventionalRank(name), forced: { rank: conventionalRank(name), because: "" } });
    }
  }
  return unknowns;
}

/** Do the round brackets of s pair up: (a)(b) is not one bracketed a)(b. */
function balanced(s: string): boolean {
  let depth = 0;
  for (const c of s) if ((depth += c === "(" ? 1 : c === ")" ? -1 : 0) < 0) return false;
  return depth === 0;
}

/** A transpose anywhere in n (`xᵀAx`, `x'Ax`, `uᵀ(A + B)v`): a product that can be a scalar with matrices in it. */
function hasTranspose(n: Node): boolean {
  return nodesInOrder(n).some((m) => m.type === "postfix" && (m.op === "T" || m.op === "invT"));
}

/** The k-element subsets of items, in lexicographic order of position (earlier symbols depart first). */
function* combinations<T>(items: readonly T[], k: number): Generator<T[]> {
  const n = items.length;
  if (k > n) return;
  // indices in increasing order, the last moving fastest: the order the recursive form had
  const at = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield at.map((i) => items[i]!);
    let i = k - 1;
    while (i >= 0 && at[i] === n - k + i) i--;
    if (i < 0) return;
    at[i]!++;
    for (let j = i + 1; j < k; j++) at[j] = at[j - 1]! + 1;
  }
}
