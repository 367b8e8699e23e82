// The Istio and Gateway API lines a run models (DESIGN §4.5a). Only named, validated and echoed so far: the rules
// and the simulator do not branch on them yet (issue #17). One list here, so flags and config files agree.

export const ISTIO_VERSIONS = ['1.30', '1.31'] as const;
export const GATEWAY_API_VERSIONS = ['1.5', '1.6'] as const;

export type IstioVersion = (typeof ISTIO_VERSIONS)[number];
export type GatewayApiVersion = (typeof GATEWAY_API_VERSIONS)[number];

export const DEFAULT_ISTIO: IstioVersion = '1.31';

/** The Gateway API line an Istio release is built on: the default when only `istio` is given. */
export const GATEWAY_API_OF_ISTIO: Readonly<Record<IstioVersion, GatewayApiVersion>> = { '1.30': '1.5', '1.31': '1.6' };

export function isIstioVersion(v: unknown): v is IstioVersion {
  return typeof v === 'string' && (ISTIO_VERSIONS as readonly string[]).includes(v);
}

export function isGatewayApiVersion(v: unknown): v is GatewayApiVersion {
  return typeof v === 'string' && (GATEWAY_API_VERSIONS as readonly string[]).includes(v);
}

/**
 * A version as users write it: YAML reads `istio: 1.30` as the number 1.3, so numbers are taken by their shortest
 * spelling and a one-digit minor gets its zero back (1.3 → 1.30); `v1.6` and patch levels (`1.31.2`) are accepted.
 */
export function normalizeVersion(v: unknown, kind: 'istio' | 'gatewayApi'): string {
  let s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (s.startsWith('v')) s = s.slice(1);
  const parts = s.split('.');
  if (parts.length >= 2) s = `${parts[0]}.${parts[1]}`;
  if (kind === 'istio' && typeof v === 'number' && /^1\.\d$/.test(s)) s += '0';
  return s;
}

/** `--istio` / `--gateway-api` / config values resolved with their defaults, or a message naming the known ones. */
export function resolveVersions(
  istio: unknown,
  gatewayApi: unknown,
): { istio: IstioVersion; gatewayApi: GatewayApiVersion } | { error: string } {
  const i = istio === undefined ? DEFAULT_ISTIO : normalizeVersion(istio, 'istio');
  if (!isIstioVersion(i))
    return { error: `unknown Istio version ${JSON.stringify(String(istio))}: known are ${ISTIO_VERSIONS.join(', ')}` };
  const g = gatewayApi === undefined ? GATEWAY_API_OF_ISTIO[i] : normalizeVersion(gatewayApi, 'gatewayApi');
  if (!isGatewayApiVersion(g))
    return {
      error: `unknown Gateway API version ${JSON.stringify(String(gatewayApi))}: known are ${GATEWAY_API_VERSIONS.join(', ')}`,
    };
  return { istio: i, gatewayApi: g };
}
