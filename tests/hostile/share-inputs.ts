/**
 * Hostile and honest playground share links (issue #15), generated, shared by `tests/hostile/share.test.ts` and
 * `bench/hostile.bench.ts`.
 */
import { constants, deflateRawSync } from 'node:zlib';
import { encodeShare } from '../../src/lib/share/index.ts';

/**
 * `#v1.…` whose JSON is `{"yaml":"aaaa…"}` with `mib` MiB of `a`s, built cheaply by repeating one sync-flushed raw
 * DEFLATE stream (~1.4 KB per MiB): 1400 MiB gives a ~1.9 MB fragment, the link reported in the issue (1.4 GB).
 */
export function shareBomb(mib = 1400): string {
  const seg = (b: Uint8Array | string) => deflateRawSync(b, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const body = seg(Buffer.alloc(1 << 20, 0x61));
  // 0x03 0x00: an empty final block (fixed Huffman, end-of-block) closes the stream.
  const parts = [seg('{"yaml":"'), ...Array<Buffer>(mib).fill(body), seg('"}'), Buffer.from([0x03, 0x00])];
  return '#v1.' + Buffer.concat(parts).toString('base64url');
}

/** An honest link of `chars` characters of pseudo-random text (barely compressible: its fragment is ~as long). */
export function honestLink(chars: number): string {
  const abc = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789: -';
  let x = 123456789;
  const out: string[] = [];
  for (let i = 0; i < chars; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push(abc[(x >>> 0) % abc.length]!);
  }
  return '#' + encodeShare({ yaml: out.join('') });
}

/** An honest link (it loads) whose fragment is about `length` characters long. */
export function honestLinkOfLength(length: number): string {
  const probe = honestLink(100_000);
  return honestLink(Math.round((100_000 * length) / probe.length));
}
