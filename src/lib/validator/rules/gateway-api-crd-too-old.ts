import type { Resource } from '../../model/types.ts';
import { getObject, getString } from '../../model/access.ts';
import { compareSemver, crdBundleTooOld } from '../../versions.ts';
import type { Rule, RuleContext } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { CRD_BUNDLE_KINDS } from '../facts/index.ts';

// Evidence: istio/istio pkg/config/schema/gatewayapi/minimumversions.go (release-1.30: GRPCRoute 1.1.0,
// BackendTLSPolicy 1.4.0, TLSRoute 1.5.0; release-1.31 adds TCPRoute 1.6.0, the TCPRoute v1 upgrade #60766): the
// CRD watcher does not process a Gateway API CRD whose `gateway.networking.k8s.io/bundle-version` annotation is
// below the minimum, so no resource of that kind reaches istiod. istioctl analyze reports it as IST0176
// GatewayAPICRDVersionBelowMinimum (pkg/config/analysis/analyzers/k8sgateway/crdversion.go; the pre-release part
// of the annotation is dropped before comparing). The minimums are data: versions.ts minimumCrdBundle.

const BUNDLE_ANNOTATION = 'gateway.networking.k8s.io/bundle-version';
const GA = 'gateway.networking.k8s.io';

/** A CustomResourceDefinition in the input whose bundle-version is below the Istio line's minimum (IST0176). */
function checkCrd(ctx: RuleContext, crd: Resource): void {
  if (getString(crd.obj, ['spec', 'group']) !== GA) return;
  const kind = getString(crd.obj, ['spec', 'names', 'kind']);
  const minimums = ctx.versions.istio.minimumCrdBundle as Readonly<Record<string, string>>;
  if (!kind || !Object.prototype.hasOwnProperty.call(minimums, kind)) return;
  const bundle = getObject(crd.obj, ['metadata', 'annotations'])?.[BUNDLE_ANNOTATION];
  // Without the annotation istiod logs an error of its own and the analyzer says nothing (crdversion.go).
  if (typeof bundle !== 'string') return;
  const min = minimums[kind]!;
  if (compareSemver(bundle, min) >= 0) return;
  ctx.report({
    resource: crd,
    path: ['metadata', 'annotations', BUNDLE_ANNOTATION],
    part: 'value',
    message: `This ${kind} CRD is from Gateway API ${bundle}; Istio ${ctx.versions.istio.version} needs at least ${min} and does not watch it, so every ${kind} is ignored (istioctl analyze: IST0176).`,
    fix: `Install the ${kind} CRD from Gateway API v${min} or later (Istio ${ctx.versions.istio.version} is built on Gateway API ${ctx.versions.istio.gatewayApi}).`,
  });
}

export const rule: Rule = {
  meta: {
    id: 'gateway-api-crd-too-old',
    severity: 'warning',
    inputs: ['CustomResourceDefinition', ...CRD_BUNDLE_KINDS],
    description:
      'The Gateway API CRDs are older than the Istio line needs for a kind: istiod ignores every resource of that kind (IST0176).',
    docs: {
      summary:
        'Istio refuses to watch some Gateway API CRDs below a minimum bundle version. Resources of that kind are accepted by the API server and then do nothing: a TLS passthrough listener never gets its TLSRoute, a TCPRoute never routes. `istioctl analyze` reports IST0176 on a live cluster; this rule says it before you apply.',
      details: [
        'Each Istio line lists a minimum Gateway API bundle version per CRD (`pkg/config/schema/gatewayapi/minimumversions.go`): GRPCRoute 1.1.0, BackendTLSPolicy 1.4.0 and TLSRoute 1.5.0 on Istio 1.30 and 1.31, and **TCPRoute 1.6.0 from Istio 1.31** (TCPRoute became `v1` in Gateway API v1.6). istiod reads the CRD’s `gateway.networking.k8s.io/bundle-version` annotation and does not process a CRD below the minimum.',
        '',
        'The rule reports:',
        '',
        '- every resource of such a kind when the Gateway API line the run speaks for is older than the minimum (for example TCPRoutes with `--istio 1.31 --gateway-api 1.5`);',
        '- a `CustomResourceDefinition` in the input whose bundle-version annotation is below the minimum of the chosen Istio line, as IST0176 does.',
      ].join('\n'),
      fix: 'Upgrade the Gateway API CRDs to the line your Istio is built on (v1.6.x for Istio 1.31, v1.5.x for 1.30), then re-apply the routes if needed.',
    },
    examples: {
      valid: [
        {
          title: 'A TCPRoute CRD from Gateway API v1.6.1 (Istio 1.31)',
          yaml: y(
            'apiVersion: apiextensions.k8s.io/v1',
            'kind: CustomResourceDefinition',
            'metadata:',
            '  name: tcproutes.gateway.networking.k8s.io',
            '  annotations: {gateway.networking.k8s.io/bundle-version: v1.6.1, gateway.networking.k8s.io/channel: standard}',
            'spec:',
            '  group: gateway.networking.k8s.io',
            '  names: {kind: TCPRoute, plural: tcproutes}',
            '  scope: Namespaced',
            '  versions: []',
          ),
        },
      ],
      invalid: [
        {
          title: 'A TCPRoute CRD from Gateway API v1.5.1 under Istio 1.31',
          yaml: y(
            'apiVersion: apiextensions.k8s.io/v1',
            'kind: CustomResourceDefinition',
            'metadata:',
            '  name: tcproutes.gateway.networking.k8s.io',
            '  annotations: {gateway.networking.k8s.io/bundle-version: v1.5.1, gateway.networking.k8s.io/channel: experimental}',
            'spec:',
            '  group: gateway.networking.k8s.io',
            '  names: {kind: TCPRoute, plural: tcproutes}',
            '  scope: Namespaced',
            '  versions: []',
          ),
          line: 5,
        },
      ],
    },
  },
  check(ctx) {
    const minimums = ctx.versions.istio.minimumCrdBundle as Readonly<Record<string, string>>;
    for (const kind of Object.keys(minimums)) {
      const min = crdBundleTooOld(ctx.versions, kind);
      if (!min) continue;
      for (const r of ctx.mesh.byKind(kind)) {
        if (!r.apiVersion.startsWith(`${GA}/`)) continue;
        ctx.report({
          resource: r,
          path: ['apiVersion'],
          part: 'value',
          message: `Istio ${ctx.versions.istio.version} needs the ${kind} CRD from Gateway API ${min} or later; with the ${ctx.versions.gatewayApi.bundle} CRDs istiod does not watch ${kind}s, so this one is ignored (istioctl analyze: IST0176).`,
          fix: `Install the Gateway API v${min}+ CRDs (Istio ${ctx.versions.istio.version} is built on Gateway API ${ctx.versions.istio.gatewayApi}).`,
        });
      }
    }
    for (const r of ctx.mesh.byKind('CustomResourceDefinition')) {
      if (r.apiVersion.startsWith('apiextensions.k8s.io/')) checkCrd(ctx, r);
    }
  },
};
