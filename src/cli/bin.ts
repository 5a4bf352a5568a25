#!/usr/bin/env node
import { main } from "./main.js";

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

const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin,
  color,
}).then((code) => { process.exitCode = code; });
