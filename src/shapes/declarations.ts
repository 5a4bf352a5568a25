/**
 * `--let "NAME: SPEC"` declarations. SPEC is a few words in any order:
 *   scalar | vector | matrix | square | symmetric | posdef | diagonal
 *   and optionally sizes: "m x n" (matrix), "n" (vector length), "n x n".
 * A word with an argument, "matrix(t)", declares a function of the scalar t.
 * "symmetric", "posdef" and "diagonal" imply a square matrix.
 */
import { MatdiffError } from "../errors.js";
import { didYouMean } from "../syntax/lexer.js";

export type Rank = "scalar" | "vector" | "matrix";

export interface Declaration {
  readonly name: string;
  readonly rank: Rank;
  readonly rows?: string | number;
  readonly cols?: string | number;
  readonly square?: boolean;
  readonly symmetric?: boolean;
  readonly posdef?: boolean;
  readonly diagonal?: boolean;
  /** "matrix(t)": the symbol is a function of the scalar t, X(t), with derivative Ẋ. */
  readonly dependsOn?: string;
}

const WORDS = ["scalar", "vector", "matrix", "square", "symmetric", "posdef", "diagonal"] as const;
const ALIASES: Record<string, (typeof WORDS)[number]> = {
  sym: "symmetric", spd: "posdef", pd: "posdef", "positive-definite": "posdef", "positive definite": "posdef",
  diag: "diagonal", real: "scalar", number: "scalar",
};

/** Sizes are numbers or short names (n, m, n1, N_2); a longer word is a misspelt SPEC word. */
const dimToken = (t: string): string | number | null =>
  /^\d+$/.test(t) ? Number(t) : /^[a-zA-Z](?:_?[a-zA-Z0-9]){0,2}$/.test(t) ? t : null;

/**
 * Parses "NAME: SPEC". `canonicalName` maps the user's spelling of the name
 * (`\theta`, `θ`, `\mathbf{x}`) to the canonical identifier.
 */
export function parseDeclaration(text: string, canonicalName: (raw: string) => string): Declaration {
  const colon = text.indexOf(":");
  const fail = (msg: string, hint?: string): never => {
    throw new MatdiffError("declaration", `bad --let "${text}": ${msg}`, undefined, hint ? { hint } : {});
  };
  if (colon < 0) fail("expected NAME: SPEC", 'e.g. --let "S: symmetric" or --let "A: m x n"');
  const name = canonicalName(text.slice(0, colon).trim());
  let spec = text.slice(colon + 1).trim().toLowerCase().replace(/positive\s+definite/g, "posdef");
  if (!spec) fail("the SPEC after ':' is empty", "SPEC is scalar, vector, matrix, symmetric, posdef, diagonal, or sizes like m x n");
  // keep dimension names' case: re-read sizes from the original text
  const original = text.slice(colon + 1).trim();
  const flags = new Set<string>();
  const sizes: (string | number)[] = [];
  let dependsOn: string | undefined;
  const withArgument = /\(\s*([^()\s]+)\s*\)/.exec(original);
  if (withArgument) dependsOn = canonicalName(withArgument[1]!);
  const tokens = original.replace(/\([^()]*\)/g, " ").replace(/[×*]/g, " x ").split(/[\s,]+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i]!;
    const t = raw.toLowerCase();
    const word = (WORDS as readonly string[]).includes(t) ? t : ALIASES[t];
    if (word) { flags.add(word); continue; }
    if (t === "x") {
      if (sizes.length !== 1 || i + 1 >= tokens.length) fail(`'x' must stand between two sizes, as in "m x n"`);
      continue;
    }
    const d = dimToken(raw);
    if (d === null) {
      const near = didYouMean(raw.toLowerCase(), WORDS);
      fail(`unknown word '${raw}'`, near ? `did you mean ${near}?` : "SPEC is scalar, vector, matrix, symmetric, posdef, diagonal, or sizes like m x n");
    }
    sizes.push(d!);
  }
  void spec;
  if (sizes.length > 2) fail("at most two sizes (rows x cols)");
  const symmetric = flags.has("symmetric") || flags.has("posdef");
  const square = flags.has("square") || symmetric || flags.has("diagonal");
  let rank: Rank;
  if (flags.has("scalar")) rank = "scalar";
  else if (flags.has("vector")) rank = "vector";
  else if (flags.has("matrix") || square || sizes.length === 2) rank = "matrix";
  else if (sizes.length === 1) rank = "vector";
  else rank = fail("cannot tell the shape", "SPEC is scalar, vector, matrix, symmetric, posdef, diagonal, or sizes like m x n");
  const ranks = ["scalar", "vector", "matrix"].filter((r) => flags.has(r));
  if (ranks.length > 1) fail(`'${ranks.join("' and '")}' contradict each other`);
  if (rank === "scalar" && (sizes.length || square)) fail("a scalar has no sizes or matrix properties");
  if (rank === "vector" && (sizes.length > 1 || square)) fail("a vector has one size and no matrix properties");
  let rows: string | number | undefined = sizes[0];
  let cols: string | number | undefined = rank === "matrix" ? (sizes[1] ?? (square ? sizes[0] : undefined)) : undefined;
  if (rank === "matrix" && sizes.length === 1 && !square) fail("a matrix needs two sizes, as in \"m x n\"");
  if (square && rows !== undefined && cols !== undefined && rows !== cols) fail(`a ${[...flags].join(" ")} matrix must be square, not ${rows}×${cols}`);
  if (rows === 1 || cols === 1) fail("sizes of 1 are not matrices; declare a vector or a scalar");
  return {
    name, rank, ...(rows !== undefined ? { rows } : {}), ...(cols !== undefined ? { cols } : {}),
    square, symmetric, posdef: flags.has("posdef"), diagonal: flags.has("diagonal"),
    ...(dependsOn ? { dependsOn } : {}),
  };
}
