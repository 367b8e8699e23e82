/**
 * The playground's presets: the bookinfo base the labs deploy, and every reference example with what it is declared
 * `with` and its first expectation as the request (what its "Open in playground" link does). Loaded lazily when picked,
 * as is the YAML library that reads an expectation file.
 */
import type { SharedState } from '../../lib/share/index.ts';

const baseFiles = import.meta.glob<string>('../../../labs/base/*.yaml', { query: '?raw', import: 'default' });
const exampleFiles = import.meta.glob<string>('../../content/examples/**/*.{yaml,yml}', {
  query: '?raw',
  import: 'default',
});

async function loadNamed(name: string): Promise<string | undefined> {
  if (name.startsWith('base/')) return baseFiles[`../../../labs/base/${name.slice(5)}.yaml`]?.();
  const key = Object.keys(exampleFiles).find(
    (k) => k.replace(/^\.\.\/\.\.\/content\/examples\//, '').replace(/\.ya?ml$/, '') === name,
  );
  return key ? exampleFiles[key]!() : undefined;
}

export const BOOKINFO_PRESETS: Record<string, readonly string[]> = {
  bookinfo: ['base/bookinfo', 'base/clients', 'base/ambient-namespace'],
  'bookinfo-waypoint': ['base/bookinfo', 'base/clients', 'base/waypoint'],
};

/** A preset's YAML (the example and what it is declared `with`, as its "Open in playground" link does) and first request. */
export async function loadPreset(id: string): Promise<SharedState | undefined> {
  const bookinfo = BOOKINFO_PRESETS[id];
  if (bookinfo) {
    const texts = await Promise.all(bookinfo.map(loadNamed));
    return {
      yaml: texts.map((t) => (t ?? '').trimEnd()).join('\n---\n') + '\n',
      request: { from: 'bookinfo/curl', to: 'productpage:9080', method: 'GET', path: '/productpage' },
    };
  }
  const text = await loadNamed(id);
  if (text === undefined) return undefined;
  let withNames: string[] = [];
  let request: SharedState['request'];
  const expectText = await loadNamed(`${id}.expect`);
  if (expectText !== undefined) {
    try {
      // The YAML library only for an expectation file (a reference example's), not for the bookinfo presets.
      const { parse: parseYaml } = await import('yaml');
      const expect = parseYaml(expectText) as { with?: unknown; claims?: unknown } | null;
      if (Array.isArray(expect?.with)) withNames = expect.with.filter((w): w is string => typeof w === 'string');
      const first = Array.isArray(expect?.claims)
        ? (expect.claims[0] as Record<string, unknown> | undefined)
        : undefined;
      if (first && typeof first.from === 'string' && typeof first.to === 'string')
        request = {
          from: first.from,
          to: first.to,
          ...(typeof first.method === 'string' ? { method: first.method } : {}),
          ...(typeof first.path === 'string' ? { path: first.path } : {}),
          ...(first.headers && typeof first.headers === 'object'
            ? { headers: first.headers as Record<string, string> }
            : {}),
          ...(typeof first.jwt === 'string' ? { jwt: first.jwt } : {}),
          ...(first.tcp === true ? { tcp: true } : {}),
        };
    } catch {
      // An unreadable expectation file only costs the preset its request.
    }
  }
  const withTexts = await Promise.all(withNames.map(loadNamed));
  return {
    yaml: [...withTexts.map((t) => t ?? ''), text].map((t) => t.trimEnd()).join('\n---\n') + '\n',
    ...(request ? { request } : {}),
  };
}
