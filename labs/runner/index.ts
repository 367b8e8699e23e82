// `ambient-atlas lab …` behind the CLI: argument handling, exit codes, and the Node wiring of the real path.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findLab, loadLabs, REPO_DIR } from '../load.ts';
import type { LoadedLab } from '../load.ts';
import { NO_DOCKER_LINE, NoDockerError } from './errors.ts';
import { loadEngine } from './engine.ts';
import { dryRun } from './dry-run.ts';
import { down, LabRunError, up } from './real.ts';
import { check } from './real-check.ts';
import type { RealDeps, StateStore } from './real.ts';
import { runExisting } from './run-existing.ts';
import type { ExistingOverrides } from './run-existing.ts';
// The CLI's one exit-code table (DESIGN §4): a failed lab check is exit 1 like a finding.
import { EXIT } from '../../src/cli/io.ts';

export interface LabIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export interface LabCommand {
  readonly sub: 'list' | 'up' | 'check' | 'down';
  readonly lab?: string;
  readonly dryRun: boolean;
  readonly step?: number;
  readonly applySolution: boolean;
  /** A cluster the user already has (`--kubeconfig FILE [--context NAME]`) instead of a kind cluster. */
  readonly kubeconfig?: string;
  readonly context?: string;
}

export class LabUsageError extends Error {
  override name = 'LabUsageError';
}

export function parseLabCommand(
  positionals: readonly string[],
  flags: { 'dry-run'?: boolean; step?: string; 'apply-solution'?: boolean; kubeconfig?: string; context?: string },
): LabCommand {
  const [sub, lab, ...extra] = positionals;
  if (sub !== 'list' && sub !== 'up' && sub !== 'check' && sub !== 'down')
    throw new LabUsageError(
      `expected a subcommand: list | up LAB | check LAB [--step N] | down LAB${sub ? ` (got "${sub}")` : ''}`,
    );
  if (extra.length > 0) throw new LabUsageError(`unexpected argument "${extra[0]}"`);
  if (sub === 'list') {
    if (lab) throw new LabUsageError('`lab list` takes no LAB');
    return { sub, dryRun: false, applySolution: false };
  }
  if (!lab) throw new LabUsageError(`\`lab ${sub}\` needs a LAB id (see \`ambient-atlas lab list\`)`);
  let step: number | undefined;
  if (flags.step !== undefined) {
    if (sub !== 'check') throw new LabUsageError('--step only applies to `lab check`');
    step = Number(flags.step);
    if (!Number.isInteger(step) || step < 1)
      throw new LabUsageError(`--step must be a positive integer (got "${flags.step}")`);
  }
  if (flags['apply-solution'] && sub !== 'check')
    throw new LabUsageError('--apply-solution only applies to `lab check`');
  if (lab === 'all' && !flags['dry-run']) throw new LabUsageError('LAB "all" is only for --dry-run');
  if (flags.context !== undefined && flags.kubeconfig === undefined)
    throw new LabUsageError('--context needs --kubeconfig FILE');
  if (flags.kubeconfig !== undefined && (flags.kubeconfig === '' || lab === 'all'))
    throw new LabUsageError('--kubeconfig takes a file and one LAB');
  return {
    sub,
    lab,
    dryRun: Boolean(flags['dry-run']),
    ...(step !== undefined ? { step } : {}),
    applySolution: Boolean(flags['apply-solution']),
    ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context !== undefined ? { context: flags.context } : {}),
  };
}

/** Files under <repo>/labs/.state/<id>/. */
export function fileStateStore(root = join(REPO_DIR, 'labs', '.state')): StateStore {
  return {
    path: (labId, name) => join(root, labId, name),
    read(labId, name) {
      try {
        return readFileSync(join(root, labId, name), 'utf8');
      } catch {
        return undefined;
      }
    },
    write(labId, name, content) {
      mkdirSync(join(root, labId), { recursive: true, mode: 0o700 });
      writeFileSync(join(root, labId, name), content, { mode: 0o600 });
    },
    removeAll(labId) {
      rmSync(join(root, labId), { recursive: true, force: true });
    },
  };
}

/** The Node process wiring of the real path (testcontainers and client-node load only here). */
export async function nodeDeps(out: (line: string) => void): Promise<RealDeps> {
  const [{ testcontainersLayer }, { clientNodeKube }] = await Promise.all([import('./docker.ts'), import('./kube.ts')]);
  return {
    containers: testcontainersLayer(),
    kube: clientNodeKube,
    engine: loadEngine,
    state: fileStateStore(),
    out,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    onSignal(handler) {
      // Ctrl-C, `lab down` from another terminal (SIGTERM), a closed terminal (SIGHUP), and crashes all clean up.
      const h = (signal: NodeJS.Signals) => handler(signal);
      const crash = (err: unknown) => {
        process.stderr.write(`ambient-atlas lab: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exitCode = 1;
        handler('crash');
      };
      process.on('SIGINT', h);
      process.on('SIGTERM', h);
      process.on('SIGHUP', h);
      process.on('uncaughtException', crash);
      process.on('unhandledRejection', crash);
      return () => {
        process.off('SIGINT', h);
        process.off('SIGTERM', h);
        process.off('SIGHUP', h);
        process.off('uncaughtException', crash);
        process.off('unhandledRejection', crash);
      };
    },
    pid: process.pid,
    heartbeatMs: 15_000,
    signalProcess(pid, signal) {
      try {
        process.kill(pid, 0);
        process.kill(pid, signal);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * Runs a parsed lab command. `deps` is injectable for tests (a fake container layer, an in-memory state store);
 * the CLI passes nothing and gets the real Node wiring.
 */
export async function runLab(
  cmd: LabCommand,
  io: LabIo,
  deps?: RealDeps,
  existing?: ExistingOverrides,
): Promise<number> {
  const labs = loadLabs();
  if (cmd.sub === 'list') {
    const width = Math.max(...labs.map((l) => l.lab.id.length)) + 2;
    for (const l of labs) io.stdout(`${l.lab.id.padEnd(width)}${l.lab.title}\n`);
    return EXIT.ok;
  }
  const selected: LoadedLab[] = cmd.lab === 'all' ? labs : [findLab(labs, cmd.lab!)].filter((l): l is LoadedLab => !!l);
  if (selected.length === 0) {
    io.stderr(`ambient-atlas lab: unknown lab "${cmd.lab}". Labs: ${labs.map((l) => l.lab.id).join(', ')}.\n`);
    return EXIT.usage;
  }
  if (cmd.step !== undefined) {
    for (const l of selected)
      if (cmd.step > l.lab.steps.length) {
        io.stderr(`ambient-atlas lab: lab ${l.lab.id} has ${l.lab.steps.length} steps (got --step ${cmd.step}).\n`);
        return EXIT.usage;
      }
  }
  const out = (line: string) => io.stdout(`${line}\n`);
  if (cmd.kubeconfig !== undefined) return runExisting(cmd, selected[0]!, io, existing);
  if (cmd.dryRun) {
    const engine = await loadEngine();
    let ok = true;
    for (const l of selected) {
      const r = await dryRun(l, engine, {
        command: cmd.sub,
        ...(cmd.step !== undefined ? { step: cmd.step } : {}),
        out,
      });
      ok &&= r.ok;
    }
    return ok ? EXIT.ok : EXIT.findings;
  }
  const d = deps ?? (await nodeDeps(out));
  const loaded = selected[0]!;
  try {
    if (cmd.sub === 'up') {
      const running = await up(loaded, d);
      out(
        `The cluster stays up while this command runs. Press Ctrl-C (or run \`ambient-atlas lab down ${loaded.lab.id}\`) to delete it.`,
      );
      out(`Check your work from another terminal: ambient-atlas lab check ${loaded.lab.id} --step 1`);
      const signal = await new Promise<string>((resolve) => {
        const unregister = d.onSignal((s) => {
          unregister();
          resolve(s);
        });
      });
      await running.cleanup();
      return signal === 'crash' ? EXIT.findings : EXIT.ok;
    }
    if (cmd.sub === 'check') {
      const results = await check(loaded, d, {
        ...(cmd.step !== undefined ? { step: cmd.step } : {}),
        applySolution: cmd.applySolution,
      });
      return results.every((r) => r.ok) ? EXIT.ok : EXIT.findings;
    }
    await down(loaded, d);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof NoDockerError) {
      io.stderr(NO_DOCKER_LINE.replace('<id>', loaded.lab.id) + '\n');
      return EXIT.noDocker;
    }
    if (err instanceof LabRunError) {
      io.stderr(`ambient-atlas lab ${cmd.sub}: ${err.message}\n`);
      return EXIT.findings;
    }
    throw err;
  }
}
