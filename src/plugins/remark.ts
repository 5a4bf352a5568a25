/**
 * matdiff/remark: turns ```matdiff fenced blocks into mdast `math` nodes,
 * shaped as remark-math makes them (`data.hName`/`hChildren`), so the host's
 * own math renderer (rehype-katex, rehype-mathjax) typesets them: Docusaurus,
 * MDX, Astro, Quartz.
 *
 *     unified().use(remarkParse).use(remarkMatdiff).use(remarkRehype).use(rehypeKatex).use(rehypeStringify)
 *
 * No runtime dependency on unified: the transformer walks the tree itself.
 * A block that fails becomes an element that rehype renders as an error box
 * (all text nodes, so every character is escaped), and a warning on the file.
 */
import { solveBlock, isMatdiffInfo, type BlockError, type BlockOptions } from "./block.js";
import { present, type Presentation } from "./present.js";

export interface RemarkMatdiffOptions extends BlockOptions {
  /** The fence's language word (default "matdiff"). */
  readonly name?: string;
}

/* Minimal unist/mdast/hast shapes, so the published types need no @types/mdast. */
/** `data` as mdast-util-to-hast reads it. */
export interface UnistData {
  hName?: string;
  hProperties?: Record<string, unknown>;
  hChildren?: unknown[];
}
export interface UnistNode {
  type: string;
  value?: string;
  lang?: string | null;
  meta?: string | null;
  position?: unknown;
  children?: UnistNode[];
  data?: UnistData;
}
type HastText = { type: "text"; value: string };
type HastElement = { type: "element"; tagName: string; properties: Record<string, unknown>; children: (HastElement | HastText)[] };
interface FileLike {
  message?(reason: string, options?: Record<string, unknown>): unknown;
}

const text = (value: string): UnistNode => ({ type: "text", value });
const hText = (value: string): HastText => ({ type: "text", value });
const hElement = (tagName: string, className: string[], children: (HastElement | HastText)[]): HastElement =>
  ({ type: "element", tagName, properties: className.length ? { className } : {}, children });

/** A display-math node exactly as mdast-util-math builds one for `$$ … $$`. */
export function mathNode(latex: string): UnistNode {
  return {
    type: "math", meta: null, value: latex,
    data: { hName: "pre", hChildren: [hElement("code", ["language-math", "math-display"], [hText(latex)])] },
  };
}

/** An inline-math node exactly as mdast-util-math builds one for `$ … $`. */
export function inlineMathNode(latex: string): UnistNode {
  return {
    type: "inlineMath", value: latex,
    data: { hName: "code", hProperties: { className: ["language-math", "math-inline"] }, hChildren: [hText(latex)] },
  };
}

const paragraph = (className: string, children: UnistNode[]): UnistNode =>
  ({ type: "paragraph", children, data: { hProperties: { className: [className] } } });

export function presentationNodes(p: Presentation): UnistNode[] {
  const out: UnistNode[] = [mathNode(p.equation)];
  if (p.steps) {
    if (p.steps.length) {
      // an ordered list of equalities, each with its reason: portable to any math renderer and any theme
      out.push(paragraph("matdiff-steps-title", [{ type: "strong", children: [text("Steps")] }]));
      out.push({
        type: "list", ordered: true, start: 1, spread: false, data: { hProperties: { className: ["matdiff-steps"] } },
        children: p.steps.map((s) => ({
          type: "listItem", spread: false,
          children: [paragraph("matdiff-step", [
            inlineMathNode(`\\displaystyle ${s.lhs ? s.lhs.latex : ""} = ${s.latex}`),
            ...(s.reason ? [text(` — ${s.reason}`)] : []),
          ])],
        }) as UnistNode),
      } as UnistNode);
    } else {
      out.push(paragraph("matdiff-note", [text("This version of matdiff does not list derivation steps.")]));
    }
  }
  if (p.shapes) out.push(paragraph("matdiff-shapes", [inlineMathNode(p.shapes)]));
  for (const note of [p.convention, p.layout, ...p.notes]) if (note) out.push(paragraph("matdiff-note", [text(note)]));
  if (p.check) out.push(paragraph(`matdiff-check-${p.check.ok ? "ok" : "failed"}`, [text(p.check.text)]));
  for (const c of p.code ?? []) out.push({ type: "code", lang: c.language, meta: null, value: c.text });
  return out;
}

/** The error box as hast carried by an mdast node: rehype-stringify escapes every text node. */
export function errorNode(e: BlockError): UnistNode {
  const children: HastElement[] = [
    hElement("p", ["matdiff-error-message"], [hElement("strong", [], [hText(`matdiff: ${e.code === "internal" ? "internal error" : "error"}:`)]), hText(` ${e.message}`)]),
  ];
  if (e.caret) children.push(hElement("pre", ["matdiff-caret"], [hText(e.caret)]));
  if (e.hint) children.push(hElement("p", ["matdiff-hint"], [hText(`hint: ${e.hint}`)]));
  return {
    type: "matdiffError", value: e.message,
    data: { hName: "div", hProperties: { className: ["matdiff", "matdiff-error"], dataCode: e.code }, hChildren: children },
  };
}

export default function remarkMatdiff(options: RemarkMatdiffOptions = {}) {
  const name = options.name ?? "matdiff";
  return function transform(tree: UnistNode, file?: FileLike): void {
    walk(tree, (node, index, parent) => {
      if (node.type !== "code" || !isMatdiffInfo(node.lang ?? "", name)) return;
      const outcome = solveBlock(node.value ?? "", node.meta ?? "", options);
      let replacement: UnistNode;
      if (outcome.ok) {
        replacement = {
          type: "matdiff",
          data: { hName: "div", hProperties: { className: ["matdiff"], dataKind: outcome.result.kind } },
          children: presentationNodes(present(outcome.result, outcome.problem.flags)),
        };
      } else {
        replacement = errorNode(outcome.error);
        file?.message?.(`matdiff: ${outcome.error.message}`, { place: node.position, ruleId: outcome.error.code, source: "matdiff" });
      }
      if (node.position !== undefined) replacement.position = node.position;
      parent.children![index] = replacement;
    });
  };
}

/** Visits every node that has a parent; the visitor may replace the node in place (its replacement is not visited). */
function walk(node: UnistNode, visit: (node: UnistNode, index: number, parent: UnistNode) => void): void {
  const children = node.children;
  if (!children) return;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    visit(child, i, node);
    if (children[i] === child) walk(child, visit);
  }
}

export { remarkMatdiff };
