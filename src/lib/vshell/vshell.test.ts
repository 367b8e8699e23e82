// The virtual cluster shell: parsing, admission by the validator, kubectl/istioctl behaviour, curl outcomes,
// persistence, completion, and a property test that no input line ever makes it throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { complete, initialState, needsMoreInput, restoreState, run, serializeState, storageKey } from './index.ts';
import type { ShellState } from './index.ts';
import { parseCommandLine } from './parse.ts';
import { jsonPath } from './format.ts';
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

describe('parser', () => {
  it('reads quotes, escapes, variables, pipes and operators', () => {
    const p = parseCommandLine(`echo "a $X" 'b $X' c\\ d | grep a && true || false; echo $?`, { X: '1', '?': '0' });
    expect('error' in p).toBe(false);
    if ('error' in p) return;
    expect(p.items.map((i) => i.op)).toEqual([null, '&&', '||', ';']);
    expect(p.items[0]!.pipeline.commands.map((c) => c.argv)).toEqual([
      ['echo', 'a 1', 'b $X', 'c d'],
      ['grep', 'a'],
    ]);
    expect(p.items[3]!.pipeline.commands[0]!.argv).toEqual(['echo', '0']);
  });

  it('attaches a here-document to its command and strips tabs with <<-', () => {
    const p = parseCommandLine('cat <<EOF | kubectl apply -f -\nkind: X\n  name: $N\nEOF\n', { N: 'n' });
    if ('error' in p) throw new Error(p.error);
    expect(p.items[0]!.pipeline.commands[0]!.stdin).toBe('kind: X\n  name: n\n');
    const q = parseCommandLine("cat <<-'END'\n\t\ta $N\n\tEND", { N: 'n' });
    if ('error' in q) throw new Error(q.error);
    expect(q.items[0]!.pipeline.commands[0]!.stdin).toBe('a $N\n');
  });

  it('asks for more input while a here-document, quote or continuation is open', () => {
    expect(needsMoreInput('kubectl apply -f - <<EOF')).toBe(true);
    expect(needsMoreInput('kubectl apply -f - <<EOF\nkind: A')).toBe(true);
    expect(needsMoreInput('kubectl apply -f - <<EOF\nkind: A\nEOF')).toBe(false);
    expect(needsMoreInput('echo "open')).toBe(true);
    expect(needsMoreInput('echo a \\')).toBe(true);
    expect(needsMoreInput('echo done')).toBe(false);
  });

  it('reports syntax errors instead of throwing', () => {
    expect(parseCommandLine('| grep x')).toHaveProperty('error');
    expect(parseCommandLine('echo a &')).toHaveProperty('error');
    expect(parseCommandLine('echo > ')).toHaveProperty('error');
  });

  it('evaluates the JSONPath subset kubectl users type', () => {
    const doc: JsonValue = {
      items: [
        { status: { podIP: '10.0.0.1' }, metadata: { annotations: { 'a.b/c': 'x' } } },
        { status: { podIP: '10.0.0.2' } },
      ],
    };
    expect(jsonPath(doc, '{.items[0].status.podIP}')).toEqual(['10.0.0.1']);
    expect(jsonPath(doc, '{.items[*].status.podIP}')).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(jsonPath(doc, '.items[0].metadata.annotations.a\\.b/c')).toEqual(['x']);
    expect(() => jsonPath(doc, '{.items[?(@.x)]}')).toThrow();
  });
});

describe('kubectl apply is admitted by the validator', () => {
  const policy = (body: string) => `kubectl apply -f - <<EOF
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: p
  namespace: bookinfo
spec:
${body}
EOF`;

  it('creates, then reports unchanged and configured', async () => {
    const rules = '  action: DENY\n  rules:\n  - from:\n    - source:\n        namespaces: ["legacy"]';
    const { results } = await session([policy(rules), policy(rules), policy(rules.replace('legacy', 'other'))]);
    expect(results.map((r) => r.output.trim().split(' ').pop())).toEqual(['created', 'unchanged', 'configured']);
    expect(results.every((r) => r.exitCode === 0)).toBe(true);
  });

  it('prints ambient findings as admission warnings with their rule id, and still stores the object', async () => {
    const { results, last } = await session([
      policy(
        '  selector:\n    matchLabels:\n      app: ratings\n  rules:\n  - to:\n    - operation:\n        methods: ["GET"]',
      ),
      'kubectl get ap p -n bookinfo -o name',
    ]);
    expect(results[0]!.output).toMatch(/^Warning: \[l7-policy-on-ztunnel\] .*\(STDIN:13:\d+\)$/m);
    expect(results[0]!.exitCode).toBe(0);
    expect(last.output).toBe('authorizationpolicy.security.istio.io/p\n');
  });

  it('rejects schema errors and YAML syntax errors without storing anything', async () => {
    const { results, state } = await session([
      policy('  action: MAYBE'),
      'kubectl apply -f - <<EOF\nkind: [\nEOF',
      'kubectl get ap -n bookinfo',
    ]);
    expect(results[0]!.exitCode).toBe(1);
    expect(results[0]!.output).toMatch(/The AuthorizationPolicy "p" is invalid: spec\.action/);
    expect(results[1]!.exitCode).toBe(1);
    expect(results[1]!.output).toMatch(/^error: error parsing STDIN/);
    expect(results[2]!.output).toBe('No resources found in bookinfo namespace.\n');
    expect(state.objects.some((o) => o['kind'] === 'AuthorizationPolicy')).toBe(false);
  });

  it('refuses unknown kinds, missing namespaces and files that do not exist', async () => {
    const { results } = await session([
      'kubectl apply -f - <<EOF\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nEOF',
      'kubectl apply -f - <<EOF\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\n  namespace: nowhere\nEOF',
      'kubectl apply -f no/such.yaml',
    ]);
    expect(results[0]!.output).toMatch(/no matches for kind "Widget" in version "example.com\/v1"/);
    expect(results[1]!.output).toMatch(/namespaces "nowhere" not found/);
    expect(results[2]!.output).toMatch(/the path "no\/such.yaml" does not exist/);
    expect(results.map((r) => r.exitCode)).toEqual([1, 1, 1]);
  });

  it('applies an example by name', async () => {
    const ex = labContext('playground');
    const withAlias = {
      ...ex,
      files: {
        ...ex.files,
        'examples/security/x.yaml':
          'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: from-example\n  namespace: bookinfo\n',
      },
      aliases: { 'security/x': 'examples/security/x.yaml' },
    };
    const r = await run(withAlias, initialState(withAlias), 'kubectl apply -f security/x');
    expect(r.output).toBe('serviceaccount/from-example created\n');
  });
});

describe('kubectl get, label, delete', () => {
  it('lists pods derived from workloads, with namespaces and labels', async () => {
    const { results } = await session([
      'kubectl get pods -A',
      'kubectl get po -n bookinfo -l app=reviews,version=v2 -o name',
      'kubectl get svc nope -n bookinfo',
    ]);
    expect(results[0]!.output.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(results[0]!.output).toMatch(/^legacy\s+curl-\S+\s+1\/1\s+Running/m);
    expect(results[1]!.output).toMatch(/^pod\/reviews-v2-\S+\n$/);
    expect(results[2]!.exitCode).toBe(1);
    expect(results[2]!.output).toBe('Error from server (NotFound): services "nope" not found\n');
  });

  it('label needs --overwrite to change a value and removes with key-', async () => {
    const { results } = await session([
      'kubectl label ns bookinfo istio.io/dataplane-mode=none',
      'kubectl label ns bookinfo istio.io/dataplane-mode=none --overwrite',
      'kubectl label ns bookinfo istio.io/dataplane-mode-',
      'kubectl get ns bookinfo --show-labels',
    ]);
    expect(results[0]!.exitCode).toBe(1);
    expect(results[1]!.output).toBe('namespace/bookinfo labeled\n');
    expect(results[2]!.output).toBe('namespace/bookinfo labeled\n');
    expect(results[3]!.output).not.toContain('istio.io/dataplane-mode');
  });

  it('unenrolling the namespace turns a reset back into a 200 for plaintext callers', async () => {
    const plain =
      'kubectl exec -n legacy deploy/curl -- curl -s -o /dev/null -w "%{http_code}\\n" http://details.bookinfo:9080/details/0';
    const { results } = await session([
      'kubectl apply -f labs/l4-authorization/manifests/deny-plaintext.yaml',
      plain,
      'kubectl delete authorizationpolicy deny-without-identity -n bookinfo',
      plain,
    ]);
    expect(results[1]!.exitCode).toBe(56);
    expect(results[2]!.output).toBe('authorizationpolicy.security.istio.io "deny-without-identity" deleted\n');
    expect(results[3]!.output).toBe('200\n');
  });
});

describe('istioctl', () => {
  it('waypoint apply writes the Gateway istioctl writes, and --enroll-namespace labels the namespace', async () => {
    const { results } = await session([
      'istioctl waypoint apply -n bookinfo --enroll-namespace',
      'kubectl get gateway waypoint -n bookinfo -o json',
      "kubectl get ns bookinfo -o 'jsonpath={.metadata.labels.istio\\.io/use-waypoint}'",
      'istioctl waypoint apply -n bookinfo --name other --enroll-namespace',
      'istioctl waypoint list -n bookinfo',
    ]);
    const gw = JSON.parse(results[1]!.output) as {
      metadata: { labels?: Record<string, string> };
      spec: unknown;
      status: { conditions: { type: string; status: string }[] };
    };
    expect(gw.spec).toEqual({
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    });
    expect(gw.metadata.labels).toBeUndefined(); // istio.io/waypoint-for only with --for
    expect(gw.status.conditions.find((c) => c.type === 'Programmed')?.status).toBe('True');
    expect(results[2]!.output).toBe('waypoint');
    // Already enrolled: istioctl warns and applies nothing without --overwrite.
    expect(results[3]!.output).toMatch(/already has an enrolled Waypoint/);
    expect(results[4]!.output.trim().split('\n')).toHaveLength(2);
  });

  it('waypoint list prints TRAFFIC TYPE none for an unlabelled waypoint (as istioctl does) and the --for value otherwise', async () => {
    const { results } = await session([
      'istioctl waypoint apply -n bookinfo',
      'istioctl waypoint apply -n bookinfo --name wl --for workload',
      'istioctl waypoint list -n bookinfo',
      // Unlabelled still means service traffic to istiod: an L7 policy on the service is enforced by the waypoint.
      'kubectl label ns bookinfo istio.io/use-waypoint=waypoint',
      'kubectl apply -f labs/waypoint-l7-authz/manifests/reviews-read-only.yaml',
      'kubectl exec -n bookinfo deploy/curl -- curl -s -o /dev/null -w %{http_code} -X POST http://reviews:9080/reviews/0',
    ]);
    const rows = results[2]!.output
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    expect(rows[0]).toEqual(['NAME', 'REVISION', 'TRAFFIC', 'TYPE', 'PROGRAMMED']);
    expect(rows.slice(1)).toEqual(
      expect.arrayContaining([
        ['waypoint', 'default', 'none', 'True'],
        ['wl', 'default', 'workload', 'True'],
      ]),
    );
    expect(results[5]!.output).toBe('403');
  });

  it('x describe names the policies each enforcement point applies', async () => {
    const { last } = await session([
      'kubectl apply -f labs/l4-authorization/manifests/allow-curl-to-productpage.yaml',
      'istioctl x describe pod productpage-v1 -n bookinfo',
    ]);
    expect(last.output).toMatch(/Dataplane: ambient/);
    expect(last.output).toMatch(/AuthorizationPolicy bookinfo\/productpage-allow-curl \(ALLOW, attached by selector\)/);
  });
});

describe('curl through kubectl exec', () => {
  it('shows a waypoint denial as HTTP 403 RBAC: access denied, and curl -f turns it into exit 22', async () => {
    const { results } = await session([
      'istioctl waypoint apply -n bookinfo --enroll-namespace --wait',
      'kubectl apply -f labs/waypoint-l7-authz/manifests/reviews-read-only.yaml',
      'kubectl exec -n bookinfo deploy/curl -- curl -si -X POST http://reviews:9080/reviews/0',
      'kubectl exec -n bookinfo deploy/curl -- curl -sf -X POST http://reviews:9080/reviews/0',
    ]);
    expect(results[2]!.output).toMatch(/^HTTP\/1.1 403 Forbidden\n[\s\S]*\n\nRBAC: access denied$/);
    expect(results[3]!.exitCode).toBe(22);
  });

  it('reports unknown hosts and ports the way curl does', async () => {
    const { results } = await session([
      'kubectl exec -n bookinfo deploy/curl -- curl -sS http://nothing:9080/',
      'kubectl exec -n bookinfo deploy/curl -- curl -sS http://reviews:1234/',
      'kubectl exec -n bookinfo deploy/nope -- curl http://reviews:9080/',
    ]);
    expect(results.map((r) => r.exitCode)).toEqual([6, 7, 1]);
    expect(results[0]!.output).toMatch(/^curl: \(6\) Could not resolve host: nothing$/m);
  });

  it('-v prints the simulator trace', async () => {
    const { last } = await session(['kubectl exec -n bookinfo deploy/curl -- curl -sv http://details:9080/details/0']);
    expect(last.output).toMatch(/^\* /m);
    expect(last.output).toMatch(/"author":"William Shakespeare"/);
  });
});

describe('shell', () => {
  it('keeps history, expands $(…) and runs one-line for loops with pipes', async () => {
    const { results, state } = await session([
      'export N=3',
      'for i in $(seq $N); do echo x$i; done | sort -r | head -n 2',
      'history',
    ]);
    expect(results[1]!.output).toBe('x3\nx2\n');
    expect(state.history).toEqual([
      'export N=3',
      'for i in $(seq $N); do echo x$i; done | sort -r | head -n 2',
      'history',
    ]);
  });

  it('answers unknown commands helpfully with exit 127', async () => {
    const { last } = await session(['kubeclt get pods']);
    expect(last.exitCode).toBe(127);
    expect(last.output).toMatch(/command not found \(did you mean `kubectl`\?\)/);
  });

  it('reset rebuilds the lab cluster and keeps the history', async () => {
    const { results, state } = await session([
      'kubectl delete ns bookinfo',
      'kubectl get pods -n bookinfo',
      'reset',
      'kubectl get deploy -n bookinfo -o name',
    ]);
    expect(results[1]!.output).toBe('No resources found in bookinfo namespace.\n');
    expect(results[3]!.output).toMatch(/deployment\.apps\/productpage-v1/);
    expect(state.history).toHaveLength(4);
  });

  it('does not mutate the state it was given', async () => {
    const s0 = initialState(ctx);
    const before = JSON.stringify(s0);
    await run(ctx, s0, 'kubectl delete ns bookinfo');
    expect(JSON.stringify(s0)).toBe(before);
  });
});

describe('persistence', () => {
  it('round-trips through a versioned key', async () => {
    const { state } = await session(['kubectl label ns legacy team=a']);
    expect(storageKey('l4-authorization')).toBe('ambient-atlas:vshell:v1:l4-authorization');
    expect(restoreState(serializeState(state), 'l4-authorization')).toEqual(state);
  });

  it('discards corrupt, foreign or outdated data', () => {
    const good = JSON.parse(serializeState(initialState(ctx))) as Record<string, unknown>;
    expect(restoreState('{not json', 'l4-authorization')).toBeUndefined();
    expect(restoreState(null, 'l4-authorization')).toBeUndefined();
    expect(restoreState(JSON.stringify(good), 'other-lab')).toBeUndefined();
    expect(restoreState(JSON.stringify({ ...good, version: 0 }), 'l4-authorization')).toBeUndefined();
    expect(restoreState(JSON.stringify({ ...good, objects: [{ kind: 'X' }] }), 'l4-authorization')).toBeUndefined();
    expect(restoreState(JSON.stringify({ ...good, history: [1] }), 'l4-authorization')).toBeUndefined();
    expect(restoreState(JSON.stringify({ ...good, env: { A: 1 } }), 'l4-authorization')).toBeUndefined();
  });
});

describe('completion', () => {
  const s = initialState(ctx);
  it('completes commands, subcommands, kinds, names, namespaces and files', () => {
    expect(complete(ctx, s, 'kub').common).toBe('kubectl');
    expect(complete(ctx, s, 'kubectl ap').candidates).toEqual(['api-resources', 'apply']);
    expect(complete(ctx, s, 'kubectl get peerauthentications -n book').candidates).toEqual(['bookinfo']);
    expect(complete(ctx, s, 'kubectl get deploy -n bookinfo product').candidates).toEqual(['productpage-v1']);
    expect(complete(ctx, s, 'kubectl exec -n legacy ').candidates).toContain('deploy/curl');
    expect(complete(ctx, s, 'kubectl apply -f labs/l4-authorization/manifests/allow').candidates).toEqual([
      'labs/l4-authorization/manifests/allow-curl-to-productpage.yaml',
    ]);
    expect(complete(ctx, s, 'istioctl waypoint ').candidates).toEqual([
      'apply',
      'delete',
      'generate',
      'list',
      'status',
    ]);
  });
});

describe('property: no input makes the shell throw', () => {
  const words = [
    'kubectl',
    'istioctl',
    'curl',
    'get',
    'apply',
    'describe',
    'delete',
    'label',
    'exec',
    'waypoint',
    'x',
    '-n',
    '-A',
    '-o',
    '-f',
    '-',
    'yaml',
    'json',
    'jsonpath={.items[0]}',
    'pods',
    'ns',
    'ap',
    'gtw',
    'bookinfo',
    'deploy/curl',
    '--',
    'http://reviews:9080/',
    '-X',
    'POST',
    '-H',
    "'a: b'",
    '<<EOF',
    'EOF',
    '|',
    '&&',
    '||',
    ';',
    '$(',
    ')',
    '"',
    "'",
    '\\',
    'grep',
    'for',
    'do',
    'done',
    '$X',
    'a=b',
    '>',
    '2>&1',
    'reset',
    'history',
    'kind: [',
    '\n',
  ];
  const line = fc.oneof(
    fc.array(fc.constantFrom(...words), { maxLength: 12 }).map((w) => w.join(' ')),
    fc.string({ maxLength: 80 }),
  );

  it('run() resolves with an output string and a well-formed state for any line', async () => {
    const s0 = initialState(ctx);
    await fc.assert(
      fc.asyncProperty(line, async (l) => {
        const r = await run(ctx, s0, l);
        expect(typeof r.output).toBe('string');
        expect(Number.isInteger(r.exitCode)).toBe(true);
        expect(r.output).not.toMatch(/internal error/);
        expect(restoreState(serializeState(r.state), 'l4-authorization')).toBeDefined();
        // Completion must not throw either.
        expect(Array.isArray(complete(ctx, r.state, l).candidates)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
