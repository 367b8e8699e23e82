import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../model/index.ts';
import { simulate } from '../../simulator/index.ts';
import { findingsFor, y } from '../testing.ts';

const ID = 'waypoint-listener';
const gw = (cls: string, ...listeners: string[]) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    'metadata: {name: waypoint, namespace: shop}',
    'spec:',
    `  gatewayClassName: ${cls}`,
    '  listeners:',
    ...listeners,
  );
const got = (yaml: string) => findingsFor(ID, yaml).map((f) => [f.line, f.severity]);

describe(ID, () => {
  it('HBONE on 15008 is correct', () => {
    expect(got(gw('istio-waypoint', '  - {name: mesh, port: 15008, protocol: HBONE}'))).toEqual([]);
  });
  it('HBONE on another port is an error at the port (boundary)', () => {
    expect(got(gw('istio-waypoint', '  - name: mesh', '    port: 15009', '    protocol: HBONE'))).toEqual([
      [8, 'error'],
    ]);
  });
  it('no HBONE listener is an error at listeners', () => {
    expect(got(gw('istio-waypoint', '  - {name: http, port: 80, protocol: HTTP}'))).toEqual([[6, 'error']]);
  });
  it('extra listener is a warning', () => {
    expect(
      got(
        gw(
          'istio-waypoint',
          '  - {name: mesh, port: 15008, protocol: HBONE}',
          '  - {name: http, port: 80, protocol: HTTP}',
        ),
      ),
    ).toEqual([[8, 'warning']]);
  });
  it('non-waypoint Gateways are not checked', () => {
    expect(got(gw('istio', '  - {name: http, port: 80, protocol: HTTP}'))).toEqual([]);
  });
});

describe(`${ID}: the HBONE listener on 15008 is the one that counts`, () => {
  it('with HBONE on 15009 and on 15008, only the 15009 one is extra', () => {
    expect(
      got(
        gw(
          'istio-waypoint',
          '  - {name: other, port: 15009, protocol: HBONE}',
          '  - {name: mesh, port: 15008, protocol: HBONE}',
        ),
      ),
    ).toEqual([[7, 'warning']]);
  });
});

describe(`${ID} agrees with the simulator`, () => {
  const world = (listener: string) =>
    y(
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}',
      '---',
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: Gateway',
      'metadata: {name: waypoint, namespace: shop}',
      'spec:',
      '  gatewayClassName: istio-waypoint',
      `  listeners: [${listener}]`,
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: cart, namespace: shop, labels: {istio.io/use-waypoint: waypoint}}',
      'spec: {selector: {app: cart}, ports: [{port: 80}]}',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: cart, namespace: shop}',
      'spec:',
      '  selector: {matchLabels: {app: cart}}',
      '  template:',
      '    metadata: {labels: {app: cart}}',
      '    spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: client, namespace: shop}',
      'spec:',
      '  selector: {matchLabels: {app: client}}',
      '  template:',
      '    metadata: {labels: {app: client}}',
      '    spec: {containers: [{name: c, image: x}]}',
    );
  const run = async (listener: string) => {
    const yaml = world(listener);
    const { resources } = parseManifests([{ file: 'w.yaml', text: yaml }]);
    const sim = await simulate(resources, { from: 'shop/client', to: 'cart.shop' });
    return { errors: findingsFor(ID, yaml).filter((f) => f.severity === 'error').length, sim };
  };
  it('HTTP listener only: the rule reports an error and the simulated connection fails at the waypoint', async () => {
    const { errors, sim } = await run('{name: http, port: 80, protocol: HTTP}');
    expect(errors).toBe(1);
    expect(sim.verdict).toBe('error');
    expect(sim.waypoint).toEqual({ namespace: 'shop', name: 'waypoint' });
  });
  it('HBONE on 15008: no error and the request goes through the waypoint (boundary)', async () => {
    const { errors, sim } = await run('{name: mesh, port: 15008, protocol: HBONE}');
    expect(errors).toBe(0);
    expect(sim.verdict).toBe('allowed');
    expect(sim.hops.some((h) => h.at === 'waypoint')).toBe(true);
  });
});

// release-1.31 A/waypoints.go: any Gateway named by use-waypoint is a waypoint whatever its class; the listener
// rules are Istio's own controllers' (conversion.go and agentgateway/listener.go unexpectedWaypointListener).
describe(`${ID}: classes`, () => {
  it('a third-party-class Gateway named by use-waypoint is not held to Istio listener rules', () => {
    const svc = y(
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web, namespace: shop, labels: {istio.io/use-waypoint: waypoint}}',
      'spec: {ports: [{port: 80}]}',
    );
    expect(got(gw('example-waypoint', '  - {name: http, port: 80, protocol: HTTP}') + svc)).toEqual([]);
  });
  it('the 1.31 agentgateway waypoint class has the same listener rule', () => {
    expect(got(gw('istio-agentgateway-waypoint', '  - {name: http, port: 80, protocol: HTTP}'))).toEqual([
      [6, 'error'],
    ]);
  });
});
