// The shape of a guided lab, validated with zod when a lab is loaded. Pure TypeScript (no Node built-ins), so the
// site can import lab definitions too; reading the manifest files from disk is the loader's job (labs/load.ts).
import { z } from 'zod';
import { outcomeSchema, requestShape, VERDICTS } from '../src/lib/expect/schema.ts';

/** `namespace/name` of a client workload in the lab's manifests (the simulator's `--from`). */
const workloadRef = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected NAMESPACE/NAME');

/** A manifest file relative to the lab folder (or `../base/<file>` for the shared bookinfo base). */
const manifestPath = z
  .string()
  .regex(/^(\.\.\/base\/)?[a-z0-9][-a-z0-9_/]*\.ya?ml$/, 'expected a relative .yaml path')
  .refine((p) => !p.replace(/^\.\.\/base\//, '').includes('..'), 'no ".." except the ../base/ prefix');

/** What a request should do (src/lib/expect): every field is compared when present; a lab always names the verdict. */
const requestExpectation = outcomeSchema.extend({ verdict: z.enum(VERDICTS) });

export const requestCheckSchema = z.strictObject({
  ...requestShape,
  type: z.literal('request'),
  /** One line shown in progress output and on the page. */
  name: z.string().min(1),
  /** A client pod runs the request on a cluster, so `external` is not a lab client. */
  from: workloadRef,
  /**
   * On a real cluster, the client pod that runs curl when `from` is an ingress Gateway (whose pods have no shell):
   * curl there calls the Gateway's Service on its first listener port. The simulator always answers for `from`.
   */
  sentFrom: workloadRef.optional(),
  jwt: z
    .string()
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, 'expected a compact JWS')
    .optional(),
  /** How many real requests to send (to observe weighted routing); 1 unless backends are checked. */
  samples: z.number().int().min(1).max(200).optional(),
  expect: requestExpectation,
});

/** A cluster-state check: a resource exists and (optionally) carries a status condition. */
export const resourceCheckSchema = z.strictObject({
  type: z.literal('resource'),
  name: z.string().min(1),
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  namespace: z.string().min(1),
  resourceName: z.string().min(1),
  /** e.g. `Programmed` for a waypoint Gateway; checked as `status.conditions[type=…].status == "True"`. */
  condition: z.string().optional(),
});

/** Every pod of a workload is (or is not) captured by ambient: annotation `ambient.istio.io/redirection`. */
export const enrolmentCheckSchema = z.strictObject({
  type: z.literal('enrolment'),
  name: z.string().min(1),
  workload: workloadRef,
  mode: z.enum(['ambient', 'sidecar', 'none']),
});

export const checkSchema = z.discriminatedUnion('type', [
  requestCheckSchema,
  resourceCheckSchema,
  enrolmentCheckSchema,
]);

export const stepSchema = z.strictObject({
  title: z.string().min(1),
  /** Markdown shown on the page and by `lab check` when a step fails. */
  instructions: z.string().min(1),
  /** Manifests the learner applies in this step (the reference solution), applied in order. */
  apply: z.array(manifestPath).default([]),
  /** Manifests whose objects this step deletes again (by kind/namespace/name). */
  remove: z.array(manifestPath).default([]),
  /** Commands shown to the learner (copy buttons on the page). */
  commands: z.array(z.string().min(1)).default([]),
  checks: z.array(checkSchema).min(1),
  hints: z.array(z.string().min(1)).default([]),
  /** Markdown: why the solution works. The solution's YAML is `apply`. */
  solution: z.string().min(1),
});

/**
 * An error the validator must report while a break/fix lab is still broken: the broken setup is the lesson, so the
 * dry run excuses exactly this finding (rule id in this manifest) in the states before `fixedInStep`, fails when it
 * is missing there (the validator stopped seeing the bug), and fails when it is still there from that step on.
 */
export const expectedFindingSchema = z.strictObject({
  rule: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  manifest: manifestPath,
  fixedInStep: z.number().int().min(1),
});

export const labSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  /** Position in the list. */
  order: z.number().int().min(1),
  title: z.string().min(1),
  summary: z.string().min(1),
  prerequisites: z.array(z.string().min(1)),
  /** How much ambient knowledge the lab assumes (the learning-path page groups and orders by it). */
  difficulty: z.enum(['beginner', 'intermediate', 'advanced']).optional(),
  /** Estimated minutes to finish the lab on a ready cluster, reading included. */
  minutes: z.number().int().min(1).max(240).optional(),
  /** Applied by `lab up` after the mesh is ready (the bookinfo base and what earlier labs left behind). */
  setup: z.array(manifestPath).min(1),
  /** Namespaces whose objects `lab check` reads back from the cluster to compare with the simulator. */
  namespaces: z.array(z.string().min(1)).min(1),
  steps: z.array(stepSchema).min(1),
  /** Break/fix labs: the findings of the broken setup (see expectedFindingSchema). */
  expectedFindings: z.array(expectedFindingSchema).default([]),
});

export type LabDefinition = z.input<typeof labSchema>;
export type Lab = z.output<typeof labSchema>;
export type LabStep = Lab['steps'][number];
export type LabCheck = z.output<typeof checkSchema>;
export type RequestCheck = z.output<typeof requestCheckSchema>;
export type ResourceCheck = z.output<typeof resourceCheckSchema>;
export type EnrolmentCheck = z.output<typeof enrolmentCheckSchema>;
export type ExpectedFinding = z.output<typeof expectedFindingSchema>;
export type RequestExpectation = z.output<typeof requestExpectation>;

/** Typed identity helper for `labs/<id>/lab.ts` files: the compiler checks the shape, zod checks it again at load. */
export function defineLab(lab: LabDefinition): LabDefinition {
  return lab;
}
