import { LABEL_USE_WAYPOINT, isWaypointOptOut, labelOf } from '../../ambient/index.ts';
import { getArray, getString } from '../../model/access.ts';
import { noAutoAllocation } from '../../model/serviceentry.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { isGroup } from '../facts/index.ts';

// Evidence: istioctl analyzer IST0134 (ServiceEntryAddressesRequired) and SEMANTICS §8: without an address, TCP
// traffic to the entry cannot be told apart by destination IP, and a waypoint can only capture an entry with a VIP.
// When istiod allocates one: src/lib/model/serviceentry.ts (shared with the simulator).
const HTTP_LIKE = new Set(['HTTP', 'HTTP2', 'HTTPS', 'GRPC', 'GRPC-WEB', 'TLS']);

export const rule: Rule = {
  meta: {
    id: 'serviceentry-needs-addresses',
    severity: 'warning',
    inputs: ['ServiceEntry'],
    description:
      'A ServiceEntry with TCP ports, or bound to a waypoint, has no addresses and gets none from auto-allocation.',
    docs: {
      summary:
        "Traffic for a ServiceEntry is recognised by a virtual IP. Without `addresses`, and where istiod does not allocate one (resolution `NONE`, the opt-out label, wildcard hosts), plain TCP ports cannot be matched and ztunnel cannot send the entry's traffic to a waypoint: policies and routes attached to it do not apply.",
      details: [
        'HTTP and TLS traffic carries a host name (Host header, SNI), so it can be matched without an address. Plain TCP has nothing but the destination IP, and in ambient ztunnel sends traffic to a waypoint by destination address.',
        '',
        "Since Istio 1.25, istiod allocates a virtual IP (from 240.240.0.0/16, written to the entry's `status.addresses`) for every ServiceEntry without `addresses`, and ambient pods resolve the host to it through the DNS proxy, which is on by default too. Such an entry works without `addresses`, except when istiod allocates nothing:",
        '',
        '- `resolution: NONE`, which is the default when `resolution` is omitted: the original destination IP is used, so an allocated one could not be honoured;',
        '- the label `networking.istio.io/enable-autoallocate-ip: "false"` on the entry;',
        '- wildcard hosts (`*.example.com`): the DNS proxy cannot answer an unknown name with a fixed address.',
        '',
        `Reported as a **warning** in those cases, for an entry labelled \`${LABEL_USE_WAYPOINT}\` (traffic goes direct, bypassing the waypoint) or with a TCP port (not captured for this entry). An entry that relies on auto-allocation is reported as **information**: it works with the defaults, but not in a mesh that turned allocation off (\`PILOT_ENABLE_IP_AUTOALLOCATE=false\`) or for pods that do not use the DNS proxy (created before it was enabled, or annotated \`ambient.istio.io/dns-capture: "false"\`).`,
      ].join('\n'),
      fix: 'Add `addresses` (a VIP you reserve, e.g. from 240.240.0.0/16), or let istiod allocate one: set `resolution: DNS` (or STATIC) and remove the opt-out label.',
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
          title: 'TCP entry without addresses or resolution (NONE: nothing is allocated)',
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
      const none = noAutoAllocation(r);
      const waypoint = labelOf(r.labels, LABEL_USE_WAYPOINT);
      const ports = getArray(r.obj, ['spec', 'ports']);
      const tcp = ports.findIndex((p) => !HTTP_LIKE.has((getString(p, ['protocol']) ?? 'TCP').toUpperCase()));
      const bound = waypoint !== undefined && !isWaypointOptOut(waypoint);
      if (!bound && tcp < 0) continue;
      if (!none) {
        ctx.report({
          resource: r,
          path: bound ? ['metadata', 'labels', LABEL_USE_WAYPOINT] : ['spec', 'ports', tcp],
          severity: 'info',
          message: `This ServiceEntry has no addresses and relies on istiod's address auto-allocation (on by default since Istio 1.25) and on the client's DNS proxy to ${bound ? `reach waypoint ${waypoint}` : 'capture its TCP traffic'}; where either is off, its traffic goes direct.`,
          fix: 'Add addresses to make the manifest independent of those settings.',
        });
        continue;
      }
      // Addresses istiod allocated earlier stay in the status until its allocator clears them; they are not used
      // (release-1.31 pilot/pkg/networking/serviceentry/ip_autoallocation.go: NONE and the opt-out neither "assign"
      // nor "use" them; pilot/pkg/controllers/ipallocate clearStaleAddresses).
      const stale =
        getArray(r.obj, ['status', 'addresses']).length > 0
          ? ' (the addresses in its status are stale: istiod does not use them and clears them)'
          : '';
      if (bound) {
        ctx.report({
          resource: r,
          path: ['metadata', 'labels', LABEL_USE_WAYPOINT],
          message: `This ServiceEntry asks for waypoint ${waypoint} but has no addresses, and istiod allocates none because ${none.reason}${stale}: ztunnel cannot recognise its traffic, which goes direct and bypasses the waypoint.`,
          fix: 'Add addresses (a reserved VIP), or set resolution: DNS so istiod allocates one.',
        });
        continue;
      }
      const protocol = getString(ports[tcp], ['protocol']);
      ctx.report({
        resource: r,
        path: protocol !== undefined ? ['spec', 'ports', tcp, 'protocol'] : ['spec', 'ports', tcp],
        message: `Port ${String(getString(ports[tcp], ['name']) ?? tcp)} is ${protocol ?? 'TCP (no protocol given)'}, but the ServiceEntry has no addresses and istiod allocates none because ${none.reason}${stale}: TCP traffic can only be matched by destination IP, so it is not captured for this entry.`,
        fix: 'Add addresses, set resolution: DNS so istiod allocates one, or declare an HTTP/TLS protocol if the port carries one.',
      });
    }
  },
};
