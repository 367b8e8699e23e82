/**
 * Line diff for the before/after view (longest common subsequence). Pure and DOM-free so it is unit-tested;
 * inputs too large for the quadratic table come back as `undefined` and the page says so.
 */
export interface DiffLine {
  readonly op: ' ' | '+' | '-';
  readonly text: string;
}

export const MAX_DIFF_CELLS = 4_000_000;

export function lineDiff(before: string, after: string): DiffLine[] | undefined {
  const a = before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  // Common head and tail cost nothing; only the middle needs the table.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const n = am.length;
  const m = bm.length;
  if ((n + 1) * (m + 1) > MAX_DIFF_CELLS) return undefined;
  // lcs[i][j] = LCS length of am[i..] and bm[j..]
  const w = m + 1;
  const lcs = new Int32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        am[i] === bm[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ op: ' ', text }));
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (am[i] === bm[j]) {
      out.push({ op: ' ', text: am[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) out.push({ op: '-', text: am[i++]! });
    else out.push({ op: '+', text: bm[j++]! });
  }
  while (i < n) out.push({ op: '-', text: am[i++]! });
  while (j < m) out.push({ op: '+', text: bm[j++]! });
  for (const text of a.slice(a.length - tail)) out.push({ op: ' ', text });
  return out;
}
