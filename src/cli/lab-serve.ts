/**
 * `ambient-atlas lab serve [LAB] [--port N]`: a real shell for the in-page terminal, pointed at a local lab cluster.
 *
 * A WebSocket server bound to 127.0.0.1 only (never configurable), that accepts a connection only when
 *   - the URL carries the random token printed at start (compared in constant time),
 *   - the Origin header is one of the site's origins (default http://localhost:4321 and http://127.0.0.1:4321;
 *     `--origin` adds more), and
 *   - the Host header names the loopback address (a DNS-rebinding page cannot reach it under another name).
 * Each connection gets its own pty running the user's shell with KUBECONFIG=labs/.state/<lab>/kubeconfig; the pty is
 * killed when the socket closes. Client frames are JSON: {"type":"input","data":"…"} or
 * {"type":"resize","cols":N,"rows":N}; server frames are the pty's output as text.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { parseArgs } from './args.ts';
import type { CliIo, Command } from './io.ts';
import { EXIT, UsageError } from './io.ts';

const REPO_DIR = resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const LOOPBACK = '127.0.0.1';
export const DEFAULT_SITE = 'http://localhost:4321';
export const DEFAULT_ORIGINS = ['http://localhost:4321', 'http://127.0.0.1:4321'];
/** Bytes per client frame; a terminal sends keystrokes and pastes, nothing large. */
const MAX_FRAME = 64 * 1024;
const MAX_SESSIONS = 4;

export const help = `ambient-atlas lab serve — a real shell for the in-page terminal, on your lab cluster

Usage:
  ambient-atlas lab serve [LAB] [--port N] [--origin URL]... [--site URL] [--shell PATH] [--dry-run]

Starts a WebSocket server on 127.0.0.1 (loopback only) and prints a page URL such as
  http://localhost:4321/labs/LAB/#terminal=ws://127.0.0.1:PORT/?token=…
Open it while the site runs (npm start): the page's terminal then runs your shell, with
KUBECONFIG=labs/.state/LAB/kubeconfig (written by \`ambient-atlas lab up LAB\`), instead of the virtual cluster.

Security: only loopback connections are possible; a connection needs the random token from the URL, an Origin
that is the site's (default ${DEFAULT_ORIGINS.join(', ')}; add with --origin) and a loopback Host header.
Each browser tab gets its own shell, killed when the tab disconnects. Stop the server with Ctrl-C.

Options:
  --port N        port to listen on (default: a free port)
  --origin URL    another allowed page origin (repeatable), e.g. http://localhost:4322
  --site URL      base URL of the site for the printed link (default ${DEFAULT_SITE}; its origin is allowed)
  --shell PATH    shell to run (default $SHELL or /bin/sh)
  --dry-run       print what would be served, start nothing`;

export interface LabServerOptions {
  /** Lab id, for the printed URL and the kubeconfig path. */
  readonly lab: string;
  /** 0 = any free port. */
  readonly port?: number;
  readonly origins: readonly string[];
  /** Base URL of the site for the printed page link. */
  readonly site?: string;
  readonly kubeconfig: string;
  readonly shell: string;
  readonly shellArgs?: readonly string[];
  readonly cwd: string;
  /** Fixed token (tests); random 32 bytes otherwise. */
  readonly token?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called for every refused or accepted connection (the CLI logs them). */
  readonly log?: (line: string) => void;
}

export interface LabServer {
  readonly port: number;
  readonly host: typeof LOOPBACK;
  readonly token: string;
  /** ws://127.0.0.1:PORT/?token=… */
  readonly wsUrl: string;
  /** The page to open: SITE/labs/LAB/#terminal=WSURL */
  readonly pageUrl: string;
  /** Live pty sessions (one per connected socket). */
  sessions(): number;
  close(): Promise<void>;
}

export function normaliseOrigin(o: string): string | undefined {
  try {
    const u = new URL(o);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

function tokenMatches(expected: Buffer, given: string | null): boolean {
  if (!given) return false;
  const g = Buffer.from(given);
  return g.length === expected.length && timingSafeEqual(g, expected);
}

/** Why an upgrade request is refused, or undefined when it may connect. */
export function refusal(
  req: Pick<IncomingMessage, 'headers' | 'url'>,
  opts: { token: Buffer; origins: ReadonlySet<string>; port: number },
): { status: number; reason: string } | undefined {
  const host = req.headers.host ?? '';
  if (host !== `${LOOPBACK}:${opts.port}` && host !== `localhost:${opts.port}`)
    return { status: 403, reason: `Host "${host}" is not the loopback address` };
  const origin = req.headers.origin;
  const o = origin ? normaliseOrigin(origin) : undefined;
  if (!o || !opts.origins.has(o)) return { status: 403, reason: `Origin "${origin ?? '(none)'}" is not allowed` };
  let token: string | null;
  try {
    token = new URL(req.url ?? '/', `http://${LOOPBACK}`).searchParams.get('token');
  } catch {
    token = null;
  }
  if (!tokenMatches(opts.token, token)) return { status: 401, reason: token ? 'wrong token' : 'missing token' };
  return undefined;
}

interface PtyLike {
  readonly pid: number;
  onData(cb: (d: string) => void): unknown;
  onExit(cb: (e: { exitCode: number }) => void): unknown;
  write(d: string): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
}

export async function startLabServer(opts: LabServerOptions): Promise<LabServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const origins = new Set(opts.origins.map(normaliseOrigin).filter((o): o is string => !!o));
  const log = opts.log ?? (() => {});
  // node-pty is a native addon: load it only when a server really starts.
  const pty = (await import('@lydell/node-pty')) as unknown as {
    spawn(file: string, args: string[], o: Record<string, unknown>): PtyLike;
  };
  const live = new Set<PtyLike>();

  const http: Server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  let port = 0;

  http.on('upgrade', (req, socket, head) => {
    const why = refusal(req, { token: tokenBuf, origins, port });
    const full = live.size >= MAX_SESSIONS;
    if (why || full) {
      const status = why?.status ?? 503;
      const reason = why?.reason ?? `at most ${MAX_SESSIONS} terminals at once`;
      log(`refused connection: ${reason}`);
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Service Unavailable'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.env ?? process.env)) if (v !== undefined) env[k] = v;
    env['KUBECONFIG'] = opts.kubeconfig;
    env['AMBIENT_ATLAS_LAB'] = opts.lab;
    env['TERM'] = 'xterm-256color';
    const p = pty.spawn(opts.shell, [...(opts.shellArgs ?? [])], {
      name: 'xterm-256color',
      cols: 100,
      rows: 30,
      cwd: opts.cwd,
      env,
    });
    live.add(p);
    log(`terminal connected (pid ${p.pid})`);
    let closed = false;
    const end = () => {
      if (closed) return;
      closed = true;
      live.delete(p);
      try {
        p.kill();
      } catch {
        // already gone
      }
      log(`terminal closed (pid ${p.pid})`);
    };
    p.onData((d) => {
      if (ws.readyState === ws.OPEN) ws.send(d);
    });
    p.onExit(() => {
      live.delete(p);
      closed = true;
      if (ws.readyState === ws.OPEN) ws.close(1000, 'shell exited');
    });
    ws.on('message', (raw) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return; // not ours: ignore
      }
      if (!msg || typeof msg !== 'object') return;
      const m = msg as { type?: unknown; data?: unknown; cols?: unknown; rows?: unknown };
      if (m.type === 'input' && typeof m.data === 'string' && !closed) p.write(m.data);
      else if (m.type === 'resize' && Number.isInteger(m.cols) && Number.isInteger(m.rows) && !closed) {
        const cols = Math.min(500, Math.max(2, m.cols as number));
        const rows = Math.min(300, Math.max(2, m.rows as number));
        p.resize(cols, rows);
      }
    });
    ws.on('close', end);
    ws.on('error', end);
  }

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    // Loopback only: the host is not an option.
    http.listen(opts.port ?? 0, LOOPBACK, () => ok());
  });
  port = (http.address() as AddressInfo).port;
  const wsUrl = `ws://${LOOPBACK}:${port}/?token=${token}`;
  const site = (opts.site ?? DEFAULT_SITE).replace(/\/+$/, '');
  return {
    port,
    host: LOOPBACK,
    token,
    wsUrl,
    pageUrl: `${site}/labs/${opts.lab}/#terminal=${wsUrl}`,
    sessions: () => live.size,
    close: async () => {
      for (const p of live) {
        try {
          p.kill();
        } catch {
          // already gone
        }
      }
      live.clear();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((ok) => wss.close(() => ok()));
      await new Promise<void>((ok) => http.close(() => ok()));
    },
  };
}

/** Labs with a kubeconfig under labs/.state (i.e. brought up with `lab up`). */
function labsWithCluster(stateDir: string): string[] {
  if (!existsSync(stateDir)) return [];
  return readdirSync(stateDir).filter((d) => existsSync(join(stateDir, d, 'kubeconfig')));
}

export const runLabServe: Command = async (argv: string[], io: CliIo) => {
  const { values, positionals } = parseArgs(argv, {
    port: { type: 'string' },
    origin: { type: 'string', multiple: true },
    site: { type: 'string' },
    shell: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  const stateDir = join(REPO_DIR, 'labs', '.state');
  if (positionals.length > 1) throw new UsageError(`lab serve takes one LAB, got: ${positionals.join(' ')}`);
  let lab = positionals[0];
  if (!lab) {
    const up = labsWithCluster(stateDir);
    if (up.length !== 1)
      throw new UsageError(
        up.length
          ? `several labs are up (${up.join(', ')}): name one`
          : 'name the LAB (bring its cluster up first with `ambient-atlas lab up LAB`)',
      );
    lab = up[0]!;
  }
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(lab)) throw new UsageError(`not a lab id: "${lab}"`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0-65535, not "${values.port}"`);
  const site = values.site ?? DEFAULT_SITE;
  const siteOrigin = normaliseOrigin(site);
  if (!siteOrigin) throw new UsageError(`--site must be an http(s) URL, not "${site}"`);
  const extra = values.origin ?? [];
  for (const o of extra)
    if (!normaliseOrigin(o)) throw new UsageError(`--origin must be an http(s) origin, not "${o}"`);
  const origins = [...new Set([...DEFAULT_ORIGINS, siteOrigin, ...extra.map((o) => normaliseOrigin(o)!)])];
  const kubeconfig = join(stateDir, lab, 'kubeconfig');
  const shell = values.shell ?? process.env['SHELL'] ?? '/bin/sh';
  const haveCluster = existsSync(kubeconfig);

  if (values['dry-run']) {
    io.stdout(
      [
        `would listen on ${LOOPBACK}:${port || '(a free port)'} (loopback only)`,
        `would run ${shell} with KUBECONFIG=${kubeconfig}${haveCluster ? '' : ' (missing: run `ambient-atlas lab up ' + lab + '` first)'}`,
        `allowed origins: ${origins.join(', ')}`,
        `page: ${site.replace(/\/+$/, '')}/labs/${lab}/#terminal=ws://${LOOPBACK}:PORT/?token=<random>`,
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  }
  if (!haveCluster)
    io.stderr(
      `warning: ${kubeconfig} does not exist; kubectl will fail until you run \`ambient-atlas lab up ${lab}\`\n`,
    );
  const server = await startLabServer({
    lab,
    port,
    origins,
    site,
    kubeconfig,
    shell,
    cwd: REPO_DIR,
    log: (l) => io.stderr(`lab serve: ${l}\n`),
  });
  io.stdout(
    `Serving a shell for lab ${lab} on ${LOOPBACK}:${server.port} (KUBECONFIG=${kubeconfig}).\n` +
      `Open this page (keep the link private: the token grants a shell):\n  ${server.pageUrl}\n` +
      `Allowed origins: ${origins.join(', ')}. Ctrl-C stops the server.\n`,
  );
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  io.stdout('lab serve: stopped\n');
  return EXIT.ok;
};
