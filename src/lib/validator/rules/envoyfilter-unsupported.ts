import { getArray, getObject, getString } from '../../model/access.ts';
import type { JsonObject } from '../../model/types.ts';
import { hasTargetRefs, LABEL_GATEWAY_NAME } from '../../ambient/index.ts';
import type { Rule, RuleContext } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { isGroup, namespaceIsAmbient, WAYPOINT_KINDS } from '../facts/index.ts';

// Evidence: istio/istio release-1.31 pilot/pkg/model/policyattachment.go ShouldAttachPolicy (used for EnvoyFilter
// by push_context.go): a policy with targetRefs attaches to the Gateway it names (or, from the root namespace, to
// every waypoint through the istio-waypoint GatewayClass); waypoints never use a workloadSelector; ingress gateways
// do (ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY, on by default). Integration test
// tests/integration/ambient/baseline_test.go TestWaypointEnvoyFilter patches a waypoint through targetRefs (alpha
// since 1.30). ztunnel is not Envoy: nothing reaches it. SEMANTICS §7 [rev].

/** A workloadSelector's labels (`labels`, or `matchLabels` as some manifests write it). */
function selectorLabels(r: { obj: JsonObject }): JsonObject | undefined {
  const sel = getObject(r.obj, ['spec', 'workloadSelector']);
  return getObject(sel, ['labels']) ?? getObject(sel, ['matchLabels']);
}

/**
 * The selector picks gateway pods: a Gateway API gateway's pods (its gateway-name label names no waypoint of the
 * manifests) or a classic gateway deployment (a label value naming a gateway, e.g. `istio: ingressgateway`,
 * `app: istio-egressgateway`). 'waypoint' when it names a waypoint's pods, which never take selector policies.
 */
function gatewaySelected(ctx: RuleContext, ns: string, labels: JsonObject): 'gateway' | 'waypoint' | undefined {
  const gwName = Object.prototype.hasOwnProperty.call(labels, LABEL_GATEWAY_NAME)
    ? labels[LABEL_GATEWAY_NAME]
    : undefined;
  if (typeof gwName === 'string') {
    const named = ctx.mesh.waypoints.some((w) => w.namespace === ns && w.name === gwName);
    if (named || gwName === 'waypoint' || gwName.endsWith('-waypoint')) return 'waypoint';
    return 'gateway';
  }
  for (const k in labels) {
    const v = labels[k];
    if (typeof v === 'string' && /gateway/i.test(v) && !/waypoint/i.test(v)) return 'gateway';
  }
  return undefined;
}

export const rule: Rule = {
  meta: {
    id: 'envoyfilter-unsupported',
    severity: 'warning',
    inputs: ['EnvoyFilter', ...WAYPOINT_KINDS],
    description:
      'An EnvoyFilter without targetRefs never reaches ztunnel or a waypoint: for ambient workloads it does nothing (a migration blocker).',
    docs: {
      summary:
        'ztunnel is not Envoy, and waypoints take an EnvoyFilter only through `targetRefs`. A sidecar-era filter (a `workloadSelector` on application pods, or namespace-wide) silently stops applying once the workloads are in ambient: whatever it added (a Lua filter, a header, rate limiting) disappears.',
      details: [
        'EnvoyFilter patches the Envoy configuration of sidecars, gateways and waypoints. Where it applies in an ambient mesh:',
        '',
        '- **ztunnel**: never. It is written in Rust and has no Envoy configuration to patch.',
        "- **Waypoints**: only an EnvoyFilter with `targetRefs` to the waypoint Gateway (same namespace), or to the `istio-waypoint` GatewayClass from the root namespace (every waypoint). This is alpha since Istio 1.30 (upstream integration test `TestWaypointEnvoyFilter`). Waypoints never take `workloadSelector` policies, so a selector on the waypoint's pods is ignored.",
        '- **Ingress and egress gateways**: as before, by `workloadSelector` or `targetRefs`.',
        '',
        `Reported: an EnvoyFilter without \`targetRefs\` whose selector picks application pods or a waypoint's pods, or that has no selector (namespace-wide, or mesh-wide in the root namespace), unless every patch matches \`context: GATEWAY\` or the selector picks gateway pods (\`${LABEL_GATEWAY_NAME}\` of a non-waypoint Gateway, or a label value such as \`istio: ingressgateway\`; a gateway-name of a waypoint of the manifests, or one named \`waypoint\` / \`*-waypoint\`, counts as a waypoint). Not reported in a namespace the manifests show to use sidecars. Nothing is said about EnvoyFilters with \`targetRefs\`.`,
      ].join('\n'),
      fix: 'Attach it to the waypoint with `targetRefs` (kind `Gateway`, alpha), or replace it: a WasmPlugin attached to the waypoint, Gateway API filters on an HTTPRoute (headers, redirects, mirroring), or Telemetry for observability. Delete it if it is no longer needed.',
    },
    examples: {
      valid: [
        {
          title: 'A WasmPlugin on the waypoint instead',
          yaml: y(
            'apiVersion: extensions.istio.io/v1alpha1',
            'kind: WasmPlugin',
            'metadata:',
            '  name: add-header',
            '  namespace: shop',
            'spec:',
            '  targetRefs:',
            '  - kind: Gateway',
            '    group: gateway.networking.k8s.io',
            '    name: waypoint',
            '  url: oci://registry.example/add-header:1.0',
          ),
        },
      ],
      invalid: [
        {
          title: 'A Lua EnvoyFilter',
          yaml: y(
            'apiVersion: networking.istio.io/v1alpha3',
            'kind: EnvoyFilter',
            'metadata:',
            '  name: lua-header',
            '  namespace: shop',
            'spec:',
            '  configPatches:',
            '  - applyTo: HTTP_FILTER',
            '    patch:',
            '      operation: INSERT_BEFORE',
            '      value:',
            '        name: envoy.lua',
          ),
          line: 2,
        },
      ],
    },
  },
  check(ctx) {
    for (const r of ctx.mesh.byKind('EnvoyFilter')) {
      if (!isGroup(r, 'networking.istio.io') || hasTargetRefs(r)) continue;
      if (r.namespace !== ctx.mesh.rootNamespace && namespaceIsAmbient(ctx.mesh, r.namespace) === false) continue;
      // Patches that only match the GATEWAY context target ingress/egress gateways, which are Envoy and still
      // honour EnvoyFilter in an ambient mesh.
      const patches = getArray(r.obj, ['spec', 'configPatches']);
      if (patches.length && patches.every((p) => getString(p, ['match', 'context']) === 'GATEWAY')) continue;
      const labels = selectorLabels(r);
      const selected = labels ? gatewaySelected(ctx, r.namespace, labels) : undefined;
      if (selected === 'gateway') continue;
      ctx.report({
        resource: r,
        path: selected === 'waypoint' ? ['spec', 'workloadSelector'] : [],
        message:
          selected === 'waypoint'
            ? 'Waypoints never take workloadSelector policies: this EnvoyFilter does not patch the waypoint. Attach it with targetRefs to the waypoint Gateway (alpha since Istio 1.30).'
            : `EnvoyFilter without targetRefs patches only sidecars and gateways: ${labels ? 'the pods it selects' : `the workloads of ${r.namespace === ctx.mesh.rootNamespace ? 'the mesh' : `namespace ${r.namespace}`}`} get nothing from it in ambient (ztunnel is not Envoy, and waypoints take EnvoyFilter only through targetRefs).`,
        fix: 'Attach it to the waypoint with targetRefs (kind Gateway), replace it with a WasmPlugin or Gateway API filters, or delete it.',
      });
    }
  },
};
