/**
 * The playground island (issues #6, #19): YAML editor with live validator findings, request panel with the
 * simulator, presets, and the URL-fragment share link. Loaded by Playground.astro on first visibility/interaction.
 *
 * The main thread runs the editor and the panels only. Everything that reads the manifests — parse, lint, the
 * mesh index behind the request panel's lists, the simulator, quick fixes, decoding and encoding share links — runs
 * in the playground's worker (playground-worker.ts, through engine.ts). Each change of the inputs (the text, the
 * Istio line, the MeshConfig) is a new numbered version; the worker keeps the parse of the latest one, and a reply
 * about an older version than the editor's is dropped. At most one lint is waiting at a time: text typed meanwhile
 * is sent when it comes back, so a slow lint never queues up behind typing.
 *
 * Everything runs in the browser; nothing is sent to a server. User text is only ever set as textContent.
 */
import type { Text } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
// Only the encoder (for the link written as the page is left, which cannot wait for the worker); decoding is the
// worker's.
import { encodeShare } from '../../lib/share/index.ts';
import type { SharedState, SharedWhatIf } from '../../lib/share/index.ts';
import type { SimRequest } from '../../lib/simulator/types.ts';
import type { Finding } from '../../lib/validator/finding.ts';
import type { QuickFix } from '../../lib/validator/fixes/index.ts';
import { chooseVersion, currentVersion, onVersionChange } from '../version/store.ts';
import { $, h } from './dom.ts';
import { applyQuickFix, createYamlEditor, goTo, replaceDoc, showFindings } from './editor.ts';
import { Engine } from './engine.ts';
import { mountFindingsPanel } from './findings-panel.ts';
import { mountMeshConfigInput } from './meshconfig-input.ts';
import type { Answer, Ask, Choice, DocInput, LintDone } from './protocol.ts';
import type { WhatIfController } from './whatif-view.ts';

/** The Istio and Gateway API lines chosen in the site header (issue #17): every lint and simulation uses them. */
const chosenLines = () => {
  const { istio, gatewayApi } = currentVersion();
  return { istio, gatewayApi };
};
const URL_DEBOUNCE_MS = 400;
/** Typing pauses this long before the request panel's lists are brought up to date. */
const LISTS_DEBOUNCE_MS = 300;

/**
 * Run `fn` when the browser is idle (between frames, not ahead of input), at the latest after `timeout` ms.
 * Where requestIdleCallback is missing (Safari), a plain task.
 */
function whenIdle(fn: () => void, timeout = 1000): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(fn, { timeout });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 0);
  return () => clearTimeout(id);
}

export interface PlaygroundHandle {
  view: EditorView;
  /** The latest findings applied, and how long the worker took for them (ms). */
  last: { findings: readonly Finding[]; ms: number } | undefined;
}

export async function mount(root: HTMLElement): Promise<PlaygroundHandle> {
  // The worker's script loads while the editor is set up.
  const engine = new Engine();
  engine.start();
  const editorHost = $(root, '[data-pg-editor]');
  const status = $(root, '[data-pg-status]');
  const form = $<HTMLFormElement>(root, '[data-pg-request]');
  const fromSel = $<HTMLSelectElement>(form, 'select[name=from]');
  const toSel = $<HTMLSelectElement>(form, 'select[name=to]');
  const methodSel = $<HTMLSelectElement>(form, 'select[name=method]');
  const pathInput = $<HTMLInputElement>(form, 'input[name=path]');
  const headersInput = $<HTMLTextAreaElement>(form, 'textarea[name=headers]');
  const jwtInput = $<HTMLTextAreaElement>(form, 'textarea[name=jwt]');
  const tcpInput = $<HTMLInputElement>(form, 'input[name=tcp]');
  const resultHost = $(root, '[data-pg-result]');
  const presetSel = $<HTMLSelectElement>(root, 'select[data-pg-preset]');
  const copyBtn = $<HTMLButtonElement>(root, 'button[data-pg-copy]');

  const handle: PlaygroundHandle = { view: undefined as unknown as EditorView, last: undefined };
  const say = (text: string, kind: 'info' | 'error' = 'info') => {
    status.textContent = text;
    status.dataset.kind = kind;
  };

  // ---- versions of the inputs, and the worker ----
  /** The version of the inputs (text, Istio line, MeshConfig) the page shows; bumped by every change. */
  let version = 0;
  /** When `version` came to be (the keystroke benchmark reads the time from there to its findings). */
  let versionAt = performance.now();
  /** The last version sent to the worker, with the text it had (a version with the same text is sent without). */
  let sent: { version: number; doc: Text; epoch: number } | undefined;
  let lintsWaiting = 0;
  /** A change came while a lint was waiting: the latest version is sent when it comes back. */
  let lintWanted = false;
  /** Rules among the current findings that have a quick fix. */
  let fixable: ReadonlySet<string> = new Set();
  /** The version whose findings the editor and the panel show. */
  let shownVersion = -1;
  /** Set while a whole document is put in place: `loadState` sends it itself. */
  let loading = false;

  const changed = () => {
    version++;
    versionAt = performance.now();
  };

  /**
   * Send the current version to the worker for lint; resolves once its reply has been handled. `doc` is the text
   * the editor is about to show (the editor's own, unless called before it draws a change).
   */
  function sendDoc(doc: Text = view.state.doc): Promise<Answer> {
    engine.start();
    const sameText = sent !== undefined && sent.doc === doc && sent.epoch === engine.epoch;
    const input: DocInput = {
      version,
      ...(sameText ? {} : { text: doc.toString() }),
      ...chosenLines(),
      meshConfigText: meshConfigInput.text(),
    };
    sent = { version, doc, epoch: engine.epoch };
    lintWanted = false;
    lintsWaiting++;
    return engine.ask({ type: 'lint', doc: input }).then((a) => {
      onLint(a, input.version);
      return a;
    });
  }

  /** Lint the current version now, or as soon as the lint already waiting comes back. */
  function requestLint(doc?: Text) {
    if (lintsWaiting > 0) lintWanted = true;
    else void sendDoc(doc);
  }

  /** The version the worker holds (or will, by the time it reads the next request): the current one. */
  function synced(): number {
    if (sent?.version !== version || sent.epoch !== engine.epoch) void sendDoc();
    return version;
  }

  /** Ask the worker about the current version (sent first if need be); asked again once if the worker lost it. */
  async function askAbout(make: (version: number) => Ask): Promise<Answer> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const a = await engine.ask(make(synced()));
      if (a.type !== 'stale') return a;
      sent = undefined;
    }
    return { type: 'failed', message: 'the manifests could not be read' };
  }

  function onLint(a: Answer, asked: number) {
    lintsWaiting--;
    if (lintWanted && lintsWaiting === 0) void sendDoc();
    if (asked !== version) return; // a newer version is on its way
    if (a.type === 'failed') {
      say(`The validator failed on these manifests (${a.message}).`, 'error');
      return;
    }
    if (a.type === 'lint') applyLint(a);
  }

  /** Put a version's findings in the editor and the panel. */
  function applyLint(a: LintDone) {
    const t1 = performance.now();
    fixable = new Set(a.fixable);
    shownVersion = a.version;
    showFindings(view, a.findings);
    panel.render(a, fixable);
    meshConfigInput.show(a.meshConfig);
    const t2 = performance.now();
    handle.last = { findings: a.findings, ms: a.ms };
    // The keystroke benchmark reads the latest of each: change → findings shown, and the main thread's part of it.
    performance.clearMeasures('atlas:lint');
    performance.clearMeasures('atlas:show');
    performance.clearMeasures('atlas:worker');
    performance.measure('atlas:lint', { start: versionAt, end: t2 });
    performance.measure('atlas:show', { start: t1, end: t2 });
    performance.measure('atlas:worker', { start: t1 - a.ms, end: t1 });
    scheduleLists();
    whatif?.refresh();
    root.dataset.linted = String(Number(root.dataset.linted ?? '0') + 1);
  }

  // ---- request panel ----
  function currentRequest(): SharedState['request'] {
    const headers: Record<string, string> = {};
    for (const line of headersInput.value.split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    return {
      from: fromSel.value,
      to: toSel.value,
      method: methodSel.value,
      path: pathInput.value || '/',
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(jwtInput.value.trim() ? { jwt: jwtInput.value.trim() } : {}),
      ...(tcpInput.checked ? { tcp: true } : {}),
    };
  }

  /** What each select currently lists, so an unchanged list (the usual case after a keystroke) is left alone. */
  const listed = new WeakMap<HTMLSelectElement, string>();
  function setOptions(sel: HTMLSelectElement, values: readonly Choice[], keep: string | undefined) {
    const want = keep ?? sel.value;
    const missing = want && !values.some(([v]) => v === want) ? want : '';
    const signature = JSON.stringify([values, missing]);
    if (listed.get(sel) !== signature) {
      listed.set(sel, signature);
      sel.replaceChildren(...values.map(([value, label]) => h('option', { value }, label)));
      if (missing) sel.append(h('option', { value: missing }, `${missing} (not in the manifests)`));
    }
    if (want) sel.value = want;
  }

  let listsTimer: ReturnType<typeof setTimeout> | undefined;
  let cancelListsIdle = () => {};
  const scheduleLists = () => {
    clearTimeout(listsTimer);
    cancelListsIdle();
    listsTimer = setTimeout(() => (cancelListsIdle = whenIdle(() => void refreshLists())), LISTS_DEBOUNCE_MS);
  };
  /** Bring the Client and Destination lists up to date with the manifests (keeping `keep`'s choice, or the current). */
  async function refreshLists(keep?: SharedState['request']): Promise<void> {
    clearTimeout(listsTimer);
    cancelListsIdle();
    const a = await askAbout((v) => ({ type: 'lists', version: v }));
    if (a.type !== 'lists' || !a.lists) return;
    setOptions(fromSel, a.lists.clients, keep?.from);
    setOptions(toSel, a.lists.destinations, keep?.to);
  }

  function applyRequest(r: SharedState['request']) {
    if (!r) return;
    if (r.method) {
      if (![...methodSel.options].some((o) => o.value === r.method))
        methodSel.append(h('option', { value: r.method }, r.method));
      methodSel.value = r.method;
    }
    pathInput.value = r.path ?? '/';
    headersInput.value = Object.entries(r.headers ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
    jwtInput.value = r.jwt ?? '';
    tcpInput.checked = r.tcp === true;
  }

  // ---- quick fixes (worked out by the worker against the version shown) ----
  async function fixOf(f: Finding): Promise<QuickFix | undefined> {
    const asked = version;
    const a = await askAbout((v) => ({ type: 'fix', version: v, finding: f }));
    return a.type === 'fix' && a.version === asked && asked === version ? a.fix : undefined;
  }

  // ---- the findings panel ----
  const panel = mountFindingsPanel($(root, '[data-pg-findings]'), $(root, '[data-pg-findings-summary]'), {
    goTo: (f) => goTo(view, f.line, f.column),
    fix: async (f) => {
      if (await applyQuickFix(view, f)) say(`Applied the quick fix for ${f.rule}.`);
      else say(`No quick fix applies to this ${f.rule} finding in these manifests; see its docs.`, 'error');
    },
    more: async (from, count) => {
      const asked = version;
      if (shownVersion !== asked) return undefined;
      const a = await askAbout((v) => ({ type: 'findings', version: v, from, count }));
      return a.type === 'findings' && a.version === asked && asked === version ? a.findings : undefined;
    },
  });

  // A MeshConfig edit re-lints (extension providers, root namespace) and re-indexes the mesh (trust domain).
  const meshConfigInput = mountMeshConfigInput(root, () => {
    if (loading) return;
    changed();
    requestLint();
    scheduleUrl();
  });

  /** The Reachability view, loaded on first use (dynamic import: it brings the what-if engine's worker). */
  let whatif: WhatIfController | undefined;
  /** A link's view state while the view is not loaded yet (closed in the link, but with a baseline). */
  let pendingWhatif: SharedWhatIf | undefined;
  let lastHash = '';

  // ---- the share link ----
  // The link is compressed from the whole document: never on the keystroke path. The worker writes it once typing
  // pauses (when the browser is idle); whenever the page may go away it is written here at once, so no input is
  // ever left out.
  let urlTimer: ReturnType<typeof setTimeout> | undefined;
  let cancelUrlIdle = () => {};
  /** Bumped by every change the link must follow; a link made before the latest is not written. */
  let urlEdits = 0;
  let urlDirty = false;
  const linkRest = (): Omit<SharedState, 'yaml'> => ({
    istio: currentVersion().istio,
    request: currentRequest(),
    ...(meshConfigInput.text() ? { meshConfig: meshConfigInput.text() } : {}),
    ...(whatif ? { whatif: whatif.state() } : pendingWhatif ? { whatif: pendingWhatif } : {}),
  });
  function setHash(fragment: string) {
    const hash = '#' + fragment;
    lastHash = hash;
    history.replaceState(history.state, '', hash);
  }
  /** Write the link of the inputs as they are now (made by the worker). */
  async function writeUrl(): Promise<void> {
    clearTimeout(urlTimer);
    cancelUrlIdle();
    const edits = ++urlEdits;
    urlDirty = true;
    const rest = linkRest();
    const a = await askAbout((v) => ({ type: 'encode', version: v, rest }));
    // A later change has its own write coming (or the page's flush).
    if (a.type !== 'encode' || a.version !== version || edits !== urlEdits) return;
    setHash(a.fragment);
    urlDirty = false;
  }
  const scheduleUrl = () => {
    urlEdits++;
    urlDirty = true;
    clearTimeout(urlTimer);
    cancelUrlIdle();
    urlTimer = setTimeout(() => (cancelUrlIdle = whenIdle(() => void writeUrl())), URL_DEBOUNCE_MS);
  };
  /** The link written here and now, if anything changed since the last one. */
  const flushUrl = () => {
    if (!urlDirty) return;
    clearTimeout(urlTimer);
    cancelUrlIdle();
    urlEdits++;
    urlDirty = false;
    setHash(encodeShare({ yaml: view.state.doc.toString(), ...linkRest() }));
  };
  window.addEventListener('pagehide', flushUrl);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushUrl();
  });

  const view = createYamlEditor({
    parent: editorHost,
    doc: '',
    label: 'YAML editor',
    quickFix: (_text, f) => fixOf(f),
    hasQuickFix: (f) => fixable.has(f.rule),
    // A change goes to the worker before the editor draws it, so lint runs while the editor updates its DOM.
    beforeUpdate: (state) => {
      // Where the keystroke benchmark splits the editor's part (input handling, syntax tree) from the rest.
      performance.clearMarks('atlas:change');
      performance.mark('atlas:change');
      if (loading) return null;
      changed();
      requestLint(state.doc);
      scheduleUrl();
      return null;
    },
    // The editor's own update of a change is done (the keystroke benchmark's main-thread part of a keystroke).
    onChange: () => {
      performance.clearMeasures('atlas:update');
      if (performance.getEntriesByName('atlas:change', 'mark').length)
        performance.measure('atlas:update', { start: 'atlas:change' });
    },
  });
  handle.view = view;

  /**
   * Put a document and request in place. Whatever the text (it may come from a hostile link), this does not throw:
   * a lint failure is returned as a message and the rest (lists, request panel) is still filled in.
   */
  async function loadState(state: SharedState): Promise<string | undefined> {
    loading = true;
    try {
      replaceDoc(view, state.yaml);
      meshConfigInput.set(state.meshConfig ?? '');
    } finally {
      loading = false;
    }
    changed();
    resultHost.replaceChildren();
    let failure: string | undefined;
    const lint = await sendDoc();
    if (lint.type === 'failed') failure = `The validator failed on these manifests (${lint.message}).`;
    await refreshLists(state.request ?? {});
    try {
      applyRequest(state.request);
    } catch {
      failure ??= 'The request in this link could not be shown.';
    }
    // The view as the link left it (open, baseline, selected cell); a closed view is not loaded. A preset keeps the
    // view open or closed, without the old baseline.
    if (state.whatif?.open || whatif)
      await (await loadWhatIf()).restore(state.whatif ?? { open: whatif?.state().open ?? false });
    else pendingWhatif = state.whatif;
    return failure;
  }

  async function loadWhatIf(): Promise<WhatIfController> {
    const { mountWhatIf } = await import('./whatif-view.ts');
    whatif ??= mountWhatIf($(root, '[data-pg-reach]'), {
      inputs: () => ({ yaml: view.state.doc.toString(), meshConfig: meshConfigInput.text(), ...chosenLines() }),
      changed: scheduleUrl,
    });
    return whatif;
  }
  // The first "Show reachability" loads the view, which then handles the button itself.
  $(root, 'button[data-pg-reach-toggle]').addEventListener(
    'click',
    () => {
      if (whatif) return;
      void loadWhatIf()
        .then((c) => c.restore({ ...pendingWhatif, open: true }))
        .then(writeUrl, (err: unknown) => say(`The reachability view could not load: ${String(err)}`, 'error'));
    },
    { once: true },
  );

  async function loadPreset(id: string): Promise<SharedState | undefined> {
    const presets = await import('./presets.ts');
    return presets.loadPreset(id);
  }

  async function restoreFromHash(): Promise<void> {
    try {
      const hash = location.hash;
      if (hash.length > 1) {
        const a = await engine.ask({ type: 'decode', fragment: hash });
        const decoded = a.type === 'decode' ? a.outcome : { error: `The link could not be read (${messageOf(a)}).` };
        if ('state' in decoded) {
          lastHash = hash;
          const failure = await loadState(decoded.state);
          // A link says which Istio line it was made for; the whole site switches to it. Only after the link's text
          // is in the editor: the change handler re-lints and rewrites the share link from the editor's text.
          if (decoded.state.istio && decoded.state.istio !== currentVersion().istio) chooseVersion(decoded.state.istio);
          if (failure) say(`Loaded the manifests and request from the link. ${failure}`, 'error');
          else {
            // A shared link shows what its sender saw: the request's result as well as the inputs.
            const r = decoded.state.request;
            if (r?.from && r.to) await simulateNow({ focus: false, writeLink: false });
            say('Loaded the manifests and request from the link.');
          }
          return;
        }
        say(`${decoded.error} The bookinfo preset was loaded instead.`, 'error');
      }
      const preset = await loadPreset('bookinfo');
      if (preset) await loadState(preset);
      if (hash.length > 1) return;
      await writeUrl();
    } catch (err) {
      // Start-up must never leave a dead page: the editor is there, the failure is shown.
      say(`The playground could not load this link: ${err instanceof Error ? err.message : String(err)}`, 'error');
    }
  }

  // ---- events ----
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void simulateNow();
  });
  form.addEventListener('change', scheduleUrl);
  form.addEventListener('input', scheduleUrl);

  /** Bumped by every simulation: only the latest one's result is shown. */
  let simulations = 0;
  /** Simulate the request panel's request; `focus` moves focus to the result (not when a link is opened). */
  async function simulateNow({ focus = true, writeLink = true } = {}) {
    const mine = ++simulations;
    await refreshLists();
    if (mine !== simulations) return;
    const r = currentRequest()!;
    const req: SimRequest = {
      from: r.from ?? '',
      to: r.to ?? '',
      ...(r.method ? { method: r.method } : {}),
      ...(r.path ? { path: r.path } : {}),
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.jwt ? { jwt: r.jwt } : {}),
      ...(r.tcp ? { tcp: true } : {}),
    };
    const a = await askAbout((v) => ({ type: 'simulate', version: v, request: req }));
    let shown: Node;
    if (a.type === 'simulate' && a.outcome.kind === 'result') {
      const { renderResult } = await import('./trace.ts');
      shown = renderResult(a.outcome.result, req);
    } else {
      const message =
        a.type === 'simulate' && a.outcome.kind !== 'result'
          ? a.outcome.message
          : `The simulator failed: ${messageOf(a)}`;
      shown = h('p', { class: 'pg-error', role: 'alert' }, message);
    }
    if (mine !== simulations) return;
    resultHost.replaceChildren(shown);
    if (focus) resultHost.focus();
    if (writeLink) await writeUrl();
  }

  presetSel.addEventListener('change', async () => {
    const id = presetSel.value;
    if (!id) return;
    const preset = await loadPreset(id).catch(() => undefined);
    if (!preset) {
      say(`Preset ${id} could not be loaded.`, 'error');
      return;
    }
    const failure = await loadState(preset);
    void writeUrl();
    const name = presetSel.selectedOptions[0]?.textContent ?? id;
    if (failure) say(`Loaded preset ${name}. ${failure}`, 'error');
    else say(`Loaded preset ${name}.`);
  });

  copyBtn.addEventListener('click', async () => {
    await writeUrl();
    flushUrl();
    try {
      await navigator.clipboard.writeText(location.href);
      say('Link copied to the clipboard.');
    } catch {
      say(
        'Copying was refused by the browser; copy the address bar instead — it always holds the current link.',
        'error',
      );
    }
  });

  // Another Istio line chosen in the header: findings and the share link follow; an old trace would mislead.
  onVersionChange((c) => {
    changed();
    requestLint();
    resultHost.replaceChildren();
    void writeUrl();
    say(`Findings are now for Istio ${c.istio}; simulate again for a trace on that version.`);
  });

  // "Open in playground" links clicked while already here only change the fragment.
  window.addEventListener('hashchange', () => {
    if (location.hash !== lastHash) void restoreFromHash();
  });

  await restoreFromHash();
  root.dataset.ready = 'true';
  return handle;
}

/** A worker answer that is not the one asked for, as words for a message. */
function messageOf(a: Answer): string {
  return a.type === 'failed' ? a.message : 'no answer';
}
