import { defineLab } from '../schema.ts';

export default defineLab({
  id: 'l4-authorization',
  order: 2,
  difficulty: 'beginner',
  minutes: 20,
  title: 'L4 authorization on ztunnel',
  summary:
    'Write AuthorizationPolicies that ztunnel can enforce on its own: identities, namespaces and ports. Learn which fields stay at L4 and why a single HTTP field would turn an ALLOW into deny-all.',
  prerequisites: [
    'Lab 1 (ambient-mtls): bookinfo is enrolled in ambient mode',
    'A cluster from `ambient-atlas lab up l4-authorization` (it starts with bookinfo already enrolled)',
  ],
  setup: ['../base/bookinfo.yaml', '../base/clients.yaml', '../base/ambient-namespace.yaml'],
  namespaces: ['bookinfo', 'legacy'],
  steps: [
    {
      title: 'Allow only curl to reach productpage',
      instructions: `Write an AuthorizationPolicy **productpage-allow-curl** in bookinfo that selects the productpage pods (\`app: productpage\`) and ALLOWs connections from the principal \`cluster.local/ns/bookinfo/sa/curl\` to port 9080.

It uses only L4 attributes, so the destination ztunnel enforces it. Once an ALLOW policy selects a workload, anything it does not allow is denied: \`bookinfo/guest\` (a different service account) gets its connection reset.

Keep HTTP fields (\`methods\`, \`paths\`, \`hosts\`) out of it: ztunnel cannot see them, and an ALLOW rule that mentions one is dropped whole — the policy would deny everything.`,
      apply: ['manifests/allow-curl-to-productpage.yaml'],
      commands: [
        'kubectl apply -f labs/l4-authorization/manifests/allow-curl-to-productpage.yaml',
        'kubectl exec -n bookinfo deploy/guest -- curl -sS -o /dev/null -w "%{http_code}\\n" http://productpage:9080/productpage',
      ],
      checks: [
        {
          type: 'request',
          name: 'curl is allowed',
          from: 'bookinfo/curl',
          to: 'productpage:9080',
          path: '/productpage',
          expect: { verdict: 'allowed', status: 200 },
        },
        {
          type: 'request',
          name: 'guest is reset by ztunnel',
          from: 'bookinfo/guest',
          to: 'productpage:9080',
          path: '/productpage',
          expect: { verdict: 'denied', deniedAt: 'ztunnel', status: null },
        },
        {
          type: 'request',
          name: 'details is not selected, so guest still reaches it',
          from: 'bookinfo/guest',
          to: 'details:9080',
          path: '/details/0',
          expect: { verdict: 'allowed', status: 200 },
        },
      ],
      hints: [
        'The principal of a ServiceAccount is `cluster.local/ns/<namespace>/sa/<name>`.',
        '`ports` are strings and name the pod (target) port, not the Service port.',
      ],
      solution:
        'A selector policy with `principals` and `ports` is pure L4: ztunnel enforces it at the destination. ALLOW semantics: once any ALLOW policy selects a workload, requests that match none of its rules are denied.',
    },
    {
      title: 'Refuse callers without an identity',
      instructions: `Add a namespace-wide DENY policy **deny-without-identity** with one rule: \`from.source.notPrincipals: ["*"]\`. \`*\` matches any authenticated peer, so the rule matches only callers that have no identity at all — plaintext from outside the mesh.

\`legacy/curl\` is not enrolled, so its requests to details now get reset; \`bookinfo/guest\` has an identity and is unaffected.`,
      apply: ['manifests/deny-plaintext.yaml'],
      commands: [
        'kubectl apply -f labs/l4-authorization/manifests/deny-plaintext.yaml',
        'kubectl exec -n legacy deploy/curl -- curl -sS -o /dev/null -w "%{http_code}\\n" http://details.bookinfo:9080/details/0',
      ],
      checks: [
        {
          type: 'request',
          name: 'legacy/curl (no identity) is reset',
          from: 'legacy/curl',
          to: 'details.bookinfo:9080',
          path: '/details/0',
          expect: { verdict: 'denied', deniedAt: 'ztunnel', status: null },
        },
        {
          type: 'request',
          name: 'bookinfo/guest (mesh identity) still reaches details',
          from: 'bookinfo/guest',
          to: 'details:9080',
          path: '/details/0',
          expect: { verdict: 'allowed', status: 200 },
        },
      ],
      hints: ['A policy without `selector` applies to every workload in its namespace.'],
      solution:
        'DENY is evaluated before ALLOW. `notPrincipals: ["*"]` matches exactly the connections without a peer identity; the same effect for all callers of a namespace can also come from PeerAuthentication STRICT.',
    },
  ],
});
