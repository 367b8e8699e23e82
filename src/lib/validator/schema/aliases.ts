// Kind versions newer than the generated @kubernetes-models validators, checked as the older version whose schema
// they repeat, plus the constraints where the two differ. Gateway API v1.6.1 (../shared/crds/gateway-api-v1.6.1,
// config/crd/{standard,experimental}/gateway.networking.k8s.io_{tcp,udp}routes.yaml) serves TCPRoute and UDPRoute
// `v1` with the `v1alpha2` schema except `spec.rules` maxItems 1 (was 16; the unique-rule-name CEL rule is gone,
// which one rule satisfies anyway). tests/unit/validator-differential.test.ts compares these verdicts with the CRDs.
import type { JsonValue } from '../../model/types.ts';
import { structuralValidator } from './validators.ts';
import type { AjvError, StructuralValidator } from './validators.ts';

export interface Alias {
  /** The apiVersion whose validator and known-field tree are used. */
  readonly apiVersion: string;
  readonly validator: StructuralValidator | undefined;
}

const isObj = (v: JsonValue | undefined): v is { [k: string]: JsonValue } =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** `spec.rules` has at most `max` items, reported the way ajv reports maxItems. */
function rulesAtMost(max: number, base: StructuralValidator | undefined): StructuralValidator {
  return (data, keysOf) => {
    const errors: AjvError[] = [];
    if (isObj(data as JsonValue)) {
      const spec = (data as { [k: string]: JsonValue }).spec;
      const rules = isObj(spec) ? spec.rules : undefined;
      if (Array.isArray(rules) && rules.length > max)
        errors.push({ instancePath: '/spec/rules', keyword: 'maxItems', params: { limit: max } });
    }
    return base ? [...base(data, keysOf), ...errors] : errors;
  };
}

function swapped(apiVersion: string, kind: string): StructuralValidator | undefined {
  const v = structuralValidator(apiVersion, kind);
  if (!v) return undefined;
  return (data, keysOf) =>
    v(data !== null && typeof data === 'object' && !Array.isArray(data) ? { ...data, apiVersion } : data, keysOf);
}

const GA = 'gateway.networking.k8s.io';
const ALIASES: Readonly<Record<string, () => Alias>> = {
  [`${GA}/v1|TCPRoute`]: () => ({
    apiVersion: `${GA}/v1alpha2`,
    validator: rulesAtMost(1, swapped(`${GA}/v1alpha2`, 'TCPRoute')),
  }),
  [`${GA}/v1|UDPRoute`]: () => ({
    apiVersion: `${GA}/v1alpha2`,
    validator: rulesAtMost(1, swapped(`${GA}/v1alpha2`, 'UDPRoute')),
  }),
};

/** The alias for `apiVersion|kind`, when that version has no validator of its own. */
export function aliasOf(apiVersion: string, kind: string): Alias | undefined {
  const key = `${apiVersion}|${kind}`;
  return Object.prototype.hasOwnProperty.call(ALIASES, key) ? ALIASES[key]!() : undefined;
}
