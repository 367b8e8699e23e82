// The lint pipeline of the CLI for input of any size (DESIGN §4.5b, issue #18): each document is read by the model
// as soon as the splitter (documents.ts) hands it on, the per-document rules (validator/lint.ts DOCUMENT_RULES:
// YAML syntax, schema) run on it while its text is at hand, and what is kept of it is what the rules over the
// whole mesh read: the object without the bulk the API server adds and no rule reads (managedFields, the
// last-applied-configuration annotation), with fresh strings (a substring would keep the document's whole text
// alive), and where its document lies in the input (a byte range). A finding of those rules that needs a
// position reads that document again (byte-source.ts: the file itself, or a spool of stdin), so memory is bounded
// by the largest document plus the kept objects, not by the input.
import { stringRecord } from '../lib/model/access.ts';
import { parseManifests } from '../lib/model/parse.ts';
import type {
  JsonObject,
  JsonValue,
  ModelIssue,
  ObjectPath,
  ParseResult,
  Resource,
  SourceInput,
  SourceRange,
} from '../lib/model/types.ts';
import type { Finding } from '../lib/validator/finding.ts';
import { finishLint, lintDocuments } from '../lib/validator/lint.ts';
import type { LintOptions } from '../lib/validator/lint.ts';
import type { LintResult } from '../lib/validator/suppress.ts';
import { ByteSource } from './byte-source.ts';
import type { Segment, SplitSink, Unit, UnitSource } from './documents.ts';
import { withNewline } from './lines.ts';

/** The model's name for a document read again: never a file name (it holds a NUL), as those of a batch. */
const LABEL = '\u0000document';
/**
 * Documents are read by the model in batches of about this many characters, each document an input of its own
 * (so its objects are told apart), sharing the model's per-call costs. Small on purpose: a batch's model lives
 * until the batch is done, and with 256 KiB batches it outlived enough young-generation collections for V8 to
 * allocate the model's objects in the old generation from then on (allocation-site pretenuring), so the
 * throw-away models of the documents read again for positions piled up there: +900 MB of peak RSS on a 200 MB
 * dump.
 */
export const BATCH_CHARS = 32 * 1024;
/** Metadata the API server writes that no rule reads, often most of an object in a `kubectl get -o yaml` dump. */
const MANAGED_FIELDS = 'managedFields';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The file line of a line of a unit (a document as the model read it), by the unit's segments. */
function fileLine(segments: readonly Segment[], line: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segments[mid]!.pieceLine <= line) lo = mid;
    else hi = mid - 1;
  }
  const s = segments[lo];
  return s ? s.fileLine + Math.max(0, line - s.pieceLine) : line;
}

function fileRange(segments: readonly Segment[], r: SourceRange): SourceRange {
  const line = fileLine(segments, r.line);
  return { ...r, line, endLine: Math.max(line, fileLine(segments, r.endLine)) };
}

/** Where a kept object's positions come from: `index` is its place among its document's objects. */
interface Origin {
  locate(index: number, path: ObjectPath, part: 'key' | 'value'): SourceRange;
}

/** A document whose model stays in memory (a cluster object's, or a unit that is not one byte range). */
class KeptOrigin implements Origin {
  readonly #resources: readonly Resource[];
  readonly #segments: readonly Segment[] | undefined;
  constructor(resources: readonly Resource[], segments: readonly Segment[] | undefined) {
    this.#resources = resources;
    this.#segments = segments;
  }
  locate(index: number, path: ObjectPath, part: 'key' | 'value'): SourceRange {
    const r = this.#resources[index]!.locate(path, part);
    return this.#segments ? fileRange(this.#segments, r) : r;
  }
}

/** A document of an input, read again from its bytes when a position is asked for. */
class RereadOrigin implements Origin {
  readonly reread: Reread;
  readonly bytes: ByteSource;
  readonly unit: UnitSource;
  /** The length of the text the model read, to notice a file that changed since. */
  readonly chars: number;
  readonly segments: readonly Segment[];
  constructor(reread: Reread, bytes: ByteSource, unit: UnitSource, chars: number, segments: readonly Segment[]) {
    this.reread = reread;
    this.bytes = bytes;
    this.unit = unit;
    this.chars = chars;
    this.segments = segments;
  }
  locate(index: number, path: ObjectPath, part: 'key' | 'value'): SourceRange {
    const r = this.reread.resources(this)?.[index];
    // The input changed under us (reported when the run ends): the document's first line is all that is known.
    if (!r) {
      const line = fileLine(this.segments, this.unit.prefix.split('\n').length);
      return { line, column: 1, endLine: line, endColumn: 2 };
    }
    return fileRange(this.segments, r.locate(path, part));
  }
}

/**
 * The document read again last, with its objects: findings are placed in input order (validator/lint.ts
 * Collected), so all of a document's findings come together. Keeping more (even a few) made the garbage collector
 * promote each document's model to the old generation, and memory grew by hundreds of MB before it was collected.
 */
class Reread {
  #last: RereadOrigin | undefined;
  #resources: readonly Resource[] | undefined;
  #open: ByteSource | undefined;

  resources(o: RereadOrigin): readonly Resource[] | undefined {
    if (this.#last === o) return this.#resources;
    this.#last = undefined;
    this.#resources = undefined;
    if (this.#open !== o.bytes) {
      this.#open?.release();
      this.#open = o.bytes;
    }
    let text: string | undefined;
    try {
      text = o.unit.prefix + withNewline(utf8.decode(o.bytes.read(o.unit.start, o.unit.end)));
    } catch {
      text = undefined;
    }
    if (text?.length !== o.chars) {
      o.bytes.changed = true;
      text = undefined;
    }
    this.#last = o;
    this.#resources = text === undefined ? undefined : parseManifests({ file: LABEL, text }).resources;
    return this.#resources;
  }
}

/** An object as the rules over the mesh see it: lean, with its positions found again on demand. */
class RetainedResource implements Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly namespaceExplicit: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly obj: JsonObject;
  readonly file: string;
  readonly seq: number;
  readonly basePath: ObjectPath;
  readonly #origin: Origin;
  readonly #index: number;

  constructor(r: Resource, file: string, seq: number, origin: Origin, index: number) {
    this.obj = leanObject(r.obj);
    const meta = this.obj.metadata;
    const metadata = meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? meta : {};
    this.apiVersion = fresh(r.apiVersion);
    this.kind = fresh(r.kind);
    this.name = fresh(r.name);
    this.namespace = fresh(r.namespace);
    this.namespaceExplicit = r.namespaceExplicit;
    // What the model makes of the lean metadata: the same records, less the annotation no rule reads.
    this.labels = stringRecord(metadata.labels);
    this.annotations = stringRecord(metadata.annotations);
    this.file = file;
    this.seq = seq;
    this.basePath = r.basePath.map((s) => (typeof s === 'string' ? fresh(s) : s));
    this.#origin = origin;
    this.#index = index;
  }

  locate(path: ObjectPath, part: 'key' | 'value' = 'key'): SourceRange {
    return this.#origin.locate(this.#index, path, part);
  }
}

/**
 * A copy of a string that holds no reference to the text it was cut from: V8 keeps a substring of 13 or more
 * characters as a view of its parent (here: the whole document). JSON.parse makes a new flat string.
 */
function fresh(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** The object without managedFields and the last-applied annotation, every string fresh (see `fresh`). */
export function leanObject(obj: JsonObject): JsonObject {
  const copies = new Map<object, JsonValue>();
  const out = copy(obj, copies, true) as JsonObject;
  return out;
}

function copy(value: JsonValue, copies: Map<object, JsonValue>, top = false, metadata = false): JsonValue {
  if (typeof value === 'string') return fresh(value);
  if (value === null || typeof value !== 'object') return value;
  // Aliases can share a node between places, or make one contain itself: one copy per node keeps both.
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const arr: JsonValue[] = [];
    copies.set(value, arr);
    for (const v of value) arr.push(copy(v, copies));
    return arr;
  }
  const out: JsonObject = {};
  copies.set(value, out);
  for (const k of Object.keys(value)) {
    if (metadata && k === MANAGED_FIELDS) continue;
    let v = value[k]!;
    if (metadata && k === 'annotations' && v !== null && typeof v === 'object' && Object.hasOwn(v, LAST_APPLIED)) {
      const rest: JsonObject = {};
      for (const a of Object.keys(v)) if (a !== LAST_APPLIED) define(rest, a, (v as JsonObject)[a]!);
      v = rest;
    }
    define(out, k, copy(v, copies, false, top && k === 'metadata'));
  }
  return out;
}

/** `o[k] = v` for any key, `__proto__` included (an own property, as JSON and the model make it). */
function define(o: JsonObject, k: string, v: JsonValue): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** A finding of a document of a batch, with its input's name and lines. */
function relabel<T extends { readonly file: string; readonly line: number; readonly endLine: number }>(
  f: T,
  file: string,
  segments: readonly Segment[],
): T {
  const line = fileLine(segments, f.line);
  return { ...f, file, line, endLine: Math.max(line, fileLine(segments, f.endLine)) };
}

/**
 * One run of `lint`: inputs one after the other (`begin`, the splitter's events, `end`), then `finish`. An input's
 * events go to `sink`; everything an input gave is dropped again if it is refused, and a List's items if the
 * document turns out not to be a List (documents.ts SplitSink).
 */
export class LintStream implements SplitSink {
  readonly #options: LintOptions;
  #firstFile: string | undefined;
  readonly #findings: Finding[] = [];
  readonly #resources: Resource[] = [];
  readonly #issues: ModelIssue[] = [];
  readonly #sources: ByteSource[] = [];
  readonly #reread = new Reread();
  #source: ByteSource | undefined;
  #batch: Unit[] = [];
  #batchChars = 0;
  #inputMark = { findings: 0, resources: 0, issues: 0 };
  #tentativeMark = { findings: 0, resources: 0, issues: 0 };

  constructor(options: LintOptions) {
    this.#options = options;
  }

  /**
   * An input starts: a regular file (`path`, with what `stat` said before it was read) is read again where it is;
   * anything else is spooled, and the caller passes each of its chunks to `spool`.
   */
  begin(shown: string, file?: { path: string; size: number; mtimeMs: number }): { spool?: (c: Uint8Array) => void } {
    const source = file ? ByteSource.file(shown, file.path, file) : ByteSource.spool(shown);
    this.#sources.push(source);
    this.#source = source;
    this.#firstFile ??= shown;
    this.#inputMark = this.#mark();
    return file ? {} : { spool: (c) => source.append(c) };
  }

  /** The input ended. */
  end(): void {
    this.#flush();
    this.#source = undefined;
  }

  unit(u: Unit): void {
    this.#batch.push(u);
    this.#batchChars += u.text.length;
    if (this.#batchChars >= BATCH_CHARS) this.#flush();
  }

  issue(i: ModelIssue): void {
    this.#flush();
    this.#documentFindings({ resources: [], issues: [i] }, undefined);
  }

  tentative(): void {
    this.#flush();
    this.#tentativeMark = this.#mark();
  }

  settle(keep: boolean): void {
    this.#flush();
    if (!keep) this.#truncate(this.#tentativeMark);
  }

  refuse(i: ModelIssue): void {
    this.#batch = [];
    this.#batchChars = 0;
    this.#truncate(this.#inputMark);
    this.issue(i);
  }

  /** Inputs the model reads whole, as they are (cluster objects: their positions are their own). */
  whole(inputs: readonly SourceInput[]): void {
    for (const input of inputs) {
      this.#firstFile ??= input.file;
      const parsed = parseManifests(input);
      this.#documentFindings(parsed, undefined);
      const origin = new KeptOrigin(parsed.resources, undefined);
      parsed.resources.forEach((r, i) => this.#keep(r, r.file, origin, i));
    }
  }

  /** The rules over everything kept, with the per-document findings: the run's result. */
  finish(): LintResult {
    return finishLint(
      { resources: this.#resources, issues: this.#issues },
      this.#options,
      this.#firstFile ?? '-',
      this.#findings,
    );
  }

  /** Inputs whose bytes changed while the run read them (positions in them cannot be trusted). */
  changed(): string[] {
    return this.#sources.filter((s) => !s.unchanged()).map((s) => s.shown);
  }

  /** Descriptors closed and spools removed. */
  dispose(): void {
    for (const s of this.#sources) s.dispose();
  }

  #current(): ByteSource {
    if (!this.#source) throw new Error('a document outside any input');
    return this.#source;
  }

  /** The batch of documents read by the model, its per-document rules run, its objects kept. */
  #flush(): void {
    const batch = this.#batch;
    if (!batch.length) return;
    this.#batch = [];
    this.#batchChars = 0;
    const source = this.#current();
    const parsed = parseManifests(batch.map((u, k) => ({ file: `\u0000${k}`, text: u.text })));
    // Each document's own name and lines (its input's label is `\0` and its place in the batch).
    const where = (label: string) => {
      const u = label.charCodeAt(0) === 0 ? batch[Number(label.slice(1))] : undefined;
      return u ? { file: source.shown, segments: u.segments } : undefined;
    };
    this.#documentFindings(parsed, where);
    const origins = new Map<string, { origin: Origin; count: number }>();
    for (const r of parsed.resources) {
      let o = origins.get(r.file);
      if (!o) {
        const k = Number(r.file.slice(1));
        const u = batch[k]!;
        const origin = u.source
          ? new RereadOrigin(this.#reread, source, u.source, u.text.length, u.segments)
          : new KeptOrigin(
              parsed.resources.filter((x) => x.file === r.file),
              u.segments,
            );
        o = { origin, count: 0 };
        origins.set(r.file, o);
      }
      this.#keep(r, source.shown, o.origin, o.count++);
    }
  }

  /** Findings of the per-document rules, and the model's issues, with their input's name and lines. */
  #documentFindings(
    parsed: ParseResult,
    where: ((label: string) => { file: string; segments: readonly Segment[] } | undefined) | undefined,
  ): void {
    const first = this.#firstFile ?? '-';
    for (const f of lintDocuments(parsed, this.#options, first)) {
      const w = where?.(f.file);
      this.#findings.push(w ? relabel(f, w.file, w.segments) : f);
    }
    for (const issue of parsed.issues) {
      // Only the per-document rules read issues; kept without the object, whose text would stay with it.
      const { resource: _, ...rest } = issue;
      const w = where?.(issue.file);
      this.#issues.push(w ? { ...rest, file: w.file, range: fileRange(w.segments, issue.range) } : rest);
    }
  }

  #keep(r: Resource, file: string, origin: Origin, index: number): void {
    this.#resources.push(new RetainedResource(r, file, this.#resources.length, origin, index));
  }

  #mark(): { findings: number; resources: number; issues: number } {
    return { findings: this.#findings.length, resources: this.#resources.length, issues: this.#issues.length };
  }

  #truncate(m: { findings: number; resources: number; issues: number }): void {
    this.#findings.length = m.findings;
    this.#resources.length = m.resources;
    this.#issues.length = m.issues;
  }
}
