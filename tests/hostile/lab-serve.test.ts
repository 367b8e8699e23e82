// `ambient-atlas lab serve` against hostile clients and shells (issue #15), for real: the CLI as a child process,
// raw TCP sockets holding half-sent requests, shells that ignore SIGHUP and leave background jobs. The guards are
// generous hang guards; nothing here asserts a duration beyond "within the guard".
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLabServer } from '../../src/cli/lab-serve.ts';

const repo = new URL('../../', import.meta.url).pathname;
const ORIGIN = 'http://localhost:4321';
const GUARD = 15_000;
const dir = mkdtempSync(join(tmpdir(), 'lab-serve-hostile-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, PS1: '$ ', ENV: '' };

/** Running (a zombie has exited: it only waits to be reaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}

/** Everything started here, killed at the end whatever happened (a failing test must not leave processes). */
const started: number[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  // Whatever is still in the sessions of the shells started here (the shells' pids are their session ids).
  const all = new Set(started);
  try {
    for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        if (started.includes(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]))) all.add(Number(d));
      } catch {
        // gone
      }
    }
  } catch {
    // no /proc
  }
  for (const pid of all) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
});

async function until(what: string, ok: () => boolean, guard = GUARD): Promise<void> {
  const end = Date.now() + guard;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`hang guard: ${what} after ${guard} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Cli {
  child: ChildProcess;
  port: number;
  wsUrl: string;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `ambient-atlas lab serve` as a child process, once it prints its URL. */
async function serve(): Promise<Cli> {
  const child = spawn(
    process.execPath,
    [join(repo, 'bin/ambient-atlas.mjs'), 'lab', 'serve', 'l4-authorization', '--shell', '/bin/sh'],
    { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  await until(
    'lab serve printing its URL',
    () => /ws:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(out) || child.exitCode !== null,
  );
  const wsUrl = /ws:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)?.[0];
  if (!wsUrl) throw new Error(`lab serve did not start: ${out}${err}`);
  return { child, port: Number(/:(\d+)\//.exec(wsUrl)![1]), wsUrl, out: () => out, err: () => err, exited };
}

async function exitWithin(cli: Cli, guard = GUARD): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`hang guard: lab serve still running ${guard} ms after the signal`)),
      guard,
    );
  });
  try {
    return await Promise.race([cli.exited, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** A raw TCP client that sends part of an HTTP request and then nothing. */
function halfSent(port: number, text = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(text);
      resolve(s);
    });
    s.on('error', () => {}); // the server may reset it: that is the point
    s.once('error', reject);
  });
}

/** Open a terminal, run `command` in its shell, and return the `PIDS=a:b` it echoes. */
async function shellPids(url: string, command: string): Promise<{ ws: WebSocket; pids: number[] }> {
  const ws = new WebSocket(url, { headers: { Origin: ORIGIN } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let out = '';
  ws.on('message', (d) => (out += String(d)));
  ws.send(JSON.stringify({ type: 'input', data: `${command}\r` }));
  await until('the shell echoing its pids', () => /PIDS=\d+(:\d+)*\r?\n/.test(out));
  const pids = /PIDS=(\d+(?::\d+)*)/.exec(out)![1]!.split(':').map(Number);
  started.push(...pids);
  return { ws, pids };
}

const TRAP_HUP = `trap '' HUP; sleep 1000 & echo "PIDS=$$:$!"`;

describe('lab serve (the command): SIGTERM and SIGINT', () => {
  let cli: Cli | undefined;
  afterEach(() => {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    cli = undefined;
  });

  it('exits on SIGTERM while a client holds a half-sent request', { timeout: 60_000 }, async () => {
    cli = await serve();
    const sock = await halfSent(cli.port);
    let sockClosed = false;
    sock.once('close', () => (sockClosed = true));
    await new Promise((r) => setTimeout(r, 200));
    cli.child.kill('SIGTERM');
    const { code, signal } = await exitWithin(cli);
    expect(signal).toBeNull();
    expect(code).toBe(0);
    await until('the half-sent request socket being closed', () => sockClosed);
    expect(cli.out()).toContain('lab serve: stopped');
  });

  it(
    'exits on SIGINT with half-sent requests, a half-sent upgrade and a live session, and leaves no process',
    {
      timeout: 60_000,
    },
    async () => {
      cli = await serve();
      const socks = await Promise.all([
        halfSent(cli.port),
        halfSent(cli.port, `GET /?token=x HTTP/1.1\r\nHost: 127.0.0.1:${cli.port}\r\nUpgrade: websocket\r\n`),
        halfSent(cli.port, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\nabc'),
      ]);
      const { pids } = await shellPids(cli.wsUrl, TRAP_HUP);
      expect(pids.every(alive)).toBe(true);
      cli.child.kill('SIGINT');
      const { code, signal } = await exitWithin(cli);
      expect(signal).toBeNull();
      expect(code).toBe(0);
      await until('every process of the session being gone', () => !pids.some(alive));
      for (const s of socks) s.destroy();
    },
  );

  it('escapes control characters from request headers in its log', { timeout: 60_000 }, async () => {
    cli = await serve();
    // Header bytes 0x80–0xff arrive as Latin-1 characters: 0x9b is the C1 CSI, which a terminal would interpret.
    const hostile = Buffer.concat([
      Buffer.from(`GET /?token=x HTTP/1.1\r\nHost: 127.0.0.1:${cli.port}\r\nOrigin: http://evil`),
      Buffer.from([0x9b]),
      Buffer.from('2J\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n'),
      Buffer.from('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'),
    ]);
    const sock = connect(cli.port, '127.0.0.1');
    sock.on('error', () => {});
    let reply = '';
    sock.on('data', (d) => (reply += d.toString('latin1')));
    sock.write(hostile);
    await until('the refusal', () => / 403 /.test(reply));
    await until('the refusal being logged', () => /refused connection/.test(cli!.err()));
    sock.destroy();
    const logged = cli
      .err()
      .split('\n')
      .find((l) => l.includes('refused connection'))!;
    expect(logged).toContain('\\x9b2J');
    // eslint-disable-next-line no-control-regex -- no control character may reach the operator's terminal
    expect(cli.err()).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    cli.child.kill('SIGTERM');
    await exitWithin(cli);
  });
});

describe('lab serve: closing a session ends every process in it', () => {
  it('kills a shell that ignores SIGHUP, and its background job', { timeout: 60_000 }, async () => {
    const server = await startLabServer({ lab: 'x', origins: [ORIGIN], kubeconfig, shell: '/bin/sh', cwd: dir, env });
    try {
      const { ws, pids } = await shellPids(server.wsUrl, TRAP_HUP);
      expect(pids).toHaveLength(2);
      expect(pids.every(alive)).toBe(true);
      ws.close();
      await until('the shell and its job being gone', () => !pids.some(alive));
      expect(server.sessions()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('kills the background jobs of a shell that does exit on SIGHUP (no orphans)', { timeout: 60_000 }, async () => {
    const server = await startLabServer({ lab: 'x', origins: [ORIGIN], kubeconfig, shell: '/bin/sh', cwd: dir, env });
    try {
      const { ws, pids } = await shellPids(server.wsUrl, `sleep 1000 & a=$!; sleep 1001 & echo "PIDS=$$:$a:$!"`);
      ws.close();
      await until('the shell and its jobs being gone', () => !pids.some(alive));
    } finally {
      await server.close();
    }
  });

  it(
    'close() returns while a client holds a half-sent request, and ends live sessions',
    { timeout: 60_000 },
    async () => {
      const server = await startLabServer({ lab: 'x', origins: [ORIGIN], kubeconfig, shell: '/bin/sh', cwd: dir, env });
      const sock = await halfSent(server.port);
      let sockClosed = false;
      sock.once('close', () => (sockClosed = true));
      const { pids } = await shellPids(server.wsUrl, TRAP_HUP);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        server.close(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('hang guard: close()')), GUARD))),
      ]);
      clearTimeout(timer);
      expect(pids.some(alive)).toBe(false);
      await until('the half-sent request socket being closed', () => sockClosed);
    },
  );

  it('kills the jobs a shell leaves behind when it exits by itself', { timeout: 60_000 }, async () => {
    const server = await startLabServer({ lab: 'x', origins: [ORIGIN], kubeconfig, shell: '/bin/sh', cwd: dir, env });
    try {
      const { pids } = await shellPids(server.wsUrl, `sleep 1000 & echo "PIDS=$$:$!"; exit`);
      await until('the job being gone after its shell exited', () => !pids.some(alive));
    } finally {
      await server.close();
    }
  });
});
