// The real CLI process without a Docker engine: `lab up` must end within seconds with exit 3 and one line.
// On a machine where Docker answers this would start a real cluster, so it is skipped there (with the reason).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dockerAvailable } from './docker-probe.ts';

const docker = await dockerAvailable();
const bin = fileURLToPath(new URL('../../bin/ambient-atlas.mjs', import.meta.url));

describe('ambient-atlas lab without Docker', () => {
  if (docker.ok) {
    console.warn('[labs] skipping the no-Docker CLI test: a Docker engine answers on this machine');
    it.skip('exit 3 without Docker (skipped: Docker is available here)', () => undefined);
    return;
  }
  it.each([['up'], ['check']])(
    'lab %s exits 3 within seconds with one line',
    (sub) => {
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [bin, 'lab', sub, 'ambient-mtls'], { encoding: 'utf8', timeout: 40_000 });
      const ms = Date.now() - t0;
      expect(r.status).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/Docker is required.*--dry-run/);
      // Wall time on a shared, loaded CI machine: generous bound; it takes ~1 s of CPU (testcontainers rejects in ms).
      expect(ms).toBeLessThan(30_000);
    },
    60_000,
  );
  it('lab check LAB --dry-run still works and exits 0', () => {
    const r = spawnSync(process.execPath, [bin, 'lab', 'check', 'require-jwt', '--dry-run'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/PASS: 6\/6 checks hold in the simulator/);
  }, 60_000);
});
