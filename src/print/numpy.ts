/**
 * The NumPy backend of the Python printer (print/python.ts): the spellings
 * of `np`, and nothing else. A PyTorch backend is a second table like this
 * one (plus "torch" in core/operations.ts `PythonBackend`).
 */
import type { Expr } from "../core/expr.js";
import { toPython, type PythonBackendSpelling, type PythonOptions } from "./python.js";

export const NUMPY: PythonBackendSpelling = {
  name: "numpy",
  title: "NumPy",
  constants: { pi: "np.pi" },
  floatArgument: (value) => value,
  eye: (n) => `np.eye(${n})`,
  zeros: (size) => `np.zeros(${size})`,
  ones: (size) => `np.ones(${size})`,
  // row j + i·n of K is row i + j·m of the identity
  commutation: (m, n) => `np.eye(${m} * ${n})[np.arange(${m} * ${n}).reshape(${n}, ${m}).T.reshape(-1)]`,
  inv: (a) => `np.linalg.inv(${a})`,
  matrixPower: (a, k) => `np.linalg.matrix_power(${a}, ${k})`,
  trace: (a) => `np.trace(${a})`,
  det: (a) => `np.linalg.det(${a})`,
  logdet: (a) => `np.linalg.slogdet(${a})[1]`, // log|det|
  sum: (a) => `np.sum(${a})`,
  diag: (a) => `np.diag(${a})`,
  vec: (a) => `${a}.reshape(-1, order="F")`, // column-major
  // ‖A‖₂ of a matrix is the spectral norm, ord 2; of a 1-D array np's default is the 2-norm
  norm: (a, ord) => `np.linalg.norm(${a}${ord === "vector" ? "" : ord === "fro" ? ', "fro"' : ", 2"})`,
  outer: (a, b) => `np.outer(${a}, ${b})`,
  kron: (a, b) => `np.kron(${a}, ${b})`,
  transpose: (a) => `${a}.T`,
  einsum: (spec, operands) => `np.einsum("${spec}", ${operands.join(", ")})`,
  reshapeColumnMajor: (a, rows, cols) => `${a}.reshape(${rows}, ${cols}, order="F")`,
};

export type NumpyOptions = PythonOptions;

export const toNumpy = (e: Expr, opts: NumpyOptions): string => toPython(e, NUMPY, opts);
