import { z } from 'zod';
import { outcomeSchema, requestShape, VERDICTS } from '../lib/expect/schema.ts';
import { ISTIO_VERSIONS } from '../lib/versions.ts';
import type { IstioVersion } from '../lib/versions.ts';

/**
 * One behavioural claim a page makes about an example, checked with the simulator in `npm test`: a request and its
 * expected outcome in src/lib/expect's shape (backends as `{ service: probability }`), plus the sentence it backs.
 */
export const claimSchema = z.strictObject({
  /** The sentence on the page this claim backs, e.g. "POST is denied with 403". */
  says: z.string().min(3),
  ...requestShape,
  expect: outcomeSchema.extend({ verdict: z.enum(VERDICTS) }),
});

/**
 * `<name>.expect.yaml` beside an example: what the example is for and what it does. An example without one is
 * a plain, valid manifest that must lint without errors.
 */
export const expectSchema = z
  .object({
    /** valid (default); rejected = the API server refuses it; no-effect = accepted but silently does nothing; dont = a trap. */
    verdict: z.enum(['valid', 'rejected', 'no-effect', 'dont']).default('valid'),
    /** The rule a deliberate example demonstrates; required unless valid. */
    rule: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      .optional(),
    /**
     * The Istio line the example is written for, when it holds on one line only (a page shows it inside
     * `<ForIstio only=…>`); it is linted and simulated on that line. Absent: the default line.
     */
    istio: z.enum(ISTIO_VERSIONS as [IstioVersion, ...IstioVersion[]]).optional(),
    /** Other examples loaded with this one for linting and simulation, by name (`bookinfo/mesh`). */
    with: z.array(z.string()).default([]),
    claims: z.array(claimSchema).default([]),
  })
  .strict()
  .refine((e) => e.verdict === 'valid' || e.rule !== undefined, {
    message: 'a deliberate example must name the rule it demonstrates',
  });

export type ExampleExpect = z.output<typeof expectSchema>;
export type Claim = z.output<typeof claimSchema>;

/** The frame-title prefix a deliberate example carries, so a reader never copies it by mistake. */
export const TITLE_PREFIX: Record<ExampleExpect['verdict'], string> = {
  valid: '',
  rejected: 'Rejected: ',
  'no-effect': 'No effect: ',
  dont: "Don't: ",
};
