// The minimum-duration CEL rules generated per Istio line (scripts/gen/cel-durations.ts): Go duration parsing as
// CEL's duration() does it, and the table following each line's CRDs (1.31 adds http2KeepAlive).
import { describe, expect, it } from 'vitest';
import { durationMs, minDurationsFor } from './cel-durations.ts';
import { versionRows } from '../../versions.ts';

describe('durationMs (Go time.ParseDuration syntax)', () => {
  it('reads units, fractions, signs and compound values', () => {
    expect(durationMs('1ms')).toBe(1);
    expect(durationMs('0.5ms')).toBe(0.5);
    expect(durationMs('500us')).toBe(0.5);
    expect(durationMs('1h2m3s')).toBe(3_723_000);
    expect(durationMs('-1s')).toBe(-1000);
    expect(durationMs('0')).toBe(0);
    expect(durationMs('.5s')).toBe(500);
  });
  it('refuses what Go refuses (left to the API server’s own parse error)', () => {
    for (const bad of ['', '1', '10 s', '1d', 's', '1.2.3s', '-', 'x'.repeat(100)])
      expect(durationMs(bad), bad).toBeUndefined();
  });
});

describe('minimum-duration table per line', () => {
  const paths = (istio: '1.30' | '1.31') =>
    (minDurationsFor(versionRows({ istio }), 'networking.istio.io/v1|DestinationRule') ?? []).map((r) =>
      r.segments.join('.'),
    );
  it('1.31 checks the http2KeepAlive fields it adds; 1.30 does not have them', () => {
    const keepalive = 'spec.trafficPolicy.connectionPool.http.http2KeepAlive.interval';
    expect(paths('1.31')).toContain(keepalive);
    expect(paths('1.30')).not.toContain(keepalive);
    expect(paths('1.30')).toContain('spec.trafficPolicy.connectionPool.tcp.connectTimeout');
  });
  it('has nothing for kinds without such rules', () => {
    expect(minDurationsFor(versionRows(), 'security.istio.io/v1|AuthorizationPolicy')).toBeUndefined();
  });
});
