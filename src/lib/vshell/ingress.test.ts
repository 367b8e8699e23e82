// curl to an ingress Gateway's Service in the virtual shell (src/lib/vshell/ingress.ts): the Service name istiod
// gives the gateway, its listener ports, the routes attached to it and the cross-namespace grant decide what the
// client sees; the request then enters the mesh from the gateway, and the logs show the gateway as the client.
import { describe, expect, it } from 'vitest';
import { initialState, run } from './index.ts';
import type { ShellContext, ShellState } from './index.ts';
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
    - name: http
      port: 8080
      protocol: HTTP
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: edge-routes
  namespace: ingress
spec:
  parentRefs:
    - name: edge
  rules:
    - matches:
        - path: { type: PathPrefix, value: /reviews }
      backendRefs:
        - { name: reviews, namespace: bookinfo, port: 9080 }
    - matches:
        - path: { type: PathPrefix, value: /details }
      backendRefs:
        - { name: details, namespace: bookinfo, port: 9080 }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: from-bookinfo
  namespace: bookinfo
spec:
  parentRefs:
    - { name: edge, namespace: ingress }
  rules:
    - matches:
        - path: { type: PathPrefix, value: /ratings }
      backendRefs:
        - { name: ratings, port: 9080 }
`;

function context(): ShellContext {
  const base = labContext('ingress-use-waypoint', { random: () => 0.5 });
  return { ...base, files: { ...base.files, 'extra/edge.yaml': EDGE } };
}

async function session(lines: readonly string[]) {
  const ctx = context();
  let state: ShellState = initialState(ctx);
  const out: { output: string; exitCode: number }[] = [];
  for (const line of lines) {
    const r = await run(ctx, state, line);
    state = r.state;
    out.push({ output: r.output, exitCode: r.exitCode });
  }
  return out;
}

const curl = (url: string) => `kubectl exec -n legacy deploy/curl -- curl -sS -o /dev/null -w '%{http_code}\\n' ${url}`;

describe('curl to an ingress gateway', () => {
  it('enters the mesh from the gateway: straight to the pods, then through the waypoint once the Service opts in', async () => {
    const [bypass, zlog, , fixed, wlog] = await session([
      curl('http://bookinfo-gateway-istio.ingress/reviews/0'),
      'kubectl logs -n istio-system -l app=ztunnel --tail=50',
      'kubectl label service reviews -n bookinfo istio.io/ingress-use-waypoint=true',
      curl('http://bookinfo-gateway-istio.ingress.svc.cluster.local:80/reviews/0'),
      'kubectl logs -n bookinfo deploy/waypoint --tail=5',
    ]);
    expect(bypass!.output).toBe('200\n');
    expect(zlog!.output).toContain('src.identity="spiffe://cluster.local/ns/ingress/sa/bookinfo-gateway-istio"');
    expect(zlog!.output).toContain('src.namespace="ingress"');
    expect(fixed!.output).toBe('403\n');
    expect(wlog!.output).toMatch(/"GET \/reviews\/0 HTTP\/1\.1" 403 .*rbac_access_denied/);
  });

  it('answers by itself when no route matches, and refuses ports it has no listener for', async () => {
    const [noRoute, wrongPort, gatewayName] = await session([
      curl('http://bookinfo-gateway-istio.ingress/productpage'),
      curl('http://bookinfo-gateway-istio.ingress:8080/reviews/0'),
      curl('http://bookinfo-gateway.ingress/reviews/0'),
    ]);
    expect(noRoute).toEqual({ output: '404\n', exitCode: 0 });
    expect(wrongPort!.exitCode).toBe(7);
    // The Gateway's own name is not a Service: istiod names it <gateway>-<class>.
    expect(gatewayName!.exitCode).toBe(6);
  });

  it('uses name-override, needs a ReferenceGrant across namespaces, and attaches routes from its own namespace only', async () => {
    const [, granted, ungranted, otherNs, suffixed] = await session([
      'kubectl apply -f extra/edge.yaml',
      curl('http://public-edge.ingress:8080/reviews/0'),
      curl('http://public-edge.ingress:8080/details/0'),
      curl('http://public-edge.ingress:8080/ratings/0'),
      curl('http://edge-istio.ingress:8080/reviews/0'),
    ]);
    expect(granted!.output).toBe('200\n');
    // The lab's ReferenceGrant lets ingress routes refer to reviews only: details is an unresolved backend.
    expect(ungranted!.output).toBe('500\n');
    // allowedRoutes defaults to Same: a route in bookinfo does not attach to a Gateway in ingress.
    expect(otherNs!.output).toBe('404\n');
    expect(suffixed!.exitCode).toBe(6);
  });
});
