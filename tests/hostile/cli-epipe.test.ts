// A reader that stops early (`ambient-atlas lint … | head`) must not turn into a stack trace: the CLI ends
// quietly with the exit status of what it found so far.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/ambient-atlas.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hostile-epipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stdout closed by the reader', () => {
  it('lint ends without a stack trace when its reader goes away after the first line', async () => {
    // Thousands of findings: far more output than a pipe buffer holds, so writes continue after the close.
    const docs = Array.from(
      { length: 5000 },
      (_, i) => `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}, namespace: default}\nspec: {ports: x}`,
    );
    writeFileSync(join(dir, 'many.yaml'), docs.join('\n---\n'));
    const child = spawn(process.execPath, [BIN, 'lint', 'many.yaml'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(1);
  }, 60_000);
});
