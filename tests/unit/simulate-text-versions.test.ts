// simulate's text output names the Istio and Gateway API lines it answered for (issue #17; JSON carries them as
// `istio` / `gatewayApi`, DESIGN §4.5a), so a pasted trace says whether 500 or 404 is the 1.31 or the 1.30 answer.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as simulate } from '../../src/cli/commands/simulate.ts';
import type { CliIo } from '../../src/cli/io.ts';

async function text(cwd: string, extra: string[]): Promise<string> {
  const out: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: () => {},
    readStdin: async () => new Uint8Array(),
    cwd,
    color: false,
  };
  await simulate(['-f', 'mesh.yaml', '--from', 'ver/client', '--to', 'shop', '--path', '/maintenance', ...extra], io);
  return out.join('');
}

describe('simulate text output names its versions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-text-versions-'));
  copyFileSync(join(import.meta.dirname, '../scenarios/versions.yaml'), join(dir, 'mesh.yaml'));

  it('1.31 with Gateway API v1.6 by default, beside its 500', async () => {
    const t = await text(dir, []);
    expect(t.split('\n')[0]).toBe('answering for Istio 1.31 (1.31.1) with Gateway API v1.6 (CRDs v1.6.1)');
    expect(t).toMatch(/HTTP 500/);
  });
  it('--istio 1.30 names 1.30 and v1.5, beside its 404', async () => {
    const t = await text(dir, ['--istio', '1.30']);
    expect(t.split('\n')[0]).toBe('answering for Istio 1.30 (1.30.3) with Gateway API v1.5 (CRDs v1.5.1)');
    expect(t).toMatch(/HTTP 404/);
  });
  it("an explicit --gateway-api is named even when it is not the Istio line's own", async () => {
    const t = await text(dir, ['--istio', '1.31', '--gateway-api', '1.5']);
    expect(t.split('\n')[0]).toBe('answering for Istio 1.31 (1.31.1) with Gateway API v1.5 (CRDs v1.5.1)');
  });
});
