/** The exercise solution diff compares by resource and field path (issue #19). */
import { describe, expect, it } from 'vitest';
import { fieldDiff } from '../../src/components/exercise/field-diff.ts';

const AP = (principal: string, style: 'block' | 'flow') =>
  style === 'block'
    ? `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p\n  namespace: bookinfo\nspec:\n  action: ALLOW\n  rules:\n  - from:\n    - source:\n        principals: ["${principal}"]\n`
    : `# a comment\nkind: AuthorizationPolicy\napiVersion: security.istio.io/v1\nmetadata: {namespace: bookinfo, name: p}\nspec: {rules: [{from: [{source: {principals: ['${principal}']}}]}], action: ALLOW}\n`;

describe('fieldDiff', () => {
  it('key order, flow vs block style, quotes and comments are not differences', () => {
    expect(fieldDiff(AP('a', 'block'), AP('a', 'flow'))).toEqual({ changes: [] });
  });
  it('names the resource and field path of a changed value', () => {
    expect(fieldDiff(AP('sa/guest', 'flow'), AP('sa/curl', 'block'))).toEqual({
      changes: [
        {
          resource: 'AuthorizationPolicy bookinfo/p',
          path: 'spec.rules[0].from[0].source.principals[0]',
          change: 'change',
          answer: '"sa/guest"',
          solution: '"sa/curl"',
        },
      ],
    });
  });
  it('added and removed fields and resources', () => {
    const more = AP('a', 'block') + '  selector: {matchLabels: {app: x}}\n';
    const other = '---\nkind: Service\napiVersion: v1\nmetadata: {name: s}\n';
    const d = fieldDiff(more, AP('a', 'block') + other);
    expect(d).toEqual({
      changes: [
        {
          resource: 'AuthorizationPolicy bookinfo/p',
          path: 'spec.selector.matchLabels.app',
          change: 'remove',
          answer: '"x"',
        },
        { resource: 'Service default/s', path: '', change: 'add' },
      ],
    });
  });
  it('unreadable YAML is reported, not compared', () => {
    expect(fieldDiff('a: [', 'a: 1')).toEqual({ unreadable: 'answer' });
  });
});
