// Issue #16's measure of readable code: no hand-written source file over 600 lines and no function over 150 lines
// in src/lib, src/cli and labs, measured with the TypeScript compiler (a function is any function-like node with
// a body: declarations, methods, arrows, accessors). Generated files (`*.gen.ts`) are exempt.
//
// KNOWN lists today's offenders with their measured size, so the suite stays green while they are split: an
// offender that is not listed fails, a listed one that grew fails, and one that shrank below the limit (or
// shrank at all) fails too until its entry is removed or lowered — the list can only get shorter.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MAX_FILE_LINES = 600;
const MAX_FUNCTION_LINES = 150;
const root = new URL('../../', import.meta.url).pathname;
const DIRS = ['src/lib', 'src/cli', 'labs'];

/**
 * `file` or `file#function` → measured lines. The issue #16 backlog (12 offenders on 2026-12-07) is cleared; the
 * map stays so a future exception has to be written down here, and can only shrink.
 */
const KNOWN: ReadonlyMap<string, number> = new Map<string, number>();

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.state' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(ts|mts)$/.test(name) && !/\.(test|gen)\.ts$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

function functionName(n: ts.Node, sf: ts.SourceFile): string {
  if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isFunctionExpression(n)) && n.name)
    return n.name.getText(sf);
  if (ts.isAccessor(n)) return n.name.getText(sf);
  if (ts.isConstructorDeclaration(n)) return 'constructor';
  const p = n.parent;
  if (p && ts.isVariableDeclaration(p)) return p.name.getText(sf);
  if (p && ts.isPropertyAssignment(p)) return p.name.getText(sf);
  return '<anonymous>';
}

/** Every size over the limits in one file, keyed as in KNOWN. */
function measure(file: string, text: string): Map<string, number> {
  const out = new Map<string, number>();
  const rel = relative(root, file);
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_FILE_LINES) out.set(rel, lines);
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      const start = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      const size = end - start + 1;
      if (size > MAX_FUNCTION_LINES) out.set(`${rel}#${functionName(n, sf)}@${start + 1}`, size);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Function keys carry their line, which moves with unrelated edits: compare them without it. */
const stable = (key: string) => key.replace(/@\d+$/, '');

describe('source size (issue #16)', () => {
  const found = new Map<string, number>();
  for (const dir of DIRS)
    for (const file of sources(join(root, dir)))
      for (const [k, v] of measure(file, readFileSync(file, 'utf8'))) found.set(k, v);
  const known = new Map([...KNOWN].map(([k, v]) => [stable(k), v]));

  it('has no new file over 600 lines or function over 150 lines, and no known offender grew', () => {
    const worse = [...found]
      .filter(([k, v]) => v > (known.get(stable(k)) ?? 0))
      .map(([k, v]) => `${k}: ${v} lines${known.has(stable(k)) ? ` (was ${known.get(stable(k))})` : ''}`);
    expect(worse).toEqual([]);
  });

  it('lists no offender that has shrunk or gone (lower or remove its KNOWN entry)', () => {
    const current = new Map([...found].map(([k, v]) => [stable(k), v]));
    const stale = [...known]
      .filter(([k, v]) => (current.get(k) ?? 0) < v)
      .map(([k, v]) => `${k} (${v} → ${current.get(k) ?? 'ok'})`);
    expect(stale).toEqual([]);
  });

  it('measures what it claims', () => {
    const body = Array.from({ length: 151 }, () => '  x++;').join('\n');
    const m = measure(
      join(root, 'src/lib/x.ts'),
      `let x = 0;\nexport function big() {\n${body}\n}\nconst a = () => {\n  x++;\n};\n`,
    );
    expect([...m]).toEqual([['src/lib/x.ts#big@2', 153]]);
  });
});
