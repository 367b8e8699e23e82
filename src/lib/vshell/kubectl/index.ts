/**
 * `kubectl` for the virtual cluster: apply (with the validator as admission), get, describe, delete, label,
 * create namespace, exec (curl answered by the simulator). Output follows kubectl's wording and table layout.
 * One file per verb (like src/cli/commands/); this one only dispatches. Shared flag spec and helpers: common.ts.
 */
import { FlagError } from '../flags.ts';
import type { Io, Session } from '../session.ts';
import { apiResources } from './api-resources.ts';
import { apply } from './apply.ts';
import { UserError, loadLint } from './common.ts';
import { create } from './create.ts';
import { del } from './delete.ts';
import { describe } from './describe.ts';
import { exec } from './exec.ts';
import { get } from './get.ts';
import { label } from './label.ts';
import { logs } from './logs.ts';
import { patch } from './patch.ts';

export { applyTrusted } from './apply.ts';

export const KUBECTL_SUBCOMMANDS = [
  'apply',
  'get',
  'describe',
  'delete',
  'label',
  'patch',
  'exec',
  'logs',
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
  kubectl patch TYPE NAME [-n NS] --type merge|json|strategic -p PATCH
                                          JSON merge patch, JSON patch, or (built-in kinds) strategic merge
  kubectl create namespace NAME
  kubectl exec [-n NS] deploy/NAME -- curl [-s] [-S] [-i] [-X METHOD] [-H 'k: v'] [-o FILE] [-w FMT] URL
  kubectl logs -n istio-system ds/ztunnel | -l app=ztunnel | deploy/WAYPOINT [-n NS] [--tail N]
                                          ztunnel's and a waypoint's access logs for this session's requests
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
      case 'patch':
        return await patch(s, rest, io);
      case 'logs':
        return logs(s, rest, io);
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
