/**
 * `curl` inside a client pod of the virtual cluster, answered by the simulator (src/lib/simulator). What the
 * client sees follows DESIGN §4.3: a body and status for allowed requests, `RBAC: access denied` (403) from a
 * waypoint, 401 for an invalid JWT, and for a connection reset by ztunnel the error curl itself prints,
 * `curl: (56) Recv failure: Connection reset by peer`, with exit code 56.
 */
import { endpointsOf, podNameOf, targetPortOf } from '../simulator/mesh.ts';
import { simulateIn } from '../simulator/simulate.ts';
import { formatText, hopTitle } from '../simulator/format.ts';
import type { Hop, SimResult } from '../simulator/types.ts';
import type { ProgrammedAt } from '../catalog/types.ts';
import { SimulationInputError } from '../simulator/types.ts';
import type { Mesh, ServiceInfo, Workload } from '../model/mesh.ts';
import type { Resource } from '../model/types.ts';
import { meshOf } from './cluster.ts';
import type { Io, Session } from './session.ts';
import { gatewayPeer, ingressAnswer, ingressGatewayFor } from './ingress.ts';
import { recordTraffic } from './traffic.ts';
import type { OutputMark } from './marks.ts';

interface CurlOpts {
  silent: boolean;
  showError: boolean;
  include: boolean;
  head: boolean;
  verbose: boolean;
  fail: boolean;
  output?: string;
  writeOut?: string;
  method?: string;
  headers: [string, string][];
  data?: string;
  url?: string;
}

const VALUE_SHORT = new Set(['o', 'w', 'X', 'H', 'd', 'm', 'u', 'A', 'e', 'b', 'c', 'T']);
const VALUE_LONG = new Set([
  'output',
  'write-out',
  'request',
  'header',
  'data',
  'data-raw',
  'data-binary',
  'max-time',
  'connect-timeout',
  'user',
  'user-agent',
  'referer',
  'cookie',
  'retry',
  'resolve',
  'json',
]);

class CurlUsage extends Error {}

function parseCurl(args: readonly string[]): CurlOpts {
  const o: CurlOpts = {
    silent: false,
    showError: false,
    include: false,
    head: false,
    verbose: false,
    fail: false,
    headers: [],
  };
  const setValue = (name: string, v: string) => {
    switch (name) {
      case 'o':
      case 'output':
        o.output = v;
        break;
      case 'w':
      case 'write-out':
        o.writeOut = v;
        break;
      case 'X':
      case 'request':
        o.method = v.toUpperCase();
        break;
      case 'H':
      case 'header': {
        const i = v.indexOf(':');
        if (i <= 0) throw new CurlUsage(`curl: option -H: header "${v}" needs the form "Name: value"`);
        o.headers.push([v.slice(0, i).trim(), v.slice(i + 1).trim()]);
        break;
      }
      case 'd':
      case 'data':
      case 'data-raw':
      case 'data-binary':
      case 'json':
        o.data = v;
        break;
      default:
        break; // accepted and ignored: timeouts, user agent…
    }
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (VALUE_LONG.has(name)) {
        const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined) throw new CurlUsage(`curl: option --${name}: requires parameter`);
        setValue(name, v);
      } else if (name === 'silent') o.silent = true;
      else if (name === 'show-error') o.showError = true;
      else if (name === 'include') o.include = true;
      else if (name === 'head') o.head = true;
      else if (name === 'verbose') o.verbose = true;
      else if (name === 'fail') o.fail = true;
      else if (!['location', 'insecure', 'http1.1', 'http2', 'no-progress-meter', 'compressed'].includes(name))
        throw new CurlUsage(`curl: option --${name}: is unknown\ncurl: try 'curl --help' for more information`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (VALUE_SHORT.has(c)) {
          const v = a.slice(j + 1) || args[++i];
          if (v === undefined) throw new CurlUsage(`curl: option -${c}: requires parameter`);
          setValue(c, v);
          break;
        }
        if (c === 's') o.silent = true;
        else if (c === 'S') o.showError = true;
        else if (c === 'i') o.include = true;
        else if (c === 'I') o.head = true;
        else if (c === 'v') o.verbose = true;
        else if (c === 'f') o.fail = true;
        else if (!'kLN'.includes(c))
          throw new CurlUsage(`curl: option -${c}: is unknown\ncurl: try 'curl --help' for more information`);
      }
      continue;
    }
    o.url = a;
  }
  return o;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A small, plausible body for the bookinfo apps (so `grep` in the labs has something to find); generic otherwise. */
function bodyFor(w: Workload | undefined, path: string, pod: string): string {
  const app = w?.labels['app'];
  const version = w?.labels['version'];
  if (app === 'reviews') {
    const rating = (stars: number) =>
      version === 'v2'
        ? `, "rating": {"stars": ${stars}, "color": "black"}`
        : version === 'v3'
          ? `, "rating": {"stars": ${stars}, "color": "red"}`
          : '';
    const id = /\/reviews\/(\d+)/.exec(path)?.[1] ?? '0';
    return `{"id": "${id}","podname": "${pod}","clustername": "null","reviews": [{"reviewer": "Reader1","text": "Sharp dialogue and a plot that keeps moving."${rating(5)}},{"reviewer": "Reader2","text": "Fun, if a little long in the middle."${rating(4)}}]}\n`;
  }
  if (app === 'details') {
    const id = /\/details\/(\d+)/.exec(path)?.[1] ?? '0';
    return `{"id":${id},"author":"William Shakespeare","year":1595,"type":"paperback","pages":200,"publisher":"PublisherA","language":"English"}\n`;
  }
  if (app === 'ratings') return `{"id":0,"ratings":{"Reader1":5,"Reader2":4}}\n`;
  if (app === 'productpage')
    return `<!DOCTYPE html>\n<html><head><title>Bookinfo (virtual)</title></head><body><h1>The Comedy of Errors</h1><p>served by ${pod}</p></body></html>\n`;
  return `hello from ${pod} (virtual cluster: the backend is modelled as answering 200)\n`;
}

function parseUrl(url: string): { scheme: string; host: string; port?: number; path: string } | undefined {
  const m = /^(?:([a-zA-Z]+):\/\/)?([^/:?#\s]+)(?::(\d+))?([^#\s]*)/.exec(url);
  if (!m) return undefined;
  return {
    scheme: (m[1] ?? 'http').toLowerCase(),
    host: m[2]!,
    ...(m[3] ? { port: Number(m[3]) } : {}),
    path: m[4] || '/',
  };
}

type Parsed = NonNullable<ReturnType<typeof parseUrl>>;

/** Where the request goes: the simulator's `from`/`to`, the Service the URL named, and who the mesh sees calling. */
type Target =
  | { readonly kind: 'error'; readonly code: number; readonly msg: string }
  /** An ingress gateway answered by itself (no route, no backend). */
  | { readonly kind: 'gateway'; readonly status: number }
  | {
      readonly kind: 'mesh';
      readonly from: string;
      readonly to: string;
      readonly addressed?: ServiceInfo;
      /** Set when an ingress Gateway sends the request on: its pod is the client ztunnel and Envoy see. */
      readonly gateway?: Resource;
    };

function resolveTarget(
  s: Session,
  mesh: Mesh,
  u: Parsed,
  from: string,
  req: { method: string; headers: ReadonlyMap<string, string> },
): Target {
  const port = u.port ?? 80;
  const clientNs = from.split('/')[0]!;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(u.host)) {
    const w = mesh.workloads.find((x) => x.ip === u.host);
    const svc = mesh.services.find((x) => x.addresses.includes(u.host));
    if (w && !w.ports.includes(port) && w.ports.length)
      return {
        kind: 'error',
        code: 7,
        msg: `Failed to connect to ${u.host} port ${port} after 1 ms: Couldn't connect to server`,
      };
    if (w) return { kind: 'mesh', from, to: `pod/${w.namespace}/${w.name}:${port}` };
    if (svc) return { kind: 'mesh', from, to: `${svc.name}.${svc.namespace}:${port}`, addressed: svc };
    return {
      kind: 'error',
      code: 7,
      msg: `Failed to connect to ${u.host} port ${port} after 3 ms: Couldn't connect to server`,
    };
  }
  const gateway = ingressGatewayFor(mesh, u.host, clientNs);
  if (gateway) {
    const a = ingressAnswer(mesh, gateway, port, { ...req, path: u.path }, u.host, s.random);
    if (a.kind === 'refused')
      return {
        kind: 'error',
        code: 7,
        msg: `Failed to connect to ${u.host} port ${port} after 2 ms: Couldn't connect to server`,
      };
    if (a.kind === 'answered') return { kind: 'gateway', status: a.status };
    return { kind: 'mesh', from: a.from, to: a.to, addressed: a.service, gateway };
  }
  const svc = mesh.servicesForHost(u.host, clientNs)[0];
  if (!svc) return { kind: 'error', code: 6, msg: `Could not resolve host: ${u.host}` };
  if (!svc.ports.some((p) => p.port === port))
    return {
      kind: 'error',
      code: 7,
      msg: `Failed to connect to ${u.host} port ${port} after 2 ms: Couldn't connect to server`,
    };
  return { kind: 'mesh', from, to: `${u.host}:${port}`, addressed: svc };
}

export async function curl(s: Session, from: string, args: readonly string[], io: Io): Promise<number> {
  let o: CurlOpts;
  try {
    o = parseCurl(args);
  } catch (err) {
    if (err instanceof CurlUsage) {
      io.err(err.message + '\n');
      return 2;
    }
    throw err;
  }
  const errorOut = (code: number, msg: string): number => {
    if (o.writeOut) io.out(writeOut(o.writeOut, 0, code));
    if (!o.silent || o.showError) io.err(`curl: (${code}) ${msg}\n`);
    return code;
  };
  if (!o.url) {
    io.err("curl: no URL specified\ncurl: try 'curl --help' for more information\n");
    return 2;
  }
  const u = parseUrl(o.url);
  if (!u) return errorOut(3, `URL rejected: Malformed input to a URL function`);
  if (u.scheme !== 'http')
    return errorOut(
      1,
      `Protocol "${u.scheme}" not supported by the virtual cluster (mesh traffic is modelled as plain HTTP from the app; ztunnel adds mTLS)`,
    );
  const port = u.port ?? 80;
  const { mesh } = meshOf(s.objects);
  const method = o.method ?? (o.head ? 'HEAD' : o.data !== undefined ? 'POST' : 'GET');
  const headers: Record<string, string> = {};
  // A Map for lookups by lower-cased name: a header named like an Object.prototype member is just a name.
  const headerMap = new Map<string, string>();
  for (const [k, v] of o.headers) {
    headers[k] = v;
    headerMap.set(k.toLowerCase(), v);
  }
  const t = resolveTarget(s, mesh, u, from, { method, headers: headerMap });
  if (t.kind === 'error') return errorOut(t.code, t.msg);
  if (t.kind === 'gateway') return respond(o, io, t.status, '', 'istio-envoy');
  const { to, addressed } = t;
  let r: SimResult;
  try {
    r = await simulateIn(
      mesh,
      { from: t.from, to, method, path: u.path, headers },
      { nowSeconds: Math.floor(s.now / 1000), ...s.ctx.versions?.() },
    );
  } catch (err) {
    if (err instanceof SimulationInputError) return errorOut(6, `Could not resolve host: ${u.host} (${err.message})`);
    throw err;
  }
  if (o.verbose)
    for (const line of formatText(r).trimEnd().split('\n')) io.err(`* ${line}\n`, traceMarks(r, `* ${line}`));
  const record = (target: Workload | undefined, responseBytes: number) => {
    const w = mesh.workload(from.split('/')[0]!, from.split('/')[1] ?? '');
    const client = t.gateway ? { peer: gatewayPeer(t.gateway, r.client.identity) } : w;
    if (!client) return;
    const sp = addressed?.ports.find((p) => p.port === (t.gateway ? Number(to.split(':').pop()) : port));
    recordTraffic(s, {
      mesh,
      result: r,
      client,
      ...(addressed
        ? {
            service: {
              host: addressed.hosts[0] ?? addressed.name,
              vip: addressed.addresses[0],
              port: sp?.port ?? port,
            },
          }
        : {}),
      ...(target ? { target } : {}),
      targetPort: (target && sp ? targetPortOf(sp, target) : undefined) ?? sp?.port ?? port,
      method,
      path: u.path,
      authority: port === 80 ? u.host : `${u.host}:${port}`,
      responseBytes,
    });
  };
  if (r.status === null) {
    record(firstEndpoint(mesh, to, addressed), 0);
    return errorOut(56, 'Recv failure: Connection reset by peer');
  }

  const status = r.status;
  let body: string;
  let server = r.waypoint || t.gateway ? 'istio-envoy' : undefined;
  let chosen: Workload | undefined;
  if (status === 200) {
    chosen = pickEndpoint(s, mesh, r, to);
    const podHop = r.hops.find((h) => h.at === 'pod');
    const pod = chosen ? podNameOf(chosen) : podHop && 'name' in podHop ? podHop.name.split('/').pop()! : 'backend';
    body = bodyFor(chosen, u.path, pod);
  } else if (status === 403) body = 'RBAC: access denied';
  else if (status === 401) body = 'Jwt verification fails';
  else if (status === 503)
    body =
      r.deniedAt === 'ztunnel'
        ? 'upstream connect error or disconnect/reset before headers. reset reason: connection termination'
        : 'no healthy upstream';
  else body = '';
  if (status !== 200) server = 'istio-envoy';
  record(status === 200 ? chosen : firstEndpoint(mesh, to, addressed), new TextEncoder().encode(body).length);
  return respond(o, io, status, body, server);
}

/** The backend pod of an allowed request: the route's backend the way the proxy picks it (weighted), then one endpoint. */
function pickEndpoint(s: Session, mesh: Mesh, r: SimResult, to: string): Workload | undefined {
  let backendSvc = r.backends.length ? r.backends[0]! : undefined;
  if (r.backends.length > 1) {
    let x = s.random() * r.backends.reduce((a, b) => a + b.probability, 0);
    for (const b of r.backends) {
      x -= b.probability;
      if (x < 0) {
        backendSvc = b;
        break;
      }
    }
  }
  if (to.startsWith('pod/')) return mesh.workload(to.split('/')[1]!, to.split('/')[2]!.split(':')[0]!);
  if (!backendSvc) return undefined;
  const svc = mesh.service(backendSvc.namespace, backendSvc.service);
  const eps = svc ? endpointsOf(mesh, svc) : [];
  return eps.length ? eps[Math.min(eps.length - 1, Math.floor(s.random() * eps.length))] : undefined;
}

/** What curl prints for an HTTP response: headers with -i/-I, the body unless -I or -o elsewhere, then -w. */
function respond(o: CurlOpts, io: Io, status: number, body: string, server: string | undefined): number {
  const headerBlock =
    `HTTP/1.1 ${status} ${REASONS[status] ?? ''}\n` +
    `content-type: ${status === 200 ? (body.startsWith('<') ? 'text/html; charset=utf-8' : 'application/json') : 'text/plain'}\n` +
    `content-length: ${new TextEncoder().encode(body).length}\n` +
    (server ? `server: ${server}\n` : '') +
    '\n';
  if (o.fail && status >= 400) {
    if (o.writeOut) io.out(writeOut(o.writeOut, 0, 22));
    if (!o.silent || o.showError) io.err(`curl: (22) The requested URL returned error: ${status}\n`);
    return 22;
  }
  let shown = '';
  if (o.include || o.head) shown += headerBlock;
  if (!o.head) shown += body;
  if (o.output === undefined || o.output === '-') io.out(shown);
  if (o.writeOut) io.out(writeOut(o.writeOut, status, 0));
  return 0;
}

/** The pod a refused request was heading for (no dice: the log names one endpoint, the first). */
function firstEndpoint(mesh: Mesh, to: string, svc: ServiceInfo | undefined): Workload | undefined {
  if (to.startsWith('pod/')) {
    const [, ns, rest] = to.split('/');
    return mesh.workload(ns!, rest!.split(':')[0]!);
  }
  return svc ? endpointsOf(mesh, svc)[0] : undefined;
}

function writeOut(fmt: string, status: number, exitcode: number): string {
  return fmt
    .replace(/%\{(http_code|response_code)\}/g, String(status).padStart(3, '0'))
    .replace(/%\{exitcode\}/g, String(exitcode))
    .replace(/%\{[a-z_]+\}/g, '0')
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t');
}

/** The word a hop's heading starts with (simulator/format.ts `hopTitle`) and the enforcement point it names. */
const HOP_POINT: Partial<Record<Hop['at'], { readonly word: string; readonly at: ProgrammedAt }>> = {
  ztunnel: { word: 'ztunnel', at: 'ztunnel' },
  waypoint: { word: 'waypoint', at: 'waypoint' },
  gateway: { word: 'ingress gateway', at: 'ingress' },
};

/**
 * Marks for one line of the `curl -v` trace: the enforcement point heading each hop (`* 2. ztunnel (source)`) and
 * the one in the verdict (`DENIED at waypoint`). Lines are matched whole against what the trace prints for that
 * hop, so a name that merely contains "ztunnel" is never marked.
 */
function traceMarks(r: SimResult, line: string): OutputMark[] {
  for (const [i, h] of r.hops.entries()) {
    const p = HOP_POINT[h.at];
    const head = `* ${i + 1}. `;
    if (p && line === `${head}${hopTitle(h)}`)
      return [{ start: head.length, end: head.length + p.word.length, at: p.at }];
  }
  if (r.deniedAt) {
    const head = `* ${r.verdict.toUpperCase()} at `;
    if (line.startsWith(`${head}${r.deniedAt} `) || line === `${head}${r.deniedAt}`)
      return [{ start: head.length, end: head.length + r.deniedAt.length, at: r.deniedAt }];
  }
  return [];
}
