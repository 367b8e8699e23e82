export * from './types.ts';
export { LIMITS } from './limits.ts';
export { parseManifests } from './parse.ts';
export type { ParseOptions } from './parse.ts';
export * from './mesh.ts';
export { get, getString, getArray, getObject, refOf, selectorMatches } from './access.ts';
