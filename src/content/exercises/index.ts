/**
 * Exercise definitions (issue #6). Each exercise is a scenario (read-only manifests), a starting answer the learner
 * edits, a reference solution, and checks: simulated requests with expected outcomes plus "no error findings" in
 * the answer. tests/unit/exercise.test.ts proves every solution passes its checks and every start fails one.
 *
 * YAML lives in real files beside this one (Vite `?raw` imports), so the shown file is the tested file.
 */
import ambientNamespace from '../../../labs/base/ambient-namespace.yaml?raw';
import bookinfo from '../../../labs/base/bookinfo.yaml?raw';
import clients from '../../../labs/base/clients.yaml?raw';
import waypoint from '../../../labs/base/waypoint.yaml?raw';
import type { ExpectedOutcome } from '../../lib/expect/schema.ts';
import { exerciseMeta } from './meta.ts';
import type { ExerciseMeta } from './meta.ts';
import type { SimRequest, Verdict } from '../../lib/simulator/types.ts';
// One token file for the lab and the exercise: the same key signs both (its public half is in their manifests).
import { LEARNER_TOKEN, TAMPERED_TOKEN } from '../../../labs/require-jwt/tokens.ts';

const yamlFiles = import.meta.glob<string>('./*/*.yaml', { query: '?raw', import: 'default', eager: true });

function file(id: string, name: 'start' | 'solution' | 'scenario'): string {
  const text = yamlFiles[`./${id}/${name}.yaml`];
  if (text === undefined) throw new Error(`src/content/exercises/${id}/${name}.yaml is missing`);
  return text;
}

export interface SourceFile {
  readonly file: string;
  readonly text: string;
}

/**
 * What a check expects, in src/lib/expect's shape (backends as `{ Service name: probability }`); only the fields it
 * names are compared. tests/unit/exercise.test.ts parses every check with that module's schema.
 */
export type ExerciseExpect = ExpectedOutcome & { readonly verdict: Verdict };

export interface ExerciseCheck {
  /** What is checked, in words: "curl can GET /productpage". */
  readonly name: string;
  readonly request: SimRequest;
  readonly expect: ExerciseExpect;
  /** Shown when this check fails: names what to look at. */
  readonly hint: string;
}

/** The page-level facts (id, title, reference page, reading, path placement) come from meta.ts. */
export interface Exercise extends ExerciseMeta {
  /** The task, in plain text with `code` spans. */
  readonly task: string;
  /** Manifests already applied (read-only for the learner). */
  readonly scenario: readonly SourceFile[];
  readonly start: string;
  readonly solution: string;
  readonly checks: readonly ExerciseCheck[];
  /** Hints for validator findings in the answer, by rule id (shown when that rule fires). */
  readonly ruleHints: Readonly<Record<string, string>>;
  /** Shown for the "no error findings" check when no rule hint applies. */
  readonly findingsHint?: string;
}

const BOOKINFO: readonly SourceFile[] = [
  { file: 'bookinfo/bookinfo.yaml', text: bookinfo },
  { file: 'bookinfo/clients.yaml', text: clients },
  // After bookinfo.yaml, whose Namespace it replaces (later documents win, as with kubectl apply).
  { file: 'bookinfo/namespace.yaml', text: ambientNamespace },
];
/** Bookinfo with a waypoint for its Services (waypoint.yaml also labels the namespace with use-waypoint). */
const BOOKINFO_WAYPOINT: readonly SourceFile[] = [
  { file: 'bookinfo/bookinfo.yaml', text: bookinfo },
  { file: 'bookinfo/clients.yaml', text: clients },
  { file: 'bookinfo/waypoint.yaml', text: waypoint },
];

const L7_ON_ZTUNNEL_HINT =
  'A selector policy is enforced by ztunnel, which sees only L4 (identities, namespaces, ports). An ALLOW rule with an HTTP field (methods, paths, requestPrincipals…) is dropped whole there, leaving deny-all. Attach the policy to the Service with `targetRefs` so the waypoint enforces it.';

const list: Exercise[] = [
  {
    ...exerciseMeta('l4-allow-principal'),
    task: 'Bookinfo is enrolled in ambient mode, with no waypoint. Change the policy so that only the `bookinfo/curl` client (ServiceAccount `curl`) can open connections to productpage on port 9080; `bookinfo/guest` must be refused. Use only fields ztunnel can enforce.',
    scenario: BOOKINFO,
    start: file('l4-allow-principal', 'start'),
    solution: file('l4-allow-principal', 'solution'),
    checks: [
      {
        name: 'bookinfo/curl can GET /productpage',
        request: { from: 'bookinfo/curl', to: 'productpage:9080', path: '/productpage' },
        expect: { verdict: 'allowed', status: 200 },
        hint: 'Look at `spec.rules[0].from[0].source.principals`: the principal of a ServiceAccount is `cluster.local/ns/<namespace>/sa/<name>`, and curl runs as `curl`.',
      },
      {
        name: 'bookinfo/guest is reset by ztunnel',
        request: { from: 'bookinfo/guest', to: 'productpage:9080', path: '/productpage' },
        expect: { verdict: 'denied', deniedAt: 'ztunnel', status: null },
        hint: 'Look at who the ALLOW rule lets in: `guest` must not match any rule (`principals`), so the destination ztunnel resets its connection.',
      },
    ],
    ruleHints: { 'l7-policy-on-ztunnel': L7_ON_ZTUNNEL_HINT },
  },
  {
    ...exerciseMeta('l7-waypoint-targetrefs'),
    task: 'Bookinfo has a waypoint for its Services. Make the waypoint enforce: productpage and curl may `GET` the reviews Service, any other method is refused with 403.',
    scenario: BOOKINFO_WAYPOINT,
    start: file('l7-waypoint-targetrefs', 'start'),
    solution: file('l7-waypoint-targetrefs', 'solution'),
    checks: [
      {
        name: 'curl can GET /reviews/0',
        request: { from: 'bookinfo/curl', to: 'reviews:9080', path: '/reviews/0' },
        expect: { verdict: 'allowed', status: 200 },
        hint: 'Look at the `principals` and `methods` of the ALLOW rule: curl with GET must match it.',
      },
      {
        name: 'curl POST /reviews/0 gets 403 from the waypoint',
        request: { from: 'bookinfo/curl', to: 'reviews:9080', method: 'POST', path: '/reviews/0' },
        expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403 },
        hint: 'Look at `spec.targetRefs`: the policy must name the Service the request goes to (`reviews`), or the waypoint never applies it to reviews.',
      },
    ],
    ruleHints: { 'l7-policy-on-ztunnel': L7_ON_ZTUNNEL_HINT },
  },
  {
    ...exerciseMeta('fix-l7-on-ztunnel'),
    task: 'This policy was meant to let anyone `GET /ratings/…` and refuse everything else, but every request to ratings now fails, even GETs. Fix it so the intent holds. Bookinfo has a waypoint for its Services.',
    scenario: BOOKINFO_WAYPOINT,
    start: file('fix-l7-on-ztunnel', 'start'),
    solution: file('fix-l7-on-ztunnel', 'solution'),
    checks: [
      {
        name: 'curl can GET /ratings/0',
        request: { from: 'bookinfo/curl', to: 'ratings:9080', path: '/ratings/0' },
        expect: { verdict: 'allowed', status: 200 },
        hint: 'Look at where the policy is enforced: with a `selector` it goes to ztunnel, which drops an ALLOW rule that has `methods` or `paths` — leaving deny-all. Use `targetRefs` to the ratings Service.',
      },
      {
        name: 'curl DELETE /ratings/0 gets 403 from the waypoint',
        request: { from: 'bookinfo/curl', to: 'ratings:9080', method: 'DELETE', path: '/ratings/0' },
        expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403 },
        hint: 'Look at `methods` and `targetRefs`: only the waypoint sees the method, so the policy must be attached to the ratings Service and list only GET.',
      },
    ],
    ruleHints: { 'l7-policy-on-ztunnel': L7_ON_ZTUNNEL_HINT },
  },
  {
    ...exerciseMeta('bypass-prevention'),
    task: 'The waypoint lets only productpage and curl call reviews. But `bookinfo/guest` can still reach a reviews pod directly by its IP, around the waypoint. Fix the ztunnel policy so that direct connections to reviews pods are refused, while curl still reaches reviews through the waypoint.',
    scenario: [
      ...BOOKINFO_WAYPOINT,
      { file: 'bookinfo/reviews-allow.yaml', text: file('bypass-prevention', 'scenario') },
    ],
    start: file('bypass-prevention', 'start'),
    solution: file('bypass-prevention', 'solution'),
    checks: [
      {
        name: 'curl can GET /reviews/0 through the waypoint',
        request: { from: 'bookinfo/curl', to: 'reviews:9080', path: '/reviews/0' },
        expect: { verdict: 'allowed', status: 200 },
        hint: 'Look at `notPrincipals`: after the waypoint, the destination ztunnel sees the waypoint’s identity (`cluster.local/ns/bookinfo/sa/waypoint`), not curl’s. That identity must not be denied.',
      },
      {
        name: 'guest direct to pod/bookinfo/reviews-v1 is reset by ztunnel',
        request: { from: 'bookinfo/guest', to: 'pod/bookinfo/reviews-v1:9080', path: '/reviews/0' },
        expect: { verdict: 'denied', deniedAt: 'ztunnel' },
        hint: 'Look at the DENY rule: a connection straight to the pod IP skips the waypoint, so only a selector policy on the reviews pods (enforced by ztunnel) can refuse it.',
      },
      {
        name: 'curl direct to pod/bookinfo/reviews-v1 is reset by ztunnel',
        request: { from: 'bookinfo/curl', to: 'pod/bookinfo/reviews-v1:9080', path: '/reviews/0' },
        expect: { verdict: 'denied', deniedAt: 'ztunnel' },
        hint: 'Look at `notPrincipals`: every identity except the waypoint’s must be denied — curl too, when it skips the waypoint.',
      },
    ],
    ruleHints: {},
  },
  {
    ...exerciseMeta('canary-service-parent'),
    task: 'Send 90% of the requests for the reviews Service to `reviews-v1` and 10% to `reviews-v3`. Bookinfo has a waypoint for its Services. The route below looks right but changes nothing — why?',
    scenario: BOOKINFO_WAYPOINT,
    start: file('canary-service-parent', 'start'),
    solution: file('canary-service-parent', 'solution'),
    checks: [
      {
        name: 'GET /reviews/0 goes 90% to reviews-v1, 10% to reviews-v3',
        request: { from: 'bookinfo/curl', to: 'reviews:9080', path: '/reviews/0' },
        expect: { verdict: 'allowed', status: 200, backends: { 'reviews-v1': 0.9, 'reviews-v3': 0.1 } },
        hint: 'Look at `spec.parentRefs`: in ambient, east-west routes attach to the Service (`group: ""`, `kind: Service`, `name: reviews`); a route whose parent is the waypoint Gateway is never applied.',
      },
    ],
    ruleHints: {
      'httproute-parent-waypoint':
        'An HTTPRoute whose parent is the waypoint Gateway has no effect; make the reviews Service its parent.',
    },
  },
  {
    ...exerciseMeta('header-routing'),
    task: 'Keep the 90/10 split for everyone else, but send every request carrying the header `end-user: jason` to `reviews-v2`.',
    scenario: BOOKINFO_WAYPOINT,
    start: file('header-routing', 'start'),
    solution: file('header-routing', 'solution'),
    checks: [
      {
        name: 'with end-user: jason, GET /reviews/0 goes to reviews-v2',
        request: { from: 'bookinfo/curl', to: 'reviews:9080', path: '/reviews/0', headers: { 'end-user': 'jason' } },
        expect: { verdict: 'allowed', status: 200, backends: { 'reviews-v2': 1 } },
        hint: 'Look at `spec.rules`: add a rule with `matches: [{ headers: [{ name: end-user, value: jason }] }]` and a single backendRef to reviews-v2.',
      },
      {
        name: 'without the header, the 90/10 split still holds',
        request: { from: 'bookinfo/curl', to: 'reviews:9080', path: '/reviews/0' },
        expect: { verdict: 'allowed', status: 200, backends: { 'reviews-v1': 0.9, 'reviews-v3': 0.1 } },
        hint: 'Look at the rule without `matches`: it must keep reviews-v1 (weight 90) and reviews-v3 (weight 10) for everyone else.',
      },
    ],
    ruleHints: {},
  },
  {
    ...exerciseMeta('require-jwt'),
    task: 'The RequestAuthentication in the scenario makes the waypoint reject invalid tokens, but a request with no token at all still reaches productpage. Require a valid token: without one, the waypoint answers 403.',
    scenario: [...BOOKINFO_WAYPOINT, { file: 'bookinfo/productpage-jwt.yaml', text: file('require-jwt', 'scenario') }],
    start: file('require-jwt', 'start'),
    solution: file('require-jwt', 'solution'),
    checks: [
      {
        name: 'curl with a valid token can GET /productpage',
        request: { from: 'bookinfo/curl', to: 'productpage:9080', path: '/productpage', jwt: LEARNER_TOKEN },
        expect: { verdict: 'allowed', status: 200 },
        hint: 'Look at where the policy is enforced: `requestPrincipals` is an HTTP attribute that ztunnel cannot see; with a `selector` the rule is dropped and everything is denied. Attach the policy to the productpage Service with `targetRefs`.',
      },
      {
        name: 'curl without a token gets 403 from the waypoint',
        request: { from: 'bookinfo/curl', to: 'productpage:9080', path: '/productpage' },
        expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403 },
        hint: 'Look at the ALLOW rule: `requestPrincipals: ["*"]` matches only requests with a valid token, and the policy must apply at the waypoint of productpage (`targetRefs`).',
      },
      {
        name: 'a tampered token gets 401',
        request: { from: 'bookinfo/curl', to: 'productpage:9080', path: '/productpage', jwt: TAMPERED_TOKEN },
        expect: { verdict: 'denied', deniedAt: 'waypoint', status: 401 },
        hint: 'Look at the RequestAuthentication in the scenario: it must still apply to productpage (keep it), so a token with a bad signature is refused with 401.',
      },
    ],
    ruleHints: { 'l7-policy-on-ztunnel': L7_ON_ZTUNNEL_HINT },
  },
  {
    ...exerciseMeta('strict-mtls'),
    task: '`legacy/curl` runs in a namespace that is not enrolled: it speaks plaintext and has no identity. Make every workload in bookinfo refuse it, while callers inside the mesh keep working.',
    scenario: BOOKINFO,
    start: file('strict-mtls', 'start'),
    solution: file('strict-mtls', 'solution'),
    checks: [
      {
        name: 'legacy/curl (plaintext) to details is refused by ztunnel',
        request: { from: 'legacy/curl', to: 'details.bookinfo:9080', path: '/details/0' },
        expect: { verdict: 'denied', deniedAt: 'ztunnel' },
        hint: 'Look at `spec.mtls.mode`: PERMISSIVE (and DISABLE, which behaves the same in ambient) accept plaintext; only STRICT makes the destination ztunnel refuse it.',
      },
      {
        name: 'bookinfo/curl (in the mesh) can still GET /details/0',
        request: { from: 'bookinfo/curl', to: 'details:9080', path: '/details/0' },
        expect: { verdict: 'allowed', status: 200 },
        hint: 'Look at the scope of the policy: mesh callers always use mTLS, so a namespace-wide PeerAuthentication must not deny them — remove any selector or port override that does.',
      },
    ],
    ruleHints: {
      'peerauthentication-disable-is-permissive':
        'DISABLE behaves like PERMISSIVE in ambient: plaintext is still accepted. Use STRICT.',
    },
  },
];

export const EXERCISES: readonly Exercise[] = list;

export function exerciseById(id: string): Exercise | undefined {
  return list.find((e) => e.id === id);
}

/** The answer file name the checks lint and the findings point at. */
export const ANSWER_FILE = 'answer.yaml';
