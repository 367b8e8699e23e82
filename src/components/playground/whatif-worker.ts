/**
 * The Reachability view's engine, off the main thread (issue #20): parsing, the mesh index and every cell's trace
 * run here, so drawing the matrix of a large mesh never blocks typing. One session per worker: the page asks for
 * a grid, then for the trace behind a cell of that grid.
 */
import { WhatIfSession } from '../../lib/whatif/view.ts';
import type { TraceResult, ViewInput, ViewResult } from '../../lib/whatif/view.ts';

/** What the page asks; each request carries an id its reply repeats. */
export type WorkerAsk =
  | { readonly type: 'view'; readonly input: ViewInput }
  | { readonly type: 'trace'; readonly from: string; readonly to: string; readonly request: string };
export type WorkerRequest = WorkerAsk & { readonly id: number };

export type WorkerReply =
  | { readonly id: number; readonly type: 'view'; readonly result: ViewResult }
  | { readonly id: number; readonly type: 'trace'; readonly result: TraceResult };

const session = new WhatIfSession();
// A dedicated worker's global scope: typed narrowly so this file needs no WebWorker lib in the DOM build.
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
};

scope.onmessage = (e) => {
  const m = e.data;
  // Each reply is posted once its work is done; the page matches replies to requests by id.
  if (m.type === 'view')
    void session.view(m.input).then((result) => scope.postMessage({ id: m.id, type: 'view', result }));
  else
    void session
      .trace(m.from, m.to, m.request)
      .then((result) => scope.postMessage({ id: m.id, type: 'trace', result }));
};
