import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AtlasConfig } from '../lib/validator/config.ts';
import { UsageError } from './io.ts';

export const CONFIG_FILE = '.ambient-atlas.yaml';

export interface LoadedConfig {
  readonly config: AtlasConfig;
  /** The config file's directory: `ignore` globs are relative to it. */
  readonly dir: string;
  readonly file: string;
}

/** Config files are small; a bigger one is a mistake (or a manifest dump under the wrong name), not a config. */
const MAX_CONFIG_BYTES = 64 * 1024;

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_CONFIG_BYTES)
      throw new UsageError(`${path}: a config file over 64 KiB is not a config file`);
    return bytes.toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${path}: ${code ?? (err as Error).message}`);
  }
}

/**
 * `--config FILE`, else the nearest `.ambient-atlas.yaml` from `cwd` upwards, else none. A config that does not
 * parse or names an unknown key is a usage error naming the file and the key (exit 2).
 */
export async function loadConfig(cwd: string, explicit: string | undefined): Promise<LoadedConfig | undefined> {
  let file: string | undefined;
  let text: string | undefined;
  if (explicit !== undefined) {
    file = resolve(cwd, explicit);
    text = await readIfExists(file);
    if (text === undefined) throw new UsageError(`--config ${explicit}: no such file`);
  } else {
    for (let dir = resolve(cwd); ;) {
      const candidate = join(dir, CONFIG_FILE);
      text = await readIfExists(candidate);
      if (text !== undefined) {
        file = candidate;
        break;
      }
      const up = dirname(dir);
      if (up === dir) return undefined;
      dir = up;
    }
  }
  // zod and the rule registry load only when there is a config to check.
  const { parseConfig } = await import('../lib/validator/config.ts');
  const parsed = parseConfig(text);
  if (!parsed.ok) throw new UsageError(`bad config ${file}:\n  ${parsed.errors.join('\n  ')}`);
  return { config: parsed.config, dir: dirname(file), file };
}
