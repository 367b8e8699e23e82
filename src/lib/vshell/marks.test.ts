// Enforcement-point marks in the shell's hints (issue #19): where they land, that they survive escaping and
// truncation in step with the text, that data and pipes never carry them, and that painting uses the token set's
// ANSI colour for the point while the label text stays.
import { describe, expect, it } from 'vitest';
import { ansiColor, ENFORCEMENT_TOKENS } from '../catalog/enforcement-tokens.ts';
import { initialState, paintMarks, run } from './index.ts';
import type { RunResult, ShellState } from './index.ts';
import { ep, escapeMarked, joinMarked, marked } from './marks.ts';
import { labContext } from '../../../tests/unit/vshell-context.ts';

const ctx = labContext('l4-authorization');
const ESC = String.fromCharCode(27);

async function session(lines: readonly string[]): Promise<RunResult[]> {
  let state: ShellState = initialState(ctx);
  const out: RunResult[] = [];
  for (const l of lines) {
    const r = await run(ctx, state, l);
    state = r.state;
    out.push(r);
  }
  return out;
}

/** Each mark as `point:text`, in order. */
function marksOf(r: RunResult): string[] {
  return (r.marks ?? []).map((m) => `${m.at}:${r.output.slice(m.start, m.end)}`);
}

/** Every mark covers a word that starts with its point's label (case aside): the colour never stands alone. */
function expectLabelled(r: RunResult): void {
  for (const m of r.marks ?? [])
    expect(r.output.slice(m.start, m.end).toLowerCase().startsWith(ENFORCEMENT_TOKENS[m.at].label)).toBe(true);
}

describe('marks', () => {
  it('record where each marked word lands, across parts and joined lines', () => {
    const a = marked('Enforced by the destination ', ep('ztunnel'), ' (L4):');
    const j = joinMarked(['Pod: x', a, marked('   ', ep('ingress', 'Ingress gateway'), ' y')]);
    expect(j.marks.map((m) => `${m.at}:${j.text.slice(m.start, m.end)}`)).toEqual([
      'ztunnel:ztunnel',
      'ingress:Ingress gateway',
    ]);
  });

  it('move with the text when control characters before them are escaped', () => {
    const t = `a${ESC}[2Jb waypoint c${ESC}`;
    const start = t.indexOf('waypoint');
    const e = escapeMarked(t, [{ start, end: start + 8, at: 'waypoint' }]);
    expect(e.text).toBe('a\\x1b[2Jb waypoint c\\x1b');
    expect(e.text.slice(e.marks[0]!.start, e.marks[0]!.end)).toBe('waypoint');
    // A range outside the text is dropped, not trusted.
    expect(escapeMarked('ab', [{ start: 1, end: 9, at: 'ztunnel' }]).marks).toEqual([]);
  });

  it('paint each mark in its point’s ANSI colour from the token set and keep every character', () => {
    const { text, marks } = marked('1. ', ep('ztunnel'), ' then ', ep('waypoint'), ' then ', ep('istio-cni'));
    const painted = paintMarks(text, marks);
    expect(painted).toBe(
      `1. ${ansiColor('ztunnel', 'ztunnel')} then ${ansiColor('waypoint', 'waypoint')} then ${ansiColor('istio-cni', 'istio-cni')}`,
    );
    // Stripped of its colours, the painted text is the text.
    expect(painted.replace(new RegExp(`${ESC}\\[\\d+m`, 'g'), '')).toBe(text);
    // Overlapping or out-of-range marks are skipped, never used to cut the text.
    expect(
      paintMarks('abc', [
        { start: 0, end: 2, at: 'ztunnel' },
        { start: 1, end: 3, at: 'waypoint' },
        { start: 2, end: 9, at: 'istiod' },
      ]),
    ).toBe(`${ansiColor('ztunnel', 'ab')}c`);
  });
});

describe('hints that name an enforcement point', () => {
  it('istioctl x describe marks the points that enforce each policy', async () => {
    const [, , pod, svc] = await session([
      'kubectl apply -f labs/l4-authorization/manifests/allow-curl-to-productpage.yaml',
      'istioctl waypoint apply -n bookinfo --enroll-namespace --wait',
      'istioctl x describe pod productpage-v1 -n bookinfo',
      'istioctl x describe svc reviews -n bookinfo',
    ]);
    expect(marksOf(pod!)).toContain('ztunnel:ztunnel');
    expect(pod!.output).toContain('Enforced by the destination ztunnel (L4):');
    expect(marksOf(svc!)).toEqual(['waypoint:waypoint', 'ztunnel:ztunnel']);
    expectLabelled(pod!);
    expectLabelled(svc!);
    // The policy's own name is data: never marked, even where it spells a point.
    expect(marksOf(pod!).every((m) => !m.includes('productpage'))).toBe(true);
  });

  it('curl -v marks each hop’s enforcement point and where a denial happened', async () => {
    const results = await session([
      'kubectl apply -f labs/l4-authorization/manifests/allow-curl-to-productpage.yaml',
      'kubectl exec -n bookinfo deploy/guest -- curl -sv http://productpage:9080/productpage',
      'istioctl waypoint apply -n bookinfo --enroll-namespace --wait',
      'kubectl exec -n bookinfo deploy/curl -- curl -sv http://reviews:9080/reviews/0',
    ]);
    const denied = results[1]!;
    expect(marksOf(denied)).toEqual(['ztunnel:ztunnel', 'ztunnel:ztunnel', 'ztunnel:ztunnel']);
    expect(denied.output).toMatch(/^\* DENIED at ztunnel /m);
    const viaWaypoint = results[3]!;
    expect(marksOf(viaWaypoint)).toEqual(['ztunnel:ztunnel', 'waypoint:waypoint', 'ztunnel:ztunnel']);
    expectLabelled(denied);
    expectLabelled(viaWaypoint);
  });

  it('what goes into a pipe, a substitution or a file is data: no marks, and the text is unchanged', async () => {
    const [direct, piped, echoed] = await session([
      'istioctl x describe pod productpage-v1 -n bookinfo',
      'istioctl x describe pod productpage-v1 -n bookinfo | cat',
      'echo "Enforced by the destination ztunnel (L4):"',
    ]);
    expect(direct!.marks?.length).toBeGreaterThan(0);
    expect(piped!.marks).toBeUndefined();
    expect(piped!.output).toBe(direct!.output);
    expect(echoed!.marks).toBeUndefined();
  });

  it('control characters in data are still escaped, and the marks still cover their words', async () => {
    // The escaped OSC before the hint makes the text longer than what was written: the marks must move with it.
    const [r] = await session([
      `echo "${ESC}]0;title${String.fromCharCode(7)}" ; istioctl x describe pod productpage-v1 -n bookinfo`,
    ]);
    expect(r!.output).not.toContain(ESC);
    expect(r!.output).toContain('\\x1b]0;title\\x07');
    expect(marksOf(r!)).toContain('ztunnel:ztunnel');
    expectLabelled(r!);
  });
});
