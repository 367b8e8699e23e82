import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { SourceInput } from '../../lib/model/types.ts';
import { parseArgs } from '../args.ts';
import { CLUSTER_FLAGS, CLUSTER_HELP, clusterRequest } from '../cluster/flags.ts';
import type { Command } from '../io.ts';
import { EXIT, UsageError } from '../io.ts';
import { CI_FLAGS, ciSettings, render } from '../lint-ci.ts';
import { LintStream } from '../lint-stream.ts';
import { MESH_CONFIG_FLAGS, meshConfigFromFlag, meshConfigHelp } from '../mesh-config.ts';
import { ReadBudget, splitFile, splitStdin } from '../read-stream.ts';

export const help = `ambient-atlas lint [--format text|json|sarif|junit|github] [--fail-on LEVEL] [--config FILE] <file|dir|->...
       ambient-atlas lint --cluster [--context NAME] [-n NS | -A] [options] [<file|dir|->...]

Check Kubernetes/Istio/Gateway API manifests for schema errors and ambient-mode traps, with line:column,
a stable rule id, a fix and a docs link for every finding.

  <file>     a multi-document YAML file
  <dir>      every .yaml/.yml file below it, recursively, in sorted order
  -          read YAML from stdin
Input of any size is read as a stream (a \`kubectl get -A -o yaml\` dump of a whole cluster included); each document
(or each object of a List) may be up to 8 MiB, all inputs of one run together up to 320 MiB.

Options:
  --format FORMAT            text (default), json, sarif (SARIF 2.1.0 for code scanning), junit (JUnit XML
                             for CI test reports) or github (GitHub Actions annotations)
  --fail-on LEVEL            error (default), warning, info or never: the least severe finding that exits 1
  --config FILE              config file (default: the nearest .ambient-atlas.yaml from here upwards):
                             istio, gatewayApi, rules: {<rule-id>: off|error|warning|info}, ignore: [<glob>...]
  --istio 1.30|1.31          Istio line to check against (default 1.31, or the config's)
  --gateway-api 1.5|1.6      Gateway API line (default: the one the Istio line is built on)
  --show-suppressed          also list findings suppressed by an ambient-atlas.dev/ignore annotation
  --root-namespace NS        Istio root namespace for mesh-wide policies (default: the MeshConfig's, else istio-system)
${meshConfigHelp(29)}
${CLUSTER_HELP}
                             Findings on cluster objects name cluster://<context>/<ns>/<Kind>/<name> (cluster-
                             scoped: cluster://<context>/<Kind>/<name>); lines are those of
                             \`kubectl get <kind> <name> -o yaml\`. Kinds the user may not list are warnings.

Suppress a rule on one resource with the annotation
  ambient-atlas.dev/ignore: "<rule-id>[,<rule-id>...] -- <reason>"   (the reason is required)

Exit codes: 0 no finding at or above --fail-on, 1 such findings, 2 usage, config or I/O error.
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
    ...CI_FLAGS,
    ...CLUSTER_FLAGS,
    ...MESH_CONFIG_FLAGS,
  });
  const ci = await ciSettings(args.values, io.cwd);
  const meshConfig = await meshConfigFromFlag(args.values, io);
  const cluster = clusterRequest(args.values);
  if (!args.positionals.length && !cluster)
    throw new UsageError('give at least one file, directory or - (stdin), or --cluster. See --help.');
  if (args.positionals.filter((a) => a === '-').length > 1) throw new UsageError('- (stdin) can be given only once');
  const rootNamespace = args.values['root-namespace'];
  // Each document is linted as it is read; what the rules over the whole mesh need is kept (lint-stream.ts).
  const lint = new LintStream({
    ...(rootNamespace ? { rootNamespace } : {}),
    ...(meshConfig ? { meshConfig } : {}),
    ...(ci.ruleLevels ? { ruleLevels: ci.ruleLevels } : {}),
    showSuppressed: ci.showSuppressed,
    istio: ci.istio,
    gatewayApi: ci.gatewayApi,
  });
  try {
    return await lintInputs(args.positionals, lint, io, ci, cluster);
  } finally {
    lint.dispose();
  }
};

async function lintInputs(
  positionals: readonly string[],
  lint: LintStream,
  io: Parameters<Command>[1],
  ci: Awaited<ReturnType<typeof ciSettings>>,
  cluster: ReturnType<typeof clusterRequest>,
): Promise<number> {
  // One bound for all inputs together.
  const budget = new ReadBudget();
  // Shown files, in order, for formats that list every input (JUnit).
  const shown: string[] = [];
  for (const arg of positionals) {
    if (arg === '-') {
      await splitStdin(io, budget, lint);
      shown.push('-');
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
      if (ci.ignored(f)) continue;
      try {
        await splitFile(f, display(io.cwd, f), budget, lint);
        shown.push(display(io.cwd, f));
      } catch (err) {
        const why =
          err instanceof UsageError ? err.message : `cannot read ${display(io.cwd, f)}: ${(err as Error).message}`;
        io.stderr(`ambient-atlas lint: ${why}\n`);
        return EXIT.usage;
      }
    }
  }
  if (cluster) {
    // Loaded only here: the reader and @kubernetes/client-node cost nothing to runs without --cluster.
    const { readClusterInputs } = await import('../cluster/index.ts');
    const read = await readClusterInputs(cluster, io, 'lint');
    lint.whole(read.inputs);
    for (const input of read.inputs) shown.push(input.file);
  }
  const report = lint.finish();
  // Positions were found again in the inputs' bytes: an input that changed meanwhile makes them wrong.
  const changed = lint.changed();
  if (changed.length) {
    io.stderr(`ambient-atlas lint: ${changed.join(', ')} changed while it was read; run lint again.\n`);
    return EXIT.usage;
  }
  const inputs: SourceInput[] = shown.map((file) => ({ file, text: '' }));
  const out = render(report, ci, inputs, io.color);
  io.stdout(out.text);
  return out.failed ? EXIT.findings : EXIT.ok;
}
