/**
 * One registry of rule metadata: every differential rule, every rewrite rule
 * and the steps of a derivation that no table performs (the Frobenius match,
 * the trace rotation, …), each with its title, source and tags. Derivations
 * (src/calculus/steps.ts) and their rendering (src/present/steps.ts) read
 * titles and sources here; other modules select rules by tag, not by id.
 *
 * Validated at load: ids are unique, tags are known, every tag is carried by
 * a rule, and an id another module names (`known`) exists — so a renamed rule
 * fails when the module loads instead of silently dropping out.
 */
import type { Kind } from "../src/core/expr.js";
import { DIFFERENTIALS } from "./differentials.js";
import { SIMPLIFY_RULES } from "./simplify/index.js";
import { RULE_TAGS, type DifferentialRule, type RuleTag } from "./rule.js";

export interface RuleInfo {
  readonly id: string;
  /** How a derivation names the rule: "product rule", "Jacobi's formula". */
  readonly title: string;
  readonly source: string;
  readonly tags: readonly RuleTag[];
}

const CB = (eq: string) => `Matrix Cookbook (2012-11-15) eq. (${eq})`;
const CHAIN = "derived: chain rule, vec(dA) = J_A(θ) vec(dθ)";

/** Steps of a derivation that are not a table's rule; `step(id)` names them, checked by the compiler. */
const DERIVATION_STEPS = [
  { id: "definition", title: "by definition", source: "", tags: ["linear"] },
  { id: "d-constant-multiple", title: "constant factor", source: CB("34"), tags: ["linear"] },
  { id: "trace-cyclic", title: "cyclic property of the trace", source: "Matrix Cookbook (2012-11-15) eq. (16)", tags: [] },
  { id: "frobenius", title: "Frobenius form", source: "derived: df = tr(Gᵀ dX) = ⟨G, dX⟩ defines the gradient G", tags: [] },
  { id: "symmetric-gradient", title: "symmetric gradient", source: "Srinivasan & Panda (2023); Matrix Cookbook (2012-11-15) §2.8.2", tags: [] },
  { id: "diagonal-gradient", title: "diagonal gradient", source: "derived: the orthogonal projection onto diagonal matrices, as sym(G) for symmetric ones", tags: [] },
  { id: "vec", title: "vec", source: "Matrix Cookbook (2012-11-15) §10.2.2", tags: [] },
  { id: "hessian-form", title: "Hessian form", source: "derived: d²f = d(tr(Gᵀ dX)) = vec(dX)ᵀ (∂vec G/∂vec X) vec(dX); Matrix Cookbook (2012-11-15) §10.2.2", tags: [] },
  { id: "derivative", title: "derivative", source: "", tags: [] },
  { id: "pull-back", title: "pull-back", source: CHAIN, tags: [] },
  { id: "push-forward", title: "push-forward", source: CHAIN, tags: [] },
] as const satisfies readonly RuleInfo[];

export type DerivationStepId = (typeof DERIVATION_STEPS)[number]["id"];

const differentialRules = (Object.values(DIFFERENTIALS) as readonly (readonly DifferentialRule<Kind>[])[]).flat();

const ENTRIES: readonly RuleInfo[] = [
  ...differentialRules.map((r) => ({ id: r.id, title: r.title ?? r.id, source: r.source, tags: r.tags ?? [] })),
  ...SIMPLIFY_RULES.map((r) => ({ id: r.id, title: r.title ?? r.id.replace(/-/g, " "), source: r.source, tags: r.tags ?? [] })),
  ...DERIVATION_STEPS,
];

/** Builds the registry, refusing duplicate ids, unknown tags and tags no rule carries. */
export function loadRegistry(entries: readonly RuleInfo[]): ReadonlyMap<string, RuleInfo> {
  const map = new Map<string, RuleInfo>();
  for (const r of entries) {
    if (map.has(r.id)) throw new Error(`rules/registry.ts: duplicate rule id ${r.id}`);
    for (const t of r.tags) if (!(RULE_TAGS as readonly string[]).includes(t)) throw new Error(`rules/registry.ts: rule ${r.id} has an unknown tag ${t}`);
    map.set(r.id, r);
  }
  for (const t of RULE_TAGS) {
    if (!entries.some((r) => r.tags.includes(t))) throw new Error(`rules/registry.ts: no rule carries the tag ${t}`);
  }
  return map;
}

export const RULES: ReadonlyMap<string, RuleInfo> = loadRegistry(ENTRIES);

/** The ids that carry a tag. */
export function tagged(tag: RuleTag): ReadonlySet<string> {
  return new Set(ENTRIES.filter((r) => r.tags.includes(tag)).map((r) => r.id));
}

/**
 * A table rule's id as another module names it, checked when that module
 * loads (call it at the top level): a renamed rule throws there.
 */
export function known(id: string): string {
  if (!RULES.has(id)) throw new Error(`rules/registry.ts: no rule has the id ${id}`);
  return id;
}

/** A derivation step's id; the compiler checks the name. */
export const step = (id: DerivationStepId): string => id;

/** The source of a rule, "" for none (or an id no rule has, as a rendered step may join several). */
export const ruleSource = (id: string): string => RULES.get(id)?.source ?? "";
