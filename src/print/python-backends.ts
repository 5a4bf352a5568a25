/**
 * Every Python backend, by name. The API prints a result once per backend
 * (`derivative.numpy`), and each becomes an output format (formats.ts): a new
 * backend is its spelling table, its name in `PythonBackend`, and its line here.
 */
import type { Expr } from "../core/expr.js";
import type { PythonBackend } from "../core/operations.js";
import { NUMPY } from "./numpy.js";
import { TORCH } from "./torch.js";
import { toPython, type PythonBackendSpelling, type PythonOptions } from "./python.js";

export const PYTHON_BACKENDS: { readonly [B in PythonBackend]: PythonBackendSpelling } = { numpy: NUMPY, torch: TORCH };

export const PYTHON_BACKEND_NAMES = Object.keys(PYTHON_BACKENDS) as readonly PythonBackend[];

/** `e` in every backend's Python. */
export function toPythonAll(e: Expr, opts: PythonOptions): { readonly [B in PythonBackend]: string } {
  const out = {} as { [B in PythonBackend]: string };
  for (const name of PYTHON_BACKEND_NAMES) out[name] = toPython(e, PYTHON_BACKENDS[name], opts);
  return out;
}
