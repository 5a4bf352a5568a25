/**
 * The common case read without the Earley parser. nearley runs the grammar
 * (grammar/matdiff.ne) in general, ambiguity and all, and that was a quarter of
 * a warm request; but every input with at most one pair of `|` and one of `‖`
 * (the brackets that open and close alike, the grammar's only ambiguity) has one
 * reading, which a descent over the grammar's precedence ladder finds in one pass. This is that descent,
 * rule for rule, building nodes with the grammar's own builders (build.ts).
 *
 * It declines (null) whatever it is not sure of: more bars, a token the grammar
 * has no rule for, any input that does not parse. parse() then runs nearley,
 * whose answer (or error, with its message and caret) is the reference:
 * test/fast-parse.test.ts checks that the two give the same tree on the corpus,
 * every input in the tests, and random token strings.
 */
import type { FunctionName, Node } from "./ast.js";
import {
  angledExponent, barsNode, binaryNode, braced, callNode, circledSuperscript, elementwise, expCall, expOfNegated, exponentIdent,
  entryNode, fractionExponent, gaussianNode, groupNode, identNode, innerNode, inverseCall, negNode, normNode, numberExponent, numberNode, onesNode,
  postfixNode, powerBy, primeNode, productNode, symbolicPower, groupPower, spelledBinary, subscriptedNorm, subscriptedNormPower, superscript, timesNode,
  transposeExponent, type Exponent,
} from "./build.js";
import type { Token, TokenType } from "./lexer.js";

const DECLINE = Symbol("decline");

/** Token types that begin a Factor (an Atom); an operator form (%fnop) begins an OpApp instead. */
const ATOM_START: ReadonlySet<TokenType> = new Set<TokenType>([
  "num", "ident", "ones", "lparen", "lbrack", "lbrace", "fncall", "sqrtcmd", "invfn", "normfn", "maxfn", "kronfn", "gaussfn", "frac",
  "langle", "expbase", "lvert", "lnorm",
]);

/** The one reading of `tokens`, or null where nearley must decide (bars, anything unusual, any error). */
export function fastParse(tokens: readonly Token[]): Node | null {
  // one pair of ‖ (or of |) can only be read one way, the first opening and the second closing; more may have two readings
  let bars = 0, vbars = 0;
  for (const t of tokens) {
    if (t.type === "bar") bars++;
    else if (t.type === "vbar") vbars++;
  }
  if (bars > 2 || vbars > 2) return null;
  /** The ‖ or | that is open: the next one closes it, and cannot open another. */
  let barOpen = false, vbarOpen = false;
  const startsAtom = (t: Token | undefined): boolean =>
    t !== undefined && (ATOM_START.has(t.type) || (t.type === "bar" && !barOpen) || (t.type === "vbar" && !vbarOpen));
  let at = 0;
  const peek = (k = 0): Token | undefined => tokens[at + k];
  const is = (type: TokenType, k = 0) => tokens[at + k]?.type === type;
  const take = (type: TokenType): Token => {
    const t = tokens[at];
    if (t?.type !== type) throw DECLINE;
    at++;
    return t;
  };

  // Sum -> Sum (%plus | %minus) Neg | Neg
  function sum(): Node {
    let left = neg();
    while (is("plus") || is("minus")) {
      const op = tokens[at++]!.type === "plus" ? "+" : "-";
      left = binaryNode(op, left, neg());
    }
    return left;
  }

  // Neg -> %minus Neg | Elem
  function neg(): Node {
    if (is("minus")) {
      const minus = tokens[at++]!;
      return negNode(minus, neg());
    }
    return elem();
  }

  // Elem -> Elem (%hadamard | %hdivide | %kronop) Product | Product
  function elem(): Node {
    let left = product();
    for (;;) {
      const t = peek();
      const op = t?.type === "hadamard" ? "hadamard" : t?.type === "hdivide" ? "hdivide" : t?.type === "kronop" ? "kron" : null;
      if (!op) return left;
      at++;
      left = binaryNode(op, left, product());
    }
  }

  // Product: factors and operator forms by juxtaposition, `*` or `/`, left to right; an operator form takes the rest
  // of the juxtaposed run (OpApp), so only `*` or `/` can follow one (ProductF / ProductO)
  function product(): Node {
    let operatorLast = is("fnop");
    let left = factorOrOperator();
    for (;;) {
      const t = peek();
      if (t?.type === "times" || t?.type === "slash") {
        at++;
        operatorLast = is("fnop");
        const right = factorOrOperator();
        left = t.type === "times" ? timesNode(left, t, right) : binaryNode("/", left, right);
        continue;
      }
      if (t && (startsAtom(t) || t.type === "fnop")) {
        // an operator form took the whole juxtaposed run after it (ProductO is not extended): nothing can follow here
        if (operatorLast) throw DECLINE;
        operatorLast = t.type === "fnop";
        left = productNode(left, factorOrOperator());
        continue;
      }
      return left;
    }
  }

  function factorOrOperator(): Node {
    return is("fnop") ? opApp() : postfix();
  }

  // OpApp -> %fnop Run;  Run -> Factor+ OpApp?
  function opApp(): Node {
    const name = take("fnop");
    let run: Node;
    if (is("fnop")) run = opApp();
    else {
      run = postfix();
      for (;;) {
        const t = peek();
        if (startsAtom(t)) { run = productNode(run, postfix()); continue; }
        if (t?.type === "fnop") { run = productNode(run, opApp()); break; }
        break;
      }
    }
    return callNode(name.value as FunctionName, name, [run], run.span.end);
  }

  // Postfix -> Atom, then exponents, transposes and Hadamard powers, each on what stands to its left
  function postfix(): Node {
    const start = at;
    let arg = atom();
    // a NormBody (‖x‖, \lVert x \rVert) as written, without its subscript: ‖x‖^2_2 may still take one
    const opened = tokens[start]!.type, closed = tokens[at - 1]!.type;
    const bareNorm = arg.type === "norm" && ((opened === "lnorm" && closed === "rnorm") || (opened === "bar" && closed === "bar" && at - 1 > start));
    for (let first = true; ; first = false) {
      const t = peek();
      if (!t) return arg;
      switch (t.type) {
        case "caret": {
          at++;
          if (is("lbrace") && is("hadamard", 1)) {
            // x^{∘2}, x^{∘ p}, x^{∘(p − 1)}
            at += 2;
            if (is("ident")) { const p = take("ident"); arg = powerBy(arg, exponentIdent(p), take("rbrace").end); continue; }
            if (is("lparen")) { at++; const e = sum(); take("rparen"); arg = powerBy(arg, e, take("rbrace").end); continue; }
            const circled = numberOrFraction();
            arg = elementwise(arg, braced(circled, take("rbrace")));
            continue;
          }
          // a power by a symbol or an expression (x^n, t^{a - 1}, x^(1/2)): the grammar's rules after Exponent's
          if (is("ident")) { const p = take("ident"); arg = symbolicPower(arg, exponentIdent(p), p.end); continue; }
          if (is("lparen") || is("lbrack")) { arg = groupExponent(arg); continue; }
          const from = at;
          let e: Exponent;
          try {
            e = exponent();
          } catch (err) {
            if (err !== DECLINE || !is("lbrace", from - at)) throw err;
            at = from;
            arg = groupExponent(arg);
            continue;
          }
          // ‖x‖^2_2: the subscript after the superscript
          if (first && bareNorm && is("normsub")) { arg = subscriptedNormPower(arg, e, take("normsub")); continue; }
          arg = postfixNode(arg, e);
          continue;
        }
        case "dotcaret": {
          at++;
          if (is("ident")) { const p = take("ident"); arg = powerBy(arg, exponentIdent(p), p.end); continue; }
          if (is("lparen")) { at++; const e = sum(); arg = powerBy(arg, e, take("rparen").end); continue; }
          arg = elementwise(arg, power());
          continue;
        }
        case "hadamard": {
          // ∘ followed by an exponent is a Hadamard power; followed by an operand, the product (Elem)
          if (is("sup", 1)) {
            at++;
            const e = circledSuperscript(take("sup"));
            if (!e) throw DECLINE;
            arg = elementwise(arg, e);
            continue;
          }
          if (is("caret", 1)) {
            at += 2;
            if (is("ident")) { const p = take("ident"); arg = powerBy(arg, exponentIdent(p), p.end); continue; }
            if (is("lparen")) { at++; const e = sum(); arg = powerBy(arg, e, take("rparen").end); continue; }
            arg = elementwise(arg, power());
            continue;
          }
          return arg;
        }
        case "prime": at++; arg = primeNode(arg, t); continue;
        case "sup": at++; arg = postfixNode(arg, superscript(t)); continue;
        default: return arg;
      }
    }
  }

  // ^( Sum ), ^[ Sum ], ^{ Sum }: groupPower decides (a number in braces is Power's, never this)
  function groupExponent(base: Node): Node {
    const open = peek()!;
    at++;
    const close = open.type === "lparen" ? "rparen" : open.type === "lbrack" ? "rbrack" : "rbrace";
    const content = sum();
    const node = groupPower(base, open, content, take(close));
    if (!node) throw DECLINE;
    return node;
  }

  // Exponent -> Transpose | { Transpose } | Power
  function exponent(): Exponent {
    if (is("tee")) return transposeExponent(false, take("tee"));
    if (is("minus") && is("tee", 1)) { at++; return transposeExponent(true, take("tee")); }
    if (is("lbrace") && (is("tee", 1) || (is("minus", 1) && is("tee", 2)))) {
      at++;
      const negated = is("minus") ? (at++, true) : false;
      const e = transposeExponent(negated, take("tee"));
      return braced(e, take("rbrace"));
    }
    return power();
  }

  // Power -> Number | { Number } | { Fraction } | < - num >
  function power(): Exponent {
    if (is("lbrace")) {
      at++;
      const e = numberOrFraction();
      return braced(e, take("rbrace"));
    }
    if (is("lt")) {
      at++;
      take("minus");
      const num = take("num");
      const e = angledExponent(num, take("gt"));
      if (!e) throw DECLINE;
      return e;
    }
    return number();
  }

  // Number -> %num | %minus %num
  function number(): Exponent {
    const negated = is("minus") ? (at++, true) : false;
    return numberExponent(negated, take("num"));
  }

  // Circled -> Number | Fraction, the inside of braces
  function numberOrFraction(): Exponent {
    const negated = is("minus") ? (at++, true) : false;
    const num = take("num");
    if (is("slash")) { at++; return fractionExponent(negated, num, take("num")); }
    return numberExponent(negated, num);
  }

  function paren(): [Node, Token] {
    take("lparen");
    const content = sum();
    return [content, take("rparen")];
  }

  function atom(): Node {
    const t = peek();
    if (!t) throw DECLINE;
    at++;
    switch (t.type) {
      case "num": return numberNode(t);
      case "ident": return identNode(t);
      case "ones": return onesNode(t);
      case "lparen": case "lbrack": case "lbrace": {
        const close = t.type === "lparen" ? "rparen" : t.type === "lbrack" ? "rbrack" : "rbrace";
        const content = sum();
        const group = groupNode(t, content, take(close));
        if (!is("sub")) return group;
        const entry = entryNode(group, peek()!);
        if (!entry) throw DECLINE;
        at++;
        return entry;
      }
      case "fncall": {
        const [arg, close] = paren();
        const call = callNode(t.value as FunctionName, t, [arg], close.end);
        if (!is("sub")) return call;
        const entry = entryNode(call, peek()!);
        if (!entry) throw DECLINE;
        at++;
        return entry;
      }
      case "sqrtcmd": { take("lbrace"); const arg = sum(); return callNode("sqrt", t, [arg], take("rbrace").end); }
      case "invfn": { const [arg, close] = paren(); return inverseCall(t, arg, close); }
      case "normfn": { const [arg, close] = paren(); return normNode(t, arg, close); }
      case "maxfn": case "kronfn": {
        take("lparen");
        const left = sum();
        if (t.type === "maxfn" && is("rparen")) return callNode("max", t, [left], take("rparen").end);
        take("comma");
        const right = sum();
        const close = take("rparen");
        return t.type === "maxfn" ? callNode("max", t, [left, right], close.end) : spelledBinary("kron", t, left, right, close);
      }
      case "gaussfn": {
        take("lparen");
        const x = sum();
        take("semi");
        const mean = sum();
        take("comma");
        const cov = sum();
        return gaussianNode(t, x, mean, cov, take("rparen"));
      }
      case "frac": {
        take("lbrace");
        const num = sum();
        take("rbrace");
        take("lbrace");
        const den = sum();
        return spelledBinary("/", t, num, den, take("rbrace"));
      }
      case "langle": {
        const left = sum();
        take("comma");
        const right = sum();
        return innerNode(t, left, right, take("rangle"));
      }
      case "expbase": {
        take("caret");
        if (is("minus")) { const minus = take("minus"); return expOfNegated(t, minus, atom()); }
        return expCall(t, atom());
      }
      case "lvert": { const arg = sum(); return barsNode(t, arg, take("rvert")); }
      case "lnorm": case "bar": {
        if (t.type === "bar") {
          if (barOpen) throw DECLINE;
          barOpen = true;
        }
        const content = sum();
        const close = take(t.type === "bar" ? "bar" : "rnorm");
        if (t.type === "bar") barOpen = false;
        const norm = normNode(t, content, close);
        return is("normsub") ? subscriptedNorm(norm, take("normsub")) : norm;
      }
      case "vbar": {
        if (vbarOpen) throw DECLINE;
        vbarOpen = true;
        const content = sum();
        const close = take("vbar");
        vbarOpen = false;
        return barsNode(t, content, close);
      }
      default: throw DECLINE;
    }
  }

  try {
    const tree = sum();
    return at === tokens.length ? tree : null;
  } catch (e) {
    if (e === DECLINE) return null;
    throw e;
  }
}
