/**
 * Generated from the rule tables (STYLE habits 1, 2, 7, 8): every rule in
 * rules/ has a stable id, a source, a formula and a witness; every
 * differential rule fires on its witness and agrees with central finite
 * differences there; every simplification rule fires on its witness and
 * every rewrite step it takes part in preserves value on random inputs;
 * every step of a derivation that no table performs (the Frobenius match, the
 * trace rotation, …) is taken in a derivation checked line by line.
 *
 * A rule's test is named by its id: `npx vitest run test/rules.test.ts -t <id>`
 * runs every check of that rule, and a registered id without one fails here.
 */
import { describe, expect, it, vi } from "vitest";
import { DIFFERENTIALS } from "../rules/differentials.js";
import { SIMPLIFY_RULES } from "../rules/simplify/index.js";
import type { DifferentialRule, RuleMeta } from "../rules/rule.js";
import { rules, known, loadRegistry, tagged } from "../rules/registry.js";
import { vecJacobian } from "../src/calculus/jacobian.js";
import { differential } from "../src/calculus/differential.js";
import * as E from "../src/core/expr.js";
import type { Expr, Kind, Sym } from "../src/core/expr.js";
import { shape } from "../src/core/shape.js";
import { asPolynomialsIn, checkDifferential, numericallyEqual } from "../src/numeric/check.js";
import { toText } from "../src/print/text.js";
import { parseDeclaration } from "../src/shapes/declarations.js";
import { elaborate } from "../src/shapes/elaborate.js";
import { makeRuleIndex, rewrite } from "../src/simplify/engine.js";
import { parse } from "../src/syntax/parse.js";
import { analyze, derivationOf, differentiate, type DifferentiateOptions } from "../src/api.js";
import { compareDerivation } from "./support/derivation.js";

/** The witness as a shaped expression, with its declarations. */
/**
 * A witness is an input expression, or "jacobian of EXPR wrt X" for rules that act on
 * vec-Jacobians, whose commutation matrix K the input language cannot spell.
 */
function elaborateWitness(text: string, lets: readonly string[] = []): { expr: Expr; symbols: Sym[] } {
  const declarations = lets.map((spec) => parseDeclaration(spec, (name) => name.trim()));
  const jac = /^jacobian of (.+) wrt (\S+)$/.exec(text);
  const source = jac ? jac[1]! : text;
  const el = elaborate(parse(source), { text: source, offset: 0 }, { declarations });
  if (!jac) return { expr: el.expr, symbols: [...el.symbols.values()] };
  const X = el.symbols.get(jac[2]!)!;
  const dX = E.diff(X);
  const { df } = differential(el.expr, { wrt: new Map([[X.name, dX]]), definitions: new Map() });
  return { expr: vecJacobian(df, dX), symbols: [...el.symbols.values()] };
}

/** d f with every symbol of f a variable, each with its own dX. */
function differentialInAll(f: Expr, symbols: readonly Sym[]) {
  return differential(f, { wrt: new Map(symbols.map((s) => [s.name, E.diff(s)] as const)), definitions: new Map() });
}

const DIFFERENTIAL_RULES: readonly (DifferentialRule<Kind> & { kind: Kind })[] = (Object.keys(DIFFERENTIALS) as Kind[])
  .flatMap((kind) => (DIFFERENTIALS[kind] as readonly DifferentialRule<Kind>[]).map((r) => ({ ...r, kind })));
const ALL_RULES: readonly RuleMeta[] = [...DIFFERENTIAL_RULES, ...SIMPLIFY_RULES];

/**
 * Constants never reach their table entry: the engine gives 0 to any
 * subexpression free of the variables before it looks a rule up
 * (src/calculus/differential.ts), so these entries document eq. (33) rather
 * than run. For them we check the engine's answer, 0, instead of a firing.
 */
const CONSTANT_KINDS: ReadonlySet<Kind> = new Set<Kind>(["num", "const", "identity", "zero", "ones", "commutation", "d"]);

/**
 * Node kinds the input language cannot spell: dX only arises inside a
 * differential and K only inside a vec-Jacobian, so their rules' witnesses
 * cannot contain them and the test builds the node itself.
 */
const BUILT: Partial<Record<Kind, () => { node: Expr; symbols: Sym[] }>> = {
  d: () => {
    const A = E.sym("A", shape("n", "n"));
    return { node: E.diff(A), symbols: [A] };
  },
  commutation: () => ({ node: E.commutation("m", "n"), symbols: [] }),
};

/** Every node of kind `kind` in e. */
function nodesOfKind(e: Expr, kind: Kind, out: Expr[] = []): Expr[] {
  if (e.kind === kind) out.push(e);
  E.children(e).forEach((c) => nodesOfKind(c, kind, out));
  return out;
}

describe("rule tables: metadata", () => {
  it("has unique ids across differential and simplification rules", () => {
    const ids = ALL_RULES.map((r) => r.id);
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(dupes).toEqual([]);
    // the engine enforces the same at load time (STYLE habit 2)
    expect(() => makeRuleIndex([...SIMPLIFY_RULES, SIMPLIFY_RULES[0]!])).toThrow(/duplicate rule id/);
  });

  it.each(ALL_RULES.map((r) => [r.id, r] as const))("%s has a source, a formula and a witness that elaborates", (_id, r) => {
    expect(r.source).toMatch(/^(Matrix Cookbook \(2012-11-15\) (eq\. \(\d+|§\d)|derived: \S)/);
    expect(r.formula.trim()).not.toBe("");
    expect(r.witness.trim()).not.toBe("");
    expect(() => elaborateWitness(r.witness, r.witnessLet)).not.toThrow();
  });
});

describe("rule registry (rules/registry.ts): one place for titles, sources and tags", () => {
  it("holds every table rule once, with its source", () => {
    for (const r of ALL_RULES) expect(rules().get(r.id)?.source).toBe(r.source);
  });

  it("selects by tag, and every tag is carried", () => {
    expect([...tagged("linear")]).toEqual(expect.arrayContaining(["d-sum", "d-trace", "d-transpose", "definition", "d-constant-multiple"]));
    expect([...tagged("mechanical")]).toEqual(expect.arrayContaining(["order-terms", "trace-linear"]));
    expect([...tagged("kronecker-normal-form")]).toEqual(expect.arrayContaining(["kron-mixed-product", "trace-kronecker"]));
    // a rule outside the tag stays outside: d-product is the product rule, not linearity
    expect(tagged("linear").has("d-product")).toBe(false);
  });

  it("a renamed or unknown id fails when the registry is built, not silently", async () => {
    rules();
    expect(() => known("d-no-such-rule")).toThrow(/no rule has the id d-no-such-rule/);
    // named before the registry is built (as modules do as they load): the building throws
    vi.resetModules();
    const fresh = await import("../rules/registry.js");
    expect(fresh.known("d-renamed-rule")).toBe("d-renamed-rule");
    expect(() => fresh.rules()).toThrow(/no rule has the id d-renamed-rule/);
    vi.resetModules();
    expect(known("transpose-sum")).toBe("transpose-sum");
    const entry = { id: "x", title: "x", source: "", tags: [] as const };
    expect(() => loadRegistry([entry, entry])).toThrow(/duplicate rule id x/);
    expect(() => loadRegistry([{ ...entry, tags: ["lineer" as never] }])).toThrow(/unknown tag lineer/);
    expect(() => loadRegistry([entry])).toThrow(/no rule carries the tag linear/);
  });

  it("each rewrite rule is handed only the node kinds it matches", () => {
    const index = makeRuleIndex(SIMPLIFY_RULES);
    for (const [kind, rules] of Object.entries(index)) for (const r of rules ?? []) expect(r.on).toContain(kind);
    expect(SIMPLIFY_RULES.every((r) => r.on.length > 0)).toBe(true);
  });
});

describe("differential rules: fire on their witness and match central finite differences", () => {
  const active = DIFFERENTIAL_RULES.filter((r) => !CONSTANT_KINDS.has(r.kind));
  const constants = DIFFERENTIAL_RULES.filter((r) => CONSTANT_KINDS.has(r.kind));

  it.each(active.map((r) => [r.id, r] as const))("%s", (id, r) => {
    const { expr: f, symbols } = elaborateWitness(r.witness, r.witnessLet);
    expect(nodesOfKind(f, r.kind).length, `witness ${r.witness} has no ${r.kind} node`).toBeGreaterThan(0);
    // a declared function of a scalar, X(t), moves with t rather than on its own
    const variables = symbols.filter((s) => s.props.dependsOn === undefined);
    const { df, rules } = differentialInAll(f, variables);
    const context = `witness ${r.witness}  (${r.source})\ndf = ${toText(df)}\nrules used: ${rules.join(", ")}`;
    expect(rules, context).toContain(id);
    // the oracle: df[dX] against central finite differences of f along dX, all symbols moved at once;
    // each X(t) becomes a random cubic in t for the comparison (src/numeric/check.ts)
    const inT = (e: Expr) => variables.reduce((acc, v) => asPolynomialsIn(acc, v), e);
    const check = checkDifferential({ f: inT(f), df: inT(df), wrt: variables });
    expect(check.ok, `${context}\n${check.detail ?? ""}`).toBe(true);
  });

  it.each(constants.map((r) => [r.id, r] as const))("%s: the engine gives 0 for a constant (Matrix Cookbook eq. (33))", (_id, r) => {
    const build = BUILT[r.kind];
    let nodes: Expr[];
    let symbols: Sym[];
    if (build) {
      const built = build();
      nodes = [built.node];
      symbols = built.symbols;
    } else {
      const el = elaborateWitness(r.witness, r.witnessLet);
      nodes = nodesOfKind(el.expr, r.kind);
      symbols = el.symbols;
      expect(nodes.length, `witness ${r.witness} has no ${r.kind} node`).toBeGreaterThan(0);
    }
    // every symbol is a variable, and still nothing in the constant moves
    for (const c of nodes) expect(E.isZero(differentialInAll(c, symbols).df), toText(c)).toBe(true);
    // and the rule's own answer is 0 of the node's shape
    for (const c of nodes) expect(E.isZero(r.d(c as never, () => { throw new Error("a constant has no operands"); }))).toBe(true);
  });
});

describe("simplification rules: fire on their witness and preserve value at every step", () => {
  const index = makeRuleIndex(SIMPLIFY_RULES);

  it.each(SIMPLIFY_RULES.map((r) => [r.id, r] as const))("%s", (id, r) => {
    const { expr } = elaborateWitness(r.witness, r.witnessLet);
    const run = rewrite(expr, index);
    const trace = run.steps.map((s) => `  ${s.rule}: ${toText(s.before)}  →  ${toText(s.after)}`).join("\n");
    const context = `witness ${r.witness}  (${r.source})\n${toText(expr)}  ⇒  ${toText(run.expr)}\n${trace}`;
    expect(run.steps.map((s) => s.rule), context).toContain(id);
    expect(run.stopped, context).toBe("fixpoint");
    for (const s of run.steps) {
      // the oracle: both sides evaluated on random inputs
      const eq = numericallyEqual(s.before, s.after);
      expect(eq.ok, `${context}\nstep ${s.rule} changed the value: ${eq.detail ?? ""}`).toBe(true);
    }
    expect(numericallyEqual(expr, run.expr).ok, context).toBe(true);
  });
});

/**
 * The registry's steps of a derivation that no table performs, each with a problem whose
 * derivation takes it. derive() lines are compared with the line before, numerically
 * (test/support/derivation.ts); the pull-back and push-forward are rendered lines of a
 * derivation through A(θ), checked by the result's own finite differences along θ.
 */
const DERIVATION_WITNESSES: Readonly<Record<string, { expr: string; options: DifferentiateOptions; rendered?: true }>> = {
  "definition": { expr: "\\|e\\|^2", options: { wrt: "theta", let: ["theta: vector"], where: ["e = y - Phi theta"] } },
  "d-constant-multiple": { expr: "a^T (2x)", options: { wrt: "x" } },
  "trace-cyclic": { expr: "tr(A^<-1>B)", options: { wrt: "A" } },
  "frobenius": { expr: "a^T X b", options: { wrt: "X" } },
  "symmetric-gradient": { expr: "tr(A S)", options: { wrt: "S", let: ["S: symmetric"] } },
  "diagonal-gradient": { expr: "tr(A D)", options: { wrt: "D", let: ["D: diagonal"] } },
  "vec": { expr: "X^2", options: { wrt: "X" } },
  "hessian-form": { expr: "x^T B x", options: { wrt: "x", hessian: true } },
  // the result folds h back where the simplified df has it written out: dt is collected in a line of its own
  "derivative": { expr: "h^T y", options: { wrt: "t", let: ["t: scalar"], where: ["h = sigmoid(t x)"] } },
  "pull-back": { expr: "\\|A x - y\\|^2", options: { wrt: "theta", let: ["A: matrix(theta)", "theta: vector"] }, rendered: true },
  "push-forward": { expr: "A x", options: { wrt: "theta", let: ["A: matrix(theta)", "theta: vector"] }, rendered: true },
};

describe("every registered rule has a test named by its id", () => {
  const tableIds = new Set(ALL_RULES.map((r) => r.id));
  const steps = [...rules().keys()].filter((id) => !tableIds.has(id));

  it("the registry holds the table rules (each tested above under its id) and derivation steps, each with a witness below", () => {
    const tested = new Set([...DIFFERENTIAL_RULES.map((r) => r.id), ...SIMPLIFY_RULES.map((r) => r.id), ...Object.keys(DERIVATION_WITNESSES)]);
    expect([...rules().keys()].filter((id) => !tested.has(id)), "registered ids without a test").toEqual([]);
    expect(Object.keys(DERIVATION_WITNESSES).filter((id) => !rules().has(id)), "witnesses of ids no longer registered").toEqual([]);
    expect(steps.length).toBeGreaterThan(0);
  });

  it.each(steps.map((id) => [id] as const))("%s: taken in a derivation whose every line is checked numerically", (id) => {
    const w = DERIVATION_WITNESSES[id]!;
    if (w.rendered) {
      const r = differentiate(w.expr, { ...w.options, steps: true, check: true });
      expect(r.steps!.map((s) => s.rule), w.expr).toContain(id);
      expect(r.check!.ok, `${w.expr}: ${r.check!.detail ?? ""}`).toBe(true);
      return;
    }
    const { steps: lines, comparisons } = compareDerivation(analyze(w.expr, w.options as DifferentiateOptions & { wrt: string }));
    expect(lines.flatMap((s) => s.rules), w.expr).toContain(id);
    for (const c of comparisons) expect(c.result.ok, `${w.expr}: ${c.describe} (rel. error ${c.result.relError})`).toBe(true);
  });
});

describe("negative goals (STYLE habit 8): plausible wrong identities are rejected", () => {
  const n = "n";
  const A = E.sym("A", shape(n, n));
  const B = E.sym("B", shape(n, n));
  const C = E.sym("C", shape(n, n));

  it("d(A²) is dA A + A dA (derived: product rule), not 2A dA", () => {
    const dA = E.diff(A);
    const f = E.power(A, 2);
    const { df } = differential(f, { wrt: new Map([["A", dA]]), definitions: new Map() });
    expect(checkDifferential({ f, df, wrt: [A] }).ok).toBe(true);
    const wrong = E.mul(E.num(2), A, dA);
    expect(checkDifferential({ f, df: wrong, wrt: [A] }).ok).toBe(false);
    expect(numericallyEqual(df, wrong).ok).toBe(false);
  });

  it("tr(ABC) = tr(BCA) (Matrix Cookbook eq. (16)) but ≠ tr(ACB)", () => {
    expect(numericallyEqual(E.trace(E.mul(A, B, C)), E.trace(E.mul(B, C, A))).ok).toBe(true);
    expect(numericallyEqual(E.trace(E.mul(A, B, C)), E.trace(E.mul(A, C, B))).ok).toBe(false);
  });

  it("abs(A)² of a matrix is the product abs(A) abs(A), not A² (rule abs-even-power is entrywise and of scalars; fuzz (b′), seed 1909514088)", () => {
    const index = makeRuleIndex(SIMPLIFY_RULES);
    const e = E.power(E.fn("abs", A), 2);
    const out = rewrite(e, index).expr;
    expect(toText(out)).not.toBe("A²");
    expect(numericallyEqual(e, out).ok).toBe(true);
    expect(numericallyEqual(e, E.power(A, 2)).ok).toBe(false);
  });

  it("simplification keeps tr(A B C) a cyclic rotation of A B C, never tr(A C B)", () => {
    const index = makeRuleIndex(SIMPLIFY_RULES);
    for (const [x, y, z] of [[A, B, C], [C, B, A], [B, A, C], [A, C, B]] as const) {
      const e = E.trace(E.mul(x, y, z));
      const out = toText(rewrite(e, index).expr);
      const rotations = [[x, y, z], [y, z, x], [z, x, y]].map((r) => toText(E.trace(E.mul(...r))));
      const reflections = [[x, z, y], [z, y, x], [y, x, z]].map((r) => toText(E.trace(E.mul(...r))));
      expect(rotations, `${toText(e)} ⇒ ${out}`).toContain(out);
      expect(reflections).not.toContain(out);
    }
  });
});

describe("simplification gaps closed in issue 14 (each value-checked by the rule tests above)", () => {
  const index = makeRuleIndex(SIMPLIFY_RULES);
  const n = "n";
  const I = E.identity(n);
  const x = E.sym("x", shape(n, 1));
  const y = E.sym("y", shape("m", 1));
  const simplified = (e: Expr) => toText(rewrite(e, index).expr);

  it("I∘ᵏ = I for k > 0, so 2I − I∘² = I; I∘⁻¹ is left alone (it would divide by zero)", () => {
    expect(simplified(E.hpower(I, 5))).toBe("I");
    expect(simplified(E.add(E.scale(2, I), E.neg(E.hpower(I, 2))))).toBe("I");
    expect(simplified(E.hpower(I, -1))).toBe("I∘⁻¹");
  });

  it("xᵀ ⊗ x = x ⊗ xᵀ = xxᵀ, and a ⊗ bᵀ = abᵀ", () => {
    expect(simplified(E.kron(E.transpose(x), x))).toBe("xxᵀ");
    expect(simplified(E.kron(x, E.transpose(x)))).toBe("xxᵀ");
    expect(simplified(E.kron(y, E.transpose(x)))).toBe("yxᵀ");
    expect(numericallyEqual(E.kron(E.transpose(x), y), E.mul(y, E.transpose(x))).ok).toBe(true);
    // negative goal: x ⊗ y (a column of n·m entries) is no outer product
    expect(simplified(E.kron(x, y))).toBe("x ⊗ y");
  });
});

describe("like traces up to transposition (Matrix Cookbook eq. (13)): df as a textbook writes it", () => {
  const index = makeRuleIndex(SIMPLIFY_RULES);
  const X = E.sym("X", shape("n", "m"));
  const A = E.sym("A", shape("n", "n"));
  const dX = E.diff(X);

  it("tr((dX)ᵀX) + tr(Xᵀ dX) = 2 tr(Xᵀ dX), the differential last", () => {
    const df = E.add(E.trace(E.mul(E.transpose(dX), X)), E.trace(E.mul(E.transpose(X), dX)));
    const out = rewrite(df, index).expr;
    expect(toText(out)).toBe("2 tr(Xᵀ dX)");
    expect(numericallyEqual(df, out).ok).toBe(true);
    expect(differentiate("sqrt(tr(X^T X))", { wrt: "X" }).differential.text).toBe("tr(Xᵀ dX)/sqrt(tr(XᵀX))");
  });

  it("negative goal: tr((dX)ᵀAX) and tr(XᵀA dX) differ unless A is symmetric, and stay two terms", () => {
    const df = E.add(E.trace(E.mul(E.transpose(dX), A, X)), E.trace(E.mul(E.transpose(X), A, dX)));
    expect(toText(rewrite(df, index).expr)).toBe("tr((dX)ᵀAX) + tr(XᵀA dX)");
    expect(numericallyEqual(E.trace(E.mul(E.transpose(dX), A, X)), E.trace(E.mul(E.transpose(X), A, dX))).ok).toBe(false);
    expect(differentiate("tr(X^T S X)", { wrt: "X", let: ["S: symmetric"] }).differential.text).toBe("2 tr(XᵀS dX)");
  });
});

describe("terms that differ only in scalar factors collect (derived: distributivity)", () => {
  const gradient = (expr: string, wrt: string, lets: string[] = []) => differentiate(expr, { wrt, let: lets, check: true });

  it("φ − σ(θᵀφ)φ = (1 − σ(θᵀφ))φ, in the gradient and in df; I − sI = (1 − s)I; 2x + 2λx = 2(1 + λ)x; each checked", () => {
    const logistic = gradient("\\theta^T \\phi - log(1 + exp(\\theta^T \\phi))", "theta");
    expect(logistic.derivative.text).toBe("(1 − σ(θᵀφ))φ");
    expect(logistic.differential.text).toBe("(1 − σ(θᵀφ))(dθ)ᵀφ");
    const scaled = gradient("x - s x", "x", ["s: scalar"]);
    expect(scaled.derivative.text).toBe("(1 − s)I");
    const ridge = gradient("x^T x + lambda x^T x", "x");
    expect(ridge.derivative.text).toBe("2(1 + λ)x");
    for (const r of [logistic, scaled, ridge]) expect(r.check?.ok).toBe(true);
  });

  it("negative goal: a divisor among the scalars keeps the terms apart (x/s − t x/s², not (1/s − t/s²)x)", () => {
    const r = gradient("x^T x/s - t x^T x/s^2", "x", ["s: scalar", "t: scalar"]);
    expect(r.derivative.text).not.toMatch(/^\(1\/s/);
    expect(r.check?.ok).toBe(true);
  });
});

describe("a sum of an entrywise product of columns is an inner product (derived: Σᵢ uᵢvᵢ = uᵀv)", () => {
  const df = (expr: string, wrt: string) => {
    const r = differentiate(expr, { wrt, check: true });
    expect(r.check?.ok, expr).toBe(true);
    return r.differential.text;
  };

  it("df reads as a textbook writes it, the differential last, a weight that is itself entrywise kept whole", () => {
    expect(df("sum(exp(A x))", "x")).toBe("exp(Ax)ᵀA dx");
    expect(df("sum((X w - y).^2)", "w")).toBe("2(Xw − y)ᵀX dw");
    expect(df("sum(x .* y)", "x")).toBe("yᵀ dx");
    expect(df("\\|x\\|_1", "x")).toBe("sign(x)ᵀ dx");
    expect(df("sum(log(1+exp(-y .* (X w))))", "w")).toBe("−(dw)ᵀXᵀ(y ⊙ σ(−y ⊙ Xw))");
    // Poisson regression's 𝟏ᵀexp(Xβ), written with the all-ones row
    expect(df("y^T X \\beta - \\mathbf{1}^T \\exp(X\\beta)", "beta")).toBe("yᵀX dβ − exp(Xβ)ᵀX dβ");
  });

  it("negative goal: of matrices the sum stays (no tr(exp(Xᵀ) dX))", () => {
    expect(df("sum(exp(X))", "X")).toBe("sum(dX ⊙ exp(X))");
  });
});

describe("a scalar common to every term comes out to its lowest power (derived: distributivity)", () => {
  it("σ″ = σ(1 − σ)(1 − 2σ), as a textbook writes it; ∇(det(X)² + det(X)) = det(X)(2 det(X) + 1)X⁻ᵀ; each checked", () => {
    const second = differentiate("sigmoid(t)", { wrt: "t", let: ["t: scalar"], hessian: true, check: true });
    expect(second.derivative.text).toBe("σ(t)(1 − σ(t))(1 − 2σ(t))");
    const det = differentiate("det(X)^2 + det(X)", { wrt: "X", check: true });
    expect(det.derivative.text).toBe("det(X)(2 det(X) + 1)X⁻ᵀ");
    for (const r of [second, det]) expect(r.check?.ok).toBe(true);
  });
});

describe("sum is linear (derived)", () => {
  it("sum(−2(y − μ𝟏)) is −2(sum(y) − nμ): the factor leaves the sum, the constant term adds up to nμ; checked", () => {
    const r = differentiate("\\sum_i (y_i - \\mu)^2", { wrt: "mu", check: true });
    expect(r.derivative.text).toBe("−2(sum(y) − nμ)");
    expect(r.check?.ok).toBe(true);
  });

  it("Σᵢ log 𝒩(yᵢ; xᵢᵀw, σ²) by σ: the sum of squares is (y − Xw)ᵀ(y − Xw), the constant N/σ; checked", () => {
    const r = differentiate("-\\sum_{i=1}^{N} \\log \\mathcal{N}(y_i; w^T x_i, \\sigma^2)", { wrt: "sigma", check: true });
    expect(r.derivative.text).toBe("N/σ − (y − Xw)ᵀ(y − Xw)/σ³");
    expect(r.check?.ok).toBe(true);
  });
});

describe("a function of the number 0 is folded where its value is 0, 1 or ½ (the operation table's atZero)", () => {
  it("agrees with the function's own value at 0, for every entry that states one", async () => {
    const { OPERATIONS } = await import("../src/core/operations.js");
    for (const [name, op] of Object.entries(OPERATIONS)) {
      if (op.kind !== "elementwise" || op.atZero === undefined) continue;
      expect(op.value(0), name).toBeCloseTo(op.atZero, 15);
      const folded = E.fn(name as Parameters<typeof E.fn>[0], E.num(0));
      expect(toText(folded), name).toBe(op.atZero === 0.5 ? "1/2" : String(op.atZero));
    }
  });

  it("σ(t − t) and Φ(t − t) are ½ (σ(0) read back as a zero row before a matrix, fuzz (c))", () => {
    expect(differentiate("sigmoid(t - t) x^T x", { wrt: "x", let: ["t: scalar"] }).derivative.text).toBe("x");
    expect(differentiate("sigmoid(0)", { wrt: "x" }).function.text).toBe("1/2");
  });
});

describe("a matrix's Hadamard product takes one transpose outside where that writes fewer (derived: entrywise)", () => {
  it("Σᵢ ‖yᵢ − σ(Wxᵢ + b)‖²: ((Y − S) ⊙ S ⊙ (𝟏 − S))ᵀ with one S, not (𝟏 − S)ᵀ ⊙ (Y − S)ᵀ ⊙ σ(WXᵀ) or σ((XWᵀ + 𝟏bᵀ)ᵀ); each checked", () => {
    const byW = differentiate("\\sum_i \\|y_i - \\sigma(W x_i)\\|^2", { wrt: "W", check: true });
    expect(byW.derivative.text).toBe("−2(σ(XWᵀ) ⊙ (𝟏 − σ(XWᵀ)) ⊙ (Y − σ(XWᵀ)))ᵀX");
    expect(byW.check?.ok).toBe(true);
    const byB = differentiate("\\sum_i \\|y_i - \\sigma(W x_i + b)\\|^2", { wrt: "b", check: true });
    expect(byB.derivative.text).toBe("−2(σ(XWᵀ + 𝟏bᵀ) ⊙ (𝟏 − σ(XWᵀ + 𝟏bᵀ)) ⊙ (Y − σ(XWᵀ + 𝟏bᵀ)))ᵀ𝟏");
    expect(byB.check?.ok).toBe(true);
  });

  it("(A ⊙ B)ᵀ stays whole, (Aᵀ ⊙ B)ᵀ is A ⊙ Bᵀ; a row's and a differential's transposes spread as before", () => {
    const gradient = (input: string, ...shapes: string[]) => differentiate(input, { wrt: "C", let: shapes, check: true });
    const whole = gradient("tr(C^T (A .* B)^T) + (u .* v)^T C^T w", "A: m x n", "B: m x n", "C: n x m", "u: m", "v: m", "w: n");
    expect(whole.derivative.text).toBe("(A ⊙ B)ᵀ + w(uᵀ ⊙ vᵀ)");
    expect(whole.check?.ok).toBe(true);
    const spread = gradient("tr(C^T (A^T .* B)^T)", "A: m x n", "B: n x m", "C: m x n");
    expect(spread.derivative.text).toBe("A ⊙ Bᵀ");
    expect(spread.check?.ok).toBe(true);
    expect(differentiate("tr((A .* B)^T C)", { wrt: "A" }).differential.text).toBe("tr((Bᵀ ⊙ (dA)ᵀ)C)");
  });
});

describe("exp(v)/sum(exp(v)) as written is read as softmax(v) before it is differentiated (rule softmax-quotient)", () => {
  it("the cross-entropy written out is (𝟏ᵀy) softmax(z) − y and softmax's Jacobian diag(s) − ssᵀ (were quotient-rule terms nothing collected); each checked", () => {
    const ce = differentiate("-\\sum_k y_k \\log \\frac{e^{z_k}}{\\sum_j e^{z_j}}", { wrt: "z", check: true });
    expect(ce.function.text).toBe("−sum(y ⊙ log softmax(z))");
    expect(ce.derivative.text).toBe("(𝟏ᵀy) softmax(z) − y");
    expect(ce.check?.ok).toBe(true);
    expect(ce.notes).toContain("exp(·)/sum(exp(·)) is read as softmax(·), the function it writes out, and differentiated as that");
    const jacobian = differentiate("exp(z)/sum(exp(z))", { wrt: "z", check: true });
    expect(jacobian.derivative.text).toBe("diag(softmax(z)) − softmax(z) softmax(z)ᵀ");
    expect(jacobian.check?.ok).toBe(true);
    const ones = differentiate("-y^T \\log \\frac{\\exp(Wx)}{\\mathbf{1}^T\\exp(Wx)}", { wrt: "x", check: true });
    expect(ones.function.text).toBe("−yᵀ log softmax(Wx)");
    expect(ones.derivative.text).toBe("Wᵀ((𝟏ᵀy) softmax(Wx) − y)");
    expect(ones.check?.ok).toBe(true);
    // the entry at a label, exp(yᵀz)/Σⱼ exp(z_j), is no softmax of a vector: read as written
    expect(differentiate("-\\log \\frac{e^{z_y}}{\\sum_j e^{z_j}}", { wrt: "z" }).notes.join("\n")).not.toMatch(/is read as softmax/);
  });
});
