/**
 * The library entry: text in, derivative out (or a MatdiffError). It never
 * touches `process` or the console, so it runs the same in Node, in the
 * browser and inside note-taking plugins. The work is the pipeline's
 * (pipeline/analyse.ts) and the presentation's (present/result.ts).
 */
import { analyze, analyzeAll, asUserErrors, type DifferentiateOptions, type SeveralOptions } from "./pipeline/analyse.js";
import { present, presentSeveral, type DifferentiateResult, type SeveralResult } from "./present/result.js";

export { analyze, analyzeAll, DEFAULT_LIMITS, MAX_TREE_DEPTH } from "./pipeline/analyse.js";
export type { Analysis, DifferentiateOptions, Limits, Parameterisation, SeveralAnalyses, SeveralOptions } from "./pipeline/analyse.js";
export { checkAnalysis, checkBasis, type CheckReport } from "./pipeline/check.js";
export { resultName, type DifferentiateResult, type SeveralResult } from "./present/result.js";
export { labelOf, type Rendered, type RenderedStep } from "./present/rendered.js";
export { derivationOf } from "./present/steps.js";
export { readQuestion, type Question } from "./syntax/question.js";
export { dimExpressions } from "./present/dims.js";
export type { ParameterisationResult } from "./present/parameterisation.js";
export type { ResultKind, ResultLabel } from "./print/label.js";

export function differentiate(input: string, options: SeveralOptions & { readonly wrt: readonly string[] }): SeveralResult;
export function differentiate(input: string, options: DifferentiateOptions): DifferentiateResult;
export function differentiate(input: string, options: SeveralOptions): DifferentiateResult | SeveralResult {
  if (typeof options.wrt !== "string") return differentiateAll(input, options);
  // the same object, its wrt now known to be one string (a copy cost a microsecond of every call)
  const single = options as DifferentiateOptions;
  return asUserErrors(() => present(analyze(input, single), single));
}

/** Several variables at once (`wrt: ["W_1", "b_1"]` or `"W_1, b_1"`): one differential, every gradient. */
export function differentiateAll(input: string, options: SeveralOptions): SeveralResult {
  return asUserErrors(() => presentSeveral(analyzeAll(input, options), options));
}
