import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'policy-port-is-service-port';
const svc = (port: string) =>
  y(
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  selector: {app: web}',
    `  ports: [${port}]`,
    '---',
  );
const ap = (...rule: string[]) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata: {name: p, namespace: shop}',
    'spec:',
    '  selector:',
    '    matchLabels: {app: web}',
    '  rules:',
    ...rule,
  );

describe(ID, () => {
  it('Service port with a different targetPort: reported at the value', () => {
    expect(linesFor(ID, svc('{port: 80, targetPort: 8080}') + ap('  - to: [{operation: {ports: ["80"]}}]'))).toEqual([
      15,
    ]);
  });
  it('the target port, or a Service whose port equals its targetPort: fine (boundary)', () => {
    expect(linesFor(ID, svc('{port: 80, targetPort: 8080}') + ap('  - to: [{operation: {ports: ["8080"]}}]'))).toEqual(
      [],
    );
    expect(linesFor(ID, svc('{port: 80, targetPort: 80}') + ap('  - to: [{operation: {ports: ["80"]}}]'))).toEqual([]);
  });
  it('a named targetPort cannot be judged: nothing said', () => {
    expect(linesFor(ID, svc('{port: 80, targetPort: http}') + ap('  - to: [{operation: {ports: ["80"]}}]'))).toEqual(
      [],
    );
  });
  it('when destination.port is checked too', () => {
    expect(
      linesFor(
        ID,
        svc('{port: 80, targetPort: 8080}') + ap('  - when:', '    - key: destination.port', '      values: ["80"]'),
      ),
    ).toEqual([17]);
  });
  it('a container port with that number makes it legitimate', () => {
    const dep = y(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web, namespace: shop}',
      'spec:',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec: {containers: [{name: w, image: w, ports: [{containerPort: 80}, {containerPort: 8080}]}]}',
      '---',
    );
    expect(
      linesFor(ID, dep + svc('{port: 80, targetPort: 8080}') + ap('  - to: [{operation: {ports: ["80"]}}]')),
    ).toEqual([]);
  });
  it('PeerAuthentication portLevelMtls keys', () => {
    const pa = y(
      'apiVersion: security.istio.io/v1',
      'kind: PeerAuthentication',
      'metadata: {name: pa, namespace: shop}',
      'spec:',
      '  selector:',
      '    matchLabels: {app: web}',
      '  portLevelMtls:',
      '    "80": {mode: PERMISSIVE}',
    );
    expect(linesFor(ID, svc('{port: 80, targetPort: 8080}') + pa)).toEqual([15]);
  });
});
