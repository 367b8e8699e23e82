/**
 * The conversion error istiod reports in a route's ResolvedRefs condition (G/ = pilot/pkg/config/kube/gateway/).
 * One conversion for the mesh parents and one for the Gateway parents, which differ only in the ReferenceGrant check.
 */
import { referenceGrantAllows, referenceGrantEnforced } from '../ambient/index.ts';
import { getArray, getObject, getString } from '../model/access.ts';
import type { JsonValue, Resource } from '../model/types.ts';
import type { Mesh } from '../model/mesh.ts';

/** HTTPRoute filter types istiod converts (G/conversion.go convertHTTPRoute); any other is InvalidFilter. */
const HTTP_FILTERS: ReadonlySet<string> = new Set([
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestRedirect',
  'RequestMirror',
  'URLRewrite',
  'CORS',
]);

export interface RouteError {
  readonly reason: string;
  readonly message: string;
  /** A hard error stops the conversion of the whole route (G/route_collections.go computeRoute). */
  readonly hard: boolean;
}

/**
 * The error one backendRef gives (G/conversion.go buildDestination). `parent` says which conversion: a
 * Gateway-parent route checks ReferenceGrants for a cross-namespace backend first (a soft RefNotPermitted),
 * a mesh route does not (route_collections.go `enforceRefGrant = !mesh`, ambient/routes.ts).
 */
function backendError(mesh: Mesh, route: Resource, ref: JsonValue, parent: 'mesh' | 'gateway'): RouteError | undefined {
  const group = getString(ref, ['group']) ?? '';
  const kind = getString(ref, ['kind']) ?? 'Service';
  const nameOf = getString(ref, ['name']) ?? '';
  const ns = getString(ref, ['namespace']) ?? route.namespace;
  if (referenceGrantEnforced(parent) && ns !== route.namespace) {
    // Upstream's grant index only holds Service and InferencePool targets (gatewaycommon/references.go), so a
    // cross-namespace backend of any other kind is refused here before its kind is even checked.
    const grantable = (group === '' || group === 'core') && kind === 'Service';
    const allowed =
      grantable &&
      referenceGrantAllows(
        mesh.inNamespace('ReferenceGrant', ns),
        { group: 'gateway.networking.k8s.io', kind: route.kind, namespace: route.namespace },
        { group: '', kind: 'Service', name: nameOf },
      );
    if (!allowed)
      return {
        reason: 'RefNotPermitted',
        message: `backendRef ${nameOf}/${ns} not accessible to a ${route.kind} in namespace "${route.namespace}" (missing a ReferenceGrant?)`,
        hard: false,
      };
  }
  let soft: RouteError | undefined;
  if ((group === '' || group === 'core') && kind === 'Service') {
    if (nameOf.includes('.'))
      return {
        reason: 'InvalidDestination',
        message: 'service name invalid; the name of the Service must be used, not the hostname.',
        hard: true,
      };
    const s = mesh.service(ns, nameOf);
    if (!s || s.kind !== 'Service')
      soft = {
        reason: 'BackendNotFound',
        message: `backend(${nameOf}.${ns}.svc.cluster.local) not found`,
        hard: false,
      };
  } else if (group === 'networking.istio.io' && kind === 'Hostname') {
    if (getString(ref, ['namespace']) !== undefined)
      return { reason: 'InvalidDestination', message: 'namespace may not be set with Hostname type', hard: true };
    if (!mesh.servicesForHost(nameOf, route.namespace).length)
      soft = { reason: 'BackendNotFound', message: `backend(${nameOf}) not found`, hard: false };
  } else
    return {
      reason: 'InvalidKind',
      message: `referencing unsupported backendRef: group "${group}" kind "${kind}"`,
      hard: true,
    };
  if (typeof getObject(ref, [])?.port !== 'number')
    return { reason: 'InvalidDestination', message: 'port is required in backendRef', hard: true };
  return soft;
}

/** The route's conversion error (last soft error of the rules, or the first hard one), or undefined. */
export function routeError(mesh: Mesh, r: Resource, parent: 'mesh' | 'gateway'): RouteError | undefined {
  let last: RouteError | undefined;
  for (const rule of getArray(r.obj, ['spec', 'rules'])) {
    if (r.kind === 'HTTPRoute')
      for (const f of getArray(rule, ['filters'])) {
        const type = getString(f, ['type']) ?? '';
        if (!HTTP_FILTERS.has(type))
          return { reason: 'InvalidFilter', message: `unsupported filter type "${type}"`, hard: true };
      }
    const refs = getArray(rule, ['backendRefs']);
    const weighted = refs.filter((b) => {
      const w = getObject(b, [])?.weight;
      return typeof w === 'number' ? w !== 0 : true;
    });
    // HTTP/gRPC rules with no weighted backend become a direct 500 response: no backend is looked up.
    if (!weighted.length && (r.kind === 'HTTPRoute' || r.kind === 'GRPCRoute')) continue;
    for (const b of weighted) {
      const e = backendError(mesh, r, b, parent);
      if (e?.hard) return e;
      if (e) last = e;
    }
  }
  return last;
}
