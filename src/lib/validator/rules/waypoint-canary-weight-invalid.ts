import {
  ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT,
  LABEL_USE_WAYPOINT,
  LABEL_USE_WAYPOINT_CANARY,
} from '../../ambient/index.ts';
import type { Resource } from '../../model/types.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { canaryWhose } from './waypoint-canary-not-attached.ts';
import { canarySites } from '../facts/index.ts';
import { WAYPOINT_KINDS } from '../facts/index.ts';

// Evidence: istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/waypoints.go getCanaryWeight (strconv.Atoi,
// then 0..100; a missing annotation is 0) and buildWeightedWaypoints (an invalid weight drops the canary:
// CanaryInvalidWeight in the WaypointBound message); istio/api release-1.31 annotation/annotations.yaml. The
// annotation is read on the object, or on its Namespace when the primary waypoint comes from the Namespace.
export const rule: Rule = {
  meta: {
    id: 'waypoint-canary-weight-invalid',
    severity: 'error',
    inputs: WAYPOINT_KINDS,
    description: `${ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT} is not a whole number from 0 to 100, so istiod drops the canary waypoint.`,
    docs: {
      summary: `istiod reads \`${ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT}\` as a whole number from 0 to 100. Any other value drops the canary waypoint: every connection stays on the primary, and only the \`WaypointBound\` message says why (reason \`CanaryInvalidWeight\`).`,
      details: [
        `The weight is the canary's share of **new connections** (in-mesh, ztunnel picks a waypoint per connection and keeps it for the connection's life) or of **requests** on the ingress path (\`istio.io/ingress-use-waypoint\`); the primary gets the rest. A missing annotation means 0: the canary is checked but gets nothing; 100 sends everything to the canary.`,
        '',
        'The value is parsed like Go\'s `strconv.Atoi`: digits with an optional sign (`"+20"` and `"020"` are 20). Rejected: fractions (`"2.5"`), percentages (`"20%"`), spaces, words, and numbers outside 0..100.',
        '',
        `The annotation counts only beside a canary (\`${LABEL_USE_WAYPOINT_CANARY}\`). It is read on the Service or ServiceEntry, or on its Namespace when the primary \`${LABEL_USE_WAYPOINT}\` is inherited from the Namespace. Istio 1.30 ignores it.`,
      ].join('\n'),
      fix: `Write the share as a quoted whole number from 0 to 100, e.g. \`${ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT}: "10"\`.`,
    },
    examples: {
      valid: [
        {
          title: 'Twenty per cent of new connections to the canary',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - {name: mesh, port: 15008, protocol: HBONE}',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint-v2, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - {name: mesh, port: 15008, protocol: HBONE}',
            '---',
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: cart',
            '  namespace: shop',
            '  labels:',
            '    istio.io/use-waypoint: waypoint',
            '    istio.io/use-waypoint-canary: waypoint-v2',
            '  annotations:',
            '    istio.io/use-waypoint-canary-weight: "20"',
            'spec:',
            '  selector: {app: cart}',
            '  ports: [{port: 80}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'A percentage sign',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - {name: mesh, port: 15008, protocol: HBONE}',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint-v2, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - {name: mesh, port: 15008, protocol: HBONE}',
            '---',
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: cart',
            '  namespace: shop',
            '  labels:',
            '    istio.io/use-waypoint: waypoint',
            '    istio.io/use-waypoint-canary: waypoint-v2',
            '  annotations:',
            '    istio.io/use-waypoint-canary-weight: "20%"',
            'spec:',
            '  selector: {app: cart}',
            '  ports: [{port: 80}]',
          ),
          line: 26,
          effect: {
            says: 'the canary is not attached, so the connection goes through the primary waypoint',
            context: documents(ambientNamespace('shop'), workload('shop', 'cart'), workload('shop', 'web')),
            request: { from: 'shop/web', to: 'cart.shop:80' },
            expect: { verdict: 'allowed', status: 200, waypoint: 'shop/waypoint' },
          },
        },
      ],
    },
  },
  check(ctx) {
    const reported = new Set<Resource>();
    for (const site of canarySites(ctx.mesh, ctx.versions.istio.behaviour.canaryWaypoints)) {
      const c = site.canary;
      if (c.reason !== 'CanaryInvalidWeight' || !c.weightAnnotation) continue;
      // The annotation sits on the site itself, or (weight inherited with the primary) on the site's Namespace.
      const holder = c.weightAnnotation.from === 'object' ? site.resource : site.labelResource;
      if (reported.has(holder)) continue;
      reported.add(holder);
      const primary = site.primary.waypoint ? `${site.primary.waypoint.namespace}/${site.primary.waypoint.name}` : '';
      ctx.report({
        resource: holder,
        path: ['metadata', 'annotations', ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT],
        part: 'value',
        message: `Canary weight ${JSON.stringify(c.weightAnnotation.value)} is not a whole number from 0 to 100: istiod drops canary waypoint ${c.requested.namespace}/${c.requested.name} (WaypointBound message "Canary waypoint not attached", reason CanaryInvalidWeight), so every connection of ${canaryWhose(site)} stays on the primary ${primary}.`,
        fix: `Set ${ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT} to a quoted whole number from 0 to 100.`,
      });
    }
  },
};
