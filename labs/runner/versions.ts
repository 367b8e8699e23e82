// Every version the real lab path installs, in one place. The dry-run prints them; tests check that the manifests'
// images match IMAGES, so a bump here is the only edit needed.

/** kind release and a node image built for it (digest from the kind v0.33.0 release notes). */
export const KIND = {
  version: 'v0.33.0',
  nodeImage: 'kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0',
  kubernetes: 'v1.35.8',
} as const;

/** The container that runs kind, istioctl and kubectl against the host's Docker engine (Docker CLI included). */
export const TOOLBOX_IMAGE = 'docker.io/library/docker:29-cli';

export const GATEWAY_API = {
  version: 'v1.6.1',
  channel: 'standard',
  url: 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml',
} as const;

export const ISTIO = {
  version: '1.31.1',
  profile: 'ambient',
  // Set explicitly so the images come from Docker Hub (docker.io/istio/pilot, install-cni, ztunnel, proxyv2) whatever
  // default hub a given istioctl build carries (the source tree's profiles say registry.istio.io/testing and are
  // rewritten at release time; see manifests/profiles/default.yaml on release-1.31). No gcr.io mirror is used.
  hub: 'docker.io/istio',
} as const;

/** Download URLs for the tools installed into the toolbox container; `${ARCH}` is amd64 or arm64. */
export const TOOL_URLS = {
  kind: `https://kind.sigs.k8s.io/dl/${KIND.version}/kind-linux-\${ARCH}`,
  istioctl: `https://github.com/istio/istio/releases/download/${ISTIO.version}/istioctl-${ISTIO.version}-linux-\${ARCH}.tar.gz`,
  kubectl: `https://dl.k8s.io/release/${KIND.kubernetes}/bin/linux/\${ARCH}/kubectl`,
} as const;

/** Images the lab manifests use (labs/base). */
export const IMAGES = {
  bookinfoTag: '1.20.3',
  curl: 'docker.io/curlimages/curl:8.16.0',
} as const;

/** Time limits (ms) for the real path. Generous: first runs pull ~2 GB of images. */
export const TIMEOUTS = {
  cluster: 300_000,
  istio: 600_000,
  workloads: 600_000,
  waypoint: 300_000,
  request: 10_000,
} as const;

/** Name of the kind cluster for a lab: one cluster per lab id, so two labs never share state. */
export function clusterName(labId: string): string {
  return `atlas-${labId}`.slice(0, 40);
}

/**
 * What to run when a cluster the user already has lacks a part the labs need, at the versions pinned above. The
 * Helm lines follow istio.io docs/ambient/install/helm (charts base, istiod, cni and ztunnel, profile ambient).
 */
export const INSTALL_LINES = {
  gatewayApi: [`kubectl apply --server-side -f ${GATEWAY_API.url}`],
  istioctl: [
    `# istioctl ${ISTIO.version}: curl -L https://istio.io/downloadIstio | ISTIO_VERSION=${ISTIO.version} sh -`,
    `istioctl install -y --set profile=${ISTIO.profile} --set hub=${ISTIO.hub}`,
  ],
  helm: [
    'helm repo add istio https://istio-release.storage.googleapis.com/charts && helm repo update',
    `helm install istio-base istio/base -n istio-system --create-namespace --version ${ISTIO.version} --wait`,
    `helm install istiod istio/istiod -n istio-system --version ${ISTIO.version} --set profile=${ISTIO.profile} --set global.hub=${ISTIO.hub} --wait`,
    `helm install istio-cni istio/cni -n istio-system --version ${ISTIO.version} --set profile=${ISTIO.profile} --set global.hub=${ISTIO.hub} --wait`,
    `helm install ztunnel istio/ztunnel -n istio-system --version ${ISTIO.version} --set global.hub=${ISTIO.hub} --wait`,
  ],
} as const;
