/** matdiff: symbolic matrix calculus. */
export { differentiate, differentiateAll, resultName, DEFAULT_LIMITS } from "./api.js";
export type {
  DifferentiateOptions, DifferentiateResult, Limits, Rendered, CheckReport, RenderedStep, ResultKind, SeveralOptions, SeveralResult, ParameterisationResult,
} from "./api.js";
export { MatdiffError, caretDisplay, type ErrorCode } from "./errors.js";
export { parse } from "./syntax/parse.js";
export type { Node, Span } from "./syntax/ast.js";
export { toLatex } from "./print/latex.js";
export { toText } from "./print/text.js";
export { toNumpy } from "./print/numpy.js";
export { VERSION } from "./version.js";
