/**
 * Common subexpressions of several gradients, named once: the backward pass
 * a person writes for a network, c₁ = σ(W₁x + b₁), c₂ = W₂c₁ + b₂ − y,
 * c₃ = W₂ᵀc₂ ⊙ c₁ ⊙ (𝟏 − c₁), then ∇_W₁ f = 2c₃xᵀ, ∇_b₁ f = 2c₃, ….
 * Greedy and bounded: the largest subexpression that occurs at least twice
 * (in the results or in the names chosen so far) is named, until none is left.
 */
import * as E from "../core/expr.js";
import type { Expr, Sym } from "../core/expr.js";

/** Small terms (xᵀ, −2y, uvᵀ) read better written out than named: a name must stand for at least σ(Wx + b). */
const MIN_SIZE = 6;
const MAX_NAMES = 8;

export interface CommonSubexpressions {
  /** The names in the order they can be computed (each uses only earlier ones). */
  readonly definitions: readonly { readonly sym: Sym; readonly body: Expr }[];
  /** The results written with the names. */
  readonly results: readonly Expr[];
}

/** Occurrences of each node in the trees (a shared node counts once per place it stands). */
function countOccurrences(roots: readonly Expr[]): Map<number, { e: Expr; n: number }> {
  const counts = new Map<number, { e: Expr; n: number }>();
  const visit = (e: Expr): void => {
    const c = counts.get(e.id);
    if (c) { c.n++; return; } // its subterms were counted at its first place; a repeat adds only itself
    counts.set(e.id, { e, n: 1 });
    E.children(e).forEach(visit);
  };
  roots.forEach(visit);
  return counts;
}

const worthNaming = (e: Expr) => e.kind !== "sym" && e.kind !== "d" && e.kind !== "num" && E.size(e) >= MIN_SIZE;

/** Null when nothing occurs twice. `taken` are names already in use. */
export function commonSubexpressions(results: readonly Expr[], taken: ReadonlySet<string>): CommonSubexpressions | null {
  const base = ["c", "z", "q", "k"].find((b) => ![...taken].some((t) => t === b || t.startsWith(`${b}_`)));
  if (!base) return null;
  let current = [...results];
  const named: { sym: Sym; body: Expr }[] = [];
  for (let k = 0; k < MAX_NAMES; k++) {
    const counts = countOccurrences([...current, ...named.map((d) => d.body)]);
    let best: Expr | null = null;
    for (const { e, n } of counts.values()) {
      if (n >= 2 && worthNaming(e) && (!best || E.size(e) > E.size(best))) best = e;
    }
    if (!best) break;
    const sym = E.sym(`${base}_${named.length + 1}`, best.shape);
    const target = best;
    const replace = (e: Expr) => E.mapBottomUp(e, (x) => (x === target ? sym : x));
    current = current.map(replace);
    for (const d of named) d.body = replace(d.body);
    named.push({ sym, body: best });
  }
  if (!named.length) return null;
  // computable order: a name after every name its body uses; then numbered in that order
  const order: typeof named = [];
  const uses = (d: (typeof named)[number], o: (typeof named)[number]) => E.contains(d.body, (x) => x === o.sym);
  const pending = [...named];
  while (pending.length) {
    const i = pending.findIndex((d) => !pending.some((o) => o !== d && uses(d, o)));
    order.push(...pending.splice(i < 0 ? 0 : i, 1));
  }
  const renamed = new Map(order.map((d, i) => [d.sym, E.sym(`${base}_${i + 1}`, d.sym.shape)] as const));
  // one simultaneous pass: each leaf is mapped once, so c_1 → c_3 and c_3 → c_1 do not chain
  const rename = (e: Expr) => E.mapBottomUp(e, (x) => (x.kind === "sym" && renamed.has(x) ? renamed.get(x)! : x));
  return {
    definitions: order.map((d) => ({ sym: renamed.get(d.sym)!, body: rename(d.body) })),
    results: current.map(rename),
  };
}
