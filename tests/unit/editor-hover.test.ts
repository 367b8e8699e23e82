/** Hover documentation (issue #19): the field under a position, and its type and description from the lazy tables. */
import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { enumValuesAt, fieldAt } from '../../src/components/playground/completion.ts';
import * as docs from '../../src/components/playground/field-docs.gen.ts';
import { describeField } from '../../src/components/playground/hover.ts';

const AP = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: x\nspec:\n';

/** fieldAt with the position at `|`. */
function at(textWithCursor: string) {
  const pos = textWithCursor.indexOf('|');
  return fieldAt(Text.of((textWithCursor.slice(0, pos) + textWithCursor.slice(pos + 1)).split('\n')), pos);
}

describe('fieldAt', () => {
  it('the key under the position, with its path', () => {
    const got = at(AP + '  target|Refs:\n  - kind: Service\n');
    expect(got).toMatchObject({
      kindKey: 'security.istio.io/v1|AuthorizationPolicy',
      path: 'spec.targetRefs',
      key: 'targetRefs',
    });
    expect(got!.to - got!.from).toBe('targetRefs'.length);
    expect(at(AP + '  rules:\n  - from:\n    - source:\n        princ|ipals: [a]\n')?.path).toBe(
      'spec.rules[].from[].source.principals',
    );
  });
  it('nothing on a value, a comment or without a kind', () => {
    expect(at(AP + '  action: AL|LOW\n')).toBeUndefined();
    expect(at(AP + '  # act|ion\n')).toBeUndefined();
    expect(at('spec:\n  act|ion: ALLOW\n')).toBeUndefined();
  });
});

describe('describeField', () => {
  it('type and a short description from the CRD', () => {
    const d = describeField(docs, 'security.istio.io/v1|AuthorizationPolicy', 'spec.targetRefs');
    expect(d?.type).toBe('[]object');
    // Istio's CRD says only this about targetRefs; the hover shows what upstream documents, nothing invented.
    expect(d?.description).toBe('Optional.');
    const action = describeField(docs, 'security.istio.io/v1|AuthorizationPolicy', 'spec.action');
    expect(action).toEqual({ type: 'string', description: 'Optional. Valid Options: ALLOW, DENY, AUDIT, CUSTOM' });
    const parentRefs = describeField(docs, 'gateway.networking.k8s.io/v1|HTTPRoute', 'spec.parentRefs');
    expect(parentRefs?.description).toMatch(/^ParentRefs references the resources/);
  });
  it('long descriptions are cut to a few sentences', () => {
    for (const t of docs.FIELD_TEXTS) expect(t.length).toBeLessThanOrEqual(322);
  });
  it('unknown kinds and paths (including inherited object keys) give nothing', () => {
    expect(describeField(docs, 'v1|Service', 'spec.ports')).toBeUndefined();
    expect(describeField(docs, 'security.istio.io/v1|AuthorizationPolicy', 'spec.nope')).toBeUndefined();
    expect(describeField(docs, 'security.istio.io/v1|AuthorizationPolicy', 'constructor')).toBeUndefined();
    expect(enumValuesAt('toString', ['spec'])).toEqual([]);
  });
});
