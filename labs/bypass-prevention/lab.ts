import { defineLab } from '../schema.ts';

export default defineLab({
  id: 'bypass-prevention',
  order: 6,
  difficulty: 'advanced',
  minutes: 25,
  title: 'Prevent waypoint bypass',
  summary:
    "A waypoint only sees traffic addressed to the Service. Show that a client dialling a pod IP skips the waypoint and its L7 policy, then close that door at ztunnel with a DENY on every identity except the waypoint's.",
  prerequisites: [
    'Lab 3 (waypoint-l7-authz)',
    'A cluster from `ambient-atlas lab up bypass-prevention` (bookinfo starts enrolled, with a waypoint for its Services)',
  ],
  setup: ['../base/bookinfo.yaml', '../base/clients.yaml', '../base/waypoint.yaml'],
  namespaces: ['bookinfo', 'legacy'],
  steps: [
    {
      title: 'Protect reviews at the waypoint — and find the side door',
      instructions: `Attach an ALLOW policy **reviews-allow-productpage** to the reviews Service (\`targetRefs\`) for the principals of productpage and curl. Through the Service, \`bookinfo/guest\` now gets 403 from the waypoint.

But the waypoint is bound to the **Service**. If guest connects to a reviews **pod IP** directly, the traffic never reaches the waypoint: the destination ztunnel sees guest's own identity, no ztunnel-level policy selects reviews, and the request is allowed.`,
      apply: ['manifests/reviews-allow-productpage.yaml'],
      commands: [
        'kubectl apply -f labs/bypass-prevention/manifests/reviews-allow-productpage.yaml',
        'POD_IP=$(kubectl get pod -n bookinfo -l app=reviews,version=v1 -o jsonpath="{.items[0].status.podIP}")',
        'kubectl exec -n bookinfo deploy/guest -- curl -s -o /dev/null -w "%{http_code}\\n" http://$POD_IP:9080/reviews/0',
      ],
      checks: [
        {
          type: 'request',
          name: 'guest via the Service: 403 at the waypoint',
          from: 'bookinfo/guest',
          to: 'reviews:9080',
          path: '/reviews/0',
          expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403, waypoint: 'bookinfo/waypoint' },
        },
        {
          type: 'request',
          name: 'guest straight to a pod IP: allowed, no waypoint (the bypass)',
          from: 'bookinfo/guest',
          to: 'pod/bookinfo/reviews-v1:9080',
          path: '/reviews/0',
          expect: { verdict: 'allowed', status: 200, waypoint: null },
        },
      ],
      hints: [
        'A pod only gets a waypoint for traffic to its own IP when it is bound with waypoint-for `workload` or `all`.',
      ],
      solution:
        'Service-attached policy runs only for traffic addressed to the Service. Traffic to a pod IP goes ztunnel to ztunnel.',
    },
    {
      title: 'Only the waypoint may reach the reviews pods',
      instructions: `Add a **selector** policy (it runs at ztunnel) **reviews-only-via-waypoint** for \`app: reviews\`: DENY when the source is \`notPrincipals: [cluster.local/ns/bookinfo/sa/waypoint]\`.

Traffic that went through the waypoint arrives at the destination ztunnel with the waypoint's identity, so it passes; everything else — guest dialling the pod IP — is reset. curl still reaches reviews through the Service.`,
      apply: ['manifests/reviews-only-via-waypoint.yaml'],
      commands: [
        'kubectl apply -f labs/bypass-prevention/manifests/reviews-only-via-waypoint.yaml',
        'kubectl exec -n bookinfo deploy/guest -- curl -sS -o /dev/null -w "%{http_code}\\n" http://$POD_IP:9080/reviews/0',
      ],
      checks: [
        {
          type: 'request',
          name: 'guest straight to a pod IP: reset by ztunnel',
          from: 'bookinfo/guest',
          to: 'pod/bookinfo/reviews-v1:9080',
          path: '/reviews/0',
          expect: { verdict: 'denied', deniedAt: 'ztunnel', status: null },
        },
        {
          type: 'request',
          name: "curl via the Service still works (the waypoint's identity passes)",
          from: 'bookinfo/curl',
          to: 'reviews:9080',
          path: '/reviews/0',
          expect: { verdict: 'allowed', status: 200, waypoint: 'bookinfo/waypoint' },
        },
      ],
      hints: [
        "The waypoint's service account is the Gateway's name unless the Gateway says otherwise.",
        'A selector ALLOW listing productpage would break instead: behind a waypoint, ztunnel sees the waypoint, not productpage.',
      ],
      solution:
        "Bypass prevention is a ztunnel-level DENY for every principal but the waypoint's. It is the step the sidecar-to-ambient migration guide adds after moving policies to targetRefs.",
    },
  ],
});
