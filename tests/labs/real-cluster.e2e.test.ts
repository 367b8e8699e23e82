// End to end on a REAL kind cluster with Istio ambient: for each lab, `lab up`, then for each step apply the
// reference solution and run the step's checks (real curl from the client pod, compared with the simulator), then
// delete the cluster. Runs only when a Docker engine answers; otherwise it is reported as skipped, with the reason
// printed — it never passes silently.
//
// Needs ~8 GB RAM for Docker and network access (images, kind/istioctl downloads). Expect ~4–8 min per lab on a
// first run. Restrict with ATLAS_E2E_LABS=ambient-mtls,canary-routing. Keep a failed cluster with ATLAS_E2E_KEEP=1.
import { describe, expect, it } from 'vitest';
import { loadLabs } from '../../labs/load.ts';
import { nodeDeps } from '../../labs/runner/index.ts';
import { up } from '../../labs/runner/real.ts';
import { check } from '../../labs/runner/real-check.ts';
import { dockerAvailable } from './docker-probe.ts';

const docker = await dockerAvailable();
const wanted = process.env.ATLAS_E2E_LABS?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const labs = loadLabs().filter((l) => !wanted || wanted.includes(l.lab.id));

describe('labs on a real kind cluster', () => {
  if (!docker.ok) {
    const reason = `no Docker engine answered (${docker.reason.split('\n')[0]})`;
    console.warn(
      `[labs e2e] SKIPPED: ${reason}. Run \`npx vitest run tests/labs/real-cluster.e2e.test.ts\` on a machine with Docker.`,
    );
    it.skip(`real-cluster e2e skipped: ${reason}`, () => undefined);
    return;
  }
  it('has labs to run', () => expect(labs.length).toBeGreaterThan(0));
  for (const loaded of labs) {
    it(
      `${loaded.lab.id}: up, then each step's solution passes its checks on the cluster`,
      async () => {
        const lines: string[] = [];
        const deps = await nodeDeps((l) => {
          lines.push(l);
          console.log(`[${loaded.lab.id}] ${l}`);
        });
        const running = await up(loaded, deps);
        let failed = true;
        try {
          console.log(`[${loaded.lab.id}] time to ready: ${(running.readyMs / 1000).toFixed(1)} s`);
          for (let n = 1; n <= loaded.lab.steps.length; n++) {
            const results = await check(loaded, deps, { step: n, applySolution: true });
            const bad = results.filter((r) => !r.ok);
            expect(bad, lines.join('\n')).toEqual([]);
          }
          failed = false;
        } finally {
          if (!(failed && process.env.ATLAS_E2E_KEEP)) await running.cleanup();
        }
      },
      30 * 60_000,
    );
  }
});
