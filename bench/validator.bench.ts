// lint() throughput on 20,000 generated resources, and its cost relative to a schema-only pass
// (parse + @kubernetes-models validation) over the same input. Targets (issue #3): ≥ 50,000 resources/s on one
// core, ≤ 1.5× the schema-only pass.
import { parseManifests } from '../src/lib/model/index.ts';
import { lint, lintParsed, RULES } from '../src/lib/validator/index.ts';
import { structuralValidator } from '../src/lib/validator/schema/validators.ts';
import type { Bench } from './harness.ts';

/** A realistic mesh: per namespace a Namespace, Deployments, Services, policies, routes and a waypoint. */
export function generate(target: number): { text: string; count: number } {
  const docs: string[] = [];
  let ns = 0;
  while (docs.length < target) {
    const n = `team-${ns++}`;
    docs.push(`apiVersion: v1
kind: Namespace
metadata:
  name: ${n}
  labels:
    istio.io/dataplane-mode: ambient
    istio.io/use-waypoint: waypoint`);
    docs.push(`apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: ${n}
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE`);
    for (let a = 0; a < 4; a++) {
      const app = `svc-${a}`;
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${n}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
        version: v1
    spec:
      serviceAccountName: ${app}
      containers:
      - name: ${app}
        image: registry.example/${app}:1.0
        ports:
        - containerPort: 8080`);
      docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: ${n}
spec:
  selector:
    app: ${app}
  ports:
  - name: http
    port: 80
    targetPort: 8080`);
      docs.push(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${app}-l4
  namespace: ${n}
spec:
  selector:
    matchLabels:
      app: ${app}
  action: ALLOW
  rules:
  - from:
    - source:
        principals:
        - cluster.local/ns/${n}/sa/waypoint
        - cluster.local/ns/${n}/sa/svc-${(a + 1) % 4}`);
      docs.push(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${app}-l7
  namespace: ${n}
spec:
  targetRefs:
  - kind: Service
    group: ""
    name: ${app}
  action: ALLOW
  rules:
  - to:
    - operation:
        methods: ["GET", "POST"]
        paths: ["/api/*"]`);
      docs.push(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${app}
  namespace: ${n}
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: ${app}
    port: 80
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /api
    backendRefs:
    - name: ${app}
      port: 80`);
    }
  }
  docs.length = target;
  return { text: `${docs.join('\n---\n')}\n`, count: target };
}

function schemaOnly(text: string): number {
  const { resources } = parseManifests({ file: 'bench.yaml', text });
  let errors = 0;
  for (const r of resources) {
    const v = structuralValidator(r.apiVersion, r.kind);
    if (v) errors += v(r.obj).length;
  }
  return errors;
}

/** CPU milliseconds of this process (all its threads, GC included) spent in fn. */
function cpuMs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/**
 * Best CPU time of interleaved runs of a and b. The machines are shared (load averages far above the core
 * count): CPU time ignores the waits for a core, and the best run is the one least disturbed by other work
 * competing for caches; interleaving spreads the remaining drift over both.
 */
function interleaved(a: () => void, b: () => void, runs: number): [number, number] {
  a();
  b();
  let ta = Infinity;
  let tb = Infinity;
  for (let i = 0; i < runs; i++) {
    ta = Math.min(ta, cpuMs(a));
    tb = Math.min(tb, cpuMs(b));
  }
  return [ta, tb];
}

/**
 * Runs per measurement. The machines are shared VMs with large run-to-run spread: on one afternoon the end-to-end
 * ratio came out 1.15–1.54× over five bench runs with the best of 7, and 1.25–1.35× over four with the best of 15.
 */
const RUNS = 15;

const median = (x: number[]): number => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!;

const bench: Bench = async () => {
  const { text, count } = generate(20_000);
  let report = lint({ file: 'bench.yaml', text });
  if (report.resources !== count) throw new Error(`expected ${count} resources, linted ${report.resources}`);

  // 1. End to end, as the CLI does it: lint() vs the schema-only pass, interleaved (the machine is shared).
  const [lintMs, schemaMs] = interleaved(
    () => {
      report = lint({ file: 'bench.yaml', text });
    },
    () => void schemaOnly(text),
    RUNS,
  );

  // 2. The same comparison from its parts, each measured in short interleaved slices so that load drift on a
  //    shared machine hits all parts alike: parse (P), @kubernetes-models validation (A), validator layer (L:
  //    schema + mesh + every rule on the parsed input). lint = P + L, schema-only = P + A.
  const parsed = parseManifests({ file: 'bench.yaml', text });
  const validateAll = () => {
    for (const r of parsed.resources) structuralValidator(r.apiVersion, r.kind)?.(r.obj);
  };
  let [P, A, L] = [Infinity, Infinity, Infinity];
  for (let i = 0; i < RUNS; i++) {
    P = Math.min(
      P,
      cpuMs(() => parseManifests({ file: 'bench.yaml', text })),
    );
    A = Math.min(A, cpuMs(validateAll));
    L = Math.min(
      L,
      cpuMs(() => lintParsed(parsed)),
    );
  }
  // For the record: what the fast reader saves over reading everything with `yaml` (positions for every node).
  const fullYaml = cpuMs(() => parseManifests({ file: 'bench.yaml', text }, { fastReader: false }));
  const partsRatio = (P + L) / (P + A);
  const e2eRatio = lintMs / schemaMs;
  const perSecond = Math.round(count / (lintMs / 1000));
  const layerPerSecond = Math.round(count / (L / 1000));
  const r2 = (x: number) => Math.round(x * 100) / 100;

  // 3. Worst case per document (issue #3: ≤ 100 ms per document): every rule example and the hostile inputs.
  const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++)
    bomb.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  let deep = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n';
  for (let d = 0; d < 1000; d++) deep += `${'  '.repeat(d + 1)}k${d}:\n`;
  const docs = [
    ...RULES.flatMap((r) => [...r.meta.examples.valid, ...r.meta.examples.invalid].map((e) => e.yaml)),
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${bomb.map((l) => `  ${l}`).join('\n')}\n`,
    deep,
    `a: ${'['.repeat(1000)}${']'.repeat(1000)}\n`,
  ];
  let worst = 0;
  for (const d of docs) {
    const n = Math.max(1, d.split(/^---$/m).length);
    const times = [0, 1, 2].map(() => {
      const t0 = performance.now();
      lint({ file: 'doc.yaml', text: d });
      return performance.now() - t0;
    });
    worst = Math.max(worst, median(times) / n);
  }
  return [
    {
      name: `validator: lint 20,000 resources end to end (parse + schema + rules; best CPU time of ${RUNS})`,
      value: perSecond,
      unit: 'resources/s',
      target: '≥ 50000',
      ok: perSecond >= 50_000,
    },
    {
      name: 'validator: lint vs schema-only pass, end to end (interleaved whole runs)',
      value: Math.round(lintMs),
      unit: 'ms',
      ratio: { value: r2(e2eRatio), against: `schema-only ${Math.round(schemaMs)} ms`, target: '≤ 1.5' },
      ok: e2eRatio <= 1.5,
    },
    {
      name: `validator: lint vs schema-only pass from parts (parse ${Math.round(P)} ms + layer ${Math.round(L)} ms vs parse + validate ${Math.round(A)} ms)`,
      value: Math.round(P + L),
      unit: 'ms',
      ratio: { value: r2(partsRatio), against: `schema-only ${Math.round(P + A)} ms`, target: '≤ 1.5' },
      ok: partsRatio <= 1.5,
    },
    {
      name: 'validator: schema + mesh + rules on parsed input (YAML parsing excluded)',
      value: layerPerSecond,
      unit: 'resources/s',
      target: '≥ 50000',
      ok: layerPerSecond >= 50_000,
    },
    {
      name: `validator: YAML reading, fast reader ${Math.round(P)} ms vs full yaml parse`,
      value: Math.round(fullYaml),
      unit: 'ms',
      ratio: { value: r2(fullYaml / P), against: 'fast reader' },
      ok: true,
    },
    {
      name: `validator: worst lint time per document (${docs.length} rule examples and hostile inputs)`,
      value: r2(worst),
      unit: 'ms',
      target: '≤ 100',
      ok: worst <= 100,
    },
    {
      name: 'validator: findings on the generated mesh (expected 0: it is a correct mesh)',
      value: report.findings.length,
      unit: 'findings',
      ok: report.findings.length === 0,
    },
  ];
};
export default bench;
