// Test helper: a virtual-shell context over the repository's real lab files (what the island bundles with ?raw).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseLabs } from '../../labs/catalog.ts';
import type { ShellContext } from '../../src/lib/vshell/index.ts';

const repo = new URL('../../', import.meta.url).pathname;

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === '.state') continue;
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(relative(repo, p));
  }
  return out;
}

export function labContext(lab: string, opts: { now?: () => number; random?: () => number } = {}): ShellContext {
  const files: Record<string, string> = {};
  for (const f of yamlFiles(join(repo, 'labs'))) files[f] = readFileSync(join(repo, f), 'utf8');
  const def = parseLabs().find((l) => l.id === lab);
  const setup = def
    ? def.setup.map((r) => join('labs', lab, r).replace(/labs\/[^/]+\/\.\.\//, 'labs/'))
    : ['labs/base/bookinfo.yaml', 'labs/base/clients.yaml', 'labs/base/ambient-namespace.yaml'];
  return {
    lab,
    files,
    setup,
    now: opts.now ?? (() => Date.parse('2026-11-22T12:00:00Z')),
    random: opts.random ?? (() => 0.1),
  };
}
