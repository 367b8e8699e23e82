import { notImplemented } from '../io.ts';

export const help = 'ambient-atlas migrate: not implemented yet (issue #7).';
export const run = notImplemented('migrate', 7);
