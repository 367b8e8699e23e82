// npm run gen: regenerate every committed generated file.
// - *.gen.ts from the upstream CRDs of each version line (../shared/crds) and the @kubernetes-models type
//   declarations; tests/unit/gen-fresh.test.ts re-runs each generator in memory and compares.
// - the lab pages (src/content/docs/labs/*.mdx) from the lab definitions; tests/labs/pages.test.ts compares.
// Dev-time only: the site build, the CLI and the tests read the committed output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATORS } from './generators.ts';
import { SHARED_CRDS, sharedCrdsPresent } from './crds.ts';
import { PAGES_DIR, generatedPages } from '../../labs/site/gen-pages.ts';

const root = join(import.meta.dirname, '../..');
mkdirSync(PAGES_DIR, { recursive: true });
for (const [name, text] of generatedPages()) writeFileSync(join(PAGES_DIR, name), text);
console.log(`src/content/docs/labs: ${generatedPages().size} pages`);

if (!sharedCrdsPresent()) {
  console.error(`npm run gen: ${SHARED_CRDS} is absent; the upstream CRDs live there (../shared/crds/SOURCES.md).`);
  process.exit(2);
}
for (const g of GENERATORS) {
  const text = await g.text();
  writeFileSync(join(root, g.output), text);
  console.log(`${g.output}: ${(text.length / 1024).toFixed(0)} KiB`);
}
