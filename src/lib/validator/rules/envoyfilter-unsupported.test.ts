import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'envoyfilter-unsupported';
const ef = (ns: string) =>
  y(
    'apiVersion: networking.istio.io/v1alpha3',
    'kind: EnvoyFilter',
    `metadata: {name: f, namespace: ${ns}}`,
    'spec:',
    '  configPatches: []',
  );
const nsDoc = (name: string, label: string) =>
  y('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, `  labels: {${label}}`, '---');

describe(ID, () => {
  it('reported in an ambient namespace and when the namespace is unknown', () => {
    expect(linesFor(ID, nsDoc('shop', 'istio.io/dataplane-mode: ambient') + ef('shop'))).toEqual([8]);
    expect(linesFor(ID, ef('shop'))).toEqual([2]);
  });
  it('not reported in a namespace the manifests show as sidecar (boundary)', () => {
    expect(linesFor(ID, nsDoc('shop', 'istio-injection: enabled') + ef('shop'))).toEqual([]);
  });
  it('root namespace EnvoyFilter is reported', () => {
    expect(linesFor(ID, nsDoc('istio-system', 'a: b') + ef('istio-system'))).toEqual([8]);
  });
  it('patches that only target gateways (context: GATEWAY) are not reported', () => {
    const gw = (context: string) =>
      y(
        'apiVersion: networking.istio.io/v1alpha3',
        'kind: EnvoyFilter',
        'metadata: {name: f, namespace: istio-system}',
        'spec:',
        '  configPatches:',
        `  - applyTo: HTTP_FILTER`,
        `    match: {context: ${context}}`,
        '    patch: {operation: MERGE, value: {}}',
      );
    expect(linesFor(ID, gw('GATEWAY'))).toEqual([]);
    expect(linesFor(ID, gw('SIDECAR_INBOUND'))).toEqual([2]);
  });
  // release-1.31 pilot/pkg/model/policyattachment.go ShouldAttachPolicy: targetRefs attach to the named Gateway (or
  // every waypoint through the istio-waypoint GatewayClass from the root namespace), waypoints never use a selector,
  // gateways do; tests/integration/ambient/baseline_test.go TestWaypointEnvoyFilter patches a waypoint this way.
  const withSpec = (ns: string, ...specLines: string[]) =>
    y(
      'apiVersion: networking.istio.io/v1alpha3',
      'kind: EnvoyFilter',
      `metadata: {name: f, namespace: ${ns}}`,
      'spec:',
      ...specLines,
      '  configPatches:',
      '  - applyTo: HTTP_FILTER',
      '    match: {context: SIDECAR_INBOUND}',
      '    patch: {operation: MERGE, value: {}}',
    );
  it('targetRefs to a waypoint Gateway or the istio-waypoint GatewayClass apply: not reported', () => {
    expect(
      linesFor(
        ID,
        withSpec('shop', '  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]'),
      ),
    ).toEqual([]);
    expect(
      linesFor(
        ID,
        withSpec(
          'istio-system',
          '  targetRefs: [{kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}]',
        ),
      ),
    ).toEqual([]);
  });
  it('a selector on ingress-gateway pods applies there: not reported', () => {
    expect(linesFor(ID, withSpec('istio-system', '  workloadSelector: {labels: {istio: ingressgateway}}'))).toEqual([]);
    expect(
      linesFor(ID, withSpec('shop', '  workloadSelector: {labels: {gateway.networking.k8s.io/gateway-name: public}}')),
    ).toEqual([]);
  });
  it("a selector on application pods or on a waypoint's pods is reported (waypoints never use selectors)", () => {
    expect(linesFor(ID, withSpec('shop', '  workloadSelector: {labels: {app: cart}}'))).toEqual([2]);
    expect(
      linesFor(
        ID,
        withSpec('shop', '  workloadSelector: {labels: {gateway.networking.k8s.io/gateway-name: waypoint}}'),
      ),
    ).toEqual([5]);
  });
});
