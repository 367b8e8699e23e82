import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchResult } from './harness.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts'));
const name = (f: string) => f.slice(0, -'.bench.ts'.length);
// `npm run bench cli` runs cli.bench.ts, not cli-startup too: an exact name wins; otherwise a part of a name.
const picked = (o: string) =>
  all.some((f) => name(f) === o) ? all.filter((f) => name(f) === o) : all.filter((f) => f.includes(o));
const files = (only.length ? [...new Set(only.flatMap(picked))] : all).sort();

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));
let failed = 0;
for (const file of files) {
  const mod = (await import(new URL(file, import.meta.url).href)) as { default: Bench };
  process.stdout.write(`\n# ${file.replace('.bench.ts', '')}\n`);
  let results: BenchResult[];
  try {
    results = await mod.default();
  } catch (err) {
    failed++;
    process.stdout.write(`  ✗ failed to run: ${err instanceof Error ? err.message : String(err)}\n`);
    continue;
  }
  for (const r of results) {
    const mark = r.ok === undefined ? '·' : r.ok ? '✓' : '✗';
    if (r.ok === false) failed++;
    let line = `  ${mark} ${r.name}: ${fmt(r.value)} ${r.unit}`;
    if (r.target) line += ` (target ${r.target})`;
    if (r.ratio)
      line += `; ratio ${r.ratio.value.toFixed(2)}× ${r.ratio.against}${r.ratio.target ? ` (target ${r.ratio.target})` : ''}`;
    process.stdout.write(line + '\n');
  }
}
process.stdout.write(`\n${files.length} benchmark files, ${failed} result(s) off target\n`);
