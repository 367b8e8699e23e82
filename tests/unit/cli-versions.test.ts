// --istio / --gateway-api on simulate and migrate (DESIGN §4.5a): the answer follows the chosen Istio line, JSON
// names the versions, the config file sets them, and an unknown version is a usage error naming the known ones.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as migrate } from '../../src/cli/commands/migrate.ts';
import { run as simulate } from '../../src/cli/commands/simulate.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { UsageError } from '../../src/cli/io.ts';

function fakeIo(cwd: string) {
  const out: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: () => {},
    readStdin: async () => new Uint8Array(),
    cwd,
    color: false,
  };
  return { io, json: () => JSON.parse(out.join('')) as Record<string, unknown> };
}

describe('versions on simulate and migrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-versions-'));
  copyFileSync(join(import.meta.dirname, '../scenarios/versions.yaml'), join(dir, 'mesh.yaml'));
  const req = ['-f', 'mesh.yaml', '--from', 'ver/client', '--to', 'shop', '--path', '/maintenance', '--format', 'json'];

  it('simulate: 1.31 by default (500 for a rule without backendRefs), 404 with --istio 1.30', async () => {
    const a = fakeIo(dir);
    expect(await simulate(req, a.io)).toBe(1);
    expect(a.json()).toMatchObject({ version: 1, istio: '1.31', gatewayApi: '1.6', status: 500 });
    const b = fakeIo(dir);
    expect(await simulate([...req, '--istio', '1.30'], b.io)).toBe(1);
    expect(b.json()).toMatchObject({ istio: '1.30', gatewayApi: '1.5', status: 404, verdict: 'no-route' });
    const c = fakeIo(dir);
    await simulate([...req, '--istio', '1.31', '--gateway-api', '1.5'], c.io);
    expect(c.json()).toMatchObject({ istio: '1.31', gatewayApi: '1.5', status: 500 });
  });
  it('a config file sets the versions; a flag overrides it', async () => {
    const cfgDir = mkdtempSync(join(tmpdir(), 'cli-versions-cfg-'));
    copyFileSync(join(dir, 'mesh.yaml'), join(cfgDir, 'mesh.yaml'));
    writeFileSync(join(cfgDir, '.ambient-atlas.yaml'), 'istio: 1.30\n');
    const a = fakeIo(cfgDir);
    await simulate(req, a.io);
    expect(a.json()).toMatchObject({ istio: '1.30', status: 404 });
    const b = fakeIo(cfgDir);
    await simulate([...req, '--istio', '1.31'], b.io);
    expect(b.json()).toMatchObject({ istio: '1.31', status: 500 });
  });
  it('an unknown version is a usage error listing the known ones', async () => {
    await expect(simulate([...req, '--istio', '1.29'], fakeIo(dir).io)).rejects.toThrow(
      new UsageError('--istio: unknown Istio version "1.29": known are 1.30, 1.31'),
    );
    await expect(simulate([...req, '--gateway-api', '2'], fakeIo(dir).io)).rejects.toThrow(
      /--gateway-api: .*1\.5, 1\.6/,
    );
    await expect(migrate(['-o', 'json', '--istio', 'x', 'mesh.yaml'], fakeIo(dir).io)).rejects.toThrow(UsageError);
  });
  it('migrate -o json names the versions', async () => {
    const a = fakeIo(dir);
    await migrate(['-o', 'json', 'mesh.yaml'], a.io);
    expect(a.json()).toMatchObject({ version: 1, istio: '1.31', gatewayApi: '1.6' });
    const b = fakeIo(dir);
    await migrate(['-o', 'json', '--istio', '1.30', 'mesh.yaml'], b.io);
    expect(b.json()).toMatchObject({ istio: '1.30', gatewayApi: '1.5' });
  });
});
