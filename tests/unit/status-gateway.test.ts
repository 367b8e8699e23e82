// Predicted route status for Gateway (ingress) parents: tests/scenarios/whatif/status-gateway.{yaml,cases.ts}.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/lib/model/index.ts';
import { buildMesh } from '../../src/lib/model/mesh.ts';
import { predictStatus } from '../../src/lib/status/index.ts';
import { cases } from '../scenarios/whatif/status-gateway.cases.ts';

const file = fileURLToPath(new URL('../scenarios/whatif/status-gateway.yaml', import.meta.url));

describe('predicted status for Gateway parents (status-gateway.yaml)', () => {
  const { resources, issues } = parseManifests({ file: 'status-gateway.yaml', text: readFileSync(file, 'utf8') });
  const mesh = buildMesh(resources);
  const predicted = predictStatus(mesh);
  const byName = new Map(predicted.map((r) => [`${r.kind} ${r.namespace}/${r.name}`, r]));
  it('parses without errors', () => expect(issues.filter((i) => i.severity === 'error')).toEqual([]));
  for (const c of cases)
    it(`${c.resource}: ${c.conditions.map((x) => `${x.type}=${x.status} ${x.reason}`).join(', ') || 'nothing'}`, () => {
      const got = byName.get(c.resource)?.conditions ?? [];
      expect(got.map(({ source: _s, ...rest }) => rest)).toEqual(c.conditions.map(({ upstream: _u, ...rest }) => rest));
      c.conditions.forEach((x, i) => expect(got[i]!.source).toContain(x.upstream));
    });
  it('writes conditions on no resource the cases leave out', () => {
    const listed = new Set(cases.map((c) => c.resource));
    expect([...byName.keys()].filter((k) => !listed.has(k))).toEqual([]);
  });
});

describe('Gateway parents on Istio 1.30', () => {
  it('names TCPRoute by its 1.30 GVK (v1alpha2) when a listener does not allow it', () => {
    const text = readFileSync(file, 'utf8');
    const mesh = buildMesh(parseManifests({ file: 'status-gateway.yaml', text }).resources);
    const tcp = predictStatus(mesh, { istio: '1.30' }).find((r) => r.name === 'tcp-on-http');
    expect(tcp?.conditions[0]?.message).toBe('kind gateway.networking.k8s.io/v1alpha2/TCPRoute is not allowed');
  });
});
