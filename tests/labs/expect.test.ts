import { describe, expect, it } from 'vitest';
import { compare, compareObserved } from '../../src/lib/expect/compare.ts';
import type { Outcome } from '../../src/lib/expect/compare.ts';
import { identifyBackend } from '../../labs/runner/expect.ts';
import type { Observation } from '../../labs/runner/expect.ts';
import { curlCommand, parseCurl } from '../../labs/runner/real-check.ts';
import { requestCheckSchema } from '../../labs/schema.ts';
import type { LabDefinition } from '../../labs/schema.ts';

// Lab checks compare through src/lib/expect; these cases pin what that means for a lab's `expect` as written in
// labs/<id>/lab.ts (backends as a list of { service, probability }).
type LabExpect = Extract<LabDefinition['steps'][number]['checks'][number], { type: 'request' }>['expect'];
const want = (e: LabExpect) => requestCheckSchema.shape.expect.parse(e);

const allowed: Outcome = {
  verdict: 'allowed',
  deniedAt: null,
  status: 200,
  waypoint: { namespace: 'bookinfo', name: 'waypoint' },
  backends: [
    { namespace: 'bookinfo', service: 'reviews-v1', probability: 0.9 },
    { namespace: 'bookinfo', service: 'reviews-v3', probability: 0.1 },
  ],
  decidedBy: null,
};

describe('lab check against the simulator (compare)', () => {
  it('matches only the fields the expectation sets', () => {
    expect(compare(want({ verdict: 'allowed' }), allowed)).toEqual([]);
    expect(compare(want({ verdict: 'allowed', status: 200, waypoint: 'bookinfo/waypoint' }), allowed)).toEqual([]);
  });
  it('reports each differing field', () => {
    const m = compare(want({ verdict: 'denied', status: 403, deniedAt: 'waypoint', waypoint: null }), allowed);
    expect(m.map((x) => x.field)).toEqual(['verdict', 'status', 'deniedAt', 'waypoint']);
  });
  it('compares backends as a set with probabilities', () => {
    const split = [
      { service: 'bookinfo/reviews-v3', probability: 0.1 },
      { service: 'bookinfo/reviews-v1', probability: 0.9 },
    ];
    expect(compare(want({ verdict: 'allowed', backends: split }), allowed)).toEqual([]);
    expect(
      compare(
        want({ verdict: 'allowed', backends: [{ service: 'bookinfo/reviews-v1', probability: 1 }] }),
        allowed,
      ).map((m) => m.field),
    ).toEqual(['backends']);
  });
  it('a status of null (reset) is not the same as no status check', () => {
    const reset: Outcome = { ...allowed, verdict: 'denied', deniedAt: 'ztunnel', status: null, backends: [] };
    expect(compare(want({ verdict: 'denied', status: null }), reset)).toEqual([]);
    expect(compare(want({ verdict: 'denied', status: 503 }), reset).map((m) => m.field)).toEqual(['status']);
  });
});

const obs = (statuses: (number | null)[], backends: (string | undefined)[] = []): Observation => ({
  samples: statuses.length,
  statuses,
  backends: backends.length ? backends : statuses.map(() => undefined),
  errors: [],
});

describe('lab check on a cluster (compareObserved)', () => {
  it('allowed means 200 when no status is given', () => {
    expect(compareObserved(want({ verdict: 'allowed' }), obs([200]))).toEqual([]);
    expect(compareObserved(want({ verdict: 'allowed' }), obs([503])).map((m) => m.field)).toEqual(['status']);
  });
  it('a reset expectation fails on any HTTP answer', () => {
    expect(compareObserved(want({ verdict: 'denied', status: null }), obs([null, null]))).toEqual([]);
    expect(compareObserved(want({ verdict: 'denied', status: null }), obs([null, 200]))).toHaveLength(1);
  });
  it('weighted backends within tolerance pass, a backend outside the split fails', () => {
    const split = want({
      verdict: 'allowed',
      backends: [
        { service: 'b/reviews-v1', probability: 0.9 },
        { service: 'b/reviews-v3', probability: 0.1 },
      ],
    });
    const nine = Array.from({ length: 10 }, (_, i) => (i < 8 ? 'b/reviews-v1' : 'b/reviews-v3'));
    expect(
      compareObserved(
        split,
        obs(
          nine.map(() => 200),
          nine,
        ),
      ),
    ).toEqual([]);
    const stray = [...nine.slice(0, 9), 'b/reviews-v2'];
    expect(
      compareObserved(
        split,
        obs(
          stray.map(() => 200),
          stray,
        ),
      ).map((m) => m.field),
    ).toEqual(['backends']);
    const allV3 = nine.map(() => 'b/reviews-v3');
    expect(
      compareObserved(
        split,
        obs(
          allV3.map(() => 200),
          allV3,
        ),
      ).map((m) => m.field),
    ).toEqual(['backends']);
  });
  it('cannot pass a backend check when no response tells the backend', () => {
    const one = want({ verdict: 'allowed', backends: [{ service: 'b/reviews-v2', probability: 1 }] });
    expect(compareObserved(one, obs([200, 200]))).toHaveLength(1);
  });
});

describe('identifyBackend', () => {
  it('uses podname when present', () => {
    expect(
      identifyBackend('bookinfo', '{"id":"0","podname":"reviews-v2-5d8f7c-abcde","clustername":"null","reviews":[]}'),
    ).toBe('bookinfo/reviews-v2');
  });
  it('falls back to the star colour', () => {
    expect(identifyBackend('b', '{"id":"0","reviews":[{"reviewer":"x","rating":{"stars":5,"color":"red"}}]}')).toBe(
      'b/reviews-v3',
    );
    expect(identifyBackend('b', '{"id":"0","reviews":[{"reviewer":"x","rating":{"stars":5,"color":"black"}}]}')).toBe(
      'b/reviews-v2',
    );
    expect(identifyBackend('b', '{"id":"0","reviews":[{"reviewer":"x","text":"ok"}]}')).toBe('b/reviews-v1');
  });
  it('is undefined for other bodies', () => {
    expect(identifyBackend('b', '<html>productpage</html>')).toBeUndefined();
    expect(
      identifyBackend('b', '{"id":"0","reviews":[{"rating":{"error":"Ratings service is currently unavailable"}}]}'),
    ).toBeUndefined();
  });
});

describe('curl plumbing', () => {
  const check = requestCheckSchema.parse({
    type: 'request',
    name: 'n',
    from: 'bookinfo/curl',
    to: 'reviews:9080',
    method: 'POST',
    path: '/reviews/0',
    headers: { 'end-user': 'jason' },
    jwt: 'a.b.c',
    expect: { verdict: 'allowed' },
  });
  it('builds the command with method, headers, token and a trailing status line', () => {
    const cmd = curlCommand(check, 'http://reviews:9080');
    expect(cmd.at(-1)).toBe('http://reviews:9080/reviews/0');
    expect(cmd).toContain('POST');
    expect(cmd.join(' ')).toContain('-H end-user: jason');
    expect(cmd.join(' ')).toContain('-H Authorization: Bearer a.b.c');
    expect(cmd).toContain('\\n%{http_code}');
  });
  it('parses the status line; 000 means no HTTP response', () => {
    expect(parseCurl('{"ok":1}\n200', 0)).toEqual({ status: 200, body: '{"ok":1}' });
    expect(parseCurl('RBAC: access denied\n403', 0)).toEqual({ status: 403, body: 'RBAC: access denied' });
    expect(parseCurl('\n000', 56).status).toBeNull();
    expect(parseCurl('', 7).status).toBeNull();
  });
});

describe('kind plumbing', async () => {
  const { hostKubeconfig, kindCreateScript } = await import('../../labs/runner/docker.ts');
  const kc =
    'Warning: x\napiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: AAA\n    server: https://127.0.0.1:41234\n  name: kind-a\n';
  it('keeps the kubeconfig for a local engine, minus leading noise', () => {
    expect(hostKubeconfig(kc, 'localhost')).toBe(kc.slice(kc.indexOf('apiVersion')));
  });
  it('points a remote engine kubeconfig at its host, with the certificate name localhost', () => {
    const out = hostKubeconfig(kc, '10.1.2.3');
    expect(out).toContain('    server: https://10.1.2.3:41234\n    tls-server-name: localhost\n');
  });
  it('creates the cluster only when it does not exist, with the pinned node image', () => {
    const s = kindCreateScript('atlas-x');
    expect(s).toMatch(/if ! kind get clusters \| grep -qx "atlas-x"/);
    expect(s).toMatch(/--image "kindest\/node:v[\d.]+@sha256:[0-9a-f]{64}"/);
    expect(s).not.toContain('apiServerAddress');
    expect(kindCreateScript('atlas-x', true)).toContain('apiServerAddress: "0.0.0.0"');
  });
});
