import { getObject, selectorMatches } from '../../model/access.ts';
import type { ServiceInfo } from '../../model/mesh.ts';
import type { JsonObject, Resource } from '../../model/types.ts';
import type { Rule, RuleContext } from '../rule.ts';
import { ambientNamespace, documents, service, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { policies, type PolicyKind, selectedTargets, SERVICE_KINDS, WORKLOAD_KINDS } from '../facts/index.ts';

// Evidence: Kubernetes label-selector semantics; istioctl analyzers IST0102-style "no matching workloads" checks.
// A selector policy in the root namespace selects matching workloads of every namespace (istio/istio release-1.31
// pilot/pkg/serviceregistry/ambient/workloads.go: a selector policy applies when its namespace is the workload's or
// the root namespace; src/lib/ambient attachmentOf 'root-selector'). A root-namespace PeerAuthentication with a
// selector is ignored instead (peerauthentication-root-selector-ignored), so it is checked in its namespace only.
const KINDS: readonly [kind: PolicyKind | 'Sidecar', selectorPath: readonly string[]][] = [
  ['AuthorizationPolicy', ['spec', 'selector']],
  ['PeerAuthentication', ['spec', 'selector']],
  ['RequestAuthentication', ['spec', 'selector']],
  ['Telemetry', ['spec', 'selector']],
  ['WasmPlugin', ['spec', 'selector']],
  ['Sidecar', ['spec', 'workloadSelector']],
];

// Hoisted paths, loops instead of Object.keys(…).length and .some(closure): this runs for every selector policy.
const MATCH_LABELS = ['matchLabels'];
const LABELS = ['labels'];

function hasOwnKey(o: JsonObject | undefined): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return true;
  return false;
}

function hasSelectingService(services: readonly ServiceInfo[]): boolean {
  for (const s of services) if (s.kind === 'Service' && s.selector) return true;
  return false;
}

function checkSelector(
  ctx: RuleContext,
  r: Resource,
  namespace: string,
  kind: string,
  path: readonly string[],
  selector: JsonObject,
): void {
  const matchLabels = getObject(selector, MATCH_LABELS);
  // WasmPlugin/Telemetry/Sidecar selectors use `labels`, the others `matchLabels`.
  const labels = matchLabels ?? getObject(selector, LABELS);
  if (!labels || !hasOwnKey(labels)) return;
  const sel = matchLabels ? selector : { matchLabels: labels };
  if (namespace === ctx.mesh.rootNamespace && kind !== 'PeerAuthentication') {
    checkMeshWide(ctx, r, kind, path, sel);
    return;
  }
  const haveWorkloads = ctx.mesh.workloadsIn(namespace).length > 0;
  const haveServices = hasSelectingService(ctx.mesh.servicesIn(namespace));
  if (!haveWorkloads && !haveServices) return;
  const { workloads, services } = selectedTargets(ctx.mesh, namespace, sel);
  if (workloads.length || (!haveWorkloads && services.length)) return;
  ctx.report({
    resource: r,
    path: [...path],
    message: `This selector matches no ${haveWorkloads ? 'workload' : "Service's pods"} in namespace ${r.namespace}: the ${kind} applies to nothing.`,
    fix: 'Check the labels against the pod template, or move the policy to the right namespace.',
  });
}

/** A root-namespace selector: matching workloads (or, without any, selecting Services) of every namespace. */
function checkMeshWide(ctx: RuleContext, r: Resource, kind: string, path: readonly string[], sel: JsonObject): void {
  const { workloads, services } = ctx.mesh;
  let haveServices = false;
  for (let i = 0; i < workloads.length; i++) if (selectorMatches(sel, workloads[i]!.labels)) return;
  if (!workloads.length)
    for (let i = 0; i < services.length; i++) {
      const s = services[i]!;
      if (s.kind !== 'Service' || !s.selector) continue;
      haveServices = true;
      if (selectorMatches(sel, s.selector)) return;
    }
  if (!workloads.length && !haveServices) return;
  ctx.report({
    resource: r,
    path: [...path],
    message: `This selector matches no ${workloads.length ? 'workload' : "Service's pods"} in any namespace: a ${kind} in the root namespace ${r.namespace} selects workloads mesh-wide, and here it applies to nothing.`,
    fix: 'Check the labels against the pod templates of the workloads it should apply to.',
  });
}

export const rule: Rule = {
  meta: {
    id: 'policy-selects-nothing',
    severity: 'warning',
    inputs: [...KINDS.map(([kind]) => kind), ...WORKLOAD_KINDS, ...SERVICE_KINDS],
    description:
      "A policy's workload selector matches no workload (or Service) in its namespace (in any namespace for the root namespace).",
    docs: {
      summary:
        'A selector that matches nothing makes the policy a no-op. Usually a label typo (`app: reveiws`) or the policy is in the wrong namespace: the traffic it was meant to govern is not governed.',
      details: [
        "Selectors match pods in the policy's own namespace; in the root namespace (`istio-system` by default) they match pods of every namespace, so there the rule looks at all of them (except for PeerAuthentication, whose root-namespace selector policies are ignored). The rule compares the selector with the pod-template labels of the Deployments, StatefulSets, DaemonSets, Jobs, Pods and WorkloadEntries in the manifests; when the namespace has no workloads there, it uses the selectors of the namespace's Services as stand-ins for pod labels.",
        '',
        'It says nothing when the namespace has neither workloads nor Services in the manifests.',
      ].join('\n'),
      fix: "Fix the labels in `matchLabels` (compare with the pod template labels), or move the policy to the workloads' namespace.",
    },
    examples: {
      valid: [
        {
          title: 'Selector matching a Deployment',
          yaml: y(
            'apiVersion: apps/v1',
            'kind: Deployment',
            'metadata: {name: reviews, namespace: bookinfo}',
            'spec:',
            '  selector: {matchLabels: {app: reviews}}',
            '  template:',
            '    metadata: {labels: {app: reviews}}',
            '    spec:',
            '      containers: [{name: reviews, image: reviews:1}]',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: reviews, namespace: bookinfo}',
            'spec:',
            '  selector:',
            '    matchLabels: {app: reviews}',
            '  rules:',
            '  - from: [{source: {namespaces: [bookinfo]}}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Label typo',
          yaml: y(
            'apiVersion: apps/v1',
            'kind: Deployment',
            'metadata: {name: reviews, namespace: bookinfo}',
            'spec:',
            '  selector: {matchLabels: {app: reviews}}',
            '  template:',
            '    metadata: {labels: {app: reviews}}',
            '    spec:',
            '      containers: [{name: reviews, image: reviews:1}]',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: reviews, namespace: bookinfo}',
            'spec:',
            '  selector:',
            '    matchLabels: {app: reveiws}',
            '  rules:',
            '  - from: [{source: {namespaces: [bookinfo]}}]',
          ),
          line: 15,
          effect: {
            says: 'the policy applies to nothing, so a caller from another namespace is not refused',
            context: documents(
              ambientNamespace('bookinfo'),
              service('bookinfo', 'reviews', 9080),
              ambientNamespace('other'),
              workload('other', 'client'),
            ),
            request: { from: 'other/client', to: 'reviews.bookinfo:9080' },
            expect: { verdict: 'allowed', status: 200, decidedBy: null },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const [kind, path] of KINDS) {
      // Policies: the digest has the selector, the policy is read again only to report. Sidecar is no policy.
      if (kind !== 'Sidecar') {
        for (const p of policies(ctx.mesh, kind))
          if (p.selector) checkSelector(ctx, p.resource, p.namespace, kind, path, p.selector);
        continue;
      }
      for (const r of ctx.mesh.byKind(kind)) {
        const selector = getObject(r.obj, path);
        if (selector) checkSelector(ctx, r, r.namespace, kind, path, selector);
      }
    }
  },
};
