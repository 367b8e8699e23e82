import { describe, expect, it } from 'vitest';
import { formatSarif, formatText } from './format.ts';
import { lint } from './lint.ts';
import { resourceLabel } from './finding.ts';
import { y } from './testing-yaml.ts';

describe('resource labels in output', () => {
  it('cluster-scoped kinds have no namespace prefix; namespaced kinds keep theirs', () => {
    expect(resourceLabel({ kind: 'Namespace', namespace: 'default', name: 'bookinfo' })).toBe('Namespace bookinfo');
    expect(resourceLabel({ kind: 'GatewayClass', namespace: 'default', name: 'istio' })).toBe('GatewayClass istio');
    expect(resourceLabel({ kind: 'Service', namespace: 'default', name: 'x' })).toBe('Service default/x');
  });

  it('text and SARIF output name a Namespace finding without a namespace', () => {
    const report = lint({
      file: 'ns.yaml',
      text: y(
        'apiVersion: v1',
        'kind: Namespace',
        'metadata:',
        '  name: bookinfo',
        '  labels:',
        '    istio.io/use-waypoint: waypiont',
        '---',
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: Gateway',
        'metadata: {name: waypoint, namespace: bookinfo}',
        'spec:',
        '  gatewayClassName: istio-waypoint',
        '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
      ),
    });
    const text = formatText(report);
    expect(text).toContain('use-waypoint-not-found Namespace bookinfo\n');
    expect(text).not.toContain('default/bookinfo');
    expect(formatSarif(report)).toContain(
      '"fullyQualifiedName": "Namespace/bookinfo:metadata.labels.istio.io/use-waypoint"',
    );
  });
});
