#!/usr/bin/env node
// Runs a command under Node >= 22.18, which Astro 7, vitest 5 and the type-stripped CLI need. On a machine whose
// Node is older (these machines ship Node 20), Node 22 comes once from the npm registry (the `node` package ships
// the binary) into a user cache outside the project, native addons are rebuilt for it once, and the command runs
// under it; with a new enough Node nothing is downloaded. Usage: node scripts/with-node.mjs <node|npm|npx> args…
// Plain JavaScript on purpose: it must run on the old Node before anything else can.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const MIN = [22, 18];
const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/with-node.mjs <node|npm|npx> [args…]');
  process.exit(2);
}

const tooOld = (v) => {
  const [a, b] = v.split('.').map(Number);
  return a < MIN[0] || (a === MIN[0] && b < MIN[1]);
};

let env = process.env;
let node = process.execPath;
if (tooOld(process.versions.node)) {
  const tools = join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ambient-atlas', 'node22');
  const bin = join(tools, 'node_modules', '.bin');
  node = join(bin, process.platform === 'win32' ? 'node.cmd' : 'node');
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...env, npm_config_loglevel: 'error' } };
  if (!existsSync(node)) {
    console.log(
      `ambient-atlas: Node ${process.versions.node} is older than ${MIN.join('.')}; fetching Node 22 once into ${tools}`,
    );
    mkdirSync(tools, { recursive: true });
    const r = spawnSync(
      'npm',
      ['install', '--prefix', tools, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', 'node@22'],
      quiet,
    );
    if (r.status !== 0 || !existsSync(node)) {
      console.error(
        'ambient-atlas: could not install Node 22 from the npm registry; install Node >= 22.18 yourself (see .nvmrc)',
      );
      process.exit(2);
    }
  }
  env = { ...env, PATH: `${bin}${delimiter}${env.PATH ?? ''}` };
  const version = spawnSync(node, ['-p', 'process.versions.node'], { env, encoding: 'utf8' }).stdout.trim();
  // Native addons (node-pty for `lab serve`) were built by `npm install` for the old Node: rebuild once per version.
  const marker = join('node_modules', `.rebuilt-for-node-${version}`);
  if (existsSync('node_modules') && !existsSync(marker)) {
    console.log(`ambient-atlas: running under Node ${version} (rebuilding native addons for it once)`);
    spawnSync('npm', ['rebuild'], { ...quiet, env: { ...quiet.env, PATH: env.PATH } });
    writeFileSync(marker, '');
  }
}

const r = spawnSync(cmd === 'node' ? node : cmd, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
if (r.error) {
  console.error(`ambient-atlas: could not run ${cmd}: ${r.error.message}`);
  process.exit(2);
}
process.exit(r.status ?? 1);
