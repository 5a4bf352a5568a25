import { describe, expect, it } from "vitest";
import { parseArgs } from "node:util";
import { OptionError, parseOptions } from "../src/cli/args.js";

// the command's options (src/cli/main.ts) and the key's (src/cli/key.ts)
const COMMAND = {
  wrt: { type: "string", multiple: true },
  let: { type: "string", multiple: true },
  format: { type: "string", short: "f" },
  check: { type: "boolean" },
  seed: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

/** Node's util.parseArgs, which parseOptions stands in for, without its hint on positionals. */
function node(args: string[]): unknown {
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: COMMAND });
    return { values: { ...values }, positionals };
  } catch (e) {
    return { error: (e as Error).message.replace(/\. To specify a positional argument.*$/s, "") };
  }
}

function ours(args: string[]): unknown {
  try {
    const { values, positionals } = parseOptions(args, COMMAND);
    return { values: { ...values }, positionals };
  } catch (e) {
    expect(e).toBeInstanceOf(OptionError);
    return { error: (e as Error).message };
  }
}

describe("parseOptions reads a command line as util.parseArgs does", () => {
  const CASES: string[][] = [
    [], ["tr(A)", "--wrt", "A"], ["--wrt=A", "--wrt", "B", "e"], ["--wrt", "A", "e", "--let", "x: vector", "--let=y: vector"],
    ["-f", "latex", "e"], ["-flatex", "e"], ["-f=latex"], ["--format=", "e"], ["--format", "a", "--format", "b"],
    ["-hv"], ["-hf", "json"], ["-vx"], ["-x"], ["--wrtx"], ["--constructor"], ["--__proto__"], ["-"], ["--", "-a", "--b"], ["e", "--", "--wrt"],
    ["--wrt"], ["-f"], ["--check=1"], ["--check", "--check"], ["--wrt", "-x"], ["--wrt", "--check"], ["-f", "-x"], ["--wrt=-x"], ["-f-x"],
    ["--seed", "7", "e"], ["--help", "extra", "words"],
  ];
  it.each(CASES.map((c) => [c.join(" ") || "(nothing)", c]))("%s", (_, args) => {
    expect(ours(args as string[])).toEqual(node(args as string[]));
  });

  it("has no inherited names among its values", () => {
    const { values } = parseOptions(["--check"], COMMAND);
    expect(Object.getPrototypeOf(values)).toBe(null);
    expect((values as Record<string, unknown>).toString).toBeUndefined();
  });
});
