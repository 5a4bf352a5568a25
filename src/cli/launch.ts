/**
 * The command's start-up (dist/cli.js runs it, from dist/cli/launch.cjs). Most of a short run used to be Node
 * loading and compiling the ESM bundle before `main` ran, so the command
 * itself is a CommonJS bundle (dist/cli/main.cjs, and dist/cli/key.cjs for
 * `matdiff key`, loaded only by that subcommand; typeset.cjs for the key's
 * typesetting thread, katex.cjs for whoever typesets, yaml.cjs for a problem set outside the YAML subset the key reads itself) compiled through V8's code
 * cache: the first run stores the compiled code in a per-user cache directory,
 * later runs deserialise it instead of parsing and compiling again.
 *
 * The cache is an optimisation and nothing more: a missing, stale, corrupt or
 * unwritable cache (read-only home, a full disk, another version's files)
 * costs one ordinary compilation, never a failed run. Entries are keyed by
 * matdiff's version, Node's version and architecture and the bundle's length,
 * and V8 itself rejects data that does not match the source (then it is
 * rewritten). MATDIFF_CACHE_DIR overrides the directory; set empty, it turns
 * the cache off.
 */
import { Script } from "node:vm";
import { closeSync, fstatSync, mkdirSync, openSync, readSync, readdirSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "../version.js";

/**
 * Node's createRequire, where this file runs as CommonJS (dist/cli/launch.cjs) from its own module's class:
 * node:module, required from here, builds its public face (the ES module loader, source maps), 0.6 ms of
 * every start. Elsewhere (the tests) from node:module.
 */
function createRequire(file: string): NodeJS.Require {
  const Module = typeof module === "object" ? module?.constructor as { createRequire?: (file: string) => NodeJS.Require } : undefined;
  return (Module?.createRequire ?? (require("node:module") as typeof import("node:module")).createRequire)(file);
}

/** Where the compiled code is kept: the platform's per-user cache directory, or MATDIFF_CACHE_DIR; null for none. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): string | null {
  if (env.MATDIFF_CACHE_DIR !== undefined) return env.MATDIFF_CACHE_DIR || null;
  let home: string;
  // $HOME where it is the answer (os.homedir() reads it first there too): node:os is not loaded for it
  try { home = (platform !== "win32" && env.HOME) || (require("node:os") as typeof import("node:os")).homedir(); } catch { return null; }
  if (platform === "win32") return join(env.LOCALAPPDATA || join(home, "AppData", "Local"), "matdiff", "Cache");
  if (platform === "darwin") return join(home, "Library", "Caches", "matdiff");
  return join(env.XDG_CACHE_HOME || join(home, ".cache"), "matdiff");
}

interface Pending { readonly script: Script; readonly path: string; readonly underKeyFlags: boolean }

/** Loads CommonJS bundles through the code cache; `save` stores what was compiled without a usable cache. */
export class CachedLoader {
  private readonly pending: Pending[] = [];
  private readonly modules = new Map<string, unknown>();

  constructor(private readonly bundleDir: string, private readonly dir: string | null) {}

  load(name: string): unknown {
    const known = this.modules.get(name);
    if (known) return known;
    const file = join(this.bundleDir, `${name}.cjs`);
    const { source, path, cachedData } = readBundle(file, (length) => this.dir && join(this.dir, `${name}-${VERSION}-${process.version}-${process.arch}-${length}.v8`));
    // the file is its own wrapper (scripts/build.mjs): as a script, its value is the function Node would wrap it in
    const script = new Script(source, {
      filename: file, ...(cachedData ? { cachedData } : {}),
    });
    const module = { exports: {} as unknown };
    const nodeRequire = createRequire(file);
    // the bundles reach each other by these names (scripts/build.mjs: key.cjs, katex.cjs, yaml.cjs); everything else is Node's
    const sibling = /^\.\/([a-z]+)\.cjs$/;
    const require = (id: string): unknown => { const m = sibling.exec(id); return m ? this.load(m[1]!) : nodeRequire(id); };
    this.modules.set(name, module.exports);
    (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, file, dirname(file));
    this.modules.set(name, module.exports);
    if (path && (!cachedData || script.cachedDataRejected)) this.pending.push({ script, path, underKeyFlags: keyFlags.active });
    return module.exports;
  }

  /**
   * Stores the compiled code (after the run, so the functions it compiled are in it too); any failure is
   * ignored. V8 rejects a cache made under other flags than the ones it is loaded under, so what was loaded
   * under the key's flags (smallHeap) is stored while they are set, and the rest after they are restored.
   */
  save(): void {
    const now = this.pending.filter((p) => p.underKeyFlags === keyFlags.active);
    this.pending.splice(0, this.pending.length, ...this.pending.filter((p) => !now.includes(p)));
    for (const { script, path } of now) {
      const temp = `${path}.${process.pid}.tmp`;
      try {
        mkdirSync(dirname(path), { recursive: true });
        // whole or not at all: another run reading it meanwhile sees the old file or the new one
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, path);
        // other versions' entries of this bundle are dead weight from now on
        const mine = basename(path);
        const prefix = mine.slice(0, mine.indexOf("-") + 1);
        for (const f of readdirSync(dirname(path))) if (f.startsWith(prefix) && f.endsWith(".v8") && f !== mine) unlinkSync(join(dirname(path), f));
      } catch {
        try { unlinkSync(temp); } catch { /* nothing was written */ }
      }
    }
  }
}

/**
 * A bundle's source and its code cache, read through one buffer: each page of memory a process touches for
 * the first time is a page fault (some 20 µs on the bench's machine), and a buffer of its own for the source
 * was 100 more of them, 2 ms of a start. The bundles are ASCII (scripts/build.mjs escapes the rest) and so
 * read as latin1, their length their size; the cache's name has it (`cachePath`), and V8 checks it too.
 */
function readBundle(file: string, cachePath: (length: number) => string | null): { source: string; path: string | null; cachedData?: Buffer } {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const path = cachePath(size);
    let cacheFd = -1;
    let cacheSize = 0;
    if (path) {
      try {
        cacheFd = openSync(path, "r");
        cacheSize = fstatSync(cacheFd).size;
      } catch { /* no cache yet */ }
    }
    const buffer = Buffer.allocUnsafeSlow(Math.max(size, cacheSize));
    const source = buffer.toString("latin1", 0, readInto(fd, buffer, size));
    if (cacheFd < 0) return { source, path };
    try {
      // the source is a string of its own by now: the cache takes its place in the buffer
      return { source, path, cachedData: buffer.subarray(0, readInto(cacheFd, buffer, cacheSize)) };
    } catch {
      return { source, path };
    } finally {
      closeSync(cacheFd);
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads up to `size` bytes of fd into the buffer's start; how many there were. */
function readInto(fd: number, buffer: Buffer, size: number): number {
  let read = 0;
  for (let n; read < size && (n = readSync(fd, buffer, read, size - read, null)) > 0;) read += n;
  return read;
}

/**
 * Runs the command; `entry` is the path of dist/cli.cjs (a path: turning it into a URL and back was 0.4 ms of a
 * start) or the URL of dist/cli.js, its ES module twin. The bundles are in cli/ beside it.
 */
export async function start(entry: string): Promise<void> {
  const bundleDir = join(dirname(entry.startsWith("file:") ? fileURLToPath(entry) : entry), "cli");
  const dir = cacheDir();
  const { loader, load } = loaderFor(bundleDir, dir);
  const argv = process.argv.slice(2);
  let command: { streamedOutput?: () => boolean } | undefined;
  // `matdiff key` loads its own bundle only, and has a pool: nothing of either is loaded for anything else
  if (argv[0] === "key") {
    const pool = keyPool(bundleDir, dir, argv);
    let restore = () => undefined as void;
    // the typesetting thread may be running already: whatever happens from here on, it is ended
    try {
      const key = load("key") as { runKey: (argv: readonly string[], extra?: object) => Promise<number>; streamedOutput?: () => boolean };
      command = key;
      restore = smallHeap();
      process.exitCode = await key.runKey(argv.slice(1), pool);
    } finally {
      await pool.release();
      loader?.save();
      restore();
    }
  } else {
    const main = load("main") as { run: (argv: readonly string[]) => Promise<number>; streamedOutput?: () => boolean };
    command = main;
    process.exitCode = await main.run(argv);
  }
  loader?.save();
  // the code cache is stored and the key's threads have stopped: where every write was synchronous (src/cli/io.ts),
  // what Node does after a natural end (disposing the heap, closing the event loop) is nothing the command needs,
  // and was 5–6 ms of a run, paired over 30 (matdiff "tr(A^<-1>B)" --wrt A: 1.245× node -e 0 → 1.196×; the key
  // too). Output that went through Node's streams (a full pipe) is flushed by that natural end: it is left to it.
  if (command?.streamedOutput?.() === false) process.exit();
}

/**
 * A key is a batch of short-lived garbage (some 240 MB for 100 problems, 8 MiB of it live): V8 doubles the
 * young generation's semi-spaces while much survives each scavenge, to 16 MiB each, 32 MiB of the key's
 * peak memory that buys little time. Measured on the bench's key, semi-spaces held at 1, 2 or 4 MiB all
 * gave 91 MiB peak against 115, in the same time within the noise. `--max-semi-space-size` set from inside
 * the process does nothing (the heap is sized when it is made), but the growth factor is read at each
 * growth, so 1 keeps the semi-spaces at their initial 1 MiB. Set after the bundle is loaded and restored
 * before its code cache is written: V8 checks a hash of the flags against the cache's, and a cache made
 * under other flags would be rejected by every later run.
 *
 * The old generation, too, is held to growing by half of what a full collection leaves live, not by V8's
 * factor of up to 4 for a process that does nothing but allocate: the key's live data stays near 15 MB
 * however many problems it has, but the heap V8 let grow around it took the peak from 89 MiB at 100
 * problems to 132 MiB at 500. Held, 500 problems peak at 97 MiB, in the same time (0.95–0.96× paired,
 * at 50% and 100%; 1.02× at 100 problems, within the noise).
 *
 * And TurboFan, V8's optimising compiler, is off: a key runs a hundred different derivations once each, and the
 * code it optimised for one problem rarely ran long enough in the next to repay compiling it (on two cores the
 * compiling competes with the key itself). Measured on the bench's 2-core machine, paired: 100 problems
 * 0.89–1.05 s and 71 MiB against 1.04–1.15 s and 90 MiB; 600 problems 2.8 s against 3.4 s (turned back on
 * after 1.5 s, 3.1 s). A single command is not changed by it either way, so it is left alone there.
 *
 * And each scavenge runs on its own thread alone: V8 shares a scavenge out over helper threads, which on two
 * cores compete with the key's other thread (the typesetting thread, or the solving one for its scavenges):
 * the main thread's 92 scavenges of the bench's HTML key took 62 ms against 43 ms for the same 90 in its
 * Markdown key, which has no second thread. Without the helpers, paired over 14 runs: 0.49–0.51 s against
 * 0.51–0.54 s, 13 of 14 pairs faster, the same memory. V8 reads the flag at each scavenge (its own tests
 * turn it off at run time).
 */
function smallHeap(): () => void {
  try {
    keyFlags.growth();
    keyFlags.set("--heap-growing-percent=50");
    keyFlags.set("--no-turbofan");
    keyFlags.set("--no-parallel-scavenge");
  } catch {
    return () => undefined;
  }
  keyFlags.active = true;
  return () => {
    keyFlags.active = false;
    keyFlags.set("--semi-space-growth-factor=2"); keyFlags.set("--heap-growing-percent=0"); keyFlags.set("--turbofan");
    keyFlags.set("--parallel-scavenge");
  };
}

/** The flags smallHeap() sets; `active` while they are (a thread's start must not set them again after). */
const keyFlags = {
  active: false,
  // required here, not imported: node:v8 loads its heap utilities and the streams, 4 ms of every other command's start
  set: (flags: string) => (require("node:v8") as typeof import("node:v8")).setFlagsFromString(flags),
  growth: () => keyFlags.set("--semi-space-growth-factor=1"),
};

/**
 * How bundles are loaded here: on Node ≥ 22.1, which caches what it compiles itself (CommonJS and ESM alike),
 * as an ordinary require; before that through CachedLoader.
 */
function loaderFor(bundleDir: string, dir: string | null): { loader: CachedLoader | null; load: (name: string) => unknown } {
  // asked of node:module only where it can have it: requiring it costs every other start 0.6 ms (createRequire)
  const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
  const enable = major > 22 || (major === 22 && minor >= 1)
    ? (require("node:module") as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache : undefined;
  if (enable) {
    if (dir) {
      try { enable(join(dir, "node")); } catch { /* no cache: compile as usual */ }
    }
    const req = createRequire(join(bundleDir, "launch.cjs"));
    return { loader: null, load: (name) => req(join(bundleDir, `${name}.cjs`)) };
  }
  const loader = new CachedLoader(bundleDir, dir);
  return { loader, load: (name) => loader.load(name) };
}

/**
 * The key's threads: its pool's workers (src/cli/pool.ts) and the HTML key's typesetting thread
 * (src/cli/typesetter.ts). Each loads its bundle through the same cache.
 *
 * V8 sets the young generation's growth factor back to 2 whenever it makes a heap, a worker's too (Heap::
 * ConfigureHeap), undoing smallHeap() for the whole process: a typesetting thread started once the key was
 * solving took the key's semi-spaces from 1 to 4 MiB (88 MiB peak against 83). So the typesetting thread
 * is started before the key's bundle loads, when the command line asks for HTML (a guess: a thread the key
 * has no use for is ended by release()), and the factor is set again when a thread is online (and as a pool's
 * starts its work); never by a typesetting thread as it starts: it starts while the key's bundle is still loading
 * under the default flags, and a flag it set then made V8 reject that bundle's code cache (and the run rewrite it).
 */
function keyPool(bundleDir: string, dir: string | null, argv: readonly string[]) {
  const req = createRequire(join(bundleDir, "launch.cjs"));
  const os = req("node:os") as { availableParallelism?: () => number; cpus: () => unknown[] };
  // MATDIFF_WORKERS caps the pool (1: no pool), for a machine shared with other work
  const cap = Number(process.env.MATDIFF_WORKERS);
  const cores = Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, Number.isInteger(cap) && cap > 0 ? cap : Infinity));
  const body = (serve: string) => `require(${JSON.stringify(join(bundleDir, "launch.cjs"))}).${serve}(${JSON.stringify(bundleDir)}, ${JSON.stringify(dir)})`;
  const worker = (serve: string) => {
    const { Worker } = req("node:worker_threads") as typeof import("node:worker_threads");
    // a small young generation: a worker's garbage is short-lived, and the key's memory is what its workers hold
    const w = new Worker(body(serve), { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 8 }, stdout: false, stderr: false });
    // the thread loads its bundles at its first message, under the flags of that moment, which must be the key's: a
    // thread slow to start makes its heap after smallHeap() and sets the growth factor back to 2 (its code caches
    // were then rejected and rewritten, now and then, on a loaded machine). So its messages wait until it is online
    // and the factor is set again.
    let online = false;
    const waiting: unknown[] = [];
    const post = w.postMessage.bind(w);
    w.postMessage = (message: unknown) => { if (online) post(message); else waiting.push(message); };
    w.once("online", () => {
      if (keyFlags.active) keyFlags.growth();
      online = true;
      for (const message of waiting.splice(0)) post(message);
    });
    exits.push(new Promise((resolve) => w.once("exit", resolve)));
    return w;
  };
  const exits: Promise<unknown>[] = [];
  let early: import("node:worker_threads").Worker | null = null;
  if (cores > 1 && argv.some((a) => /^(?:html|--format=html)$|\.html?$/i.test(a))) {
    try { early = worker("serveTypesetWorker"); } catch { /* typeset on this thread */ }
  }
  return {
    cores,
    forcePool: Number.isInteger(cap) && cap > 0,
    keyWorker: () => worker("serveKeyWorker"),
    typesetWorker: () => {
      const w = early ?? worker("serveTypesetWorker");
      early = null;
      return w;
    },
    /**
     * Every thread stopped, before the flags are restored (a thread stores its code cache as it stops, under
     * the key's flags): one started for a key that had no use for it is ended here.
     */
    release: async () => {
      void early?.terminate();
      await Promise.all(exits);
    },
  };
}

/** The body of a key worker (started by keyPool). */
export function serveKeyWorker(bundleDir: string, dir: string | null): void {
  // a pool's thread starts during the key, under its flags, which making the thread's heap has undone
  keyFlags.growth();
  const req = createRequire(join(bundleDir, "launch.cjs"));
  const { parentPort } = req("node:worker_threads") as typeof import("node:worker_threads");
  const { load } = loaderFor(bundleDir, dir);
  (load("key") as { keyWorker: (port: unknown) => void }).keyWorker(parentPort);
}

/** The body of the key's typesetting thread (src/cli/typesetter.ts): KaTeX alone, through the same cache, which it stores as it stops. */
export function serveTypesetWorker(bundleDir: string, dir: string | null): void {
  const req = createRequire(join(bundleDir, "launch.cjs"));
  const { parentPort } = req("node:worker_threads") as typeof import("node:worker_threads");
  // loaded at the first message, sent once the key's flags are set: the thread may start before they are, and
  // its code cache must be loaded under the flags it is stored under (V8 rejects it otherwise)
  parentPort!.once("message", (start: unknown) => {
    // the calling thread set the key's flags again when this thread came online (keyPool); node:v8 is not loaded
    // here for it: it brings the heap utilities and the streams, some 5 ms of this thread's start
    keyFlags.active = true;
    const { loader, load } = loaderFor(bundleDir, dir);
    (load("typeset") as { serveTypesetting: (port: unknown, start: unknown, end: () => void) => void }).serveTypesetting(parentPort, start, () => {
      loader?.save();
      parentPort!.close();
    });
  });
}
