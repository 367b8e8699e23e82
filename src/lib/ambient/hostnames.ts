/**
 * Hostname matching with wildcards: when two configured hostnames overlap (a route and its listener, a
 * VirtualService and a service, a TLSRoute and the service host), and when a request's Host header selects a
 * virtual host.
 *
 * Case: istiod compares configured hostnames as written (pkg/config/host/name.go is a plain byte comparison, and
 * neither the Gateway API conversion nor getVirtualServiceForWaypoint lowercases them). Gateway API hostnames are
 * lowercase by schema (the `Hostname` pattern in the CRDs), Kubernetes Service names are lowercase, so a case
 * difference only arises with Istio CRDs, whose validation accepts upper case (pkg/config/labels/instance.go
 * dns1123LabelFmt). Where istiod does lowercase, for sidecar VirtualService hosts
 * (pilot/pkg/networking/core/route/route.go separateVSHostsAndServices) and Envoy virtual host domains
 * (httproute.go), the caller lowercases: that is a fact of that path, not of matching.
 */

/**
 * Whether two hostnames overlap: equal, or one or both start with `*` and the rest of the shorter wildcard is a
 * suffix of the other (istio/istio release-1.31 pkg/config/host/name.go Name.Matches). `*` overlaps everything;
 * `*.example.com` overlaps `foo.example.com` and `*.foo.example.com` but not `example.com`. Gateway API's
 * listener/route hostname intersection is this relation (sigs.k8s.io/gateway-api apis/v1 HTTPRouteSpec.Hostnames;
 * istiod checks it with Matches in pilot/pkg/config/kube/gateway/conversion.go).
 */
export function hostsOverlap(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw && bw) return a.length < b.length ? b.endsWith(a.slice(1)) : a.endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * Whether every name `host` stands for is also covered by `of` (release-1.31 pkg/config/host/name.go
 * Name.SubsetOf): `foo.example.com` ⊂ `*.example.com` ⊂ `*.com` ⊂ `*`, never a wildcard inside a plain name.
 */
export function hostSubsetOf(host: string, of: string): boolean {
  const hw = host.startsWith('*');
  const ow = of.startsWith('*');
  if (hw) return ow && host.length >= of.length && host.endsWith(of.slice(1));
  if (ow) return host.endsWith(of.slice(1));
  return host === of;
}

/**
 * Whether a request's Host header (port already removed) selects an Envoy virtual host domain: `*` any host; a
 * leading `*` a suffix with at least one character in front of it; otherwise equal. Envoy matches the Host
 * header case-insensitively (envoy api/envoy/config/route/v3/route_components.proto VirtualHost.domains, "the
 * wildcard will not match the empty string"), and istiod lowercases the domains it writes.
 */
export function domainMatches(domain: string, host: string): boolean {
  const d = domain.toLowerCase();
  const h = host.toLowerCase();
  if (d === '*') return true;
  if (d.startsWith('*')) return h.length >= d.length && h.endsWith(d.slice(1));
  return d === h;
}

/** The Kubernetes cluster DNS domain istiod assumes for Service hostnames (`<name>.<namespace>.svc.<domain>`). */
export const CLUSTER_DOMAIN = 'cluster.local';

/**
 * A host named in an Istio resource (VirtualService hosts and destinations, DestinationRule host) as istiod reads
 * it: a name without a dot is a Service in the resource's own namespace, anything else (`reviews.bookinfo`
 * included, and `*`) is taken as written (release-1.31 pilot/pkg/model/config.go ResolveShortnameToFQDN). This is
 * not the client's DNS search path, which also completes `name.namespace`.
 */
export function resolveShortname(host: string, namespace: string): string {
  // An IPv6 address has no dot either; istiod leaves IP addresses alone.
  if (host === '' || host === '*' || host.includes('.') || host.includes(':')) return host;
  return `${host}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}
