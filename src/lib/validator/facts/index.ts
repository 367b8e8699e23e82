// The validator's facts layer (issue #16): what several rules need to know about a mesh, each fact computed once per
// mesh through perMesh (per-mesh.ts) and read by the rules and the quick fixes.
export { perMesh, perMeshItem } from './per-mesh.ts';
export * from './resources.ts';
export * from './policy.ts';
export * from './targets.ts';
export * from './routes.ts';
export * from './experimental.ts';
