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
import { parseDocument, LineCounter, isAlias, isMap, isSeq, isScalar, type Node as YamlNode } from "yaml";
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

function readYaml(source: string): Omit<ProblemSet, "spelling"> {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined): Location => {
    const p = lines.linePos(offset ?? 0);
    return { line: p.line, column: p.col };
  };
  const errors: ProblemSetError[] = doc.errors.map((e) => ({ message: e.message.split("\n")[0]!, location: at(e.pos[0]) }));
  if (errors.length) return { problems: [], errors };
  // `*name` stands for the node `&name` marks: a problem, a value or a let map written once and reused
  const deref = <T>(node: T): T => (isAlias(node) ? (node.resolve(doc) as T | undefined) ?? node : node);
  let title: string | undefined;
  let list: YamlNode | null | undefined = doc.contents;
  if (isMap(list)) {
    const t = list.get("title");
    if (typeof t === "string") title = t;
    list = list.get("problems", true) as YamlNode | undefined;
  }
  if (!isSeq(list)) {
    return { problems: [], errors: [{ message: "expected a list of problems (each with expr and wrt), or a map with a 'problems' list", location: at(doc.contents?.range?.[0]) }] };
  }
  const problems: KeyProblem[] = [];
  for (const raw of list.items as YamlNode[]) {
    const item = deref(raw);
    const where = at(item.range?.[0]);
    if (!isMap(item)) { errors.push({ message: "a problem is a map with at least expr and wrt", location: where }); continue; }
    const fail = (message: string, node?: YamlNode | null) => errors.push({ message, location: node?.range ? at(node.range[0]) : where });
    let bad = false;
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      if (!KEYS.includes(key)) { fail(`unknown key '${key}' (known: ${KEYS.join(", ")})`, pair.key as YamlNode); bad = true; }
    }
    const exprNode = item.get("expr", true) as YamlNode | undefined;
    const str = (k: string) => {
      const v = deref(item.get(k, true) as YamlNode | null | undefined);
      if (v === undefined || v === null) return undefined;
      return isScalar(v) ? (v.value === null ? undefined : String(v.value)) : String(v);
    };
    const expr = str("expr");
    // several variables, as a list or "W_1, b_1": each gets its own entry in the key, from one differential
    const wrtNode = item.get("wrt", true) as YamlNode | undefined;
    const wrt = isSeq(wrtNode) ? wrtNode.items.map((x) => String((x as { value?: unknown }).value)).join(", ") : str("wrt");
    if (!expr) { fail("the problem has no 'expr'"); bad = true; }
    if (!wrt) { fail("the problem has no 'wrt'"); bad = true; }
    const list = (k: string, sep: string): string[] => {
      const v = deref(item.get(k, true) as YamlNode | undefined);
      if (v === undefined || v === null) return [];
      if (isMap(v)) return v.items.map((p) => `${String((deref(p.key) as { value?: unknown }).value)}${sep} ${String((deref(p.value) as { value?: unknown } | null)?.value ?? "")}`);
      if (isSeq(v)) return v.items.map((x) => String((deref(x) as { value?: unknown }).value));
      if (isScalar(v)) return String(v.value).split(";").map((s) => s.trim()).filter(Boolean);
      fail(`'${k}' must be a map, a list or a string`, v); bad = true;
      return [];
    };
    const lets = list("let", ":");
    const wheres = list("where", " =");
    const symmetric = str("symmetric");
    if (symmetric !== undefined && symmetric !== "sym" && symmetric !== "cookbook") { fail("'symmetric' is sym or cookbook"); bad = true; }
    if (bad) continue;
    const t = str("title");
    const x = str("text");
    problems.push({
      ...(t ? { title: t } : {}), ...(x ? { text: x } : {}),
      expr: expr!, wrt: wrt!, let: lets, where: wheres,
      ...((deref(item.get("hessian", true)) as { value?: unknown } | undefined)?.value === true ? { hessian: true } : {}),
      ...(symmetric ? { symmetric: symmetric as "sym" | "cookbook" } : {}),
      location: where, exprLocation: exprNode?.range ? at(exprNode.range[0]) : where,
    });
  }
  return { ...(title ? { title } : {}), problems, errors };
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
