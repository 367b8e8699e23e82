// Issue #16: the simulator is restructured into named steps without changing a single trace. This harness records
// the full JSON text of the trace (key order included: the CLI prints it) of many requests, grouped by where the
// manifests come from, and compares each group's SHA-256 with the committed digest file. A group's digest changes
// only when some trace in it changed — on purpose (then regenerate, and say why in the commit) or by mistake.
//
// Regenerate: ATLAS_EQUIV_WRITE=1 npx vitest run tests/unit/simulator-equivalence.test.ts
//
// Requests: every case of tests/scenarios, every claim of the site examples, every request check of every lab
// state (labs/*/lab.ts), and a bounded all-pairs sweep (clients × destinations × request variants, on both Istio
// lines) over the scenario and what-if meshes, the lab states, the real corpus (../shared/real-corpus) and a
// generated mesh (bench/simulator.bench.ts).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { meshConfigInManifests, parseMeshConfig, isClientKind } from '../../src/lib/ambient/index.ts';
import type { MeshConfig } from '../../src/lib/ambient/index.ts';
import { requestOf } from '../../src/lib/expect/index.ts';
import { parseManifests } from '../../src/lib/model/index.ts';
import type { Resource, SourceInput } from '../../src/lib/model/types.ts';
import { buildMesh } from '../../src/lib/model/mesh.ts';
import { simulateIn } from '../../src/lib/simulator/index.ts';
import type { SimOptions, SimRequest } from '../../src/lib/simulator/index.ts';
import { EXAMPLES, exampleInputs } from '../../src/site/examples.ts';
import { loadLabs } from '../../labs/load.ts';
import { stepStates } from '../../labs/runner/state.ts';
import { meshYaml } from '../../bench/simulator.bench.ts';
import type { ScenarioCase } from '../scenarios/types.ts';
import { CORPUS_DIR, corpusFiles, corpusPresent } from '../corpus/real-corpus.ts';
// The require-jwt lab's signed tokens: real RS256 signatures, so the inline-jwks path is traced too.
import { LEARNER_TOKEN, TAMPERED_TOKEN } from '../../labs/require-jwt/tokens.ts';

const DIGEST_FILE = fileURLToPath(new URL('./simulator-equivalence.digest.json', import.meta.url));
const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));
const WHATIF = fileURLToPath(new URL('../scenarios/whatif/', import.meta.url));
const NOW = 1_800_000_000;
const WRITE = process.env.ATLAS_EQUIV_WRITE === '1';
/** ATLAS_EQUIV_DUMP=FILE also writes every trace, one a line, to diff two runs when a digest moves. */
const DUMP = process.env.ATLAS_EQUIV_DUMP;
const dumped: string[] = [];

/** One trace as text: the result, or the error the simulator threw (its class and message). */
type Job = { readonly resources: readonly Resource[]; readonly req: SimRequest; readonly opts?: SimOptions };

const meshes = new WeakMap<readonly Resource[], ReturnType<typeof buildMesh>>();
/** The mesh simulate() would build for these resources (the MeshConfig among them), once per resource list. */
function meshOf(resources: readonly Resource[], meshConfig: MeshConfig | undefined) {
  let m = meshes.get(resources);
  if (!m) {
    const rootNamespace = meshConfig?.rootNamespace;
    m = buildMesh(resources, {
      ...(rootNamespace ? { rootNamespace } : {}),
      ...(meshConfig ? { trustDomain: meshConfig.trustDomain } : {}),
    });
    meshes.set(resources, m);
  }
  return m;
}

async function trace(job: Job): Promise<string> {
  const meshConfig = job.opts?.meshConfig ?? meshConfigInManifests(job.resources);
  // A fresh options object: a mesh built with a different MeshConfig than the case's would not be the same trace.
  const mesh = job.opts?.meshConfig
    ? buildMesh(job.resources, {
        ...(meshConfig?.rootNamespace ? { rootNamespace: meshConfig.rootNamespace } : {}),
        ...(meshConfig ? { trustDomain: meshConfig.trustDomain } : {}),
      })
    : meshOf(job.resources, meshConfig);
  const opts: SimOptions = { nowSeconds: NOW, ...job.opts, ...(meshConfig ? { meshConfig } : {}) };
  try {
    return JSON.stringify(await simulateIn(mesh, job.req, opts));
  } catch (err) {
    return err instanceof Error ? `${err.name}: ${err.message}` : `thrown: ${String(err)}`;
  }
}

const LINES: readonly SimOptions[] = [{}, { istio: '1.30', gatewayApi: '1.5' }];
const VARIANTS: readonly Omit<SimRequest, 'from' | 'to'>[] = [
  {},
  { tcp: true },
  { method: 'post', path: '/admin/x?debug=1&a=%zz', headers: { 'X-User': 'admin', 'x-env': 'canary' } },
  { path: '/api/items', jwt: LEARNER_TOKEN },
  { path: '/productpage', jwt: TAMPERED_TOKEN, headers: { 'x-version': 'v2' } },
];

/** A bounded all-pairs sweep: who can call (workloads, ingress Gateways, external) × where (hosts, ports, pods). */
function sweep(resources: readonly Resource[], maxClients = 5, maxDests = 8): Job[] {
  const mesh = meshOf(resources, meshConfigInManifests(resources));
  const clients = [
    'external',
    ...mesh.workloads.filter((w) => isClientKind(w.kind)).map((w) => `${w.namespace}/${w.name}`),
    ...resources.filter((r) => r.kind === 'Gateway').map((r) => `${r.namespace}/${r.name}`),
  ].slice(0, maxClients + 1);
  const dests = [
    ...mesh.services.flatMap((s) => {
      const host = s.kind === 'Service' ? `${s.name}.${s.namespace}` : (s.hosts[0] ?? s.name);
      return s.ports.slice(0, 2).map((p) => `${host}:${p.port}`);
    }),
    ...mesh.workloads.slice(0, 3).map((w) => `pod/${w.namespace}/${w.name}`),
  ].slice(0, maxDests);
  const jobs: Job[] = [];
  for (const from of clients)
    for (const to of dests)
      for (const v of VARIANTS) for (const opts of LINES) jobs.push({ resources, req: { from, to, ...v }, opts });
  return jobs;
}

const parse = (inputs: SourceInput | readonly SourceInput[]) => parseManifests(inputs).resources;

function meshConfigOf(yaml: string): MeshConfig {
  const { config, errors } = parseMeshConfig(yaml);
  if (!config || errors.length) throw new Error(`bad scenario MeshConfig: ${errors.map((e) => e.message).join('; ')}`);
  return config;
}

/** Group name → the requests whose traces it hashes. */
async function groups(): Promise<Map<string, Job[]>> {
  const out = new Map<string, Job[]>();
  for (const name of readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.cases.ts'))
    .map((f) => f.slice(0, -'.cases.ts'.length))
    .sort()) {
    const resources = parse({ file: `${name}.yaml`, text: readFileSync(`${SCENARIOS}${name}.yaml`, 'utf8') });
    const { cases } = (await import(`../scenarios/${name}.cases.ts`)) as { cases: readonly ScenarioCase[] };
    const jobs: Job[] = cases.map((c) => ({
      resources,
      req: c.request,
      opts: {
        ...(c.istio ? { istio: c.istio } : {}),
        ...(c.gatewayApi ? { gatewayApi: c.gatewayApi } : {}),
        ...(c.meshConfig ? { meshConfig: meshConfigOf(c.meshConfig) } : {}),
      },
    }));
    out.set(`scenario ${name}`, [...jobs, ...sweep(resources)]);
  }
  for (const f of readdirSync(WHATIF)
    .filter((f) => f.endsWith('.yaml'))
    .sort())
    out.set(`whatif ${f}`, sweep(parse({ file: f, text: readFileSync(`${WHATIF}${f}`, 'utf8') })));
  for (const ex of [...EXAMPLES.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const resources = parse(exampleInputs(ex));
    const claims = ex.expect.claims.map((c) => ({ resources, req: requestOf(c) }));
    out.set(`example ${ex.name}`, [...claims, ...(ex.name.startsWith('base/') ? [] : sweep(resources, 6, 12))]);
  }
  for (const { lab, manifests } of loadLabs()) {
    const states = stepStates(lab, (ref) => manifests.get(ref)!);
    const jobs: Job[] = [];
    lab.steps.forEach((step, i) => {
      const resources = states[i + 1]!.resources;
      for (const c of step.checks) if (c.type === 'request') jobs.push({ resources, req: requestOf(c) });
      jobs.push(...sweep(resources, 6, 10));
    });
    out.set(`lab ${lab.id}`, jobs);
  }
  const generated = parse({ file: 'generated.yaml', text: meshYaml(0, 3) });
  const g: Job[] = sweep(generated, 6, 10);
  for (const ns of ['ns0', 'ns1'])
    for (const [from, to, extra] of [
      [`${ns}/svc1`, `svc0.${ns}`, { path: '/api/items' }],
      [`${ns}/svc1`, `svc0.${ns}`, { path: '/admin' }],
      [`${ns}/svc1`, `svc0.${ns}`, { method: 'DELETE', path: '/api/x' }],
      [`${ns}/svc2`, `svc1.${ns}`, {}],
      [`${ns}/svc2`, `svc1.${ns}:80`, { tcp: true }],
      [`${ns}/svc3`, `pod/${ns}/svc2:9090`, {}],
      ['external', `svc3.${ns}`, {}],
    ] as const)
      g.push({ resources: generated, req: { from, to, ...extra } });
  out.set('generated bench mesh', g);
  return out;
}

function corpusGroups(): Map<string, Job[]> {
  const out = new Map<string, Job[]>();
  for (const { file } of corpusFiles()) {
    const resources = parse({ file, text: readFileSync(`${CORPUS_DIR}${file}`, 'utf8') });
    out.set(`corpus ${file}`, sweep(resources, 5, 8));
  }
  // Many corpus files hold only routes or only Services: each directory's files together make a mesh to sweep too.
  const dirs = new Map<string, string[]>();
  for (const { file } of corpusFiles()) {
    const dir = file.slice(0, file.lastIndexOf('/'));
    dirs.set(dir, [...(dirs.get(dir) ?? []), file]);
  }
  for (const [dir, files] of dirs) {
    if (files.length < 2) continue;
    const resources = parse(files.map((file) => ({ file, text: readFileSync(`${CORPUS_DIR}${file}`, 'utf8') })));
    out.set(`corpus-dir ${dir}`, sweep(resources, 5, 10));
  }
  return out;
}

const inputHashes = new WeakMap<readonly Resource[], string>();
/** What a group's traces are computed from: its objects (as parsed), requests and options. */
function inputHash(jobs: readonly Job[]): string {
  const h = createHash('sha256');
  for (const j of jobs) {
    let r = inputHashes.get(j.resources);
    if (r === undefined) {
      const text = JSON.stringify(j.resources.map((x) => [x.apiVersion, x.kind, x.namespace, x.name, x.obj]));
      inputHashes.set(j.resources, (r = createHash('sha256').update(text).digest('hex')));
    }
    h.update(`${r} ${JSON.stringify(j.req)} ${JSON.stringify(j.opts ?? {})}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

/** `count input-hash trace-hash` for one group. */
async function digest(group: string, jobs: readonly Job[]): Promise<string> {
  const h = createHash('sha256');
  for (const j of jobs) {
    const line = `${JSON.stringify(j.req)} ${JSON.stringify(j.opts ?? {})}\n${await trace(j)}\n`;
    h.update(line);
    if (DUMP) dumped.push(`${group} ${line}`);
  }
  return `${jobs.length} ${inputHash(jobs)} ${h.digest('hex').slice(0, 32)}`;
}

const recorded: Record<string, string> = existsSync(DIGEST_FILE)
  ? (JSON.parse(readFileSync(DIGEST_FILE, 'utf8')) as Record<string, string>)
  : {};
const present = corpusPresent();
if (!present) console.log(`simulator-equivalence: corpus groups skipped, ${CORPUS_DIR} not found (../shared)`);

describe('simulator traces are unchanged (issue #16 equivalence)', () => {
  it('every group hashes to its recorded digest', async () => {
    const all = await groups();
    if (present) for (const [k, v] of corpusGroups()) all.set(k, v);
    const got = new Map<string, string>();
    for (const [name, jobs] of all) got.set(name, await digest(name, jobs));
    const total = [...all.values()].reduce((n, j) => n + j.length, 0);
    expect(total).toBeGreaterThan(5000);
    if (DUMP) writeFileSync(DUMP, dumped.join(''));
    if (WRITE) {
      // Corpus groups stay as recorded when the corpus is absent: a clone without ../shared must not drop them.
      const corpus = Object.entries(recorded).filter(([k]) => k.startsWith('corpus'));
      const merged = { ...(present ? {} : Object.fromEntries(corpus)), ...Object.fromEntries(got) };
      const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
      writeFileSync(DIGEST_FILE, JSON.stringify(sorted, null, 1) + '\n');
      return;
    }
    // A group added since the digest was written (a new lab, example or corpus file) has nothing to compare with,
    // and one whose input changed (someone edited the example, lab or corpus file) is not comparable: both are
    // named, and covered again once the digest is regenerated. Same input, different traces: that is the failure.
    const inputOf = (v: string | undefined) => v?.split(' ').slice(0, 2).join(' ');
    const fresh = [...got.keys()].filter((k) => recorded[k] === undefined);
    const edited = [...got].filter(([k, v]) => recorded[k] !== undefined && inputOf(recorded[k]) !== inputOf(v));
    if (!WRITE && fresh.length) console.log(`simulator-equivalence: not recorded yet: ${fresh.join(', ')}`);
    if (!WRITE && edited.length)
      console.log(`simulator-equivalence: input changed, not compared: ${edited.map(([k]) => k).join(', ')}`);
    const changed = [...got]
      .filter(([k, v]) => recorded[k] !== undefined && inputOf(recorded[k]) === inputOf(v) && recorded[k] !== v)
      .map(([k, v]) => `${k}: ${recorded[k]} → ${v}`);
    // A group that is gone (a lab or example removed) is named too. Most recorded groups must stay comparable, or
    // the harness proves nothing.
    const considered = Object.keys(recorded).filter((k) => present || !k.startsWith('corpus'));
    const missing = considered.filter((k) => !got.has(k));
    if (missing.length) console.log(`simulator-equivalence: recorded but gone: ${missing.join(', ')}`);
    const comparable = considered.filter((k) => got.has(k) && inputOf(recorded[k]) === inputOf(got.get(k)));
    expect(comparable.length).toBeGreaterThan(considered.length * 0.8);
    expect(changed).toEqual([]);
  }, 600_000);
});
