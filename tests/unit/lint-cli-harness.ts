// `ambient-atlas lint` run in-process through the command's run() with a capturing io, as the CLI tests use it:
// a usage error becomes exit 2 with its message on stderr, as bin/ambient-atlas.mjs would print it.
import { run } from '../../src/cli/commands/lint.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { UsageError } from '../../src/cli/io.ts';

export async function lintCli(argv: string[], cwd: string, stdin = '') {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readStdin: async () => new TextEncoder().encode(stdin),
    cwd,
    color: false,
  };
  let code: number;
  try {
    code = await run(argv, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    code = 2;
    err += e.message;
  }
  return { code, out, err };
}
