/**
 * `kubectl` for the virtual cluster: apply (with the validator as admission), get, describe, delete, label,
 * create namespace, exec (curl answered by the simulator). Output follows kubectl's wording and table layout.
 */
import { stringify } from 'yaml';
import { parseManifests } from '../model/parse.ts';
import type { JsonObject, JsonValue, SourceInput } from '../model/types.ts';
import type { LintReport } from '../validator/finding.ts';
import {
  clusterText,
  keyOf,
  kindOf,
  labelsOf,
  meshOf,
  metaOf,
  nameOf,
  namespaceOf,
  podsOf,
  withStatus,
} from './cluster.ts';
import type { StoredObject } from './cluster.ts';
import { curl } from './curl.ts';
import { FlagError, flag, flagAll, has, parseFlags } from './flags.ts';
import type { FlagSpec } from './flags.ts';
import { age, customColumns, jsonPath, jsonPathText, table } from './format.ts';
import { ANNOTATION_SIDECAR_STATUS } from '../ambient/labels.ts';
import { KINDS, kindInfo, qualifiedName, resolveType, resourceName, roleOf } from '../ambient/kinds.ts';
import type { KindInfo } from '../ambient/kinds.ts';
import { findFile } from './session.ts';
import type { Io, Session } from './session.ts';

const COMMON: FlagSpec = {
  namespace: { short: 'n', value: true },
  'all-namespaces': { short: 'A', value: false },
  output: { short: 'o', value: true },
  selector: { short: 'l', value: true },
  filename: { short: 'f', value: true, repeat: true },
  'show-labels': { value: false },
  overwrite: { value: false },
  all: { value: false },
  container: { short: 'c', value: true },
  stdin: { short: 'i', value: false },
  tty: { short: 't', value: false },
  'dry-run': { value: true },
  wait: { value: false },
  'server-side': { value: false },
  force: { value: false },
  'grace-period': { value: true },
  now: { value: false },
  quiet: { short: 'q', value: false },
  'ignore-not-found': { value: false },
  timeout: { value: true },
  help: { short: 'h', value: false },
};

export const KUBECTL_SUBCOMMANDS = [
  'apply',
  'get',
  'describe',
  'delete',
  'label',
  'exec',
  'create',
  'version',
  'config',
  'api-resources',
];

const KUBECTL_HELP = `kubectl controls the (virtual) Kubernetes cluster.

Supported here:
  kubectl apply -f FILE | -f -            apply manifests (the validator runs as admission)
  kubectl get TYPE [NAME...] [-n NS|-A] [-l k=v] [-o wide|yaml|json|name|jsonpath=…|custom-columns=…]
  kubectl describe TYPE [NAME...] [-n NS]
  kubectl delete TYPE NAME... [-n NS] | -f FILE
  kubectl label TYPE NAME key=value... [key-] [--overwrite]
  kubectl create namespace NAME
  kubectl exec [-n NS] deploy/NAME -- curl [-s] [-S] [-i] [-X METHOD] [-H 'k: v'] [-o FILE] [-w FMT] URL
  kubectl api-resources
`;

export async function kubectl(s: Session, argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'apply':
        return apply(s, rest, io, await loadLint(s));
      case 'get':
        return get(s, rest, io);
      case 'describe':
        return describe(s, rest, io);
      case 'delete':
        return del(s, rest, io);
      case 'label':
        return label(s, rest, io);
      case 'create':
        return await create(s, rest, io);
      case 'exec':
        return await exec(s, rest, io);
      case 'api-resources':
        return apiResources(io);
      case 'version':
        io.out('Client Version: v1.34.0\nServer Version: v1.34.0 (Ambient Atlas virtual cluster)\n');
        return 0;
      case 'config':
        io.out(
          rest[0] === 'current-context'
            ? 'ambient-atlas-virtual\n'
            : 'the virtual cluster has one context: ambient-atlas-virtual\n',
        );
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(KUBECTL_HELP);
        return 0;
      default:
        io.err(
          `error: unknown command "${sub}" for "kubectl"\n\nThe virtual cluster supports: ${KUBECTL_SUBCOMMANDS.join(', ')}. Run 'kubectl help' for usage.\n`,
        );
        return 1;
    }
  } catch (err) {
    if (err instanceof FlagError || err instanceof UserError) {
      io.err(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

class UserError extends Error {}

function currentNs(s: Session, p: ReturnType<typeof parseFlags>): string {
  return flag(p, 'namespace') ?? s.env['KUBECTL_NAMESPACE'] ?? 'default';
}

// ── apply ─────────────────────────────────────────────────────────────────────────────────────────

function readInputs(s: Session, p: ReturnType<typeof parseFlags>, io: Io): SourceInput[] | undefined {
  const files = flagAll(p, 'filename');
  if (!files.length) {
    io.err('error: must specify one of -f and -k\n');
    return undefined;
  }
  const inputs: SourceInput[] = [];
  for (const f of files) {
    if (f === '-') {
      inputs.push({ file: 'STDIN', text: io.stdin });
      continue;
    }
    if (/^https?:\/\//.test(f)) {
      io.err(
        `error: the virtual cluster cannot download ${f}; paste the YAML with a here-document (kubectl apply -f - <<EOF … EOF)\n`,
      );
      return undefined;
    }
    const hit = findFile(s.ctx, f);
    if (!hit) {
      io.err(`error: the path "${f}" does not exist (run \`ls\` to see the manifests this lab provides)\n`);
      return undefined;
    }
    inputs.push({ file: f, text: hit.text });
  }
  return inputs;
}

type LintFn = (inputs: readonly SourceInput[]) => LintReport;

/** The validator is the biggest part of the shell (schemas): load it on the first apply, not when the page opens. */
async function loadLint(s: Session): Promise<LintFn> {
  const { lint } = await import('../validator/lint.ts');
  return (inputs) => lint(inputs, s.ctx.versions?.() ?? {});
}

/** `kubectl apply` of the lab's own setup manifests: trusted, so no admission (and no validator to load). */
export function applyTrusted(s: Session, argv: string[], io: Io): number {
  return apply(s, argv, io, undefined);
}

function apply(s: Session, argv: string[], io: Io, lint: LintFn | undefined): number {
  const p = parseFlags(argv, COMMON);
  const inputs = readInputs(s, p, io);
  if (!inputs) return 1;
  const nsFlag = flag(p, 'namespace');
  const defaultNs = currentNs(s, p);
  const dryRun = flag(p, 'dry-run');
  let code = 0;
  for (const input of inputs) {
    const { resources, issues } = parseManifests(input);
    const syntax = issues.find((i) => i.rule === 'yaml-syntax' && i.severity === 'error');
    if (syntax) {
      io.err(
        `error: error parsing ${input.file}: error converting YAML to JSON: yaml: line ${syntax.range.line}: ${syntax.message}\n`,
      );
      code = 1;
      continue;
    }
    if (!resources.length) {
      io.err(`error: no objects passed to apply\n`);
      code = 1;
      continue;
    }
    // Normalise namespaces the way the API server would see them.
    const incoming: { obj: StoredObject; info: KindInfo; seq: number }[] = [];
    for (const r of resources) {
      const info = kindInfo(r.kind);
      if (!info || info.virtual || !info.apiVersions.includes(r.apiVersion)) {
        io.err(
          `error: resource mapping not found for name: "${r.name}" namespace: "${r.namespaceExplicit ? r.namespace : ''}" from "${input.file}": no matches for kind "${r.kind}" in version "${r.apiVersion}"\nensure CRDs are installed first\n`,
        );
        code = 1;
        continue;
      }
      if (!r.name) {
        io.err(
          `error: error when retrieving current configuration from "${input.file}": resource name may not be empty\n`,
        );
        code = 1;
        continue;
      }
      const meta: JsonObject = { ...metaOf(r.obj) };
      if (info.namespaced) {
        if (r.namespaceExplicit && nsFlag && r.namespace !== nsFlag) {
          io.err(
            `error: the namespace from the provided object "${r.namespace}" does not match the namespace "${nsFlag}". You must pass '--namespace=${r.namespace}' to perform this operation.\n`,
          );
          code = 1;
          continue;
        }
        meta['namespace'] = r.namespaceExplicit ? r.namespace : defaultNs;
      } else delete meta['namespace'];
      incoming.push({ obj: { ...r.obj, metadata: meta }, info, seq: r.seq });
    }
    if (!incoming.length) continue;

    // Admission: the validator over the cluster as it would be after this apply.
    const replaced = new Set(incoming.map((x) => keyOf(x.obj)));
    const others = s.objects.filter((o) => !replaced.has(keyOf(o)));
    const positionsValid = resources.every(
      (r) => !incoming.some((x) => x.seq === r.seq) || r.namespaceExplicit || !nsFlag,
    );
    const linted: SourceInput = positionsValid
      ? input
      : { file: input.file, text: clusterText(incoming.map((x) => x.obj)) };
    const report = lint?.([{ file: '(cluster)', text: clusterText(others) }, linted]);
    const findings = (report?.findings ?? []).filter((f) => f.file === input.file);
    const key = (k: string, ns: string | undefined, n: string) => `${k}|${ns ?? ''}|${n}`;

    let objects = s.objects;
    const pendingNamespaces = new Set<string>();
    for (const { obj, info } of incoming) {
      const ns = namespaceOf(obj);
      const name = nameOf(obj);
      const mine = findings.filter(
        (f) =>
          f.resource &&
          f.resource.kind === info.kind &&
          f.resource.name === name &&
          (!info.namespaced || f.resource.namespace === ns),
      );
      const invalid = mine.filter((f) => f.rule === 'schema' && f.severity === 'error');
      if (invalid.length) {
        io.err(
          `The ${info.kind} "${name}" is invalid: ${invalid.map((f) => `${f.path || '(root)'}: ${f.message}`).join(', ')}\n`,
        );
        code = 1;
        continue;
      }
      if (
        info.namespaced &&
        ns &&
        !pendingNamespaces.has(ns) &&
        !objects.some((o) => kindOf(o) === 'Namespace' && nameOf(o) === ns)
      ) {
        io.err(`Error from server (NotFound): error when creating "${input.file}": namespaces "${ns}" not found\n`);
        code = 1;
        continue;
      }
      for (const f of mine) {
        if (f.rule === 'schema' && f.severity === 'error') continue;
        const where = positionsValid && input.file !== '(cluster)' ? ` (${input.file}:${f.line}:${f.column})` : '';
        io.err(`Warning: [${f.rule}] ${f.message}${where}\n`);
      }
      if (info.kind === 'Namespace') pendingNamespaces.add(name);
      const k = key(info.kind, ns, name);
      const idx = objects.findIndex((o) => keyOf(o) === k);
      let verb: string;
      if (idx < 0) {
        const created: StoredObject = {
          ...obj,
          metadata: { ...metaOf(obj), creationTimestamp: new Date(s.now).toISOString() },
        };
        if (!dryRun || dryRun === 'none') objects = [...objects, created];
        verb = 'created';
      } else {
        const prev = objects[idx]!;
        // Labels/annotations merge (kubectl's three-way merge keeps what `kubectl label` added); the rest is replaced.
        const prevMeta = metaOf(prev);
        const meta: JsonObject = {
          ...metaOf(obj),
          creationTimestamp: prevMeta['creationTimestamp'] ?? new Date(s.now).toISOString(),
        };
        const mergedLabels = { ...labelsOf(prev), ...labelsOf(obj) };
        if (Object.keys(mergedLabels).length) meta['labels'] = mergedLabels;
        const prevAnn = prevMeta['annotations'];
        const ann = metaOf(obj)['annotations'];
        if (prevAnn || ann) meta['annotations'] = { ...(isObj(prevAnn) ? prevAnn : {}), ...(isObj(ann) ? ann : {}) };
        const next: StoredObject = { ...obj, metadata: meta };
        const same = JSON.stringify(next) === JSON.stringify(prev);
        verb = same ? 'unchanged' : 'configured';
        if (!same && (!dryRun || dryRun === 'none')) objects = objects.map((o, i) => (i === idx ? next : o));
      }
      io.out(
        `${qualifiedName(info, name)} ${verb}${dryRun && dryRun !== 'none' ? ` (${dryRun === 'server' ? 'server ' : ''}dry run)` : ''}\n`,
      );
    }
    s.objects = objects;
  }
  return code;
}

function isObj(v: JsonValue | undefined): v is JsonObject {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

// ── get ───────────────────────────────────────────────────────────────────────────────────────────

function parseSelector(sel: string | undefined): ((labels: Record<string, string>) => boolean) | undefined {
  if (!sel) return undefined;
  const parts = sel
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const tests = parts.map((part) => {
    let m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (m) {
      const [, k, op, v] = m;
      return (l: Record<string, string>) => (op === '!=' ? l[k!] !== v : l[k!] === v);
    }
    m = /^!([^\s]+)$/.exec(part);
    if (m) return (l: Record<string, string>) => !(m![1]! in l);
    m = /^([^\s]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const vals = m[3]!.split(',').map((v) => v.trim());
      return (l: Record<string, string>) =>
        m![2] === 'in' ? vals.includes(l[m![1]!] ?? '\0') : !vals.includes(l[m![1]!] ?? '\0');
    }
    if (/^[A-Za-z0-9./_-]+$/.test(part)) return (l: Record<string, string>) => part in l;
    throw new UserError(`unable to parse requirement: invalid label selector "${sel}"`);
  });
  return (labels) => tests.every((t) => t(labels));
}

function objectsOfType(s: Session, info: KindInfo): JsonObject[] {
  if (info.kind === 'Pod') return podsOf(s.objects).map((p) => p.object);
  return s.objects
    .filter(
      (o) => kindOf(o) === info.kind && String(o['apiVersion'] ?? '').startsWith(info.group ? `${info.group}/` : 'v'),
    )
    .filter((o) => info.group !== '' || !String(o['apiVersion']).includes('/'))
    .map((o) => withStatus(o, s.objects));
}

/** Parse `TYPE NAME…`, `TYPE/NAME…` and `TYPE1,TYPE2`; return what to list. */
function targets(positionals: string[]): { info: KindInfo; names: string[] }[] {
  if (!positionals.length)
    throw new UserError(
      'you must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.',
    );
  const out: { info: KindInfo; names: string[] }[] = [];
  if (positionals[0]!.includes('/')) {
    for (const p of positionals) {
      const [t, n] = p.split('/', 2);
      const info = resolveType(t ?? '');
      if (!info || !n) throw new UserError(`the server doesn't have a resource type "${t}"`);
      const existing = out.find((x) => x.info === info);
      if (existing) existing.names.push(n);
      else out.push({ info, names: [n] });
    }
    return out;
  }
  const [types, ...names] = positionals;
  for (const t of types!.split(',')) {
    if (t === 'all') {
      for (const k of ['pods', 'services', 'deployments']) out.push({ info: resolveType(k)!, names });
      continue;
    }
    const info = resolveType(t);
    if (!info) throw new UserError(`the server doesn't have a resource type "${t}"`);
    out.push({ info, names });
  }
  return out;
}

function select(
  s: Session,
  p: ReturnType<typeof parseFlags>,
  io: Io,
  verbNotFound = true,
): { lists: { info: KindInfo; objs: JsonObject[] }[]; code: number } {
  const all = has(p, 'all-namespaces');
  const ns = currentNs(s, p);
  const sel = parseSelector(flag(p, 'selector'));
  let code = 0;
  const lists: { info: KindInfo; objs: JsonObject[] }[] = [];
  for (const { info, names } of targets(p.positionals)) {
    let objs = objectsOfType(s, info);
    if (info.namespaced && !all) objs = objs.filter((o) => namespaceOf(o) === ns);
    if (sel) objs = objs.filter((o) => sel(labelsOf(o)));
    if (names.length) {
      const found: JsonObject[] = [];
      for (const n of names) {
        const o = objs.find((x) => nameOf(x) === n);
        if (o) found.push(o);
        else if (verbNotFound && !has(p, 'ignore-not-found')) {
          io.err(`Error from server (NotFound): ${resourceName(info)} "${n}" not found\n`);
          code = 1;
        }
      }
      objs = found;
    }
    // The API server lists by key: namespace, then name.
    objs = [...objs].sort(
      (a, b) => (namespaceOf(a) ?? '').localeCompare(namespaceOf(b) ?? '') || nameOf(a).localeCompare(nameOf(b)),
    );
    lists.push({ info, objs });
  }
  return { lists, code };
}

function str(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => str(x)).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function columns(s: Session, info: KindInfo, wide: boolean): { header: string[]; row: (o: JsonObject) => string[] } {
  const ageOf = (o: JsonObject) => age(str(metaOf(o)['creationTimestamp']) || undefined, s.now);
  const spec = (o: JsonObject, ...path: string[]) => jsonPath(o, `.spec.${path.join('.')}`)[0];
  switch (info.kind) {
    case 'Namespace':
      return { header: ['NAME', 'STATUS', 'AGE'], row: (o) => [nameOf(o), 'Active', ageOf(o)] };
    case 'Pod':
      return {
        header: [
          'NAME',
          'READY',
          'STATUS',
          'RESTARTS',
          'AGE',
          ...(wide ? ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'] : []),
        ],
        row: (o) => [
          nameOf(o),
          isObj(metaOf(o)['annotations']) &&
          Object.prototype.hasOwnProperty.call(metaOf(o)['annotations'], ANNOTATION_SIDECAR_STATUS)
            ? '2/2'
            : '1/1',
          'Running',
          '0',
          ageOf(o),
          ...(wide
            ? [str(jsonPath(o, '.status.podIP')[0]), str(jsonPath(o, '.spec.nodeName')[0]), '<none>', '<none>']
            : []),
        ],
      };
    case 'Service': {
      const { mesh } = meshOf(s.objects);
      return {
        header: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', ...(wide ? ['SELECTOR'] : [])],
        row: (o) => {
          const info2 = mesh.service(namespaceOf(o) ?? 'default', nameOf(o));
          const ports = (info2?.ports ?? []).map((pt) => `${pt.port}/${pt.protocol ?? 'TCP'}`).join(',');
          const sel = spec(o, 'selector');
          return [
            nameOf(o),
            str(spec(o, 'type')) || 'ClusterIP',
            info2?.addresses[0] ?? 'None',
            '<none>',
            ports || '<none>',
            ageOf(o),
            ...(wide
              ? [
                  isObj(sel)
                    ? Object.entries(sel)
                        .map(([k, v]) => `${k}=${str(v)}`)
                        .join(',')
                    : '<none>',
                ]
              : []),
          ];
        },
      };
    }
    case 'ServiceAccount':
      return { header: ['NAME', 'SECRETS', 'AGE'], row: (o) => [nameOf(o), '0', ageOf(o)] };
    case 'Deployment':
    case 'StatefulSet':
      return {
        header:
          info.kind === 'Deployment' ? ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'] : ['NAME', 'READY', 'AGE'],
        row: (o) => {
          const n = str(spec(o, 'replicas')) || '1';
          return info.kind === 'Deployment'
            ? [nameOf(o), `${n}/${n}`, n, n, ageOf(o)]
            : [nameOf(o), `${n}/${n}`, ageOf(o)];
        },
      };
    case 'Gateway':
      return {
        header: ['NAME', 'CLASS', 'ADDRESS', 'PROGRAMMED', 'AGE'],
        row: (o) => [
          nameOf(o),
          str(spec(o, 'gatewayClassName')),
          str(jsonPath(o, '.status.addresses[*].value')),
          conditionStatus(o, 'Programmed'),
          ageOf(o),
        ],
      };
    case 'GatewayClass':
      return {
        header: ['NAME', 'CONTROLLER', 'ACCEPTED', 'AGE'],
        row: (o) => [nameOf(o), str(spec(o, 'controllerName')), 'True', ageOf(o)],
      };
    case 'HTTPRoute':
    case 'GRPCRoute':
    case 'TLSRoute':
      return { header: ['NAME', 'HOSTNAMES', 'AGE'], row: (o) => [nameOf(o), str(spec(o, 'hostnames')), ageOf(o)] };
    case 'AuthorizationPolicy':
      return { header: ['NAME', 'ACTION', 'AGE'], row: (o) => [nameOf(o), str(spec(o, 'action')), ageOf(o)] };
    case 'PeerAuthentication':
      return { header: ['NAME', 'MODE', 'AGE'], row: (o) => [nameOf(o), str(spec(o, 'mtls', 'mode')), ageOf(o)] };
    case 'DestinationRule':
      return { header: ['NAME', 'HOST', 'AGE'], row: (o) => [nameOf(o), str(spec(o, 'host')), ageOf(o)] };
    case 'ServiceEntry':
      return {
        header: ['NAME', 'HOSTS', 'LOCATION', 'RESOLUTION', 'AGE'],
        row: (o) => [
          nameOf(o),
          `[${str(spec(o, 'hosts')).split(',').join(' ')}]`,
          str(spec(o, 'location')),
          str(spec(o, 'resolution')),
          ageOf(o),
        ],
      };
    case 'VirtualService':
      return {
        header: ['NAME', 'GATEWAYS', 'HOSTS', 'AGE'],
        row: (o) => [
          nameOf(o),
          spec(o, 'gateways') ? `[${str(spec(o, 'gateways')).split(',').join(' ')}]` : '',
          `[${str(spec(o, 'hosts')).split(',').join(' ')}]`,
          ageOf(o),
        ],
      };
    case 'WorkloadEntry':
      return { header: ['NAME', 'AGE', 'ADDRESS'], row: (o) => [nameOf(o), ageOf(o), str(spec(o, 'address'))] };
    default:
      return { header: ['NAME', 'AGE'], row: (o) => [nameOf(o), ageOf(o)] };
  }
}

function conditionStatus(o: JsonObject, type: string): string {
  const c = jsonPath(o, '.status.conditions[*]').find((x) => isObj(x) && x['type'] === type);
  return isObj(c) ? str(c['status']) : 'Unknown';
}

function printObjects(objs: readonly JsonObject[], format: 'yaml' | 'json', io: Io, forceList: boolean): void {
  const doc: JsonValue =
    objs.length === 1 && !forceList
      ? objs[0]!
      : { apiVersion: 'v1', kind: 'List', items: [...objs], metadata: { resourceVersion: '' } };
  io.out(format === 'json' ? JSON.stringify(doc, null, 4) + '\n' : stringify(doc, { lineWidth: 0 }));
}

function get(s: Session, argv: string[], io: Io): number {
  const p = parseFlags(argv, COMMON);
  const { lists, code } = select(s, p, io);
  const out = flag(p, 'output');
  const all = has(p, 'all-namespaces');
  const named = lists.some((l) => targets(p.positionals).find((t) => t.info === l.info)?.names.length);
  if (out === 'yaml' || out === 'json') {
    const objs = lists.flatMap((l) => l.objs);
    if (objs.length || !named) printObjects(objs, out, io, !named || objs.length !== 1);
    return code;
  }
  if (out?.startsWith('jsonpath=') || out?.startsWith('jsonpath-as-json=')) {
    const expr = out.slice(out.indexOf('=') + 1);
    const objs = lists.flatMap((l) => l.objs);
    const root: JsonValue = named && objs.length === 1 ? objs[0]! : { apiVersion: 'v1', kind: 'List', items: objs };
    try {
      io.out(jsonPathText(jsonPath(root, expr)));
    } catch (err) {
      io.err(`error: error parsing jsonpath ${expr}, ${(err as Error).message}\n`);
      return 1;
    }
    return code;
  }
  if (out?.startsWith('custom-columns=')) {
    const objs = lists.flatMap((l) => l.objs);
    if (!objs.length) {
      io.err(noResources(s, p, all));
      return code;
    }
    try {
      io.out(customColumns(out.slice('custom-columns='.length), objs));
    } catch (err) {
      io.err(`error: ${(err as Error).message}\n`);
      return 1;
    }
    return code;
  }
  if (out === 'name') {
    for (const l of lists) for (const o of l.objs) io.out(`${qualifiedName(l.info, nameOf(o))}\n`);
    return code;
  }
  if (out !== undefined && out !== 'wide')
    throw new UserError(
      `unable to match a printer suitable for the output format "${out}", allowed formats are: custom-columns,json,jsonpath,name,wide,yaml`,
    );
  let printed = false;
  const multi = lists.length > 1;
  for (const l of lists) {
    if (!l.objs.length) continue;
    const cols = columns(s, l.info, out === 'wide');
    const header = [
      ...(all && l.info.namespaced ? ['NAMESPACE'] : []),
      ...cols.header,
      ...(has(p, 'show-labels') ? ['LABELS'] : []),
    ];
    const rows = l.objs.map((o) => {
      const r = cols.row(o);
      if (multi) r[0] = qualifiedName(l.info, r[0]!);
      const labels =
        Object.entries(labelsOf(o))
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>';
      return [
        ...(all && l.info.namespaced ? [namespaceOf(o) ?? ''] : []),
        ...r,
        ...(has(p, 'show-labels') ? [labels] : []),
      ];
    });
    if (printed) io.out('\n');
    io.out(table(header, rows));
    printed = true;
  }
  if (!printed && !named) io.err(noResources(s, p, all));
  return code;
}

function noResources(s: Session, p: ReturnType<typeof parseFlags>, all: boolean): string {
  const info = targets(p.positionals)[0]?.info;
  return all || (info && !info.namespaced)
    ? 'No resources found\n'
    : `No resources found in ${currentNs(s, p)} namespace.\n`;
}

// ── describe ──────────────────────────────────────────────────────────────────────────────────────

function describe(s: Session, argv: string[], io: Io): number {
  const p = parseFlags(argv, COMMON);
  const { lists, code } = select(s, p, io);
  const blocks: string[] = [];
  const kv = (k: string, v: string) => `${(k + ':').padEnd(14)}${v}`;
  const mapLines = (k: string, m: Record<string, string>) => {
    const e = Object.entries(m);
    if (!e.length) return [kv(k, '<none>')];
    return e.map(([a, b], i) => (i === 0 ? kv(k, `${a}=${b}`) : `${''.padEnd(14)}${a}=${b}`));
  };
  for (const l of lists) {
    for (const o of l.objs) {
      const meta = metaOf(o);
      const ann: Record<string, string> = {};
      if (isObj(meta['annotations'])) for (const [k, v] of Object.entries(meta['annotations'])) ann[k] = str(v);
      const lines = [kv('Name', nameOf(o))];
      if (l.info.namespaced) lines.push(kv('Namespace', namespaceOf(o) ?? ''));
      lines.push(...mapLines('Labels', labelsOf(o)), ...mapLines('Annotations', ann));
      lines.push(kv('API Version', str(o['apiVersion'])), kv('Kind', str(o['kind'])));
      if (meta['creationTimestamp'])
        lines.push(
          kv('Created', `${str(meta['creationTimestamp'])} (${age(str(meta['creationTimestamp']), s.now)} ago)`),
        );
      for (const section of ['spec', 'status'] as const) {
        const v = o[section];
        if (v === undefined) continue;
        lines.push(`${section[0]!.toUpperCase()}${section.slice(1)}:`);
        lines.push(
          ...stringify(v, { lineWidth: 0 })
            .trimEnd()
            .split('\n')
            .map((x) => `  ${x}`),
        );
      }
      lines.push(kv('Events', '<none>'));
      blocks.push(lines.join('\n') + '\n');
    }
  }
  if (!blocks.length && !code) io.err(noResources(s, p, has(p, 'all-namespaces')));
  io.out(blocks.join('\n\n'));
  return code;
}

// ── delete ────────────────────────────────────────────────────────────────────────────────────────

function del(s: Session, argv: string[], io: Io): number {
  const p = parseFlags(argv, COMMON);
  let code = 0;
  const victims: { info: KindInfo; ns: string | undefined; name: string }[] = [];
  if (flagAll(p, 'filename').length) {
    const inputs = readInputs(s, p, io);
    if (!inputs) return 1;
    for (const input of inputs) {
      for (const r of parseManifests(input).resources) {
        const info = kindInfo(r.kind);
        if (!info) continue;
        victims.push({
          info,
          ns: info.namespaced ? (r.namespaceExplicit ? r.namespace : currentNs(s, p)) : undefined,
          name: r.name,
        });
      }
    }
  } else {
    if (!p.positionals.length) throw new UserError('You must provide one or more resources by argument or filename.');
    const ts = targets(p.positionals);
    for (const { info, names } of ts) {
      if (!names.length && !has(p, 'all')) throw new UserError('resource(s) were provided, but no name was specified');
      if (info.kind === 'Pod') {
        for (const n of names) {
          const pod = podsOf(s.objects).find((x) => x.name === n && x.namespace === currentNs(s, p));
          if (!pod) {
            io.err(`Error from server (NotFound): pods "${n}" not found\n`);
            code = 1;
          } else
            io.out(
              `pod "${n}" deleted\n(virtual cluster: its ${pod.workload?.kind ?? 'Gateway'} starts an identical pod again)\n`,
            );
        }
        continue;
      }
      const names2 = names.length
        ? names
        : s.objects
            .filter((o) => kindOf(o) === info.kind && (!info.namespaced || namespaceOf(o) === currentNs(s, p)))
            .map(nameOf);
      for (const n of names2) victims.push({ info, ns: info.namespaced ? currentNs(s, p) : undefined, name: n });
    }
  }
  for (const v of victims) {
    const k = `${v.info.kind}|${v.ns ?? ''}|${v.name}`;
    if (!s.objects.some((o) => keyOf(o) === k)) {
      if (!has(p, 'ignore-not-found')) {
        io.err(`Error from server (NotFound): ${resourceName(v.info)} "${v.name}" not found\n`);
        code = 1;
      }
      continue;
    }
    s.objects = s.objects.filter(
      (o) => keyOf(o) !== k && !(v.info.kind === 'Namespace' && namespaceOf(o) === v.name && isNamespacedObj(o)),
    );
    io.out(`${v.info.kind.toLowerCase()}${v.info.group ? `.${v.info.group}` : ''} "${v.name}" deleted\n`);
  }
  return code;
}

function isNamespacedObj(o: StoredObject): boolean {
  return kindInfo(kindOf(o))?.namespaced ?? true;
}

// ── label ─────────────────────────────────────────────────────────────────────────────────────────

function label(s: Session, argv: string[], io: Io): number {
  const p = parseFlags(argv, COMMON);
  const words = [...p.positionals];
  const changes = words.filter((w) => w.includes('=') || w.endsWith('-'));
  const refs = words.filter((w) => !changes.includes(w));
  if (!changes.length) throw new UserError('at least one label update is required');
  const sets: [string, string][] = [];
  const removes: string[] = [];
  for (const c of changes) {
    if (c.endsWith('-') && !c.includes('=')) removes.push(c.slice(0, -1));
    else {
      const i = c.indexOf('=');
      const k = c.slice(0, i);
      const v = c.slice(i + 1);
      if (
        !/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(k) ||
        !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v) ||
        v.length > 63
      )
        throw new UserError(`invalid label spec: ${c}`);
      sets.push([k, v]);
    }
  }
  const ts = targets(refs);
  let code = 0;
  for (const { info, names } of ts) {
    if (!names.length) throw new UserError('resource(s) were provided, but no name was specified');
    for (const n of names) {
      const ns = info.namespaced ? currentNs(s, p) : undefined;
      let idx: number;
      let labelsPath: 'meta' | 'template' = 'meta';
      if (info.kind === 'Pod') {
        const pod = podsOf(s.objects).find((x) => x.name === n && x.namespace === ns);
        if (!pod?.workload) {
          io.err(`Error from server (NotFound): pods "${n}" not found\n`);
          code = 1;
          continue;
        }
        idx = s.objects.findIndex((o) => keyOf(o) === `${pod.workload!.kind}|${ns}|${pod.workload!.name}`);
        labelsPath = pod.workload.kind === 'Pod' ? 'meta' : 'template';
      } else idx = s.objects.findIndex((o) => keyOf(o) === `${info.kind}|${ns ?? ''}|${n}`);
      if (idx < 0) {
        io.err(`Error from server (NotFound): ${resourceName(info)} "${n}" not found\n`);
        code = 1;
        continue;
      }
      const obj = s.objects[idx]!;
      const current =
        labelsPath === 'meta'
          ? labelsOf(obj)
          : labelsOf({ metadata: (jsonPath(obj, '.spec.template.metadata')[0] ?? {}) as JsonObject });
      const next = { ...current };
      let failed = false;
      for (const [k, v] of sets) {
        if (k in current && current[k] !== v && !has(p, 'overwrite')) {
          io.err(`error: '${k}' already has a value (${current[k]}), and --overwrite is false\n`);
          failed = true;
          break;
        }
        next[k] = v;
      }
      if (failed) {
        code = 1;
        continue;
      }
      for (const k of removes) delete next[k];
      const changed = JSON.stringify(next) !== JSON.stringify(current);
      if (changed) {
        let updated: StoredObject;
        if (labelsPath === 'meta') updated = { ...obj, metadata: { ...metaOf(obj), labels: next } };
        else {
          const specObj = obj['spec'] as JsonObject;
          const tmpl = specObj['template'] as JsonObject;
          updated = {
            ...obj,
            spec: {
              ...specObj,
              template: { ...tmpl, metadata: { ...((tmpl['metadata'] as JsonObject) ?? {}), labels: next } },
            },
          };
        }
        s.objects = s.objects.map((o, i) => (i === idx ? updated : o));
      }
      io.out(
        `${info.kind === 'Pod' ? 'pod' : qualifiedName(info, '').slice(0, -1)}/${n} ${changed ? 'labeled' : 'not labeled'}\n`,
      );
      if (info.kind === 'Pod' && changed)
        io.out('(virtual cluster: one replica per workload, so the label is applied to its pod template)\n');
    }
  }
  return code;
}

// ── create ────────────────────────────────────────────────────────────────────────────────────────

async function create(s: Session, argv: string[], io: Io): Promise<number> {
  const p = parseFlags(argv, COMMON);
  const [what, name] = p.positionals;
  if ((what === 'namespace' || what === 'ns') && name) {
    if (s.objects.some((o) => kindOf(o) === 'Namespace' && nameOf(o) === name)) {
      io.err(`Error from server (AlreadyExists): namespaces "${name}" already exists\n`);
      return 1;
    }
    s.objects = [
      ...s.objects,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name, creationTimestamp: new Date(s.now).toISOString() } },
    ];
    io.out(`namespace/${name} created\n`);
    return 0;
  }
  if (flagAll(p, 'filename').length) return apply(s, argv, io, await loadLint(s));
  throw new UserError('the virtual cluster supports `kubectl create namespace NAME` and `kubectl create -f FILE`');
}

function apiResources(io: Io): number {
  io.out(
    table(
      ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'],
      KINDS.map((k) => [k.plural, k.shortNames.join(','), k.apiVersions[0]!, String(k.namespaced), k.kind]),
    ),
  );
  return 0;
}

// ── exec ──────────────────────────────────────────────────────────────────────────────────────────

async function exec(s: Session, argv: string[], io: Io): Promise<number> {
  const p = parseFlags(argv, COMMON);
  const [target] = p.positionals;
  if (!target)
    throw new UserError('exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead');
  if (!p.rest || !p.rest.length) throw new UserError('you must specify at least one command for the container');
  const ns = currentNs(s, p);
  const { mesh } = meshOf(s.objects);
  const slash = target.indexOf('/');
  const typeWord = slash < 0 ? 'pod' : target.slice(0, slash);
  const name = slash < 0 ? target : target.slice(slash + 1);
  const info = resolveType(typeWord);
  let workloadName: string | undefined;
  if (info?.kind === 'Pod') {
    const pod = podsOf(s.objects).find((x) => x.namespace === ns && x.name === name);
    if (pod?.waypoint) {
      io.err(
        'error: the waypoint pod runs Envoy only; exec into a client instead (kubectl exec deploy/curl -- curl …)\n',
      );
      return 1;
    }
    workloadName = pod?.workload?.name;
    if (!workloadName) {
      io.err(`Error from server (NotFound): pods "${name}" not found\n`);
      return 1;
    }
  } else if (info && roleOf(info.kind) === 'controller') {
    const w = mesh.workload(ns, name);
    if (!w || w.kind !== info.kind) {
      io.err(`Error from server (NotFound): ${resourceName(info)} "${name}" not found\n`);
      return 1;
    }
    workloadName = w.name;
  } else {
    io.err(`error: cannot exec into ${typeWord}: use deploy/NAME or a pod name\n`);
    return 1;
  }
  const [cmd, ...args] = p.rest;
  let rc: number;
  if (cmd === 'curl') rc = await curl(s, `${ns}/${workloadName}`, args, io);
  else if (cmd === 'sh' || cmd === 'bash' || cmd === '/bin/sh') {
    io.err(
      'error: the virtual cluster runs one command per exec (kubectl exec deploy/curl -- curl …); interactive shells need a real cluster (ambient-atlas lab serve)\n',
    );
    rc = 126;
  } else {
    io.err(
      `error: Internal error occurred: exec: "${cmd}": executable file not found in $PATH (the virtual client pods only have curl)\n`,
    );
    rc = 126;
  }
  if (rc !== 0) io.err(`command terminated with exit code ${rc}\n`);
  return rc;
}
