import { stringify } from 'yaml';
import type { JsonObject } from '../model/types.ts';

/** Multi-document YAML, one object per document, ready for `kubectl apply -f -`. */
export function toYaml(manifests: readonly JsonObject[]): string {
  return manifests.map((m) => stringify(m, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
