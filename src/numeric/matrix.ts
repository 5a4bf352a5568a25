/**
 * A small dense matrix for numeric checks: no numeric library, just what the
 * evaluator and the finite-difference checks need.
 *
 * Storage is COLUMN-MAJOR: entry (i, j) lives at data[i + j * rows]. That is
 * the order of vec (DESIGN §1 uses column-major vec), so vec/unvec are plain
 * reshapes and index k of vec(X) is data[k].
 *
 * Operations return new matrices; only `set` mutates.
 */

export type NumericErrorCode =
  | "shape"        // operand sizes disagree
  | "singular"     // singular or too ill-conditioned to invert: a bad sample, draw another
  | "unbound"      // a symbol, differential or dimension has no value in the environment
  | "unsupported"; // no numeric meaning here (matrix 2-norm, non-integer matrix power)

export class NumericError extends Error {
  readonly code: NumericErrorCode;
  constructor(code: NumericErrorCode, message: string) {
    super(message);
    this.name = "NumericError";
    this.code = code;
  }
}

/**
 * An inverse loses about log10(κ) of float64's ~16 digits; above κ₁ = 1e10
 * fewer than 6 remain, too few to tell a right gradient from a wrong one at
 * the checks' 1e-6 tolerance, so we refuse instead of returning noise.
 */
export const MAX_CONDITION = 1e10;

export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new NumericError("shape", `bad matrix size ${rows}×${cols}`);
    }
    if (data && data.length !== rows * cols) {
      throw new NumericError("shape", `${rows}×${cols} matrix needs ${rows * cols} entries, got ${data.length}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  static ones(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols, new Float64Array(rows * cols).fill(1));
  }

  static identity(n: number): Matrix {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i + i * n] = 1;
    return m;
  }

  static scalar(x: number): Matrix {
    return new Matrix(1, 1, Float64Array.of(x));
  }

  /** From a row-major nested array, the way matrices are written by hand. */
  static fromRows(rows: readonly (readonly number[])[]): Matrix {
    const r = rows.length;
    const c = rows[0]?.length ?? 0;
    const m = new Matrix(r, c);
    rows.forEach((row, i) => {
      if (row.length !== c) throw new NumericError("shape", `row ${i} has ${row.length} entries, expected ${c}`);
      row.forEach((x, j) => { m.data[i + j * r] = x; });
    });
    return m;
  }

  /** A column vector. */
  static column(xs: readonly number[]): Matrix {
    return new Matrix(xs.length, 1, Float64Array.from(xs));
  }

  /** Inverse of vec: refills a rows×cols matrix column by column. */
  static unvec(v: Matrix, rows: number, cols: number): Matrix {
    if (v.data.length !== rows * cols) throw new NumericError("shape", `cannot unvec ${v.rows}×${v.cols} into ${rows}×${cols}`);
    return new Matrix(rows, cols, v.data.slice());
  }

  /** Diag(v): the square matrix with the vector v (either orientation) on its diagonal. */
  static diagm(v: Matrix): Matrix {
    if (v.rows !== 1 && v.cols !== 1) throw new NumericError("shape", `Diag needs a vector, got ${v.rows}×${v.cols}`);
    const n = v.data.length;
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i + i * n] = v.data[i]!;
    return m;
  }

  get isScalar(): boolean {
    return this.rows === 1 && this.cols === 1;
  }

  get isSquare(): boolean {
    return this.rows === this.cols;
  }

  get(i: number, j: number): number {
    return this.data[this.offset(i, j)]!;
  }

  set(i: number, j: number, x: number): void {
    this.data[this.offset(i, j)] = x;
  }

  private offset(i: number, j: number): number {
    if (!(i >= 0 && i < this.rows && j >= 0 && j < this.cols && Number.isInteger(i) && Number.isInteger(j))) {
      throw new RangeError(`index (${i}, ${j}) outside a ${this.rows}×${this.cols} matrix`);
    }
    return i + j * this.rows;
  }

  toRows(): number[][] {
    return Array.from({ length: this.rows }, (_, i) => Array.from({ length: this.cols }, (_, j) => this.data[i + j * this.rows]!));
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  sameShape(b: Matrix): boolean {
    return this.rows === b.rows && this.cols === b.cols;
  }

  isFinite(): boolean {
    const d = this.data;
    for (let k = 0; k < d.length; k++) if (!Number.isFinite(d[k]!)) return false;
    return true;
  }

  map(f: (x: number, i: number, j: number) => number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    for (let j = 0; j < this.cols; j++) {
      for (let i = 0; i < this.rows; i++) out.data[i + j * this.rows] = f(this.data[i + j * this.rows]!, i, j);
    }
    return out;
  }

  private zip(b: Matrix, what: string, f: (x: number, y: number) => number): Matrix {
    if (!this.sameShape(b)) throw new NumericError("shape", `${what} of ${this.rows}×${this.cols} and ${b.rows}×${b.cols}`);
    const out = new Matrix(this.rows, this.cols);
    for (let k = 0; k < out.data.length; k++) out.data[k] = f(this.data[k]!, b.data[k]!);
    return out;
  }

  add(b: Matrix): Matrix { return this.zip(b, "sum", (x, y) => x + y); }
  sub(b: Matrix): Matrix { return this.zip(b, "difference", (x, y) => x - y); }
  hadamard(b: Matrix): Matrix { return this.zip(b, "Hadamard product", (x, y) => x * y); }

  scale(c: number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    for (let k = 0; k < out.data.length; k++) out.data[k] = c * this.data[k]!;
    return out;
  }

  matmul(b: Matrix): Matrix {
    if (this.cols !== b.rows) throw new NumericError("shape", `product of ${this.rows}×${this.cols} and ${b.rows}×${b.cols}`);
    const m = this.rows, n = this.cols, p = b.cols;
    const out = new Matrix(m, p);
    const a = this.data, bd = b.data, c = out.data;
    // column j of the product is A times column j of B: the inner loop walks columns contiguously
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < n; k++) {
        const bkj = bd[k + j * n]!;
        if (bkj === 0) continue;
        for (let i = 0; i < m; i++) c[i + j * m]! += a[i + k * m]! * bkj;
      }
    }
    return out;
  }

  transpose(): Matrix {
    return new Matrix(this.cols, this.rows).map((_, i, j) => this.data[j + i * this.rows]!);
  }

  /** (A ⊗ B)[i·p + k, j·q + l] = A[i, j] · B[k, l] for B of size p×q. */
  kron(b: Matrix): Matrix {
    const p = b.rows, q = b.cols;
    return new Matrix(this.rows * p, this.cols * q).map((_, r, c) =>
      this.data[Math.floor(r / p) + Math.floor(c / q) * this.rows]! * b.data[(r % p) + (c % q) * p]!);
  }

  trace(): number {
    this.requireSquare("trace");
    let s = 0;
    for (let i = 0; i < this.rows; i++) s += this.data[i + i * this.rows]!;
    return s;
  }

  /** diag(A): the diagonal of a square matrix as a column vector. */
  diag(): Matrix {
    this.requireSquare("diag");
    const n = this.rows;
    const out = new Matrix(n, 1);
    for (let i = 0; i < n; i++) out.data[i] = this.data[i + i * n]!;
    return out;
  }

  /** Column-major vectorisation; with column-major storage a copy of the data. */
  vec(): Matrix {
    return new Matrix(this.rows * this.cols, 1, this.data.slice());
  }

  // indexed loops, here and below: for…of over a typed array allocates a result per entry in unoptimised code,
  // which is how an answer key runs (src/cli/launch.ts), and the numeric check was a third of its allocation
  sum(): number {
    const d = this.data;
    let s = 0;
    for (let k = 0; k < d.length; k++) s += d[k]!;
    return s;
  }

  /** Frobenius norm; for a vector the Euclidean norm. Scaled so large or tiny entries neither overflow nor underflow. */
  norm(): number {
    const big = this.maxAbs();
    if (big === 0 || !Number.isFinite(big)) return big;
    const d = this.data;
    let s = 0;
    for (let k = 0; k < d.length; k++) s += (d[k]! / big) ** 2;
    return big * Math.sqrt(s);
  }

  maxAbs(): number {
    const d = this.data;
    let m = 0;
    for (let k = 0; k < d.length; k++) {
      const a = Math.abs(d[k]!);
      if (a > m || Number.isNaN(a)) m = a;
    }
    return m;
  }

  /** Induced 1-norm: the largest column sum of absolute values. */
  norm1(): number {
    let best = 0;
    for (let j = 0; j < this.cols; j++) {
      let s = 0;
      for (let i = 0; i < this.rows; i++) s += Math.abs(this.data[i + j * this.rows]!);
      best = Math.max(best, s);
    }
    return best;
  }

  det(): number {
    this.requireSquare("det");
    const f = lu(this);
    if (f.singular) return 0;
    let d = f.sign;
    for (let i = 0; i < f.n; i++) d *= f.lu[i + i * f.n]!;
    return d;
  }

  /** sign(det A) and log|det A|, summed in logs so large matrices do not overflow; sign 0 when singular. */
  logAbsDet(): { sign: number; logAbs: number } {
    this.requireSquare("logdet");
    const f = lu(this);
    if (f.singular) return { sign: 0, logAbs: -Infinity };
    let sign = f.sign, logAbs = 0;
    for (let i = 0; i < f.n; i++) {
      const u = f.lu[i + i * f.n]!;
      if (u < 0) sign = -sign;
      logAbs += Math.log(Math.abs(u));
    }
    return { sign, logAbs };
  }

  /** Throws NumericError "singular" when A is singular or κ₁(A) > maxCond (see MAX_CONDITION). */
  inverse(maxCond = MAX_CONDITION): Matrix {
    this.requireSquare("inverse");
    const f = lu(this);
    if (f.singular) throw new NumericError("singular", `singular ${this.rows}×${this.rows} matrix`);
    const inv = luSolve(f, Matrix.identity(f.n));
    const cond = this.norm1() * inv.norm1();
    if (!(cond <= maxCond)) {
      throw new NumericError("singular", `ill-conditioned ${f.n}×${f.n} matrix (1-norm condition ${cond.toExponential(2)})`);
    }
    return inv;
  }

  /** κ₁(A) = ‖A‖₁‖A⁻¹‖₁, exact (we can afford the inverse at these sizes); Infinity when singular. */
  cond1(): number {
    this.requireSquare("condition number");
    const f = lu(this);
    return f.singular ? Infinity : this.norm1() * luSolve(f, Matrix.identity(f.n)).norm1();
  }

  private requireSquare(what: string): void {
    if (this.rows !== this.cols) throw new NumericError("shape", `${what} of a non-square ${this.rows}×${this.cols} matrix`);
  }
}

interface LU {
  readonly n: number;
  /** L (unit lower, below the diagonal) and U (on and above it), column-major. */
  readonly lu: Float64Array;
  /** Row i of PA is row piv[i] of A. */
  readonly piv: Int32Array;
  readonly sign: number;
  readonly singular: boolean;
}

/** Doolittle LU with partial pivoting (largest pivot in the column), PA = LU. */
function lu(a: Matrix): LU {
  const n = a.rows;
  const m = a.data.slice();
  const piv = new Int32Array(n);
  for (let i = 0; i < n; i++) piv[i] = i;
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(m[k + k * n]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(m[i + k * n]!);
      if (v > best) { best = v; p = i; }
    }
    if (best === 0 || !Number.isFinite(best)) { singular = true; continue; }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k + j * n]!;
        m[k + j * n] = m[p + j * n]!;
        m[p + j * n] = t;
      }
      const t = piv[k]!;
      piv[k] = piv[p]!;
      piv[p] = t;
      sign = -sign;
    }
    const pivot = m[k + k * n]!;
    for (let i = k + 1; i < n; i++) m[i + k * n]! /= pivot;
    for (let j = k + 1; j < n; j++) {
      const ukj = m[k + j * n]!;
      if (ukj === 0) continue;
      for (let i = k + 1; i < n; i++) m[i + j * n]! -= m[i + k * n]! * ukj;
    }
  }
  return { n, lu: m, piv, sign, singular };
}

/** Solves A X = B given the factorisation of a non-singular A. */
function luSolve(f: LU, b: Matrix): Matrix {
  const { n, lu: m, piv } = f;
  const x = new Matrix(n, b.cols);
  for (let c = 0; c < b.cols; c++) {
    const col = c * n;
    for (let i = 0; i < n; i++) x.data[col + i] = b.data[piv[i]! + col]!;
    for (let i = 0; i < n; i++) {
      let s = x.data[col + i]!;
      for (let k = 0; k < i; k++) s -= m[i + k * n]! * x.data[col + k]!;
      x.data[col + i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x.data[col + i]!;
      for (let k = i + 1; k < n; k++) s -= m[i + k * n]! * x.data[col + k]!;
      x.data[col + i] = s / m[i + i * n]!;
    }
  }
  return x;
}
