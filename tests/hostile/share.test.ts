// Hostile playground share links (issue #15): decompression bombs, wrong shapes, garbage. decodeShare must refuse
// them with its "damaged link" / "too large" message, never throw, and never inflate much past its 2 MB limit.
import fc from 'fast-check';
import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it, vi } from 'vitest';

/** Bytes fflate has produced while inflating, whichever of its inflate entry points the code under test uses. */
const inflated = vi.hoisted(() => ({ bytes: 0 }));
vi.mock('fflate', async (importOriginal) => {
  const orig = await importOriginal<typeof import('fflate')>();
  class CountingInflate extends orig.Inflate {
    constructor(...args: ConstructorParameters<typeof orig.Inflate>) {
      super(...args);
      const ondata = this.ondata;
      this.ondata = (chunk, final) => {
        inflated.bytes += chunk.length;
        ondata(chunk, final);
      };
    }
  }
  const counted =
    <A extends unknown[]>(f: (...a: A) => Uint8Array) =>
    (...a: A) => {
      const out = f(...a);
      inflated.bytes += out.length;
      return out;
    };
  return {
    ...orig,
    Inflate: CountingInflate,
    inflateSync: counted(orig.inflateSync),
    unzlibSync: counted(orig.unzlibSync),
    decompressSync: counted(orig.decompressSync),
  };
});

const { decodeShare, encodeShare, MAX_INFLATED } = await import('../../src/lib/share/index.ts');
const { honestLinkOfLength, shareBomb } = await import('./share-inputs.ts');
const { lint } = await import('../../src/lib/validator/lint.ts');
const { parseManifests } = await import('../../src/lib/model/parse.ts');
const { buildMesh } = await import('../../src/lib/model/mesh.ts');
const { simulateIn } = await import('../../src/lib/simulator/simulate.ts');

const bomb = (mib: number) => shareBomb(mib).slice(1);

const link = (value: unknown) =>
  '#v1.' + Buffer.from(deflateSync(strToU8(JSON.stringify(value)))).toString('base64url');

const TOO_BIG = /more than 2 MB/;
const DAMAGED = /damaged/;

describe('share links: decompression bombs', () => {
  it('stops inflating a 64 MiB bomb at the limit instead of inflating it all', () => {
    const fragment = bomb(64);
    expect(fragment.length).toBeLessThan(200_000);
    inflated.bytes = 0;
    const r = decodeShare('#' + fragment);
    expect(r).toEqual({ error: expect.stringMatching(TOO_BIG) });
    // Each step inflates at most ~1 MiB past the limit before it is noticed.
    expect(inflated.bytes).toBeLessThan(MAX_INFLATED + 4 * 1024 * 1024);
  });

  it('refuses the 1.9 MB fragment that inflates to 1.4 GB, within the hang guard', { timeout: 20_000 }, () => {
    const fragment = bomb(1400);
    expect(fragment.length).toBeGreaterThan(1_800_000);
    expect(fragment.length).toBeLessThan(2_100_000);
    inflated.bytes = 0;
    expect(decodeShare('#' + fragment)).toEqual({ error: expect.stringMatching(TOO_BIG) });
    expect(inflated.bytes).toBeLessThan(MAX_INFLATED + 4 * 1024 * 1024);
  });

  it('loads an honest link as long as the bomb', () => {
    const r = decodeShare(honestLinkOfLength(bomb(1400).length));
    expect('state' in r).toBe(true);
  });

  it('still loads an honest link just under the limit', () => {
    const yaml = 'a: b\n'.repeat(340_000); // 1.7 M characters, 2.04 MB as JSON (each newline is written \n)
    const r = decodeShare('#' + encodeShare({ yaml }));
    expect('state' in r && r.state.yaml === yaml).toBe(true);
  });

  it('refuses a fragment far longer than any honest link without decoding it', () => {
    inflated.bytes = 0;
    expect(decodeShare('#v1.' + 'A'.repeat(4 * 1024 * 1024))).toEqual({ error: expect.stringMatching(TOO_BIG) });
    expect(inflated.bytes).toBe(0);
  });
});

describe('share links: shapes', () => {
  const damaged: [string, unknown][] = [
    ['no yaml', { request: {} }],
    ['yaml not a string', { yaml: { toString: 1 } }],
    ['yaml a number', { yaml: 1 }],
    ['an array', ['yaml']],
    ['null', null],
    ['a string', 'yaml'],
    ['request a string', { yaml: 'x', request: 'from=a' }],
    ['request an array', { yaml: 'x', request: [] }],
    ['from an object', { yaml: 'x', request: { from: { toString: 1 } } }],
    ['method a number', { yaml: 'x', request: { method: 7 } }],
    ['path an array', { yaml: 'x', request: { path: ['/'] } }],
    ['header value an object', { yaml: 'x', request: { headers: { a: { toString: 1 } } } }],
    ['headers an array', { yaml: 'x', request: { headers: ['a: b'] } }],
    ['jwt null', { yaml: 'x', request: { jwt: null } }],
    ['tcp a string', { yaml: 'x', request: { tcp: 'yes' } }],
  ];
  it.each(damaged)('refuses %s as a damaged link', (_name, value) => {
    expect(decodeShare(link(value))).toEqual({ error: expect.stringMatching(DAMAGED) });
  });

  it('returns only the known text fields (unknown keys are dropped)', () => {
    const r = decodeShare(link({ yaml: 'x', extra: { a: 1 }, request: { from: 'a/b', constructor: 'c', tcp: true } }));
    expect(r).toEqual({ state: { yaml: 'x', request: { from: 'a/b', tcp: true } } });
  });

  it('a __proto__ header neither pollutes nor gets through as an object', () => {
    const text = '{"yaml":"x","request":{"headers":{"__proto__":{"polluted":"yes"}}}}';
    const r = decodeShare('#v1.' + Buffer.from(deflateSync(strToU8(text))).toString('base64url'));
    if ('state' in r) {
      const headers = r.state.request?.headers ?? {};
      expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
      expect(Object.entries(headers)).toEqual([]);
      expect((headers as Record<string, unknown>)['polluted']).toBeUndefined();
    } else expect(r.error).toMatch(DAMAGED);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('never throws and returns only strings (and a boolean tcp) for any JSON in a link', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ yaml: fc.string(), request: fc.jsonValue() })), (value) => {
        const r = decodeShare(link(value));
        if ('error' in r) return;
        expect(typeof r.state.yaml).toBe('string');
        for (const [k, v] of Object.entries(r.state.request ?? {})) {
          if (k === 'tcp') expect(typeof v).toBe('boolean');
          else if (k === 'headers') for (const h of Object.values(v as object)) expect(typeof h).toBe('string');
          else expect(typeof v).toBe('string');
        }
      }),
    );
  });

  it('never throws on garbage after the prefix, or on a fragment that is not a string', () => {
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 300 }), (text, bytes) => {
        expect(decodeShare('#v1.' + text)).toHaveProperty('error');
        const r = decodeShare('#v1.' + Buffer.from(bytes).toString('base64url'));
        expect('error' in r || 'state' in r).toBe(true);
      }),
    );
    expect(decodeShare(undefined as unknown as string)).toHaveProperty('error');
  });
});

describe('share links: what the playground does with a decoded link at start-up', () => {
  // Labels and subsets whose values are objects named like Object.prototype members: the decoded state is text, and
  // the start-up steps (lint, mesh, then the request's simulation) answer with findings or messages, never throw.
  const HOSTILE_YAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: default, labels: {version: {toString: 1}}}
spec:
  selector: {matchLabels: {app: a, version: {toString: 1}}}
  template:
    metadata: {labels: {app: a, version: {toString: 1}, __proto__: {x: 1}, constructor: {valueOf: 1}}}
    spec: {containers: [{name: a, image: a, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: a, labels: {constructor: {toString: 1}}}
spec: {selector: {app: a, version: {valueOf: 1}, hasOwnProperty: 1}, ports: [{port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: a}
spec: {host: a, subsets: [{name: v1, labels: {version: {toString: 1}, __proto__: {a: b}}}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: p}
spec: {selector: {matchLabels: {toString: {a: 1}}}, rules: [{from: [{source: {principals: {toString: 1}}}]}]}
`;

  it('decodes a link carrying such YAML as text, and lint, mesh and simulate do not throw on it', async () => {
    const r = decodeShare(
      '#' + encodeShare({ yaml: HOSTILE_YAML, request: { from: 'default/a', to: 'a.default:80' } }),
    );
    expect('state' in r).toBe(true);
    if (!('state' in r)) return;
    expect(typeof r.state.yaml).toBe('string');
    const report = lint({ file: 'playground.yaml', text: r.state.yaml });
    expect(Array.isArray(report.findings)).toBe(true);
    const mesh = buildMesh(parseManifests({ file: 'playground.yaml', text: r.state.yaml }).resources);
    await simulateIn(mesh, { from: r.state.request!.from!, to: r.state.request!.to! }).catch((err: unknown) => {
      expect(err).toBeInstanceOf(Error); // a usage error is a message in the page, not a crash
    });
  });
});
