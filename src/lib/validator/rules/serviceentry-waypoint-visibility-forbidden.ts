import {
  applyServiceEntryVisibility,
  LABEL_USE_WAYPOINT,
  LABEL_USE_WAYPOINT_NAMESPACE,
  labelOf,
  serviceEntryVisibilityFor,
} from '../../ambient/index.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { WAYPOINT_KINDS } from '../facts/index.ts';

// Evidence: istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/waypoints.go fetchWaypointForService (a
// ServiceEntry whose resolved visibility is NAMESPACE may not bind to a waypoint in another namespace),
// status.go ReportWaypointCrossNamespaceForbidden, model/serviceentry_visibility.go (how the visibility resolves);
// istio/api release-1.31 mesh/v1alpha1/config.proto ServiceEntryVisibility (absent from release-1.30).
export const rule: Rule = {
  meta: {
    id: 'serviceentry-waypoint-visibility-forbidden',
    severity: 'error',
    inputs: WAYPOINT_KINDS,
    description:
      'A ServiceEntry visible only in its namespace (meshConfig.serviceEntryVisibility) names a waypoint in another namespace: no waypoint is used.',
    docs: {
      summary:
        'With Istio 1.31 `meshConfig.serviceEntryVisibility`, a ServiceEntry whose visibility resolves to `NAMESPACE` may not use a waypoint in another namespace (that would expose the entry there). istiod refuses the binding (`WaypointBound=False`, reason `CrossNamespaceWaypointForbidden`): traffic to the entry goes without a waypoint, and every L7 policy meant for it is bypassed.',
      details: [
        '`serviceEntryVisibility` sets, per ServiceEntry namespace, who sees the entries: `PUBLIC` (everyone, the default), `NAMESPACE` (clients in the same namespace) or `NONE` (nobody: istiod configures nothing for them). Policies are tried in order, each matching the namespace by a label selector; the first whose rules all match wins, else `defaultVisibility`.',
        '',
        'A common egress layout puts one shared egress waypoint in its own namespace and labels ServiceEntries elsewhere with `istio.io/use-waypoint` + `istio.io/use-waypoint-namespace`. Once those namespaces resolve to `NAMESPACE` visibility, each such binding is refused and the entries lose their waypoint. Kubernetes Services are not affected, and Istio 1.30 has no such setting.',
        '',
        'The check runs when the MeshConfig is known: `--mesh-config FILE`, or the `istio` ConfigMap among the manifests.',
      ].join('\n'),
      fix: 'Give the ServiceEntry a waypoint in its own namespace, or make its namespace `PUBLIC` with a `serviceEntryVisibility` policy whose namespace selector matches it.',
    },
    examples: {
      valid: [
        {
          title: 'A NAMESPACE-visible entry with its own waypoint',
          yaml: y(
            'apiVersion: v1',
            'kind: ConfigMap',
            'metadata: {name: istio, namespace: istio-system}',
            'data:',
            '  mesh: |-',
            '    serviceEntryVisibility: {defaultVisibility: NAMESPACE}',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: egress, namespace: billing}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - {name: mesh, port: 15008, protocol: HBONE}',
            '---',
            'apiVersion: networking.istio.io/v1',
            'kind: ServiceEntry',
            'metadata:',
            '  name: stripe',
            '  namespace: billing',
            '  labels:',
            '    istio.io/use-waypoint: egress',
            'spec:',
            '  hosts: [api.stripe.com]',
            '  ports: [{number: 443, name: tls, protocol: TLS}]',
            '  resolution: DNS',
          ),
        },
      ],
      invalid: [
        {
          title: 'A shared egress waypoint in another namespace',
          yaml: y(
            'apiVersion: v1',
            'kind: ConfigMap',
            'metadata: {name: istio, namespace: istio-system}',
            'data:',
            '  mesh: |-',
            '    serviceEntryVisibility: {defaultVisibility: NAMESPACE}',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: egress, namespace: egress}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - name: mesh',
            '    port: 15008',
            '    protocol: HBONE',
            '    allowedRoutes: {namespaces: {from: All}}',
            '---',
            'apiVersion: networking.istio.io/v1',
            'kind: ServiceEntry',
            'metadata:',
            '  name: stripe',
            '  namespace: billing',
            '  labels:',
            '    istio.io/use-waypoint: egress',
            '    istio.io/use-waypoint-namespace: egress',
            'spec:',
            '  hosts: [api.stripe.com]',
            '  ports: [{number: 80, name: http, protocol: HTTP}]',
            '  resolution: DNS',
          ),
          line: 25,
          effect: {
            says: 'the binding is refused, so the request reaches the entry without a waypoint',
            context: documents(
              ambientNamespace('billing'),
              y(
                'apiVersion: apps/v1',
                'kind: Deployment',
                'metadata: {name: payments, namespace: billing}',
                'spec:',
                '  selector: {matchLabels: {app: payments}}',
                '  template: {metadata: {labels: {app: payments}}, spec: {containers: [{name: c, image: c}]}}',
              ),
            ),
            request: { from: 'billing/payments', to: 'api.stripe.com:80' },
            expect: { verdict: 'allowed', waypoint: null },
          },
        },
      ],
    },
  },
  check(ctx) {
    const mc = ctx.meshConfig;
    if (!mc?.serviceEntryVisibility || !ctx.versions.istio.behaviour.serviceEntryVisibility) return;
    for (const s of ctx.mesh.services) {
      if (s.kind !== 'ServiceEntry') continue;
      const visibility = serviceEntryVisibilityFor(mc, ctx.mesh.namespaceLabels(s.namespace));
      const target = { kind: s.kind, resource: s.resource, namespace: s.namespace, labels: s.labels };
      const binding = ctx.mesh.resolveWaypoint(target);
      const after = applyServiceEntryVisibility(target, binding, visibility);
      if (after.reason !== 'visibility-forbidden' || !binding.waypoint) continue;
      const own = labelOf(s.resource.labels, LABEL_USE_WAYPOINT) !== undefined;
      const wp = `${binding.waypoint.namespace}/${binding.waypoint.name}`;
      ctx.report({
        resource: s.resource,
        path: own ? ['metadata', 'labels', LABEL_USE_WAYPOINT] : ['metadata', 'name'],
        part: 'value',
        message: `ServiceEntry ${s.namespace}/${s.name} is visible only in namespace ${s.namespace} (meshConfig.serviceEntryVisibility NAMESPACE), so istiod refuses ${own ? 'its' : `its namespace's`} waypoint ${wp} in another namespace (WaypointBound=False, reason CrossNamespaceWaypointForbidden): traffic to it goes without a waypoint and its L7 policy is bypassed.`,
        fix: `Use a waypoint in ${s.namespace} (drop ${LABEL_USE_WAYPOINT_NAMESPACE}), or make ${s.namespace} PUBLIC with a serviceEntryVisibility policy.`,
      });
    }
  },
};
