/**
 * What a written 𝒩(x; μ, Σ) was read as (src/syntax/build.ts gaussianNode builds the reading): a note for
 * each, and the covariances that are a single symbol, which the analysis takes as symmetric positive definite
 * unless they are declared: a covariance is, and ∇_Σ log 𝒩 is then the ½(Σ⁻¹(x − μ)(x − μ)ᵀΣ⁻¹ − Σ⁻¹)
 * of the textbooks, not its transpose-laden general form.
 */
import { nodesInOrder, type Gaussian, type Node } from "./ast.js";

export interface GaussianReading {
  readonly notes: readonly string[];
  /** Covariances written as one symbol (Σ, S): symmetric positive definite unless declared otherwise. */
  readonly covariances: readonly string[];
}

/** `display` spells a symbol's name as notes do (print/text.ts nameText, which this layer cannot import). */
export function readGaussians(root: Node, input: string, display: (name: string) => string): GaussianReading {
  const notes: string[] = [];
  const covariances: string[] = [];
  // as written, or, where that is long, its start: a note quotes, it does not reprint the input
  const written = (n: Node) => {
    const text = n.type === "ident" ? display(n.name) : input.slice(n.span.start, n.span.end).replace(/\s+/g, " ").trim();
    return text.length <= 80 ? text : `${text.slice(0, 40)}…`;
  };
  for (const n of nodesInOrder(root)) {
    const g: Gaussian | undefined = n.type === "call" || n.type === "binary" ? n.gaussian : undefined;
    // log 𝒩 stands for the log-density, not the density (build.ts callNode), so each 𝒩 written is met once
    if (!g) continue;
    const what = g.negated ? "negative log-density" : g.log ? "log-density" : "density";
    const spread = g.univariate ? `variance ${written(g.cov)}` : `covariance ${written(g.cov)}`;
    // a − log 𝒩(…): the log as written, its minus outside it
    const shown = g.negated && !/^[-−]/.test(written(n)) ? `−${written(n)}` : written(n);
    notes.push(`${shown} is read as the Gaussian ${what} of ${written(g.x)} with mean ${written(g.mean)} and ${spread}, written out in f`);
    // I, the standard normal's, is the identity and nothing to declare
    if (!g.univariate && g.cov.type === "ident" && g.cov.name !== "I" && !covariances.includes(g.cov.name)) covariances.push(g.cov.name);
  }
  return { notes, covariances };
}
