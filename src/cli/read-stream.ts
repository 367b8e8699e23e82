// Files and stdin for `lint`, read as streams and split into documents as they arrive (documents.ts). Node-only.
import { open } from 'node:fs/promises';
import { LIMITS } from '../lib/model/limits.ts';
import { DocumentSplitter } from './documents.ts';
import type { CliIo } from './io.ts';
import { InputTooLargeError, MAX_STREAM_INPUT, readStdinLimited } from './io.ts';

/** A split input: its documents (units) and the problems found while splitting it. */
export type SplitInput = ReturnType<DocumentSplitter['end']>;

/**
 * The bytes of `stream` split into documents. Stops reading (which destroys the stream, cutting off a producer)
 * once the input is refused or passes `limit` bytes (InputTooLargeError, exit 2).
 */
export async function splitStream(
  stream: AsyncIterable<Uint8Array | string>,
  file: string,
  limit = MAX_STREAM_INPUT,
): Promise<SplitInput> {
  const splitter = new DocumentSplitter(file, LIMITS.maxInputSize - 64);
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.length;
    if (total > limit) throw new InputTooLargeError(file === '-' ? '- (stdin)' : file, undefined, limit);
    splitter.push(bytes);
    if (!splitter.wantsMore) break;
  }
  return splitter.end();
}

/** A file split into documents; a regular file over `limit` is refused by its size before any byte is read. */
export async function splitFile(path: string, shown: string, limit = MAX_STREAM_INPUT): Promise<SplitInput> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isFile() && info.size > limit) throw new InputTooLargeError(shown, info.size, limit);
    return await splitStream(handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 }), shown, limit);
  } finally {
    await handle.close();
  }
}

/** stdin split into documents: streamed when the io can stream it, else what `readStdin` returns. */
export async function splitStdin(io: CliIo, limit = MAX_STREAM_INPUT): Promise<SplitInput> {
  if (io.stdinStream) return splitStream(io.stdinStream(), '-', limit);
  const bytes = await readStdinLimited(io, limit);
  return splitStream(
    (async function* () {
      yield bytes;
    })(),
    '-',
    limit,
  );
}
