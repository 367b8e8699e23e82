// kubectl patch in the virtual terminal (issue #21): the patch algorithms against the RFCs' own examples
// (RFC 7386 Appendix A, RFC 6902 Appendix A), kubectl's and the API server's answers, and the patched object
// re-entering the cluster state that lint, istioctl and the simulator read.
import { describe, expect, it } from 'vitest';
import { initialState, run } from './index.ts';
import type { ShellState } from './index.ts';
import { PatchError, applyJsonPatch, mergePatch, strategicMergePatch } from './jsonpatch.ts';
import type { JsonValue } from '../model/types.ts';
import { labContext } from '../../../tests/unit/vshell-context.ts';

const ctx = labContext('l4-authorization');

async function session(lines: string[], start: ShellState = initialState(ctx)) {
  let state = start;
  const results = [];
  for (const l of lines) {
    const r = await run(ctx, state, l);
    state = r.state;
    results.push(r);
  }
  return { state, results, last: results[results.length - 1]! };
}

const j = (s: string) => JSON.parse(s) as JsonValue;

describe('JSON merge patch (RFC 7386 Appendix A)', () => {
  const cases: [string, string, string][] = [
    ['{"a":"b"}', '{"a":"c"}', '{"a":"c"}'],
    ['{"a":"b"}', '{"b":"c"}', '{"a":"b","b":"c"}'],
    ['{"a":"b"}', '{"a":null}', '{}'],
    ['{"a":"b","b":"c"}', '{"a":null}', '{"b":"c"}'],
    ['{"a":["b"]}', '{"a":"c"}', '{"a":"c"}'],
    ['{"a":"c"}', '{"a":["b"]}', '{"a":["b"]}'],
    ['{"a":{"b":"c"}}', '{"a":{"b":"d","c":null}}', '{"a":{"b":"d"}}'],
    ['{"a":[{"b":"c"}]}', '{"a":[1]}', '{"a":[1]}'],
    ['["a","b"]', '["c","d"]', '["c","d"]'],
    ['{"a":"b"}', '["c"]', '["c"]'],
    ['{"a":"foo"}', 'null', 'null'],
    ['{"a":"foo"}', '"bar"', '"bar"'],
    ['{"e":null}', '{"a":1}', '{"e":null,"a":1}'],
    ['[1,2]', '{"a":"b","c":null}', '{"a":"b"}'],
    ['{}', '{"a":{"bb":{"ccc":null}}}', '{"a":{"bb":{}}}'],
  ];
  it.each(cases)('%s + %s = %s', (target, patch, result) => {
    expect(mergePatch(j(target), j(patch))).toEqual(j(result));
  });
});

describe('JSON patch (RFC 6902 Appendix A)', () => {
  const ok: [string, string, string, string][] = [
    [
      'A.1 add an object member',
      '{"foo":"bar"}',
      '[{"op":"add","path":"/baz","value":"qux"}]',
      '{"baz":"qux","foo":"bar"}',
    ],
    [
      'A.2 add an array element',
      '{"foo":["bar","baz"]}',
      '[{"op":"add","path":"/foo/1","value":"qux"}]',
      '{"foo":["bar","qux","baz"]}',
    ],
    ['A.3 remove an object member', '{"baz":"qux","foo":"bar"}', '[{"op":"remove","path":"/baz"}]', '{"foo":"bar"}'],
    [
      'A.4 remove an array element',
      '{"foo":["bar","qux","baz"]}',
      '[{"op":"remove","path":"/foo/1"}]',
      '{"foo":["bar","baz"]}',
    ],
    [
      'A.5 replace a value',
      '{"baz":"qux","foo":"bar"}',
      '[{"op":"replace","path":"/baz","value":"boo"}]',
      '{"baz":"boo","foo":"bar"}',
    ],
    [
      'A.6 move a value',
      '{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}',
      '[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]',
      '{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}',
    ],
    [
      'A.7 move an array element',
      '{"foo":["all","grass","cows","eat"]}',
      '[{"op":"move","from":"/foo/1","path":"/foo/3"}]',
      '{"foo":["all","cows","eat","grass"]}',
    ],
    [
      'A.8 test a value: success',
      '{"baz":"qux","foo":["a",2,"c"]}',
      '[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]',
      '{"baz":"qux","foo":["a",2,"c"]}',
    ],
    [
      'A.10 add a nested member object',
      '{"foo":"bar"}',
      '[{"op":"add","path":"/child","value":{"grandchild":{}}}]',
      '{"foo":"bar","child":{"grandchild":{}}}',
    ],
    ['A.14 ~ escape ordering', '{"/":9,"~1":10}', '[{"op":"test","path":"/~01","value":10}]', '{"/":9,"~1":10}'],
    [
      'A.16 add an array value',
      '{"foo":["bar"]}',
      '[{"op":"add","path":"/foo/-","value":["abc","def"]}]',
      '{"foo":["bar",["abc","def"]]}',
    ],
    ['copy', '{"a":{"b":1}}', '[{"op":"copy","from":"/a","path":"/c"}]', '{"a":{"b":1},"c":{"b":1}}'],
  ];
  it.each(ok)('%s', (_name, doc, patch, result) => {
    expect(applyJsonPatch(j(doc), j(patch))).toEqual(j(result));
  });
  const bad: [string, string, string][] = [
    ['A.9 test a value: error', '{"baz":"qux"}', '[{"op":"test","path":"/baz","value":"bar"}]'],
    ['A.12 add to a nonexistent target', '{"foo":"bar"}', '[{"op":"add","path":"/baz/bat","value":"qux"}]'],
    ['A.15 comparing strings and numbers', '{"/":9,"~1":10}', '[{"op":"test","path":"/~01","value":"10"}]'],
    ['remove a missing member', '{"a":1}', '[{"op":"remove","path":"/b"}]'],
    ['an unknown op', '{"a":1}', '[{"op":"frobnicate","path":"/a"}]'],
    ['a prototype key', '{"a":1}', '[{"op":"add","path":"/__proto__","value":{"x":1}}]'],
  ];
  it.each(bad)('%s fails as a whole', (_name, doc, patch) => {
    const before = j(doc);
    expect(() => applyJsonPatch(before, j(patch))).toThrow(PatchError);
    expect(before).toEqual(j(doc));
  });
});

describe('strategic merge patch (built-in kinds)', () => {
  it('merges containers by name and ports by containerPort, and honours $patch: delete', () => {
    const dep = j(
      '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:1","ports":[{"containerPort":80}]},{"name":"side","image":"s:1"}]}}}}',
    );
    const out = strategicMergePatch(
      dep,
      j(
        '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:2","ports":[{"containerPort":81}]},{"name":"side","$patch":"delete"}]}}}}',
      ),
    );
    expect(out).toEqual(
      j(
        '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:2","ports":[{"containerPort":80},{"containerPort":81}]}]}}}}',
      ),
    );
  });
});

describe('kubectl patch', () => {
  it('merge-patches a Service label and the mesh sees the new waypoint binding', async () => {
    const { results } = await session([
      'istioctl waypoint apply -n bookinfo',
      `kubectl patch svc reviews -n bookinfo --type merge -p '{"metadata":{"labels":{"istio.io/use-waypoint":"waypoint"}}}'`,
      'istioctl zc services --service-namespace bookinfo | grep " reviews "',
      `kubectl patch svc reviews -n bookinfo --type merge -p '{"metadata":{"labels":{"istio.io/use-waypoint":"waypoint"}}}'`,
    ]);
    expect(results[1]!.output).toBe('service/reviews patched\n');
    expect(results[2]!.output).toMatch(/reviews +[\d.]+ +waypoint +3\/3/);
    expect(results[3]!.output).toBe('service/reviews patched (no change)\n');
  });

  it('gives the API server’s answer for a strategic patch of a custom resource, and JSON-patches it instead', async () => {
    const ap = `kubectl apply -f - <<EOF
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-curl, namespace: bookinfo}
spec:
  selector: {matchLabels: {app: productpage}}
  action: ALLOW
  rules: [{from: [{source: {namespaces: [bookinfo]}}]}]
EOF`;
    const curl =
      'kubectl exec -n bookinfo deploy/curl -- curl -s -o /dev/null -w "%{http_code}" http://productpage:9080/';
    const { results } = await session([
      ap,
      curl,
      `kubectl patch authorizationpolicy deny-curl -n bookinfo -p '{"spec":{"action":"DENY"}}'`,
      `kubectl patch authorizationpolicy deny-curl -n bookinfo --type json -p '[{"op":"test","path":"/spec/action","value":"ALLOW"},{"op":"replace","path":"/spec/action","value":"DENY"}]'`,
      curl,
      `kubectl patch authorizationpolicy deny-curl -n bookinfo --type json -p '[{"op":"test","path":"/spec/action","value":"ALLOW"}]'`,
    ]);
    expect(results[1]!.output).toBe('200');
    expect(results[2]!.exitCode).toBe(1);
    expect(results[2]!.output).toBe(
      'Error from server (UnsupportedMediaType): the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n',
    );
    expect(results[3]!.output).toBe('authorizationpolicy.security.istio.io/deny-curl patched\n');
    expect(results[4]!.exitCode).toBe(56);
    expect(results[5]!.exitCode).toBe(1);
    expect(results[5]!.output).toMatch(
      /^The request is invalid: the server rejected our request due to an error in our request/,
    );
  });

  it('refuses what the API server refuses: unknown objects, schema errors, renames, and leaves status alone', async () => {
    const { results, state } = await session([
      `kubectl patch svc nosuch -n bookinfo --type merge -p '{"metadata":{"labels":{"a":"b"}}}'`,
      `kubectl patch gateway nosuch -n bookinfo --type merge -p '{}'`,
      `kubectl patch svc reviews -n bookinfo --type merge -p '{"metadata":{"name":"other"}}'`,
      `kubectl patch svc reviews -n bookinfo --type merge -p 'spec: {ports: [{port: "not-a-number"}]}'`,
      `kubectl patch svc reviews -n bookinfo --type merge -p '{"status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}}'`,
      `kubectl patch svc reviews -n bookinfo --type merge -p 'not: [valid'`,
      `kubectl patch svc reviews -n bookinfo --type nope -p '{}'`,
    ]);
    expect(results[0]!.output).toBe('Error from server (NotFound): services "nosuch" not found\n');
    expect(results[1]!.output).toBe(
      'Error from server (NotFound): gateways.gateway.networking.k8s.io "nosuch" not found\n',
    );
    expect(results[2]!.output).toBe(
      'Error from server (BadRequest): the name of the object (other) does not match the name on the URL (reviews)\n',
    );
    expect(results[3]!.output).toMatch(/^The Service "reviews" is invalid: spec\.ports/);
    expect(results[4]!.output).toBe('service/reviews patched (no change)\n');
    expect(results[5]!.output).toMatch(/^error: unable to parse "not: \[valid"/);
    expect(results[6]!.output).toMatch(/^error: --type must be one of \[json merge strategic\]/);
    expect(results.every((r) => r.exitCode !== 0 || r === results[4])).toBe(true);
    const svc = state.objects.find(
      (o) => o['kind'] === 'Service' && (o['metadata'] as { name: string }).name === 'reviews',
    )!;
    expect(svc['status']).toBeUndefined();
  });

  it('strategic-merges a Deployment’s pod template (the default type for built-in kinds)', async () => {
    const { results } = await session([
      `kubectl patch deploy reviews-v1 -n bookinfo -p '{"spec":{"template":{"metadata":{"labels":{"istio.io/dataplane-mode":"none"}}}}}'`,
      'istioctl zc workloads --workload-namespace bookinfo | grep reviews-v1',
    ]);
    expect(results[0]!.output).toBe('deployment.apps/reviews-v1 patched\n');
    expect(results[1]!.output).toMatch(/ TCP\n$/);
  });

  it('bounds the patch size and refuses prototype keys', async () => {
    const big = `{"metadata":{"annotations":{"x":"${'a'.repeat(70 * 1024)}"}}}`;
    const { results } = await session([
      `kubectl patch svc reviews -n bookinfo --type merge -p '${big}'`,
      `kubectl patch svc reviews -n bookinfo --type merge -p '{"__proto__":{"polluted":true}}'`,
    ]);
    expect(results[0]!.output).toMatch(/^error: the patch is larger than 65536 bytes/);
    expect(results[1]!.exitCode).toBe(1);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
