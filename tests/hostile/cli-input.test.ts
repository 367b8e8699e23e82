// Over-limit input on the CLI (issue #15): refused before it is read (a file by its size, a stream as soon as it
// passes the limit) with a usage/I-O error, exit 2 and no stack trace. Sparse files and generated streams keep
// the tests cheap: nothing big is written to disk or held in memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run as lint } from '../../src/cli/commands/lint.ts';
import { run as migrate } from '../../src/cli/commands/migrate.ts';
import { loadInputs } from '../../src/cli/commands/simulate.ts';
import type { CliIo, Command } from '../../src/cli/io.ts';
import {
  InputTooLargeError,
  MAX_STREAM_INPUT,
  readInputFile,
  readStreamLimited,
  UsageError,
} from '../../src/cli/io.ts';
import { ReadBudget, splitStream } from '../../src/cli/read-stream.ts';
import { LIMITS } from '../../src/lib/model/limits.ts';

const HANG_GUARD = 20_000;
const BIN = fileURLToPath(new URL('../../bin/ambient-atlas.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hostile-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 1.9 GB file that takes no disk space. */
function sparse(name: string, bytes = 1900 * 1024 * 1024): string {
  const path = join(dir, name);
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return path;
}

/** Zeros (or `fill`) forever, in 64 KiB chunks; records whether the reader stopped it. */
function endless(fill = 0): { chunks: AsyncGenerator<Uint8Array>; stopped: () => boolean } {
  let stopped = false;
  async function* gen(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) yield new Uint8Array(64 * 1024).fill(fill);
    } finally {
      stopped = true;
    }
  }
  return { chunks: gen(), stopped: () => stopped };
}

async function cli(
  command: Command,
  argv: string[],
  readStdin: CliIo['readStdin'] = async () => new Uint8Array(),
  stdinStream?: CliIo['stdinStream'],
) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readStdin,
    ...(stdinStream ? { stdinStream } : {}),
    cwd: dir,
    color: false,
  };
  let code: number;
  try {
    code = await command(argv, io);
  } catch (e) {
    // main() turns a UsageError into exit 2 with its message; anything else would be a stack trace.
    if (!(e instanceof UsageError)) throw e;
    code = 2;
    err += e.message;
  }
  return { code, out, err };
}

function spawnCli(args: string[], stdin?: (write: (chunk: Uint8Array) => boolean, end: () => void) => void) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    child.stdin.on('error', () => {}); // EPIPE once the CLI has refused the input and exited
    if (stdin)
      stdin(
        (c) => child.stdin.write(c),
        () => child.stdin.end(),
      );
    else child.stdin.end();
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('input over the limit on the CLI', () => {
  it(
    'lint: a 1.9 GB file is refused by its size, exit 2',
    async () => {
      const big = sparse('big.yaml');
      const r = await cli(lint, ['big.yaml']);
      expect(r.code).toBe(2);
      // lint streams its input (issue #18): its bound is MAX_STREAM_INPUT, not the model's per-input 8 MiB.
      expect(r.err).toMatch(/^ambient-atlas lint: cannot read big\.yaml: 1\.9 GiB, over the limit of 320\.0 MiB/);
      await expect(readInputFile(big, 'big.yaml')).rejects.toBeInstanceOf(InputTooLargeError);
    },
    HANG_GUARD,
  );

  it(
    'migrate (a directory holding the file) and simulate -f: the same refusal, exit 2',
    async () => {
      const sub = mkdtempSync(join(dir, 'tree-'));
      const big = join(sub, 'big.yaml');
      writeFileSync(big, '');
      truncateSync(big, 1900 * 1024 * 1024);
      const m = await cli(migrate, [sub]);
      expect(m.code).toBe(2);
      expect(m.err).toMatch(/big\.yaml: 1\.9 GiB, over the limit/);
      await expect(loadInputs([big], { ...ioStub(), cwd: dir })).rejects.toThrow(/over the limit/);
    },
    HANG_GUARD,
  );

  it(
    'stdin: an endless stream is cut off at the limit, exit 2',
    async () => {
      // lint reads stdin as a stream (issue #18); an endless one is cut off at the bound it is given.
      const src = endless(0x61);
      // A budget that earlier inputs of the run have used up but 8 MiB of.
      const budget = Object.assign(new ReadBudget(), { left: LIMITS.maxInputSize });
      await expect(splitStream(src.chunks, '-', budget)).rejects.toThrow(
        /cannot read - \(stdin\): the inputs of one run may hold 320 MiB together/,
      );
      expect(src.stopped()).toBe(true);
      // Through the command, the zeros are refused at the first NUL: one finding, and the stream is stopped.
      const zeros = endless();
      const r = await cli(
        lint,
        ['-'],
        async () => new Uint8Array(),
        () => zeros.chunks,
      );
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/NUL character/);
      expect(zeros.stopped()).toBe(true);
    },
    HANG_GUARD,
  );

  it('stdin: an io whose readStdin ignores the limit is still refused', async () => {
    // Never written to: the zero pages of a 512 MiB array cost no memory.
    const r = await cli(lint, ['-'], async () => new Uint8Array(MAX_STREAM_INPUT + 1));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/over the limit/);
  });

  it('input at the limit is read', async () => {
    const doc = new TextEncoder().encode('apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n');
    const src = (async function* () {
      yield doc;
      yield doc;
    })();
    const bytes = await readStreamLimited(src, doc.length * 2, 'x');
    expect(bytes.length).toBe(doc.length * 2);
  });

  it(
    'the real CLI: a sparse 1.9 GB file and 16 MB on stdin end with exit 2 and one line, no stack trace',
    async () => {
      sparse('real.yaml');
      const file = await spawnCli(['lint', 'real.yaml']);
      expect(file.code).toBe(2);
      expect(file.stderr).toMatch(/^ambient-atlas lint: cannot read real\.yaml: 1\.9 GiB, over the limit/);
      expect(file.stderr.trim().split('\n')).toHaveLength(1);
      // 16 MB on stdin is read now (issue #18): one line of it is a document over the per-document limit, which
      // is one finding (exit 1), with nothing on stderr.
      const piped = await spawnCli(['lint', '--format', 'json', '-'], (write, end) => {
        const chunk = new Uint8Array(1024 * 1024).fill(0x61);
        for (let i = 0; i < 16; i++) write(chunk);
        end();
      });
      expect(piped.code).toBe(1);
      expect(piped.stderr).toBe('');
    },
    HANG_GUARD * 2,
  );
});

function ioStub(): CliIo {
  return { stdout: () => {}, stderr: () => {}, readStdin: async () => new Uint8Array(), cwd: dir, color: false };
}
