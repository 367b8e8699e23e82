import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// src/lib is shared by the browser islands, the CLI and the tests, so it may not depend on Node. ESLint enforces
// this while editing; this test enforces it in `npm test`, including imports ESLint would not see (dynamic ones).
const root = new URL('../../src/lib/', import.meta.url).pathname;
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(ts|js|mjs)$/.test(name) && !/\.test\.ts$/.test(name)) yield p;
  }
}

const importRe =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('src/lib is browser-safe', () => {
  const files = [...sources(root)];
  it('has sources to check', () => expect(files.length).toBeGreaterThan(5));
  for (const file of files) {
    it(`${relative(root, file)} imports no Node built-ins`, () => {
      const text = readFileSync(file, 'utf8');
      const bad = [...text.matchAll(importRe)].map((m) => m[1] ?? m[2] ?? m[3]).filter((s) => s && builtins.has(s));
      expect(bad).toEqual([]);
      expect(text).not.toMatch(/\bprocess\.(env|argv|exit|cwd)\b|\bBuffer\.from\b/);
    });
  }
});

describe('the purity check itself', () => {
  it('catches each import form', () => {
    const sample = `import fs from 'node:fs';\nexport { x } from "path";\nconst m = await import('os');`;
    const found = [...sample.matchAll(importRe)].map((m) => m[1] ?? m[2] ?? m[3]);
    expect(found.filter((s) => s && builtins.has(s))).toEqual(['node:fs', 'path', 'os']);
  });
});
