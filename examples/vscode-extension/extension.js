// The whole extension: VS Code's Markdown preview calls extendMarkdownIt for
// every extension that contributes "markdown.markdownItPlugins" (package.json).
// `npm run build` bundles this file into dist/extension.cjs, because VS Code
// loads extensions with require() and matdiff is an ES module.
import matdiff from "matdiff/markdown-it";

export function activate() {
  return {
    extendMarkdownIt(md) {
      return md.use(matdiff);
    },
  };
}

export function deactivate() {}
