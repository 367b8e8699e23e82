#!/usr/bin/env node
// Builds the installable CLI package (issue #18): packages/cli/dist/ — bundled JavaScript that runs on
// Node >= 20.19 with no runtime dependencies — plus the labs' manifests in packages/cli/labs/. Then
// `npm pack packages/cli` gives the tarball. Usage: `npm run build:cli` (add `--metafile` to write
// packages/cli/dist/meta.json for size analysis).
//
// Start-up: the bundle is split at every dynamic import (each command loads only its own code), and the
// @kubernetes-models schema validators (≈ 2.4 MB of generated ajv code, most of a lint's start-up) become one
// small module per kind under dist/lazy/, loaded synchronously (require of an ES module, Node >= 20.19) the
// first time a resource of that kind is validated; re2js, `yaml` and the draft-2019 ajv formats likewise. The
// source stays as it is: the browser and the repository CLI import them statically; only this build rewrites
// those imports (see `LAZY`, `lazyDraft2019Formats`). Node built-ins come through process.getBuiltinModule
// (`builtins`), and the output is minified: what a command loads is read, decoded and compiled at every start.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  // ≈ 115 KB: the fast reader (model/fast-yaml.ts) reads plain documents; `yaml` composes the rest, locates some
  // findings and reads --mesh-config.
  { file: 'src/lib/model/yaml/compose.ts', modules: /^yaml$/, atLeast: 1 },
  { file: 'src/lib/model/yaml/locate.ts', modules: /^yaml$/, atLeast: 1 },
  { file: 'src/lib/model/yaml/aliases.ts', modules: /^yaml$/, atLeast: 1 },
  { file: 'src/lib/ambient/meshconfig.ts', modules: /^yaml$/, atLeast: 1 },
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

const LAZY_HELPER = `const __aaRequire = process.getBuiltinModule('node:module').createRequire(import.meta.url);
/**
 * A stand-in for an import binding until its module is loaded: whatever touches it (a call, \`new\`, a property)
 * runs \`load\`, which loads the module (synchronously) and points every binding of the import line at the real
 * export, then acts on that. Later uses reach the real export directly, with no stand-in in between.
 */
function __aaLazy(load, real) {
  const go = () => (load(), real());
  return new Proxy(function () {}, {
    apply: (_t, self, args) => Reflect.apply(go(), self, args),
    construct: (_t, args) => Reflect.construct(go(), args),
    get: (_t, key) => Reflect.get(go(), key),
    has: (_t, key) => Reflect.has(go(), key),
  });
}
`;

/**
 * Rewrites the LAZY files' imports (paths relative to dist/chunks/, where those files land: checked below).
 * \`import { A, B as C } from 'm';\` becomes \`let A = stand-in, C = stand-in;\` and a function that loads \`m\` once
 * and assigns \`A = m.A, C = m.B\` (a bundled CommonJS package's exports are under \`default\`).
 */
function lazyPlugin(files) {
  return {
    name: 'lazy-imports',
    setup(b) {
      for (const f of files) {
        const filter = new RegExp(`^${f.abs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
        b.onLoad({ filter }, () => {
          let contents = f.source;
          f.imports.forEach((i, n) => {
            const from = JSON.stringify(i.entry ? `../${i.entry}.mjs` : i.specifier);
            const load = `__aaLoad${n}`;
            const stubs = i.names.map((x) => `${x.local} = __aaLazy(${load}, () => ${x.local})`);
            const assign = i.names.map((x) => `${x.local} = m[${JSON.stringify(x.exported)}];`);
            contents = contents.replace(
              i.line,
              // Marked loaded only once the bindings are set: a load that throws (an optional package that is not
              // installed) throws again on the next use instead of leaving a stand-in that points at itself.
              `let ${stubs.join(', ')}; let __aaLoaded${n} = false; ` +
                `function ${load}() { if (__aaLoaded${n}) return; ` +
                `let m = __aaRequire(${from}); if (!(${JSON.stringify(i.names[0].exported)} in m)) m = m.default; ` +
                `${assign.join(' ')} __aaLoaded${n} = true; }`,
            );
          });
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

/**
 * Node built-ins through `process.getBuiltinModule` (Node >= 20.16) instead of `import … from 'node:x'`: an ES
 * import of a built-in builds a module facade that reads every export, and `node:util`'s exports include lazily
 * loaded ones (TextDecoder and friends) whose first read loads `internal/encoding`, `worker_threads` and more
 * (≈ 6 ms of CPU on its own, measured on a loaded 2-core machine). esbuild's CommonJS interop
 * would read every property descriptor, which materialises them just the same; so the stand-in is an object of
 * getters over the built-in: nothing is read until the code reads it.
 */
const builtins = {
  name: 'builtins',
  setup(b) {
    const names = new Set(builtinModules.flatMap((n) => (n.startsWith('node:') ? [n] : [n, `node:${n}`])));
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) =>
      names.has(args.path) ? { path: args.path.replace(/^node:/, ''), namespace: 'builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `const m = process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});
const getters = {};
for (const k of Object.getOwnPropertyNames(m)) getters[k] = { get: () => m[k], enumerable: true };
module.exports = Object.defineProperties({}, getters);`,
      loader: 'js',
    }));
  },
};

/** Where the formats module lands and the draft-2019 formats are loaded from (see lazyDraft2019Formats). */
const FORMATS_FILE = 'node_modules/@kubernetes-models/validate/dist/formats.js';
const DRAFT2019_ENTRY = 'lazy/ajv-formats-draft2019';

/**
 * @kubernetes-models/validate's `formats` table spreads in ajv-formats-draft2019 (idn-email, idn-hostname, iri,
 * iri-reference, duration), whose modules bring uri-js, the IANA scheme lists, punycode and a nearley grammar:
 * ≈ 90 KB read and run before the first resource is validated. No generated validator we bundle uses those
 * formats (they use int32, int64, double, byte, date-time, quantity), so here the five become properties that
 * load the package (an entry of its own under dist/lazy/) the first time one is read: the same keys, each with
 * the same value as before.
 */
const lazyDraft2019Formats = {
  name: 'lazy-draft2019-formats',
  setup(b) {
    const file = join(ROOT, FORMATS_FILE);
    const importLine = 'import draft2019Formats from "ajv-formats-draft2019/formats/index.js";';
    const spread = '    ...draft2019Formats,\n';
    const filter = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    b.onLoad({ filter }, () => {
      const source = readFileSync(file, 'utf8');
      if (
        !source.includes(importLine) ||
        !source.includes(spread) ||
        !source.includes('\nexport function addFormats')
      ) {
        throw new Error(`build-cli: ${FORMATS_FILE} changed shape — update lazyDraft2019Formats`);
      }
      const lazy = `
const __aaFormatsRequire = process.getBuiltinModule('node:module').createRequire(import.meta.url);
for (const name of ['duration', 'idn-email', 'idn-hostname', 'iri', 'iri-reference']) {
  Object.defineProperty(formats, name, {
    configurable: true,
    enumerable: true,
    get() {
      const value = __aaFormatsRequire('../${DRAFT2019_ENTRY}.mjs').default[name];
      Object.defineProperty(formats, name, { value, configurable: true, enumerable: true, writable: true });
      return value;
    },
  });
}
`;
      const contents = source
        .replace(importLine, '')
        .replace(spread, '')
        .replace('\nexport function addFormats', `${lazy}export function addFormats`);
      return { contents, loader: 'js', resolveDir: dirname(file) };
    });
  },
};

/** ajv-formats requires `punycode`, which Node deprecates as a built-in: bundle the npm package instead. */
const punycode = {
  name: 'punycode',
  setup(b) {
    b.onResolve({ filter: /^punycode\/?$/ }, () => ({ path: join(ROOT, 'node_modules', 'punycode', 'punycode.js') }));
  },
};

/** Beside the bundle's directory: the chunks find them at dist/chunks/../../labs (see labsDir). */
function copyLabManifests(out) {
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

/** `outDir` (default packages/cli/dist) lets a bench or an experiment build beside the package, not over it. */
export async function buildCli({ metafile = false, outDir = DIST } = {}) {
  const lazy = lazyImports();
  rmSync(outDir, { recursive: true, force: true });
  const entryPoints = { 'ambient-atlas': join(ROOT, 'src', 'cli', 'bundle-entry.ts') };
  for (const i of lazy.flatMap((f) => f.imports)) {
    if (i.entry) entryPoints[i.entry] = fileURLToPath(import.meta.resolve(i.specifier));
  }
  entryPoints[DRAFT2019_ENTRY] = join(ROOT, 'node_modules', 'ajv-formats-draft2019', 'formats', 'index.js');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    external: OPTIONAL,
    // Start-up reads, decodes and hashes every byte of the modules a command loads (a compile cache saves little
    // of that): short identifiers make lint's modules ≈ 20 % smaller. No code here reads a function's or class's
    // `name`.
    minify: true,
    legalComments: 'none', // every bundled package's licence goes to dist/THIRD-PARTY-LICENSES.txt instead
    metafile: true,
    logLevel: 'warning',
    // Bundled CommonJS dependencies (ws) call require() for Node built-ins (see `builtins` for why not an import).
    banner: {
      js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);",
    },
    plugins: [lazyPlugin(lazy), labsDir(), punycode, builtins, lazyDraft2019Formats],
  });
  // The lazy paths are relative to dist/chunks/, where the rewritten files must have landed.
  // So are labs/load.ts's (dist/chunks/../../labs) and the draft-2019 formats' (lazyDraft2019Formats).
  for (const file of [...lazy.map((f) => f.file), 'labs/load.ts', FORMATS_FILE]) {
    const home = Object.keys(result.metafile.outputs).find((o) => result.metafile.outputs[o].inputs[file]);
    if (!home?.includes('/chunks/')) throw new Error(`build-cli: ${file} landed in ${home}, not in dist/chunks/`);
  }
  // The entry runs as a bin: a shebang, and executable.
  const bin = join(outDir, 'ambient-atlas.mjs');
  writeFileSync(bin, '#!/usr/bin/env node\n' + readFileSync(bin, 'utf8'), { mode: 0o755 });
  copyLabManifests(join(outDir, '..', 'labs'));
  checkOptionalStayLazy(result.metafile);
  writeFileSync(join(outDir, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses(result.metafile));
  if (metafile) writeFileSync(join(outDir, 'meta.json'), JSON.stringify(result.metafile));
  let bytes = 0;
  const notAscii = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.mjs')) {
        const data = readFileSync(p);
        bytes += data.length;
        if (data.some((byte) => byte > 0x7f)) notAscii.push(relative(outDir, p));
      }
    }
  };
  walk(outDir);
  // esbuild escapes non-ASCII text in strings but not in regular expression literals. One such character makes
  // Node decode the whole module into a two-byte string, about twice the work at every start.
  if (notAscii.length) {
    process.stderr.write(
      `build-cli: warning: not ASCII (write \\uXXXX in the regular expression instead): ${notAscii.join(', ')}\n`,
    );
  }
  const lazyEntries = new Set(lazy.flatMap((f) => f.imports.flatMap((i) => (i.entry ? [i.entry] : []))));
  return { dist: outDir, bytes, lazyModules: lazyEntries.size + 1, notAscii };
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
