/**
 * The page's side of the playground worker (playground-worker.ts): requests numbered in sequence, replies matched
 * to them by that number, and a worker that hangs or dies replaced by a fresh one. Every request resolves: a
 * failure is answered with `{ type: 'failed', message }`, never thrown.
 */
import type { Answer, Ask, Reply, Request } from './protocol.ts';

/** A request still unanswered after this long is given up on, and the worker with it (a pathological input). */
const WATCHDOG_MS = 60_000;

export class Engine {
  private worker: Worker | undefined;
  private next = 1;
  private readonly waiting = new Map<number, (a: Answer) => void>();
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  /** Bumped whenever the worker is dropped: the next one holds no version until it is sent one with its text. */
  epoch = 0;

  /** Start the worker now (its script loads while the page does other work). */
  start(): void {
    this.worker ??= this.spawn();
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./playground-worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<Reply>) => {
      const done = this.waiting.get(e.data.id);
      this.waiting.delete(e.data.id);
      this.arm();
      done?.(e.data);
    };
    w.onerror = (e) => {
      e.preventDefault();
      this.reset('The validator could not run in this browser.');
    };
    return w;
  }

  /** (Re)start the hang guard for the oldest request still waiting. */
  private arm(): void {
    clearTimeout(this.watchdog);
    if (this.waiting.size)
      this.watchdog = setTimeout(
        () => this.reset('The validator took over a minute on these manifests and was stopped.'),
        WATCHDOG_MS,
      );
  }

  /** Drop the worker and answer everything still waiting with `message`; the next request starts a new one. */
  reset(message: string): void {
    clearTimeout(this.watchdog);
    this.worker?.terminate();
    this.worker = undefined;
    this.epoch++;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const done of waiting) done({ type: 'failed', message });
  }

  ask(ask: Ask): Promise<Answer> {
    this.start();
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      if (this.waiting.size === 1) this.arm();
      const message: Request = { ...ask, id };
      this.worker!.postMessage(message);
    });
  }
}
