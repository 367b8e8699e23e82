import { getObject, getString } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { isIstioSecurity, scopeIsAmbient, SCOPE_KINDS } from '../facts/index.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/ambient/policies.go turns PeerAuthentication into ztunnel
// policies; only STRICT produces a rule (deny plaintext). Mesh traffic between ambient pods is always HBONE mTLS.
export const rule: Rule = {
  meta: {
    id: 'peerauthentication-disable-is-permissive',
    severity: 'warning',
    inputs: ['PeerAuthentication', ...SCOPE_KINDS],
    description: 'PeerAuthentication mode DISABLE does not turn mTLS off in ambient: it behaves like PERMISSIVE.',
    docs: {
      summary:
        "In ambient, traffic between enrolled pods always travels over ztunnel's HBONE mTLS tunnel. DISABLE cannot switch that off; it only accepts plaintext from non-mesh callers, exactly like PERMISSIVE.",
      details: [
        'istiod never sends PeerAuthentication to ztunnel as such. It turns STRICT into a rule that rejects plaintext connections at the destination ztunnel; PERMISSIVE and DISABLE produce nothing, so both accept plaintext from callers outside the mesh and mTLS from the mesh.',
        '',
        'Teams migrating from sidecars sometimes use DISABLE to let a legacy client or a health checker reach a pod, or to debug. In ambient the setting changes nothing for mesh traffic, and the mTLS identity is still checked by AuthorizationPolicies.',
      ].join('\n'),
      fix: 'Use PERMISSIVE (the same behaviour, stated honestly) or remove the policy. To exclude a workload from the mesh entirely, label the pod `istio.io/dataplane-mode: none`.',
    },
    examples: {
      valid: [
        {
          title: 'PERMISSIVE says what happens',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: PeerAuthentication',
            'metadata:',
            '  name: default',
            '  namespace: legacy',
            'spec:',
            '  mtls:',
            '    mode: PERMISSIVE',
          ),
        },
      ],
      invalid: [
        {
          title: 'DISABLE for a namespace',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: PeerAuthentication',
            'metadata:',
            '  name: default',
            '  namespace: legacy',
            'spec:',
            '  mtls:',
            '    mode: DISABLE',
          ),
          line: 8,
          effect: {
            says: 'plaintext from outside the mesh is accepted, exactly as with PERMISSIVE',
            context: documents(ambientNamespace('legacy'), workload('legacy', 'app', { port: 80 })),
            request: { from: 'external', to: 'app.legacy:80' },
            expect: { verdict: 'allowed', status: 200 },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const r of ctx.mesh.byKind('PeerAuthentication')) {
      if (!isIstioSecurity(r)) continue;
      const hits: (string | number)[][] = [];
      if (getString(r.obj, ['spec', 'mtls', 'mode']) === 'DISABLE') hits.push(['spec', 'mtls', 'mode']);
      const ports = getObject(r.obj, ['spec', 'portLevelMtls']);
      if (ports)
        for (const [port, v] of Object.entries(ports))
          if (getString(v, ['mode']) === 'DISABLE') hits.push(['spec', 'portLevelMtls', port, 'mode']);
      if (!hits.length || scopeIsAmbient(ctx.mesh, r) === false) continue;
      for (const path of hits)
        ctx.report({
          resource: r,
          path,
          part: 'value',
          message:
            'DISABLE does not turn off mTLS for ambient workloads: mesh traffic still uses HBONE mTLS and plaintext from outside is accepted, exactly as with PERMISSIVE.',
          fix: 'Use PERMISSIVE, or opt the pod out of ambient with istio.io/dataplane-mode: none.',
        });
    }
  },
};
