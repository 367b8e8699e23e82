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
 *
 * Lifecycle (issue #15): ending a session ends every process in it — the shell's process group and the groups of its
 * background jobs (an interactive shell puts each job in a group of its own, in the shell's session) — with SIGHUP,
 * then SIGKILL after KILL_GRACE_MS for whatever ignored it. `close()` stops listening, destroys every open socket
 * (including half-sent requests) and ends every session; on SIGINT/SIGTERM the command exits within 2 s whatever the
 * clients do. Header values in log lines have their control characters escaped.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { escapeControl } from '../lib/vshell/escape.ts';
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
/** Between SIGHUP and SIGKILL when a session ends: time for a shell to exit cleanly, not to linger. */
export const KILL_GRACE_MS = 1000;
/** After SIGINT/SIGTERM the command is gone within this, even if closing stalls. */
const EXIT_DEADLINE_MS = 1800;
/** Header values quoted in refusal reasons (and so in the log) are cut to this many characters. */
const SHOWN_MAX = 120;

export const help = `ambient-atlas lab serve — a real shell for the in-page terminal, on your lab cluster

Usage:
  ambient-atlas lab serve [LAB] [--port N] [--origin URL]... [--site URL] [--shell PATH] [--dry-run]

Starts a WebSocket server on 127.0.0.1 (loopback only) and prints a page URL such as
  http://localhost:4321/labs/LAB/#terminal=ws://127.0.0.1:PORT/?token=…
Open it while the site runs (npm start): the page's terminal then runs your shell, with
KUBECONFIG=labs/.state/LAB/kubeconfig (written by \`ambient-atlas lab up LAB\`), instead of the virtual cluster.

Security: only loopback connections are possible; a connection needs the random token from the URL, an Origin
that is the site's (default ${DEFAULT_ORIGINS.join(', ')}; add with --origin) and a loopback Host header.
Each browser tab gets its own shell, killed with everything it started when the tab disconnects.
Stop the server with Ctrl-C (it exits within 2 s, ending every shell).

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
  /** Stop listening, destroy every connection and end every session (SIGHUP, SIGKILL after the grace period). */
  close(): Promise<void>;
  /** SIGKILL every process of every session now (synchronous; the last resort before a forced exit). */
  killNow(): void;
}

/** A header value as shown in a log line: control characters escaped, cut to SHOWN_MAX characters. */
function shown(v: string): string {
  const t = escapeControl(v);
  return t.length > SHOWN_MAX ? `${t.slice(0, SHOWN_MAX)}…` : t;
}

/** Process ids and groups in a session. */
interface Member {
  readonly pid: number;
  readonly pgid: number;
}

/**
 * Every process in the session `sid`. node-pty starts the shell with setsid(), so the shell's pid is the session id
 * and everything it starts — including background jobs in process groups of their own — shares it (until something
 * calls setsid() again). Linux: /proc; elsewhere `ps`, following parent links from the shell (which finds a job only
 * while its parent is alive, so it is read before anything is signalled).
 */
export function sessionMembers(sid: number): Member[] {
  const out: Member[] = [];
  let procs: string[] | undefined;
  try {
    procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    procs = undefined;
  }
  if (procs) {
    for (const d of procs) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      // pid (comm) state ppid pgrp session …; comm may hold spaces and parentheses.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie has exited already: it only waits for its parent to read its status.
      if (Number(f[3]) === sid && f[0] !== 'Z') out.push({ pid: Number(d), pgid: Number(f[2]) });
    }
    return out;
  }
  try {
    const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid='], { encoding: 'utf8', timeout: 1000 })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
    const inTree = new Set([sid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, ppid] of rows)
        if (inTree.has(ppid) && !inTree.has(pid)) {
          inTree.add(pid);
          grew = true;
        }
    }
    for (const [pid, , pgid] of rows) if (inTree.has(pid)) out.push({ pid, pgid });
  } catch {
    // no ps: the shell's own group is still signalled
  }
  return out;
}

function signalAll(groups: Iterable<number>, pids: Iterable<number>, signal: NodeJS.Signals): void {
  for (const g of groups) {
    if (g <= 1) continue; // never "every process" (-1) or init's group
    try {
      process.kill(-g, signal);
    } catch {
      // group gone
    }
  }
  for (const pid of pids) {
    if (pid <= 1) continue;
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/**
 * End the session led by `sid`: SIGHUP to every process group in it, then SIGKILL to whatever is left after
 * `grace` ms. Resolves once nothing of the session is left (waiting at most 0.5 s more after the SIGKILL).
 */
export async function endSession(sid: number, grace = KILL_GRACE_MS): Promise<void> {
  const groups = new Set<number>([sid]);
  const seen = new Set<number>([sid]);
  const scan = () => {
    const m = sessionMembers(sid);
    for (const x of m) {
      groups.add(x.pgid);
      seen.add(x.pid);
    }
    return m;
  };
  scan();
  signalAll(groups, seen, 'SIGHUP');
  signalAll(groups, [], 'SIGCONT'); // a stopped job would otherwise never see the SIGHUP
  const deadline = Date.now() + grace;
  while (Date.now() < deadline) {
    await sleep(25);
    if (!scan().length && ![...seen].some(alive)) return;
  }
  scan();
  signalAll(groups, seen, 'SIGKILL');
  // SIGKILL cannot be ignored, but dying takes a moment: wait for it (briefly), so callers can rely on it.
  for (let i = 0; i < 20 && (scan().length || [...seen].some(alive)); i++) await sleep(25);
}

/** Whether `pid` is a running process (a zombie, on Linux, is not: it has exited and only awaits its parent). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: signal 0 is the answer
  }
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
    return { status: 403, reason: `Host "${shown(host)}" is not the loopback address` };
  const origin = req.headers.origin;
  const o = origin ? normaliseOrigin(origin) : undefined;
  if (!o || !opts.origins.has(o))
    return { status: 403, reason: `Origin "${origin === undefined ? '(none)' : shown(origin)}" is not allowed` };
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

/** A client frame: keystrokes or a terminal size (clamped); anything else, or malformed JSON, is ignored. */
function applyClientMessage(p: PtyLike, raw: unknown): void {
  let msg: unknown;
  try {
    msg = JSON.parse(String(raw));
  } catch {
    return; // not ours: ignore
  }
  if (!msg || typeof msg !== 'object') return;
  const m = msg as { type?: unknown; data?: unknown; cols?: unknown; rows?: unknown };
  if (m.type === 'input' && typeof m.data === 'string') p.write(m.data);
  else if (m.type === 'resize' && Number.isInteger(m.cols) && Number.isInteger(m.rows)) {
    const cols = Math.min(500, Math.max(2, m.cols as number));
    const rows = Math.min(300, Math.max(2, m.rows as number));
    p.resize(cols, rows);
  }
}

/** The shell's environment: the server's (or the given one), pointed at the lab's cluster. */
function shellEnv(opts: LabServerOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env ?? process.env)) if (v !== undefined) env[k] = v;
  env['KUBECONFIG'] = opts.kubeconfig;
  env['AMBIENT_ATLAS_LAB'] = opts.lab;
  env['TERM'] = 'xterm-256color';
  return env;
}

export async function startLabServer(opts: LabServerOptions): Promise<LabServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const origins = new Set(opts.origins.map(normaliseOrigin).filter((o): o is string => !!o));
  // Every line is escaped here too, whatever it quotes: a log line never carries a terminal control sequence.
  const log = (line: string) => opts.log?.(escapeControl(line));
  // node-pty is a native addon: load it only when a server really starts.
  const pty = (await import('@lydell/node-pty')) as unknown as {
    spawn(file: string, args: string[], o: Record<string, unknown>): PtyLike;
  };
  const live = new Set<PtyLike>();
  /** Sessions (by their shell's pid = session id) not yet ended, and the endings under way. */
  const leaders = new Set<number>();
  const ending = new Map<number, Promise<void>>();
  const finish = (sid: number): void => {
    if (!leaders.delete(sid)) return;
    ending.set(
      sid,
      endSession(sid).finally(() => ending.delete(sid)),
    );
  };
  /** Every open TCP connection (HTTP, half-sent requests, upgraded WebSockets), destroyed by close(). */
  const sockets = new Set<Socket>();
  let closing: Promise<void> | undefined;

  const http: Server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
  });
  // A request that never finishes its headers is dropped (Node checks these every few seconds).
  http.headersTimeout = 10_000;
  http.requestTimeout = 15_000;
  http.on('connection', (socket: Socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  let port = 0;

  http.on('upgrade', (req, socket, head) => {
    if (closing) {
      socket.destroy();
      return;
    }
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
    const p = pty.spawn(opts.shell, [...(opts.shellArgs ?? [])], {
      name: 'xterm-256color',
      cols: 100,
      rows: 30,
      cwd: opts.cwd,
      env: shellEnv(opts),
    });
    live.add(p);
    leaders.add(p.pid);
    log(`terminal connected (pid ${p.pid})`);
    let closed = false;
    const end = () => {
      if (closed) return;
      closed = true;
      live.delete(p);
      // The whole session: the shell may ignore SIGHUP, and its background jobs are in groups of their own.
      finish(p.pid);
      log(`terminal closed (pid ${p.pid})`);
    };
    p.onData((d) => {
      if (ws.readyState === ws.OPEN) ws.send(d);
    });
    p.onExit(() => {
      live.delete(p);
      closed = true;
      finish(p.pid); // jobs the shell left behind go with it
      if (ws.readyState === ws.OPEN) ws.close(1000, 'shell exited');
    });
    ws.on('message', (raw) => {
      if (!closed) applyClientMessage(p, raw);
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
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((ok) => http.close(() => ok()));
        for (const s of sockets) s.destroy();
        http.closeAllConnections();
        for (const c of wss.clients) c.terminate();
        live.clear();
        for (const sid of [...leaders]) finish(sid);
        await Promise.all([...ending.values()]);
        await new Promise<void>((ok) => wss.close(() => ok()));
        // Every socket is destroyed, so this is quick; never wait on a client beyond a moment.
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([stopped, new Promise<void>((ok) => (timer = setTimeout(ok, 500)))]);
        clearTimeout(timer);
      })()),
    killNow: () => {
      const sids = new Set([...leaders, ...ending.keys(), ...[...live].map((p) => p.pid)]);
      for (const sid of sids) {
        const m = sessionMembers(sid);
        signalAll(new Set([sid, ...m.map((x) => x.pgid)]), [sid, ...m.map((x) => x.pid)], 'SIGKILL');
      }
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
      // A second signal, or closing that takes too long: kill every session's processes and exit at once.
      const force = () => {
        server.killNow();
        io.stderr('lab serve: forced exit\n');
        process.exit(EXIT.ok);
      };
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      // Unreferenced: it fires only if something still holds the process open after close() has finished.
      setTimeout(force, EXIT_DEADLINE_MS).unref();
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  io.stdout('lab serve: stopped\n');
  return EXIT.ok;
};
