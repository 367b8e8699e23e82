/**
 * The playground's worker (issue #19): every question about the manifests — lint, the request panel's lists, a
 * simulation, a quick fix, the share link — is answered here from one PlaygroundSession (session.ts), so the
 * page's main thread only runs the editor and the panels. Requests are taken in the order they come; each reply
 * repeats its request's id, and a failure is a message, never a stack trace.
 */
import type { Reply, Request } from './protocol.ts';
import { answer, PlaygroundSession } from './session.ts';

const session = new PlaygroundSession();
// A dedicated worker's global scope: typed narrowly so this file needs no WebWorker lib in the DOM build.
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(message: Reply): void;
};

scope.onmessage = (e) => {
  const m = e.data;
  void answer(session, m).then((a) => scope.postMessage({ ...a, id: m.id }));
};
