/**
 * The CLI run in-process with its IO captured (STYLE: IO at the edges), the one
 * harness every test of the command line uses. Spawning the built binary is
 * left to the few tests about the binary itself.
 */
import { main } from "../../src/cli/main.js";

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** How many times main asked for standard input. */
  readonly stdinReads: number;
  /** Wall time of the call. */
  readonly ms: number;
}

/** Runs `matdiff ARGV`; `stdin` is what a pipe would hold (null: a terminal). */
export async function runCli(argv: readonly string[], opts: { readonly stdin?: string | null; readonly color?: boolean } = {}): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  let stdinReads = 0;
  const t = performance.now();
  const code = await main(argv, {
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    readStdin: async () => { stdinReads++; return opts.stdin ?? null; },
    color: opts.color ?? false,
  });
  return { code, stdout, stderr, stdinReads, ms: performance.now() - t };
}
