// The regex section of bench/hostile.bench.ts (issue #15): a route regex with nested quantifiers, /(a+)+, against
// /a…a! (RE2 is linear; JavaScript's RegExp took 58 s in simulate and 15 s in migrate at 30 a's). Twin: /[a-z]+ on
// the same path. Each run repeats the operation so the CPU time is well above the clock's resolution.
import { migrateSources } from '../src/lib/migrate/index.ts';
import { buildMesh, parseManifests } from '../src/lib/model/index.ts';
import type { Mesh } from '../src/lib/model/index.ts';
import { simulateSync } from '../src/lib/simulator/index.ts';
import {
  BENIGN_REGEX,
  HOSTILE_REGEX,
  hostilePath,
  httpRouteWithRegex,
  virtualServiceWithRegex,
} from '../tests/hostile/regex-inputs.ts';

/** The shape of a hostile.bench.ts case (HostileCase there). */
interface RegexCase {
  readonly section: string;
  readonly name: string;
  readonly inputs: () => { readonly hostile: unknown; readonly benign: unknown };
  readonly run: (input: unknown) => void;
}

const PATH = hostilePath(10_000);
const meshWithRegex = (regex: string): Mesh =>
  buildMesh(parseManifests({ file: 'bench.yaml', text: httpRouteWithRegex(regex) }).resources);

export const REGEX_CASES: RegexCase[] = [
  {
    section: 'regex',
    name: 'simulate: an HTTPRoute path regex /(a+)+ against /a…a! (10,000 a’s), 50 requests',
    inputs: () => ({ hostile: meshWithRegex(HOSTILE_REGEX), benign: meshWithRegex(BENIGN_REGEX) }),
    run: (mesh) => {
      for (let i = 0; i < 50; i++)
        simulateSync(mesh as Mesh, { from: 'shop/web', to: 'cart', path: PATH }, { nowSeconds: 1.8e9 });
    },
  },
  {
    section: 'regex',
    name: 'migrate: a VirtualService uri regex /(a+)+ before an exact /a…a! (10,000 a’s), 20 conversions',
    inputs: () => ({
      hostile: virtualServiceWithRegex(HOSTILE_REGEX, PATH),
      benign: virtualServiceWithRegex(BENIGN_REGEX, PATH),
    }),
    run: (text) => {
      for (let i = 0; i < 20; i++) migrateSources({ file: 'bench.yaml', text: text as string });
    },
  },
];
