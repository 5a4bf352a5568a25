/**
 * The playground's build: static files that work from any static host and
 * from disk (file://), offline. Two things break pages opened from disk in
 * Chromium: module scripts and CORS-mode requests (`crossorigin`), both
 * refused for file: URLs. So the bundle is one classic script (IIFE), tags
 * carry no `crossorigin`, and the KaTeX fonts that matdiff's LaTeX uses are
 * inlined into the CSS (browsers differ on fonts from file: URLs: Chromium
 * loads them, Firefox's per-file origins may not). KaTeX's other fonts stay
 * separate files, fetched only if ever needed.
 */
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/** The fonts matdiff's printers need: upright and italic math, bold 𝟏, blackboard ℝ, the first delimiter sizes. */
const INLINE_FONTS = /KaTeX_(Main-(Regular|Bold|Italic)|Math-Italic|AMS-Regular|Size[12]-Regular)\.woff2$/;

/** A classic, deferred script and plain links: what file: URLs allow. */
function fileUrlFriendly(): Plugin {
  return {
    name: "matdiff:file-url-friendly",
    apply: "build", // the dev server needs its module scripts
    enforce: "post",
    transformIndexHtml: {
      order: "post",
      handler: (html) => html
        .replace(/<script type="module" crossorigin/g, "<script defer")
        .replace(/<script type="module"/g, "<script defer")
        .replace(/ crossorigin(?=[\s>])/g, ""),
    },
  };
}

/** KaTeX's fonts in woff2 only (every browser that runs this bundle reads woff2), so inlining them stays small. */
function katexWoff2Only(): Plugin {
  return {
    name: "matdiff:katex-woff2-only",
    enforce: "pre",
    transform(code, id) {
      if (!/katex(\.min)?\.css$/.test(id)) return null;
      return code.replace(/,\s*url\([^)]*\.woff\) format\("woff"\)|,\s*url\([^)]*\.ttf\) format\("truetype"\)/g, "");
    },
  };
}

export default defineConfig({
  root,
  base: "./",
  logLevel: "warn",
  plugins: [katexWoff2Only(), fileUrlFriendly()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    modulePreload: false,
    cssCodeSplit: false,
    assetsInlineLimit: (file) => INLINE_FONTS.test(file),
    rolldownOptions: {
      output: { format: "iife", entryFileNames: "assets/playground-[hash].js", assetFileNames: "assets/[name]-[hash][extname]" },
    },
  },
  // the engine's worker (src/engine.ts) is inlined as a blob: a classic script, since file: pages refuse module workers
  worker: { format: "iife" },
  preview: { host: "127.0.0.1" },
});
