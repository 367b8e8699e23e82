// Entry point of the packaged CLI (`npm run build:cli` bundles it into packages/cli/dist/ambient-atlas.mjs).
// In the repository, bin/ambient-atlas.mjs runs src/cli/main.ts directly instead.
import module from 'node:module';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`ambient-atlas needs Node.js >= 20.19 (this is ${process.versions.node}).\n`);
  process.exit(2);
}
// Node >= 22.1 can keep the compiled bundle on disk (in the OS temp directory): later starts skip most of the
// parsing. Older Nodes lack the function; the CLI works the same without it.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

await import('./main.ts');
