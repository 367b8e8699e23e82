// The CLI side of `lab up|check|down LAB --kubeconfig FILE [--context NAME] [--dry-run]`: wiring (client-node,
// the engine) and the exit codes. Nothing here ever prints a stack trace: a kubeconfig problem is a usage error
// (exit 2), a cluster that does not answer is one line and exit 3, a lab that cannot run there is exit 1.
import { EXIT } from '../../src/cli/io.ts';
import type { LoadedLab } from '../load.ts';
import { dryRun as simulatorDryRun } from './dry-run.ts';
import { loadEngine } from './engine.ts';
import { ClusterUnreachableError, existingCheck, existingDown, existingUp, LAB_LABEL, preflight } from './existing.ts';
import type { ClusterOps, ExistingDeps } from './existing.ts';
import type { LabCommand, LabIo } from './index.ts';
import { KubeconfigError } from './kube.ts';
import type { KubeOps } from './kube.ts';
import { LabRunError } from './real.ts';

/** Test seams: waiting without real time. The cluster itself is always reached through client-node. */
export interface ExistingOverrides {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export async function runExisting(
  cmd: LabCommand,
  loaded: LoadedLab,
  io: LabIo,
  overrides: ExistingOverrides = {},
): Promise<number> {
  const out = (line: string) => io.stdout(`${line}\n`);
  const file = cmd.kubeconfig!;
  const target = `--kubeconfig ${file}${cmd.context !== undefined ? ` --context ${cmd.context}` : ''}`;
  try {
    const [{ clientNodeCluster }, { clientNodeKube }] = await Promise.all([
      import('./cluster-ops.ts'),
      import('./kube.ts'),
    ]);
    const ops: ClusterOps = clientNodeCluster(file, cmd.context);
    const kube: KubeOps = clientNodeKube(file, {
      ...(cmd.context !== undefined ? { context: cmd.context } : {}),
      labels: { [LAB_LABEL]: loaded.lab.id },
    });
    const deps: ExistingDeps = {
      ops,
      kube,
      target,
      engine: loadEngine,
      out,
      sleep: overrides.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      now: overrides.now ?? (() => Date.now()),
    };
    if (cmd.sub === 'up') {
      await existingUp(loaded, deps, cmd.dryRun);
      return EXIT.ok;
    }
    if (cmd.sub === 'down') {
      await existingDown(loaded, deps, cmd.dryRun);
      return EXIT.ok;
    }
    if (cmd.dryRun) {
      // Read-only: what the cluster has, then the lab's checks in the simulator.
      const p = await preflight(ops);
      for (const i of p.items) out(`preflight ${i.ok ? 'ok  ' : 'FAIL'} ${i.what}: ${i.detail}`);
      const r = await simulatorDryRun(loaded, await loadEngine(), {
        command: 'check',
        ...(cmd.step !== undefined ? { step: cmd.step } : {}),
        out,
      });
      return p.ok && r.ok ? EXIT.ok : EXIT.findings;
    }
    const results = await existingCheck(loaded, deps, {
      ...(cmd.step !== undefined ? { step: cmd.step } : {}),
      applySolution: cmd.applySolution,
    });
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.findings;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (err instanceof KubeconfigError) {
      io.stderr(`ambient-atlas lab: ${msg}\n`);
      return EXIT.usage;
    }
    if (err instanceof ClusterUnreachableError) {
      io.stderr(
        `ambient-atlas lab: ${msg.split('\n')[0]} — check ${target}; without a cluster use \`--dry-run\` (no --kubeconfig) or the lab page /labs/${loaded.lab.id}/.\n`,
      );
      return EXIT.noDocker;
    }
    io.stderr(`ambient-atlas lab ${cmd.sub}: ${err instanceof LabRunError ? msg : msg.split('\n')[0]}\n`);
    return EXIT.findings;
  }
}
