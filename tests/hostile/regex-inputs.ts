/**
 * Hostile regexes (issue #15): a route regex with nested quantifiers, `/(a+)+`, against a path of `n` a's and a
 * `!` that makes it fail. A backtracking engine (JavaScript's RegExp) takes time exponential in `n` (58 s in
 * `simulate` and 15 s in `migrate` at n = 30); RE2 is linear. The benign twin is `/[a-z]+` on the same path.
 * Shared by tests/hostile/regex.test.ts (outcomes) and bench/hostile.bench.ts (cost relative to the twin).
 */

import { shopMesh } from '../support/mesh-fixtures.ts';

export const HOSTILE_REGEX = '/(a+)+';
export const BENIGN_REGEX = '/[a-z]+';

/** `/aaa…a!`: matched by neither regex (the `!`), which is the slow case for backtracking. */
export const hostilePath = (n = 30): string => `/${'a'.repeat(n)}!`;

const mesh = shopMesh({ waypoint: 'waypoint', cartV2: true });

/**
 * An ambient mesh where Service cart (behind a waypoint) has an HTTPRoute sending paths that fully match `regex`
 * to cart-v2; nothing else matches (404).
 */
export function httpRouteWithRegex(regex: string): string {
  return `${mesh}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: cart, namespace: shop}
spec:
  parentRefs: [{group: "", kind: Service, name: cart, port: 80}]
  rules:
  - matches: [{path: {type: RegularExpression, value: ${JSON.stringify(regex)}}}]
    backendRefs: [{name: cart-v2, port: 80}]
`;
}

/**
 * A sidecar-era VirtualService for reviews: a rule with `regex` (to subset v2) listed before an exact-path rule for
 * `path` (to v1). Gateway API ranks the exact path first, so the migrate assistant checks whether the regex can
 * match that path (if it could, the order would change which rule wins): that check is where a backtracking
 * engine hangs, from the file alone.
 */
export function virtualServiceWithRegex(regex: string, path: string): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: bookinfo, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: bookinfo}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]
  http:
  - match: [{uri: {regex: ${JSON.stringify(regex)}}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - match: [{uri: {exact: ${JSON.stringify(path)}}}]
    route: [{destination: {host: reviews, subset: v1}}]
`;
}
