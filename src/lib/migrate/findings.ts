// Every finding the migration tool can report: one row per id, with the severity it is always reported at and
// what it means. `MigrationContext.add` accepts only these ids at these severities (a compile error otherwise),
// and the /migrate/ page renders its findings table from this list, so the docs cannot drift from the code.
import type { MigrateSeverity } from './types.ts';

/** Findings that share a meaning are shown in one table row; the row text is the group's. */
export type MigrateFindingGroup = keyof typeof GROUPS;

const GROUPS = {
  'envoyfilter-blocker':
    'EnvoyFilter patching sidecars by selector: attach it to the waypoint with `targetRefs` (alpha since 1.30), replace it with a WasmPlugin, or delete it',
  'vs-unsupported': 'a VirtualService feature with no faithful HTTPRoute form; the VirtualService is kept',
  'match-order': 'Gateway API ranking would change which rule wins',
  'unknown-ref': 'a subset or host the input does not define',
  'l7-no-service': 'an L7 policy selecting pods that no Service fronts',
  'in-the-way': 'an existing object is in the way',
  'invalid-input': 'YAML that could not be read (with its position)',
  approximated: 'converted, with the stated difference',
  'l4-behind-waypoint': 'an L4 caller check fixed for the waypoint identity',
  'bypass-direct':
    'another Service reaches the protected pods without the waypoint; bypass prevention will refuse its callers',
  'policy-scope': 'a converted policy covers more, or checks ports differently',
  'by-hand': 'something to do by hand',
  duplicate: 'the same object given twice: the later copy is used',
  'left-alone': 'left as they are, and why',
  audit: 'audit: what ztunnel enforces, what needs a waypoint',
  'routing-done': 'routing conversions done',
  'policy-done': 'policy conversions done',
  generated: 'waypoint, binding, namespace switch and bypass prevention generated',
} as const;

interface FindingSpec {
  readonly severity: MigrateSeverity;
  readonly group: MigrateFindingGroup;
}

/** In table order: errors first, then warnings, then information. */
export const MIGRATE_FINDINGS = {
  'migrate-envoyfilter-blocker': { severity: 'error', group: 'envoyfilter-blocker' },
  'migrate-unsupported-vs-feature': { severity: 'error', group: 'vs-unsupported' },
  'migrate-match-order-changed': { severity: 'error', group: 'match-order' },
  'migrate-unknown-subset': { severity: 'error', group: 'unknown-ref' },
  'migrate-vs-host-not-found': { severity: 'error', group: 'unknown-ref' },
  'migrate-l7-policy-no-service': { severity: 'error', group: 'l7-no-service' },
  'migrate-subset-service-conflict': { severity: 'error', group: 'in-the-way' },
  'migrate-waypoint-for-mismatch': { severity: 'error', group: 'in-the-way' },
  'migrate-invalid-input': { severity: 'error', group: 'invalid-input' },
  'migrate-vs-feature-approximated': { severity: 'warning', group: 'approximated' },
  'migrate-prefix-match-narrowed': { severity: 'warning', group: 'approximated' },
  'migrate-l4-allow-behind-waypoint': { severity: 'warning', group: 'l4-behind-waypoint' },
  'migrate-l4-deny-behind-waypoint': { severity: 'warning', group: 'l4-behind-waypoint' },
  'migrate-bypass-blocks-direct-services': { severity: 'warning', group: 'bypass-direct' },
  'migrate-policy-scope-broadened': { severity: 'warning', group: 'policy-scope' },
  'migrate-policy-port-semantics': { severity: 'warning', group: 'policy-scope' },
  'migrate-namespace-generated': { severity: 'warning', group: 'by-hand' },
  'migrate-workload-sidecar-inject': { severity: 'warning', group: 'by-hand' },
  'migrate-mixed-routes': { severity: 'warning', group: 'by-hand' },
  'migrate-waypoint-opt-out': { severity: 'warning', group: 'by-hand' },
  'migrate-target-service-missing': { severity: 'warning', group: 'by-hand' },
  'migrate-duplicate-object': { severity: 'info', group: 'duplicate' },
  'migrate-sidecar-resource-noop': { severity: 'info', group: 'left-alone' },
  'migrate-envoyfilter-gateway': { severity: 'info', group: 'left-alone' },
  'migrate-envoyfilter-targetrefs': { severity: 'info', group: 'left-alone' },
  'migrate-vs-ingress-only': { severity: 'info', group: 'left-alone' },
  'migrate-vs-kept': { severity: 'info', group: 'left-alone' },
  'migrate-vs-unreachable-rule': { severity: 'info', group: 'left-alone' },
  'migrate-l4-policy-unchanged': { severity: 'info', group: 'audit' },
  'migrate-l7-policy-needs-waypoint': { severity: 'info', group: 'audit' },
  'migrate-selector-needs-targetrefs': { severity: 'info', group: 'audit' },
  'migrate-route-needs-waypoint': { severity: 'info', group: 'audit' },
  'migrate-destinationrule-subsets-unused': { severity: 'info', group: 'audit' },
  'migrate-virtualservice-converted': { severity: 'info', group: 'routing-done' },
  'migrate-vs-gateways-kept': { severity: 'info', group: 'routing-done' },
  'migrate-reference-grant': { severity: 'info', group: 'routing-done' },
  'migrate-destinationrule-subsets': { severity: 'info', group: 'routing-done' },
  'migrate-destinationrule-subsets-removed': { severity: 'info', group: 'routing-done' },
  'migrate-l7-policy-retargeted': { severity: 'info', group: 'policy-done' },
  'migrate-selector-retargeted': { severity: 'info', group: 'policy-done' },
  'migrate-waypoint-created': { severity: 'info', group: 'generated' },
  'migrate-waypoint-label': { severity: 'info', group: 'generated' },
  'migrate-namespace-ambient': { severity: 'info', group: 'generated' },
  'migrate-bypass-prevention': { severity: 'info', group: 'generated' },
} as const satisfies Record<`migrate-${string}`, FindingSpec>;

export type MigrateFindingId = keyof typeof MIGRATE_FINDINGS;

/** The severity a finding id is always reported at. */
export type SeverityOf<I extends MigrateFindingId> = (typeof MIGRATE_FINDINGS)[I]['severity'];

export function isMigrateFindingId(id: string): id is MigrateFindingId {
  return Object.hasOwn(MIGRATE_FINDINGS, id);
}

export interface MigrateFindingRow {
  readonly ids: readonly MigrateFindingId[];
  readonly severity: MigrateSeverity;
  readonly meaning: string;
}

/** The findings table of /migrate/: one row per group, in registry order. */
export function migrateFindingRows(): MigrateFindingRow[] {
  const rows: { ids: MigrateFindingId[]; severity: MigrateSeverity; meaning: string; group: string }[] = [];
  for (const [id, spec] of Object.entries(MIGRATE_FINDINGS) as [MigrateFindingId, FindingSpec][]) {
    const row = rows.find((r) => r.group === spec.group);
    if (row) row.ids.push(id);
    else rows.push({ ids: [id], severity: spec.severity, meaning: GROUPS[spec.group], group: spec.group });
  }
  return rows.map(({ ids, severity, meaning }) => ({ ids, severity, meaning }));
}
