import type { Command, CliIo } from './io.ts';
import { EXIT, readStreamLimited, UsageError } from './io.ts';
import { missingOptionalPackage } from './optional.ts';

/** Subcommands load lazily so `--help` and small commands start fast. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: Command; help: string }> }> = {
  lint: {
    summary: 'check manifests: schema and ambient rules, with line:column',
    load: () => import('./commands/lint.ts'),
  },
  simulate: {
    summary: 'walk one request through ztunnel, waypoint and the destination',
    load: () => import('./commands/simulate.ts'),
  },
  migrate: {
    summary: 'audit sidecar-era config and convert it to ambient',
    load: () => import('./commands/migrate.ts'),
  },
  matrix: {
    summary: 'who can reach whom: every client × every service port, per request',
    load: () => import('./commands/matrix.ts'),
  },
  diff: {
    summary: 'what a change does to the matrix: changed cells grouped by cause',
    load: () => import('./commands/diff.ts'),
  },
  status: {
    summary: 'the status conditions istiod would write, predicted offline',
    load: () => import('./commands/status.ts'),
  },
  lab: { summary: 'run guided labs on a local kind cluster (or --dry-run)', load: () => import('./commands/lab.ts') },
  catalog: { summary: 'print the CRD catalog (--format json|md)', load: () => import('./commands/catalog.ts') },
};

const HELP = `ambient-atlas — Istio ambient mode reference tools

Usage: ambient-atlas <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run \`ambient-atlas <command> --help\` for a command's options.
Exit codes: 0 ok, 1 findings / denied, 2 usage or I/O error, 3 Docker required.
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(HELP);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout('ambient-atlas 0.1.0\n');
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(`ambient-atlas: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}.\n`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.help + '\n');
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`ambient-atlas ${name}: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

// A reader that stops early (`ambient-atlas lint … | head`) closes the pipe: the next write fails with EPIPE,
// which Node raises as an unhandled 'error' event with a stack trace. Nobody is left to read, so end quietly
// (as cat and grep do) with the status so far.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw err;
  });

const io: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin: (limit) => readStreamLimited(process.stdin, limit, '- (stdin)'),
  stdinStream: () => process.stdin,
  cwd: process.cwd(),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const missing = missingOptionalPackage(err);
    if (missing) {
      process.stderr.write(missing);
      // lab's real path without its container tooling is "Docker required" (exit 3); anything else is exit 2.
      process.exitCode = process.argv[2] === 'lab' ? EXIT.noDocker : EXIT.usage;
      return;
    }
    // A stack trace is for whoever debugs the CLI, not for its user: only on request.
    const debug = Boolean(process.env.AMBIENT_ATLAS_DEBUG);
    const detail = err instanceof Error ? (debug && err.stack) || err.message : String(err);
    process.stderr.write(
      `ambient-atlas: internal error: ${detail}${debug ? '' : ' (AMBIENT_ATLAS_DEBUG=1 shows where)'}\n`,
    );
    process.exitCode = EXIT.usage;
  },
);
