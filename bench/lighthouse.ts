/**
 * Lighthouse (mobile, default simulated throttling) against the built site and the bare Starlight baseline, for
 * `npm run bench pages` (issue #19). One headless Debian Chromium (/usr/bin/chromium, `--no-sandbox` as root) is
 * started with a DevTools port and every run goes through it, one page at a time (Lighthouse clears the origin's
 * cache and storage before each navigation).
 *
 * Which pages:
 *   - accessibility and best-practices: every page in the built site's sitemap (runs with only those two
 *     categories and no full-page screenshot, so they take a few seconds each);
 *   - performance (with the two above in the same run): the landing page, one page per reference group,
 *     /request-path/, the playground and one lab page, plus the bare Starlight page served from its own
 *     build; LIGHTHOUSE_RUNS rounds (default 3), each round visiting the baseline and every page once, so that
 *     load on the machine hits both alike; the median score per page counts.
 * LIGHTHOUSE_PAGES limits the page set: comma-separated paths (`/`, `/playground/`) or parts of a path
 * (`security`); `none` skips Lighthouse. LIGHTHOUSE_REPORTS=DIR keeps every run's JSON report there (open one in
 * https://googlechrome.github.io/lighthouse/viewer/). Progress goes to stderr.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import type { Flags, Result } from 'lighthouse';
import { freePort } from './site.ts';

export type Category = 'performance' | 'accessibility' | 'best-practices';

export interface PageScores {
  /** Path on the site, e.g. `/playground/`; the baseline is `bare Starlight`. */
  readonly page: string;
  /** Per category, the score (0..1) of the median run by performance (the only run without performance). */
  readonly scores: Partial<Record<Category, number>>;
  /** Per category, the audits below 1 in that run: `id (element, element…)`. */
  readonly failing: Partial<Record<Category, string[]>>;
  /** Performance scores of every round, for the report. */
  readonly perfRuns: number[];
}

/** Paths (`/x/y/`) listed in a built site's sitemap, in sitemap order. */
export function sitemapPaths(distDir: string): string[] {
  const out: string[] = [];
  for (const file of ['sitemap-0.xml']) {
    const xml = readFileSync(join(distDir, file), 'utf8');
    for (const m of xml.matchAll(/<loc>([^<]+)<\/loc>/g)) out.push(new URL(m[1]!).pathname);
  }
  return out;
}

/** LIGHTHOUSE_PAGES as a filter on paths (undefined: every page). */
export function pageFilter(env = process.env.LIGHTHOUSE_PAGES): ((path: string) => boolean) | undefined {
  const spec = env?.trim();
  if (!spec) return undefined;
  if (spec === 'none') return () => false;
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return (path) => parts.some((p) => (p.startsWith('/') && p.endsWith('/') ? path === p : path.includes(p)));
}

interface Chrome {
  readonly port: number;
  readonly proc: ChildProcess;
  readonly profile: string;
}

async function launchChrome(): Promise<Chrome> {
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), 'atlas-lighthouse-'));
  const args = [
    '--headless=new',
    `--remote-debugging-port=${port}`,
    `--user-data-dir=${profile}`,
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--mute-audio',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    'about:blank',
  ];
  const proc = spawn('/usr/bin/chromium', args, { stdio: 'ignore', detached: true });
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/json/version`);
      if (res.ok) return { port, proc, profile };
    } catch {
      // not up yet
    }
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopChrome({ port, proc, profile });
  throw new Error('/usr/bin/chromium did not open its DevTools port within 60 s');
}

async function stopChrome(chrome: Chrome): Promise<void> {
  const exited =
    chrome.proc.exitCode !== null || chrome.proc.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => chrome.proc.once('exit', () => r()));
  try {
    if (chrome.proc.pid) process.kill(-chrome.proc.pid, 'SIGTERM');
  } catch {
    chrome.proc.kill('SIGTERM');
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  rmSync(chrome.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

/** The audits of `category` below a full score, each with up to three of the elements it names. */
function failingAudits(lhr: Result, category: Category): string[] {
  const cat = lhr.categories[category];
  if (!cat) return [];
  const out: string[] = [];
  for (const ref of cat.auditRefs) {
    if (ref.weight === 0) continue; // not scored (e.g. valid-source-maps): not a failure of the category
    const audit = lhr.audits[ref.id];
    if (!audit || audit.score === null || audit.score >= 1) continue;
    if (audit.scoreDisplayMode === 'informative' || audit.scoreDisplayMode === 'manual') continue;
    const items = (audit.details as { items?: unknown[] } | undefined)?.items ?? [];
    const where = items
      .slice(0, 3)
      .map((it) => {
        const i = it as {
          node?: { selector?: string; snippet?: string };
          url?: string;
          source?: string;
          description?: string;
          sourceLocation?: { url?: string };
        };
        if (i.node?.selector) return i.node.selector;
        if (i.description) return `${i.description}${i.sourceLocation?.url ? ` @ ${i.sourceLocation.url}` : ''}`;
        return i.url ?? i.source ?? '';
      })
      .filter(Boolean);
    const id = category === 'performance' ? `${ref.id} ${audit.displayValue ?? ''}`.trim() : ref.id;
    out.push(where.length ? `${id} (${where.join('; ')}${items.length > 3 ? `; +${items.length - 3}` : ''})` : id);
  }
  return out;
}

const CATEGORIES: Category[] = ['performance', 'accessibility', 'best-practices'];

async function runOnce(chrome: Chrome, url: string, perf: boolean): Promise<Result> {
  const flags: Flags = {
    port: chrome.port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: perf ? CATEGORIES : ['accessibility', 'best-practices'],
    // The screenshot only illustrates the report; it takes seconds per page and no audit scores it.
    disableFullPageScreenshot: true,
  };
  const result = await lighthouse(url, flags);
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const lhr = result.lhr;
  if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const keep = process.env.LIGHTHOUSE_REPORTS;
  if (keep) {
    mkdirSync(keep, { recursive: true });
    const name = `${new URL(url).port}${new URL(url).pathname.replace(/\W+/g, '_')}${perf ? 'perf' : 'audit'}-${Date.now()}.json`;
    writeFileSync(join(keep, name), JSON.stringify(lhr));
  }
  return lhr;
}

function scoresOf(lhr: Result, page: string, perfRuns: number[]): PageScores {
  const scores: Partial<Record<Category, number>> = {};
  const failing: Partial<Record<Category, string[]>> = {};
  for (const c of CATEGORIES) {
    const cat = lhr.categories[c];
    if (!cat) continue;
    scores[c] = cat.score ?? 0;
    failing[c] = failingAudits(lhr, c);
  }
  return { page, scores, failing, perfRuns };
}

export interface LighthouseTargets {
  /** Site origin, e.g. http://127.0.0.1:1234 */
  readonly origin: string;
  /** Origin serving the bare Starlight build (its page at `/`). */
  readonly baselineOrigin: string;
  /** Pages for accessibility and best-practices only. */
  readonly auditPages: readonly string[];
  /** Pages that also get performance (they are not run again for the other two). */
  readonly perfPages: readonly string[];
  readonly rounds: number;
}

export interface LighthouseReport {
  readonly baseline: PageScores;
  readonly pages: PageScores[];
  readonly seconds: number;
  /** 1/5/15-minute load averages at the start and at the end. */
  readonly loadavg: string;
  readonly version: string;
}

const log = (s: string) => process.stderr.write(`  [lighthouse] ${s}\n`);

export async function runLighthouse(t: LighthouseTargets): Promise<LighthouseReport> {
  const t0 = performance.now();
  const load = () =>
    loadavg()
      .map((n) => n.toFixed(1))
      .join('/');
  const loadStart = load();
  const chrome = await launchChrome();
  let version = '?';
  try {
    // Performance: rounds over the baseline and the pages; the median run (by performance score) per page.
    const perfTargets = [{ page: 'bare Starlight', url: `${t.baselineOrigin}/` }].concat(
      t.perfPages.map((p) => ({ page: p, url: `${t.origin}${p}` })),
    );
    const runs = new Map<string, Result[]>();
    for (let round = 1; round <= t.rounds; round++) {
      for (const { page, url } of perfTargets) {
        const t1 = performance.now();
        const lhr = await runOnce(chrome, url, true);
        version = lhr.lighthouseVersion;
        runs.set(page, [...(runs.get(page) ?? []), lhr]);
        const s = scoresOf(lhr, page, []);
        const bad = [...(s.failing.accessibility ?? []), ...(s.failing['best-practices'] ?? [])];
        log(
          `round ${round}/${t.rounds} ${page}: performance ${s.scores.performance?.toFixed(2)}, ` +
            `accessibility ${s.scores.accessibility?.toFixed(2)}, best-practices ${s.scores['best-practices']?.toFixed(2)} ` +
            `(${((performance.now() - t1) / 1000).toFixed(0)} s)${bad.length ? ` — ${bad.join(', ')}` : ''}`,
        );
      }
    }
    const perfScores: PageScores[] = perfTargets.map(({ page }) => {
      const list = [...runs.get(page)!].sort(
        (a, b) => (a.categories.performance?.score ?? 0) - (b.categories.performance?.score ?? 0),
      );
      const median = list[Math.floor((list.length - 1) / 2)]!;
      return scoresOf(
        median,
        page,
        runs.get(page)!.map((r) => r.categories.performance?.score ?? 0),
      );
    });
    // Accessibility and best-practices on every other page.
    const pages: PageScores[] = perfScores.slice(1);
    let i = 0;
    for (const page of t.auditPages) {
      i++;
      const t1 = performance.now();
      const lhr = await runOnce(chrome, `${t.origin}${page}`, false);
      version = lhr.lighthouseVersion;
      const s = scoresOf(lhr, page, []);
      pages.push(s);
      const bad = [...(s.failing.accessibility ?? []), ...(s.failing['best-practices'] ?? [])];
      log(
        `${i}/${t.auditPages.length} ${page}: accessibility ${s.scores.accessibility?.toFixed(2)}, ` +
          `best-practices ${s.scores['best-practices']?.toFixed(2)} (${((performance.now() - t1) / 1000).toFixed(0)} s)` +
          (bad.length ? ` — ${bad.join(', ')}` : ''),
      );
    }
    return {
      baseline: perfScores[0]!,
      pages,
      seconds: (performance.now() - t0) / 1000,
      loadavg: `${loadStart} → ${load()}`,
      version,
    };
  } finally {
    await stopChrome(chrome);
  }
}
