// Hostile route regexes (issue #15): `/(a+)+` against `/aaa…a!` is exponential for a backtracking engine. Envoy
// and istiod use RE2 (linear), and so do we (src/lib/model/re2.ts). These tests check the answers are right and
// come back at all (the timeout is a hang guard, not a timing assertion: bench/hostile.bench.ts measures).
import { describe, expect, it } from 'vitest';
import { migrateSources } from '../../src/lib/migrate/index.ts';
import type { JsonObject } from '../../src/lib/model/index.ts';
import { parseManifests } from '../../src/lib/model/index.ts';
import { simulate } from '../../src/lib/simulator/index.ts';
import { lint } from '../../src/lib/validator/index.ts';
import { HOSTILE_REGEX, hostilePath, httpRouteWithRegex, virtualServiceWithRegex } from './regex-inputs.ts';

const HANG_GUARD = 20_000;

async function sim(yaml: string, path: string) {
  const { resources, issues } = parseManifests({ file: 'hostile.yaml', text: yaml });
  expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  return simulate(resources, { from: 'shop/web', to: 'cart', path }, { nowSeconds: 1_800_000_000 });
}

describe('hostile route regex', () => {
  it(
    'simulate: an HTTPRoute /(a+)+ does not match /a…a! (404) and does match /a…a',
    async () => {
      const yaml = httpRouteWithRegex(HOSTILE_REGEX);
      for (const n of [30, 5_000]) {
        const miss = await sim(yaml, hostilePath(n));
        expect(miss.verdict).toBe('no-route');
        expect(miss.status).toBe(404);
        const hit = await sim(yaml, `/${'a'.repeat(n)}`);
        expect(hit.verdict).toBe('allowed');
        expect(hit.backends.map((b) => b.service)).toEqual(['cart-v2']);
      }
    },
    HANG_GUARD,
  );

  it(
    'simulate: a huge regex (counted repeats past any length Istio accepts) is refused, not compiled: 404',
    async () => {
      const huge = `/${'(?:\\pL{1000}|a)'.repeat(300)}`;
      const r = await sim(httpRouteWithRegex(huge), '/a');
      expect(r.verdict).toBe('no-route');
    },
    HANG_GUARD,
  );

  it(
    'migrate: a VirtualService /(a+)+ before an exact /a…a! converts (the regex cannot match that path)',
    () => {
      for (const n of [30, 5_000]) {
        const path = hostilePath(n);
        const r = migrateSources({ file: 'vs.yaml', text: virtualServiceWithRegex(HOSTILE_REGEX, path) });
        expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
        const route = r.manifests.find((m) => m.kind === 'HTTPRoute');
        const rules = (route?.spec as JsonObject | undefined)?.rules as JsonObject[] | undefined;
        expect(rules?.flatMap((x) => x.matches as JsonObject[]).map((m) => m.path)).toEqual([
          { type: 'RegularExpression', value: HOSTILE_REGEX },
          { type: 'Exact', value: path },
        ]);
      }
    },
    HANG_GUARD,
  );

  it(
    'migrate: the same VirtualService with an exact path the regex can match is a blocker (order would change)',
    () => {
      const r = migrateSources({ file: 'vs.yaml', text: virtualServiceWithRegex(HOSTILE_REGEX, '/aaaa') });
      expect(r.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual([
        'migrate-match-order-changed',
      ]);
    },
    HANG_GUARD,
  );

  it(
    'lint: the hostile regex is valid RE2, so regex-not-re2 reports nothing',
    () => {
      const report = lint({ file: 'hostile.yaml', text: httpRouteWithRegex(HOSTILE_REGEX) });
      expect(report.findings.filter((f) => f.rule === 'regex-not-re2')).toEqual([]);
      // A lookahead in the same place is reported: the rule is on, and decides with the same engine.
      const bad = lint({ file: 'bad.yaml', text: httpRouteWithRegex('/(?=a)(a+)+') });
      expect(bad.findings.filter((f) => f.rule === 'regex-not-re2')).toHaveLength(1);
    },
    HANG_GUARD,
  );
});
