// The generators `npm run gen` runs, each with the file it writes (formatted as the repository formats it).
import { formatted } from './crds.ts';
import * as celDurations from './cel-durations.ts';
import * as experimental from './experimental.ts';
import * as fieldDocs from './field-docs.ts';
import * as fieldEnums from './field-enums.ts';
import * as knownFields from './known-fields.ts';
import * as lineDeltas from './line-deltas.ts';
import * as served from './served.ts';

export interface Generator {
  readonly output: string;
  text(): Promise<string>;
}

export const GENERATORS: readonly Generator[] = [
  served,
  experimental,
  lineDeltas,
  knownFields,
  celDurations,
  fieldDocs,
  fieldEnums,
].map((g) => ({
  output: g.OUTPUT,
  text: () => formatted(g.OUTPUT, g.generate()),
}));
