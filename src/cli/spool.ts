/**
 * An answer key written to its file as its problems are solved. The key's head counts the problems solved
 * and verified, which is known only at the end, so the sections go first to a spool beside the output and
 * each is let go as soon as it is written. Held whole (its sections kept to the end, joined, then encoded),
 * the bench's key of 100 problems, 2.8 MB of HTML, cost 15 of the command's 131 MiB peak. At the end the key
 * is head + spool + tail, written to a temporary file renamed over the output: whole or not at all, as
 * before, and neither file stays behind.
 */
import { closeSync, openSync, readSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** A name beside `path` that no other run uses (the pid, the time) and that `ls` does not show. */
const besideName = (path: string, ext: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.${ext}`);

/** Writes all of `text` at offset `at` (not at the file's position: another thread may write the spool too); the offset after it. */
export function writeAt(fd: number, text: string, at: number): number {
  const bytes = Buffer.from(text, "utf8");
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
  return at + bytes.length;
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
}

export class Spool {
  private readonly path: string;
  private fd: number | null;
  private bytes = 0;
  /** The first write that failed (a full disk): later writes are skipped and `finish` throws it. */
  private failure: unknown = null;
  /** Bytes kept at the start for the head (keep), which the sections follow. */
  private kept = 0;

  /** Throws when nothing can be written beside `out` (no such directory, no permission): before any problem is solved. */
  constructor(private readonly out: string) {
    this.path = besideName(out, "spool");
    this.fd = openSync(this.path, "wx+");
  }

  /**
   * Keeps the file's first `bytes` for a head of that length, written by `finish`: the spool then becomes the key
   * itself, renamed, and the sections are never copied (2.8 MB for the bench's HTML key, 13–18 ms of it, on a
   * machine where each fresh page of the page cache costs as a page fault does). Before anything is written.
   */
  keep(bytes: number): void {
    this.kept = bytes;
    this.bytes = bytes;
  }

  /** Appends text; a failure is kept for `finish` (a section comes from a worker's reply too, where a throw would be lost). */
  write(text: string): void {
    if (this.failure !== null || this.fd === null) return;
    try {
      this.bytes = writeAt(this.fd, text, this.bytes);
    } catch (err) {
      this.failure = err;
    }
  }

  /**
   * The descriptor and offset another thread writes the next sections from (src/cli/typesetter.ts); it
   * reports each offset it reaches (advanceTo), and a section it did not report is written again here.
   */
  handOff(): { fd: number; at: number } {
    return { fd: this.fd!, at: this.bytes };
  }

  advanceTo(at: number): void {
    this.bytes = at;
  }

  /**
   * Writes the output, head + what was spooled + tail, and removes the spool; throws what a write met. The head
   * may come in pieces, text and bytes (the HTML key's stylesheet is bytes of its own, src/cli/key.ts).
   */
  finish(head: string | readonly (string | Buffer)[], tail: string): void {
    if (this.failure !== null) throw this.failure;
    const pieces = (typeof head === "string" ? [head] : head).map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p));
    const headLength = pieces.reduce((n, p) => n + p.length, 0);
    if (this.kept > 0 && headLength === this.kept) {
      // the head in the place kept for it, the tail after the sections: the spool is the key
      const fd = this.fd!;
      this.fd = null;
      try {
        let at = 0;
        for (const p of pieces) for (let done = 0; done < p.length;) { const n = writeSync(fd, p, done, p.length - done, at); done += n; at += n; }
        writeAt(fd, tail, this.bytes);
        closeSync(fd);
        renameSync(this.path, this.out);
      } catch (err) {
        try { closeSync(fd); } catch { /* closed already */ }
        try { unlinkSync(this.path); } catch { /* gone already */ }
        throw err;
      }
      return;
    }
    const temp = besideName(this.out, "tmp");
    let fd: number | null = null;
    try {
      fd = openSync(temp, "wx");
      for (const p of pieces) writeAll(fd, p);
      const chunk = Buffer.allocUnsafe(Math.min(1 << 16, Math.max(1, this.bytes - this.kept)));
      for (let at = this.kept; at < this.bytes;) {
        const n = readSync(this.fd!, chunk, 0, Math.min(chunk.length, this.bytes - at), at);
        if (n === 0) throw new Error(`the spool ${this.path} ended at ${at} of ${this.bytes} bytes`);
        writeAll(fd, chunk.subarray(0, n));
        at += n;
      }
      writeAll(fd, Buffer.from(tail, "utf8"));
      closeSync(fd);
      fd = null;
      renameSync(temp, this.out);
    } catch (err) {
      if (fd !== null) closeSync(fd);
      try { unlinkSync(temp); } catch { /* never made */ }
      throw err;
    } finally {
      this.discard();
    }
  }

  /** Removes the spool (a spent budget, an error): no key is written. */
  discard(): void {
    if (this.fd === null) return;
    try { closeSync(this.fd); } catch { /* closed already */ }
    this.fd = null;
    try { unlinkSync(this.path); } catch { /* gone already */ }
  }
}
