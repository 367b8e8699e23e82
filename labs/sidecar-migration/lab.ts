import { defineLab } from '../schema.ts';

export default defineLab({
  id: 'sidecar-migration',
  order: 9,
  difficulty: 'advanced',
  minutes: 25,
  title: 'Break/fix: sidecar clients skip the waypoint during a migration',
  summary:
    "Half-way through a sidecar-to-ambient migration, reviews runs in ambient behind a waypoint whose policy names its callers, yet a sidecar client that is not on the list gets in: sidecars do not traverse waypoints. Close the door at ztunnel with bypass prevention option 2 from Istio's migration guide, without locking out the sidecar clients that still belong.",
  prerequisites: [
    'Lab 6 (bypass-prevention)',
    'A cluster from `ambient-atlas lab up sidecar-migration` (bookinfo in ambient with a waypoint and its policy; namespace migrating still on sidecars)',
  ],
  setup: [
    '../base/bookinfo.yaml',
    '../base/clients.yaml',
    '../base/waypoint.yaml',
    'manifests/sidecar-clients.yaml',
    'manifests/reviews-callers.yaml',
  ],
  namespaces: ['bookinfo', 'legacy', 'migrating'],
  steps: [
    {
      title: 'See the symptom: a sidecar client the policy refuses gets in',
      instructions: `The lab starts broken. **reviews-callers** (\`targetRefs\` to the reviews Service) lets productpage, \`bookinfo/curl\` and \`migrating/curl\` call reviews, and refuses \`bookinfo/guest\` with a 403 at the waypoint.

\`migrating/guest\` is not on the list either, but it runs with a **sidecar**. A sidecar client routes for itself and connects to the reviews pods' ztunnel directly over HBONE with its own identity: sidecars do not traverse waypoints, so the waypoint's policy never sees the request, and the reviews ztunnel has no policy to refuse it.

In the waypoint log the request from \`bookinfo/guest\` appears with 403; the one from \`migrating/guest\` does not appear at all, while the ztunnel log of the reviews node shows it arriving from \`spiffe://cluster.local/ns/migrating/sa/guest\`.`,
      commands: [
        'kubectl exec -n migrating deploy/guest -c curl -- curl -sS -o /dev/null -w "%{http_code}\\n" http://reviews.bookinfo:9080/reviews/0',
        'kubectl exec -n bookinfo deploy/guest -- curl -sS -o /dev/null -w "%{http_code}\\n" http://reviews:9080/reviews/0',
        'kubectl logs -n bookinfo deploy/waypoint --tail=20',
        'kubectl logs -n istio-system -l app=ztunnel --tail=50 | grep migrating',
      ],
      checks: [
        {
          type: 'enrolment',
          name: 'migrating/guest still runs a sidecar',
          workload: 'migrating/guest',
          mode: 'sidecar',
        },
        {
          type: 'request',
          name: 'sidecar guest to reviews: allowed, no waypoint (the bypass)',
          from: 'migrating/guest',
          to: 'reviews.bookinfo:9080',
          path: '/reviews/0',
          expect: { verdict: 'allowed', status: 200, waypoint: null },
        },
        {
          type: 'request',
          name: 'ambient guest to reviews: 403 from the waypoint',
          from: 'bookinfo/guest',
          to: 'reviews:9080',
          path: '/reviews/0',
          expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403, waypoint: 'bookinfo/waypoint' },
        },
      ],
      hints: [
        'Which proxies call a waypoint? Ambient clients (through their ztunnel), ingress and east-west gateways — not sidecars.',
        'A pod-IP request from `bookinfo/guest` skips the waypoint the same way (lab 6): one ztunnel policy closes both doors.',
      ],
      solution:
        'Nothing to fix yet: the waypoint can only enforce what passes through it, and sidecar clients go around it.',
    },
    {
      title: 'Fix it: bypass prevention, option 2',
      instructions: `Add **reviews-deny-bypass**, a \`selector\` policy for \`app: reviews\` (so the reviews ztunnel enforces it): DENY every source whose principal is **not** the waypoint's (\`cluster.local/ns/bookinfo/sa/waypoint\`) **or** a sidecar client that still legitimately calls reviews (\`cluster.local/ns/migrating/sa/curl\`). The reviews ztunnel resets \`migrating/guest\`'s connection, and its sidecar answers curl with a **503**.

This is option 2 of "Bypass prevention during incremental migration" in Istio's sidecar-to-ambient guide (istio.io, docs/ambient/migrate/migrate-policies). With the waypoint's principal alone (the final form), \`migrating/curl\` would be reset too — everything denied for a caller that belongs. Option 1 is to wait with bypass prevention until every caller is in ambient.

The exception is a known gap: requests from \`migrating/curl\` still skip the waypoint's L7 rules until that client moves to ambient. Remove its principal from the list when it does.`,
      apply: ['manifests/reviews-deny-bypass.yaml'],
      commands: [
        'kubectl apply -f labs/sidecar-migration/manifests/reviews-deny-bypass.yaml',
        'kubectl exec -n migrating deploy/guest -c curl -- curl -sS -o /dev/null -w "%{http_code}\\n" http://reviews.bookinfo:9080/reviews/0',
        'kubectl exec -n migrating deploy/curl -c curl -- curl -sS -o /dev/null -w "%{http_code}\\n" http://reviews.bookinfo:9080/reviews/0',
        'kubectl logs -n istio-system -l app=ztunnel --tail=50 | grep -i "policy rejection"',
      ],
      checks: [
        {
          type: 'request',
          name: "sidecar guest to reviews: refused by the reviews ztunnel, 503 from the guest's sidecar",
          from: 'migrating/guest',
          to: 'reviews.bookinfo:9080',
          path: '/reviews/0',
          // ztunnel resets the sidecar's connection; the application hears the sidecar's 503, not the reset.
          expect: { verdict: 'denied', deniedAt: 'ztunnel', status: 503, waypoint: null },
        },
        {
          type: 'request',
          name: 'sidecar curl (still migrating) keeps working',
          from: 'migrating/curl',
          to: 'reviews.bookinfo:9080',
          path: '/reviews/0',
          expect: { verdict: 'allowed', status: 200, waypoint: null },
        },
        {
          type: 'request',
          name: "ambient curl through the waypoint keeps working (the waypoint's identity passes)",
          from: 'bookinfo/curl',
          to: 'reviews:9080',
          path: '/reviews/0',
          expect: { verdict: 'allowed', status: 200, waypoint: 'bookinfo/waypoint' },
        },
        {
          type: 'request',
          name: 'ambient guest straight to a pod IP: refused by ztunnel too',
          from: 'bookinfo/guest',
          to: 'pod/bookinfo/reviews-v1:9080',
          path: '/reviews/0',
          expect: { verdict: 'denied', deniedAt: 'ztunnel', status: null },
        },
      ],
      hints: [
        '`selector`, not `targetRefs`: a DENY on `notPrincipals` at the waypoint would see the original callers and refuse them all.',
        "The waypoint's service account is the Gateway's name unless the Gateway says otherwise.",
      ],
      solution:
        "A ztunnel DENY on `notPrincipals` [waypoint, remaining sidecar callers] closes the side door for everyone else while the migration is under way; once every caller is in ambient, only the waypoint's principal stays.",
    },
  ],
});
