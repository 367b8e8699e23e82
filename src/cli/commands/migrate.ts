import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { migrateSources, toYaml } from '../../lib/migrate/index.ts';
import type { MigrateFinding, MigrateOptions } from '../../lib/migrate/index.ts';
import type { SourceInput } from '../../lib/model/types.ts';
import { parseArgs } from '../args.ts';
import type { CliIo, Command } from '../io.ts';
import { EXIT, InputTooLargeError, readInputFile, readStdinLimited, UsageError } from '../io.ts';
import { VERSION_FLAGS, VERSION_HELP, versionsFromFlags } from '../versions.ts';

export const help = `ambient-atlas migrate [options] <file|dir|->...

Audit sidecar-era Istio manifests and convert them to ambient mode: VirtualService + DestinationRule
subsets → per-version Services + an HTTPRoute on the Service (port-scoped); L7 AuthorizationPolicy,
RequestAuthentication, WasmPlugin and Telemetry selectors → targetRefs; a waypoint Gateway and
istio.io/use-waypoint labels where L7 features need one; a bypass-prevention DENY per waypoint-bound
Service; namespaces switched from istio-injection to istio.io/dataplane-mode=ambient. EnvoyFilters are
reported as blockers. Anything that cannot be converted faithfully is reported, never dropped silently.

Input: files or directories (recursively *.yaml, *.yml), or - for stdin; \`kubectl get ... -o yaml\`
output (kind: List) works as it is.

Options:
  --waypoint NAME                 waypoint Gateway name (default: the namespace's existing waypoint, else "waypoint")
  --target service|gateway        attach converted L7 policies to the Service (default) or to the waypoint Gateway
  --keep-sidecar-principal P      bypass prevention option 2: also allow this principal (repeatable),
                                  e.g. cluster.local/ns/bookinfo/sa/productpage
  -o, --output yaml|json          yaml (default): converted multi-document YAML on stdout, findings on stderr;
                                  json: { "version": 1, "istio", "gatewayApi", "manifests": [...], "findings": [...] }
${VERSION_HELP}

Exit: 0 converted, 1 blockers found (error findings: unconvertible features, EnvoyFilters, invalid
input), 2 usage or I/O error.`;

async function collect(arg: string, io: CliIo, out: SourceInput[]): Promise<void> {
  if (arg === '-') {
    out.push({ file: '-', text: await readStdinLimited(io) });
    return;
  }
  const abs = resolve(io.cwd, arg);
  let st;
  try {
    st = await stat(abs);
  } catch {
    throw new IoError(`cannot read ${arg}: no such file or directory`);
  }
  if (st.isDirectory()) {
    const entries = (await readdir(abs, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
      .map((e) => join(e.parentPath, e.name))
      .sort();
    for (const p of entries)
      out.push({ file: relative(io.cwd, p) || p, text: await readBytes(p, relative(io.cwd, p) || p) });
    return;
  }
  out.push({ file: arg, text: await readBytes(abs, arg) });
}

async function readBytes(path: string, shown: string): Promise<Uint8Array> {
  try {
    return await readInputFile(path, shown);
  } catch (err) {
    if (err instanceof InputTooLargeError) throw new IoError(err.message);
    throw new IoError(`cannot read ${shown}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

class IoError extends Error {}

function findingLine(f: MigrateFinding): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}:${f.column ?? 1}` : ''}: ` : '';
  const what = f.resource ? ` [${f.resource.kind} ${f.resource.namespace}/${f.resource.name}]` : '';
  return `${where}${f.severity} ${f.rule}${what}: ${f.message}`;
}

export const run: Command = async (argv, io) => {
  const args = parseArgs(argv, {
    waypoint: { type: 'string' },
    target: { type: 'string' },
    'keep-sidecar-principal': { type: 'string', multiple: true },
    output: { type: 'string', short: 'o', default: 'yaml' },
    ...VERSION_FLAGS,
  });
  const { values, positionals } = args;
  const output = String(values.output);
  if (output !== 'yaml' && output !== 'json') throw new UsageError(`-o must be yaml or json, not ${output}`);
  const target = values.target;
  if (target !== undefined && target !== 'service' && target !== 'gateway')
    throw new UsageError(`--target must be service or gateway, not ${String(target)}`);
  if (!positionals.length) throw new UsageError('no input: give files, directories or - for stdin (see --help)');
  const waypoint = values.waypoint;
  if (waypoint !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(String(waypoint)))
    throw new UsageError(`--waypoint must be a DNS label, not ${String(waypoint)}`);
  const keep = (values['keep-sidecar-principal'] as string[] | undefined) ?? [];
  // No conversion differs between the lines yet; the versions are checked and named so a report says what it is for.
  const versions = await versionsFromFlags(values, io.cwd);

  const inputs: SourceInput[] = [];
  try {
    for (const p of positionals) await collect(p, io, inputs);
  } catch (err) {
    if (err instanceof IoError) {
      io.stderr(`ambient-atlas migrate: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }

  const options: MigrateOptions = {
    ...(waypoint ? { waypointName: String(waypoint) } : {}),
    ...(target ? { target } : {}),
    ...(keep.length ? { keepSidecarPrincipals: keep } : {}),
  };
  const result = migrateSources(inputs, options);
  if (output === 'json') {
    io.stdout(
      JSON.stringify(
        {
          version: 1,
          ...versions,
          manifests: result.manifests,
          findings: result.findings.map((f) => ({
            rule: f.rule,
            severity: f.severity,
            message: f.message,
            resource: f.resource ?? null,
            ...(f.file !== undefined ? { file: f.file, line: f.line ?? null, column: f.column ?? null } : {}),
            ...(f.path !== undefined ? { path: f.path } : {}),
          })),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.stdout(result.manifests.length ? toYaml(result.manifests) : '');
    for (const f of result.findings) io.stderr(findingLine(f) + '\n');
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of result.findings) counts[f.severity]++;
    io.stderr(
      `migrate: ${result.resources} input resources → ${result.manifests.length} manifests; ${counts.error} blocker(s), ${counts.warning} warning(s), ${counts.info} note(s).\n`,
    );
  }
  return result.blockers > 0 ? EXIT.findings : EXIT.ok;
};
