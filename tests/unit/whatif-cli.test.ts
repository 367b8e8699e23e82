// `ambient-atlas matrix`, `diff` and `status` run in-process through each command's run() (DESIGN §4.5c):
// JSON shapes, formats, --fail-on and exit codes, versions, usage errors.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as diff } from '../../src/cli/commands/diff.ts';
import { run as matrix } from '../../src/cli/commands/matrix.ts';
import { run as status } from '../../src/cli/commands/status.ts';
import type { CliIo, Command } from '../../src/cli/io.ts';
import { UsageError } from '../../src/cli/io.ts';
import { shopMesh } from '../support/mesh-fixtures.ts';

async function cli(command: Command, argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readStdin: async () => new Uint8Array(),
    cwd,
    color: false,
  };
  let code: number;
  try {
    code = await command(argv, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    code = 2;
    err += e.message;
  }
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'whatif-cli-'));
writeFileSync(join(dir, 'mesh.yaml'), shopMesh({ allowWebToCart: true }));
writeFileSync(
  join(dir, 'open.yaml'),
  `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: cart-from-web, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  rules: [{}]
`,
);
const mesh = join(dir, 'mesh.yaml');
const open = join(dir, 'open.yaml');

describe('ambient-atlas matrix', () => {
  it('prints the §4.5c JSON with versions and exits 0', async () => {
    const r = await cli(matrix, ['--format', 'json', '-f', mesh, '--istio', '1.30'], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      version: number;
      istio: string;
      gatewayApi: string;
      clients: string[];
      destinations: string[];
      cells: Record<string, unknown>[];
    };
    expect(j).toMatchObject({
      version: 1,
      istio: '1.30',
      gatewayApi: '1.5',
      clients: ['shop/web', 'shop/cart', 'external'],
      destinations: ['cart.shop:80'],
    });
    expect(j.cells).toHaveLength(6);
    for (const c of j.cells)
      expect(Object.keys(c)).toEqual(
        expect.arrayContaining(['from', 'to', 'request', 'verdict', 'status', 'deniedAt', 'decidedBy', 'waypoint']),
      );
    expect(j.cells.filter((c) => c.from === 'shop/web').every((c) => c.verdict === 'allowed')).toBe(true);
  });
  it('prints a grid as text and a self-contained HTML page', async () => {
    const t = await cli(matrix, ['-f', mesh], dir);
    expect(t.out).toMatch(/shop\/web\s+✓/);
    expect(t.out).toMatch(/external\s+✗/);
    const h = await cli(matrix, ['-f', mesh, '--format', 'html'], dir);
    expect(h.out).toMatch(/^<!doctype html>/);
    expect(h.out).not.toMatch(/<script|<link|src=/);
  });
  it('--tcp-only has one TCP cell per pair', async () => {
    const j = JSON.parse((await cli(matrix, ['--format', 'json', '--tcp-only', '-f', mesh], dir)).out) as {
      cells: { request: unknown }[];
    };
    expect(j.cells.map((c) => c.request)).toEqual([null, null, null]);
  });
  it('usage errors exit 2', async () => {
    expect((await cli(matrix, ['--format', 'json'], dir)).code).toBe(2);
    expect((await cli(matrix, ['-f', mesh, '--format', 'xml'], dir)).code).toBe(2);
    expect((await cli(matrix, ['-f', mesh, '--istio', '9.99'], dir)).err).toMatch(/known are 1\.30, 1\.31/);
    expect((await cli(matrix, ['-f', join(dir, 'nope.yaml')], dir)).code).toBe(2);
    expect((await cli(matrix, ['-f', mesh, '--context', 'kind'], dir)).err).toMatch(/--context is for --cluster/);
    expect((await cli(status, ['-f', mesh, '-n', 'shop'], dir)).code).toBe(2);
  });
});

describe('ambient-atlas diff', () => {
  it('identical sides: nothing changed, exit 0', async () => {
    const r = await cli(diff, ['--format', 'json', '--before', mesh, '--after', mesh], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      version: 1,
      istio: '1.31',
      gatewayApi: '1.6',
      changed: [],
      unchanged: 6,
    });
  });
  it('opening cart: opened cells with the cause, exit 1 by default and for --fail-on opened, 0 for closed/never', async () => {
    const args = ['--before', mesh, '--after', mesh, '--after', open];
    const r = await cli(diff, ['--format', 'json', ...args], dir);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as {
      changed: {
        from: string;
        change: string;
        before: { verdict: string };
        after: { verdict: string };
        causes: number[];
      }[];
      causes: { name: string; change: string }[];
    };
    const opened = j.changed.filter((c) => c.change === 'opened');
    expect(opened.map((c) => c.from).sort()).toEqual(['external', 'external', 'shop/cart', 'shop/cart']);
    expect(opened.every((c) => c.before.verdict === 'denied' && c.after.verdict === 'allowed')).toBe(true);
    expect(j.causes).toEqual([expect.objectContaining({ name: 'cart-from-web', change: 'modified' })]);
    expect((await cli(diff, ['--fail-on', 'opened', ...args], dir)).code).toBe(1);
    expect((await cli(diff, ['--fail-on', 'closed', ...args], dir)).code).toBe(0);
    expect((await cli(diff, ['--fail-on', 'never', ...args], dir)).code).toBe(0);
  });
  it('markdown groups by cause', async () => {
    const r = await cli(diff, ['--format', 'markdown', '--before', mesh, '--after', mesh, '--after', open], dir);
    expect(r.out).toMatch(/^#### AuthorizationPolicy shop\/cart\\-from\\-web modified \(\d+ cells\)$/m);
    expect(r.out).toMatch(/\| opened \| external \| cart\.shop:80 \|/);
  });
  it('usage errors exit 2', async () => {
    expect((await cli(diff, ['--before', mesh], dir)).code).toBe(2);
    expect((await cli(diff, ['--before', mesh, '--after', mesh, '--fail-on', 'sometimes'], dir)).code).toBe(2);
    expect((await cli(diff, ['--before', mesh, '--after', mesh, '--format', 'html'], dir)).code).toBe(2);
  });
});

describe('ambient-atlas status', () => {
  it('prints {version, istio, resources[]} with Istio condition strings', async () => {
    const r = await cli(status, ['--format', 'json', '-f', mesh], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      version: number;
      istio: string;
      resources: { kind: string; name: string; conditions: { type: string; status: string; reason: string }[] }[];
    };
    expect(j).toMatchObject({ version: 1, istio: '1.31' });
    expect(j.resources).toEqual([
      expect.objectContaining({
        kind: 'AuthorizationPolicy',
        name: 'cart-from-web',
        conditions: [
          expect.objectContaining({
            type: 'ZtunnelAccepted',
            status: 'True',
            reason: 'Accepted',
            message: 'attached to ztunnel',
          }),
        ],
      }),
    ]);
  });
  it('text names each condition', async () => {
    const r = await cli(status, ['-f', mesh], dir);
    expect(r.out).toContain('ZtunnelAccepted=True Accepted: attached to ztunnel');
  });
});

describe('docs: /ci/diff/', () => {
  it('shows what the CLI prints for the waypoint trap', async () => {
    const page = readFileSync(new URL('../../src/content/docs/ci/diff.mdx', import.meta.url), 'utf8');
    const shown = /```text title="ambient-atlas diff \(text\)"\n([\s\S]*?)```/.exec(page)?.[1];
    const scenarios = new URL('../scenarios/whatif/', import.meta.url).pathname;
    const r = await cli(
      diff,
      ['--before', 'waypoint-trap.before.yaml', '--after', 'waypoint-trap.after.yaml'],
      scenarios,
    );
    expect(r.code).toBe(1);
    expect(shown).toBe(r.out);
  });
});
