import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/lib/catalog/index.ts';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/ambient-atlas.mjs', ...args], {
    encoding: 'utf8',
    cwd: new URL('../..', import.meta.url).pathname,
  });

describe('ambient-atlas CLI skeleton', () => {
  it('prints help with every subcommand and exits 0', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const c of ['lint', 'simulate', 'migrate', 'lab', 'catalog']) expect(r.stdout).toContain(c);
  });

  it('rejects an unknown command with exit 2', () => {
    expect(cli('frobnicate').status).toBe(2);
  });

  it('prints the catalog as JSON: the same data the site uses', () => {
    const r = cli('catalog', '--format', 'json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as { version: number; entries: { slug: string; programmedAt: string[] }[] };
    expect(json.version).toBe(1);
    expect(json.entries.map((e) => e.slug)).toEqual(CATALOG.map((e) => e.slug));
  });

  it('prints the catalog as a markdown table with one row per entry', () => {
    const r = cli('catalog', '--format', 'md');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(CATALOG.length + 2);
  });

  it('treats a bad --format as a usage error', () => {
    expect(cli('catalog', '--format', 'xml').status).toBe(2);
    expect(cli('catalog', '--nope').status).toBe(2);
  });
});
