/** Exact rational coefficients, so `2Ax` never becomes `2.0000000001Ax`. */
export interface Rational {
  readonly n: number;
  readonly d: number; // always > 0, gcd(n, d) = 1
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  // a swap through a temporary: a destructuring swap builds an array and iterates it in unoptimised code (a key's)
  while (b) { const r = a % b; a = b; b = r; }
  return a || 1;
}

/**
 * Exact arithmetic ran past 2⁵³ (2^{52} x^T x has the coefficient 2⁵³): the
 * input's numbers are too large to keep exact. A user error, worded in api.ts.
 */
export class RationalOverflow extends RangeError {
  constructor() {
    super("rational out of range");
    this.name = "RationalOverflow";
  }
}

export function rat(n: number, d = 1): Rational {
  if (d === 0) throw new RangeError("rational with zero denominator");
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d)) throw new RationalOverflow();
  const g = gcd(n, d);
  const s = d < 0 ? -1 : 1;
  return { n: (s * n) / g + 0, d: (s * d) / g };
}

export const ZERO = rat(0);
export const ONE = rat(1);
export const MINUS_ONE = rat(-1);

export const add = (a: Rational, b: Rational) => rat(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational) => rat(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational) => rat(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational) => rat(a.n * b.d, a.d * b.n);
export const neg = (a: Rational) => rat(-a.n, a.d);
export const eq = (a: Rational, b: Rational) => a.n === b.n && a.d === b.d;
export const isInt = (a: Rational) => a.d === 1;
export const toNumber = (a: Rational) => a.n / a.d;
export const cmp = (a: Rational, b: Rational) => a.n * b.d - b.n * a.d;

/**
 * Parses "3", "-2", "0.25", "1/2", "1e-3". Returns null for text that is not a
 * finite rational within safe-integer range.
 */
export function parseRational(text: string): Rational | null {
  const t = text.trim();
  const frac = /^([+-]?\d+)\s*\/\s*(\d+)$/.exec(t);
  if (frac) {
    const n = Number(frac[1]);
    const d = Number(frac[2]);
    if (d === 0 || !Number.isSafeInteger(n) || !Number.isSafeInteger(d)) return null;
    return rat(n, d);
  }
  const dec = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!dec || (dec[2] === "" && (dec[3] ?? "") === "")) return null;
  const sign = dec[1] === "-" ? -1 : 1;
  const intPart = dec[2] ?? "";
  const fracPart = dec[3] ?? "";
  let exp = Number(dec[4] ?? 0) - fracPart.length;
  const digits = (intPart + fracPart).replace(/^0+(?=\d)/, "");
  if (digits.length > 15 || Math.abs(exp) > 15) return null;
  let n = Number(digits || "0");
  let d = 1;
  if (exp >= 0) n *= 10 ** exp;
  else d = 10 ** -exp;
  if (!Number.isSafeInteger(n)) return null;
  return rat(sign * n, d);
}

export function formatRational(r: Rational): string {
  return r.d === 1 ? String(r.n) : `${r.n}/${r.d}`;
}
