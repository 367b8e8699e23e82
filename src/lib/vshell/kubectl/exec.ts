// `kubectl exec … -- curl`: the only command the virtual client pods have; the simulator answers it.
import { resolveType, resourceName, roleOf } from '../../ambient/kinds.ts';
import { meshOf, podsOf } from '../cluster.ts';
import { curl } from '../curl.ts';
import { parseFlags } from '../flags.ts';
import type { Io, Session } from '../session.ts';
import { COMMON, UserError, currentNs } from './common.ts';

export async function exec(s: Session, argv: string[], io: Io): Promise<number> {
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
    if (pod?.waypoint || pod?.gateway) {
      io.err(
        `error: the ${pod.waypoint ? 'waypoint' : 'gateway'} pod runs Envoy only; exec into a client instead (kubectl exec deploy/curl -- curl …)\n`,
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
