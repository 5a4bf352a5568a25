/**
 * Gradients through a parameterisation (DESIGN.md §1, "Through a
 * parameterisation"). A symbol declared `A: matrix(θ)` is an opaque function of
 * θ: matdiff knows only that vec(dA) = J_A(θ) vec(dθ), J_A(θ) = ∂vec(A)/∂vec(θ).
 * This is reverse mode at the level of symbols:
 *
 *   1. every symbol that depends on θ is a variable of its own in df
 *      (df = ⟨G_A, dA⟩ + ⟨g_b, db⟩ + ⟨G_θ, dθ⟩, one differential for all);
 *   2. each G is found by the Frobenius match, exactly as for a plain variable;
 *   3. the gradients are pulled back along the declarations, deepest first:
 *      vec(Ḡ_P) = vec(G_P) + Σ_{A(P)} J_A(P)ᵀ vec(Ḡ_A) — a vector-Jacobian product
 *      per opaque function, ending at θ.
 *
 * A function of a scalar t keeps the textbook form dA = Ȧ dt (rules/differentials.ts).
 */
import * as E from "../core/expr.js";
import type { Expr, Sym } from "../core/expr.js";
import { isScalarShape } from "../core/shape.js";
import { MatdiffError } from "../errors.js";

/** A symbol that depends on the variable through declarations, and what it depends on directly. */
export interface Intermediate {
  readonly sym: Sym;
  /** The symbol it is declared a function of (θ itself, or another intermediate). */
  readonly parent: Sym;
  /** J = ∂vec(sym)/∂vec(parent). */
  readonly jacobian: Sym;
}

/**
 * `A: matrix(B)`, `B: matrix(A)` has no meaning: an error naming the cycle.
 * `dependsOn` maps each declared name to the name it is a function of.
 */
export function checkDependencyCycles(dependsOn: ReadonlyMap<string, string>, show: (name: string) => string): void {
  for (const start of dependsOn.keys()) {
    const path = [start];
    for (let cur = dependsOn.get(start); cur !== undefined; cur = dependsOn.get(cur)) {
      if (cur === start) {
        const names = path.map(show);
        const chain = path.map((n, i) => `${show(n)} depends on ${show(path[(i + 1) % path.length]!)}`).join(", ");
        throw new MatdiffError("declaration", `circular dependency between ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`}: ${chain}`, undefined, {
          hint: "a symbol declared matrix(θ) is a function of θ; the chain of such declarations must end at a symbol that depends on nothing",
        });
      }
      if (path.includes(cur)) break; // a cycle further on, reported from its own start
      path.push(cur);
    }
  }
}

/**
 * The symbols that depend on X through `--let "A: matrix(…)"` declarations and
 * become variables of their own, nearest to X first. A function of a scalar X
 * itself is left to the Ẋ rule, which writes dA = Ȧ dX.
 */
export function intermediatesOf(X: Sym, symbols: ReadonlyMap<string, Sym>): Intermediate[] {
  const out: Intermediate[] = [];
  const reached = new Map<string, Sym>([[X.name, X]]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of symbols.values()) {
      const p = s.props.dependsOn;
      if (p === undefined || reached.has(s.name) || !reached.has(p)) continue;
      const parent = reached.get(p)!;
      reached.set(s.name, s);
      grew = true;
      if (parent === X && isScalarShape(X.shape)) continue;
      out.push({ sym: s, parent, jacobian: E.jacobianSym(s, parent) });
    }
  }
  return out;
}

/** Every symbol reached from X through declarations (the Ẋ ones too): what "depends on X" means. */
export function dependentsOf(X: Sym, symbols: ReadonlyMap<string, Sym>): Set<string> {
  const reached = new Set([X.name]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of symbols.values()) {
      if (!reached.has(s.name) && s.props.dependsOn !== undefined && reached.has(s.props.dependsOn)) { reached.add(s.name); grew = true; }
    }
  }
  reached.delete(X.name);
  return reached;
}

/** One pulled-back term of the result: J_A(P)ᵀ vec(Ḡ_A), with Ḡ_A the total gradient in A. */
export interface PullBack {
  readonly node: Intermediate;
  /** vec of the total gradient of f in the node (its own G plus what flowed back from its dependents). */
  readonly vecGradient: Expr;
}

/**
 * vec(∇_X f) for a scalar f from the partial gradients: `partial(N)` is G_N
 * (shape of N) with every other symbol held fixed. Returns the result and the
 * pull-back of each intermediate, for presentation.
 */
export function pullBackGradient(X: Sym, nodes: readonly Intermediate[], partial: (s: Sym) => Expr): { result: Expr; pullBacks: PullBack[] } {
  const back = new Map<string, Expr>();
  const totals = new Map<string, Expr>();
  // what flows into P from the functions of P, in declaration order: Σ_{A(P)} J_A(P)ᵀ vec(Ḡ_A)
  const inflow = (p: Sym): Expr[] => nodes.filter((n) => n.parent === p && back.has(n.sym.name)).map((n) => back.get(n.sym.name)!);
  // deepest first: a node's total is complete once all its dependents have flowed into it
  for (const n of [...nodes].reverse()) {
    const total = E.add(E.vec(partial(n.sym)), ...inflow(n.sym));
    totals.set(n.sym.name, total);
    if (!E.isZero(total)) back.set(n.sym.name, E.mul(E.transpose(n.jacobian), total));
  }
  const terms = [E.vec(partial(X)), ...inflow(X)];
  // a function of a scalar X, written with Ṗ, passes on what flowed into it: ⟨vec Ṗ, Σ J_Aᵀ vec Ḡ_A⟩
  for (const p of new Set(nodes.map((n) => n.parent))) {
    if (p === X || nodes.some((m) => m.sym === p)) continue;
    const into = inflow(p);
    if (into.length) terms.push(E.mul(E.transpose(E.vec(E.dotted(p))), E.add(...into)));
  }
  return { result: E.add(...terms), pullBacks: nodes.map((n) => ({ node: n, vecGradient: totals.get(n.sym.name)! })) };
}

/**
 * ∂vec(F)/∂vec(X) for a vector or matrix F: forward through the declarations,
 * T_X = I, T_A = J_A(P) T_P, and ∂vec F/∂vec X = Σ_N (∂vec F/∂vec N) T_N.
 * `partial(N)` is ∂vec(F)/∂vec(N) with the others held fixed.
 */
export function pushForwardJacobian(X: Sym, nodes: readonly Intermediate[], partial: (s: Sym) => Expr): Expr {
  const tangent = new Map<string, Expr>([[X.name, E.identity(E.vec(X).shape.rows)]]);
  const terms: Expr[] = [partial(X)];
  for (const n of nodes) {
    const parentTangent = tangent.get(n.parent.name) ?? (isScalarShape(X.shape) ? E.vec(E.dotted(n.parent)) : undefined);
    if (!parentTangent) throw new E.InternalError(`no tangent for ${n.parent.name}`);
    const t = E.mul(n.jacobian, parentTangent);
    tangent.set(n.sym.name, t);
    terms.push(E.mul(partial(n.sym), t));
  }
  return E.add(...terms);
}

/** Sets every differential in `df` to 0 except those of `keep`: the partial differential in them. */
export function restrictDifferential(df: Expr, keep: ReadonlySet<string>): Expr {
  return E.mapBottomUp(df, (x) => (x.kind === "d" && !keep.has(x.of.name) ? E.zero(x.shape) : x));
}
