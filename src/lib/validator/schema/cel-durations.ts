// The minimum-duration CEL rules of each Istio line's CRDs (`duration(self) >= duration('1ms')`), applied from the
// generated table (cel-durations.gen.ts, scripts/gen/cel-durations.ts), so a line that adds such a field (1.31's
// http2KeepAlive) is checked with no hand-written code. The API server parses the value with CEL's duration(),
// which takes Go's time.ParseDuration syntax.
import type { JsonObject, JsonValue, ObjectPath } from '../../model/types.ts';
import type { IstioVersion, VersionRows } from '../../versions.ts';
import { ISTIO_MIN_DURATIONS } from './cel-durations.gen.ts';
import type { SchemaProblem } from './types.ts';

/** One field with a minimum: its path split into segments (`[]` every item, `*` every map value). */
export interface MinDuration {
  readonly segments: readonly string[];
  readonly min: string;
  readonly minMs: number;
}

/** The minimum-duration fields of `group/version|Kind` on the rows' Istio line; undefined when it has none. */
export function minDurationsFor(rows: VersionRows, key: string): readonly MinDuration[] | undefined {
  const table = ISTIO_MIN_DURATIONS[rows.istio.version as IstioVersion];
  if (!Object.prototype.hasOwnProperty.call(table, key)) return undefined;
  const out: MinDuration[] = [];
  for (const [min, paths] of Object.entries(table[key]!)) {
    const minMs = durationMs(min);
    if (minMs === undefined) continue; // the generator only matches literal durations; nothing to compare with
    for (const p of paths) out.push({ segments: p.replace(/\[\]/g, '.[]').split('.'), min, minMs });
  }
  return out.length ? out : undefined;
}

/** Appends a problem for every value below its field's minimum. */
export function checkMinDurations(rules: readonly MinDuration[], obj: JsonObject, out: SchemaProblem[]): void {
  for (const r of rules) visit(obj, r, 0, [], out);
}

function visit(v: JsonValue | undefined, r: MinDuration, i: number, at: ObjectPath, out: SchemaProblem[]): void {
  if (v === undefined || v === null) return;
  if (i === r.segments.length) {
    if (typeof v !== 'string') return; // a wrong type is the structural validator's finding
    const ms = durationMs(v);
    if (ms !== undefined && ms < r.minMs)
      out.push({
        path: at,
        message: `${show(at)} must be at least ${r.min} (the CRD rule duration(self) >= duration('${r.min}')): the API server rejects ${JSON.stringify(v)}.`,
        part: 'value',
      });
    return;
  }
  const seg = r.segments[i]!;
  if (seg === '[]') {
    if (Array.isArray(v)) v.forEach((item, n) => visit(item, r, i + 1, [...at, n], out));
  } else if (typeof v === 'object' && !Array.isArray(v)) {
    if (seg === '*') for (const [k, val] of Object.entries(v)) visit(val, r, i + 1, [...at, k], out);
    else if (Object.prototype.hasOwnProperty.call(v, seg)) visit(v[seg], r, i + 1, [...at, seg], out);
  }
}

const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['ns', 1e-6],
  ['us', 1e-3],
  ['µs', 1e-3],
  ['μs', 1e-3],
  ['ms', 1],
  ['s', 1e3],
  ['m', 6e4],
  ['h', 3.6e6],
]);

/**
 * A Go duration (`1h2m`, `0.5ms`, `-3s`, `0`) in milliseconds; undefined when Go would not parse it (then CEL's
 * duration() fails and the API server reports that instead: a different message, which this check leaves alone).
 */
export function durationMs(s: string): number | undefined {
  if (s.length > 64) return undefined;
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (!rest) return undefined;
  let total = 0;
  const part = /^(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/;
  while (rest) {
    const m = part.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS.get(m[2]!)!;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

function show(path: ObjectPath): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}
