// `--mesh-config FILE` for lint and simulate: istiod's MeshConfig, read here (Node) and parsed by the browser-safe
// src/lib/ambient/meshconfig.ts. A file istiod would refuse is a usage error (exit 2) naming each problem's
// FILE:LINE:COLUMN; problems istiod tolerates are printed as warnings and the run goes on.
import type { MeshConfig } from '../lib/ambient/meshconfig.ts';
import { MESH_CONFIG_LIMITS, parseMeshConfig } from '../lib/ambient/meshconfig.ts';
import type { CliIo } from './io.ts';
import { readInputFile, UsageError } from './io.ts';
import { resolve } from 'node:path';

export const MESH_CONFIG_FLAGS = { 'mesh-config': { type: 'string' } } as const;

/** The flag's help lines, with descriptions starting at `column` (each command aligns its own table). */
export function meshConfigHelp(column: number): string {
  const pad = ' '.repeat(column);
  return [
    '  --mesh-config FILE'.padEnd(column) +
      "istiod's MeshConfig: a MeshConfig YAML, the istio ConfigMap (data.mesh), Helm values",
    pad + '(meshConfig:) or an IstioOperator; gives the root namespace, trust domain,',
    pad + 'extensionProviders and (1.31) serviceEntryVisibility. Without it, an istio ConfigMap',
    pad + 'among the inputs is used.',
  ].join('\n');
}

/** The parsed `--mesh-config`, or undefined when the flag is absent. */
export async function meshConfigFromFlag(
  values: { 'mesh-config'?: unknown },
  io: Pick<CliIo, 'cwd' | 'stderr'>,
): Promise<MeshConfig | undefined> {
  const file = values['mesh-config'];
  if (file === undefined) return undefined;
  if (typeof file !== 'string' || file === '') throw new UsageError('--mesh-config needs a file name');
  let text: string;
  try {
    const bytes = await readInputFile(resolve(io.cwd, file), file, MESH_CONFIG_LIMITS.maxBytes);
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : err instanceof TypeError
          ? 'not UTF-8 text'
          : err instanceof Error
            ? err.message
            : String(err);
    throw new UsageError(`--mesh-config: cannot read ${file}: ${why}`);
  }
  const { config, errors } = parseMeshConfig(text);
  const at = (e: (typeof errors)[number]) => `${file}:${e.line}:${e.column}: ${e.message}`;
  const fatal = errors.filter((e) => !e.warning);
  if (fatal.length || !config)
    throw new UsageError(
      `--mesh-config: ${file} is not a MeshConfig istiod would load:\n${(fatal.length ? fatal : errors).map(at).join('\n')}`,
    );
  for (const w of errors) io.stderr(`warning: --mesh-config ${at(w)}\n`);
  return config;
}
