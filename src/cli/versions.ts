// `--istio` / `--gateway-api` for the commands that do not take lint's CI flags (simulate, migrate): the flags over
// the config file's `istio` / `gatewayApi` (DESIGN §4.5a), an unknown value a usage error listing the known ones.
import { resolveVersions } from '../lib/versions.ts';
import type { Versions } from '../lib/versions.ts';
import { loadConfig } from './config.ts';
import { UsageError } from './io.ts';

export const VERSION_FLAGS = {
  istio: { type: 'string' },
  'gateway-api': { type: 'string' },
  config: { type: 'string' },
} as const;

export const VERSION_HELP = `  --istio 1.30|1.31      Istio line the answers are for (default 1.31, or the config file's)
  --gateway-api 1.5|1.6  Gateway API line (default: the one the Istio line is built on)
  --config FILE          config file with istio / gatewayApi (default: the nearest .ambient-atlas.yaml)`;

export async function versionsFromFlags(
  values: { istio?: unknown; 'gateway-api'?: unknown; config?: unknown },
  cwd: string,
): Promise<Versions> {
  const istio = typeof values.istio === 'string' ? values.istio : undefined;
  const gatewayApi = typeof values['gateway-api'] === 'string' ? values['gateway-api'] : undefined;
  // The flags are checked before the config is read, so `--istio 9` names the flag.
  const flags = resolveVersions(istio, gatewayApi);
  if ('error' in flags)
    throw new UsageError(
      `${'error' in resolveVersions(istio, undefined) ? '--istio' : '--gateway-api'}: ${flags.error}`,
    );
  const loaded = await loadConfig(cwd, typeof values.config === 'string' ? values.config : undefined);
  const v = resolveVersions(istio ?? loaded?.config.istio, gatewayApi ?? loaded?.config.gatewayApi);
  if ('error' in v) throw new UsageError(v.error);
  return { istio: v.istio, gatewayApi: v.gatewayApi };
}
