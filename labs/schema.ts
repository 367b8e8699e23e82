// The shape of a guided lab, validated with zod when a lab is loaded. Pure TypeScript (no Node built-ins), so the
// site can import lab definitions too; reading the manifest files from disk is the loader's job (labs/load.ts).
import { z } from 'zod';

/** `namespace/name` of a client workload in the lab's manifests (the simulator's `--from`). */
const workloadRef = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected NAMESPACE/NAME');

/** A manifest file relative to the lab folder (or `../base/<file>` for the shared bookinfo base). */
const manifestPath = z
  .string()
  .regex(/^(\.\.\/base\/)?[a-z0-9][-a-z0-9_/]*\.ya?ml$/, 'expected a relative .yaml path')
  .refine((p) => !p.replace(/^\.\.\/base\//, '').includes('..'), 'no ".." except the ../base/ prefix');

const verdict = z.enum(['allowed', 'denied', 'no-route', 'error']);

/** What a request should do. Every field is compared when present; absent fields are not checked. */
const requestExpectation = z.strictObject({
  verdict,
  /** HTTP status the client sees; `null` for a reset connection or a TCP request. */
  status: z.number().int().min(100).max(599).nullable().optional(),
  deniedAt: z.enum(['ztunnel', 'waypoint']).nullable().optional(),
  /** `namespace/name` of the waypoint the request must traverse, or `null` for none. */
  waypoint: workloadRef.nullable().optional(),
  /** Services the request may be routed to (`namespace/service`), each with its probability (weights / total). */
  backends: z.array(z.strictObject({ service: workloadRef, probability: z.number().min(0).max(1) })).optional(),
});

export const requestCheckSchema = z.strictObject({
  type: z.literal('request'),
  /** One line shown in progress output and on the page. */
  name: z.string().min(1),
  from: workloadRef,
  /** `HOST[:PORT]` as the client would dial it (short names resolve in the client's namespace), or
   * `pod/NAMESPACE/WORKLOAD[:PORT]` to dial the IP of that workload's pod directly. */
  to: z
    .string()
    .regex(
      /^(pod\/[a-z0-9][-a-z0-9]*\/)?[a-z0-9][-a-z0-9.]*(:\d{1,5})?$/,
      'expected HOST[:PORT] or pod/NAMESPACE/NAME[:PORT]',
    ),
  method: z
    .string()
    .regex(/^[A-Z]+$/)
    .optional(),
  path: z.string().startsWith('/').optional(),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).optional(),
  jwt: z
    .string()
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, 'expected a compact JWS')
    .optional(),
  tcp: z.boolean().optional(),
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

export const labSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  /** Position in the list. */
  order: z.number().int().min(1),
  title: z.string().min(1),
  summary: z.string().min(1),
  prerequisites: z.array(z.string().min(1)),
  /** Applied by `lab up` after the mesh is ready (the bookinfo base and what earlier labs left behind). */
  setup: z.array(manifestPath).min(1),
  /** Namespaces whose objects `lab check` reads back from the cluster to compare with the simulator. */
  namespaces: z.array(z.string().min(1)).min(1),
  steps: z.array(stepSchema).min(1),
});

export type LabDefinition = z.input<typeof labSchema>;
export type Lab = z.output<typeof labSchema>;
export type LabStep = Lab['steps'][number];
export type LabCheck = z.output<typeof checkSchema>;
export type RequestCheck = z.output<typeof requestCheckSchema>;
export type ResourceCheck = z.output<typeof resourceCheckSchema>;
export type EnrolmentCheck = z.output<typeof enrolmentCheckSchema>;
export type RequestExpectation = z.output<typeof requestExpectation>;

/** Typed identity helper for `labs/<id>/lab.ts` files: the compiler checks the shape, zod checks it again at load. */
export function defineLab(lab: LabDefinition): LabDefinition {
  return lab;
}
