/**
 * The command on a real process: its arguments, streams and terminal. The
 * built command (dist/cli.js, src/cli/launch.ts) loads this as a CommonJS
 * bundle through V8's code cache and calls `run`.
 */
import { main, type CliIO } from "./main.js";

/** Standard input up to limit + 1 bytes: enough to tell that it is too long without reading on forever. */
async function readStdin(limit: number): Promise<string | null> {
  if (process.stdin.isTTY) return null;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length > limit) break; // leaving the loop destroys the stream
  }
  return Buffer.concat(chunks).subarray(0, limit + 1).toString("utf8");
}

export function processIO(): CliIO {
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin,
    color,
  };
}

/** `extra`: what only the launcher knows, such as how to start a key worker from the built bundles. */
export const run = (argv: readonly string[], extra: Partial<CliIO> = {}): Promise<number> => main(argv, { ...processIO(), ...extra });
