/** A tolerant flag parser in the style of cobra/pflag (kubectl, istioctl): `-n x`, `-nx`, `--namespace=x`, `-it`. */

export interface FlagSpec {
  /** Long name → short letter (or ''), and whether it takes a value. */
  readonly [long: string]: { readonly short?: string; readonly value: boolean; readonly repeat?: boolean };
}

export interface ParsedFlags {
  readonly values: Map<string, string[]>;
  readonly positionals: string[];
  /** Words after `--`. */
  readonly rest: string[] | undefined;
}

export class FlagError extends Error {}

export function parseFlags(argv: readonly string[], spec: FlagSpec): ParsedFlags {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  let rest: string[] | undefined;
  const byShort = new Map<string, string>();
  for (const [long, s] of Object.entries(spec)) if (s.short) byShort.set(s.short, long);
  const set = (long: string, v: string) => values.set(long, [...(values.get(long) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest = argv.slice(i + 1);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const long = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const s = spec[long];
      if (!s) throw new FlagError(`unknown flag: --${long}`);
      if (s.value) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new FlagError(`flag needs an argument: --${long}`);
        set(long, v);
      } else set(long, eq >= 0 ? a.slice(eq + 1) : 'true');
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        const long = byShort.get(ch);
        if (!long) throw new FlagError(`unknown shorthand flag: '${ch}' in ${a}`);
        if (spec[long]!.value) {
          let v = a.slice(j + 1);
          if (v.startsWith('=')) v = v.slice(1);
          if (!v) {
            const next = argv[++i];
            if (next === undefined) throw new FlagError(`flag needs an argument: '${ch}' in -${ch}`);
            v = next;
          }
          set(long, v);
          break;
        }
        set(long, 'true');
      }
      continue;
    }
    positionals.push(a);
  }
  return { values, positionals, rest };
}

export function flag(p: ParsedFlags, long: string): string | undefined {
  const v = p.values.get(long);
  return v?.[v.length - 1];
}

export function flagAll(p: ParsedFlags, long: string): string[] {
  return p.values.get(long) ?? [];
}

export function has(p: ParsedFlags, long: string): boolean {
  const v = flag(p, long);
  return v !== undefined && v !== 'false';
}
