// Every lab, in order. Pure TypeScript: the site imports this too. labs/load.ts validates each entry with zod and
// reads its manifests from disk (Node only); a test checks that every labs/<id>/lab.ts is listed here.
import ambientMtls from './ambient-mtls/lab.ts';
import l4Authorization from './l4-authorization/lab.ts';
import waypointL7Authz from './waypoint-l7-authz/lab.ts';
import canaryRouting from './canary-routing/lab.ts';
import requireJwt from './require-jwt/lab.ts';
import bypassPrevention from './bypass-prevention/lab.ts';
import selectorL7DenyAll from './selector-l7-deny-all/lab.ts';
import ingressUseWaypoint from './ingress-use-waypoint/lab.ts';
import sidecarMigration from './sidecar-migration/lab.ts';
import { expectationIssues } from '../src/lib/expect/schema.ts';
import { labSchema } from './schema.ts';
import type { Lab, LabDefinition } from './schema.ts';

export const LAB_DEFINITIONS: readonly LabDefinition[] = [
  ambientMtls,
  l4Authorization,
  waypointL7Authz,
  canaryRouting,
  requireJwt,
  bypassPrevention,
  selectorL7DenyAll,
  ingressUseWaypoint,
  sidecarMigration,
];

/** Parses every definition with zod (throws a ZodError naming the lab and field on the first invalid one). */
export function parseLabs(defs: readonly LabDefinition[] = LAB_DEFINITIONS): Lab[] {
  const labs = defs.map((d) => {
    const r = labSchema.safeParse(d);
    if (!r.success) {
      const id = typeof d === 'object' && d && 'id' in d ? String(d.id) : '?';
      const where = expectationIssues(r.error)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ');
      throw new LabDefinitionError(`lab ${id}: ${where}`);
    }
    return r.data;
  });
  const seen = new Set<string>();
  for (const l of labs) {
    if (seen.has(l.id)) throw new LabDefinitionError(`lab ${l.id}: duplicate id`);
    seen.add(l.id);
  }
  return labs.sort((a, b) => a.order - b.order);
}

export class LabDefinitionError extends Error {
  override name = 'LabDefinitionError';
}
