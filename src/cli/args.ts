/**
 * The command line's options, read as Node's util.parseArgs reads them in strict mode with positionals
 * allowed, and with its messages. Not util.parseArgs itself: loading and first running it took 1.5–2 ms of
 * a 130 ms command (its module is compiled at the first use, and it runs cold through a dozen validators),
 * where this is compiled into the command's own code cache.
 */

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
}

type ValueOf<S extends OptionSpec> = S["type"] extends "boolean" ? boolean : S["multiple"] extends true ? string[] : string;

export type OptionValues<O extends Readonly<Record<string, OptionSpec>>> = { -readonly [K in keyof O]?: ValueOf<O[K]> };

/** A command line the options do not describe; the message says which argument and why. */
export class OptionError extends Error {}

/**
 * `--name value`, `--name=value`, `-s value`, `-svalue`, `-abc` (booleans), `--` ending the options, and
 * `-` alone a positional. A string option's value may not start with a dash unless written `--name=-x`:
 * `--wrt --check` is far more often a forgotten value than a name.
 */
export function parseOptions<O extends Readonly<Record<string, OptionSpec>>>(args: readonly string[], options: O): { values: OptionValues<O>; positionals: string[] } {
  const values: Record<string, string | boolean | string[]> = Object.create(null);
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(options)) if (spec.short) byShort.set(spec.short, name);
  const spec = (name: string): OptionSpec | undefined => (Object.hasOwn(options, name) ? options[name] : undefined);
  const shown = (name: string, short?: string) => `${short ? `-${short}, ` : ""}--${name}`;
  const store = (name: string, value: string | boolean) => {
    if (spec(name)!.multiple) ((values[name] ??= []) as string[]).push(value as string);
    else values[name] = value;
  };
  /** The value of a string option named `as` (how it was written), from the next argument. */
  const takeNext = (i: number, name: string, as: string): string => {
    const next = args[i + 1];
    const opt = spec(name)!;
    if (next === undefined) throw new OptionError(`Option '${shown(name, opt.short)} <value>' argument missing`);
    if (next.startsWith("-")) {
      const written = as.startsWith("--") ? `'--${name}=-XYZ'` : `'--${name}=-XYZ' or '${as}-XYZ'`;
      throw new OptionError(`Option '${as}' argument is ambiguous.\nDid you forget to specify the option argument for '${as}'?\nTo specify an option argument starting with a dash use ${written}.`);
    }
    return next;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") { positionals.push(...args.slice(i + 1)); break; }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const opt = spec(name);
      if (!opt) throw new OptionError(`Unknown option '--${name}'`);
      if (opt.type === "boolean") {
        if (eq >= 0) throw new OptionError(`Option '--${name}' does not take an argument`);
        store(name, true);
      } else if (eq >= 0) store(name, arg.slice(eq + 1));
      else store(name, takeNext(i++, name, arg));
    } else if (arg.startsWith("-") && arg !== "-") {
      // a run of short options: booleans, then at most one string option taking the rest or the next argument
      for (let j = 1; j < arg.length; j++) {
        const name = byShort.get(arg[j]!);
        if (!name) throw new OptionError(`Unknown option '-${arg[j]}'`);
        if (spec(name)!.type === "boolean") { store(name, true); continue; }
        if (j + 1 < arg.length) store(name, arg.slice(j + 1));
        else store(name, takeNext(i++, name, `-${arg[j]}`));
        break;
      }
    } else positionals.push(arg);
  }
  return { values: values as OptionValues<O>, positionals };
}
