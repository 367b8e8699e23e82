// @ts-check
import mdx from '@astrojs/mdx';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import { sidebar } from './src/site/sidebar.ts';
import { cspInlineScriptHashes } from './src/site/integrations/csp.ts';
import { CATALOG } from './src/lib/catalog/index.ts';
import { enforcementCss } from './src/lib/catalog/enforcement-tokens.ts';

export default defineConfig({
  // Sitemap and canonical URLs need an absolute site; tests map it to the local preview server.
  site: 'https://ambient-atlas.dev',
  trailingSlash: 'always',
  // Content-Security-Policy (issue #6): Astro hashes every script it bundles and cspInlineScriptHashes() adds the
  // hashes of Starlight's is:inline scripts after the build, so no injected script runs and no inline event handler
  // (onerror=…) either (script-src-attr 'none'); 'wasm-unsafe-eval' for Pagefind search. Inline styles stay allowed
  // (Starlight, Expressive Code and CodeMirror set styles at run time; styles cannot execute code).
  security: {
    csp: {
      scriptDirective: { resources: ["'self'", "'wasm-unsafe-eval'", { resource: "'none'", kind: 'attribute' }] },
      styleDirective: { resources: ["'self'", "'unsafe-inline'"] },
      directives: [
        "default-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        // The lab terminal talks to `ambient-atlas lab serve`, which only ever listens on loopback.
        "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
      ],
    },
  },
  integrations: [
    starlight({
      title: 'Ambient Atlas',
      description:
        'Which Istio ambient CRD is enforced where — ztunnel, waypoint, istio-cni, istiod — with tested YAML, a validator and a request simulator.',
      logo: { src: './src/assets/logo.svg', replacesTitle: false },
      favicon: '/favicon.svg',
      // The enforcement-point colours (one home: src/lib/catalog/enforcement-tokens.ts) on every page, sidebar included.
      head: [
        {
          tag: 'style',
          attrs: { 'data-atlas-tokens': '' },
          content: enforcementCss(CATALOG.map((e) => e.programmedAt)),
        },
      ],
      customCss: ['./src/styles/atlas.css'],
      lastUpdated: false,
      sidebar,
      components: {
        Search: './src/components/overrides/Search.astro',
        // The Istio version picker sits beside the theme picker (header and mobile menu).
        ThemeSelect: './src/components/overrides/ThemeSelect.astro',
      },
      // Wrapped lines keep long YAML readable and leave no scrollable code block that keyboards cannot reach.
      expressiveCode: { defaultProps: { wrap: true } },
    }),
    mdx(),
    cspInlineScriptHashes(),
  ],
});
