import type { ScenarioCase } from './types.ts';

const from = 'mesh/client';
const v1 = ['mesh/echo-v1'];
const v2 = ['mesh/echo-v2'];
const to = (svc: string, path: string, headers?: Record<string, string>) => ({
  from,
  to: `${svc}.mesh:80`,
  path,
  ...(headers ? { headers } : {}),
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
  request: to(svc, path, headers),
  expect: { verdict: 'allowed', status: 200, waypoint: 'mesh/waypoint', backends },
});
const notFound = (name: string, source: string, svc: string, path: string): ScenarioCase => ({
  name,
  source,
  request: to(svc, path),
  expect: { verdict: 'no-route', status: 404, backends: [] },
});

const M = 'gateway-api conformance/tests/mesh/httproute-matching';
const Q = 'gateway-api conformance/tests/mesh/httproute-query-param-matching';

export const cases: readonly ScenarioCase[] = [
  routed('/ goes to v1', M, 'matching', '/', v1),
  routed('/example goes to v1', M, 'matching', '/example', v1),
  routed('header version: one goes to v1', M, 'matching', '/', v1, { Version: 'one' }),
  routed('/v2 goes to v2', M, 'matching', '/v2', v2),
  routed('/v2/example goes to v2', M, 'matching', '/v2/example', v2),
  routed('header version: two goes to v2', M, 'matching', '/', v2, { Version: 'two' }),
  routed('/v2/ goes to v2', M, 'matching', '/v2/', v2),
  routed('/v2example is not under the /v2 segment', M, 'matching', '/v2example', v1),
  routed('/foo/v2/example is not under /v2', M, 'matching', '/foo/v2/example', v1),

  routed('animal=whale goes to v1', Q, 'query', '/?animal=whale', v1),
  routed('animal=dolphin goes to v2', Q, 'query', '/?animal=dolphin', v2),
  routed('an extra query param does not matter', Q, 'query', '/?animal=whale&otherparam=irrelevant', v1),
  routed('animal=dolphin&color=yellow goes to v2', Q, 'query', '/?animal=dolphin&color=yellow', v2),
  notFound('color=blue matches nothing', Q, 'query', '/?color=blue'),
  notFound('animal=dog matches nothing', Q, 'query', '/?animal=dog'),
  notFound('values match exactly', Q, 'query', '/?animal=whaledolphin'),
  notFound('no query param matches nothing', Q, 'query', '/'),
  routed('path and query together', Q, 'query', '/path1?animal=whale', v1),
  routed('header and query together outrank query alone', Q, 'query', '/?animal=whale', v2, { version: 'one' }),
  routed('matches inside a rule are OR’d (first)', Q, 'query', '/path3?animal=shark', v1),
  routed('matches inside a rule are OR’d (second)', Q, 'query', '/path4?animal=kraken', v1, { version: 'three' }),
  notFound('fields inside a match are AND’d (query alone)', Q, 'query', '/?animal=shark'),
  notFound('fields inside a match are AND’d (missing header)', Q, 'query', '/path4?animal=kraken'),
  routed('a longer path prefix outranks a query param match', Q, 'query', '/path5?animal=hydra', v1),

  {
    name: 'a route with parentRef port 80 applies to port 80',
    source: 'gateway-api conformance/tests/mesh/mesh-ports',
    request: { from, to: 'ports.mesh:80' },
    expect: { verdict: 'allowed', backends: v2 },
  },
  {
    name: 'and not to the Service’s other port',
    source: 'gateway-api conformance/tests/mesh/mesh-ports',
    request: { from, to: 'ports.mesh:9090' },
    expect: { verdict: 'allowed', backends: ['mesh/ports'] },
  },
  {
    name: 'weights are relative and weight 0 is left out',
    source: 'gateway-api conformance/tests/mesh/httproute-weight',
    request: { from, to: 'weighted.mesh' },
    expect: { verdict: 'allowed', backends: ['mesh/echo-v1@0.7', 'mesh/echo-v2@0.3'] },
  },
  {
    name: '303 redirect',
    source: 'gateway-api conformance/tests/mesh/httproute-303-redirect',
    request: { from, to: 'redirect.mesh', path: '/see-other/x' },
    expect: { verdict: 'allowed', status: 303, backends: [] },
  },
  {
    name: '307 redirect',
    source: 'gateway-api conformance/tests/mesh/httproute-307-redirect',
    request: { from, to: 'redirect.mesh', path: '/temporary' },
    expect: { verdict: 'allowed', status: 307 },
  },
  {
    name: '308 redirect',
    source: 'gateway-api conformance/tests/mesh/httproute-308-redirect',
    request: { from, to: 'redirect.mesh', path: '/permanent' },
    expect: { verdict: 'allowed', status: 308 },
  },
  routed(
    'other paths are routed normally',
    'gateway-api conformance/tests/mesh/httproute-303-redirect',
    'redirect',
    '/page',
    v1,
  ),
  {
    name: 'a consumer route is ignored at the waypoint, even for clients in its namespace',
    source:
      'SEMANTICS §5 [rev]; istio release-1.31 pilot/pkg/networking/core/listener_waypoint.go getVirtualServiceForWaypoint, tests/integration/ambient/gateway_conformance_test.go (drops MeshConsumerRoute)',
    request: { from: 'consumer/client', to: 'shared.mesh' },
    expect: { verdict: 'allowed', backends: ['mesh/shared'] },
  },
  {
    name: 'and not to clients elsewhere',
    source: 'gateway-api conformance/tests/mesh/mesh-consumer-route',
    request: { from, to: 'shared.mesh' },
    expect: { verdict: 'allowed', backends: ['mesh/shared'] },
  },
];
