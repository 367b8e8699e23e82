// Hostile text in the playground editor's highlighter (issue #15): flow nesting deeper than MAX_FLOW_DEPTH is not
// handed to @lezer/yaml (whose look-ahead over a run of `[` is quadratic), and no real manifest is that deep.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tooDeepToHighlight, yamlStreamParser } from '../../src/components/playground/yaml-stream.ts';
import { quoteInContinuation, quoteThenBrackets } from '../hostile/parse-inputs.ts';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? yamlFiles(join(dir, e.name))
      : /\.ya?ml$/.test(e.name)
        ? [readFileSync(join(dir, e.name), 'utf8')]
        : [],
  );
}

describe('highlighting depth guard', () => {
  it('highlights every example and lab manifest (none is too deep)', () => {
    const files = [...yamlFiles('src/content/examples'), ...yamlFiles('labs')];
    expect(files.length).toBeGreaterThan(10);
    for (const text of files) expect(tooDeepToHighlight(text)).toBe(false);
    expect(tooDeepToHighlight(`a: ${'['.repeat(200)}${']'.repeat(200)}\n`)).toBe(false);
    // Unclosed brackets in one document do not add up across documents.
    expect(tooDeepToHighlight(`a: ${'['.repeat(150)}\n---\nb: ${'['.repeat(150)}\n`)).toBe(false);
  });

  it(
    'leaves hostile bracket runs unhighlighted, in one quick pass (hang guard, not a timing)',
    { timeout: 20_000 },
    () => {
      for (const text of [quoteThenBrackets(1_900_000), quoteInContinuation(200_000), `a: ${'{'.repeat(201)}\n`]) {
        expect(tooDeepToHighlight(text)).toBe(true);
        const tree = yamlStreamParser.parse(text);
        expect([tree.type.name, tree.length, tree.children.length]).toEqual(['Stream', text.length, 0]);
      }
    },
  );
});
