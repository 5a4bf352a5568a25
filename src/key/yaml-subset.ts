/**
 * Problem sets as most are written: a list of maps of one-line values, flow maps and lists of scalars,
 * comments. The yaml package reads any YAML, but cold (as a key runs it, once) it took 26–32 ms of a
 * key's 0.5 s to read the bench's 8 KB set, and its 115 KB are a fifth of the key's bundle to load.
 * This reader takes that subset and nothing else: at the first thing outside it (a block scalar, an
 * anchor, a tag, a multi-line or escaped value, a duplicate key, a scalar YAML would read as a number or
 * null, a tab, CRLF) it answers null, and the yaml package reads the file as before. Where it answers,
 * the tree is the one the yaml package's document gives (test/key.test.ts holds the two to each other).
 */

/**
 * A node of a problem set: its offset in the source is where errors point. A collection read by the yaml
 * package has its text as that package writes it (a map where a scalar belongs is quoted so); this reader's
 * have none, and a set that needs it is read by the yaml package.
 */
export type SetNode =
  | { readonly kind: "scalar"; readonly value: unknown; readonly offset: number }
  | { readonly kind: "map"; readonly entries: readonly SetEntry[]; readonly offset: number; readonly text?: string }
  | { readonly kind: "seq"; readonly items: readonly SetNode[]; readonly offset: number; readonly text?: string };

export interface SetEntry {
  readonly key: string;
  readonly keyOffset: number;
  readonly value: SetNode;
}

/** Not in the subset: the yaml package reads the file. */
class Outside extends Error {}

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Plain scalars that the core schema reads as null, a boolean or a number, not as a string. */
const NOT_STRING = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", n: "\n", t: "\t" };
const BOOLEAN: Readonly<Record<string, boolean>> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };

/** The problem set's tree, or null where the file is not in the subset. */
export function readYamlSubset(source: string): SetNode | null {
  if (source.includes("\r") || source.includes("\t")) return null;
  try {
    return new SubsetReader(source).document();
  } catch (err) {
    if (err instanceof Outside) return null;
    throw err;
  }
}

interface Line {
  /** Offset of the line's first character in the source. */
  readonly start: number;
  /** Columns of indentation (spaces). */
  readonly indent: number;
  /** The line's content after its indentation (a comment alone is no line). */
  readonly text: string;
}

class SubsetReader {
  private readonly lines: Line[] = [];
  private at = 0;

  constructor(private readonly source: string) {
    let start = 0;
    for (const raw of source.split("\n")) {
      const indent = raw.length - raw.trimStart().length;
      const text = raw.slice(indent).trimEnd();
      if (text !== "" && !text.startsWith("#")) this.lines.push({ start, indent, text });
      start += raw.length + 1;
    }
  }

  document(): SetNode {
    if (this.lines[0]?.text === "---") this.at++;
    const first = this.lines[this.at];
    if (!first || first.indent !== 0) throw new Outside();
    const node = first.text.startsWith("- ") || first.text === "-" ? this.sequence(0) : this.map(0, first.start);
    if (this.at < this.lines.length) throw new Outside();
    return node;
  }

  /** A block sequence whose dashes stand at `indent`. */
  private sequence(indent: number): SetNode {
    const items: SetNode[] = [];
    const offset = this.lines[this.at]!.start + indent;
    while (this.at < this.lines.length) {
      const line = this.lines[this.at]!;
      if (line.indent < indent) break;
      if (line.indent > indent || !line.text.startsWith("- ")) throw new Outside();
      const rest = line.text.slice(2);
      const column = indent + 2 + (rest.length - rest.trimStart().length);
      const content = rest.trimStart();
      const at = line.start + column;
      // `- key: value` opens a map whose keys stand at the column after the dash
      if (startsMapEntry(content)) items.push(this.map(column, at, content));
      else { this.at++; items.push(this.scalar(content, at, false)); }
    }
    return { kind: "seq", items, offset };
  }

  /** A block map whose keys stand at `column`; `first` is its first entry's text when it follows a dash. */
  private map(column: number, offset: number, first?: string): SetNode {
    const entries: SetEntry[] = [];
    let pending = first;
    let pendingAt = offset;
    while (this.at < this.lines.length) {
      const line = this.lines[this.at]!;
      let text: string;
      let keyAt: number;
      if (pending !== undefined) { text = pending; keyAt = pendingAt; pending = undefined; }
      else {
        if (line.indent < column) break;
        if (line.indent > column) throw new Outside();
        text = line.text;
        keyAt = line.start + column;
      }
      const colon = text.indexOf(":");
      const key = text.slice(0, colon);
      if (colon < 0 || !KEY.test(key) || entries.some((e) => e.key === key)) throw new Outside();
      const after = text.slice(colon + 1);
      if (after !== "" && !after.startsWith(" ")) throw new Outside();
      const value = after.trimStart();
      const valueAt = keyAt + colon + 1 + (after.length - value.length);
      this.at++;
      let node: SetNode;
      if (value === "") {
        // the value on the lines below, indented more (a list may stand at the key's own column)
        const next = this.lines[this.at];
        if (next && next.indent > column) node = next.text.startsWith("- ") ? this.sequence(next.indent) : this.map(next.indent, next.start + next.indent);
        else if (next && next.indent === column && next.text.startsWith("- ")) node = this.sequence(column);
        else node = { kind: "scalar", value: null, offset: valueAt };
      } else {
        node = this.scalar(value, valueAt, true);
      }
      entries.push({ key, keyOffset: keyAt, value: node });
      // a value continued on the next line, more indented, is a multi-line scalar
      const next = this.lines[this.at];
      if (next && next.indent > column && node.kind === "scalar") throw new Outside();
    }
    return { kind: "map", entries, offset };
  }

  /** A one-line value: a flow map or list of plain scalars, a quoted scalar without escapes, or a plain scalar. */
  private scalar(text: string, offset: number, inMap: boolean): SetNode {
    if (text.startsWith("{") || text.startsWith("[")) return flow(text, offset);
    if (text.startsWith("'")) {
      const body = /^'((?:[^']|'')*)'$/.exec(text);
      if (!body) throw new Outside();
      return { kind: "scalar", value: body[1]!.replace(/''/g, "'"), offset };
    }
    if (text.startsWith('"')) {
      // the escapes LaTeX in a double-quoted value needs (\\ for \) and a few common ones; any other is outside
      const body = /^"((?:[^"\\]|\\["\\/nt])*)"$/.exec(text);
      if (!body) throw new Outside();
      return { kind: "scalar", value: body[1]!.replace(/\\(["\\/nt])/g, (_all, c: string) => DOUBLE_QUOTED_ESCAPES[c]!), offset };
    }
    return { kind: "scalar", value: plain(text, inMap), offset };
  }
}

/** Does a sequence item's content open a map (`key: value`, `key:`)? */
function startsMapEntry(content: string): boolean {
  const m = /^([A-Za-z_][A-Za-z0-9_-]*):(?: |$)/.exec(content);
  return m !== null;
}

/**
 * A plain scalar on one line, in block context: not starting with an indicator, holding no `: ` (a nested
 * map) and no ` #` (a comment), not ending with `:`; a boolean where YAML reads one, nothing else that YAML
 * would read as other than a string.
 */
function plain(text: string, inMap: boolean): string | boolean {
  if (/^[\][{}#&*!|>'"%@`,]/.test(text) || /^[-?:](?: |$)/.test(text)) throw new Outside();
  if (text.includes(": ") || text.includes(" #") || text.endsWith(":")) throw new Outside();
  if (inMap && Object.hasOwn(BOOLEAN, text)) return BOOLEAN[text]!;
  if (NOT_STRING.test(text)) throw new Outside();
  return text;
}

/** `{ k: v, … }` or `[a, …]` on one line, of plain scalars. */
function flow(text: string, offset: number): SetNode {
  const map = text.startsWith("{");
  if (!text.endsWith(map ? "}" : "]")) throw new Outside();
  const inner = text.slice(1, -1);
  if (/[\][{}"'#&*!|>%@`]/.test(inner)) throw new Outside();
  const parts: { text: string; at: number }[] = [];
  let from = 0;
  for (const piece of inner.split(",")) {
    const lead = piece.length - piece.trimStart().length;
    parts.push({ text: piece.trim(), at: offset + 1 + from + lead });
    from += piece.length + 1;
  }
  // `[a, b,]` and `{ }`: a trailing comma or an empty collection, which YAML allows; kept out for simplicity
  if (parts.some((p) => p.text === "")) throw new Outside();
  const scalarAt = (s: string, at: number): SetNode => {
    if (/^[-?:](?: |$)/.test(s) || s.endsWith(":") || NOT_STRING.test(s)) throw new Outside();
    return { kind: "scalar", value: s, offset: at };
  };
  if (!map) return { kind: "seq", items: parts.map((p) => scalarAt(p.text, p.at)), offset };
  const entries: SetEntry[] = parts.map((p) => {
    const colon = p.text.indexOf(": ");
    const key = p.text.slice(0, colon);
    if (colon < 0 || !KEY.test(key) || p.text.indexOf(": ", colon + 1) >= 0) throw new Outside();
    const value = p.text.slice(colon + 2).trimStart();
    return { key, keyOffset: p.at, value: scalarAt(value, p.at + p.text.length - value.length) };
  });
  if (new Set(entries.map((e) => e.key)).size !== entries.length) throw new Outside();
  return { kind: "map", entries, offset };
}
