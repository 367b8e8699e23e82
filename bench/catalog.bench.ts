import { catalogAsJson } from '../src/lib/catalog/index.ts';
import type { Bench } from './harness.ts';

// A smoke benchmark for the harness itself: serialising the catalog must be trivially cheap.
const bench: Bench = async () => {
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) JSON.stringify(catalogAsJson());
  const perOp = (performance.now() - t0) / 1000;
  return [{ name: 'catalog JSON serialisation', value: perOp * 1000, unit: 'µs/op' }];
};
export default bench;
