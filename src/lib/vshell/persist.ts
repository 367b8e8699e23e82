/**
 * Saving the virtual cluster per lab (the island stores it in localStorage). The key carries a format version;
 * anything that does not parse back into a well-formed state is discarded, never trusted.
 */
import type { JsonObject } from '../model/types.ts';
import { restoreTraffic } from './traffic.ts';
import type { ShellState } from './types.ts';

export const STORAGE_VERSION = 1;
/** Stored states larger than this are refused (localStorage quotas are ~5 MB per origin). */
export const MAX_STORED = 1024 * 1024;

export function storageKey(lab: string): string {
  return `ambient-atlas:vshell:v${STORAGE_VERSION}:${lab}`;
}

export function serializeState(state: ShellState): string {
  return JSON.stringify(state);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The state in `text`, or undefined when it is missing, corrupt, for another lab or another format version. */
export function restoreState(text: string | null | undefined, lab: string): ShellState | undefined {
  if (!text || text.length > MAX_STORED) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(v) || v['version'] !== STORAGE_VERSION || v['lab'] !== lab) return undefined;
  const objects = v['objects'];
  const history = v['history'];
  const env = v['env'];
  if (
    !Array.isArray(objects) ||
    !objects.every(
      (o) =>
        isObject(o) &&
        typeof o['kind'] === 'string' &&
        isObject(o['metadata']) &&
        typeof o['metadata']['name'] === 'string',
    )
  )
    return undefined;
  if (!Array.isArray(history) || !history.every((h) => typeof h === 'string')) return undefined;
  if (!isObject(env) || !Object.values(env).every((x) => typeof x === 'string')) return undefined;
  // Traffic is a convenience (log lines): a malformed list is dropped on its own, the cluster is kept.
  const traffic = restoreTraffic(v['traffic']);
  return {
    version: 1,
    lab,
    objects: objects as JsonObject[],
    history: history as string[],
    env: env as Record<string, string>,
    ...(traffic?.length ? { traffic } : {}),
  };
}
