/** The ambient request simulator: public API (used by the CLI, the playground island and the labs). */
export { simulate, simulateIn, simulateSync, resolveClient, resolveDestination } from './simulate.ts';
export { endpointsOf, podNameOf, principalOf } from './mesh.ts';
export { evaluate, l4View, policiesForWaypoint, policiesForWorkload } from './authz.ts';
export { effectiveMtls } from './peerauth.ts';
export { route, prefixMatches } from './routing.ts';
export { decodeJwt, validateJwt, validateJwtSync } from './jwt.ts';
export { formatText, hopTitle, decisionLine } from './format.ts';
export { SimulationInputError } from './types.ts';
export type * from './types.ts';
