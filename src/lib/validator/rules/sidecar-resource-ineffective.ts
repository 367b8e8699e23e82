import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { isGroup, namespaceIsAmbient } from '../facts/index.ts';

// Evidence: istioctl analyzer IST0167 (pkg/config/analysis/analyzers/sidecar: "Sidecar resource is ignored for
// ambient workloads") and SEMANTICS §7.
export const rule: Rule = {
  meta: {
    id: 'sidecar-resource-ineffective',
    severity: 'warning',
    inputs: ['Sidecar', 'Namespace'],
    description: 'A Sidecar resource does nothing for ambient workloads.',
    docs: {
      summary:
        'The Sidecar resource configures sidecar proxies (egress scope, inbound ports). Ambient pods have no sidecar, so it is ignored for them: egress restrictions written there are not enforced.',
      details: [
        'ztunnel and waypoints do not read Sidecar resources. A common trap is an `outboundTrafficPolicy: REGISTRY_ONLY` or an `egress.hosts` list meant to restrict where workloads can connect: after moving the namespace to ambient, the restriction is gone.',
        '',
        'Reported as a warning in a namespace the manifests show to be ambient, and as information when the namespace is not in the manifests. Not reported for sidecar namespaces.',
      ].join('\n'),
      fix: 'Delete the Sidecar resource. For egress control in ambient, route egress through an egress gateway or waypoint and use AuthorizationPolicy, or a NetworkPolicy.',
    },
    examples: {
      valid: [
        {
          title: 'Sidecar resource in a sidecar namespace',
          yaml: y(
            'apiVersion: v1',
            'kind: Namespace',
            'metadata:',
            '  name: legacy',
            '  labels:',
            '    istio-injection: enabled',
            '---',
            'apiVersion: networking.istio.io/v1',
            'kind: Sidecar',
            'metadata:',
            '  name: default',
            '  namespace: legacy',
            'spec:',
            '  egress:',
            '  - hosts: ["./*"]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Sidecar resource in an ambient namespace',
          yaml: y(
            'apiVersion: v1',
            'kind: Namespace',
            'metadata:',
            '  name: shop',
            '  labels:',
            '    istio.io/dataplane-mode: ambient',
            '---',
            'apiVersion: networking.istio.io/v1',
            'kind: Sidecar',
            'metadata:',
            '  name: default',
            '  namespace: shop',
            'spec:',
            '  egress:',
            '  - hosts: ["./*"]',
          ),
          line: 9,
        },
      ],
    },
  },
  check(ctx) {
    for (const r of ctx.mesh.byKind('Sidecar')) {
      if (!isGroup(r, 'networking.istio.io')) continue;
      const ambient = namespaceIsAmbient(ctx.mesh, r.namespace);
      if (ambient === false) continue;
      ctx.report({
        resource: r,
        path: [],
        severity: ambient ? 'warning' : 'info',
        message: ambient
          ? `Namespace ${r.namespace} is in ambient: this Sidecar resource is ignored, and any egress restriction in it is not enforced.`
          : 'Sidecar resources are ignored for ambient workloads; if this namespace is (or becomes) ambient, this configuration does nothing.',
        fix: 'Delete it, and enforce egress rules with an egress gateway/waypoint and AuthorizationPolicy instead.',
      });
    }
  },
};
