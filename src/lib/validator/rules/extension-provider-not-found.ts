import { hasExtensionProvider } from '../../ambient/index.ts';
import { getArray, getObject, getString } from '../../model/access.ts';
import type { ObjectPath } from '../../model/types.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';

// Evidence (istio/istio release-1.31): pkg/config/mesh/mesh.go (DefaultMeshConfig keeps the providers prometheus,
// stackdriver and envoy; ApplyMeshConfig merges the configured ones by name); pilot/pkg/model/telemetry.go
// fetchProvider (a Telemetry provider name missing from extensionProviders is skipped with a debug log only);
// pilot/pkg/security/authz/builder/builder.go and extauthz.go getExtAuthz (a CUSTOM policy whose provider is not
// an ext_authz provider of the mesh gets "deny configs": requests its rules match are denied). SEMANTICS §3, §7.

/** The ext_authz provider kinds a CUSTOM policy can use (mesh config `envoyExtAuthzHttp` / `envoyExtAuthzGrpc`). */
const EXT_AUTHZ = new Set(['envoyExtAuthzHttp', 'envoyExtAuthzGrpc']);
const TELEMETRY_SECTIONS = ['tracing', 'accessLogging', 'metrics'] as const;

export const rule: Rule = {
  meta: {
    id: 'extension-provider-not-found',
    severity: 'error',
    inputs: ['AuthorizationPolicy', 'Telemetry'],
    description:
      'A Telemetry or CUSTOM AuthorizationPolicy names a provider that MeshConfig extensionProviders does not define.',
    docs: {
      summary:
        'Telemetry providers and the ext_authz provider of a CUSTOM AuthorizationPolicy are names looked up in MeshConfig `extensionProviders`. A Telemetry provider that is not there is skipped without a word; a CUSTOM policy whose provider is not there (or is not an ext_authz provider) makes istiod generate a deny in its place: the requests its rules match get **403**.',
      details: [
        'The check runs when the MeshConfig is known: given with `--mesh-config FILE` (a MeshConfig document or the `istio` ConfigMap), or found among the manifests as the `istio` ConfigMap. Istio always adds the built-in providers `prometheus`, `stackdriver` and `envoy` (file access log to stdout); the configured list adds to them, and a configured provider with one of those names replaces it.',
        '',
        '- **Telemetry** (`tracing`, `accessLogging`, `metrics`, each `providers[].name`): an unknown name is ignored, so no spans, logs or metrics come from it, and the resource is accepted. Reported as a warning.',
        '- **AuthorizationPolicy `action: CUSTOM`** (`provider.name`): the provider must be an `envoyExtAuthzHttp` or `envoyExtAuthzGrpc` provider. Otherwise the proxy enforcing the policy (a waypoint in ambient) denies every request the rules match instead of asking the authorizer. Reported as an error.',
      ].join('\n'),
      fix: 'Add the provider to `meshConfig.extensionProviders` (and restart nothing: istiod reloads the mesh config), or fix the name in the resource.',
    },
    examples: {
      valid: [
        {
          title: 'CUSTOM policy naming a configured ext_authz provider',
          yaml: y(
            'apiVersion: v1',
            'kind: ConfigMap',
            'metadata: {name: istio, namespace: istio-system}',
            'data:',
            '  mesh: |-',
            '    extensionProviders:',
            '    - name: ext-authz',
            '      envoyExtAuthzHttp: {service: authz.auth.svc.cluster.local, port: 8000}',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: ext, namespace: shop}',
            'spec:',
            '  targetRefs: [{kind: Service, group: "", name: cart}]',
            '  action: CUSTOM',
            '  provider: {name: ext-authz}',
            '  rules: [{to: [{operation: {paths: ["/admin/*"]}}]}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Provider name with a typo',
          yaml: y(
            'apiVersion: v1',
            'kind: ConfigMap',
            'metadata: {name: istio, namespace: istio-system}',
            'data:',
            '  mesh: |-',
            '    extensionProviders:',
            '    - name: ext-authz',
            '      envoyExtAuthzHttp: {service: authz.auth.svc.cluster.local, port: 8000}',
            '---',
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata: {name: ext, namespace: shop}',
            'spec:',
            '  targetRefs: [{kind: Service, group: "", name: cart}]',
            '  action: CUSTOM',
            '  provider: {name: ext-authz-http}',
            '  rules: [{to: [{operation: {paths: ["/admin/*"]}}]}]',
          ),
          line: 16,
        },
      ],
    },
  },
  check(ctx) {
    const mc = ctx.meshConfig;
    if (!mc) return;
    const configured = mc.extensionProviders.map((p) => p.name);
    const known = (): string => (configured.length ? configured.join(', ') : 'none');
    for (const r of ctx.mesh.byKind('AuthorizationPolicy')) {
      if (getString(r.obj, ['spec', 'action']) !== 'CUSTOM') continue;
      const name = getString(r.obj, ['spec', 'provider', 'name']);
      if (name === undefined) continue;
      const provider = mc.extensionProviders.find((p) => p.name === name);
      const path: ObjectPath = ['spec', 'provider', 'name'];
      if (!provider)
        ctx.report({
          resource: r,
          path,
          part: 'value',
          message: `CUSTOM provider "${name}" is not in MeshConfig extensionProviders (${known()}): istiod generates a deny instead of calling an authorizer, so requests this policy's rules match get 403.`,
          fix: 'Add an envoyExtAuthzHttp or envoyExtAuthzGrpc provider of this name to meshConfig.extensionProviders, or fix the name.',
        });
      else if (provider.type !== undefined && !EXT_AUTHZ.has(provider.type))
        ctx.report({
          resource: r,
          path,
          part: 'value',
          message: `CUSTOM provider "${name}" is a ${provider.type} provider, not ext_authz (envoyExtAuthzHttp or envoyExtAuthzGrpc): istiod generates a deny instead, so requests this policy's rules match get 403.`,
          fix: 'Name an envoyExtAuthzHttp or envoyExtAuthzGrpc provider.',
        });
    }
    for (const r of ctx.mesh.byKind('Telemetry')) {
      const spec = getObject(r.obj, ['spec']);
      for (const section of TELEMETRY_SECTIONS) {
        getArray(spec, [section]).forEach((entry, i) => {
          getArray(entry, ['providers']).forEach((p, j) => {
            const name = getString(p, ['name']);
            if (name === undefined || hasExtensionProvider(mc, name)) return;
            ctx.report({
              resource: r,
              path: ['spec', section, i, 'providers', j, 'name'],
              part: 'value',
              severity: 'warning',
              message: `Telemetry provider "${name}" is not in MeshConfig extensionProviders (${known()}): istiod skips it silently, so this ${section} setting produces nothing.`,
              fix: 'Add the provider to meshConfig.extensionProviders, or use one of the names listed.',
            });
          });
        });
      }
    }
  },
};
