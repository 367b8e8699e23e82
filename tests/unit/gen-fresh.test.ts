// Every committed *.gen.ts equals what `npm run gen` would write now: each generator runs in memory against the
// upstream CRDs in ../shared/crds and its output is compared with the file. Skipped, saying why, when ../shared is
// absent (the site build, the CLI and the other tests never need it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_CRDS, sharedCrdsPresent } from '../../scripts/gen/crds.ts';
import { GENERATORS } from '../../scripts/gen/generators.ts';

const present = sharedCrdsPresent();
if (!present)
  console.log(
    `[gen-fresh] skipped: ${SHARED_CRDS} is absent (the upstream CRDs live outside the project and are not copied into it).`,
  );

describe.skipIf(!present)('generated files are fresh (npm run gen)', () => {
  const root = join(import.meta.dirname, '../..');
  for (const g of GENERATORS)
    it(`${g.output} is what its generator writes from the upstream CRDs`, async () => {
      const committed = readFileSync(join(root, g.output), 'utf8');
      // A mismatch means the CRDs or the generator changed without `npm run gen` (or the file was edited by hand).
      expect(committed === (await g.text()), `${g.output} is stale: run npm run gen`).toBe(true);
      // known-fields builds a TypeScript program over the @kubernetes-models declarations: ~10 s of CPU, several
      // times that of wall time on a shared machine. Not a timing target, only room to finish.
    }, 240_000);
});
