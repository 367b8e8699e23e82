// The validator's public surface. Issue #3 fills in the schema layer and the ambient rules.
export * from './finding.ts';
