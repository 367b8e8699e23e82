import { describe, expect, it } from 'vitest';
import { channelOf, experimentalUses } from './experimental.ts';
import { GATEWAY_API_VERSIONS } from '../../versions.ts';

describe('channelOf', () => {
  it('answers for an apiVersion/kind the tables list', () => {
    for (const line of [...GATEWAY_API_VERSIONS, 'any' as const])
      expect(channelOf('gateway.networking.k8s.io/v1alpha2', 'TCPRoute', line).versionOnly).toBe(true);
    const http = channelOf('gateway.networking.k8s.io/v1', 'HTTPRoute');
    expect(http.versionOnly).toBe(false);
    expect(http.trie).not.toBeNull();
    // The same answer object each time: it is built once per line and pair.
    expect(channelOf('gateway.networking.k8s.io/v1', 'HTTPRoute')).toBe(http);
  });

  it('gives one shared empty answer for pairs no table lists, so user data never grows the cache', () => {
    const none = channelOf('example.com/v1', 'Widget');
    expect(none).toEqual({ versionOnly: false, trie: null });
    for (let i = 0; i < 1000; i++) expect(channelOf(`example.com/v${i}`, `Kind${i}`, '1.5')).toBe(none);
    // A listed apiVersion with an unlisted kind, a listed kind under an unlisted apiVersion, inherited names.
    expect(channelOf('gateway.networking.k8s.io/v1', 'Widget')).toBe(none);
    expect(channelOf('example.com/v1', 'HTTPRoute')).toBe(none);
    expect(channelOf('constructor', '__proto__')).toBe(none);
  });

  it('finds an experimental field through the cached trie', () => {
    const { trie } = channelOf('gateway.networking.k8s.io/v1', 'HTTPRoute');
    expect(experimentalUses({ spec: { rules: [{}] } }, trie!)).toEqual([]);
    const uses = experimentalUses({ spec: { rules: [{}, { retry: { attempts: 2 } }] } }, trie!);
    expect(uses.map((u) => [u.path, u.kind])).toEqual([[['spec', 'rules', 1, 'retry'], 'field']]);
  });
});
