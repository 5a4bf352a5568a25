/**
 * The command on a real process: its arguments, streams and terminal. The
 * built command (dist/cli.js, src/cli/launch.ts) loads this as a CommonJS
 * bundle through V8's code cache and calls `run`.
 */
import { main } from "./main.js";
import { processIO, type CliIO } from "./io.js";

/** `extra`: what only the launcher knows, such as how to start a key worker from the built bundles. */
export const run = (argv: readonly string[], extra: Partial<CliIO> = {}): Promise<number> => main(argv, { ...processIO(), ...extra });

/** Did the command's output go through Node's streams (src/cli/launch.ts then lets the process end on its own, to flush them)? */
export { streamedOutput } from "./io.js";
