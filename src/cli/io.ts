/**
 * What the command line talks through, injected so tests drive it without
 * spawning processes, and the exit codes it returns (DESIGN.md §4). Its own
 * module so that key.ts has them without importing main.ts, which loads
 * key.ts.
 */
import { fstatSync, writeSync } from "node:fs";

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
  /** A thread that typesets the HTML key's formulas (src/cli/typesetter.ts); absent, they are typeset on this thread. */
  readonly typesetWorker?: () => import("node:worker_threads").Worker;
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

/** Has anything gone through Node's streams, which write asynchronously (the process must end naturally to flush them)? */
let streamed = false;
export const streamedOutput = (): boolean => streamed;

/**
 * A writer to file descriptor fd that leaves process.stdout and process.stderr alone while it can: building
 * either loads Node's streams (and, for a pipe, its sockets; for a terminal, node:tty and node:net), 4–6 ms of
 * a 120 ms run. A Windows console, and a descriptor a synchronous write fails on (a non-blocking pipe or
 * terminal that is full, a closed pipe), go through Node's stream as before, and everything after it too, so
 * the output keeps its order.
 */
function writer(fd: 1 | 2, stream: () => NodeJS.WriteStream): (text: string) => void {
  // asked on the first write: a run that writes nothing to standard error never looks at it
  let viaStream: boolean | undefined;
  return (text) => {
    if ((viaStream ??= process.platform === "win32" && isTerminal(fd))) {
      streamed = true;
      stream().write(text);
      return;
    }
    let bytes = Buffer.from(text, "utf8");
    try {
      while (bytes.length > 0) bytes = bytes.subarray(writeSync(fd, bytes));
    } catch {
      // EAGAIN, and a closed pipe (EPIPE) too: the stream does with them what it always did
      viaStream = true;
      streamed = true;
      // the bytes not written yet (a partial write may have cut a character: they go on as bytes)
      stream().write(bytes);
    }
  };
}

/**
 * Is fd a terminal? Only a character device can be (/dev/null is one too), and only then is it asked: of libuv,
 * through the binding node:tty's isatty() calls. Requiring node:tty loads node:net and the streams, 4.5 ms and
 * 160 page faults of every run in a terminal, the command's usual place; the binding is 0.15 ms. It is not a
 * public interface (process.binding is deprecated in documentation only, DEP0111, and 'tty_wrap' is on the list
 * it keeps): where it is missing or throws, or would warn (--pending-deprecation), process.stdout.isTTY answers.
 */
function isTerminal(fd: 1 | 2): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return ttyWrap(fd) ?? Boolean((fd === 1 ? process.stdout : process.stderr).isTTY);
}

function ttyWrap(fd: number): boolean | undefined {
  const binding = (process as { binding?: (name: string) => unknown }).binding;
  if (typeof binding !== "function" || process.execArgv.includes("--pending-deprecation") || /--pending-deprecation/.test(process.env.NODE_OPTIONS ?? "")) return undefined;
  try {
    const isTTY = (binding.call(process, "tty_wrap") as { isTTY?: unknown }).isTTY;
    return typeof isTTY === "function" ? Boolean(isTTY(fd)) : undefined;
  } catch {
    return undefined;
  }
}

export function processIO(): CliIO {
  const color = isTerminal(1) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  return {
    stdout: writer(1, () => process.stdout),
    stderr: writer(2, () => process.stderr),
    readStdin,
    color,
  };
}
