import { notImplemented } from '../io.ts';

export const help = 'ambient-atlas lab: not implemented yet (issue #8).';
export const run = notImplemented('lab', 8);
