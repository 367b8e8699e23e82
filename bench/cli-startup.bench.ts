import { spawnSync } from 'node:child_process';
import type { Bench } from './harness.ts';

// `ambient-atlas --help` must feel instant (target < 300 ms). Compared with a bare `node -e ''` start in the
// same run, so the ratio shows our own cost independent of how loaded the machine is.
const bench: Bench = async () => {
  const run = (args: string[]) => {
    const t0 = performance.now();
    spawnSync(process.execPath, args, { stdio: 'ignore' });
    return performance.now() - t0;
  };
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const bare = median(Array.from({ length: 7 }, () => run(['-e', ''])));
  const help = median(Array.from({ length: 7 }, () => run(['bin/ambient-atlas.mjs', '--help'])));
  return [
    {
      name: 'ambient-atlas --help',
      value: help,
      unit: 'ms',
      target: '< 300 ms',
      ok: help < 300,
      ratio: { value: help / bare, against: 'bare node start' },
    },
  ];
};
export default bench;
