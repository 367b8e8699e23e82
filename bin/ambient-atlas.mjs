#!/usr/bin/env node
// Launcher for the `ambient-atlas` CLI. Node >= 22.18 runs our erasable TypeScript directly (no build step,
// fast start). On an older Node we look for the Node 22 that `.ci/run` bootstraps (or $AMBIENT_ATLAS_NODE)
// and re-run with it; otherwise we say clearly what is needed instead of failing on a syntax error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 22 || (major === 22 && minor >= 18)) {
  await import('../src/cli/main.ts');
} else {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const candidates = [
    process.env.AMBIENT_ATLAS_NODE,
    join(cache, 'ambient-atlas', 'node22', 'node_modules', '.bin', 'node'),
  ];
  const node = candidates.find((p) => p && existsSync(p));
  if (!node) {
    process.stderr.write(
      `ambient-atlas needs Node.js >= 22.18 (this is ${process.versions.node}). Install Node 22, or run \`bash .ci/run\` once to bootstrap it.\n`,
    );
    process.exit(2);
  }
  const r = spawnSync(node, [new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 2);
}
