import { notImplemented } from '../io.ts';

export const help = 'ambient-atlas lint: not implemented yet (issue #3).';
export const run = notImplemented('lint', 3);
