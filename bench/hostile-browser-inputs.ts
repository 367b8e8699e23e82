/**
 * Inputs for the browser half of the hostile benchmark (bench/hostile-browser.bench.ts) and the hostile e2e spec
 * (tests/e2e/hostile.spec.ts) that tests/hostile/*-inputs.ts does not have: generators sized to a byte budget,
 * the Object.prototype-name and object-label manifests with benign twins, and reconstructions of the two share
 * links reported in issue #15 before the fixes. Everything is generated; nothing big is committed.
 */
import { encodeShare } from '../src/lib/share/index.ts';
import type { SharedState } from '../src/lib/share/index.ts';
import { manyAliases, plainManifests, quoteThenBrackets } from '../tests/hostile/parse-inputs.ts';
import { BENIGN_REGEX, httpRouteWithRegex } from '../tests/hostile/regex-inputs.ts';

/** The largest `n` in [lo, hi] with `size(n) <= budget` (`size` grows with `n`). */
export function fit(size: (n: number) => number, budget: number, lo = 1, hi = 1 << 22): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (size(mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** `yaml` followed by ordinary ConfigMaps up to `bytes` (the hostile part stays what it is; the size is the budget). */
export function padTo(yaml: string, bytes: number): string {
  const rest = bytes - yaml.length - 4;
  return rest > 200 ? `${yaml.trimEnd()}\n---\n${plainManifests(rest).slice(0, rest)}` : yaml;
}

/** The ambient mesh of regex-inputs.ts (cart behind a waypoint, cart-v2, client shop/web), with a plain route. */
const MESH = httpRouteWithRegex(BENIGN_REGEX);

/**
 * Policies that name `name` as a header and a claim source: an ALLOW on cart requiring header `name`, a
 * RequestAuthentication reading its token from header `name`. With `constructor`, an inherited Object.prototype
 * member used to satisfy the ALLOW without the header and crash RequestAuthentication; the twin uses `x-user`.
 */
export function headerNamed(name: string): string {
  return `${MESH}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: need-header, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: "", name: cart}]
  action: ALLOW
  rules: [{when: [{key: "request.headers[${name}]", values: ["*"]}]}]
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: "", name: cart}]
  jwtRules:
  - issuer: https://issuer.example
    jwksUri: https://issuer.example/jwks
    fromHeaders: [{name: ${name}}]
    outputClaimToHeaders: [{header: x-${name}, claim: ${name}}]
`;
}

/** The request both header cases send: from the client to cart, without the header the policy requires. */
export const HEADER_REQUEST: NonNullable<SharedState['request']> = {
  from: 'shop/web',
  to: 'cart.shop:80',
  method: 'GET',
  path: '/',
};

/**
 * Labels, selectors and subsets whose values are objects named like Object.prototype members (`version:
 * {toString: 1}`): these used to crash migrate and simulate and stop the playground from starting. The twin has
 * the same structure with string values.
 */
export function objectLabels(hostile = true): string {
  const v = (obj: string, plain: string) => (hostile ? obj : plain);
  return `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop, labels: {version: ${v('{toString: 1}', 'v1')}}}
spec:
  selector: {matchLabels: {app: a, version: ${v('{toString: 1}', 'v1')}}}
  template:
    metadata: {labels: {app: a, version: ${v('{toString: 1}', 'v1')}, ${v('__proto__: {x: 1}', 'x: "1"')}, ${v('constructor: {valueOf: 1}', 'c: v')}}}
    spec: {serviceAccountName: a, containers: [{name: a, image: a, ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {serviceAccountName: web, containers: [{name: web, image: web}]}
---
apiVersion: v1
kind: Service
metadata: {name: a, namespace: shop, labels: {${v('constructor: {toString: 1}', 'c: v')}}}
spec: {selector: {app: a, version: ${v('{valueOf: 1}', 'v1')}, ${v('hasOwnProperty: 1', 'h: "1"')}}, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: a, namespace: shop}
spec: {host: a, subsets: [{name: v1, labels: {version: ${v('{toString: 1}', 'v1')}, ${v('__proto__: {a: b}', 'a: b')}}}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: p, namespace: shop}
spec: {selector: {matchLabels: {${v('toString: {a: 1}', 'app: a')}}}, rules: [{from: [{source: {principals: ${v('{toString: 1}', '["cluster.local/ns/shop/sa/web"]')}}}]}]}
`;
}

export const OBJECT_LABELS_REQUEST: NonNullable<SharedState['request']> = {
  from: 'shop/web',
  to: 'a.shop:80',
  method: 'GET',
  path: '/',
};

/** The fragment (without `#`) of a playground link for `yaml`. */
export const linkOf = (yaml: string, request?: SharedState['request']): string =>
  encodeShare(request ? { yaml, request } : { yaml });

/**
 * Reconstruction of "a 2.7 KB share link blocks the main thread 8 s and takes 1.1 GB": a million `[` behind a quote
 * in a plain scalar (the CLI's 9.7 s / 1.2 GB input of the same issue) compresses ~1000:1, so the largest such
 * document whose link is at most 2.7 KB (~1.9 M brackets, just under the 2 MB inflate cap) is that link.
 */
export function prefix27KbLink(): { yaml: string; link: string } {
  const n = fit((k) => linkOf(quoteThenBrackets(k)).length, 2700, 1000, 2_000_000);
  const yaml = quoteThenBrackets(n);
  return { yaml, link: linkOf(yaml) };
}

/**
 * Reconstruction of "a 56 KB link blocks it 54 s and 36 s per keystroke": 900 aliases (under the 1,000 cap) and as
 * many keys as fit in a 56 KB link. Every lint re-parses it, hence the cost per keystroke. `benign` is manyAliases'
 * twin at the same size (one alias: the same `yaml` reading path, without the many aliases).
 */
export function prefix56KbLink(): { yaml: string; benign: string; link: string; keys: number } {
  const keys = fit((k) => linkOf(manyAliases(900, k).hostile).length, 56 * 1024, 100, 100_000);
  const { hostile: yaml, benign } = manyAliases(900, keys);
  return { yaml, benign, link: linkOf(yaml), keys };
}

/**
 * `n` one-line documents that each repeat a key: one yaml-syntax finding per document, so the findings list is as
 * long as the input allows (about 9,000 in 200 KB). The page must not take them in one long task (issue #19).
 */
export function repeatedKeys(n: number): string {
  return Array.from({ length: n }, (_, i) => `k${i}: 1\nk${i}: 2\n`).join('---\n');
}
