// One module for "a request and its expected outcome": the zod schema (schema.ts) and the comparison and wording
// (compare.ts). Lab checks, example claims, exercises and the scenario tables all use it.
export * from './schema.ts';
export * from './compare.ts';
