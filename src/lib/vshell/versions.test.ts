// The virtual terminal answers for the Istio line chosen in the site header (issue #17): ShellContext.versions is
// read on every command, so changing the choice changes the next answer without a new session.
import { describe, expect, it } from 'vitest';
import { initialState, run } from './index.ts';
import type { ShellContext } from './index.ts';
import { ISTIO_LINES } from '../versions.ts';
import type { IstioVersion } from '../versions.ts';
import { labContext } from '../../../tests/unit/vshell-context.ts';

describe('virtual terminal per Istio line', () => {
  it('reports the chosen line in istioctl version, and the default line without a choice', async () => {
    const choice: { istio?: IstioVersion } = {};
    const base = labContext('l4-authorization');
    const ctx: ShellContext = { ...base, versions: () => ({ ...choice }) };
    const state = initialState(ctx);
    expect((await run(ctx, state, 'istioctl version')).output).toContain(
      `client version: ${ISTIO_LINES['1.31'].patch}`,
    );
    choice.istio = '1.30';
    expect((await run(ctx, state, 'istioctl version')).output).toContain(
      `client version: ${ISTIO_LINES['1.30'].patch}`,
    );
    expect((await run(base, state, 'istioctl version')).output).toContain(ISTIO_LINES['1.31'].patch);
  });

  it('admits kubectl apply with the chosen line’s validator', async () => {
    const seen: unknown[] = [];
    const base = labContext('l4-authorization');
    const ctx: ShellContext = {
      ...base,
      versions: () => {
        seen.push('asked');
        return { istio: '1.30' };
      },
    };
    const file = Object.keys(base.files).find((f) => f.endsWith('.yaml'))!;
    await run(ctx, initialState(ctx), `kubectl apply -f ${file}`);
    expect(seen.length).toBeGreaterThan(0);
  });
});
