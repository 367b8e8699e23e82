// The actions of the real path, as data: the dry-run prints them, the real runner executes the same list and
// reports progress under the same names, so the two cannot drift apart.
import { describeOutcome, describeRequest } from '../../src/lib/expect/compare.ts';
import type { Lab, LabCheck } from '../schema.ts';
import { GATEWAY_API, ISTIO, KIND, TOOLBOX_IMAGE, TOOL_URLS, clusterName } from './versions.ts';

export interface PlannedAction {
  /** Stable id used in progress lines and tests. */
  readonly id: string;
  readonly title: string;
  readonly detail: string;
}

export function statePath(labId: string): string {
  return `labs/.state/${labId}`;
}

export function upPlan(lab: Lab, files: (ref: string) => string): PlannedAction[] {
  const name = clusterName(lab.id);
  return [
    { id: 'docker', title: 'Check the Docker engine', detail: 'testcontainers: find a working container runtime' },
    {
      id: 'toolbox',
      title: 'Start the toolbox container',
      detail: `${TOOLBOX_IMAGE} with the Docker socket mounted; install kind ${KIND.version}, kubectl ${KIND.kubernetes}, istioctl ${ISTIO.version} (${TOOL_URLS.istioctl})`,
    },
    {
      id: 'cluster',
      title: 'Create the kind cluster',
      detail: `kind create cluster --name ${name} --image ${KIND.nodeImage} (Kubernetes ${KIND.kubernetes}, one privileged node container)`,
    },
    {
      id: 'kubeconfig',
      title: 'Write the kubeconfig',
      detail: `${statePath(lab.id)}/kubeconfig (API server on 127.0.0.1)`,
    },
    {
      id: 'gateway-api',
      title: `Install Gateway API CRDs ${GATEWAY_API.version} (${GATEWAY_API.channel})`,
      detail: `kubectl apply --server-side -f ${GATEWAY_API.url}`,
    },
    {
      id: 'istio',
      title: `Install Istio ${ISTIO.version}, profile ${ISTIO.profile}`,
      detail: `istioctl install -y --set profile=${ISTIO.profile} --set hub=${ISTIO.hub}: istiod, istio-cni (DaemonSet istio-cni-node), ztunnel`,
    },
    {
      id: 'istio-ready',
      title: 'Wait for the mesh',
      detail:
        'Deployment istio-system/istiod Available; DaemonSets istio-system/istio-cni-node and istio-system/ztunnel ready on every node',
    },
    { id: 'setup', title: 'Apply the lab setup', detail: lab.setup.map(files).join(', ') },
    {
      id: 'workloads-ready',
      title: 'Wait for the workloads',
      detail: `every Deployment Available in ${lab.namespaces.join(', ')}; every waypoint Gateway in the setup Programmed`,
    },
  ];
}

export function downPlan(lab: Lab): PlannedAction[] {
  const name = clusterName(lab.id);
  return [
    {
      id: 'signal',
      title: 'Stop a running `lab up`',
      detail: `SIGTERM to the pid in ${statePath(lab.id)}/state.json, if alive`,
    },
    { id: 'cluster', title: 'Delete the kind cluster', detail: `kind delete cluster --name ${name}` },
    {
      id: 'leftovers',
      title: 'Remove leftover containers',
      detail: `containers labelled io.x-k8s.kind.cluster=${name}; the toolbox (testcontainers' reaper also removes it)`,
    },
    { id: 'state', title: 'Remove the lab state', detail: `${statePath(lab.id)}/` },
  ];
}

/** One line describing a check, the same in the dry-run, the real check and the page. */
export function describeCheck(c: LabCheck): string {
  switch (c.type) {
    case 'request': {
      // src/lib/expect's describe(), with the number of real samples after the request.
      const samples = c.samples && c.samples > 1 ? ` ×${c.samples}` : '';
      return `${describeRequest(c)}${samples} → expect ${describeOutcome(c.expect)}`;
    }
    case 'resource':
      return `${c.kind} ${c.namespace}/${c.resourceName} exists${c.condition ? ` with condition ${c.condition}=True` : ''}`;
    case 'enrolment':
      return `pods of ${c.workload} are ${c.mode === 'none' ? 'not captured' : c.mode === 'ambient' ? 'captured by ztunnel (ambient)' : 'running a sidecar'}`;
  }
}
