// The share section of bench/hostile.bench.ts (issue #15): a playground link whose 1.9 MB fragment inflates to
// 1.4 GB (it took 24.5 s and 4 GB of memory to refuse; now inflating stops at the 2 MB limit). Twin: an honest link
// with a fragment of the same length, which decodes completely.
import { decodeShare } from '../src/lib/share/index.ts';
import { honestLinkOfLength, shareBomb } from '../tests/hostile/share-inputs.ts';

/** The shape of a hostile.bench.ts case (HostileCase there). */
interface ShareCase {
  readonly section: string;
  readonly name: string;
  readonly inputs: () => { readonly hostile: unknown; readonly benign: unknown };
  readonly run: (input: unknown) => void;
}

export const SHARE_CASES: ShareCase[] = [
  {
    section: 'share',
    name: 'a 1.9 MB link that inflates to 1.4 GB (vs. an honest link as long)',
    inputs: () => {
      const hostile = shareBomb(1400);
      return { hostile, benign: honestLinkOfLength(hostile.length) };
    },
    run: (link) => void decodeShare(link as string),
  },
];
