/**
 * Text → syntax tree. The grammar (grammar/matdiff.ne) is run by nearley over
 * the tokens of lexer.ts; this file adds what a grammar cannot say: limits,
 * friendly syntax errors, and the rule that an input must have exactly one
 * reading (STYLE.md habit 5).
 */
import nearley from "nearley";
import type { BinaryOp, Node } from "./ast.js";
import grammar from "./grammar.generated.js";
import { fastParse } from "./fast-parse.js";
import { CLOSERS, OPENERS, TokenLexer, axisHint, spanOf, tokenize, type Token, type TokenType } from "./lexer.js";
import { MatdiffError, lineCol } from "../errors.js";

export interface Limits {
  readonly maxLength?: number;
  readonly maxDepth?: number;
  /** Bounds parse time and tree depth; real expressions have a few dozen tokens. */
  readonly maxTokens?: number;
}

export const DEFAULT_LIMITS = { maxLength: 10_000, maxDepth: 200, maxTokens: 3_000 } as const;

/**
 * Completed Earley items the parser may build, per token, before giving up.
 * Unambiguous input needs about 10; inputs whose readings multiply (long runs
 * of `‖a‖ b ‖c‖`) would need exponentially many, so they stop here, well
 * under a second. Counted in the postprocessors because a single token can
 * make one Earley column explode.
 */
const WORK_PER_TOKEN = 50;
const MIN_WORK = 10_000;
let work = 0;
const OUT_OF_WORK = Symbol("out of work");

let compiledGrammar: nearley.Grammar | undefined;
/** At the first input the fast reader leaves to the grammar: the common case never needs it. */
const compiled = () => compiledGrammar ??= nearley.Grammar.fromCompiled({
  ...grammar,
  ParserRules: grammar.ParserRules.map((rule) => ({
    ...rule,
    postprocess: (d: unknown[], ref?: number, reject?: {}) => {
      if (--work < 0) throw OUT_OF_WORK;
      return rule.postprocess ? rule.postprocess(d, ref, reject) : d;
    },
  })),
});

export function parse(input: string, limits: Limits = {}): Node {
  try {
    return parseOrThrow(input, limits, true);
  } catch (e) {
    if (e instanceof MatdiffError) throw e;
    // Not the user's fault: say so instead of leaking a raw exception.
    const message = e instanceof Error ? e.message : String(e);
    throw new MatdiffError("syntax", `internal error in the parser (this is a bug): ${message}`);
  }
}

/** parse() by the grammar alone, without the fast reader of the common case: the reference it is tested against. */
export function parseByGrammar(input: string, limits: Limits = {}): Node {
  return parseOrThrow(input, limits, false);
}

function parseOrThrow(input: string, limits: Limits, shortcut: boolean): Node {
  const maxLength = limits.maxLength ?? DEFAULT_LIMITS.maxLength;
  const maxDepth = limits.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  const maxTokens = limits.maxTokens ?? DEFAULT_LIMITS.maxTokens;
  if (input.length > maxLength) {
    throw new MatdiffError("limit", `input is ${input.length} characters long; the limit is ${maxLength}`,
      { start: maxLength, end: input.length });
  }
  const tokens = tokenize(input);
  if (tokens.length === 0) throw new MatdiffError("empty", "empty expression", { start: 0, end: input.length });
  checkDepth(input, tokens, maxDepth);
  const extra = tokens[maxTokens];
  if (extra) {
    throw new MatdiffError("limit", `expression has ${tokens.length} tokens; the limit is ${maxTokens}`,
      { start: extra.offset, end: input.length });
  }
  // the common case has one reading, found without the Earley parser; nearley decides everything else
  const fast = shortcut ? fastParse(tokens) : null;
  if (fast) return fast;
  const results = run(input, tokens);
  const [first, second] = results;
  if (!first) throw unexpectedEnd(input, tokens, results.expected());
  if (second) {
    throw new MatdiffError("ambiguous", `ambiguous expression: it reads as ${describe(first)} or as ${describe(second)}`,
      { start: 0, end: input.length }, { hint: "add parentheses to say which you mean" });
  }
  return first;
}

/** Bracket depth, checked on tokens so absurd nesting never reaches the parser. */
function checkDepth(input: string, tokens: readonly Token[], maxDepth: number): void {
  let depth = 0;
  for (const t of tokens) {
    if (OPENERS[t.type]) {
      if (++depth > maxDepth) {
        throw new MatdiffError("limit", `nesting is deeper than ${maxDepth} levels at ${at(input, t.offset)}`, spanOf(t));
      }
    } else if (CLOSERS.has(t.type)) depth = Math.max(0, depth - 1);
  }
}

/**
 * torch.logsumexp(x, 0), F.softmax(z, -1), np.sum(X, 1): a function of one argument given a second, an axis as
 * code writes it; a hint says what the function without it is over.
 */
/** The functions code calls with an axis: np.sum(X, 0), torch.logsumexp(x, 0), F.softmax(z, -1). */
const AXIS_FUNCTIONS: ReadonlySet<string> = new Set(["softmax", "log_softmax", "logsumexp", "sum", "mean"]);

function secondArgument(tokens: readonly Token[], comma: Token): { hint?: string } {
  if (comma.type !== "comma") return {};
  const k = tokens.indexOf(comma);
  for (let j = k - 1, depth = 0; j > 0; j--) {
    const t = tokens[j]!;
    if (CLOSERS.has(t.type)) depth++;
    else if (OPENERS[t.type] && depth-- === 0) {
      const fn = tokens[j - 1];
      if (t.type !== "lparen" || (fn?.type !== "fnop" && fn?.type !== "fncall") || !AXIS_FUNCTIONS.has(fn.value)) return {};
      return { hint: `${fn.text} takes one argument; ${axisHint(fn.value)}` };
    }
  }
  return {};
}

/**
 * `K(x_i, x_j)`, `d(x, y)`, `L(y, \hat{y})`, `A(1, 2)`: a symbol called with a comma, a function of several
 * arguments (a kernel, a distance, a loss) or MATLAB's indexing, neither of which matdiff reads. The parser
 * stopped at the comma; the error names the call and says what to write.
 */
function severalArguments(input: string, tokens: readonly Token[], comma: Token): MatdiffError | null {
  if (comma.type !== "comma") return null;
  const k = tokens.indexOf(comma);
  for (let j = k - 1, depth = 0; j > 0; j--) {
    const t = tokens[j]!;
    if (CLOSERS.has(t.type)) depth++;
    else if (OPENERS[t.type] && depth-- === 0) {
      const name = tokens[j - 1]!;
      if (t.type !== "lparen" || name.type !== "ident") return null;
      let end = j, level = 0, commas = 0;
      for (; end < tokens.length; end++) {
        const u = tokens[end]!;
        if (OPENERS[u.type]) level++;
        else if (CLOSERS.has(u.type) && --level === 0) break;
        else if (level === 1 && u.type === "comma") commas++;
      }
      const last = tokens[Math.min(end, tokens.length - 1)]!;
      // the call as written, or its name alone where that is long (a thousand arguments make no message)
      const whole = input.slice(name.offset, last.end);
      const written = whole.length <= 60 ? whole : `${input.slice(name.offset, name.end)}(…)`;
      const count = commas === 1 ? "two arguments" : `${commas + 1} arguments`;
      return new MatdiffError("unsupported", `${written} is a function of ${count}, which matdiff does not read: it has no functions of several arguments`, { start: name.offset, end: last.end }, {
        hint: "write what it stands for: a kernel as \\exp(-\\gamma \\|x_i - x_j\\|^2), a distance as \\|x - y\\|, a loss as its formula (\\|y - \\hat{y}\\|^2, -y^T \\log \\hat{y}); an entry of a matrix is A_{ij}",
      });
    }
  }
  return null;
}

/** The readings, and what the parser could have taken next (asked only when there is no reading). */
type Results = Node[] & { expected: () => ReadonlySet<string> };

interface Column { states: { rule: { symbols: unknown[] }; dot: number }[] }

function run(input: string, tokens: readonly Token[]): Results {
  const parser = new nearley.Parser(compiled(), { lexer: new TokenLexer(tokens) });
  work = Math.max(MIN_WORK, WORK_PER_TOKEN * tokens.length);
  try {
    parser.feed(input);
  } catch (e) {
    if (e === OUT_OF_WORK) {
      const bars = tokens.some((t) => t.type === "bar");
      throw new MatdiffError("limit", "expression is too complex to parse; add parentheses or split it with --where",
        { start: 0, end: input.length }, bars ? { hint: "‖ opens and closes alike; \\lVert … \\rVert say which is which" } : {});
    }
    const token = (e as { token?: Token }).token;
    if (token?.offset === undefined) throw e;
    const density = conditionalDensity(input, tokens);
    if (density) throw density;
    const several = severalArguments(input, tokens, token);
    if (several) throw several;
    throw new MatdiffError("syntax", `unexpected '${token.text}' at ${at(input, token.offset)}`, spanOf(token), secondArgument(tokens, token));
  }
  const table = (parser as unknown as { table: Column[] }).table;
  return Object.assign([...parser.results] as Node[], { expected: () => expectedTypes(table[parser.current]) });
}

/** Token types the parser could have taken next, read from the last Earley column. */
function expectedTypes(column: Column | undefined): Set<string> {
  const types = new Set<string>();
  for (const s of column?.states ?? []) {
    const symbol = s.rule.symbols[s.dot] as { type?: string } | string | undefined;
    if (typeof symbol === "object" && symbol.type) types.add(symbol.type);
  }
  return types;
}

const SHOW: Partial<Record<TokenType, string>> = {
  rparen: "')'", rbrack: "']'", rbrace: "'}'", lbrace: "'{'", lparen: "'('", rnorm: "'\\rVert'", rangle: "'\\rangle'",
  comma: "','", bar: "'‖'", vbar: "'|'", rvert: "'\\rvert'", gt: "'>'", num: "a number",
};

function unexpectedEnd(input: string, tokens: readonly Token[], expected: ReadonlySet<string>): MatdiffError {
  // An unclosed bracket explains a premature end better than a list of expected tokens.
  const open: Token[] = [];
  for (const t of tokens) {
    const closer = OPENERS[t.type];
    if (closer) open.push(t);
    else if (CLOSERS.has(t.type) && open.length > 0 && OPENERS[open[open.length - 1]!.type] === t.type) open.pop();
  }
  const oddOne = (type: TokenType) => {
    const bars = tokens.filter((t) => t.type === type);
    return bars.length % 2 === 1 ? bars[bars.length - 1] : undefined;
  };
  const unclosed = open[open.length - 1] ?? oddOne("bar") ?? oddOne("vbar");
  if (unclosed) return new MatdiffError("syntax", `unclosed '${unclosed.text}' opened at ${at(input, unclosed.offset)}`, spanOf(unclosed));
  const last = tokens[tokens.length - 1];
  const what = last?.type === "caret" || last?.type === "dotcaret" ? "an exponent"
    : expected.has("ident") || expected.size === 0 ? "an expression"
    : [...expected].map((t) => SHOW[t as TokenType] ?? t).join(" or ");
  return new MatdiffError("syntax", `unexpected end of input at ${at(input, input.length)}: expected ${what}`,
    { start: input.length, end: input.length });
}

const at = (input: string, offset: number): string => {
  const { line, col } = lineCol(input, offset);
  return `${line}:${col}`;
};

const SYMBOL: Readonly<Record<BinaryOp, string>> = { "+": "+", "-": "-", "*": "*", "/": "/", hadamard: "⊙", hdivide: "⊘", kron: "⊗", hpow: ".^" };

/** The tree as an S-expression without spans: `(* A (T B))`. Implicit and explicit products print alike. */
export function formatTree(n: Node): string {
  switch (n.type) {
    case "number": return n.text;
    case "ident": return n.of ? `(${n.name} of ${n.of.name})` : n.name;
    case "ones": return "ones";
    case "binary": return `(${n.scalarPower ? "^" : SYMBOL[n.op]} ${formatTree(n.left)} ${formatTree(n.right)})`;
    case "neg": return `(neg ${formatTree(n.arg)})`;
    case "postfix":
      return `(${n.op} ${formatTree(n.arg)}${n.exponent === undefined ? "" : ` ${n.exponent}`})`;
    case "call": return `(${n.fn} ${n.args.map(formatTree).join(" ")})`;
    case "norm": return `(norm${n.kind === null ? "" : `_${n.kind}`} ${formatTree(n.arg)})`;
    case "inner": return `(inner ${formatTree(n.left)} ${formatTree(n.right)})`;
    case "bars": return `(bars ${formatTree(n.arg)})`;
    case "entry": return `(entry ${formatTree(n.arg)} ${n.index})`;
  }
}

/** Math-like rendering for messages, parenthesising every compound operand so two readings differ visibly. */
export function describe(n: Node): string {
  const wrap = (m: Node) => (m.type === "binary" || m.type === "neg" ? `(${describe(m)})` : describe(m));
  switch (n.type) {
    case "number": return n.text;
    case "ident": return n.of ? `${n.name}(${n.of.name})` : n.name;
    case "ones": return "𝟏";
    case "binary": {
      // a power's exponent in parentheses unless it is one name or number: x^(X^2), not x^X^2
      if (n.op === "hpow") return `${n.left.type === "postfix" ? `(${describe(n.left)})` : wrap(n.left)}${n.scalarPower ? "^" : ".^"}${n.right.type === "ident" || n.right.type === "number" ? describe(n.right) : `(${describe(n.right)})`}`;
      const op = n.implicit ? " " : ` ${SYMBOL[n.op]} `;
      return `${wrap(n.left)}${op}${wrap(n.right)}`;
    }
    case "neg": return `-${wrap(n.arg)}`;
    case "postfix": {
      const sup = n.op === "T" ? "T" : n.op === "inv" ? "-1" : n.op === "invT" ? "-T" : n.exponent ?? "";
      const arg = n.arg.type === "postfix" ? `(${describe(n.arg)})` : wrap(n.arg);
      return `${arg}${n.op === "epow" ? ".^" : "^"}${sup.length > 1 ? `{${sup}}` : sup}`;
    }
    case "call": return `${n.fn}(${n.args.map(describe).join(", ")})`;
    case "norm": return `‖${describe(n.arg)}‖${n.kind === null ? "" : `_${n.kind}`}`;
    case "inner": return `⟨${describe(n.left)}, ${describe(n.right)}⟩`;
    case "bars": return `|${describe(n.arg)}|`;
    case "entry": return `(${describe(n.arg)})_${n.index}`;
  }
}

/**
 * `p(x | θ)`, `p(x; θ)`, `P(y | X, w)`, `π(a | s)`: a density or a distribution written by its name, with
 * what it is conditioned on or parameterised by after a bar or a semicolon. It is not an expression matdiff
 * can see inside (𝒩(x; μ, Σ) is, gaussian.ts), and the bar read as |·| failed at some later token: the error
 * says what was written, at the bar, and what to write instead.
 */
function conditionalDensity(input: string, tokens: readonly Token[]): MatdiffError | null {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const name = tokens[i]!;
    if (name.type !== "ident" || tokens[i + 1]!.type !== "lparen") continue;
    // one bar at the parenthesis's own level, after something: |x| in f(|x|) is a pair
    let depth = 0;
    const separators: Token[] = [];
    for (let j = i + 1; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (OPENERS[t.type]) depth++;
      else if (CLOSERS.has(t.type) && --depth === 0) break;
      if (depth === 1 && (t.type === "vbar" || t.type === "semi") && j > i + 2) separators.push(t);
      else if (depth === 1 && t.type === "vbar") separators.push(t, t); // |x| opening the argument: a pair, never the one bar of p(x | θ)
    }
    const bars = separators.filter((x) => x.type === "vbar");
    const t = separators.find((x) => x.type === "semi") ?? (bars.length === 1 ? bars[0] : undefined);
    if (!t) continue;
    const written = input.slice(name.offset, name.end);
    return new MatdiffError("unsupported", `${written}(… ${input.slice(t.offset, t.end)} …) is a density or a distribution written by its name, which matdiff cannot see inside, at ${at(input, t.offset)}`, spanOf(t), {
      hint: `write its formula (a Gaussian as \\log \\mathcal{N}(x; \\mu, \\Sigma)), or ${written} as a function of the variable alone, \\log ${written}(\\theta), which is read as an unknown scalar function of θ`,
    });
  }
  return null;
}
