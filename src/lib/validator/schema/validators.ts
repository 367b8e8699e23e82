// Structural validators from @kubernetes-models (ajv standalone functions generated from the upstream
// OpenAPI/CRD schemas). Generated table: one row per apiVersion/kind we validate structurally.
import { AuthorizationPolicy as I1 } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication as I2 } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { RequestAuthentication as I3 } from '@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication';
import { DestinationRule as I7 } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { Gateway as I8 } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import { ServiceEntry as I9 } from '@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry';
import { Sidecar as I10 } from '@kubernetes-models/istio/networking.istio.io/v1/Sidecar';
import { VirtualService as I11 } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { WorkloadEntry as I12 } from '@kubernetes-models/istio/networking.istio.io/v1/WorkloadEntry';
import { WorkloadGroup as I13 } from '@kubernetes-models/istio/networking.istio.io/v1/WorkloadGroup';
import { ProxyConfig as I21 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/ProxyConfig';
import { EnvoyFilter as I29 } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter';
import { Telemetry as I30 } from '@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry';
import { WasmPlugin as I32 } from '@kubernetes-models/istio/extensions.istio.io/v1alpha1/WasmPlugin';
import { validate as G33 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1Gateway';
import { validate as G34 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1GatewayClass';
import { validate as G35 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1HTTPRoute';
import { validate as G36 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1GRPCRoute';
import { validate as G37 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1ReferenceGrant';
import { validate as G38 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1TLSRoute';
import { validate as G39 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1BackendTLSPolicy';
import { validate as G40 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1ListenerSet';
import { validate as G41 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1Gateway';
import { validate as G42 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1GatewayClass';
import { validate as G43 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1HTTPRoute';
import { validate as G44 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1ReferenceGrant';
import { validate as G45 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2TCPRoute';
import { validate as G46 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2UDPRoute';
import { validate as G47 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2TLSRoute';
import { validate as G48 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2GRPCRoute';
import { validate as G49 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2ReferenceGrant';
import { validate as G50 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha3TLSRoute';
import { validate as G51 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha3BackendTLSPolicy';
import { validate as K52 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as K53 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { validate as K54 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Pod';
import { validate as K55 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount';
import { validate as K56 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as K57 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { validate as K58 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Endpoints';
import { validate as K59 } from 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment';
import { validate as K60 } from 'kubernetes-models/_schemas/IoK8sApiAppsV1StatefulSet';
import { validate as K61 } from 'kubernetes-models/_schemas/IoK8sApiAppsV1DaemonSet';
import { validate as K62 } from 'kubernetes-models/_schemas/IoK8sApiAppsV1ReplicaSet';
import { validate as K63 } from 'kubernetes-models/_schemas/IoK8sApiBatchV1Job';
import { validate as K64 } from 'kubernetes-models/_schemas/IoK8sApiBatchV1CronJob';
import { validate as K65 } from 'kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy';

/** The shape of an ajv error as the generated validators report it. */
export interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}
/**
 * `keysOf`: key lists of wide objects inside data, already listed (fields.ts takeScannedKeys), in Object.keys order;
 * the others are listed here.
 */
export type StructuralValidator = (
  data: unknown,
  keysOf?: ReadonlyMap<object, readonly string[]>,
) => readonly AjvError[];

type AjvFn = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

function direct(fn: unknown): StructuralValidator {
  const f = fn as AjvFn;
  return (data) => (f(data) ? [] : (f.errors ?? []).slice());
}

/**
 * The Istio package does not export its `_schemas`, but each model class carries the validator as
 * `prototype.validate` (it throws a ValidationError with `.errors`). Calling it with the plain object as
 * `this` validates without copying the object into a model instance.
 */
function viaModel(cls: unknown): StructuralValidator {
  // Read on first use, not when the table is built: the CLI bundle loads each kind's validator lazily
  // (scripts/build-cli.mjs), so building the table must not touch the model classes.
  let validate: ((this: unknown) => void) | undefined;
  return (data) => {
    validate ??= (cls as { prototype: { validate(this: unknown): void } }).prototype.validate;
    try {
      validate.call(data);
      return [];
    } catch (err) {
      const errors = (err as { errors?: AjvError[] }).errors;
      if (Array.isArray(errors)) return errors;
      throw err;
    }
  };
}

/**
 * Istio serves several versions of a kind with one schema: the generated validators for v1beta1/v1alpha3 (and
 * telemetry v1alpha1) are byte-for-byte the v1 validator apart from the version string. Reusing the v1 validator
 * (with the apiVersion swapped on a shallow copy) keeps the browser bundle about 40% smaller.
 */
function sameAs(apiVersion: string, v: StructuralValidator): StructuralValidator {
  return (data) =>
    v(data !== null && typeof data === 'object' && !Array.isArray(data) ? { ...data, apiVersion } : data);
}

const ROWS: readonly (readonly [string, string, StructuralValidator])[] = [
  ['security.istio.io/v1', 'AuthorizationPolicy', viaModel(I1)],
  ['security.istio.io/v1', 'PeerAuthentication', viaModel(I2)],
  ['security.istio.io/v1', 'RequestAuthentication', viaModel(I3)],
  ['security.istio.io/v1beta1', 'AuthorizationPolicy', sameAs('security.istio.io/v1', viaModel(I1))],
  ['security.istio.io/v1beta1', 'PeerAuthentication', sameAs('security.istio.io/v1', viaModel(I2))],
  ['security.istio.io/v1beta1', 'RequestAuthentication', sameAs('security.istio.io/v1', viaModel(I3))],
  ['networking.istio.io/v1', 'DestinationRule', viaModel(I7)],
  ['networking.istio.io/v1', 'Gateway', viaModel(I8)],
  ['networking.istio.io/v1', 'ServiceEntry', viaModel(I9)],
  ['networking.istio.io/v1', 'Sidecar', viaModel(I10)],
  ['networking.istio.io/v1', 'VirtualService', viaModel(I11)],
  ['networking.istio.io/v1', 'WorkloadEntry', viaModel(I12)],
  ['networking.istio.io/v1', 'WorkloadGroup', viaModel(I13)],
  ['networking.istio.io/v1beta1', 'DestinationRule', sameAs('networking.istio.io/v1', viaModel(I7))],
  ['networking.istio.io/v1beta1', 'Gateway', sameAs('networking.istio.io/v1', viaModel(I8))],
  ['networking.istio.io/v1beta1', 'ServiceEntry', sameAs('networking.istio.io/v1', viaModel(I9))],
  ['networking.istio.io/v1beta1', 'Sidecar', sameAs('networking.istio.io/v1', viaModel(I10))],
  ['networking.istio.io/v1beta1', 'VirtualService', sameAs('networking.istio.io/v1', viaModel(I11))],
  ['networking.istio.io/v1beta1', 'WorkloadEntry', sameAs('networking.istio.io/v1', viaModel(I12))],
  ['networking.istio.io/v1beta1', 'WorkloadGroup', sameAs('networking.istio.io/v1', viaModel(I13))],
  ['networking.istio.io/v1beta1', 'ProxyConfig', viaModel(I21)],
  ['networking.istio.io/v1alpha3', 'DestinationRule', sameAs('networking.istio.io/v1', viaModel(I7))],
  ['networking.istio.io/v1alpha3', 'Gateway', sameAs('networking.istio.io/v1', viaModel(I8))],
  ['networking.istio.io/v1alpha3', 'ServiceEntry', sameAs('networking.istio.io/v1', viaModel(I9))],
  ['networking.istio.io/v1alpha3', 'Sidecar', sameAs('networking.istio.io/v1', viaModel(I10))],
  ['networking.istio.io/v1alpha3', 'VirtualService', sameAs('networking.istio.io/v1', viaModel(I11))],
  ['networking.istio.io/v1alpha3', 'WorkloadEntry', sameAs('networking.istio.io/v1', viaModel(I12))],
  ['networking.istio.io/v1alpha3', 'WorkloadGroup', sameAs('networking.istio.io/v1', viaModel(I13))],
  ['networking.istio.io/v1alpha3', 'EnvoyFilter', viaModel(I29)],
  ['telemetry.istio.io/v1', 'Telemetry', viaModel(I30)],
  ['telemetry.istio.io/v1alpha1', 'Telemetry', sameAs('telemetry.istio.io/v1', viaModel(I30))],
  ['extensions.istio.io/v1alpha1', 'WasmPlugin', viaModel(I32)],
  ['gateway.networking.k8s.io/v1', 'Gateway', direct(G33)],
  ['gateway.networking.k8s.io/v1', 'GatewayClass', direct(G34)],
  ['gateway.networking.k8s.io/v1', 'HTTPRoute', direct(G35)],
  ['gateway.networking.k8s.io/v1', 'GRPCRoute', direct(G36)],
  ['gateway.networking.k8s.io/v1', 'ReferenceGrant', direct(G37)],
  ['gateway.networking.k8s.io/v1', 'TLSRoute', direct(G38)],
  ['gateway.networking.k8s.io/v1', 'BackendTLSPolicy', direct(G39)],
  ['gateway.networking.k8s.io/v1', 'ListenerSet', direct(G40)],
  ['gateway.networking.k8s.io/v1beta1', 'Gateway', direct(G41)],
  ['gateway.networking.k8s.io/v1beta1', 'GatewayClass', direct(G42)],
  ['gateway.networking.k8s.io/v1beta1', 'HTTPRoute', direct(G43)],
  ['gateway.networking.k8s.io/v1beta1', 'ReferenceGrant', direct(G44)],
  ['gateway.networking.k8s.io/v1alpha2', 'TCPRoute', direct(G45)],
  ['gateway.networking.k8s.io/v1alpha2', 'UDPRoute', direct(G46)],
  ['gateway.networking.k8s.io/v1alpha2', 'TLSRoute', direct(G47)],
  ['gateway.networking.k8s.io/v1alpha2', 'GRPCRoute', direct(G48)],
  ['gateway.networking.k8s.io/v1alpha2', 'ReferenceGrant', direct(G49)],
  ['gateway.networking.k8s.io/v1alpha3', 'TLSRoute', direct(G50)],
  ['gateway.networking.k8s.io/v1alpha3', 'BackendTLSPolicy', direct(G51)],
  ['v1', 'Namespace', direct(K52)],
  ['v1', 'Service', direct(K53)],
  ['v1', 'Pod', direct(K54)],
  ['v1', 'ServiceAccount', direct(K55)],
  ['v1', 'ConfigMap', direct(K56)],
  ['v1', 'Secret', direct(K57)],
  ['v1', 'Endpoints', direct(K58)],
  ['apps/v1', 'Deployment', direct(K59)],
  ['apps/v1', 'StatefulSet', direct(K60)],
  ['apps/v1', 'DaemonSet', direct(K61)],
  ['apps/v1', 'ReplicaSet', direct(K62)],
  ['batch/v1', 'Job', direct(K63)],
  ['batch/v1', 'CronJob', direct(K64)],
  ['networking.k8s.io/v1', 'NetworkPolicy', direct(K65)],
];

const TABLE = new Map<string, StructuralValidator>();
const DIRECT = new Map<string, StructuralValidator>();
for (const [apiVersion, kind, v] of ROWS) {
  TABLE.set(`${apiVersion}|${kind}`, wideMapsInChunks(v));
  DIRECT.set(`${apiVersion}|${kind}`, v);
}

/** The generated validator without the chunking of wide objects: what the chunked one is tested against. */
export function directValidator(apiVersion: string, kind: string): StructuralValidator | undefined {
  return DIRECT.get(`${apiVersion}|${kind}`);
}

export function structuralValidator(apiVersion: string, kind: string): StructuralValidator | undefined {
  return TABLE.get(`${apiVersion}|${kind}`);
}

/** Keys per validation of a wide object: a chunk's failing values cost at most CHUNK² / 2 copies. */
export const CHUNK = 128;

/**
 * The generated validators gather a failing object's errors with `vErrors = vErrors.concat(childErrors)` once per
 * failing property: quadratic in the failing properties of one object (a ConfigMap whose 20,000 `data` values are
 * numbers took 3.7 s). Objects with more than CHUNK properties are therefore validated CHUNK properties at a time,
 * each run on a copy whose wide objects hold one chunk (the copies share everything else), and the runs' errors are
 * put together: an error under a property comes from the run holding that property; an error about the wide object
 * itself (type, required, maxProperties…) from a run where it holds every property, with the failing values swapped
 * for one that passed (so that run has no per-property errors to gather), or from the first run when none passed.
 * Everything else comes from the first run. Arrays are validated whole.
 */
export function wideMapsInChunks(v: StructuralValidator): StructuralValidator {
  return (data, keysOf) => {
    const wide = wideObjects(data, keysOf);
    if (wide.length === 0) return v(data);
    return chunked(v, data as Record<string, unknown>, wide);
  };
}

interface Wide {
  /** ajv's instancePath of the object (`/data`). */
  readonly pointer: string;
  /** `pointer/`: what the instancePath of an error below the object starts with. */
  readonly prefix: string;
  readonly path: readonly string[];
  readonly keys: readonly string[];
}

/** Objects with more than CHUNK own properties, outermost only (linear walk, bounded depth). */
function wideObjects(data: unknown, keysOf: ReadonlyMap<object, readonly string[]> | undefined): Wide[] {
  const out: Wide[] = [];
  const stack: [unknown, string[], number][] = [[data, [], 0]];
  while (stack.length) {
    const [node, path, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object' || depth > 64) continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push([node[i], path, depth + 1]);
      continue;
    }
    const keys = keysOf?.get(node) ?? Object.keys(node);
    // Array items are not split (their indices are part of every error), so nothing under an array is either.
    if (keys.length > CHUNK && !pathCrossesArray(data, path)) {
      const pointer = path.map((k) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
      out.push({ pointer, prefix: `${pointer}/`, path, keys });
      continue;
    }
    for (const k of keys) stack.push([(node as Record<string, unknown>)[k], [...path, k], depth + 1]);
  }
  return out;
}

function pathCrossesArray(data: unknown, path: readonly string[]): boolean {
  let cur = data;
  for (const k of path) {
    if (Array.isArray(cur)) return true;
    cur = (cur as Record<string, unknown>)[k];
  }
  return Array.isArray(cur);
}

/** data with the object at `path` replaced by `value` (copies along the path only). */
function replaced(data: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  if (path.length === 0) return value as Record<string, unknown>;
  const [head, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> = { ...data };
  Object.defineProperty(copy, head, {
    value: replaced(data[head] as Record<string, unknown>, rest, value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

function subset(
  obj: Record<string, unknown>,
  keys: readonly string[],
  from: number,
  to: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = from; i < to && i < keys.length; i++) put(out, keys[i]!, obj[keys[i]!]);
  return out;
}

function put(out: Record<string, unknown>, k: string, value: unknown): void {
  // defineProperty for `__proto__` only (it stays an own property, as in the parsed object); plain assignment
  // keeps the copy a fast object.
  if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  else out[k] = value;
}

/** The property of `w` an error belongs to (its first path segment below the object), or undefined. */
function ownerKey(e: AjvError, w: Wide): string | undefined {
  const at = e.instancePath;
  if (at === w.pointer) {
    const p = e.params;
    const named = p.additionalProperty ?? p.propertyName;
    return typeof named === 'string' ? named : undefined;
  }
  if (!at.startsWith(w.prefix)) return undefined;
  const slash = at.indexOf('/', w.prefix.length);
  const segment = at.slice(w.prefix.length, slash < 0 ? at.length : slash);
  // One error per failing value passes here: the unescaping only where there is something to unescape.
  return segment.includes('~') ? segment.replace(/~1/g, '/').replace(/~0/g, '~') : segment;
}

function chunked(v: StructuralValidator, data: Record<string, unknown>, wide: readonly Wide[]): AjvError[] {
  const objs = wide.map((w) => get(data, w.path));
  const runs = Math.max(...wide.map((w) => Math.ceil(w.keys.length / CHUNK)));
  const whose = (e: AjvError) => {
    const at = e.instancePath;
    for (let j = 0; j < wide.length; j++) if (at === wide[j]!.pointer || at.startsWith(wide[j]!.prefix)) return j;
    return -1;
  };
  // The first run's errors in ajv's order; a number stands for "wide object j's property errors go here", a
  // string for "its object-level errors go here".
  const first: (AjvError | number | string)[] = [];
  const props: AjvError[][] = wide.map(() => []);
  const level: AjvError[][] = wide.map(() => []);
  // failing[j][i]: key i of wide object j has a property error (by index: a Set of 20,000 keys cut out of error
  // paths cost more than the runs).
  const failing = wide.map((w) => new Uint8Array(w.keys.length));
  const failingCount = wide.map(() => 0);
  let firstCopy = data;
  for (let r = 0; r < runs; r++) {
    let copy = data;
    const chunk = wide.map((w, j) => {
      // A wide object with fewer chunks keeps its first chunk in the later runs (its errors there are dropped).
      const c = r * CHUNK < w.keys.length ? r : 0;
      copy = replaced(copy, w.path, subset(objs[j]!, w.keys, c * CHUNK, (c + 1) * CHUNK));
      return c;
    });
    // The index of each key of an object in this run, made on its first error: asking the whole wide object (a
    // dictionary of thousands of keys, with a key just cut out of an error's path) cost a third of the run.
    const inRun: (Map<string, number> | undefined)[] = [];
    const indexIn = (j: number, key: string): number => {
      const at = (inRun[j] ??= chunkIndex(wide[j]!.keys, chunk[j]!)).get(key);
      if (at !== undefined) return at;
      // Not seen: an error below the object names a key of the run's copy. Kept as the rule it was.
      if (!Object.prototype.hasOwnProperty.call(objs[j], key)) return NOT_OWN;
      const i = wide[j]!.keys.indexOf(key);
      return i >= 0 ? i : OWN_UNLISTED;
    };
    if (r === 0) firstCopy = copy;
    for (const e of v(copy)) {
      const j = whose(e);
      if (j < 0) {
        if (r === 0) first.push(e);
        continue;
      }
      const key = ownerKey(e, wide[j]!);
      const at = key === undefined ? NOT_OWN : indexIn(j, key);
      if (at !== NOT_OWN) {
        if (r * CHUNK >= wide[j]!.keys.length) continue;
        if (r === 0 && props[j]!.length === 0) first.push(j);
        props[j]!.push(e);
        if (at >= 0 && failing[j]![at] === 0) {
          failing[j]![at] = 1;
          failingCount[j]!++;
        }
      } else if (r === 0) {
        if (level[j]!.length === 0) first.push(String(j));
        level[j]!.push(e);
      }
    }
  }
  // Object-level errors (maxProperties counts every property) from one run holding every property of the wide
  // objects that have a value that passed, failing values swapped for it, so that run gathers no property errors.
  let full = data;
  // Failing values are swapped for the passing one in the wide object itself for the length of that one run and
  // put back after it: a copy of a map of 20,000 keys cost a tenth of the lint. A copy where the object cannot be
  // written (frozen) or is also another wide object (one anchor under two keys: each run sees only its own swaps).
  const swaps: (() => void)[] = [];
  const exact = wide.map((w, j) => {
    const ok = failing[j]!.indexOf(0);
    const good = ok >= 0 ? { value: objs[j]![w.keys[ok]!] } : passingValue(v, firstCopy, w);
    if (good === undefined) {
      full = replaced(full, w.path, subset(objs[j]!, w.keys, 0, CHUNK));
      return false;
    }
    if (failingCount[j]) {
      const obj = objs[j]!;
      const bad = failing[j]!;
      const undo = objs.indexOf(obj) === j && objs.lastIndexOf(obj) === j ? swapIn(obj, w.keys, bad, good.value) : null;
      if (undo) swaps.push(undo);
      else {
        const fixed: Record<string, unknown> = {};
        for (let i = 0; i < w.keys.length; i++) put(fixed, w.keys[i]!, bad[i] ? good.value : obj[w.keys[i]!]);
        full = replaced(full, w.path, fixed);
      }
    }
    return true;
  });
  let fullErrors: readonly AjvError[] = [];
  try {
    if (exact.some(Boolean)) fullErrors = v(full);
  } finally {
    for (let k = swaps.length - 1; k >= 0; k--) swaps[k]!();
  }
  if (exact.some(Boolean)) {
    for (let j = 0; j < wide.length; j++) if (exact[j]) level[j] = [];
    for (const e of fullErrors) {
      const j = whose(e);
      if (j >= 0 && exact[j] && e.instancePath === wide[j]!.pointer && ownerKey(e, wide[j]!) === undefined) {
        if (level[j]!.length === 0 && !first.includes(String(j))) {
          // Only the full run saw it (maxProperties): ajv checks an object's own keywords before its properties.
          const at = first.indexOf(j);
          if (at < 0) first.push(String(j));
          else first.splice(at, 0, String(j));
        }
        level[j]!.push(e);
      }
    }
  }
  // Appended one by one: push(...list) of a few hundred thousand errors overflows the stack.
  const out: AjvError[] = [];
  const append = (list: readonly AjvError[]) => {
    for (const e of list) out.push(e);
  };
  for (const x of first) {
    if (typeof x === 'number') append(props[x]!);
    else if (typeof x === 'string') append(level[Number(x)]!);
    else out.push(x);
  }
  for (let j = 0; j < wide.length; j++) if (!first.includes(j)) append(props[j]!);
  return out;
}

/**
 * Sets obj's keys marked in `bad` to `value` and returns what puts them back, or null (and obj as it was) when obj
 * cannot be written.
 */
function swapIn(
  obj: Record<string, unknown>,
  keys: readonly string[],
  bad: Uint8Array,
  value: unknown,
): (() => void) | null {
  const was: unknown[] = [];
  const back = () => {
    let n = 0;
    for (let i = 0; i < keys.length && n < was.length; i++) if (bad[i]) set(obj, keys[i]!, was[n++]);
  };
  try {
    for (let i = 0; i < keys.length; i++)
      if (bad[i]) {
        const old = obj[keys[i]!];
        set(obj, keys[i]!, value);
        was.push(old);
      }
    return back;
  } catch {
    back();
    return null;
  }
}

/** An existing own property's value, its attributes kept (`__proto__` as the own property it is here). */
function set(obj: Record<string, unknown>, k: string, value: unknown): void {
  if (k === '__proto__') Object.defineProperty(obj, k, { value });
  else obj[k] = value;
}

/** indexIn's answers for a key that is not a property of the wide object, and for one Object.keys did not list. */
const NOT_OWN = -1;
const OWN_UNLISTED = -2;

/** key → its index in `keys`, for the keys of chunk c. */
function chunkIndex(keys: readonly string[], c: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = c * CHUNK; i < (c + 1) * CHUNK && i < keys.length; i++) out.set(keys[i]!, i);
  return out;
}

/** Values a map's entries usually accept; one that passes under the object's first key stands in for failing ones. */
const PROBES: readonly unknown[] = ['', 0, true, {}, []];

/** `data`: the first run's copy (every wide object cut to its first chunk), so a probe gathers few errors. */
function passingValue(v: StructuralValidator, data: Record<string, unknown>, w: Wide): { value: unknown } | undefined {
  const key = w.keys[0]!;
  for (const value of PROBES) {
    const one: Record<string, unknown> = {};
    Object.defineProperty(one, key, { value, enumerable: true, writable: true, configurable: true });
    const errors = v(replaced(data, w.path, one));
    if (!errors.some((e) => ownerKey(e, w) === key)) return { value };
  }
  return undefined;
}

function get(data: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let cur: unknown = data;
  for (const k of path) cur = (cur as Record<string, unknown>)[k];
  return cur as Record<string, unknown>;
}
