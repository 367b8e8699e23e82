import type { Rule } from '../rule.ts';
import { reportModelIssues } from './yaml-syntax.ts';
import { appendSchemaProblems } from '../schema/index.ts';
import type { SchemaProblem } from '../schema/index.ts';

/**
 * Everything the API server (or istiod's validating webhook) would reject: structure and types from the
 * @kubernetes-models validators, unknown fields, unknown kinds/versions in known groups, and our ports of
 * the CRDs' CEL rules (schema/cel.ts).
 */
export const rule: Rule = {
  meta: {
    id: 'schema',
    severity: 'error',
    inputs: 'all',
    description:
      'The object would be rejected by the API server: wrong type, bad enum, unknown field, unserved version or a CRD validation rule.',
    docs: {
      summary:
        '`kubectl apply` fails for this object, so none of it takes effect. In CI the apply step stops; in a GitOps tool the object stays out of sync.',
      details: [
        'The schema layer checks each object against the schema of its kind and version:',
        '',
        '- the structure generated from the upstream CRDs and the Kubernetes OpenAPI (types, enums, required fields, patterns);',
        '- unknown fields: kubectl uses strict field validation by default, so a misspelt key such as `selectr` is an error, not a silently ignored line;',
        '- the `apiVersion` must be one the CRDs of the chosen lines serve for the kind (Istio 1.31 and Gateway API v1.6.1 by default; Istio 1.30 and v1.5.1 on request), and the kind must exist in its API group. **Changed in Gateway API v1.6:** TCPRoute and UDPRoute are served as `v1` (standard channel); v1.5 serves them only as `v1alpha2` (experimental channel), so `v1` is reported there;',
        '- the validation rules the CRDs carry as CEL expressions, rewritten as our own checks: for example at most one of `selector`, `targetRef` and `targetRefs`; no namespace in a policy `targetRef`; `serviceAccounts` not combined with `principals` or `namespaces`; a ServiceEntry host that is not `*`, unique port numbers, `endpoints` not combined with `workloadSelector`; one JWKS source per JWT rule; unique Gateway listener names and port/protocol/hostname combinations; HTTPRoute path values that start with `/` and contain no `//`, `/./`, `/../`, `%2F` or `#`; a `port` on every Service backendRef; filter combinations and `ReplacePrefixMatch` constraints.',
        '',
        "istiod's validating webhook adds a few rules of its own, such as rejecting a DENY AuthorizationPolicy without rules; those are reported here too.",
        '',
        "What the API server sets aside before validating is set aside here too, so `kubectl get -o yaml` output lints like the manifest it came from: `status` (a subresource that `kubectl apply` ignores; the other checks still read it, for example a waypoint's `status.addresses`), the metadata the server writes (`managedFields`, `resourceVersion`, `uid`, `generation`, `creationTimestamp`), and fields set to `null`, which count as absent (`selector: null` next to `targetRefs` is not two attachments). A field unknown to the schema is still reported when it is `null`.",
        '',
        'Kinds outside the Istio, Gateway API and core Kubernetes groups are not checked structurally.',
      ].join('\n'),
      fix: 'Change the field named in the message. For an unknown field, check the spelling and the indentation (a field indented under the wrong parent is unknown there). For an unserved version, use the version the message lists.',
    },
    examples: {
      valid: [
        {
          title: 'A selector-based ALLOW policy',
          yaml: [
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: allow-frontend',
            '  namespace: shop',
            'spec:',
            '  selector:',
            '    matchLabels:',
            '      app: backend',
            '  action: ALLOW',
            '  rules:',
            '  - from:',
            '    - source:',
            '        principals: ["cluster.local/ns/shop/sa/frontend"]',
            '',
          ].join('\n'),
        },
      ],
      invalid: [
        {
          title: 'Misspelt enum value',
          yaml: [
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: allow-frontend',
            '  namespace: shop',
            'spec:',
            '  action: ALOW',
            '  rules:',
            '  - {}',
            '',
          ].join('\n'),
          line: 7,
        },
        {
          title: 'Both selector and targetRefs',
          yaml: [
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: both',
            '  namespace: shop',
            'spec:',
            '  selector:',
            '    matchLabels:',
            '      app: backend',
            '  targetRefs:',
            '  - kind: Service',
            '    group: ""',
            '    name: backend',
            '  rules:',
            '  - {}',
            '',
          ].join('\n'),
          line: 10,
        },
      ],
    },
  },
  check(ctx) {
    reportModelIssues(ctx, 'schema');
    const problems: SchemaProblem[] = [];
    for (const resource of ctx.resources) {
      const from = problems.length;
      appendSchemaProblems(resource, problems, ctx.versions);
      for (let j = from; j < problems.length; j++) {
        const p = problems[j]!;
        ctx.report({ resource, path: p.path, part: p.part ?? 'key', message: p.message });
      }
    }
  },
};
