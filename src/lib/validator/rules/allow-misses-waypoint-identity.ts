import { getArray, getObject, selectorMatches } from '../../model/access.ts';
import type { Mesh, ServiceInfo, Waypoint } from '../../model/mesh.ts';
import type { JsonObject, JsonValue, ObjectPath, Resource } from '../../model/types.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { LABEL_USE_WAYPOINT, principalMatches, serviceAccountMatches, stringMatch } from '../../ambient/index.ts';
import { policies, selectedTargets, serviceWaypoint, WAYPOINT_KINDS } from '../facts/index.ts';
import type { Callers } from '../facts/index.ts';

// Evidence: ztunnel src/proxy/inbound.rs: traffic arriving from a waypoint carries the waypoint's identity, so the
// destination ztunnel evaluates selector policies against the waypoint principal
// (cluster.local/ns/<ns>/sa/<waypoint SA>). SEMANTICS §3.
function admits(callers: Callers, wp: Waypoint, policyNs: string): boolean {
  for (const p of callers.principals) if (principalMatches(p, wp.principal)) return true;
  for (const n of callers.namespaces) if (stringMatch(n, wp.namespace)) return true;
  // `sa` alone is in the policy's namespace (release-1.31 A/authorization.go stringToServiceAccountMatch).
  return callers.serviceAccounts.length > 0 && serviceAccountMatches(callers.serviceAccounts, wp.principal, policyNs);
}

/**
 * Services whose pods a root-namespace policy reaches: it applies mesh-wide without a selector, and with one to
 * matching workloads of every namespace (release-1.31 A/authorization.go Scope_GLOBAL; A/workloads.go: a selector
 * policy applies when its namespace is the workload's or the root namespace). Without workloads in the manifests,
 * Services' selectors stand in for pod labels, as selectedTargets does.
 */
function meshWideServices(mesh: Mesh, selector: JsonObject | undefined): readonly ServiceInfo[] {
  const seen = new Set<ServiceInfo>();
  const { workloads } = mesh;
  for (const w of workloads) {
    if (w.isWaypoint || (selector && !selectorMatches(selector, w.labels))) continue;
    for (const s of mesh.servicesSelecting(w.namespace, w.labels)) seen.add(s);
  }
  if (!workloads.length)
    for (const s of mesh.services)
      if (s.kind === 'Service' && s.selector && (!selector || selectorMatches(selector, s.selector))) seen.add(s);
  return [...seen];
}

/** Whether any string is in the array value. */
function hasString(v: JsonValue | undefined): boolean {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x === 'string') return true;
  return false;
}

const IDENTITY_KEYS = ['principals', 'namespaces', 'serviceAccounts'] as const;

/** The first identity restriction of the policy (the report points there). */
function firstIdentity(r: Resource): ObjectPath | undefined {
  const rules = getArray(r.obj, ['spec', 'rules']);
  for (let i = 0; i < rules.length; i++) {
    const from = getArray(rules[i], ['from']);
    for (let j = 0; j < from.length; j++) {
      const src = getObject(from[j], ['source']);
      if (!src) continue;
      for (const k of IDENTITY_KEYS) if (hasString(src[k])) return ['spec', 'rules', i, 'from', j, 'source', k];
    }
  }
  return undefined;
}

export const rule: Rule = {
  meta: {
    id: 'allow-misses-waypoint-identity',
    severity: 'error',
    inputs: ['AuthorizationPolicy', ...WAYPOINT_KINDS],
    description:
      "A selector ALLOW policy lists caller identities but not the waypoint's, for workloads behind a waypoint: waypoint traffic is denied.",
    docs: {
      summary:
        "Once a Service is bound to a waypoint, its pods receive the traffic **from the waypoint**, and ztunnel sees the waypoint's identity, not the original caller's. A selector ALLOW policy that lists only the real callers' principals then denies all traffic that comes through the waypoint.",
      details: [
        "The waypoint connects to the destination over HBONE with its own certificate: `cluster.local/ns/<waypoint namespace>/sa/<waypoint service account>` (the service account defaults to the Gateway's name). Selector and namespace-wide policies are evaluated by the destination ztunnel against that identity.",
        '',
        `So a policy like "allow \`cluster.local/ns/shop/sa/web\`" that worked before the waypoint starts denying everything the moment \`${LABEL_USE_WAYPOINT}\` is added. The waypoint itself sees the original caller, so caller-based rules belong there, in a \`targetRefs\` policy.`,
        '',
        "The rule finds the Services the policy's workloads back (from Deployments, or from Services whose selector the policy matches when there are no Deployments) and checks whether each rule could admit the waypoint's principal. A policy in the root namespace reaches workloads of every namespace (all of them without a selector), so its Services are looked up mesh-wide.",
      ].join('\n'),
      fix: 'Move the caller-based rules to a `targetRefs` policy on the Service (enforced at the waypoint, which sees the real caller), and make the selector policy allow the waypoint principal. To stop callers from bypassing the waypoint, add a selector DENY with `notPrincipals: [<waypoint principal>]`.',
    },
    examples: {
      valid: [
        {
          title: 'The selector policy admits the waypoint',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: cart',
            '  namespace: shop',
            '  labels: {istio.io/use-waypoint: waypoint}',
            'spec:',
            '  selector: {app: cart}',
            '  ports: [{port: 80, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: cart-ingress, namespace: shop}',
            'spec:',
            '  selector:',
            '    matchLabels: {app: cart}',
            '  rules:',
            '  - from:',
            '    - source:',
            '        principals: ["cluster.local/ns/shop/sa/waypoint"]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Only the original caller is allowed',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: cart',
            '  namespace: shop',
            '  labels: {istio.io/use-waypoint: waypoint}',
            'spec:',
            '  selector: {app: cart}',
            '  ports: [{port: 80, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: cart-ingress, namespace: shop}',
            'spec:',
            '  selector:',
            '    matchLabels: {app: cart}',
            '  rules:',
            '  - from:',
            '    - source:',
            '        principals: ["cluster.local/ns/shop/sa/web"]',
          ),
          line: 27,
          effect: {
            says: 'the allowed caller itself is refused: ztunnel sees the waypoint, and the waypoint answers 503',
            context: documents(
              ambientNamespace('shop'),
              workload('shop', 'cart', { targetPort: 80 }),
              workload('shop', 'web'),
            ),
            request: { from: 'shop/web', to: 'cart.shop:80' },
            expect: {
              verdict: 'denied',
              deniedAt: 'ztunnel',
              status: 503,
              waypoint: 'shop/waypoint',
              decidedBy: 'shop/cart-ingress',
            },
          },
        },
      ],
    },
  },
  check(ctx) {
    if (!ctx.mesh.waypoints.length) return;
    for (const p of policies(ctx.mesh, 'AuthorizationPolicy')) {
      // Without `callers` some rule admits any caller, the waypoint too (and no rules is allow-nothing's finding).
      // A dry-run policy denies nothing (release-1.31 A/authorization.go convertAuthorizationPolicy).
      if (!p.istio || p.targeted || p.dryRun || p.action !== 'ALLOW' || !p.callers) continue;
      const services =
        p.namespace === ctx.mesh.rootNamespace
          ? meshWideServices(ctx.mesh, p.selector)
          : selectedTargets(ctx.mesh, p.namespace, p.selector).services;
      for (const s of services) {
        const wp = serviceWaypoint(ctx.mesh, s).waypoint;
        if (!wp || admits(p.callers, wp, p.namespace)) continue;
        ctx.report({
          resource: p.resource,
          path: firstIdentity(p.resource),
          message: `Service ${s.namespace}/${s.name} goes through waypoint ${wp.namespace}/${wp.name}, so ztunnel sees the caller as ${wp.principal}; no rule of this ALLOW policy admits it, so all traffic through the waypoint is denied.`,
          fix: `Allow principal ${wp.principal} here and move caller-based rules to a targetRefs policy on the Service.`,
        });
        break;
      }
    }
  },
};
