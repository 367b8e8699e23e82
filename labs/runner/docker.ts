// The container layer of the real path, over testcontainers 12. kind runs inside a "toolbox" container that has the
// host's Docker socket, so `kind create cluster` starts the kindest/node container as a sibling on the host engine
// (a real, privileged kind node — no fakes). The toolbox also runs kubectl and istioctl against the cluster over the
// `kind` Docker network. Unit tests replace this whole layer with a fake (tests/labs/runner.test.ts).
import { GenericContainer, getContainerRuntimeClient } from 'testcontainers';
import type { StartedTestContainer } from 'testcontainers';
import { NoDockerError } from './errors.ts';
import { ISTIO, KIND, TOOLBOX_IMAGE, TOOL_URLS } from './versions.ts';

export { NO_DOCKER_LINE, NoDockerError, isNoRuntimeError } from './errors.ts';

export interface ExecOutcome {
  readonly exitCode: number;
  readonly output: string;
}

export interface Toolbox {
  readonly id: string;
  /** Runs `sh -c script` in the toolbox. */
  sh(script: string): Promise<ExecOutcome>;
  stop(): Promise<void>;
}

export interface ContainerLayer {
  /** Resolves when a Docker engine answers; rejects with NoDockerError otherwise (within a few seconds). */
  probe(): Promise<void>;
  startToolbox(labId: string): Promise<Toolbox>;
  /** Join the toolbox to the `kind` network so it can use the cluster's internal API address. */
  connectToKindNetwork(toolbox: Toolbox): Promise<void>;
  /** Force-remove the kind node containers of a cluster (label io.x-k8s.kind.cluster) and their volumes. */
  removeKindNodes(clusterName: string): Promise<number>;
  /** Force-remove a container by id if it still exists. */
  removeContainer(id: string): Promise<boolean>;
  /** Where published ports of the engine are reached from this process: 127.0.0.1 for a local engine. */
  dockerHost(): Promise<string>;
}

const PROBE_TIMEOUT_MS = 8_000;

export function testcontainersLayer(): ContainerLayer {
  return {
    async probe() {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          getContainerRuntimeClient(),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new NoDockerError('the Docker engine did not answer within 8 s')),
              PROBE_TIMEOUT_MS,
            );
          }),
        ]);
      } catch (err) {
        // The installable CLI loads testcontainers on first use: its absence is reported as such (src/cli/optional.ts).
        if ((err as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND') throw err;
        throw err instanceof NoDockerError ? err : new NoDockerError(err instanceof Error ? err.message : String(err));
      } finally {
        if (timer) clearTimeout(timer);
      }
    },

    async startToolbox(labId) {
      const client = await getContainerRuntimeClient();
      const socket = client.info.containerRuntime.remoteSocketPath || '/var/run/docker.sock';
      const started: StartedTestContainer = await new GenericContainer(TOOLBOX_IMAGE)
        .withEntrypoint(['/bin/sh', '-c'])
        .withCommand(['trap "exit 0" TERM; while true; do sleep 3600 & wait $!; done'])
        .withBindMounts([{ source: socket, target: '/var/run/docker.sock' }])
        .withLabels({ 'dev.ambient-atlas.lab': labId })
        .withStartupTimeout(180_000)
        .start();
      const toolbox: Toolbox = {
        id: started.getId(),
        async sh(script) {
          const r = await started.exec(['/bin/sh', '-c', script]);
          return { exitCode: r.exitCode, output: r.output };
        },
        async stop() {
          await started.stop({ timeout: 5_000 });
        },
      };
      const install = await toolbox.sh(toolboxInstallScript());
      if (install.exitCode !== 0) {
        await toolbox.stop().catch(() => undefined);
        throw new Error(`installing kind/kubectl/istioctl in the toolbox failed:\n${tail(install.output)}`);
      }
      return toolbox;
    },

    async connectToKindNetwork(toolbox) {
      const client = await getContainerRuntimeClient();
      await client.container.connectToNetwork(client.container.getById(toolbox.id), client.network.getById('kind'), []);
    },

    async removeKindNodes(clusterName) {
      const client = await getContainerRuntimeClient();
      const list = await client.container.dockerode.listContainers({
        all: true,
        filters: { label: [`io.x-k8s.kind.cluster=${clusterName}`] },
      });
      for (const info of list) await client.container.dockerode.getContainer(info.Id).remove({ force: true, v: true });
      return list.length;
    },

    async dockerHost() {
      const client = await getContainerRuntimeClient();
      return client.info.containerRuntime.host;
    },

    async removeContainer(id) {
      const client = await getContainerRuntimeClient();
      try {
        await client.container.dockerode.getContainer(id).remove({ force: true, v: true });
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Shell run once in the toolbox: fetch kind, kubectl and istioctl for the toolbox's architecture. */
export function toolboxInstallScript(): string {
  const url = (u: string) => u.replace('${ARCH}', '$ARCH');
  return [
    'set -eu',
    'case "$(uname -m)" in x86_64) ARCH=amd64 ;; aarch64|arm64) ARCH=arm64 ;; *) echo "unsupported arch $(uname -m)"; exit 1 ;; esac',
    'apk add --no-cache curl >/dev/null',
    `curl -fsSL -o /usr/local/bin/kind "${url(TOOL_URLS.kind)}"`,
    `curl -fsSL -o /usr/local/bin/kubectl "${url(TOOL_URLS.kubectl)}"`,
    `curl -fsSL "${url(TOOL_URLS.istioctl)}" | tar -xz -C /usr/local/bin istioctl`,
    'chmod +x /usr/local/bin/kind /usr/local/bin/kubectl /usr/local/bin/istioctl',
    'mkdir -p /root/.kube',
    `kind version && kubectl version --client=true >/dev/null && istioctl version --remote=false | grep -q "${ISTIO.version}"`,
  ].join('\n');
}

/** True when the engine's published ports are on this machine (kind's default API address 127.0.0.1 works). */
export function isLocalHost(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '';
}

/**
 * `kind create cluster`, idempotent. With a remote engine (DOCKER_HOST=tcp://…, e.g. a CI Docker-in-Docker
 * service) the API server must listen on all addresses of that host, not on its loopback.
 */
export function kindCreateScript(clusterName: string, remote = false): string {
  const config = remote
    ? [
        "cat > /tmp/kind.yaml <<'EOF'",
        'kind: Cluster',
        'apiVersion: kind.x-k8s.io/v1alpha4',
        'networking:',
        '  apiServerAddress: "0.0.0.0"',
        'EOF',
      ]
    : [];
  return [
    'set -eu',
    ...config,
    `if ! kind get clusters | grep -qx "${clusterName}"; then`,
    `  kind create cluster --name "${clusterName}" --image "${KIND.nodeImage}" --wait 180s${remote ? ' --config /tmp/kind.yaml' : ''}`,
    'fi',
  ].join('\n');
}

/**
 * The kubeconfig for this process. For a remote engine the server address becomes the engine's host; the API
 * server certificate is issued for localhost, so the TLS server name stays `localhost`.
 */
export function hostKubeconfig(kindOutput: string, host: string): string {
  const text = kindOutput.slice(Math.max(0, kindOutput.indexOf('apiVersion')));
  if (isLocalHost(host)) return text;
  return text.replace(
    /^(\s*)server: https:\/\/(?:127\.0\.0\.1|0\.0\.0\.0|localhost):(\d+)$/m,
    (_m, indent: string, port: string) =>
      `${indent}server: https://${host}:${port}\n${indent}tls-server-name: localhost`,
  );
}

export function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
