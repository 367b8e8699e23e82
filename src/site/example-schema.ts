import { z } from 'zod';

/** One behavioural claim a page makes about an example, checked with the simulator in `npm test`. */
export const claimSchema = z
  .object({
    /** The sentence on the page this claim backs, e.g. "POST is denied with 403". */
    says: z.string().min(3),
    from: z.string().min(1),
    to: z.string().min(1),
    method: z.string().optional(),
    path: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    jwt: z.string().optional(),
    tcp: z.boolean().optional(),
    expect: z
      .object({
        verdict: z.enum(['allowed', 'denied', 'no-route', 'error']),
        status: z.number().int().nullable().optional(),
        deniedAt: z.enum(['ztunnel', 'waypoint']).nullable().optional(),
        /** `namespace/name` of the waypoint traversed, or null for none. */
        waypoint: z.string().nullable().optional(),
        /** Service name (or `namespace/service`) → probability. */
        backends: z.record(z.string(), z.number()).optional(),
        /** `namespace/name` of the policy that decided. */
        decidedBy: z.string().nullable().optional(),
      })
      .strict(),
  })
  .strict();

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
