/**
 * The requests the matrix sends to one destination: a plain `GET /`, one request per distinct L7 condition the
 * config mentions for that destination (AuthorizationPolicy methods, paths, hosts, headers and request principals;
 * RequestAuthentication issuers; HTTPRoute / GRPCRoute / VirtualService matches), and a plain TCP connection.
 * A condition is turned into a request that satisfies it (a `/api/*` path becomes `/api/x`); which resources apply
 * to the destination is decided by the simulator, not here: a request derived from a policy that does not apply
 * simply shows the same verdict as `GET /`.
 */
import { getArray, getObject, getString, selectorMatches } from '../model/access.ts';
import type { JsonObject, JsonValue, Resource } from '../model/types.ts';
import type { Mesh, ServiceInfo, ServicePort } from '../model/mesh.ts';
import { L7_OPERATION_FIELDS, policySelector, resolveShortname, targetRefs } from '../ambient/index.ts';
import { endpointsOf } from '../simulator/index.ts';
import type { SimRequest } from '../simulator/index.ts';
import { sampleRegex } from './regex-sample.ts';

/**
 * A claim a `request.auth.claims[a][b]…` condition asks for: the path of names (one for a top-level claim) and the
 * string value at its end.
 */
export type MatrixClaim = readonly [path: readonly string[], value: string];

/** A JWT the matrix sends: who it claims to be. The token is built from these (unsigned: see `tokenOf`). */
export interface MatrixJwt {
  readonly issuer: string;
  readonly subject: string;
  readonly audience?: string;
  /** Extra claims a `request.auth.claims[…]` condition asks for. */
  readonly claims: readonly MatrixClaim[];
}

export interface MatrixRequest {
  /** Stable identity of the request inside its destination (compared across the two sides of a diff). */
  readonly key: string;
  readonly tcp: boolean;
  readonly method: string;
  /** May include `?query`. */
  readonly path: string;
  /** Lower-cased names, sorted; a list of pairs, never an object keyed by user data. */
  readonly headers: readonly (readonly [string, string])[];
  readonly jwt: MatrixJwt | null;
}

/** What the contract prints for a request (DESIGN §4.5c): `null` for the TCP connection. */
export interface RequestJson {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly jwt: string | null;
}

export const TCP_REQUEST: MatrixRequest = Object.freeze({
  key: 'tcp',
  tcp: true,
  method: '',
  path: '',
  headers: [],
  jwt: null,
});

/** One HTTP request in the making (first value of every other attribute stays at its default). */
interface Draft {
  method?: string;
  path?: string;
  headers?: [string, string][];
  jwt?: { principal?: string; issuer?: string; claims?: MatrixClaim[] };
}

const FILLER = 'x';

/**
 * A concrete path that an AuthorizationPolicy path pattern matches: exact, `prefix*`, `*suffix`, and the
 * `{*}` / `{**}` templates (istio/istio pilot/pkg/security/authz/matcher/path_template.go); `*` alone says nothing.
 */
function samplePolicyPath(pattern: string): string | undefined {
  if (pattern === '*' || pattern === '') return undefined;
  let p = pattern.replace(/\{\*\*?\}/g, FILLER);
  if (p.endsWith('*')) p = p.slice(0, -1) + FILLER;
  else if (p.startsWith('*')) p = `/${FILLER}` + p.slice(1);
  return p.startsWith('/') ? p : `/${p}`;
}

/** A concrete value an Istio string pattern (`x*`, `*x`, `*`) matches. */
function sampleValue(pattern: string): string {
  if (pattern === '*') return FILLER;
  if (pattern.length > 1 && pattern.endsWith('*')) return pattern.slice(0, -1) + FILLER;
  if (pattern.length > 1 && pattern.startsWith('*')) return FILLER + pattern.slice(1);
  return pattern;
}

const strings = (v: JsonValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** `request.headers[name]` → name. */
function bracketKey(key: string, prefix: string): string | undefined {
  if (!key.startsWith(prefix) || !key.endsWith(']')) return undefined;
  const inner = key.slice(prefix.length, -1);
  return inner && !inner.includes('[') && !inner.includes(']') ? inner : undefined;
}

/** Deepest nested claim synthesised; the simulator follows up to 64, a deeper condition simply gets no request. */
const MAX_CLAIM_DEPTH = 8;
const CLAIMS_PREFIX = 'request.auth.claims';

/**
 * `request.auth.claims[a][b]…` → `['a', 'b', …]`, read as the simulator reads it (simulator/authz.ts whenValues:
 * one or more `[…]`, each a non-empty run without `]`, nothing after the last); undefined for anything else.
 */
function claimPath(key: string): string[] | undefined {
  if (!key.startsWith(CLAIMS_PREFIX)) return undefined;
  const path: string[] = [];
  let i = CLAIMS_PREFIX.length;
  while (i < key.length) {
    if (key[i] !== '[' || path.length >= MAX_CLAIM_DEPTH) return undefined;
    const end = key.indexOf(']', i + 1);
    if (end <= i + 1) return undefined;
    path.push(key.slice(i + 1, end));
    i = end + 1;
  }
  return path.length ? path : undefined;
}

/** One draft per distinct condition of an AuthorizationPolicy rule, plus the rule's own combination. */
function authzDrafts(policy: Resource, out: Draft[]): void {
  for (const rule of getArray(policy.obj, ['spec', 'rules'])) {
    // Entries of `to` are alternatives; inside one operation the fields must all match: a request that
    // satisfies one whole operation (its first method, path and host) is a condition of its own.
    let firstOp: Draft | undefined;
    for (const to of getArray(rule, ['to'])) {
      const op = getObject(to, ['operation']) ?? {};
      const whole: Draft = {};
      for (const field of L7_OPERATION_FIELDS) {
        for (const v of strings(op[field])) {
          if (field === 'methods' || field === 'notMethods') {
            const method = v === '*' ? undefined : v.toUpperCase();
            if (method) out.push({ method });
            if (method && field === 'methods') whole.method ??= method;
          } else if (field === 'paths' || field === 'notPaths') {
            const path = samplePolicyPath(v);
            if (path) out.push({ path });
            if (path && field === 'paths') whole.path ??= path;
          } else {
            const host = sampleValue(v);
            out.push({ headers: [['host', host]] });
            if (field === 'hosts' && !whole.headers) whole.headers = [['host', host]];
          }
        }
      }
      if (Object.keys(whole).length > 1) out.push(whole);
      firstOp ??= whole;
    }
    // `from`, `to` and each `when` are ANDed: the rule's first operation with its first principal and headers.
    const combined: Draft = { ...firstOp, ...(firstOp?.headers ? { headers: [...firstOp.headers] } : {}) };
    let extra = 0;
    for (const from of getArray(rule, ['from'])) {
      const src = getObject(from, ['source']) ?? {};
      for (const field of ['requestPrincipals', 'notRequestPrincipals'] as const)
        for (const v of strings(src[field])) {
          out.push({ jwt: { principal: sampleValue(v) } });
          if (field === 'requestPrincipals' && !combined.jwt) {
            combined.jwt = { principal: sampleValue(v) };
            extra++;
          }
        }
    }
    for (const when of getArray(rule, ['when'])) {
      const key = getString(when, ['key']) ?? '';
      const values = [...strings(get(when, 'values')), ...strings(get(when, 'notValues'))];
      const header = bracketKey(key, 'request.headers[');
      const claim = claimPath(key);
      for (const v of values) {
        const value = sampleValue(v);
        if (header) out.push({ headers: [[header.toLowerCase(), value]] });
        else if (claim) out.push({ jwt: { claims: [[claim, value]] } });
        else if (key === 'request.auth.principal') out.push({ jwt: { principal: value } });
      }
      const first = strings(get(when, 'values'))[0];
      if (first !== undefined && header) {
        (combined.headers ??= []).push([header.toLowerCase(), sampleValue(first)]);
        extra++;
      }
    }
    if (extra > 0 && Object.keys(combined).length > 1) out.push(combined);
  }
}

function get(o: JsonValue | undefined, key: string): JsonValue | undefined {
  const obj = getObject(o, []);
  return obj && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Characters a sampled header or query value may not carry: controls would not survive as an HTTP field. */
function hasControl(text: string): boolean {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * A value for a Gateway API `Exact` / `RegularExpression` match: the value itself, or a sample the regex fully
 * matches (regex-sample.ts). A regex outside the sampler's subset gives none, and the match no request of its own.
 */
function matchValue(type: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (type === 'Exact') return value;
  if (type !== 'RegularExpression') return undefined;
  const sample = sampleRegex(value);
  return sample !== undefined && !hasControl(sample) ? sample : undefined;
}

/**
 * A path a route path regex fully matches, kept only when the simulator will compare it whole: it starts with `/`
 * and has no `?` or `#` (those would become a query or fragment, and the regex would see a different path).
 */
function regexPath(pattern: string): string | undefined {
  const sample = sampleRegex(pattern);
  return sample !== undefined && sample.startsWith('/') && !/[?#\s]/.test(sample) && !hasControl(sample)
    ? sample
    : undefined;
}

/** Header matches of a route match: Exact values, and a sample of a RegularExpression when the sampler has one. */
function headerMatches(match: JsonObject | undefined): [string, string][] {
  const out: [string, string][] = [];
  for (const h of getArray(match, ['headers'])) {
    const name = getString(h, ['name']);
    const value = matchValue(getString(h, ['type']) ?? 'Exact', getString(h, ['value']));
    if (name && value !== undefined) out.push([name.toLowerCase(), value]);
  }
  return out;
}

/** One draft per match of an HTTPRoute or GRPCRoute (converted as istiod does: gRPC method ⇒ `POST /svc/method`). */
function routeDrafts(route: Resource, out: Draft[]): void {
  const grpc = route.kind === 'GRPCRoute';
  for (const rule of getArray(route.obj, ['spec', 'rules'])) {
    for (const m of getArray(rule, ['matches'])) {
      const match = getObject(m, []);
      const d: Draft = {};
      if (grpc) {
        const svc = getString(match, ['method', 'service']);
        const method = getString(match, ['method', 'method']);
        const type = getString(match, ['method', 'type']) ?? 'Exact';
        d.method = 'POST';
        if (type === 'Exact' && (svc || method)) d.path = `/${svc ?? FILLER}/${method ?? FILLER}`;
        d.headers = [['content-type', 'application/grpc']];
      } else {
        const type = getString(match, ['path', 'type']) ?? 'PathPrefix';
        const value = getString(match, ['path', 'value']);
        if (value !== undefined && (type === 'Exact' || type === 'PathPrefix')) d.path = value;
        else if (value !== undefined && type === 'RegularExpression') {
          const path = regexPath(value);
          if (path !== undefined) d.path = path;
        }
        const method = getString(match, ['method']);
        if (method) d.method = method.toUpperCase();
        const query: string[] = [];
        for (const q of getArray(match, ['queryParams'])) {
          const name = getString(q, ['name']);
          const v = matchValue(getString(q, ['type']) ?? 'Exact', getString(q, ['value']));
          if (name && v !== undefined) query.push(`${encodeURIComponent(name)}=${encodeURIComponent(v)}`);
        }
        if (query.length) d.path = `${d.path ?? '/'}?${query.join('&')}`;
      }
      const headers = headerMatches(match);
      if (headers.length) d.headers = [...(d.headers ?? []), ...headers];
      out.push(d);
    }
  }
}

/**
 * One draft per `http[].match[]` of a VirtualService: exact and prefix URIs, exact methods and headers, and a
 * sample of a `regex` URI or header when the sampler has one (VirtualService regexes are full matches too).
 */
function virtualServiceDrafts(vs: Resource, out: Draft[]): void {
  for (const http of getArray(vs.obj, ['spec', 'http'])) {
    for (const m of getArray(http, ['match'])) {
      const d: Draft = {};
      const uriRegex = getString(m, ['uri', 'regex']);
      const uri =
        getString(m, ['uri', 'exact']) ??
        getString(m, ['uri', 'prefix']) ??
        (uriRegex !== undefined ? regexPath(uriRegex) : undefined);
      if (uri !== undefined) d.path = uri;
      const method = getString(m, ['method', 'exact']);
      if (method) d.method = method.toUpperCase();
      const headers = getObject(m, ['headers']);
      if (headers)
        for (const name of Object.keys(headers)) {
          const regex = getString(headers, [name, 'regex']);
          const v =
            getString(headers, [name, 'exact']) ??
            (regex !== undefined ? matchValue('RegularExpression', regex) : undefined);
          if (v !== undefined) (d.headers ??= []).push([name.toLowerCase(), v]);
        }
      out.push(d);
    }
  }
}

/** The issuers (and first audience) the destination's RequestAuthentications accept, in order. */
function issuersOf(ras: readonly Resource[]): { issuer: string; audience?: string }[] {
  const out: { issuer: string; audience?: string }[] = [];
  for (const r of ras)
    for (const rule of getArray(r.obj, ['spec', 'jwtRules'])) {
      const issuer = getString(rule, ['issuer']);
      if (!issuer) continue;
      const audience = strings(get(getObject(rule, []), 'audiences'))[0];
      out.push({ issuer, ...(audience !== undefined ? { audience } : {}) });
    }
  return out;
}

/**
 * The resources that can give the destination's requests, found by a cheap, generous test (the simulator decides
 * what applies): policies with targetRefs to the Service/ServiceEntry, to the waypoint it asks for or to a
 * GatewayClass; selector policies whose selector picks one of its endpoints (a sidecar destination enforces their
 * L7 fields); routes whose parentRefs name it; VirtualServices whose hosts name it.
 */
export interface RequestSources {
  readonly policies: readonly Resource[];
  readonly requestAuthentications: readonly Resource[];
  readonly routes: readonly Resource[];
  readonly virtualServices: readonly Resource[];
}

/** Per-mesh index of the resources that give requests, by the Service (or waypoint, class) they name. */
export class RequestIndex {
  private readonly byService = new Map<string, Resource[]>();
  private readonly byGateway = new Map<string, Resource[]>();
  private readonly classWide: Resource[] = [];
  private readonly selectorByNs = new Map<string, Resource[]>();
  private readonly routesByParent = new Map<string, Resource[]>();
  private readonly vsByHost = new Map<string, Resource[]>();

  private readonly mesh: Mesh;

  constructor(mesh: Mesh) {
    this.mesh = mesh;
    for (const kind of ['AuthorizationPolicy', 'RequestAuthentication'])
      for (const r of mesh.byKind(kind)) {
        const refs = targetRefs(r);
        if (!refs.length) {
          if (kind === 'AuthorizationPolicy' && policySelector(r)) push(this.selectorByNs, r.namespace, r);
          continue;
        }
        for (const t of refs) {
          if (t.kind === 'GatewayClass') this.classWide.push(r);
          else if (t.kind === 'Gateway') push(this.byGateway, `${r.namespace}/${t.name ?? ''}`, r);
          else push(this.byService, `${r.namespace}/${t.name ?? ''}`, r);
        }
      }
    for (const kind of ['HTTPRoute', 'GRPCRoute'])
      for (const r of mesh.byKind(kind))
        for (const ref of getArray(r.obj, ['spec', 'parentRefs'])) {
          const k = getString(ref, ['kind']) ?? 'Gateway';
          if (k !== 'Service' && k !== 'ServiceEntry') continue;
          push(
            this.routesByParent,
            `${getString(ref, ['namespace']) ?? r.namespace}/${getString(ref, ['name']) ?? ''}`,
            r,
          );
        }
    for (const r of mesh.byKind('VirtualService'))
      for (const h of strings(get(getObject(r.obj, ['spec']), 'hosts'))) {
        const host = resolveShortname(h, r.namespace).toLowerCase();
        push(this.vsByHost, host, r);
      }
  }

  sources(svc: ServiceInfo): RequestSources {
    const key = `${svc.namespace}/${svc.name}`;
    const binding = this.mesh.resolveWaypoint({
      kind: svc.kind,
      resource: svc.resource,
      namespace: svc.namespace,
      labels: svc.labels,
    });
    const wp = binding.requested ? `${binding.requested.namespace}/${binding.requested.name}` : undefined;
    const targeted = [
      ...(this.byService.get(key) ?? []),
      ...(wp ? (this.byGateway.get(wp) ?? []) : []),
      ...(binding.requested ? this.classWide : []),
    ];
    const selectorPolicies: Resource[] = [];
    const candidates = this.selectorByNs.get(svc.namespace);
    if (candidates) {
      const eps = endpointsOf(this.mesh, svc);
      for (const p of candidates) {
        const sel = policySelector(p);
        if (sel && eps.some((w) => selectorMatches(sel, w.labels))) selectorPolicies.push(p);
      }
    }
    const unique = (list: Resource[]) => [...new Set(list)];
    return {
      policies: unique([...targeted.filter((r) => r.kind === 'AuthorizationPolicy'), ...selectorPolicies]),
      requestAuthentications: unique(targeted.filter((r) => r.kind === 'RequestAuthentication')),
      routes: this.routesByParent.get(key) ?? [],
      virtualServices: unique(svc.hosts.flatMap((h) => this.vsByHost.get(h.toLowerCase()) ?? [])),
    };
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function requestKey(
  method: string,
  path: string,
  headers: readonly (readonly [string, string])[],
  jwt: MatrixJwt | null,
) {
  const h = headers.map(([n, v]) => `${n}:${v}`).join('\u0001');
  const j = jwt
    ? `${jwt.issuer}\u0001${jwt.subject}\u0001${jwt.claims.map(([n, v]) => `${n.join('][')}=${v}`).join(',')}`
    : '';
  return `${method} ${path}\u0002${h}\u0002${j}`;
}

/**
 * The destination's requests: `GET /`, then one per distinct condition (in the order the resources appear), at
 * most `max` HTTP requests, then TCP. `truncated` says when conditions were left out.
 */
export function requestsFor(sources: RequestSources, max: number): { requests: MatrixRequest[]; truncated: boolean } {
  const drafts: Draft[] = [{}];
  for (const p of sources.policies) authzDrafts(p, drafts);
  for (const r of sources.routes) routeDrafts(r, drafts);
  for (const v of sources.virtualServices) virtualServiceDrafts(v, drafts);
  const issuers = issuersOf(sources.requestAuthentications);
  for (const i of issuers) drafts.push({ jwt: { issuer: i.issuer } });
  const seen = new Set<string>();
  const requests: MatrixRequest[] = [];
  let truncated = false;
  for (const d of drafts) {
    const method = d.method ?? 'GET';
    const path = d.path ?? '/';
    const headerMap = new Map<string, string>();
    for (const [n, v] of d.headers ?? []) if (!headerMap.has(n)) headerMap.set(n, v);
    const headers = [...headerMap].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const jwt = d.jwt ? jwtFor(d.jwt, issuers) : null;
    const key = requestKey(method, path, headers, jwt);
    if (seen.has(key)) continue;
    seen.add(key);
    if (requests.length >= max) {
      truncated = true;
      continue;
    }
    requests.push({ key, tcp: false, method, path, headers, jwt });
  }
  requests.push(TCP_REQUEST);
  return { requests, truncated };
}

/**
 * The token's issuer and subject for a request principal `<iss>/<sub>`: the issuer is the longest accepted one the
 * principal starts with (issuers are URLs, so they contain `/` themselves), else everything before the last `/`.
 */
function jwtFor(d: NonNullable<Draft['jwt']>, issuers: readonly { issuer: string; audience?: string }[]): MatrixJwt {
  let issuer = d.issuer;
  let subject = 'user';
  if (d.principal !== undefined) {
    const known = issuers
      .filter((i) => d.principal!.startsWith(`${i.issuer}/`))
      .sort((a, b) => b.issuer.length - a.issuer.length)[0];
    if (known) {
      issuer = known.issuer;
      subject = d.principal.slice(known.issuer.length + 1) || 'user';
    } else {
      const slash = d.principal.lastIndexOf('/');
      issuer = slash > 0 ? d.principal.slice(0, slash) : d.principal;
      subject = slash > 0 ? d.principal.slice(slash + 1) || 'user' : 'user';
    }
  }
  issuer ??= issuers[0]?.issuer ?? 'https://issuer.example';
  const audience = issuers.find((i) => i.issuer === issuer)?.audience;
  return { issuer, subject, ...(audience !== undefined ? { audience } : {}), claims: d.claims ?? [] };
}

interface ClaimObject {
  [name: string]: string | number | ClaimObject;
}

/**
 * Sets `payload[a][b]… = value`, making the objects on the way (the nesting the simulator walks for
 * `request.auth.claims[a][b]`); a later claim replaces an earlier one it conflicts with, as a top-level one did.
 */
function setClaim(payload: ClaimObject, path: readonly string[], value: string): void {
  let cur = payload;
  for (const seg of path.slice(0, -1)) {
    const next = cur[seg];
    if (next !== undefined && typeof next === 'object') cur = next;
    else {
      const made = Object.create(null) as ClaimObject;
      cur[seg] = made;
      cur = made;
    }
  }
  const last = path[path.length - 1];
  if (last !== undefined) cur[last] = value;
}

function b64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A compact JWS carrying the claims, valid for an hour after `nowSeconds`. It is not signed by any key the mesh
 * knows: a RequestAuthentication with `jwksUri` only trusts it (the simulator says so), one with an inline `jwks`
 * rejects it with 401, as a real waypoint would reject a forged token.
 */
export function tokenOf(jwt: MatrixJwt, nowSeconds: number): string {
  // Null-prototype objects: claim names come from manifests and must stay plain names.
  const payload = Object.create(null) as ClaimObject;
  for (const [path, v] of jwt.claims) setClaim(payload, path, v);
  payload.iss = jwt.issuer;
  payload.sub = jwt.subject;
  if (jwt.audience !== undefined) payload.aud = jwt.audience;
  payload.exp = nowSeconds + 3600;
  return `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.AA`;
}

/** The simulator's request for one cell. */
export function simRequestOf(req: MatrixRequest, from: string, to: string, nowSeconds: number): SimRequest {
  if (req.tcp) return { from, to, tcp: true };
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [n, v] of req.headers) headers[n] = v;
  return {
    from,
    to,
    method: req.method,
    path: req.path,
    headers,
    ...(req.jwt ? { jwt: tokenOf(req.jwt, nowSeconds) } : {}),
  };
}

export function requestJson(req: MatrixRequest): RequestJson | null {
  if (req.tcp) return null;
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [n, v] of req.headers) headers[n] = v;
  return { method: req.method, path: req.path, headers, jwt: req.jwt ? `${req.jwt.issuer}/${req.jwt.subject}` : null };
}

/** `GET /api/x [x-user: a] jwt=iss/sub` or `tcp`. */
export function requestLabel(req: MatrixRequest): string {
  if (req.tcp) return 'tcp';
  const parts = [`${req.method} ${req.path}`];
  for (const [n, v] of req.headers) parts.push(`${n}: ${v}`);
  if (req.jwt) parts.push(`jwt ${req.jwt.issuer}/${req.jwt.subject}`);
  return parts.join(' · ');
}

export type { ServicePort };
