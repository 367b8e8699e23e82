// Input of any size for the CLI (DESIGN §4.5b, issue #18): a file or stdin is read as a stream and split into YAML
// documents as the bytes arrive, each handed on (`SplitSink`) as soon as it is complete, so nothing ever holds the
// whole input as one buffer or one string, nor all its documents: the lint pipeline (lint-stream.ts) reads each
// one and keeps only what the cross-resource rules need. Every unit says which bytes of the input it came from
// (`Unit.source`), so its text can be read again when a finding needs a position.
//
// - A `---` line at column 0 ends a document (YAML 1.2 §9.1: a document marker at column 0 is never content, not
//   even inside a block scalar); a `...` line ends one too. Directives stay with the document they precede.
// - The usual shape of `kubectl get -A -o yaml` is ONE document: `apiVersion: v1`, `items:` holding every object,
//   then `kind: List` (kubectl sorts keys, so `kind` comes after the items). Its items are split out one by one:
//   each is passed on verbatim (same lines, same columns) under a two-line `kind: List` / `items:` header of its
//   own, which the model flattens exactly as it flattens the whole List. Whether the document was a List is known
//   only at its end, so the items are handed on as they come, tentatively (`SplitSink.tentative`), and settled at
//   the end: kept if it was a List; if it was not (a kind with a top-level `items:` sequence of its own), voided
//   and the document read whole, as the one document it was. Such a document is within the 8 MiB per-document
//   limit or it is an error anyway, so the items' text is kept only up to that limit: a 200 MB List costs the
//   memory of one item, not of the file.
// - A document (or one List item) over `maxDocument` bytes is skipped with one yaml-syntax error at its first line
//   and reading goes on; a file that is not UTF-8 or holds a NUL byte is refused whole, as the model refuses it.
//
// Without a sink the units are collected and returned by `end()`.
import { firstInvalidUtf8 } from '../lib/model/yaml/utf8.ts';
import type { ModelIssue, SourceRange } from '../lib/model/types.ts';
import {
  concat,
  countLines,
  DASH,
  DOT,
  indentOf,
  isBlankOrComment,
  isListKind,
  itemDash,
  markerAt,
  NL,
  PERCENT,
  plainKey,
  SPACE,
  startsWithMarker,
  TAB,
  withNewline,
} from './lines.ts';

/** The header that makes one List item a document of its own (a List with one item), and its line count. */
const ITEM_HEADER = '---\nkind: List\nitems:\n';
const ITEM_HEADER_LINES = 3;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/** Piece line → file line, for the lines from `pieceLine` on (until the next segment). */
export interface Segment {
  readonly pieceLine: number;
  readonly fileLine: number;
}

/** A document (or a List item with its header) ready for a piece; `segments` count from its own line 1. */
export interface Unit {
  readonly text: string;
  readonly lines: number;
  readonly segments: readonly Segment[];
  /**
   * Where the text came from: `text` is `prefix` + the input's bytes `start`..`end` (decoded, with a final line
   * break added when they lack one). Absent for a unit made of two byte ranges (a List's own keys), which never
   * holds an object.
   */
  readonly source?: UnitSource;
}

export interface UnitSource {
  readonly prefix: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Where the splitter's results go, as they are known. Items of a document that may be a List come between
 * `tentative()` and `settle()`: `settle(true)` keeps them, `settle(false)` voids them (what follows then is the
 * document read whole). `refuse` voids everything given for this input: it is not text.
 */
export interface SplitSink {
  unit(u: Unit): void;
  issue(i: ModelIssue): void;
  tentative(): void;
  settle(keep: boolean): void;
  refuse(i: ModelIssue): void;
}

/** The sink of a splitter without one: units and issues collected for `end()`, with the same outcome. */
class Collect implements SplitSink {
  units: Unit[] = [];
  issues: ModelIssue[] = [];
  #mark: { units: number; issues: number } | undefined;
  unit(u: Unit): void {
    this.units.push(u);
  }
  issue(i: ModelIssue): void {
    this.issues.push(i);
  }
  tentative(): void {
    this.#mark = { units: this.units.length, issues: this.issues.length };
  }
  settle(keep: boolean): void {
    if (!keep && this.#mark) {
      this.units.length = this.#mark.units;
      this.issues.length = this.#mark.issues;
    }
    this.#mark = undefined;
  }
  refuse(i: ModelIssue): void {
    this.units = [];
    this.issues = [i];
  }
}

/** Where a byte range came from: its first line and byte offset in the file. */
class Bucket {
  parts: Uint8Array[] = [];
  // Lines of one chunk that follow each other are one run, kept as numbers (a view per line cost 10 % of a read).
  #run: Uint8Array | undefined;
  #runStart = 0;
  #runEnd = 0;
  bytes = 0;
  lines = 0;
  over = false;
  readonly startLine: number;
  readonly startOffset: number;
  constructor(startLine: number, startOffset: number) {
    this.startLine = startLine;
    this.startOffset = startOffset;
  }

  add(buf: Uint8Array, start: number, end: number): void {
    if (this.#run === buf && this.#runEnd === start) {
      this.#runEnd = end;
      return;
    }
    if (this.#run) this.parts.push(this.#run.subarray(this.#runStart, this.#runEnd));
    this.#run = buf;
    this.#runStart = start;
    this.#runEnd = end;
  }

  /** The bytes kept so far, as views. */
  views(): Uint8Array[] {
    if (this.#run) {
      this.parts.push(this.#run.subarray(this.#runStart, this.#runEnd));
      this.#run = undefined;
    }
    return this.parts;
  }

  drop(): void {
    this.parts = [];
    this.#run = undefined;
  }
}

/** A List item that is complete, waiting for the end of its document (List or not). */
interface PendingItem {
  /** undefined: over the limit, or past what a document that is not a List may hold (then not needed) */
  readonly text: string | undefined;
  readonly bytes: number;
}

type Mode = 'head' | 'items' | 'tail';

/** Splits one input (file or stdin) into units, as its bytes arrive. */
export class DocumentSplitter {
  #line = 1; // file line of the next line to arrive
  #offset = 0; // file byte offset of the next line
  #carry: Uint8Array[] = [];
  #carryBytes = 0;
  #lineSize: number | undefined; // the real length of a line cut short by #hold
  #first = true;
  #failed = false;
  readonly #sink: SplitSink;
  readonly #collect: Collect | undefined;
  // The document being read.
  #head!: Bucket;
  #tail: Bucket | undefined;
  #item: Bucket | undefined;
  #items: PendingItem[] = [];
  #itemBytes = 0; // bytes of the items so far
  #mode: Mode = 'head';
  #indent = 0; // column of the items' `-`
  #simple = true; // every column-0 line so far is a plain `key:` line (or the opening `---`)
  #content = false; // a non-comment, non-directive line has been seen
  #directives = false;
  #itemsKey = false; // the last column-0 line was `items:` with nothing after it
  #kinds: string[] = [];
  #ended = false; // the document ended with `...`

  readonly file: string;
  readonly maxDocument: number;

  /** Without `sink`, `end()` returns every unit and issue of the input. */
  constructor(file: string, maxDocument: number, sink?: SplitSink) {
    this.file = file;
    this.maxDocument = maxDocument;
    this.#collect = sink ? undefined : new Collect();
    this.#sink = sink ?? this.#collect!;
    this.#startDocument();
  }

  /** False once the input is refused (not UTF-8, NUL): the caller stops reading it. */
  get wantsMore(): boolean {
    return !this.#failed;
  }

  /** Feed the next bytes. */
  push(chunk: Uint8Array): void {
    if (this.#failed || chunk.length === 0) return;
    let at = 0;
    if (this.#first) {
      this.#first = false;
      // A UTF-8 byte order mark is not part of the text (the model's decoder drops it the same way).
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        at = 3;
        this.#offset = 3;
        this.#head = new Bucket(1, 3);
      }
    }
    // A NUL byte refuses the whole input (the model refuses it too): no need to read on to the end of a 2 GB pipe
    // of zeros to say so.
    const nul = chunk.indexOf(0, at);
    if (nul >= 0) {
      this.#refuseNul(chunk, at, nul);
      return;
    }
    if (this.#carry.length) {
      const nl = chunk.indexOf(NL, at);
      if (nl < 0) {
        this.#hold(chunk.subarray(at));
        return;
      }
      this.#hold(chunk.subarray(at, nl + 1));
      this.#lineFromCarry();
      at = nl + 1;
    }
    while (at < chunk.length && !this.#failed) {
      const nl = chunk.indexOf(NL, at);
      if (nl < 0) {
        this.#hold(chunk.subarray(at));
        return;
      }
      this.#onLine(chunk, at, nl + 1);
      at = nl + 1;
    }
  }

  /**
   * Keep the start of a line that continues in the next chunk. A line longer than a document may be is not kept:
   * only its first bytes (enough to tell what the line is) and its length, so one endless line costs no memory.
   */
  #hold(part: Uint8Array): void {
    this.#carry.push(part);
    this.#carryBytes += part.length;
    if (this.#carryBytes > this.maxDocument && this.#carry.length > 1)
      this.#carry = [concat(this.#carry).slice(0, 256)];
  }

  #lineFromCarry(): void {
    const line = concat(this.#carry);
    if (this.#carryBytes > line.length) this.#lineSize = this.#carryBytes;
    this.#carry = [];
    this.#carryBytes = 0;
    this.#onLine(line, 0, line.length);
    this.#lineSize = undefined;
  }

  #refuseNul(chunk: Uint8Array, at: number, nul: number): void {
    let line = this.#line;
    let lineStart = at;
    for (let k = chunk.indexOf(NL, at); k >= 0 && k < nul; k = chunk.indexOf(NL, k + 1)) {
      line++;
      lineStart = k + 1;
    }
    // Columns count characters, as the model's do.
    const before = lineStart === at && this.#carry.length ? lenient.decode(concat(this.#carry)).length : 0;
    const column = before + lenient.decode(chunk.subarray(lineStart, nul)).length + 1;
    this.#refuse(
      { line, column, endLine: line, endColumn: column + 1 },
      'Input contains a NUL character; is this a binary file? Kubernetes manifests must be text.',
    );
  }

  /**
   * The input ended. Without a sink: the units and issues of this input, in order (none but the refusal if it was
   * refused); with one, everything has gone to it and both lists are empty.
   */
  end(): { units: Unit[]; issues: ModelIssue[] } {
    if (!this.#failed && this.#carry.length) this.#lineFromCarry();
    if (!this.#failed) this.#endDocument();
    return { units: this.#collect?.units ?? [], issues: this.#collect?.issues ?? [] };
  }

  #startDocument(): void {
    this.#head = new Bucket(this.#line, this.#offset);
    this.#tail = undefined;
    this.#item = undefined;
    this.#items = [];
    this.#itemBytes = 0;
    this.#mode = 'head';
    this.#simple = true;
    this.#content = false;
    this.#directives = false;
    this.#itemsKey = false;
    this.#kinds = [];
    this.#ended = false;
  }

  #onLine(buf: Uint8Array, start: number, end: number): void {
    const c0 = buf[start];
    const marker = c0 === DASH || c0 === DOT ? markerAt(buf, start, end) : undefined;
    if (marker === 'end') {
      this.#append(this.#currentDocBucket(), buf, start, end);
      this.#ended = true;
      return;
    }
    // After `...` the next line that is not blank or a comment (directive, `---` or bare content) starts a document.
    if (marker === 'start' || (this.#ended && !isBlankOrComment(buf, start, end))) {
      // `---` after only directives and comments opens the document they belong to; otherwise it starts one.
      const opensThis = marker === 'start' && this.#directives && !this.#content && !this.#ended;
      if (!opensThis && (this.#content || this.#ended || this.#head.bytes > 0 || this.#head.over)) {
        this.#endDocument();
        this.#startDocument();
      }
      if (marker === 'start') {
        // Content on the marker line (`--- !tag` / `--- {a: 1}`) is not the plain shape item splitting needs.
        if (!isBlankOrComment(buf, start + 3, end)) {
          this.#simple = false;
          this.#content = true;
        }
        this.#append(this.#head, buf, start, end);
        return;
      }
    }
    switch (this.#mode) {
      case 'head':
        this.#headLine(buf, start, end);
        return;
      case 'items':
        this.#itemLine(buf, start, end);
        return;
      case 'tail':
        this.#topLine(buf, start, end);
        this.#append(this.#tail!, buf, start, end);
        return;
    }
  }

  #currentDocBucket(): Bucket {
    if (this.#mode === 'tail') return this.#tail!;
    if (this.#mode === 'items') {
      this.#finishItem();
      this.#mode = 'tail';
      this.#tail = new Bucket(this.#line, this.#offset);
      return this.#tail;
    }
    return this.#head;
  }

  #headLine(buf: Uint8Array, start: number, end: number): void {
    if (this.#itemsKey && this.#simple && !isBlankOrComment(buf, start, end)) {
      const dash = itemDash(buf, start, end);
      this.#itemsKey = false;
      if (dash >= 0) {
        this.#mode = 'items';
        this.#indent = dash;
        this.#item = new Bucket(this.#line, this.#offset);
        this.#append(this.#item, buf, start, end);
        return;
      }
    }
    this.#topLine(buf, start, end);
    this.#append(this.#head, buf, start, end);
  }

  #itemLine(buf: Uint8Array, start: number, end: number): void {
    if (isBlankOrComment(buf, start, end)) {
      this.#append(this.#item!, buf, start, end);
      return;
    }
    const indent = indentOf(buf, start, end);
    if (indent > this.#indent) {
      this.#append(this.#item!, buf, start, end);
      return;
    }
    this.#finishItem();
    if (indent === this.#indent && itemDash(buf, start, end) === indent) {
      this.#item = new Bucket(this.#line, this.#offset);
      this.#append(this.#item, buf, start, end);
      return;
    }
    // Back at the List's own keys (`kind: List`, `metadata:`).
    this.#mode = 'tail';
    this.#tail = new Bucket(this.#line, this.#offset);
    this.#topLine(buf, start, end);
    this.#append(this.#tail, buf, start, end);
  }

  /** Column-0 lines of the List's own mapping: `kind:` values and `items:`, or a sign the shape is not plain. */
  #topLine(buf: Uint8Array, start: number, end: number): void {
    const c0 = buf[start];
    if (c0 === PERCENT && !this.#content) {
      this.#directives = true;
      this.#simple = false;
      return;
    }
    if (isBlankOrComment(buf, start, end)) return;
    this.#content = true;
    if (c0 === SPACE || c0 === TAB) return;
    this.#itemsKey = false;
    const key = plainKey(buf, start, end);
    if (key === undefined) {
      this.#simple = false;
      return;
    }
    if (key.name === 'items' && key.valueEmpty && this.#mode === 'head') this.#itemsKey = true;
    if (key.name === 'kind') this.#kinds.push(key.value);
  }

  #append(bucket: Bucket, buf: Uint8Array, start: number, end: number): void {
    const size = this.#lineSize ?? end - start;
    this.#line++;
    this.#offset += size;
    bucket.lines++;
    bucket.bytes += size;
    if (bucket.over) return;
    if (bucket.bytes > this.maxDocument) {
      // Over the limit: forget what was kept, count the rest.
      bucket.over = true;
      bucket.drop();
      return;
    }
    bucket.add(buf, start, end);
  }

  #finishItem(): void {
    const item = this.#item;
    if (!item) return;
    this.#item = undefined;
    const text = item.over ? undefined : this.#decode(item);
    if (this.#failed) return;
    if (!this.#items.length) this.#sink.tentative();
    // Handed on now as if the document were a List (what a dump is); settled at its end.
    if (text === undefined) this.#tooLarge(item.startLine, item.bytes, 'List item');
    else
      this.#unit(ITEM_HEADER + withNewline(text), [{ pieceLine: ITEM_HEADER_LINES + 1, fileLine: item.startLine }], {
        prefix: ITEM_HEADER,
        start: item.startOffset,
        end: item.startOffset + item.bytes,
      });
    this.#itemBytes += item.bytes;
    // Past the per-document limit the document can only be read as a List: its text is no longer needed.
    const keep = text !== undefined && this.#itemBytes <= this.maxDocument;
    this.#items.push({ text: keep ? text : undefined, bytes: item.bytes });
  }

  #endDocument(): void {
    if (this.#mode === 'items') this.#finishItem();
    if (this.#failed) return;
    const head = this.#head;
    const tail = this.#tail;
    if (!this.#items.length && !tail) {
      if (head.over) this.#tooLarge(head.startLine, head.bytes, 'document');
      else if (head.bytes)
        this.#unit(this.#decode(head), [{ pieceLine: 1, fileLine: head.startLine }], {
          prefix: '',
          start: head.startOffset,
          end: head.startOffset + head.bytes,
        });
      return;
    }
    const headText = head.over ? undefined : this.#decode(head);
    const tailText = tail && !tail.over ? this.#decode(tail) : '';
    if (this.#failed) return;
    const kinds = this.#kinds;
    const list = kinds.length === 1 && isListKind(kinds[0]!);
    if (this.#items.length) this.#sink.settle(list);
    if (list) {
      // The List's own keys, read for their syntax; with `items:` empty the model takes no object from them.
      if (headText === undefined || (tail && tail.over) || head.bytes + (tail?.bytes ?? 0) > this.maxDocument)
        this.#tooLarge(head.startLine, head.bytes + (tail?.bytes ?? 0), 'document');
      else {
        const prefix = startsWithMarker(headText) ? '' : '---\n';
        const p = prefix ? 1 : 0;
        const segments: Segment[] = [{ pieceLine: 1 + p, fileLine: head.startLine }];
        if (tail) segments.push({ pieceLine: 1 + p + head.lines, fileLine: tail.startLine });
        this.#unit(prefix + withNewline(headText) + tailText, segments, undefined);
      }
      return;
    }
    // Not a List: the document as it was, within the same limit.
    const total = head.bytes + (tail?.bytes ?? 0) + this.#itemBytes;
    if (
      total > this.maxDocument ||
      headText === undefined ||
      tail?.over ||
      this.#items.some((i) => i.text === undefined)
    ) {
      this.#tooLarge(head.startLine, total, 'document');
      return;
    }
    const text = headText + this.#items.map((i) => i.text!).join('') + tailText;
    this.#unit(text, [{ pieceLine: 1, fileLine: head.startLine }], {
      prefix: '',
      start: head.startOffset,
      end: head.startOffset + total,
    });
  }

  #unit(text: string | undefined, segments: Segment[], source: UnitSource | undefined): void {
    if (text === undefined || this.#failed) return;
    const t = withNewline(text);
    this.#sink.unit({ text: t, lines: countLines(t), segments, ...(source ? { source } : {}) });
  }

  #tooLarge(line: number, bytes: number, what: string): void {
    this.#sink.issue({
      rule: 'yaml-syntax',
      severity: 'error',
      file: this.file,
      range: { line, column: 1, endLine: line, endColumn: 2 },
      message:
        `This ${what} is ${bytes} bytes; the limit is ${this.maxDocument} bytes per document. It was not read ` +
        '(the rest of the input was); split it into smaller documents.',
    });
  }

  /** A bucket's text; a bucket that is not UTF-8 or holds NUL refuses the whole input, as the model would. */
  #decode(bucket: Bucket): string | undefined {
    const bytes = concat(bucket.views());
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      const bad = firstInvalidUtf8(bytes);
      const lineStart = bad === 0 ? 0 : bytes.lastIndexOf(NL, bad - 1) + 1;
      let line = bucket.startLine;
      for (let k = bytes.indexOf(NL); k >= 0 && k < bad; k = bytes.indexOf(NL, k + 1)) line++;
      this.#refuse(
        { line, column: bad - lineStart + 1, endLine: line, endColumn: bad - lineStart + 2 },
        `Input is not valid UTF-8 (byte ${bucket.startOffset + bad}); is this a binary file? Kubernetes manifests ` +
          'must be UTF-8 text.',
      );
      return undefined;
    }
    const nul = text.indexOf('\u0000');
    if (nul >= 0) {
      const before = text.slice(0, nul);
      const line = bucket.startLine + before.split('\n').length - 1;
      const column = nul - before.lastIndexOf('\n');
      this.#refuse(
        { line, column, endLine: line, endColumn: column + 1 },
        'Input contains a NUL character; is this a binary file? Kubernetes manifests must be text.',
      );
      return undefined;
    }
    return text;
  }

  #refuse(range: SourceRange, message: string): void {
    this.#failed = true;
    this.#sink.refuse({ rule: 'yaml-syntax', severity: 'error', file: this.file, range, message });
  }
}
