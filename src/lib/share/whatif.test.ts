// Share links carry the Reachability / Compare view and the MeshConfig input (issues #20, #17): optional keys of
// the v1 shape, validated with the rest, so links made before them decode as they did.
import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare } from './index.ts';

/** A link as an older (or hostile) encoder writes it: any JSON, under the v1 prefix. */
function raw(value: unknown): string {
  const bytes = deflateSync(strToU8(JSON.stringify(value)));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return '#v1.' + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

describe('share links: what-if view and MeshConfig', () => {
  it('round-trips the open view, the baseline, the selected cell and the MeshConfig text', () => {
    const state = {
      yaml: 'kind: Namespace\n',
      meshConfig: 'trustDomain: example.org\n',
      whatif: {
        open: true,
        baseline: 'kind: Service\n',
        cell: { from: 'bookinfo/curl', to: 'reviews.bookinfo:9080', request: 'tcp' },
      },
    };
    expect(decodeShare('#' + encodeShare(state))).toEqual({ state });
  });

  it('an old link without the new keys still decodes to what it held', () => {
    expect(decodeShare(raw({ yaml: 'a: 1\n', request: { from: 'x/y' } }))).toEqual({
      state: { yaml: 'a: 1\n', request: { from: 'x/y' } },
    });
  });

  it('a wrong shape or an overlong cell name is a damaged link, never a crash', () => {
    for (const whatif of [
      { open: 'yes' },
      { open: true, baseline: 42 },
      { open: true, cell: { from: 'a', to: 'b' } },
      { open: true, cell: { from: 'a'.repeat(1025), to: 'b', request: 'tcp' } },
    ])
      expect(decodeShare(raw({ yaml: '', whatif }))).toHaveProperty('error');
    expect(decodeShare(raw({ yaml: '', meshConfig: { trustDomain: 'x' } }))).toHaveProperty('error');
    // The baseline counts towards the one inflate limit: 2 MB of baseline is refused like 2 MB of YAML.
    expect(decodeShare(raw({ yaml: '', whatif: { open: true, baseline: 'x'.repeat(2 * 1024 * 1024 + 1) } }))).toEqual({
      error: expect.stringMatching(/more than 2 MB/),
    });
  });
});
