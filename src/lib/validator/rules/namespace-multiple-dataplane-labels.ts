import { DATAPLANE_AMBIENT, LABEL_DATAPLANE_MODE, LABEL_INJECTION, LABEL_REV, labelOf } from '../../ambient/index.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';

// Evidence: istio/istio pkg/kube/inject/webhook.go (injectRequired) injects sidecars whenever the namespace asks
// for it, and istio-cni skips pods that have a sidecar; istioctl analyzer IST0123 warns about the mix.
export const rule: Rule = {
  meta: {
    id: 'namespace-multiple-dataplane-labels',
    severity: 'warning',
    inputs: ['Namespace'],
    description: 'A Namespace asks for both sidecar injection and ambient mode; sidecar injection wins.',
    docs: {
      summary: `With \`istio-injection: enabled\` (or \`${LABEL_REV}\`) and \`istio.io/dataplane-mode: ambient\` on one namespace, new pods get a sidecar and are therefore not captured by ambient. The namespace quietly stays a sidecar namespace.`,
      details: [
        'The sidecar injector and istio-cni both look at the namespace. Injection happens first, at pod admission; istio-cni then skips every pod that has a sidecar. The result is sidecar pods in a namespace that looks ambient, so ambient-only features (waypoints, ztunnel policies) do not apply to them.',
        '',
        'A pod labelled `sidecar.istio.io/inject: "false"` in such a namespace does become ambient, which makes the mix even harder to reason about.',
        '',
        'During a migration it is normal to have both labels for a short time; this rule reminds you to finish it.',
      ].join('\n'),
      fix: `Remove \`istio-injection\` / \`${LABEL_REV}\` from the namespace and restart its pods so they come back without sidecars (or remove the ambient label if the namespace should stay on sidecars).`,
    },
    examples: {
      valid: [
        {
          title: 'Ambient only',
          yaml: y(
            'apiVersion: v1',
            'kind: Namespace',
            'metadata:',
            '  name: shop',
            '  labels:',
            '    istio.io/dataplane-mode: ambient',
          ),
        },
      ],
      invalid: [
        {
          title: 'Both labels',
          yaml: y(
            'apiVersion: v1',
            'kind: Namespace',
            'metadata:',
            '  name: shop',
            '  labels:',
            '    istio-injection: enabled',
            '    istio.io/dataplane-mode: ambient',
          ),
          line: 7,
        },
      ],
    },
  },
  check(ctx) {
    for (const r of ctx.mesh.byKind('Namespace')) {
      if (r.apiVersion !== 'v1') continue;
      const l = r.labels;
      if (labelOf(l, LABEL_DATAPLANE_MODE) !== DATAPLANE_AMBIENT) continue;
      // The same test as namespaceInjects() (src/lib/ambient/enrolment.ts), told apart to name the label.
      const rev = labelOf(l, LABEL_REV);
      const injection =
        labelOf(l, LABEL_INJECTION) === 'enabled'
          ? `${LABEL_INJECTION}: enabled`
          : rev !== undefined
            ? `${LABEL_REV}: ${rev}`
            : undefined;
      if (!injection) continue;
      ctx.report({
        resource: r,
        path: ['metadata', 'labels', LABEL_DATAPLANE_MODE],
        message: `Namespace ${r.name} has both ${injection} and ${LABEL_DATAPLANE_MODE}: ambient: sidecar injection wins, so its pods get sidecars and are not in ambient.`,
        fix: 'Remove the injection label and restart the pods (or drop the ambient label).',
      });
    }
  },
};
