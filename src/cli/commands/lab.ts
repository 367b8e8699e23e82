import { parseArgs } from '../args.ts';
import type { Command } from '../io.ts';
import { UsageError } from '../io.ts';

export const help = `ambient-atlas lab — guided labs on a real kind cluster with Istio ambient, or as a dry run

Usage:
  ambient-atlas lab list                          one lab per line: id, then title
  ambient-atlas lab up LAB [--dry-run]            kind + Gateway API CRDs + Istio ambient + the lab's workloads;
                                                  stays in the foreground until Ctrl-C, then deletes the cluster
  ambient-atlas lab check LAB [--step N] [--apply-solution] [--dry-run]
                                                  run the checks of step N (default: every step) for real (curl
                                                  from the client pod) and compare each with the simulator: says
                                                  whether your YAML or the cluster is at fault.
                                                  --apply-solution applies the reference YAML of steps 1..N first
  ambient-atlas lab down LAB [--dry-run]          delete the lab's cluster and state
  ambient-atlas lab up|check|down LAB --kubeconfig FILE [--context NAME] [--dry-run]
                                                  the same on a cluster you already have (Istio 1.30/1.31 ambient,
                                                  Gateway API CRDs): a read-only preflight first; the lab creates
                                                  only namespaces of its own and labels everything it creates
                                                  ambient-atlas.dev/lab=LAB; down deletes only what has that label
  ambient-atlas lab serve [LAB] [--port N] [--origin URL]... [--site URL] [--shell PATH] [--dry-run]
                                                  a real shell on the lab cluster for the in-page terminal
                                                  (WebSocket on 127.0.0.1 only, token + Origin checked)

--dry-run needs no Docker: it prints every action (cluster image, installs with versions, manifests, checks),
lints the manifests of every step and runs every check in the simulator. LAB may be "all" with --dry-run.
The real path needs a Docker engine (about 8 GB of RAM); see labs/README.md.

Exit codes: 0 ok, 1 a check or lint failed (or the cluster lacks what the lab needs), 2 usage error, 3 Docker
required but not found (with --kubeconfig: the cluster does not answer).`;

export const run: Command = async (argv, io) => {
  if (argv[0] === 'serve') {
    // The in-page terminal's shell server (issue #9) lives in src/cli/lab-serve.ts with its own flags.
    const { runLabServe } = await import('../lab-serve.ts');
    return runLabServe(argv.slice(1), io);
  }
  const { values, positionals } = parseArgs(argv, {
    'dry-run': { type: 'boolean' },
    step: { type: 'string' },
    'apply-solution': { type: 'boolean' },
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
  });
  // The runner lives under labs/ (Node only) and loads testcontainers lazily.
  const { parseLabCommand, runLab, LabUsageError } = await import('../../../labs/runner/index.ts');
  let cmd;
  try {
    cmd = parseLabCommand(positionals, values);
  } catch (err) {
    if (err instanceof LabUsageError) throw new UsageError(err.message);
    throw err;
  }
  const code = await runLab(cmd, io);
  if (!cmd.dryRun && cmd.sub !== 'list') {
    // Docker/Kubernetes clients may keep sockets open after cleanup; do not let them hold the process.
    setTimeout(() => process.exit(code), 2_000).unref();
  }
  return code;
};
