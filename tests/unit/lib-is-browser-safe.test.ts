import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// src/lib is shared by the browser islands, the CLI and the tests, so it may not depend on Node. ESLint enforces
// this while editing; this test enforces it in `npm test`, including imports ESLint would not see (dynamic ones).
// The same holds for the islands' own code in src/components: its .ts modules and the <script> blocks of its
// .astro files run in the browser (an .astro frontmatter runs at build time and may use Node; build integrations
// live in src/site/integrations).
const root = new URL('../../src/lib/', import.meta.url).pathname;
const componentsRoot = new URL('../../src/components/', import.meta.url).pathname;
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

function* componentSources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* componentSources(p);
    else if (/\.(ts|js|mjs|astro)$/.test(name) && !/\.test\.ts$/.test(name)) yield p;
  }
}

/** The browser part of a component file: all of a module, or the bodies of an .astro file's <script> blocks. */
function clientCode(file: string, text: string): string {
  if (!file.endsWith('.astro')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

describe('src/components client code is browser-safe', () => {
  const files = [...componentSources(componentsRoot)];
  it('has sources to check', () => expect(files.filter((f) => f.endsWith('.astro')).length).toBeGreaterThan(5));
  for (const file of files) {
    it(`${relative(componentsRoot, file)} imports no Node built-ins in browser code`, () => {
      const code = clientCode(file, readFileSync(file, 'utf8'));
      const bad = [...code.matchAll(importRe)].map((m) => m[1] ?? m[2] ?? m[3]).filter((s) => s && builtins.has(s));
      expect(bad).toEqual([]);
      expect(code).not.toMatch(/\bprocess\.(env|argv|exit|cwd)\b|\bBuffer\.from\b/);
    });
  }
});

describe('the purity check itself', () => {
  it('reads only the <script> blocks of an .astro file', () => {
    const astro = `---\nimport { readFileSync } from 'node:fs';\n---\n<div/>\n<script>\nimport x from 'node:os';\n</script>`;
    const found = [...clientCode('a.astro', astro).matchAll(importRe)].map((m) => m[1] ?? m[2] ?? m[3]);
    expect(found).toEqual(['node:os']);
  });

  it('catches each import form', () => {
    const sample = `import fs from 'node:fs';\nexport { x } from "path";\nconst m = await import('os');`;
    const found = [...sample.matchAll(importRe)].map((m) => m[1] ?? m[2] ?? m[3]);
    expect(found.filter((s) => s && builtins.has(s))).toEqual(['node:fs', 'path', 'os']);
  });
});
