/**
 * The power limit, held after definitions are folded in. A written power
 * above the limit is refused while elaborating, and (A^{64})^{64} once its
 * exponents are multiplied; but definitions that each square the previous
 * one (e₁ = A A, eᵢ = eᵢ₋₁ eᵢ₋₁) build A^{2¹³} from thirteen short lines,
 * and the expanded-size guard, which counts operands, lets 2¹³ of them
 * through: the derivative of a product of k equal factors has k terms of k
 * factors, which took minutes. Here every matrix product is read as runs of
 * one base (a product of A's, A^k, a definition that is one) and a run
 * longer than the limit is refused with the definition that made it.
 *
 * Counted on the shared graph: each node and each definition is folded
 * once, however often it is used.
 */
import * as E from "../core/expr.js";
import type { Expr } from "../core/expr.js";
import { NodeMemo } from "../core/memo.js";
import { isScalarShape } from "../core/shape.js";
import * as Q from "../core/rational.js";
import { MatdiffError, type SourceSpan } from "../errors.js";
import type { Definition } from "./elaborate.js";

/** A run of factors that are all one base: A A A is {base: A's key, exp: 3}. */
interface Run {
  /** The base, as a number: equal bases have equal keys (Aᵀ and (A^{64})ᵀ share the key of Aᵀ). */
  readonly base: number;
  /** The base as messages show it, when it is a symbol or its transpose or inverse. */
  readonly label: string | undefined;
  readonly exp: number;
  /**
   * Whether a power or a definition made part of it. A product written out
   * factor by factor (A A … A, 100 of them) is as long as its input, which
   * the length limit bounds; the power limit is for what folding multiplies.
   */
  readonly folded: boolean;
}

/** Where to point when a definition is refused (the text of its --where and the span of its body). */
export interface DefinitionSite {
  readonly source: string;
  readonly span: SourceSpan;
}

export interface FoldedPowerOptions {
  readonly maxPower: number;
  /** tr(Aᵏ), det(Aᵏ), logdet(Aᵏ) have a one-term derivative (rules d-trace-power, d-det-power, d-logdet-power) unless differentiated twice: their k is not limited. */
  readonly collapsing?: boolean;
  /** A symbol's name as messages show it (W_1 → W₁). */
  readonly display: (name: string) => string;
  /** The text of a definition, for the caret; none for the main expression. */
  readonly site?: (name: string) => DefinitionSite | undefined;
}

/** The body of a --where definition, for the caret (the text after "NAME ="). */
export function definitionSite(definitions: readonly Definition[], name: string): DefinitionSite | undefined {
  const d = definitions.find((x) => x.name === name);
  if (!d) return undefined;
  const text = d.source.text;
  let start = d.nameSpan.end + 1;
  while (start < text.length && text[start] === " ") start++;
  return { source: text, span: { start, end: Math.max(start + 1, text.trimEnd().length) } };
}

class TooHigh {
  constructor(readonly run: Run, readonly within: string | undefined) {}
}

/**
 * Refuses an expression or a definition that, folded, is a matrix power above
 * the limit. A product that is not one run (A B) is its own base where it is
 * used whole, so (A B)^{40} (A B)^{40} and eᵢ = eᵢ₋₁ eᵢ₋₁ from e₁ = A B count too.
 */
/** Expressions without definitions that passed, by the limits they passed under: an editor asks again about the same f. */
const passed = new NodeMemo<true>();

export function guardFoldedPowers(f: Expr, definitions: ReadonlyMap<string, Expr>, opts: FoldedPowerOptions): void {
  const { maxPower } = opts;
  const passKey = `${maxPower}:${Boolean(opts.collapsing)}`;
  if (definitions.size === 0 && passed.get(f, passKey)) return;
  const memo = new Map<number, Run | null>();
  const keys = new Map<string, number>();
  const keyOf = (k: string): number => {
    let n = keys.get(k);
    if (n === undefined) keys.set(k, (n = keys.size));
    return n;
  };
  // the definition being folded, innermost last: a run that is too long is that definition's
  const within: string[] = [];

  const check = (run: Run): Run => {
    if (run.folded && run.exp > maxPower) throw new TooHigh(run, within[within.length - 1]);
    return run;
  };
  const own = (e: Expr): Run => ({ base: keyOf(`#${e.id}`), label: e.kind === "sym" ? opts.display(e.name) : undefined, exp: 1, folded: false });

  /** The run a matrix-valued node is, once folded; null for a scalar. Every node below is folded too, so each is checked. */
  const fold = (e: Expr): Run | null => {
    const hit = memo.get(e.id);
    if (hit !== undefined) return hit;
    const out = compute(e);
    memo.set(e.id, out);
    return out;
  };

  const foldDefinition = (name: string): Run | null => {
    within.push(name);
    try {
      return fold(definitions.get(name)!);
    } finally {
      within.pop();
    }
  };

  const compute = (e: Expr): Run | null => {
    if (e.kind === "sym" && definitions.has(e.name)) {
      const body = foldDefinition(e.name);
      return body && { ...body, folded: true };
    }
    if (e.kind === "mul") {
      let runs = 0;
      let current: Run | null = null;
      for (const factor of e.factors) {
        const r = fold(factor);
        if (!r) continue; // a scalar factor does not break a run of matrices
        if (current !== null && current.base === r.base) current = check({ ...current, exp: current.exp + r.exp, folded: current.folded || r.folded });
        else {
          current = r;
          runs++;
        }
      }
      if (isScalarShape(e.shape) || current === null) return null;
      return runs === 1 ? current : own(e);
    }
    if (opts.collapsing && (e.kind === "trace" || e.kind === "det" || e.kind === "logdet") && e.arg.kind === "power") {
      fold(e.arg.arg);
      return null;
    }
    const kids = E.children(e).map(fold);
    if (isScalarShape(e.shape)) return null;
    const inner = kids[0];
    switch (e.kind) {
      case "power":
        if (inner && Q.isInt(e.exp) && e.exp.n > 0) return check({ ...inner, exp: inner.exp * e.exp.n, folded: true });
        break;
      // (A^{64})ᵀ (A^{64})ᵀ is (Aᵀ)^{128}
      case "transpose":
        if (inner) return { base: keyOf(`T${inner.base}`), label: inner.label && `${inner.label}ᵀ`, exp: inner.exp, folded: inner.folded };
        break;
      case "inverse":
        if (inner) return { base: keyOf(`I${inner.base}`), label: inner.label && `${inner.label}⁻¹`, exp: inner.exp, folded: inner.folded };
        break;
      default:
        break;
    }
    return own(e);
  };

  try {
    for (const name of definitions.keys()) foldDefinition(name);
    fold(f);
    if (definitions.size === 0) passed.set(f, passKey, true);
  } catch (err) {
    if (!(err instanceof TooHigh)) throw err;
    const { run, within: name } = err;
    const site = name === undefined ? undefined : opts.site?.(name);
    const what = name === undefined ? "the expression has" : `${opts.display(name)} is`;
    throw new MatdiffError("limit",
      `${what} a product of ${run.exp} factors ${run.label ? `of ${run.label}` : "of one matrix"} once its powers and definitions are multiplied out: a matrix power above the limit of ${maxPower} (its derivative has one term per factor)`,
      site?.span, {
        ...(site ? { source: site.source } : {}),
        hint: name === undefined
          ? `write the power itself, within the limit of ${maxPower}, or split the problem`
          : "a definition used twice in a product doubles the power at every step (e₁ = A A, e₂ = e₁ e₁ is A⁴); write the power itself, within the limit",
      });
  }
}
