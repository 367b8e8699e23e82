import { defineLab } from '../schema.ts';

export default defineLab({
  id: 'ambient-mtls',
  order: 1,
  difficulty: 'beginner',
  minutes: 15,
  title: 'Enrol bookinfo in ambient and see mTLS at L4',
  summary:
    'Label one namespace and every pod in it gets a SPIFFE identity and mutual TLS through ztunnel, with no sidecar and no restart. Then make mTLS mandatory and watch a caller outside the mesh get refused.',
  prerequisites: [
    'A cluster from `ambient-atlas lab up ambient-mtls` (or the browser version of this lab)',
    'kubectl pointed at the lab kubeconfig: `export KUBECONFIG=labs/.state/ambient-mtls/kubeconfig`',
  ],
  setup: ['../base/bookinfo.yaml', '../base/clients.yaml'],
  namespaces: ['bookinfo', 'legacy'],
  steps: [
    {
      title: 'Enrol the bookinfo namespace',
      instructions: `Bookinfo runs, but nothing in it is part of the mesh yet. Add the label \`istio.io/dataplane-mode: ambient\` to the **bookinfo** Namespace. istio-cni notices the label and redirects the traffic of every pod in the namespace to the ztunnel on its node; the pods keep running and get no sidecar.

From then on, a call from \`bookinfo/curl\` to productpage leaves the client's ztunnel as HBONE (HTTP CONNECT over mutual TLS on port 15008) and carries the client's identity \`cluster.local/ns/bookinfo/sa/curl\`. The \`legacy\` namespace is not enrolled: its curl still sends plaintext, and by default (PERMISSIVE) the destination ztunnel accepts it.`,
      apply: ['manifests/enrol-namespace.yaml'],
      commands: [
        'kubectl label namespace bookinfo istio.io/dataplane-mode=ambient',
        "kubectl get pods -n bookinfo -o 'custom-columns=NAME:.metadata.name,REDIRECTION:.metadata.annotations.ambient\\.istio\\.io/redirection'",
        'kubectl exec -n bookinfo deploy/curl -- curl -s -o /dev/null -w "%{http_code}\\n" http://productpage:9080/productpage',
      ],
      checks: [
        {
          type: 'enrolment',
          name: 'productpage is captured by ztunnel',
          workload: 'bookinfo/productpage-v1',
          mode: 'ambient',
        },
        {
          type: 'enrolment',
          name: 'the curl client is captured by ztunnel',
          workload: 'bookinfo/curl',
          mode: 'ambient',
        },
        { type: 'enrolment', name: 'legacy/curl stays outside the mesh', workload: 'legacy/curl', mode: 'none' },
        {
          type: 'request',
          name: 'bookinfo/curl reaches productpage over HBONE',
          from: 'bookinfo/curl',
          to: 'productpage:9080',
          path: '/productpage',
          expect: { verdict: 'allowed', status: 200, waypoint: null },
        },
        {
          type: 'request',
          name: 'legacy/curl (plaintext) is still accepted while mTLS is PERMISSIVE',
          from: 'legacy/curl',
          to: 'productpage.bookinfo:9080',
          path: '/productpage',
          expect: { verdict: 'allowed', status: 200 },
        },
      ],
      hints: [
        'The label goes on the Namespace object, not on the Deployments.',
        'The value is `ambient`; `none` on a pod opts that pod out again.',
      ],
      solution:
        'A Namespace labelled `istio.io/dataplane-mode: ambient` enrols all of its pods (a pod labelled `none` would opt out). Pods with a sidecar or with hostNetwork are never captured.',
    },
    {
      title: 'Make mTLS mandatory',
      instructions: `Add a PeerAuthentication named \`default\` in bookinfo with \`mtls.mode: STRICT\`. In ambient mode istiod turns it into a rule for ztunnel: connections that arrive without a peer identity (plaintext) are refused at the destination ztunnel.

Mesh traffic is always HBONE, so PERMISSIVE and DISABLE behave the same here; STRICT only changes what happens to callers **outside** the mesh. Check both callers again: \`bookinfo/curl\` still gets 200; \`legacy/curl\` now has its connection reset.`,
      apply: ['manifests/strict-mtls.yaml'],
      commands: [
        'kubectl apply -f labs/ambient-mtls/manifests/strict-mtls.yaml',
        'kubectl exec -n legacy deploy/curl -- curl -sS -o /dev/null -w "%{http_code}\\n" http://productpage.bookinfo:9080/productpage',
      ],
      checks: [
        {
          type: 'request',
          name: 'bookinfo/curl (mTLS) is still allowed',
          from: 'bookinfo/curl',
          to: 'productpage:9080',
          path: '/productpage',
          expect: { verdict: 'allowed', status: 200 },
        },
        {
          type: 'request',
          name: 'legacy/curl (plaintext) is reset by the destination ztunnel',
          from: 'legacy/curl',
          to: 'productpage.bookinfo:9080',
          path: '/productpage',
          expect: { verdict: 'denied', deniedAt: 'ztunnel', status: null },
        },
      ],
      hints: [
        'PeerAuthentication lives in security.istio.io/v1.',
        'Without a selector it applies to the whole namespace it is in.',
      ],
      solution:
        'A namespace-wide PeerAuthentication with `mode: STRICT` makes the destination ztunnel reject connections without a peer identity. It never affects waypoints, whose HBONE listener always requires mTLS.',
    },
  ],
});
