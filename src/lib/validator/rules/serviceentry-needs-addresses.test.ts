import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';

const ID = 'serviceentry-needs-addresses';
const se = (meta: string[], resolution: string | undefined, ...spec: string[]) =>
  y(
    'apiVersion: networking.istio.io/v1',
    'kind: ServiceEntry',
    'metadata:',
    '  name: e',
    '  namespace: shop',
    ...meta,
    'spec:',
    '  hosts: [db.example.com]',
    ...(resolution ? [`  resolution: ${resolution}`] : []),
    ...spec,
  );
const got = (yaml: string) => findingsFor(ID, yaml).map((f) => [f.line, f.severity]);
const TCP = ['  ports:', '  - number: 5432', '    name: pg', '    protocol: TCP'];
const WAYPOINT = ['  labels:', '    istio.io/use-waypoint: waypoint'];
const OPT_OUT = ['  labels:', '    networking.istio.io/enable-autoallocate-ip: "false"'];

describe(ID, () => {
  it('TCP port, resolution NONE: nothing is allocated, warning at the protocol', () => {
    expect(got(se([], 'NONE', ...TCP))).toEqual([[12, 'warning']]);
  });
  it('resolution omitted is NONE', () => {
    expect(got(se([], undefined, ...TCP))).toEqual([[11, 'warning']]);
  });
  it('TCP port, resolution DNS: auto-allocated, only information (boundary)', () => {
    expect(got(se([], 'DNS', ...TCP))).toEqual([[10, 'info']]);
  });
  it('resolution DNS but opted out of auto-allocation: warning', () => {
    expect(got(se(OPT_OUT, 'DNS', ...TCP))).toEqual([[14, 'warning']]);
  });
  it('opt-out label set to "true" is not an opt-out', () => {
    expect(got(se(['  labels:', '    networking.istio.io/enable-autoallocate-ip: "true"'], 'DNS', ...TCP))).toEqual([
      [12, 'info'],
    ]);
  });
  it('wildcard hosts get no usable VIP', () => {
    const yaml = se([], 'DNS', ...TCP).replace('hosts: [db.example.com]', 'hosts: ["*.example.com"]');
    expect(got(yaml)).toEqual([[12, 'warning']]);
  });
  it('port without protocol counts as TCP', () => {
    expect(got(se([], 'NONE', '  ports:', '  - {number: 5432, name: pg}'))).toEqual([[10, 'warning']]);
  });
  it('HTTP/TLS ports need no address', () => {
    expect(got(se([], 'NONE', '  ports:', '  - {number: 443, name: tls, protocol: TLS}'))).toEqual([]);
  });
  it('addresses make it fine', () => {
    expect(got(se([], 'NONE', '  addresses: [240.240.0.1]', ...TCP))).toEqual([]);
  });
  it('use-waypoint label, resolution NONE: warning at the label', () => {
    expect(got(se(WAYPOINT, 'NONE', '  ports:', '  - {number: 443, name: tls, protocol: TLS}'))).toEqual([
      [7, 'warning'],
    ]);
  });
  it('use-waypoint label, resolution DNS: information at the label (boundary)', () => {
    expect(got(se(WAYPOINT, 'DNS', '  ports:', '  - {number: 443, name: tls, protocol: TLS}'))).toEqual([[7, 'info']]);
  });
  it('use-waypoint: none is no binding', () => {
    const yaml = se(
      ['  labels:', '    istio.io/use-waypoint: none'],
      'NONE',
      '  ports:',
      '  - {number: 443, name: tls, protocol: TLS}',
    );
    expect(got(yaml)).toEqual([]);
  });
});
