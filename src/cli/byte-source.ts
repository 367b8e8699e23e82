// The bytes of one input, to be read again by range when a finding needs a position in a document whose text the
// lint pipeline did not keep (lint-stream.ts, issue #18). A regular file is read again where it is; stdin and
// other streams are spooled to a temporary file as they arrive, so what stays in memory is a file descriptor.
// Node-only.
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The buffer reads go to, shared by every source (one read at a time). */
let buffer = new Uint8Array(64 * 1024);

export class ByteSource {
  /** The name findings give this input. */
  readonly shown: string;
  readonly #path: string;
  readonly #spoolDir: string | undefined;
  /** What the file was when it was read (size and modification time); undefined for a spool. */
  readonly #stamp: { readonly size: number; readonly mtimeMs: number } | undefined;
  #fd: number | undefined;
  #written = 0;
  /** Some range has been read again. */
  #used = false;
  /** A read found other bytes than the first read did (the file changed meanwhile). */
  changed = false;

  private constructor(shown: string, path: string, spoolDir?: string, stamp?: { size: number; mtimeMs: number }) {
    this.shown = shown;
    this.#path = path;
    this.#spoolDir = spoolDir;
    this.#stamp = stamp;
  }

  /** A regular file, as `stat` saw it before it was read. */
  static file(shown: string, path: string, stamp: { size: number; mtimeMs: number }): ByteSource {
    return new ByteSource(shown, path, undefined, { size: stamp.size, mtimeMs: stamp.mtimeMs });
  }

  /** A temporary file (mode 0600, in a directory of its own) that `append` fills and `dispose` removes. */
  static spool(shown: string): ByteSource {
    const dir = mkdtempSync(join(tmpdir(), 'ambient-atlas-spool-'));
    const path = join(dir, 'input');
    const source = new ByteSource(shown, path, dir);
    source.#fd = openSync(path, 'w+', 0o600);
    return source;
  }

  append(chunk: Uint8Array): void {
    if (this.#spoolDir === undefined || this.#fd === undefined) throw new Error('append to a file input');
    for (let at = 0; at < chunk.length;) at += writeSync(this.#fd, chunk, at, chunk.length - at, this.#written + at);
    this.#written += chunk.length;
  }

  /**
   * Bytes `start`..`end`, fewer when the file has shrunk since (then `changed` is set). A view of a buffer the next
   * read overwrites: thousands of small buffers, one per read, made the garbage collector's young-generation passes
   * a hundred times slower.
   */
  read(start: number, end: number): Uint8Array {
    const fd = this.#open();
    this.#used = true;
    const want = Math.max(0, end - start);
    if (buffer.length < want) buffer = new Uint8Array(Math.max(want, buffer.length * 2));
    let got = 0;
    while (got < want) {
      const n = readSync(fd, buffer, got, want - got, start + got);
      if (n === 0) break;
      got += n;
    }
    if (got < want) this.changed = true;
    return buffer.subarray(0, got);
  }

  /**
   * Whether what was read again is what was read first: the file's size and modification time are as they were
   * (a spool always is; a file never read again does not matter).
   */
  unchanged(): boolean {
    if (this.changed) return false;
    if (!this.#stamp || !this.#used) return true;
    try {
      const info = fstatSync(this.#open());
      return info.size === this.#stamp.size && info.mtimeMs === this.#stamp.mtimeMs;
    } catch {
      return false;
    } finally {
      this.release();
    }
  }

  /** A file gives its descriptor back (the next read opens it again): a run may read thousands of files. */
  release(): void {
    if (this.#spoolDir !== undefined || this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  /** Done with: the descriptor closed, a spool removed. */
  dispose(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#spoolDir !== undefined) rmSync(this.#spoolDir, { recursive: true, force: true });
  }

  #open(): number {
    if (this.#fd === undefined) {
      if (this.#spoolDir !== undefined) throw new Error('read of a disposed spool');
      this.#fd = openSync(this.#path, 'r');
    }
    return this.#fd;
  }
}
