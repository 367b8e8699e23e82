// What a real cluster answered to a lab check's requests, and which bookinfo backend answered. Comparing it (and the
// simulator's prediction) with the check's expectation is src/lib/expect's job (compareObserved, compare).
import type { Observed } from '../../src/lib/expect/compare.ts';

/** What real requests from a client pod returned. */
export interface Observation extends Observed {
  readonly samples: number;
  /** curl's error line for samples without a status, e.g. "Recv failure: Connection reset by peer". */
  readonly errors: readonly string[];
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
