/**
 * The playground worker's engine (issue #19), driven as the worker drives it: numbered versions, questions about a
 * version, stale and failed answers, and replies that survive postMessage (structured clone).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeShare } from '../../lib/share/index.ts';
import { DEFAULT_ISTIO, GATEWAY_API_OF_ISTIO } from '../../lib/versions.ts';
import { answer, PlaygroundSession } from './session.ts';
import { FINDINGS_SENT } from './protocol.ts';
import type { DocInput } from './protocol.ts';

const base = (f: string) => readFileSync(`labs/base/${f}.yaml`, 'utf8').trimEnd();
const BOOKINFO = ['bookinfo', 'clients', 'ambient-namespace'].map(base).join('\n---\n') + '\n';
const MISSING_GROUP = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
  namespace: bookinfo
spec:
  parentRefs:
  - kind: Service
    name: reviews
    port: 9080
  rules:
  - backendRefs:
    - name: reviews
      port: 9080
`;
const doc = (version: number, text?: string, meshConfigText = ''): DocInput => ({
  version,
  ...(text !== undefined ? { text } : {}),
  istio: DEFAULT_ISTIO,
  gatewayApi: GATEWAY_API_OF_ISTIO[DEFAULT_ISTIO],
  meshConfigText,
});

describe('PlaygroundSession', () => {
  it('lints a version, and answers lists and simulations about it', async () => {
    const s = new PlaygroundSession();
    const lint = s.lint(doc(1, BOOKINFO));
    expect(lint).toMatchObject({ type: 'lint', version: 1, fixable: [] });
    expect(lint.findings).toEqual([]);
    const lists = s.lists(1)!;
    expect(lists.lists!.clients).toContainEqual(['bookinfo/curl', 'bookinfo/curl']);
    expect(lists.lists!.clients.at(-1)).toEqual(['external', 'external (outside the mesh)']);
    expect(lists.lists!.destinations).toContainEqual(['productpage.bookinfo:9080', 'productpage.bookinfo:9080']);
    const sim = await s.simulate(1, { from: 'bookinfo/curl', to: 'productpage:9080', path: '/productpage' });
    expect(sim).toMatchObject({ kind: 'result', result: { verdict: 'allowed' } });
    // An unknown client is the simulator's usage message, not a failure.
    const unknown = await s.simulate(1, { from: 'nowhere/nobody', to: 'productpage:9080' });
    expect(unknown).toMatchObject({ kind: 'input' });
    expect((unknown as { message: string }).message).toMatch(/nowhere\/nobody/);
  });

  it('holds one version: questions about another one are stale', async () => {
    const s = new PlaygroundSession();
    s.lint(doc(1, BOOKINFO));
    s.lint(doc(2, BOOKINFO + MISSING_GROUP));
    expect(s.lists(1)).toBeUndefined();
    expect(await s.simulate(1, { from: 'bookinfo/curl', to: 'productpage:9080' })).toBeUndefined();
    expect(await answer(s, { type: 'lists', version: 1 })).toEqual({ type: 'stale', version: 1 });
    expect(await answer(s, { type: 'encode', version: 1, rest: {} })).toEqual({ type: 'stale', version: 1 });
    expect((await answer(s, { type: 'lists', version: 2 })).type).toBe('lists');
  });

  it('a version without text keeps the text before it, with new options', () => {
    const s = new PlaygroundSession();
    const first = s.lint(doc(1, BOOKINFO + MISSING_GROUP));
    expect(first.findings.map((f) => f.rule)).toContain('parentref-service-missing-group');
    const again = s.lint(doc(2, undefined, 'rootNamespace: istio-system\ntrustDomain: example.org\n'));
    expect(again.version).toBe(2);
    expect(again.findings).toEqual(first.findings);
    expect(again.meshConfig).toMatchObject({ kind: 'used', trustDomain: 'example.org', rootNamespace: 'istio-system' });
    expect(s.encode(2, {})).toBeDefined();
    expect(decodeShare(s.encode(2, {})!)).toEqual({ state: { yaml: BOOKINFO + MISSING_GROUP } });
  });

  it('reports the MeshConfig input: empty, in use, refused with located problems', () => {
    const s = new PlaygroundSession();
    expect(s.lint(doc(1, BOOKINFO)).meshConfig).toEqual({ kind: 'empty' });
    const refused = s.lint(doc(2, undefined, 'trustDomain: [not, a, string]\n')).meshConfig;
    expect(refused.kind).toBe('refused');
    if (refused.kind === 'refused') expect(refused.errors[0]).toMatchObject({ line: 1, warning: false });
  });

  it('quick fixes against the held version; marks fixable rules', () => {
    const s = new PlaygroundSession();
    const lint = s.lint(doc(7, BOOKINFO + MISSING_GROUP));
    expect(lint.fixable).toEqual(['parentref-service-missing-group']);
    const finding = lint.findings.find((f) => f.rule === 'parentref-service-missing-group')!;
    const fix = s.fix(7, finding)!.fix!;
    expect(fix.title).toMatch(/group/);
    expect(fix.edits.length).toBeGreaterThan(0);
    expect(s.fix(6, finding)).toBeUndefined();
    // A finding the manifests allow no fix for: no fix, no failure.
    expect(s.fix(7, { ...finding, resource: { ...finding.resource!, name: 'absent' } })).toEqual({});
  });

  it('decodes links, damaged ones as a message', async () => {
    const s = new PlaygroundSession();
    s.lint(doc(1, 'a: 1\n'));
    const link = s.encode(1, { request: { from: 'x/y' } })!;
    expect(await answer(s, { type: 'decode', fragment: '#' + link })).toEqual({
      type: 'decode',
      outcome: { state: { yaml: 'a: 1\n', request: { from: 'x/y' } } },
    });
    const damaged = await answer(s, { type: 'decode', fragment: '#v1.!!!' });
    expect(damaged).toMatchObject({ type: 'decode', outcome: { error: expect.stringMatching(/damaged/) } });
  });

  it('never throws to the page: text the parser chokes on is findings, a failure is a message', async () => {
    const s = new PlaygroundSession();
    const hostile = s.lint(doc(1, `a: b 'c\n${'['.repeat(5000)}`));
    expect(hostile.findings.some((f) => f.rule === 'yaml-syntax')).toBe(true);
    const broken = await answer(s, {
      type: 'fix',
      version: 1,
      finding: null as unknown as Parameters<PlaygroundSession['fix']>[1],
    });
    expect(broken.type).toBe('failed');
    expect(JSON.stringify(broken)).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('a lint reply carries the first findings and the counts; the rest come a page at a time', async () => {
    const s = new PlaygroundSession();
    const text = Array.from({ length: FINDINGS_SENT + 200 }, (_, i) => `k${i}: 1\nk${i}: 2\n`).join('---\n');
    const lint = s.lint(doc(3, text));
    expect(lint.total).toBe(FINDINGS_SENT + 200);
    expect(lint.counts.error).toBe(FINDINGS_SENT + 200);
    expect(lint.findings).toHaveLength(FINDINGS_SENT);
    const rest = await answer(s, { type: 'findings', version: 3, from: FINDINGS_SENT, count: 500 });
    expect(rest.type === 'findings' && rest.findings.length).toBe(200);
    if (rest.type === 'findings') expect(rest.findings[0]!.line).toBeGreaterThan(lint.findings.at(-1)!.line);
    expect(await answer(s, { type: 'findings', version: 2, from: 0, count: 1 })).toEqual({ type: 'stale', version: 2 });
  });

  it('replies survive structured clone (postMessage)', async () => {
    const s = new PlaygroundSession();
    const replies = [
      await answer(s, { type: 'lint', doc: doc(1, BOOKINFO + MISSING_GROUP) }),
      await answer(s, { type: 'lists', version: 1 }),
      await answer(s, {
        type: 'simulate',
        version: 1,
        request: { from: 'bookinfo/curl', to: 'reviews:9080', path: '/' },
      }),
    ];
    for (const r of replies) expect(structuredClone(r)).toEqual(r);
  });
});
