// `yaml`'s parse, bounded: nesting, errors outside documents and duplicate-key checks cost what the input's size does.
import { Composer, isMap, isPair, isScalar, isSeq, Lexer, Parser, YAMLParseError } from 'yaml';
import type { CST, Document, EmptyStream, Node, ParsedNode, YAMLError } from 'yaml';
import { LIMITS } from '../limits.ts';

export type ComposedStream = Document.Parsed[] | EmptyStream;

/**
 * `parseAllDocuments` with a guard the input cannot fool: the parser's own stack of open collections, checked
 * after every token, so nesting stops at the limit however it is written (flow brackets after a quote in a plain
 * scalar, lines holding only `-`), before the composer recurses into it or a million open brackets fill memory.
 * `tooDeep` is the offset where the limit was passed; `stoppedAt`, where reading stopped after too many errors
 * outside any document.
 */
export function composeBounded(
  text: string,
  uniqueKeys: boolean,
): { docs: ComposedStream; stoppedAt?: number } | { tooDeep: number } {
  const lexer = new Lexer();
  const parser = new Parser();
  let tooDeep = -1;
  let stoppedAt: number | undefined;
  let strayErrors = 0;
  // The stack holds the document and, at times, a scalar being read besides the open collections.
  const maxStack = LIMITS.maxDepth + 3;
  function* tokens(): Generator<CST.Token, void> {
    for (const lexeme of lexer.lex(text)) {
      const at = parser.offset;
      for (const token of parser.next(lexeme)) {
        if (token.type === 'error' && ++strayErrors > LIMITS.maxSyntaxErrors) {
          stoppedAt = at;
          return;
        }
        yield token;
      }
      if (parser.stack.length > maxStack) {
        tooDeep = at;
        return;
      }
    }
    yield* parser.end();
  }
  const composer = new Composer({ uniqueKeys, prettyErrors: false, keepSourceTokens: false });
  // `yaml` makes an Error per problem, and capturing its stack trace was most of the cost of input that is one
  // problem per character (a million `]`: 20 s). We never show those traces. V8 reads this per construction.
  const traces = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let docs: Document.Parsed[];
  try {
    docs = Array.from(composer.compose(tokens()));
  } finally {
    Error.stackTraceLimit = traces;
  }
  if (tooDeep >= 0) return { tooDeep };
  if (docs.length > 0) return { docs, stoppedAt };
  return { docs: Object.assign([], { empty: true as const }, composer.streamInfo()), stoppedAt };
}

/** `yaml`'s message for a repeated key (compose/resolve-block-map.js), as our own checks report it too. */
export const DUPLICATE_KEY = 'Map keys must be unique';

/** Key comparisons `yaml`'s own duplicate check may spend (a 1,000-key map costs 500,000). */
export const DUPLICATE_CHECK_BUDGET = 2_000_000;

/**
 * Keys that repeat in a map, by `yaml`'s rule for `uniqueKeys: true` (scalars with the same value, or the same
 * node), found with one set per map instead of `yaml`'s comparison of every key with every earlier one, which
 * took 27 s for a map of 50,000 keys. `cost` is what `yaml`'s check would spend.
 */
export function duplicateKeys(docs: readonly Document.Parsed[]): {
  found: Map<Document.Parsed, YAMLParseError[]>;
  cost: number;
} {
  const found = new Map<Document.Parsed, YAMLParseError[]>();
  let cost = 0;
  for (const doc of docs) {
    if (!doc.contents) continue;
    const errors: YAMLParseError[] = [];
    const stack: unknown[] = [doc.contents];
    while (stack.length) {
      const node = stack.pop();
      if (isMap(node)) {
        const n = node.items.length;
        cost += (n * (n - 1)) / 2;
        const seen = new Set<unknown>();
        for (const pair of node.items) {
          const key = pair.key as unknown;
          // `===` on scalar values, as `yaml` compares them: NaN never equals itself.
          const id = isScalar(key) ? key.value : key;
          if (typeof id === 'number' && Number.isNaN(id)) continue;
          if (seen.has(id)) {
            const at = isScalar(key) ? (key.range?.[0] ?? 0) : 0;
            errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', DUPLICATE_KEY));
          } else seen.add(id);
          stack.push(pair.value, key);
        }
      } else if (isSeq(node)) {
        for (const item of node.items) stack.push(item);
      }
    }
    if (errors.length) found.set(doc, errors);
  }
  return { found, cost };
}

/** Both lists in offset order; `errors` keeps its own order where offsets tie or it is not sorted itself. */
export function mergeByPosition(errors: YAMLError[], added: YAMLError[]): YAMLError[] {
  added.sort((a, b) => a.pos[0] - b.pos[0]);
  const out: YAMLError[] = [];
  let j = 0;
  for (const e of errors) {
    while (j < added.length && added[j]!.pos[0] < e.pos[0]) out.push(added[j++]!);
    out.push(e);
  }
  while (j < added.length) out.push(added[j++]!);
  return out;
}

export function deepestNode(root: ParsedNode): Node | undefined {
  // Iterative walk: recursion is exactly what a deep document would break.
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > LIMITS.maxDepth) return node;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) {
          if (item.value && typeof item.value === 'object') stack.push([item.value as Node, depth + 1]);
        } else if (item && typeof item === 'object') stack.push([item as Node, depth + 1]);
      }
    }
  }
  return undefined;
}
