/**
 * The engine off the main thread. A Hessian of tr(X⁶⁴) takes half a second
 * to derive; computed on the page it would freeze typing. Here each kind of
 * request (the result, the derivation) has its own Web Worker: at most one job
 * runs and one waits, a newer keystroke replaces the waiting one, and a job
 * that has run too long while a newer one waits is abandoned (the worker is
 * restarted). The page only typesets. Where workers are unavailable the same
 * requests are answered on the page.
 */
/// <reference types="vite/client" />
import { solve, type Reply, type Request } from "./solve.js";
import EngineWorker from "./engine.worker.ts?worker&inline";

export type { Reply, Request };

/** A job still running after this long is abandoned for a newer one. */
const ABANDON_MS = 60;

interface Job { readonly id: number; readonly request: Request; readonly resolve: (r: Reply | null) => void }

export class Channel {
  private worker: Worker | null = null;
  private running: (Job & { started: number }) | null = null;
  private waiting: Job | null = null;
  private next = 0;
  private abandonTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.worker = this.spawn();
  }

  /** The reply, or null when a newer request superseded this one. */
  ask(request: Request): Promise<Reply | null> {
    return new Promise((resolve) => {
      const job = { id: ++this.next, request, resolve };
      if (!this.worker) { resolve(solve(request)); return; }
      this.waiting?.resolve(null);
      this.waiting = job;
      if (!this.running) this.pump();
      else this.scheduleAbandon();
    });
  }

  private spawn(): Worker | null {
    try {
      const w = new EngineWorker();
      w.onmessage = (ev: MessageEvent<{ id: number; reply: Reply }>) => this.done(ev.data.id, ev.data.reply);
      return w;
    } catch {
      return null; // no workers here (or a blob: worker refused): answer on the page
    }
  }

  private pump(): void {
    const job = this.waiting;
    if (!job || !this.worker) return;
    this.waiting = null;
    this.running = { ...job, started: performance.now() };
    this.worker.postMessage({ id: job.id, request: job.request });
    if (this.waiting) this.scheduleAbandon();
  }

  private done(id: number, reply: Reply): void {
    if (!this.running || this.running.id !== id) return;
    clearTimeout(this.abandonTimer);
    const job = this.running;
    this.running = null;
    job.resolve(reply);
    this.pump();
  }

  /** A long job with a newer one waiting: restart the worker rather than finish a stale answer. */
  private scheduleAbandon(): void {
    clearTimeout(this.abandonTimer);
    if (!this.running) return;
    const left = Math.max(0, ABANDON_MS - (performance.now() - this.running.started));
    this.abandonTimer = setTimeout(() => {
      if (!this.running || !this.waiting) return;
      this.worker?.terminate();
      this.running.resolve(null);
      this.running = null;
      this.worker = this.spawn();
      if (this.worker) this.pump();
      else { const job = this.waiting; this.waiting = null; job?.resolve(solve(job.request)); }
    }, left);
  }
}
