/**
 * Enrolment (SEMANTICS §1): whether istio-cni captures a pod for ztunnel, it gets a sidecar, or neither.
 * Sidecar injection wins over ambient (istio/istio pkg/kube/inject/webhook.go injectRequired; analyzer IST0123);
 * hostNetwork pods and waypoint pods are never captured (istio/istio cni/pkg/util podutil: PodRedirectionEnabled).
 */
import {
  ANNOTATION_SIDECAR_STATUS,
  DATAPLANE_AMBIENT,
  DATAPLANE_NONE,
  GATEWAY_MANAGED_MESH,
  LABEL_DATAPLANE_MODE,
  LABEL_GATEWAY_MANAGED,
  LABEL_GATEWAY_NAME,
  LABEL_INJECTION,
  LABEL_REV,
  LABEL_SIDECAR_INJECT,
  labelOf,
} from './labels.ts';

export type DataplaneMode = 'ambient' | 'sidecar' | 'none';

export interface Enrolment {
  readonly mode: DataplaneMode;
  readonly reason: string;
}

export interface EnrolmentSubject {
  readonly kind: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly hostNetwork: boolean;
  readonly isWaypoint: boolean;
}

/** Pods a waypoint Gateway's controller made: never captured themselves. */
export function isWaypointPod(labels: Readonly<Record<string, string>>): boolean {
  return (
    labelOf(labels, LABEL_GATEWAY_MANAGED) === GATEWAY_MANAGED_MESH ||
    (labelOf(labels, LABEL_DATAPLANE_MODE) === DATAPLANE_NONE && labelOf(labels, LABEL_GATEWAY_NAME) !== undefined)
  );
}

/** The namespace turns on sidecar injection (`istio-injection=enabled` or a revision label). */
export function namespaceInjects(nsLabels: Readonly<Record<string, string>>): boolean {
  return labelOf(nsLabels, LABEL_INJECTION) === 'enabled' || labelOf(nsLabels, LABEL_REV) !== undefined;
}

/** A namespace whose pods are ambient unless they say otherwise: labelled ambient and not injecting sidecars. */
export function namespaceIsAmbient(nsLabels: Readonly<Record<string, string>>): boolean {
  return labelOf(nsLabels, LABEL_DATAPLANE_MODE) === DATAPLANE_AMBIENT && !namespaceInjects(nsLabels);
}

/**
 * @param nsLabels the labels of the subject's Namespace ({} when absent)
 * @param nsKnown whether the manifests hold that Namespace (only changes the explanation)
 */
export function enrolmentOf(
  w: EnrolmentSubject,
  nsLabels: Readonly<Record<string, string>>,
  nsKnown: boolean,
): Enrolment {
  if (w.hostNetwork) return { mode: 'none', reason: 'hostNetwork pods are never captured by istio-cni.' };
  if (w.isWaypoint) return { mode: 'none', reason: 'Waypoint pods are never captured themselves.' };
  if (w.kind !== 'WorkloadEntry') {
    if (labelOf(w.annotations, ANNOTATION_SIDECAR_STATUS) !== undefined)
      return { mode: 'sidecar', reason: 'The pod already has a sidecar (sidecar.istio.io/status).' };
    const podInject = labelOf(w.labels, LABEL_SIDECAR_INJECT) ?? labelOf(w.annotations, LABEL_SIDECAR_INJECT);
    if (podInject === 'true' && labelOf(nsLabels, LABEL_INJECTION) !== 'disabled')
      return { mode: 'sidecar', reason: 'The pod asks for sidecar injection (sidecar.istio.io/inject: "true").' };
    if (namespaceInjects(nsLabels) && podInject !== 'false')
      return {
        mode: 'sidecar',
        reason: `Namespace ${w.namespace} has sidecar injection enabled; injection wins over ambient.`,
      };
  }
  const podMode = labelOf(w.labels, LABEL_DATAPLANE_MODE);
  if (podMode === DATAPLANE_NONE)
    return { mode: 'none', reason: 'The pod opts out with istio.io/dataplane-mode: none.' };
  if (podMode === DATAPLANE_AMBIENT)
    return { mode: 'ambient', reason: 'The pod has istio.io/dataplane-mode: ambient.' };
  if (labelOf(nsLabels, LABEL_DATAPLANE_MODE) === DATAPLANE_AMBIENT)
    return { mode: 'ambient', reason: `Namespace ${w.namespace} has istio.io/dataplane-mode: ambient.` };
  return {
    mode: 'none',
    reason: `Neither the pod nor namespace ${w.namespace} has istio.io/dataplane-mode: ambient${nsKnown ? '' : ' (no Namespace object in the manifests)'}.`,
  };
}
