import { get, getArray, getObject } from '../../model/access.ts';
import type { ServiceInfo } from '../../model/mesh.ts';
import type { ObjectPath, Resource } from '../../model/types.ts';
import type { Rule, RuleContext } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import {
  policies,
  isIstioSecurity,
  selectedTargets,
  USES_PORT,
  SERVICE_KINDS,
  WORKLOAD_KINDS,
} from '../facts/index.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go turns `ports` into
// destination-port matches, and ztunnel src/rbac.rs compares them with the connection's destination port, which
// is the pod's port after the Service VIP is translated; PeerAuthentication portLevelMtls keys are container
// ports too (SEMANTICS §3, §4).
interface PortUse {
  readonly path: ObjectPath;
  readonly port: number;
}

const NO_USES: readonly PortUse[] = Object.freeze([]);

/** Port conditions of the policy, in document order; a shared empty array when there is none (the usual case). */
function portUses(r: Resource): readonly PortUse[] {
  let out: PortUse[] | undefined;
  if (r.kind === 'AuthorizationPolicy') {
    const rules = getArray(r.obj, ['spec', 'rules']);
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      const tos = getArray(rule, ['to']);
      for (let j = 0; j < tos.length; j++) {
        const op = getObject(tos[j], ['operation']);
        if (!op) continue;
        for (const k of PORT_KEYS) {
          const list = op[k];
          if (!Array.isArray(list)) continue;
          for (let n = 0; n < list.length; n++) {
            const port = portNumber(list[n]);
            if (Number.isInteger(port))
              (out ??= []).push({ path: ['spec', 'rules', i, 'to', j, 'operation', k, n], port });
          }
        }
      }
      const whens = getArray(rule, ['when']);
      for (let j = 0; j < whens.length; j++) {
        const w = whens[j];
        if (get(w, ['key']) !== 'destination.port') continue;
        for (const k of VALUE_KEYS) {
          const list = getArray(w, [k]);
          for (let n = 0; n < list.length; n++) {
            const port = portNumber(list[n]);
            if (Number.isInteger(port)) (out ??= []).push({ path: ['spec', 'rules', i, 'when', j, k, n], port });
          }
        }
      }
    }
  } else if (r.kind === 'PeerAuthentication') {
    for (const key of Object.keys(getObject(r.obj, ['spec', 'portLevelMtls']) ?? {})) {
      const port = Number(key);
      if (Number.isInteger(port)) (out ??= []).push({ path: ['spec', 'portLevelMtls', key], port });
    }
  }
  return out ?? NO_USES;
}
const PORT_KEYS = ['ports', 'notPorts'] as const;
/** A port written as a number or a string; anything else is no port (Number() would run an object's own toString). */
const portNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN);
const VALUE_KEYS = ['values', 'notValues'] as const;

function checkPorts(ctx: RuleContext, r: Resource): void {
  const uses = portUses(r);
  if (!uses.length) return;
  const { workloads, services } = selectedTargets(ctx.mesh, r.namespace, getObject(r.obj, ['spec', 'selector']));
  if (!services.length) return;
  const listening = new Set<number>();
  for (const w of workloads) for (const p of w.ports) listening.add(p);
  for (const u of uses) {
    if (listening.has(u.port)) continue;
    const t = translated(services, u.port);
    if (!t) continue;
    ctx.report({
      resource: r,
      path: u.path,
      part: 'value',
      message: `${u.port} is the port of Service ${t.svc.namespace}/${t.svc.name}, which forwards to ${t.target}; policies see the pod port, so this condition never matches traffic sent through the Service.`,
      fix: `Use port ${t.target}.`,
    });
  }
}

/** A Service port whose number is `port` but that forwards to a different (numeric) target port. */
function translated(services: readonly ServiceInfo[], port: number): { svc: ServiceInfo; target: number } | undefined {
  for (const s of services) {
    if (s.kind !== 'Service') continue;
    for (const p of s.ports)
      if (p.port === port && typeof p.targetPort === 'number' && p.targetPort !== port)
        return { svc: s, target: p.targetPort };
  }
  return undefined;
}

export const rule: Rule = {
  meta: {
    id: 'policy-port-is-service-port',
    severity: 'warning',
    inputs: ['AuthorizationPolicy', 'PeerAuthentication', ...WORKLOAD_KINDS, ...SERVICE_KINDS],
    description:
      'An AuthorizationPolicy or PeerAuthentication port is a Service port, but policies match the pod (target) port.',
    docs: {
      summary:
        'Port conditions in policies are compared with the port the pod receives the connection on, after the Service port is translated to its `targetPort`. Writing the Service port (80) for a pod listening on 8080 makes the condition never match: an ALLOW does not allow, a DENY does not deny, a port-level mTLS setting does not apply.',
      details: [
        "ztunnel enforces AuthorizationPolicy `ports` / `notPorts` and `when: destination.port` against the connection's destination port on the pod. PeerAuthentication `portLevelMtls` keys are container ports as well.",
        '',
        "The rule reports a port that equals the `port` of a Service selecting the policy's workloads when that Service forwards to a different numeric `targetPort`, and the port is not itself a port the workloads listen on.",
      ].join('\n'),
      fix: 'Use the target (container) port, e.g. `8080` instead of `80`.',
    },
    examples: {
      valid: [
        {
          title: 'Target port in the policy',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata: {name: web, namespace: shop}',
            'spec:',
            '  selector: {app: web}',
            '  ports: [{port: 80, targetPort: 8080}]',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: web-port, namespace: shop}',
            'spec:',
            '  selector:',
            '    matchLabels: {app: web}',
            '  rules:',
            '  - to:',
            '    - operation:',
            '        ports: ["8080"]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Service port in the policy',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata: {name: web, namespace: shop}',
            'spec:',
            '  selector: {app: web}',
            '  ports: [{port: 80, targetPort: 8080}]',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: web-port, namespace: shop}',
            'spec:',
            '  selector:',
            '    matchLabels: {app: web}',
            '  rules:',
            '  - to:',
            '    - operation:',
            '        ports: ["80"]',
          ),
          line: 17,
          effect: {
            says: "the ALLOW on port 80 never matches the pod port 8080, so the Service's own clients are refused",
            context: documents(
              ambientNamespace('shop'),
              workload('shop', 'web', { targetPort: 8080 }),
              workload('shop', 'client'),
            ),
            request: { from: 'shop/client', to: 'web.shop:80' },
            expect: { verdict: 'denied', deniedAt: 'ztunnel', status: null },
          },
        },
      ],
    },
  },
  check(ctx) {
    // Most AuthorizationPolicies name no port: the digest says which to read.
    for (const p of policies(ctx.mesh, 'AuthorizationPolicy')) {
      if (p.istio && p.uses & USES_PORT) checkPorts(ctx, p.resource);
    }
    for (const r of ctx.mesh.byKind('PeerAuthentication')) {
      if (isIstioSecurity(r)) checkPorts(ctx, r);
    }
  },
};
