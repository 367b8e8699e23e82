// The semantics layer on its own: each fact with the upstream source it follows.
import { describe, expect, it } from 'vitest';
import { buildMesh } from '../model/mesh.ts';
import { parseManifests } from '../model/parse.ts';
import {
  attachmentOf,
  ingressUseWaypoint,
  isClusterScoped,
  isClientKind,
  isDryRun,
  lastWins,
  objectKey,
  parseGoBool,
  podTemplatePath,
  roleOf,
  serviceAccountMatches,
  stringMatch,
  waypointForOf,
  ipMatch,
} from './index.ts';

const parse = (yaml: string) => parseManifests({ file: 't.yaml', text: yaml }).resources;

describe('Go ParseBool (istiod reads boolean labels and annotations with strconv.ParseBool)', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('%s is true', (v) => expect(parseGoBool(v)).toBe(true));
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('%s is false', (v) => expect(parseGoBool(v)).toBe(false));
  it.each(['yes', 'on', 'tRUE', ' true', '', 'enabled'])('%j is an error', (v) =>
    expect(parseGoBool(v)).toBeUndefined(),
  );
});

describe('istio.io/ingress-use-waypoint (release-1.31 A/services.go ingressUseWaypointFromLabels)', () => {
  it('a Service label wins over its Namespace in both directions', () => {
    expect(
      ingressUseWaypoint({ 'istio.io/ingress-use-waypoint': 'false' }, { 'istio.io/ingress-use-waypoint': 'true' }).use,
    ).toBe(false);
    expect(
      ingressUseWaypoint({ 'istio.io/ingress-use-waypoint': 'True' }, { 'istio.io/ingress-use-waypoint': 'false' }).use,
    ).toBe(true);
  });
  it('the Namespace label applies when the Service has none', () => {
    expect(ingressUseWaypoint({}, { 'istio.io/ingress-use-waypoint': '1' })).toMatchObject({
      use: true,
      from: 'namespace',
    });
  });
  it('an invalid value counts as false, and is not replaced by the Namespace value', () => {
    expect(
      ingressUseWaypoint({ 'istio.io/ingress-use-waypoint': 'yes' }, { 'istio.io/ingress-use-waypoint': 'true' }),
    ).toMatchObject({
      use: false,
      invalid: true,
      from: 'service',
    });
  });
  it('a label key named like an Object.prototype member is no label', () => {
    expect(ingressUseWaypoint({}, {}).present).toBe(false);
    expect(
      ingressUseWaypoint(Object.create({ 'istio.io/ingress-use-waypoint': 'true' }) as Record<string, string>, {}).use,
    ).toBe(false);
  });
});

describe('dry-run (release-1.31 A/authorization.go convertAuthorizationPolicy)', () => {
  it('is ParseBool of a non-empty istio.io/dry-run annotation', () => {
    expect(isDryRun({ 'istio.io/dry-run': 'true' })).toBe(true);
    expect(isDryRun({ 'istio.io/dry-run': 'T' })).toBe(true);
    expect(isDryRun({ 'istio.io/dry-run': 'yes' })).toBe(false);
    expect(isDryRun({ 'istio.io/dry-run': '' })).toBe(false);
    expect(isDryRun({})).toBe(false);
  });
});

describe('waypoint-for (SEMANTICS §2)', () => {
  it('Gateway label over GatewayClass label, default service, unknown behaves like none', () => {
    expect(waypointForOf(undefined, undefined)).toBe('service');
    expect(waypointForOf('workload', 'all')).toBe('workload');
    expect(waypointForOf(undefined, 'all')).toBe('all');
    expect(waypointForOf('everything', undefined)).toBe('none');
  });
});

describe('matching (istio/istio pilot/pkg/security/authz/matcher)', () => {
  it('string match: *, prefix*, *suffix, exact', () => {
    expect(stringMatch('*', 'x')).toBe(true);
    expect(stringMatch('cluster.local/ns/a/*', 'cluster.local/ns/a/sa/b')).toBe(true);
    expect(stringMatch('*/sa/b', 'cluster.local/ns/a/sa/b')).toBe(true);
    expect(stringMatch('a', 'ab')).toBe(false);
  });
  it('serviceAccounts are namespace-relative (A/authorization.go stringToServiceAccountMatch)', () => {
    expect(serviceAccountMatches(['web'], 'cluster.local/ns/shop/sa/web', 'shop')).toBe(true);
    expect(serviceAccountMatches(['web'], 'cluster.local/ns/other/sa/web', 'shop')).toBe(false);
    expect(serviceAccountMatches(['other/web'], 'cluster.local/ns/other/sa/web', 'shop')).toBe(true);
    expect(serviceAccountMatches(['web'], undefined, 'shop')).toBe(false);
  });
  it('CIDR blocks', () => {
    expect(ipMatch('10.1.0.0/16', '10.1.2.3')).toBe(true);
    expect(ipMatch('10.1.0.0/16', '10.2.2.3')).toBe(false);
    expect(ipMatch('0.0.0.0/0', '10.2.2.3')).toBe(true);
    expect(ipMatch('10.1.2.3', '10.1.2.3')).toBe(true);
    expect(ipMatch('10.1.0.0/33', '10.1.2.3')).toBe(false);
  });
});

describe('kind table', () => {
  it('knows scope, roles and pod templates', () => {
    expect(isClusterScoped('Namespace')).toBe(true);
    expect(isClusterScoped('GatewayClass')).toBe(true);
    expect(isClusterScoped('ClusterRole')).toBe(true);
    expect(isClusterScoped('AuthorizationPolicy')).toBe(false);
    expect(isClusterScoped('constructor')).toBe(false);
    expect(roleOf('Deployment')).toBe('controller');
    expect(roleOf('Pod')).toBe('pod');
    expect(roleOf('WorkloadEntry')).toBe('workload-entry');
    expect(roleOf('toString')).toBeUndefined();
    expect(podTemplatePath('CronJob')).toEqual(['spec', 'jobTemplate', 'spec', 'template']);
    expect(isClientKind('Deployment') && isClientKind('WorkloadEntry') && !isClientKind('Service')).toBe(true);
  });
});

describe('object identity and later wins', () => {
  it('the same group/kind/namespace/name applied twice keeps the first place and the last content', () => {
    const rs = parse(
      'apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x, labels: {v: "1"}}\n---\n' +
        'apiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: x}\n---\n' +
        'apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x, labels: {v: "2"}}\n',
    );
    const out = lastWins(rs);
    expect(out.map((r) => `${r.name}${r.labels.v ?? ''}`)).toEqual(['a2', 'b']);
    expect(objectKey(rs[0]!)).toBe(objectKey(rs[2]!));
    const distinct = rs.slice(0, 2);
    expect(lastWins(distinct)).toBe(distinct);
  });
  it('the version does not matter, the group does', () => {
    const k = (apiVersion: string) => objectKey({ apiVersion, kind: 'Gateway', namespace: 'a', name: 'b' });
    expect(k('gateway.networking.k8s.io/v1')).toBe(k('gateway.networking.k8s.io/v1beta1'));
    expect(k('gateway.networking.k8s.io/v1')).not.toBe(k('networking.istio.io/v1'));
  });
});

describe('policy attachment (release-1.31 A/workloads.go, A/authorization.go)', () => {
  const [sel, ns, rootSel, mesh, refs] = parse(
    [
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a, namespace: shop}\nspec: {selector: {matchLabels: {app: a}}}',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: b, namespace: shop}\nspec: {}',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: c, namespace: istio-system}\nspec: {selector: {matchLabels: {app: a}}}',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: d, namespace: istio-system}\nspec: {}',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: e, namespace: shop}\nspec: {targetRefs: [{kind: Service, group: "", name: s}]}',
    ].join('\n---\n'),
  );
  it('classifies each way a policy attaches', () => {
    expect([sel, ns, rootSel, mesh, refs].map((r) => attachmentOf(r!, 'istio-system'))).toEqual([
      'selector',
      'namespace',
      'root-selector',
      'mesh',
      'targetRefs',
    ]);
  });
});

describe('the mesh index on the semantics layer', () => {
  it('any Gateway a use-waypoint label names is a waypoint, whatever its class (SEMANTICS §2 [rev], A/waypoints.go)', () => {
    const m = buildMesh(
      parse(
        'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: vendor-wp, namespace: shop}\n' +
          'spec: {gatewayClassName: vendor-waypoint, listeners: [{name: proxy, port: 15088, protocol: istio.io/PROXY}]}\n---\n' +
          'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: ingress, namespace: shop}\n' +
          'spec: {gatewayClassName: istio, listeners: [{name: http, port: 80, protocol: HTTP}]}\n---\n' +
          'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop, labels: {istio.io/use-waypoint: vendor-wp}}\n' +
          'spec: {ports: [{port: 80}]}\n',
      ),
    );
    expect(m.waypoints.map((w) => w.name)).toEqual(['vendor-wp']);
    expect(m.waypoints[0]!.hbone).toBe(false);
    const s = m.service('shop', 's')!;
    expect(
      m.resolveWaypoint({ kind: 'Service', resource: s.resource, namespace: 'shop', labels: s.labels }).reason,
    ).toBe('bound');
  });
  it('a Service selector with a non-scalar value selects nothing (not every pod of the namespace)', () => {
    const m = buildMesh(
      parse(
        'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop}\nspec: {selector: {app: {toString: 1}}, ports: [{port: 80}]}\n---\n' +
          'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop, labels: {app: x}}\nspec: {containers: [{name: c}]}\n',
      ),
    );
    expect(m.service('shop', 's')!.selector).toBeUndefined();
    expect(m.servicesSelecting('shop', { app: 'x' })).toEqual([]);
  });
  it("a Pod's status.podIP is its address (SEMANTICS §3 [rev])", () => {
    const m = buildMesh(
      parse(
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {containers: [{name: c}]}\nstatus: {podIP: 10.9.8.7}\n',
      ),
    );
    expect(m.workload('shop', 'p')!.ip).toBe('10.9.8.7');
  });
});
