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

export class MatdiffError extends Error {
  readonly code: ErrorCode;
  readonly start: number | undefined;
  readonly end: number | undefined;
  /** Which text the span points into when it is not the main expression (e.g. a --where definition). */
  readonly source: string | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, span?: SourceSpan, opts: { hint?: string; source?: string } = {}) {
    super(message);
    this.name = "MatdiffError";
    this.code = code;
    this.start = span?.start;
    this.end = span?.end;
    this.hint = opts.hint;
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
 */
export function caretDisplay(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf("\n", Math.max(0, start - 1)) + 1;
  let lineEnd = text.indexOf("\n", start);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  const from = [...text.slice(lineStart, start)].length;
  const width = Math.max(1, [...text.slice(start, Math.min(end, lineEnd))].length);
  return `${line}\n${" ".repeat(from)}${"^".repeat(width)}`;
}
