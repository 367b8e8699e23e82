// The lab pages are generated from the lab definitions; a stale page fails here. Each page must also compile as
// MDX (with the compiler Astro's MDX integration uses) and keep Starlight's <Steps> a single ordered list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mdxToJs, mdxToMdast } from 'satteri';
import { describe, expect, it } from 'vitest';
import { generatedPages, PAGES_DIR } from '../../labs/site/gen-pages.ts';
import { mdxProse } from '../../labs/site/pages.ts';
import { loadLabs } from '../../labs/load.ts';

const pages = generatedPages();
const body = (text: string) => text.replace(/^---\n[\s\S]*?\n---\n/, '');

interface Node {
  type: string;
  name?: string | null;
  ordered?: boolean | null;
  children?: Node[];
  value?: string;
}

function find(node: Node, pred: (n: Node) => boolean, out: Node[] = []): Node[] {
  if (pred(node)) out.push(node);
  for (const c of node.children ?? []) find(c, pred, out);
  return out;
}

describe('lab pages', () => {
  it('one page per lab plus the index', () => {
    expect([...pages.keys()].sort()).toEqual(['index.mdx', ...loadLabs().map((l) => `${l.lab.id}.mdx`)].sort());
  });

  it.each([...pages.keys()])('%s is up to date (run `node labs/site/gen-pages.ts`)', (name) => {
    expect(readFileSync(join(PAGES_DIR, name), 'utf8')).toBe(pages.get(name));
  });

  it.each([...pages.keys()])('%s compiles as MDX', async (name) => {
    const r = await mdxToJs(body(pages.get(name)!));
    expect(r.code.length).toBeGreaterThan(0);
  });

  it.each(loadLabs().map((l) => [l.lab.id, l] as const))(
    '%s: <Steps> holds one ordered list with an item per step, each with a LabCheck',
    (id, l) => {
      const tree = mdxToMdast(body(pages.get(`${id}.mdx`)!)) as unknown as Node;
      const steps = find(tree, (n) => n.type === 'mdxJsxFlowElement' && n.name === 'Steps');
      expect(steps).toHaveLength(1);
      const lists = steps[0]!.children!;
      expect(lists.map((n) => [n.type, n.ordered])).toEqual([['list', true]]);
      expect(lists[0]!.children).toHaveLength(l.lab.steps.length);
      for (const item of lists[0]!.children!) {
        expect(find(item, (n) => n.type === 'mdxJsxFlowElement' && n.name === 'LabCheck')).toHaveLength(1);
      }
    },
  );

  it.each(loadLabs().map((l) => [l.lab.id] as const))('%s embeds the terminal for its own lab', (id) => {
    const tree = mdxToMdast(body(pages.get(`${id}.mdx`)!)) as unknown as Node & { children: Node[] };
    const terms = find(tree, (n) => n.type === 'mdxJsxFlowElement' && n.name === 'LabTerminal') as (Node & {
      attributes?: { name: string; value: unknown }[];
    })[];
    expect(terms).toHaveLength(1);
    expect(terms[0]!.attributes!.find((a) => a.name === 'lab')!.value).toBe(id);
  });

  it('escapes MDX specials outside inline code only', () => {
    expect(mdxProse('a {b} <c> `{d} <e>`')).toBe('a \\{b\\} \\<c\\> `{d} <e>`');
  });
});
