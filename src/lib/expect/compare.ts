// Comparing an expected outcome with what happened, and saying both in words. No zod here (types only), so the
// exercise island can import this without the schema library; the schemas are in schema.ts.
import type { Backend, DecidedBy, SimRequest, SimResult, Verdict } from '../simulator/types.ts';
import type { Expectation, ExpectedOutcome, ExpectedRequest } from './schema.ts';

/**
 * The one tolerance for a probability: an expected backend probability matches when it is within this of the
 * simulated one. It is the 0.1 % the UI shows: a split may be written to three decimals (0.333 for 1/3),
 * and 0.9 is still told from 0.898.
 */
export const PROBABILITY_TOLERANCE = 0.001;

/**
 * A different quantity: how far the share of a backend among a few dozen real responses may drift from its
 * probability on a cluster (40 samples of a 0.9/0.1 split land within it nearly always). Used only by
 * compareObserved.
 */
export const SAMPLED_SHARE_TOLERANCE = 0.25;

/** What `compare` reads of a simulation: the DESIGN §4.3 result fields an expectation can name. */
export interface Outcome {
  readonly verdict: Verdict;
  readonly deniedAt: SimResult['deniedAt'];
  readonly status: number | null;
  readonly waypoint: SimResult['waypoint'];
  readonly backends: readonly Pick<Backend, 'namespace' | 'service' | 'probability'>[];
  readonly decidedBy: DecidedBy | null;
  readonly client?: Pick<SimResult['client'], 'dataplane'>;
}

export type MismatchField = keyof ExpectedOutcome;

export interface Mismatch {
  readonly field: MismatchField;
  readonly expected: string;
  readonly actual: string;
}

const none = (v: unknown): string => (v === null || v === undefined ? 'none' : String(v));

/** Every field the expectation names must match the result; absent fields are not checked. */
export function compare(expected: ExpectedOutcome, result: Outcome): Mismatch[] {
  const out: Mismatch[] = [];
  const check = (field: MismatchField, want: unknown, got: unknown) => {
    if (want !== undefined && want !== got) out.push({ field, expected: none(want), actual: none(got) });
  };
  check('verdict', expected.verdict, result.verdict);
  check('status', expected.status, result.status);
  check('deniedAt', expected.deniedAt, result.deniedAt);
  check('waypoint', expected.waypoint, result.waypoint ? `${result.waypoint.namespace}/${result.waypoint.name}` : null);
  if (expected.decidedBy !== undefined) check('decidedBy', expected.decidedBy, decidedByAs(result, expected.decidedBy));
  if (expected.clientDataplane !== undefined)
    check('clientDataplane', expected.clientDataplane, result.client?.dataplane ?? 'unknown');
  if (expected.backends !== undefined) {
    const want = positive(expected.backends);
    const got = backendsAs(result.backends, expected.backends);
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    const same = [...keys].every((k) => k in want && k in got && Math.abs(want[k]! - got[k]!) <= PROBABILITY_TOLERANCE);
    if (!same) out.push({ field: 'backends', expected: formatBackends(want), actual: formatBackends(got) });
  }
  return out;
}

/** The result's deciding resource, spelled like the expectation (`ns/name`, or `Kind ns/name` when it names one). */
function decidedByAs(r: Outcome, like: string | null): string | null {
  if (!r.decidedBy) return null;
  const nsName = `${r.decidedBy.namespace}/${r.decidedBy.name}`;
  return like !== null && /\s/.test(like) ? `${r.decidedBy.kind} ${nsName}` : nsName;
}

/**
 * The result's backends keyed the way the expectation names them (`service`, or `namespace/service` when it
 * qualifies its names), the probabilities of one key added up (subsets of one Service).
 */
function backendsAs(
  backends: Outcome['backends'],
  like: Readonly<Record<string, number>> | undefined,
): Record<string, number> {
  const qualified = like !== undefined && Object.keys(like).some((k) => k.includes('/'));
  const out: Record<string, number> = {};
  for (const b of backends) {
    const k = qualified ? `${b.namespace}/${b.service}` : b.service;
    out[k] = (out[k] ?? 0) + b.probability;
  }
  return positive(out);
}

/** A weight-0 backend receives nothing: the same as not listing it. */
function positive(m: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, p]) => p > 0));
}

const percent = (p: number) => `${Math.round(p * 1000) / 10}%`;

export function formatBackends(m: Readonly<Record<string, number>>): string {
  const entries = Object.entries(m);
  if (entries.length === 0) return 'nowhere';
  return entries.map(([k, p]) => `${k} ${percent(p)}`).join(', ');
}

/**
 * The request in one line: `GET reviews:9080/reviews/0 from bookinfo/curl -H 'end-user: jason' with a JWT`, or
 * `TCP reviews:9080 from bookinfo/curl`.
 */
export function describeRequest(r: ExpectedRequest): string {
  const parts = [r.tcp ? `TCP ${r.to}` : `${r.method ?? 'GET'} ${r.to}${r.path ?? '/'}`, `from ${r.from}`];
  if (r.headers && Object.keys(r.headers).length > 0)
    parts.push(
      Object.entries(r.headers)
        .map(([k, v]) => `-H '${k}: ${v}'`)
        .join(' '),
    );
  if (r.jwt) parts.push('with a JWT');
  return parts.join(' ');
}

/** The expected outcome in one line: `denied, status 403, at waypoint, via waypoint bookinfo/waypoint`. */
export function describeOutcome(e: ExpectedOutcome): string {
  const parts: string[] = [];
  if (e.verdict !== undefined) parts.push(e.verdict);
  if (e.status !== undefined) parts.push(`status ${e.status === null ? 'none (reset)' : e.status}`);
  if (e.deniedAt) parts.push(`at ${e.deniedAt}`);
  else if (e.deniedAt === null && e.verdict !== 'allowed') parts.push('not denied');
  if (e.waypoint !== undefined) parts.push(e.waypoint ? `via waypoint ${e.waypoint}` : 'no waypoint');
  if (e.backends !== undefined) {
    const b = formatBackends(e.backends);
    parts.push(b === 'nowhere' ? 'routed nowhere' : `backends ${b}`);
  }
  if (e.decidedBy !== undefined) parts.push(e.decidedBy ? `decided by ${e.decidedBy}` : 'decided by no policy');
  if (e.clientDataplane !== undefined) parts.push(`client dataplane ${e.clientDataplane}`);
  return parts.length ? parts.join(', ') : 'any outcome';
}

/** A request and its expectation in one line, the same in test names, `lab check`, lab pages and exercises. */
export function describe(e: Expectation): string {
  return `${describeRequest(e)} → expect ${describeOutcome(e.expect)}`;
}

/**
 * What happened, in the words describeOutcome uses: verdict, status and where it was denied, the backends when
 * there are any, and whatever else `like` (the expectation it is shown next to) names.
 */
export function describeResult(r: Outcome, like: ExpectedOutcome = {}): string {
  const seen: { -readonly [K in keyof ExpectedOutcome]: ExpectedOutcome[K] } = {
    verdict: r.verdict,
    status: r.status,
  };
  if (r.deniedAt) seen.deniedAt = r.deniedAt;
  if (like.waypoint !== undefined) seen.waypoint = r.waypoint ? `${r.waypoint.namespace}/${r.waypoint.name}` : null;
  if (like.backends !== undefined || r.backends.length > 0) seen.backends = backendsAs(r.backends, like.backends);
  if (like.decidedBy !== undefined) seen.decidedBy = decidedByAs(r, like.decidedBy);
  if (like.clientDataplane !== undefined && r.client) seen.clientDataplane = r.client.dataplane;
  return describeOutcome(seen);
}

/** The request part as the simulator takes it. */
export function requestOf(e: ExpectedRequest): SimRequest {
  return {
    from: e.from,
    to: e.to,
    ...(e.method ? { method: e.method } : {}),
    ...(e.path ? { path: e.path } : {}),
    ...(e.headers ? { headers: e.headers } : {}),
    ...(e.jwt ? { jwt: e.jwt } : {}),
    ...(e.tcp ? { tcp: true } : {}),
  };
}

/** What real requests from a client pod returned (`lab check` on a cluster). */
export interface Observed {
  /** HTTP status per sample; null when there was no HTTP response (reset, refused, timeout). */
  readonly statuses: readonly (number | null)[];
  /** `namespace/service` that answered each sample, when the response tells. */
  readonly backends: readonly (string | undefined)[];
}

/**
 * Compare real responses with the expectation. What a cluster cannot show from the client (deniedAt, which
 * waypoint, what decided) is left to the simulator; status and backends are compared. Without a status, the
 * verdict implies one (allowed 200, no-route 404, denied a reset/401/403/503, error a reset/5xx). Weighted
 * backends: every backend seen must be expected, the share of each within SAMPLED_SHARE_TOLERANCE of its
 * probability, and a backend expected with probability >= 0.5 must be seen.
 */
export function compareObserved(expected: ExpectedOutcome, o: Observed): Mismatch[] {
  const out: Mismatch[] = [];
  const wantStatus = expected.status !== undefined ? expected.status : statusForVerdict(expected.verdict);
  const badStatus = o.statuses.filter((s) => !statusMatches(wantStatus, expected.verdict, s));
  if (badStatus.length > 0) {
    out.push({
      field: 'status',
      expected: wantStatus === undefined ? `a status for "${none(expected.verdict)}"` : none(wantStatus),
      actual: summarize(o.statuses),
    });
  }
  if (expected.backends !== undefined && badStatus.length === 0) {
    const want = positive(expected.backends);
    const qualified = Object.keys(expected.backends).some((k) => k.includes('/'));
    const counts = new Map<string, number>();
    let known = 0;
    for (const b of o.backends) {
      if (b === undefined) continue;
      known++;
      const k = qualified ? b : b.slice(b.indexOf('/') + 1);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const shares: Record<string, number> = Object.fromEntries([...counts].map(([k, v]) => [k, v / known]));
    const unexpected = [...counts.keys()].some((k) => !(k in want));
    const offShare = Object.entries(want).some(([k, p]) => Math.abs((shares[k] ?? 0) - p) > SAMPLED_SHARE_TOLERANCE);
    const missing = Object.entries(want).some(([k, p]) => p >= 0.5 && !counts.has(k));
    if (known === 0 || unexpected || offShare || missing) {
      out.push({
        field: 'backends',
        expected: formatBackends(want),
        actual: known === 0 ? 'could not tell which backend answered' : formatBackends(shares),
      });
    }
  }
  return out;
}

function statusForVerdict(v: Verdict | undefined): number | null | undefined {
  if (v === 'allowed') return 200;
  if (v === 'no-route') return 404;
  return undefined;
}

function statusMatches(want: number | null | undefined, verdict: Verdict | undefined, s: number | null): boolean {
  if (want !== undefined) return want === s;
  if (verdict === 'denied') return s === null || s === 401 || s === 403 || s === 503;
  if (verdict === 'error') return s === null || s >= 500;
  return true;
}

function summarize(statuses: readonly (number | null)[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) {
    const k = s === null ? 'no response' : String(s);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => (statuses.length > 1 ? `${k} ×${n}` : k)).join(', ');
}
