/**
 * Text inside Markdown that stays text: the answer keys and the note-taking
 * plugins' "publishable" Markdown write engine and user text with these.
 */
import { visible } from "../errors.js";

/**
 * Text as Markdown text, never markup: `< > &` as entities and
 * `\\ [ ] $ \` * _` backslash-escaped, so no raw HTML, link, image, autolink,
 * math or emphasis can come from it (the HTML key escapes the same text as HTML).
 */
export function mdText(s: string): string {
  return visible(s).replace(/[\\[\]<>&$`*_]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : `\\${c}`));
}

/** A fenced code block holding any text (its fence longer than any backtick run inside), as lines. */
export function mdBlock(s: string, info = ""): string[] {
  const text = visible(s);
  const fence = "`".repeat(Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return [`${fence}${info}`, text, fence];
}
