/**
 * What the command line talks through, injected so tests drive it without
 * spawning processes, and the exit codes it returns (DESIGN.md §4). Its own
 * module so that key.ts has them without importing main.ts, which loads
 * key.ts.
 */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * Standard input when it is piped, else null: all of it, or its first
   * `limit` + 1 bytes when it is longer (a pipe from /dev/zero never ends).
   */
  readonly readStdin: (limit: number) => Promise<string | null>;
  readonly color: boolean;
  /** A worker thread for `matdiff key`'s pool (src/cli/pool.ts); absent, the key is solved on this thread. */
  readonly keyWorker?: () => import("node:worker_threads").Worker;
  /** How many threads the pool may run: the machine's cores, or MATDIFF_WORKERS. */
  readonly cores?: number;
  /** MATDIFF_WORKERS was set: run that many threads whatever the problem count. */
  readonly forcePool?: boolean;
}

export const EXIT = { ok: 0, input: 1, usage: 2, checkFailed: 3, bug: 4 } as const;

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
