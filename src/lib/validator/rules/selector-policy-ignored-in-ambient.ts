import { getArray, getObject } from '../../model/access.ts';
import type { Resource } from '../../model/types.ts';
import type { Rule } from '../rule.ts';
import { documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { hasTargetRefs } from '../../ambient/index.ts';
import { scopeIsAmbient, SCOPE_KINDS } from '../facts/index.ts';

// Evidence: istio.io ambient docs and SEMANTICS §6-7: RequestAuthentication and WasmPlugin apply only at waypoints
// and gateways via targetRefs; ztunnel emits no spans and runs no Wasm or JWT filters, so selector forms do
// nothing for ambient pods.
function l7Part(r: Resource, rootNamespace: string): (string | number)[] | undefined {
  if (r.kind === 'RequestAuthentication') {
    if (getObject(r.obj, ['spec', 'selector'])) return ['spec', 'selector'];
    // Namespace-wide (no selector, no targetRefs): waypoints never take it either (release-1.31
    // pilot/pkg/model/authentication.go getConfigsForWorkload → policyattachment.go ShouldAttachPolicy returns false
    // for a waypoint without targetRefs). The root namespace's still reaches ingress gateways: not reported.
    if (!hasTargetRefs(r) && r.namespace !== rootNamespace && getArray(r.obj, ['spec', 'jwtRules']).length)
      return ['spec', 'jwtRules'];
    return undefined;
  }
  if (r.kind === 'WasmPlugin') {
    if (getObject(r.obj, ['spec', 'selector'])) return ['spec', 'selector'];
    return undefined;
  }
  if (r.kind === 'Telemetry' && getObject(r.obj, ['spec', 'selector']) && getArray(r.obj, ['spec', 'tracing']).length)
    return ['spec', 'selector'];
  return undefined;
}

export const rule: Rule = {
  meta: {
    id: 'selector-policy-ignored-in-ambient',
    severity: 'warning',
    inputs: ['RequestAuthentication', 'WasmPlugin', 'Telemetry', ...SCOPE_KINDS],
    description:
      'A RequestAuthentication, WasmPlugin or tracing Telemetry uses a workload selector (or a RequestAuthentication is namespace-wide): it does nothing for ambient pods.',
    docs: {
      summary:
        'JWT validation, Wasm extensions and tracing need an L7 proxy. Ambient pods have none: ztunnel ignores these resources, and waypoints only load them through `targetRefs`. With a `selector`, the resource silently does nothing.',
      details: [
        '- **RequestAuthentication** with `selector`, or namespace-wide (neither `selector` nor `targetRefs`, outside the root namespace): no token is validated; waypoints load RequestAuthentication only through `targetRefs`. Combined with an AuthorizationPolicy that expects `request.auth.*`, requests are then denied (or, with only a DENY on bad tokens, allowed).',
        '- **WasmPlugin** with `selector`: the plugin is never loaded for ambient pods.',
        '- **Telemetry** with `selector` and `tracing`: ztunnel produces L4 metrics and logs, never spans; no trace is emitted for these workloads.',
        '',
        'Reported as a warning when the manifests show the selected workloads (or their namespace) are ambient, and as information when the namespace is not in the manifests.',
      ].join('\n'),
      fix: 'Replace `selector` with `targetRefs` to the waypoint serving the workloads (kind `Service` for one service, or kind `Gateway` for the waypoint), and make sure the service is bound to that waypoint.',
    },
    examples: {
      valid: [
        {
          title: 'RequestAuthentication attached to the waypoint',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: RequestAuthentication',
            'metadata: {name: jwt, namespace: shop}',
            'spec:',
            '  targetRefs:',
            '  - {kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}',
            '  jwtRules:',
            '  - issuer: https://issuer.example',
            '    jwksUri: https://issuer.example/jwks.json',
          ),
        },
      ],
      invalid: [
        {
          title: 'RequestAuthentication with a selector in an ambient namespace',
          yaml: y(
            'apiVersion: v1',
            'kind: Namespace',
            'metadata:',
            '  name: shop',
            '  labels: {istio.io/dataplane-mode: ambient}',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: RequestAuthentication',
            'metadata: {name: jwt, namespace: shop}',
            'spec:',
            '  selector:',
            '    matchLabels: {app: cart}',
            '  jwtRules:',
            '  - issuer: https://issuer.example',
            '    jwksUri: https://issuer.example/jwks.json',
          ),
          line: 11,
          effect: {
            says: 'no JWT is validated: a request with a malformed token still gets 200',
            context: documents(workload('shop', 'cart', { port: 80 }), workload('shop', 'web')),
            request: { from: 'shop/web', to: 'cart.shop:80', jwt: 'not-a-jwt' },
            expect: { verdict: 'allowed', status: 200 },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const kind of ['RequestAuthentication', 'WasmPlugin', 'Telemetry']) {
      for (const r of ctx.mesh.byKind(kind)) {
        const path = l7Part(r, ctx.mesh.rootNamespace);
        if (!path) continue;
        const ambient = scopeIsAmbient(ctx.mesh, r);
        if (ambient === false) continue;
        const wide = kind === 'RequestAuthentication' && path[1] === 'jwtRules';
        const how = wide ? 'without selector or targetRefs' : 'with a selector';
        const what =
          kind === 'RequestAuthentication'
            ? 'no JWT is validated'
            : kind === 'WasmPlugin'
              ? 'the plugin is never loaded'
              : 'no spans are emitted';
        ctx.report({
          resource: r,
          path,
          severity: ambient ? 'warning' : 'info',
          message: ambient
            ? `${kind} ${how} does nothing for ambient workloads: ${what}. Only waypoints apply it, through targetRefs.`
            : `${kind} ${how} does nothing for ambient workloads (${what}); if namespace ${r.namespace} is ambient, attach it with targetRefs instead.`,
          fix: 'Use targetRefs to the waypoint (kind Service or Gateway).',
        });
      }
    }
  },
};
