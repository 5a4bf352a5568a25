/**
 * One registry of rule metadata: every differential rule, every rewrite rule
 * and the steps of a derivation that no table performs (the Frobenius match,
 * the trace rotation, …), each with its title, source and tags. Derivations
 * (src/calculus/steps.ts) and their rendering (src/present/steps.ts) read
 * titles and sources here; other modules select rules by tag, not by id.
 *
 * Validated when it is built: ids are unique, tags are known, every tag is carried
 * by a rule, and an id another module names (`known`) exists — so a renamed rule
 * fails loudly (in the tests, which build it) instead of silently dropping out.
 * Built at its first use, not as the module loads: a command that shows no
 * derivation never reads it, and building it was 0.6 ms and 80 KB of garbage
 * in a 30 ms start.
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

let entryList: readonly RuleInfo[] | undefined;
const entries = (): readonly RuleInfo[] => entryList ??= [
  ...(Object.values(DIFFERENTIALS) as readonly (readonly DifferentialRule<Kind>[])[]).flat()
    .map((r) => ({ id: r.id, title: r.title ?? r.id, source: r.source, tags: r.tags ?? [] })),
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

let registry: ReadonlyMap<string, RuleInfo> | undefined;
/** Ids known() was given before the registry was built: checked as it is. */
const named: string[] = [];

const missing = (id: string) => new Error(`rules/registry.ts: no rule has the id ${id}`);

/** Every rule's metadata by id. */
export function rules(): ReadonlyMap<string, RuleInfo> {
  if (!registry) {
    const built = loadRegistry(entries());
    const unknown = named.find((id) => !built.has(id));
    if (unknown !== undefined) throw missing(unknown);
    registry = built;
  }
  return registry;
}

/** A rule's metadata, undefined for an id no rule has. */
export const ruleInfo = (id: string): RuleInfo | undefined => rules().get(id);

/** The ids that carry a tag. */
export function tagged(tag: RuleTag): ReadonlySet<string> {
  return new Set(entries().filter((r) => r.tags.includes(tag)).map((r) => r.id));
}

/**
 * A table rule's id as another module names it (call it at the top level): checked when the registry is
 * built, so a renamed rule throws there, or at once if it is built already.
 */
export function known(id: string): string {
  if (!registry) named.push(id);
  else if (!registry.has(id)) throw missing(id);
  return id;
}

/** A derivation step's id; the compiler checks the name. */
export const step = (id: DerivationStepId): string => id;

/** The source of a rule, "" for none (or an id no rule has, as a rendered step may join several). */
export const ruleSource = (id: string): string => ruleInfo(id)?.source ?? "";
