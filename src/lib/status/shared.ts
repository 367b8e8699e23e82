/**
 * What the status predictor's condition writers share: the condition shape and which controller runs a class.
 * Kept apart from index.ts so the Gateway-parent route conditions (gateway-routes.ts) can use them too.
 */
import type { Mesh } from '../model/mesh.ts';
import { WAYPOINT_CLASS } from '../ambient/index.ts';
import { getString } from '../model/access.ts';

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  /** Route conditions are per parent: `Kind/namespace/name[:port][#sectionName]` of the parentRef. */
  readonly parentRef?: string;
  /** The upstream code that writes this condition (istio/istio, release-1.31). */
  readonly source: string;
}

/** istiod's controller names (pkg/config/constants/constants.go, pilot/pkg/features/pilot.go). */
export const MESH_CONTROLLER = 'istio.io/mesh-controller';
export const GATEWAY_CONTROLLER = 'istio.io/gateway-controller';
/** Classes istiod creates itself when absent (G/../gatewaycommon/classinfo.go GetBuiltinGatewayClasses). */
const BUILTIN_CLASSES: ReadonlyMap<string, string> = new Map([
  ['istio', GATEWAY_CONTROLLER],
  [WAYPOINT_CLASS, MESH_CONTROLLER],
]);

export const cond = (
  type: string,
  ok: boolean,
  reason: string,
  message: string,
  source: string,
  parentRef?: string,
): Condition => ({
  type,
  status: ok ? 'True' : 'False',
  reason,
  message,
  ...(parentRef !== undefined ? { parentRef } : {}),
  source,
});

/** The controller of a GatewayClass: its spec, else the class istiod builds in. */
export function classController(mesh: Mesh, className: string): string | undefined {
  const r = mesh
    .byKind('GatewayClass')
    .find((c) => c.name === className && c.apiVersion.startsWith('gateway.networking.k8s.io/'));
  if (r) return getString(r.obj, ['spec', 'controllerName']);
  return BUILTIN_CLASSES.get(className);
}
