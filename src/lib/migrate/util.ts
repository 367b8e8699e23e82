// Small pure helpers for the migration: names, durations, regex escaping, manifest clean-up.
import type { JsonObject, JsonValue } from '../model/types.ts';

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function clone<T extends JsonValue>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Server-populated fields that `kubectl get -o yaml` includes and `kubectl apply` must not receive. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'ownerReferences',
];

/** A copy of the object without status and server-set metadata, so the output is ready to apply. */
export function cleanForApply(obj: JsonObject): JsonObject {
  const out = clone(obj);
  delete out.status;
  const md = out.metadata;
  if (isObject(md)) {
    for (const k of SERVER_METADATA) delete md[k];
    const ann = md.annotations;
    if (isObject(ann)) {
      delete ann['kubectl.kubernetes.io/last-applied-configuration'];
      if (Object.keys(ann).length === 0) delete md.annotations;
    }
  }
  return out;
}

/** RE2 escaping for a literal inside a regular expression (Envoy and Istio use RE2). */
export function escapeRegex(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** DNS-1035 label: lower case, digits and '-', at most 63 characters, starting with a letter. */
export function dnsLabel(s: string): string {
  let out = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(out)) out = `x-${out}`;
  if (out.length > 63) out = out.slice(0, 63).replace(/-+$/, '');
  return out;
}

/** DNS-1123 subdomain check used for object names. */
export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s);
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/**
 * Parse an Istio duration (protobuf JSON `1.5s`, or Go style `1m30s`, `250ms` as the CRD's CEL `duration()`
 * accepts) into milliseconds. Undefined when it is not a duration.
 */
export function parseDurationMs(v: JsonValue | undefined): number | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (!s) return undefined;
  const re = /(\d+(?:\.\d+)?|\.\d+)(h|ms|m|s|us|\u00b5s|ns)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === s.length && pos > 0 ? total : undefined;
}

/**
 * Gateway API Duration (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`, GEP-2257) for a number of milliseconds.
 * Sub-millisecond remainders round up so a timeout never becomes shorter.
 */
export function gatewayDuration(ms: number): string {
  let rest = Math.ceil(ms);
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  return parts.join('');
}

/** The HTTP methods Gateway API's HTTPRouteMatch.method accepts. */
export const GATEWAY_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);

/** Gateway API HTTPHeaderName pattern (RFC 7230 token). */
export function isHeaderName(s: string): boolean {
  return /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(s) && s.length <= 256;
}
