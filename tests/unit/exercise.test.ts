import { describe, expect, it } from 'vitest';
import { EXERCISES } from '../../src/content/exercises/index.ts';
import { runExercise } from '../../src/components/exercise/checks.ts';
import { parseExpectation } from '../../src/lib/expect/index.ts';
import { lint } from '../../src/lib/validator/index.ts';

const REQUIRED = [
  'l4-allow-principal',
  'l7-waypoint-targetrefs',
  'fix-l7-on-ztunnel',
  'bypass-prevention',
  'canary-service-parent',
  'header-routing',
  'require-jwt',
  'strict-mtls',
];

describe('exercises', () => {
  it('cover the eight required topics with unique ids', () => {
    const ids = EXERCISES.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of REQUIRED) expect(ids).toContain(id);
  });

  for (const ex of EXERCISES) {
    describe(ex.id, () => {
      it('scenario manifests have no error findings of their own', () => {
        const report = lint(ex.scenario.map((f) => ({ file: f.file, text: f.text })));
        expect(
          report.findings.filter((f) => f.severity === 'error').map((f) => `${f.file}:${f.line} ${f.rule}`),
        ).toEqual([]);
      });

      it('every check is a valid request expectation (src/lib/expect), written in its canonical form', () => {
        for (const c of ex.checks) {
          const input = { ...c.request, expect: c.expect };
          expect(parseExpectation(input, `exercise ${ex.id} check "${c.name}"`)).toEqual(input);
        }
      });

      it('the reference solution passes every check', async () => {
        const out = await runExercise(ex, ex.solution);
        expect(out.checks.filter((c) => !c.pass).map((c) => `${c.name}: ${c.actual}`)).toEqual([]);
        expect(out.solved).toBe(true);
      });

      it('the starting YAML fails at least one check, and each failing check carries a hint', async () => {
        const out = await runExercise(ex, ex.start);
        const failing = out.checks.filter((c) => !c.pass);
        expect(failing.length).toBeGreaterThan(0);
        expect(out.solved).toBe(false);
        for (const c of failing) expect(c.hint).toBeTruthy();
      });

      it('an empty answer is not a solution', async () => {
        expect((await runExercise(ex, '')).solved).toBe(false);
      });
    });
  }
});
