import { describe, expect, it } from 'vitest';
import { lint } from '../lint.ts';
import { findingsFor, y } from '../testing.ts';

const ID = 'yaml-syntax';
const at = (yaml: string | Uint8Array) =>
  lint({ file: 'in.yaml', text: yaml })
    .findings.filter((f) => f.rule === ID)
    .map((f) => [f.line, f.column]);

describe(ID, () => {
  it('reports a duplicate key at the second key', () => {
    expect(at(y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  name: b'))).toEqual([[5, 3]]);
  });
  it('distinct keys are fine (boundary)', () => {
    expect(at(y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  namespace: b'))).toEqual([]);
  });
  it('reports bad indentation with a position, and keeps the other documents', () => {
    const text = y(
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: ok',
      '---',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: [a',
      '---',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: ok2}',
    );
    const report = lint({ file: 'in.yaml', text });
    expect(report.findings.filter((f) => f.rule === ID).length).toBeGreaterThanOrEqual(1);
    expect(report.findings.find((f) => f.rule === ID)!.line).toBeGreaterThanOrEqual(9);
    expect(report.resources).toBe(2);
  });
  it('reports non-UTF-8 bytes at their line', () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: '),
      0xff,
      0xfe,
      0x0a,
    ]);
    expect(at(bytes)).toEqual([[4, 9]]);
  });
  it('is scoped to the input: a clean file next to a broken one has no finding', () => {
    const report = lint([
      { file: 'a.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' },
      { file: 'b.yaml', text: 'a: [\n' },
    ]);
    expect(report.findings.filter((f) => f.rule === ID).map((f) => f.file)).toEqual(['b.yaml']);
  });
  it('findingsFor helper only returns this rule', () => {
    expect(findingsFor(ID, 'a: b: c\n').every((f) => f.rule === ID)).toBe(true);
  });
});
