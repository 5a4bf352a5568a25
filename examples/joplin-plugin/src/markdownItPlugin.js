// A Joplin markdown-it content script (ContentScriptType.MarkdownItPlugin).
// Joplin's plugin build (webpack) bundles it with matdiff and KaTeX; the
// assets are files next to this script in the built plugin.
import matdiff from "matdiff/markdown-it";

export default function (_context) {
  return {
    plugin(markdownIt, _pluginOptions) {
      markdownIt.use(matdiff);
    },
    assets() {
      return [{ name: "matdiff.css" }, { name: "katex/katex.min.css" }];
    },
  };
}
