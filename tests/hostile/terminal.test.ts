// Hostile text in the in-page terminal (issue #15): escape sequences and C1 controls in applied YAML, lab files,
// command lines and completion candidates must reach xterm visibly escaped (`\x1b`), never as controls it would
// interpret (hidden text, OSC 8 links, title changes, screen clears).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineEditor } from '../../src/components/terminal/line-editor.ts';
import { escapeControl } from '../../src/lib/vshell/escape.ts';
import { complete, initialState, needsMoreInput, run } from '../../src/lib/vshell/index.ts';
import type { ShellContext, ShellState } from '../../src/lib/vshell/index.ts';
import { labContext } from '../unit/vshell-context.ts';

/** What a terminal would interpret: C0 except tab and newline, DEL, C1. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

const OSC8 = '\x1b]8;;http://evil.example/\x07click here\x1b]8;;\x07';
const base = labContext('l4-authorization');
const ctx: ShellContext = {
  ...base,
  files: {
    ...base.files,
    'evil.yaml': `note: "${OSC8}"\nraw: \x9b31mred\n`,
    'hidden.txt': '\x1b[8mhidden\n',
  },
};

// YAML double-quoted escapes (\e, \a, \u009b) put real control characters into the stored object.
const EVIL_SERVICE = `kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: evil
  namespace: bookinfo
  labels:
    app: "x\\e[8mhidden"
  annotations:
    note: "\\e]8;;http://evil.example/\\aclick\\e]8;;\\a \\u009b31m red \\e]0;pwned\\a"
spec:
  selector:
    app: "\\e[2J\\e[H"
  ports:
  - port: 80
EOF`;

async function session(lines: string[]): Promise<{ outputs: string[]; state: ShellState }> {
  let state = initialState(ctx);
  const outputs: string[] = [];
  for (const l of lines) {
    const r = await run(ctx, state, l);
    state = r.state;
    outputs.push(r.output);
  }
  return { outputs, state };
}

describe('virtual shell output', () => {
  it('shows escape sequences from applied YAML escaped in get, describe and -o yaml/json', async () => {
    const { outputs } = await session([
      EVIL_SERVICE,
      'kubectl get svc -n bookinfo --show-labels',
      'kubectl get svc evil -n bookinfo -o yaml',
      'kubectl get svc evil -n bookinfo -o json',
      'kubectl describe svc evil -n bookinfo',
      'kubectl get svc evil -n bookinfo -o jsonpath={.metadata.annotations.note}',
      'kubectl get svc -n bookinfo -o custom-columns=NAME:.metadata.name,APP:.metadata.labels.app',
    ]);
    for (const o of outputs) expect(o).not.toMatch(CONTROL);
    expect(outputs[1]).toContain('app=x\\x1b[8mhidden');
    expect(outputs[4]).toContain('\\x1b]8;;http://evil.example/\\x07click');
    expect(outputs[4]).toContain('\\x9b31m');
    expect(outputs[5]).toContain('\\x1b]0;pwned\\x07');
  });

  it('escapes a hostile object name in the apply echo and in listings', async () => {
    const { outputs } = await session([
      'kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\nmetadata:\n  name: "e\\e[8mvil"\n  namespace: bookinfo\nspec:\n  ports:\n  - port: 80\nEOF',
      'kubectl get svc -n bookinfo',
      'kubectl get svc -n bookinfo -o name',
      'kubectl delete svc -n bookinfo "$(printf x)"',
    ]);
    for (const o of outputs) expect(o).not.toMatch(CONTROL);
  });

  it('escapes file contents, echoed arguments, curl paths, errors and history', async () => {
    const { outputs } = await session([
      'cat evil.yaml',
      'cat evil.yaml | grep note',
      `echo "${OSC8}"`,
      'echo "\x1b]0;title\x07" "\x9b2J"',
      'kubectl exec -n bookinfo deploy/curl -- curl -s "http://productpage:9080/\x1b[8mx"',
      'kubectl exec -n bookinfo deploy/curl -- curl -sv "http://productpage:9080/\x1b[8mx"',
      'kubectl exec -n bookinfo deploy/curl -- curl -s "http://no\x1b[8mhost:9080/"',
      'nosuch\x1b[31m',
      'kubectl get svc "\x1b[2J" -n bookinfo',
      'export X="\x1b[8m"; env',
      'history',
    ]);
    for (const o of outputs) expect(o).not.toMatch(CONTROL);
    expect(outputs[0]).toContain('\\x1b]8;;http://evil.example/\\x07click here\\x1b]8;;\\x07');
    expect(outputs[0]).toContain('\\x9b31mred');
    expect(outputs[7]).toContain('nosuch\\x1b[31m');
  });

  it('keeps the data intact inside pipes and $(…): only what reaches the terminal is escaped', async () => {
    const { outputs } = await session([
      'cat evil.yaml | wc',
      'cat evil.yaml | grep -c "\x1b]8"',
      'echo "$(cat hidden.txt)" | wc',
    ]);
    expect(outputs[0]).toBe(`2 5 ${ctx.files['evil.yaml']!.length}\n`); // lines, words, characters
    expect(outputs[1]).toBe('1\n');
    expect(outputs[2]).toBe('1 1 11\n'); // ESC [ 8 m h i d d e n NL: the raw ESC, not \x1b
  });

  it('leaves tabs, newlines and ordinary Unicode alone', async () => {
    const { outputs } = await session(['echo "a\tb ünïcødé → ✓ 日本"']);
    expect(outputs[0]).toBe('a\tb ünïcødé → ✓ 日本\n');
  });

  it('never lets a control character through, whatever a file holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
        const c: ShellContext = { ...ctx, files: { 'f.txt': text } };
        const r = await run(c, initialState({ ...c, setup: [] }), 'cat f.txt');
        expect(r.output).not.toMatch(CONTROL);
        expect(r.output).toBe(escapeControl(text));
      }),
      { numRuns: 200 },
    );
  });
});

describe('issue #21 outputs', () => {
  it('escapes hostile data in access logs, ztunnel-config, analyze and patch output', async () => {
    const { outputs } = await session([
      EVIL_SERVICE,
      "kubectl exec -n bookinfo deploy/curl -- curl -s 'http://productpage:9080/\x1b]0;pwned\x07'",
      'kubectl logs -n istio-system ds/ztunnel',
      'istioctl zc services -o json',
      'istioctl zc all',
      'istioctl analyze -A',
      `kubectl patch svc evil -n bookinfo --type merge -p '{"metadata":{"annotations":{"n":"\u001b[8mx"}}}'`,
      'kubectl get svc evil -n bookinfo -o yaml',
    ]);
    for (const o of outputs) expect(o).not.toMatch(CONTROL);
  });

  it('escapes a control character in a request path when it reaches the waypoint log', async () => {
    let state = initialState(ctx);
    for (const l of [
      'istioctl waypoint apply -n bookinfo',
      'kubectl label svc reviews -n bookinfo istio.io/use-waypoint=waypoint',
      `kubectl exec -n bookinfo deploy/curl -- curl -s "http://reviews:9080/a$(echo -n x)"`,
    ])
      state = (await run(ctx, state, l)).state;
    // The recorded path holds the raw character; only the terminal sink escapes it.
    const withEsc = { ...state, traffic: state.traffic!.map((r) => ({ ...r, path: '/\x1b]8;;x\x07' })) };
    const out = (await run(ctx, withEsc, 'kubectl logs -n bookinfo deploy/waypoint')).output;
    expect(out).not.toMatch(CONTROL);
    expect(out).toContain('"GET /\\x1b]8;;x\\x07 HTTP/1.1"');
  });
});

describe('escapeControl', () => {
  it('writes each control character as \\xHH and nothing else changes', () => {
    expect(escapeControl('\x1b[31mred\x1b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(escapeControl('a\x00b\x07c\x08d\re\x7ff\x80g\x9b\x9fh\xa0i')).toBe(
      'a\\x00b\\x07c\\x08d\\x0de\\x7ff\\x80g\\x9b\\x9fh\xa0i',
    );
    expect(escapeControl('tab\tnewline\n')).toBe('tab\tnewline\n');
    for (let c = 0; c < 0x100; c++) {
      const ch = String.fromCharCode(c);
      const controls = (c < 0x20 && c !== 9 && c !== 10) || (c >= 0x7f && c <= 0x9f);
      expect(escapeControl(ch)).toBe(controls ? `\\x${c.toString(16).padStart(2, '0')}` : ch);
    }
  });
});

describe('line editor echo', () => {
  function harness(state?: ShellState) {
    let screen = '';
    const executed: string[] = [];
    const s = state ?? initialState(ctx);
    const editor = new LineEditor({
      write: (t) => (screen += t),
      history: () => ['echo \x1b]0;from-history\x07 \x9b2J'],
      needsMore: needsMoreInput,
      complete: (line) => complete(ctx, s, line),
      execute: async (input) => void executed.push(input),
      prompt: () => '$ ',
      clear: () => (screen = ''),
    });
    editor.start();
    return { editor, executed, screen: () => screen };
  }
  /** The editor's own cursor movement is CSI; anything else (OSC, C1, other controls) must not be written. */
  // eslint-disable-next-line no-control-regex -- as above
  const FOREIGN = /\x1b[^[]|\x1b\[[^0-9;A-Za-z]|[\x80-\x9f]|[\x00-\x07\x0b\x0e-\x1a\x1c-\x1f\x7f]/;

  it('does not echo a pasted OSC sequence or C1 control', () => {
    const h = harness();
    h.editor.feed(`echo ${OSC8} \x9b31mred \x9d0;title\x07 \x85\x7f!`);
    expect(h.screen()).not.toMatch(FOREIGN);
    expect(h.editor.line).not.toMatch(CONTROL);
  });

  it('recalls a history entry holding controls without echoing them', () => {
    const h = harness();
    h.editor.feed('\x1b[A');
    expect(h.screen()).not.toMatch(FOREIGN);
    expect(h.editor.line).not.toMatch(CONTROL);
  });

  it('lists completion candidates with hostile names escaped', async () => {
    const { state } = await session([
      'kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\nmetadata:\n  name: "e\\e]0;x\\avil"\n  namespace: bookinfo\nspec:\n  ports:\n  - port: 80\nEOF',
    ]);
    const h = harness(state);
    h.editor.feed('kubectl get svc -n bookinfo e\t');
    h.editor.feed('\x15kubectl get svc -n bookinfo \t');
    expect(h.screen()).not.toMatch(FOREIGN);
    expect(h.editor.line).not.toMatch(CONTROL);
  });
});
