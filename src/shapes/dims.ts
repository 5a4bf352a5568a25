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

export class DimContext {
  private readonly vars: DimVar[] = [];

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

  unify(a: DimT, b: DimT): boolean {
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
    if (x.k === "var") return this.bind(x.v, y);
    if (y.k === "var") return this.bind(y.v, x);
    if (x.k === "prod" && y.k === "prod") {
      // m·n = n·m: products compare as multisets of factors. Factors both sides share (the
      // same literal, name or variable) cancel first, so n·p = m·n leaves p = m: the size
      // of I in I ⊗ X read against an mn×mn context.
      const xs = this.factors(x), ys = this.factors(y);
      for (let i = xs.length - 1; i >= 0; i--) {
        const j = ys.findIndex((d) => sameFactor(d, xs[i]!));
        if (j >= 0) { xs.splice(i, 1); ys.splice(j, 1); }
      }
      const ground = (d: DimT) => d.k === "lit" || (d.k === "var" && d.v.name !== null);
      if (xs.length === 0 && ys.length === 0) return true;
      if (xs.length === 0 || ys.length === 0) return [...xs, ...ys].every((d) => this.unify(d, ONE_T));
      if (xs.length === 1 || ys.length === 1) {
        const single = xs.length === 1 ? xs[0]! : ys[0]!;
        const rest = xs.length === 1 ? ys : xs;
        return this.unify(single, rest.length === 1 ? rest[0]! : { k: "prod", parts: rest });
      }
      if (xs.every(ground) && ys.every(ground)) return false;
      return xs.length === ys.length && xs.every((p, i) => this.unify(p, ys[i]!));
    }
    // a product against a literal: only 1 = 1·1 can be decided symbolically
    const prod = x.k === "prod" ? x : (y as Extract<DimT, { k: "prod" }>);
    const other = x.k === "prod" ? y : x;
    return other.k === "lit" && other.n === 1 && prod.parts.every((p) => this.unify(p, ONE_T));
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
