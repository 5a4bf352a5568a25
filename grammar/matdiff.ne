# The matdiff input language (DESIGN.md §2). One nonterminal per rung of the
# precedence ladder in src/syntax/precedence.ts, loosest first. The lexer has
# already settled spellings and split letter runs, so every rule here is about
# structure. The grammar must stay unambiguous: parse() rejects two readings.

@preprocessor typescript

@{%
import type { Token } from "./lexer.js";
import { lexer } from "./lexer.js";
import type { FunctionName, Node } from "./ast.js";
import {
  angledExponent, barsNode, binaryNode, braced, callNode, circledSuperscript, elementwise, expCall, expOfNegated, exponentIdent,
  entryNode, fractionExponent, gaussianNode, groupNode, identNode, innerNode, inverseCall, negNode, normNode, numberExponent, numberNode, onesNode,
  postfixNode, powerBy, primeNode, symbolicPower, groupPower, productNode, spelledBinary, subscriptedNorm, subscriptedNormPower, superscript, timesNode,
  transposeExponent, type Exponent,
} from "./build.js";

// The nodes are built in build.ts, shared with the fast reader (fast-parse.ts): the rules below only pick the pieces.
const tok = (x: unknown) => x as Token;
const node = (x: unknown) => x as Node;
const exp = (x: unknown) => x as Exponent;
const binary = (op: "+" | "-" | "/" | "hadamard" | "hdivide" | "kron") => (d: unknown[]) => binaryNode(op, node(d[0]), node(d[d.length - 1]));
const product = (d: unknown[]) => productNode(node(d[0]), node(d[d.length - 1]));
const timesRule = (d: unknown[]) => timesNode(node(d[0]), tok(d[1]), node(d[2]));
%}

@lexer lexer

main -> Sum {% id %}

Sum -> Sum %plus Neg                 {% binary("+") %}
     | Sum %minus Neg                {% binary("-") %}
     | Neg                           {% id %}

# −a b = −(a b) and −a ⊙ b = −(a ⊙ b). No minus on operands of ⊙ ⊗ * /.
Neg -> %minus Neg                    {% (d) => negNode(tok(d[0]), node(d[1])) %}
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

ProductF -> Product %times Factor    {% timesRule %}
          | Product %slash Factor    {% binary("/") %}
          | ProductF Factor          {% product %}
          | Factor                   {% id %}

ProductO -> Product %times OpApp     {% timesRule %}
          | Product %slash OpApp     {% binary("/") %}
          | ProductF OpApp           {% product %}
          | OpApp                    {% id %}

# `\operatorname{tr} A^{-1} B` = tr(A^{-1} B); `\log \det A` = log(det(A)).
# The lexer makes a name followed by `(` an %fncall, so this never competes with a call.
OpApp -> %fnop Run                   {% (d) => callNode(tok(d[0]).value as FunctionName, tok(d[0]), [node(d[1])], node(d[1]).span.end) %}

Run -> RunF                          {% id %}
     | RunO                          {% id %}
RunF -> RunF Factor                  {% product %}
      | Factor                       {% id %}
RunO -> RunF OpApp                   {% product %}
      | OpApp                        {% id %}

Factor -> Postfix                    {% id %}

Postfix -> Atom                      {% id %}
         | Postfix %caret Exponent   {% (d) => postfixNode(node(d[0]), exp(d[2])) %}
         | Postfix %dotcaret Power   {% (d) => elementwise(node(d[0]), exp(d[2])) %}
         # `A^{\circ 2}`: the Hadamard power as textbooks (and the LaTeX printer) write it.
         | Postfix %caret %lbrace %hadamard Circled %rbrace
             {% (d) => elementwise(node(d[0]), braced(exp(d[4]), tok(d[5]))) %}
         # `x∘²`, `x∘^{1/2}`: the Hadamard power as the text printer writes it (∘ followed by an exponent, never an operand).
         | Postfix %hadamard %sup    {% (d, _, reject) => { const e = circledSuperscript(tok(d[2])); return e ? elementwise(node(d[0]), e) : reject; } %}
         | Postfix %hadamard %caret Power {% (d) => elementwise(node(d[0]), exp(d[3])) %}
         # an exponent that is a scalar expression: `x.^p`, `x.^(p - 1)`, `x^{\circ p}`, `x∘^p` (issue 12)
         | Postfix %dotcaret %ident  {% (d) => powerBy(node(d[0]), exponentIdent(tok(d[2])), tok(d[2]).end) %}
         | Postfix %dotcaret Paren   {% (d) => powerBy(node(d[0]), node(d[2][1]), tok(d[2][2]).end) %}
         | Postfix %hadamard %caret %ident {% (d) => powerBy(node(d[0]), exponentIdent(tok(d[3])), tok(d[3]).end) %}
         | Postfix %hadamard %caret Paren  {% (d) => powerBy(node(d[0]), node(d[3][1]), tok(d[3][2]).end) %}
         | Postfix %caret %lbrace %hadamard %ident %rbrace {% (d) => powerBy(node(d[0]), exponentIdent(tok(d[4])), tok(d[5]).end) %}
         | Postfix %caret %lbrace %hadamard Paren %rbrace  {% (d) => powerBy(node(d[0]), node(d[4][1]), tok(d[5]).end) %}
         # a power by a symbol or an expression, only a scalar's: `x^n`, `t^{a - 1}`, `(2\pi)^{-d/2}`; and `x^(1/2)`
         | Postfix %caret %ident     {% (d) => symbolicPower(node(d[0]), exponentIdent(tok(d[2])), tok(d[2]).end) %}
         | Postfix %caret %lparen Sum %rparen {% (d, _, reject) => groupPower(node(d[0]), tok(d[2]), node(d[3]), tok(d[4])) ?? reject %}
         | Postfix %caret %lbrack Sum %rbrack {% (d, _, reject) => groupPower(node(d[0]), tok(d[2]), node(d[3]), tok(d[4])) ?? reject %}
         | Postfix %caret %lbrace Sum %rbrace {% (d, _, reject) => groupPower(node(d[0]), tok(d[2]), node(d[3]), tok(d[4])) ?? reject %}
         | Postfix %prime            {% (d) => primeNode(node(d[0]), tok(d[1])) %}
         | Postfix %sup              {% (d) => postfixNode(node(d[0]), superscript(tok(d[1]))) %}
         # `‖x‖^2_2`: LaTeX allows the subscript after the superscript.
         | NormBody %caret Exponent %normsub
             {% (d) => subscriptedNormPower(node(d[0]), exp(d[2]), tok(d[3])) %}

# The lexer types `T` as %tee only right after `^`: T elsewhere is an ordinary name.
Exponent -> Transpose                {% id %}
          | %lbrace Transpose %rbrace {% (d) => braced(exp(d[1]), tok(d[2])) %}
          | Power                    {% id %}

Transpose -> %tee                    {% (d) => transposeExponent(false, tok(d[0])) %}
           | %minus %tee             {% (d) => transposeExponent(true, tok(d[1])) %}

Power -> Number                      {% id %}
       | %lbrace Number %rbrace      {% (d) => braced(exp(d[1]), tok(d[2])) %}
       # Fractions only inside braces: unbraced `A^1/2` is (A^1)/2, as in LaTeX.
       | %lbrace Fraction %rbrace    {% (d) => braced(exp(d[1]), tok(d[2])) %}
       | %lt %minus %num %gt         {% (d, _, reject) => angledExponent(tok(d[2]), tok(d[3])) ?? reject %}

Circled -> Number                    {% id %}
         | Fraction                  {% id %}

Number -> %num                       {% (d) => numberExponent(false, tok(d[0])) %}
        | %minus %num                {% (d) => numberExponent(true, tok(d[1])) %}

Fraction -> %num %slash %num         {% (d) => fractionExponent(false, tok(d[0]), tok(d[2])) %}
          | %minus %num %slash %num  {% (d) => fractionExponent(true, tok(d[1]), tok(d[3])) %}

Atom -> %num                         {% (d) => numberNode(tok(d[0])) %}
      | %ident                       {% (d) => identNode(tok(d[0])) %}
      | %ones                        {% (d) => onesNode(tok(d[0])) %}
      | Group                        {% id %}
      # `(Wx)_j`: an entry of a vector, read in a sum over j (src/syntax/indexed-sum.ts)
      | Group %sub                   {% (d, _, reject) => entryNode(node(d[0]), tok(d[1])) ?? reject %}
      | %fncall Paren                {% (d) => callNode(tok(d[0]).value as FunctionName, tok(d[0]), [node(d[1][1])], tok(d[1][2]).end) %}
      # `softmax(z)_y`: an entry of a function's vector
      | %fncall Paren %sub           {% (d, _, reject) => entryNode(callNode(tok(d[0]).value as FunctionName, tok(d[0]), [node(d[1][1])], tok(d[1][2]).end), tok(d[2])) ?? reject %}
      | %sqrtcmd %lbrace Sum %rbrace {% (d) => callNode("sqrt", tok(d[0]), [node(d[2])], tok(d[3]).end) %}
      | %invfn Paren                 {% (d) => inverseCall(tok(d[0]), node(d[1][1]), tok(d[1][2])) %}
      | %normfn Paren                {% (d) => normNode(tok(d[0]), node(d[1][1]), tok(d[1][2])) %}
      # max(x, 0): only as the ReLU, which shapes/elaborate.ts checks
      | %maxfn %lparen Sum %comma Sum %rparen
          {% (d) => callNode("max", tok(d[0]), [node(d[2]), node(d[4])], tok(d[5]).end) %}
      # max(x): the largest entry, which shapes/elaborate.ts refuses with what it is
      | %maxfn %lparen Sum %rparen
          {% (d) => callNode("max", tok(d[0]), [node(d[2])], tok(d[3]).end) %}
      # 𝒩(x; μ, Σ), N(x \mid μ, Σ): the lexer types N as %gaussfn only before such a parenthesis
      | %gaussfn %lparen Sum %semi Sum %comma Sum %rparen
          {% (d) => gaussianNode(tok(d[0]), node(d[2]), node(d[4]), node(d[6]), tok(d[7])) %}
      | %kronfn %lparen Sum %comma Sum %rparen
          {% (d) => spelledBinary("kron", tok(d[0]), node(d[2]), node(d[4]), tok(d[5])) %}
      | %frac %lbrace Sum %rbrace %lbrace Sum %rbrace
          {% (d) => spelledBinary("/", tok(d[0]), node(d[2]), node(d[5]), tok(d[6])) %}
      | %langle Sum %comma Sum %rangle
          {% (d) => innerNode(tok(d[0]), node(d[1]), node(d[3]), tok(d[4])) %}
      # `e^{-x^T x/2}`, `\mathrm{e}^x`: the lexer types e as %expbase only before a power that is not ^T or ^{-1}.
      | %expbase %caret Atom         {% (d) => expCall(tok(d[0]), node(d[2])) %}
      | %expbase %caret %minus Atom  {% (d) => expOfNegated(tok(d[0]), tok(d[2]), node(d[3])) %}
      # `|x|` is abs for a scalar or vector and det for a matrix; shapes decide. Like ‖, `|` opens and closes alike.
      | %vbar Sum %vbar              {% (d) => barsNode(tok(d[0]), node(d[1]), tok(d[2])) %}
      | %lvert Sum %rvert            {% (d) => barsNode(tok(d[0]), node(d[1]), tok(d[2])) %}
      | NormBody                     {% id %}
      | NormBody %normsub            {% (d) => subscriptedNorm(node(d[0]), tok(d[1])) %}

Group -> %lparen Sum %rparen         {% (d) => groupNode(tok(d[0]), node(d[1]), tok(d[2])) %}
       | %lbrack Sum %rbrack         {% (d) => groupNode(tok(d[0]), node(d[1]), tok(d[2])) %}
       | %lbrace Sum %rbrace         {% (d) => groupNode(tok(d[0]), node(d[1]), tok(d[2])) %}

# Kept as [open, content, close] so a call's argument keeps its own span.
Paren -> %lparen Sum %rparen         {% (d) => d %}

# `‖`, `\|` and `||` open and close alike, so `‖a‖ b ‖c‖` has two readings;
# parse() reports it as ambiguous rather than guessing.
NormBody -> %bar Sum %bar            {% (d) => normNode(tok(d[0]), node(d[1]), tok(d[2])) %}
          | %lnorm Sum %rnorm        {% (d) => normNode(tok(d[0]), node(d[1]), tok(d[2])) %}
