import { defineLab } from '../schema.ts';

export default defineLab({
  id: 'selector-l7-deny-all',
  order: 7,
  difficulty: 'intermediate',
  minutes: 15,
  title: 'Break/fix: an L7 policy with a selector denies everything',
  summary:
    'A GET-only AuthorizationPolicy kept from sidecar days still uses a workload selector. In ambient it lands on ztunnel, which cannot read methods: the rule is dropped, the ALLOW is left empty and every request to reviews fails. Find it in the logs, then move the rule to the waypoint with targetRefs.',
  prerequisites: [
    'Lab 3 (waypoint-l7-authz)',
    'A cluster from `ambient-atlas lab up selector-l7-deny-all` (bookinfo enrolled, a waypoint for its Services, and the broken policy already applied)',
  ],
  setup: [
    '../base/bookinfo.yaml',
    '../base/clients.yaml',
    '../base/waypoint.yaml',
    'manifests/reviews-get-only-selector.yaml',
  ],
  namespaces: ['bookinfo', 'legacy'],
  // The validator catches the bug before any traffic does: that finding is part of the lesson.
  expectedFindings: [
    { rule: 'l7-policy-on-ztunnel', manifest: 'manifests/reviews-get-only-selector.yaml', fixedInStep: 2 },
  ],
  steps: [
    {
      title: 'See the symptom: even GET is refused',
      instructions: `The lab starts broken. **reviews-get-only** was meant to allow GET and nothing else on reviews, but it selects the pods with \`selector\`, so istiod sends it to **ztunnel**, not to the waypoint.

ztunnel enforces L4 only. An ALLOW rule with an HTTP field (\`methods\`) is dropped whole, and an ALLOW policy with no rules left allows nothing. Every connection to a reviews pod is reset — including the ones from the waypoint, so a GET through the Service fails too. The waypoint turns the reset into a **503**; nothing says 403, because no RBAC filter in Envoy refused it.

Run the commands: the ztunnel log on the reviews node shows \`policy rejection\`, and the policy's status condition \`ZtunnelAccepted\` names the unsupported field. Nothing to apply in this step: the checks confirm the symptom.`,
      commands: [
        'kubectl exec -n bookinfo deploy/curl -- curl -sS -o /dev/null -w "%{http_code}\\n" http://reviews:9080/reviews/0',
        'kubectl logs -n istio-system -l app=ztunnel --tail=50 | grep -i "policy rejection"',
        'kubectl logs -n bookinfo deploy/waypoint --tail=20',
        'kubectl get authorizationpolicy reviews-get-only -n bookinfo -o jsonpath="{.status.conditions}"',
      ],
      checks: [
        {
          type: 'request',
          name: 'GET from curl through the Service: refused at the reviews ztunnel, 503 from the waypoint',
          from: 'bookinfo/curl',
          to: 'reviews:9080',
          path: '/reviews/0',
          // ztunnel resets the waypoint's connection; curl sees the waypoint's answer to that reset.
          expect: { verdict: 'denied', deniedAt: 'ztunnel', status: 503, waypoint: 'bookinfo/waypoint' },
        },
        {
          type: 'request',
          name: 'productpage is unaffected (the policy selects reviews only)',
          from: 'bookinfo/curl',
          to: 'productpage:9080',
          path: '/productpage',
          expect: { verdict: 'allowed', status: 200, waypoint: 'bookinfo/waypoint' },
        },
      ],
      hints: [
        'A reset from ztunnel reaches the caller as a 503 from the waypoint (or a connection reset without one); a 403 would come from Envoy RBAC at the waypoint.',
        'ztunnel reads only identities, namespaces, IP blocks and ports. `methods`, `paths`, `hosts` and `requestPrincipals` are L7.',
      ],
      solution:
        'Nothing to fix yet: the selector puts an L7 rule where only L4 can be enforced, and an ALLOW with every rule dropped denies all.',
    },
    {
      title: 'Fix it: attach the rule to the Service with targetRefs',
      instructions: `Replace **reviews-get-only** with the same rule attached by \`targetRefs\` to the **reviews** Service (\`group: ""\`, \`kind: Service\`) instead of \`selector\`. A targetRefs policy goes to the waypoint, which reads methods; ztunnel no longer has an ALLOW policy for reviews, so it lets the waypoint's connections through.

Now GET works and POST gets a **403** from the waypoint — the behaviour the sidecar-era policy had. This is the "L7 policies" step of Istio's sidecar-to-ambient migration guide (istio.io, docs/ambient/migrate/migrate-policies).`,
      apply: ['manifests/reviews-get-only-waypoint.yaml'],
      commands: [
        'kubectl delete authorizationpolicy reviews-get-only -n bookinfo',
        'kubectl apply -f labs/selector-l7-deny-all/manifests/reviews-get-only-waypoint.yaml',
        'kubectl exec -n bookinfo deploy/curl -- curl -sS -o /dev/null -w "%{http_code}\\n" http://reviews:9080/reviews/0',
        'kubectl exec -n bookinfo deploy/curl -- curl -sS -o /dev/null -w "%{http_code}\\n" -X POST http://reviews:9080/reviews/0',
      ],
      checks: [
        {
          type: 'request',
          name: 'GET from curl is allowed again, through the waypoint',
          from: 'bookinfo/curl',
          to: 'reviews:9080',
          path: '/reviews/0',
          expect: { verdict: 'allowed', status: 200, waypoint: 'bookinfo/waypoint' },
        },
        {
          type: 'request',
          name: 'POST from curl gets 403 from the waypoint',
          from: 'bookinfo/curl',
          to: 'reviews:9080',
          method: 'POST',
          path: '/reviews/0',
          expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403, waypoint: 'bookinfo/waypoint' },
        },
        {
          type: 'request',
          name: 'GET from guest is allowed too (the rule limits methods, not callers)',
          from: 'bookinfo/guest',
          to: 'reviews:9080',
          path: '/reviews/0',
          expect: { verdict: 'allowed', status: 200, waypoint: 'bookinfo/waypoint' },
        },
      ],
      hints: [
        'A policy may carry `selector` or `targetRefs`, never both. Client-side `kubectl apply` of the new version can keep the old `selector` (and be rejected); delete the old policy first, as in the commands.',
      ],
      solution:
        'L7 rules belong to the waypoint: `targetRefs` to the Service (or the waypoint Gateway). A selector is for L4 rules that ztunnel can enforce.',
    },
  ],
});
