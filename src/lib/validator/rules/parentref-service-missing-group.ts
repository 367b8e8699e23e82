import { getString } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { routeRefs, ROUTE_KINDS } from '../facts/index.ts';

// Evidence: kubernetes-sigs/gateway-api apis/v1/shared_types.go, ParentReference.Group: "+kubebuilder:default=
// gateway.networking.k8s.io"; a core-group referent (Service) must set `group: ""` explicitly. BackendObjectReference
// defaults its group to "" (core), so backendRefs are not affected. The API server fills the default in, so
// `{kind: Service, name: x}` is stored as a reference to gateway.networking.k8s.io/Service, a kind that does not
// exist: Istio's GAMMA conversion (pilot/pkg/config/kube/gateway) only attaches routes to core Services and
// networking.istio.io ServiceEntries. SEMANTICS §5.
/** The API group of each parent kind; Istio also accepts `core` for the Service's empty group. */
const EXPECTED_GROUP: ReadonlyMap<string, string> = new Map([
  ['Service', ''],
  ['ServiceEntry', 'networking.istio.io'],
]);

export const rule: Rule = {
  meta: {
    id: 'parentref-service-missing-group',
    severity: 'error',
    inputs: [...ROUTE_KINDS],
    description:
      'A route parentRef names a Service (or ServiceEntry) without its API group, so it points at a kind that does not exist.',
    docs: {
      summary:
        'In a `parentRefs` entry, an omitted `group` means `gateway.networking.k8s.io`. `{kind: Service, name: reviews}` therefore refers to a `gateway.networking.k8s.io` Service, which does not exist: the route attaches to nothing and none of its rules apply.',
      details: [
        'Gateway API gives the two reference types different defaults:',
        '',
        '- `parentRefs[].group` defaults to `gateway.networking.k8s.io` (the usual parent is a Gateway);',
        '- `backendRefs[].group` defaults to `""`, the core group (the usual backend is a Service).',
        '',
        'So a backendRef may omit the group for a Service, but a parentRef may not. The API server accepts the route and stores the defaulted group; only the route status says that the parent was not resolved. For mesh (GAMMA) routing Istio attaches routes to core `Service` parents (group `""`) and to `ServiceEntry` parents (group `networking.istio.io`).',
        '',
        'The rule reports a parentRef whose kind is `Service` or `ServiceEntry` and whose group is missing or names another API group.',
      ].join('\n'),
      fix: 'Set the group explicitly: `group: ""` for a Service, `group: networking.istio.io` for a ServiceEntry.',
    },
    examples: {
      valid: [
        {
          title: 'Service parent with the core group spelled out',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: reviews',
            '  namespace: bookinfo',
            'spec:',
            '  parentRefs:',
            '  - group: ""',
            '    kind: Service',
            '    name: reviews',
            '    port: 9080',
            '  rules:',
            '  - backendRefs:',
            '    - name: reviews-v1',
            '      port: 9080',
          ),
        },
      ],
      invalid: [
        {
          title: 'Service parent without a group',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: reviews',
            '  namespace: bookinfo',
            'spec:',
            '  parentRefs:',
            '  - kind: Service',
            '    name: reviews',
            '    port: 9080',
            '  rules:',
            '  - backendRefs:',
            '    - name: reviews-v1',
            '      port: 9080',
          ),
          line: 8,
        },
      ],
    },
  },
  check(ctx) {
    for (const p of routeRefs(ctx.mesh).parents) {
      const expected = EXPECTED_GROUP.get(p.kind);
      if (expected === undefined) continue;
      if (p.group === expected || (expected === '' && p.group === 'core')) continue;
      const explicit = getString(p.route.obj, [...p.path, 'group']) !== undefined;
      ctx.report({
        resource: p.route,
        path: explicit ? [...p.path, 'group'] : p.path,
        ...(explicit ? { part: 'value' as const } : {}),
        message: `parentRef ${p.kind} ${p.name} ${explicit ? `has group "${p.group}"` : 'has no group, so it defaults to gateway.networking.k8s.io'}: there is no ${p.kind} in that API group, so this ${p.route.kind} attaches to nothing and its rules never apply.`,
        fix: `Set group: ${expected === '' ? '""' : expected} on this parentRef.`,
      });
    }
  },
};
