// `kubectl label`: ambient enrolment and waypoint use are labels, so this verb changes the mesh.
import { qualifiedName, resourceName } from '../../ambient/kinds.ts';
import type { JsonObject } from '../../model/types.ts';
import { keyOf, labelsOf, metaOf, podsOf } from '../cluster.ts';
import type { StoredObject } from '../cluster.ts';
import { has, parseFlags } from '../flags.ts';
import { jsonPath } from '../format.ts';
import type { Io, Session } from '../session.ts';
import { COMMON, UserError, currentNs, targets } from './common.ts';

export function label(s: Session, argv: string[], io: Io): number {
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
