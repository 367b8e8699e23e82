/**
 * The playground island (issue #6): YAML editor with live validator findings, request panel with the simulator,
 * presets, and the URL-fragment share link. Loaded by Playground.astro on first visibility/interaction.
 * Everything runs in the browser; nothing is sent to a server. User text is only ever set as textContent.
 */
import type { EditorView } from '@codemirror/view';
import { isClientKind } from '../../lib/ambient/kinds.ts';
import { meshConfigInManifests } from '../../lib/ambient/meshconfig.ts';
import type { MeshConfig } from '../../lib/ambient/meshconfig.ts';
import { buildMesh } from '../../lib/model/mesh.ts';
import type { Mesh } from '../../lib/model/mesh.ts';
import { parseManifests } from '../../lib/model/parse.ts';
import type { ParseResult } from '../../lib/model/types.ts';
import { decodeShare, encodeShare } from '../../lib/share/index.ts';
import type { SharedState, SharedWhatIf } from '../../lib/share/index.ts';
// Direct module imports (not the index files) keep the CLI formatters out of the island.
import { simulateIn } from '../../lib/simulator/simulate.ts';
import { SimulationInputError } from '../../lib/simulator/types.ts';
import type { SimRequest } from '../../lib/simulator/types.ts';
import { lintParsed } from '../../lib/validator/lint.ts';
import type { Finding, LintReport } from '../../lib/validator/finding.ts';
import { hasQuickFix, quickFix } from '../../lib/validator/fixes/index.ts';
import { $, h } from './dom.ts';
import { applyQuickFix, createYamlEditor, diagnosticsUpdate, goTo, replaceDoc, showFindings } from './editor.ts';
import { mountMeshConfigInput } from './meshconfig-input.ts';
import { loadPreset } from './presets.ts';
import type { WhatIfController } from './whatif-view.ts';
import { renderResult } from './trace.ts';
import { chooseVersion, currentVersion, onVersionChange } from '../version/store.ts';

const FILE = 'playground.yaml';
/** The Istio and Gateway API lines chosen in the site header (issue #17): every lint and simulation uses them. */
const chosenLines = () => {
  const { istio, gatewayApi } = currentVersion();
  return { istio, gatewayApi };
};
const LINT_DEBOUNCE_MS = 250;
const URL_DEBOUNCE_MS = 400;
const LINT_THROTTLE_MS = 100;
/** Above this smoothed lint cost, lint is debounced (LINT_DEBOUNCE_MS) rather than run on each keystroke. */
const SLOW_LINT_MS = 50;
const MESH_DEBOUNCE_MS = 300;

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

/** Everything a findings-panel row shows; rows whose key is unchanged are kept as they are. */
const findingKey = (f: Finding) => JSON.stringify([f.severity, f.rule, f.line, f.column, f.message, f.docs]);

export interface PlaygroundHandle {
  view: EditorView;
  /** The latest lint report and how long lint + diagnostics took for it (ms). */
  last: { report: LintReport; ms: number } | undefined;
}

export async function mount(root: HTMLElement): Promise<PlaygroundHandle> {
  const editorHost = $(root, '[data-pg-editor]');
  const status = $(root, '[data-pg-status]');
  const findingsList = $(root, '[data-pg-findings]');
  const findingsSummary = $(root, '[data-pg-findings-summary]');
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

  let mesh: Mesh | undefined;
  /** The MeshConfig `mesh` was built with: the input's, else an `istio` ConfigMap among the manifests. */
  let meshConfig: MeshConfig | undefined;
  // A MeshConfig edit re-lints (extension providers, root namespace) and re-indexes the mesh (trust domain).
  const meshConfigInput = mountMeshConfigInput(root, () => {
    if (loading) return;
    meshStale = true;
    clearTimeout(lintTimer);
    runLint(view);
    scheduleUrl();
  });
  const meshConfigOption = () => {
    const mc = meshConfigInput.config();
    return mc ? { meshConfig: mc } : {};
  };
  /** The Reachability view, loaded on first use (dynamic import: it brings the what-if engine's worker). */
  let whatif: WhatIfController | undefined;
  /** A link's view state while the view is not loaded yet (closed in the link, but with a baseline). */
  let pendingWhatif: SharedWhatIf | undefined;
  let lastHash = '';
  let lintTimer: ReturnType<typeof setTimeout> | undefined;
  let urlTimer: ReturnType<typeof setTimeout> | undefined;
  let meshTimer: ReturnType<typeof setTimeout> | undefined;
  const handle: PlaygroundHandle = { view: undefined as unknown as EditorView, last: undefined };

  const say = (text: string, kind: 'info' | 'error' = 'info') => {
    status.textContent = text;
    status.dataset.kind = kind;
  };

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
  function setOptions(sel: HTMLSelectElement, values: { value: string; label: string }[], keep: string | undefined) {
    const want = keep ?? sel.value;
    const missing = want && !values.some((v) => v.value === want) ? want : '';
    const signature = JSON.stringify([values, missing]);
    if (listed.get(sel) !== signature) {
      listed.set(sel, signature);
      sel.replaceChildren(...values.map((v) => h('option', { value: v.value }, v.label)));
      if (missing) sel.append(h('option', { value: missing }, `${missing} (not in the manifests)`));
    }
    if (want) sel.value = want;
  }

  function refreshTargets(keep?: SharedState['request']) {
    if (!mesh) return;
    const clients = mesh.workloads
      .filter((w) => isClientKind(w.kind) && !w.isWaypoint)
      .map((w) => ({ value: `${w.namespace}/${w.name}`, label: `${w.namespace}/${w.name}` }));
    setOptions(fromSel, [...clients, { value: 'external', label: 'external (outside the mesh)' }], keep?.from);
    const dests: { value: string; label: string }[] = [];
    for (const s of mesh.services) {
      if (s.kind === 'Service')
        for (const p of s.ports)
          dests.push({ value: `${s.name}.${s.namespace}:${p.port}`, label: `${s.name}.${s.namespace}:${p.port}` });
      else
        for (const host of s.hosts)
          for (const p of s.ports)
            dests.push({ value: `${host}:${p.port}`, label: `${host}:${p.port} (ServiceEntry)` });
    }
    for (const w of mesh.workloads)
      if (!w.isWaypoint)
        dests.push({ value: `pod/${w.namespace}/${w.name}`, label: `pod/${w.namespace}/${w.name} (pod IP)` });
    setOptions(toSel, dests, keep?.to);
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

  // ---- findings ----
  const rowKeys = new WeakMap<Element, string>();
  let summaryText = '';

  function findingRow(f: Finding, key: string, view: EditorView): HTMLLIElement {
    const btn = h(
      'button',
      { type: 'button', class: `pg-finding pg-${f.severity}`, 'data-rule': f.rule },
      h('span', { class: 'pg-sev' }, f.severity),
      ' ',
      h('code', { class: 'pg-rule' }, f.rule),
      ' ',
      h('span', { class: 'pg-pos' }, `${f.line}:${f.column}`),
      ' ',
      h('span', { class: 'pg-msg' }, f.message),
    );
    btn.addEventListener('click', () => goTo(view, f.line, f.column));
    let fixBtn: HTMLButtonElement | null = null;
    if (hasQuickFix(f.rule)) {
      fixBtn = h(
        'button',
        { type: 'button', class: 'pg-fix' },
        'Quick fix',
        h('span', { class: 'sr-only' }, ` for ${f.rule}`),
      );
      fixBtn.addEventListener('click', () => {
        if (applyQuickFix(view, f)) say(`Applied the quick fix for ${f.rule}.`);
        else say(`No quick fix applies to this ${f.rule} finding in these manifests; see its docs.`, 'error');
      });
    }
    const li = h(
      'li',
      {},
      btn,
      ' ',
      h('a', { href: f.docs, class: 'pg-doc' }, h('span', { class: 'sr-only' }, `Rule ${f.rule}: `), 'docs'),
      ...(fixBtn ? [' ', fixBtn] : []),
    );
    rowKeys.set(li, key);
    return li;
  }

  /**
   * Bring the panel in line with `findings`, touching only rows that changed: an unchanged list costs no DOM work
   * (and the polite live summary is not re-announced), a changed one keeps the rows it still has.
   */
  function renderFindings(findings: readonly Finding[], view: EditorView) {
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of findings) counts[f.severity]++;
    const summary = findings.length
      ? `${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info`
      : 'No findings.';
    if (summary !== summaryText) findingsSummary.textContent = summaryText = summary;
    const keys = findings.map(findingKey);
    const old = [...findingsList.children];
    if (old.length === keys.length && old.every((li, i) => rowKeys.get(li) === keys[i])) return;
    // Keep keyboard focus on the same row (or the same place in the list) when rows move under it.
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const focusedIndex = focused ? old.findIndex((li) => li.contains(focused)) : -1;
    const spare = new Map<string, Element[]>();
    for (const li of old) {
      const k = rowKeys.get(li) ?? '';
      spare.set(k, [...(spare.get(k) ?? []), li]);
    }
    findings.forEach((f, i) => {
      const row = spare.get(keys[i]!)?.shift() ?? findingRow(f, keys[i]!, view);
      const at = findingsList.children[i];
      if (at !== row) findingsList.insertBefore(row, at ?? null);
    });
    while (findingsList.children.length > findings.length) findingsList.lastElementChild!.remove();
    if (focusedIndex >= 0 && focused && document.activeElement !== focused) {
      if (focused.isConnected) focused.focus();
      else {
        const buttons = findingsList.querySelectorAll('button');
        (buttons[Math.min(focusedIndex, buttons.length - 1)] ?? findingsSummary).focus();
      }
    }
  }

  /** Recent lint costs; their median decides between linting at once and debouncing (one slow run is noise). */
  const costs: number[] = [];
  const lintCost = () => (costs.length ? [...costs].sort((a, b) => a - b)[costs.length >> 1]! : Infinity);
  let lastLintAt = -Infinity;
  let meshStale = true;

  /**
   * The document's text parsed once, for lint and for the mesh index alike: parsing is most of what a large
   * document costs (a 200 KB document on the `yaml` path takes ~1 s to read on a loaded machine), so the mesh
   * rebuilt after a lint reuses that lint's resources instead of reading the text a second time.
   */
  let lastParsed: { text: string; parsed: ParseResult } | undefined;
  function parsedText(text: string): ParseResult {
    if (lastParsed?.text !== text) lastParsed = { text, parsed: parseManifests({ file: FILE, text }) };
    return lastParsed.parsed;
  }
  const lint = (text: string): LintReport =>
    lintParsed(parsedText(text), { ...chosenLines(), ...meshConfigOption() }, FILE);

  function runLint(view: EditorView) {
    const t0 = performance.now();
    lastLintAt = t0;
    const report = lint(view.state.doc.toString());
    const t1 = performance.now();
    showFindings(view, report.findings);
    renderFindings(report.findings, view);
    lintDone(report, t0, t1);
  }

  /** Book-keeping once a lint's findings are in the editor and the panel (`t1`: when lint itself returned). */
  function lintDone(report: LintReport, t0: number, t1: number) {
    const ms = performance.now() - t0;
    costs.push(ms);
    if (costs.length > 5) costs.shift();
    handle.last = { report, ms };
    // The bench reads the latest of each (the whole update, and its editor + panel part): only those are kept.
    performance.clearMeasures('atlas:lint');
    performance.clearMeasures('atlas:show');
    performance.measure('atlas:lint', { start: t0, end: t0 + ms });
    performance.measure('atlas:show', { start: t1, end: t0 + ms });
    meshStale = true;
    scheduleMesh();
    whatif?.refresh();
    root.dataset.linted = String(Number(root.dataset.linted ?? '0') + 1);
  }

  /** The mesh index behind the client/destination lists: rebuilt when typing pauses, or right before simulating. */
  function refreshMesh(keep?: SharedState['request']) {
    if (!meshStale && !keep) return;
    meshStale = false;
    try {
      const { resources } = parsedText(handle.view.state.doc.toString());
      meshConfig = meshConfigInput.config() ?? meshConfigInManifests(resources);
      const mc = meshConfig;
      mesh = buildMesh(resources, mc ? { rootNamespace: mc.rootNamespace, trustDomain: mc.trustDomain } : {});
      refreshTargets(keep);
    } catch {
      mesh = undefined;
    }
  }
  let cancelMeshIdle = () => {};
  const scheduleMesh = () => {
    clearTimeout(meshTimer);
    cancelMeshIdle();
    meshTimer = setTimeout(() => (cancelMeshIdle = whenIdle(() => refreshMesh())), MESH_DEBOUNCE_MS);
  };

  // The share link is compressed from the whole document: never on the keystroke path. It is written once typing
  // pauses (when the browser is idle), and at once whenever the page may go away, so no input is ever left out.
  let urlDirty = false;
  let cancelUrlIdle = () => {};
  function writeUrl() {
    clearTimeout(urlTimer);
    cancelUrlIdle();
    urlDirty = false;
    const hash =
      '#' +
      encodeShare({
        yaml: handle.view.state.doc.toString(),
        istio: currentVersion().istio,
        request: currentRequest(),
        ...(meshConfigInput.text() ? { meshConfig: meshConfigInput.text() } : {}),
        ...(whatif ? { whatif: whatif.state() } : pendingWhatif ? { whatif: pendingWhatif } : {}),
      });
    lastHash = hash;
    history.replaceState(history.state, '', hash);
  }
  const scheduleUrl = () => {
    urlDirty = true;
    clearTimeout(urlTimer);
    cancelUrlIdle();
    urlTimer = setTimeout(() => (cancelUrlIdle = whenIdle(writeUrl)), URL_DEBOUNCE_MS);
  };
  const flushUrl = () => {
    if (urlDirty) writeUrl();
  };
  window.addEventListener('pagehide', flushUrl);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushUrl();
  });

  /** A lint run by `beforeUpdate` for the update being drawn; the panel catches up once the editor has. */
  let inUpdate: { report: LintReport; t0: number; t1: number } | undefined;
  /** Set while a whole document is loaded: `loadState` lints it itself. */
  let loading = false;

  const view = createYamlEditor({
    parent: editorHost,
    doc: '',
    label: 'YAML editor',
    quickFix: (text, f) => quickFix(text, f, parsedText(text).resources),
    beforeUpdate: (state) => {
      performance.clearMarks('atlas:change');
      performance.mark('atlas:change');
      clearTimeout(lintTimer);
      if (loading) return null;
      // While linting is cheap, lint every keystroke but at most once per LINT_THROTTLE_MS during a burst (plus a
      // trailing run), so typing never queues up lint work; a document slow to lint is debounced instead.
      const now = performance.now();
      const delay = lintCost() < SLOW_LINT_MS ? Math.max(0, lastLintAt + LINT_THROTTLE_MS - now) : LINT_DEBOUNCE_MS;
      if (delay > 0) {
        lintTimer = setTimeout(() => runLint(view), delay);
        return null;
      }
      // Lint the new text before the editor draws it: the keystroke and its diagnostics make one editor update.
      try {
        lastLintAt = now;
        const report = lint(state.doc.toString());
        inUpdate = { report, t0: now, t1: performance.now() };
        return diagnosticsUpdate(state, report.findings);
      } catch {
        // Never lose the keystroke to a validator failure: it is drawn, and linted again from a timer.
        inUpdate = undefined;
        lintTimer = setTimeout(() => runLint(view), LINT_DEBOUNCE_MS);
        return null;
      }
    },
    onChange: (v) => {
      const done = inUpdate;
      inUpdate = undefined;
      if (done) {
        renderFindings(done.report.findings, v);
        lintDone(done.report, done.t0, done.t1);
      }
      scheduleUrl();
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
    clearTimeout(lintTimer);
    let failure: string | undefined;
    try {
      runLint(view);
    } catch (err) {
      failure = `The validator failed on these manifests (${err instanceof Error ? err.message : String(err)}).`;
    }
    clearTimeout(meshTimer);
    // The mesh index in a task of its own (a large document's lint and mesh are not one long task).
    await new Promise((resolve) => setTimeout(resolve, 0));
    refreshMesh(state.request ?? {});
    try {
      applyRequest(state.request);
    } catch {
      failure ??= 'The request in this link could not be shown.';
    }
    resultHost.replaceChildren();
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

  async function restoreFromHash(): Promise<void> {
    try {
      const hash = location.hash;
      if (hash.length > 1) {
        const decoded = decodeShare(hash);
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
            if (r?.from && r.to) await simulateNow({ focus: false, writeLink: false, relint: false });
            say('Loaded the manifests and request from the link.');
          }
          return;
        }
        say(`${decoded.error} The bookinfo preset was loaded instead.`, 'error');
      }
      const preset = await loadPreset('bookinfo');
      if (preset) await loadState(preset);
      if (hash.length > 1) return;
      writeUrl();
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

  /** Simulate the request panel's request; `focus` moves focus to the result (not when a link is opened). */
  async function simulateNow({ focus = true, writeLink = true, relint = true } = {}) {
    if (relint) {
      clearTimeout(lintTimer);
      runLint(view);
    }
    clearTimeout(meshTimer);
    refreshMesh();
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
    if (!mesh) {
      resultHost.replaceChildren(
        h('p', { role: 'alert' }, 'The manifests could not be read; fix the YAML errors first.'),
      );
      return;
    }
    try {
      const result = await simulateIn(mesh, req, { ...chosenLines(), ...(meshConfig ? { meshConfig } : {}) });
      resultHost.replaceChildren(renderResult(result, req));
    } catch (err) {
      const msg =
        err instanceof SimulationInputError
          ? err.message
          : `The simulator failed: ${err instanceof Error ? err.message : String(err)}`;
      resultHost.replaceChildren(h('p', { class: 'pg-error', role: 'alert' }, msg));
    }
    if (focus) resultHost.focus();
    if (writeLink) writeUrl();
  }

  presetSel.addEventListener('change', async () => {
    const id = presetSel.value;
    if (!id) return;
    const preset = await loadPreset(id);
    if (!preset) {
      say(`Preset ${id} could not be loaded.`, 'error');
      return;
    }
    await loadState(preset);
    writeUrl();
    say(`Loaded preset ${presetSel.selectedOptions[0]?.textContent ?? id}.`);
  });

  copyBtn.addEventListener('click', async () => {
    writeUrl();
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
    clearTimeout(lintTimer);
    runLint(view);
    resultHost.replaceChildren();
    writeUrl();
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
