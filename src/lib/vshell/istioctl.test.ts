// istioctl in the virtual terminal (issue #21): ztunnel-config, waypoint list/status, analyze and proxy-status print
// what the real istioctl 1.31 prints for the same cluster. Expected layouts are copied by shape from upstream
// testdata: release-1.31 istioctl/pkg/writer/ztunnel/configdump/testdata/*.txt (tabwriter padding 1),
// istioctl/pkg/waypoint/waypoint.go (padding 5), istioctl/pkg/writer/pilot/testdata/multiXdsStatusSinglePilot.txt
// and pkg/config/analysis/diag/message.go (the `Level [CODE] (Kind ns/name) message` line).
import { describe, expect, it } from 'vitest';
import { initialState, run } from './index.ts';
import type { ShellState } from './index.ts';
import { labContext } from '../../../tests/unit/vshell-context.ts';

const ctx = labContext('l4-authorization');

async function session(lines: string[], start: ShellState = initialState(ctx)) {
  let state = start;
  const results = [];
  for (const l of lines) {
    const r = await run(ctx, state, l);
    state = r.state;
    results.push(r);
  }
  return { state, results, last: results[results.length - 1]! };
}

/** Go tabwriter check: every row's cells start at the column offsets of the header's names. */
function columnsAligned(text: string, names: readonly string[]): void {
  const [header, ...rows] = text.trimEnd().split('\n');
  const starts = names.map((n) => header!.indexOf(n));
  expect(starts[0]).toBe(0);
  for (const r of rows)
    for (const at of starts.slice(1)) {
      expect(r[at - 1]).toBe(' ');
      expect(r[at]).not.toBe(' ');
    }
}

const waypointSetup = [
  'istioctl waypoint apply -n bookinfo --enroll-namespace',
  'kubectl label svc reviews -n bookinfo istio.io/use-waypoint=waypoint',
];

describe('istioctl ztunnel-config', () => {
  it('workloads: the columns of workloadsummary.txt, waypoint pods as TCP, enrolled pods as HBONE', async () => {
    const { last } = await session(['istioctl ztunnel-config workloads']);
    const lines = last.output.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE +POD NAME +ADDRESS +NODE +WAYPOINT +PROTOCOL$/);
    // Padding 1: the widest cell of a column is followed by exactly one space.
    const nsWidth = Math.max(...lines.map((l) => l.split(' ')[0]!.length));
    expect(lines[0]!.slice(0, nsWidth + 1)).toBe('NAMESPACE'.padEnd(nsWidth + 1));
    expect(last.output).toMatch(/\nbookinfo +productpage-v1-\w+ +10\.\d+\.\d+\.\d+ +atlas-worker +None +HBONE\n/);
    expect(last.output).toMatch(/\nlegacy +curl-\w+ +[\d.]+ +atlas-worker +None +TCP\n/);
    columnsAligned(last.output, ['NAMESPACE', 'POD NAME', 'ADDRESS', 'NODE', 'WAYPOINT', 'PROTOCOL']);
  });

  it('services: NAMESPACE SERVICE NAME SERVICE VIP WAYPOINT ENDPOINTS, with the bound waypoint and n/n endpoints', async () => {
    const { last } = await session([...waypointSetup, 'istioctl zc services --service-namespace bookinfo']);
    const lines = last.output.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE +SERVICE NAME +SERVICE VIP +WAYPOINT +ENDPOINTS$/);
    expect(last.output).toMatch(/\nbookinfo +reviews +10\.96\.\d+\.\d+ +waypoint +3\/3\n/);
    expect(last.output).toMatch(/\nbookinfo +waypoint +[\d.]+ +None +1\/1\n/);
  });

  it('policies: only what reaches ztunnel, with Allow/Deny and the scope names of policies.txt', async () => {
    const { last } = await session([
      `kubectl apply -f - <<EOF
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-nothing, namespace: bookinfo}
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-waypoint, namespace: bookinfo}
spec:
  selector: {matchLabels: {app: reviews}}
  rules: [{from: [{source: {principals: [cluster.local/ns/bookinfo/sa/waypoint]}}]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: at-waypoint, namespace: bookinfo}
spec:
  targetRefs: [{kind: Service, group: "", name: reviews}]
  rules: [{}]
EOF`,
      'istioctl ztunnel-config policies',
      'istioctl ztunnel-config policies -o json',
    ]);
    const r = await run(ctx, last.state, 'istioctl ztunnel-config policies');
    expect(r.output).toBe(
      'NAMESPACE POLICY NAME    ACTION SCOPE\nbookinfo  allow-nothing  Allow  Namespace\nbookinfo  allow-waypoint Allow  WorkloadSelector\n',
    );
    const json = JSON.parse(last.output) as { name: string; action: string; scope: string; rules: unknown }[];
    expect(json.map((p) => [p.name, p.action, p.scope])).toEqual([
      ['allow-nothing', 'Allow', 'Namespace'],
      ['allow-waypoint', 'Allow', 'WorkloadSelector'],
    ]);
    // ztunnel's form (istio/ztunnel src/rbac.rs): rule → clauses → matches, strings as externally tagged StringMatch.
    expect(json[0]!.rules).toEqual([]);
    expect(json[1]!.rules).toEqual([[[{ principals: [{ Exact: 'cluster.local/ns/bookinfo/sa/waypoint' }] }]]]);
  });

  it('connections: this session’s requests, inbound at the pod and outbound at the client', async () => {
    const { last, results } = await session([
      'istioctl zc connections',
      'kubectl exec -n bookinfo deploy/curl -- curl -s http://ratings:9080/ratings/0',
      'istioctl zc connections',
      'istioctl zc connections --raw --direction inbound',
    ]);
    expect(results[0]!.output).toBe('WORKLOAD DIRECTION LOCAL REMOTE REMOTE TARGET PROTOCOL\n');
    const lines = results[2]!.output.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^WORKLOAD +DIRECTION +LOCAL +REMOTE +REMOTE TARGET +PROTOCOL$/);
    expect(lines[1]).toMatch(
      /^curl-\w+\.bookinfo +Outbound +curl-\w+\.bookinfo:\d+ +ratings-v1-\w+\.bookinfo:15008 +ratings\.bookinfo\.svc\.cluster\.local:9080 +HBONE$/,
    );
    expect(lines[2]).toMatch(
      /^ratings-v1-\w+\.bookinfo +Inbound +ratings-v1-\w+\.bookinfo:9080 +curl-\w+\.bookinfo:\d+ +ratings\.bookinfo\.svc\.cluster\.local +HBONE$/,
    );
    expect(last.output).toMatch(
      /\nratings-v1-\w+\.bookinfo +Inbound +10\.\d+\.\d+\.\d+:9080 +10\.[\d.]+:\d+ +ratings\.bookinfo\.svc\.cluster\.local +HBONE\n$/,
    );
  });

  it('all: a blank line before each section and the headers of allsummary_withheaders.txt; -o yaml prints the dump', async () => {
    const { results } = await session([
      'istioctl zc all --with-headers',
      'istioctl zc all',
      'istioctl zc all -o yaml',
      'istioctl zc workloads -o xml',
    ]);
    const withHeaders = results[0]!.output;
    expect(withHeaders.startsWith('\n------ WORKLOAD INFO ------\n\nNAMESPACE ')).toBe(true);
    for (const h of ['SERVICE INFO', 'POLICY INFO', 'SECRET INFO', 'CONNECTIONS INFO'])
      expect(withHeaders).toContain(`\n\n------ ${h} ------\n\n`);
    expect(results[1]!.output.startsWith('\nNAMESPACE ')).toBe(true);
    expect(results[2]!.output).toMatch(/^workloads:\n/m);
    expect(results[2]!.output).toMatch(/^workloadState:/m);
    expect(results[3]!.exitCode).toBe(1);
  });
});

describe('istioctl waypoint list and status', () => {
  it('list: none for an unlabelled waypoint as istioctl prints it, only class istio-waypoint, padding 5', async () => {
    const { results } = await session([
      ...waypointSetup,
      'istioctl waypoint apply -n bookinfo --name wl --for workload',
      `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: other, namespace: bookinfo}
spec:
  gatewayClassName: istio
  listeners: [{name: http, port: 80, protocol: HTTP}]
EOF`,
      'istioctl waypoint list -n bookinfo',
      'istioctl waypoint list -A',
    ]);
    expect(results[4]!.output).toBe(
      'NAME         REVISION     TRAFFIC TYPE     PROGRAMMED\n' +
        'waypoint     default      none             True\n' +
        'wl           default      workload         True\n',
    );
    expect(results[5]!.output.split('\n')[0]).toBe(
      'NAMESPACE     NAME         REVISION     TRAFFIC TYPE     PROGRAMMED',
    );
  });

  it('status: the Programmed condition of each waypoint, -A adds NAMESPACE', async () => {
    const { results } = await session([
      ...waypointSetup,
      'istioctl waypoint status -n bookinfo',
      'istioctl waypoint status -A',
      'istioctl waypoint status',
    ]);
    expect(results[2]!.output).toBe(
      'NAME         STATUS     TYPE           REASON         MESSAGE\n' +
        'waypoint     True       Programmed     Programmed     Resource programmed, assigned to service(s) waypoint.bookinfo.svc.cluster.local:15008\n',
    );
    expect(results[3]!.output.split('\n')[0]).toMatch(/^NAMESPACE +NAME +STATUS/);
    expect(results[4]!.output).toBe('No waypoints found.\n');
  });

  it('status: a waypoint that is never programmed ends in istioctl’s timeout error', async () => {
    const { last } = await session([
      `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: stuck, namespace: bookinfo}
spec:
  gatewayClassName: istio-waypoint
  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
status:
  conditions: [{type: Programmed, status: "False", reason: Pending, message: waiting}]
EOF`,
      'istioctl waypoint status -n bookinfo',
    ]);
    expect(last.exitCode).toBe(1);
    expect(last.output).toBe('Error: timed out while retrieving status for waypoint\tbookinfo/stuck\n');
  });
});

describe('istioctl analyze', () => {
  it('prints the check line when nothing is found (an empty message list still prints its newline)', async () => {
    const { results } = await session([
      'istioctl analyze -n bookinfo',
      'kubectl label ns default istio-injection=disabled',
      'kubectl label ns legacy istio-injection=disabled',
      'istioctl analyze -A',
    ]);
    expect(results[0]!.output).toBe('\n✔ No validation issues found when analyzing namespace: bookinfo.\n');
    expect(results[3]!.output).toBe('\n✔ No validation issues found when analyzing all namespaces.\n');
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0, 0]);
  });

  it('reports IST0102 for a namespace that is neither injected nor ambient, as the injection analyzer does', async () => {
    const { last } = await session(['istioctl analyze']);
    expect(last.output).toBe(
      "Info [IST0102] (Namespace default) The namespace is not enabled for Istio injection. Run 'kubectl label namespace default istio-injection=enabled' to enable it, or 'kubectl label namespace default istio-injection=disabled' to explicitly mark it as not needing injection.\n",
    );
    expect(last.exitCode).toBe(0);
  });

  it('reports a file’s finding with its location, our rule id where istioctl has no analyzer, and exit 79', async () => {
    const file = 'labs/selector-l7-deny-all/manifests/reviews-get-only-selector.yaml';
    const { last } = await session([`istioctl analyze -n bookinfo -f ${file}`]);
    expect(last.exitCode).toBe(79);
    const [msg, ...rest] = last.output.split('\n');
    expect(msg).toMatch(
      new RegExp(
        `^Error \\[l7-policy-on-ztunnel\\] \\(AuthorizationPolicy bookinfo/reviews-get-only ${file}:\\d+\\) \\S`,
      ),
    );
    expect(rest.join('\n')).toBe(
      'Error: Analyzers found issues when analyzing namespace: bookinfo.\nSee https://istio.io/v1.31/docs/reference/config/analysis for more information about causes and resolutions.\n',
    );
  });

  it('maps rules that an upstream analyzer shares to its IST code and level, and scopes messages to -n', async () => {
    const { results } = await session([
      `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: legacy-egress, namespace: bookinfo}
spec:
  workloadSelector: {labels: {app: reviews}}
  egress: [{hosts: ["./*"]}]
EOF`,
      'istioctl analyze -n bookinfo',
      'istioctl analyze -n default',
      'istioctl analyze -A -o json',
    ]);
    // A cluster object has no file location; IST0167 IneffectivePolicy is a Warning, so the exit code stays 0.
    expect(results[1]!.output).toMatch(/^Warning \[IST0167\] \(Sidecar bookinfo\/legacy-egress\) \S/);
    expect(results[1]!.exitCode).toBe(0);
    expect(results[2]!.output).toMatch(/^Info \[IST0102\] \(Namespace default\) /);
    const json = JSON.parse(results[3]!.output) as { code: string; level: string; origin: string }[];
    expect(json).toContainEqual(
      expect.objectContaining({ code: 'IST0167', level: 'Warning', origin: 'Sidecar bookinfo/legacy-egress' }),
    );
  });

  it('says when the namespace does not exist', async () => {
    const { last } = await session(['istioctl analyze -n nowhere']);
    expect(last.output).toBe('namespace "nowhere" not found\n');
  });
});

describe('istioctl proxy-status', () => {
  it('lists ztunnel and each waypoint in the 1.31 columns, sorted by name, padding 5', async () => {
    const { results } = await session([
      'istioctl proxy-status',
      ...waypointSetup,
      'istioctl proxy-status',
      'istioctl ps -n bookinfo',
    ]);
    const header =
      'NAME                           CLUSTER        ISTIOD                      VERSION     SUBSCRIBED TYPES';
    expect(results[0]!.output).toMatch(
      /^NAME +CLUSTER +ISTIOD +VERSION +SUBSCRIBED TYPES\nztunnel-\w+\.istio-system +Kubernetes +istiod-[\w-]+ +1\.31\.1 +2 \(WADS,WDS\)\n$/,
    );
    const lines = results[3]!.output.trimEnd().split('\n');
    expect(lines[0]).toBe(header);
    expect(lines[1]).toMatch(
      /^waypoint-\w+\.bookinfo {5,}Kubernetes {5}istiod-[\w-]+ {5}1\.31\.1 {6}4 \(CDS,LDS,EDS,RDS\)$/,
    );
    expect(lines[2]).toMatch(/^ztunnel-\w+\.istio-system {5}Kubernetes/);
    expect(results[4]!.output.trimEnd().split('\n')).toHaveLength(2);
  });
});

describe('ztunnel rule form', () => {
  it('orders clauses to, from, when; drops an ALLOW rule with L7 fields; strips L7 fields from a DENY', async () => {
    const { ztunnelRule } = await import('./ztunnel-rules.ts');
    const rule = {
      from: [{ source: { namespaces: ['a*'], serviceAccounts: ['sa1', 'other/sa2'], notPrincipals: ['*'] } }],
      to: [{ operation: { ports: ['9080', 'x'], methods: ['GET'] } }],
      when: [{ key: 'source.ip', values: ['10.0.0.0/8'] }],
    };
    expect(ztunnelRule(rule, 'ALLOW', 'ns')).toBeUndefined();
    expect(ztunnelRule(rule, 'DENY', 'ns')).toEqual([
      [{ destinationPorts: [9080] }],
      [
        {
          namespaces: [{ Prefix: 'a' }],
          serviceAccounts: [
            { namespace: 'ns', serviceAccount: 'sa1' },
            { namespace: 'other', serviceAccount: 'sa2' },
          ],
          notPrincipals: [{ Presence: [] }],
        },
      ],
      [{ sourceIps: ['10.0.0.0/8'] }],
    ]);
  });
});
