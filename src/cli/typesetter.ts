/**
 * The HTML key's formulas typeset, and its sections written, on a thread of
 * their own while this one solves the next problems. KaTeX was some 40% of an
 * HTML key's time with the second core idle beside it; a thread that loads
 * KaTeX alone starts in a fraction of what a solver's would (src/cli/pool.ts),
 * and its heap stays small. It writes each section to the key's spool itself,
 * so the 2.8 MB of HTML of the bench's key never crosses back to this thread.
 *
 * Sections come in the key's order, each with its formulas marked
 * (src/key/typeset.ts). Nothing is lost to the thread: when it fails (a formula
 * KaTeX refuses, a write that fails, the thread gone) this thread takes over
 * from the first section it has not answered, as a key without it would do,
 * and meets the same error if there is one.
 */
import type { Worker } from "node:worker_threads";
import type { Formula } from "../key/typeset.js";
import { typesetSection, type SectionToTypeset, type TypesetMessage, type TypesetReply } from "./typeset-thread.js";

/** Where the sections go: written here, or (a spool) handed to the thread as a descriptor and an offset. */
export interface SectionSink {
  write(text: string): void;
  /** The descriptor and the offset the thread writes from; absent, the thread sends each section back to write(). */
  handOff?(): { fd: number; at: number };
  /** The thread wrote up to `at`. */
  advanceTo?(at: number): void;
}

/** Sections the thread may have waiting before the solving waits for it. */
const MAX_WAITING = 8;

export class Typesetter {
  /** Sections sent to the thread and not answered yet, oldest first (the thread answers in order). */
  private readonly posted: SectionToTypeset[] = [];
  private worker: Worker | null = null;
  /** finish() waiting for the last answer. */
  private answered: (() => void) | null = null;
  /** The thread's answers count until this one takes over: one arriving after would move the spool's offset back. */
  private listening = true;
  /** room() waiting for the thread to catch up. */
  private roomy: (() => void) | null = null;
  /** An error met typesetting here: finish() throws it, as the key on one thread would have. */
  private failed: unknown = null;

  /** `spawn` null: no thread; each section is typeset here as it comes. */
  constructor(spawn: (() => Worker) | null, private readonly sink: SectionSink) {
    if (!spawn) return;
    try {
      this.worker = spawn();
    } catch {
      return;
    }
    const handOff = sink.handOff?.();
    this.worker.postMessage((handOff ?? { fd: null }) satisfies TypesetMessage);
    this.worker.on("message", (reply: TypesetReply) => {
      if (!this.listening) return;
      if ("error" in reply) { this.takeOver(); return; }
      this.posted.shift();
      if ("at" in reply) sink.advanceTo!(reply.at);
      else sink.write(reply.text);
      if (this.posted.length === 0) this.answered?.();
      if (this.posted.length < MAX_WAITING) this.wake();
    });
    // a thread that fails leaves its sections to this one
    this.worker.on("error", () => undefined);
    this.worker.on("exit", () => {
      this.takeOver();
      this.answered?.();
      this.wake();
    });
  }

  /**
   * Resolves when the thread has few enough sections waiting: a thread that typesets slower than the problems
   * are solved would otherwise have every section not yet written waiting for it, however many the key has.
   */
  room(): Promise<void> {
    if (this.posted.length < MAX_WAITING || !this.worker) return Promise.resolve();
    return new Promise((resolve) => { this.roomy = resolve; });
  }

  /** Is a thread typesetting (not this one)? */
  get threaded(): boolean {
    return this.worker !== null;
  }

  /** A section, with the formulas its marks stand for. */
  add(text: string, formulas?: readonly Formula[]): void {
    const section: SectionToTypeset = formulas ? { text, formulas } : { text };
    if (this.worker) {
      this.posted.push(section);
      this.worker.postMessage(section satisfies TypesetMessage);
    } else this.typesetHere(section);
  }

  /**
   * Resolves once every section is written. The thread is told to stop, and stops on its own (it stores its
   * compiled code first): the command waits for it before it restores its flags (src/cli/launch.ts).
   */
  async finish(): Promise<void> {
    if (this.worker) {
      const answered = this.posted.length ? new Promise<void>((resolve) => { this.answered = resolve; }) : null;
      this.worker.postMessage(null satisfies TypesetMessage);
      this.worker = null;
      await answered;
    }
    if (this.failed) throw this.failed;
  }

  /** Stops the thread at once (the key is abandoned). */
  abandon(): void {
    this.listening = false;
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
  }

  private wake(): void {
    const resolve = this.roomy;
    this.roomy = null;
    resolve?.();
  }

  /** The thread is done with (failed, gone): what it has not answered is typeset here, in order, and so is all that comes after. */
  private takeOver(): void {
    this.listening = false;
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
    for (const s of this.posted.splice(0)) this.typesetHere(s);
  }

  private typesetHere(s: SectionToTypeset): void {
    if (this.failed) return;
    try {
      this.sink.write(typesetSection(s));
    } catch (err) {
      this.failed = err;
    }
  }
}
