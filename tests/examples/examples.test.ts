import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, describe as describeExpectation, requestOf } from '../../src/lib/expect/index.ts';
import { parseManifests } from '../../src/lib/model/index.ts';
import { simulate } from '../../src/lib/simulator/index.ts';
import { lint } from '../../src/lib/validator/index.ts';
import { EXAMPLES, exampleInputs } from '../../src/site/examples.ts';
import type { Example } from '../../src/site/examples.ts';
import type { IstioVersion } from '../../src/lib/versions.ts';

// Every YAML block the site shows is a file under src/content/examples; this suite proves each one does what its
// page says: valid examples lint clean, deliberate ones trigger exactly the rule they claim, and every claim
// (request → verdict/status/backends) holds in the simulator.

const docsRoot = new URL('../../src/content/docs/', import.meta.url).pathname;
function* mdx(dir: string): Generator<string> {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) yield* mdx(p);
    else if (n.endsWith('.mdx')) yield p;
  }
}
const usedNames = new Set<string>();
for (const file of mdx(docsRoot))
  for (const m of readFileSync(file, 'utf8').matchAll(/<Example\s[^>]*name=["']([^"']+)["']/g)) usedNames.add(m[1]!);

/** The line an example is written for (`istio` in its expect file), else the default line. */
const versionsOf = (ex: Example): { istio?: IstioVersion } => (ex.expect.istio ? { istio: ex.expect.istio } : {});

const shown = [...EXAMPLES.values()].filter((e) => !e.name.startsWith('base/'));

describe('examples', () => {
  it('every <Example name> on a page refers to an existing file', () => {
    expect([...usedNames].filter((n) => !EXAMPLES.has(n))).toEqual([]);
  });
  it('every example file is shown on some page', () => {
    const helpers = new Set(shown.flatMap((e) => e.expect.with));
    expect(shown.filter((e) => !usedNames.has(e.name) && !helpers.has(e.name)).map((e) => e.name)).toEqual([]);
  });
});

for (const ex of shown) {
  describe(ex.name, () => {
    it(ex.expect.verdict === 'valid' ? 'lints without errors' : `demonstrates exactly ${ex.expect.rule}`, () => {
      const report = lint(exampleInputs(ex), versionsOf(ex));
      const own = report.findings.filter((f) => f.file === `${ex.name}.yaml` && f.severity !== 'info');
      if (ex.expect.verdict === 'valid') {
        expect(
          report.findings.filter((f) => f.severity === 'error').map((f) => `${f.file}:${f.line} ${f.rule}`),
        ).toEqual([]);
        expect(own.map((f) => `${f.line} ${f.rule}`)).toEqual([]);
      } else {
        expect(own.length).toBeGreaterThan(0);
        expect([...new Set(own.map((f) => f.rule))]).toEqual([ex.expect.rule]);
        if (ex.expect.verdict === 'rejected') expect(own.some((f) => f.severity === 'error')).toBe(true);
      }
    });
    for (const claim of ex.expect.claims) {
      it(`claim: ${claim.says} (${describeExpectation(claim)})`, async () => {
        const { resources } = parseManifests(exampleInputs(ex));
        const r = await simulate(resources, requestOf(claim), versionsOf(ex));
        expect(compare(claim.expect, r)).toEqual([]);
      });
    }
  });
}

export type { Example };
