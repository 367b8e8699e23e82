// One home for Istio behaviour (issue #14): the tables and rules that more than one engine needs live in
// src/lib/ambient; this test fails when one of them is written again anywhere else in the product code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SCANNED = ['src', 'labs'];
const HOME = 'src/lib/ambient/';

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|astro)$/.test(name) && !/\.(test|spec|bench)\.ts$/.test(name) && !name.endsWith('.gen.ts'))
      out.push(p);
  }
  return out;
}

/** Comments removed, so that explaining a fact in prose is not defining it again. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

interface Fingerprint {
  readonly what: string;
  /** Files (relative to the repo) allowed to contain it: the table's home. */
  readonly home: readonly string[];
  /** Matches a definition of the table or rule in one file's code. */
  readonly found: (src: string) => boolean;
}

/** An array or Set literal that lists all of these strings. */
const listOf =
  (...items: string[]) =>
  (src: string): boolean => {
    for (const m of src.matchAll(/\[[^[\]]*\]/g)) if (items.every((i) => m[0].includes(`'${i}'`))) return true;
    return false;
  };

const LABELS = [
  'istio.io/dataplane-mode',
  'istio.io/use-waypoint',
  'istio.io/use-waypoint-namespace',
  'istio.io/waypoint-for',
  'istio.io/ingress-use-waypoint',
  'istio.io/dry-run',
  'istio.io/rev',
  'sidecar.istio.io/status',
  'sidecar.istio.io/inject',
  'gateway.istio.io/service-account',
  'gateway.networking.k8s.io/gateway-name',
  'istio.io/use-waypoint-canary',
  'istio.io/use-waypoint-canary-namespace',
  'istio.io/use-waypoint-canary-weight',
];

const FINGERPRINTS: readonly Fingerprint[] = [
  ...LABELS.map((label): Fingerprint => ({
    what: `the label/annotation name '${label}'`,
    home: [`${HOME}labels.ts`],
    // A quoted name alone (a key, a comparison), not a longer string that mentions it in a message.
    found: (src) => new RegExp(`['"]${label.replace(/[./]/g, '\\$&')}['"]`).test(src),
  })),
  {
    what: 'the L7 source attribute table',
    home: [`${HOME}authz.ts`],
    found: listOf('requestPrincipals', 'remoteIpBlocks'),
  },
  {
    what: 'the L7 operation attribute table',
    home: [`${HOME}authz.ts`],
    found: listOf('methods', 'paths', 'hosts'),
  },
  {
    what: 'the L4 `when` key table',
    home: [`${HOME}authz.ts`],
    found: listOf('source.ip', 'destination.port'),
  },
  {
    what: 'the trust-domain fields ztunnel ignores',
    home: [`${HOME}authz.ts`],
    found: listOf('trustDomains', 'notTrustDomains'),
  },
  {
    what: 'Istio string / principal matching',
    home: [`${HOME}authz.ts`],
    found: (src) => /startsWith\(['"]spiffe:\/\/['"]\)|function (stringMatch|principalMatches|ipMatch)\b/.test(src),
  },
  {
    what: 'a workload or client kind list',
    home: [`${HOME}kinds.ts`],
    // The home builds its rows with controller(…): count that as the list too.
    found: (src) => listOf('Deployment', 'StatefulSet')(src) || /controller\(\s*'Deployment'/.test(src),
  },
  {
    what: 'a cluster-scoped kind list',
    home: [`${HOME}kinds.ts`],
    found: listOf('ClusterRole', 'StorageClass'),
  },
  {
    what: 'object identity and "a later object with the same name replaces the earlier one"',
    home: [`${HOME}identity.ts`],
    found: (src) =>
      /function (lastWins|applied|resourceKey|objectKey)\b|const (lastWins|applied|resourceKey)\s*=\s*\(/.test(src),
  },
  {
    what: 'waypoint detection (class istio-waypoint or an HBONE listener)',
    home: [`${HOME}waypoints.ts`],
    found: (src) =>
      /gatewayClassName\b[^\n]{0,30}===|===\s*WAYPOINT_CLASS\b|protocol['"]?\]?\)?\s*===\s*['"]HBONE['"]/.test(src),
  },
  {
    what: 'wildcard hostname matching (a `*` prefix compared as a suffix)',
    home: [`${HOME}hostnames.ts`],
    found: (src) => /\.endsWith\(\s*[\w.]+\.slice\(1\)\s*\)/.test(src),
  },
  {
    what: 'Go ParseBool',
    home: [`${HOME}labels.ts`],
    found: (src) => /['"]TRUE['"]/.test(src) && /['"]F['"]/.test(src) && /['"]t['"]/.test(src),
  },
  {
    what: 'a JWT test token (one token file)',
    home: ['labs/require-jwt/tokens.ts'],
    found: (src) => /['"]eyJhbGciOi[A-Za-z0-9_-]{20,}\./.test(src),
  },
];

const files = SCANNED.flatMap((d) => sourceFiles(join(root, d))).map((p) => ({
  rel: relative(root, p).split('\\').join('/'),
  src: code(readFileSync(p, 'utf8')),
}));

describe('one semantics layer: no Istio table is defined twice', () => {
  it('scans the product code', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.rel === `${HOME}authz.ts`)).toBe(true);
  });

  for (const fp of FINGERPRINTS) {
    it(`${fp.what} lives only in ${fp.home.join(', ')}`, () => {
      const homes = files.filter((f) => fp.home.includes(f.rel));
      // The fingerprint must recognise its own home, or it could never fail anywhere else.
      expect(homes.some((f) => fp.found(f.src))).toBe(true);
      const elsewhere = files.filter((f) => !fp.home.includes(f.rel) && fp.found(f.src)).map((f) => f.rel);
      expect(elsewhere).toEqual([]);
    });
  }
});
