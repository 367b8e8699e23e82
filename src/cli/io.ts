import { open } from 'node:fs/promises';
import { LIMITS } from '../lib/model/limits.ts';

/** What a command needs from the process, so commands are testable without spawning. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** All of stdin; may stop with `InputTooLargeError` once more than `limit` bytes arrive. */
  readonly readStdin: (limit: number) => Promise<Uint8Array>;
  /**
   * stdin as a stream, for commands that read input of any size (lint). Without it they fall back to `readStdin`
   * (tests give a string).
   */
  readonly stdinStream?: () => AsyncIterable<Uint8Array | string>;
  readonly cwd: string;
  readonly color: boolean;
}

export type Command = (argv: string[], io: CliIo) => Promise<number>;

export class UsageError extends Error {}

/** Exit codes shared by every subcommand (DESIGN §4). */
export const EXIT = { ok: 0, findings: 1, usage: 2, noDocker: 3 } as const;

/**
 * The most `lint` reads in one run: all files and stdin together (and a cluster's list responses). Each document
 * must also fit the model's per-input limit (`LIMITS.maxInputSize`). The bound is what one process can hold: the
 * model keeps every document's text and objects, about 10× the input in memory for a kubectl dump (measured in
 * bench/cli-huge.bench.ts: 200 MiB → ≈ 2 GiB), and Node's default heap stops near 4 GiB, where the process would
 * die without a useful message.
 */
export const MAX_STREAM_INPUT = 320 * 1024 * 1024;

/**
 * Input bigger than the model accepts (`LIMITS.maxInputSize`) is refused before it is read: a file by its size,
 * a pipe or stdin as soon as the bytes read pass the limit. Reading a 1.9 GB file whole only to refuse it took
 * 4 GB of memory (issue #15). A usage error: exit 2 with this message, never a stack trace.
 */
export class InputTooLargeError extends UsageError {
  constructor(shown: string, size: number | undefined, limit: number) {
    super(
      `cannot read ${shown}: ${size === undefined ? 'more than' : formatBytes(size) + ', over'} the limit of ` +
        `${formatBytes(limit)} per input; split it into smaller files.`,
    );
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** The bytes of `stream`, stopping with `InputTooLargeError` once they pass `limit` (the rest is never read). */
export async function readStreamLimited(
  stream: AsyncIterable<Uint8Array | string>,
  limit: number,
  shown: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.length;
    // Leaving the loop destroys the stream, so a producer writing gigabytes into the pipe is cut off here.
    if (total > limit) throw new InputTooLargeError(shown, undefined, limit);
    chunks.push(bytes);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A file's bytes, within `limit`. A regular file is refused by its size (fstat) before any byte is read; anything
 * else (a FIFO, `/dev/stdin`, a character device) is read as a stream with a running count. Other errors
 * (missing, unreadable) are thrown as they come, for the caller to word.
 */
export async function readInputFile(path: string, shown: string, limit = LIMITS.maxInputSize): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isFile() && info.size > limit) throw new InputTooLargeError(shown, info.size, limit);
    // Streamed even when the size is known: a file that grows after the check is still cut off at the limit.
    return await readStreamLimited(handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 }), limit, shown);
  } finally {
    await handle.close();
  }
}

/** stdin within the input limit, whatever `io.readStdin` does with the limit it is given. */
export async function readStdinLimited(io: CliIo, limit = LIMITS.maxInputSize): Promise<Uint8Array> {
  const bytes = await io.readStdin(limit);
  if (bytes.length > limit) throw new InputTooLargeError('- (stdin)', bytes.length, limit);
  return bytes;
}
