// The ruleCases helper (tests/support/rule-cases.ts) itself: what it compares is the rule id and line:column of every
// finding of a run of that one rule, so a case can fail on the position, the count and a crash alike.
import { describe, expect, it } from 'vitest';
import { positions } from '../support/rule-cases.ts';

const pa =
  'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: p, namespace: shop}\nspec:\n  mtls: {mode: DISABLE}\n';

describe('ruleCases positions', () => {
  it('answers rule@line:column for each finding of the one rule run', () => {
    expect(positions('peerauthentication-disable-is-permissive', { yaml: pa }).at).toEqual([
      'peerauthentication-disable-is-permissive@5:16',
    ]);
  });
  it('runs no other rule: a schema problem of the same input is not among them', () => {
    const bad = pa.replace('DISABLE', 'SOMETIMES');
    expect(positions('peerauthentication-disable-is-permissive', { yaml: bad }).at).toEqual([]);
    expect(positions('schema', { yaml: bad }).at).toEqual(['schema@5:16']);
  });
});
