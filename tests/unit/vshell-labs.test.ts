// Labs in the virtual terminal: every command a lab shows runs without "command not found" or a crash, and after each
// step every request check of the lab definition gives the expected outcome when asked with `kubectl exec … curl`
// (status from -w '%{http_code}', a reset as curl exit code 56), every enrolment check matches the pod annotation,
// and every resource check finds the object (Gateways Programmed).
import { describe, expect, it } from 'vitest';
import { parseLabs } from '../../labs/catalog.ts';
import { findLab, loadLabs } from '../../labs/load.ts';
import { ingressServices } from '../../labs/runner/real-check.ts';
import type { IngressService } from '../../labs/runner/real-check.ts';
import type { LabCheck } from '../../labs/schema.ts';
import { initialState, run } from '../../src/lib/vshell/index.ts';
import type { ShellState } from '../../src/lib/vshell/index.ts';
import { labContext } from './vshell-context.ts';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The curl a reader would type for a request check. A check from an ingress Gateway is sent as the lab's commands
 * and `lab check` on a cluster send it: curl runs in `sentFrom` and calls the Gateway's Service on its first listener
 * port (the runner's own ingressServices names it).
 */
function curlFor(
  c: Extract<LabCheck, { type: 'request' }>,
  podIp: (ns: string, workload: string) => string,
  ingress: (from: string) => IngressService | undefined,
): string {
  const [ns, name] = (c.sentFrom ?? c.from).split('/');
  let url: string;
  const gateway = c.sentFrom ? ingress(c.from) : undefined;
  if (c.sentFrom && !gateway) throw new Error(`${c.name}: ${c.from} is no ingress Gateway of the lab`);
  if (gateway) url = `http://${gateway.host}:${gateway.port}`;
  else if (c.to.startsWith('pod/')) url = `http://${podIp(c.to.split('/')[1]!, c.to.split('/')[2]!.split(':')[0]!)}`;
  else url = `http://${c.to.split(':')[0]}`;
  const port = /:(\d+)$/.exec(c.to)?.[1];
  if (port && !gateway) url += `:${port}`;
  url += c.path ?? '/';
  const headers = Object.entries(c.headers ?? {}).map(([k, v]) => `-H ${shellQuote(`${k}: ${v}`)}`);
  if (c.jwt) headers.push(`-H ${shellQuote(`Authorization: Bearer ${c.jwt}`)}`);
  return `kubectl exec -n ${ns} deploy/${name} -- curl -s -o /dev/null -w '%{http_code}\\n' ${c.method ? `-X ${c.method} ` : ''}${headers.join(' ')} ${url}`;
}

const labs = parseLabs();
const loaded = loadLabs();

describe.each(labs.map((l) => [l.id, l] as const))('lab %s in the virtual terminal', (id, lab) => {
  it('every shown command runs, and every check holds after each step', async () => {
    const ctx = labContext(id, { random: () => 0.5 });
    const ingress = ingressServices(findLab(loaded, id)!);
    let state: ShellState = initialState(ctx);
    const exec = async (line: string) => {
      const r = await run(ctx, state, line);
      state = r.state;
      return r;
    };
    for (const [i, step] of lab.steps.entries()) {
      for (const cmd of step.commands) {
        const r = await exec(cmd);
        expect(r.output, `step ${i + 1}: ${cmd}`).not.toMatch(
          /command not found|internal error|-vshell:|unknown (shorthand )?flag|not supported/,
        );
        expect(r.exitCode, `step ${i + 1}: ${cmd}\n${r.output}`).not.toBe(127);
      }
      // The reference solution, as the reader would apply it (idempotent after the commands above).
      for (const ref of step.apply) {
        const path = ref.startsWith('../') ? `labs/${ref.slice(3)}` : `labs/${id}/${ref}`;
        const r = await exec(`kubectl apply -f ${path}`);
        expect(r.exitCode, r.output).toBe(0);
        expect(r.output).toMatch(/ (created|configured|unchanged)\n/);
      }
      for (const ref of step.remove) {
        const path = ref.startsWith('../') ? `labs/${ref.slice(3)}` : `labs/${id}/${ref}`;
        expect((await exec(`kubectl delete -f ${path}`)).exitCode).toBe(0);
      }
      for (const check of step.checks) {
        const label = `step ${i + 1}: ${check.name}`;
        if (check.type === 'request') {
          if (check.tcp) continue; // curl speaks HTTP; TCP checks are the simulator's (covered by the lab tests)
          const ips = new Map<string, string>();
          for (const w of check.to.startsWith('pod/') ? [check.to.split('/')[1]!] : []) {
            const out = (
              await exec(
                `kubectl get pods -n ${w} -o 'custom-columns=OWNER:.metadata.ownerReferences[0].name,IP:.status.podIP'`,
              )
            ).output;
            for (const row of out.split('\n').slice(1))
              if (row.trim()) ips.set(`${w}/${row.split(/\s+/)[0]}`, row.split(/\s+/)[1]!);
          }
          const r = await exec(curlFor(check, (ns, wl) => ips.get(`${ns}/${wl}`) ?? 'unknown-pod', ingress));
          if (
            check.expect.status === null ||
            (check.expect.verdict === 'denied' &&
              check.expect.deniedAt === 'ztunnel' &&
              check.expect.status === undefined)
          ) {
            expect(r.exitCode, `${label}\n${r.output}`).toBe(56);
            expect(r.output, label).toMatch(/^000\n/);
          } else if (typeof check.expect.status === 'number') {
            expect(r.output, label).toBe(`${check.expect.status}\n`);
            expect(r.exitCode, label).toBe(0);
          } else if (check.expect.verdict === 'allowed') {
            expect(r.output, label).toBe('200\n');
          }
        } else if (check.type === 'enrolment') {
          const [ns, name] = check.workload.split('/');
          const r = await exec(
            `kubectl get pods -n ${ns} -o 'custom-columns=NAME:.metadata.name,OWNER:.metadata.ownerReferences[0].name,REDIRECTION:.metadata.annotations.ambient\\.istio\\.io/redirection'`,
          );
          const row = r.output.split('\n').find((l) => l.split(/\s+/)[1] === name);
          expect(row, `${label}\n${r.output}`).toBeDefined();
          expect(row!.split(/\s+/)[2], label).toBe(check.mode === 'ambient' ? 'enabled' : '<none>');
        } else {
          const r = await exec(
            `kubectl get ${check.kind.toLowerCase()} ${check.resourceName} -n ${check.namespace} -o wide`,
          );
          expect(r.exitCode, `${label}\n${r.output}`).toBe(0);
          if (check.condition === 'Programmed') expect(r.output, label).toMatch(/\sTrue\s/);
        }
      }
    }
  });
});
