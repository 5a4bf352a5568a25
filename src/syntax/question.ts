/**
 * The question as people paste it: the derivative written around the function instead of in --wrt.
 *
 *   \frac{\partial}{\partial X} tr(AX)        \frac{\partial\, x^T A x}{\partial x}      \nabla_x x^T A x
 *   \frac{d}{dt} tr(X(t))                     ∂/∂W ‖XW − Y‖²                            ∇²_x f,  \frac{\partial^2 f}{\partial x \partial x^T}
 *   f(x) = x^T A x                            L(W_1, b_1) = ‖W_2 σ(W_1 x + b_1) − y‖²    \mathcal{L} = …
 *
 * The derivative's notation is blanked out of the text (replaced by spaces, so every span still points into what
 * the user wrote) and returned as the variables and whether a Hessian is asked for. Anything else is left alone.
 */
import { MatdiffError } from "../errors.js";
import { KNOWN_FUNCTIONS } from "./lexer.js";

export interface Question {
  /** The input with the derivative's notation blanked: the same length, the same offsets. */
  readonly expr: string;
  /** The variables the notation names, as written (`x`, `\theta`, `W_1`), in order; empty when none. */
  readonly wrt: readonly string[];
  /** `∇²`, `∂²`: the second derivative. */
  readonly hessian: boolean;
  /** Written with d, not ∂ (`d/dt`, `\frac{d}{dt}`): a derivative by a scalar, as t is in a textbook. */
  readonly total?: boolean;
  /** The notation as written, for messages: `\nabla_x`, `f(x) =`. */
  readonly notation?: string;
  /** `\frac{∂}{∂σ^2}`, `d/dσ²`: a first derivative by the square of the variable (its ² on the denominator only). */
  readonly bySquare?: boolean;
  /** `\\nabla f` with no subscript: the variable is to be found, f's one symbol. */
  readonly bareNabla?: boolean;
  /** `‖y − ŷ‖², ŷ = Xw`, `… where z = Wx`: definitions after the function, as --where gives them, and where each starts. */
  readonly where?: readonly { readonly text: string; readonly offset: number }[];
}

const blank = (s: string) => s.replace(/[^\n]/g, " ");
const isTotal = (d: string) => !/partial|∂/.test(d);

/** The index after the braced group that opens at `open` (`s[open] === "{"`), or -1. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "\\") { i++; continue; }
    if (s[i] === "{") depth++;
    else if (s[i] === "}" && --depth === 0) return i + 1;
  }
  return -1;
}

/** `\partial`, `∂`, `d`, `\mathrm{d}`, `\operatorname{d}` at the start of a differential. */
const D = String.raw`(?:\\partial|∂|\\mathrm\{d\}|\\operatorname\{d\}|d)`;
/** A symbol as a variable is spelt: `x`, `W_1`, `W_{hh}`, `\theta`, `θ`, `\mathbf{x}`, `\boldsymbol{\theta}`, `\hat{y}`, `ŷ`. */
const VAR = String.raw`(?:\\[A-Za-z]+\{\s*(?:\\[A-Za-z]+|[A-Za-z])\s*\}|\\[A-Za-z]+|[A-Za-zα-ωΑ-Ωℓ][\u0302\u0303\u0304]?|[\u00C0-\u024F])(?:_\{[^{}]*\}|_[A-Za-z0-9]+)?`;
const TRANSPOSE = String.raw`(?:\^\s*(?:\{\s*)?(?:T|\\top|\\intercal|\\mathsf\{T\}|\\mathrm\{T\})(?:\s*\})?|ᵀ|')`;
const SQUARED = String.raw`(?:\^\s*(?:\{\s*2\s*\}|2)|²)`;

// compiled once: every request passes through readQuestion, and building these per call was a tenth of a warm request
const ONE_DENOMINATOR = new RegExp(String.raw`^\s*(${D})\s*(${VAR})\s*(${SQUARED})?\s*$`);
const TWO_DENOMINATORS = new RegExp(String.raw`^\s*${D}\s*(${VAR})\s*(?:\\[,;!]\s*)?${D}\s*(${VAR})\s*${TRANSPOSE}?\s*$`);
const NUMERATOR = new RegExp(String.raw`^\s*${D}\s*(${SQUARED})?`);
const DEFINED = new RegExp(String.raw`^(?:\\(?:log|ln)\s*)?(?:\\mathcal\{[A-Za-z]\}|\\(?:bar|hat|tilde|overline|widehat|widetilde|mathbf|boldsymbol|bm)\{\s*(?:\\[A-Za-z]+|[A-Za-z])\s*\}|\\(?:text|mathrm|operatorname|mathsf|mathit)\{[A-Za-z]+\}|\\[A-Za-z]+|([A-Za-z]{2,12})|[A-Za-zα-ωΑ-Ωℓ])(?:_\{(?:[^{}]|\{[^{}]*\})*\}|_[A-Za-z0-9]+)?\s*(?:\(([^()=]*)\))?\s*:?=(?!=)`);
const OPERATOR = new RegExp(String.raw`^(?:(?:\\nabla|∇)\s*(${SQUARED})?\s*_\s*(?:\{\s*(${VAR})\s*\}|(${VAR}))\s*(${SQUARED})?|${D}\s*(${SQUARED})?\s*/\s*(${D})\s*(${VAR})\s*(${SQUARED})?|(?:\\partial|∂)\s*_\s*(?:\{\s*(${VAR})\s*\}|(${VAR})))`);
/**
 * An optimisation problem as written in a paper: `\min_w`, `\arg\min_{w}`, `\operatorname*{arg\,min}_{W, b}`,
 * `\underset{θ}{\max}`, `\min_{w \in \mathbb{R}^d}`: its objective is differentiated by its variables (groups
 * 1 and 2, a subscript braced or not, 3 \underset's), the domain after \in left out.
 */
const ARG = String.raw`arg\s*(?:\\[,;!]\s*)?`;
const EXTREMUM = String.raw`(?:\\arg\s*\\(?:min|max)|\\(?:arg)?(?:min|max)|\\operatorname\*?\{\s*(?:${ARG})?(?:min|max)\s*\}|\\mathop\{\\mathrm\{${ARG}(?:min|max)\}\}|\\mathrm\{${ARG}(?:min|max)\}|(?:arg)?(?:min|max))`;
const OPTIMUM = new RegExp(String.raw`^(?:${EXTREMUM}\s*(?:\\limits\s*)?_\s*(?:\{((?:[^{}]|\{[^{}]*\})*)\}|(${VAR}))|\\underset\s*\{((?:[^{}]|\{[^{}]*\})*)\}\s*\{\s*${EXTREMUM}\s*\})`);
const WHOLE_VAR = new RegExp(String.raw`^${VAR}$`);
const FUNCTION_NAMES: ReadonlySet<string> = new Set(KNOWN_FUNCTIONS);
/**
 * The variables of an optimisation's subscript: `W, b`, `w \in \mathbb{R}^d`; null when one is not a variable,
 * or is an index of the objective (`\max_i x_i` is x's largest entry, not a problem in i).
 */
function optimised(subscript: string, objective: string): string[] | null {
  const names = subscript.split(",").map((part) => part.split(/\\in\b|∈/)[0]!.trim());
  if (!names.every((n) => WHOLE_VAR.test(n))) return null;
  return names.some((n) => objective.includes(`_${n}`) || objective.includes(`_{${n}}`)) ? null : names;
}
/** `\\nabla f`, `∇² f`: the operator with no subscript (a subscript is OPERATOR's). */
const BARE_NABLA = new RegExp(String.raw`^(?:\\nabla(?![A-Za-z])|∇)\s*(${SQUARED})?(?!\s*_)`);
/** What OPERATOR can start with. */
const OPERATOR_START = /^[\\∇∂d]/;

/**
 * A denominator `∂x`, `dX`, `∂x ∂xᵀ`, `∂x²`: the variable, and whether it is the second derivative's.
 * null when it is not one of these.
 */
function denominator(text: string): { readonly wrt: string; readonly second: boolean; readonly total: boolean } | null {
  const one = ONE_DENOMINATOR.exec(text);
  if (one) return { wrt: one[2]!, second: one[3] !== undefined, total: isTotal(one[1]!) };
  const two = TWO_DENOMINATORS.exec(text);
  if (two && two[1]!.trim() === two[2]!.trim()) return { wrt: two[1]!, second: true, total: false };
  return null;
}

/** `\frac{∂}{∂x}`, `\frac{∂²}{∂x∂xᵀ}`, `\frac{∂ f}{∂x}`: the fraction at `at`, if it is a derivative. */
function derivativeFraction(s: string, at: number): { end: number; numerator: [number, number]; wrt: string; second: boolean; total: boolean; bySquare: boolean } | null {
  const head = /^\\[dt]?frac\s*/.exec(s.slice(at));
  if (!head) return null;
  const open1 = at + head[0].length;
  if (s[open1] !== "{") return null;
  const close1 = closing(s, open1);
  if (close1 < 0) return null;
  let open2 = close1;
  while (/\s/.test(s[open2] ?? "")) open2++;
  if (s[open2] !== "{") return null;
  const close2 = closing(s, open2);
  if (close2 < 0) return null;
  const den = denominator(s.slice(open2 + 1, close2 - 1));
  if (!den) return null;
  const num = NUMERATOR.exec(s.slice(open1 + 1, close1 - 1));
  if (!num) return null;
  // the d of a numerator `d f` must not be the first letter of the function: \frac{dx^T A x}{dx} is ambiguous, read as d(xᵀAx)
  const start = open1 + 1 + num[0].length;
  // ∂²/∂x² is the second derivative; ∂/∂σ², with the ² on the denominator alone, the first by σ²
  const bySquare = den.second && num[1] === undefined && ONE_DENOMINATOR.test(s.slice(open2 + 1, close2 - 1));
  return { end: close2, numerator: [start, close1 - 1], wrt: den.wrt, second: !bySquare && (den.second || num[1] !== undefined), total: den.total, bySquare };
}

/** The variable of ∇ₓ as the subscript letter it is typed with. */
const UNICODE_SUBSCRIPTS: Readonly<Record<string, string>> = {
  ...Object.fromEntries([..."ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"].map((c, k) => [c, "aehijklmnoprstuvx"[k]!])),
  ᵦ: "\\beta", ᵧ: "\\gamma", ᵨ: "\\rho", ᵩ: "\\phi", ᵪ: "\\chi",
};
const UNICODE_NABLA = new RegExp(`^(?:\\\\nabla|∇)\\s*(${SQUARED})?\\s*([${Object.keys(UNICODE_SUBSCRIPTS).join("")}])\\s*(${SQUARED})?`);

/** What joins a derivative and a definition: a comma, a semicolon, \quad, "where", "for". */
const JOIN = /^\s*(?:[,;:]|\\q?quad\b|\\text\{\s*(?:where|with|for)\s*\}|(?:where|for)\b)\s*(?:(?:\\text\{\s*)?(?:where|with|for)(?:\s*\})?\s*)?/;

/** After `\frac{∂f}{∂x}` at `from`: where `f = …` starts (its name `name`, with or without arguments), or null. */
function definitionAfter(input: string, from: number, name: string): number | null {
  const join = JOIN.exec(input.slice(from));
  if (!join || name === "") return null;
  const start = from + join[0].length;
  const rest = input.slice(start);
  if (!rest.startsWith(name)) return null;
  const after = rest.slice(name.length);
  return /^\s*(?:\([^()=]*\))?\s*:?=(?!=)/.test(after) ? start : null;
}

/** The question written after a definition of `name` (`, \frac{∂f}{∂x}`, `; find ∇_W L`), where it starts, or null. */
function derivativeAfter(input: string, from: number, name: string): { start: number; question: Question } | null {
  if (name === "") return null;
  let depth = 0;
  // the last join at the top level: the definition's own commas are inside brackets (L(W, b) = …, tr(A, B))
  for (let i = input.length - 1; i >= from; i--) {
    const c = input[i]!;
    if (c === ")" || c === "}" || c === "]") depth++;
    else if (c === "(" || c === "{" || c === "[") depth--;
    if (depth !== 0 || !/[,;\\]/.test(c)) continue;
    const join = JOIN.exec(input.slice(i));
    if (!join) continue;
    const tail = input.slice(i + join[0].length).replace(/^(?:find|compute|give)\s+/i, (w) => blank(w));
    const question = readQuestion(tail);
    const of = question.expr.trim().replace(/\s*\([^()]*\)$/, "");
    if (question.wrt.length && of === name) return { start: i, question };
    return null;
  }
  return null;
}

/**
 * The question in words: "the gradient of f with respect to x", "derivative of log det(X) wrt X", "Hessian of f
 * w.r.t. x", "f, with respect to W and b": the words blanked, the variables named, the rest read as ever.
 */
const ASKED = /^\s*(?:(?:what\s+is|find|compute|give)\s+)?(?:the\s+)?(gradient|derivative|hessian|jacobian|differential|grad)\s+of(?:\s+|\s*$)/i;
const BY_WORDS = new RegExp(String.raw`(?:,\s*|\s+|\\(?:quad|qquad|,|;)\s*)(?:\\text\{\s*)?(?:with\s+respect\s+to|w\.\s?r\.\s?t\.?|wrt)(?:\s*\})?\s+(${VAR}(?:\s*(?:,|and)\s*${VAR})*)\s*[.?]?\s*$`, "i");

function readWords(input: string): Question | null {
  const asked = /[a-z]{3}/i.test(input) ? ASKED.exec(input) : null;
  const by = /w\.?\s?r\.?\s?t|respect/i.test(input) ? BY_WORDS.exec(input) : null;
  if (!asked && !by) return null;
  const head = asked ? asked[0].length : 0;
  const tail = by ? by.index : input.length;
  // "the gradient of" and nothing after it: an empty expression, not the word 'gradient'
  if (tail <= head) return asked ? { expr: blank(input), wrt: [], hessian: false } : null;
  const inner = readQuestion(blank(input.slice(0, head)) + input.slice(head, tail) + blank(input.slice(tail)));
  const wrt = by ? by[1]!.split(/\s*(?:,|\band\b)\s*/).map((v) => v.trim()).filter((v) => v !== "") : [];
  const hessian = Boolean(asked && asked[1]!.toLowerCase() === "hessian");
  const notation = asked ? `the ${asked[1]!} of` : by![0].trim();
  return {
    ...inner,
    wrt: wrt.length ? wrt : inner.wrt,
    hessian: hessian || inner.hessian,
    notation: inner.notation ?? notation,
    // "the derivative of xᵀx" names no variable: f's one symbol, as ∇f with no subscript
    ...(wrt.length === 0 && inner.wrt.length === 0 && asked ? { bareNabla: true } : {}),
  };
}

/**
 * The math of a note pasted with its delimiters: $…$, $$…$$, \(…\), \[…\], \begin{equation}…\end{equation}, and the
 * full stop or comma that ends a displayed formula inside them; null when the input is not one delimited formula.
 */
const DELIMITED = /^(\s*)(\$\$|\$|\\\(|\\\[|\\begin\{(equation\*?|displaymath|math)\})([\s\S]*?)([.,;]?\s*)(\$\$|\$|\\\)|\\\]|\\end\{(equation\*?|displaymath|math)\})(\s*)$/;
const ENDS_SENTENCE = /(?<=\S)\s*[.?!]+\s*$/;

/** `, z = `, `; p = `, `\\quad \\hat{y} = `, ` where z = `, `\\text{ where } z = `: a definition starting after the function. */
const DEFINITION_START = new RegExp(String.raw`(?:,|;|\\q?quad(?![A-Za-z])|\\text\{\s*(?:where|with|and)\s*\}|(?<![A-Za-z\\])(?:where|with|and)(?![A-Za-z]))(?:\s*(?:,|;|\\q?quad(?![A-Za-z])|\\[,;:!]|\\text\{\s*(?:where|with)\s*\}|(?<![A-Za-z\\])(?:where|with)(?![A-Za-z])))*\s*(${VAR})\s*:?=(?!=)`, "g");

/**
 * ‖y − ŷ‖², ŷ = Xw; −Σᵢ yᵢ log pᵢ, p = softmax(z); ‖z‖² where z = Ax − b: definitions after the function, each of a
 * name the function (or another definition) uses, read as --where reads them. Not a name the derivative's own
 * notation differentiates (\frac{∂f}{∂x}, f = …, read by definitionAfter), nor an = inside brackets (\sum_{i, j = 1}).
 */
function trailingDefinitions(input: string): { expr: string; where: { text: string; offset: number }[] } | null {
  const starts = [...input.matchAll(DEFINITION_START)].filter((m) => depthAt(input, m.index!) === 0);
  // a handful, as people write them; each is checked against the others, which a pasted list of thousands would square
  if (starts.length === 0 || starts.length > MAX_INLINE_DEFINITIONS) return null;
  const main = input.slice(0, starts[0]!.index);
  if (main.trim() === "") return null;
  const names = starts.map((m) => m[1]!.trim());
  const defs = starts.map((m, k) => {
    const from = m.index! + m[0].indexOf(m[1]!);
    const to = k + 1 < starts.length ? starts[k + 1]!.index! : input.length;
    // h = σ(W₁x), with the list's last comma after it
    return { text: input.slice(from, to).replace(/[\s,;]+$/, ""), offset: from };
  });
  // every name must be used: by the function or by another definition (z = Wx, p = softmax(z))
  const bare = (s: string) => s.replace(/\\(?:[A-Za-z]+|.)/g, (c) => (names.includes(c) ? c : " "));
  const uses = (text: string, name: string) => (/^\\/.test(name) || name.length > 1 ? text.includes(name) : new RegExp(`(?<![A-Za-z])${name}(?![A-Za-z])|${name}(?=[_^'(])`).test(bare(text)));
  for (const [k, name] of names.entries()) {
    const elsewhere = [main, ...defs.filter((_, j) => j !== k).map((d) => d.text.slice(d.text.indexOf("=") + 1))];
    if (!elsewhere.some((t) => uses(t, name))) return null;
    if (new RegExp(`(?:\\\\partial|∂|\\\\nabla|∇)\\s*${name.replace(/[\\{}^$.()]/g, "\\$&")}(?![A-Za-z])`).test(main)) return null;
  }
  return { expr: main + blank(input.slice(main.length)), where: defs };
}

const MAX_INLINE_DEFINITIONS = 16;

/** How deep in brackets position `at` of s is. */
function depthAt(s: string, at: number): number {
  let depth = 0;
  for (let k = 0; k < at; k++) {
    const c = s[k];
    if (c === "\\") { k++; continue; }
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") depth = Math.max(0, depth - 1);
  }
  return depth;
}
const CLOSER: Readonly<Record<string, string>> = { "$$": "$$", "$": "$", "\\(": "\\)", "\\[": "\\]" };

function undelimited(input: string): string | null {
  // every request passes here: only an input that opens as a delimited formula pays for the expression
  if (!/^\s*(?:\$|\\[([]|\\begin\{)/.test(input)) return null;
  const m = DELIMITED.exec(input);
  if (!m) return null;
  const [, lead, open, env, body, stop, close, endEnv, trail] = m as unknown as string[];
  if (env !== undefined ? endEnv !== env : CLOSER[open!] !== close) return null;
  // $x$ and $y$: two formulas, not one; \[ … \] holding a $ is not a display either
  if (body!.includes("$") || body!.trim() === "") return null;
  return lead! + blank(open!) + body! + blank(stop! + close! + trail!);
}

/**
 * ∇_θ J(θ) = ‖Xθ − y‖²/2m, \frac{d}{dt} f(t) = t² sin t, as a course writes them: after the operator at `end`, the
 * function's name and its definition. The question `expr` (the operator blanked) read for that definition, or null.
 */
function nameDefinedAfter(input: string, end: number, expr: string): Question | null {
  const named = input.includes("=", end) ? DEFINED.exec(input.slice(end).trimStart()) : null;
  if (!named || (named[1] !== undefined && FUNCTION_NAMES.has(named[1]))) return null;
  return readQuestion(expr);
}

export function readQuestion(input: string): Question {
  const unwrapped = undelimited(input);
  if (unwrapped !== null) return readQuestion(unwrapped);
  // "What is the gradient of f(x) = xᵀAx?", "Find the Hessian of … .": the sentence's own full stop or question mark
  const stop = /[.?!]\s*$/.test(input) ? ENDS_SENTENCE.exec(input) : null;
  if (stop) return readQuestion(input.slice(0, stop.index) + blank(stop[0]));
  const after = input.includes("=") ? trailingDefinitions(input) : null;
  if (after) {
    const inner = readQuestion(after.expr);
    return { ...inner, where: [...(inner.where ?? []), ...after.where] };
  }
  const words = readWords(input);
  if (words) return words;
  let at = 0;
  while (/\s/.test(input[at] ?? "")) at++;
  const rest = input.slice(at);

  // f(x) = …, L(W_1, b_1; X) = …, \mathcal{L} = …, J(θ) := …, \log L(θ) = …: a name for the function, and the variables it is of
  // the cheap tests first: V8 compiles a regular expression on its first run, and these are long (2 ms of a cold command)
  const defined = rest.includes("=") ? DEFINED.exec(rest) : null;
  // KL = …, NLL(w) = …, loss = …, \text{MSE} = …: a name of letters, unless it is a function's (tr(A) = … names nothing)
  if (defined && !(defined[1] !== undefined && FUNCTION_NAMES.has(defined[1]))) {
    const end = at + defined[0].length;
    // f = xᵀAx, \frac{∂f}{∂x}; L = ‖XW − Y‖²; find ∇_W L: the derivative of the name, after its definition
    const asked = derivativeAfter(input, end, defined[0].replace(/\(.*$|:?=$/s, "").trim());
    if (asked) {
      const inner = readQuestion(input.slice(0, at) + blank(defined[0]) + input.slice(end, asked.start) + blank(input.slice(asked.start)));
      return { ...inner, wrt: asked.question.wrt, hessian: asked.question.hessian, ...(asked.question.total ? { total: true } : {}), notation: asked.question.notation ?? defined[0].trim(), ...(asked.question.bySquare ? { bySquare: true } : {}) };
    }
    const inner = readQuestion(input.slice(0, at) + blank(defined[0]) + input.slice(end));
    // KL(q ‖ p) = …: what the name is "of" is not always the variables (q and p are distributions)
    const args = (defined[2] ?? "").split(";")[0]!.split(",").map((a) => a.trim()).filter((a) => a !== "" && (defined[1] === undefined || WHOLE_VAR.test(a)));
    return { ...inner, wrt: inner.wrt.length ? inner.wrt : args, notation: inner.notation ?? defined[0].trim() };
  }

  const fraction = derivativeFraction(input, at);
  if (fraction) {
    const [n0, n1] = fraction.numerator;
    const numerator = input.slice(n0, n1);
    const written = input.slice(at, fraction.end);
    if (numerator.trim() === "") {
      // \frac{∂}{∂x} f: the operator, then the function
      const expr = input.slice(0, at) + blank(written) + input.slice(fraction.end);
      const inner = nameDefinedAfter(input, fraction.end, expr);
      return { ...(inner ?? { expr }), wrt: [fraction.wrt], hessian: fraction.second || (inner?.hessian ?? false), total: fraction.total, notation: input.slice(at, fraction.end), bySquare: fraction.bySquare };
    }
    // \frac{∂f}{∂x}, f = xᵀAx; \frac{∂L}{∂W} \text{ where } L = …: the numerator's definition follows
    const where = input.slice(fraction.end).trim() !== "" ? definitionAfter(input, fraction.end, numerator.trim()) : null;
    if (where !== null) {
      const inner = readQuestion(blank(input.slice(0, where)) + input.slice(where));
      return { ...inner, wrt: [fraction.wrt], hessian: fraction.second || inner.hessian, total: fraction.total, notation: written, bySquare: fraction.bySquare };
    }
    // \frac{∂ f}{∂x}: the function is the numerator; nothing else may follow the fraction
    if (input.slice(fraction.end).trim() !== "") return { expr: input, wrt: [], hessian: false };
    return {
      expr: input.slice(0, at) + blank(input.slice(at, n0)) + numerator + blank(input.slice(n1, fraction.end)) + input.slice(fraction.end),
      wrt: [fraction.wrt], hessian: fraction.second, total: fraction.total, notation: `${input.slice(at, n0)}…${input.slice(n1, fraction.end)}`, bySquare: fraction.bySquare,
    };
  }

  // \min_w ‖Xw − y‖², \arg\min_{W, b} L: the objective, by the problem's variables
  // only what names an extremum pays for the long expression (compiled on its first run)
  const optimum = /^[\\am]/.test(rest) && (rest.includes("min") || rest.includes("max")) ? OPTIMUM.exec(rest) : null;
  if (optimum) {
    const wrt = optimised(optimum[1] ?? optimum[2] ?? optimum[3] ?? "", rest.slice(optimum[0].length));
    if (wrt) {
      const end = at + optimum[0].length;
      return { expr: input.slice(0, at) + blank(optimum[0]) + input.slice(end), wrt, hessian: false, notation: optimum[0].trim() };
    }
  }

  // ∇ₓ f, ∇²ᵤ f, ∇ᵦ f: the variable as a phone types it, a Unicode subscript letter
  const typed = rest.startsWith("\\nabla") || rest.startsWith("∇") ? UNICODE_NABLA.exec(rest) : null;
  if (typed) {
    const end = at + typed[0].length;
    const expr = input.slice(0, at) + blank(typed[0]) + input.slice(end);
    const inner = nameDefinedAfter(input, end, expr);
    return { ...(inner ?? { expr }), wrt: [UNICODE_SUBSCRIPTS[typed[2]!]!], hessian: typed[1] !== undefined || typed[3] !== undefined || (inner?.hessian ?? false), notation: typed[0].trim() };
  }
  // ∇_x, \nabla_{x}, \nabla^2_x, \nabla_x^2, ∇²_x, ∂/∂x, d/dx, \partial_x
  const operator = OPERATOR_START.test(rest) ? OPERATOR.exec(rest) : null;
  if (operator) {
    const m = operator;
    const wrt = m[2] ?? m[3] ?? m[7] ?? m[9] ?? m[10];
    if (wrt) {
      // d/dσ², the ² on the denominator alone: the first derivative by σ²
      const bySquare = m[8] !== undefined && m[5] === undefined;
      const second = !bySquare && [m[1], m[4], m[5], m[8]].some((g) => g !== undefined);
      const end = at + m[0].length;
      const expr = input.slice(0, at) + blank(m[0]) + input.slice(end);
      const inner = nameDefinedAfter(input, end, expr);
      return { ...(inner ?? { expr }), wrt: [wrt.trim()], hessian: second || (inner?.hessian ?? false), total: m[6] !== undefined && isTotal(m[6]), notation: m[0].trim(), bySquare };
    }
  }
  // ∇f, ∇²f with no subscript: the variable is f's one symbol (analyse.ts), or the question is refused as ambiguous
  const bare = rest.startsWith("\\nabla") || rest.startsWith("∇") ? BARE_NABLA.exec(rest) : null;
  if (bare) {
    const end = at + bare[0].length;
    // ∇·F, ∇×F: the divergence and the curl of a vector field, which are not a derivative's notation here
    const after = input.slice(end).trimStart();
    if (/^(?:\\cdot(?![A-Za-z])|·|\\times(?![A-Za-z])|×)/.test(after)) {
      const curl = /^(?:\\times|×)/.test(after);
      throw new MatdiffError("unsupported", `${curl ? "the curl ∇×F" : "the divergence ∇·F"} of a vector field is not read`, { start: at, end: end + (input.length - end - after.length) + (after.startsWith("\\") ? (curl ? 6 : 5) : 1) }, {
        hint: curl ? "ask for the Jacobian J = ∂F/∂x (--wrt x): the curl's entries are differences of its off-diagonal entries" : "ask for the Jacobian J = ∂F/∂x (--wrt x): the divergence is its trace, tr(J)",
      });
    }
    return { expr: input.slice(0, at) + blank(bare[0]) + input.slice(end), wrt: [], hessian: bare[1] !== undefined, notation: bare[0].trim(), bareNabla: true };
  }
  return { expr: input, wrt: [], hessian: false };
}
