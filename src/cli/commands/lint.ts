import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { SourceInput } from '../../lib/model/types.ts';
import { formatJson, formatSarif, formatText, lint } from '../../lib/validator/index.ts';
import { parseArgs } from '../args.ts';
import type { Command } from '../io.ts';
import { EXIT, InputTooLargeError, readInputFile, readStdinLimited, UsageError } from '../io.ts';

export const help = `ambient-atlas lint [--format text|json|sarif] [--root-namespace NS] <file|dir|->...

Check Kubernetes/Istio/Gateway API manifests for schema errors and ambient-mode traps, with line:column,
a stable rule id, a fix and a docs link for every finding.

  <file>     a multi-document YAML file
  <dir>      every .yaml/.yml file below it, recursively, in sorted order
  -          read YAML from stdin

Options:
  --format text|json|sarif   output format (default text; sarif is SARIF 2.1.0 for code scanning)
  --root-namespace NS        Istio root namespace for mesh-wide policies (default istio-system)

Exit codes: 0 no error findings, 1 error findings, 2 usage or I/O error.
Rules: /validator/rules/`;

/** Paths are shown relative to the working directory, with forward slashes (stable across platforms). */
function display(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return (rel && !rel.startsWith('..') ? rel : path).split('\\').join('/');
}

async function collect(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      await collect(p, out);
    } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
  }
}

export const run: Command = async (argv, io) => {
  const args = parseArgs(argv, {
    format: { type: 'string', short: 'o', default: 'text' },
    'root-namespace': { type: 'string' },
  });
  const format = args.values.format;
  if (format !== 'text' && format !== 'json' && format !== 'sarif')
    throw new UsageError(`--format must be text, json or sarif, not ${String(format)}`);
  if (!args.positionals.length) throw new UsageError('give at least one file, directory or - (stdin). See --help.');
  const inputs: SourceInput[] = [];
  let stdinUsed = false;
  for (const arg of args.positionals) {
    if (arg === '-') {
      if (stdinUsed) throw new UsageError('- (stdin) can be given only once');
      stdinUsed = true;
      inputs.push({ file: '-', text: await readStdinLimited(io) });
      continue;
    }
    const abs = resolve(io.cwd, arg);
    let info;
    try {
      info = await stat(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      io.stderr(
        `ambient-atlas lint: cannot read ${arg}: ${code === 'ENOENT' ? 'no such file or directory' : String(code ?? err)}\n`,
      );
      return EXIT.usage;
    }
    const files: string[] = [];
    if (info.isDirectory()) {
      try {
        await collect(abs, files);
      } catch (err) {
        io.stderr(`ambient-atlas lint: cannot read directory ${arg}: ${(err as Error).message}\n`);
        return EXIT.usage;
      }
    } else files.push(abs);
    for (const f of files) {
      try {
        // Bytes, not a string: the model reports non-UTF-8 input with its position.
        inputs.push({ file: display(io.cwd, f), text: await readInputFile(f, display(io.cwd, f)) });
      } catch (err) {
        const why =
          err instanceof InputTooLargeError
            ? err.message
            : `cannot read ${display(io.cwd, f)}: ${(err as Error).message}`;
        io.stderr(`ambient-atlas lint: ${why}\n`);
        return EXIT.usage;
      }
    }
  }
  const rootNamespace = args.values['root-namespace'];
  const report = lint(inputs, rootNamespace ? { rootNamespace } : {});
  if (format === 'json') io.stdout(formatJson(report));
  else if (format === 'sarif') io.stdout(formatSarif(report));
  else io.stdout(formatText(report, { color: io.color }));
  return report.summary.error > 0 ? EXIT.findings : EXIT.ok;
};
