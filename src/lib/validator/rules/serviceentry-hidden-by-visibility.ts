import { serviceEntryVisibilityFor } from '../../ambient/index.ts';
import type { ServiceEntryVisibilityLevel } from '../../ambient/index.ts';
import { getArray, getObject, getString } from '../../model/access.ts';
import type { ServiceInfo } from '../../model/mesh.ts';
import type { JsonValue, ObjectPath, Resource } from '../../model/types.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { SERVICE_KINDS } from '../facts/index.ts';

// Evidence (istio/istio release-1.31): pilot/pkg/model/serviceentry_visibility.go (VisibilityFor: first policy whose
// namespace selectors all match, else defaultVisibility; PUBLIC when unset); pilot/pkg/serviceregistry/ambient/
// services.go (a NONE entry is not published to ztunnel or waypoints at all; a NAMESPACE entry carries WDS
// visibility NAMESPACE, so only its own namespace sees it); releasenotes/notes/60870-serviceentry-visibility.yaml
// (ambient enforces it whenever set). Istio 1.30's MeshConfig has no such field and istiod decodes the mesh config
// with unknown fields allowed (pkg/util/protomarshal ApplyJSON retries with AllowUnknownFields): it is ignored there.

const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute']);
/** Kinds whose targetRefs may name a ServiceEntry (all of them Istio policies applied at its waypoint). */
const POLICY_KINDS = new Set(['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin']);
const ISTIO_NETWORKING = 'networking.istio.io';

interface Hidden {
  readonly entry: ServiceInfo;
  readonly visibility: Exclude<ServiceEntryVisibilityLevel, 'PUBLIC'>;
}

/** Whether `entry` (resolved to `visibility`) exists for configuration and clients in `namespace`. */
function hiddenFrom(h: Hidden, namespace: string): boolean {
  return h.visibility === 'NONE' || namespace !== h.entry.namespace;
}

function why(h: Hidden, namespace: string): string {
  const e = `ServiceEntry ${h.entry.namespace}/${h.entry.name}`;
  return h.visibility === 'NONE'
    ? `${e} resolves to meshConfig.serviceEntryVisibility NONE: Istio configures it for no one (not sent to ztunnel or any waypoint)`
    : `${e} resolves to meshConfig.serviceEntryVisibility NAMESPACE: it exists only for namespace ${h.entry.namespace}, not for ${namespace}`;
}

/** A ref (`parentRefs[]` / `targetRefs[]` item) naming a ServiceEntry, with the namespace it points into. */
function entryRef(ref: JsonValue, defaultNamespace: string): { name: string; namespace: string } | undefined {
  if (getString(ref, ['kind']) !== 'ServiceEntry' || getString(ref, ['group']) !== ISTIO_NETWORKING) return undefined;
  const name = getString(ref, ['name']);
  return name === undefined ? undefined : { name, namespace: getString(ref, ['namespace']) ?? defaultNamespace };
}

export const rule: Rule = {
  meta: {
    id: 'serviceentry-hidden-by-visibility',
    severity: 'warning',
    inputs: [...SERVICE_KINDS, 'Namespace', ...ROUTE_KINDS, ...POLICY_KINDS, 'VirtualService'],
    description:
      'A route, policy or VirtualService refers to a ServiceEntry that meshConfig.serviceEntryVisibility hides from its namespace: it acts on nothing.',
    docs: {
      summary:
        'Istio 1.31 `meshConfig.serviceEntryVisibility` can make a ServiceEntry visible only in its own namespace (`NAMESPACE`) or to no one (`NONE`). Where the entry is hidden it behaves as if it did not exist — not as blocked: a route attached to it, a policy targeting it or a VirtualService for its host does nothing there, without any error on the resource.',
      details: [
        'The visibility of a ServiceEntry is resolved from the labels of its namespace: the first `policies[]` entry whose namespace selectors all match wins, else `defaultVisibility` (`PUBLIC` when the setting is absent). ztunnel and waypoints enforce it whenever it is set; sidecars only with `applyToSidecars: true`.',
        '',
        'The rule reports, for a ServiceEntry that resolves to `NONE` or `NAMESPACE`:',
        '',
        '- an HTTPRoute, GRPCRoute, TCPRoute or TLSRoute whose `parentRefs` name the entry (`kind: ServiceEntry`, `group: networking.istio.io`) from a namespace it is hidden from — for `NONE` that is every namespace, its own included, because istiod publishes the entry to no waypoint;',
        '- an AuthorizationPolicy, RequestAuthentication, Telemetry or WasmPlugin whose `targetRefs` name an entry that resolves to `NONE`: the entry has no waypoint, so the policy is enforced nowhere;',
        '- a VirtualService whose `hosts` list a host of the entry from a namespace it is hidden from.',
        '',
        'A client in a namespace the entry is hidden from gets no VIP, no waypoint and no endpoints from it: its connection goes wherever the host resolves without the entry (the simulator shows this per request).',
        '',
        'The check needs the MeshConfig (`--mesh-config FILE`, or the `istio` ConfigMap among the manifests) and runs for Istio 1.31. Istio 1.30 has no `serviceEntryVisibility`: istiod ignores the unknown field, every ServiceEntry stays public, and the rule is silent.',
      ].join('\n'),
      fix: 'Move the route, policy or VirtualService into the ServiceEntry’s namespace (for `NAMESPACE`), or make the entry’s namespace visible where it is used with a `serviceEntryVisibility` policy (`visibility: PUBLIC` or `NAMESPACE`) whose namespace selector matches it.',
    },
    examples: {
      valid: [
        {
          title: 'A NAMESPACE-visible entry with its route in the same namespace',
          yaml: y(
            'apiVersion: v1',
            'kind: ConfigMap',
            'metadata: {name: istio, namespace: istio-system}',
            'data:',
            '  mesh: |-',
            '    serviceEntryVisibility: {defaultVisibility: NAMESPACE}',
            '---',
            'apiVersion: networking.istio.io/v1',
            'kind: ServiceEntry',
            'metadata: {name: stripe, namespace: billing}',
            'spec:',
            '  hosts: [api.stripe.com]',
            '  ports: [{number: 80, name: http, protocol: HTTP}]',
            '  resolution: DNS',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata: {name: stripe-timeouts, namespace: billing}',
            'spec:',
            '  parentRefs: [{group: networking.istio.io, kind: ServiceEntry, name: stripe}]',
            '  rules: [{timeouts: {request: 5s}}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'A policy for an entry that is visible to no one',
          yaml: y(
            'apiVersion: v1',
            'kind: ConfigMap',
            'metadata: {name: istio, namespace: istio-system}',
            'data:',
            '  mesh: |-',
            '    serviceEntryVisibility: {defaultVisibility: NONE}',
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
            '  labels: {istio.io/use-waypoint: egress}',
            'spec:',
            '  hosts: [api.stripe.com]',
            '  ports: [{number: 80, name: http, protocol: HTTP}]',
            '  resolution: DNS',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: stripe-get-only, namespace: billing}',
            'spec:',
            '  targetRefs: [{group: networking.istio.io, kind: ServiceEntry, name: stripe}]',
            '  rules: [{to: [{operation: {methods: [GET]}}]}]',
          ),
          line: 31,
          effect: {
            says: 'the entry has no waypoint for anyone, so a DELETE the GET-only policy should stop goes through',
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
            request: { from: 'billing/payments', to: 'api.stripe.com:80', method: 'DELETE' },
            expect: { verdict: 'allowed', waypoint: null },
          },
        },
      ],
    },
  },
  check(ctx) {
    const mc = ctx.meshConfig;
    if (!mc?.serviceEntryVisibility || !ctx.versions.istio.behaviour.serviceEntryVisibility) return;
    // Keyed by `namespace/name` and by host: user data only as Map keys.
    const byName = new Map<string, Hidden>();
    const byHost = new Map<string, Hidden[]>();
    for (const s of ctx.mesh.services) {
      if (s.kind !== 'ServiceEntry') continue;
      const visibility = serviceEntryVisibilityFor(mc, ctx.mesh.namespaceLabels(s.namespace));
      if (visibility === 'PUBLIC') continue;
      const h: Hidden = { entry: s, visibility };
      byName.set(`${s.namespace}/${s.name}`, h);
      for (const host of s.hosts) byHost.set(host, [...(byHost.get(host) ?? []), h]);
    }
    if (!byName.size) return;
    const report = (resource: Resource, path: ObjectPath, h: Hidden, effect: string) =>
      ctx.report({
        resource,
        path,
        message: `${why(h, resource.namespace)}; ${effect}`,
        fix:
          h.visibility === 'NONE'
            ? `Give namespace ${h.entry.namespace} a visibility other than NONE with a serviceEntryVisibility policy, or remove this ${resource.kind}.`
            : `Move this ${resource.kind} into namespace ${h.entry.namespace}, or make ${h.entry.namespace} PUBLIC with a serviceEntryVisibility policy.`,
      });
    for (const r of ctx.resources) {
      const spec = getObject(r.obj, ['spec']);
      if (!spec) continue;
      if (ROUTE_KINDS.has(r.kind))
        getArray(spec, ['parentRefs']).forEach((ref, i) => {
          const to = entryRef(ref, r.namespace);
          const h = to && byName.get(`${to.namespace}/${to.name}`);
          if (h && hiddenFrom(h, r.namespace))
            report(
              r,
              ['spec', 'parentRefs', i],
              h,
              `this ${r.kind} is attached to an entry that does not exist for it and routes nothing.`,
            );
        });
      else if (POLICY_KINDS.has(r.kind)) {
        const refs: [JsonValue, ObjectPath][] = getArray(spec, ['targetRefs']).map((ref, i) => [
          ref,
          ['spec', 'targetRefs', i],
        ]);
        const single = getObject(spec, ['targetRef']);
        if (single) refs.push([single, ['spec', 'targetRef']]);
        for (const [ref, path] of refs) {
          const to = entryRef(ref, r.namespace);
          const h = to && byName.get(`${to.namespace}/${to.name}`);
          if (h?.visibility === 'NONE')
            report(r, path, h, `the entry has no waypoint, so this ${r.kind} is enforced nowhere.`);
        }
      } else if (r.kind === 'VirtualService')
        getArray(spec, ['hosts']).forEach((host, i) => {
          if (typeof host !== 'string') return;
          const h = byHost.get(host)?.find((x) => hiddenFrom(x, r.namespace));
          if (h)
            report(
              r,
              ['spec', 'hosts', i],
              h,
              `this VirtualService's host ${host} names an entry that does not exist for it.`,
            );
        });
    }
  },
};
