/**
 * The virtual cluster shell (browser-safe): a tiny kubectl/istioctl/curl over the model, validator and simulator.
 *
 *   const ctx = { lab: 'l4-authorization', files, setup: ['labs/base/bookinfo.yaml', …] };
 *   let state = restoreState(localStorage.getItem(storageKey(ctx.lab)), ctx.lab) ?? initialState(ctx);
 *   const r = await run(ctx, state, 'kubectl get pods -n bookinfo');  // r.output, r.exitCode, r.state
 */
export { initialState, run, complete, needsMoreInput } from './shell.ts';
export { storageKey, serializeState, restoreState, STORAGE_VERSION } from './persist.ts';
export { KINDS, resolveType } from '../ambient/kinds.ts';
export { paintMarks } from './marks.ts';
export { tableWidth } from './format.ts';
export type { OutputMark } from './marks.ts';
export type { ShellState, ShellContext, RunResult, Completion } from './types.ts';
