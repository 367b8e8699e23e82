// Files and stdin for `lint`, read as streams and split into documents as they arrive (documents.ts). Node-only.
import { open } from 'node:fs/promises';
import { LIMITS } from '../lib/model/limits.ts';
import { DocumentSplitter } from './documents.ts';
import type { LintStream } from './lint-stream.ts';
import type { CliIo } from './io.ts';
import { InputTooLargeError, MAX_STREAM_INPUT, readStdinLimited, UsageError } from './io.ts';

/** A split input: its documents (units), the problems found while splitting it, and the bytes read. */
export type SplitInput = ReturnType<DocumentSplitter['end']> & { readonly bytes: number };

/** What the inputs of one run may still read: MAX_STREAM_INPUT for all of them together. */
export class ReadBudget {
  left = MAX_STREAM_INPUT;

  /** The error for `shown` passing the budget: per input for the first one, for all of them after that. */
  tooLarge(shown: string, size: number | undefined): UsageError {
    if (this.left >= MAX_STREAM_INPUT) return new InputTooLargeError(shown, size, MAX_STREAM_INPUT);
    return new UsageError(
      `cannot read ${shown}: the inputs of one run may hold ${MAX_STREAM_INPUT / 2 ** 20} MiB together, and ` +
        'this one passes that; lint them in separate runs.',
    );
  }
}

/**
 * The bytes of `stream` split into documents: into `lint` as they are found when given (then the result's lists
 * are empty), else collected. Stops reading (which destroys the stream, cutting off a producer) once the input is
 * refused or passes the budget (InputTooLargeError, exit 2). `file`: how `lint` can read the input again (a
 * regular file); without it `lint` spools what is read.
 */
export async function splitStream(
  stream: AsyncIterable<Uint8Array | string>,
  shown: string,
  budget = new ReadBudget(),
  lint?: LintStream,
  file?: { path: string; size: number; mtimeMs: number },
): Promise<SplitInput> {
  const into = lint?.begin(shown, file);
  const splitter = new DocumentSplitter(shown, LIMITS.maxInputSize - 64, lint);
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.length;
    if (total > budget.left) throw budget.tooLarge(shown === '-' ? '- (stdin)' : shown, undefined);
    into?.spool?.(bytes);
    splitter.push(bytes);
    if (!splitter.wantsMore) break;
  }
  budget.left -= total;
  const split = splitter.end();
  lint?.end();
  return { ...split, bytes: total };
}

/** A file split into documents; a regular file over the budget is refused by its size before any byte is read. */
export async function splitFile(
  path: string,
  shown: string,
  budget = new ReadBudget(),
  lint?: LintStream,
): Promise<SplitInput> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isFile() && info.size > budget.left) throw budget.tooLarge(shown, info.size);
    const stream = handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 });
    const file = info.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : undefined;
    return await splitStream(stream, shown, budget, lint, file);
  } finally {
    await handle.close();
  }
}

/** stdin split into documents: streamed when the io can stream it, else what `readStdin` returns. */
export async function splitStdin(io: CliIo, budget = new ReadBudget(), lint?: LintStream): Promise<SplitInput> {
  if (io.stdinStream) return splitStream(io.stdinStream(), '-', budget, lint);
  const bytes = await readStdinLimited(io, budget.left);
  return splitStream(
    (async function* () {
      yield bytes;
    })(),
    '-',
    budget,
    lint,
  );
}
