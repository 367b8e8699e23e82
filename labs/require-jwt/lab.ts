import { defineLab } from '../schema.ts';
import { LEARNER_TOKEN, TAMPERED_TOKEN, VISITOR_TOKEN } from './tokens.ts';

export default defineLab({
  id: 'require-jwt',
  order: 5,
  difficulty: 'advanced',
  minutes: 25,
  title: 'Require a JWT with RequestAuthentication and AuthorizationPolicy',
  summary:
    'Validate end-user tokens at the waypoint and then require one. A RequestAuthentication on its own lets token-less requests through; pairing it with an ALLOW on requestPrincipals makes the token mandatory.',
  prerequisites: [
    'Lab 3 (waypoint-l7-authz): policies attached with targetRefs run at the waypoint',
    'A cluster from `ambient-atlas lab up require-jwt` (bookinfo starts enrolled, with a waypoint for its Services)',
  ],
  setup: ['../base/bookinfo.yaml', '../base/clients.yaml', '../base/waypoint.yaml'],
  namespaces: ['bookinfo', 'legacy'],
  steps: [
    {
      title: 'Validate tokens at the waypoint',
      instructions: `Write a RequestAuthentication **productpage-jwt** with \`targetRefs\` to the **productpage** Service and one \`jwtRules\` entry: issuer \`https://issuer.atlas.example\`, audience \`bookinfo\`, and the issuer's public keys inline in \`jwks\` (copy them from the solution).

It runs in the waypoint. A valid token is accepted and its claims become \`request.auth.*\`; a token that fails verification (signature, issuer, audience, expiry) gets **401**. A request **without** a token is still let through. A RequestAuthentication with a \`selector\` instead of \`targetRefs\` would do nothing at all in ambient mode.

The validator warns about this step (\`jwt-not-required\`): no policy requires a token yet. Step 2 fixes that.`,
      apply: ['manifests/request-authentication.yaml'],
      commands: [
        'kubectl apply -f labs/require-jwt/manifests/request-authentication.yaml',
        `export TOKEN=${LEARNER_TOKEN}`,
        'kubectl exec -n bookinfo deploy/curl -- curl -s -o /dev/null -w "%{http_code}\\n" -H "Authorization: Bearer $TOKEN" http://productpage:9080/productpage',
      ],
      checks: [
        {
          type: 'request',
          name: 'no token: still allowed',
          from: 'bookinfo/curl',
          to: 'productpage:9080',
          path: '/productpage',
          expect: { verdict: 'allowed', status: 200, waypoint: 'bookinfo/waypoint' },
        },
        {
          type: 'request',
          name: 'valid token: allowed',
          from: 'bookinfo/curl',
          to: 'productpage:9080',
          path: '/productpage',
          jwt: LEARNER_TOKEN,
          expect: { verdict: 'allowed', status: 200 },
        },
        {
          type: 'request',
          name: 'token with a broken signature: 401 from the waypoint',
          from: 'bookinfo/curl',
          to: 'productpage:9080',
          path: '/productpage',
          jwt: TAMPERED_TOKEN,
          expect: { verdict: 'denied', deniedAt: 'waypoint', status: 401 },
        },
      ],
      hints: [
        '`jwks` is a JSON string (quote it in YAML); `jwksUri` would make the waypoint fetch keys instead.',
        'Attach with `targetRefs` to the Service, the same way as an AuthorizationPolicy for the waypoint.',
      ],
      solution:
        'RequestAuthentication defines which tokens are valid. It rejects invalid ones with 401 but never requires a token: that is an authorization decision.',
    },
    {
      title: 'Require the learner token',
      instructions: `Add an AuthorizationPolicy **productpage-require-jwt** (again \`targetRefs\` to the productpage Service) that ALLOWs only requests whose \`requestPrincipals\` is \`https://issuer.atlas.example/learner\` — the token's \`iss\` and \`sub\` joined by a slash.

Now a request without a token is denied with **403** (no request principal), a valid token for another subject is denied with 403, and the learner's token is allowed.`,
      apply: ['manifests/require-learner.yaml'],
      commands: [
        'kubectl apply -f labs/require-jwt/manifests/require-learner.yaml',
        'kubectl exec -n bookinfo deploy/curl -- curl -s -o /dev/null -w "%{http_code}\\n" http://productpage:9080/productpage',
      ],
      checks: [
        {
          type: 'request',
          name: 'no token: 403',
          from: 'bookinfo/curl',
          to: 'productpage:9080',
          path: '/productpage',
          expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403 },
        },
        {
          type: 'request',
          name: 'learner token: allowed',
          from: 'bookinfo/curl',
          to: 'productpage:9080',
          path: '/productpage',
          jwt: LEARNER_TOKEN,
          expect: { verdict: 'allowed', status: 200 },
        },
        {
          type: 'request',
          name: 'valid token for another subject: 403',
          from: 'bookinfo/curl',
          to: 'productpage:9080',
          path: '/productpage',
          jwt: VISITOR_TOKEN,
          expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403 },
        },
      ],
      hints: ['`requestPrincipals: ["*"]` would accept any valid token; here only one subject is wanted.'],
      solution:
        'RequestAuthentication plus an ALLOW on `requestPrincipals` is the way to require a token. Both must be attached to the same waypoint target.',
    },
  ],
});
