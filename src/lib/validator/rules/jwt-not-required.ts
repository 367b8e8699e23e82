import { getArray, getString } from '../../model/access.ts';
import type { Resource } from '../../model/types.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, waypoint, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { actionOf, isDryRun, LABEL_USE_WAYPOINT } from '../../ambient/index.ts';
import { isIstioSecurity, strings } from '../facts/index.ts';

// Evidence: istio.io docs (RequestAuthentication: "requests without a token are accepted"; require one with an
// AuthorizationPolicy on requestPrincipals) and SEMANTICS §6.
function requiresToken(ap: Resource): boolean {
  // A dry-run policy only logs at the waypoint (a shadow rule): it requires nothing.
  if (isDryRun(ap.annotations)) return false;
  const action = actionOf(ap);
  for (const rule of getArray(ap.obj, ['spec', 'rules'])) {
    for (const from of getArray(rule, ['from'])) {
      const src = from && typeof from === 'object' && !Array.isArray(from) ? from.source : undefined;
      if (action === 'ALLOW' && strings((src as Record<string, never> | undefined)?.['requestPrincipals']).length)
        return true;
      if (action === 'DENY' && strings((src as Record<string, never> | undefined)?.['notRequestPrincipals']).length)
        return true;
    }
    for (const w of getArray(rule, ['when'])) {
      const key = getString(w, ['key']) ?? '';
      if (action === 'ALLOW' && key.startsWith('request.auth.')) return true;
    }
  }
  return false;
}

export const rule: Rule = {
  meta: {
    id: 'jwt-not-required',
    severity: 'warning',
    inputs: ['RequestAuthentication', 'AuthorizationPolicy'],
    description:
      'A RequestAuthentication is not paired with an AuthorizationPolicy that requires a token: requests without one pass.',
    docs: {
      summary:
        'RequestAuthentication only rejects **invalid** tokens (HTTP 401). A request with no token at all passes unauthenticated. To require a token, an AuthorizationPolicy must demand a request principal.',
      details: [
        'This is the most common JWT misconfiguration: the issuer and JWKS are set up, a request with a bad token gets 401, and everyone assumes the API is protected. A request without an `Authorization` header is let through with no `request.auth.*` attributes.',
        '',
        'The rule looks for an AuthorizationPolicy in the same namespace (or the root namespace) that requires a token: an ALLOW rule with `from.source.requestPrincipals` (for example `["*"]`) or a `when` on `request.auth.*`, or a DENY rule with `notRequestPrincipals`. A policy annotated `istio.io/dry-run: "true"` does not count: it only logs. It does not check that the policy targets the same waypoint or workloads.',
      ].join('\n'),
      fix: 'Add an AuthorizationPolicy with the same `targetRefs`: `action: ALLOW`, `rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]` (or a DENY with `notRequestPrincipals: ["*"]`).',
    },
    examples: {
      valid: [
        {
          title: 'Token required by an ALLOW policy',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: RequestAuthentication',
            'metadata: {name: jwt, namespace: shop}',
            'spec:',
            '  targetRefs: [{kind: Service, group: "", name: api}]',
            '  jwtRules:',
            '  - issuer: https://issuer.example',
            '    jwksUri: https://issuer.example/jwks.json',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: require-jwt, namespace: shop}',
            'spec:',
            '  targetRefs: [{kind: Service, group: "", name: api}]',
            '  rules:',
            '  - from: [{source: {requestPrincipals: ["*"]}}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'RequestAuthentication alone',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: RequestAuthentication',
            'metadata: {name: jwt, namespace: shop}',
            'spec:',
            '  targetRefs: [{kind: Service, group: "", name: api}]',
            '  jwtRules:',
            '  - issuer: https://issuer.example',
            '    jwksUri: https://issuer.example/jwks.json',
          ),
          line: 2,
          effect: {
            says: 'a request without any token passes the waypoint',
            context: documents(
              ambientNamespace('shop', { [LABEL_USE_WAYPOINT]: 'waypoint' }),
              waypoint('shop'),
              workload('shop', 'api', { port: 80 }),
              workload('shop', 'web'),
            ),
            request: { from: 'shop/web', to: 'api.shop:80' },
            expect: { verdict: 'allowed', status: 200, waypoint: 'shop/waypoint' },
          },
        },
      ],
    },
  },
  check(ctx) {
    const requires = new Map<string, boolean>();
    const nsRequires = (ns: string): boolean => {
      let v = requires.get(ns);
      if (v === undefined) {
        v = ctx.mesh.inNamespace('AuthorizationPolicy', ns).some((ap) => isIstioSecurity(ap) && requiresToken(ap));
        requires.set(ns, v);
      }
      return v;
    };
    for (const ra of ctx.mesh.byKind('RequestAuthentication')) {
      if (!isIstioSecurity(ra) || !getArray(ra.obj, ['spec', 'jwtRules']).length) continue;
      if (nsRequires(ra.namespace) || nsRequires(ctx.mesh.rootNamespace)) continue;
      ctx.report({
        resource: ra,
        path: [],
        message:
          'No AuthorizationPolicy requires a token (requestPrincipals): requests without a JWT are accepted; only invalid tokens get 401.',
        fix: 'Add an ALLOW AuthorizationPolicy with from.source.requestPrincipals: ["*"] for the same target.',
      });
    }
  },
};
