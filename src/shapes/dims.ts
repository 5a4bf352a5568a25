/**
 * Symbolic dimensions under unification (union–find). A dimension is a
 * literal size, a variable, or a product (Kronecker and vec shapes).
 * Variables of matrices and vectors are *rigid*: they never unify with the
 * literal 1, so a matrix can't silently turn into a vector. Variables of `I`,
 * `0` and `𝟏` are *flexible*: they take whatever shape the context needs.
 */
import { mulDim, type Dim } from "../core/shape.js";

export type DimT =
  | { readonly k: "lit"; readonly n: number }
  | { readonly k: "var"; readonly v: DimVar }
  | { readonly k: "prod"; readonly parts: readonly DimT[] };

export interface DimVar {
  readonly order: number;
  parent: DimVar | null;
  /** A bound value (literal or product) once unified with one. */
  value: DimT | null;
  /** A declared name such as "m": unifies with variables, not with other names. */
  name: string | null;
  flexible: boolean;
}

export interface ShapeT {
  readonly rows: DimT;
  readonly cols: DimT;
}

export const lit = (n: number): DimT => ({ k: "lit", n });
export const ONE_T = lit(1);
export const SCALAR_T: ShapeT = { rows: ONE_T, cols: ONE_T };

/** Resolved factors that are certainly equal: one literal, or one variable. */
const sameFactor = (a: DimT, b: DimT) =>
  (a.k === "lit" && b.k === "lit" && a.n === b.n) || (a.k === "var" && b.k === "var" && a.v === b.v);

/** A product equation the unifier could not decide yet: m·n = p·q could pair m with p or with q. */
export interface PendingProduct<Origin> {
  readonly left: DimT;
  readonly right: DimT;
  /** What the caller was unifying when it arose (the elaborator's node), for its message. */
  readonly origin: Origin | undefined;
}

type Outcome = boolean | "deferred";

export class DimContext<Origin = unknown> {
  private readonly vars: DimVar[] = [];
  /** The caller's current place, stamped on product equations that have to wait. */
  origin: Origin | undefined;
  private pending: PendingProduct<Origin>[] = [];

  fresh(opts: { flexible?: boolean; name?: string } = {}): DimT {
    const v: DimVar = { order: this.vars.length, parent: null, value: null, name: opts.name ?? null, flexible: opts.flexible ?? false };
    this.vars.push(v);
    return { k: "var", v };
  }

  /** The named variable for a declared size such as "m", shared by every declaration that uses it. */
  private readonly named = new Map<string, DimT>();
  namedDim(name: string | number): DimT {
    if (typeof name === "number") return lit(name);
    let d = this.named.get(name);
    if (!d) {
      d = this.fresh({ name });
      this.named.set(name, d);
    }
    return d;
  }

  root(v: DimVar): DimVar {
    let r = v;
    while (r.parent) r = r.parent;
    while (v.parent) { const next: DimVar = v.parent; v.parent = r; v = next; }
    return r;
  }

  resolve(d: DimT): DimT {
    if (d.k === "lit") return d;
    if (d.k === "prod") {
      // 1·n is n: a Kronecker product with a vector or scalar keeps the other size
      const parts = d.parts.map((p) => this.resolve(p)).filter((p) => !(p.k === "lit" && p.n === 1));
      return parts.length === 0 ? ONE_T : parts.length === 1 ? parts[0]! : { k: "prod", parts };
    }
    const r = this.root(d.v);
    return r.value ? this.resolve(r.value) : { k: "var", v: r };
  }

  isOne(d: DimT): boolean {
    const r = this.resolve(d);
    return r.k === "lit" && r.n === 1;
  }

  isScalar(s: ShapeT): boolean {
    return this.isOne(s.rows) && this.isOne(s.cols);
  }

  /** True when the dimension can never become 1 (so e.g. a column vector stays a vector). */
  isRigid(d: DimT): boolean {
    const r = this.resolve(d);
    if (r.k === "lit") return r.n !== 1;
    if (r.k === "prod") return r.parts.some((p) => this.isRigid(p));
    return !r.v.flexible;
  }

  /**
   * Unifies two dimensions. A product equation that other constraints may still
   * decide (d·q = m·k: which factor is which?) is kept and counts as a success
   * for now; `settle` decides it once the rest of the expression is read.
   */
  unify(a: DimT, b: DimT): boolean {
    const outcome = this.tryUnify(a, b);
    if (outcome === "deferred") this.pending.push({ left: a, right: b, origin: this.origin });
    return outcome !== false;
  }

  /**
   * Decides the kept product equations, each as soon as the others allow. One
   * that nothing decides pairs its factors in order, the Kronecker index order
   * (the left factor's index varies slowest): (A ⊗ B)(C ⊗ D) needs A's columns
   * to be C's rows. Returns the first contradiction, if any.
   */
  settle(): { readonly failed?: PendingProduct<Origin> } {
    while (this.pending.length) {
      let progress = false;
      const waiting = this.pending;
      this.pending = [];
      for (const p of waiting) {
        const outcome = this.tryUnify(p.left, p.right);
        if (outcome === false) return { failed: p };
        if (outcome === "deferred") this.pending.push(p);
        else progress = true;
      }
      if (!progress) {
        const p = this.pending.shift()!;
        const [xs, ys] = this.uncommonFactors(p.left, p.right);
        if (xs.length !== ys.length || !xs.every((x, i) => this.tryUnify(x, ys[i]!) === true)) return { failed: p };
      }
    }
    return {};
  }

  private tryUnify(a: DimT, b: DimT): Outcome {
    const x = this.resolve(a);
    const y = this.resolve(b);
    if (x.k === "lit" && y.k === "lit") return x.n === y.n;
    if (x.k === "var" && y.k === "var") {
      if (x.v === y.v) return true;
      if (x.v.name && y.v.name) return false;
      y.v.parent = x.v;
      x.v.name ??= y.v.name;
      x.v.flexible &&= y.v.flexible;
      return true;
    }
    // n = n·c (X(x ⊗ 𝟏ᵀx) with x: n): the shared factor cancels, c = 1, where binding n would fail the occurs check
    if (x.k === "var" && y.k === "prod" && this.occurs(x.v, y)) return this.unifyFactors(...this.uncommonFactors(x, y));
    if (y.k === "var" && x.k === "prod" && this.occurs(y.v, x)) return this.unifyFactors(...this.uncommonFactors(x, y));
    if (x.k === "var") return this.bind(x.v, y);
    if (y.k === "var") return this.bind(y.v, x);
    if (x.k === "prod" && y.k === "prod") {
      // m·n = n·m: products compare as multisets of factors. Factors both sides share (the
      // same literal, name or variable) cancel first, so n·p = m·n leaves p = m: the size
      // of I in I ⊗ X read against an mn×mn context.
      return this.unifyFactors(...this.uncommonFactors(x, y));
    }
    // a product against a literal: 2·d = 6 makes d = 3
    const prod = x.k === "prod" ? x : (y as Extract<DimT, { k: "prod" }>);
    const other = x.k === "prod" ? y : x;
    return this.unifyFactors(this.factors(prod), this.factors(other));
  }

  /** The factors of two products with the factors they share cancelled, in order. */
  private uncommonFactors(a: DimT, b: DimT): [DimT[], DimT[]] {
    const xs = this.factors(a), ys = this.factors(b);
    for (let i = xs.length - 1; i >= 0; i--) {
      const j = ys.findIndex((d) => sameFactor(d, xs[i]!));
      if (j >= 0) { xs.splice(i, 1); ys.splice(j, 1); }
    }
    return [xs, ys];
  }

  /** xs₁·xs₂·… = ys₁·ys₂·…, common factors already cancelled. */
  private unifyFactors(xs: DimT[], ys: DimT[]): Outcome {
    const ground = (d: DimT) => d.k === "lit" || (d.k === "var" && d.v.name !== null);
    const literal = (ds: DimT[]) => ds.reduce((k, d) => (d.k === "lit" ? k * d.n : k), 1);
    const unknown = (ds: DimT[]) => ds.filter((d) => d.k !== "lit");
    const [lx, ly, ux, uy] = [literal(xs), literal(ys), unknown(xs), unknown(ys)];
    if (ux.length === 0 && uy.length === 0) return lx === ly;
    if (xs.length === 0 || ys.length === 0) return [...xs, ...ys].every((d) => this.tryUnify(d, ONE_T) === true);
    // all the unknowns on one side: they multiply to the other side's literal quotient (2·d = 6: d = 3)
    if (ux.length === 0 || uy.length === 0) {
      const [known, over, unknowns] = ux.length === 0 ? [lx, ly, uy] : [ly, lx, ux];
      if (known % over !== 0) return false;
      const quotient = known / over;
      if (unknowns.length === 1) return this.tryUnify(unknowns[0]!, lit(quotient));
      return quotient === 1 ? unknowns.every((d) => this.tryUnify(d, ONE_T) === true) : "deferred";
    }
    if (lx === 1 && ly === 1 && (ux.length === 1 || uy.length === 1)) {
      const single = ux.length === 1 ? ux[0]! : uy[0]!;
      const rest = ux.length === 1 ? uy : ux;
      return this.tryUnify(single, rest.length === 1 ? rest[0]! : { k: "prod", parts: rest });
    }
    if (xs.every(ground) && ys.every(ground)) return false;
    // m·n = p·q: which factor is which depends on constraints not read yet
    return "deferred";
  }

  /** The factors of a resolved product, nested products flattened and 1s dropped. */
  private factors(d: DimT): DimT[] {
    const r = this.resolve(d);
    if (r.k === "prod") return r.parts.flatMap((p) => this.factors(p));
    return r.k === "lit" && r.n === 1 ? [] : [r];
  }

  private bind(v: DimVar, d: DimT): boolean {
    if (d.k === "lit") {
      if (v.name) return false;
      if (d.n === 1 && !v.flexible) return false;
    }
    if (d.k === "prod" && this.occurs(v, d)) return false;
    if (d.k === "prod" && v.name) return false;
    v.value = d;
    return true;
  }

  private occurs(v: DimVar, d: DimT): boolean {
    const r = this.resolve(d);
    if (r.k === "var") return r.v === v;
    if (r.k === "prod") return r.parts.some((p) => this.occurs(v, p));
    return false;
  }

  unifyShapes(a: ShapeT, b: ShapeT): boolean {
    return this.unify(a.rows, b.rows) && this.unify(a.cols, b.cols);
  }

  /**
   * Friendly names for unnamed variables, in order of first appearance:
   * n, m, p, q, …, skipping names the user declared and the names in `avoid`
   * (the expression's symbols: with a vector m, 𝟏ᵀ𝟏 is a size that must not read as m).
   */
  namer(avoid: Iterable<string> = []): (d: DimT) => Dim {
    const names = new Map<DimVar, string>();
    const taken = new Set([...this.vars.filter((v) => v.name).map((v) => v.name!), ...avoid]);
    const pool = ["n", "m", "p", "q", "r", "k", "l", "s", "u", "v", "w"];
    let next = 0;
    const nameOf = (v: DimVar): string => {
      const r = this.root(v);
      if (r.name) return r.name;
      let n = names.get(r);
      if (!n) {
        do n = next < pool.length ? pool[next] : `n${next - pool.length + 1}`; while (taken.has(n!) && ++next);
        next++;
        names.set(r, n!);
      }
      return n!;
    };
    // name in order of creation so names follow the order symbols appear in the input
    for (const v of this.vars) {
      const r = this.root(v);
      if (!r.value) nameOf(r);
    }
    const show = (d: DimT): Dim => {
      const r = this.resolve(d);
      if (r.k === "lit") return r.n;
      if (r.k === "var") return nameOf(r.v);
      return r.parts.map(show).reduce<Dim>((acc, p) => mulDim(acc, p), 1);
    };
    return show;
  }
}
