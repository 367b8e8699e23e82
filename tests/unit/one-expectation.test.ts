// "A request and its expected outcome" is compared in one place: src/lib/expect (one schema, one compare, one
// PROBABILITY_TOLERANCE). This test greps src/, labs/ and tests/ for a second one creeping back: a tolerance
// constant beside probabilities, a probability compared with Math.abs/toBeCloseTo, or an expectation's backends
// (`.expect.backends`) read by hand instead of handed to compare()/describe().
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODULE = 'src/lib/expect/';
const SELF = 'tests/unit/one-expectation.test.ts';

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.state' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(ts|mts|js|mjs|astro)$/.test(name)) yield p;
  }
}

/** A numeric constant named like a tolerance: `const EPS = 1e-6`, `let tolerance = 0.25`, `TOLERANCE: 0.001`. */
const TOLERANCE_CONST =
  /\b(?:const|let|var)\s+\w*(?:tolerance|epsilon|eps)\w*\s*(?::\s*number\s*)?=\s*[\d.]|\b\w*tolerance\w*\s*[=:]\s*[\d.]/i;
/** Reading a probability (a result's or an expectation's), not declaring the field. */
const READS_PROBABILITY = /\.probability\b|\[\s*['"]probability['"]\s*\]/;
const NEAR_COMPARISON = /Math\.abs\(|toBeCloseTo\(/;
/** An expectation's backends (probabilities) read by hand. */
const EXPECT_BACKENDS = /\.expect\??\.backends\b/;

/** What in this text looks like a second expectation comparison: "line: why" strings. */
export function offences(text: string): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  const mentionsProbability = /probabilit/i.test(text);
  lines.forEach((line, i) => {
    const n = i + 1;
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) return;
    if (mentionsProbability && TOLERANCE_CONST.test(line)) out.push(`${n}: a tolerance constant beside probabilities`);
    if (NEAR_COMPARISON.test(line)) {
      const window = lines.slice(Math.max(0, i - 3), i + 4).join('\n');
      if (READS_PROBABILITY.test(window)) out.push(`${n}: a probability compared with a tolerance`);
    }
    if (EXPECT_BACKENDS.test(line)) out.push(`${n}: an expectation's backends read by hand`);
  });
  return out;
}

describe('one request-expectation module', () => {
  const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'labs')), ...sources(join(ROOT, 'tests'))]
    .map((p) => relative(ROOT, p).split('\\').join('/'))
    .filter((p) => !p.startsWith(MODULE) && p !== SELF);

  it('has files to look at', () => expect(files.length).toBeGreaterThan(50));

  it('nothing outside src/lib/expect compares probabilities or expectations on its own', () => {
    const found = files.flatMap((f) => offences(readFileSync(join(ROOT, f), 'utf8')).map((o) => `${f}:${o}`));
    expect(found, 'use compare()/describe() and PROBABILITY_TOLERANCE from src/lib/expect').toEqual([]);
  });

  it('the module itself holds the one tolerance', () => {
    const text = readFileSync(join(ROOT, MODULE, 'compare.ts'), 'utf8');
    expect(text).toMatch(/export const PROBABILITY_TOLERANCE = [\d.e-]+;/);
  });
});

describe('the detector', () => {
  it('catches the comparisons this module replaced', () => {
    // labs/runner/expect.ts, src/components/exercise/checks.ts, tests/unit/migrate-verify.test.ts,
    // tests/examples/examples.test.ts before the move.
    const old = [
      `const EPS = 1e-6;\nfor (const b of p.backends) got.set(k, b.probability);`,
      `const TOLERANCE = 0.001;\n// probability`,
      `export function compareObservation(e, o, tolerance = 0.25) {} // probability`,
      `for (const b of r.backends) got.set(b.service, (got.get(b.service) ?? 0) + b.probability);\n` +
        `for (const [svc, p] of want) if (Math.abs((got.get(svc) ?? -1) - p) > T) return false;`,
      `const got = new Map(sim.backends.map((b) => [b.service, b.probability]));\n` +
        `expect([...got.keys()]).toEqual(keys);\n` +
        `for (const [k, p] of want) expect(got.get(k)).toBeCloseTo(p, 6);`,
      `if (claim.expect.backends !== undefined) x();`,
      'c.expect.backends ? Object.entries(c.expect.backends).map(([b, p]) => `${b} ${p * 100}%`) : ""',
    ];
    for (const text of old) expect(offences(text), text).not.toEqual([]);
  });

  it('leaves unrelated code alone', () => {
    const fine = [
      // src/lib/simulator/format.ts and the trace views: formatting a probability.
      '`${(b.probability * 100).toFixed(b.probability === 1 ? 0 : 1)}%`',
      '`${Math.round(b.probability * 1000) / 10}%`',
      // src/lib/validator/schema/fields.ts: an edit-distance shortcut, no probability anywhere.
      'if (Math.abs(a.length - b.length) > 2) return 3;',
      // A type declaration; a tolerance with no probability in sight; an example's own verdict.
      'readonly probability: number;',
      'const eps = 0.5;',
      'const frameTitle = TITLE_PREFIX[ex.expect.verdict] + ex.expect.rule;',
      // Handing an expectation to the module.
      'expect(compare(claim.expect, r)).toEqual([]);',
    ];
    for (const text of fine) expect(offences(text), text).toEqual([]);
  });
});
