// The registry contract: every rule is documented, tested and its own examples do what they claim.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, RULES, ruleById } from './index.ts';

const RULES_DIR = join(import.meta.dirname, 'rules');
/** `internal-error` cannot be produced by YAML on purpose (it marks a crashed rule). */
const NO_INVALID_EXAMPLE = new Set(['internal-error']);

/**
 * Every rule id ever published. Ids are a stable contract (CI configs, suppressions and SARIF baselines name them):
 * one may be added, never renamed or removed. The comparison is two-way, so a new rule is added here on purpose.
 */
const PUBLISHED = [
  'allow-misses-waypoint-identity',
  'allow-nothing',
  'backend-ref-not-permitted',
  'consumer-route-ignored-by-waypoint',
  'destinationrule-subsets-with-httproute',
  'envoyfilter-unsupported',
  'extension-provider-not-found',
  'gateway-api-crd-too-old',
  'gateway-api-experimental-field',
  'httproute-parent-waypoint',
  'ignore-annotation-invalid',
  'ingress-bypasses-waypoint',
  'internal-error',
  'jwt-not-required',
  'l7-policy-on-ztunnel',
  'mixed-virtualservice-httproute',
  'namespace-multiple-dataplane-labels',
  'parentref-service-missing-group',
  'peerauthentication-disable-is-permissive',
  'peerauthentication-root-selector-ignored',
  'policy-ignored-by-agentgateway-waypoint',
  'policy-port-is-service-port',
  'policy-selects-nothing',
  'regex-not-re2',
  'route-not-through-waypoint',
  'schema',
  'selector-policy-ignored-in-ambient',
  'serviceentry-hidden-by-visibility',
  'serviceentry-needs-addresses',
  'serviceentry-waypoint-visibility-forbidden',
  'sidecar-resource-ineffective',
  'targetref-service-without-waypoint',
  'telemetry-tracing-without-waypoint',
  'trust-domains-dropped',
  'use-waypoint-not-found',
  'virtualservice-on-waypoint',
  'waypoint-canary-not-attached',
  'waypoint-canary-same-as-primary',
  'waypoint-canary-weight-invalid',
  'waypoint-for-mismatch',
  'waypoint-listener',
  'workload-waypoint-skipped-for-service-traffic',
  'yaml-syntax',
  'ztunnel-unsupported-action',
];

describe('rule registry', () => {
  it('has exactly the published rule ids, kebab-case and unique', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const id of PUBLISHED) expect(ruleById(id), `published rule ${id} is gone`).toBeDefined();
    expect(
      ids.filter((id) => !PUBLISHED.includes(id)),
      'new rule ids: add them to PUBLISHED',
    ).toEqual([]);
  });

  it('every rule file is registered, and every rule has its own file and sibling test file', () => {
    const files = readdirSync(RULES_DIR).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts',
    );
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(RULES.map((r) => r.meta.id).sort());
    for (const r of RULES) {
      if (r.meta.id === 'internal-error') continue;
      expect(existsSync(join(RULES_DIR, `${r.meta.id}.test.ts`)), `${r.meta.id}.test.ts`).toBe(true);
    }
  });

  for (const r of RULES) {
    const m = r.meta;
    describe(m.id, () => {
      it('has one-line description and full docs', () => {
        expect(m.description.length).toBeGreaterThan(20);
        expect(m.description).not.toContain('\n');
        expect(m.docs.summary.length).toBeGreaterThan(40);
        expect(m.docs.details.length).toBeGreaterThan(80);
        expect(m.docs.fix.length).toBeGreaterThan(20);
        expect(['error', 'warning', 'info']).toContain(m.severity);
      });
      it('has at least one valid and one invalid example', () => {
        expect(m.examples.valid.length).toBeGreaterThanOrEqual(1);
        if (!NO_INVALID_EXAMPLE.has(m.id)) expect(m.examples.invalid.length).toBeGreaterThanOrEqual(1);
      });
      for (const ex of m.examples.valid)
        it(`valid example "${ex.title}" gives no ${m.id} finding`, () => {
          const report = lint({ file: 'example.yaml', text: ex.yaml });
          expect(report.findings.filter((f) => f.rule === m.id)).toEqual([]);
          // Examples are shown on the site as correct YAML: they must not be schema errors either.
          expect(report.findings.filter((f) => f.rule === 'schema' || f.rule === 'yaml-syntax')).toEqual([]);
        });
      for (const ex of m.examples.invalid)
        it(`invalid example "${ex.title}" gives ${m.id} at line ${ex.line}`, () => {
          const report = lint({ file: 'example.yaml', text: ex.yaml });
          const mine = report.findings.filter((f) => f.rule === m.id);
          expect(mine.length).toBeGreaterThanOrEqual(1);
          expect(mine[0]!.line).toBe(ex.line);
          expect(mine[0]!.docs).toBe(`/validator/rules/${m.id}/`);
          if (m.id !== 'schema' && m.id !== 'yaml-syntax')
            expect(report.findings.filter((f) => f.rule === 'schema' || f.rule === 'yaml-syntax')).toEqual([]);
        });
    });
  }
});
