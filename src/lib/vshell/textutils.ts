/** The text filters of the virtual shell (grep, sort, uniq, head, tail, wc, seq): they read stdin only. */
import type { Program } from './session.ts';

function lines(text: string): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

export const TEXT_BUILTINS: Readonly<Record<string, Program>> = {
  grep: (_s, argv, io) => {
    const flags = new Set<string>();
    let pattern: string | undefined;
    for (const a of argv) {
      if (pattern === undefined && /^-[a-zA-Z]+$/.test(a)) for (const c of a.slice(1)) flags.add(c);
      else if (pattern === undefined) pattern = a;
      else {
        io.err('grep: the virtual shell greps its input only (use a pipe)\n');
        return 2;
      }
    }
    if (pattern === undefined) {
      io.err('Usage: grep [-oivcE] PATTERN\n');
      return 2;
    }
    let re: RegExp;
    try {
      // Basic and extended regular expressions are close enough to JavaScript's for the patterns labs use.
      re = new RegExp(
        flags.has('F') ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern.replace(/\\([(){}|+?])/g, '$1'),
        flags.has('i') ? 'gi' : 'g',
      );
    } catch {
      io.err(`grep: invalid regular expression: ${pattern}\n`);
      return 2;
    }
    let count = 0;
    const out: string[] = [];
    for (const line of lines(io.stdin)) {
      re.lastIndex = 0;
      const hit = re.test(line);
      if (hit === flags.has('v')) continue;
      count++;
      if (flags.has('o') && !flags.has('v')) {
        re.lastIndex = 0;
        for (const m of line.matchAll(re)) if (m[0]) out.push(m[0]);
      } else out.push(line);
    }
    if (flags.has('c')) io.out(`${count}\n`);
    else if (!flags.has('q')) io.out(out.map((l) => l + '\n').join(''));
    return count ? 0 : 1;
  },
  sort: (_s, argv, io) => {
    const l = lines(io.stdin).sort();
    if (argv.includes('-r')) l.reverse();
    io.out(l.map((x) => x + '\n').join(''));
    return 0;
  },
  uniq: (_s, argv, io) => {
    const out: [string, number][] = [];
    for (const l of lines(io.stdin)) {
      const last = out[out.length - 1];
      if (last && last[0] === l) last[1]++;
      else out.push([l, 1]);
    }
    io.out(out.map(([l, n]) => (argv.includes('-c') ? `${String(n).padStart(7)} ${l}\n` : `${l}\n`)).join(''));
    return 0;
  },
  head: (_s, argv, io) => {
    const n = Number(/^-n?(\d+)$/.exec(argv.join(''))?.[1] ?? 10);
    io.out(
      lines(io.stdin)
        .slice(0, n)
        .map((x) => x + '\n')
        .join(''),
    );
    return 0;
  },
  tail: (_s, argv, io) => {
    const n = Number(/^-n?(\d+)$/.exec(argv.join(''))?.[1] ?? 10);
    io.out(
      lines(io.stdin)
        .slice(-n)
        .map((x) => x + '\n')
        .join(''),
    );
    return 0;
  },
  wc: (_s, argv, io) => {
    const l = lines(io.stdin).length;
    io.out(
      argv.includes('-l') ? `${l}\n` : `${l} ${io.stdin.split(/\s+/).filter(Boolean).length} ${io.stdin.length}\n`,
    );
    return 0;
  },
  seq: (_s, argv, io) => {
    const nums = argv.map(Number);
    const [a, b] = nums.length >= 2 ? [nums[0]!, nums[1]!] : [1, nums[0] ?? 0];
    if (!Number.isFinite(a) || !Number.isFinite(b) || b - a > 1000) {
      io.err('seq: the virtual shell counts to at most 1000\n');
      return 1;
    }
    for (let i = a; i <= b; i++) io.out(`${i}\n`);
    return 0;
  },
};
