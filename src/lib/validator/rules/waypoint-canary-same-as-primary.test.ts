import { describe, expect, it } from 'vitest';
import { lint } from '../lint.ts';
import { y } from '../testing.ts';

const ID = 'waypoint-canary-same-as-primary';
const lines = (yaml: string, istio: '1.30' | '1.31' = '1.31') =>
  lint({ file: 'case.yaml', text: yaml }, { rules: [ID], istio })
    .findings.filter((f) => f.rule === ID)
    .map((f) => f.line);
const gw = (ns: string) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    `metadata: {name: waypoint, namespace: ${ns}}`,
    'spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE, allowedRoutes: {namespaces: {from: All}}}]}',
    '---',
  );
const svc = (...labels: string[]) =>
  y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: cart',
    '  namespace: shop',
    '  labels:',
    '    istio.io/use-waypoint: waypoint',
    ...labels.map((l) => `    ${l}`),
    'spec: {selector: {app: cart}, ports: [{port: 80}]}',
  );

describe(ID, () => {
  it('same name, same namespace: reported at the canary label', () => {
    expect(lines(gw('shop') + svc('istio.io/use-waypoint-canary: waypoint'))).toEqual([13]);
  });
  it('same name in another namespace is a different waypoint', () => {
    expect(
      lines(
        gw('shop') +
          gw('infra') +
          svc('istio.io/use-waypoint-canary: waypoint', 'istio.io/use-waypoint-canary-namespace: infra'),
      ),
    ).toEqual([]);
  });
  it('checked before the weight: an invalid weight does not hide it', () => {
    const s = svc('istio.io/use-waypoint-canary: waypoint').replace(
      'spec:',
      '  annotations: {istio.io/use-waypoint-canary-weight: "x"}\nspec:',
    );
    expect(lines(gw('shop') + s)).toEqual([13]);
  });
  it('Istio 1.30: no canary, nothing to compare', () => {
    expect(lines(gw('shop') + svc('istio.io/use-waypoint-canary: waypoint'), '1.30')).toEqual([]);
  });
});
