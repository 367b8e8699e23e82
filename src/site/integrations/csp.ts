/**
 * Build-time (Node) helper for the site's Content-Security-Policy, used by astro.config.mjs. Astro's `security.csp`
 * hashes the scripts it bundles, but not `<script is:inline>` bodies (withastro/astro#16664), and Starlight ships a
 * few of those (theme picker, sidebar scroll restore). This integration adds the SHA-256 of every inline script a
 * built page contains to that page's own `script-src`, after the build, so the policy can stay free of
 * 'unsafe-inline'. Only build output is hashed — user text never becomes a script at build time — and inline event
 * handler attributes stay forbidden by `script-src-attr 'none'`.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

const META = /<meta http-equiv="content-security-policy" content="([^"]*)"\s*\/?>/i;
const INLINE_SCRIPT = /<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi;

export function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page with the hashes of its inline scripts added to the CSP meta's `script-src` (unchanged without a meta). */
export function addInlineScriptHashes(html: string): { html: string; added: number } {
  const meta = META.exec(html);
  if (!meta) return { html, added: 0 };
  const policy = meta[1]!;
  const missing = new Set<string>();
  for (const m of html.matchAll(INLINE_SCRIPT)) {
    const attrs = m[1] ?? '';
    if (/\ssrc\s*=/.test(attrs)) continue;
    const hash = sha256(m[2]!);
    if (!policy.includes(hash)) missing.add(hash);
  }
  if (!missing.size) return { html, added: 0 };
  const updated = policy.replace(/(^|;\s*)script-src ([^;]*)/, (_all, lead: string, sources: string) => {
    return `${lead}script-src ${sources.trimEnd()} ${[...missing].join(' ')}`;
  });
  const tag = meta[0].replace(meta[1]!, updated);
  return { html: html.replace(meta[0], tag), added: missing.size };
}

async function* htmlFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(path);
    else if (entry.name.endsWith('.html')) yield path;
  }
}

export function cspInlineScriptHashes(): AstroIntegration {
  return {
    name: 'atlas:csp-inline-script-hashes',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        let pages = 0;
        let hashes = 0;
        for await (const file of htmlFiles(fileURLToPath(dir))) {
          const html = await readFile(file, 'utf8');
          const out = addInlineScriptHashes(html);
          if (out.added) {
            await writeFile(file, out.html);
            pages++;
            hashes += out.added;
          }
        }
        logger.info(`added ${hashes} inline-script hash(es) to the CSP of ${pages} page(s)`);
      },
    },
  };
}
