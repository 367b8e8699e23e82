// Issue #21: the Deployment, pod and Service istiod's gateway controller makes for an ingress Gateway of class
// `istio` are listed by kubectl in the virtual shell (src/lib/vshell/ingress-objects.ts, cluster.ts podsOf), named
// as gatewayDeploymentName names them, and `kubectl logs deploy/<name>` finds the pod.
import { describe, expect, it } from 'vitest';
import { initialState, run } from './index.ts';
import type { ShellState } from './index.ts';
import { labContext } from '../../../tests/unit/vshell-context.ts';

const EDGE = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: edge
  namespace: ingress
  annotations:
    gateway.istio.io/name-override: public-edge
spec:
  gatewayClassName: istio
  listeners:
    - { name: http.a, port: 8080, protocol: HTTP }
    - { name: https, port: 8443, protocol: HTTPS, tls: { certificateRefs: [{ name: cert }] } }
    - { name: again, port: 8080, protocol: HTTP, hostname: b.example.com }
`;

async function session(lines: readonly string[]) {
  const base = labContext('ingress-use-waypoint', { random: () => 0.5 });
  const ctx = { ...base, files: { ...base.files, 'extra/edge.yaml': EDGE } };
  let state: ShellState = initialState(ctx);
  const out: { output: string; exitCode: number }[] = [];
  for (const line of lines) {
    const r = await run(ctx, state, line);
    state = r.state;
    out.push({ output: r.output, exitCode: r.exitCode });
  }
  return out;
}

describe('ingress gateway workloads in the virtual shell', () => {
  it('lists the Deployment, its pod and the LoadBalancer Service istiod creates for bookinfo-gateway', async () => {
    const [deploy, pods, svc, podYaml] = await session([
      'kubectl get deploy -n ingress',
      'kubectl get pods -n ingress -o wide --show-labels',
      'kubectl get svc -n ingress',
      'kubectl get pods -n ingress -o yaml',
    ]);
    expect(deploy!.exitCode).toBe(0);
    expect(deploy!.output).toMatch(/^bookinfo-gateway-istio\s+1\/1\s+1\s+1\s/m);
    expect(pods!.output).toMatch(/^bookinfo-gateway-istio-[a-z0-9]{10}-[a-z0-9]{5}\s+1\/1\s+Running/m);
    expect(pods!.output).toContain('gateway.networking.k8s.io/gateway-name=bookinfo-gateway');
    expect(pods!.output).toContain('gateway.networking.k8s.io/gateway-class-name=istio');
    expect(pods!.output).toMatch(/10\.243\.1\.\d+/);
    expect(svc!.output).toMatch(
      /^bookinfo-gateway-istio\s+LoadBalancer\s+10\.243\.2\.\d+\s+<pending>\s+15021:3\d{4}\/TCP,80:3\d{4}\/TCP\s/m,
    );
    expect(podYaml!.output).toContain('gateway.istio.io/managed: istio.io-gateway-controller');
  });

  it('names the pod as the ztunnel log names the gateway client', async () => {
    const [pods, ip, curl, zlog] = await session([
      'kubectl get pods -n ingress -o name',
      'kubectl get pods -n ingress -o jsonpath={.items[0].status.podIP}',
      'kubectl exec -n legacy deploy/curl -- curl -sS -o /dev/null http://bookinfo-gateway-istio.ingress/reviews/0',
      'kubectl logs -n istio-system -l app=ztunnel --tail=50',
    ]);
    const pod = /pod\/(\S+)/.exec(pods!.output)?.[1];
    expect(pod).toMatch(/^bookinfo-gateway-istio-/);
    expect(curl!.exitCode).toBe(0);
    expect(zlog!.output).toContain(`src.workload="${pod}"`);
    expect(zlog!.output).toContain(`src.addr=${ip!.output}:`);
  });

  it('kubectl logs finds the gateway pod by Deployment, name and label, and prints no access log', async () => {
    const [byDeploy, names, byLabel, missing] = await session([
      'kubectl logs -n ingress deploy/bookinfo-gateway-istio',
      'kubectl get pods -n ingress -o name',
      'kubectl logs -n ingress -l gateway.networking.k8s.io/gateway-name=bookinfo-gateway',
      'kubectl logs -n ingress deploy/bookinfo-gateway',
    ]);
    expect(byDeploy).toEqual({ output: '', exitCode: 0 });
    const pod = names!.output.trim().replace('pod/', '');
    const [byPod] = await session([`kubectl logs -n ingress ${pod}`]);
    expect(byPod).toEqual({ output: '', exitCode: 0 });
    expect(byLabel).toEqual({ output: '', exitCode: 0 });
    expect(missing!.exitCode).toBe(1);
    expect(missing!.output).toContain('deployments.apps "bookinfo-gateway" not found');
  });

  it('follows gatewayDeploymentName and extractServicePorts for a Gateway applied later', async () => {
    const [, deploy, svc, svcYaml, waypoints] = await session([
      'kubectl apply -f extra/edge.yaml',
      'kubectl get deploy -n ingress -o name',
      'kubectl get svc public-edge -n ingress',
      'kubectl get svc public-edge -n ingress -o jsonpath={.spec.ports[*].name}',
      'kubectl get deploy -n bookinfo -o name',
    ]);
    expect(deploy!.output).toBe('deployment.apps/bookinfo-gateway-istio\ndeployment.apps/public-edge\n');
    // Ports deduplicated by number; the listener name's dot becomes a dash.
    expect(svc!.output).toMatch(/15021:\d+\/TCP,8080:\d+\/TCP,8443:\d+\/TCP/);
    expect(svcYaml!.output).toBe('status-port http-a https');
    // A waypoint Gateway is not an ingress: no Deployment is derived for it here.
    expect(waypoints!.output).not.toContain('waypoint');
  });

  it('the other pod-reading commands know the gateway pod as an Envoy, not an app', async () => {
    const [names] = await session(['kubectl get pods -n ingress -o name']);
    const pod = names!.output.trim().replace('pod/', '');
    const [status, zc, describe, exec] = await session([
      'istioctl proxy-status',
      'istioctl ztunnel-config workloads --workload-namespace ingress',
      `istioctl x describe pod ${pod} -n ingress`,
      `kubectl exec -n ingress ${pod} -- curl -sS http://reviews.bookinfo:9080/`,
    ]);
    expect(status!.output).toContain(`${pod}.ingress`);
    expect(zc!.output).toMatch(new RegExp(`^ingress\\s+${pod}\\s+10\\.243\\.1\\.\\d+\\s+\\S+\\s+None\\s+TCP`, 'm'));
    expect(describe!.exitCode).toBe(0);
    expect(describe!.output).toContain('Ingress gateway Deployment ingress/bookinfo-gateway-istio');
    expect(exec!.exitCode).toBe(1);
    expect(exec!.output).toContain('the gateway pod runs Envoy only');
  });
});
