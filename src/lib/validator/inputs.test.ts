// Bad inputs: each becomes a located finding, never an exception (issue #3 "bad input never throws").
import { describe, expect, it } from 'vitest';
import { lint } from './index.ts';
import type { Finding } from './index.ts';

const run = (text: string | Uint8Array) => lint({ file: 'bad.yaml', text });
const located = (f: Finding) => f.line >= 1 && f.column >= 1 && f.endLine >= f.line;

describe('lint() on bad input', () => {
  it('YAML syntax error: yaml-syntax with its position', () => {
    const r = run('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "unclosed\n');
    const f = r.findings.find((x) => x.rule === 'yaml-syntax');
    expect(f).toBeDefined();
    expect(f!.line).toBeGreaterThanOrEqual(4);
    expect(r.summary.error).toBeGreaterThanOrEqual(1);
  });
  it('tab indentation', () => {
    const r = run('apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: x\n');
    expect(r.findings.some((f) => f.rule === 'yaml-syntax' && f.line === 4)).toBe(true);
  });
  it('non-object documents: scalar and list', () => {
    expect(run('just a string\n').findings.map((f) => [f.rule, f.line])).toEqual([['schema', 1]]);
    expect(run('---\n- a\n- b\n').findings.map((f) => [f.rule, f.line])).toEqual([['schema', 2]]);
  });
  it('missing apiVersion / kind', () => {
    expect(run('kind: Namespace\nmetadata: {name: a}\n').findings.map((f) => [f.rule, f.line])).toEqual([
      ['schema', 1],
    ]);
    expect(run('apiVersion: v1\nmetadata: {name: a}\n').findings.map((f) => [f.rule, f.line])).toEqual([['schema', 1]]);
  });
  it('duplicate keys', () => {
    expect(
      run('apiVersion: v1\nkind: Namespace\nkind: Service\nmetadata: {name: a}\n').findings.map((f) => [
        f.rule,
        f.line,
      ]),
    ).toEqual([['yaml-syntax', 3]]);
  });
  it('alias bomb (billion laughs) is refused with a finding', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const r = run(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`,
    );
    expect(r.findings.some((f) => f.rule === 'yaml-syntax' && located(f))).toBe(true);
    expect(r.resources).toBe(0);
  });
  it('binary input (NUL bytes, invalid UTF-8)', () => {
    const nul = run(new Uint8Array([0x61, 0x3a, 0x20, 0x00, 0x01, 0x02]));
    expect(nul.findings.map((f) => [f.rule, f.line])).toEqual([['yaml-syntax', 1]]);
    const png = run(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]));
    expect(png.findings.length).toBe(1);
    expect(png.findings[0]!.rule).toBe('yaml-syntax');
  });
  it('5 MB input: linted, and a problem at its end is located on the right line', () => {
    const doc = (i: number) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: shop}\ndata: {k: "${'x'.repeat(200)}"}\n---\n`;
    let text = '';
    let i = 0;
    while (text.length < 5 * 1024 * 1024) text += doc(i++);
    const lineOfLast = text.split('\n').length; // the next document starts on this line
    text +=
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  action: NOPE\n';
    const r = run(text);
    expect(r.resources).toBe(i + 1);
    const f = r.findings.find((x) => x.rule === 'schema');
    expect(f?.line).toBe(lineOfLast + 4);
  }, 300_000); // generous: the machine may be shared; time targets live in bench/, not here
  it('1,000-deep nesting: refused with a located finding, no stack overflow', () => {
    let text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n';
    for (let d = 0; d < 1000; d++) text += `${'  '.repeat(d + 1)}k${d}:\n`;
    text += `${'  '.repeat(1001)}v\n`;
    const r = run(text);
    expect(r.findings.some((f) => f.rule === 'yaml-syntax' && located(f))).toBe(true);
    const flow = run(`a: ${'['.repeat(1000)}${']'.repeat(1000)}\n`);
    expect(flow.findings.some((f) => f.rule === 'yaml-syntax' && located(f))).toBe(true);
  });
  it('empty input and comment-only documents are fine', () => {
    expect(run('').findings).toEqual([]);
    expect(run('# nothing\n---\n# still nothing\n').findings).toEqual([]);
  });
  it('a List wrapper: items are linted with their own positions', () => {
    const r = run(
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: security.istio.io/v1\n  kind: AuthorizationPolicy\n  metadata: {name: p}\n  spec: {action: NOPE}\n',
    );
    expect(r.findings.filter((f) => f.rule === 'schema').map((f) => [f.rule, f.line])).toEqual([['schema', 7]]);
  });
  it('a crashing rule becomes an internal-error finding, other rules still report', async () => {
    const { RULES } = await import('./index.ts');
    const victim = RULES.find((r) => r.meta.id === 'allow-nothing')!;
    const original = victim.check;
    (victim as { check: typeof original }).check = () => {
      throw new Error('boom');
    };
    try {
      const r = run(
        'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p}\nspec: {action: NOPE}\n',
      );
      expect(r.findings.map((f) => f.rule).sort()).toEqual(['internal-error', 'schema']);
    } finally {
      (victim as { check: typeof original }).check = original;
    }
  });
});
