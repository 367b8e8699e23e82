// npm run gen: regenerate every committed *.gen.ts from the upstream CRDs of each version line (../shared/crds) and
// the @kubernetes-models type declarations. Dev-time only: the site build, the CLI and the tests read the committed
// output; tests/unit/gen-fresh.test.ts re-runs each generator in memory and compares.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATORS } from './generators.ts';
import { SHARED_CRDS, sharedCrdsPresent } from './crds.ts';

if (!sharedCrdsPresent()) {
  console.error(`npm run gen: ${SHARED_CRDS} is absent; the upstream CRDs live there (../shared/crds/SOURCES.md).`);
  process.exit(2);
}
const root = join(import.meta.dirname, '../..');
for (const g of GENERATORS) {
  const text = await g.text();
  writeFileSync(join(root, g.output), text);
  console.log(`${g.output}: ${(text.length / 1024).toFixed(0)} KiB`);
}
