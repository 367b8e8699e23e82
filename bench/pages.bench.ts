/**
 * JavaScript shipped by the reference pages, against a bare Starlight page with a code block (issue #5: ≤ 1.05×).
 *
 * What counts as "shipped" for a page `dist/<page>/index.html` — everything the browser runs on load:
 *   - every inline `<script>` (no `type`, or a JavaScript/module type; JSON-LD and other data blocks excluded);
 *   - every `<script src>` and `<link rel="modulepreload">` file, plus the files they import **statically**
 *     (followed recursively; `import()` is lazy — e.g. Pagefind's UI loads when the search dialog opens — so it is
 *     not counted). Each file is counted once per page.
 * Sizes are raw bytes and gzip bytes (zlib default level, each file/inline script compressed on its own, as served).
 *
 * The baseline is measured, not assumed: the bench builds a one-page Starlight site (stock Starlight, same
 * installed astro/@astrojs/starlight/Expressive Code versions, one MDX page with two headings and one fenced code
 * block) in a temporary directory under .astro/ (so it resolves our installed packages), and measures its page with the same code.
 * That is exactly "a bare Starlight page with a code block": Starlight's own scripts (search, table of contents,
 * page prefetch) plus Expressive Code's copy-button script, and nothing of ours. The result is cached under
 * node_modules/.cache/atlas-bench/ keyed by those package versions, so only the first run pays the ~20 s build.
 *
 * Pages measured: every reference page the catalog links (labels, security, gateway-api, networking,
 * workload-telemetry) plus the overview pages (/how-it-fits/, /request-path/, /reference/). The playground and labs
 * are interactive by design and not measured. One result per group: its heaviest page, with the ratio to the bare
 * page (target ≤ 1.05×).
 *
 * Then Lighthouse (issue #19; bench/lighthouse.ts): mobile, default throttling, against the built site (BENCH_DIST or
 * dist/) and the bare page above (its build is kept beside the cache), both served by bench/site.ts's static server
 * with gzip, as a production static host serves them (uncompressed, the simulated slow 4G link would mostly measure
 * HTML bytes). Targets: accessibility and best-practices 1.00 on every page of the sitemap, performance ≥ 0.98 on
 * the content pages measured and ≥ 0.95 on the playground, with the bare page's scores from the same run beside
 * them. LIGHTHOUSE_PAGES limits the pages (`none` skips Lighthouse), LIGHTHOUSE_RUNS sets the performance rounds
 * (default 3).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CATALOG } from '../src/lib/catalog/index.ts';
import type { Bench, BenchResult } from './harness.ts';
import { pageFilter, runLighthouse, sitemapPaths } from './lighthouse.ts';
import type { Category, LighthouseReport, PageScores } from './lighthouse.ts';
import { builtSiteDir, freePort, staticServer } from './site.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const TARGET = 1.05;

export interface PageJs {
  readonly raw: number;
  readonly gzip: number;
  /** Files (dist-relative) and inline scripts counted, for the report. */
  readonly parts: readonly string[];
}

const JS_TYPES = new Set(['', 'module', 'text/javascript', 'application/javascript']);

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** Static imports/re-exports of a bundled ES module (minified or not); `import()` is lazy and excluded. */
export function staticImports(code: string): string[] {
  const out: string[] = [];
  const re = /\b(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?(["'])([^"'\n]+)\1/g;
  for (const m of code.matchAll(re)) {
    const spec = m[2]!;
    if (spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/')) out.push(spec);
  }
  return out;
}

/** JS a built page runs on load (see the header comment). `distDir` is the build output folder. */
export function measurePage(distDir: string, htmlPath: string): PageJs {
  const html = readFileSync(htmlPath, 'utf8');
  const files = new Set<string>();
  const parts: string[] = [];
  let raw = 0;
  let gzip = 0;
  const addFile = (url: string, fromFile: string | undefined): void => {
    if (/^[a-z]+:\/\//i.test(url) || url.startsWith('//')) return; // nothing external in our pages; not ours to count
    const clean = url.split(/[?#]/)[0]!;
    const abs = clean.startsWith('/') ? join(distDir, clean) : resolve(dirname(fromFile ?? htmlPath), clean);
    if (files.has(abs)) return;
    files.add(abs);
    const buf = readFileSync(abs);
    raw += buf.length;
    gzip += gzipSync(buf).length;
    parts.push(abs.slice(distDir.length));
    for (const spec of staticImports(buf.toString('utf8'))) addFile(spec, abs);
  };
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = m[1] ?? '';
    const type = (attr(attrs, 'type') ?? '').toLowerCase();
    if (!JS_TYPES.has(type)) continue;
    const src = attr(attrs, 'src');
    if (src) addFile(src, undefined);
    else if (m[2]!.trim()) {
      const buf = Buffer.from(m[2]!, 'utf8');
      raw += buf.length;
      gzip += gzipSync(buf).length;
      parts.push(`inline(${buf.length} B)`);
    }
  }
  for (const m of html.matchAll(/<link\b([^>]*)>/gi)) {
    const attrs = m[1] ?? '';
    if ((attr(attrs, 'rel') ?? '').toLowerCase() !== 'modulepreload') continue;
    const href = attr(attrs, 'href');
    if (href) addFile(href, undefined);
  }
  return { raw, gzip, parts };
}

function version(pkg: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
    .version;
}

const BARE_PAGE = [
  '---',
  'title: Bare page',
  'description: A stock Starlight page with one code block.',
  '---',
  '',
  '## A heading',
  '',
  'Some text.',
  '',
  '```yaml title="example.yaml"',
  'apiVersion: v1',
  'kind: Namespace',
  'metadata:',
  '  name: bookinfo',
  '```',
  '',
  '## Another heading',
  '',
  'More text.',
  '',
].join('\n');

/** The bare Starlight build, kept beside the cached measurement (its page is `index.html`). */
const bareDist = join(root, 'node_modules', '.cache', 'atlas-bench', 'bare-starlight-dist');

/** Build (once per package versions) a one-page stock Starlight site and measure its page. */
export function bareStarlightBaseline(): PageJs & { cached: boolean } {
  const key = ['astro', '@astrojs/starlight', '@astrojs/mdx', 'astro-expressive-code']
    .map((p) => {
      try {
        return `${p}@${version(p)}`;
      } catch {
        return `${p}@?`;
      }
    })
    .join(' ');
  const cacheDir = join(root, 'node_modules', '.cache', 'atlas-bench');
  const cacheFile = join(cacheDir, 'bare-starlight.json');
  if (existsSync(cacheFile) && existsSync(join(bareDist, 'index.html'))) {
    const c = JSON.parse(readFileSync(cacheFile, 'utf8')) as { key: string; result: PageJs };
    if (c.key === key) return { ...c.result, cached: true };
  }
  // The site is built inside the project (under .astro/, which git ignores) so Node resolves astro and Starlight
  // from our node_modules: a symlinked node_modules confuses Astro's module ids, and a site under node_modules gets
  // its own sources externalised. It is removed after the build.
  mkdirSync(join(root, '.astro'), { recursive: true });
  const dir = mkdtempSync(join(root, '.astro', 'bench-bare-starlight-'));
  try {
    mkdirSync(join(dir, 'src', 'content', 'docs'), { recursive: true });
    // Astro finds the framework packages to bundle (rather than externalise) from the root package.json.
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'bare-starlight',
        private: true,
        type: 'module',
        dependencies: { astro: version('astro'), '@astrojs/starlight': version('@astrojs/starlight') },
      }) + '\n',
    );
    writeFileSync(
      join(dir, 'astro.config.mjs'),
      [
        "import starlight from '@astrojs/starlight';",
        "import { defineConfig } from 'astro/config';",
        "export default defineConfig({ integrations: [starlight({ title: 'Bare' })] });",
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'src', 'content.config.ts'),
      [
        "import { defineCollection } from 'astro:content';",
        "import { docsLoader } from '@astrojs/starlight/loaders';",
        "import { docsSchema } from '@astrojs/starlight/schema';",
        'export const collections = { docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }) };',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'src', 'content', 'docs', 'index.mdx'), BARE_PAGE);
    const astroBin = join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');
    const r = spawnSync(process.execPath, [astroBin, 'build', '--root', dir], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    });
    if (r.status !== 0)
      throw new Error(`building the bare Starlight baseline failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
    const result = measurePage(join(dir, 'dist'), join(dir, 'dist', 'index.html'));
    // The baseline must really be "with a code block": Expressive Code's copy-button script is part of it.
    if (!result.parts.some((p) => /\/ec\.[^/]*\.js$/.test(p)))
      throw new Error(`the bare page has no Expressive Code script (parts: ${result.parts.join(', ')})`);
    mkdirSync(cacheDir, { recursive: true });
    // The build itself is kept for the Lighthouse runs, which load the bare page in a browser.
    rmSync(bareDist, { recursive: true, force: true });
    cpSync(join(dir, 'dist'), bareDist, { recursive: true });
    writeFileSync(cacheFile, JSON.stringify({ key, result }, null, 2));
    return { ...result, cached: false };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reference pages by group: the catalog's docs URLs, plus the overview pages. */
export function referencePages(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const add = (group: string, url: string) => {
    const list = groups.get(group) ?? [];
    if (!list.includes(url)) list.push(url);
    groups.set(group, list);
  };
  for (const e of CATALOG) add(e.docs.split('/').filter(Boolean)[0]!, e.docs);
  for (const url of ['/how-it-fits/', '/request-path/', '/reference/']) add('overview', url);
  return groups;
}

const bench: Bench = async () => {
  const dist = resolve(root, builtSiteDir());
  if (!existsSync(join(dist, 'index.html')))
    throw new Error(`${dist}/ is missing: run \`npx astro build\` first (this benchmark measures the built pages)`);
  const base = bareStarlightBaseline();
  const results: BenchResult[] = [
    {
      name: `bare Starlight page with a code block (baseline${base.cached ? ', cached build' : ', built now'})`,
      value: base.raw,
      unit: `B JS raw (${base.gzip} B gzip; ${base.parts.length} scripts)`,
    },
  ];
  for (const [group, urls] of referencePages()) {
    let worst: { url: string; js: PageJs } | undefined;
    const missing: string[] = [];
    for (const url of urls) {
      const html = join(dist, url, 'index.html');
      if (!existsSync(html)) {
        missing.push(url);
        continue;
      }
      const js = measurePage(dist, html);
      if (!worst || js.raw / base.raw > worst.js.raw / base.raw || js.gzip / base.gzip > worst.js.gzip / base.gzip)
        worst = { url, js };
    }
    if (!worst) {
      results.push({ name: `${group}: no built page (${missing.join(', ')})`, value: 0, unit: 'pages', ok: false });
      continue;
    }
    const rawRatio = worst.js.raw / base.raw;
    const gzipRatio = worst.js.gzip / base.gzip;
    const ratio = Math.max(rawRatio, gzipRatio);
    // What the heaviest page loads that the bare page does not (hashed names differ when a chunk's content does).
    const extra = worst.js.parts.filter((p) => !base.parts.includes(p));
    results.push({
      name:
        `${group} (${urls.length - missing.length} pages; heaviest ${worst.url}; raw ${rawRatio.toFixed(3)}×, ` +
        `gzip ${gzipRatio.toFixed(3)}×; not in the bare page: ${extra.length ? extra.join(', ') : 'nothing'}` +
        `${missing.length ? `; not built: ${missing.join(', ')}` : ''})`,
      value: worst.js.raw,
      unit: `B JS raw (${worst.js.gzip} B gzip)`,
      ratio: { value: ratio, against: 'the bare Starlight page (max of raw and gzip ratios)', target: `≤ ${TARGET}×` },
      ok: ratio <= TARGET && missing.length === 0,
    });
  }
  if (process.env.LIGHTHOUSE_PAGES?.trim() !== 'none') results.push(...(await lighthouseResults(dist)));
  return results;
};
export default bench;

const LH_TARGET: Record<Category, number> = { accessibility: 1, 'best-practices': 1, performance: 0.98 };
const PLAYGROUND_PERF = 0.95;

/** The pages that get performance: landing, one per reference group, /request-path/, playground, one lab. */
export function performancePages(all: readonly string[]): string[] {
  const out = ['/'];
  for (const [group, urls] of referencePages()) if (group !== 'overview' && urls[0]) out.push(urls[0]);
  out.push('/request-path/', '/playground/');
  const lab = all.find((p) => /^\/labs\/[^/]+\/$/.test(p) && p !== '/labs/terminal/');
  if (lab) out.push(lab);
  return out.filter((p) => all.includes(p));
}

const f2 = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(2));

/** Pages below `target` in `category`, worst first, with their failing audits (at most five pages named). */
function worstPages(pages: readonly PageScores[], category: Category, target: (p: string) => number): string {
  const below = pages
    .filter((p) => (p.scores[category] ?? 0) < target(p.page))
    .sort((a, b) => (a.scores[category] ?? 0) - (b.scores[category] ?? 0));
  if (!below.length) return 'no page below target';
  const named = below
    .slice(0, 5)
    .map((p) => `${p.page} ${f2(p.scores[category])} [${(p.failing[category] ?? []).join(', ') || '?'}]`);
  return `${below.length} below target: ${named.join('; ')}${below.length > 5 ? '; …' : ''}`;
}

async function lighthouseResults(dist: string): Promise<BenchResult[]> {
  const all = sitemapPaths(dist);
  const filter = pageFilter();
  const chosen = filter ? all.filter(filter) : all;
  const perfPages = performancePages(all).filter((p) => chosen.includes(p));
  const auditPages = chosen.filter((p) => !perfPages.includes(p));
  const rounds = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS) || 3);
  process.stderr.write(
    `  [lighthouse] ${perfPages.length} performance pages × ${rounds} rounds (+ the bare page), ` +
      `${auditPages.length} more pages for accessibility and best-practices\n`,
  );
  // Both builds from the same static server (withBuiltSite's fallback), with gzip as any production host.
  const [sitePort, basePort] = [await freePort(), await freePort()];
  const siteServer = await staticServer(sitePort, dist, { gzip: true });
  const baseServer = await staticServer(basePort, bareDist, { gzip: true });
  let report: LighthouseReport;
  try {
    report = await runLighthouse({
      origin: `http://127.0.0.1:${sitePort}`,
      baselineOrigin: `http://127.0.0.1:${basePort}`,
      perfPages,
      auditPages,
      rounds,
    });
  } finally {
    siteServer.close();
    baseServer.close();
  }
  const { baseline, pages } = report;
  const ctx = `Lighthouse ${report.version} mobile; load average ${report.loadavg}; ${report.seconds.toFixed(0)} s`;
  const results: BenchResult[] = [
    {
      name:
        `Lighthouse: bare Starlight page (baseline, same run; ${ctx}): performance runs ` +
        `${baseline.perfRuns.map(f2).join('/')}, accessibility ${f2(baseline.scores.accessibility)}, ` +
        `best-practices ${f2(baseline.scores['best-practices'])}`,
      value: baseline.scores.performance ?? 0,
      unit: 'performance (median)',
    },
  ];
  for (const category of ['accessibility', 'best-practices'] as const) {
    const scored = pages.filter((p) => p.scores[category] !== undefined);
    if (!scored.length) continue;
    const min = Math.min(...scored.map((p) => p.scores[category]!));
    results.push({
      name: `Lighthouse ${category}, minimum over ${scored.length} pages (${worstPages(scored, category, () => 1)})`,
      value: min,
      unit: 'score',
      target: `${LH_TARGET[category].toFixed(2)} on every page`,
      ratio: {
        value: min / Math.max(baseline.scores[category] ?? 1, 0.01),
        against: `the bare Starlight page (${f2(baseline.scores[category])})`,
      },
      ok: min >= LH_TARGET[category],
    });
  }
  const perf = pages.filter((p) => p.scores.performance !== undefined);
  const basePerf = Math.max(baseline.scores.performance ?? 1, 0.01);
  const runsOf = (p: PageScores) => `${p.page} ${f2(p.scores.performance)} (${p.perfRuns.map(f2).join('/')})`;
  for (const [label, set, target] of [
    ['content pages', perf.filter((p) => p.page !== '/playground/'), LH_TARGET.performance],
    ['playground', perf.filter((p) => p.page === '/playground/'), PLAYGROUND_PERF],
  ] as const) {
    if (!set.length) continue;
    const min = Math.min(...set.map((p) => p.scores.performance!));
    results.push({
      name:
        `Lighthouse performance, ${label} (median of ${baseline.perfRuns.length}; ${set.map(runsOf).join(', ')}; ` +
        `${worstPages(set, 'performance', () => target)})`,
      value: min,
      unit: 'score (minimum)',
      target: `≥ ${target.toFixed(2)}`,
      ratio: { value: min / basePerf, against: `the bare Starlight page (${f2(baseline.scores.performance)})` },
      ok: min >= target,
    });
  }
  return results;
}
