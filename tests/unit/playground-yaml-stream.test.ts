import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlLanguage } from '@codemirror/lang-yaml';
import { TreeFragment } from '@lezer/common';
import type { Tree } from '@lezer/common';
import { describe, expect, it } from 'vitest';
import { documentStarts, yamlStreamParser } from '../../src/components/playground/yaml-stream.ts';
import { document500 } from '../../bench/keystroke.bench.ts';

/** The tokens highlighting sees: every leaf node with its range. */
function leaves(tree: Tree): string[] {
  const out: string[] = [];
  tree.iterate({
    enter: (n) => {
      if (!n.node.firstChild && n.name !== 'Stream') out.push(`${n.name}@${n.from}-${n.to}`);
    },
  });
  return out;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? yamlFiles(join(dir, e.name))
      : /\.ya?ml$/.test(e.name)
        ? [readFileSync(join(dir, e.name), 'utf8')]
        : [],
  );
}

const EDGE_CASES = [
  '',
  '---\n',
  'a: 1\n---\nb: 2\n',
  '%YAML 1.2\n---\na: 1\n---\nb: 2\n',
  'a: |\n  text\n  ---\n  more\n---\nb: 2\n',
  'a: 1\n----\nb: 2\n--- # the next one\nc: [1,\n  2]\n...\n---\n',
  '--- !tag\nx\n---\t\n- 1\n- 2',
];

describe('yamlStreamParser', () => {
  it('yields the tokens @lezer/yaml yields for the whole stream', () => {
    const texts = [document500(), ...yamlFiles('labs/base'), ...yamlFiles('src/content/examples'), ...EDGE_CASES];
    expect(texts.length).toBeGreaterThan(20);
    for (const text of texts)
      expect(leaves(yamlStreamParser.parse(text))).toEqual(leaves(yamlLanguage.parser.parse(text)));
  });

  it('re-parses only the edited document and keeps the others', () => {
    let doc = document500();
    const before = yamlStreamParser.parse(doc);
    const starts = documentStarts(doc);
    const at = doc.indexOf('\n', starts[10]!); // end of the first line of document 10
    doc = doc.slice(0, at) + 'x' + doc.slice(at);
    const fragments = TreeFragment.applyChanges(TreeFragment.addTree(before), [
      { fromA: at, toA: at, fromB: at, toB: at + 1 },
    ]);
    const after = yamlStreamParser.startParse(doc, fragments).advance()!;
    expect(leaves(after)).toEqual(leaves(yamlLanguage.parser.parse(doc)));
    const kept = after.children.filter((c) => before.children.includes(c)).length;
    // Documents are kept as whole subtrees: everything but the edited one is the very same object.
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBe(after.children.length - 1);
  });

  it('starts documents at column-0 `---` markers only', () => {
    expect(documentStarts('a: 1\n---\nb: 2\n--- x\n')).toEqual([0, 5, 14]);
    expect(documentStarts('a: |\n  ---\n----\n')).toEqual([0]);
    expect(documentStarts('%YAML 1.2\n---\na: 1\n')).toEqual([0]);
  });
});
