// One loader for every island that starts on first need (playground, exercises): the island's module is imported
// once, when a root scrolls into view or is touched, so pages that merely contain an island pay nothing for it
// until the reader gets there. A failed import is shown in the island's status line, never thrown.

export interface LazyIsland<M> {
  /** The island roots on this page; each is mounted once. */
  readonly roots: readonly HTMLElement[];
  /** The dynamic import of the island module (called at most once per page). */
  readonly load: () => Promise<M>;
  readonly mount: (module: M, root: HTMLElement) => unknown;
  /** Removed from a root when its island has loaded. */
  readonly loadingSelector: string;
  /** Where a failure is written, as "The <what> could not start: …". */
  readonly statusSelector: string;
  readonly what: string;
}

export function startLazyIslands<M>(island: LazyIsland<M>): void {
  let module: Promise<M> | undefined;
  const started = new WeakSet<HTMLElement>();
  const start = (root: HTMLElement) => {
    if (started.has(root)) return;
    started.add(root);
    observer.unobserve(root);
    module ??= island.load();
    module
      .then(async (m) => {
        root.querySelector(island.loadingSelector)?.remove();
        await island.mount(m, root);
      })
      .catch((err: unknown) => {
        const status = root.querySelector(island.statusSelector);
        if (status)
          status.textContent = `The ${island.what} could not start: ${err instanceof Error ? err.message : String(err)}`;
      });
  };
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting) start(e.target as HTMLElement);
  });
  for (const root of island.roots) {
    observer.observe(root);
    for (const ev of ['pointerdown', 'keydown', 'focusin'] as const)
      root.addEventListener(ev, () => start(root), { once: true });
  }
}
