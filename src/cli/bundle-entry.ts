// Entry point of the packaged CLI (`npm run build:cli` bundles it into packages/cli/dist/ambient-atlas.mjs).
// In the repository, bin/ambient-atlas.mjs runs src/cli/main.ts directly instead.
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`ambient-atlas needs Node.js >= 20.19 (this is ${process.versions.node}).\n`);
  process.exit(2);
}

// Node >= 22.1 can keep the compiled modules on disk: later starts skip their parsing. The cache lives in the
// user's cache directory (NODE_COMPILE_CACHE, if set, wins; NODE_DISABLE_COMPILE_CACHE=1 turns it off). Older
// Nodes lack the function, and a directory that cannot be written only means no cache: the CLI works the same.
try {
  const home = process.env.XDG_CACHE_HOME || process.env.LOCALAPPDATA || join(homedir(), '.cache');
  (module as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache?.(
    process.env.NODE_COMPILE_CACHE || join(home, 'ambient-atlas', 'compile-cache'),
  );
} catch {
  // No cache directory (no home directory, say): start without a cache.
}

await import('./main.ts');
