import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/commands/simulate.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { UsageError } from '../../src/cli/io.ts';
import { allowFrom, deployment, docs, namespace, service } from '../support/mesh-fixtures.ts';

// The shop mesh in two files: the namespace and its client, and (in a nested directory) the server and its policy.
const MESH = docs(namespace(), deployment('web'));
const SERVER = docs(
  deployment('cart'),
  service('cart'),
  allowFrom('cart-from-web', 'cart', ['cluster.local/ns/shop/sa/web']),
);

function fakeIo(cwd: string, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => new TextEncoder().encode(stdin),
    cwd,
    color: false,
  };
  return { io, out, err };
}

describe('ambient-atlas simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
  mkdirSync(join(dir, 'm', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'm', 'mesh.yaml'), MESH);
  writeFileSync(join(dir, 'm', 'nested', 'server.yml'), SERVER);
  writeFileSync(join(dir, 'm', 'ignored.txt'), 'not yaml: [');

  it('reads a directory recursively and prints the JSON contract; exit 0 when allowed', async () => {
    const { io, out } = fakeIo(dir);
    const code = await run(
      ['--format', 'json', '-f', 'm', '--from', 'shop/web', '--to', 'cart.shop:80', '--path', '/items'],
      io,
    );
    expect(code).toBe(0);
    const j = JSON.parse(out.join(''));
    expect(j).toMatchObject({
      version: 1,
      verdict: 'allowed',
      deniedAt: null,
      status: 200,
      waypoint: null,
      decidedBy: { kind: 'AuthorizationPolicy', name: 'cart-from-web', rule: 0 },
    });
    expect(j.hops.map((h: { at: string }) => h.at)).toEqual(['ztunnel', 'ztunnel', 'pod']);
  });

  it('exit 1 when denied (external caller reset at ztunnel); text output by default', async () => {
    const { io, out } = fakeIo(dir);
    expect(await run(['-f', 'm', '--from', 'external', '--to', 'cart.shop'], io)).toBe(1);
    expect(out.join('')).toContain('cart-from-web');
  });

  it('reads stdin with -f -', async () => {
    const { io, out } = fakeIo(dir, `${MESH}---\n${SERVER}`);
    expect(await run(['--format', 'json', '-f', '-', '--from', 'shop/web', '--to', 'cart.shop'], io)).toBe(0);
    expect(JSON.parse(out.join('')).verdict).toBe('allowed');
  });

  it('usage errors: unknown workload, unknown destination, missing file, bad header, --tcp with HTTP options', async () => {
    const bad = [
      ['-f', 'm', '--from', 'shop/nobody', '--to', 'cart.shop'],
      ['-f', 'm', '--from', 'shop/web', '--to', 'nothing.shop'],
      ['-f', 'missing.yaml', '--from', 'shop/web', '--to', 'cart.shop'],
      ['-f', 'm', '--from', 'shop/web', '--to', 'cart.shop', '--header', 'no-colon'],
      ['-f', 'm', '--from', 'shop/web', '--to', 'cart.shop', '--tcp', '--method', 'POST'],
      ['-f', 'm', '--to', 'cart.shop'],
    ];
    for (const argv of bad) {
      const { io } = fakeIo(dir);
      await expect(run(argv, io)).rejects.toBeInstanceOf(UsageError);
    }
  });
});
