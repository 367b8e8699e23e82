// A stand-in Kubernetes API server for tests (node:http, no cluster, no Docker): it serves real list shapes
// (`<Kind>List` with `metadata.resourceVersion`, `metadata.continue` and `remainingItemCount`; items of built-in
// typed lists without apiVersion/kind, custom resources with them), discovery documents, `limit` + `continue`
// pagination (410 Gone for a token it never issued), 403 Forbidden and 404 NotFound as `Status` objects, and a
// bearer token check (401). Every request is logged so a test can assert that only GET was sent. It is a stand-in,
// not a fake cluster: nothing is stored and nothing can be written (anything but GET gets 405).
// Shapes follow k8s.io/apimachinery (metav1.ListMeta, metav1.Status, APIResourceList, APIGroupList).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { WebSocketServer } from 'ws';

export interface StandInResource {
  /** API group, '' for core. */
  readonly group: string;
  readonly version: string;
  /** Lower-case plural, as in the URL (`authorizationpolicies`). */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Stored objects (with metadata.name and, when namespaced, metadata.namespace). */
  readonly items: readonly Record<string, unknown>[];
  /** Built-in typed lists omit apiVersion/kind on items (the real API server does); default: core/apps/batch. */
  readonly builtin?: boolean;
}

export interface StandInOptions {
  readonly resources: readonly StandInResource[];
  /** `group/version/plural` (core: `v1/pods`) answered with 403 Forbidden for every list. */
  readonly forbidden?: readonly string[];
  /** Largest page the server sends whatever `limit` asks (0: no cap); pages force `continue` tokens in tests. */
  readonly maxPage?: number;
  /** Bearer token the server requires (default `stand-in-token`). */
  readonly token?: string;
  /**
   * Addition for the existing-cluster labs: keep objects in memory and accept writes — server-side apply (PATCH),
   * POST, DELETE (a Namespace takes its objects with it) — plus single-object GETs and equality `labelSelector`s.
   * Off by default: the server stays read-only (405 for anything but GET), as before.
   */
  readonly writable?: boolean;
  /** With `writable`: what a controller would report at once — Deployments available, Gateways Programmed. */
  readonly ready?: boolean;
  /** Answers `pods/exec` over WebSocket (channel protocol v4/v5): what the command prints and its exit code. */
  readonly exec?: (call: ExecCall) => { stdout: string; stderr?: string; exitCode: number };
}

export interface ExecCall {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly command: readonly string[];
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
}

export interface StandInApiServer {
  readonly url: string;
  readonly requests: LoggedRequest[];
  /** With `writable`: the stored objects of `group/version/plural` (core: `v1/pods`), for assertions. */
  stored(key: string): readonly Record<string, unknown>[];
  /** Writes a kubeconfig for this server into `dir` and returns its path. */
  kubeconfig(dir: string, options?: { context?: string; namespace?: string; token?: string }): string;
  close(): Promise<void>;
}

const gvr = (r: { group: string; version: string; plural: string }) =>
  `${r.group ? `${r.group}/` : ''}${r.version}/${r.plural}`;

function status(res: ServerResponse, code: number, reason: string, message: string): number {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
  return code;
}

function json(res: ServerResponse, body: unknown): number {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  return 200;
}

export async function startStandInApiServer(options: StandInOptions): Promise<StandInApiServer> {
  const token = options.token ?? 'stand-in-token';
  const forbidden = new Set(options.forbidden ?? []);
  const requests: LoggedRequest[] = [];
  const resourceVersion = '4242';
  // Continue tokens are opaque to clients; the server remembers which it issued (the real one encodes them).
  const issued = new Map<string, { key: string; offset: number }>();

  function handle(req: IncomingMessage, res: ServerResponse): number {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (req.method !== 'GET') return status(res, 405, 'MethodNotAllowed', `${req.method} is not allowed here`);
    if (req.headers.authorization !== `Bearer ${token}`) return status(res, 401, 'Unauthorized', 'Unauthorized');
    const parts = url.pathname.split('/').filter(Boolean);
    // Discovery: /api, /apis, /api/v1, /apis/<group>/<version>.
    if (url.pathname === '/api')
      return json(res, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (url.pathname === '/apis') {
      const groups = new Map<string, Set<string>>();
      for (const r of options.resources)
        if (r.group) (groups.get(r.group) ?? groups.set(r.group, new Set()).get(r.group)!).add(r.version);
      return json(res, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => ({
          name,
          versions: [...versions].map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
          preferredVersion: { groupVersion: `${name}/${[...versions][0]}`, version: [...versions][0] },
        })),
      });
    }
    const core = parts[0] === 'api';
    if (!core && parts[0] !== 'apis')
      return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const group = core ? '' : (parts[1] ?? '');
    const version = core ? parts[1] : parts[2];
    let rest = parts.slice(core ? 2 : 3);
    const inGroup = options.resources.filter((r) => r.group === group && r.version === version);
    if (!inGroup.length) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    if (!rest.length)
      return json(res, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: group ? `${group}/${version}` : version,
        resources: inGroup.map((r) => ({
          name: r.plural,
          singularName: r.kind.toLowerCase(),
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: ['get', 'list', 'watch'],
        })),
      });
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = decodeURIComponent(rest[1]!);
      rest = rest.slice(2);
    }
    if (rest.length !== 1) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const resource = inGroup.find((r) => r.plural === rest[0]);
    if (!resource || (namespace !== undefined && !resource.namespaced))
      return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const key = gvr(resource);
    if (forbidden.has(key))
      return status(
        res,
        403,
        'Forbidden',
        `${resource.plural}${group ? `.${group}` : ''} is forbidden: User "stand-in" cannot list resource ` +
          `"${resource.plural}" in API group "${group}"${namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'}`,
      );
    let items = (options.writable ? (store.get(key) ?? []) : resource.items).filter(
      (o) => namespace === undefined || (o.metadata as { namespace?: string } | undefined)?.namespace === namespace,
    );
    const fieldSelector = url.searchParams.get('fieldSelector');
    if (fieldSelector) {
      const m = /^metadata\.name=(.*)$/.exec(fieldSelector);
      if (!m) return status(res, 400, 'BadRequest', `field label not supported: ${fieldSelector}`);
      items = items.filter((o) => (o.metadata as { name?: string } | undefined)?.name === m[1]);
    }
    const labelSelector = url.searchParams.get('labelSelector');
    if (options.writable && labelSelector) items = items.filter((o) => matchesLabels(o, labelSelector));
    let offset = 0;
    const cont = url.searchParams.get('continue');
    if (cont) {
      const at = issued.get(cont);
      if (!at || at.key !== `${key}|${namespace ?? ''}|${fieldSelector ?? ''}`)
        return status(
          res,
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result.',
        );
      offset = at.offset;
    }
    const asked = Number(url.searchParams.get('limit') ?? 0);
    let size = asked > 0 ? asked : items.length;
    if (options.maxPage) size = Math.min(size, options.maxPage);
    const page = items.slice(offset, offset + size);
    const metadata: Record<string, unknown> = { resourceVersion };
    if (offset + size < items.length) {
      const t = Buffer.from(JSON.stringify({ rv: resourceVersion, start: `${key}/${offset + size}` })).toString(
        'base64',
      );
      issued.set(t, { key: `${key}|${namespace ?? ''}|${fieldSelector ?? ''}`, offset: offset + size });
      metadata.continue = t;
      metadata.remainingItemCount = items.length - offset - size;
    }
    const builtin = resource.builtin ?? ['', 'apps', 'batch'].includes(group);
    return json(res, {
      kind: `${resource.kind}List`,
      apiVersion: group ? `${group}/${version}` : version,
      metadata,
      items: page.map((o) => {
        if (!builtin) return { apiVersion: group ? `${group}/${version}` : version, kind: resource.kind, ...o };
        const { apiVersion: _a, kind: _k, ...bare } = o;
        return bare;
      }),
    });
  }

  // Writable mode: every resource's objects, by gvr key (deep copies, so the caller's fixtures never change).
  const store = new Map<string, Record<string, unknown>[]>();
  if (options.writable)
    for (const r of options.resources)
      store.set(
        gvr(r),
        r.items.map((o) => structuredClone(o)),
      );

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let code: number;
      try {
        const written = options.writable
          ? writeHandle(req, res, url, Buffer.concat(chunks).toString('utf8'))
          : undefined;
        code = written ?? handle(req, res);
      } catch (err) {
        code = status(res, 500, 'InternalError', String(err));
      }
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: code,
      });
    });
  });

  /**
   * Single objects and writes; undefined hands the request to the read-only handler (lists and discovery).
   * Paths: /api/v1[/namespaces/NS]/PLURAL/NAME and /apis/GROUP/VERSION[/namespaces/NS]/PLURAL/NAME, or the
   * collection for POST.
   */
  function writeHandle(req: IncomingMessage, res: ServerResponse, url: URL, body: string): number | undefined {
    if (req.headers.authorization !== `Bearer ${token}`) return undefined; // the read-only handler answers 401
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const core = parts[0] === 'api';
    if (!core && parts[0] !== 'apis') return undefined;
    const group = core ? '' : (parts[1] ?? '');
    const version = core ? parts[1] : parts[2];
    let rest = parts.slice(core ? 2 : 3);
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const method = req.method ?? 'GET';
    const isObject = rest.length === 2;
    if (!isObject && !(method === 'POST' && rest.length === 1)) return undefined;
    const resource = options.resources.find((r) => r.group === group && r.version === version && r.plural === rest[0]);
    if (!resource || resource.namespaced !== (namespace !== undefined)) return undefined;
    const items = store.get(gvr(resource))!;
    const nameOf = (o: Record<string, unknown>) => (o.metadata as { name?: string } | undefined)?.name;
    const nsOf = (o: Record<string, unknown>) => (o.metadata as { namespace?: string } | undefined)?.namespace;
    const at = (name: string | undefined) => items.findIndex((o) => nameOf(o) === name && nsOf(o) === namespace);
    const apiVersion = group ? `${group}/${version}` : version!;
    const shown = (o: Record<string, unknown>) => ({ apiVersion, kind: resource.kind, ...o });
    if (method === 'GET') {
      const i = at(rest[1]);
      if (i < 0) return status(res, 404, 'NotFound', `${resource.plural} "${rest[1]}" not found`);
      return json(res, shown(items[i]!));
    }
    if (method === 'DELETE') {
      const i = at(rest[1]);
      if (i < 0) return status(res, 404, 'NotFound', `${resource.plural} "${rest[1]}" not found`);
      const [gone] = items.splice(i, 1);
      if (resource.kind === 'Namespace' && !group)
        for (const [k, list] of store)
          store.set(k, k === gvr(resource) ? list : list.filter((o) => nsOf(o) !== rest[1]));
      return json(res, shown(gone!));
    }
    if (method !== 'PATCH' && method !== 'POST')
      return status(res, 405, 'MethodNotAllowed', `${method} is not allowed here`);
    let sent: Record<string, unknown>;
    try {
      sent = parseYaml(body) as Record<string, unknown>;
    } catch {
      return status(res, 400, 'BadRequest', 'the body is not YAML or JSON');
    }
    const meta = { ...(sent.metadata as Record<string, unknown> | undefined) };
    const name = (meta.name as string | undefined) ?? rest[1];
    if (!name || (isObject && name !== rest[1]))
      return status(res, 400, 'BadRequest', 'metadata.name must match the URL');
    const i = at(name);
    if (method === 'POST' && i >= 0)
      return status(res, 409, 'AlreadyExists', `${resource.plural} "${name}" already exists`);
    const before = i >= 0 ? items[i]! : undefined;
    const beforeMeta = (before?.metadata as Record<string, unknown> | undefined) ?? {};
    const { apiVersion: _a, kind: _k, status: _s, ...fields } = sent;
    const obj: Record<string, unknown> = {
      ...fields,
      metadata: {
        ...meta,
        name,
        ...(namespace ? { namespace } : {}),
        uid: beforeMeta.uid ?? randomUUID(),
        creationTimestamp: beforeMeta.creationTimestamp ?? new Date(0).toISOString(),
        resourceVersion: String(Number(beforeMeta.resourceVersion ?? 0) + 1),
      },
      ...(before?.status !== undefined ? { status: before.status } : {}),
    };
    if (options.ready) markReady(resource.kind, obj);
    if (i >= 0) items[i] = obj;
    else items.push(obj);
    res.writeHead(i >= 0 ? 200 : 201, { 'content-type': 'application/json' });
    res.end(JSON.stringify(shown(obj)));
    return i >= 0 ? 200 : 201;
  }

  if (options.exec) {
    const answer = options.exec;
    // Pre-flight upgrade checks the same way the API server does: the bearer token, then the path.
    const wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (protocols) => ['v5.channel.k8s.io', 'v4.channel.k8s.io'].find((p) => protocols.has(p)) ?? false,
    });
    server.on('upgrade', (req: IncomingMessage, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
      const ok = req.headers.authorization === `Bearer ${token}` && m;
      requests.push({
        method: 'EXEC',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: ok ? 101 : 403,
      });
      if (!ok) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const r = answer({
          namespace: decodeURIComponent(m[1]!),
          pod: decodeURIComponent(m[2]!),
          container: url.searchParams.get('container') ?? '',
          command: url.searchParams.getAll('command'),
        });
        // Channel byte, then the data: 1 stdout, 2 stderr, 3 the final Status (k8s.io/apimachinery remotecommand).
        const frame = (ch: number, text: string) => Buffer.concat([Buffer.from([ch]), Buffer.from(text, 'utf8')]);
        if (r.stdout) ws.send(frame(1, r.stdout));
        if (r.stderr) ws.send(frame(2, r.stderr));
        const st =
          r.exitCode === 0
            ? { metadata: {}, status: 'Success' }
            : {
                metadata: {},
                status: 'Failure',
                reason: 'NonZeroExitCode',
                details: { causes: [{ reason: 'ExitCode', message: String(r.exitCode) }] },
              };
        ws.send(frame(3, JSON.stringify(st)), () => ws.close());
      });
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    stored: (key) => store.get(key) ?? [],
    kubeconfig(dir, o = {}) {
      const context = o.context ?? 'stand-in';
      const file = join(dir, `kubeconfig-${context}`);
      // http:// is accepted by client-node only with insecure-skip-tls-verify (there is no TLS to verify).
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          `- name: ${context}-cluster`,
          '  cluster:',
          `    server: ${url}`,
          '    insecure-skip-tls-verify: true',
          'users:',
          `- name: ${context}-user`,
          '  user:',
          `    token: ${o.token ?? token}`,
          'contexts:',
          `- name: ${context}`,
          '  context:',
          `    cluster: ${context}-cluster`,
          `    user: ${context}-user`,
          ...(o.namespace ? [`    namespace: ${o.namespace}`] : []),
          `current-context: ${context}`,
          '',
        ].join('\n'),
      );
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Equality selectors only (`a=b,c=d`, also `==`): what the lab runner sends. */
function matchesLabels(o: Record<string, unknown>, selector: string): boolean {
  const labels = ((o.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {}) as Record<
    string,
    string
  >;
  return selector
    .split(',')
    .filter(Boolean)
    .every((term) => {
      const [k, v] = term.split(/==?/) as [string, string | undefined];
      return Object.prototype.hasOwnProperty.call(labels, k.trim()) && labels[k.trim()] === (v ?? '').trim();
    });
}

/** A controller's answer at once: Deployments fully available, Gateways Programmed (writable + ready). */
function markReady(kind: string, obj: Record<string, unknown>): void {
  if (kind === 'Deployment') {
    const replicas = ((obj.spec as { replicas?: number } | undefined)?.replicas ?? 1) as number;
    obj.status = { replicas, readyReplicas: replicas, availableReplicas: replicas };
  } else if (kind === 'Gateway') {
    obj.status = {
      conditions: [
        { type: 'Programmed', status: 'True' },
        { type: 'Accepted', status: 'True' },
      ],
    };
  }
}
