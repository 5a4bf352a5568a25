/**
 * The PyTorch backend of the Python printer (print/python.ts): the spellings
 * of `torch`, and nothing else. Vectors are 1-D tensors, matrices 2-D,
 * scalars 0-d tensors or floats, as in NumPy. New tensors (I, 0, 𝟏, K) take
 * the dtype and device of an input, because PyTorch refuses to multiply a
 * float32 tensor (its default) by a float64 one, or a CPU tensor by a GPU one.
 */
import type { PythonBackendSpelling } from "./python.js";

const on = (like: string | undefined) => (like ? `, dtype=${like}.dtype, device=${like}.device` : "");

/**
 * `arg.contiguous()`, parenthesised unless `arg` is one atom. The printer's
 * binary operators and unary minus are the only things outside brackets that
 * need the parentheses, and it always prints them with a space or first.
 */
function contiguous(arg: string): string {
  let depth = 0;
  let atomic = !arg.startsWith("-");
  for (const c of arg) {
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === " " && depth === 0) atomic = false;
  }
  // a new identity, zeros or ones (or rows taken from one, K) is contiguous already
  if (atomic && /^torch\.(?:eye|zeros|ones)\(/.test(arg)) return arg;
  return `${atomic ? arg : `(${arg})`}.contiguous()`;
}

export const TORCH: PythonBackendSpelling = {
  name: "torch",
  title: "PyTorch",
  constants: { pi: "torch.pi" },
  floatArgument: (value, like) => `torch.tensor(${value}${on(like)})`,
  eye: (n, like) => `torch.eye(${n}${on(like)})`,
  zeros: (size, like) => `torch.zeros(${size}${on(like)})`,
  ones: (size, like) => `torch.ones(${size}${on(like)})`,
  // row j + i·n of K is row i + j·m of the identity
  commutation: (m, n, like) => `torch.eye(${m} * ${n}${on(like)})[torch.arange(${m} * ${n}).reshape(${n}, ${m}).T.reshape(-1)]`,
  inv: (a) => `torch.linalg.inv(${a})`,
  matrixPower: (a, k) => `torch.linalg.matrix_power(${a}, ${k})`,
  trace: (a) => `torch.trace(${a})`,
  det: (a) => `torch.linalg.det(${a})`,
  logdet: (a) => `torch.linalg.slogdet(${a})[1]`, // log|det|
  sum: (a) => `torch.sum(${a})`,
  diag: (a) => `torch.diag(${a})`,
  // torch has no order="F": the rows of Aᵀ, read in order, are A's columns
  vec: (a) => `${a}.T.reshape(-1)`,
  norm: (a, ord) => (ord === "vector" ? `torch.linalg.vector_norm(${a})` : ord === "fro" ? `torch.linalg.matrix_norm(${a})` : `torch.linalg.matrix_norm(${a}, 2)`),
  outer: (a, b) => `torch.outer(${a}, ${b})`,
  // PyTorch 1.13 (Debian's) fails on a strided operand such as Xᵀ or what torch.linalg.inv returns
  kron: (a, b) => `torch.kron(${contiguous(a)}, ${contiguous(b)})`,
  transpose: (a) => `${a}.T`,
  einsum: (spec, operands) => `torch.einsum("${spec}", ${operands.join(", ")})`,
  reshapeColumnMajor: (a, rows, cols) => `${a}.reshape(${cols}, ${rows}).T`,
};
