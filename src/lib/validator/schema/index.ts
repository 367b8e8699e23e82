import { servedKinds, servedVersions, versionRows } from '../../versions.ts';
import type { VersionRows } from '../../versions.ts';
import type { JsonValue, ObjectPath, Resource } from '../../model/types.ts';
import { celCheckFor } from './cel.ts';
import type { CelCheck } from './cel.ts';
import {
  declaresField,
  knownRoot,
  MAY_HAVE_NULL,
  MAY_HAVE_UNKNOWN,
  reportUnknownFields,
  scanKnown,
  takeScannedKeys,
} from './fields.ts';
import { pruneNulls, withoutStatus } from './prune.ts';
import { aliasOf } from './aliases.ts';
import { addedField, lineDelta, removedFields, withLineDelta } from './line-delta.ts';
import type { LineDelta } from './line-deltas.gen.ts';
import { structuralValidator } from './validators.ts';
import type { AjvError, StructuralValidator } from './validators.ts';
import type { SchemaProblem } from './types.ts';
import { checkMinDurations, minDurationsFor } from './cel-durations.ts';
import type { MinDuration } from './cel-durations.ts';

export type { SchemaProblem } from './types.ts';

/** Findings per resource are capped: past this many, one more says how many were left out. */
const MAX_PER_RESOURCE = 40;

/**
 * What one version line serves (versions.gen.ts, generated from that line's upstream CRDs): `group|Kind` → served
 * versions, and the kinds of each group whose kinds and versions we know completely (so an unknown one is an
 * error, not a guess). Gateway API kinds as the experimental channel serves them, a superset of the standard one:
 * this layer cannot know which channel a cluster has, so the gateway-api-experimental-field rule says the rest.
 */
interface Served {
  readonly byGroupKind: ReadonlyMap<string, ReadonlySet<string>>;
  readonly kindsByGroup: ReadonlyMap<string, ReadonlySet<string>>;
}

const servedByLine = new Map<string, Served>();
function servedOf(rows: VersionRows): Served {
  const key = lineKey(rows);
  let served = servedByLine.get(key);
  if (served) return served;
  const byGroupKind = new Map<string, Set<string>>();
  const kindsByGroup = new Map<string, Set<string>>();
  for (const groupKind of servedKinds(rows)) {
    const [group, kind] = groupKind.split('|') as [string, string];
    byGroupKind.set(groupKind, new Set(servedVersions(rows, group, kind)));
    let kinds = kindsByGroup.get(group);
    if (!kinds) kindsByGroup.set(group, (kinds = new Set()));
    kinds.add(kind);
  }
  servedByLine.set(key, (served = { byGroupKind, kindsByGroup }));
  return served;
}

/** Istio 1.31 and Gateway API v1.6, for callers that name no versions (DESIGN §4.5a defaults). */
const DEFAULT_ROWS = versionRows();

const lineKey = (rows: VersionRows): string => `${rows.istio.version}|${rows.gatewayApi.version}`;

function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

/** The groups whose kinds and versions we know completely (so an unknown one is an error, not a guess). */
export function isKnownGroup(group: string, versions: VersionRows = DEFAULT_ROWS): boolean {
  return servedOf(versions).kindsByGroup.has(group);
}

/** What schemaProblems needs to know about one apiVersion/kind pair, worked out once per pair. */
interface KindInfo {
  /** The kinds of a fully known group, else undefined. */
  readonly kinds: ReadonlySet<string> | undefined;
  /** Problem with the apiVersion/kind itself (unknown kind or unserved version): nothing else is checked. */
  readonly versionProblem: SchemaProblem | undefined;
  readonly validator: StructuralValidator | undefined;
  readonly knownRoot: number | undefined;
  readonly kindKey: string;
  readonly cel: CelCheck | undefined;
  /** The line's minimum-duration CEL rules for this apiVersion/kind (generated from its CRDs). */
  readonly minDurations: readonly MinDuration[] | undefined;
  /** How the line's CRD schema differs from the baseline the validator and known-field tree follow. */
  readonly delta: LineDelta | undefined;
  /**
   * `status` is left out of validation: true when the kind's schema has a status (a subresource for every such
   * Istio, Gateway API and built-in kind: crds/ list `subresources: status` for each CRD with one). A kind
   * without one (ConfigMap, ReferenceGrant) keeps rejecting `status` as an unknown field.
   */
  readonly ignoresStatus: boolean;
}

/**
 * apiVersion → kind → info. Every resource of a lint shares a handful of pairs, and the parser shares their
 * strings, so two map lookups replace the per-resource key strings and splits. Bounded: hostile input can
 * invent any number of pairs, and the editor keeps this module alive across lints.
 */
const kindInfos = new Map<string, Map<string, KindInfo>>();
let kindInfoCount = 0;
const MAX_KIND_INFOS = 2000;
/** The line kindInfos holds: a run speaks for one line, so another line's run starts the cache afresh. */
let kindInfoLine = '';

function kindInfo(apiVersion: string, kind: string, rows: VersionRows): KindInfo {
  const line = lineKey(rows);
  if (line !== kindInfoLine) {
    kindInfos.clear();
    kindInfoCount = 0;
    kindInfoLine = line;
  }
  let byKind = kindInfos.get(apiVersion);
  let info = byKind?.get(kind);
  if (info) return info;
  if (kindInfoCount >= MAX_KIND_INFOS) {
    kindInfos.clear();
    kindInfoCount = 0;
    byKind = undefined;
  }
  const [group, version] = splitApiVersion(apiVersion);
  const { byGroupKind, kindsByGroup } = servedOf(rows);
  const kinds = kindsByGroup.get(group);
  let versionProblem: SchemaProblem | undefined;
  if (kinds) {
    const served = byGroupKind.get(`${group}|${kind}`);
    if (!served)
      versionProblem = {
        path: ['kind'],
        message: `${group} has no kind "${kind}" (known kinds: ${[...kinds].sort().join(', ')}); the API server rejects it with "no matches for kind".`,
      };
    else if (!served.has(version))
      versionProblem = {
        path: ['apiVersion'],
        message: `${kind} is not served as ${apiVersion} by the ${group.endsWith('.istio.io') ? `Istio ${rows.istio.version}` : `Gateway API ${rows.gatewayApi.bundle}`} CRDs; served versions: ${[...served].map((v) => `${group}/${v}`).join(', ')}.`,
      };
  }
  // A version newer than the generated validators is checked as the older version it equals (schema/aliases.ts).
  const alias = versionProblem ? undefined : aliasOf(apiVersion, kind);
  const kindKey = `${alias?.apiVersion ?? apiVersion}|${kind}`;
  const root = knownRoot(kindKey);
  const delta = versionProblem ? undefined : lineDelta(rows, `${apiVersion}|${kind}`);
  const validator = alias ? alias.validator : structuralValidator(apiVersion, kind);
  info = {
    kinds,
    versionProblem,
    delta,
    validator: delta ? withLineDelta(validator, delta) : validator,
    knownRoot: root,
    kindKey,
    cel: celCheckFor(group, kind),
    minDurations: versionProblem ? undefined : minDurationsFor(rows, `${apiVersion}|${kind}`),
    ignoresStatus: root === undefined || declaresField(root, 'status'),
  };
  if (!byKind) kindInfos.set(apiVersion, (byKind = new Map()));
  byKind.set(kind, info);
  kindInfoCount++;
  return info;
}

/** Every schema problem of one resource: version/kind, structure, unknown fields, and our CEL rule ports. */
export function schemaProblems(resource: Resource, versions: VersionRows = DEFAULT_ROWS): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  appendSchemaProblems(resource, out, versions);
  return out;
}

/**
 * schemaProblems(resource) appended to out. The schema rule collects a whole lint in one array: almost every
 * resource has no problem, and an empty array per resource is the only thing this would allocate for it.
 */
export function appendSchemaProblems(
  resource: Resource,
  out: SchemaProblem[],
  versions: VersionRows = DEFAULT_ROWS,
): void {
  const start = out.length;
  const info = kindInfo(resource.apiVersion, resource.kind, versions);
  if (info.versionProblem) {
    // A fresh object per finding: callers may keep (and tests compare) what they get.
    out.push({ path: [...info.versionProblem.path], message: info.versionProblem.message });
    return;
  }
  // What the API server validates (SEMANTICS §9): without status, without null fields. Both are copies made only
  // when needed; resource.obj stays as written for the rules (a waypoint's status.addresses is information).
  let obj = resource.obj;
  if (info.ignoresStatus && obj.status !== undefined) obj = withoutStatus(obj);
  // Unknown fields are looked for before nulls are pruned: `bogus: null` is still an unknown field.
  const scan = info.knownRoot !== undefined ? scanKnown(info.knownRoot, obj) : MAY_HAVE_NULL;
  // Taken even when unused, so that no later resource sees them.
  const keysOf = info.knownRoot !== undefined ? takeScannedKeys() : undefined;
  const validated = scan & MAY_HAVE_NULL ? pruneNulls(obj) : obj;
  const validator = info.validator;
  // Problems past the cap that fromAjv counted without making them (a wide map can fail in every value).
  let hidden = 0;
  if (validator) {
    let errors: readonly AjvError[];
    try {
      errors = validator(validated, keysOf);
    } catch {
      errors = [];
    }
    if (errors.length) hidden = fromAjv(errors, validated, out, MAX_PER_RESOURCE);
  }
  if (validator || info.kinds) {
    const meta = validated.metadata;
    const hasName =
      meta !== null &&
      typeof meta === 'object' &&
      !Array.isArray(meta) &&
      ((typeof meta.name === 'string' && meta.name !== '') ||
        (typeof meta.generateName === 'string' && meta.generateName !== ''));
    if (!hasName && resource.basePath.length === 0)
      out.push({
        path: ['metadata'],
        message: 'metadata.name is required: the API server rejects an object without a name.',
      });
    const delta = info.delta;
    if (scan & MAY_HAVE_UNKNOWN)
      reportUnknownFields(
        info.knownRoot!,
        info.kindKey,
        obj,
        out,
        delta?.added.length ? (path, field) => addedField(delta, path, field) : undefined,
      );
    if (delta?.removed.length) removedFields(delta, obj, out);
  }
  if (info.cel) {
    const spec = validated.spec;
    if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) info.cel(spec, out);
  }
  if (info.minDurations) checkMinDurations(info.minDurations, validated, out);
  if (out.length - start + hidden > MAX_PER_RESOURCE) {
    const left = out.length - start + hidden - MAX_PER_RESOURCE;
    out.length = start + MAX_PER_RESOURCE;
    out.push({ path: [], message: `${left} more schema problems in this object are not shown.` });
  }
}

const COMPOSITE = new Set(['anyOf', 'oneOf', 'not', 'if', 'allOf']);

/**
 * ajv errors → located problems: one per path and message, composite errors only when nothing more precise exists.
 * The first `room` problems are appended to out; the rest are only counted (returned): a map whose 20,000 values
 * all fail gives 20,000 errors, and making a path and a message for each cost more than finding them.
 */
function fromAjv(errors: readonly AjvError[], obj: JsonValue, out: SchemaProblem[], room: number): number {
  // A failing oneOf/anyOf reports its branches' failures at the same node too: for Istio's "at most one of"
  // (`oneOf: [{not: {anyOf: [required…]}}, {required: [a]}, …]`) that is "routeConfiguration is required" when
  // two alternatives are set. The branch failures say nothing true on their own, so the composite speaks instead.
  const alternatives = new Set<string>();
  for (const e of errors) if (e.keyword === 'oneOf' || e.keyword === 'anyOf') alternatives.add(e.instancePath);
  const dropped = (e: AjvError) =>
    (e.keyword === 'required' || e.keyword === 'not') && alternatives.has(e.instancePath);
  // Where a precise error is, at or below: each precise error's instancePath and every `/` prefix of it (one set,
  // not a search of all precise errors per composite one, which is quadratic in a wide map of failing objects).
  let precise: Set<string> | undefined;
  // Problems are told apart by path and message. The message is the path shown plus a part that depends on the
  // error alone (ajvSuffix), and the path is a function of the instancePath (and a required error's missing
  // property): so the pair (instancePath + missing property, suffix) tells them apart without making either.
  const seen = new Map<string, string | Set<string>>();
  let hidden = 0;
  for (const e of errors) {
    if (dropped(e)) continue;
    if (COMPOSITE.has(e.keyword)) {
      precise ??= precisePaths(errors, dropped);
      if (precise.has(e.instancePath)) continue;
    }
    const missing =
      e.keyword === 'required' && typeof e.params.missingProperty === 'string' ? e.params.missingProperty : undefined;
    const at = missing === undefined ? e.instancePath : `${e.instancePath}\u0000${missing}`;
    const suffix = ajvSuffix(e);
    const before = seen.get(at);
    if (before === undefined) seen.set(at, suffix);
    else if (typeof before === 'string') {
      if (before === suffix) continue;
      seen.set(at, new Set([before, suffix]));
    } else if (before.has(suffix)) continue;
    else before.add(suffix);
    if (room <= 0) {
      hidden++;
      continue;
    }
    room--;
    const path = pointerToPath(e.instancePath, obj);
    const target = missing === undefined ? path : [...path, missing];
    out.push({ path: target, message: show(target) + suffix, part: e.keyword === 'required' ? 'key' : 'value' });
  }
  return hidden;
}

function precisePaths(errors: readonly AjvError[], dropped: (e: AjvError) => boolean): Set<string> {
  const out = new Set<string>();
  for (const e of errors) {
    if (dropped(e) || COMPOSITE.has(e.keyword)) continue;
    const at = e.instancePath;
    out.add(at);
    for (let k = at.indexOf('/'); k >= 0; k = at.indexOf('/', k + 1)) out.add(at.slice(0, k));
  }
  return out;
}

function pointerToPath(pointer: string, obj: JsonValue): ObjectPath {
  if (!pointer) return [];
  const out: (string | number)[] = [];
  let cur: JsonValue | undefined = obj;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}

function show(path: ObjectPath): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s || 'the object';
}

/** An error's message after the path it is about (every message is that path shown, then this). */
function ajvSuffix(e: AjvError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return ` is required and missing.`;
    case 'type':
      return ` must be ${String(p.type)}: the API server rejects the wrong type.`;
    case 'enum':
      return ` must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'pattern':
      return ` does not match the required pattern ${String(p.pattern)}.`;
    case 'format':
      return ` is not a valid ${String(p.format)}.`;
    case 'maxLength':
      return ` is longer than ${String(p.limit)} characters.`;
    case 'minLength':
      return ` is shorter than ${String(p.limit)} characters.`;
    case 'maxItems':
      return ` has more than ${String(p.limit)} items.`;
    case 'minItems':
      return ` needs at least ${String(p.limit)} item(s).`;
    case 'maximum':
    case 'exclusiveMaximum':
      return ` must be ${e.keyword === 'maximum' ? '≤' : '<'} ${String(p.limit)}.`;
    case 'minimum':
    case 'exclusiveMinimum':
      return ` must be ${e.keyword === 'minimum' ? '≥' : '>'} ${String(p.limit)}.`;
    case 'maxProperties':
      return ` has more than ${String(p.limit)} entries.`;
    case 'minProperties':
      return ` needs at least ${String(p.limit)} entr${p.limit === 1 ? 'y' : 'ies'}.`;
    case 'oneOf':
    case 'anyOf':
      // passingSchemas is null when no alternative matched (ajv): then nothing was combined.
      if (e.keyword === 'oneOf' && !Array.isArray(p.passingSchemas))
        return ` matches none of the forms the schema allows.`;
      if (e.keyword === 'anyOf') return ` matches none of the forms the schema allows.`;
      return ` combines fields that exclude each other (set only one of the alternatives).`;
    case 'not':
      return ` combines fields that exclude each other (set only one of the alternatives).`;
    default:
      return ` is invalid (${e.keyword}${e.message ? `: ${e.message}` : ''}).`;
  }
}
