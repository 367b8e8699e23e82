// Cross-engine agreement: what a rule's docs say its invalid example does to traffic (RuleEffect in
// src/lib/validator/rule.ts) is what the simulator answers for that example. A rule whose docs claim a traffic
// effect must state it as an `effect`, so the validator and the simulator cannot drift apart unnoticed.
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/lib/model/index.ts';
import { simulate } from '../../src/lib/simulator/index.ts';
import { compare, outcomeSchema, parseWith, requestOf, requestSchema } from '../../src/lib/expect/index.ts';
import { lint, RULES } from '../../src/lib/validator/index.ts';
import type { InvalidRuleExample, RuleEffect } from '../../src/lib/validator/rule.ts';

/** At least this many rules state an effect (raise it when you add one; it guards against effects being dropped). */
const MIN_RULES_WITH_EFFECT = 18;

/**
 * Rules whose docs use a traffic word but state no `effect`, each with the reason the simulator cannot check it.
 * Keep this list short and every reason true.
 */
const EXEMPT: Readonly<Record<string, string>> = {
  'gateway-api-crd-too-old':
    'the example is a CustomResourceDefinition, which the simulator does not read (it follows the chosen Gateway API line); the ignored-TCPRoute outcome is pinned per line in tests/scenarios/versions.cases.ts',
  'backend-ref-not-permitted':
    "the 500 happens at an ingress Gateway's route, and the simulator's ingress client load-balances to the destination without applying Gateway-parent routes",
  'virtualservice-on-waypoint': 'an alpha caveat ("some fields are ignored"): no single request outcome to assert',
  'envoyfilter-unsupported': 'the simulator does not model Envoy patches (what a Lua filter or header patch does)',
  'sidecar-resource-ineffective': 'the simulator does not model Sidecar egress scoping or outboundTrafficPolicy',
  'telemetry-tracing-without-waypoint': 'spans are observability, not a request outcome the simulator reports',
  'mixed-virtualservice-httproute':
    'the docs say the result is undefined (concatenated, not ranked): no one outcome to assert',
  'regex-not-re2': 'the claim is about which regexes istiod accepts, not about a request outcome',
  'gateway-api-experimental-field':
    'the claim is about the CRD channel the API server accepts, not about a request outcome',
  schema: 'schema errors are rejected by the API server: no object, no traffic',
  'yaml-syntax': 'a YAML syntax error applies nothing',
  'internal-error': 'marks a crashed rule; it has no example',
  'extension-provider-not-found':
    'the simulator does not model ext_authz (CUSTOM) calls or Telemetry providers, so the deny an unknown provider becomes is not traced',
};

/**
 * Words by which a rule's docs summary claims an effect on requests. Matched on the summary only (the details
 * explain mechanisms and mention these words for contrast).
 */
const TRAFFIC_CLAIM =
  /\b(den(y|ies|ied)|bypass(es|ed)?|no effect|does nothing|do nothing|enforced nowhere|never (matches|match|applies|validated|loaded)|is ignored|are ignored|ignored|reset|403|401|404|500|503)\b/i;

const effects: { id: string; ex: InvalidRuleExample; effect: RuleEffect }[] = [];
for (const r of RULES)
  for (const ex of r.meta.examples.invalid) if (ex.effect) effects.push({ id: r.meta.id, ex, effect: ex.effect });

describe('cross-engine: rule effects hold in the simulator', () => {
  it(`at least ${MIN_RULES_WITH_EFFECT} rules state an effect`, () => {
    expect(new Set(effects.map((e) => e.id)).size).toBeGreaterThanOrEqual(MIN_RULES_WITH_EFFECT);
  });

  it('every rule whose docs claim a traffic effect states one (or is exempt, with a reason)', () => {
    const missing = RULES.filter(
      (r) =>
        TRAFFIC_CLAIM.test(r.meta.docs.summary) &&
        !r.meta.examples.invalid.some((ex) => ex.effect) &&
        EXEMPT[r.meta.id] === undefined,
    ).map((r) => r.meta.id);
    expect(missing).toEqual([]);
  });

  it('exemptions name existing rules without an effect', () => {
    const ids = new Set(RULES.map((r) => r.meta.id));
    for (const id of Object.keys(EXEMPT)) {
      expect(ids.has(id), id).toBe(true);
      expect(
        effects.some((e) => e.id === id),
        `${id} states an effect: drop its exemption`,
      ).toBe(false);
    }
  });

  for (const { id, ex, effect } of effects) {
    const inputs = [
      { file: 'example.yaml', text: ex.yaml },
      ...(effect.context ? [{ file: 'context.yaml', text: effect.context }] : []),
    ];
    describe(`${id}: ${ex.title}`, () => {
      it('the context does not hide the finding', () => {
        const found = lint(inputs).findings.filter((f) => f.rule === id && f.file === 'example.yaml');
        expect(found.map((f) => f.line)).toContain(ex.line);
      });
      it(`simulator: ${effect.says}`, async () => {
        const request = parseWith(requestSchema, effect.request, `${id} effect.request`);
        const want = parseWith(outcomeSchema, effect.expect, `${id} effect.expect`);
        const { resources } = parseManifests(inputs);
        const r = await simulate(resources, requestOf(request));
        expect(compare(want, r), JSON.stringify(r.hops)).toEqual([]);
      });
    });
  }
});
