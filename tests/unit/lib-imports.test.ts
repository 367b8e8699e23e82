// The import rule of src/lib/README.md, inside-a-module part: a non-test source file never imports the index.ts of
// its own folder or of a folder above it in its module (that index re-exports it, so the import is a cycle whose
// order of evaluation decides what is undefined at load time). A sibling folder's index (validator/lint.ts →
// rules/index.ts) is that folder's public API and fine. The one reviewed exception is listed with its reason.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const lib = join(root, 'src/lib');

/** file → why its own-index import is safe. */
const ALLOWED = new Map([
  ['src/lib/validator/rules/ignore-annotation-invalid.ts', 'reads the rule registry only inside check()'],
]);

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) yield p;
  }
}

/** The top-level module folder of a file under src/lib (`validator`, `model`…), or '' for src/lib itself. */
const moduleOf = (file: string) => relative(lib, file).split('/').slice(0, -1)[0] ?? '';

describe('src/lib import rule', () => {
  it('no source file imports an index.ts of its own module', () => {
    const offenders: string[] = [];
    for (const file of sources(lib)) {
      const rel = relative(root, file);
      const mod = moduleOf(file);
      if (!mod || ALLOWED.has(rel)) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(
        /^(?:import|export)[^'"]*from '(\.[^']*\/index\.ts|\.\/index\.ts)'/gm,
      )) {
        const target = resolve(dirname(file), m[1]!);
        // The index of the importer's own folder or of a folder above it (within the module) re-exports the importer.
        const indexDir = dirname(target);
        const above = dirname(file) === indexDir || dirname(file).startsWith(`${indexDir}/`);
        if (moduleOf(target) === mod && target !== file && above) offenders.push(`${rel} → ${relative(root, target)}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the allowed exception still exists and still needs its note', () => {
    for (const [file] of ALLOWED) expect(readFileSync(join(root, file), 'utf8')).toMatch(/cycle/i);
  });
});
