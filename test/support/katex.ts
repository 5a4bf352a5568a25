/**
 * The one set of KaTeX options the tests hold matdiff's LaTeX to: strict (a
 * warning is an error), no trust (no \href, \url or \includegraphics), throw on
 * any parse error. Every formula a user can see must pass it.
 */
import katex from "katex";

export const KATEX_STRICT = { throwOnError: true, strict: "error", trust: false } as const;

/** The same rules for rehype-katex, which reports errors as error nodes (the tests look for them) instead of throwing. */
export const REHYPE_KATEX_STRICT = { strict: KATEX_STRICT.strict, trust: KATEX_STRICT.trust } as const;

/** KaTeX's HTML for `latex` under the strict options; throws on anything KaTeX would warn about. */
export const renderKatex = (latex: string, opts: { readonly displayMode?: boolean } = {}): string =>
  katex.renderToString(latex, { ...KATEX_STRICT, ...opts });
