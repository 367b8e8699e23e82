import { getArray, getString } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { isGroup, namespaceIsAmbient } from './helpers.ts';

// Evidence: istio.io ambient docs ("EnvoyFilter is not supported for waypoints") and SEMANTICS §7; ztunnel is not
// Envoy, so there is nothing to patch on the ambient data path except waypoints, which ignore EnvoyFilter.
export const rule: Rule = {
  meta: {
    id: 'envoyfilter-unsupported',
    severity: 'warning',
    description: 'EnvoyFilter does not apply to ambient workloads or waypoints: a migration blocker.',
    docs: {
      summary:
        'ztunnel is not Envoy and waypoints ignore EnvoyFilter, so the patch has no effect on ambient traffic. Whatever it added (a Lua filter, a header, rate limiting) silently disappears after migrating.',
      details: [
        'EnvoyFilter patches the Envoy configuration of sidecars and gateways. In ambient mode the per-node proxy is ztunnel, written in Rust, which has no Envoy configuration to patch. Waypoints are Envoy, but Istio does not apply EnvoyFilter to them.',
        '',
        'An EnvoyFilter in an ambient namespace is therefore dead configuration. It is reported unless the manifests show its namespace uses sidecars. An EnvoyFilter in the root namespace is reported too: it still affects ingress gateways and sidecars, but not ambient workloads. Filters whose patches all match `context: GATEWAY` are not reported: ingress and egress gateways are Envoy and still apply them.',
      ].join('\n'),
      fix: 'Replace it: with a WasmPlugin attached to the waypoint (`targetRefs`), with Gateway API filters on an HTTPRoute (headers, redirects, mirroring), or with Telemetry for observability. Delete it if it is no longer needed.',
    },
    examples: {
      valid: [
        {
          title: 'A WasmPlugin on the waypoint instead',
          yaml: y(
            'apiVersion: extensions.istio.io/v1alpha1',
            'kind: WasmPlugin',
            'metadata:',
            '  name: add-header',
            '  namespace: shop',
            'spec:',
            '  targetRefs:',
            '  - kind: Gateway',
            '    group: gateway.networking.k8s.io',
            '    name: waypoint',
            '  url: oci://registry.example/add-header:1.0',
          ),
        },
      ],
      invalid: [
        {
          title: 'A Lua EnvoyFilter',
          yaml: y(
            'apiVersion: networking.istio.io/v1alpha3',
            'kind: EnvoyFilter',
            'metadata:',
            '  name: lua-header',
            '  namespace: shop',
            'spec:',
            '  configPatches:',
            '  - applyTo: HTTP_FILTER',
            '    patch:',
            '      operation: INSERT_BEFORE',
            '      value:',
            '        name: envoy.lua',
          ),
          line: 2,
        },
      ],
    },
  },
  check(ctx) {
    for (let ix = 0, list_ = ctx.mesh.byKind('EnvoyFilter'); ix < list_.length; ix++) {
      const r = list_[ix]!;
      if (!isGroup(r, 'networking.istio.io')) continue;
      if (r.namespace !== ctx.mesh.rootNamespace && namespaceIsAmbient(ctx.mesh, r.namespace) === false) continue;
      // Patches that only match the GATEWAY context target ingress/egress gateways, which are Envoy and still
      // honour EnvoyFilter in an ambient mesh.
      const patches = getArray(r.obj, ['spec', 'configPatches']);
      if (patches.length && patches.every((p) => getString(p, ['match', 'context']) === 'GATEWAY')) continue;
      ctx.report({
        resource: r,
        path: [],
        message: 'EnvoyFilter has no effect on ambient traffic: ztunnel is not Envoy and waypoints ignore EnvoyFilter.',
        fix: 'Replace it with a WasmPlugin or Gateway API filters attached to the waypoint, or delete it.',
      });
    }
  },
};
