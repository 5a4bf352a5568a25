/** The playground's engine worker: one request in, one reply out (see engine.ts). */
import { solve, type Request } from "./solve.js";

const scope = self as unknown as { onmessage: (ev: MessageEvent<{ id: number; request: Request }>) => void; postMessage: (m: unknown) => void };
scope.onmessage = (ev) => {
  scope.postMessage({ id: ev.data.id, reply: solve(ev.data.request) });
};
