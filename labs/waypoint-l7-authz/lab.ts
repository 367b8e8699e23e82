import { defineLab } from '../schema.ts';

export default defineLab({
  id: 'waypoint-l7-authz',
  order: 3,
  difficulty: 'intermediate',
  minutes: 20,
  title: 'Deploy a waypoint and enforce L7 authorization',
  summary:
    'Add a waypoint proxy for bookinfo and attach an HTTP-aware AuthorizationPolicy to the reviews Service with targetRefs: methods and paths are enforced at the waypoint, with a 403 instead of a reset.',
  prerequisites: [
    'Lab 1 (ambient-mtls) and lab 2 (l4-authorization)',
    'A cluster from `ambient-atlas lab up waypoint-l7-authz` (bookinfo starts enrolled in ambient mode)',
  ],
  setup: ['../base/bookinfo.yaml', '../base/clients.yaml', '../base/ambient-namespace.yaml'],
  namespaces: ['bookinfo', 'legacy'],
  steps: [
    {
      title: 'Deploy a waypoint for bookinfo',
      instructions: `Create a Gateway named **waypoint** in bookinfo with \`gatewayClassName: istio-waypoint\` and one listener \`mesh\` on port 15008 with protocol HBONE, labelled \`istio.io/waypoint-for: service\`. istiod deploys an Envoy for it; the Gateway becomes Programmed when that pod is ready.

Then label the **bookinfo** Namespace \`istio.io/use-waypoint: waypoint\` (keep the dataplane-mode label). Traffic addressed to any bookinfo Service now goes client ztunnel → waypoint → destination ztunnel → pod.

A use-waypoint label naming a waypoint that does not exist (or is not ready) does not fail closed: traffic simply goes direct and L7 policy is skipped.`,
      apply: ['manifests/waypoint.yaml'],
      commands: [
        'istioctl waypoint apply -n bookinfo --name waypoint --enroll-namespace --wait',
        'kubectl get gateway waypoint -n bookinfo',
        'kubectl exec -n bookinfo deploy/curl -- curl -s -o /dev/null -w "%{http_code}\\n" http://reviews:9080/reviews/0',
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
          name: 'curl reaches reviews through the waypoint',
          from: 'bookinfo/curl',
          to: 'reviews:9080',
          path: '/reviews/0',
          expect: { verdict: 'allowed', status: 200, waypoint: 'bookinfo/waypoint' },
        },
      ],
      hints: [
        '`istioctl waypoint apply --enroll-namespace` writes the same Gateway and label for you.',
        'The listener protocol is `HBONE`, not `HTTP`.',
      ],
      solution:
        'A Gateway of class `istio-waypoint` with an HBONE listener on 15008 is a waypoint; `istio.io/use-waypoint` on the Namespace binds every Service in it (waypoint-for `service` is the default).',
    },
    {
      title: 'Allow only GET on reviews, at the waypoint',
      instructions: `Write an AuthorizationPolicy **reviews-read-only** with \`targetRefs\` to the **reviews** Service (\`group: ""\`, \`kind: Service\`). Allow GET on \`/reviews/*\` from productpage's and curl's identities.

A policy with \`targetRefs\` goes to the waypoint, never to ztunnel, so HTTP fields are fine here. A denial is an HTTP 403 from the waypoint, not a reset. \`bookinfo/guest\` is not in the list, so it gets 403 too.`,
      apply: ['manifests/reviews-read-only.yaml'],
      commands: [
        'kubectl apply -f labs/waypoint-l7-authz/manifests/reviews-read-only.yaml',
        'kubectl exec -n bookinfo deploy/curl -- curl -s -o /dev/null -w "%{http_code}\\n" -X POST http://reviews:9080/reviews/0',
      ],
      checks: [
        {
          type: 'request',
          name: 'GET from curl is allowed',
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
          name: 'GET from guest gets 403 from the waypoint',
          from: 'bookinfo/guest',
          to: 'reviews:9080',
          path: '/reviews/0',
          expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403 },
        },
      ],
      hints: [
        'Use `targetRefs`, not `selector`: a selector policy is ignored by the waypoint and would reach ztunnel, which cannot read methods.',
        '`source.principal` at the waypoint is still the original client, not the waypoint.',
      ],
      solution:
        'Policies attached with `targetRefs` (kind Service, Gateway, or the istio-waypoint GatewayClass from the root namespace) run in the waypoint Envoy, which sees methods and paths and answers a denial with 403.',
    },
  ],
});
