/** What-if: the reachability matrix of a mesh, and the diff two sets of manifests make to it (DESIGN §4.5c). */
export { buildMatrix, cellsOf, clientsOf, destinationKeys, DEFAULT_MAX_REQUESTS } from './matrix.ts';
export type { Cell, Matrix, MatrixClient, MatrixDestination, MatrixOptions, Outcome } from './matrix.ts';
export { changedResources, destinationFootprints, diffMeshes, failsOn, impactKeys } from './diff.ts';
export type { Cause, CellChange, ChangedCell, DiffResult, ResourceChange, SideJson } from './diff.ts';
export { requestJson, requestLabel, requestsFor, RequestIndex, TCP_REQUEST, tokenOf } from './requests.ts';
export type { MatrixJwt, MatrixRequest, RequestJson } from './requests.ts';
export { diffJson, diffMarkdown, diffText, escapeHtml, matrixHtml, matrixJson, matrixText } from './format.ts';
export type { Versions } from './format.ts';
