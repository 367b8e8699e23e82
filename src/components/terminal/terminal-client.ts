/**
 * The terminal island, loaded on demand by LabTerminal.astro: xterm.js with the fit addon, attached either to the
 * virtual cluster (src/lib/vshell, in this tab) or to a real shell served by `ambient-atlas lab serve`.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import type { ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { ansiPalette, TERMINAL_BACKGROUNDS } from '../../lib/catalog/enforcement-tokens.ts';
import {
  complete,
  initialState,
  needsMoreInput,
  paintMarks,
  restoreState,
  tableWidth,
  run,
  serializeState,
  storageKey,
} from '../../lib/vshell/index.ts';
import type { ShellContext, ShellState } from '../../lib/vshell/index.ts';
import { currentVersion } from '../version/store.ts';
import { LineEditor } from './line-editor.ts';
import { clusterAt, readStart } from './start-step.ts';
import type { TerminalStep } from './start-step.ts';

/** What the page-load script may ask of an open virtual terminal. */
export interface TerminalHandle {
  /** Rebuild the cluster at the start of a lab step (through the shell's own `reset`, so it shows in the terminal). */
  resetTo(step: number): void;
}

// Every manifest a lab or example may apply, loaded lazily (one small chunk each) when the terminal opens.
const LAB_FILES = import.meta.glob<string>(['/labs/**/*.yaml', '!/labs/.state/**'], {
  query: '?raw',
  import: 'default',
});
const EXAMPLE_FILES = import.meta.glob<string>(
  ['/src/content/examples/**/*.yaml', '!/src/content/examples/**/*.expect.yaml'],
  {
    query: '?raw',
    import: 'default',
  },
);

async function loadContext(lab: string, setup: string[], env: Record<string, string>): Promise<ShellContext> {
  const files: Record<string, string> = {};
  const aliases: Record<string, string> = {};
  await Promise.all([
    ...Object.entries(LAB_FILES).map(async ([path, load]) => {
      files[path.slice(1)] = await load();
    }),
    ...Object.entries(EXAMPLE_FILES).map(async ([path, load]) => {
      const name = path.replace('/src/content/examples/', '').replace(/\.ya?ml$/, '');
      files[`examples/${name}.yaml`] = await load();
      aliases[name] = `examples/${name}.yaml`;
    }),
  ]);
  // The Istio line chosen in the site header, read per command (issue #17).
  const versions = () => {
    const { istio, gatewayApi } = currentVersion();
    return { istio, gatewayApi };
  };
  return { lab, files, aliases, setup, env, versions };
}

/** `#terminal=ws://127.0.0.1:PORT/?token=…` → that URL, only for a loopback WebSocket. */
export function remoteFromHash(hash: string): string | undefined {
  const m = /(?:^#|&)terminal=([^&]+(?:&token=[^&]*)?)/.exec(hash);
  if (!m) return undefined;
  let raw = m[1]!;
  try {
    raw = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  try {
    const u = new URL(raw);
    if (u.protocol !== 'ws:' || (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost')) return undefined;
    return u.toString();
  } catch {
    return undefined;
  }
}

/**
 * The terminal's colours in a page theme: its own chrome (text, cursor, selection, the cyan prompt; AA on the screen)
 * and, for the ANSI colours that stand for enforcement points, the token set's colours of that theme
 * (`ansiPalette`), so a hint's "ztunnel" has the ztunnel badge's colour.
 */
function theme(mode: 'light' | 'dark'): ITheme {
  const chrome: ITheme =
    mode === 'light'
      ? {
          foreground: '#1f2328',
          cursor: '#1f2328',
          cursorAccent: '#ffffff',
          selectionBackground: '#c8dcff',
          black: '#1f2328',
          brightBlack: '#57606a', // 6.2:1 on white
          cyan: '#0a6577', // 6.6:1
          brightCyan: '#0a6577',
          brightWhite: '#1f2328',
        }
      : {
          foreground: '#e6e6e6',
          cursor: '#f5c542',
          cursorAccent: '#111418',
          selectionBackground: '#3a5a8c',
          black: '#3b4048',
          brightBlack: '#9ba3ad', // 7.2:1 on #111418
          cyan: '#6fd3e3', // 10.8:1
          brightCyan: '#6fd3e3',
          brightWhite: '#ffffff',
        };
  return { ...chrome, ...ansiPalette(mode), background: TERMINAL_BACKGROUNDS[mode] };
}

/** Starlight's theme: `data-theme` on <html>, changed live by its picker. */
function pageTheme(): 'light' | 'dark' {
  return document.documentElement.dataset['theme'] === 'light' ? 'light' : 'dark';
}

/**
 * Fewer columns than this and tables (`kubectl get pods -o wide`, `istioctl ztunnel-config workloads`) would wrap:
 * on a narrow screen the terminal keeps this width and its frame scrolls sideways instead.
 */
export const MIN_COLS = 100;
/** A wider table (`kubectl get pods -A -o wide`, `ztunnel-config connections`) widens the terminal up to this. */
const MAX_COLS = 240;

/**
 * Opens the terminal in `root`. Resolves to a handle while a virtual cluster is attached (undefined for a real
 * shell); `onClose` runs when the reader closes it.
 */
export async function mountTerminal(root: HTMLElement, onClose?: () => void): Promise<TerminalHandle | undefined> {
  const lab = root.dataset['lab'] ?? 'playground';
  // Both written by LabTerminal.astro at build time, not by the reader.
  const labSetup = JSON.parse(root.dataset['setup'] ?? '[]') as string[];
  const steps = JSON.parse(root.dataset['steps'] ?? '[]') as TerminalStep[];
  const env = JSON.parse(root.dataset['env'] ?? '{}') as Record<string, string>;
  const screen = root.querySelector<HTMLElement>('[data-term-screen]')!;
  const status = root.querySelector<HTMLElement>('[data-term-status]')!;
  const openBtn = root.querySelector<HTMLButtonElement>('[data-term-open]')!;
  const closeBtn = root.querySelector<HTMLButtonElement>('[data-term-close]')!;
  const scrollNote = root.querySelector<HTMLElement>('[data-term-scroll-note]');

  screen.hidden = false;
  // The frame (`screen`) scrolls sideways when the terminal is wider than it; xterm lives in `inner`, which is the
  // frame's width or, on a narrow screen, wide enough for MIN_COLS.
  const inner = document.createElement('div');
  inner.className = 'atlas-terminal-inner';
  screen.replaceChildren(inner);
  const term = new Terminal({
    screenReaderMode: true,
    cursorBlink: true,
    convertEol: true,
    // 13 px: the content column of a 1366 px screen holds about 123 columns, enough for `kubectl get pods -o wide`
    // (122) on one line; at 14 px its header wrapped.
    fontSize: 13,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    scrollback: 2000,
    theme: theme(pageTheme()),
  });
  const themeWatch = new MutationObserver(() => {
    term.options.theme = theme(pageTheme());
  });
  themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(inner);
  /** One column's width in CSS pixels, from the rendered screen (xterm keeps its own measure private). */
  const cellWidth = () =>
    (term.element?.querySelector('.xterm-screen')?.getBoundingClientRect().width ?? 0) / term.cols;
  // Grows when a table wider than the terminal is printed (never shrinks: a reflow would wrap that table again).
  let minCols = MIN_COLS;
  const refit = () => {
    if (screen.hidden || screen.clientWidth === 0) return;
    inner.style.width = '';
    let dims = fit.proposeDimensions();
    const cell = cellWidth();
    if (dims && dims.cols < minCols && cell > 0) {
      // +1 px: the frame's width is fractional, and one pixel short would leave one column too few.
      inner.style.width = `${Math.ceil(inner.clientWidth + (minCols - dims.cols) * cell) + 1}px`;
      dims = fit.proposeDimensions();
    }
    if (
      dims &&
      Number.isFinite(dims.cols) &&
      Number.isFinite(dims.rows) &&
      (dims.cols !== term.cols || dims.rows !== term.rows)
    )
      term.resize(Math.max(dims.cols, 2), Math.max(dims.rows, 1));
    // A frame that scrolls sideways is a scroll container: reachable by keyboard (arrow keys scroll it).
    const scrolls = screen.scrollWidth > screen.clientWidth + 1;
    if (scrolls) screen.tabIndex = 0;
    else screen.removeAttribute('tabindex');
    if (scrollNote) scrollNote.hidden = !scrolls;
    // The size the shell formats for, readable by tests and by anyone inspecting the page.
    screen.dataset['cols'] = String(term.cols);
  };
  refit();
  const ro = new ResizeObserver(() => refit());
  ro.observe(screen);
  // On a narrow screen, keep the cursor's column inside the frame while typing.
  const follow = term.onCursorMove(() => {
    if (screen.scrollWidth <= screen.clientWidth) return;
    const cell = cellWidth();
    const x = term.buffer.active.cursorX * cell;
    if (x < screen.scrollLeft + cell || x > screen.scrollLeft + screen.clientWidth - 2 * cell)
      screen.scrollLeft = Math.max(0, x - screen.clientWidth / 2);
  });
  // Opened below the fold, the prompt would be off-screen: bring the whole terminal into view and focus it at once
  // (keys typed before the prompt appears wait in xterm). Again once the cluster has loaded, since the status line
  // above the screen may have grown by then.
  const bringIntoView = () => screen.scrollIntoView({ block: 'nearest' });
  bringIntoView();
  term.focus();

  // Escape then Tab leaves the terminal (xterm otherwise keeps Tab for completion); Ctrl+Shift+C/V copy/paste.
  let escapePressed = false;
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown') return true;
    if (e.key === 'Tab' && escapePressed) {
      escapePressed = false;
      return false; // let the browser move focus
    }
    escapePressed = e.key === 'Escape';
    if (e.ctrlKey && e.shiftKey && (e.key === 'C' || e.key === 'c')) {
      const sel = term.getSelection();
      if (sel) void navigator.clipboard?.writeText(sel).catch(() => {});
      return false;
    }
    if (e.ctrlKey && !e.shiftKey && (e.key === 'c' || e.key === 'C') && term.hasSelection()) {
      void navigator.clipboard?.writeText(term.getSelection()).catch(() => {});
      term.clearSelection();
      return false;
    }
    if (e.ctrlKey && (e.key === 'v' || e.key === 'V')) return false; // the browser's paste event reaches xterm
    return true;
  });

  openBtn.hidden = true;
  closeBtn.hidden = false;
  openBtn.setAttribute('aria-expanded', 'true');
  let dispose: () => void = () => {};
  closeBtn.onclick = () => {
    onClose?.();
    dispose();
    ro.disconnect();
    themeWatch.disconnect();
    follow.dispose();
    screen.removeAttribute('tabindex');
    if (scrollNote) scrollNote.hidden = true;
    term.dispose();
    screen.replaceChildren();
    screen.hidden = true;
    closeBtn.hidden = true;
    openBtn.hidden = false;
    openBtn.disabled = false;
    openBtn.setAttribute('aria-expanded', 'false');
    status.textContent = 'Terminal closed.';
    openBtn.focus();
  };

  const remote = remoteFromHash(location.hash);
  if (remote) {
    const ok = await connectRemote(term, remote, status, (d) => (dispose = d));
    if (ok) {
      bringIntoView();
      term.focus();
      return undefined;
    }
    // Bold, not yellow: yellow is istio-cni's colour in this terminal.
    term.write('\x1b[1mCould not reach `ambient-atlas lab serve`; using the virtual cluster instead.\x1b[0m\r\n');
  }

  const startAt = (step: number) => clusterAt(labSetup, steps, step);
  let storage: Storage | undefined;
  try {
    storage = localStorage;
  } catch {
    storage = undefined;
  }
  const firstStep = readStart(storage, lab, steps.length);
  const first = startAt(firstStep);
  // `let`: choosing another start step swaps the setup the shell's `reset` rebuilds.
  let ctx = await loadContext(lab, first.setup, env);
  const key = storageKey(lab);
  let saved: string | null;
  try {
    saved = storage?.getItem(key) ?? null;
  } catch {
    saved = null;
  }
  let state: ShellState = restoreState(saved, lab) ?? (await freshState(ctx, first.remove));
  const persist = () => {
    try {
      localStorage.setItem(key, serializeState(state));
    } catch {
      // storage full or disabled: the session still works, it just is not kept
    }
  };
  persist();
  const where =
    lab === 'playground' ? 'bookinfo' : `lab ${lab}${steps.length > 1 ? `, started at step ${firstStep}` : ''}`;
  status.textContent = `Virtual cluster (simulated in your browser) — ${where}. ${saved && restoreState(saved, lab) ? 'Restored your saved cluster.' : 'Fresh cluster.'}`;
  term.write(
    `\x1b[1mAmbient Atlas virtual cluster\x1b[0m — ${state.objects.length} objects. Type \x1b[1mhelp\x1b[0m for commands, \x1b[1mreset\x1b[0m to start over.\r\n`,
  );

  const editor = new LineEditor({
    write: (t) => term.write(t),
    history: () => state.history,
    needsMore: needsMoreInput,
    complete: (line) => complete(ctx, state, line),
    execute: async (input) => {
      const r = await run(ctx, state, input);
      state = r.state;
      persist();
      if (r.clear) term.clear();
      // A table wider than the terminal widens it (the frame scrolls sideways) instead of wrapping its rows.
      const wide = Math.min(tableWidth(r.output), MAX_COLS);
      if (wide > term.cols) {
        minCols = wide;
        refit();
      }
      // The shell's hints name enforcement points in their token colours; the text is the same without them.
      let out = paintMarks(r.output, r.marks);
      if (out && !out.endsWith('\n')) out += '\x1b[7m%\x1b[0m\n'; // like zsh: mark output without a final newline
      term.write(out);
    },
    // Cyan: the one ANSI colour that names no enforcement point here.
    prompt: () => `\x1b[1;36m${lab === 'playground' ? 'atlas' : lab}\x1b[0m$ `,
    clear: () => term.clear(),
    cols: () => term.cols,
  });
  const sub = term.onData((d) => editor.feed(d));
  // The validator (admission for `kubectl apply`) is the largest part: fetch it once the terminal is up.
  const warm = () => void import('../../lib/validator/lint.ts').catch(() => {});
  if ('requestIdleCallback' in window) window.requestIdleCallback(warm);
  else setTimeout(warm, 500);
  dispose = () => sub.dispose();
  editor.start();
  bringIntoView();
  term.focus();
  return {
    resetTo(step) {
      const at = startAt(step);
      ctx = { ...ctx, setup: at.setup };
      // Ctrl+C drops a half-typed line; the shell's reset then rebuilds from the new setup and says so.
      editor.feed(`\x03reset\r${at.remove.map((f) => `kubectl delete -f ${f}\r`).join('')}`);
      status.textContent = `Virtual cluster — lab ${lab}, reset to the start of step ${step}.`;
      term.focus();
    },
  };
}

/** The cluster at a start step: its setup applied by the shell, then the earlier steps' deletions. */
async function freshState(ctx: ShellContext, remove: readonly string[]): Promise<ShellState> {
  let state = initialState(ctx);
  for (const f of remove) state = { ...(await run(ctx, state, `kubectl delete -f ${f}`)).state, history: [] };
  return state;
}

async function connectRemote(
  term: Terminal,
  url: string,
  status: HTMLElement,
  setDispose: (d: () => void) => void,
): Promise<boolean> {
  status.textContent = 'Connecting to your lab cluster (ambient-atlas lab serve)…';
  const ws = new WebSocket(url);
  const opened = await new Promise<boolean>((resolve) => {
    ws.onopen = () => resolve(true);
    ws.onerror = () => resolve(false);
    ws.onclose = () => resolve(false);
  });
  if (!opened) {
    status.textContent = 'Could not connect to lab serve (stopped, wrong token, or another origin).';
    return false;
  }
  status.textContent = 'Connected: a real shell on your lab cluster (ambient-atlas lab serve).';
  const send = (m: object) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
  };
  send({ type: 'resize', cols: term.cols, rows: term.rows });
  ws.onmessage = (e) => term.write(typeof e.data === 'string' ? e.data : '');
  ws.onclose = () => {
    term.write('\r\n\x1b[1m[disconnected from lab serve]\x1b[0m\r\n');
    status.textContent = 'Disconnected from lab serve.';
  };
  const d1 = term.onData((data) => send({ type: 'input', data }));
  const d2 = term.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
  setDispose(() => {
    d1.dispose();
    d2.dispose();
    ws.close();
  });
  return true;
}
