// Placeholder until generated.
export const KNOWN_ROOTS = {};
export const KNOWN_NODES = [];
