// The one shape of "a request and what it should do", validated with zod. Lab checks (labs/**), example claims
// (src/content/examples/**/*.expect.yaml), exercise checks (src/content/exercises) and the scenario tables
// (tests/scenarios) all parse into it. Browser code that only compares (the exercise island) imports compare.ts,
// which needs no zod at run time.
import { z } from 'zod';
import { PROBABILITY_TOLERANCE } from './compare.ts';
import { formatPath } from '../model/path.ts';

export const VERDICTS = ['allowed', 'denied', 'no-route', 'error'] as const;
export const DATAPLANES = ['ambient', 'sidecar', 'gateway', 'none'] as const;

const NAME = '[a-z0-9]([-a-z0-9.]*[a-z0-9])?';
/** `namespace/name` (a waypoint, a workload, a qualified Service). */
const NS_NAME = new RegExp(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?/${NAME}$`);
const SERVICE = new RegExp(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?${NAME}$`);

const nsName = z.string().regex(NS_NAME, 'expected NAMESPACE/NAME');

const probability = z
  .number({ error: 'expected a probability (a number from 0 to 1)' })
  .min(0, 'a probability is at least 0')
  .max(1, 'a probability is at most 1');

const serviceKey = z.string().regex(SERVICE, 'expected a Service as NAME or NAMESPACE/NAME');

/** `namespace/service`, optionally `@probability` (1 when absent): the scenario tables' spelling. */
const backendString = z
  .string()
  .regex(
    new RegExp(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?${NAME}(@(0|1|0?\\.\\d+|1\\.0+))?$`),
    'expected "SERVICE" or "SERVICE@PROBABILITY" (probability from 0 to 1)',
  )
  .transform((s) => {
    const at = s.indexOf('@');
    return at < 0 ? { service: s, probability: 1 } : { service: s.slice(0, at), probability: Number(s.slice(at + 1)) };
  });

const backendObject = z.strictObject({ service: serviceKey, probability });

/**
 * Where the request is routed, as Service → probability. Three spellings are accepted, all meaning the same:
 * `{ reviews-v1: 0.9, reviews-v3: 0.1 }`, `[{ service: reviews-v1, probability: 0.9 }, …]` and
 * `["reviews-v1@0.9", "reviews-v3@0.1"]`. Services are either all `NAME` or all `NAMESPACE/NAME`; `{}` / `[]`
 * means "routed nowhere". Entries naming the same Service add up; probabilities add up to 1 unless empty.
 */
export const backendsSchema = z
  .union(
    [
      z.record(serviceKey, probability),
      z
        .array(
          z.union([backendString, backendObject], {
            error: 'expected "SERVICE@PROBABILITY" or { service: SERVICE, probability: P }',
          }),
        )
        .readonly(),
    ],
    { error: 'expected backends as { SERVICE: PROBABILITY, … } or a list of them' },
  )
  .transform((v): Record<string, number> => {
    const out: Record<string, number> = {};
    const entries = Array.isArray(v) ? v.map((b) => [b.service, b.probability] as const) : Object.entries(v);
    for (const [k, p] of entries) out[k] = (out[k] ?? 0) + p;
    return out;
  })
  .check((ctx) => {
    const keys = Object.keys(ctx.value);
    const qualified = keys.filter((k) => k.includes('/'));
    if (qualified.length > 0 && qualified.length < keys.length)
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `name every backend the same way, either NAME or NAMESPACE/NAME (got ${keys.join(', ')})`,
      });
    const sum = Object.values(ctx.value).reduce((a, b) => a + b, 0);
    // Each probability may be off by the tolerance (0.333 for 1/3), so the sum by that much per backend.
    if (keys.length > 0 && Math.abs(sum - 1) > PROBABILITY_TOLERANCE * keys.length)
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `backend probabilities add up to ${Math.round(sum * 1000) / 1000}, not 1`,
      });
  });

/**
 * What the request should do. Every field is optional and compared only when present: `null` is a value
 * (no status = connection reset, no waypoint, nothing decided), absent means "not checked".
 */
export const outcomeSchema = z.strictObject({
  verdict: z.enum(VERDICTS).optional(),
  /** HTTP status the client sees; `null` for a reset connection or a TCP request. */
  status: z
    .number({ error: 'expected an HTTP status (100–599) or null' })
    .int()
    .min(100, 'an HTTP status is 100–599')
    .max(599, 'an HTTP status is 100–599')
    .nullable()
    .optional(),
  deniedAt: z.enum(['ztunnel', 'waypoint']).nullable().optional(),
  /** `namespace/name` of the waypoint the request traverses, or `null` for none. */
  waypoint: nsName.nullable().optional(),
  /** The resource that decided: `namespace/name`, or `Kind namespace/name` to pin the kind too; `null` for none. */
  decidedBy: z
    .string()
    .regex(
      new RegExp(`^([A-Z][A-Za-z]*\\s)?${NS_NAME.source.slice(1, -1)}$`),
      'expected NAMESPACE/NAME or KIND NAMESPACE/NAME',
    )
    .nullable()
    .optional(),
  backends: backendsSchema.optional(),
  /** The client's dataplane as the simulator sees it. */
  clientDataplane: z.enum(DATAPLANES).optional(),
});

/** The request, as `ambient-atlas simulate` takes it (DESIGN §4.3; SimRequest in src/lib/simulator/types.ts). */
export const requestShape = {
  /** `NAMESPACE/NAME` of a client workload, or `external`. */
  from: z
    .string()
    .regex(new RegExp(`^external$|${NS_NAME.source}`), 'expected NAMESPACE/NAME of a workload, or external'),
  /** `HOST[:PORT]` or `pod/NAMESPACE/NAME[:PORT]`. */
  to: z
    .string()
    .regex(
      /^(pod\/[a-z0-9][-a-z0-9]*\/)?[a-z0-9][-a-z0-9.]*(:\d{1,5})?$/,
      'expected HOST[:PORT] or pod/NAMESPACE/NAME[:PORT]',
    ),
  method: z
    .string()
    .regex(/^[A-Z]+$/, 'expected an upper-case HTTP method')
    .optional(),
  /** May include `?query`. */
  path: z.string().startsWith('/', 'a path starts with /').optional(),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'expected a header name'), z.string()).optional(),
  /** Any string: a malformed token is a request too (the waypoint answers 401). */
  jwt: z.string().min(1).optional(),
  tcp: z.boolean().optional(),
};
export const requestSchema = z.strictObject(requestShape);

/** A request plus its expected outcome: `{ from, to, …, expect: { verdict, status, … } }`. */
export const expectationSchema = z.strictObject({ ...requestShape, expect: outcomeSchema });

export type Verdict = (typeof VERDICTS)[number];
export type ExpectedOutcome = z.output<typeof outcomeSchema>;
export type ExpectedOutcomeInput = z.input<typeof outcomeSchema>;
export type ExpectedRequest = z.output<typeof requestSchema>;
export type Expectation = z.output<typeof expectationSchema>;
export type ExpectationInput = z.input<typeof expectationSchema>;

export interface ExpectationIssue {
  /** Where in the input: `claims[0].expect.backends.reviews-v1`, or `(root)`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Zod's issues as "path: message" pairs a person can act on. For an input that fits none of a union's forms, the
 * form it got furthest into is reported (a bad probability in the list form, not "expected an object").
 */
export function expectationIssues(error: z.ZodError, base: readonly PropertyKey[] = []): ExpectationIssue[] {
  return error.issues.flatMap((i) => issueLines(i, base));
}

function issueLines(i: z.core.$ZodIssue, base: readonly PropertyKey[]): ExpectationIssue[] {
  const path = [...base, ...i.path];
  if (i.code === 'invalid_union' && i.errors.length > 0) {
    // A branch that failed only on the input's own type did not fit at all; prefer one that got inside.
    const inside = i.errors.filter((branch) => !branch.every((x) => x.code === 'invalid_type' && x.path.length === 0));
    if (inside.length > 0) return inside[0]!.flatMap((x) => issueLines(x, path));
  }
  if (i.code === 'unrecognized_keys')
    return i.keys.map((k) => ({ path: pathText([...path, k]), message: `unknown field "${k}"` }));
  return [{ path: pathText(path), message: i.message }];
}

/** A path in an expectation file; the empty path is the file's root. */
function pathText(path: readonly PropertyKey[]): string {
  return formatPath(path) || '(root)';
}

/** Thrown by parseExpectation: the message lists every issue, one per line. */
export class ExpectationError extends Error {
  override name = 'ExpectationError';
  readonly issues: readonly ExpectationIssue[];
  constructor(where: string, issues: readonly ExpectationIssue[]) {
    super(`${where} is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.issues = issues;
  }
}

/** Parses with any schema built on this module's, throwing an ExpectationError naming `where` on bad input. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ExpectationError(where, expectationIssues(r.error));
  return r.data;
}

/** One request + expectation (`{ from, to, …, expect }`). */
export function parseExpectation(input: unknown, where = 'expectation'): Expectation {
  return parseWith(expectationSchema, input, where);
}
