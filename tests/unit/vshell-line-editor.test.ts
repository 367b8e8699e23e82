// The terminal's line editor (src/components/terminal/line-editor.ts) without a browser: keystrokes and pastes in,
// executed inputs and screen writes out.
import { describe, expect, it } from 'vitest';
import { LineEditor } from '../../src/components/terminal/line-editor.ts';
import { complete, initialState, needsMoreInput } from '../../src/lib/vshell/index.ts';
import { labContext } from './vshell-context.ts';

function harness(history: string[] = [], cols?: number) {
  const executed: string[] = [];
  let screen = '';
  let release: (() => void) | undefined;
  const ctx = labContext('l4-authorization');
  const state = initialState(ctx);
  const editor = new LineEditor({
    write: (t) => (screen += t),
    history: () => history,
    needsMore: needsMoreInput,
    complete: (line) => complete(ctx, state, line),
    execute: (input) => {
      executed.push(input);
      history.push(input);
      return new Promise<void>((r) => (release = r));
    },
    prompt: () => '$ ',
    clear: () => (screen = ''),
    ...(cols ? { cols: () => cols } : {}),
  });
  editor.start();
  const finish = async () => {
    release?.();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { editor, executed, screen: () => screen, finish };
}

describe('line editor', () => {
  it('collects a pasted here-document into one input, with continuation prompts', async () => {
    const h = harness();
    h.editor.feed('kubectl apply -f - <<EOF\rkind: A\rmetadata:\r  name: a\rEOF\r');
    expect(h.executed).toEqual(['kubectl apply -f - <<EOF\nkind: A\nmetadata:\n  name: a\nEOF']);
    expect(h.screen()).toContain('\r\n> kind: A');
  });

  it('Tab indents with spaces inside a here-document', () => {
    const h = harness();
    h.editor.feed('cat <<EOF\rspec:\r\tx: 1\rEOF\r');
    expect(h.executed).toEqual(['cat <<EOF\nspec:\n  x: 1\nEOF']);
  });

  it('queues input typed while a command runs', async () => {
    const h = harness();
    h.editor.feed('echo one\recho two\r');
    expect(h.executed).toEqual(['echo one']);
    await h.finish();
    expect(h.executed).toEqual(['echo one', 'echo two']);
  });

  it('walks history with the arrow keys and edits in the middle of a line', async () => {
    const h = harness(['kubectl get ns', 'kubectl get pods']);
    h.editor.feed('\x1b[A\x1b[A');
    expect(h.editor.line).toBe('kubectl get ns');
    h.editor.feed('\x1b[B');
    expect(h.editor.line).toBe('kubectl get pods');
    h.editor.feed('\x1b[B');
    expect(h.editor.line).toBe('');
    h.editor.feed('echo ac\x1b[Db');
    expect(h.editor.line).toBe('echo abc');
    h.editor.feed('\x01\x1b[3~\x05\x7f');
    expect(h.editor.line).toBe('cho ab');
  });

  it('Ctrl+C drops the line and any pending here-document', () => {
    const h = harness();
    h.editor.feed('cat <<EOF\rhalf\x03');
    expect(h.editor.line).toBe('');
    h.editor.feed('echo ok\r');
    expect(h.executed).toEqual(['echo ok']);
  });

  it('Tab completes a unique candidate and lists several', () => {
    const h = harness();
    h.editor.feed('kubectl get deploy -n bookinfo productp\t');
    expect(h.editor.line).toBe('kubectl get deploy -n bookinfo productpage-v1 ');
    h.editor.feed('\x15istioctl waypoint \t');
    expect(h.screen()).toContain('apply  delete  generate  list  status');
  });

  it('moves the cursor across wrapped rows of a long line', () => {
    const h = harness([], 10);
    h.editor.feed('abcdefghijklmn'); // "$ " + 14 characters = 16 cells: two rows of 10
    const before = h.screen().length;
    h.editor.feed('\x01'); // Home: up one row, to column 3 (after the prompt)
    const moved = h.screen().slice(before);
    expect(moved).toContain('\x1b[1A\x1b[3G');
    h.editor.feed('X');
    expect(h.editor.line).toBe('Xabcdefghijklmn');
    // Redraw starts from the prompt row: the cursor was on row 0, so no upward move before clearing.
    const redraw = h.screen().slice(before + moved.length);
    expect(redraw.startsWith('\r\x1b[J$ Xabcdefghijklmn')).toBe(true);
  });
});
