import type { Resource } from '../../model/types.ts';
import { getString } from '../../model/access.ts';
import { AGENTGATEWAY_WAYPOINT_CLASS } from '../../ambient/labels.ts';
import { isAgentgatewayWaypoint } from '../../ambient/waypoints.ts';
import type { Waypoint } from '../../ambient/waypoints.ts';
import { targetRefPath, targetRefs } from '../../ambient/index.ts';
import type { ServiceInfo } from '../../model/mesh.ts';
import type { Rule, RuleContext } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { isGroup, meshVirtualServices, serviceWaypoint, WAYPOINT_KINDS } from '../facts/index.ts';

// Evidence: Istio 1.31 adds the experimental `istio-agentgateway-waypoint` class (istio/istio#60551, behind
// PILOT_ENABLE_AGENTGATEWAY; pilot/pkg/config/kube/agentgateway builds its configuration from Gateway API routes
// only). istio.io docs/ambient/usage/agentgateway: AuthorizationPolicy, RequestAuthentication, PeerAuthentication,
// VirtualService, DestinationRule, Telemetry, WasmPlugin and EnvoyFilter are not applied to it. SEMANTICS §2 [rev].
// Istio 1.30 has no such class (versions.ts behaviour.agentgatewayWaypointClass): the rule is silent there.

/** Kinds that reach a waypoint through `targetRefs` (Gateway, or a Service/ServiceEntry bound to it). */
const TARGETREF_KINDS = ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin', 'EnvoyFilter'];
/** Security policies: ignoring them opens what they were meant to close, so those findings are errors. */
const SECURITY = new Set(['AuthorizationPolicy', 'RequestAuthentication']);

const ISTIO_GROUPS = ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];
const isIstio = (r: Resource): boolean => ISTIO_GROUPS.some((g) => isGroup(r, g));

function agentgatewayOf(ctx: RuleContext, svc: ServiceInfo): Waypoint | undefined {
  const wp = serviceWaypoint(ctx.mesh, svc).waypoint;
  return wp && isAgentgatewayWaypoint(wp) ? wp : undefined;
}

function report(
  ctx: RuleContext,
  r: Resource,
  path: readonly (string | number)[],
  wp: Waypoint,
  via: string,
  part: 'key' | 'value' = 'key',
): void {
  ctx.report({
    resource: r,
    path: [...path],
    part,
    severity: SECURITY.has(r.kind) ? 'error' : 'warning',
    message: `${via} waypoint ${wp.namespace}/${wp.name} of class ${AGENTGATEWAY_WAYPOINT_CLASS}, which Istio ${ctx.versions.istio.version} configures only through Gateway API routes: this ${r.kind} is ignored there${SECURITY.has(r.kind) ? ', so it protects nothing on that path' : ''}.`,
    fix:
      r.kind === 'VirtualService' || r.kind === 'DestinationRule'
        ? 'Express the routing with an HTTPRoute whose parentRefs name the Service, or bind the Service to an istio-waypoint (Envoy) waypoint.'
        : 'Bind the Service to an istio-waypoint (Envoy) waypoint, which applies Istio policy, or enforce it with the agentgateway waypoint’s own configuration (not Istio CRDs).',
  });
}

export const rule: Rule = {
  meta: {
    id: 'policy-ignored-by-agentgateway-waypoint',
    severity: 'error',
    inputs: [...TARGETREF_KINDS, 'DestinationRule', 'VirtualService', ...WAYPOINT_KINDS],
    description:
      'An Istio policy CRD targets or reaches an istio-agentgateway-waypoint waypoint (Istio 1.31), which ignores every Istio policy.',
    docs: {
      summary:
        'Istio 1.31’s experimental agentgateway waypoint class (`istio-agentgateway-waypoint`) is configured only through Gateway API routes. An AuthorizationPolicy, RequestAuthentication, Telemetry, WasmPlugin or EnvoyFilter attached to it (or to a Service it serves), and a VirtualService or DestinationRule for such a Service, is accepted by the API server and then not applied: a DENY denies nothing, a JWT rule validates nothing.',
      details: [
        'Istio 1.31 can run [agentgateway](https://agentgateway.dev) as a waypoint (experimental, istiod flag `PILOT_ENABLE_AGENTGATEWAY`). istiod builds its configuration from HTTPRoute, GRPCRoute, TCPRoute and TLSRoute only. The upstream documentation lists the Istio APIs it does not apply: AuthorizationPolicy, RequestAuthentication, PeerAuthentication, VirtualService, DestinationRule, Telemetry, WasmPlugin and EnvoyFilter. [Waypoint flavours](/waypoint-flavours/) compares what each waypoint implementation honours.',
        '',
        'The rule reports, when the run speaks for Istio 1.31 (the default):',
        '',
        '- a `targetRefs` entry naming a Gateway of that class, or a Service or ServiceEntry bound to one (AuthorizationPolicy, RequestAuthentication, Telemetry, WasmPlugin, EnvoyFilter);',
        '- a VirtualService host or a DestinationRule `host` that is such a Service.',
        '',
        'Severity: **error** for AuthorizationPolicy and RequestAuthentication (the protection they describe is not there); **warning** for the others. PeerAuthentication never applies to any waypoint (ztunnel enforces it at the destination), so it is not reported here. With `--istio 1.30` the class does not exist, nothing is reported, and such a Gateway is just a class no Istio controller owns.',
      ].join('\n'),
      fix: 'Bind the Service to an `istio-waypoint` (Envoy) waypoint if you need Istio policy on it, or move the routing into HTTPRoutes (with `parentRefs` to the Service) and the policy into the agentgateway configuration. AuthorizationPolicy `to.operation` matches HTTP attributes only on every flavour; tool-level (MCP) or skill-level (A2A) authorization needs a vendor policy CRD, which this project does not validate.',
    },
    examples: {
      valid: [
        {
          title: 'The same DENY on a Service behind an istio-waypoint waypoint',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: v1',
            'kind: Service',
            'metadata: {name: orders, namespace: shop, labels: {istio.io/use-waypoint: waypoint}}',
            'spec:',
            '  selector: {app: orders}',
            '  ports: [{name: http, port: 8080}]',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: orders-no-delete, namespace: shop}',
            'spec:',
            '  targetRefs: [{kind: Service, group: "", name: orders}]',
            '  action: DENY',
            '  rules: [{to: [{operation: {methods: [DELETE]}}]}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'A DENY on a Service behind an agentgateway waypoint',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: agw, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-agentgateway-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: v1',
            'kind: Service',
            'metadata: {name: orders, namespace: shop, labels: {istio.io/use-waypoint: agw}}',
            'spec:',
            '  selector: {app: orders}',
            '  ports: [{name: http, port: 8080}]',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: orders-no-delete, namespace: shop}',
            'spec:',
            '  targetRefs: [{kind: Service, group: "", name: orders}]',
            '  action: DENY',
            '  rules: [{to: [{operation: {methods: [DELETE]}}]}]',
          ),
          line: 19,
          effect: {
            says: 'the DENY is not applied at the agentgateway waypoint: a DELETE reaches orders',
            context: documents(
              ambientNamespace('shop'),
              workload('shop', 'orders', { targetPort: 8080 }),
              workload('shop', 'client'),
            ),
            request: { from: 'shop/client', to: 'orders.shop:8080', method: 'DELETE' },
            expect: { verdict: 'allowed', status: 200, waypoint: 'shop/agw' },
          },
        },
        {
          title: 'A DestinationRule for a Service an agentgateway waypoint serves',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: agw, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-agentgateway-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: v1',
            'kind: Service',
            'metadata: {name: orders, namespace: shop, labels: {istio.io/use-waypoint: agw}}',
            'spec:',
            '  selector: {app: orders}',
            '  ports: [{name: http, port: 8080}]',
            '---',
            'apiVersion: networking.istio.io/v1',
            'kind: DestinationRule',
            'metadata: {name: orders, namespace: shop}',
            'spec:',
            '  host: orders.shop.svc.cluster.local',
            '  trafficPolicy: {connectionPool: {tcp: {maxConnections: 10}}}',
          ),
          line: 19,
        },
      ],
    },
  },
  check(ctx) {
    if (!ctx.versions.istio.behaviour.agentgatewayWaypointClass) return;
    const agw = ctx.mesh.waypoints.filter(isAgentgatewayWaypoint);
    if (!agw.length) return;
    for (const kind of TARGETREF_KINDS) {
      for (const r of ctx.mesh.byKind(kind)) {
        if (!isIstio(r)) continue;
        for (const ref of targetRefs(r)) {
          const { group = '', kind: refKind = '', name } = ref;
          if (!name) continue;
          if (group === 'gateway.networking.k8s.io' && refKind === 'Gateway') {
            const wp = agw.find((w) => w.namespace === r.namespace && w.name === name);
            if (wp) report(ctx, r, targetRefPath(ref), wp, 'It targets');
            continue;
          }
          const svc =
            group === '' && refKind === 'Service'
              ? ctx.mesh.service('Service', r.namespace, name)
              : group === 'networking.istio.io' && refKind === 'ServiceEntry'
                ? ctx.mesh.service('ServiceEntry', r.namespace, name)
                : undefined;
          const wp = svc && agentgatewayOf(ctx, svc);
          if (wp) report(ctx, r, targetRefPath(ref), wp, `${svc.kind} ${svc.namespace}/${svc.name} is served by`);
        }
      }
    }
    for (const { vs, hosts } of meshVirtualServices(ctx.mesh)) {
      for (const h of hosts) {
        for (const s of h.services) {
          const wp = agentgatewayOf(ctx, s);
          if (!wp) continue;
          report(ctx, vs, ['spec', 'hosts', h.index], wp, `Host ${h.host} is served by`, 'value');
          break;
        }
      }
    }
    for (const dr of ctx.mesh.byKind('DestinationRule')) {
      if (!isIstio(dr)) continue;
      const host = getString(dr.obj, ['spec', 'host']);
      if (!host || host.includes('*')) continue;
      for (const s of ctx.mesh.servicesForHost(host, dr.namespace)) {
        const wp = agentgatewayOf(ctx, s);
        if (!wp) continue;
        report(ctx, dr, ['spec', 'host'], wp, `Host ${host} is served by`, 'value');
        break;
      }
    }
  },
};
