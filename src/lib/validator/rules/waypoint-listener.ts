import { HBONE_PORT, LABEL_USE_WAYPOINT, WAYPOINT_CLASS } from '../../ambient/index.ts';
import { get, getArray, getString } from '../../model/access.ts';
import type { JsonValue } from '../../model/types.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { isGatewayApi } from '../facts/index.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/ambient/waypoints.go makes any ready Gateway of class istio-waypoint
// a waypoint, whatever its listeners, and tells ztunnel to tunnel to it on port 15008 (HboneMtlsPort is fixed);
// its allowedRoutes come from the HBONE listener on 15008 (makeAllowedRoutes). The deployment controller
// (pilot/pkg/config/kube/gateway, extractServicePorts) gives the waypoint's Service one port per listener, and
// ztunnel (src/state.rs, find_upstream) finds no upstream for a service port the Service does not have: without the
// listener, connections bound to the waypoint fail. The simulator models the same (src/lib/simulator/steps/waypoint-hop.ts).
// SEMANTICS §2.
//
// Only Istio's own waypoint classes have these listener rules: release-1.31 pilot/pkg/config/kube/gateway/
// conversion.go (controller istio.io/mesh-controller, class istio-waypoint) and pilot/pkg/config/kube/agentgateway/
// listener.go (class istio-agentgateway-waypoint) mark every other listener Accepted=False "Expected a single
// listener on port 15008 with protocol HBONE" (unexpectedWaypointListener; testdata waypoint.status.yaml.golden).
// A third-party class named by istio.io/use-waypoint is a waypoint too (A/waypoints.go), but its controller
// decides its listeners, so it is not checked here. SEMANTICS §2 [rev].
export const ISTIO_WAYPOINT_CLASSES: ReadonlySet<string> = new Set([WAYPOINT_CLASS, 'istio-agentgateway-waypoint']);

const protocolHbone = 'HBONE';
/** The protocol Istio accepts on a waypoint listener (upstream unexpectedWaypointListener). */
const isHboneListener = (l: JsonValue): boolean => getString(l, ['protocol']) === protocolHbone;

export const rule: Rule = {
  meta: {
    id: 'waypoint-listener',
    severity: 'error',
    inputs: ['Gateway'],
    description: 'A waypoint Gateway must have exactly one listener: protocol HBONE on port 15008.',
    docs: {
      summary:
        'ztunnel sends traffic to a waypoint over HBONE on port 15008. A waypoint Gateway without that listener (wrong protocol or port) is still a waypoint, so traffic bound to it is sent there, but the waypoint does not expose 15008: those connections fail.',
      details: [
        'A Gateway of class `istio-waypoint` is deployed as a waypoint proxy. Its listeners decide which ports its Service exposes, and ztunnel always tunnels to a waypoint on port 15008. The listener must be:',
        '',
        '- `protocol: HBONE`',
        '- `port: 15008`',
        '',
        'Without it, istiod still treats the Gateway as a waypoint and binds the Services that name it, so their traffic is not bypassed: it fails, because ztunnel finds no port 15008 on the waypoint. Cross-namespace binding (`allowedRoutes`) is also read from this listener.',
        '',
        "The rule checks Gateways of Istio's waypoint classes, `istio-waypoint` and (1.31, experimental) `istio-agentgateway-waypoint`, whose controllers mark any other listener as not accepted. A Gateway of a third-party class that a `use-waypoint` label names is a waypoint too, but its own controller decides its listeners, so it is not checked.",
        '',
        'A waypoint needs no other listener; an extra one (an HTTP port, say) does not receive mesh traffic and is reported as a warning. `istioctl waypoint generate` writes the correct form.',
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
          effect: {
            says: 'traffic bound to the waypoint is sent there and fails: the waypoint exposes no 15008',
            context: documents(
              ambientNamespace('shop'),
              workload('shop', 'cart', { port: 80, serviceLabels: { [LABEL_USE_WAYPOINT]: 'waypoint' } }),
              workload('shop', 'client'),
            ),
            request: { from: 'shop/client', to: 'cart.shop:80' },
            expect: { verdict: 'error', waypoint: 'shop/waypoint' },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const r of ctx.mesh.byKind('Gateway')) {
      if (!isGatewayApi(r)) continue;
      if (!ISTIO_WAYPOINT_CLASSES.has(getString(r.obj, ['spec', 'gatewayClassName']) ?? '')) continue;
      const listeners = getArray(r.obj, ['spec', 'listeners']);
      const exact = listeners.findIndex((l) => isHboneListener(l) && get(l, ['port']) === HBONE_PORT);
      const hbone = exact >= 0 ? exact : listeners.findIndex(isHboneListener);
      if (hbone < 0) {
        ctx.report({
          resource: r,
          path: ['spec', 'listeners'],
          message:
            'This waypoint has no HBONE listener on 15008: istiod still binds traffic to it (its class makes it a waypoint), but its Service does not expose 15008, so ztunnel cannot open the tunnel and every connection bound to it fails.',
          fix: 'Use a single listener {name: mesh, port: 15008, protocol: HBONE}.',
        });
        continue;
      }
      if (get(listeners[hbone], ['port']) !== HBONE_PORT)
        ctx.report({
          resource: r,
          path: ['spec', 'listeners', hbone, 'port'],
          part: 'value',
          message: `The waypoint's HBONE listener must use port ${HBONE_PORT}: ztunnel always tunnels to ${HBONE_PORT}, which this waypoint does not expose, so every connection bound to it fails.`,
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
