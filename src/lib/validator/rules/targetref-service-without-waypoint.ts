import type { Resource } from '../../model/types.ts';
import type { Rule, RuleContext } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { LABEL_USE_WAYPOINT, type TargetRef, targetRefPath } from '../../ambient/index.ts';
import { policies, serviceWaypoint, WAYPOINT_KINDS } from '../facts/index.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/ambient (policy attachment): a targetRefs policy only reaches the
// waypoint bound to the target; with no waypoint the status says AncestorNotBound and nothing enforces it.
// SEMANTICS §3.
const KINDS = ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin'] as const;

/** `namespace` is the resource's (the digest has it: the resource itself is read only to report). */
function checkRefs(ctx: RuleContext, r: Resource, namespace: string, refs: readonly TargetRef[]): void {
  for (let j = 0; j < refs.length; j++) {
    const { group = '', kind = '', name } = refs[j]!;
    if (!name) continue;
    const svc =
      group === '' && kind === 'Service'
        ? ctx.mesh.service('Service', namespace, name)
        : group === 'networking.istio.io' && kind === 'ServiceEntry'
          ? ctx.mesh.service('ServiceEntry', namespace, name)
          : undefined;
    if (!svc) continue;
    const b = serviceWaypoint(ctx.mesh, svc);
    if (b.waypoint) continue;
    ctx.report({
      resource: r,
      path: targetRefPath(refs[j]!),
      message: `${svc.kind} ${svc.namespace}/${svc.name} is not bound to a usable waypoint, so this ${r.kind} is enforced nowhere. ${b.note}`,
      fix: 'Bind the Service to a waypoint with istio.io/use-waypoint (and deploy it), or use a selector policy for L4 rules.',
    });
  }
}

export const rule: Rule = {
  meta: {
    id: 'targetref-service-without-waypoint',
    severity: 'error',
    inputs: [...KINDS, ...WAYPOINT_KINDS],
    description:
      'A policy targets a Service (or ServiceEntry) that is not bound to a waypoint: it is enforced nowhere.',
    docs: {
      summary:
        'Policies with `targetRefs` are applied only by waypoints. If the targeted Service has no usable waypoint, no proxy ever loads the policy: an AuthorizationPolicy does not protect the service, a RequestAuthentication validates nothing.',
      details: [
        `ztunnel never receives \`targetRefs\` policies, and a Service reaches a waypoint only through the \`${LABEL_USE_WAYPOINT}\` label (on the Service or its Namespace) naming a waypoint that exists, is ready and serves service traffic. Otherwise the policy status shows \`AncestorNotBound\`, and traffic flows as if the policy did not exist.`,
        '',
        'This is the most dangerous failure after a migration: a DENY policy converted to `targetRefs` protects nothing until the waypoint is in place. The rule only checks Services and ServiceEntries present in the manifests.',
      ].join('\n'),
      fix: 'Bind the Service to a waypoint (label it or its Namespace `istio.io/use-waypoint: <waypoint>` and deploy the waypoint), or, for L4-only rules, use a `selector` policy that ztunnel enforces.',
    },
    examples: {
      valid: [
        {
          title: 'Target service bound to a waypoint',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: reviews',
            '  namespace: bookinfo',
            '  labels: {istio.io/use-waypoint: waypoint}',
            'spec:',
            '  selector: {app: reviews}',
            '  ports: [{port: 9080, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint, namespace: bookinfo}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: reviews-get, namespace: bookinfo}',
            'spec:',
            '  targetRefs: [{kind: Service, group: "", name: reviews}]',
            '  rules:',
            '  - to: [{operation: {methods: [GET]}}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Target service without a waypoint',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: reviews',
            '  namespace: bookinfo',
            'spec:',
            '  selector: {app: reviews}',
            '  ports: [{port: 9080, name: http}]',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: reviews-get, namespace: bookinfo}',
            'spec:',
            '  targetRefs: [{kind: Service, group: "", name: reviews}]',
            '  rules:',
            '  - to: [{operation: {methods: [GET]}}]',
          ),
          line: 14,
          effect: {
            says: 'the GET-only policy is enforced nowhere: a POST passes, with no waypoint on the path',
            context: documents(
              ambientNamespace('bookinfo'),
              workload('bookinfo', 'reviews', { targetPort: 9080 }),
              workload('bookinfo', 'productpage'),
            ),
            request: { from: 'bookinfo/productpage', to: 'reviews.bookinfo:9080', method: 'POST' },
            expect: { verdict: 'allowed', status: 200, waypoint: null },
          },
        },
      ],
    },
  },
  check(ctx) {
    // The digests have read the policies' targetRefs: the policies are read again only to report.
    for (const kind of KINDS)
      for (const p of policies(ctx.mesh, kind))
        if (p.targetRefs.length) checkRefs(ctx, p.resource, p.namespace, p.targetRefs);
  },
};
