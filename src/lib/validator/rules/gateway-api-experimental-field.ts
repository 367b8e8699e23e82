import type { Resource } from '../../model/types.ts';
import { servedVersions } from '../../versions.ts';
import type { GatewayApiVersion } from '../../versions.ts';
import type { Rule, RuleContext } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { channelOf, EXPERIMENTAL_ANY_LINE, experimentalUses, ROUTE_KINDS, experimentalRoutes } from '../facts/index.ts';

// Evidence: the CRDs of each Gateway API line in ../shared/crds (kubernetes-sigs/gateway-api config/crd/{standard,
// experimental} at v1.5.1 and v1.6.1), compared by scripts/gen/experimental.ts; the run's line decides the table.
// A cluster has one channel's CRDs installed. With the standard ones, the API server does not serve the experimental-only versions
// ("no matches for kind"), and prunes fields its structural schema does not declare; kubectl's default strict field
// validation turns those into an "unknown field" error instead. The `schema` rule accepts both channels (it cannot
// know which is installed), so this rule is where the difference is said.
/** The kinds the tables mention: the rule looks only at those, through the mesh's kind index. */
const ANY = EXPERIMENTAL_ANY_LINE;
const KINDS = [
  ...new Set(
    [...ANY.onlyVersions, ...Object.keys(ANY.fields), ...Object.keys(ANY.enumValues)].map((k) =>
      k.slice(k.indexOf('|') + 1),
    ),
  ),
];

/**
 * Route kinds whose every table entry is a gateway.networking.k8s.io version: the experimentalRoutes fact has
 * walked those routes already and lists the ones with something to report.
 */
const WALKED_BY_ROUTE_PASS = new Set<string>(
  ROUTE_KINDS.filter((kind) =>
    [...ANY.onlyVersions, ...Object.keys(ANY.fields), ...Object.keys(ANY.enumValues)]
      .filter((k) => k.endsWith(`|${kind}`))
      .every((k) => k.startsWith('gateway.networking.k8s.io/')),
  ),
);

function checkObject(ctx: RuleContext, r: Resource): void {
  const line = ctx.versions.gatewayApi;
  const { versionOnly, trie } = channelOf(r.apiVersion, r.kind, line.version as GatewayApiVersion);
  if (versionOnly) {
    // Information only: without the experimental CRDs, applying it fails loudly ("no matches for kind").
    const group = r.apiVersion.slice(0, r.apiVersion.lastIndexOf('/'));
    const standard = servedVersions(ctx.versions, group, r.kind, 'standard') ?? [];
    ctx.report({
      resource: r,
      path: ['apiVersion'],
      part: 'value',
      severity: 'info',
      message: `${r.kind} ${r.apiVersion} is served only by the Gateway API ${line.bundle} experimental-channel CRDs: with the standard channel installed, the API server answers "no matches for kind".`,
      fix: standard.length
        ? `Use apiVersion ${standard.map((v) => `${group}/${v}`).join(' or ')} (served by the standard channel of Gateway API ${line.bundle}), or install the experimental-channel CRDs.`
        : 'Install the experimental-channel CRDs: the standard channel does not serve this kind.',
    });
    return;
  }
  if (!trie) return;
  const uses = experimentalUses(r.obj, trie);
  if (!uses.length) return;
  // One finding per object: an ExternalAuth filter is reported at its type, not again at its externalAuth.
  const reported = new Set<string>();
  for (const m of uses) {
    if (m.kind !== 'value') continue;
    reported.add(JSON.stringify(m.path.slice(0, -1)));
    ctx.report({
      resource: r,
      path: m.path,
      part: 'value',
      message: `${String(m.value)} is accepted only by the Gateway API experimental-channel CRDs: the standard channel rejects this ${r.kind}.`,
      fix: 'Install the experimental-channel CRDs, or remove this filter.',
    });
  }
  for (const m of uses) {
    if (m.kind !== 'field' || reported.has(JSON.stringify(m.path.slice(0, -1)))) continue;
    const field = String(m.path[m.path.length - 1]);
    ctx.report({
      resource: r,
      path: m.path,
      message: `${field} exists only in the Gateway API experimental channel: with the standard-channel CRDs, kubectl rejects it as an unknown field and other clients have it dropped, so Istio never sees it.`,
      fix: `Install the experimental-channel CRDs, or remove ${field}.`,
    });
  }
}

export const rule: Rule = {
  meta: {
    id: 'gateway-api-experimental-field',
    severity: 'warning',
    inputs: KINDS,
    description:
      'A Gateway API field, value or API version exists only in the experimental channel; standard-channel CRDs reject or drop it.',
    docs: {
      summary:
        'Gateway API ships two sets of CRDs. Fields like HTTPRoute `retry` and `sessionPersistence`, the `ExternalAuth` filter, and versions like TCPRoute `v1alpha2` exist only in the **experimental** channel. On a cluster with the standard-channel CRDs, the version is not served, and an experimental field is rejected by kubectl (strict field validation) or silently dropped by other clients: the setting never reaches Istio.',
      details: [
        'A cluster has one channel installed. The standard channel is what most installations use (Istio documents installing it); the experimental channel is a superset. Which one you have: `kubectl get crd httproutes.gateway.networking.k8s.io -o jsonpath="{.metadata.annotations.gateway\\.networking\\.k8s\\.io/channel}"`.',
        '',
        'The lists come from comparing the CRDs of both channels of the Gateway API line the run speaks for (v1.6.1 with Istio 1.31, the default; v1.5.1 with `--istio 1.30` or `--gateway-api 1.5`):',
        '',
        '- versions served only by experimental: TCPRoute and UDPRoute `v1alpha2`, TLSRoute `v1alpha2`/`v1alpha3` (TLSRoute `v1` is standard), BackendTLSPolicy `v1alpha3`, the `gateway.networking.x-k8s.io` kinds. **Changed in v1.6:** TCPRoute and UDPRoute are `v1` in the standard channel, so `v1alpha2` is only an experimental-channel version and the fix is `gateway.networking.k8s.io/v1`; in v1.5 they exist only in the experimental channel, as `v1alpha2` (the `schema` rule reports `v1` as not served there);',
        '- fields: HTTPRoute `rules[].retry`, `rules[].sessionPersistence`, `useDefaultGateways` and the `externalAuth` filter (type `ExternalAuth`); GRPCRoute `rules[].sessionPersistence` and `useDefaultGateways`; TLSRoute `useDefaultGateways`; Gateway `defaultScope` (both lines).',
        '',
        'Severity: **warning** for fields and values (they can disappear without an error, depending on the client); **information** for a version only the experimental channel serves, since applying it without those CRDs fails loudly anyway. If you run the experimental CRDs, ignore this rule; the `schema` rule already accepts both channels.',
      ].join('\n'),
      fix: 'Install the experimental-channel CRDs if you need the feature, or remove it (for retries, a VirtualService at the waypoint is the stable alternative). For TCPRoute/TLSRoute, prefer TLSRoute `v1` where it fits.',
    },
    examples: {
      valid: [
        {
          title: 'Timeouts are standard',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: ratings',
            '  namespace: bookinfo',
            'spec:',
            '  parentRefs:',
            '  - {group: "", kind: Service, name: ratings, port: 9080}',
            '  rules:',
            '  - timeouts:',
            '      request: 2s',
            '    backendRefs:',
            '    - {name: ratings, port: 9080}',
          ),
        },
      ],
      invalid: [
        {
          title: 'Retries are experimental',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: ratings',
            '  namespace: bookinfo',
            'spec:',
            '  parentRefs:',
            '  - {group: "", kind: Service, name: ratings, port: 9080}',
            '  rules:',
            '  - retry:',
            '      attempts: 3',
            '    backendRefs:',
            '    - {name: ratings, port: 9080}',
          ),
          line: 10,
        },
      ],
    },
  },
  check(ctx) {
    for (const kind of KINDS) {
      if (WALKED_BY_ROUTE_PASS.has(kind)) {
        for (const r of experimentalRoutes(ctx.mesh)) {
          if (r.kind === kind) checkObject(ctx, r);
        }
        // Routes of another API group: not in the route pass, and no table entry (the set's condition).
        continue;
      }
      for (const r of ctx.mesh.byKind(kind)) checkObject(ctx, r);
    }
  },
};
