/**
 * Problem sets for answer keys. Two forms:
 *
 * YAML, a list of problems (or `{ title, problems: [...] }`):
 *
 *     - title: Least squares
 *       text: Minimise the residual.
 *       expr: \|y - Phi theta\|^2
 *       wrt: theta
 *       let: { theta: vector }
 *       where: { e: y - Phi theta }
 *
 * Markdown, one problem per heading, the problem in a fenced `matdiff` block
 * (the same block the note-taking plugins read; prose around it is the text):
 *
 *     ## Least squares
 *     Minimise the residual.
 *     ```matdiff
 *     \|y - Phi theta\|^2 wrt theta
 *     let theta: vector
 *     ```
 *
 * Every problem keeps its line and column in the file so errors point there.
 */
import { parseDocument, isAlias, isMap, isSeq, isScalar, type Document, type Node as YamlNode } from "yaml";
import { readYamlSubset, type SetNode } from "./yaml-subset.js";
import { parseBlock, isMatdiffInfo, metaOf, blockWording } from "../plugins/block.js";

export interface Location {
  readonly line: number;
  readonly column: number;
}

export interface KeyProblem {
  readonly title?: string;
  readonly text?: string;
  readonly expr: string;
  readonly wrt: string;
  readonly let: readonly string[];
  readonly where: readonly string[];
  readonly hessian?: boolean;
  readonly symmetric?: "sym" | "cookbook";
  /** Where the problem starts, and where its expression is (for error positions). */
  readonly location: Location;
  readonly exprLocation: Location;
}

export interface ProblemSetError {
  readonly message: string;
  readonly location: Location;
}

export interface ProblemSet {
  /** How the file states a problem, so the key's hints speak its language (`let:`, not `--let`). */
  readonly spelling: "yaml" | "markdown";
  readonly title?: string;
  /** Prose before the first problem (a Markdown set's text under its title), shown at the top of the key. */
  readonly intro?: string;
  readonly problems: readonly KeyProblem[];
  /** Problems that could not even be read; they are reported, never dropped silently. */
  readonly errors: readonly ProblemSetError[];
}

const KEYS = ["title", "text", "expr", "wrt", "let", "where", "hessian", "symmetric"];

export function readProblemSet(source: string, fileName: string): ProblemSet {
  const markdown = /\.(md|markdown)$/i.test(fileName) || (!/\.(ya?ml|json)$/i.test(fileName) && /^```\s*\{?matdiff/m.test(source));
  return markdown ? { ...readMarkdown(source), spelling: "markdown" } : { ...readYaml(source), spelling: "yaml" };
}

/**
 * The engine's notes and hints name command-line flags (`--let "theta: vector"`);
 * the author of a problem file writes them as the file does: `let: { theta: vector }`
 * in YAML, `let theta: vector` in a Markdown block.
 */
export function fileWording(s: string, spelling: ProblemSet["spelling"]): string {
  if (spelling === "markdown") return blockWording(s);
  return s
    .replace(/--(let|where) "(.*?)"(?=[:\s,;.)]|$)/g, (_all, key: string, body: string) => {
      const [name, ...rest] = body.split(key === "let" ? ":" : "=");
      return `${key}: { ${name!.trim()}: ${rest.join(key === "let" ? ":" : "=").trim()} }`;
    })
    .replace(/--symmetric cookbook/g, "symmetric: cookbook")
    .replace(/--hessian\b/g, "hessian: true")
    .replace(/--(let|where|wrt|symmetric)\b/g, "$1:");
}

const readYaml = (source: string): Omit<ProblemSet, "spelling"> => readYamlSubsetOnly(source) ?? readYamlPackage(source);

/** A set in the YAML subset most sets are written in (src/key/yaml-subset.ts), read without the yaml package; null for any other. */
export function readYamlSubsetOnly(source: string): Omit<ProblemSet, "spelling"> | null {
  const simple = readYamlSubset(source);
  return simple && problemsOf(simple, lineColumn(source));
}

/** A set read by the yaml package, whatever YAML it is written in. */
export function readYamlPackage(source: string): Omit<ProblemSet, "spelling"> {
  const at = lineColumn(source);
  const doc = parseDocument(source, { prettyErrors: false });
  const errors: ProblemSetError[] = doc.errors.map((e) => ({ message: e.message.split("\n")[0]!, location: at(e.pos[0]) }));
  if (errors.length) return { problems: [], errors };
  return problemsOf(fromYaml(doc.contents, doc), at)!;
}

/**
 * The yaml package's document as the problem set's tree. `*name` stands for the node `&name` marks: a problem,
 * a value or a let map written once and reused; each node is converted once however often it is named (a
 * chain of aliases of aliases would otherwise grow exponentially), and an alias of a node it is inside of is
 * nothing (a null).
 */
function fromYaml(root: unknown, doc: Document): SetNode {
  const done = new Map<unknown, SetNode>();
  const inside = new Set<unknown>();
  const convert = (node: unknown): SetNode => {
    const target = isAlias(node) ? node.resolve(doc) : node;
    // where the node is written (an alias's own place), and what it holds
    const offset = (node as YamlNode | null)?.range?.[0] ?? (target as YamlNode | null | undefined)?.range?.[0] ?? 0;
    if (inside.has(target)) return { kind: "scalar", offset, value: null };
    const known = done.get(target);
    if (known) return known.offset === offset ? known : { ...known, offset };
    inside.add(target);
    let out: SetNode;
    if (isMap(target)) {
      out = { kind: "map", offset, text: String(target), entries: target.items.map((p) => ({ key: isScalar(p.key) ? String(p.key.value) : "", keyOffset: (p.key as YamlNode | null)?.range?.[0] ?? offset, value: convert(p.value) })) };
    } else if (isSeq(target)) out = { kind: "seq", offset, text: String(target), items: target.items.map(convert) };
    else out = { kind: "scalar", offset, value: isScalar(target) ? target.value : null };
    inside.delete(target);
    done.set(target, out);
    return out;
  };
  return convert(root);
}

/** The problems a set's tree states; null where it needs what the subset reader does not keep (src/key/yaml-subset.ts). */
function problemsOf(root: SetNode, at: (offset: number) => Location): Omit<ProblemSet, "spelling"> | null {
  const get = (m: SetNode, key: string): SetNode | undefined => (m.kind === "map" ? m.entries.find((e) => e.key === key)?.value : undefined);
  let title: string | undefined;
  let list: SetNode | undefined = root;
  if (root.kind === "map") {
    const t = get(root, "title");
    if (t?.kind === "scalar" && typeof t.value === "string") title = t.value;
    list = get(root, "problems");
  }
  if (list?.kind !== "seq") {
    return { problems: [], errors: [{ message: "expected a list of problems (each with expr and wrt), or a map with a 'problems' list", location: at(root.offset) }] };
  }
  const errors: ProblemSetError[] = [];
  const problems: KeyProblem[] = [];
  /** Text of a collection where a scalar belongs, as the yaml package writes it; the subset reader has none. */
  let needsText = false;
  const textOf = (v: SetNode): string => {
    if (v.kind === "scalar") return String(v.value);
    if (v.text === undefined) needsText = true;
    return v.text ?? "";
  };
  for (const item of list.items) {
    const where = at(item.offset);
    if (item.kind !== "map") { errors.push({ message: "a problem is a map with at least expr and wrt", location: where }); continue; }
    const fail = (message: string, offset?: number) => errors.push({ message, location: offset === undefined ? where : at(offset) });
    let bad = false;
    for (const e of item.entries) {
      if (!KEYS.includes(e.key)) { fail(`unknown key '${e.key}' (known: ${KEYS.join(", ")})`, e.keyOffset); bad = true; }
    }
    const str = (k: string) => {
      const v = get(item, k);
      if (v === undefined || (v.kind === "scalar" && v.value === null)) return undefined;
      return textOf(v);
    };
    const exprNode = get(item, "expr");
    const expr = str("expr");
    // several variables, as a list or "W_1, b_1": each gets its own entry in the key, from one differential
    const wrtNode = get(item, "wrt");
    const wrt = wrtNode?.kind === "seq" ? wrtNode.items.map(valueText).join(", ") : str("wrt");
    if (!expr) { fail("the problem has no 'expr'"); bad = true; }
    if (!wrt) { fail("the problem has no 'wrt'"); bad = true; }
    const entries = (k: string, sep: string): string[] => {
      const v = get(item, k);
      if (v === undefined || (v.kind === "scalar" && v.value === null)) return [];
      if (v.kind === "map") return v.entries.map((e) => `${e.key}${sep} ${e.value.kind === "scalar" ? String(e.value.value ?? "") : ""}`);
      if (v.kind === "seq") return v.items.map(valueText);
      return String(v.value).split(";").map((s) => s.trim()).filter(Boolean);
    };
    const lets = entries("let", ":");
    const wheres = entries("where", " =");
    const symmetric = str("symmetric");
    if (symmetric !== undefined && symmetric !== "sym" && symmetric !== "cookbook") { fail("'symmetric' is sym or cookbook"); bad = true; }
    if (bad) continue;
    const t = str("title");
    const x = str("text");
    const hessian = get(item, "hessian");
    problems.push({
      ...(t ? { title: t } : {}), ...(x ? { text: x } : {}),
      expr: expr!, wrt: wrt!, let: lets, where: wheres,
      ...(hessian?.kind === "scalar" && hessian.value === true ? { hessian: true } : {}),
      ...(symmetric ? { symmetric: symmetric as "sym" | "cookbook" } : {}),
      location: where, exprLocation: exprNode ? at(exprNode.offset) : where,
    });
  }
  return needsText ? null : { ...(title ? { title } : {}), problems, errors };
}

/** An entry of a list or a map's value as the key prints it: a scalar's value, a collection's value undefined (as the yaml package's node has none). */
const valueText = (v: SetNode): string => String(v.kind === "scalar" ? v.value : undefined);

/** Line and column (from 1) of an offset in the source. */
function lineColumn(source: string): (offset: number) => Location {
  const starts = [0];
  for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid]! <= offset) lo = mid; else hi = mid - 1; }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

/**
 * An ATX heading (`## Title ##`): its level and text, without the closing
 * hashes. Read by hand: the regular expression it replaces, with three
 * overlapping runs of spaces, took 40 s on `# a`, 4,000 spaces and `b`.
 */
export function atxHeading(line: string): { level: number; text: string } | null {
  let level = 0;
  while (level < line.length && line[level] === "#") level++;
  if (level < 1 || level > 6 || level === line.length || !/\s/.test(line[level]!)) return null;
  let text = line.slice(level).trim();
  let end = text.length;
  while (end > 0 && text[end - 1] === "#") end--;
  text = text.slice(0, end).trimEnd();
  return { level, text };
}

function readMarkdown(source: string): Omit<ProblemSet, "spelling"> {
  const lines = source.split(/\r?\n/);
  const problems: KeyProblem[] = [];
  const errors: ProblemSetError[] = [];
  let title: string | undefined;
  let heading: { text: string; line: number } | null = null;
  let intro: string | undefined;
  let prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const h = atxHeading(line);
    if (h) {
      if (h.level === 1 && title === undefined && problems.length === 0 && heading === null) title = h.text;
      else {
        // the text between the title and the first problem introduces the set: it is kept, not dropped
        if (heading === null && problems.length === 0 && intro === undefined) intro = prose.join("\n").trim() || undefined;
        heading = { text: h.text, line: i + 1 };
      }
      prose = [];
      continue;
    }
    const fence = /^(\s*)(```+|~~~+)\s*(.*)$/.exec(line);
    if (fence && isMatdiffInfo(fence[3]!)) {
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trim().startsWith(fence[2]!); i++) body.push(lines[i]!);
      const location = { line: start + 1, column: 1 };
      try {
        const p = parseBlock(body.join("\n"), metaOf(fence[3]!));
        const text = prose.join("\n").trim();
        problems.push({
          ...(heading ? { title: heading.text } : {}), ...(text ? { text } : {}),
          expr: p.expr, wrt: p.wrt, let: p.let, where: p.where,
          ...(p.flags.has("hessian") ? { hessian: true } : {}), ...(p.flags.has("cookbook") ? { symmetric: "cookbook" as const } : {}),
          location: heading ? { line: heading.line, column: 1 } : location,
          exprLocation: { line: start + 2 + body.findIndex((l) => l.trim() !== "" && !l.trim().startsWith("%")), column: 1 },
        });
      } catch (err) {
        errors.push({ message: (err as Error).message, location });
      }
      prose = [];
      continue;
    }
    prose.push(line);
  }
  return { ...(title ? { title } : {}), ...(intro ? { intro } : {}), problems, errors };
}
