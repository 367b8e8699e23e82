// Hostile inputs (issue #15): each must cost about what a benign input of the same size and the same YAML
// features costs (target ≤ 3×), where it used to cost seconds to minutes. Every case is one entry of CASES: a
// section adds its own entries (name, the two inputs, what to run) and the loop below measures them all alike.
// The last section is the browser half (hostile-browser.ts: share links and keystrokes in Chromium, no task over
// 200 ms for inputs up to 200 KB), run against the built site (dist/ or BENCH_DIST) when there is one.
import { lint } from '../src/lib/validator/index.ts';
import {
  aliasesOfEmpty,
  blockScalarWideMap,
  configMapValues,
  dashStaircase,
  invalidUtf8,
  manyAliases,
  nestedListOf,
  plainManifests,
  quoteInContinuation,
  quoteThenBrackets,
  strayBrackets,
  tabFlood,
} from '../tests/hostile/parse-inputs.ts';
import { REGEX_CASES } from './hostile-regex.ts';
import { SHARE_CASES } from './hostile-share.ts';
import type { Bench, BenchResult } from './harness.ts';
import { hostileBrowser } from './hostile-browser.ts';
import { builtSiteDir, hasBuiltSite } from './site.ts';

export interface HostileCase {
  readonly section: string;
  readonly name: string;
  /** Both inputs, built once before timing. */
  readonly inputs: () => { readonly hostile: unknown; readonly benign: unknown };
  /** What is timed, on either input. */
  readonly run: (input: unknown) => void;
  /** Ratio hostile / benign not to exceed (default 3). */
  readonly target?: number;
  /**
   * Printed with no target: a figure that explains another case's ratio rather than measuring what a hostile
   * feature costs (say why in the case's comment).
   */
  readonly informational?: boolean;
}

const lintText = (text: unknown) => void lint({ file: 'bench.yaml', text: text as string | Uint8Array });

/** Benign twin for inputs that are refused early: ordinary manifests of the same length. */
const withPlainTwin = (hostile: string) => ({ hostile, benign: plainManifests(hostile.length) });

export const CASES: HostileCase[] = [
  {
    section: 'parse',
    name: 'one invalid UTF-8 byte near the end of 457 KB',
    inputs: () => invalidUtf8(),
    run: lintText,
  },
  {
    section: 'parse',
    name: '900 aliases + 20,000 keys',
    inputs: () => manyAliases(),
    run: lintText,
  },
  {
    section: 'parse',
    name: '300 aliases of 300 aliases of an empty collection + 20,000 keys',
    inputs: () => aliasesOfEmpty(),
    run: lintText,
  },
  {
    section: 'parse',
    // Twin: the same bytes as ConfigMaps of 20 keys, each with the same block scalar (parse-inputs.ts): the same
    // reader, block scalars included, and every resource validated and linted. The one difference is a single map
    // of 50,000 distinct keys, which V8 keeps as a hash table: building it, walking it (for…in, Object.keys) and
    // validating it cost per key a few times what the same keys in small objects cost, whoever reads it. The two
    // cases below split the ratio: the block scalar costs nothing (vs. the same map without it), the duplicate
    // key costs nothing either; what remains is what a map that wide costs V8, whichever code reads it (building
    // one object of 50,000 keys alone takes about 10× what the same keys take in 391 objects of 128). That is the
    // price of a valid 50,000-key ConfigMap, not of the attack, so this line is printed without a target; the
    // class's target is the next line, whose twin is that same valid map, as the ConfigMap-numbers twin is below.
    name: 'a block scalar + a map of 50,000 keys (vs. the same bytes as small ConfigMaps)',
    inputs: () => blockScalarWideMap(),
    run: lintText,
    informational: true,
  },
  {
    section: 'parse',
    // What the block scalar itself costs (it once sent the whole document to `yaml`): the case above also measures
    // 50,000 distinct keys against 20 repeated ones, which every reader pays for in string interning.
    name: 'the same block scalar + wide map (vs. the map without the block scalar)',
    inputs: () => {
      const { hostile } = blockScalarWideMap();
      return { hostile, benign: hostile.replace('  script: |\n    echo hi\n', '  script: echo hi\n') };
    },
    run: lintText,
  },
  {
    section: 'parse',
    // Against the same map without the duplicate: the fast reader reads that one, and a duplicate key sends the
    // document to `yaml` (which reports it), so this ratio is what the duplicate costs.
    name: 'the same wide map with a duplicate key at its end (vs. without it)',
    inputs: () => {
      const { duplicate, hostile } = blockScalarWideMap();
      return { hostile: duplicate, benign: hostile };
    },
    run: lintText,
  },
  {
    section: 'parse',
    name: "`name: b 'c` + a million `[`",
    inputs: () => withPlainTwin(quoteThenBrackets()),
    run: lintText,
  },
  {
    section: 'parse',
    name: 'a quote in a plain scalar continuation line + 100,000 `[`',
    inputs: () => withPlainTwin(quoteInContinuation()),
    run: lintText,
  },
  {
    section: 'parse',
    name: '3,000 lines holding only `-`, each indented further',
    inputs: () => withPlainTwin(dashStaircase(3000)),
    run: lintText,
  },
  {
    section: 'parse',
    name: 'a million stray `]` after a document',
    inputs: () => withPlainTwin(strayBrackets()),
    run: lintText,
  },
  {
    section: 'parse',
    name: 'a 1 MB flood of tab-indented lines',
    inputs: () => withPlainTwin(tabFlood(170_000)),
    run: lintText,
  },
  {
    section: 'parse',
    // Twin: the same ConfigMap with string values (`v0`, `v1`…): the same keys, size and reader, every value valid.
    // The hostile one has 20,000 schema errors: each found (schema/validators.ts validates a wide map in chunks, as
    // ajv's error gathering is quadratic in the failing properties of one object), 40 of them made into located
    // findings and the rest counted. A valid map does none of that, so the ratio includes the price of reporting.
    name: 'a ConfigMap with 20,000 number values in data (vs. string values)',
    inputs: () => ({ hostile: configMapValues(20_000, true), benign: configMapValues(20_000, false) }),
    run: lintText,
  },
  {
    section: 'parse',
    name: '2,000 policies in a List in a List in a List (vs. as documents)',
    inputs: () => nestedListOf(2000),
    run: lintText,
  },
];

// The regex section (tests/hostile/regex-inputs.ts): its cases live in hostile-regex.ts.
CASES.push(...REGEX_CASES);

// The share section (tests/hostile/share-inputs.ts): its cases live in hostile-share.ts.
CASES.push(...SHARE_CASES);

/** CPU milliseconds of this process spent in fn (the machines are shared: wall time includes waiting for a core). */
function cpuMs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const RUNS = 5;

const bench: Bench = async () => {
  // HOSTILE_SECTION=parse runs one section; HOSTILE_CASE=words runs the cases whose name holds those words.
  const only = process.env.HOSTILE_SECTION;
  const named = process.env.HOSTILE_CASE?.toLowerCase();
  const results: BenchResult[] = [];
  for (const c of CASES) {
    if (only && c.section !== only) continue;
    if (named && !c.name.toLowerCase().includes(named)) continue;
    const { hostile, benign } = c.inputs();
    c.run(hostile);
    c.run(benign);
    // Best of interleaved runs: drift on a loaded machine hits both sides alike.
    let h = Infinity;
    let b = Infinity;
    for (let i = 0; i < RUNS; i++) {
      h = Math.min(
        h,
        cpuMs(() => c.run(hostile)),
      );
      b = Math.min(
        b,
        cpuMs(() => c.run(benign)),
      );
    }
    const target = c.target ?? 3;
    const ratio = h / Math.max(b, 0.01);
    const against = `a benign input of the same size (${b.toFixed(0)} ms)`;
    results.push({
      name: `${c.section}: ${c.name}`,
      value: h,
      unit: 'ms CPU',
      ...(c.informational
        ? { ratio: { value: ratio, against: `${against}; informational, see the case's comment` } }
        : { ratio: { value: ratio, against, target: `≤ ${target}×` }, ok: ratio <= target }),
    });
  }
  if (!named && (!only || only === 'browser')) results.push(...(await browserHalf()));
  return results;
};

/** The Chromium figures, or one line saying why there are none (a site build takes minutes; it is not made here). */
async function browserHalf(): Promise<BenchResult[]> {
  if (!hasBuiltSite())
    return [
      {
        name: `browser: not measured, ${builtSiteDir()}/ holds no built site (npx astro build --outDir DIR, then BENCH_DIST=DIR)`,
        value: NaN,
        unit: '',
      },
    ];
  return (await hostileBrowser()).map((r) => ({ ...r, name: `browser: ${r.name}` }));
}

export default bench;
