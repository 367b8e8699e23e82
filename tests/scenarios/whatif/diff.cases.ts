import type { DiffCase } from './types.ts';

// `<name>.before.yaml` → `<name>.after.yaml`: every changed cell, exactly, with the changed resources it is
// attributed to.
export const cases: readonly DiffCase[] = [
  {
    name: 'waypoint-trap',
    source: 'SEMANTICS §3 (!): behind a waypoint the destination ztunnel sees the waypoint identity',
    changed: [
      {
        cell: 'shop/web → cart.shop:80 GET /',
        change: 'closed',
        causes: ['Service shop/cart', 'Gateway shop/waypoint'],
      },
      { cell: 'shop/web → cart.shop:80 tcp', change: 'closed', causes: ['Service shop/cart', 'Gateway shop/waypoint'] },
      // Still denied by the same policy, but the waypoint now answers 503 instead of a reset.
      {
        cell: 'shop/cart → cart.shop:80 GET /',
        change: 'changed',
        causes: ['Service shop/cart', 'Gateway shop/waypoint'],
      },
    ],
  },
  {
    name: 'unenrol',
    source: 'SEMANTICS §1: a workload outside the mesh has no ztunnel, so no policy is enforced on it',
    changed: [
      { cell: 'shop/web → cart.shop:80 GET /', change: 'changed', causes: ['Namespace shop'] },
      { cell: 'shop/web → cart.shop:80 tcp', change: 'changed', causes: ['Namespace shop'] },
      { cell: 'shop/cart → cart.shop:80 GET /', change: 'opened', causes: ['Namespace shop'] },
      { cell: 'shop/cart → cart.shop:80 tcp', change: 'opened', causes: ['Namespace shop'] },
      { cell: 'external → cart.shop:80 GET /', change: 'opened', causes: ['Namespace shop'] },
      { cell: 'external → cart.shop:80 tcp', change: 'opened', causes: ['Namespace shop'] },
    ],
  },
];
