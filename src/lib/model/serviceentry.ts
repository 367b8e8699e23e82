/**
 * Whether a ServiceEntry has a virtual IP that ztunnel can recognise its traffic by. Shared by the validator rule
 * serviceentry-needs-addresses and the simulator, so both say the same thing about waypoint capture.
 *
 * Evidence: since Istio 1.25 (change notes: PILOT_ENABLE_IP_AUTOALLOCATE and cni.ambient.dnsCapture default to true)
 * istiod allocates a VIP into status.addresses for an entry without spec.addresses, and ambient pods get it from the
 * DNS proxy. istio/istio pilot/pkg/serviceregistry/serviceentry/ip_autoallocation.go allocates nothing for
 * resolution NONE (the default) or for an entry that opts out (label networking.istio.io/enable-autoallocate-ip:
 * "false"); wildcard hosts cannot be answered with a VIP by the DNS proxy (istio.io DNS proxying docs).
 */
import { getArray, getString } from './access.ts';
import type { ObjectPath, Resource } from './types.ts';

export const AUTOALLOCATE_LABEL = 'networking.istio.io/enable-autoallocate-ip';

export interface VipGap {
  /** Why istiod gives the entry no address, as a clause ("its resolution defaults to NONE, ..."). */
  readonly reason: string;
  /** Where in the object the reason is visible. */
  readonly path: ObjectPath;
}

/** undefined when the entry has `addresses` or istiod allocates one; otherwise why it has no VIP at all. */
export function serviceEntryVipGap(r: Resource): VipGap | undefined {
  if (getArray(r.obj, ['spec', 'addresses']).length > 0) return undefined;
  return noAutoAllocation(r);
}

/** Why istiod allocates no VIP for this entry (whatever its `addresses`), or undefined when it does. */
export function noAutoAllocation(r: Resource): VipGap | undefined {
  const resolution = getString(r.obj, ['spec', 'resolution']);
  if ((resolution ?? 'NONE') === 'NONE')
    return {
      reason:
        resolution === undefined
          ? 'its resolution defaults to NONE, and istiod allocates no address for NONE'
          : 'istiod allocates no address for resolution NONE',
      path: resolution === undefined ? ['spec'] : ['spec', 'resolution'],
    };
  if ((r.labels[AUTOALLOCATE_LABEL] ?? '').toLowerCase() === 'false')
    return {
      reason: `it opts out of address auto-allocation (${AUTOALLOCATE_LABEL}: "false")`,
      path: ['metadata', 'labels', AUTOALLOCATE_LABEL],
    };
  const hosts = getArray(r.obj, ['spec', 'hosts']).filter((h): h is string => typeof h === 'string');
  if (hosts.length > 0 && hosts.every((h) => h.startsWith('*')))
    return {
      reason: 'its hosts are wildcards, which the DNS proxy cannot answer with an allocated address',
      path: ['spec', 'hosts'],
    };
  return undefined;
}
