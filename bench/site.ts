/**
 * The built site (`dist/`, from `npm run build`) served on a free loopback port and a headless Debian Chromium
 * (/usr/bin/chromium) for the browser benchmarks; both are stopped when `fn` settles. BENCH_DIST names another
 * build directory (`npx astro build --outDir DIR`, so that benchmarks never need the shared dist/), served as
 * static files.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import type { Browser } from '@playwright/test';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`astro preview did not answer at ${url} within ${ms} ms`);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.xml': 'application/xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * Fallback when `astro preview` refuses to start (Astro 7 allows one preview server per project, so it refuses
 * while e.g. the e2e suite's is up): the same dist/ served as static files. Also serves other builds (the bare
 * Starlight baseline of the Lighthouse bench).
 */
export function staticServer(port: number, dir: string, opts: { gzip?: boolean } = {}): Promise<Server> {
  const root = normalize(dir);
  const srv = createHttpServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    if (path.endsWith('/')) file = join(file, 'index.html');
    try {
      const body = readFileSync(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      // `gzip`: text compressed as any production static host does (the Lighthouse bench's simulated network).
      if (
        opts.gzip &&
        /gzip/.test(String(req.headers['accept-encoding'])) &&
        /^(text\/|image\/svg|application\/(json|xml))/.test(type)
      )
        return void res
          .writeHead(200, { 'content-type': type, 'content-encoding': 'gzip', vary: 'accept-encoding' })
          .end(gzipSync(body));
      res.writeHead(200, { 'content-type': type }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => srv.listen(port, '127.0.0.1', () => resolve(srv)));
}

export interface BuiltSite {
  readonly browser: Browser;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The static fallback server is in use (astro preview refused to start). */
  readonly fallback: boolean;
}

/** Headless Debian Chromium (Playwright's own download is never used here). */
function launchChromium(): Promise<Browser> {
  return chromium.launch({
    ...(existsSync('/usr/bin/chromium') ? { executablePath: '/usr/bin/chromium' } : {}),
    args: ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu'],
  });
}

/** The build the browser benchmarks measure: BENCH_DIST, else dist/. */
export function builtSiteDir(): string {
  return process.env.BENCH_DIST || 'dist';
}

/** Whether there is a built site with a playground to measure. */
export function hasBuiltSite(): boolean {
  return existsSync(join(builtSiteDir(), 'playground/index.html'));
}

export async function withBuiltSite<T>(fn: (site: BuiltSite) => Promise<T>): Promise<T> {
  const dir = builtSiteDir();
  if (!hasBuiltSite())
    throw new Error(`${dir}/ has no playground: run \`npm run build\` first (the bench measures the built site)`);
  const port = await freePort();
  if (process.env.BENCH_DIST) return withStaticSite(port, dir, fn);
  // The astro CLI straight from node_modules with this Node (npx adds seconds of start-up on a loaded machine).
  const server = spawn(
    process.execPath,
    ['node_modules/astro/bin/astro.mjs', 'preview', '--port', String(port), '--host', '127.0.0.1'],
    { stdio: 'ignore', detached: true },
  );
  const browser = await launchChromium();
  let fallback: Server | undefined;
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  const origin = `http://127.0.0.1:${port}`;
  try {
    const up = waitForHttp(`${origin}/playground/`, 120_000).then(() => 'up' as const);
    if ((await Promise.race([up, exited])) !== 'up') {
      fallback = await staticServer(port, dir);
      await waitForHttp(`${origin}/playground/`, 10_000);
    }
    return await fn({ browser, origin, fallback: fallback !== undefined });
  } finally {
    await browser.close();
    fallback?.close();
    try {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
    } catch {
      server.kill('SIGTERM');
    }
  }
}

/** `fn` against `dir` served as static files (no astro preview: it serves only the configured outDir). */
async function withStaticSite<T>(port: number, dir: string, fn: (site: BuiltSite) => Promise<T>): Promise<T> {
  const server = await staticServer(port, dir);
  const browser = await launchChromium();
  try {
    const origin = `http://127.0.0.1:${port}`;
    await waitForHttp(`${origin}/playground/`, 10_000);
    return await fn({ browser, origin, fallback: true });
  } finally {
    await browser.close();
    server.close();
  }
}
