import { getArray, getString } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { isGroup } from './helpers.ts';

// Evidence: istioctl analyzer IST0134 (ServiceEntryAddressesRequired, pkg/config/analysis/analyzers/serviceentry)
// and SEMANTICS §8: without an address, TCP traffic to the entry cannot be told apart by destination IP, and a
// waypoint can only capture a ServiceEntry that has a VIP.
const HTTP_LIKE = new Set(['HTTP', 'HTTP2', 'HTTPS', 'GRPC', 'GRPC-WEB', 'TLS']);

export const rule: Rule = {
  meta: {
    id: 'serviceentry-needs-addresses',
    severity: 'warning',
    description: 'A ServiceEntry with TCP ports, or bound to a waypoint, has no addresses.',
    docs: {
      summary:
        "Without `addresses`, traffic for the entry has no VIP to be recognised by. Plain TCP ports cannot be matched by host name, and ztunnel cannot send the entry's traffic to a waypoint, so policies and routes attached to it do not apply.",
      details: [
        'HTTP and TLS traffic carries a host name (Host header, SNI), so a ServiceEntry without addresses can still be matched for those protocols. Plain TCP has nothing but the destination IP.',
        '',
        'In ambient, traffic is sent to a waypoint by destination VIP. A ServiceEntry labelled with `istio.io/use-waypoint` needs an address for ztunnel to recognise its traffic. Istio can allocate one automatically (DNS capture with address auto-allocation, on by default in recent releases); if that is disabled in your mesh, an entry without `addresses` is never captured.',
        '',
        'Entries with `resolution: NONE` and no ports are not reported.',
      ].join('\n'),
      fix: 'Add `addresses` (a VIP you reserve, e.g. from 240.240.0.0/16), or make sure DNS proxying with address auto-allocation is on for the mesh.',
    },
    examples: {
      valid: [
        {
          title: 'TCP entry with a VIP',
          yaml: y(
            'apiVersion: networking.istio.io/v1',
            'kind: ServiceEntry',
            'metadata:',
            '  name: external-db',
            '  namespace: shop',
            'spec:',
            '  hosts: ["db.example.com"]',
            '  addresses: ["240.240.10.1"]',
            '  ports:',
            '  - number: 5432',
            '    name: postgres',
            '    protocol: TCP',
            '  resolution: DNS',
          ),
        },
      ],
      invalid: [
        {
          title: 'TCP entry without addresses',
          yaml: y(
            'apiVersion: networking.istio.io/v1',
            'kind: ServiceEntry',
            'metadata:',
            '  name: external-db',
            '  namespace: shop',
            'spec:',
            '  hosts: ["db.example.com"]',
            '  ports:',
            '  - number: 5432',
            '    name: postgres',
            '    protocol: TCP',
            '  resolution: DNS',
          ),
          line: 11,
        },
      ],
    },
  },
  check(ctx) {
    for (const r of ctx.mesh.byKind('ServiceEntry')) {
      if (!isGroup(r, 'networking.istio.io')) continue;
      if (getArray(r.obj, ['spec', 'addresses']).length > 0) continue;
      const waypoint = r.labels['istio.io/use-waypoint'];
      if (waypoint !== undefined && waypoint !== 'none') {
        ctx.report({
          resource: r,
          path: ['metadata', 'labels', 'istio.io/use-waypoint'],
          message: `This ServiceEntry asks for waypoint ${waypoint} but has no addresses: unless Istio auto-allocates a VIP, ztunnel cannot recognise its traffic and it goes direct, bypassing the waypoint.`,
          fix: 'Add addresses (a reserved VIP) or enable address auto-allocation.',
        });
        continue;
      }
      const ports = getArray(r.obj, ['spec', 'ports']);
      const tcp = ports.findIndex((p) => !HTTP_LIKE.has((getString(p, ['protocol']) ?? 'TCP').toUpperCase()));
      if (tcp < 0) continue;
      const protocol = getString(ports[tcp], ['protocol']);
      ctx.report({
        resource: r,
        path: protocol !== undefined ? ['spec', 'ports', tcp, 'protocol'] : ['spec', 'ports', tcp],
        message: `Port ${String(getString(ports[tcp], ['name']) ?? tcp)} is ${protocol ?? 'TCP (no protocol given)'}, but the ServiceEntry has no addresses: TCP traffic can only be matched by destination IP, so it is not captured for this entry.`,
        fix: 'Add addresses, or declare an HTTP/TLS protocol if the port carries one.',
      });
    }
  },
};
