/**
 * A canonical total order on expressions. It decides the order of terms in
 * a sum, of scalar factors in a product and of Hadamard factors, and which
 * rotation of a trace or orientation of a scalar xᵀa vs aᵀx is canonical —
 * so equal things print equally and like terms meet. It is chosen to read
 * naturally: symbols before compound terms, A before Aᵀ, sums last.
 */
import type { Expr } from "./expr.js";
import { formatRational } from "./rational.js";

/** Keyed by the node itself, weakly: a key goes when its node does, so the cache never outgrows the live expressions. */
const keys = new WeakMap<Expr, string>();

export function sortKey(e: Expr): string {
  let k = keys.get(e);
  if (k === undefined) {
    k = computeKey(e);
    keys.set(e, k);
  }
  return k;
}

function computeKey(e: Expr): string {
  switch (e.kind) {
    case "num": return `~~${formatRational(e.value)}`;
    case "sym": return e.name;
    case "const": return `~${e.name}`; // after the symbols: x/√π, 2σ²π
    case "d": return `d${e.of.name}`;
    case "identity": return "~I"; // constants last: A + I, S⁻¹ ⊙ I
    case "zero": return "0";
    case "ones": return "1";
    case "commutation": return "~K";
    case "add": return `~(${e.terms.map(sortKey).join("+")})`;
    case "mul": return e.factors.filter((f) => f.kind !== "num").map(sortKey).join(" ");
    case "transpose": return `${sortKey(e.arg)}'`;
    case "inverse": return `${sortKey(e.arg)}^-1`;
    case "power": return `${sortKey(e.arg)}^${formatRational(e.exp)}`;
    case "hpower": return `${sortKey(e.arg)}.^${formatRational(e.exp)}`;
    case "epower": return `${sortKey(e.arg)}.^(${sortKey(e.exp)})`;
    case "hadamard": return `{${e.factors.map(sortKey).join(".*")}}`;
    case "kron": return `{${e.factors.map(sortKey).join("(x)")}}`;
    case "fn": return `${e.name}(${sortKey(e.arg)})`;
    case "trace": case "det": case "logdet": case "sum": case "diag": case "diagm": case "vec": case "unvec":
      return `${e.kind}(${sortKey(e.arg)})`;
    case "norm": return `|${sortKey(e.arg)}|`;
    case "dop": return `d(${sortKey(e.arg)})`;
  }
}

/** Negative coefficient of a term, for "positive terms first" in sums. */
function isNegative(e: Expr): boolean {
  if (e.kind === "num") return e.value.n < 0;
  return e.kind === "mul" && e.factors[0]!.kind === "num" && e.factors[0]!.value.n < 0;
}

export function compareExpr(a: Expr, b: Expr): number {
  if (a === b) return 0;
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
}

/** Order of terms in a sum: positive terms first (x − As, not −As + x), then canonical. */
export function compareTerms(a: Expr, b: Expr): number {
  const na = isNegative(a);
  const nb = isNegative(b);
  if (na !== nb) return na ? 1 : -1;
  return compareExpr(a, b);
}
