/**
 * The migration assistant island: reads the form, runs the migrate library in the page, and renders the audit,
 * the converted YAML (copy / download) and a before/after view. User text only ever reaches the page through
 * `textContent` and attribute values set with setAttribute — never as HTML.
 */
import { migrateSources, toYaml } from '../../lib/migrate/index.ts';
import type { MigrateFinding, MigrateOptions, MigrationResult } from '../../lib/migrate/index.ts';
import type { JsonObject } from '../../lib/model/types.ts';
import { parseManifests } from '../../lib/model/parse.ts';
import { playgroundHref } from '../../lib/share/index.ts';
import { resourceLabel } from '../../lib/validator/finding.ts';
import { lineDiff } from './diff.ts';

type Child = Node | string | null | undefined | false;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children)
    if (c !== null && c !== undefined && c !== false)
      node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

function need<T extends Element>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`migrate assistant: missing ${selector}`);
  return found;
}

function idOf(o: JsonObject): string {
  const md = (o.metadata ?? {}) as JsonObject;
  const ns = typeof md.namespace === 'string' ? `${md.namespace}/` : '';
  return `${String(o.kind)} ${ns}${String(md.name ?? '?')}`;
}

const SEVERITY_LABEL: Record<MigrateFinding['severity'], string> = {
  error: 'Blocker',
  warning: 'Warning',
  info: 'Note',
};

export function mount(root: HTMLElement, sample: string): void {
  const form = need<HTMLFormElement>(root, 'form');
  const input = need<HTMLTextAreaElement>(root, '[data-ma-input]');
  const waypoint = need<HTMLInputElement>(root, '[data-ma-waypoint]');
  const keep = need<HTMLTextAreaElement>(root, '[data-ma-keep]');
  const file = need<HTMLInputElement>(root, '[data-ma-file]');
  const status = need<HTMLElement>(root, '[data-ma-status]');
  const results = need<HTMLElement>(root, '[data-ma-results]');
  const findingsBody = need<HTMLTableSectionElement>(root, '[data-ma-findings]');
  const output = need<HTMLElement>(root, '[data-ma-output]');
  const diff = need<HTMLElement>(root, '[data-ma-diff]');
  const objects = need<HTMLElement>(root, '[data-ma-objects]');
  const copyStatus = need<HTMLElement>(root, '[data-ma-copy-status]');
  const playground = need<HTMLAnchorElement>(root, '[data-ma-playground]');
  let lastYaml = '';

  // Tests and scripts can wait for this before interacting.
  root.dataset.ready = 'true';

  need<HTMLButtonElement>(root, '[data-ma-sample]').addEventListener('click', () => {
    input.value = sample;
    input.focus();
    status.textContent = 'Sample loaded: bookinfo on sidecars. Press Convert.';
  });

  file.addEventListener('change', async () => {
    const files = [...(file.files ?? [])];
    if (!files.length) return;
    const texts = await Promise.all(files.map((f) => f.text()));
    input.value = texts.map((t) => t.replace(/\n+$/, '')).join('\n---\n') + '\n';
    status.textContent = `Loaded ${files.map((f) => f.name).join(', ')}. Press Convert.`;
    input.focus();
  });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value;
    if (!text.trim()) {
      status.textContent = 'Paste some manifests first (or load the sample).';
      input.focus();
      return;
    }
    const target = (new FormData(form).get('target') ?? 'service') as 'service' | 'gateway';
    const principals = keep.value
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const options: MigrateOptions = {
      target,
      ...(waypoint.value.trim() ? { waypointName: waypoint.value.trim() } : {}),
      ...(principals.length ? { keepSidecarPrincipals: principals } : {}),
    };
    let result: MigrationResult & { resources: number };
    try {
      result = migrateSources({ file: 'pasted.yaml', text }, options);
    } catch (err) {
      status.textContent = `The conversion failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    render(text, result);
  });

  need<HTMLButtonElement>(root, '[data-ma-copy]').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(lastYaml);
      copyStatus.textContent = 'Converted YAML copied to the clipboard.';
    } catch {
      // Clipboard API refused (permissions, insecure context): select the text so Ctrl+C works.
      const range = document.createRange();
      range.selectNodeContents(output);
      const sel = window.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
      output.focus();
      copyStatus.textContent = 'Could not copy automatically: the YAML is selected, press Ctrl+C (⌘C).';
    }
  });

  need<HTMLButtonElement>(root, '[data-ma-download]').addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([lastYaml], { type: 'application/yaml' }));
    const a = el('a', { href: url, download: 'ambient.yaml' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    copyStatus.textContent = 'Download started: ambient.yaml.';
  });

  function render(before: string, result: MigrationResult & { resources: number }): void {
    const count = { error: 0, warning: 0, info: 0 };
    for (const f of result.findings) count[f.severity]++;
    lastYaml = result.manifests.length ? toYaml(result.manifests) : '';
    results.hidden = false;
    status.textContent =
      `${result.resources} input objects → ${result.manifests.length} manifests. ` +
      `${count.error} blocker${count.error === 1 ? '' : 's'}, ${count.warning} warning${count.warning === 1 ? '' : 's'}, ${count.info} note${count.info === 1 ? '' : 's'}.` +
      (count.error ? ' Resolve the blockers before applying.' : '');

    findingsBody.replaceChildren(
      ...result.findings.map((f) =>
        el(
          'tr',
          { 'data-severity': f.severity },
          el('td', {}, el('span', { class: `ma-sev ma-sev-${f.severity}` }, SEVERITY_LABEL[f.severity])),
          el('td', {}, el('code', {}, f.rule)),
          el(
            'td',
            {},
            f.line ? `line ${f.line}${f.column ? `:${f.column}` : ''}` : '',
            f.resource ? el('br') : null,
            f.resource ? resourceLabel(f.resource) : '',
            f.path ? el('br') : null,
            f.path ? el('code', {}, f.path) : null,
          ),
          el('td', {}, f.message),
        ),
      ),
    );
    if (!result.findings.length)
      findingsBody.replaceChildren(el('tr', {}, el('td', { colspan: '4' }, 'Nothing to report.')));

    output.textContent = lastYaml || '# (no manifests)';
    // The playground link carries the converted set in the URL fragment (never sent to a server).
    playground.setAttribute('href', playgroundHref({ yaml: lastYaml }));

    // Object-level view: what happened to each input object, and what is new.
    const inputIds = beforeIds(before);
    const outputIds = new Set(result.manifests.map(idOf));
    const rows: HTMLElement[] = [];
    for (const id of inputIds) {
      const kept = outputIds.has(id);
      rows.push(
        el(
          'li',
          {},
          el('span', { class: kept ? 'ma-kept' : 'ma-removed' }, kept ? 'kept or changed' : 'replaced or removed'),
          ` ${id}`,
        ),
      );
    }
    const known = new Set(inputIds);
    for (const id of outputIds)
      if (!known.has(id)) rows.push(el('li', {}, el('span', { class: 'ma-added' }, 'added'), ` ${id}`));
    objects.replaceChildren(...rows);

    // Diff the input as the model read it (same YAML style as the output), so only real changes show.
    const normalized = toYaml(parseManifests({ file: 'pasted.yaml', text: before }).resources.map((r) => r.obj));
    const lines = lineDiff(normalized, lastYaml);
    if (!lines) {
      diff.textContent = 'The input is too large for a line diff here; compare the two files with your own diff tool.';
    } else {
      diff.replaceChildren(
        ...lines.map((l) =>
          el(
            'span',
            { class: l.op === '+' ? 'ma-add' : l.op === '-' ? 'ma-del' : 'ma-ctx' },
            `${l.op === ' ' ? ' ' : l.op} ${l.text}\n`,
          ),
        ),
      );
    }
    results.focus();
  }
}

/** `Kind namespace/name` of each pasted object as the output names it (namespace only when written). */
function beforeIds(text: string): string[] {
  return parseManifests({ file: 'pasted.yaml', text }).resources.map(
    (r) => `${r.kind} ${r.namespaceExplicit ? `${r.namespace}/` : ''}${r.name}`,
  );
}
