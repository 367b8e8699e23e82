import {
  ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT,
  LABEL_USE_WAYPOINT,
  LABEL_USE_WAYPOINT_CANARY,
  LABEL_USE_WAYPOINT_CANARY_NAMESPACE,
} from '../../ambient/index.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { canarySites, WAYPOINT_KINDS, type CanarySite } from '../facts/index.ts';

// Evidence: istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/waypoints.go buildWeightedWaypoints and
// resolveCanaryWaypoint (a canary that is missing, not ready, not admitted by allowedRoutes or not for service
// traffic is dropped and traffic stays on the primary), status.go (the reasons), model/service.go GetConditions
// (WaypointBound stays True; "Canary waypoint not attached" is appended to its message). release-1.30 has no
// canary waypoints at all. SEMANTICS §2 [rev].

/** Who the finding speaks for. */
export function canaryWhose(site: CanarySite): string {
  return site.kind === 'Namespace'
    ? `services in namespace ${site.resource.name} (those without their own ${LABEL_USE_WAYPOINT})`
    : `${site.kind} ${site.resource.namespace}/${site.resource.name}`;
}

const REASONS = new Set([
  'WaypointIsNotReady',
  'AttachmentDenied',
  'UnsupportedTrafficType',
  'no-primary',
  'unsupported',
]);

export const rule: Rule = {
  meta: {
    id: 'waypoint-canary-not-attached',
    severity: 'warning',
    inputs: WAYPOINT_KINDS,
    description:
      'istio.io/use-waypoint-canary names a waypoint istiod cannot attach, or is ignored (no primary waypoint, or Istio 1.30).',
    docs: {
      summary: `A canary waypoint (\`${LABEL_USE_WAYPOINT_CANARY}\`, Istio 1.31, alpha) that istiod cannot attach is dropped: **all** traffic stays on the primary waypoint and the canary never sees a connection. Only the \`WaypointBound\` condition's message says so; its status stays \`True\`.`,
      details: [
        `In Istio 1.31 a Service or ServiceEntry (or its Namespace) can name a second waypoint with \`${LABEL_USE_WAYPOINT_CANARY}\` (in another namespace with \`${LABEL_USE_WAYPOINT_CANARY_NAMESPACE}\`); \`${ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT}\` gives its share of new connections. istiod checks the canary like a primary, and on failure keeps the service bound to the primary and appends "Canary waypoint not attached" with a reason to the \`WaypointBound\` message:`,
        '',
        '- `WaypointIsNotReady`: no waypoint Gateway of that name in that namespace, or it has no address yet;',
        '- `AttachmentDenied`: the canary is in another namespace and its HBONE listener does not admit this one (`allowedRoutes.namespaces.from` defaults to `Same`);',
        '- `UnsupportedTrafficType`: the canary is labelled `istio.io/waypoint-for: workload` or `none`.',
        '',
        `The canary is also ignored, without any status, when the object has no working primary waypoint (\`${LABEL_USE_WAYPOINT}\` absent, \`none\`, or failing), and when the object sets its own \`${LABEL_USE_WAYPOINT}\` while the canary label is on its Namespace (the canary is inherited only together with the primary).`,
        '',
        'On **Istio 1.30** none of these labels exist: the canary is never used (reported as a warning when checking for 1.30).',
      ].join('\n'),
      fix: `Deploy the canary waypoint (\`istioctl waypoint apply -n <ns> --name <canary>\`) and wait for its address, fix the name or \`${LABEL_USE_WAYPOINT_CANARY_NAMESPACE}\`, allow this namespace on its HBONE listener, or give the object a primary \`${LABEL_USE_WAYPOINT}\`. On 1.30, upgrade before relying on a canary.`,
    },
    examples: {
      valid: [
        {
          title: 'Service with a primary and a ready canary, 10 % of new connections',
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
            '    istio.io/use-waypoint-canary-weight: "10"',
            'spec:',
            '  selector: {app: cart}',
            '  ports: [{port: 80}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Canary in a shared namespace whose listener admits only its own namespace',
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
            'metadata: {name: waypoint-next, namespace: infra}',
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
            '    istio.io/use-waypoint-canary: waypoint-next',
            '    istio.io/use-waypoint-canary-namespace: infra',
            '  annotations:',
            '    istio.io/use-waypoint-canary-weight: "25"',
            'spec:',
            '  selector: {app: cart}',
            '  ports: [{port: 80}]',
          ),
          line: 24,
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
    const enabled = ctx.versions.istio.behaviour.canaryWaypoints;
    for (const site of canarySites(ctx.mesh, enabled)) {
      const c = site.canary;
      if (!REASONS.has(c.reason)) continue;
      // A site that only sets a weight over its Namespace's canary is reported by the Namespace.
      if (site.labelResource !== site.resource) continue;
      const ref = `${c.requested.namespace}/${c.requested.name}`;
      const whose = canaryWhose(site);
      const primary = site.primary.waypoint ? `${site.primary.waypoint.namespace}/${site.primary.waypoint.name}` : '';
      let message: string;
      let severity: 'error' | 'warning' = 'warning';
      let fix: string;
      switch (c.reason) {
        case 'unsupported':
          message = `Canary waypoint ${ref} for ${whose}: Istio ${ctx.versions.istio.version} has no canary waypoints (added in 1.31), so the label is ignored and every connection uses the primary waypoint.`;
          fix = 'Upgrade to Istio 1.31 before relying on a canary waypoint, or remove the label.';
          break;
        case 'no-primary':
          message = `Canary waypoint ${ref} for ${whose} is ignored: there is no working primary waypoint (${LABEL_USE_WAYPOINT}), and istiod uses a canary only beside one. No status condition says so.`;
          fix = `Give the object a primary ${LABEL_USE_WAYPOINT} (the canary takes a share of its connections).`;
          break;
        case 'WaypointIsNotReady': {
          const missing = ctx.mesh.waypoint(c.requested.namespace, c.requested.name) === undefined;
          if (missing && ctx.mesh.waypoints.length > 0) severity = 'error';
          message = `Canary waypoint ${ref} for ${whose} ${missing ? 'is not in these manifests' : 'has no address yet'}: istiod reports "Canary waypoint not attached" (reason WaypointIsNotReady) in WaypointBound and keeps all traffic on the primary ${primary}.`;
          fix = 'Deploy the canary waypoint (istioctl waypoint apply --name …) or fix the name.';
          break;
        }
        case 'AttachmentDenied':
          severity = 'error';
          message = `Canary waypoint ${ref} does not admit namespace ${site.kind === 'Namespace' ? site.resource.name : site.resource.namespace} (its HBONE listener allows routes from its own namespace only): istiod reports "Canary waypoint not attached" (reason AttachmentDenied) and keeps all traffic of ${whose} on the primary ${primary}.`;
          fix =
            'Set allowedRoutes.namespaces.from: All (or a Selector) on the canary waypoint listener, or use a canary in this namespace.';
          break;
        default:
          message = `Canary waypoint ${ref} does not take service traffic (istio.io/waypoint-for): istiod reports "Canary waypoint not attached" (reason UnsupportedTrafficType) and keeps all traffic of ${whose} on the primary ${primary}.`;
          fix = 'Label the canary waypoint istio.io/waypoint-for: service (or all).';
      }
      ctx.report({
        resource: site.resource,
        path: ['metadata', 'labels', LABEL_USE_WAYPOINT_CANARY],
        part: 'value',
        severity,
        message,
        fix,
      });
    }
  },
};
