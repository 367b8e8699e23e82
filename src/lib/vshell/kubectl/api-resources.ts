// `kubectl api-resources`: the kinds the virtual cluster knows, from the one kind table (ambient/kinds.ts).
import { KINDS } from '../../ambient/kinds.ts';
import { table } from '../format.ts';
import type { Io } from '../session.ts';

export function apiResources(io: Io): number {
  io.out(
    table(
      ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'],
      KINDS.map((k) => [k.plural, k.shortNames.join(','), k.apiVersions[0]!, String(k.namespaced), k.kind]),
    ),
  );
  return 0;
}
