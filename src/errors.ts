/**
 * User-facing errors. Every error the user can cause is a MatdiffError with a
 * stable code and, where it points at the input, a span; the CLI draws a
 * caret under the span. Anything else that escapes is a bug.
 */
export type ErrorCode =
  | "syntax"            // the parser could not read the input
  | "ambiguous"         // more than one reading (a grammar bug or a genuinely ambiguous input)
  | "unknown-function"  // foo(x), \operatorname{foo}
  | "unknown-command"   // \foo
  | "unknown-word"      // loss, f(x): a run of letters that names nothing matdiff knows
  | "empty"             // nothing to differentiate
  | "shape"             // dimension mismatch, det of a non-square, ...
  | "number"            // 1e999, division by the literal 0, 0^{-1}
  | "unsupported"       // valid mathematics that matdiff does not handle (yet)
  | "wrt"               // --wrt names no symbol, or a non-symbol
  | "declaration"       // a malformed --let or --where
  | "limit";            // input length, nesting depth, rewrite steps, time

export interface SourceSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Characters that are invisible or act on the terminal or on the text around
 * them: C0 and C1 controls (ESC starts terminal escape sequences) other than
 * tab and newline, and the Unicode format characters that reorder or hide
 * text (bidi overrides and isolates, zero-width characters, BOM), which
 * could make echoed input read otherwise than it is ("Trojan Source").
 */
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** User text made safe to echo: each invisible or controlling character becomes a visible `\u{202e}`. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u{${c.charCodeAt(0).toString(16).padStart(4, "0")}}`);
}

/** `Error.stackTraceLimit` is V8's (Node, Chromium); the browser builds' typings do not declare it. */
const V8Error = Error as ErrorConstructor & { stackTraceLimit?: number };

export class MatdiffError extends Error {
  readonly code: ErrorCode;
  readonly start: number | undefined;
  readonly end: number | undefined;
  /** Which text the span points into when it is not the main expression (e.g. a --where definition). */
  readonly source: string | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, span?: SourceSpan, opts: { hint?: string; source?: string } = {}) {
    // A MatdiffError is about the input, which its span and caret show; the engine's stack says nothing to the
    // user, and capturing it was most of the cost of the errors a shape reading meets and tries past.
    const depth = V8Error.stackTraceLimit;
    V8Error.stackTraceLimit = 0;
    // messages quote the user's input: what they show must be what is there
    try {
      super(visible(message));
    } finally {
      V8Error.stackTraceLimit = depth;
    }
    this.name = "MatdiffError";
    this.code = code;
    this.start = span?.start;
    this.end = span?.end;
    this.hint = opts.hint === undefined ? undefined : visible(opts.hint);
    this.source = opts.source;
  }
}

/** Line and column (1-based) of an offset, for messages such as "at 1:5". */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") { line++; col = 1; } else col++;
  }
  return { line, col };
}

/**
 * The offending line with a caret run under the span:
 *   tr(A B C
 *           ^
 * cut to a window of CARET_WINDOW characters, marked with …, when longer.
 */
export function caretDisplay(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf("\n", Math.max(0, start - 1)) + 1;
  let lineEnd = text.indexOf("\n", start);
  if (lineEnd < 0) lineEnd = text.length;
  if (text[lineEnd - 1] === "\r" && lineEnd - 1 >= start) lineEnd--; // a Windows line end is not part of the line
  // measured after visible(): an escaped control character is as wide as it is shown
  const line = [...visible(text.slice(lineStart, lineEnd))];
  const from = [...visible(text.slice(lineStart, start))].length;
  const width = Math.max(1, [...visible(text.slice(start, Math.min(end, lineEnd)))].length);
  if (line.length <= CARET_WINDOW) return `${line.join("")}\n${" ".repeat(from)}${"^".repeat(width)}`;
  // a long line is shown as a window that opens a little before the span: 20,000 parentheses and a
  // caret run as long would bury the message
  const hi = Math.min(line.length, Math.max(0, from - CARET_CONTEXT) + CARET_WINDOW);
  const lo = Math.max(0, hi - CARET_WINDOW);
  const head = lo > 0 ? "…" : "";
  const shown = head + line.slice(lo, hi).join("") + (hi < line.length ? "…" : "");
  return `${shown}\n${" ".repeat(head.length + from - lo)}${"^".repeat(Math.max(1, Math.min(width, hi - from)))}`;
}

/** Longest line caretDisplay shows whole, and how much of it comes before the span when it cuts. */
const CARET_WINDOW = 100;
const CARET_CONTEXT = 30;
