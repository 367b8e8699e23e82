import { getObject } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { isIstioSecurity } from '../facts/index.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go
// (convertedSelectorPeerAuthentications): a selector policy is only taken as the workload policy when it is not in
// the root namespace; root-namespace policies count only as the mesh-wide default. SEMANTICS §4.
export const rule: Rule = {
  meta: {
    id: 'peerauthentication-root-selector-ignored',
    severity: 'warning',
    inputs: ['PeerAuthentication'],
    description: 'A PeerAuthentication with a workload selector in the root namespace is ignored.',
    docs: {
      summary:
        'In the root namespace (`istio-system` by default) only a PeerAuthentication **without** selector counts: it is the mesh-wide default. One with a selector is skipped, so the workloads it names keep whatever mode their namespace or the mesh sets.',
      details: [
        "Precedence is workload (selector, in the workload's own namespace) > namespace > mesh (root namespace, no selector). A selector in the root namespace does not select workloads in other namespaces, and istiod does not use it as a workload policy for the root namespace either.",
        '',
        'The usual intent is "STRICT for these workloads everywhere": that needs one selector policy in each workload namespace, or a mesh-wide STRICT default with exceptions.',
      ].join('\n'),
      fix: 'Move the policy to the namespace of the workloads it should apply to, or remove the selector to make it the mesh-wide default.',
    },
    examples: {
      valid: [
        {
          title: 'Mesh-wide default without selector',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: PeerAuthentication',
            'metadata: {name: default, namespace: istio-system}',
            'spec:',
            '  mtls: {mode: STRICT}',
          ),
        },
      ],
      invalid: [
        {
          title: 'Selector in the root namespace',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: PeerAuthentication',
            'metadata: {name: payments-strict, namespace: istio-system}',
            'spec:',
            '  selector:',
            '    matchLabels: {app: payments}',
            '  mtls: {mode: STRICT}',
          ),
          line: 5,
          effect: {
            says: 'the STRICT setting is ignored: plaintext from outside the mesh still reaches payments',
            context: documents(ambientNamespace('pay'), workload('pay', 'payments', { port: 80 })),
            request: { from: 'external', to: 'payments.pay:80' },
            expect: { verdict: 'allowed', status: 200 },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const r of ctx.mesh.inNamespace('PeerAuthentication', ctx.mesh.rootNamespace)) {
      if (!isIstioSecurity(r)) continue;
      const ml = getObject(r.obj, ['spec', 'selector', 'matchLabels']);
      if (!ml || !Object.keys(ml).length) continue;
      ctx.report({
        resource: r,
        path: ['spec', 'selector'],
        message: `PeerAuthentication in the root namespace ${ctx.mesh.rootNamespace} with a selector is ignored: only the selector-less policy there applies (mesh-wide).`,
        fix: "Move it to the workloads' namespace, or drop the selector.",
      });
    }
  },
};
