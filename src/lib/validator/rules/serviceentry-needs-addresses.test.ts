import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'serviceentry-needs-addresses';
const se = (meta: string[], ...spec: string[]) =>
  y(
    'apiVersion: networking.istio.io/v1',
    'kind: ServiceEntry',
    'metadata:',
    '  name: e',
    '  namespace: shop',
    ...meta,
    'spec:',
    '  hosts: [db.example.com]',
    '  resolution: DNS',
    ...spec,
  );

describe(ID, () => {
  it('TCP port without addresses is reported at the protocol', () => {
    expect(linesFor(ID, se([], '  ports:', '  - number: 5432', '    name: pg', '    protocol: TCP'))).toEqual([12]);
  });
  it('port without protocol counts as TCP', () => {
    expect(linesFor(ID, se([], '  ports:', '  - {number: 5432, name: pg}'))).toEqual([10]);
  });
  it('HTTP/TLS ports need no address (boundary)', () => {
    expect(linesFor(ID, se([], '  ports:', '  - {number: 443, name: tls, protocol: TLS}'))).toEqual([]);
  });
  it('addresses make it fine', () => {
    expect(
      linesFor(ID, se([], '  addresses: [240.240.0.1]', '  ports:', '  - {number: 5432, name: pg, protocol: TCP}')),
    ).toEqual([]);
  });
  it('use-waypoint label without addresses is reported at the label', () => {
    expect(
      linesFor(
        ID,
        se(
          ['  labels:', '    istio.io/use-waypoint: waypoint'],
          '  ports:',
          '  - {number: 443, name: tls, protocol: TLS}',
        ),
      ),
    ).toEqual([7]);
  });
});
