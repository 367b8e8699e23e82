// What the trace says for the [rev] behaviours of tests/scenarios/fidelity-rev.yaml (the scenario pins verdicts;
// these pin the explanation a reader gets, since "why" is the simulator's point).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../model/index.ts';
import { buildMesh } from '../model/mesh.ts';
import { simulateIn } from './simulate.ts';
import type { SimRequest, SimResult } from './types.ts';

const file = fileURLToPath(new URL('../../../tests/scenarios/fidelity-rev.yaml', import.meta.url));
const mesh = buildMesh(parseManifests({ file: 'fidelity-rev.yaml', text: readFileSync(file, 'utf8') }).resources);
const run = (req: SimRequest): Promise<SimResult> => simulateIn(mesh, req, { nowSeconds: 1_800_000_000 });
/** Every note and decision note of a trace, as one list. */
const said = (r: SimResult): string[] => [
  ...r.notes,
  ...r.hops.flatMap((h) => [...h.notes, ...('decisions' in h ? h.decisions.map((d) => d.note ?? '') : [])]),
];

describe('trace notes for the [rev] behaviours', () => {
  it('trustDomains: ztunnel ignores the field and the rule matches more callers than written', async () => {
    const r = await run({ from: 'fid/client', to: 'td' });
    expect(said(r).some((n) => /ztunnel ignores source\.trustDomains .* matches more callers/.test(n))).toBe(true);
  });

  it('dry-run: not sent to ztunnel without the istiod flag, and a shadow rule at the waypoint', async () => {
    const zt = said(await run({ from: 'fid/client', to: 'dry' }));
    expect(zt.filter((n) => n.includes('AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY'))).toHaveLength(2);
    const wp = said(await run({ from: 'fid/client', to: 'dry-l7', method: 'POST' }));
    expect(wp.some((n) => n.includes('shadow rule') && n.includes('it would match, rule 0'))).toBe(true);
    const get = said(await run({ from: 'fid/client', to: 'dry-l7' }));
    expect(get.some((n) => n.includes('shadow rule') && n.includes('it would not match'))).toBe(true);
  });

  it('sidecar clients: the note says they do not traverse the waypoint; routing happens at the sidecar', async () => {
    const r = await run({ from: 'legacy-sc/sc', to: 'guarded.fid', method: 'POST' });
    expect(said(r).some((n) => n.includes('a sidecar client does not traverse waypoints'))).toBe(true);
    expect(r.hops[0]).toMatchObject({ at: 'sidecar', side: 'source' });
    expect(r.hops.some((h) => h.at === 'waypoint')).toBe(false);
    const d = (r.hops[0] as { decisions: { step: string }[] }).decisions.map((x) => x.step);
    expect(d).toContain('route');
  });

  it('a consumer route: ignored at the waypoint, applied by a sidecar client of its namespace (GAMMA)', async () => {
    const viaWaypoint = await run({ from: 'team/dev', to: 'shared.fid' });
    expect(viaWaypoint.backends.map((b) => b.service)).toEqual(['shared']);
    expect(said(viaWaypoint).some((n) => n.includes('HTTPRoute team/team-canary is a consumer route'))).toBe(true);
    const sidecar = await run({ from: 'legacy-sc/sc', to: 'shared.fid' });
    expect(sidecar.backends.map((b) => b.service)).toEqual(['shared-v2']);
    expect(said(sidecar).some((n) => n.includes("consumer route(s) in the client's namespace"))).toBe(true);
  });

  it('ingress-use-waypoint: the note names the label that decided and an invalid value', async () => {
    const no = said(await run({ from: 'ingress/gw', to: 'opt-out.edge' }));
    expect(no.some((n) => n.includes(`ingress-use-waypoint: "false" overrides its Namespace's "true"`))).toBe(true);
    const yes = said(await run({ from: 'ingress/gw', to: 'yes-value.edge' }));
    expect(yes.some((n) => n.includes('"yes" (not a Go boolean, so false'))).toBe(true);
  });

  it('a cross-namespace backend without a ReferenceGrant is used, with a portability note', async () => {
    const r = await run({ from: 'fid/client', to: 'front' });
    expect(said(r).some((n) => n.includes('no ReferenceGrant') && n.includes('enforceRefGrant = !mesh'))).toBe(true);
  });

  it('a route in the waypoint namespace routes across namespaces, noted as needing a grant by the spec', async () => {
    const r = await run({ from: 'fid/client', to: 'hub' });
    expect(r.backends.map((b) => b.service)).toEqual(['hub-v2']);
    expect(said(r).some((n) => n.includes('cross-namespace backend fid/hub-v2 has no ReferenceGrant'))).toBe(true);
  });

  it('a waypoint without an HBONE listener: the connection fails and the trace says why', async () => {
    const r = await run({ from: 'fid/client', to: 'acme-broken' });
    expect(r.verdict).toBe('error');
    expect(said(r).some((n) => n.includes('no HBONE listener on 15008'))).toBe(true);
  });

  it('an agentgateway waypoint lists the policy that does not apply to it', async () => {
    const r = await run({ from: 'fid/client', to: 'agent', method: 'POST' });
    expect(said(r).some((n) => n.includes('AuthorizationPolicy fid/agent-no-post does not apply'))).toBe(true);
  });
});
