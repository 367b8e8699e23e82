// The model's inputs for one run of `lint`: the documents of every input (documents.ts) grouped into pieces of
// about PIECE_BYTES, each with a map from its lines to the file's, so findings name the real file and line.
import type { ModelIssue, SourceInput } from '../lib/model/types.ts';
import type { Finding } from '../lib/validator/finding.ts';
import type { Segment, Unit } from './documents.ts';

/** Target size of one model input: big enough that per-input costs vanish, small next to any memory figure. */
export const PIECE_BYTES = 1024 * 1024;

/** Where a piece's lines come from. */
export interface PieceMap {
  readonly file: string;
  readonly segments: readonly Segment[];
}

/**
 * The model's inputs for a whole run: pieces of about PIECE_BYTES made of whole units, each with its line map,
 * plus inputs passed through as they are (cluster objects). Labels of pieces are never file names (they hold a
 * NUL): `remap` knows them and leaves every other file as it is.
 */
export class PieceSet {
  readonly inputs: SourceInput[] = [];
  readonly issues: ModelIssue[] = [];
  readonly #maps = new Map<string, PieceMap>();
  #texts: string[] = [];
  #segments: Segment[] = [];
  #lines = 0;
  #bytes = 0;
  #file = '';

  /** The units of one input, in order. */
  add(file: string, split: { units: readonly Unit[]; issues: readonly ModelIssue[] }): void {
    if (file !== this.#file) this.#flush();
    this.#file = file;
    for (const u of split.units) {
      if (this.#bytes > 0 && this.#bytes + u.text.length > PIECE_BYTES) this.#flush();
      for (const s of u.segments) this.#segments.push({ pieceLine: this.#lines + s.pieceLine, fileLine: s.fileLine });
      this.#texts.push(u.text);
      this.#lines += u.lines;
      this.#bytes += u.text.length;
    }
    this.#flush();
    this.issues.push(...split.issues);
  }

  /** An input the model reads as it is (positions are its own). */
  addWhole(input: SourceInput): void {
    this.#flush();
    this.inputs.push(input);
  }

  #flush(): void {
    if (!this.#texts.length) return;
    const label = `\u0000${this.#maps.size}`;
    this.#maps.set(label, { file: this.#file, segments: this.#segments });
    this.inputs.push({ file: label, text: this.#texts.join('') });
    this.#texts = [];
    this.#segments = [];
    this.#lines = 0;
    this.#bytes = 0;
  }

  /** The real file and line of a piece's line (other files: as they are). */
  locate(file: string, line: number): { file: string; line: number } {
    const map = this.#maps.get(file);
    if (!map) return { file, line };
    const segs = map.segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.pieceLine <= line) lo = mid;
      else hi = mid - 1;
    }
    const s = segs[lo];
    return { file: map.file, line: s ? s.fileLine + Math.max(0, line - s.pieceLine) : line };
  }

  /** Findings (or suppressed findings) with the real file and lines, re-sorted by `compare`. */
  remap<T extends Finding>(findings: readonly T[], compare: (a: T, b: T) => number): T[] {
    const out = findings.map((f) => {
      if (!this.#maps.has(f.file)) return f;
      const start = this.locate(f.file, f.line);
      const end = this.locate(f.file, f.endLine);
      return { ...f, file: start.file, line: start.line, endLine: Math.max(end.line, start.line) };
    });
    return out.sort(compare);
  }

  /** A model issue with the real file and lines. */
  remapIssue(issue: ModelIssue): ModelIssue {
    if (!this.#maps.has(issue.file)) return issue;
    const start = this.locate(issue.file, issue.range.line);
    const end = this.locate(issue.file, issue.range.endLine);
    return {
      ...issue,
      file: start.file,
      range: { ...issue.range, line: start.line, endLine: Math.max(start.line, end.line) },
    };
  }
}
