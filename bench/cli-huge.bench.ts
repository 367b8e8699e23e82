// Huge input on the CLI (DESIGN §4.5b, issue #18): `npm run bench cli-huge`. Writes a 200 MB dump shaped like
// `kubectl get -A -o yaml` (ONE `kind: List` document, items at column 0, every object with the bulk a real
// cluster adds: last-applied-configuration, managedFields, uid, resourceVersion, status; besides the mesh's own
// objects, the Pods and ConfigMaps that make up most of a real dump) and lints it with the repository CLI, whole
// process, reading it from a file and from stdin. Prints wall time, peak RSS and resources/s, and peak RSS against
// the input size and against the issue's goal (≤ 1 GiB; memory is bounded by the largest document plus the kept
// model, src/cli/lint-stream.ts). The dump is generated in a stream, never held in memory here.
// Set CLI_HUGE_MB to change the size (e.g. 50 for a quick run), CLI_HUGE_VIA=file|stdin to run one of the two.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchResult } from './harness.ts';
import { generate } from './validator.bench.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';

/** What a live object carries besides its spec (sizes as in a real `kubectl get -o yaml`). */
function bulk(doc: string, i: number): string {
  const json = JSON.stringify({ note: 'x'.repeat(700), index: i });
  const meta = [
    '  annotations:',
    '    kubectl.kubernetes.io/last-applied-configuration: |',
    `      ${json}`,
    '  creationTimestamp: "2026-11-02T10:00:00Z"',
    '  generation: 1',
    '  managedFields:',
    ...Array.from({ length: 3 }, (_, m) => [
      '  - apiVersion: v1',
      '    fieldsType: FieldsV1',
      '    fieldsV1:',
      '      f:metadata:',
      '        f:annotations:',
      '          .: {}',
      '          f:kubectl.kubernetes.io/last-applied-configuration: {}',
      '        f:labels:',
      '          .: {}',
      `          f:app${m}: {}`,
      '      f:spec:',
      '        f:replicas: {}',
      `    manager: kubectl-client-side-apply-${m}`,
      '    operation: Update',
      '    time: "2026-11-02T10:00:00Z"',
    ]).flat(),
    `  resourceVersion: "${100000 + i}"`,
    `  uid: 00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  ].join('\n');
  const withMeta = doc.replace('\nmetadata:\n', `\nmetadata:\n${meta}\n`);
  // A ConfigMap has no status; a Pod brings its own.
  return doc.includes('\nstatus:\n') || doc.includes('\nkind: ConfigMap\n') ? withMeta : `${withMeta}\nstatus: {}`;
}

/** The Pods a Deployment runs and a ConfigMap beside it, as a live cluster lists them. */
function workloadObjects(doc: string, i: number): string[] {
  const ns = /\n {2}namespace: (\S+)/.exec(doc)?.[1];
  const app = /\n {2}name: (\S+)/.exec(doc)?.[1];
  if (!doc.startsWith('apiVersion: apps/v1\nkind: Deployment') || !ns || !app) return [];
  const pods = [0, 1].map(
    (p) => `apiVersion: v1
kind: Pod
metadata:
  name: ${app}-7d9f8c6b5-${p}x${i}
  namespace: ${ns}
  labels:
    app: ${app}
    version: v1
    pod-template-hash: 7d9f8c6b5
  ownerReferences:
  - apiVersion: apps/v1
    kind: ReplicaSet
    name: ${app}-7d9f8c6b5
    uid: 00000000-0000-4000-9000-${String(i).padStart(12, '0')}
    controller: true
spec:
  serviceAccountName: ${app}
  nodeName: node-${i % 50}
  containers:
  - name: ${app}
    image: registry.example/${app}:1.0
    ports:
    - containerPort: 8080
      protocol: TCP
    resources:
      requests:
        cpu: 100m
        memory: 128Mi
status:
  phase: Running
  podIP: 10.${(i >> 8) & 255}.${i & 255}.${p + 1}
  conditions:
  - type: Ready
    status: "True"
    lastTransitionTime: "2026-11-02T10:00:00Z"
  containerStatuses:
  - name: ${app}
    ready: true
    restartCount: 0
    image: registry.example/${app}:1.0
    imageID: registry.example/${app}@sha256:${'ab'.repeat(32)}`,
  );
  const config = `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app}-config
  namespace: ${ns}
data:
  application.yaml: |
${Array.from({ length: 12 }, (_, k) => `    setting${k}: value-${k}-${i}`).join('\n')}`;
  return [...pods, config];
}

/**
 * Writes a `kubectl get -A -o yaml` shaped dump of about `bytes` to `path`; every `findingEvery`-th object gets a
 * schema finding (an unknown metadata field). Returns the number of objects.
 */
export function writeListDump(path: string, bytes: number, findingEvery: number): number {
  const fd = openSync(path, 'w');
  let written = 0;
  let count = 0;
  const out = (s: string) => {
    written += writeSync(fd, s);
  };
  try {
    out('apiVersion: v1\nitems:\n');
    const docs = generate(2000).text.trimEnd().split('\n---\n');
    const item = (doc: string) => {
      const lines = doc.split('\n');
      out(
        `- ${lines[0]}\n${lines
          .slice(1)
          .map((l) => `  ${l}`)
          .join('\n')}\n`,
      );
      count++;
    };
    for (let i = 0; written < bytes; i++) {
      const base = docs[i % docs.length]!.replaceAll('team-', `team-${Math.floor(i / docs.length)}-`);
      let doc = bulk(base, i);
      if (findingEvery && i % findingEvery === 0) doc = doc.replace('\nmetadata:\n', '\nmetadata:\n  labelz: {}\n');
      item(doc);
      for (const extra of workloadObjects(base, i)) item(bulk(extra, i));
    }
    out('kind: List\nmetadata:\n  resourceVersion: ""\n');
  } finally {
    closeSync(fd);
  }
  return count;
}

interface Run {
  readonly wallMs: number;
  /** User + system CPU: on a shared, loaded machine the wall time is mostly waiting for a core. */
  readonly cpuMs: number;
  readonly rssKiB: number;
  readonly code: number | null;
  readonly stdout: string;
}

function run(args: string[], stdinFile?: string): Run {
  const shell = stdinFile !== undefined;
  const cmd = shell
    ? `${TIME} -f '__T %e %U %S %M' ${JSON.stringify(process.execPath)} bin/ambient-atlas.mjs ${args.join(' ')} < ${JSON.stringify(stdinFile)}`
    : TIME;
  const r = spawnSync(cmd, shell ? [] : ['-f', '__T %e %U %S %M', process.execPath, 'bin/ambient-atlas.mjs', ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    shell,
    maxBuffer: 256 * 1024 * 1024,
  });
  const line = r.stderr.split('\n').find((l) => l.startsWith('__T '));
  if (!line) throw new Error(`no timing from ${TIME}: ${r.stderr.slice(0, 500)}`);
  const [wall, user, sys, rss] = line.slice(4).split(' ').map(Number);
  return { wallMs: wall! * 1000, cpuMs: (user! + sys!) * 1000, rssKiB: rss!, code: r.status, stdout: r.stdout };
}

const bench: Bench = async () => {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed for whole-process timings`);
  const mb = Number(process.env.CLI_HUGE_MB ?? 200);
  const work = mkdtempSync(join(tmpdir(), 'ambient-atlas-huge-'));
  const results: BenchResult[] = [];
  try {
    const dump = join(work, 'cluster-dump.yaml');
    const count = writeListDump(dump, mb * 1024 * 1024, 5);
    const size = statSync(dump).size;
    // One run after the other, each result also on stderr as soon as it is known: a run of
    // a 200 MB dump takes minutes on a loaded machine. CLI_HUGE_VIA=file|stdin runs only one of them.
    const via = process.env.CLI_HUGE_VIA;
    const hows = (['file', 'stdin'] as const).filter((h) => !via || via === h);
    for (const how of hows) {
      const r = how === 'file' ? run(['lint', '--format', 'json', dump]) : run(['lint', '--format', 'json', '-'], dump);
      process.stderr.write(
        `cli-huge ${how}: exit ${r.code}, ${r.wallMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU, ` +
          `peak RSS ${(r.rssKiB / 1024).toFixed(0)} MiB, input ${(size / 2 ** 20).toFixed(0)} MiB, ${count} objects\n`,
      );
      if (r.code !== 1) throw new Error(`lint of the dump (${how}) exited ${r.code}, expected 1 (it has findings)`);
      const report = JSON.parse(r.stdout) as { resources: number; summary: { error: number } };
      if (report.resources !== count)
        throw new Error(`lint (${how}) read ${report.resources} resources of the dump's ${count}`);
      results.push(
        {
          name: `lint a ${(size / 2 ** 20).toFixed(0)} MiB kubectl List dump (${count.toLocaleString('en-US')} objects, ${report.summary.error.toLocaleString('en-US')} errors) from ${how}`,
          value: r.wallMs,
          unit:
            `ms wall (${Math.round(r.cpuMs).toLocaleString('en-US')} ms CPU); ` +
            `${Math.round(count / (r.wallMs / 1000)).toLocaleString('en-US')} resources/s end to end, ` +
            `${Math.round(count / (r.cpuMs / 1000)).toLocaleString('en-US')} per CPU second`,
        },
        {
          name: `peak RSS, ${how} (goal ≤ 1 GiB for 100,000 resources)`,
          value: r.rssKiB / 1024,
          unit: `MiB (${((r.rssKiB * 1024) / size).toFixed(2)}× the input size)`,
          ratio: { value: r.rssKiB / 2 ** 20, against: '1 GiB', target: '≤ 1' },
          ok: r.rssKiB <= 2 ** 20,
        },
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
};
export default bench;
