/**
 * fast-check arbitraries of random *well-shaped* matdiff problems, as the
 * user would type them: an input string, its `--let` declarations, maybe a
 * `--where` definition, the variable and the options. Strings (not core
 * expressions) so that the lexer, the parser, shape inference and the
 * printers are exercised end to end.
 *
 * The grammar is typed by shape. Every symbol is declared with symbolic sizes
 * n and m, so a term of kind
 *
 *   s   1×1      N   n×n      V   n×1      R   1×n
 *   M   m×n      Mt  n×m      U   m×1      Ut  1×m
 *   KV  n²×1     KN  n²×n²    (vec and Kronecker products)
 *
 * fits wherever that kind is asked for, and shapes never clash. Four more
 * non-terminals keep the numeric checks inside their domain (DESIGN §4,
 * "inputs sampled so inverses and logs are defined"):
 *
 *   pos(k)  entrywise positive: a symbol (the sampler gives symbols under log,
 *           sqrt and fractional powers positive entries), exp(·), σ(·), 𝟏 + (·).^2
 *   exp     takes only bounded arguments (symbols, sin/cos/tanh/σ of anything),
 *           so that values stay where floating point can check them
 *   wc      a square, well-conditioned matrix with det > 0 (sampled square
 *           symbols have det > 0 and κ₁ ≤ 200): symbols, their transposes,
 *           inverses and products, MᵀM + I, I + vvᵀ, Σ + αI; the argument of
 *           every inverse, negative power and log det
 *   posS    a positive scalar: a Greek scalar (sampled in [0.5, 2]), exp(·),
 *           1 + (·)², ‖v‖, det(wc); the denominator of every division and the
 *           base of every fractional or negative scalar power
 *
 * Spellings are drawn too (A^T, A^\top, A', Aᵀ; A^{-1}, inv(A), A⁻¹;
 * \operatorname{tr}, \mathrm{tr}; ⊙, .*, \odot; …), and every term carries
 * its precedence so that brackets appear exactly where the grammar needs them.
 */
import fc from "fast-check";
import { OPERATIONS, type FnName } from "../../src/core/operations.js";

// ---------------------------------------------------------------------------
// Problems

export interface Problem {
  readonly expr: string;
  readonly wrt: string;
  readonly let: readonly string[];
  readonly where: readonly string[];
  readonly hessian: boolean;
  readonly symmetric?: "sym" | "cookbook";
  /** The shape kind of the function: "s" for a scalar f (gradient, derivative, Hessian). */
  readonly kind: Kind;
}

/** The problem as a command line, to reproduce a counterexample by hand. */
export function commandLine(p: Problem): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    "matdiff", q(p.expr), "--wrt", q(p.wrt),
    ...p.let.flatMap((l) => ["--let", q(l)]), ...p.where.flatMap((w) => ["--where", q(w)]),
    ...(p.hessian ? ["--hessian"] : []), ...(p.symmetric ? ["--symmetric", p.symmetric] : []),
  ].join(" ");
}

// ---------------------------------------------------------------------------
// Symbols

export type Kind = "s" | "N" | "V" | "R" | "M" | "Mt" | "U" | "Ut" | "KV" | "KN";

interface SymbolSpec {
  /** Canonical name (as --wrt and --let take it). */
  readonly name: string;
  /** Ways to write it in the expression. */
  readonly spellings: readonly string[];
  /** The --let SPEC. */
  readonly spec: string;
  readonly kind: "s" | "N" | "V" | "M" | "U";
  readonly symmetric?: boolean;
}

const SYMBOLS: readonly SymbolSpec[] = [
  { name: "alpha", spellings: ["alpha", "\\alpha", "α"], spec: "scalar", kind: "s" },
  { name: "beta", spellings: ["beta", "\\beta", "β"], spec: "scalar", kind: "s" },
  { name: "t", spellings: ["t"], spec: "scalar", kind: "s" },
  { name: "A", spellings: ["A", "\\mathbf{A}"], spec: "n x n", kind: "N" },
  { name: "B", spellings: ["B"], spec: "matrix n x n", kind: "N" },
  { name: "W_1", spellings: ["W_1", "W_{1}", "\\mathbf{W}_1", "W₁"], spec: "n x n", kind: "N" },
  { name: "S", spellings: ["S"], spec: "symmetric n x n", kind: "N", symmetric: true },
  { name: "Sigma", spellings: ["Sigma", "\\Sigma", "Σ", "\\boldsymbol{\\Sigma}"], spec: "posdef n x n", kind: "N", symmetric: true },
  { name: "D", spellings: ["D"], spec: "diagonal n x n", kind: "N", symmetric: true },
  { name: "x", spellings: ["x", "\\mathbf{x}", "\\bm{x}"], spec: "n", kind: "V" },
  { name: "y", spellings: ["y"], spec: "vector n", kind: "V" },
  { name: "theta", spellings: ["theta", "\\theta", "θ", "\\boldsymbol{\\theta}"], spec: "vector n", kind: "V" },
  { name: "X", spellings: ["X"], spec: "m x n", kind: "M" },
  { name: "Y", spellings: ["Y", "\\mathbf{Y}"], spec: "matrix m x n", kind: "M" },
  { name: "u", spellings: ["u"], spec: "m", kind: "U" },
];

/** Names a --where definition may give (an n-vector and an n×n matrix). Undefined, they are declared like any symbol. */
const DEFINABLE: readonly SymbolSpec[] = [
  { name: "e", spellings: ["e"], spec: "n", kind: "V" },
  { name: "H", spellings: ["H"], spec: "n x n", kind: "N" },
];

const SYMBOL_BY_NAME = new Map([...SYMBOLS, ...DEFINABLE].map((s) => [s.name, s]));

// ---------------------------------------------------------------------------
// Terms with precedence

/** Precedence of a printed term, loosest first (grammar/matdiff.ne). */
const P = { sum: 0, neg: 1, elem: 2, prod: 3, postfix: 4, atom: 5 } as const;

interface Term {
  readonly text: string;
  readonly prec: number;
  /** Ends in a LaTeX operator form (`\det A`), which takes every juxtaposed factor after it. */
  readonly open: boolean;
  /** Contains ‖…‖ or \|…\| outside brackets: bars open and close alike, so it is bracketed as a factor. */
  readonly bar: boolean;
  /** A juxtaposition-only run of factors (what `\operatorname{tr} …` takes). */
  readonly run: boolean;
  /** Made by prodOf: unbracketed after a factor, its first factor would multiply that one (A (𝟏ᵀYᵀu · \det B) is not A 𝟏ᵀ…). */
  readonly product?: boolean;
  readonly syms: readonly string[];
}

const union = (...ts: Term[]) => [...new Set(ts.flatMap((t) => t.syms))];
const term = (text: string, prec: number, parts: Term[], extra: Partial<Term> = {}): Term =>
  ({ text, prec, open: false, bar: false, run: prec >= P.postfix, syms: union(...parts), ...extra });

const BRACKETS = [["(", ")"], ["\\left(", "\\right)"], ["[", "]"], ["{", "}"]] as const;

/** Brackets `t` unless it may stand where `min` is required. */
function at(t: Term, min: number, b = 0, opts: { factor?: boolean; left?: boolean } = {}): Term {
  const needs = t.prec < min || (opts.factor && t.bar) || (opts.left && t.open);
  if (!needs) return t;
  const [l, r] = BRACKETS[b % BRACKETS.length]!;
  return term(`${l}${t.text}${r}`, P.atom, [t]);
}

const SUPERSCRIPT_DIGITS = /[⁰¹²³⁴⁵⁶⁷⁸⁹]$/;

/** `a op b` at a binary level. */
const sumOf = (a: Term, b: Term, op: "+" | "-" | "−", br = 0) =>
  term(`${at(a, P.sum, br).text} ${op} ${at(b, P.neg, br).text}`, P.sum, [a, b]);
const negOf = (a: Term, br = 0) => term(`-${at(a, P.neg, br).text}`, P.neg, [a]);

const PRODUCT_OPS = [" ", " ", " * ", " \\cdot "] as const;
function prodOf(a: Term, b: Term, op = 0, br = 0): Term {
  const sep = PRODUCT_OPS[op % PRODUCT_OPS.length]!;
  const left = at(a, P.prod, br, { factor: true, left: true });
  // an operator form may stand last unbracketed (A \det B), but not a product that ends in one (fuzz seed 19978468, (c))
  const right = b.open && !b.bar && !b.product ? b : at(b, P.postfix, br, { factor: true });
  return term(`${left.text}${sep}${right.text}`, P.prod, [a, b], { open: right.open, run: sep === " " && left.run && !left.open, product: true });
}
const divOf = (a: Term, b: Term, br = 0) => {
  const left = at(a, P.prod, br, { factor: true });
  const right = at(b, P.postfix, br, { factor: true });
  return term(`${left.text} / ${right.text}`, P.prod, [a, b], { run: false });
};
const fracOf = (a: Term, b: Term) => term(`\\frac{${a.text}}{${b.text}}`, P.atom, [a, b]);
function elemOf(a: Term, b: Term, op: string, br = 0): Term {
  return term(`${at(a, P.elem, br, { factor: true }).text} ${op} ${at(b, P.prod, br, { factor: true }).text}`, P.elem, [a, b]);
}
function postfixOf(a: Term, suffix: string, br = 0): Term {
  let arg = at(a, P.postfix, br);
  // unicode superscript digits run together: A² then ³ would read A²³
  if (/^[⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵀ]/.test(suffix) && SUPERSCRIPT_DIGITS.test(arg.text)) arg = at(arg, P.atom + 1, br);
  return term(`${arg.text}${suffix}`, P.postfix, [a], { bar: a.bar && arg === a });
}
const callOf = (name: string, a: Term) => term(`${name}(${a.text})`, P.atom, [a]);
/** `\operatorname{tr} A B`: takes the run of factors after it. */
const opOf = (name: string, a: Term, br = 0) => {
  // `\\operatorname{tr} (A) B` would be the call tr(A) times B: a run that starts with a bracket is bracketed whole
  const arg = a.run && !a.open && !a.bar && !/^(?:[([{]|\\left)/.test(a.text) ? a : at(a, P.atom + 1, br);
  return term(`${name} ${arg.text}`, P.prod, [a], { open: true, run: false });
};

// ---------------------------------------------------------------------------
// Spellings

const pickOf = <T>(xs: readonly T[]) => fc.nat({ max: xs.length - 1 }).map((i) => xs[i]!);
const spell = fc.nat({ max: 1023 });

const TRANSPOSES = ["^T", "^\\top", "'", "^{T}", "ᵀ", "^{\\top}"] as const;
const INVERSES = ["^{-1}", "^-1", "^<-1>", "⁻¹", "inv"] as const;
const INVERSE_TRANSPOSES = ["^{-T}", "⁻ᵀ"] as const;
const HADAMARDS = ["\\odot", ".*", "∘", "⊙"] as const;
/** x ./ y (issue 12), by an entrywise positive divisor; \\frac of two vectors (not matrices) divides entrywise too, with a note. */
const ELEMENTWISE_DIVISIONS = ["./", "\\oslash", "⊘", "\\frac"] as const;
const KRONS = ["\\otimes", "⊗", "kron"] as const;
const TRACES = ["tr", "Tr", "trace", "\\operatorname{tr}", "\\mathrm{tr}", "\\operatorname{tr}op", "\\tr"] as const;
const DETS = ["det", "\\det", "\\detop"] as const;
const LOGDETS = ["logdet", "\\log\\det", "\\ln\\det", "log det"] as const;
/**
 * The functions of the operation table each generator applies, by what their
 * argument may be: any real number with values of moderate size, or only a
 * positive one (log, sqrt); exp takes only the bounded ones.
 */
const REAL_FUNCTIONS: readonly FnName[] = ["sin", "cos", "tanh", "sigmoid", "softplus", "arctan", "erf", "arsinh", "erfc", "normcdf", "gelu", "silu"];
const BOUNDED_FUNCTIONS: readonly FnName[] = ["sin", "cos", "tanh", "sigmoid", "arctan", "erf", "erfc", "normcdf"];
const POSITIVE_FUNCTIONS: readonly FnName[] = ["log", "sqrt", "log1p", "log10", "log2"];
/** Of a bounded argument only, as exp: they grow as fast. */
const GROWING_FUNCTIONS: readonly FnName[] = ["sinh", "cosh", "expm1"];
/** Of a vector or matrix, keeping its shape, not entrywise: a vector, a row and each column of a matrix. */
const VECTOR_FUNCTIONS: readonly FnName[] = ["softmax", "log_softmax"];
// tan (poles near the sampled values), relu and heaviside (kinks, where finite differences disagree
// with the one-sided convention at 0) are in the round trips of test/support/random-expr.ts instead

/** Every spelling of a function of the operation table; σ and √ are the lexer's own tokens. */
const spellingsOf = (name: FnName): readonly string[] => [
  ...OPERATIONS[name].words, ...OPERATIONS[name].commands.map((c) => `\\${c}`),
  ...(name === "sigmoid" ? ["\\sigma"] : name === "sqrt" ? ["\\sqrt"] : []),
];
const ONES = ["𝟏", "\\mathbf{1}"] as const;

function transposeOf(a: Term, i: number, br = 0): Term { return postfixOf(a, TRANSPOSES[i % TRANSPOSES.length]!, br); }
function inverseOf(a: Term, i: number, br = 0): Term {
  const s = INVERSES[i % INVERSES.length]!;
  return s === "inv" ? callOf("inv", a) : postfixOf(a, s, br);
}
function kronOf(a: Term, b: Term, i: number, br = 0): Term {
  const s = KRONS[i % KRONS.length]!;
  return s === "kron" ? term(`kron(${a.text}, ${b.text})`, P.atom, [a, b]) : elemOf(a, b, s, br);
}
function traceOf(a: Term, i: number, br = 0): Term {
  const s = TRACES[i % TRACES.length]!;
  if (s.endsWith("op")) return opOf(s.slice(0, -2), a, br);
  return callOf(s, a);
}
function detOf(a: Term, i: number, br = 0): Term {
  const s = DETS[i % DETS.length]!;
  return s.endsWith("op") ? opOf(s.slice(0, -2), a, br) : callOf(s, a);
}
/** `logdet(A)` is a call; `\\log\\det(A)` and `log det(A)` are log applied to the run `det(A) …`, so they are open. */
function logdetOf(a: Term, i: number): Term {
  const s = LOGDETS[i % LOGDETS.length]!;
  return s === "logdet" ? callOf(s, a) : term(`${s}(${a.text})`, P.prod, [a], { open: true, run: false });
}
function fnOf(name: FnName, a: Term, i: number): Term {
  const spellings = spellingsOf(name);
  const s = spellings[i % spellings.length]!;
  return s === "\\sqrt" ? term(`\\sqrt{${a.text}}`, P.atom, [a]) : callOf(s, a);
}
function hpowOf(a: Term, p: string, i: number, br = 0): Term {
  const braced = p.length > 1 ? `{${p}}` : p;
  return postfixOf(a, i % 2 === 0 ? `.^${braced}` : `^{\\circ ${p}}`, br);
}
/** x.^p by a scalar expression p, in each spelling (issue 12). */
function powByOf(a: Term, p: Term, i: number, br = 0): Term {
  const spellings = [`.^(${p.text})`, `^{\\circ (${p.text})}`, `∘^(${p.text})`];
  const arg = at(a, P.postfix, br);
  return term(`${arg.text}${spellings[i % spellings.length]!}`, P.postfix, [a, p]);
}
function powOf(a: Term, p: string, i: number, br = 0): Term {
  const unicode: Record<string, string> = { "2": "²", "3": "³", "-1": "⁻¹", "-2": "⁻²" };
  if (i % 3 === 2 && unicode[p]) return postfixOf(a, unicode[p], br);
  return postfixOf(a, p.length > 1 || i % 3 === 1 ? `^{${p}}` : `^${p}`, br);
}
function normOf(a: Term, sub: "2" | "F", squared: boolean, i: number): Term {
  const style = i % 5;
  if (style === 4) {
    const n = term(`norm(${a.text})`, P.atom, [a]);
    return squared ? postfixOf(n, "^2") : n;
  }
  const [l, r] = style === 0 || style === 3 ? ["‖", "‖"] : style === 1 ? ["\\|", "\\|"] : ["\\lVert ", " \\rVert"];
  const subText = sub === "F" || (i >> 3) % 2 === 1 ? `_${sub}` : "";
  const body = `${l}${a.text}${r}`;
  const text = squared ? ((i >> 4) % 2 === 1 && subText ? `${body}^2${subText}` : `${body}${subText}^2`) : `${body}${subText}`;
  return term(text, squared ? P.postfix : P.atom, [a], { bar: l !== "\\lVert " });
}
const innerOf = (a: Term, b: Term, i: number) =>
  term(i % 2 === 0 ? `\\langle ${a.text}, ${b.text} \\rangle` : `⟨${a.text}, ${b.text}⟩`, P.atom, [a, b]);
const coefficientOf = (c: string, a: Term, br = 0) => {
  const right = at(a, P.postfix, br, { factor: true });
  return term(`${c} ${right.text}`, P.prod, [a], { open: right.open, run: false });
};

// ---------------------------------------------------------------------------
// The typed grammar

type Grammar = { [K in Kind | "posS" | "posV" | "posN" | "posM" | "wc"]: Term };

const TRANSPOSED: Readonly<Record<Kind, Kind>> = {
  s: "s", N: "N", V: "R", R: "V", M: "Mt", Mt: "M", U: "Ut", Ut: "U", KV: "KV", KN: "KN",
};

export interface GrammarOptions {
  /** Symbols a term may use (kinds s, N, V, M, U). */
  readonly symbols: readonly SymbolSpec[];
  /** Depth bound of the recursive grammar (fast-check's maxDepth for oneof). */
  readonly maxDepth: number;
}

function leafOf(kind: "s" | "N" | "V" | "M" | "U", symbols: readonly SymbolSpec[]): fc.Arbitrary<Term> {
  const candidates = symbols.filter((s) => s.kind === kind);
  return fc.tuple(pickOf(candidates), spell).map(([s, i]) =>
    term(s.spellings[i % s.spellings.length]!, P.atom, [], { syms: [s.name] }));
}

export function grammar(opts: GrammarOptions): fc.LetrecValue<Grammar> {
  const { symbols, maxDepth } = opts;
  const depth = { depthIdentifier: "matdiff-term", maxDepth, depthSize: "small" as const };
  return fc.letrec<Grammar>((tie) => {
    const g = (k: keyof Grammar) => tie(k) as fc.Arbitrary<Term>;
    /** Operations every kind k has: sums, negation, scalar multiples, transposes of its transpose kind. */
    const common = (k: Kind): fc.Arbitrary<Term>[] => [
      fc.tuple(g(k), g(k), pickOf(["+", "-", "−"] as const), spell).map(([a, b, op, i]) => sumOf(a, b, op, i)),
      fc.tuple(g(k), spell).map(([a, i]) => negOf(a, i)),
      fc.tuple(g("s"), g(k), spell).map(([a, b, i]) => prodOf(a, b, i, i >> 2)),
      fc.tuple(pickOf(["2", "3", "0.5", "1/2", "\\frac{1}{2}", "\\tfrac{3}{2}"] as const), g(k), spell).map(([c, a, i]) => coefficientOf(c, a, i)),
      fc.tuple(g(TRANSPOSED[k]), spell).map(([a, i]) => transposeOf(a, i, i >> 3)),
      fc.tuple(g(k), g("posS"), spell).map(([a, b, i]) => (i % 2 ? divOf(a, b, i) : fracOf(a, b))),
    ];
    /**
     * What exp may take: a symbol (O(1) when sampled), a bounded function of
     * anything (sin, cos, tanh, σ) or a symbol's negative or half. exp of an
     * arbitrary term (exp(x.^3), exp(W⁻³)) reaches 1e40 at sampled points, where
     * finite differences and even the evaluation of a right answer lose every
     * digit: those are numerical limits, not bugs, and they drowned real
     * counterexamples.
     */
    const bounded = (k: "s" | "N" | "V" | "M" | "U" | "KV"): fc.Arbitrary<Term> => {
      // not a --where name: it stands for any expression (H = −ΣA⁻²), which is what exp may not take
      const plain = symbols.filter((s) => !DEFINABLE.includes(s));
      const leaf = k === "KV" ? leafOf("N", plain).map((a) => callOf("vec", a)) : leafOf(k, plain);
      return fc.oneof(depth,
        leaf,
        fc.tuple(pickOf(BOUNDED_FUNCTIONS), g(k), spell).map(([f, a, i]) => fnOf(f, a, i)),
        fc.tuple(leaf, spell).map(([a, i]) => (i % 2 ? negOf(a) : coefficientOf("\\frac{1}{2}", a))),
      );
    };
    const expOf = (k: "s" | "N" | "V" | "M" | "U" | "KV") => fc.tuple(bounded(k), spell).map(([a, i]) => fnOf("exp", a, i));
    /** Entrywise operations of a non-scalar kind. */
    const elementwise = (k: Kind, pos: keyof Grammar): fc.Arbitrary<Term>[] => [
      fc.tuple(g(k), g(k), spell).map(([a, b, i]) => elemOf(a, b, HADAMARDS[i % HADAMARDS.length]!, i >> 2)),
      fc.tuple(g(k), pickOf(["2", "3"] as const), spell).map(([a, p, i]) => hpowOf(a, p, i)),
      fc.tuple(g(k), g(pos), spell).map(([a, b, i]) => {
        const op = ELEMENTWISE_DIVISIONS[i % (k === "V" ? 4 : 3)]!;
        return op === "\\frac" ? fracOf(a, b) : elemOf(a, b, op, i >> 2);
      }),
      fc.tuple(g(pos), pickOf(["-1", "1/2", "-1/2", "3/2"] as const), spell).map(([a, p, i]) => hpowOf(a, p, i)),
      // x.^p with a symbolic exponent: positive base, bounded exponent
      fc.tuple(g(pos), bounded("s"), spell).map(([a, p, i]) => powByOf(a, p, i, i >> 2)),
      fc.tuple(pickOf(REAL_FUNCTIONS), g(k), spell).map(([f, a, i]) => fnOf(f, a, i)),
      fc.tuple(pickOf(VECTOR_FUNCTIONS), g(k), spell).map(([f, a, i]) => fnOf(f, a, i)),
      fc.tuple(pickOf(GROWING_FUNCTIONS), bounded(k as "N" | "V" | "M"), spell).map(([f, a, i]) => fnOf(f, a, i)),
      expOf(k as "N" | "V" | "M"),
      fc.tuple(pickOf(POSITIVE_FUNCTIONS), g(pos), spell).map(([f, a, i]) => fnOf(f, a, i)),
    ];
    /** Entrywise positive terms of a non-scalar kind. */
    const positive = (k: "N" | "V" | "M", leaf: fc.Arbitrary<Term>): fc.Arbitrary<Term> => fc.oneof(depth,
      leaf,
      expOf(k),
      fc.tuple(g(k), spell).map(([a, i]) => fnOf("sigmoid", a, i)),
      fc.tuple(g(k), pickOf(ONES), spell).map(([a, one, i]) =>
        sumOf(term(one, P.atom, []), hpowOf(a, "2", i), "+", i >> 1)),
    );
    return {
      s: fc.oneof(depth,
        leafOf("s", symbols),
        ...common("s"),
        fc.tuple(g("N"), spell).map(([a, i]) => traceOf(a, i, i >> 3)),
        fc.tuple(g("N"), spell).map(([a, i]) => detOf(a, i, i >> 2)),
        fc.tuple(g("wc"), spell).map(([a, i]) => logdetOf(a, i)),
        fc.tuple(fc.oneof(g("V"), g("N"), g("M"), g("KV")), spell).map(([a]) => callOf("sum", a)),
        fc.tuple(g("V"), fc.boolean(), spell).map(([a, sq, i]) => normOf(a, "2", sq, i)),
        fc.tuple(fc.oneof(g("N"), g("M")), fc.boolean(), spell).map(([a, sq, i]) => normOf(a, "F", sq, i)),
        fc.tuple(g("U"), fc.boolean(), spell).map(([a, sq, i]) => normOf(a, "2", sq, i)),
        fc.tuple(g("R"), g("V"), spell).map(([a, b, i]) => prodOf(a, b, i)),
        fc.tuple(g("R"), g("N"), g("V"), spell).map(([a, b, c, i]) => prodOf(prodOf(a, b, i), c, i >> 2)),
        fc.tuple(g("Ut"), g("M"), g("V"), spell).map(([a, b, c, i]) => prodOf(prodOf(a, b, i), c, i >> 2)),
        fc.tuple(g("KV"), g("KV"), spell).map(([a, b, i]) => prodOf(transposeOf(a, i), b, i >> 3)),
        fc.tuple(g("KN"), spell).map(([a, i]) => traceOf(a, i)),
        fc.tuple(fc.oneof(
          fc.tuple(g("V"), g("V")), fc.tuple(g("N"), g("N")), fc.tuple(g("M"), g("M")),
        ), spell).map(([[a, b], i]) => innerOf(a, b, i)),
        fc.tuple(pickOf(REAL_FUNCTIONS), g("s"), spell).map(([f, a, i]) => fnOf(f, a, i)),
        fc.tuple(pickOf(GROWING_FUNCTIONS), bounded("s"), spell).map(([f, a, i]) => fnOf(f, a, i)),
        fc.tuple(g("V"), spell).map(([a, i]) => fnOf(i % 2 ? "logsumexp" : "log", i % 2 ? a : callOf("sum", fnOf("exp", a, i)), i)),
        expOf("s"),
        fc.tuple(pickOf(POSITIVE_FUNCTIONS), g("posS"), spell).map(([f, a, i]) => fnOf(f, a, i)),
        fc.tuple(g("s"), pickOf(["2", "3"] as const), spell).map(([a, p, i]) => powOf(a, p, i)),
        // 𝟏ᵀ𝟏 = n and 𝟏ᵀv: all-ones whose size only the rest of the input (or nothing) fixes
        fc.tuple(pickOf(ONES), spell).map(([one, i]) => prodOf(transposeOf(term(one, P.atom, []), i), term(one, P.atom, []), i >> 3)),
        fc.tuple(pickOf(ONES), g("V"), spell).map(([one, a, i]) => prodOf(transposeOf(term(one, P.atom, []), i), a, i >> 3)),
        // tr(I) is a size too
        fc.tuple(g("s"), spell).map(([a, i]) => prodOf(traceOf(term("I", P.atom, []), i), a, i >> 3)),
        fc.tuple(g("posS"), pickOf(["-1", "-2", "1/2", "-1/2", "3/2"] as const), spell).map(([a, p, i]) => powOf(a, p, i)),
      ),
      posS: fc.oneof(depth,
        leafOf("s", symbols),
        expOf("s"),
        fc.tuple(g("s"), spell).map(([a, i]) => sumOf(term("1", P.atom, []), powOf(a, "2", i), "+", i >> 2)),
        fc.tuple(g("V"), spell).map(([a, i]) => normOf(a, "2", false, i)),
        fc.tuple(g("wc"), spell).map(([a, i]) => detOf(a, i)),
        fc.tuple(g("posS"), g("posS"), spell).map(([a, b, i]) => prodOf(a, b, i)),
      ),
      N: fc.oneof(depth,
        leafOf("N", symbols),
        ...common("N"),
        ...elementwise("N", "posN"),
        fc.tuple(g("N"), g("N"), spell).map(([a, b, i]) => prodOf(a, b, i, i >> 2)),
        fc.tuple(g("V"), g("R"), spell).map(([a, b, i]) => prodOf(a, b, i)),
        fc.tuple(g("Mt"), g("M"), spell).map(([a, b, i]) => prodOf(a, b, i)),
        fc.tuple(g("wc"), spell).map(([a, i]) => inverseOf(a, i, i >> 3)),
        fc.tuple(g("wc"), spell).map(([a, i]) => postfixOf(a, INVERSE_TRANSPOSES[i % 2]!, i >> 1)),
        fc.tuple(g("N"), pickOf(["2", "3"] as const), spell).map(([a, p, i]) => powOf(a, p, i)),
        fc.tuple(g("wc"), spell).map(([a, i]) => powOf(a, "-2", i)),
        fc.tuple(g("V"), spell).map(([a, i]) => callOf("diag", a)),
        fc.tuple(g("N"), spell).map(([a, i]) => sumOf(a, term("I", P.atom, []), i % 2 ? "+" : "-")),
        fc.tuple(g("V"), g("R"), spell).map(([a, b, i]) => kronOf(a, b, i)),
        // 𝟏𝟏ᵀ, sized by what it meets (issue 17: once read as the scalar 1)
        fc.tuple(pickOf(ONES), spell).map(([one, i]) => prodOf(term(one, P.atom, []), transposeOf(term(one, P.atom, []), i), i >> 3)),
        // (𝟏ᵀv)ᵀA and A(𝟏ᵀv): 𝟏ᵀv is a scalar, 𝟏 a vector by notation (seed 190419 read it as a matrix)
        fc.tuple(pickOf(ONES), g("V"), g("N"), fc.boolean(), spell).map(([one, v, a, left, i]) => {
          const s = prodOf(transposeOf(term(one, P.atom, []), i), v, i >> 3);
          return left ? prodOf(transposeOf(s, i >> 5), a, i >> 6) : prodOf(a, s, i >> 6);
        }),
        // unvec of an n²-vector, its shape n×n from the context (issue 17 item 3)
        fc.tuple(g("KV")).map(([a]) => callOf("unvec", a)),
      ),
      wc: fc.oneof(depth,
        // sampled square symbols have det > 0 and κ₁ ≤ 200 (src/numeric/random.ts); a --where
        // name stands for any n×n expression (H = θxᵀ has det 0), so it is not one of them
        leafOf("N", symbols.filter((s) => !DEFINABLE.includes(s))),
        fc.tuple(g("wc"), spell).map(([a, i]) => transposeOf(a, i)),
        fc.tuple(g("wc"), spell).map(([a, i]) => inverseOf(a, i)),
        fc.tuple(g("wc"), g("wc"), spell).map(([a, b, i]) => prodOf(a, b, i)),
        fc.tuple(g("M"), spell).map(([a, i]) => sumOf(prodOf(transposeOf(a, i), a, i >> 3), term("I", P.atom, []), "+")),
        fc.tuple(g("V"), spell).map(([a, i]) => sumOf(term("I", P.atom, []), prodOf(a, transposeOf(a, i), i >> 3), "+")),
        fc.tuple(g("posS"), spell).map(([a, i]) =>
          sumOf(term(i % 2 ? "Sigma" : "\\Sigma", P.atom, [], { syms: ["Sigma"] }), prodOf(a, term("I", P.atom, []), i >> 1), "+")),
      ),
      V: fc.oneof(depth,
        leafOf("V", symbols),
        ...common("V"),
        ...elementwise("V", "posV"),
        fc.tuple(g("N"), g("V"), spell).map(([a, b, i]) => prodOf(a, b, i, i >> 2)),
        fc.tuple(g("Mt"), g("U"), spell).map(([a, b, i]) => prodOf(a, b, i)),
        fc.tuple(g("N"), spell).map(([a]) => callOf("diag", a)),
        fc.tuple(g("V"), g("s"), spell).map(([a, b, i]) => prodOf(a, b, i)), // x α: a scalar on the right
      ),
      R: fc.oneof(depth,
        fc.tuple(leafOf("V", symbols), spell).map(([a, i]) => transposeOf(a, i)),
        ...common("R"),
        fc.tuple(g("R"), g("N"), spell).map(([a, b, i]) => prodOf(a, b, i, i >> 2)),
      ),
      M: fc.oneof(depth,
        leafOf("M", symbols),
        ...common("M"),
        ...elementwise("M", "posM"),
        fc.tuple(g("M"), g("N"), spell).map(([a, b, i]) => prodOf(a, b, i, i >> 2)),
        fc.tuple(g("U"), g("R"), spell).map(([a, b, i]) => prodOf(a, b, i)),
      ),
      Mt: fc.oneof(depth,
        fc.tuple(leafOf("M", symbols), spell).map(([a, i]) => transposeOf(a, i)),
        ...common("Mt"),
        fc.tuple(g("N"), g("Mt"), spell).map(([a, b, i]) => prodOf(a, b, i, i >> 2)),
      ),
      U: fc.oneof(depth,
        leafOf("U", symbols),
        ...common("U"),
        fc.tuple(g("M"), g("V"), spell).map(([a, b, i]) => prodOf(a, b, i, i >> 2)),
        fc.tuple(pickOf(["tanh", "sigmoid"] as const), g("U"), spell).map(([f, a, i]) => fnOf(f, a, i)),
        expOf("U"),
      ),
      Ut: fc.oneof(depth,
        fc.tuple(leafOf("U", symbols), spell).map(([a, i]) => transposeOf(a, i)),
        fc.tuple(g("U"), spell).map(([a, i]) => transposeOf(a, i)),
        fc.tuple(g("R"), g("Mt"), spell).map(([a, b, i]) => prodOf(a, b, i)),
      ),
      KV: fc.oneof(depth,
        fc.tuple(leafOf("N", symbols)).map(([a]) => callOf("vec", a)),
        fc.tuple(leafOf("V", symbols), leafOf("V", symbols), spell).map(([a, b, i]) => kronOf(a, b, i)),
        fc.tuple(g("N"), spell).map(([a]) => callOf("vec", a)),
        fc.tuple(g("V"), g("V"), spell).map(([a, b, i]) => kronOf(a, b, i)),
        fc.tuple(g("KN"), g("KV"), spell).map(([a, b, i]) => prodOf(a, b, i)),
        fc.tuple(g("KV"), g("KV"), spell).map(([a, b, i]) => sumOf(a, b, "+", i)),
        fc.tuple(g("s"), g("KV"), spell).map(([a, b, i]) => prodOf(a, b, i)),
        fc.tuple(pickOf(["sin", "tanh"] as const), g("KV"), spell).map(([f, a, i]) => fnOf(f, a, i)),
        expOf("KV"),
      ),
      KN: fc.oneof(depth,
        fc.tuple(leafOf("N", symbols), leafOf("N", symbols), spell).map(([a, b, i]) => kronOf(a, b, i)),
        // Kronecker products with an identity, its size solved from the other factor's (issue 17)
        fc.tuple(g("N"), fc.boolean(), spell).map(([a, left, i]) => (left ? kronOf(term("I", P.atom, []), a, i) : kronOf(a, term("I", P.atom, []), i))),
        fc.tuple(g("N"), g("N"), spell).map(([a, b, i]) => kronOf(a, b, i)),
        fc.tuple(g("KN"), g("KN"), spell).map(([a, b, i]) => prodOf(a, b, i)),
        fc.tuple(g("KN"), spell).map(([a, i]) => transposeOf(a, i)),
        fc.tuple(g("KN"), g("KN"), spell).map(([a, b, i]) => sumOf(a, b, "+", i)),
      ),
      // symbols under log, sqrt and fractional powers are sampled positive, but not a --where name
      // (e = y − x is not), nor D, which is 0 off its diagonal
      posV: positive("V", leafOf("V", symbols.filter((s) => !DEFINABLE.includes(s)))),
      posN: positive("N", leafOf("N", symbols.filter((s) => !DEFINABLE.includes(s) && s.name !== "D"))),
      posM: positive("M", leafOf("M", symbols)),
    };
  });
}

// ---------------------------------------------------------------------------
// Whole problems

export interface ProblemOptions {
  /** Depth bound of the expression grammar (default 4). */
  readonly maxDepth?: number;
}

/** The function's kind: mostly scalar (gradients, Hessians); Kronecker-shaped ones rarely (their Jacobians are often unsupported). */
const FUNCTION_KINDS: readonly Kind[] = [...Array<Kind>(11).fill("s"), "N", "N", "V", "V", "M", "U", "R", "KV", "KN"];

/** A random well-shaped problem: expression, declarations, maybe a definition, variable and options. */
export function problem(opts: ProblemOptions = {}): fc.Arbitrary<Problem> {
  const maxDepth = opts.maxDepth ?? 4;
  const main = grammar({ symbols: [...SYMBOLS, ...DEFINABLE], maxDepth });
  // definition bodies never use the defined names, so definitions are never circular
  const body = grammar({ symbols: SYMBOLS, maxDepth: Math.max(1, maxDepth - 1) });
  return fc.record({
    kind: pickOf(FUNCTION_KINDS),
    defE: fc.option(body.V, { freq: 4 }),
    defH: fc.option(body.N, { freq: 6 }),
    defSpelling: spell,
    wrtIndex: fc.nat(),
    wrtSpelling: spell,
    hessian: fc.nat({ max: 4 }).map((k) => k === 0),
    cookbook: fc.boolean(),
  // 𝟏ᵀ𝟏 and tr(I) have no symbol: a function needs one to differentiate by (not only a --where name,
  // whose definition may have none either)
  }).chain((r) => main[r.kind].filter((f) => f.syms.some((n) => !DEFINABLE.some((d) => d.name === n))).map((f) => ({ r, f }))).map(({ r, f }) => {
    const definitions: [string, Term][] = [];
    if (r.defE && f.syms.includes("e")) definitions.push(["e", r.defE]);
    if (r.defH && f.syms.includes("H")) definitions.push(["H", r.defH]);
    const defined = new Set(definitions.map(([n]) => n));
    const used = new Set([...f.syms, ...definitions.flatMap(([, t]) => t.syms)]);
    const declared = [...SYMBOLS, ...DEFINABLE].filter((s) => used.has(s.name) && !defined.has(s.name));
    const variables = declared;
    const X = variables[r.wrtIndex % variables.length]!;
    const symmetric = Boolean(X.symmetric);
    const scalarF = r.kind === "s";
    return {
      expr: f.text,
      wrt: X.spellings[r.wrtSpelling % X.spellings.length]!,
      let: declared.map((s) => `${s.name}: ${s.spec}`),
      where: definitions.map(([n, t]) => `${n} = ${t.text}`),
      // Hessians with respect to symmetric and diagonal matrices too (on their directions, issue 17)
      hessian: scalarF && r.hessian,
      ...(symmetric && scalarF && X.kind !== "s" ? { symmetric: r.cookbook ? "cookbook" as const : "sym" as const } : {}),
      kind: r.kind,
    };
  });
}

export { SYMBOL_BY_NAME };
