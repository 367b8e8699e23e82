// Files and stdin for `lint`, read as streams and split into documents as they arrive (documents.ts). Node-only.
import { open } from 'node:fs/promises';
import { LIMITS } from '../lib/model/limits.ts';
import { DocumentSplitter } from './documents.ts';
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
      `cannot read ${shown}: the inputs of one run may hold ${MAX_STREAM_INPUT / 2 ** 20} MiB together (the ` +
        'model keeps them all in memory), and this one passes that; lint them in separate runs.',
    );
  }
}

/**
 * The bytes of `stream` split into documents. Stops reading (which destroys the stream, cutting off a producer)
 * once the input is refused or passes `limit` bytes (InputTooLargeError, exit 2).
 */
export async function splitStream(
  stream: AsyncIterable<Uint8Array | string>,
  file: string,
  budget = new ReadBudget(),
): Promise<SplitInput> {
  const splitter = new DocumentSplitter(file, LIMITS.maxInputSize - 64);
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.length;
    if (total > budget.left) throw budget.tooLarge(file === '-' ? '- (stdin)' : file, undefined);
    splitter.push(bytes);
    if (!splitter.wantsMore) break;
  }
  budget.left -= total;
  return { ...splitter.end(), bytes: total };
}

/** A file split into documents; a regular file over `limit` is refused by its size before any byte is read. */
export async function splitFile(path: string, shown: string, budget = new ReadBudget()): Promise<SplitInput> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isFile() && info.size > budget.left) throw budget.tooLarge(shown, info.size);
    return await splitStream(handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 }), shown, budget);
  } finally {
    await handle.close();
  }
}

/** stdin split into documents: streamed when the io can stream it, else what `readStdin` returns. */
export async function splitStdin(io: CliIo, budget = new ReadBudget()): Promise<SplitInput> {
  if (io.stdinStream) return splitStream(io.stdinStream(), '-', budget);
  const bytes = await readStdinLimited(io, budget.left);
  return splitStream(
    (async function* () {
      yield bytes;
    })(),
    '-',
    budget,
  );
}
