import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../model/index.ts';
import { simulate } from '../../simulator/index.ts';
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

describe(`${ID} agrees with the simulator`, () => {
  const world = (resolution: string) =>
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
      '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
      '---',
      'apiVersion: networking.istio.io/v1',
      'kind: ServiceEntry',
      'metadata: {name: ext, namespace: shop, labels: {istio.io/use-waypoint: waypoint}}',
      'spec:',
      '  hosts: [api.example.com]',
      `  resolution: ${resolution}`,
      '  ports: [{number: 80, name: http, protocol: HTTP}]',
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
  const run = async (resolution: string) => {
    const yaml = world(resolution);
    const { resources } = parseManifests([{ file: 'w.yaml', text: yaml }]);
    const sim = await simulate(resources, { from: 'shop/client', to: 'api.example.com:80' });
    return { severities: findingsFor(ID, yaml).map((f) => f.severity), waypoint: sim.waypoint };
  };
  it('resolution NONE: a warning, and the simulated request skips the waypoint', async () => {
    expect(await run('NONE')).toEqual({ severities: ['warning'], waypoint: null });
  });
  it('resolution DNS (VIP auto-allocated): information only, and the request goes through the waypoint', async () => {
    expect(await run('DNS')).toEqual({ severities: ['info'], waypoint: { namespace: 'shop', name: 'waypoint' } });
  });
});

// istio/istio pkg/config/analysis/analyzers/testdata/serviceentry-address-allocated.yaml: resolution NONE with
// allocated addresses in its status. release-1.31 ip_autoallocation.go neither assigns nor uses them for NONE.
describe(`${ID}: stale status addresses`, () => {
  it('a NONE entry with addresses in its status is still reported, and the message says they are stale', () => {
    const f = findingsFor(
      ID,
      y(
        'apiVersion: networking.istio.io/v1',
        'kind: ServiceEntry',
        'metadata: {name: db, namespace: shop}',
        'spec:',
        '  hosts: [db.example.com]',
        '  ports: [{name: tcp, number: 5432, protocol: TCP}]',
        'status:',
        '  addresses: [{host: db.example.com, value: 240.240.0.1}]',
      ),
    );
    expect(f.map((x) => [x.line, x.severity])).toEqual([[6, 'warning']]);
    expect(f[0]!.message).toContain('stale');
  });
});
