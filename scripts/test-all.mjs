#!/usr/bin/env node
// `npm test`: every check a change must pass, in the order that fails fastest, with one summary at the end.
// Steps: type-check, lint (incl. the src/lib browser-safety rule), unit/example/lab tests (vitest), site build,
// browser tests in real Chromium (Playwright), and the CLI contract check when ../shared is present.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const only = process.argv.slice(2);
const t0 = Date.now();
mkdirSync('test-results', { recursive: true });

const steps = [
  // astro sync writes .astro/types.d.ts (astro:content, import.meta.glob, asset imports): tsc needs it on a clean clone.
  { name: 'sync', cmd: ['npx', 'astro', 'sync'] },
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'lint', cmd: ['npx', 'eslint', '.'] },
  { name: 'format', cmd: ['npx', 'prettier', '--check', '.', '--log-level', 'warn'] },
  {
    name: 'unit',
    cmd: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/unit.json'],
    counts: () => {
      const r = JSON.parse(readFileSync('test-results/unit.json', 'utf8'));
      return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
    },
  },
  { name: 'build', cmd: ['npx', 'astro', 'build', '--silent'] },
  {
    name: 'e2e',
    cmd: ['npx', 'playwright', 'test'],
    env: { ATLAS_E2E_REPORTER: 'json' },
    counts: () => {
      const r = JSON.parse(readFileSync('test-results/e2e.json', 'utf8'));
      return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped };
    },
  },
  {
    name: 'contract',
    when: () => existsSync('../shared/tools/contract-check.mjs'),
    cmd: ['node', '../shared/tools/contract-check.mjs'],
    counts: (out) => {
      const m = out.match(/(\d+) passed, (\d+) failed, (\d+) skipped/);
      return m ? { passed: +m[1], failed: +m[2], skipped: +m[3] } : undefined;
    },
  },
];

const results = [];
for (const step of steps) {
  if (only.length && !only.includes(step.name)) continue;
  if (step.when && !step.when()) {
    console.log(`\n── ${step.name}: skipped (../shared/tools/contract-check.mjs not found)`);
    results.push({ name: step.name, ok: true, skipped: true });
    continue;
  }
  console.log(`\n── ${step.name}: ${step.cmd.join(' ')}`);
  const started = Date.now();
  const capture = step.name === 'contract';
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), {
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, ...step.env },
  });
  if (capture) process.stdout.write(r.stdout ?? '');
  let counts;
  try {
    counts = step.counts?.(r.stdout ?? '');
  } catch {
    counts = undefined;
  }
  results.push({ name: step.name, ok: r.status === 0, seconds: (Date.now() - started) / 1000, counts });
}

console.log('\n── summary');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const r of results) {
  const c = r.counts ? ` (${r.counts.passed} passed, ${r.counts.failed} failed, ${r.counts.skipped} skipped)` : '';
  console.log(`${r.ok ? '✓' : '✗'} ${r.name}${r.skipped ? ' skipped' : ` ${r.seconds?.toFixed(1)}s`}${c}`);
  if (r.counts) {
    passed += r.counts.passed;
    failed += r.counts.failed;
    skipped += r.counts.skipped;
  } else if (!r.skipped) {
    if (r.ok) passed++;
    else failed++;
  }
}
const stepsFailed = results.filter((r) => !r.ok).length;
if (stepsFailed && failed === 0) failed = stepsFailed;
console.log(`total time ${((Date.now() - t0) / 1000).toFixed(0)}s`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(stepsFailed ? 1 : 0);
