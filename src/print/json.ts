/**
 * JSON that is safe wherever it lands: `<`, `>` and `&` inside strings are
 * written as \u003c, \u003e and \u0026, so the text can sit in an HTML page
 * (even inside a <script> element) without closing or opening a tag; the line
 * and paragraph separators U+2028/9 (line breaks to JavaScript) and the
 * invisible or text-reordering characters (bidi overrides, zero-width ones)
 * are escaped too. JSON.parse reads it back unchanged: these characters only
 * ever occur inside strings, where \uXXXX means the character itself.
 */
const UNSAFE = /[<>&\u2028\u2029\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
