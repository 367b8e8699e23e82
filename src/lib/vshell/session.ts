import type { StoredObject } from './cluster.ts';
import type { OutputMark } from './marks.ts';
import type { TrafficRecord } from './traffic.ts';
import type { ShellContext } from './types.ts';

/** Mutable working copy of the state while one input runs (objects are replaced, never mutated in place). */
export interface Session {
  objects: readonly StoredObject[];
  env: Record<string, string>;
  readonly ctx: ShellContext;
  readonly now: number;
  readonly random: () => number;
  /** Requests made so far (appended by curl, traffic.ts); a Session without it records nothing. */
  traffic?: TrafficRecord[];
}

export interface Io {
  readonly stdin: string;
  /** `marks`: words of the shell's own hints in `text` that name an enforcement point (marks.ts). */
  out(text: string, marks?: readonly OutputMark[]): void;
  err(text: string, marks?: readonly OutputMark[]): void;
}

export type Program = (s: Session, argv: string[], io: Io) => Promise<number> | number;

/** Find a manifest by what the user typed after `-f`: exact key, `./`-relative, a suffix, or an alias. */
export function findFile(ctx: ShellContext, name: string): { key: string; text: string } | undefined {
  const n = name.replace(/^\.\//, '');
  if (ctx.files[n] !== undefined) return { key: n, text: ctx.files[n]! };
  const alias = ctx.aliases?.[n] ?? ctx.aliases?.[n.replace(/\.ya?ml$/, '')];
  if (alias !== undefined && ctx.files[alias] !== undefined) return { key: alias, text: ctx.files[alias]! };
  const hits = Object.keys(ctx.files).filter((k) => k.endsWith(`/${n}`));
  if (hits.length === 1) return { key: hits[0]!, text: ctx.files[hits[0]!]! };
  return undefined;
}

export function fileNames(ctx: ShellContext): string[] {
  return [...Object.keys(ctx.files), ...Object.keys(ctx.aliases ?? {})].sort();
}
