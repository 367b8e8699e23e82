// Aliases in documents read with `yaml`: its own caps, counted without its whole-document search per alias.
import { isAlias, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Alias, Document, Node } from 'yaml';
import { LIMITS } from '../limits.ts';

/**
 * Each alias's node: the last node before it (in document order) with its anchor, as `Alias.resolve` finds it.
 * One walk for all aliases; `Alias.resolve(doc)` walks the whole document for each one.
 */
function aliasTargets(doc: Document.Parsed): Map<Alias, Node> | undefined {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets.size || hasAlias(doc) ? targets : undefined;
}

function hasAlias(doc: Document.Parsed): boolean {
  let found = false;
  visit(doc, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Why the document's aliases are refused, or undefined. First the billion-laughs guard (nodes after expansion),
 * then `yaml`'s own `maxAliasCount` rule replayed in `toJS` order with the targets resolved once, so the
 * document is accepted or refused with the same message as `toJS({ maxAliasCount })` would give.
 */
export function checkAliases(doc: Document.Parsed): string | undefined {
  if (!hasAlias(doc)) return undefined;
  const targets = aliasTargets(doc) ?? new Map<Alias, Node>();
  if (countExpansion(doc, targets) > LIMITS.maxExpandedNodes)
    return `Aliases expand this document to more than ${LIMITS.maxExpandedNodes} nodes (an alias bomb?). Not parsed.`;
  return replayAliasCount(doc, targets);
}

/** Nodes the document would have with every alias expanded, stopping once past the cap. */
function countExpansion(doc: Document.Parsed, targets: Map<Alias, Node>): number {
  const sizes = new Map<Node, number>();
  const size = (node: unknown, depth: number): number => {
    if (!node || typeof node !== 'object' || depth > LIMITS.maxDepth) return 1;
    const n = node as Node;
    const cached = sizes.get(n);
    if (cached !== undefined) return cached;
    let total = 1;
    if (isAlias(n)) {
      const target = targets.get(n);
      total = target && target !== n ? size(target, depth + 1) : 1;
    } else if (isMap(n) || isSeq(n)) {
      for (const item of n.items) {
        total += isPair(item) ? size(item.key, depth + 1) + size(item.value, depth + 1) : size(item, depth + 1);
        if (total > LIMITS.maxExpandedNodes) break;
      }
    }
    total = Math.min(total, LIMITS.maxExpandedNodes + 1);
    sizes.set(n, total);
    return total;
  };
  return size(doc.contents, 0);
}

/**
 * `toJS({ maxAliasCount })` of yaml 2 counts, per anchored node, its uses times the largest alias count found
 * inside it (`getAliasCount`), and throws once that passes the cap. The same walk and arithmetic, without
 * building values; the message for an alias without an anchor is `toJS`'s too.
 */
function replayAliasCount(doc: Document.Parsed, targets: Map<Alias, Node>): string | undefined {
  const data = new Map<Node, { count: number; aliasCount: number }>();
  const aliasCount = (node: unknown): number => {
    if (isAlias(node)) {
      const target = targets.get(node);
      const d = target && data.get(target);
      return d ? d.count * d.aliasCount : 0;
    }
    if (isMap(node) || isSeq(node)) {
      let count = 0;
      for (const item of node.items) count = Math.max(count, aliasCount(item));
      return count;
    }
    if (isPair(node)) return Math.max(aliasCount(node.key), aliasCount(node.value));
    return 1;
  };
  const walk = (node: unknown): string | undefined => {
    if (isAlias(node)) {
      const target = targets.get(node);
      if (!target) return `Unresolved alias (the anchor must be set before the alias): ${node.source}`;
      let d = data.get(target);
      if (!d) {
        const problem = walk(target);
        if (problem !== undefined) return problem;
        d = data.get(target)!;
      }
      d.count += 1;
      if (d.aliasCount === 0) d.aliasCount = aliasCount(target);
      if (d.count * d.aliasCount > LIMITS.maxAliasCount)
        return 'Excessive alias count indicates a resource exhaustion attack';
      return undefined;
    }
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor) data.set(node, { count: 1, aliasCount: 0 });
    if (isMap(node)) {
      for (const pair of node.items) {
        const problem = walk(pair.key) ?? walk(pair.value);
        if (problem !== undefined) return problem;
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        const problem = walk(item);
        if (problem !== undefined) return problem;
      }
    }
    return undefined;
  };
  return walk(doc.contents);
}
