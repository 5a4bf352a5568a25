// A Joplin markdown-it content script (ContentScriptType.MarkdownItPlugin):
// the build bundles it with matdiff and KaTeX, and the assets it names are
// files next to it in the built plugin (build.js copies them).
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
