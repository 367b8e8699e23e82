// @ts-check
import mdx from '@astrojs/mdx';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import { sidebar } from './src/site/sidebar.ts';

export default defineConfig({
  // Sitemap and canonical URLs need an absolute site; tests map it to the local preview server.
  site: 'https://ambient-atlas.dev',
  trailingSlash: 'always',
  integrations: [
    starlight({
      title: 'Ambient Atlas',
      description:
        'Which Istio ambient CRD is enforced where — ztunnel, waypoint, istio-cni, istiod — with tested YAML, a validator and a request simulator.',
      logo: { src: './src/assets/logo.svg', replacesTitle: false },
      customCss: ['./src/styles/atlas.css'],
      lastUpdated: false,
      sidebar,
      components: { Search: './src/components/overrides/Search.astro' },
    }),
    mdx(),
  ],
});
