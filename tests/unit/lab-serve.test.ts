// The lab serve WebSocket server, for real: a `ws` client against the server on an ephemeral port, a pty running
// /bin/sh with a test KUBECONFIG. Checks the security properties (loopback only, token, Origin, Host) and cleanup.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { refusal, runLabServe, startLabServer } from '../../src/cli/lab-serve.ts';
import type { LabServer } from '../../src/cli/lab-serve.ts';

const ORIGIN = 'http://localhost:4321';
const dir = mkdtempSync(join(tmpdir(), 'lab-serve-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');

let server: LabServer;

beforeAll(async () => {
  server = await startLabServer({
    lab: 'l4-authorization',
    port: 0,
    origins: [ORIGIN],
    kubeconfig,
    shell: '/bin/sh',
    cwd: dir,
    env: { PATH: process.env['PATH'], HOME: dir, PS1: '$ ' },
  });
});
afterAll(async () => {
  await server.close();
});

/** Resolve with the HTTP status of a refused upgrade, or 101 when the socket opened. */
function attempt(url: string, headers: Record<string, string>): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', (err) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(err);
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('lab serve: binding', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.wsUrl.startsWith(`ws://127.0.0.1:${server.port}/?token=`)).toBe(true);
    expect(server.pageUrl).toBe(`http://localhost:4321/labs/l4-authorization/#terminal=${server.wsUrl}`);
  });

  it('cannot be reached on a non-loopback address of this machine', async () => {
    const ips = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal)
      .map((i) => i!.address);
    // With no external interface there is nothing else to bind to; the address check above still holds.
    for (const ip of ips) {
      await expect(
        attempt(`ws://${ip}:${server.port}/?token=${server.token}`, {
          Origin: ORIGIN,
          Host: `127.0.0.1:${server.port}`,
        }),
      ).rejects.toThrow(/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH/);
    }
  });

  it('uses a fresh random token per server', async () => {
    const other = await startLabServer({ lab: 'x', origins: [ORIGIN], kubeconfig, shell: '/bin/sh', cwd: dir });
    try {
      expect(other.token).not.toBe(server.token);
      expect(other.token.length).toBeGreaterThanOrEqual(40);
    } finally {
      await other.close();
    }
  });
});

describe('lab serve: refusals', () => {
  const base = () => `ws://127.0.0.1:${server.port}/`;

  it('refuses a connection without a token (401)', async () => {
    expect((await attempt(base(), { Origin: ORIGIN })).status).toBe(401);
  });

  it('refuses a wrong token (401), including one that differs only in length', async () => {
    expect((await attempt(`${base()}?token=${'A'.repeat(server.token.length)}`, { Origin: ORIGIN })).status).toBe(401);
    expect((await attempt(`${base()}?token=${server.token}x`, { Origin: ORIGIN })).status).toBe(401);
  });

  it('refuses a foreign Origin and a missing Origin (403), even with the right token', async () => {
    const url = `${base()}?token=${server.token}`;
    expect((await attempt(url, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await attempt(url, { Origin: 'http://localhost:4322' })).status).toBe(403);
    expect((await attempt(url, {})).status).toBe(403);
  });

  it('refuses a non-loopback Host header (DNS rebinding)', async () => {
    const url = `${base()}?token=${server.token}`;
    expect((await attempt(url, { Origin: ORIGIN, Host: `attacker.example:${server.port}` })).status).toBe(403);
  });

  it('refusal() explains each case', () => {
    const opts = { token: Buffer.from('t0k'), origins: new Set([ORIGIN]), port: 9 };
    const req = (url: string, headers: Record<string, string>) => ({ url, headers });
    expect(refusal(req('/?token=t0k', { host: '127.0.0.1:9', origin: ORIGIN }), opts)).toBeUndefined();
    expect(refusal(req('/?token=t0k', { host: 'localhost:9', origin: `${ORIGIN}/` }), opts)).toBeUndefined();
    expect(refusal(req('/', { host: '127.0.0.1:9', origin: ORIGIN }), opts)?.status).toBe(401);
    expect(refusal(req('/?token=t0k', { host: '127.0.0.1:9', origin: 'null' }), opts)?.status).toBe(403);
    expect(refusal(req('/?token=t0k', { host: '127.0.0.1:10', origin: ORIGIN }), opts)?.status).toBe(403);
  });

  it('refusal() quotes header values with control characters escaped and cut short', () => {
    const opts = { token: Buffer.from('t0k'), origins: new Set([ORIGIN]), port: 9 };
    const host = refusal({ url: '/', headers: { host: 'x\x1b]0;pwned\x07\x9b2J' } }, opts)!;
    expect(host.reason).toBe('Host "x\\x1b]0;pwned\\x07\\x9b2J" is not the loopback address');
    const origin = refusal({ url: '/', headers: { host: '127.0.0.1:9', origin: 'http://' + 'a'.repeat(5000) } }, opts)!;
    expect(origin.reason.length).toBeLessThan(200);
  });
});

describe('lab serve: a session', () => {
  it('runs a shell with the lab KUBECONFIG and kills it when the socket closes', async () => {
    const { status, ws } = await attempt(`ws://127.0.0.1:${server.port}/?token=${server.token}`, { Origin: ORIGIN });
    expect(status).toBe(101);
    let out = '';
    ws!.on('message', (d) => (out += String(d)));
    ws!.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }));
    ws!.send(JSON.stringify({ type: 'input', data: 'echo "KC=$KUBECONFIG LAB=$AMBIENT_ATLAS_LAB"; stty size\r' }));
    await expect.poll(() => out, { timeout: 5000 }).toContain(`KC=${kubeconfig} LAB=l4-authorization`);
    await expect.poll(() => out, { timeout: 5000 }).toContain('40 120');
    expect(server.sessions()).toBe(1);
    // The pty's shell is a real process; find its pid via the shell itself.
    ws!.send(JSON.stringify({ type: 'input', data: 'echo "PID=$$"\r' }));
    await expect.poll(() => /PID=(\d+)/.exec(out)?.[1], { timeout: 5000 }).toBeTruthy();
    const pid = Number(/PID=(\d+)/.exec(out)![1]);
    expect(alive(pid)).toBe(true);
    ws!.close();
    await expect.poll(() => server.sessions(), { timeout: 5000 }).toBe(0);
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
  });

  it('ignores malformed frames without closing the session', async () => {
    const { ws } = await attempt(`ws://127.0.0.1:${server.port}/?token=${server.token}`, { Origin: ORIGIN });
    let out = '';
    ws!.on('message', (d) => (out += String(d)));
    ws!.send('not json');
    ws!.send(JSON.stringify({ type: 'resize', cols: 'x' }));
    ws!.send(JSON.stringify({ type: 'input', data: 'echo still-here\r' }));
    await expect.poll(() => out, { timeout: 5000 }).toContain('still-here');
    ws!.close();
    await expect.poll(() => server.sessions(), { timeout: 5000 }).toBe(0);
  });
});

describe('ambient-atlas lab serve (command)', () => {
  const io = () => {
    const o = { out: '', err: '' };
    return {
      o,
      io: {
        stdout: (t: string) => void (o.out += t),
        stderr: (t: string) => void (o.err += t),
        readStdin: async () => new Uint8Array(),
        cwd: process.cwd(),
        color: false,
      },
    };
  };

  it('--dry-run prints the loopback address, origins and kubeconfig without listening', async () => {
    const { o, io: cli } = io();
    const code = await runLabServe(['waypoint-l7-authz', '--dry-run', '--origin', 'http://localhost:4322'], cli);
    expect(code).toBe(0);
    expect(o.out).toContain('127.0.0.1');
    expect(o.out).toContain('labs/.state/waypoint-l7-authz/kubeconfig');
    expect(o.out).toContain('http://localhost:4322');
    expect(o.out).toContain('/labs/waypoint-l7-authz/#terminal=ws://127.0.0.1:');
  });

  it('rejects a bad port, origin or lab id as usage errors', async () => {
    await expect(runLabServe(['x', '--port', '70000', '--dry-run'], io().io)).rejects.toThrow(/--port/);
    await expect(runLabServe(['x', '--origin', 'javascript:alert(1)', '--dry-run'], io().io)).rejects.toThrow(
      /--origin/,
    );
    await expect(runLabServe(['../etc', '--dry-run'], io().io)).rejects.toThrow(/not a lab id/);
  });
});
