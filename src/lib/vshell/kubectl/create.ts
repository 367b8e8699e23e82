// `kubectl create namespace NAME` and `create -f FILE` (the latter is apply).
import { kindOf, nameOf } from '../cluster.ts';
import { flagAll, parseFlags } from '../flags.ts';
import type { Io, Session } from '../session.ts';
import { apply } from './apply.ts';
import { COMMON, UserError, loadLint } from './common.ts';

export async function create(s: Session, argv: string[], io: Io): Promise<number> {
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
