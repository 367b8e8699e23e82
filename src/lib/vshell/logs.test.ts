// `kubectl logs` on ztunnel and waypoints (issue #21): the lines are the access logs of this session's own requests,
// in the proxies' real formats. Shapes are compared with upstream: ztunnel's README example and its formatter
// (istio/ztunnel README.md "Logging", src/telemetry.rs IstioFormat, src/proxy/metrics.rs access_log!), its
// rejection texts (src/proxy.rs AuthorizationRejectionError), and Istio's EnvoyTextLogFormat (release-1.31
// pilot/pkg/model/telemetry_logging.go) with Envoy's RBAC details (source/extensions/filters/common/rbac/utility.cc).
import { describe, expect, it } from 'vitest';
import { initialState, restoreState, run, serializeState } from './index.ts';
import type { ShellState } from './index.ts';
import { ZTUNNEL_POD } from './cluster.ts';
import { TRAFFIC_MAX } from './traffic.ts';
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

// One ztunnel line: time, level, target, message, then key=value fields (src/telemetry.rs).
const ZTUNNEL_LINE =
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\t(info|error)\taccess\tconnection complete\tsrc\.addr=\d+\.\d+\.\d+\.\d+:\d+ src\.workload="[^"]+" src\.namespace="[^"]+"/;

describe('kubectl logs for ztunnel', () => {
  it('prints nothing before any request, and one inbound and one outbound line per request after', async () => {
    const before = await session(['kubectl logs -n istio-system ds/ztunnel']);
    expect(before.last.output).toBe('');
    expect(before.last.exitCode).toBe(0);
    const { last, results } = await session([
      'kubectl exec -n bookinfo deploy/curl -- curl -s http://productpage:9080/productpage',
      'kubectl logs -n istio-system ds/ztunnel',
    ]);
    expect(results[0]!.exitCode).toBe(0);
    const lines = last.output.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(ZTUNNEL_LINE);
    const [inbound, outbound] = lines as [string, string];
    expect(inbound).toContain('direction="inbound"');
    expect(outbound).toContain('direction="outbound"');
    // Field order and names as in ztunnel's README example.
    expect(outbound).toMatch(
      /src\.identity="spiffe:\/\/cluster\.local\/ns\/bookinfo\/sa\/[^"]+" dst\.addr=[\d.]+:15008 dst\.hbone_addr=[\d.]+:9080 dst\.service="productpage\.bookinfo\.svc\.cluster\.local" dst\.workload="productpage-v1-[^"]+" dst\.namespace="bookinfo" dst\.identity="spiffe:\/\/cluster\.local\/ns\/bookinfo\/sa\/bookinfo-productpage" direction="outbound" bytes_sent=\d+ bytes_recv=\d+ duration="\d+ms"$/,
    );
  });

  it('names the same pod by DaemonSet, pod name and label selector, and --tail keeps the last lines', async () => {
    const reqs = Array.from(
      { length: 3 },
      () => 'kubectl exec -n bookinfo deploy/curl -- curl -s http://reviews:9080/reviews/1',
    );
    const { results } = await session([
      ...reqs,
      'kubectl logs -n istio-system ds/ztunnel',
      `kubectl logs -n istio-system ${ZTUNNEL_POD}`,
      'kubectl logs -n istio-system -l app=ztunnel',
      'kubectl logs -n istio-system ds/ztunnel --tail 1',
      'kubectl logs -n istio-system ds/ztunnel --tail=0',
    ]);
    const [ds, pod, sel, tail1, tail0] = results.slice(3).map((r) => r.output);
    expect(ds!.trimEnd().split('\n')).toHaveLength(6);
    expect(pod).toBe(ds);
    expect(sel).toBe(ds!.trimEnd().split('\n').slice(-10).join('\n') + '\n');
    expect(tail1).toBe(ds!.trimEnd().split('\n').slice(-1)[0] + '\n');
    expect(tail0).toBe('');
  });

  it('lists the ztunnel pod in istio-system, so its name can be found for kubectl logs', async () => {
    const { results } = await session([
      'kubectl get pods -n istio-system -l app=ztunnel -o name',
      `kubectl logs -n istio-system $(kubectl get pods -n istio-system -l app=ztunnel -o jsonpath='{.items[0].metadata.name}')`,
    ]);
    expect(results[0]!.output).toBe(`pod/${ZTUNNEL_POD}\n`);
    expect(results[1]!.exitCode).toBe(0);
  });

  it('logs a policy rejection with ztunnel’s wording naming the policy', async () => {
    const { last } = await session([
      `kubectl apply -f - <<EOF
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-curl, namespace: bookinfo}
spec:
  selector: {matchLabels: {app: productpage}}
  action: DENY
  rules: [{from: [{source: {namespaces: [bookinfo]}}]}]
EOF`,
      'kubectl exec -n bookinfo deploy/curl -- curl -s http://productpage:9080/productpage',
      'kubectl logs -n istio-system ds/ztunnel',
    ]);
    const lines = last.output.trimEnd().split('\n');
    const inbound = lines.find((l) => l.includes('direction="inbound"'))!;
    expect(inbound).toMatch(/\terror\taccess\tconnection complete\t/);
    expect(inbound).toMatch(
      / error="connection closed due to policy rejection: explicitly denied by: bookinfo\/deny-curl"$/,
    );
    const outbound = lines.find((l) => l.includes('direction="outbound"'))!;
    expect(outbound).toContain('error="http status: 401 Unauthorized"');
  });

  it('says so when ALLOW policies exist and none matched', async () => {
    const { last } = await session([
      `kubectl apply -f - <<EOF
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: only-frontend, namespace: bookinfo}
spec:
  selector: {matchLabels: {app: productpage}}
  action: ALLOW
  rules: [{from: [{source: {principals: [cluster.local/ns/nowhere/sa/nobody]}}]}]
EOF`,
      'kubectl exec -n bookinfo deploy/curl -- curl -s http://productpage:9080/productpage',
      'kubectl logs -n istio-system ds/ztunnel | grep inbound',
    ]);
    expect(last.output).toContain(
      'error="connection closed due to policy rejection: allow policies exist, but none allowed"',
    );
  });

  it('logs plaintext from outside the mesh without identities, and its STRICT rejection by the derived policy', async () => {
    const { last } = await session([
      'kubectl exec -n legacy deploy/curl -- curl -s http://productpage.bookinfo:9080/',
      'kubectl apply -f labs/ambient-mtls/manifests/strict-mtls.yaml',
      'kubectl exec -n legacy deploy/curl -- curl -s http://productpage.bookinfo:9080/',
      'kubectl logs -n istio-system ds/ztunnel',
    ]);
    const [ok, refused, ...more] = last.output.trimEnd().split('\n');
    expect(more).toEqual([]);
    // A non-enrolled client has no source ztunnel line; the destination sees plaintext on the pod port.
    expect(ok).toMatch(
      /\tinfo\t.*src\.workload="curl-\w+" src\.namespace="legacy" dst\.addr=[\d.]+:9080 dst\.service=/,
    );
    expect(ok).not.toMatch(/identity|hbone_addr/);
    // release-1.31 A/authorization.go: STRICT without port exceptions is enforced by the static DENY policy.
    expect(refused).toMatch(
      / error="connection closed due to policy rejection: explicitly denied by: istio-system\/istio_converted_static_strict"$/,
    );
  });

  it('refuses -f clearly and gives kubectl’s NotFound for an unknown pod', async () => {
    const { results } = await session([
      'kubectl logs -f -n istio-system ds/ztunnel',
      'kubectl logs -n bookinfo nosuchpod',
      'kubectl logs -n bookinfo deploy/waypoint',
      'kubectl logs -n bookinfo ds/ztunnel',
      'kubectl logs',
    ]);
    expect(results[0]!.exitCode).toBe(1);
    expect(results[0]!.output).toMatch(/not supported here/);
    expect(results[1]!.output).toBe('Error from server (NotFound): pods "nosuchpod" not found\n');
    expect(results[2]!.output).toBe('Error from server (NotFound): deployments.apps "waypoint" not found\n');
    expect(results[3]!.output).toBe('Error from server (NotFound): daemonsets.apps "ztunnel" not found\n');
    expect(results[4]!.output).toMatch(/^error: expected 'logs \[-f\] \[-p\] \(POD \| TYPE\/NAME\) \[-c CONTAINER\]'/);
  });
});

describe('kubectl logs for a waypoint', () => {
  const waypointSetup = [
    'istioctl waypoint apply -n bookinfo --enroll-namespace',
    'kubectl label svc reviews -n bookinfo istio.io/use-waypoint=waypoint',
  ];

  it('prints Envoy’s default text format with via_upstream for an allowed request', async () => {
    const { last } = await session([
      ...waypointSetup,
      'kubectl exec -n bookinfo deploy/curl -- curl -s http://reviews:9080/reviews/1',
      'kubectl logs -n bookinfo deploy/waypoint',
    ]);
    const line = last.output.trimEnd();
    expect(line.split('\n')).toHaveLength(1);
    // [%START_TIME%] "%REQ(:METHOD)% %PATH% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS%
    // %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
    // %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%"
    // "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS%
    // %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%
    expect(line).toMatch(
      /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] "GET \/reviews\/1 HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "-" "curl\/[\d.]+" "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}" "reviews:9080" "envoy:\/\/connect_originate\/[\d.]+:9080" inbound-vip\|9080\|http\|reviews\.bookinfo\.svc\.cluster\.local envoy:\/\/internal_client_address\/ [\d.]+:9080 [\d.]+:\d+ - default$/,
    );
    // ztunnel sees the client → waypoint leg and the waypoint → pod leg, the second with the waypoint's identity.
    const z = await run(
      ctx,
      (
        await session([
          ...waypointSetup,
          'kubectl exec -n bookinfo deploy/curl -- curl -s http://reviews:9080/reviews/1',
        ])
      ).state,
      'kubectl logs -n istio-system ds/ztunnel',
    );
    const inbound = z.output.split('\n').find((l) => l.includes('direction="inbound"'))!;
    expect(inbound).toMatch(
      /src\.workload="waypoint-[a-z0-9]+" src\.namespace="bookinfo" src\.identity="spiffe:\/\/cluster\.local\/ns\/bookinfo\/sa\/waypoint"/,
    );
  });

  it('names the matched HTTPRoute rule in %ROUTE_NAME%, and the waypoint pod answers by name too', async () => {
    const { results } = await session([
      ...waypointSetup,
      'kubectl apply -f labs/canary-routing/manifests/reviews-header-route.yaml',
      'kubectl exec -n bookinfo deploy/curl -- curl -s -H "end-user: jason" http://reviews:9080/reviews/1',
      'kubectl logs -n bookinfo deploy/waypoint',
      `kubectl logs -n bookinfo $(kubectl get pods -n bookinfo -l gateway.networking.k8s.io/gateway-name=waypoint -o jsonpath='{.items[0].metadata.name}')`,
      'kubectl logs -n bookinfo -l gateway.networking.k8s.io/gateway-name=waypoint --tail 1',
    ]);
    // release-1.31 pilot/pkg/config/kube/gateway/conversion.go names an unnamed rule NS.NAME.INDEX.
    expect(results[4]!.output).toMatch(/ 200 - via_upstream .* bookinfo\.reviews\.0\n$/);
    expect(results[5]!.output).toBe(results[4]!.output);
    expect(results[6]!.output).toBe(results[4]!.output);
  });

  it('names the AuthorizationPolicy rule in rbac_access_denied_matched_policy for a 403', async () => {
    const { last, results } = await session([
      ...waypointSetup,
      `kubectl apply -f - <<EOF
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: no-delete, namespace: bookinfo}
spec:
  targetRefs: [{kind: Service, group: "", name: reviews}]
  action: DENY
  rules: [{to: [{operation: {methods: [DELETE]}}]}]
EOF`,
      'kubectl exec -n bookinfo deploy/curl -- curl -s -X DELETE http://reviews:9080/reviews/1',
      `kubectl logs -n bookinfo -l gateway.networking.k8s.io/gateway-name=waypoint`,
    ]);
    expect(results[3]!.output).toBe('RBAC: access denied');
    expect(last.output).toMatch(
      /"DELETE \/reviews\/1 HTTP\/1\.1" 403 - rbac_access_denied_matched_policy\[ns\[bookinfo\]-policy\[no-delete\]-rule\[0\]\] - "-" 0 19 /,
    );
  });
});

describe('traffic records', () => {
  it('are kept with the state, survive persistence, and stay bounded', async () => {
    const { state } = await session([
      'for i in $(seq 1 120); do kubectl exec -n bookinfo deploy/curl -- curl -s http://ratings:9080/ratings/0 > /dev/null; done',
    ]);
    expect(state.traffic).toHaveLength(TRAFFIC_MAX);
    const back = restoreState(serializeState(state), ctx.lab)!;
    expect(back.traffic).toEqual(state.traffic);
    const lines = (await run(ctx, back, 'kubectl logs -n istio-system ds/ztunnel')).output.trimEnd().split('\n');
    expect(lines).toHaveLength(2 * TRAFFIC_MAX);
    // A corrupt traffic list is dropped on its own; the cluster is kept.
    const bad = restoreState(JSON.stringify({ ...state, traffic: [{ seq: 'x' }, 5] }), ctx.lab)!;
    // A record missing a field the printers read (here the service's host) is dropped, the others kept.
    const broken = { ...state.traffic![0]!, service: { port: 9080 } };
    const partly = restoreState(JSON.stringify({ ...state, traffic: [broken, ...state.traffic!.slice(1)] }), ctx.lab)!;
    expect(partly.traffic).toHaveLength(TRAFFIC_MAX - 1);
    expect(bad.objects).toHaveLength(state.objects.length);
    expect(bad.traffic).toBeUndefined();
  });
});
