import { get, getArray, getString } from '../../model/access.ts';
import { HBONE_PORT, WAYPOINT_CLASS } from '../../model/mesh.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { isGatewayApi } from './helpers.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/ambient/waypoints.go looks for the HBONE listener on port 15008
// (the one `istioctl waypoint generate` writes); SEMANTICS §2.
export const rule: Rule = {
  meta: {
    id: 'waypoint-listener',
    severity: 'error',
    description: 'A waypoint Gateway must have exactly one listener: protocol HBONE on port 15008.',
    docs: {
      summary:
        'ztunnel sends traffic to a waypoint over HBONE on port 15008. A waypoint Gateway without that listener (wrong protocol or port) never receives the traffic that is bound to it, so its policies and routes are not applied.',
      details: [
        'A Gateway of class `istio-waypoint` is deployed as a waypoint proxy. istiod finds its HBONE listener to know where ztunnel should tunnel traffic. The listener must be:',
        '',
        '- `protocol: HBONE`',
        '- `port: 15008`',
        '',
        'A waypoint has exactly this one listener; extra listeners are not used for mesh traffic (reported as a warning). `istioctl waypoint generate` writes the correct form.',
      ].join('\n'),
      fix: 'Use one listener `{name: mesh, port: 15008, protocol: HBONE}`. Generate the Gateway with `istioctl waypoint generate --for service -n <ns>` to be sure.',
    },
    examples: {
      valid: [
        {
          title: 'The generated waypoint',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata:',
            '  name: waypoint',
            '  namespace: shop',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - name: mesh',
            '    port: 15008',
            '    protocol: HBONE',
          ),
        },
      ],
      invalid: [
        {
          title: 'HTTP listener on a waypoint',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata:',
            '  name: waypoint',
            '  namespace: shop',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - name: http',
            '    port: 80',
            '    protocol: HTTP',
          ),
          line: 8,
        },
      ],
    },
  },
  check(ctx) {
    for (const r of ctx.mesh.byKind('Gateway')) {
      if (!isGatewayApi(r)) continue;
      if (getString(r.obj, ['spec', 'gatewayClassName']) !== WAYPOINT_CLASS) continue;
      const listeners = getArray(r.obj, ['spec', 'listeners']);
      const hbone = listeners.findIndex((l) => getString(l, ['protocol']) === 'HBONE');
      if (hbone < 0) {
        ctx.report({
          resource: r,
          path: ['spec', 'listeners'],
          message:
            'This waypoint has no HBONE listener: ztunnel cannot tunnel traffic to it, so nothing bound to it gets L7 processing.',
          fix: 'Use a single listener {name: mesh, port: 15008, protocol: HBONE}.',
        });
        continue;
      }
      if (get(listeners[hbone], ['port']) !== HBONE_PORT)
        ctx.report({
          resource: r,
          path: ['spec', 'listeners', hbone, 'port'],
          part: 'value',
          message: `The waypoint's HBONE listener must use port ${HBONE_PORT}; ztunnel always tunnels to ${HBONE_PORT}.`,
          fix: `Set port: ${HBONE_PORT}.`,
        });
      listeners.forEach((_, i) => {
        if (i === hbone) return;
        ctx.report({
          resource: r,
          path: ['spec', 'listeners', i],
          severity: 'warning',
          message: 'A waypoint uses only its HBONE listener; this extra listener does not receive mesh traffic.',
          fix: 'Remove it (use a separate ingress Gateway for north-south traffic).',
        });
      });
    }
  },
};
