// --mesh-config on lint and simulate (issue #17): the file is read by the CLI and parsed by the library; a file
// istiod would refuse is a usage error naming FILE:LINE:COLUMN, a tolerated problem a warning.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as lint } from '../../src/cli/commands/lint.ts';
import { run as simulate } from '../../src/cli/commands/simulate.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { UsageError } from '../../src/cli/io.ts';
import { deployment, docs, namespace } from '../support/mesh-fixtures.ts';

function fakeIo(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => new Uint8Array(),
    cwd,
    color: false,
  };
  return { io, out, err };
}

// The shop namespace and its client, a ServiceEntry and a CUSTOM policy naming an ext-authz provider (line 28).
const MANIFESTS = docs(
  namespace(),
  deployment('web', { ports: [] }),
  `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: partner, namespace: partners}
spec:
  hosts: [partner.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
`,
  `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ext, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: "", name: web}]
  action: CUSTOM
  provider: {name: opa}
  rules: [{}]
`,
);

function setup(meshConfig: string) {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-mc-'));
  writeFileSync(join(dir, 'm.yaml'), MANIFESTS);
  writeFileSync(join(dir, 'mesh.yaml'), meshConfig);
  return dir;
}

describe('lint --mesh-config', () => {
  it('provider names are checked against the file (a ConfigMap here)', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio}\ndata:\n  mesh: |\n    trustDomain: td\n';
    const dir = setup(cm);
    const { io, out } = fakeIo(dir);
    expect(await lint(['--format', 'json', '--mesh-config', 'mesh.yaml', 'm.yaml'], io)).toBe(1);
    const rules = (JSON.parse(out.join('')) as { findings: { rule: string; line: number }[] }).findings;
    expect(rules.filter((f) => f.rule === 'extension-provider-not-found').map((f) => f.line)).toEqual([28]);
  });
  it('without the flag the provider rule stays silent', async () => {
    const dir = setup('');
    const { io, out } = fakeIo(dir);
    await lint(['--format', 'json', 'm.yaml'], io);
    expect(out.join('')).not.toContain('extension-provider-not-found');
  });
  it('a file istiod would refuse: usage error with FILE:LINE:COLUMN', async () => {
    const dir = setup('serviceEntryVisibility:\n  defaultVisibility: HIDDEN\n');
    await expect(lint(['--mesh-config', 'mesh.yaml', 'm.yaml'], fakeIo(dir).io)).rejects.toThrow(
      /mesh\.yaml:2:22: "HIDDEN" is not a visibility/,
    );
  });
  it('a missing file: usage error', async () => {
    const dir = setup('');
    await expect(lint(['--mesh-config', 'nope.yaml', 'm.yaml'], fakeIo(dir).io)).rejects.toBeInstanceOf(UsageError);
  });
  it('a tolerated problem: warning on stderr, the run goes on', async () => {
    const dir = setup('serviceEntryVisibility:\n  policies:\n  - visibility: NONE\n    matchingRules: [{}]\n');
    const { io, err } = fakeIo(dir);
    await lint(['--mesh-config', 'mesh.yaml', 'm.yaml'], io);
    expect(err.join('')).toMatch(/warning: --mesh-config mesh\.yaml:4:21: a matching rule without a namespaceSelector/);
  });
});

describe('simulate --mesh-config', () => {
  const args = ['-f', 'm.yaml', '--from', 'shop/web', '--to', 'partner.example.com', '--format', 'json'];
  it('serviceEntryVisibility NONE hides the entry on 1.31 (passthrough), not on 1.30', async () => {
    const dir = setup('serviceEntryVisibility: {defaultVisibility: NONE}\ntrustDomain: corp.example\n');
    const a = fakeIo(dir);
    expect(await simulate([...args, '--mesh-config', 'mesh.yaml'], a.io)).toBe(0);
    const r = JSON.parse(a.out.join('')) as { notes: string[]; client: { identity: string }; hops: { at: string }[] };
    expect(r.notes.join('\n')).toMatch(/hidden by meshConfig\.serviceEntryVisibility \(NONE/);
    expect(r.client.identity).toBe('spiffe://corp.example/ns/shop/sa/web');
    const b = fakeIo(dir);
    await simulate([...args, '--mesh-config', 'mesh.yaml', '--istio', '1.30'], b.io);
    expect(b.out.join('')).not.toContain('hidden by meshConfig');
  });
});
