import { describe, expect, it } from 'vitest';
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
