// Destinations: which Service (or per-subset Service) a VirtualService destination becomes, and on which port.
import { scalarText } from '../../model/access.ts';
import type { JsonObject, JsonValue, ObjectPath, Resource } from '../../model/types.ts';
import type { MigrationContext, ServiceRef } from '../context.ts';
import { keyOf } from '../context.ts';
import { clone, dnsLabel, isObject } from '../util.ts';
import type { Backend, VsEnv } from './types.ts';

const NON_HTTP = new Set(['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis', 'udp', 'grpc-web-tls']);

/** Service ports a VirtualService's `http` section can apply to (protocol selection by name or appProtocol). */
export function httpPorts(svc: Resource): { port: number; name?: string }[] {
  const ports = (svc.obj.spec as JsonObject | undefined)?.ports;
  const out: { port: number; name?: string }[] = [];
  if (!Array.isArray(ports)) return out;
  for (const p of ports) {
    if (!isObject(p) || typeof p.port !== 'number') continue;
    if (typeof p.protocol === 'string' && p.protocol !== 'TCP') continue;
    const proto = (
      typeof p.appProtocol === 'string' ? p.appProtocol : typeof p.name === 'string' ? p.name.split('-')[0]! : ''
    ).toLowerCase();
    if (NON_HTTP.has(proto)) continue;
    out.push(typeof p.name === 'string' ? { port: p.port, name: p.name } : { port: p.port });
  }
  return out;
}

export function servicePorts(svc: Resource): number[] {
  const ports = (svc.obj.spec as JsonObject | undefined)?.ports;
  return Array.isArray(ports) ? ports.flatMap((p) => (isObject(p) && typeof p.port === 'number' ? [p.port] : [])) : [];
}

/** Which DestinationRule applies to a Service (the oldest one, as Istio merges by creation time). */
export function destinationRuleFor(ctx: MigrationContext, ref: ServiceRef): Resource | undefined {
  for (const r of ctx.kind('DestinationRule')) {
    const host = (r.obj.spec as JsonObject | undefined)?.host;
    if (typeof host !== 'string') continue;
    const h = ctx.resolveHost(host, r.namespace);
    if (h && h.namespace === ref.namespace && h.name === ref.name) return r;
  }
  return undefined;
}

function mergePolicy(top: JsonValue | undefined, sub: JsonValue | undefined): JsonObject | undefined {
  // A subset's traffic policy overrides the top-level one field by field (networking/v1 DestinationRule docs).
  if (!isObject(top) && !isObject(sub)) return undefined;
  return { ...(isObject(top) ? clone(top) : {}), ...(isObject(sub) ? clone(sub) : {}) };
}

/**
 * A route destination as a backend: the Service itself, or the per-subset Service planned for its subset (the
 * plan is pending until the whole VirtualService converts).
 */
export function backendOf(env: VsEnv, dest: JsonObject, dp: ObjectPath): Backend | undefined {
  const { ctx, vs, shared, problems } = env;
  const host = typeof dest.host === 'string' ? dest.host : '';
  const ref = ctx.resolveHost(host, vs.namespace);
  const svc = ref && ctx.service(ref.namespace, ref.name);
  if (!ref || !svc) {
    problems.err(
      'migrate-vs-host-not-found',
      `Destination host "${host}" is not a Kubernetes Service in the input; include its manifest (ServiceEntry backends are not converted).`,
      [...dp, 'host'],
    );
    return undefined;
  }
  const port = isObject(dest.port) && typeof dest.port.number === 'number' ? dest.port.number : undefined;
  if (port !== undefined && !servicePorts(svc).includes(port))
    problems.err('migrate-vs-host-not-found', `Service ${ref.name} has no port ${port}.`, [...dp, 'port']);
  if (typeof dest.subset !== 'string') return port === undefined ? { ref } : { ref, port };
  const subset = dest.subset;
  const dr = destinationRuleFor(ctx, ref);
  const subs = dr && isObject(dr.obj.spec) && Array.isArray(dr.obj.spec.subsets) ? dr.obj.spec.subsets : [];
  const idx = subs.findIndex((s) => isObject(s) && s.name === subset);
  if (!dr || idx < 0) {
    problems.err(
      'migrate-unknown-subset',
      `Subset "${subset}" of ${ref.name} is not defined by any DestinationRule in the input (in sidecar mode such a route fails with 503).`,
      [...dp, 'subset'],
    );
    return undefined;
  }
  const s = subs[idx] as JsonObject;
  const key = keyOf(ref.namespace, `${ref.name}/${subset}`);
  let plan = shared.subsets.get(key) ?? shared.pending.get(key);
  if (!plan) {
    const labels: Record<string, string> = {};
    if (isObject(s.labels)) for (const [k, x] of Object.entries(s.labels)) labels[k] = scalarText(x);
    const policy = mergePolicy(isObject(dr.obj.spec) ? dr.obj.spec.trafficPolicy : undefined, s.trafficPolicy);
    plan = {
      service: ref,
      subset,
      name: dnsLabel(`${ref.name}-${subset}`),
      labels,
      dr,
      drPath: ['spec', 'subsets', idx],
      ...(policy ? { trafficPolicy: policy } : {}),
    };
    shared.pending.set(key, plan);
  }
  const bref = { namespace: ref.namespace, name: plan.name };
  return port === undefined ? { ref: bref } : { ref: bref, port };
}

/** A backend port for a request that arrived on `port`: the same port if the backend has it, else its only one. */
export function resolvePort(ctx: MigrationContext, ref: ServiceRef, port: number): number | undefined {
  const svc = ctx.service(ref.namespace, ref.name);
  if (!svc) return port; // a generated per-subset Service copies the parent's ports
  const ports = servicePorts(svc);
  if (ports.includes(port)) return port;
  return ports.length === 1 ? ports[0] : undefined;
}
