/**
 * Greek letters: canonical name (what `--let`, JSON and NumPy use), LaTeX
 * command and Unicode letter. Lowercase Greek are scalars by convention,
 * uppercase Greek are matrices (DESIGN.md §2).
 */
export interface GreekLetter {
  readonly name: string;
  readonly latex: string;
  readonly unicode: string;
  readonly upper: boolean;
}

const LOWER: ReadonlyArray<[string, string]> = [
  ["alpha", "α"], ["beta", "β"], ["gamma", "γ"], ["delta", "δ"], ["epsilon", "ε"], ["varepsilon", "ε"],
  ["zeta", "ζ"], ["eta", "η"], ["theta", "θ"], ["vartheta", "ϑ"], ["iota", "ι"], ["kappa", "κ"],
  ["lambda", "λ"], ["mu", "μ"], ["nu", "ν"], ["xi", "ξ"], ["pi", "π"], ["rho", "ρ"], ["sigma", "σ"],
  ["tau", "τ"], ["upsilon", "υ"], ["phi", "φ"], ["varphi", "ϕ"], ["chi", "χ"], ["psi", "ψ"], ["omega", "ω"],
  // not Greek, but a letter by command as these are: ℓ, the script l a loss is named with (a scalar, as theirs)
  ["ell", "ℓ"],
];
const UPPER: ReadonlyArray<[string, string]> = [
  ["Gamma", "Γ"], ["Delta", "Δ"], ["Theta", "Θ"], ["Lambda", "Λ"], ["Xi", "Ξ"], ["Pi", "Π"],
  ["Sigma", "Σ"], ["Upsilon", "Υ"], ["Phi", "Φ"], ["Psi", "Ψ"], ["Omega", "Ω"],
];

export const GREEK: ReadonlyMap<string, GreekLetter> = new Map();
/** Unicode letter → canonical name; `varepsilon` shares ε with `epsilon`, which wins. */
export const GREEK_BY_UNICODE: ReadonlyMap<string, string> = new Map();
// filled in a loop, not mapped through arrays of pairs: their garbage was a tenth of what every start allocates here
for (const [letters, upper] of [[LOWER, false], [UPPER, true]] as const) {
  for (const [name, unicode] of letters) {
    (GREEK as Map<string, GreekLetter>).set(name, { name, latex: `\\${name}`, unicode, upper });
    if (name !== "varepsilon") (GREEK_BY_UNICODE as Map<string, string>).set(unicode, name);
  }
}
