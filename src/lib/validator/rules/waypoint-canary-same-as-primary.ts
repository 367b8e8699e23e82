import { LABEL_USE_WAYPOINT, LABEL_USE_WAYPOINT_CANARY } from '../../ambient/index.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { canaryWhose } from './waypoint-canary-not-attached.ts';
import { canarySites } from '../facts/index.ts';
import { WAYPOINT_KINDS } from '../facts/index.ts';

// Evidence: istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/waypoints.go buildWeightedWaypoints: a
// canary whose namespace/name equals the primary's is refused first (before the weight is read), reported as
// CanarySameAsPrimary in the WaypointBound message; status.go ReportWaypointCanarySameAsPrimary.
export const rule: Rule = {
  meta: {
    id: 'waypoint-canary-same-as-primary',
    severity: 'warning',
    inputs: WAYPOINT_KINDS,
    description: 'istio.io/use-waypoint-canary names the primary waypoint itself, so there is no canary.',
    docs: {
      summary: `A canary waypoint must differ from the primary. When \`${LABEL_USE_WAYPOINT_CANARY}\` names the same waypoint as \`${LABEL_USE_WAYPOINT}\` (same name, same namespace), istiod drops the canary (reason \`CanarySameAsPrimary\` in the \`WaypointBound\` message) and nothing is being canaried.`,
      details: [
        'This usually happens half-way through a migration: the new waypoint was promoted by renaming the primary label, and the canary label was left behind pointing at it, or both labels were edited to the same value.',
        '',
        'Traffic keeps flowing through the primary; the finding matters because the rollout you think is running is not. The comparison uses the resolved namespaces: a canary in another namespace with the same name is a different waypoint.',
      ].join('\n'),
      fix: `Point \`${LABEL_USE_WAYPOINT_CANARY}\` at the new waypoint, or remove the canary label (and its weight annotation) once the rollout is finished.`,
    },
    examples: {
      valid: [
        {
          title: 'Rollout finished: primary moved, no canary left',
          yaml: y(
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
            '    istio.io/use-waypoint: waypoint-v2',
            'spec:',
            '  selector: {app: cart}',
            '  ports: [{port: 80}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Canary label left pointing at the promoted primary',
          yaml: y(
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
            '    istio.io/use-waypoint: waypoint-v2',
            '    istio.io/use-waypoint-canary: waypoint-v2',
            'spec:',
            '  selector: {app: cart}',
            '  ports: [{port: 80}]',
          ),
          line: 16,
        },
      ],
    },
  },
  check(ctx) {
    for (const site of canarySites(ctx.mesh, ctx.versions.istio.behaviour.canaryWaypoints)) {
      const c = site.canary;
      if (c.reason !== 'CanarySameAsPrimary' || site.labelResource !== site.resource) continue;
      ctx.report({
        resource: site.resource,
        path: ['metadata', 'labels', LABEL_USE_WAYPOINT_CANARY],
        part: 'value',
        message: `Canary waypoint ${c.requested.namespace}/${c.requested.name} is the primary waypoint of ${canaryWhose(site)}: istiod drops it (WaypointBound message "Canary waypoint not attached", reason CanarySameAsPrimary), so nothing is canaried.`,
        fix: 'Point the canary label at the new waypoint, or remove it once the rollout is done.',
      });
    }
  },
};
