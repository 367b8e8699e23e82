import { parse } from 'yaml';
import { parseWith } from '../lib/expect/schema.ts';
import { expectSchema } from './example-schema.ts';
import type { ExampleExpect } from './example-schema.ts';

export interface Example {
  /** Path under src/content/examples without `.yaml`, e.g. `security/authz-l4`. */
  readonly name: string;
  readonly yaml: string;
  readonly expect: ExampleExpect;
}

// Vite (Astro and vitest alike) inlines every example at build time: the page shows the file the tests check.
// The bookinfo base the labs deploy is shared too (as `base/<file>`), so pages and labs run the same mesh.
const files = {
  ...import.meta.glob<string>('../content/examples/**/*.{yaml,yml}', { query: '?raw', import: 'default', eager: true }),
  ...Object.fromEntries(
    Object.entries(
      import.meta.glob<string>('../../labs/base/*.yaml', { query: '?raw', import: 'default', eager: true }),
    ).map(([path, text]) => [path.replace('../../labs/base/', '../content/examples/base/'), text]),
  ),
};

function load(): Map<string, Example> {
  const out = new Map<string, Example>();
  const expects = new Map<string, string>();
  for (const [path, text] of Object.entries(files)) {
    const name = path.replace('../content/examples/', '').replace(/\.ya?ml$/, '');
    if (name.endsWith('.expect')) expects.set(name.slice(0, -'.expect'.length), text);
  }
  for (const [path, text] of Object.entries(files)) {
    const name = path.replace('../content/examples/', '').replace(/\.ya?ml$/, '');
    if (name.endsWith('.expect')) continue;
    const raw = expects.get(name);
    const where = `src/content/examples/${name}.expect.yaml`;
    let data: unknown;
    try {
      data = raw === undefined ? {} : (parse(raw) ?? {});
    } catch (err) {
      throw new Error(`${where} is not valid YAML: ${String(err)}`, { cause: err });
    }
    // Friendly "path: message" lines from src/lib/expect (ExpectationError) for a malformed claim.
    const expect: ExampleExpect = parseWith(expectSchema, data, where);
    out.set(name, { name, yaml: text, expect });
  }
  for (const name of expects.keys())
    if (!out.has(name)) throw new Error(`src/content/examples/${name}.expect.yaml has no ${name}.yaml beside it`);
  return out;
}

export const EXAMPLES: ReadonlyMap<string, Example> = load();

export function example(name: string): Example {
  const e = EXAMPLES.get(name);
  if (!e)
    throw new Error(
      `No example "${name}" under src/content/examples (known: ${[...EXAMPLES.keys()].slice(0, 8).join(', ')}, …)`,
    );
  return e;
}

/** The example's YAML together with the examples it is declared `with`, as the validator and simulator see it. */
export function exampleInputs(e: Example): { file: string; text: string }[] {
  return [
    ...e.expect.with.map((w) => ({ file: `${w}.yaml`, text: example(w).yaml })),
    { file: `${e.name}.yaml`, text: e.yaml },
  ];
}
