import { Worker } from 'node:worker_threads';
import type { JsonObject } from '../../src/lib/model/types.ts';

export interface GuardedRun {
  readonly resources: number;
  readonly findings: { rule: string; line: number; column: number; message: string; name?: string }[];
  readonly issues: string[];
  readonly objs: JsonObject[];
}

/** The hang guard: generous, and the only time limit in these tests (no timing is asserted). */
export const HANG_GUARD_MS = 20_000;

/**
 * lint() and parseManifests() of `text` in a worker that is stopped after `HANG_GUARD_MS`: the old reader took
 * 17 s to minutes on these inputs, and a test timeout alone cannot stop synchronous work.
 */
export function runGuarded(text: string | Uint8Array): Promise<GuardedRun> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./parse-worker.ts', import.meta.url), { workerData: { text } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`no result within the ${HANG_GUARD_MS / 1000} s hang guard`));
    }, HANG_GUARD_MS);
    worker.once('message', (m: GuardedRun) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
