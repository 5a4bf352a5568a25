/**
 * The HTML key's typesetting thread (src/cli/typesetter.ts, src/cli/typeset-thread.ts): what it writes is what
 * the key on one thread writes, byte for byte, and a thread that fails or dies loses nothing. The thread here
 * is the built command's own (dist/cli/launch.cjs serveTypesetWorker, as `matdiff key` starts it).
 */
import { describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { Typesetter } from "../src/cli/typesetter.js";
import { Spool, writeAt } from "../src/cli/spool.js";
import { typesetSection, type SectionToTypeset } from "../src/cli/typeset-thread.js";
import { formulaMark, type Formula } from "../src/key/typeset.js";
import { renderProblem } from "../src/key/key.js";
import { renderKatex } from "./support/pipeline.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUNDLES = join(ROOT, "dist", "cli");

const thread = (cache: string | null = null) => () =>
  new Worker(`require(${JSON.stringify(join(BUNDLES, "launch.cjs"))}).serveTypesetWorker(${JSON.stringify(BUNDLES)}, ${JSON.stringify(cache)})`, { eval: true });

/** Sections as the key makes them: two problems' HTML with their formulas marked, a failure's without any. */
function sections(): { text: string; formulas?: readonly Formula[] }[] {
  const ctx = { fileName: "p.yaml", spelling: "yaml" as const };
  const problem = (expr: string, wrt: string, line: number) => ({ expr, wrt, let: [], where: [], location: { line, column: 1 }, exprLocation: { line, column: 1 } });
  return [problem("tr(A^{-1} B)", "A", 1), problem("tr(A B", "A", 4), problem("x^T A x", "x", 7), problem("det(X)", "X", 10)]
    .flatMap((p) => renderProblem(p, "html", ctx, { seed: 1, typesetLater: true }))
    .map((e) => ({ text: e.section, ...(e.formulas ? { formulas: e.formulas } : {}) }));
}

/** What the Typesetter writes to a spool (read back whole), and its error if finish() throws. */
async function throughSpool(spawn: (() => Worker) | null, input: readonly { text: string; formulas?: readonly Formula[] }[]): Promise<{ text: string; error?: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), "matdiff-typeset-"));
  try {
    const out = join(dir, "key.html");
    const spool = new Spool(out);
    const t = new Typesetter(spawn, spool);
    for (const s of input) t.add(s.text, s.formulas);
    try {
      await t.finish();
    } catch (error) {
      spool.discard();
      return { text: "", error };
    }
    spool.finish("<head>", "<tail>");
    return { text: readFileSync(out, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A stand-in thread: answers the first `answers` sections as the real one does (into the spool, reporting
 * each offset), then writes part of the next one without reporting it and dies.
 */
function dyingThread(answers: number, staleAnswer = false): () => Worker {
  return () => {
    const w = new EventEmitter() as EventEmitter & { postMessage(m: unknown): void; terminate(): Promise<number> };
    let start: { fd: number; at: number } | null = null;
    let seen = 0;
    w.postMessage = (m) => {
      if (start === null) { start = m as { fd: number; at: number }; return; }
      if (m === null) return;
      if (++seen <= answers) {
        start = { fd: start.fd, at: writeAt(start.fd, typesetSection(m as SectionToTypeset), start.at) };
        const reply = { at: start.at };
        queueMicrotask(() => w.emit("message", reply));
        return;
      }
      writeAt(start.fd, "<half a section, never report", start.at);
      const early = { at: start.at - 1 };
      queueMicrotask(() => {
        w.emit("exit", 1);
        // an answer that comes after the thread is taken over (it must not move the spool's offset back)
        if (staleAnswer) w.emit("message", early);
      });
    };
    w.terminate = async () => 1;
    return w as unknown as Worker;
  };
}

describe("the HTML key's typesetting thread", () => {
  it("writes the sections the calling thread writes, byte for byte, to a spool and sent back as text", async () => {
    const input = sections();
    expect(input.filter((s) => s.formulas).length).toBe(3);
    expect(input[1]!.formulas).toBeUndefined(); // the failure, tr(A B, has no math of its own
    const here = await throughSpool(null, input);
    const there = await throughSpool(thread(), input);
    expect(there.error).toBeUndefined();
    expect(there.text).toBe(here.text);
    expect(here.text).not.toMatch(/\u0000f\d/); // no formula left unfilled
    // every formula of every section is in the file, as KaTeX renders it on its own
    for (const [latex, display] of input.flatMap((s) => s.formulas ?? [])) expect(here.text).toContain(renderKatex(latex, { displayMode: display }));

    const parts: string[] = [];
    const t = new Typesetter(thread(), { write: (text) => parts.push(text) });
    for (const s of input) t.add(s.text, s.formulas);
    await t.finish();
    expect(`<head>${parts.join("")}<tail>`).toBe(here.text);
  });

  it("loses nothing to a thread that dies: from the last offset it reported, the calling thread typesets and writes the rest", async () => {
    const input = sections();
    const here = await throughSpool(null, input);
    for (const answers of [0, 1, 3]) expect((await throughSpool(dyingThread(answers), input)).text, `dies after ${answers}`).toBe(here.text);
    expect((await throughSpool(dyingThread(2, true), input)).text, "an answer after the take-over").toBe(here.text);
  });

  it("lets the solving wait for a thread that falls behind: the sections waiting for it stay few", async () => {
    // a stand-in thread that answers (with the text, as for standard output) only when told to
    const held: (() => void)[] = [];
    const w = new EventEmitter() as EventEmitter & { postMessage(m: unknown): void; terminate(): Promise<number> };
    let started = false;
    w.postMessage = (m) => {
      if (!started) { started = true; return; }
      if (m === null) { queueMicrotask(() => w.emit("exit", 0)); return; }
      const text = typesetSection(m as SectionToTypeset);
      held.push(() => w.emit("message", { text }));
    };
    w.terminate = async () => 0;
    const parts: string[] = [];
    const t = new Typesetter(() => w as unknown as Worker, { write: (text) => parts.push(text) });
    const input = sections();
    for (let i = 0; i < 12; i++) t.add(input[i % input.length]!.text, input[i % input.length]!.formulas);
    let roomy = false;
    const room = t.room().then(() => { roomy = true; });
    await new Promise((resolve) => setImmediate(resolve));
    expect(roomy).toBe(false);
    while (held.length > 7) held.shift()!();
    await room;
    expect(roomy).toBe(true);
    for (const answer of held.splice(0)) answer();
    await t.finish();
    expect(parts.join("")).toBe(Array.from({ length: 12 }, (_, i) => typesetSection(input[i % input.length]!)).join(""));
  });

  it("meets KaTeX's error as the key on one thread does, and writes nothing past it", async () => {
    const input = [{ text: `<p>${formulaMark(0)}</p>`, formulas: [["\\frac{1}{", false]] as const }, { text: "<p>after</p>" }];
    const here = await throughSpool(null, input);
    const there = await throughSpool(thread(), input);
    expect(String(here.error)).toMatch(/KaTeX parse error/);
    expect(String(there.error)).toBe(String(here.error));
  });
});

describe("matdiff key --format html on two threads", () => {
  it("writes the file one thread writes, stores the thread's code cache, and takes the thread only for HTML", () => {
    const dir = mkdtempSync(join(tmpdir(), "matdiff-typeset-cli-"));
    try {
      const problems = join(dir, "p.yaml");
      writeFileSync(problems, ["tr(A^{-1} B)|A", "x^T A x|x", "tr(A B|A", "det(X)|X", "\\|A x - b\\|^2|x"]
        .map((p, i) => `- title: p${i}\n  expr: "${p.split("|")[0]!.replace(/\\/g, "\\\\")}"\n  wrt: ${p.split("|")[1]}\n`).join(""));
      const cache = join(dir, "cache");
      // MATDIFF_WORKERS=2 and unset both give a typesetting thread beside this one (and no solver pool: it has the second core)
      const key = (out: string[], workers: string | undefined) => {
        const env: NodeJS.ProcessEnv = { ...process.env, MATDIFF_CACHE_DIR: cache };
        if (workers === undefined) delete env.MATDIFF_WORKERS;
        else env.MATDIFF_WORKERS = workers;
        return spawnSync(process.execPath, [`${ROOT}dist/cli.cjs`, "key", problems, ...out, "--seed", "5"], { encoding: "utf8", env });
      };
      const one = key(["-o", join(dir, "one.html")], "1");
      const two = key(["-o", join(dir, "two.html")], "2");
      expect(one.status).toBe(1); // tr(A B is unclosed
      expect(two.status).toBe(1);
      expect(two.stderr).toBe(one.stderr.replace("one.html", "two.html"));
      const html = readFileSync(join(dir, "one.html"), "utf8");
      expect(readFileSync(join(dir, "two.html"), "utf8")).toBe(html);
      const plain = key(["-o", join(dir, "plain.html")], undefined);
      expect(plain.stderr).toBe(one.stderr.replace("one.html", "plain.html"));
      expect(readFileSync(join(dir, "plain.html"), "utf8")).toBe(html);
      expect(html).toContain("katex-display");
      // on standard output the thread sends the sections back: the same document
      expect(key(["--format", "html"], "2").stdout).toBe(html);
      // the thread keeps its bundle's compiled code beside the command's (on one core there is no thread)
      expect(readdirSync(cache).some((f) => f.startsWith("typeset-"))).toBe(availableParallelism() > 1);
      // and every cache is loaded under the flags it was stored under: a later key, on either thread, rewrites none
      const stamps = () => Object.fromEntries(readdirSync(cache).filter((f) => f.endsWith(".v8")).map((f) => [f, statSync(join(cache, f)).mtimeMs]));
      const before = stamps();
      expect(Object.keys(before).length).toBeGreaterThanOrEqual(3);
      key(["-o", join(dir, "again.html")], "2");
      key(["-o", join(dir, "again.html")], "1");
      expect(stamps()).toEqual(before);
      // a thread started for what looked like HTML and is not is let go: the Markdown key is written and the command ends
      const md = key(["-o", join(dir, "k.html"), "--format", "md"], "2");
      expect(md.status).toBe(1);
      expect(readFileSync(join(dir, "k.html"), "utf8")).toMatch(/^# Answer key/);
      // no leftover spool or temporary file beside the outputs
      expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
