import { defineLab } from '../schema.ts';

export default defineLab({
  id: 'ingress-use-waypoint',
  order: 8,
  difficulty: 'intermediate',
  minutes: 20,
  title: 'Break/fix: ingress traffic skips the waypoint',
  summary:
    'reviews is internal: its waypoint allows only productpage and curl. Yet a request from outside through the ingress gateway gets in, because ingress gateways send straight to the pods unless the Service (or its namespace) says `istio.io/ingress-use-waypoint: "true"`.',
  prerequisites: [
    'Lab 3 (waypoint-l7-authz)',
    'A cluster from `ambient-atlas lab up ingress-use-waypoint` (bookinfo enrolled with a waypoint, an ingress gateway exposing /reviews, and the waypoint policy already applied)',
  ],
  setup: [
    '../base/bookinfo.yaml',
    '../base/clients.yaml',
    '../base/waypoint.yaml',
    'manifests/ingress-gateway.yaml',
    'manifests/reviews-internal-only.yaml',
  ],
  namespaces: ['bookinfo', 'legacy', 'ingress'],
  steps: [
    {
      title: 'See the symptom: the ingress gateway gets past the waypoint policy',
      instructions: `The lab starts broken. **reviews-internal-only** (\`targetRefs\` to the reviews Service) lets only productpage and curl call reviews, and it works for mesh clients: \`bookinfo/guest\` gets a 403 from the waypoint.

But the ingress gateway **bookinfo-gateway** (namespace \`ingress\`, route \`/reviews\` → reviews) is answered with 200. An ingress gateway load-balances to the reviews pods itself and connects to their ztunnel over HBONE; it uses a Service's waypoint only when \`istio.io/ingress-use-waypoint\` is true on the Service or its Namespace. No waypoint, no L7 policy — and the ztunnel of the reviews pods has no policy of its own.

The checks send the ingress request from \`legacy/curl\` (outside the mesh) to the gateway's Service. In the waypoint's log, the guest request shows up with 403 and the ingress request does not show up at all.`,
      commands: [
        'kubectl exec -n legacy deploy/curl -- curl -sS -o /dev/null -w "%{http_code}\\n" http://bookinfo-gateway-istio.ingress/reviews/0',
        'kubectl exec -n bookinfo deploy/guest -- curl -sS -o /dev/null -w "%{http_code}\\n" http://reviews:9080/reviews/0',
        'kubectl logs -n bookinfo deploy/waypoint --tail=20',
        'kubectl logs -n istio-system -l app=ztunnel --tail=50 | grep bookinfo-gateway-istio',
      ],
      checks: [
        {
          type: 'request',
          name: 'ingress to reviews: allowed, no waypoint (the bypass)',
          from: 'ingress/bookinfo-gateway',
          sentFrom: 'legacy/curl',
          to: 'reviews.bookinfo:9080',
          path: '/reviews/0',
          expect: { verdict: 'allowed', status: 200, waypoint: null },
        },
        {
          type: 'request',
          name: 'guest inside the mesh: 403 from the waypoint (the policy works)',
          from: 'bookinfo/guest',
          to: 'reviews:9080',
          path: '/reviews/0',
          expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403, waypoint: 'bookinfo/waypoint' },
        },
      ],
      hints: [
        'The Service status says it too: `WaypointBound` is True, with a note that ingress-use-waypoint is not set.',
        "In the ztunnel log of the reviews node the connection's source is the gateway's identity, not the waypoint's.",
      ],
      solution: 'Nothing to fix yet: `istio.io/use-waypoint` binds mesh traffic only; ingress needs its own opt-in.',
    },
    {
      title: 'Fix it: label the reviews Service ingress-use-waypoint',
      instructions: `Label the **reviews** Service \`istio.io/ingress-use-waypoint: "true"\` (or the whole bookinfo Namespace). The ingress gateway now sends reviews traffic to the waypoint, where **reviews-internal-only** refuses the gateway's identity with a **403**.

The value is read like a Go boolean (\`true\`, \`1\`, \`T\` …), and a Service's label overrides its Namespace's in both directions.`,
      apply: ['manifests/reviews-ingress-use-waypoint.yaml'],
      commands: [
        'kubectl label service reviews -n bookinfo istio.io/ingress-use-waypoint=true',
        'kubectl exec -n legacy deploy/curl -- curl -sS -o /dev/null -w "%{http_code}\\n" http://bookinfo-gateway-istio.ingress/reviews/0',
        'kubectl logs -n bookinfo deploy/waypoint --tail=5',
      ],
      checks: [
        {
          type: 'request',
          name: 'ingress to reviews: 403 from the waypoint',
          from: 'ingress/bookinfo-gateway',
          sentFrom: 'legacy/curl',
          to: 'reviews.bookinfo:9080',
          path: '/reviews/0',
          expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403, waypoint: 'bookinfo/waypoint' },
        },
        {
          type: 'request',
          name: 'curl inside the mesh still reaches reviews through the waypoint',
          from: 'bookinfo/curl',
          to: 'reviews:9080',
          path: '/reviews/0',
          expect: { verdict: 'allowed', status: 200, waypoint: 'bookinfo/waypoint' },
        },
      ],
      hints: [
        'The label goes on the destination Service (or its Namespace), not on the Gateway or the waypoint.',
        'If the gateway should reach reviews after all, add its principal (`cluster.local/ns/ingress/sa/bookinfo-gateway-istio`) to the policy.',
      ],
      solution:
        '`istio.io/ingress-use-waypoint: "true"` makes ingress gateways send to the Service\'s waypoint, so its L7 policy applies to traffic from outside as well.',
    },
  ],
});
