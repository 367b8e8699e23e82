// Comparing what a check expects with (a) the simulator's prediction and (b) what a real cluster answered.
// Pure functions: unit-tested without Docker.
import type { RequestExpectation } from '../schema.ts';

/** The subset of the simulator's result (DESIGN §4.3) a lab expectation talks about. */
export interface Prediction {
  readonly verdict: 'allowed' | 'denied' | 'no-route' | 'error';
  readonly deniedAt: 'ztunnel' | 'waypoint' | null;
  readonly status: number | null;
  readonly waypoint: { readonly namespace: string; readonly name: string } | null;
  readonly backends: readonly { readonly namespace: string; readonly service: string; readonly probability: number }[];
}

export interface Mismatch {
  readonly field: 'verdict' | 'status' | 'deniedAt' | 'waypoint' | 'backends';
  readonly expected: string;
  readonly actual: string;
}

const EPS = 1e-6;

/** Every field the expectation sets must equal the prediction's (probabilities within 1e-6). */
export function comparePrediction(expect: RequestExpectation, p: Prediction): Mismatch[] {
  const out: Mismatch[] = [];
  if (expect.verdict !== p.verdict) out.push({ field: 'verdict', expected: expect.verdict, actual: p.verdict });
  if (expect.status !== undefined && expect.status !== p.status)
    out.push({ field: 'status', expected: String(expect.status), actual: String(p.status) });
  if (expect.deniedAt !== undefined && expect.deniedAt !== p.deniedAt)
    out.push({ field: 'deniedAt', expected: String(expect.deniedAt), actual: String(p.deniedAt) });
  if (expect.waypoint !== undefined) {
    const actual = p.waypoint ? `${p.waypoint.namespace}/${p.waypoint.name}` : null;
    if (expect.waypoint !== actual)
      out.push({ field: 'waypoint', expected: String(expect.waypoint), actual: String(actual) });
  }
  if (expect.backends !== undefined) {
    const want = new Map(expect.backends.filter((b) => b.probability > 0).map((b) => [b.service, b.probability]));
    const got = new Map<string, number>();
    for (const b of p.backends) {
      const key = `${b.namespace}/${b.service}`;
      got.set(key, (got.get(key) ?? 0) + b.probability);
    }
    for (const [k, v] of [...got]) if (v <= EPS) got.delete(k);
    const same = want.size === got.size && [...want].every(([k, v]) => Math.abs((got.get(k) ?? -1) - v) <= EPS);
    if (!same) out.push({ field: 'backends', expected: formatBackends(want), actual: formatBackends(got) });
  }
  return out;
}

export function formatBackends(m: ReadonlyMap<string, number>): string {
  if (m.size === 0) return '(none)';
  return [...m]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${Math.round(v * 1000) / 1000}`)
    .join(', ');
}

/** What real requests from a client pod returned. */
export interface Observation {
  readonly samples: number;
  /** HTTP status per sample; null when curl got no HTTP response (reset, refused, timeout). */
  readonly statuses: readonly (number | null)[];
  /** `namespace/service` that answered each sample, when the response tells (see identifyBackend). */
  readonly backends: readonly (string | undefined)[];
  /** curl's error line for samples without a status, e.g. "Recv failure: Connection reset by peer". */
  readonly errors: readonly string[];
}

/**
 * Compare a real observation with the expectation. What a cluster cannot show from the client (deniedAt, which
 * waypoint) is left to the simulator; status and backends are compared. Weighted backends use a tolerance: every
 * backend seen must be expected, the observed share of each must be within `tolerance` of its weight, and a
 * backend expected with probability >= 0.5 must be seen.
 */
export function compareObservation(expect: RequestExpectation, o: Observation, tolerance = 0.25): Mismatch[] {
  const out: Mismatch[] = [];
  const wantStatus = expect.status !== undefined ? expect.status : statusForVerdict(expect.verdict);
  const badStatus = o.statuses.filter((s) => !statusMatches(wantStatus, expect.verdict, s));
  if (badStatus.length > 0) {
    out.push({
      field: 'status',
      expected: wantStatus === undefined ? `a status for "${expect.verdict}"` : String(wantStatus),
      actual: summarize(o.statuses),
    });
  }
  if (expect.backends !== undefined && badStatus.length === 0) {
    const want = new Map(expect.backends.filter((b) => b.probability > 0).map((b) => [b.service, b.probability]));
    const counts = new Map<string, number>();
    let unknown = 0;
    for (const b of o.backends) {
      if (b === undefined) unknown++;
      else counts.set(b, (counts.get(b) ?? 0) + 1);
    }
    const known = o.backends.length - unknown;
    const shares = new Map([...counts].map(([k, v]) => [k, known ? v / known : 0]));
    const unexpected = [...counts.keys()].some((k) => !want.has(k));
    const offShare = [...want].some(([k, p]) => Math.abs((shares.get(k) ?? 0) - p) > tolerance);
    const missing = [...want].some(([k, p]) => p >= 0.5 && !counts.has(k));
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

function statusForVerdict(v: RequestExpectation['verdict']): number | null | undefined {
  if (v === 'allowed') return 200;
  if (v === 'no-route') return 404;
  return undefined;
}

function statusMatches(
  want: number | null | undefined,
  verdict: RequestExpectation['verdict'],
  s: number | null,
): boolean {
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

/**
 * Body shape per istio/istio samples/bookinfo/src/reviews/reviews-application/src/main/java/application/rest/
 * LibertyRestEndpoint.java: v1 is built without ratings (no "rating" key), v2 and v3 add
 * `"rating": {"stars": n, "color": "black"|"red"}` (or `{"error": …}` when ratings is unreachable).
 *
 * Which bookinfo reviews version answered, from the JSON body of GET /reviews/<id>: the `podname` field when the
 * image reports it (reviews-v2-7f…), else the star colour (v2 black, v3 red, v1 none). Undefined for anything else.
 */
export function identifyBackend(namespace: string, body: string): string | undefined {
  const pod = /"podname"\s*:\s*"(reviews-v[123])-/.exec(body);
  if (pod) return `${namespace}/${pod[1]}`;
  if (!/"reviews"\s*:/.test(body)) return undefined;
  const color = /"color"\s*:\s*"([a-z]+)"/.exec(body);
  if (color?.[1] === 'red') return `${namespace}/reviews-v3`;
  if (color?.[1] === 'black') return `${namespace}/reviews-v2`;
  if (!/"rating"\s*:/.test(body)) return `${namespace}/reviews-v1`;
  return undefined;
}
