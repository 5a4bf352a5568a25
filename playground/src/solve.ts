/** One request to the engine and its reply, as plain data a worker can post (see engine.ts). */
import { differentiate, type DifferentiateOptions, type DifferentiateResult } from "../../src/index.js";
import { toBlockError, type BlockError, type Problem } from "../../src/plugins/block.js";
import { mathHtml } from "../../src/plugins/html.js";
import { present } from "../../src/plugins/present.js";

/** The result, and its display equation and shapes already typeset by KaTeX (a string: the costly part of typesetting). */
export type Reply =
  | { readonly ok: true; readonly result: DifferentiateResult; readonly html: { readonly equation: string; readonly shapes: string } }
  | { readonly ok: false; readonly error: BlockError };
export interface Request { readonly problem: Problem; readonly options: DifferentiateOptions }

/** Answers one request: the worker's body, and the page's fallback. */
export function solve({ problem, options }: Request): Reply {
  try {
    const result = differentiate(problem.expr, options);
    const p = present(result, problem.flags);
    return { ok: true, result, html: { equation: mathHtml(p.equation, true), shapes: mathHtml(p.shapes, false) } };
  } catch (err) {
    return { ok: false, error: toBlockError(err, problem) };
  }
}
