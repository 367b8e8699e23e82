// tableWidth: how wide the terminal must be for a command's tables not to wrap (the in-page terminal widens to it).
import { describe, expect, it } from 'vitest';
import { initialState, run, tableWidth } from './index.ts';
import { labContext } from '../../../tests/unit/vshell-context.ts';

describe('tableWidth', () => {
  it('measures the widest row of each table block and ignores other text', () => {
    const table = 'NAME      READY   STATUS\nproductpage-v1-abc   1/1   Running\n';
    expect(tableWidth(table)).toBe('productpage-v1-abc   1/1   Running'.length);
    // Two tables separated by a blank line (kubectl get all), then prose: only the tables count.
    const long = 'x'.repeat(300);
    expect(tableWidth(`${table}\nNAME   TYPE\nsvc/a  ClusterIP\n\nnote: ${long}\n`)).toBe(34);
    // Logs, YAML and hints are not tables, however long.
    expect(tableWidth(`2026-11-22T12:00:00Z info access ${long}\n`)).toBe(0);
    expect(tableWidth(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${long}\n`)).toBe(0);
    expect(tableWidth('OK\n')).toBe(0);
  });

  it('finds the widest kubectl and istioctl tables of a lab session', async () => {
    const ctx = labContext('l4-authorization');
    let state = initialState(ctx);
    const widths: Record<string, number> = {};
    for (const c of [
      'kubectl exec -n bookinfo deploy/curl -- curl -s http://productpage:9080/productpage',
      'kubectl get pods -A -o wide',
      'istioctl ztunnel-config connections',
      'kubectl logs -n istio-system ds/ztunnel',
    ]) {
      const r = await run(ctx, state, c);
      state = r.state;
      const rows = r.output.split('\n');
      widths[c.split(' ').slice(0, 3).join(' ')] = tableWidth(r.output);
      if (c.startsWith('kubectl get') || c.startsWith('istioctl'))
        expect(tableWidth(r.output)).toBe(Math.max(...rows.map((l) => l.length)));
    }
    expect(widths['kubectl exec -n']).toBe(0);
    expect(widths['kubectl logs -n']).toBe(0);
    expect(widths['kubectl get pods']).toBeGreaterThan(100);
    expect(widths['istioctl ztunnel-config connections']).toBeGreaterThan(100);
  });
});
