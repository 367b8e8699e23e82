// The per-version facts pages show (issue #17): catalog overrides per Istio line, the "Changed in" rows and the
// waypoint flavours, checked against the version data the validator and simulator use.
import { describe, expect, it } from 'vitest';
import {
  CATALOG,
  ISTIO_KINDS_IGNORED_BY_AGENTGATEWAY,
  WAYPOINT_FLAVOURS,
  differsByLine,
  entryOn,
} from '../../src/lib/catalog/index.ts';
import { AGENTGATEWAY_WAYPOINT_CLASS, WAYPOINT_CLASS } from '../../src/lib/ambient/labels.ts';
import { VERSION_CHANGES, versionChange } from '../../src/lib/version-changes.ts';
import { ISTIO_LINES, ISTIO_VERSIONS, servedVersions, versionRows } from '../../src/lib/versions.ts';
import { inlineCode } from '../../src/components/version/inline.ts';
import { ruleById } from '../../src/lib/validator/rules/index.ts';

describe('catalog per Istio line', () => {
  it('serves, on every line, only API versions that line’s CRDs serve (either Gateway API channel)', () => {
    for (const line of ISTIO_VERSIONS) {
      const rows = versionRows({ istio: line });
      for (const base of CATALOG) {
        if (base.type !== 'crd') continue;
        const e = entryOn(base, line);
        for (const [kind, versions] of Object.entries(e.served)) {
          const served = new Set([
            ...(servedVersions(rows, base.apiGroup, kind, 'standard') ?? []),
            ...(servedVersions(rows, base.apiGroup, kind, 'experimental') ?? []),
          ]);
          for (const v of versions) {
            const [group, version] = [
              v.apiVersion.slice(0, v.apiVersion.lastIndexOf('/')),
              v.apiVersion.split('/').pop(),
            ];
            expect(group, `${kind} on ${line}`).toBe(base.apiGroup);
            expect([...served], `${kind} ${v.apiVersion} on Istio ${line}`).toContain(version);
          }
        }
      }
    }
  });

  it('shows TCPRoute as v1 on 1.31 and v1alpha2 on 1.30', () => {
    const row = CATALOG.find((e) => e.type === 'crd' && e.kinds.includes('TCPRoute'))!;
    expect(differsByLine(row)).toBe(true);
    const preferred = (line: (typeof ISTIO_VERSIONS)[number]) => {
      const e = entryOn(row, line);
      return e.type === 'crd' ? e.served.TCPRoute?.find((v) => v.preferred)?.apiVersion : undefined;
    };
    expect(preferred('1.31')).toBe('gateway.networking.k8s.io/v1');
    expect(preferred('1.30')).toBe('gateway.networking.k8s.io/v1alpha2');
  });

  it('leaves rows without overrides unchanged on every line', () => {
    for (const e of CATALOG.filter((x) => !differsByLine(x)))
      for (const line of ISTIO_VERSIONS) expect(entryOn(e, line)).toBe(e);
  });
});

describe('"Changed in" rows', () => {
  it('have unique ids, a known earlier line and sources', () => {
    expect(new Set(VERSION_CHANGES.map((c) => c.id)).size).toBe(VERSION_CHANGES.length);
    for (const c of VERSION_CHANGES) {
      expect(ISTIO_VERSIONS.indexOf(c.before)).toBeLessThan(ISTIO_VERSIONS.indexOf(c.since));
      expect(c.sources.length).toBeGreaterThan(0);
      for (const p of c.pages) expect(p).toMatch(/^\/[a-z0-9-]+\/([a-z0-9-]+\/)?$/);
    }
  });

  it('name a behaviour switch only where that switch really differs between the two lines', () => {
    for (const c of VERSION_CHANGES) {
      if (!c.behaviour) continue;
      expect(ISTIO_LINES[c.before].behaviour[c.behaviour], c.id).not.toEqual(
        ISTIO_LINES[c.since].behaviour[c.behaviour],
      );
    }
  });

  it('name only validator rules that exist (their pages carry the callout)', () => {
    for (const c of VERSION_CHANGES)
      for (const id of c.rules ?? []) expect(ruleById(id), `${c.id}: ${id}`).toBeDefined();
  });

  it('say what the behaviour switches say', () => {
    const b = (v: '1.30' | '1.31') => ISTIO_LINES[v].behaviour.backendlessRuleStatus;
    const c = versionChange('backendless-rule-500');
    expect(c.now).toContain(`HTTP ${b('1.31')}`);
    expect(c.was).toContain(`HTTP ${b('1.30')}`);
    expect(() => versionChange('no-such-change')).toThrow(/known:/);
  });

  it('render code spans and nothing else', () => {
    expect(inlineCode('use `a<b>` & "c"')).toBe('use <code>a&lt;b&gt;</code> &amp; &quot;c&quot;');
    for (const c of VERSION_CHANGES) expect(inlineCode(c.now)).not.toMatch(/<(?!\/?code>)/);
  });
});

describe('waypoint flavours', () => {
  it('use the class names the semantics layer knows', () => {
    const classes = WAYPOINT_FLAVOURS.map((f) => f.gatewayClassName).filter(Boolean);
    expect(classes).toContain(WAYPOINT_CLASS);
    expect(classes).toContain(AGENTGATEWAY_WAYPOINT_CLASS);
  });

  it('list, for the Envoy waypoint, every catalog kind programmed at waypoints (or say it is ignored)', () => {
    const envoy = WAYPOINT_FLAVOURS.find((f) => f.gatewayClassName === WAYPOINT_CLASS)!;
    const said = [...envoy.routing, ...envoy.policies, ...envoy.ignores].join(' ');
    for (const e of CATALOG)
      if (e.type === 'crd' && e.programmedAt.includes('waypoint'))
        for (const kind of e.kinds)
          if (kind !== 'Gateway' && kind !== 'WorkloadEntry') expect(said, kind).toContain(kind);
  });

  it('mark the agentgateway waypoint as 1.31-only and ignoring every Istio policy CRD', () => {
    const agw = WAYPOINT_FLAVOURS.find((f) => f.gatewayClassName === AGENTGATEWAY_WAYPOINT_CLASS)!;
    expect(agw.istioLines).toEqual(ISTIO_VERSIONS.filter((v) => ISTIO_LINES[v].behaviour.agentgatewayWaypointClass));
    expect(agw.policies).toEqual([]);
    expect(agw.ignores).toEqual([...ISTIO_KINDS_IGNORED_BY_AGENTGATEWAY]);
  });

  it('attribute every vendor row’s claims', () => {
    for (const f of WAYPOINT_FLAVOURS)
      if (f.provider !== 'istio') {
        expect(f.claimsBy, f.id).toBeTruthy();
        expect(f.istioLines).toEqual([]);
      }
  });
});
