/**
 * The body of the HTML key's typesetting thread (src/cli/typesetter.ts sends
 * it the work, src/cli/launch.ts starts it): each section's formulas typeset
 * and the section written, in the order the sections came, to the key's spool
 * (src/cli/spool.ts) or, for a key on standard output, sent back as text. Its
 * own bundle: the thread loads this, KaTeX and nothing else of matdiff's.
 */
import { fillFormulas, typesetFormula, type Formula } from "../key/typeset.js";
import { writeAt } from "./spool.js";

export interface SectionToTypeset {
  readonly text: string;
  readonly formulas?: readonly Formula[];
}

/** The first message: the spool's descriptor and the offset to write from, or null to send the sections back. */
export type TypesetStart = { readonly fd: number; readonly at: number } | { readonly fd: null };
/** Then each message one section; null, the last, ends the thread. */
export type TypesetMessage = TypesetStart | SectionToTypeset | null;
/** The reply to each section: the offset after it in the spool, or its text; or what went wrong (no later section is written). */
export type TypesetReply = { readonly at: number } | { readonly text: string } | { readonly error: string };

/** A section's HTML: its formulas typeset into their marks. */
export const typesetSection = (s: SectionToTypeset): string => (s.formulas ? fillFormulas(s.text, s.formulas.map((f) => typesetFormula(...f))) : s.text);

/** The thread's work from its first message, `start`, on: each later message a section, then null. */
export function serveTypesetting(port: { on(event: "message", f: (m: TypesetMessage) => void): unknown; postMessage(reply: TypesetReply): void }, first: TypesetStart, end: () => void): void {
  let start = first;
  let failed = false;
  port.on("message", (m) => {
    if (m === null) { end(); return; }
    if (failed) return;
    try {
      const text = typesetSection(m as SectionToTypeset);
      if (start.fd === null) port.postMessage({ text });
      else { start = { fd: start.fd, at: writeAt(start.fd, text, start.at) }; port.postMessage({ at: start.at }); }
    } catch (err) {
      failed = true;
      port.postMessage({ error: err instanceof Error ? err.message : String(err) });
    }
  });
}
