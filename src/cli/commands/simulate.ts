import { notImplemented } from '../io.ts';

export const help = 'ambient-atlas simulate: not implemented yet (issue #4).';
export const run = notImplemented('simulate', 4);
