// `kubectl delete TYPE NAME…` and `delete -f FILE`.
import { kindInfo, resourceName } from '../../ambient/kinds.ts';
import type { KindInfo } from '../../ambient/kinds.ts';
import { parseManifests } from '../../model/parse.ts';
import { keyOf, kindOf, nameOf, namespaceOf, podsOf } from '../cluster.ts';
import { flagAll, has, parseFlags } from '../flags.ts';
import type { Io, Session } from '../session.ts';
import { COMMON, UserError, currentNs, isNamespacedObj, readInputs, targets } from './common.ts';

export function del(s: Session, argv: string[], io: Io): number {
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
