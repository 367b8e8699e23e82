/**
 * YAML highlighting that costs one document per keystroke instead of the whole stream.
 *
 * Why: CodeMirror re-parses the syntax tree inside every keystroke's transaction, and @lezer/yaml's incremental
 * parse reuses none of the old tree for a multi-document stream (measured on the bench's 500-line document: a
 * one-character edit re-parses in ~3 ms in Node, the same as a full parse, and ~6 ms inside Chromium's keystroke
 * handling). A YAML stream's documents are parsed independently: a `---` line at column 0 always starts a new
 * document (the YAML 1.2 spec's "Document Markers": such a line is forbidden inside a document's content), so each document can be parsed on its own
 * and an unchanged document's tree kept, by its text, from the previous parse. Trees are position-relative, so
 * an unchanged document that moved only needs a new offset.
 */
import { Parser, Tree } from '@lezer/common';
import type { Input, PartialParse, TreeFragment } from '@lezer/common';
import { Language, LanguageSupport } from '@codemirror/language';
import { yamlLanguage } from '@codemirror/lang-yaml';

/** Start of every line that opens a document (`---` then a space, tab or end of line). */
const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;

/**
 * Above this much text to parse afresh in one go (a large paste), defer to @lezer/yaml's own resumable parse so
 * CodeMirror can still spread the work over several frames.
 */
const FRESH_LIMIT = 64 * 1024;

/**
 * Flow nesting (`[`, `{`) deeper than this is not highlighted at all. @lezer/yaml's tokenizer looks ahead across
 * every directly nested opening bracket (its implicit-key check bounds the look-ahead by 1024 characters only for
 * other characters), so a run of `[` costs time quadratic in its length: 1,000 take ~30 ms, 5,000 ~0.5 s, and a
 * hostile share link holds 200,000 or 2 million (issue #15), which blocked every keystroke for 0.4–0.7 s. No
 * Kubernetes manifest nests flow collections anywhere near this deep; the validator reports such text anyway.
 */
export const MAX_FLOW_DEPTH = 200;

/**
 * Whether `text` nests `[`/`{` deeper than MAX_FLOW_DEPTH. Quotes are not skipped (a quote inside a plain scalar
 * is no string, and a bracket inside a real string at worst costs that text its highlighting): one linear pass.
 */
export function tooDeepToHighlight(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++depth > MAX_FLOW_DEPTH) return true;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
    else if (c === 10 && depth > 0 && text.charCodeAt(i + 1) === 45 && text.startsWith('---', i + 1)) depth = 0;
  }
  return false;
}

/** Document start offsets: 0, then each `---` line not directly preceded by a `%` directive that belongs to it. */
export function documentStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(DOCUMENT_START)) {
    if (m.index === 0) continue;
    // `%YAML 1.2` / `%TAG` directives belong to the document after the `---`: keep them in one piece.
    const prevLineStart = text.lastIndexOf('\n', m.index - 2) + 1;
    if (text[prevLineStart] === '%') continue;
    starts.push(m.index);
  }
  return starts;
}

/** Per editor lineage: the document trees of the previous parse, by text. Found through the fragments' tree. */
const cacheOf = new WeakMap<Tree, Map<string, Tree>>();

class StreamParse implements PartialParse {
  parsedPos = 0;
  private inner: PartialParse | undefined;
  private readonly base: Parser;
  private readonly input: Input;
  private readonly fragments: readonly TreeFragment[];

  constructor(base: Parser, input: Input, fragments: readonly TreeFragment[]) {
    this.base = base;
    this.input = input;
    this.fragments = fragments;
  }

  advance(): Tree | null {
    if (this.inner) return this.step(this.inner);
    const text = this.input.read(0, this.input.length);
    if (tooDeepToHighlight(text)) {
      // An unhighlighted stream: a tree with no nodes but its top node, as long as the text.
      this.parsedPos = text.length;
      return new Tree(this.base.parse('').type, [], [], text.length);
    }
    let previous: Map<string, Tree> | undefined;
    for (const f of this.fragments) if ((previous = cacheOf.get(f.tree))) break;
    const starts = documentStarts(text);
    const pieces = starts.map((from, i) => text.slice(from, starts[i + 1] ?? text.length));
    let fresh = 0;
    for (const p of pieces) if (!previous?.has(p)) fresh += p.length;
    if (fresh > FRESH_LIMIT) {
      this.inner = this.base.startParse(this.input, this.fragments);
      return this.step(this.inner);
    }
    const cache = new Map<string, Tree>();
    const children: Tree[] = [];
    const positions: number[] = [];
    let top: Tree | undefined;
    pieces.forEach((piece, i) => {
      const tree = cache.get(piece) ?? previous?.get(piece) ?? this.base.parse(piece);
      cache.set(piece, tree);
      top ??= tree;
      tree.children.forEach((child, j) => {
        // Every child of a parsed stream is a Tree or a TreeBuffer; both sit in a Tree's children unchanged.
        children.push(child as Tree);
        positions.push(starts[i]! + tree.positions[j]!);
      });
    });
    const result = new Tree(top!.type, children, positions, text.length);
    cacheOf.set(result, cache);
    this.parsedPos = text.length;
    return result;
  }

  /** The per-document path always finishes in one step; only the resumable inner parse can stop early. */
  get stoppedAt(): number | null {
    return this.inner?.stoppedAt ?? null;
  }

  private step(inner: PartialParse): Tree | null {
    const done = inner.advance();
    this.parsedPos = inner.parsedPos;
    return done;
  }

  stopAt(pos: number): void {
    // Only the resumable inner parse can stop part-way; the per-document path is bounded by FRESH_LIMIT anyway.
    this.inner?.stopAt(pos);
  }
}

class YamlStreamParser extends Parser {
  private readonly base: Parser;

  constructor(base: Parser) {
    super();
    this.base = base;
  }

  createParse(
    input: Input,
    fragments: readonly TreeFragment[],
    ranges: readonly { from: number; to: number }[],
  ): PartialParse {
    // A partial range (a YAML region nested in another language) is not this editor's case: plain parse there.
    if (ranges.length !== 1 || ranges[0]!.from !== 0 || ranges[0]!.to !== input.length)
      return this.base.startParse(input, fragments, ranges);
    return new StreamParse(this.base, input, fragments);
  }
}

/** The YAML parser (@lezer/yaml with @codemirror/lang-yaml's props), parsing a stream one document at a time. */
export const yamlStreamParser: Parser = new YamlStreamParser(yamlLanguage.parser);

/** Drop-in for `yaml()` from @codemirror/lang-yaml: same language data, same highlighting, cheaper keystrokes. */
export function yamlStream(): LanguageSupport {
  return new LanguageSupport(new Language(yamlLanguage.data, yamlStreamParser, [], 'yaml'));
}
