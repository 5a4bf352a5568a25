/** One request to the engine and its reply, as plain data a worker can post (see engine.ts). */
import { differentiate, type DifferentiateOptions, type DifferentiateResult } from "../../src/index.js";
import { toBlockError, type BlockError, type Problem } from "../../src/plugins/block.js";
import { mathHtml, stepsHtml } from "../../src/plugins/html.js";
import { present } from "../../src/plugins/present.js";

/**
 * The result, and its display equation, shapes and (when asked for) derivation already typeset by KaTeX:
 * strings, made here in the worker, because typesetting is the costly part and the page must never stutter.
 */
export type Reply =
  | {
      readonly ok: true; readonly result: DifferentiateResult;
      readonly html: { readonly equation: string; readonly shapes: string; readonly steps?: string };
    }
  | { readonly ok: false; readonly error: BlockError };
export interface Request { readonly problem: Problem; readonly options: DifferentiateOptions }

/** Answers one request: the worker's body, and the page's fallback. */
export function solve({ problem, options }: Request): Reply {
  try {
    const result = differentiate(problem.expr, options);
    const p = present(result, problem.flags);
    const steps = problem.flags.has("steps") && p.steps?.length ? { steps: stepsHtml(p.steps) } : {};
    return { ok: true, result, html: { equation: mathHtml(p.equation, true), shapes: mathHtml(p.shapes, false), ...steps } };
  } catch (err) {
    return { ok: false, error: toBlockError(err, problem) };
  }
}
