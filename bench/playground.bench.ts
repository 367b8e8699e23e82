/**
 * The playground's initial JavaScript (issue #19), from the built site (`dist/`, or the directory BENCH_DIST names):
 * everything the page runs on load. That is what bench/pages.bench.ts counts for a page (inline scripts, `<script
 * src>` and modulepreload files, their static imports followed), plus the playground island itself: the island
 * loads with `import()`, but the playground is the page's first screen, so it mounts as soon as the page loads —
 * its module and that module's static imports count. What the island loads with `import()` (completion tables,
 * field docs, presets, the trace view, the Reachability view) and its Web Workers (the validator, simulator and
 * what-if engine) load when first needed, off the main thread for the workers, and are listed but not counted.
 * Sizes are gzip bytes (each file on its own, as served). Target: ≤ 150 KB.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Bench, BenchResult } from './harness.ts';
import { measurePage, staticImports } from './pages.bench.ts';
import { builtSiteDir } from './site.ts';

const KB = 1024;
const TARGET_KB = 150;

/** `import("./x.js")` specifiers of a bundled module (Vite writes them with any quote). */
const dynamicImports = (code: string) =>
  [...code.matchAll(/\bimport\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*\)/g)].map((m) => m[1]!);
/** Worker scripts a bundled module starts: `new Worker(new URL("/_astro/x.js", …))`. */
const workerScripts = (code: string) =>
  [...code.matchAll(/new Worker\(\s*new URL\(\s*["'`]([^"'`]+)["'`]/g)].map((m) => m[1]!);

interface Files {
  readonly files: Map<string, number>;
  gzip(): number;
}

export interface PlaygroundJs {
  /** The page's own scripts (what pages.bench.ts counts), gzip bytes. */
  readonly page: number;
  /** The island module and its static imports not already in the page's, gzip bytes per file. */
  readonly island: ReadonlyMap<string, number>;
  /** Chunks the island loads with `import()` (first level), and its workers: gzip bytes per file, not counted. */
  readonly lazy: ReadonlyMap<string, number>;
  readonly workers: ReadonlyMap<string, number>;
  readonly total: number;
}

export function measurePlayground(dist: string): PlaygroundJs {
  const html = join(dist, 'playground', 'index.html');
  const page = measurePage(dist, html);
  const seen = new Set(page.parts.filter((p) => p.startsWith('/')).map((p) => join(dist, p)));
  const gz = (abs: string) => gzipSync(readFileSync(abs)).length;
  const rel = (abs: string) => abs.slice(dist.length);
  const collect = (): Files => {
    const files = new Map<string, number>();
    return { files, gzip: () => [...files.values()].reduce((a, b) => a + b, 0) };
  };
  const island = collect();
  const addStatic = (abs: string) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    island.files.set(rel(abs), gz(abs));
    for (const spec of staticImports(readFileSync(abs, 'utf8'))) addStatic(resolve(dirname(abs), spec));
  };
  // The island: what the playground's own page script imports dynamically (lazy-island.ts mounts it on load).
  const scripts = page.parts.filter((p) => /\/Playground\.astro_astro_type_script_[^/]*\.js$/.test(p));
  if (!scripts.length) throw new Error(`no playground script in ${html} (parts: ${page.parts.join(', ')})`);
  for (const s of scripts) {
    const abs = join(dist, s);
    for (const spec of dynamicImports(readFileSync(abs, 'utf8'))) addStatic(resolve(dirname(abs), spec));
  }
  if (!island.files.size) throw new Error('the playground script imports no island module');
  // What the island loads later: its own dynamic imports and workers (listed, not counted).
  const lazy = new Map<string, number>();
  const workers = new Map<string, number>();
  for (const f of island.files.keys()) {
    const abs = join(dist, f);
    const code = readFileSync(abs, 'utf8');
    for (const spec of dynamicImports(code)) {
      const target = resolve(dirname(abs), spec);
      if (!seen.has(target) && existsSync(target)) lazy.set(rel(target), gz(target));
    }
    for (const url of workerScripts(code)) {
      const target = url.startsWith('/') ? join(dist, url) : resolve(dirname(abs), url);
      if (existsSync(target)) workers.set(rel(target), gz(target));
    }
  }
  return { page: page.gzip, island: island.files, lazy, workers, total: page.gzip + island.gzip() };
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;
/** The largest files of `m` with their sizes (`most` at most, then how many more). */
const list = (m: ReadonlyMap<string, number>, most = 8) => {
  const rows = [...m].sort((a, b) => b[1] - a[1]);
  const named = rows.slice(0, most).map(([f, n]) => `${f.replace(/^\/_astro\//, '')} ${kb(n)}`);
  return rows.length > most ? `${named.join(', ')} and ${rows.length - most} more` : named.join(', ');
};

const bench: Bench = async () => {
  const dist = builtSiteDir();
  if (!existsSync(join(dist, 'playground', 'index.html')))
    throw new Error(`${dist}/ has no playground: run \`npm run build\` first (this benchmark measures the built site)`);
  const js = measurePlayground(dist);
  const islandBytes = [...js.island.values()].reduce((a, b) => a + b, 0);
  const lazyBytes = [...js.lazy.values()].reduce((a, b) => a + b, 0);
  const workerBytes = [...js.workers.values()].reduce((a, b) => a + b, 0);
  return [
    {
      name: `playground initial JavaScript, gzip (page scripts ${kb(js.page)} + island ${kb(islandBytes)}: ${list(js.island)})`,
      value: js.total / KB,
      unit: 'KB',
      target: `≤ ${TARGET_KB} KB`,
      ok: js.total <= TARGET_KB * KB,
    },
    {
      name: `  loaded with import() when first needed, not counted (${list(js.lazy)})`,
      value: lazyBytes / KB,
      unit: 'KB',
    },
    {
      name: `  Web Workers, not counted (off the main thread${js.workers.size ? `: ${list(js.workers)}` : ': none'})`,
      value: workerBytes / KB,
      unit: 'KB',
    },
  ] satisfies BenchResult[];
};
export default bench;
