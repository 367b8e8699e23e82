// `kubectl get`: kubectl's per-kind default columns (and -o wide), plus yaml/json/name/jsonpath/custom-columns.
import { qualifiedName } from '../../ambient/kinds.ts';
import type { KindInfo } from '../../ambient/kinds.ts';
import { ANNOTATION_SIDECAR_STATUS } from '../../ambient/labels.ts';
import type { JsonObject, JsonValue } from '../../model/types.ts';
import { labelsOf, meshOf, metaOf, nameOf, namespaceOf } from '../cluster.ts';
import { flag, has, parseFlags } from '../flags.ts';
import { age, customColumns, jsonPath, jsonPathText, table } from '../format.ts';
import type { Io, Session } from '../session.ts';
import { COMMON, UserError, isObj, noResources, select, str, targets } from './common.ts';
import { stringify } from 'yaml';

export function columns(
  s: Session,
  info: KindInfo,
  wide: boolean,
): { header: string[]; row: (o: JsonObject) => string[] } {
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
          // A Service the model does not index (an ingress Gateway's, derived) shows its own spec's ports.
          const ports = info2
            ? info2.ports.map((pt) => `${pt.port}/${pt.protocol ?? 'TCP'}`).join(',')
            : jsonPath(o, '.spec.ports[*]')
                .filter(isObj)
                .map(
                  (pt) =>
                    `${str(pt['port'])}${pt['nodePort'] ? `:${str(pt['nodePort'])}` : ''}/${str(pt['protocol']) || 'TCP'}`,
                )
                .join(',');
          const sel = spec(o, 'selector');
          const type = str(spec(o, 'type')) || 'ClusterIP';
          return [
            nameOf(o),
            type,
            info2?.addresses[0] ?? (str(spec(o, 'clusterIP')) || 'None'),
            // No load-balancer controller hands out addresses in the virtual cluster.
            type === 'LoadBalancer' ? '<pending>' : '<none>',
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

export function conditionStatus(o: JsonObject, type: string): string {
  const c = jsonPath(o, '.status.conditions[*]').find((x) => isObj(x) && x['type'] === type);
  return isObj(c) ? str(c['status']) : 'Unknown';
}

export function printObjects(objs: readonly JsonObject[], format: 'yaml' | 'json', io: Io, forceList: boolean): void {
  const doc: JsonValue =
    objs.length === 1 && !forceList
      ? objs[0]!
      : { apiVersion: 'v1', kind: 'List', items: [...objs], metadata: { resourceVersion: '' } };
  io.out(format === 'json' ? JSON.stringify(doc, null, 4) + '\n' : stringify(doc, { lineWidth: 0 }));
}

export function get(s: Session, argv: string[], io: Io): number {
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
