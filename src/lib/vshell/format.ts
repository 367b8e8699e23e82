/** Output helpers in kubectl's style: aligned tables, ages, a small JSONPath subset, custom columns. */
import type { JsonValue } from '../model/types.ts';

/** kubectl's table printer: columns separated by at least three spaces, no trailing padding. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return (
    all
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3)))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Like k8s.io/apimachinery duration.HumanDuration, close enough for a virtual cluster. */
export function age(fromIso: string | undefined, nowMs: number): string {
  const t = fromIso ? Date.parse(fromIso) : NaN;
  if (Number.isNaN(t)) return '<unknown>';
  const s = Math.max(0, Math.floor((nowMs - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/**
 * Evaluate a kubectl-style JSONPath expression (`{.items[0].status.podIP}`, `.metadata.name`, `{.items[*].x}`,
 * keys with escaped dots such as `.metadata.annotations.ambient\.istio\.io/redirection`). Returns every match.
 */
export function jsonPath(root: JsonValue, expr: string): JsonValue[] {
  let e = expr.trim();
  if (e.startsWith('{') && e.endsWith('}')) e = e.slice(1, -1);
  if (e.startsWith('$')) e = e.slice(1);
  const segs: (string | number | '*')[] = [];
  let i = 0;
  while (i < e.length) {
    if (e[i] === '.') {
      i++;
      let key = '';
      while (i < e.length && e[i] !== '.' && e[i] !== '[') {
        if (e[i] === '\\' && i + 1 < e.length) {
          key += e[i + 1];
          i += 2;
        } else key += e[i++];
      }
      if (key) segs.push(key);
    } else if (e[i] === '[') {
      const end = e.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed [ in JSONPath ${expr}`);
      const inner = e.slice(i + 1, end).trim();
      if (inner === '*') segs.push('*');
      else if (/^-?\d+$/.test(inner)) segs.push(Number(inner));
      else if (/^'.*'$|^".*"$/.test(inner)) segs.push(inner.slice(1, -1));
      else throw new Error(`unsupported JSONPath filter [${inner}] (the virtual shell knows .key, [n] and [*])`);
      i = end + 1;
    } else throw new Error(`unsupported JSONPath ${expr}`);
  }
  let cur: JsonValue[] = [root];
  for (const s of segs) {
    const next: JsonValue[] = [];
    for (const v of cur) {
      if (s === '*') {
        if (Array.isArray(v)) next.push(...v);
        else if (v && typeof v === 'object') next.push(...Object.values(v));
      } else if (typeof s === 'number') {
        if (Array.isArray(v)) {
          const x = v[s < 0 ? v.length + s : s];
          if (x !== undefined) next.push(x);
        }
      } else if (v && typeof v === 'object' && !Array.isArray(v) && s in v) next.push(v[s]!);
    }
    cur = next;
  }
  return cur;
}

export function jsonPathText(values: readonly JsonValue[]): string {
  return values.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v))).join(' ');
}

/** `-o custom-columns=NAME:.metadata.name,IP:.status.podIP` (one column spec per comma, header before the colon). */
export function customColumns(spec: string, objects: readonly JsonValue[]): string {
  const cols = spec.split(/,(?=[^,:]*:)/).map((c) => {
    const k = c.indexOf(':');
    if (k < 0) throw new Error(`custom-columns format must be NAME:JSONPATH, got "${c}"`);
    return { name: c.slice(0, k), path: c.slice(k + 1) };
  });
  const rows = objects.map((o) =>
    cols.map((c) => {
      const v = jsonPath(o, c.path);
      return v.length ? jsonPathText(v) : '<none>';
    }),
  );
  return table(
    cols.map((c) => c.name),
    rows,
  );
}

/**
 * Go's text/tabwriter with minwidth 0 and the given padding, as istioctl configures it: every cell but the last of a
 * row is padded to its column's widest cell plus `padding` (ztunnel-config uses 1, waypoint and proxy-status 5).
 */
export function goTabwriter(header: readonly string[], rows: readonly (readonly string[])[], padding: number): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return (
    all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + padding))).join('')).join('\n') +
    '\n'
  );
}

/** A table's header line as kubectl and istioctl print it: upper-case column names, e.g. `NAMESPACE   NAME   READY`. */
const HEADER = /^[A-Z][A-Z0-9_()./-]*(?: {1,}[A-Z][A-Z0-9_()./-]*)+$/;

/**
 * The width of the widest table row in `output` (0 when it holds no table), for a terminal that widens rather than
 * wrap a table. A table is a block of lines (blocks are separated by blank lines, as `kubectl get all` prints them)
 * whose first line is a header; other text (logs, YAML, hints) wraps as it would in any terminal.
 */
export function tableWidth(output: string): number {
  let widest = 0;
  let inTable = false;
  let blockStart = true;
  for (const line of output.split('\n')) {
    if (line === '') {
      blockStart = true;
      inTable = false;
      continue;
    }
    if (blockStart) inTable = HEADER.test(line);
    blockStart = false;
    if (inTable) widest = Math.max(widest, line.length);
  }
  return widest;
}
