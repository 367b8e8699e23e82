// Writes src/content/docs/labs/*.mdx from the lab definitions. `npm run gen` runs it with the other generators;
// on its own: node labs/site/gen-pages.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLabs } from '../catalog.ts';
import { REPO_DIR } from '../load.ts';
import { labPage, labsIndexPage } from './pages.ts';

export const PAGES_DIR = join(REPO_DIR, 'src', 'content', 'docs', 'labs');

export function generatedPages(): Map<string, string> {
  const labs = parseLabs();
  const pages = new Map<string, string>([['index.mdx', labsIndexPage(labs)]]);
  for (const lab of labs) pages.set(`${lab.id}.mdx`, labPage(lab));
  return pages;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(PAGES_DIR, { recursive: true });
  for (const [name, text] of generatedPages()) {
    writeFileSync(join(PAGES_DIR, name), text);
    process.stdout.write(`wrote src/content/docs/labs/${name}\n`);
  }
}
