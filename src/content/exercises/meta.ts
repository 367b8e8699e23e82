/**
 * What the site shows about each exercise before it loads: title, the reference page it belongs to, background
 * reading, and its place on the learning path. One list, in the order the sidebar and the exercises index show them.
 * Kept apart from index.ts (which pulls the YAML in through Vite `?raw` imports) so that the sidebar, read by
 * astro.config.mjs under plain Node, can use it too. The exercise pages are a route over this list
 * (src/pages/exercises/[id].astro), as the rule pages are over the rule registry.
 */
export type ExerciseLevel = 'beginner' | 'intermediate' | 'advanced';

export interface ExerciseMeta {
  readonly id: string;
  readonly title: string;
  /** The reference page the exercise belongs to. */
  readonly page: string;
  /** Background reading for the page's intro, as inline Markdown. */
  readonly reading: string;
  /** Place on the learning path: a curriculum choice, not an Istio fact. */
  readonly difficulty: ExerciseLevel;
  /** Estimated minutes. */
  readonly minutes: number;
}

const AUTHZ = '[security/authorizationpolicy](/security/authorizationpolicy/)';
const HTTPROUTE = '[gateway-api/httproute](/gateway-api/httproute/)';

export const EXERCISE_META: readonly ExerciseMeta[] = [
  {
    id: 'l4-allow-principal',
    title: 'Allow one client by identity (L4)',
    page: '/security/authorizationpolicy/',
    reading: AUTHZ,
    difficulty: 'beginner',
    minutes: 10,
  },
  {
    id: 'l7-waypoint-targetrefs',
    title: 'HTTP rules through a waypoint with targetRefs',
    page: '/security/authorizationpolicy/',
    reading: AUTHZ,
    difficulty: 'intermediate',
    minutes: 15,
  },
  {
    id: 'fix-l7-on-ztunnel',
    title: 'Fix an HTTP policy stuck on ztunnel',
    page: '/request-path/',
    reading:
      '[what a request does](/request-path/) and the rule [l7-policy-on-ztunnel](/validator/rules/l7-policy-on-ztunnel/)',
    difficulty: 'intermediate',
    minutes: 15,
  },
  {
    id: 'bypass-prevention',
    title: 'Prevent bypassing the waypoint',
    page: '/security/authorizationpolicy/',
    reading: AUTHZ,
    difficulty: 'advanced',
    minutes: 20,
  },
  {
    id: 'canary-service-parent',
    title: 'Canary split with a Service-parent HTTPRoute',
    page: '/gateway-api/httproute/',
    reading: HTTPROUTE,
    difficulty: 'intermediate',
    minutes: 15,
  },
  {
    id: 'header-routing',
    title: 'Route one user to a new version (header match)',
    page: '/gateway-api/httproute/',
    reading: HTTPROUTE,
    difficulty: 'intermediate',
    minutes: 15,
  },
  {
    id: 'require-jwt',
    title: 'Require a JWT',
    page: '/security/requestauthentication/',
    reading: '[security/requestauthentication](/security/requestauthentication/)',
    difficulty: 'advanced',
    minutes: 15,
  },
  {
    id: 'strict-mtls',
    title: 'STRICT mTLS against a caller outside the mesh',
    page: '/security/peerauthentication/',
    reading: '[security/peerauthentication](/security/peerauthentication/)',
    difficulty: 'beginner',
    minutes: 10,
  },
];

const BY_ID = new Map(EXERCISE_META.map((m) => [m.id, m]));

export function exerciseMeta(id: string): ExerciseMeta {
  const m = BY_ID.get(id);
  if (!m) throw new Error(`src/content/exercises/meta.ts has no exercise "${id}"`);
  return m;
}
