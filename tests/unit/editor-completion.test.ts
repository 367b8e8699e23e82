/** Completion from the known-field tables (issue #19): the YAML path at the cursor, found from indentation. */
import { CompletionContext } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { yamlCompletion } from '../../src/components/playground/completion.ts';

/** Completion labels with the cursor at `|`. */
function complete(textWithCursor: string, explicit = false): string[] | null {
  const pos = textWithCursor.indexOf('|');
  const doc = textWithCursor.slice(0, pos) + textWithCursor.slice(pos + 1);
  const state = EditorState.create({ doc });
  const r = yamlCompletion(new CompletionContext(state, pos, explicit));
  return r ? r.options.map((o) => o.label) : null;
}

const AP = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: x\n';

describe('yamlCompletion', () => {
  it('spec fields of the kind', () => {
    const got = complete(AP + 'spec:\n  ac|\n');
    expect(got).toEqual(expect.arrayContaining(['action', 'rules', 'selector', 'targetRefs']));
    expect(got).not.toContain('matchLabels');
  });
  it('inside a sequence item, indented and not (k8s style)', () => {
    expect(complete(AP + 'spec:\n  rules:\n  - fr|\n')).toEqual(expect.arrayContaining(['from', 'to', 'when']));
    expect(complete(AP + 'spec:\n  rules:\n    - to: []\n      fr|\n')).toEqual(
      expect.arrayContaining(['from', 'to', 'when']),
    );
    expect(complete(AP + 'spec:\n  rules:\n  - from:\n    - source:\n        pr|\n')).toEqual(
      expect.arrayContaining(['principals', 'namespaces', 'notPrincipals']),
    );
  });
  it('after siblings and comments', () => {
    expect(
      complete(AP + 'spec:\n  rules:\n  - to:\n    - operation:\n        methods: [GET]\n        # c\n        pa|\n'),
    ).toEqual(expect.arrayContaining(['paths', 'ports', 'hosts']));
  });
  it('Gateway API kinds and documents after ---', () => {
    const route =
      'kind: Service\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nspec:\n  parentRefs:\n  - |\n';
    expect(complete(route, true)).toEqual(expect.arrayContaining(['group', 'kind', 'name', 'port', 'sectionName']));
  });
  it('apiVersion and kind values', () => {
    expect(complete('apiVersion: security.istio.io/v1\nkind: Au|\n')).toContain('AuthorizationPolicy');
    expect(complete('apiVersion: gate|\n')).toContain('gateway.networking.k8s.io/v1');
  });
  it('nothing where the path is unknown or in a value', () => {
    expect(complete(AP + 'spec:\n  selector:\n    matchLabels:\n      ap|\n')).toBeNull();
    expect(complete(AP + 'spec:\n  selector: ma|\n')).toBeNull();
  });
  it('enum values of the field whose value is at the cursor', () => {
    expect(complete(AP + 'spec:\n  action: |\n')).toEqual(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']);
    expect(complete(AP + 'spec:\n  action: AL|\n')).toContain('ALLOW');
    const gw =
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nspec:\n  rules:\n  - matches:\n    - path:\n        type: |\n';
    expect(complete(gw)).toEqual(['Exact', 'PathPrefix', 'RegularExpression']);
    // A free string (no enum in the schema) and a field of an unknown kind offer nothing.
    expect(
      complete('apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nspec:\n  gatewayClassName: |\n'),
    ).toBeNull();
    expect(complete('apiVersion: v9\nkind: Nope\nspec:\n  action: |\n')).toBeNull();
  });
});
