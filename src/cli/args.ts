import { parseArgs as nodeParseArgs } from 'node:util';
import { UsageError } from './io.ts';

type Spec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }
>;

/** node:util parseArgs with our error type, so every command reports bad flags the same way (exit 2). */
export function parseArgs<T extends Spec>(argv: string[], options: T) {
  try {
    return nodeParseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.replace(/^TypeError \[[A-Z_]+\]: /, '') : String(err));
  }
}
