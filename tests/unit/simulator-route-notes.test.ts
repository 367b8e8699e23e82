// The trace wording for route kinds beyond HTTPRoute, and for clients that never reach a waypoint: what a reader of
// `simulate --format text` sees must name the route, say why it was (not) used, and read as plain sentences.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/lib/model/index.ts';
import { formatText, simulate } from '../../src/lib/simulator/index.ts';
import type { SimRequest, SimResult } from '../../src/lib/simulator/index.ts';

const file = fileURLToPath(new URL('../scenarios/gateway-api-l4-grpc.yaml', import.meta.url));
const { resources } = parseManifests({ file: 'l4.yaml', text: readFileSync(file, 'utf8') });

const EXTRA = `apiVersion: apps/v1
kind: Deployment
metadata: {name: outsider, namespace: outside}
spec:
  selector: {matchLabels: {app: outsider}}
  template:
    metadata: {labels: {app: outsider}}
    spec: {containers: [{name: o, image: x}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: plain-http, namespace: plain}
spec:
  parentRefs: [{group: "", kind: Service, name: server}]
  rules: [{backendRefs: [{name: server-canary, port: 9000}]}]
`;
const extra = parseManifests({ file: 'extra.yaml', text: EXTRA }).resources;
const all = [...resources, ...extra];

const sim = (req: SimRequest): Promise<SimResult> => simulate(all, req, { nowSeconds: 1_800_000_000 });
const everything = (r: SimResult): string[] => [
  ...r.notes,
  ...r.hops.flatMap((h) => [...h.notes, ...('decisions' in h ? h.decisions.map((d) => d.note ?? '') : [])]),
];

describe('trace wording', () => {
  it('a client outside the mesh: one sentence about the skipped waypoint, no stray punctuation', async () => {
    for (const from of ['external', 'outside/outsider']) {
      const r = await sim({ from, to: 'exact.grpc:8080' });
      expect(r.waypoint).toBeNull();
      const note = r.notes.find((n) => n.includes('never traverses the waypoint'));
      expect(note).toMatch(/is bound to waypoint grpc\/waypoint, but a caller outside the mesh/);
      for (const n of everything(r)) expect(n).not.toMatch(/\.\s*[;,]/);
      expect(formatText(r)).not.toMatch(/waypoint\.[;,]/);
    }
  });

  it('names the GRPCRoute rule and the method it matched', async () => {
    const r = await sim({
      from: 'grpc/client',
      to: 'exact.grpc:8080',
      method: 'POST',
      path: '/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/EchoTwo',
      headers: { 'content-type': 'application/grpc' },
    });
    const wp = r.hops.find((h) => h.at === 'waypoint');
    const d = wp && 'decisions' in wp ? wp.decisions.find((x) => x.step === 'route') : undefined;
    expect(d).toMatchObject({ policy: 'grpc/exact-matching', rule: 1, matched: true });
    expect(d?.note).toContain('GrpcEcho/EchoTwo (exact path');
  });

  it('a gRPC call with no matching rule: 404, which the gRPC client sees as UNIMPLEMENTED', async () => {
    const r = await sim({
      from: 'grpc/client',
      to: 'exact.grpc:8080',
      method: 'POST',
      path: '/x.Y/Z',
      headers: { 'content-type': 'application/grpc' },
    });
    expect(r.status).toBe(404);
    expect(everything(r).some((n) => n.includes('UNIMPLEMENTED'))).toBe(true);
  });

  it('says when HTTPRoute and GRPCRoute rules are ranked together', async () => {
    const r = await sim({ from: 'grpc/client', to: 'mixed.grpc:8080', path: '/' });
    expect(everything(r).some((n) => n.includes('ranks their rules together'))).toBe(true);
  });

  it('a TLSRoute for another host: the trace says the waypoint does not read the SNI', async () => {
    const r = await sim({ from: 'grpc/client', to: 'tls-other.grpc:9000', tcp: true });
    const notes = everything(r);
    expect(notes.some((n) => /TLSRoute other-host .*ledger\.example\.com.*never on the SNI/.test(n))).toBe(true);
    expect(notes.some((n) => n.includes('no TCPRoute or TLSRoute applies'))).toBe(true);
  });

  it('the oldest TCPRoute wins and the other one is named', async () => {
    const r = await sim({ from: 'grpc/client', to: 'tcp-two.grpc:9000', tcp: true });
    expect(everything(r).some((n) => n.includes('only the oldest TCPRoute is used (older)'))).toBe(true);
    expect(formatText(r)).toContain('TCP connection open');
  });

  it('an HTTP request to a Service with a TCPRoute, and a TCP connection to one with an HTTPRoute', async () => {
    const http = await sim({ from: 'grpc/client', to: 'tcp-split.grpc:9000' });
    expect(everything(http).some((n) => n.includes('TCPRoute grpc/split') && n.includes('--tcp'))).toBe(true);
    const conn = await sim({ from: 'grpc/client', to: 'mixed.grpc:8080', tcp: true });
    expect(
      everything(conn).some((n) => n.includes('HTTPRoute grpc/mixed-http') && n.includes('HTTP requests only')),
    ).toBe(true);
  });

  it('without a waypoint, each route kind is named as having no effect for its own protocol', async () => {
    const conn = await sim({ from: 'grpc/client', to: 'server.plain:9000', tcp: true });
    expect(conn.notes.some((n) => n.startsWith('TCPRoute plain/no-waypoint has no effect without a waypoint'))).toBe(
      true,
    );
    expect(conn.notes.some((n) => n.includes('HTTPRoute plain/plain-http'))).toBe(false);
    const req = await sim({ from: 'grpc/client', to: 'server.plain:9000' });
    expect(req.notes.some((n) => n.startsWith('HTTPRoute plain/plain-http has no effect without a waypoint'))).toBe(
      true,
    );
  });
});
