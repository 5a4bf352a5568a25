/**
 * The playground's state, and its round trip through the URL hash so a
 * problem can be shared as a link: #expr=tr(A%5E%7B-1%7DB)&wrt=A&let=S%3A+symmetric
 */
export interface State {
  readonly expr: string;
  readonly wrt: string;
  /** Declarations, one per line or `;`-separated: "S: symmetric; A: m x n". */
  readonly let: string;
  /** Definitions, one per line or `;`-separated: "e = y - Phi theta". */
  readonly where: string;
  readonly check: boolean;
  readonly hessian: boolean;
  readonly symmetric: "sym" | "cookbook";
}

export const INITIAL: State = { expr: "tr(A^{-1}B)", wrt: "A", let: "", where: "", check: false, hessian: false, symmetric: "sym" };

export function toHash(s: State): string {
  const p = new URLSearchParams();
  p.set("expr", s.expr);
  p.set("wrt", s.wrt);
  if (s.let.trim()) p.set("let", s.let);
  if (s.where.trim()) p.set("where", s.where);
  if (s.check) p.set("check", "1");
  if (s.hessian) p.set("hessian", "1");
  if (s.symmetric !== "sym") p.set("symmetric", s.symmetric);
  return `#${p.toString()}`;
}

/** Reads a hash; anything missing or malformed falls back to the initial problem's fields. */
export function fromHash(hash: string): State | null {
  const body = hash.replace(/^#/, "");
  if (!body) return null;
  const p = new URLSearchParams(body);
  if (!p.has("expr")) return null;
  return {
    expr: p.get("expr") ?? "",
    wrt: p.get("wrt") ?? "",
    let: p.get("let") ?? "",
    where: p.get("where") ?? "",
    check: p.get("check") === "1",
    hessian: p.get("hessian") === "1",
    symmetric: p.get("symmetric") === "cookbook" ? "cookbook" : "sym",
  };
}

/** "S: symmetric; A: m x n\nx: vector" → ["S: symmetric", "A: m x n", "x: vector"]. */
export function splitList(text: string): string[] {
  return text.split(/[\n;]/).map((s) => s.trim()).filter(Boolean);
}

export interface Example {
  readonly label: string;
  readonly state: Partial<State> & { readonly expr: string; readonly wrt: string };
}

/** Textbook problems (Matrix Cookbook §2, least squares, Gaussian likelihood, network layers, the ML vocabulary of issue 12). */
export const EXAMPLES: readonly Example[] = [
  { label: "tr(A⁻¹B)", state: { expr: "tr(A^{-1}B)", wrt: "A" } },
  { label: "‖y − Φθ‖²", state: { expr: "\\|y - \\Phi\\theta\\|^2", wrt: "theta", let: "theta: vector" } },
  { label: "ridge", state: { expr: "\\|e\\|^2 + \\lambda \\|\\theta\\|^2", wrt: "theta", let: "theta: vector", where: "e = y - Phi theta" } },
  { label: "log det Σ", state: { expr: "\\log\\det(\\Sigma)", wrt: "Sigma", let: "Sigma: symmetric" } },
  { label: "aᵀX⁻¹b", state: { expr: "a^T X^{-1} b", wrt: "X" } },
  { label: "det X", state: { expr: "\\det(X)", wrt: "X" } },
  { label: "(x − As)ᵀW(x − As)", state: { expr: "(x - A s)^T W (x - A s)", wrt: "s", let: "W: symmetric" } },
  { label: "σ(Wx + b)", state: { expr: "sigmoid(W x + b)", wrt: "x" } },
  { label: "cross-entropy", state: { expr: "-y^T \\log\\operatorname{softmax}(W x)", wrt: "W" } },
  { label: "logsumexp(Ax)", state: { expr: "\\operatorname{logsumexp}(A x)", wrt: "x" } },
  { label: "ReLU(Wx)", state: { expr: "\\operatorname{ReLU}(W x)", wrt: "x" } },
  { label: "logistic (softplus)", state: { expr: "\\mathbf{1}^T \\operatorname{softplus}(X w) - y^T X w", wrt: "w" } },
  { label: "tanh MLP", state: { expr: "\\|W_2 \\tanh(W_1 x) - y\\|^2", wrt: "W_1" } },
  { label: "probit (erf)", state: { expr: "y^T \\operatorname{erf}(X w)", wrt: "w" } },
  { label: "x ⊘ y", state: { expr: "a^T (x \\oslash y)", wrt: "y" } },
  { label: "x.^p", state: { expr: "\\mathbf{1}^T x.^p", wrt: "p", let: "p: scalar" } },
  { label: "arctan, sinh, log1p", state: { expr: "a^T \\arctan(x) + \\mathbf{1}^T \\sinh(x) + b^T \\operatorname{log1p}(x)", wrt: "x" } },
  { label: "softmax attention", state: { expr: "\\operatorname{softmax}(K^T q / \\sqrt{d})", wrt: "q", let: "d: scalar" } },
  { label: "X²", state: { expr: "X^2", wrt: "X" } },
  { label: "Hessian of xᵀBx", state: { expr: "x^T B x", wrt: "x", hessian: true } },
];
