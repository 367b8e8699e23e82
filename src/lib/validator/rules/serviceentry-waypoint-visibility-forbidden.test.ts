import { describe, expect, it } from 'vitest';
import { parseMeshConfig } from '../../ambient/index.ts';
import { lint } from '../lint.ts';
import { y } from '../testing.ts';

const ID = 'serviceentry-waypoint-visibility-forbidden';
const mc = (text: string) => parseMeshConfig(text).config!;
const lines = (yaml: string, meshConfig: string | undefined, istio: '1.30' | '1.31' = '1.31') =>
  lint(
    { file: 'case.yaml', text: yaml },
    { rules: [ID], istio, ...(meshConfig !== undefined ? { meshConfig: mc(meshConfig) } : {}) },
  )
    .findings.filter((f) => f.rule === ID)
    .map((f) => f.line);

const manifests = y(
  'apiVersion: v1',
  'kind: Namespace',
  'metadata: {name: billing, labels: {team: pay}}',
  '---',
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: Gateway',
  'metadata: {name: egress, namespace: egress}',
  'spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE, allowedRoutes: {namespaces: {from: All}}}]}',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: ServiceEntry',
  'metadata:',
  '  name: stripe',
  '  namespace: billing',
  '  labels: {istio.io/use-waypoint: egress, istio.io/use-waypoint-namespace: egress}',
  'spec: {hosts: [api.stripe.com], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}',
);
const NAMESPACE = 'serviceEntryVisibility: {defaultVisibility: NAMESPACE}\n';

describe(ID, () => {
  it('NAMESPACE visibility and a waypoint elsewhere: reported at the use-waypoint label', () => {
    expect(lines(manifests, NAMESPACE)).toEqual([15]);
  });
  it('a policy making the namespace PUBLIC lifts it', () => {
    const publicForPay = y(
      'serviceEntryVisibility:',
      '  defaultVisibility: NAMESPACE',
      '  policies:',
      '  - visibility: PUBLIC',
      '    matchingRules: [{namespaceSelector: {matchLabels: {team: pay}}}]',
    );
    expect(lines(manifests, publicForPay)).toEqual([]);
  });
  it('NONE is not this rule (the entry is not configured at all), nor PUBLIC', () => {
    expect(lines(manifests, 'serviceEntryVisibility: {defaultVisibility: NONE}\n')).toEqual([]);
    expect(lines(manifests, 'serviceEntryVisibility: {defaultVisibility: PUBLIC}\n')).toEqual([]);
  });
  it('without a MeshConfig, or on Istio 1.30: silent', () => {
    expect(lines(manifests, undefined)).toEqual([]);
    expect(lines(manifests, NAMESPACE, '1.30')).toEqual([]);
  });
});
