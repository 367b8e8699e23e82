// The installable CLI package (issue #18): `npm pack packages/cli` (its prepack builds the bundle with
// scripts/build-cli.mjs), install the tarball into an empty directory with no network (`--offline` works because
// the package has no runtime dependencies), and run lint, simulate and migrate there — on this Node (22) and on
// the machine's Node 20 when it has one (the package claims Node >= 20.19). DESIGN §4.2–4.3 shapes and exit codes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const NODE20 = '/usr/bin/node';

const MESH = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/dataplane-mode: ambient
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: client
  namespace: shop
spec:
  selector:
    matchLabels: { app: client }
  template:
    metadata:
      labels: { app: client }
    spec:
      containers:
        - name: c
          image: curl
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: { app: web }
  ports:
    - port: 80
      targetPort: 8080
`;

const DENY = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-client
  namespace: shop
spec:
  selector:
    matchLabels: { app: web }
  action: DENY
  rules:
    - from:
        - source:
            principals: [cluster.local/ns/shop/sa/default]
`;

// An L7 policy enforced by ztunnel (l7-policy-on-ztunnel) with an unknown field (schema).
const BAD = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: get-only
  namespace: shop
spec:
  selector:
    matchLabels: { app: web }
  action: ALLOW
  rules:
    - to:
        - operation:
            methods: [GET]
            bogus: 1
`;

// Sidecar-era config: an injected namespace and an L7 policy by selector, with the Service it fronts.
const SIDECAR = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: { app: web }
  ports:
    - name: http
      port: 80
      targetPort: 8080
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: web-get
  namespace: shop
spec:
  selector:
    matchLabels: { app: web }
  action: ALLOW
  rules:
    - to:
        - operation:
            methods: [GET]
`;

// A Service whose selector repeats its labels through an anchor, with an explicit tag: the fast reader leaves
// such documents to the `yaml` composer.
const ANCHORS = `apiVersion: v1
kind: Service
metadata:
  name: a
  namespace: shop
  labels: &labels !!map { app: web }
spec:
  selector: *labels
  ports:
    - port: 80
`;

let work = '';
let bin = '';

/** A Node 20 (>= 20.19, < 22) on this machine, if any: the package's lower bound. */
function node20(): string | undefined {
  if (!existsSync(NODE20)) return undefined;
  const v = spawnSync(NODE20, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
  const [major = 0, minor = 0] = v.split('.').map(Number);
  return major === 20 && minor >= 19 ? NODE20 : undefined;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ambient-atlas-pkg-'));
  const packDir = join(work, 'pack');
  const installDir = join(work, 'install');
  execFileSync('mkdir', ['-p', packDir, installDir]);
  // prepack runs scripts/build-cli.mjs, so this builds the bundle and packs it.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], {
      cwd: join(ROOT, 'packages', 'cli'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  const tarball = join(packDir, packed[0]!.filename);
  writeFileSync(join(installDir, 'package.json'), '{ "name": "consumer", "private": true }\n');
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], {
    cwd: installDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bin = join(installDir, 'node_modules', 'ambient-atlas', 'dist', 'ambient-atlas.mjs');
  for (const [name, text] of [
    ['mesh.yaml', MESH],
    ['deny.yaml', DENY],
    ['bad.yaml', BAD],
    ['sidecar.yaml', SIDECAR],
    ['anchors.yaml', ANCHORS],
  ] as const) {
    writeFileSync(join(installDir, name), text);
  }
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function cli(node: string, args: string[]) {
  const r = spawnSync(node, [bin, ...args], {
    cwd: join(work, 'install'),
    encoding: 'utf8',
    // No repository on the module path: only the installed package is there.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('installable CLI package (npm pack → npm install --offline → run)', () => {
  it('installs with no runtime dependencies and no Astro, Starlight, CodeMirror, xterm or Playwright', () => {
    const installed = readdirSync(join(work, 'install', 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(installed).toEqual(['ambient-atlas']);
    const manifest = JSON.parse(
      readFileSync(join(work, 'install', 'node_modules', 'ambient-atlas', 'package.json'), 'utf8'),
    ) as { dependencies?: object; engines: { node: string }; bin: Record<string, string> };
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.engines.node).toBe('>=20.19');
    expect(manifest.bin['ambient-atlas']).toBe('dist/ambient-atlas.mjs');
    expect(existsSync(join(work, 'install', 'node_modules', '.bin', 'ambient-atlas'))).toBe(true);
  });

  const nodes: [string, string | undefined][] = [
    [`Node ${process.versions.node} (this one)`, process.execPath],
    ['Node 20 (/usr/bin/node, >= 20.19)', node20()],
  ];
  for (const [label, node] of nodes) {
    describe(label, () => {
      it.skipIf(!node)('lint: JSON report, exit 0 clean / 1 with errors / 2 on a missing file', () => {
        const clean = cli(node!, ['lint', '--format', 'json', 'mesh.yaml']);
        expect(clean.stderr).toBe('');
        expect(clean.code).toBe(0);
        const ok = JSON.parse(clean.stdout) as { version: number; resources: number; findings: unknown[] };
        expect(ok).toMatchObject({ version: 1, resources: 4, summary: { error: 0 }, findings: [] });

        const bad = cli(node!, ['lint', '--format', 'json', 'bad.yaml']);
        expect(bad.code).toBe(1);
        const report = JSON.parse(bad.stdout) as {
          summary: { error: number };
          findings: { rule: string; severity: string; file: string; line: number; column: number; path: string }[];
        };
        expect(report.summary.error).toBe(2);
        expect(report.findings.map((f) => f.rule).sort()).toEqual(['l7-policy-on-ztunnel', 'schema']);
        const schema = report.findings.find((f) => f.rule === 'schema')!;
        expect(schema).toMatchObject({ severity: 'error', file: 'bad.yaml', line: 14, column: 13 });
        expect(schema.path).toBe('spec.rules[0].to[0].operation.bogus');
        expect(bad.stdout).toContain('"docs": "/validator/rules/schema/"');

        // The `yaml` composer, which the bundle loads on first use (scripts/build-cli.mjs).
        const anchors = cli(node!, ['lint', '--format', 'json', 'anchors.yaml']);
        expect(anchors.stderr).toBe('');
        expect(JSON.parse(anchors.stdout)).toMatchObject({ resources: 1, summary: { error: 0 } });

        const missing = cli(node!, ['lint', 'nope.yaml']);
        expect(missing.code).toBe(2);
        expect(missing.stderr).toContain('nope.yaml');
      });

      it.skipIf(!node)('keeps its compile cache in the user cache directory where Node has one (>= 22.1)', () => {
        const cacheHome = join(work, `cache-${label.split(' ')[1]}`);
        const r = spawnSync(node!, [bin, 'lint', 'mesh.yaml'], {
          cwd: join(work, 'install'),
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', XDG_CACHE_HOME: cacheHome },
        });
        expect(r.status).toBe(0);
        const hasApi = spawnSync(node!, ['-p', "typeof require('node:module').enableCompileCache"], {
          encoding: 'utf8',
        }).stdout.trim();
        const cache = join(cacheHome, 'ambient-atlas', 'compile-cache');
        expect(existsSync(cache) && readdirSync(cache).length > 0).toBe(hasApi === 'function');
      });

      it.skipIf(!node)('simulate: allowed (exit 0), denied at ztunnel (exit 1), unknown client (exit 2)', () => {
        const allowed = cli(node!, [
          'simulate',
          '--format',
          'json',
          '-f',
          'mesh.yaml',
          '--from',
          'shop/client',
          '--to',
          'web',
        ]);
        expect(allowed.stderr).toBe('');
        expect(allowed.code).toBe(0);
        expect(JSON.parse(allowed.stdout)).toMatchObject({
          version: 1,
          verdict: 'allowed',
          deniedAt: null,
          status: 200,
          waypoint: null,
          backends: [{ namespace: 'shop', service: 'web', port: 80, probability: 1 }],
        });

        const denied = cli(node!, [
          'simulate',
          '--format',
          'json',
          '-f',
          'mesh.yaml',
          '-f',
          'deny.yaml',
          '--from',
          'shop/client',
          '--to',
          'web',
        ]);
        expect(denied.code).toBe(1);
        expect(JSON.parse(denied.stdout)).toMatchObject({
          verdict: 'denied',
          deniedAt: 'ztunnel',
          status: null,
          decidedBy: { kind: 'AuthorizationPolicy', namespace: 'shop', name: 'deny-client' },
        });

        const unknown = cli(node!, ['simulate', '-f', 'mesh.yaml', '--from', 'shop/nobody', '--to', 'web']);
        expect(unknown.code).toBe(2);
      });

      it.skipIf(!node)('migrate: converts sidecar-era config (JSON output)', () => {
        const r = cli(node!, ['migrate', '-o', 'json', 'sidecar.yaml']);
        expect(r.code).toBe(0);
        const out = JSON.parse(r.stdout) as {
          version: number;
          manifests: { kind: string; metadata: { name: string; labels?: Record<string, string> } }[];
          findings: { rule: string }[];
        };
        expect(out.version).toBe(1);
        const ns = out.manifests.find((m) => m.kind === 'Namespace')!;
        expect(ns.metadata.labels?.['istio.io/dataplane-mode']).toBe('ambient');
        expect(out.manifests.some((m) => m.kind === 'Gateway')).toBe(true);
      });

      it.skipIf(!node)('lab list works without the optional packages; lab up names what to install (exit 3)', () => {
        const list = cli(node!, ['lab', 'list']);
        expect(list.code).toBe(0);
        expect(list.stdout).toContain('ambient-mtls');
        const up = cli(node!, ['lab', 'up', 'ambient-mtls']);
        expect(up.code).toBe(3);
        expect(up.stderr).toContain('testcontainers');
        expect(up.stderr).not.toContain('internal error');
      });
    });
  }
});
