# The matdiff input language (DESIGN.md §2). One nonterminal per rung of the
# precedence ladder in src/syntax/precedence.ts, loosest first. The lexer has
# already settled spellings and split letter runs, so every rule here is about
# structure. The grammar must stay unambiguous: parse() rejects two readings.

@preprocessor typescript

@{%
import { lexer, type Token } from "./lexer.js";
import type { BinaryOp, FunctionName, Node, NormKind, PostfixOp } from "./ast.js";

/** What follows `^`: the postfix operator it spells, and where its text ends. */
interface Exponent { readonly op: PostfixOp; readonly exponent?: string; readonly end: number }

const span = (start: number, end: number) => ({ start, end });
const tok = (x: unknown) => x as Token;
const node = (x: unknown) => x as Node;

function binary(op: BinaryOp, implicit = false) {
  return (d: unknown[]): Node => {
    const left = node(d[0]);
    const right = node(d[d.length - 1]);
    return { type: "binary", op, left, right, span: span(left.span.start, right.span.end), ...(implicit ? { implicit } : {}) };
  };
}
const product = binary("*", true);
/** `w \cdot x`, `w · x`: the dot of a dot product, which elaborate reads as wᵀx between two vectors. */
function timesNode(d: unknown[]): Node {
  const n = binary("*")(d);
  return /^(?:\\cdot|·)$/.test(tok(d[1]).text) ? { ...n, dot: true } as Node : n;
}

/** A bracketed group is not a node: its content stands in, spanning the brackets too. */
function group(d: unknown[]): Node {
  return { ...node(d[1]), span: span(tok(d[0]).offset, tok(d[2]).end) };
}

function identNode(t: Token): Node {
  return {
    type: "ident", name: t.value, span: span(t.offset, t.end), ...(t.bold ? { bold: true } : {}),
    ...(t.param ? { of: { name: t.param.name, span: span(t.param.offset, t.param.end) } } : {}),
  };
}

function call(fn: FunctionName, name: Token, args: Node[], end: number): Node {
  return { type: "call", fn, args, span: span(name.offset, end), nameSpan: span(name.offset, name.end) };
}

function postfix(arg: Node, e: Exponent): Node {
  const exponent = e.exponent === undefined ? {} : { exponent: e.exponent };
  return { type: "postfix", op: e.op, arg, span: span(arg.span.start, e.end), ...exponent };
}

/** `.5` reads as 0.5 so that every spelling of an exponent has one text. */
const decimal = (text: string) => (text.startsWith(".") ? `0${text}` : text);

/** The exponent of `^n` / `^{-n}` / `^{a/b}`; `-1` is the inverse. */
function power(negative: boolean, text: string, end: number): Exponent {
  if (negative && text === "1") return { op: "inv", end };
  return { op: "pow", exponent: `${negative ? "-" : ""}${text}`, end };
}

/** Unicode superscripts as the lexer reads them: "T", "-T", "-1", "2", "-2". */
function superscript(t: Token): Exponent {
  if (t.value === "T") return { op: "T", end: t.end };
  if (t.value === "-T") return { op: "invT", end: t.end };
  return t.value.startsWith("-") ? power(true, t.value.slice(1), t.end) : power(false, t.value, t.end);
}

/** `x.^p`: the elementwise power by a scalar expression. */
function powerBy(arg: Node, exponent: Node, end: number): Node {
  return { type: "binary", op: "hpow", left: arg, right: exponent, span: span(arg.span.start, end) };
}

function identOf(t: Token): Node {
  return { type: "ident", name: t.value, span: span(t.offset, t.end), ...(t.bold ? { bold: true } : {}) };
}

/** `.^n`; `.^{-1}` is the elementwise reciprocal, not an inverse. */
function elementwise(arg: Node, e: Exponent): Node {
  return postfix(arg, { op: "epow", exponent: e.exponent ?? "-1", end: e.end });
}

/** A norm with its `_2` / `_F` (the lexer only types those two as %normsub). */
const subscripted = (norm: Node, sub: Token) => ({ ...norm, kind: sub.value as NormKind }) as Node;
%}

@lexer lexer

main -> Sum {% id %}

Sum -> Sum %plus Neg                 {% binary("+") %}
     | Sum %minus Neg                {% binary("-") %}
     | Neg                           {% id %}

# −a b = −(a b) and −a ⊙ b = −(a ⊙ b). No minus on operands of ⊙ ⊗ * /.
Neg -> %minus Neg                    {% (d) => ({ type: "neg", arg: node(d[1]), span: span(tok(d[0]).offset, node(d[1]).span.end) }) %}
     | Elem                          {% id %}

Elem -> Elem %hadamard Product       {% binary("hadamard") %}
      | Elem %hdivide Product        {% binary("hdivide") %}
      | Elem %kronop Product         {% binary("kron") %}
      | Product                      {% id %}

# Juxtaposition, * and / share one left-associative level: a/b c = (a/b) c.
# A LaTeX operator form (`\det A B`) takes the rest of the juxtaposed run, so
# it can only end a run: ProductF ends in an ordinary factor and may be
# extended by juxtaposition, ProductO ends in an operator form and may not.
Product -> ProductF                  {% id %}
         | ProductO                  {% id %}

ProductF -> Product %times Factor    {% timesNode %}
          | Product %slash Factor    {% binary("/") %}
          | ProductF Factor          {% product %}
          | Factor                   {% id %}

ProductO -> Product %times OpApp     {% timesNode %}
          | Product %slash OpApp     {% binary("/") %}
          | ProductF OpApp           {% product %}
          | OpApp                    {% id %}

# `\operatorname{tr} A^{-1} B` = tr(A^{-1} B); `\log \det A` = log(det(A)).
# The lexer makes a name followed by `(` an %fncall, so this never competes with a call.
OpApp -> %fnop Run                   {% (d) => call(tok(d[0]).value as FunctionName, tok(d[0]), [node(d[1])], node(d[1]).span.end) %}

Run -> RunF                          {% id %}
     | RunO                          {% id %}
RunF -> RunF Factor                  {% product %}
      | Factor                       {% id %}
RunO -> RunF OpApp                   {% product %}
      | OpApp                        {% id %}

Factor -> Postfix                    {% id %}

Postfix -> Atom                      {% id %}
         | Postfix %caret Exponent   {% (d) => postfix(node(d[0]), d[2] as Exponent) %}
         | Postfix %dotcaret Power   {% (d) => elementwise(node(d[0]), d[2] as Exponent) %}
         # `A^{\circ 2}`: the Hadamard power as textbooks (and the LaTeX printer) write it.
         | Postfix %caret %lbrace %hadamard Circled %rbrace
             {% (d) => elementwise(node(d[0]), { ...(d[4] as Exponent), end: tok(d[5]).end }) %}
         # `x∘²`, `x∘^{1/2}`: the Hadamard power as the text printer writes it (∘ followed by an exponent, never an operand).
         | Postfix %hadamard %sup    {% (d, _, reject) => { const e = superscript(tok(d[2])); return e.op === "T" || e.op === "invT" ? reject : elementwise(node(d[0]), e); } %}
         | Postfix %hadamard %caret Power {% (d) => elementwise(node(d[0]), d[3] as Exponent) %}
         # an exponent that is a scalar expression: `x.^p`, `x.^(p - 1)`, `x^{\circ p}`, `x∘^p` (issue 12)
         | Postfix %dotcaret %ident  {% (d) => powerBy(node(d[0]), identOf(tok(d[2])), tok(d[2]).end) %}
         | Postfix %dotcaret Paren   {% (d) => powerBy(node(d[0]), node(d[2][1]), tok(d[2][2]).end) %}
         | Postfix %hadamard %caret %ident {% (d) => powerBy(node(d[0]), identOf(tok(d[3])), tok(d[3]).end) %}
         | Postfix %hadamard %caret Paren  {% (d) => powerBy(node(d[0]), node(d[3][1]), tok(d[3][2]).end) %}
         | Postfix %caret %lbrace %hadamard %ident %rbrace {% (d) => powerBy(node(d[0]), identOf(tok(d[4])), tok(d[5]).end) %}
         | Postfix %caret %lbrace %hadamard Paren %rbrace  {% (d) => powerBy(node(d[0]), node(d[4][1]), tok(d[5]).end) %}
         | Postfix %prime            {% (d) => postfix(node(d[0]), { op: "T", end: tok(d[1]).end }) %}
         | Postfix %sup              {% (d) => postfix(node(d[0]), superscript(tok(d[1]))) %}
         # `‖x‖^2_2`: LaTeX allows the subscript after the superscript.
         | NormBody %caret Exponent %normsub
             {% (d) => ({ ...postfix(subscripted(node(d[0]), tok(d[3])), d[2] as Exponent), span: span(node(d[0]).span.start, tok(d[3]).end) }) %}

# The lexer types `T` as %tee only right after `^`: T elsewhere is an ordinary name.
Exponent -> Transpose                {% id %}
          | %lbrace Transpose %rbrace {% (d) => ({ ...(d[1] as Exponent), end: tok(d[2]).end }) %}
          | Power                    {% id %}

Transpose -> %tee                    {% (d) => ({ op: "T", end: tok(d[0]).end }) %}
           | %minus %tee             {% (d) => ({ op: "invT", end: tok(d[1]).end }) %}

Power -> Number                      {% id %}
       | %lbrace Number %rbrace      {% (d) => ({ ...(d[1] as Exponent), end: tok(d[2]).end }) %}
       # Fractions only inside braces: unbraced `A^1/2` is (A^1)/2, as in LaTeX.
       | %lbrace Fraction %rbrace    {% (d) => ({ ...(d[1] as Exponent), end: tok(d[2]).end }) %}
       | %lt %minus %num %gt         {% (d, _, reject) => (tok(d[2]).value === "1" ? { op: "inv", end: tok(d[3]).end } : reject) %}

Circled -> Number                    {% id %}
         | Fraction                  {% id %}

Number -> %num                       {% (d) => power(false, decimal(tok(d[0]).value), tok(d[0]).end) %}
        | %minus %num                {% (d) => power(true, decimal(tok(d[1]).value), tok(d[1]).end) %}

Fraction -> %num %slash %num         {% (d) => power(false, `${decimal(tok(d[0]).value)}/${decimal(tok(d[2]).value)}`, tok(d[2]).end) %}
          | %minus %num %slash %num  {% (d) => power(true, `${decimal(tok(d[1]).value)}/${decimal(tok(d[3]).value)}`, tok(d[3]).end) %}

Atom -> %num                         {% (d) => ({ type: "number", text: tok(d[0]).value, span: span(tok(d[0]).offset, tok(d[0]).end) }) %}
      | %ident                       {% (d) => identNode(tok(d[0])) %}
      | %ones                        {% (d) => ({ type: "ones", span: span(tok(d[0]).offset, tok(d[0]).end) }) %}
      | Group                        {% id %}
      | %fncall Paren                {% (d) => call(tok(d[0]).value as FunctionName, tok(d[0]), [node(d[1][1])], tok(d[1][2]).end) %}
      | %sqrtcmd %lbrace Sum %rbrace {% (d) => call("sqrt", tok(d[0]), [node(d[2])], tok(d[3]).end) %}
      | %invfn Paren                 {% (d) => ({ type: "postfix", op: "inv", arg: node(d[1][1]), span: span(tok(d[0]).offset, tok(d[1][2]).end) }) %}
      | %normfn Paren                {% (d) => ({ type: "norm", arg: node(d[1][1]), kind: null, span: span(tok(d[0]).offset, tok(d[1][2]).end) }) %}
      # max(x, 0): only as the ReLU, which shapes/elaborate.ts checks
      | %maxfn %lparen Sum %comma Sum %rparen
          {% (d) => call("max", tok(d[0]), [node(d[2]), node(d[4])], tok(d[5]).end) %}
      | %kronfn %lparen Sum %comma Sum %rparen
          {% (d) => ({ type: "binary", op: "kron", left: node(d[2]), right: node(d[4]), span: span(tok(d[0]).offset, tok(d[5]).end) }) %}
      | %frac %lbrace Sum %rbrace %lbrace Sum %rbrace
          {% (d) => ({ type: "binary", op: "/", left: node(d[2]), right: node(d[5]), span: span(tok(d[0]).offset, tok(d[6]).end) }) %}
      | %langle Sum %comma Sum %rangle
          {% (d) => ({ type: "inner", left: node(d[1]), right: node(d[3]), span: span(tok(d[0]).offset, tok(d[4]).end) }) %}
      # `e^{-x^T x/2}`, `\mathrm{e}^x`: the lexer types e as %expbase only before a power that is not ^T or ^{-1}.
      | %expbase %caret Atom         {% (d) => call("exp", tok(d[0]), [node(d[2])], node(d[2]).span.end) %}
      | %expbase %caret %minus Atom  {% (d) => call("exp", tok(d[0]), [{ type: "neg", arg: node(d[3]), span: span(tok(d[2]).offset, node(d[3]).span.end) }], node(d[3]).span.end) %}
      # `|x|` is abs for a scalar or vector and det for a matrix; shapes decide. Like ‖, `|` opens and closes alike.
      | %vbar Sum %vbar              {% (d) => ({ type: "bars", arg: node(d[1]), span: span(tok(d[0]).offset, tok(d[2]).end) }) %}
      | %lvert Sum %rvert            {% (d) => ({ type: "bars", arg: node(d[1]), span: span(tok(d[0]).offset, tok(d[2]).end) }) %}
      | NormBody                     {% id %}
      | NormBody %normsub            {% (d) => ({ ...subscripted(node(d[0]), tok(d[1])), span: span(node(d[0]).span.start, tok(d[1]).end) }) %}

Group -> %lparen Sum %rparen         {% group %}
       | %lbrack Sum %rbrack         {% group %}
       | %lbrace Sum %rbrace         {% group %}

# Kept as [open, content, close] so a call's argument keeps its own span.
Paren -> %lparen Sum %rparen         {% (d) => d %}

# `‖`, `\|` and `||` open and close alike, so `‖a‖ b ‖c‖` has two readings;
# parse() reports it as ambiguous rather than guessing.
NormBody -> %bar Sum %bar            {% (d) => ({ type: "norm", arg: node(d[1]), kind: null, span: span(tok(d[0]).offset, tok(d[2]).end) }) %}
          | %lnorm Sum %rnorm        {% (d) => ({ type: "norm", arg: node(d[1]), kind: null, span: span(tok(d[0]).offset, tok(d[2]).end) }) %}
