#!/usr/bin/env node
// Builds the installable CLI package (issue #18): packages/cli/dist/ — bundled JavaScript that runs on
// Node >= 20.19 with no runtime dependencies — plus the labs' manifests in packages/cli/labs/. Then
// `npm pack packages/cli` gives the tarball. Usage: `npm run build:cli` (add `--metafile` to write
// packages/cli/dist/meta.json for size analysis).
//
// Start-up: the bundle is split at every dynamic import (each command loads only its own code), and the
// @kubernetes-models schema validators (≈ 2.4 MB of generated ajv code, most of a lint's start-up) become one
// small module per kind under dist/lazy/, loaded synchronously (require of an ES module, Node >= 20.19) the
// first time a resource of that kind is validated; re2js likewise. The source stays as it is: the browser and
// the repository CLI import them statically; only this build rewrites those imports (see `LAZY`).
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PKG = join(ROOT, 'packages', 'cli');
const DIST = join(PKG, 'dist');
const LABS_LOAD = join(ROOT, 'labs', 'load.ts');

/** Loaded only by `lab` (real path, serve) and `--cluster`; the CLI says what to install when they are absent. */
const OPTIONAL = ['testcontainers', '@kubernetes/client-node', '@lydell/node-pty'];

/**
 * Imports loaded on first use instead of at start-up: in these files, every `import { X } from '<module>';` or
 * `import { X as Y } from '<module>';` line whose module matches becomes a stand-in that loads the module
 * (synchronously) the first time it is used.
 */
const LAZY = [
  // ≈ 2.4 MB of generated ajv code: one module per kind, most of a lint's start-up otherwise.
  { file: 'src/lib/validator/schema/validators.ts', modules: /^@?kubernetes-models\//, atLeast: 10 },
  // ≈ 180 KB, needed only when a manifest has a regex.
  { file: 'src/lib/model/re2.ts', modules: /^re2js$/, atLeast: 1 },
  // Optional packages, not bundled (OPTIONAL): `lab list` and `lab … --dry-run` use other exports of these files.
  { file: 'labs/runner/docker.ts', modules: /^testcontainers$/, atLeast: 1, external: true },
  { file: 'labs/runner/kube.ts', modules: /^@kubernetes\/client-node$/, atLeast: 1, external: true },
];
// `import { A, B as C } from 'module';` on one line (type-only imports are left alone: esbuild drops them).
const IMPORT_LINE = /^import \{ ([\w, ]+) \} from '([^']+)';$/gm;

function lazyImports() {
  return LAZY.map(({ file, modules, atLeast, external = false }) => {
    const abs = join(ROOT, file);
    const source = readFileSync(abs, 'utf8');
    const imports = [...source.matchAll(IMPORT_LINE)]
      .filter(([, , specifier]) => modules.test(specifier))
      .map(([line, names, specifier]) => ({
        line,
        names: names.split(',').map((n) => {
          const [exported, local = exported] = n.trim().split(/\s+as\s+/);
          return { exported, local };
        }),
        specifier,
        // Bundled modules become entry points of their own under dist/lazy/; optional packages stay bare names.
        entry: external ? undefined : `lazy/${specifier.replace(/^@/, '').replace(/[^A-Za-z0-9]+/g, '-')}`,
      }));
    if (imports.length < atLeast) {
      throw new Error(
        `build-cli: found ${imports.length} lazily loaded imports in ${file}, expected at least ${atLeast}; ` +
          'its import lines changed shape — update LAZY / IMPORT_LINE in scripts/build-cli.mjs.',
      );
    }
    return { file, abs, source, imports };
  });
}

const LAZY_HELPER = `import { createRequire as __aaCreateRequire } from 'node:module';
const __aaRequire = __aaCreateRequire(import.meta.url);
/** A stand-in for an export of a module that is loaded (synchronously) the first time it is used. */
function __aaLazy(file, name) {
  let value;
  const load = () => (value ??= __aaRequire(file)[name]);
  return new Proxy(function () {}, {
    apply: (_t, self, args) => Reflect.apply(load(), self, args),
    construct: (_t, args) => Reflect.construct(load(), args),
    get: (_t, key) => Reflect.get(load(), key),
    has: (_t, key) => Reflect.has(load(), key),
  });
}
`;

/** Rewrites the LAZY files' imports (paths relative to dist/chunks/, where those files land: checked below). */
function lazyPlugin(files) {
  return {
    name: 'lazy-imports',
    setup(b) {
      for (const f of files) {
        const filter = new RegExp(`^${f.abs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
        b.onLoad({ filter }, () => {
          let contents = f.source;
          for (const i of f.imports) {
            const from = i.entry ? `../${i.entry}.mjs` : i.specifier;
            const consts = i.names.map((n) => `const ${n.local} = __aaLazy('${from}', '${n.exported}');`);
            contents = contents.replace(i.line, consts.join(' '));
          }
          return { contents: LAZY_HELPER + contents, loader: 'ts', resolveDir: dirname(f.abs) };
        });
      }
    },
  };
}

/** The bundle's chunks live in packages/cli/dist/chunks/, the labs' manifests in packages/cli/labs/. */
function labsDir() {
  const from = 'export const LABS_DIR = dirname(fileURLToPath(import.meta.url));';
  return {
    name: 'labs-dir',
    setup(b) {
      b.onLoad({ filter: /[\\/]labs[\\/]load\.ts$/ }, () => {
        const source = readFileSync(LABS_LOAD, 'utf8');
        if (!source.includes(from)) throw new Error(`build-cli: labs/load.ts no longer has the line: ${from}`);
        const to = "export const LABS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'labs');";
        return { contents: source.replace(from, to), loader: 'ts', resolveDir: dirname(LABS_LOAD) };
      });
    },
  };
}

/** ajv-formats requires `punycode`, which Node deprecates as a built-in: bundle the npm package instead. */
const punycode = {
  name: 'punycode',
  setup(b) {
    b.onResolve({ filter: /^punycode\/?$/ }, () => ({ path: join(ROOT, 'node_modules', 'punycode', 'punycode.js') }));
  },
};

function copyLabManifests() {
  const out = join(PKG, 'labs');
  rmSync(out, { recursive: true, force: true });
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules' || e.name === 'site') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) {
        const to = join(out, relative(join(ROOT, 'labs'), p));
        mkdirSync(dirname(to), { recursive: true });
        cpSync(p, to);
      }
    }
  };
  walk(join(ROOT, 'labs'));
}

/**
 * lint, simulate, migrate and catalog must start without the optional packages: none may be a static import
 * anywhere these commands load at start-up (a dynamic `import()` or a LAZY rewrite is fine).
 */
function checkOptionalStayLazy(meta) {
  const outputs = meta.outputs;
  for (const command of ['lint', 'simulate', 'migrate', 'catalog']) {
    const input = `src/cli/commands/${command}.ts`;
    const start = Object.keys(outputs).find((o) => outputs[o].inputs[input]);
    if (!start) throw new Error(`build-cli: no output contains ${input}`);
    const seen = new Set();
    const todo = [start];
    while (todo.length) {
      const o = todo.pop();
      if (seen.has(o)) continue;
      seen.add(o);
      for (const i of outputs[o]?.imports ?? []) {
        if (i.kind !== 'import-statement') continue;
        if (OPTIONAL.includes(i.path)) {
          throw new Error(
            `build-cli: \`${command}\` would need the optional package ${i.path} at start-up (static import in ` +
              `${relative(ROOT, o)}); import it with \`await import()\` where it is used.`,
          );
        }
        todo.push(i.path);
      }
    }
  }
}

/** The name, version, licence and licence text of every npm package the bundle contains. */
function thirdPartyLicenses(meta) {
  const roots = new Set();
  for (const input of Object.keys(meta.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) roots.add(m[1]);
  }
  const parts = [...roots].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(ROOT, dir)).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file ? readFileSync(join(ROOT, dir, file), 'utf8').trim() : `License: ${pkg.license ?? 'see package'}`;
    return `${pkg.name}@${pkg.version} (${pkg.license ?? 'unknown'})\n\n${text}\n`;
  });
  return `The ambient-atlas bundle contains these npm packages:\n\n${parts.join('\n' + '-'.repeat(80) + '\n\n')}`;
}

export async function buildCli({ metafile = false } = {}) {
  const lazy = lazyImports();
  rmSync(DIST, { recursive: true, force: true });
  const entryPoints = { 'ambient-atlas': join(ROOT, 'src', 'cli', 'bundle-entry.ts') };
  for (const i of lazy.flatMap((f) => f.imports)) {
    if (i.entry) entryPoints[i.entry] = fileURLToPath(import.meta.resolve(i.specifier));
  }
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir: DIST,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    external: OPTIONAL,
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none', // every bundled package's licence goes to dist/THIRD-PARTY-LICENSES.txt instead
    metafile: true,
    logLevel: 'warning',
    // Bundled CommonJS dependencies (ws) call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __aaCjsRequire } from 'node:module'; const require = __aaCjsRequire(import.meta.url);",
    },
    plugins: [lazyPlugin(lazy), labsDir(), punycode],
  });
  // The lazy paths are relative to dist/chunks/, where the rewritten files must have landed.
  // So are labs/load.ts's (dist/chunks/../../labs).
  for (const file of [...lazy.map((f) => f.file), 'labs/load.ts']) {
    const home = Object.keys(result.metafile.outputs).find((o) => result.metafile.outputs[o].inputs[file]);
    if (!home?.includes('/chunks/')) throw new Error(`build-cli: ${file} landed in ${home}, not in dist/chunks/`);
  }
  // The entry runs as a bin: a shebang, and executable.
  const bin = join(DIST, 'ambient-atlas.mjs');
  writeFileSync(bin, '#!/usr/bin/env node\n' + readFileSync(bin, 'utf8'), { mode: 0o755 });
  copyLabManifests();
  checkOptionalStayLazy(result.metafile);
  writeFileSync(join(DIST, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses(result.metafile));
  if (metafile) writeFileSync(join(DIST, 'meta.json'), JSON.stringify(result.metafile));
  let bytes = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.mjs')) bytes += statSync(p).size;
    }
  };
  walk(DIST);
  return { dist: DIST, bytes, lazyModules: lazy.reduce((n, f) => n + f.imports.filter((i) => i.entry).length, 0) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  const r = await buildCli({ metafile: process.argv.includes('--metafile') });
  // On stderr: `npm pack --json` runs this as its prepack script, and its stdout must stay JSON.
  process.stderr.write(
    `built ${relative(ROOT, r.dist)}: ${(r.bytes / 1024).toFixed(0)} KiB of JavaScript, ` +
      `${r.lazyModules} modules loaded on first use, in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
}
