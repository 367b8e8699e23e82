/**
 * Small, local text edits on YAML source: set a key in a mapping, append an item to a sequence. Each edit touches
 * only the characters it must, in the style already there (a flow `{…}`/`[…]` gets a flow entry, a block mapping
 * a new line at its keys' indentation), so a quick fix never reformats the user's document. New values are
 * written in flow style (`{a: b}`, `[x]`), which is valid YAML inside block and flow collections alike.
 */
import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode, YAMLMap, YAMLSeq } from 'yaml';
import type { ObjectPath, Resource } from '../../model/types.ts';

/** Replace `to - from` characters at `from` with `insert` (offsets into the source text, UTF-16 units). */
export interface TextEdit {
  readonly from: number;
  readonly to: number;
  readonly insert: string;
}

/** `spec.rules[0].from[0].source` → `['spec', 'rules', 0, 'from', 0, 'source']` (the inverse of formatPath). */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

const RESERVED = /^(?:true|false|yes|no|on|off|null|y|n|~|[-+]?(?:\.?\d.*|\.inf|\.nan))$/i;

/** A string as a YAML scalar: plain when that reads back as the same string, double-quoted otherwise. */
export function yamlString(s: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}

/** Applies edits (non-overlapping) to a text; used by tests and by callers without an editor. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.insert + out.slice(e.to);
  return out;
}

/** The source text parsed once into `yaml` documents with node ranges, to find where a resource's fields are. */
export class YamlSource {
  private docs: Document.Parsed[] | undefined;
  private lineStarts: number[] | undefined;

  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  private documents(): Document.Parsed[] {
    // Parsing is done only when a fix is applied, never per keystroke.
    return (this.docs ??= parseAllDocuments(this.text, { uniqueKeys: false }) as Document.Parsed[]);
  }

  /** 1-based line/column → offset. */
  offset(line: number, column: number): number {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
    const start = this.lineStarts[Math.min(Math.max(line, 1), this.lineStarts.length) - 1]!;
    return Math.min(start + Math.max(column, 1) - 1, this.text.length);
  }

  /** Column (0-based) of an offset: the indentation a line starting there would need. */
  column(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
  }

  /** The node at `path` inside `resource`, or undefined when the path does not exist in this text. */
  node(resource: Resource, path: ObjectPath): YamlNode | undefined {
    const r = resource.locate([]);
    const at = this.offset(r.line, r.column);
    const doc = this.documents().find((d) => d.range[0] <= at && at <= d.range[2]);
    let node: unknown = doc?.contents;
    for (const seg of [...resource.basePath, ...path]) {
      if (typeof seg === 'number') node = isSeq(node) ? node.items[seg] : undefined;
      else node = isMap(node) ? pairOf(node, seg)?.value : undefined;
      if (node === undefined || node === null) return undefined;
    }
    return node as YamlNode;
  }

  /** Set `key` in `map` to `value` (YAML text): replaces an existing value, or adds the key as the first entry. */
  setKey(map: YAMLMap, key: string, value: string): TextEdit | undefined {
    const pair = pairOf(map, key);
    if (pair) {
      const v = pair.value as YamlNode | null;
      if (v?.range) return { from: v.range[0], to: v.range[1], insert: value };
      // `key:` with nothing after it: write the value after the colon.
      const k = pair.key as YamlNode;
      const colon = this.text.indexOf(':', k.range![1]);
      return colon < 0 ? undefined : { from: colon + 1, to: colon + 1, insert: ` ${value}` };
    }
    const entry = `${yamlString(key)}: ${value}`;
    if (!map.range) return undefined;
    if (map.flow) {
      const brace = this.text.indexOf('{', map.range[0]);
      if (brace < 0) return undefined;
      return { from: brace + 1, to: brace + 1, insert: map.items.length ? `${entry}, ` : entry };
    }
    const first = map.items[0]?.key as YamlNode | undefined;
    if (!first?.range) return undefined;
    const at = first.range[0];
    return { from: at, to: at, insert: `${entry}\n${' '.repeat(this.column(at))}` };
  }

  /** Append one item (YAML text, a flow value) to `seq`. */
  appendItem(seq: YAMLSeq, item: string): TextEdit | undefined {
    if (!seq.range) return undefined;
    if (seq.flow) {
      const bracket = this.text.lastIndexOf(']', seq.range[1]);
      if (bracket < seq.range[0]) return undefined;
      return { from: bracket, to: bracket, insert: seq.items.length ? `, ${item}` : item };
    }
    const first = seq.items[0] as YamlNode | undefined;
    const last = seq.items[seq.items.length - 1] as YamlNode | undefined;
    if (!first?.range || !last?.range) return undefined;
    const dash = this.text.lastIndexOf('-', first.range[0]);
    if (dash < 0) return undefined;
    let end = last.range[1];
    while (end > last.range[0] && /\s/.test(this.text[end - 1]!)) end--;
    return { from: end, to: end, insert: `\n${' '.repeat(this.column(dash))}- ${item}` };
  }

  /** Replace a key and its value (`selector: {…}`) with other text (`targetRefs: […]`). */
  replacePair(map: YAMLMap, key: string, replacement: string): TextEdit | undefined {
    const pair = pairOf(map, key);
    const k = pair?.key as YamlNode | undefined;
    const v = pair?.value as YamlNode | null | undefined;
    if (!k?.range) return undefined;
    let end = v?.range ? v.range[1] : k.range[1] + 1;
    while (end > k.range[0] && /\s/.test(this.text[end - 1]!)) end--;
    return { from: k.range[0], to: end, insert: replacement };
  }
}

function pairOf(map: YAMLMap, key: string) {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
}

/** `{a: b, c: d}` for a record of strings. */
export function flowMap(entries: Readonly<Record<string, string>>): string {
  return `{${Object.entries(entries)
    .map(([k, v]) => `${yamlString(k)}: ${yamlString(v)}`)
    .join(', ')}}`;
}

export { isMap, isSeq, isScalar };
