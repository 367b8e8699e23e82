// src/lib/validator/schema/known-fields.gen.ts: for each kind the validator checks structurally, the tree of field
// names its @kubernetes-models type declares (the same package the ajv validators come from, so both follow the
// baseline line; line-deltas.ts adds what each version line changes). Run by `npm run gen`; the output is committed.
import { join } from 'node:path';
import ts from 'typescript';

export const OUTPUT = 'src/lib/validator/schema/known-fields.gen.ts';

const root = join(import.meta.dirname, '../..');
const nm = join(root, 'node_modules');

export function generate(): string {
  const ISTIO: [string, string, string[]][] = [
    ['security.istio.io', 'v1', ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']],
    ['security.istio.io', 'v1beta1', ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']],
    [
      'networking.istio.io',
      'v1',
      ['DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'VirtualService', 'WorkloadEntry', 'WorkloadGroup'],
    ],
    [
      'networking.istio.io',
      'v1beta1',
      [
        'DestinationRule',
        'Gateway',
        'ServiceEntry',
        'Sidecar',
        'VirtualService',
        'WorkloadEntry',
        'WorkloadGroup',
        'ProxyConfig',
      ],
    ],
    [
      'networking.istio.io',
      'v1alpha3',
      [
        'DestinationRule',
        'Gateway',
        'ServiceEntry',
        'Sidecar',
        'VirtualService',
        'WorkloadEntry',
        'WorkloadGroup',
        'EnvoyFilter',
      ],
    ],
    ['telemetry.istio.io', 'v1', ['Telemetry']],
    ['telemetry.istio.io', 'v1alpha1', ['Telemetry']],
    ['extensions.istio.io', 'v1alpha1', ['WasmPlugin']],
  ];
  const GATEWAY: [string, string[]][] = [
    [
      'v1',
      [
        'Gateway',
        'GatewayClass',
        'HTTPRoute',
        'GRPCRoute',
        'ReferenceGrant',
        'TLSRoute',
        'BackendTLSPolicy',
        'ListenerSet',
      ],
    ],
    ['v1beta1', ['Gateway', 'GatewayClass', 'HTTPRoute', 'ReferenceGrant']],
    ['v1alpha2', ['TCPRoute', 'UDPRoute', 'TLSRoute', 'GRPCRoute', 'ReferenceGrant']],
    ['v1alpha3', ['TLSRoute', 'BackendTLSPolicy']],
  ];
  const CORE: [string, string, string[]][] = [
    ['v1', 'v1', ['Namespace', 'Service', 'Pod', 'ServiceAccount', 'ConfigMap', 'Secret']],
    ['apps/v1', 'apps/v1', ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']],
    ['batch/v1', 'batch/v1', ['Job', 'CronJob']],
  ];

  const rows: { key: string; file: string; iface: string }[] = [];
  for (const [g, v, kinds] of ISTIO)
    for (const k of kinds)
      rows.push({
        key: `${g}/${v}|${k}`,
        file: join(nm, '@kubernetes-models/istio', g, v, `${k}.d.ts`),
        iface: `I${k}`,
      });
  for (const [v, kinds] of GATEWAY)
    for (const k of kinds)
      rows.push({
        key: `gateway.networking.k8s.io/${v}|${k}`,
        file: join(nm, '@kubernetes-models/gateway-api/gateway.networking.k8s.io', v, `${k}.d.ts`),
        iface: `I${k}`,
      });
  for (const [av, dir, kinds] of CORE)
    for (const k of kinds)
      rows.push({ key: `${av}|${k}`, file: join(nm, 'kubernetes-models', dir, `${k}.d.ts`), iface: `I${k}` });

  const program = ts.createProgram(
    rows.map((r) => r.file),
    {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
    },
  );
  const checker = program.getTypeChecker();

  type Node = [props: Record<string, number> | 0, mapValue: number, item: number];
  const nodes: Node[] = [];
  const nodeKey = new Map<string, number>();

  function members(t: ts.Type): ts.Type[] {
    // Unions and intersections both widen the set of allowed fields (the models encode oneOf as `A & (B | C)`);
    // taking the union of their fields never reports a field one of the variants allows.
    if (t.isUnion() || t.isIntersection()) return t.types.flatMap(members);
    if (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) return [];
    return [t];
  }

  const memoMany = new Map<string, number>();
  const typeIds = new Map<ts.Type, number>();
  const tid = (t: ts.Type): number => {
    let v = typeIds.get(t);
    if (v === undefined) typeIds.set(t, (v = typeIds.size));
    return v;
  };

  function visit(t: ts.Type, depth = 0): number {
    return visitMany(members(t), depth);
  }

  function visitMany(list: ts.Type[], depth: number): number {
    if (depth > 60 || !list.length) return -1;
    const uniq = [...new Set(list)];
    const key = uniq
      .map(tid)
      .sort((a, b) => a - b)
      .join(',');
    const cached = memoMany.get(key);
    if (cached !== undefined) return cached;
    if (uniq.some((p) => p.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return -1;
    const objects = uniq.filter((p) => p.flags & ts.TypeFlags.Object);
    // Scalars, or scalar/object mixes (IntOrString, branded strings): no field constraint.
    if (objects.length !== uniq.length) return -1;
    const id = nodes.length;
    nodes.push([0, -1, -1]);
    memoMany.set(key, id);
    const propTypes = new Map<string, ts.Type[]>();
    const mapTypes: ts.Type[] = [];
    const elems: ts.Type[] = [];
    let open = false;
    for (const o of objects) {
      if (checker.isArrayType(o) || checker.isTupleType(o)) {
        elems.push(...checker.getTypeArguments(o as ts.TypeReference).flatMap(members));
        continue;
      }
      const idx = checker.getIndexInfoOfType(o, ts.IndexKind.String);
      if (idx) {
        const m = members(idx.type);
        if (!m.length || m.some((x) => x.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) open = true;
        mapTypes.push(...m);
      }
      const ps = checker.getPropertiesOfType(o);
      if (!ps.length && !idx) open = true;
      for (const p of ps) {
        const decl = p.valueDeclaration ?? p.declarations?.[0];
        const pt = decl ? checker.getTypeOfSymbolAtLocation(p, decl) : checker.getDeclaredTypeOfSymbol(p);
        const l = propTypes.get(p.name) ?? [];
        l.push(...members(pt));
        propTypes.set(p.name, l);
      }
    }
    const item = elems.length ? visitMany(elems, depth + 1) : -1;
    const mapValue = mapTypes.length && !open ? visitMany(mapTypes, depth + 1) : -1;
    const props: Record<string, number> = {};
    for (const [name, types] of propTypes) props[name] = types.length ? visitMany(types, depth + 1) : -1;
    let node: Node;
    if (open) node = [0, -1, item];
    else if (propTypes.size) node = [props, mapValue, item];
    else if (mapTypes.length) node = [0, mapValue, item];
    else node = [0, -1, item];
    nodes[id] = node;
    return id;
  }

  const roots: Record<string, number> = {};
  for (const r of rows) {
    const sf = program.getSourceFile(r.file);
    if (!sf) throw new Error(`missing ${r.file}`);
    const mod = checker.getSymbolAtLocation(sf);
    const sym = mod && checker.getExportsOfModule(mod).find((s) => s.name === r.iface);
    if (!sym) throw new Error(`no ${r.iface} in ${r.file}`);
    roots[r.key] = visit(checker.getDeclaredTypeOfSymbol(sym));
  }

  // A node that constrains nothing (any keys, any values, any items: string maps such as labels, scalar lists) means
  // the same as -1 to the walk in fields.ts; referring to it as -1 saves the walk a visit per labels map and list.
  const trivial = (n: number): boolean => n >= 0 && nodes[n]![0] === 0 && nodes[n]![1] < 0 && nodes[n]![2] < 0;
  for (let changed = true; changed;) {
    changed = false;
    for (const node of nodes) {
      const p = node[0];
      if (p !== 0) for (const [name, c] of Object.entries(p)) if (trivial(c)) p[name] = -1;
      // Dropping a map value or item can make this node trivial in turn: go round again.
      if (trivial(node[1]) || trivial(node[2])) {
        if (trivial(node[1])) node[1] = -1;
        if (trivial(node[2])) node[2] = -1;
        changed = true;
      }
    }
  }
  for (const [key, r] of Object.entries(roots)) if (trivial(r)) roots[key] = -1;

  // Deduplicate identical nodes (many structurally equal inline types) to keep the file small.
  const canon: number[] = nodes.map((_, i) => i);
  let changed = true;
  while (changed) {
    changed = false;
    nodeKey.clear();
    for (let i = 0; i < nodes.length; i++) {
      if (canon[i] !== i) continue;
      const [p, m, it] = nodes[i]!;
      const c = (n: number) => (n < 0 ? n : canon[n]!);
      const k = JSON.stringify([
        p === 0
          ? 0
          : Object.entries(p)
              .map(([a, b]) => [a, c(b)])
              .sort(),
        c(m),
        c(it),
      ]);
      const prev = nodeKey.get(k);
      if (prev !== undefined && prev !== i) {
        canon[i] = prev;
        changed = true;
      } else nodeKey.set(k, i);
    }
    for (let i = 0; i < canon.length; i++) while (canon[canon[i]!] !== canon[i]) canon[i] = canon[canon[i]!]!;
  }
  // Only nodes a root reaches (the trivial ones above no longer are).
  const reached = new Set<number>();
  const reach = (n: number): void => {
    if (n < 0 || reached.has(canon[n]!)) return;
    reached.add(canon[n]!);
    const [p, m, it] = nodes[canon[n]!]!;
    if (p !== 0) Object.values(p).forEach(reach);
    reach(m);
    reach(it);
  };
  Object.values(roots).forEach(reach);
  const keep = [...reached].sort((a, b) => a - b);
  const renum = new Map(keep.map((old, i) => [old, i]));
  const r2 = (n: number) => (n < 0 ? n : renum.get(canon[n]!)!);
  const outNodes = keep.map((i) => {
    const [p, m, it] = nodes[i]!;
    return [p === 0 ? 0 : Object.fromEntries(Object.entries(p).map(([a, b]) => [a, r2(b)])), r2(m), r2(it)];
  });
  const outRoots = Object.fromEntries(Object.entries(roots).map(([k, v]) => [k, r2(v)]));

  return `// GENERATED by scripts/gen/known-fields.ts (npm run gen) from the @kubernetes-models type declarations. Do not edit.
// Node = [properties (name → node index) or 0 when any key is allowed, map value node, array item node]; -1 = anything.
import type { KnownNode } from './types.ts';

export const KNOWN_ROOTS: Readonly<Record<string, number>> = ${JSON.stringify(outRoots)};

export const KNOWN_NODES: readonly KnownNode[] = ${JSON.stringify(outNodes)};
`;
}
