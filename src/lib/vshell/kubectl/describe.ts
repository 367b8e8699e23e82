// `kubectl describe`: one block per object, with the ambient state the mesh model derived for it.
import { labelsOf, metaOf, nameOf, namespaceOf } from '../cluster.ts';
import { has, parseFlags } from '../flags.ts';
import { age } from '../format.ts';
import type { Io, Session } from '../session.ts';
import { COMMON, isObj, noResources, select, str } from './common.ts';
import { stringify } from 'yaml';

export function describe(s: Session, argv: string[], io: Io): number {
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
