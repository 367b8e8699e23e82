import { describe as group, expect, it } from 'vitest';
import {
  compare,
  compareObserved,
  describe,
  describeOutcome,
  describeRequest,
  describeResult,
  ExpectationError,
  expectationIssues,
  expectationSchema,
  outcomeSchema,
  parseExpectation,
  PROBABILITY_TOLERANCE,
  requestOf,
} from './index.ts';
import type { Outcome } from './index.ts';

const canary: Outcome = {
  verdict: 'allowed',
  deniedAt: null,
  status: 200,
  waypoint: { namespace: 'bookinfo', name: 'waypoint' },
  backends: [
    { namespace: 'bookinfo', service: 'reviews-v1', probability: 0.9 },
    { namespace: 'bookinfo', service: 'reviews-v3', probability: 0.1 },
  ],
  decidedBy: null,
  client: { dataplane: 'ambient' },
};

const denied: Outcome = {
  verdict: 'denied',
  deniedAt: 'waypoint',
  status: 403,
  waypoint: { namespace: 'bookinfo', name: 'waypoint' },
  backends: [],
  decidedBy: { kind: 'AuthorizationPolicy', namespace: 'bookinfo', name: 'reviews-get-only', rule: 0 },
};

const outcome = (input: unknown) => outcomeSchema.parse(input);
const issues = (input: unknown) => {
  const r = expectationSchema.safeParse(input);
  return r.success ? [] : expectationIssues(r.error);
};

group('the schema', () => {
  it('accepts a request with every option and a full expectation', () => {
    const e = parseExpectation({
      from: 'bookinfo/curl',
      to: 'reviews:9080',
      method: 'POST',
      path: '/reviews/0?x=1',
      headers: { 'end-user': 'jason' },
      jwt: 'a.b.c',
      expect: {
        verdict: 'denied',
        status: 403,
        deniedAt: 'waypoint',
        waypoint: 'bookinfo/waypoint',
        decidedBy: 'AuthorizationPolicy bookinfo/reviews-get-only',
        backends: {},
        clientDataplane: 'ambient',
      },
    });
    expect(e.expect.backends).toEqual({});
    expect(requestOf(e)).toEqual({
      from: 'bookinfo/curl',
      to: 'reviews:9080',
      method: 'POST',
      path: '/reviews/0?x=1',
      headers: { 'end-user': 'jason' },
      jwt: 'a.b.c',
    });
  });

  it('reads the three spellings of backends the same way (labs, scenario tables, claims and exercises)', () => {
    const want = { 'bookinfo/reviews-v1': 0.9, 'bookinfo/reviews-v3': 0.1 };
    expect(outcome({ backends: want }).backends).toEqual(want);
    expect(outcome({ backends: ['bookinfo/reviews-v1@0.9', 'bookinfo/reviews-v3@0.1'] }).backends).toEqual(want);
    expect(
      outcome({
        backends: [
          { service: 'bookinfo/reviews-v1', probability: 0.9 },
          { service: 'bookinfo/reviews-v3', probability: 0.1 },
        ],
      }).backends,
    ).toEqual(want);
    expect(outcome({ backends: ['shop/catalog'] }).backends).toEqual({ 'shop/catalog': 1 });
    expect(outcome({ backends: [] }).backends).toEqual({});
  });

  it('accepts external clients, pod targets, null values and no verdict', () => {
    expect(issues({ from: 'external', to: 'pod/shop/web:8080', expect: { status: null, waypoint: null } })).toEqual([]);
    expect(issues({ from: 'shop/web', to: 'api.example.com', expect: { clientDataplane: 'sidecar' } })).toEqual([]);
  });

  it('names the path and the problem of a malformed expectation', () => {
    expect(issues({ from: 'curl', to: 'reviews', expect: {} })).toEqual([
      { path: 'from', message: 'expected NAMESPACE/NAME of a workload, or external' },
    ]);
    expect(issues({ from: 'a/b', to: 'reviews', expect: { verdict: 'ok' } })[0]!.path).toBe('expect.verdict');
    expect(issues({ from: 'a/b', to: 'reviews', expect: { status: 42 } })).toEqual([
      { path: 'expect.status', message: 'an HTTP status is 100–599' },
    ]);
    expect(issues({ from: 'a/b', to: 'reviews', expect: { verdit: 'allowed' } })).toEqual([
      { path: 'expect.verdit', message: 'unknown field "verdit"' },
    ]);
    expect(issues({ from: 'a/b', to: 'reviews', expect: { waypoint: 'waypoint' } })).toEqual([
      { path: 'expect.waypoint', message: 'expected NAMESPACE/NAME' },
    ]);
    expect(issues({ from: 'a/b', to: 'reviews', path: 'reviews', expect: {} })).toEqual([
      { path: 'path', message: 'a path starts with /' },
    ]);
  });

  it('reports the backend form the input got into, not every union branch', () => {
    expect(issues({ from: 'a/b', to: 'r', expect: { backends: [{ service: 'b/r-v1', probability: 1.5 }] } })).toEqual([
      { path: 'expect.backends[0].probability', message: 'a probability is at most 1' },
    ]);
    expect(issues({ from: 'a/b', to: 'r', expect: { backends: ['b/r-v1@2'] } })[0]!.path).toBe('expect.backends[0]');
    expect(issues({ from: 'a/b', to: 'r', expect: { backends: 'r-v1' } })).toEqual([
      { path: 'expect.backends', message: 'expected backends as { SERVICE: PROBABILITY, … } or a list of them' },
    ]);
  });

  it('refuses backends that mix name forms or do not add up to 1', () => {
    expect(issues({ from: 'a/b', to: 'r', expect: { backends: { 'r-v1': 0.5, 'b/r-v2': 0.5 } } })[0]!.message).toMatch(
      /either NAME or NAMESPACE\/NAME/,
    );
    expect(issues({ from: 'a/b', to: 'r', expect: { backends: { 'r-v1': 0.8, 'r-v2': 0.3 } } })[0]!.message).toBe(
      'backend probabilities add up to 1.1, not 1',
    );
    // A split written to three decimals still adds up.
    expect(issues({ from: 'a/b', to: 'r', expect: { backends: { a: 0.333, b: 0.333, c: 0.333 } } })).toEqual([]);
  });

  it('parseExpectation throws one error listing every issue with its place', () => {
    let err: unknown;
    try {
      parseExpectation({ from: 'x', to: 'r', expect: { status: 'ok' } }, 'claims.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExpectationError);
    expect((err as ExpectationError).message).toBe(
      'claims.yaml is invalid:\n' +
        '  from: expected NAMESPACE/NAME of a workload, or external\n' +
        '  expect.status: expected an HTTP status (100–599) or null',
    );
    expect((err as ExpectationError).issues).toHaveLength(2);
  });
});

group('compare', () => {
  it('passes when every named field matches, and checks only those', () => {
    expect(compare({}, canary)).toEqual([]);
    expect(compare(outcome({ verdict: 'allowed', status: 200, waypoint: 'bookinfo/waypoint' }), canary)).toEqual([]);
    expect(compare(outcome({ verdict: 'denied', decidedBy: 'bookinfo/reviews-get-only' }), denied)).toEqual([]);
    expect(
      compare(outcome({ decidedBy: 'AuthorizationPolicy bookinfo/reviews-get-only', deniedAt: 'waypoint' }), denied),
    ).toEqual([]);
    expect(compare(outcome({ clientDataplane: 'ambient' }), canary)).toEqual([]);
  });

  it('reports each differing field with what was expected and what happened', () => {
    expect(
      compare(
        outcome({
          verdict: 'denied',
          status: null,
          deniedAt: 'ztunnel',
          waypoint: null,
          decidedBy: 'PeerAuthentication bookinfo/strict',
          clientDataplane: 'sidecar',
        }),
        canary,
      ),
    ).toEqual([
      { field: 'verdict', expected: 'denied', actual: 'allowed' },
      { field: 'status', expected: 'none', actual: '200' },
      { field: 'deniedAt', expected: 'ztunnel', actual: 'none' },
      { field: 'waypoint', expected: 'none', actual: 'bookinfo/waypoint' },
      { field: 'decidedBy', expected: 'PeerAuthentication bookinfo/strict', actual: 'none' },
      { field: 'clientDataplane', expected: 'sidecar', actual: 'ambient' },
    ]);
    expect(compare(outcome({ decidedBy: 'PeerAuthentication bookinfo/reviews-get-only' }), denied)).toEqual([
      {
        field: 'decidedBy',
        expected: 'PeerAuthentication bookinfo/reviews-get-only',
        actual: 'AuthorizationPolicy bookinfo/reviews-get-only',
      },
    ]);
    expect(compare(outcome({ decidedBy: null }), denied).map((m) => m.field)).toEqual(['decidedBy']);
  });

  it('a reset (status null) is not the same as an unchecked status', () => {
    const reset: Outcome = { ...canary, verdict: 'denied', deniedAt: 'ztunnel', status: null, backends: [] };
    expect(compare(outcome({ status: null }), reset)).toEqual([]);
    expect(compare(outcome({ status: 503 }), reset)).toEqual([{ field: 'status', expected: '503', actual: 'none' }]);
  });

  it('compares backends as a set, by short or qualified name as the expectation writes them', () => {
    expect(compare(outcome({ backends: { 'reviews-v3': 0.1, 'reviews-v1': 0.9 } }), canary)).toEqual([]);
    expect(compare(outcome({ backends: ['bookinfo/reviews-v3@0.1', 'bookinfo/reviews-v1@0.9'] }), canary)).toEqual([]);
    // A short name is not the qualified one, and the other way round.
    expect(compare(outcome({ backends: { 'other/reviews-v1': 0.9, 'other/reviews-v3': 0.1 } }), canary)).toHaveLength(
      1,
    );
  });

  it('probabilities within the tolerance match; just outside it they do not', () => {
    const inside = PROBABILITY_TOLERANCE * 0.9;
    const outside = PROBABILITY_TOLERANCE * 1.5;
    expect(compare(outcome({ backends: { 'reviews-v1': 0.9 - inside, 'reviews-v3': 0.1 + inside } }), canary)).toEqual(
      [],
    );
    expect(
      compare(outcome({ backends: { 'reviews-v1': 0.9 - outside, 'reviews-v3': 0.1 + outside } }), canary),
    ).toEqual([
      { field: 'backends', expected: 'reviews-v1 89.9%, reviews-v3 10.2%', actual: 'reviews-v1 90%, reviews-v3 10%' },
    ]);
    expect(compare(outcome({ backends: { 'reviews-v1': 0.8, 'reviews-v3': 0.2 } }), canary)).toHaveLength(1);
    expect(PROBABILITY_TOLERANCE).toBeGreaterThan(0);
    expect(PROBABILITY_TOLERANCE).toBeLessThanOrEqual(0.001);
  });

  it('a missing, an extra or a weight-0 backend', () => {
    expect(compare(outcome({ backends: { 'reviews-v1': 1 } }), canary)).toEqual([
      { field: 'backends', expected: 'reviews-v1 100%', actual: 'reviews-v1 90%, reviews-v3 10%' },
    ]);
    expect(compare(outcome({ backends: ['reviews-v1@0.9', 'reviews-v2@0', 'reviews-v3@0.1'] }), canary)).toEqual([]);
    expect(compare(outcome({ backends: [] }), canary)).toEqual([
      { field: 'backends', expected: 'nowhere', actual: 'reviews-v1 90%, reviews-v3 10%' },
    ]);
    expect(compare(outcome({ backends: [] }), denied)).toEqual([]);
  });

  it('adds up the probabilities of one Service (two subsets of it)', () => {
    const subsets: Outcome = {
      ...canary,
      backends: [
        { namespace: 'shop', service: 'cart', probability: 0.5 },
        { namespace: 'shop', service: 'cart', probability: 0.5 },
      ],
    };
    expect(compare(outcome({ backends: { cart: 1 } }), subsets)).toEqual([]);
  });
});

group('compareObserved (real responses)', () => {
  const seen = (statuses: (number | null)[], backends: (string | undefined)[] = statuses.map(() => undefined)) => ({
    statuses,
    backends,
  });
  it('infers the status from the verdict when none is given', () => {
    expect(compareObserved(outcome({ verdict: 'allowed' }), seen([200, 200]))).toEqual([]);
    expect(compareObserved(outcome({ verdict: 'no-route' }), seen([404]))).toEqual([]);
    expect(compareObserved(outcome({ verdict: 'denied' }), seen([403, null, 503]))).toEqual([]);
    expect(compareObserved(outcome({ verdict: 'denied' }), seen([200]))).toEqual([
      { field: 'status', expected: 'a status for "denied"', actual: '200' },
    ]);
  });
  it('compares sampled shares with short or qualified names', () => {
    const answered = ['b/reviews-v1', 'b/reviews-v1', 'b/reviews-v1', 'b/reviews-v3'];
    const ok = seen([200, 200, 200, 200], answered);
    expect(compareObserved(outcome({ backends: { 'reviews-v1': 0.9, 'reviews-v3': 0.1 } }), ok)).toEqual([]);
    expect(compareObserved(outcome({ backends: { 'b/reviews-v1': 0.9, 'b/reviews-v3': 0.1 } }), ok)).toEqual([]);
    expect(compareObserved(outcome({ backends: { 'reviews-v3': 1 } }), ok).map((m) => m.field)).toEqual(['backends']);
  });
});

group('describe', () => {
  const e = parseExpectation({
    from: 'bookinfo/curl',
    to: 'reviews:9080',
    path: '/reviews/0',
    headers: { 'end-user': 'jason' },
    jwt: 'a.b.c',
    expect: { verdict: 'allowed', status: 200, waypoint: 'bookinfo/waypoint', backends: ['bookinfo/reviews-v2'] },
  });

  it('says the request and the expectation in one line', () => {
    expect(describe(e)).toBe(
      "GET reviews:9080/reviews/0 from bookinfo/curl -H 'end-user: jason' with a JWT → expect allowed, status 200, " +
        'via waypoint bookinfo/waypoint, backends bookinfo/reviews-v2 100%',
    );
    expect(describeRequest({ from: 'external', to: 'db:5432', tcp: true })).toBe('TCP db:5432 from external');
  });

  it('words every field, null values included', () => {
    expect(describeOutcome({})).toBe('any outcome');
    expect(
      describeOutcome(
        outcome({
          verdict: 'denied',
          status: null,
          deniedAt: 'ztunnel',
          waypoint: null,
          decidedBy: 'AuthorizationPolicy shop/deny',
          clientDataplane: 'ambient',
        }),
      ),
    ).toBe(
      'denied, status none (reset), at ztunnel, no waypoint, decided by AuthorizationPolicy shop/deny, client dataplane ambient',
    );
    expect(describeOutcome(outcome({ verdict: 'no-route', status: 404, backends: [], decidedBy: null }))).toBe(
      'no-route, status 404, routed nowhere, decided by no policy',
    );
    expect(describeOutcome(outcome({ backends: { a: 1 / 3, b: 2 / 3 } }))).toBe('backends a 33.3%, b 66.7%');
  });

  it('words a result like the expectation it is shown next to', () => {
    expect(describeResult(denied)).toBe('denied, status 403, at waypoint');
    expect(describeResult(canary, outcome({ backends: { 'reviews-v1': 1 } }))).toBe(
      'allowed, status 200, backends reviews-v1 90%, reviews-v3 10%',
    );
    expect(describeResult(denied, outcome({ waypoint: null, decidedBy: 'bookinfo/x' }))).toBe(
      'denied, status 403, at waypoint, via waypoint bookinfo/waypoint, decided by bookinfo/reviews-get-only',
    );
  });
});
