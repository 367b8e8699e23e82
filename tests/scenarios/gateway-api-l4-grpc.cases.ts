import type { ScenarioCase } from './types.ts';

const from = 'grpc/client';
const v1 = ['grpc/backend-v1'];
const v2 = ['grpc/backend-v2'];
const ECHO = 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho';
const G = 'application/grpc';

/** A gRPC call: POST to /<service>/<method> with the gRPC content type, plus metadata headers. */
const call = (svc: string, path: string, headers: Record<string, string> = {}) => ({
  from,
  to: `${svc}.grpc:8080`,
  method: 'POST',
  path,
  headers: { 'content-type': G, ...headers },
});
const routed = (
  name: string,
  source: string,
  svc: string,
  path: string,
  backends: readonly string[],
  headers?: Record<string, string>,
): ScenarioCase => ({
  name,
  source,
  request: call(svc, path, headers),
  expect: { verdict: 'allowed', status: 200, waypoint: 'grpc/waypoint', backends },
});
const unimplemented = (
  name: string,
  source: string,
  svc: string,
  path: string,
  headers?: Record<string, string>,
): ScenarioCase => ({
  name,
  source,
  request: call(svc, path, headers),
  expect: { verdict: 'no-route', status: 404, backends: [] },
});
const tcp = (name: string, source: string, to: string, expect: ScenarioCase['expect']): ScenarioCase => ({
  name,
  source,
  request: { from, to, tcp: true },
  expect,
});

const X = 'gateway-api conformance/tests/grpcroute-exact-method-matching (Service parent)';
const H = 'gateway-api conformance/tests/grpcroute-header-matching (Service parent)';
const C = 'istio conversion.go createGRPCURIMatch';
const P = 'istio route_collections.go mergeHTTPRoutes + istio/istio#59222';
const T = 'istio listener_waypoint.go getWaypointTCPRoutes';

export const cases: readonly ScenarioCase[] = [
  routed('Echo goes to v1', X, 'exact', `/${ECHO}/Echo`, v1),
  routed('EchoTwo goes to v2', X, 'exact', `/${ECHO}/EchoTwo`, v2),
  unimplemented('EchoThree matches no rule (UNIMPLEMENTED)', X, 'exact', `/${ECHO}/EchoThree`),
  unimplemented('method names are case-sensitive', X, 'exact', `/${ECHO}/echo`),

  routed('version: one goes to v1', H, 'headers', `/${ECHO}/Echo`, v1, { Version: 'one' }),
  routed('version: two goes to v2', H, 'headers', `/${ECHO}/Echo`, v2, { Version: 'two' }),
  routed('version: two + color: orange goes to v1 (more headers win)', H, 'headers', `/${ECHO}/Echo`, v1, {
    Version: 'two',
    Color: 'orange',
  }),
  routed('version: two + color: blue goes to v2', H, 'headers', `/${ECHO}/Echo`, v2, { Version: 'two', Color: 'blue' }),
  unimplemented('color: orange alone matches nothing', H, 'headers', `/${ECHO}/Echo`, { Color: 'orange' }),
  unimplemented('an unrelated header matches nothing', H, 'headers', `/${ECHO}/Echo`, { 'Some-Other-Header': 'one' }),
  routed('color: blue goes to v1', H, 'headers', `/${ECHO}/Echo`, v1, { Color: 'blue' }),
  routed('color: green goes to v1', H, 'headers', `/${ECHO}/Echo`, v1, { Color: 'green' }),
  routed('color: red goes to v2', H, 'headers', `/${ECHO}/Echo`, v2, { Color: 'red' }),
  routed('color: yellow goes to v2', H, 'headers', `/${ECHO}/Echo`, v2, { Color: 'yellow' }),
  unimplemented('color: purple matches nothing', H, 'headers', `/${ECHO}/Echo`, { Color: 'purple' }),

  routed('a service-only match covers every method of the service', C, 'shapes', '/shop.Cart/Add', v1),
  routed('service + method (exact path) outranks service only (prefix)', C, 'shapes', '/shop.Cart/Checkout', v2),
  unimplemented('a service-only match is not a name prefix', C, 'shapes', '/shop.CartAdmin/Add'),
  routed('a method-only match covers that method of any service', C, 'shapes', '/grpc.health.v1.Health/Health', v2),
  routed('a RegularExpression method match', C, 'shapes', '/shop.Returns/GetLabel', v2),
  unimplemented('a RegularExpression must match the whole path', C, 'shapes', '/shop.Returns/ListLabels'),

  {
    name: 'weights split gRPC calls 70/30',
    source: 'gateway-api conformance/tests/grpcroute-weight (Service parent)',
    request: call('weighted', '/w.Split/Go'),
    expect: { verdict: 'allowed', status: 200, backends: ['grpc/backend-v1@0.7', 'grpc/backend-v2@0.3'] },
  },
  {
    name: 'all backends with weight 0 answer 500',
    source: 'gateway-api conformance/tests/grpcroute-all-backends-weight-zero (Service parent)',
    request: call('weighted', '/w.Zero/Go'),
    expect: { verdict: 'error', status: 500, decidedBy: 'GRPCRoute grpc/weights' },
  },

  routed('a gRPC exact method beats an older HTTPRoute prefix', P, 'mixed', '/shop.Cart/Checkout', v2),
  routed('the HTTPRoute prefix takes the other methods', P, 'mixed', '/shop.Cart/Add', v1),
  routed('a header-only GRPCRoute rule loses to the HTTPRoute prefix', P, 'mixed', '/shop.Cart/Add', v1, {
    'x-canary': 'true',
  }),
  routed('and to its catch-all too: the header rule is unreachable', P, 'mixed', '/other.Svc/Do', v1, {
    'x-canary': 'true',
  }),
  {
    name: 'plain HTTP goes through the same merged list',
    source: P,
    request: { from, to: 'mixed.grpc:8080', path: '/index.html' },
    expect: { verdict: 'allowed', status: 200, backends: v1, decidedBy: null },
  },
  routed('an HTTPRoute catch-all outranks an older GRPCRoute catch-all', P, 'catchall', '/any.Svc/Do', v1),

  tcp(
    'a TCPRoute splits connections 90/10',
    'gateway-api experimental TCPRoute weights (Service parent)',
    'tcp-split.grpc:9000',
    {
      verdict: 'allowed',
      status: null,
      waypoint: 'grpc/waypoint',
      backends: ['grpc/backend-v1@0.9', 'grpc/backend-v2@0.1'],
    },
  ),
  tcp('a port-scoped TCPRoute leaves the other port alone', T, 'tcp-split.grpc:9001', {
    verdict: 'allowed',
    backends: ['grpc/tcp-split'],
  }),
  {
    name: 'an HTTP request is not routed by a TCPRoute',
    source: T,
    request: { from, to: 'tcp-split.grpc:9000' },
    expect: { verdict: 'allowed', status: 200, backends: ['grpc/tcp-split'] },
  },
  tcp('only the oldest TCPRoute on a port is used', T, 'tcp-two.grpc:9000', { verdict: 'allowed', backends: v1 }),
  tcp('a TCPRoute with only weight-0 backends refuses the connection', T, 'tcp-zero.grpc:9000', {
    verdict: 'error',
    status: null,
    backends: [],
    decidedBy: 'TCPRoute grpc/zero',
  }),
  tcp('a TLSRoute naming the Service host is used, before the TCPRoute', T, 'tls-host.grpc:9000', {
    verdict: 'allowed',
    backends: v2,
  }),
  tcp('a TLSRoute without hostnames takes the Service host', T, 'tls-nohost.grpc:9000', {
    verdict: 'allowed',
    backends: v2,
  }),
  tcp('a TLSRoute for another hostname is never used (no SNI matching)', T, 'tls-other.grpc:9000', {
    verdict: 'allowed',
    backends: ['grpc/tls-other'],
  }),
  tcp('without a waypoint a TCPRoute has no effect', 'SEMANTICS §5 (routes need a waypoint)', 'server.plain:9000', {
    verdict: 'allowed',
    waypoint: null,
    backends: ['plain/server'],
  }),
  {
    name: 'a gRPC call to a Service with no route goes to the Service itself',
    source: 'SEMANTICS §5 (no route ⇒ default)',
    request: call('backend-v1', '/any.Svc/Do'),
    expect: { verdict: 'allowed', status: 200, backends: v1 },
  },
];
