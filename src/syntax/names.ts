/**
 * A symbol's canonical name and how each output spells it. A name is a letter (`x`, `W`, `theta`), optionally an
 * accent (ŷ, x̄, W̃: a different symbol from y, x, W, as statisticians and ML papers use them), a layer or sample
 * label in a superscript (`W^{[1]}`, `x^{(i)}`, as deep-learning course notes write them) and a subscript:
 * `W_1`, `theta_i`, `y\u0302` for ŷ, `y\u0302_i` for ŷᵢ, `W^[1]` for W^{[1]}. The accent is stored as its Unicode
 * combining mark, so the text form is the name itself; LaTeX and Python spell it `\hat{y}` and `y_hat`.
 */
import { GREEK } from "./greek.js";

export interface Accent {
  /** The combining mark stored in the name and printed in text. */
  readonly mark: string;
  /** The LaTeX command, `\hat`. */
  readonly latex: string;
  /** The Python suffix, `y_hat`. */
  readonly word: string;
  /** LaTeX commands the parser reads as this accent. */
  readonly commands: readonly string[];
}

export const ACCENTS: readonly Accent[] = [
  { mark: "\u0302", latex: "\\hat", word: "hat", commands: ["hat", "widehat"] },
  { mark: "\u0304", latex: "\\bar", word: "bar", commands: ["bar", "overline"] },
  { mark: "\u0303", latex: "\\tilde", word: "tilde", commands: ["tilde", "widetilde"] },
];

/**
 * Letters Unicode composes with one of the accents above (ŷ = y + U+0302, which NFD takes apart): the lexer
 * reads them as the accented symbol. Written out, not derived at start-up: deriving them normalised 7,700
 * characters, 4 ms of a 60 ms command. test/accents.test.ts derives them and compares.
 */
export const PRECOMPOSED_ACCENTED = "ÂÃÊÎÑÔÕÛâãêîñôõûĀāĈĉĒēĜĝĤĥĨĩĪīĴĵŌōŜŝŨũŪūŴŵŶŷȲȳḠḡṼṽẐẑẼẽỸỹ";

const BY_MARK: ReadonlyMap<string, Accent> = new Map(ACCENTS.map((a) => [a.mark, a]));
export const ACCENT_BY_COMMAND: ReadonlyMap<string, Accent> = new Map(ACCENTS.flatMap((a) => a.commands.map((c) => [c, a] as const)));

/** `W^[1]`, `x^(i)`: a layer or sample label, kept with the letter; its brackets say which. */
const LABEL = /\^(\[[A-Za-z0-9]+\]|\([A-Za-z0-9]+\))$/;

/** The letter, accent and label of a name's base (the part before `_`): `y\u0302` → y, hat; `W^[1]` → W, [1]. */
export function splitAccent(base: string): { readonly letter: string; readonly accent: Accent | null; readonly label: string | null } {
  const label = LABEL.exec(base)?.[1] ?? null;
  const rest = label ? base.slice(0, base.length - label.length - 1) : base;
  const accent = BY_MARK.get(rest.slice(-1)) ?? null;
  return { letter: accent ? rest.slice(0, -1) : rest, accent, label };
}

/** A name with a layer or sample label: (`W`, `[1]`) → `W^[1]`. */
export const withLabel = (name: string, label: string): string => `${name}^${label}`;

/** Puts an accent on a name's letter, before any subscript: (`y_i`, hat) → `y\u0302_i`. */
export function withAccent(name: string, accent: Accent): string {
  const i = name.indexOf("_");
  const [base, rest] = i < 0 ? [name, ""] : [name.slice(0, i), name.slice(i)];
  return splitAccent(base).accent ? name : `${base}${accent.mark}${rest}`;
}

/** Kept by name: the letter conventions ask for it per symbol, per reading tried, several times each. */
const letters = new Map<string, string>();
/** The letter without its accent and subscript, for the letter conventions: ŷ is lowercase Latin, θ̂ Greek. */
export function letterOf(name: string): string {
  let letter = letters.get(name);
  if (letter === undefined) {
    letter = splitAccent(name.split("_")[0]!).letter;
    if (letters.size >= 4096) letters.clear();
    letters.set(name, letter);
  }
  return letter;
}

/** A name's base in text: θ for theta, ŷ for y + hat, W^[1]. */
export function baseText(base: string): string {
  const { letter, accent, label } = splitAccent(base);
  // composed where Unicode has the letter (ŷ is one character, as people type it)
  return `${GREEK.get(letter)?.unicode ?? letter}${accent?.mark ?? ""}`.normalize("NFC") + (label ? `^${label}` : "");
}

/** A name's base in LaTeX: `\theta`, `\hat{y}`, `\hat{\theta}`, `{W^{[1]}}` (braced, so a transpose may follow). */
export function baseLatex(base: string): string {
  const { letter, accent, label } = splitAccent(base);
  const l = GREEK.get(letter)?.latex ?? letter;
  const accented = accent ? `${accent.latex}{${l}}` : l;
  return label ? `{${accented}^{${label}}}` : accented;
}

/** A name's base in Python: `theta`, `y_hat`, `W1` for W^[1], `x_i` for x^(i). */
export function basePython(base: string): string {
  const { letter, accent, label } = splitAccent(base);
  const word = accent ? `${letter}_${accent.word}` : letter;
  return label ? `${word}${label.startsWith("[") ? "" : "_"}${label.slice(1, -1)}` : word;
}

/** A name as a user types it on a command line (--let, --wrt): `theta`, `W_1`, `\hat{y}`, `\hat{theta}_i`. */
export function nameInput(name: string): string {
  const i = name.indexOf("_");
  const [base, rest] = i < 0 ? [name, ""] : [name.slice(0, i), name.slice(i)];
  const { letter, accent, label } = splitAccent(base);
  const accented = accent ? `${accent.latex}{${letter}}` : letter;
  return `${accented}${label ? `^{${label}}` : ""}${rest}`;
}
