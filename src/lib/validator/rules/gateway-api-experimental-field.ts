import type { JsonValue, ObjectPath } from '../../model/types.ts';
import {
  EXPERIMENTAL_ENUM_VALUES,
  EXPERIMENTAL_FIELDS,
  EXPERIMENTAL_ONLY_VERSIONS,
} from '../schema/experimental.gen.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';

// Evidence: the Gateway API v1.5.1 CRDs in ../shared/crds/gateway-api/{standard,experimental} (kubernetes-sigs/
// gateway-api config/crd at v1.5.1), compared by tests/differential/gen-experimental-fields.ts. A cluster has one
// channel's CRDs installed. With the standard ones, the API server does not serve the experimental-only versions
// ("no matches for kind"), and prunes fields its structural schema does not declare; kubectl's default strict field
// validation turns those into an "unknown field" error instead. The `schema` rule accepts both channels (it cannot
// know which is installed), so this rule is where the difference is said.
const EXPERIMENTAL_ONLY = new Set(EXPERIMENTAL_ONLY_VERSIONS);
/** The kinds the tables mention: the rule looks only at those, through the mesh's kind index. */
const KINDS = [
  ...new Set(
    [...EXPERIMENTAL_ONLY_VERSIONS, ...Object.keys(EXPERIMENTAL_FIELDS), ...Object.keys(EXPERIMENTAL_ENUM_VALUES)].map(
      (k) => k.slice(k.indexOf('|') + 1),
    ),
  ),
];

/**
 * The patterns of one apiVersion/kind merged into a trie, so each object is walked once for all of them (this
 * runs for every Gateway API object and almost never finds anything). `[]` is the step into every list item.
 */
interface Trie {
  readonly children: Map<string, Trie>;
  /** The children other than `[]`, as an array: the walk iterates it for every object. */
  readonly named: [step: string, child: Trie][];
  /** An experimental field ends here. */
  field: boolean;
  /** Experimental values of an enum ending here. */
  values: readonly string[] | undefined;
}
const newTrie = (): Trie => ({ children: new Map(), named: [], field: false, values: undefined });

function insert(root: Trie, pattern: string): Trie {
  let node = root;
  for (const part of pattern.split('.')) {
    const steps = part.endsWith('[]') ? [part.slice(0, -2), '[]'] : [part];
    for (const step of steps) {
      let next = node.children.get(step);
      if (!next) {
        node.children.set(step, (next = newTrie()));
        if (step !== '[]') node.named.push([step, next]);
      }
      node = next;
    }
  }
  return node;
}

interface Channel {
  /** The apiVersion/kind is served only by the experimental CRDs. */
  readonly versionOnly: boolean;
  readonly trie: Trie | null;
}

/** apiVersion → kind → what the tables say about it; built on first use, without a key string per object. */
const channels = new Map<string, Map<string, Channel>>();
function channelOf(apiVersion: string, kind: string): Channel {
  let byKind = channels.get(apiVersion);
  if (!byKind) channels.set(apiVersion, (byKind = new Map()));
  let channel = byKind.get(kind);
  if (channel === undefined) {
    const key = `${apiVersion}|${kind}`;
    const fields = EXPERIMENTAL_FIELDS[key] ?? [];
    const enums = EXPERIMENTAL_ENUM_VALUES[key] ?? [];
    let trie: Trie | null = null;
    if (fields.length || enums.length) {
      trie = newTrie();
      for (const f of fields) insert(trie, f).field = true;
      for (const { path, values } of enums) insert(trie, path).values = values;
    }
    channel = { versionOnly: EXPERIMENTAL_ONLY.has(key), trie };
    byKind.set(kind, channel);
  }
  return channel;
}

interface Match {
  readonly path: ObjectPath;
  readonly value: JsonValue;
  readonly kind: 'field' | 'value';
}

const NO_MATCHES: readonly Match[] = Object.freeze([]);

/**
 * Every experimental field present and every experimental enum value used, with their paths (a shared empty
 * array when there is none, the usual case). One recursive walk with a shared path stack; it allocates only for
 * a match.
 */
function experimentalUses(obj: JsonValue, trie: Trie): readonly Match[] {
  const out: Match[] = [];
  walkTrie(obj, trie, [], out);
  return out.length ? out : NO_MATCHES;
}

function walkTrie(value: JsonValue, node: Trie, stack: (string | number)[], out: Match[]): void {
  if (node.field) out.push({ path: [...stack], value, kind: 'field' });
  if (node.values && typeof value === 'string' && node.values.includes(value))
    out.push({ path: [...stack], value, kind: 'value' });
  if (node.children.size === 0 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const each = node.children.get('[]');
    if (!each) return;
    for (let k = 0; k < value.length; k++) {
      stack.push(k);
      walkTrie(value[k]!, each, stack, out);
      stack.pop();
    }
    return;
  }
  const named = node.named;
  for (let n = 0; n < named.length; n++) {
    const entry = named[n]!;
    const step = entry[0];
    const child = entry[1];
    const v = value[step];
    if (v === undefined || v === null) continue;
    stack.push(step);
    walkTrie(v, child, stack, out);
    stack.pop();
  }
}

export const rule: Rule = {
  meta: {
    id: 'gateway-api-experimental-field',
    severity: 'warning',
    description:
      'A Gateway API field, value or API version exists only in the experimental channel; standard-channel CRDs reject or drop it.',
    docs: {
      summary:
        'Gateway API ships two sets of CRDs. Fields like HTTPRoute `retry` and `sessionPersistence`, the `ExternalAuth` filter, and versions like TCPRoute `v1alpha2` exist only in the **experimental** channel. On a cluster with the standard-channel CRDs, the version is not served, and an experimental field is rejected by kubectl (strict field validation) or silently dropped by other clients: the setting never reaches Istio.',
      details: [
        'A cluster has one channel installed. The standard channel is what most installations use (Istio documents installing it); the experimental channel is a superset. Which one you have: `kubectl get crd httproutes.gateway.networking.k8s.io -o jsonpath="{.metadata.annotations.gateway\\.networking\\.k8s\\.io/channel}"`.',
        '',
        'The list comes from comparing the v1.5.1 CRDs of both channels (the Gateway API version Istio 1.30 is built against):',
        '',
        '- versions served only by experimental: TCPRoute and UDPRoute `v1alpha2`, TLSRoute `v1alpha2`/`v1alpha3` (TLSRoute `v1` is standard), BackendTLSPolicy `v1alpha3`, the `gateway.networking.x-k8s.io` kinds;',
        '- fields: HTTPRoute `rules[].retry`, `rules[].sessionPersistence`, `useDefaultGateways` and the `externalAuth` filter (type `ExternalAuth`); GRPCRoute `rules[].sessionPersistence` and `useDefaultGateways`; TLSRoute `useDefaultGateways`; Gateway `defaultScope`.',
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
    for (const kind of KINDS)
      for (let ix = 0, list_ = ctx.mesh.byKind(kind); ix < list_.length; ix++) {
        const r = list_[ix]!;
        const { versionOnly, trie } = channelOf(r.apiVersion, r.kind);
        if (versionOnly) {
          // Information only: without the experimental CRDs, applying it fails loudly ("no matches for kind").
          ctx.report({
            resource: r,
            path: ['apiVersion'],
            part: 'value',
            severity: 'info',
            message: `${r.kind} ${r.apiVersion} is served only by the Gateway API experimental-channel CRDs: with the standard channel installed, the API server answers "no matches for kind".`,
            fix: 'Install the experimental-channel CRDs, or use a version the standard channel serves.',
          });
          continue;
        }
        if (!trie) continue;
        const uses = experimentalUses(r.obj, trie);
        if (!uses.length) continue;
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
  },
};
