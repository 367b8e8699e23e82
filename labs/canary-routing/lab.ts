import { defineLab } from '../schema.ts';

export default defineLab({
  id: 'canary-routing',
  order: 4,
  difficulty: 'intermediate',
  minutes: 20,
  title: 'Canary and header routing with a Service-parent HTTPRoute',
  summary:
    'Split reviews traffic 90/10 between two versions and pin one user to a third, with an HTTPRoute whose parent is the reviews Service. The waypoint does the routing; the per-version Services are the backends.',
  prerequisites: [
    'Lab 3 (waypoint-l7-authz): what a waypoint is and how a Service is bound to it',
    'A cluster from `ambient-atlas lab up canary-routing` (bookinfo starts enrolled, with a waypoint for its Services)',
  ],
  setup: ['../base/bookinfo.yaml', '../base/clients.yaml', '../base/waypoint.yaml'],
  namespaces: ['bookinfo', 'legacy'],
  steps: [
    {
      title: 'Split traffic 90/10 between reviews v1 and v3',
      instructions: `Write an HTTPRoute **reviews** in bookinfo whose \`parentRefs\` entry is the **reviews Service** (\`group: ""\`, \`kind: Service\`, \`port: 9080\`) with one rule and two \`backendRefs\`: \`reviews-v1\` weight 90 and \`reviews-v3\` weight 10.

Routing happens at the waypoint bound to reviews; the route needs no hostnames. Do not use the waypoint Gateway as the parent: Istio does not turn such a route into waypoint routing, so it changes nothing. Each version has its own Service (\`reviews-v1\`…) because an HTTPRoute cannot use DestinationRule subsets.`,
      apply: ['manifests/reviews-canary.yaml'],
      commands: [
        'kubectl apply -f labs/canary-routing/manifests/reviews-canary.yaml',
        'for i in $(seq 20); do kubectl exec -n bookinfo deploy/curl -- curl -s http://reviews:9080/reviews/0 | grep -o \'"color": *"[a-z]*"\' || echo no-stars; done | sort | uniq -c',
      ],
      checks: [
        {
          type: 'resource',
          name: 'the waypoint Gateway is Programmed',
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          namespace: 'bookinfo',
          resourceName: 'waypoint',
          condition: 'Programmed',
        },
        {
          type: 'request',
          name: 'reviews is split 90/10 between v1 and v3',
          from: 'bookinfo/curl',
          to: 'reviews:9080',
          path: '/reviews/0',
          samples: 40,
          expect: {
            verdict: 'allowed',
            status: 200,
            waypoint: 'bookinfo/waypoint',
            backends: [
              { service: 'bookinfo/reviews-v1', probability: 0.9 },
              { service: 'bookinfo/reviews-v3', probability: 0.1 },
            ],
          },
        },
      ],
      hints: [
        'The core group is written as an empty string: `group: ""`.',
        'Weights are relative: 9 and 1 split the same way as 90 and 10.',
      ],
      solution:
        'An HTTPRoute with a Service parentRef (GAMMA) is attached to the waypoint that serves that Service. Weighted backendRefs split requests in proportion to their weights; a weight of 0 receives nothing.',
    },
    {
      title: 'Send one user to v2',
      instructions: `Extend the route: add a rule **before** the split that matches the header \`end-user: jason\` and sends to \`reviews-v2\` only.

Gateway API ranks matches by specificity (exact path, longest prefix, method, number of headers, …), so a rule with a header match wins over one without, whatever their order. Header names match case-insensitively; values exactly.`,
      apply: ['manifests/reviews-header-route.yaml'],
      commands: [
        'kubectl apply -f labs/canary-routing/manifests/reviews-header-route.yaml',
        'kubectl exec -n bookinfo deploy/curl -- curl -s -H "end-user: jason" http://reviews:9080/reviews/0',
      ],
      checks: [
        {
          type: 'request',
          name: 'jason always gets v2',
          from: 'bookinfo/curl',
          to: 'reviews:9080',
          path: '/reviews/0',
          headers: { 'end-user': 'jason' },
          samples: 10,
          expect: {
            verdict: 'allowed',
            status: 200,
            backends: [{ service: 'bookinfo/reviews-v2', probability: 1 }],
          },
        },
        {
          type: 'request',
          name: 'everyone else keeps the 90/10 split',
          from: 'bookinfo/curl',
          to: 'reviews:9080',
          path: '/reviews/0',
          samples: 40,
          expect: {
            verdict: 'allowed',
            status: 200,
            backends: [
              { service: 'bookinfo/reviews-v1', probability: 0.9 },
              { service: 'bookinfo/reviews-v3', probability: 0.1 },
            ],
          },
        },
      ],
      hints: ['`matches[].headers[]` takes `name` and `value` (type Exact by default).'],
      solution:
        'Two rules in one HTTPRoute: the header match is more specific, so it is chosen for jason; the rule without matches catches everything else.',
    },
  ],
});
