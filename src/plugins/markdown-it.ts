/**
 * matdiff/markdown-it: renders ```matdiff fenced blocks as KaTeX HTML.
 *
 *     import MarkdownIt from "markdown-it";
 *     import matdiff from "matdiff/markdown-it";
 *     const html = new MarkdownIt().use(matdiff).render("```matdiff\ntr(A^{-1}B) wrt A\n```\n");
 *
 * The plugin does not import markdown-it (it is handed the instance), so it
 * works with whatever copy the host has: VS Code's Markdown preview, Joplin,
 * Obsidian-style renderers, static-site generators.
 */
import { solveBlock, isMatdiffInfo, metaOf, Lru, type BlockOptions } from "./block.js";
import { outcomeHtml, escapeHtml, type KatexLike } from "./html.js";

export interface MatdiffMarkdownItOptions extends BlockOptions {
  /** The fence's info word (default "matdiff"). */
  readonly name?: string;
  /** The KaTeX to render with (default: the one matdiff depends on); pass the host's own to match its CSS. */
  readonly katex?: KatexLike;
}

/*
 * The few parts of markdown-it the plugin touches, typed structurally so the
 * published types do not depend on @types/markdown-it. Method syntax keeps
 * parameters bivariant, so a real MarkdownIt instance is assignable.
 */
export interface TokenLike {
  readonly info: string;
  readonly content: string;
  attrGet(name: string): string | null;
  attrJoin(name: string, value: string): void;
}
export interface RendererLike {
  renderAttrs(token: TokenLike): string;
}
export interface RenderRulesLike {
  fence?(tokens: TokenLike[], idx: number, options: unknown, env: unknown, self: RendererLike): string;
}
export interface MarkdownItLike {
  readonly renderer: { rules: RenderRulesLike };
}

/** Renders one block's content to HTML (for hosts that take HTML directly, such as Obsidian's code-block processors). */
export function renderBlock(content: string, meta = "", options: MatdiffMarkdownItOptions = {}): string {
  const { className, inner, kind } = outcomeHtml(solveBlock(content, meta, options), ...(options.katex ? [options.katex] : []));
  return `<div class="${className}" data-kind="${escapeHtml(kind)}">\n${inner}\n</div>\n`;
}

export default function matdiffMarkdownIt(md: MarkdownItLike, options: MatdiffMarkdownItOptions = {}): void {
  const name = options.name ?? "matdiff";
  const previous = md.renderer.rules.fence;
  const cache = new Lru<{ className: string; inner: string; kind: string }>(256);

  md.renderer.rules.fence = function (tokens, idx, mdOptions, env, self) {
    const token = tokens[idx]!;
    if (!isMatdiffInfo(token.info, name)) {
      return previous ? previous.call(this, tokens, idx, mdOptions, env, self) : defaultFence(token, self);
    }
    const meta = metaOf(token.info);
    const key = `${meta}\u0000${token.content}`;
    let rendered = cache.get(key);
    if (!rendered) {
      rendered = outcomeHtml(solveBlock(token.content, meta, options), ...(options.katex ? [options.katex] : []));
      cache.set(key, rendered);
    }
    // attributes other plugins put on the token (VS Code's data-line for scroll sync, markdown-it-attrs) are kept
    const classes = (token.attrGet("class") ?? "").split(/\s+/);
    for (const c of rendered.className.split(" ")) if (!classes.includes(c)) token.attrJoin("class", c);
    return `<div${self.renderAttrs(token)} data-kind="${escapeHtml(rendered.kind)}">\n${rendered.inner}\n</div>\n`;
  };
}

/** markdown-it always has a fence rule; this only serves a host that removed it. */
function defaultFence(token: TokenLike, self: RendererLike): string {
  return `<pre${self.renderAttrs(token)}><code>${escapeHtml(token.content)}</code></pre>\n`;
}

export { matdiffMarkdownIt };
