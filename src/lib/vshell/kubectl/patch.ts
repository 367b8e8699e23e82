// `kubectl patch TYPE NAME [-n NS] --type merge|json|strategic -p PATCH`: the patched object goes through the same
// admission as `kubectl apply` (the validator) and re-enters the cluster state, so lint and the simulator see it.
import { parse as parseYaml } from 'yaml';
import { qualifiedName, resolveType, resourceName } from '../../ambient/kinds.ts';
import type { KindInfo } from '../../ambient/kinds.ts';
import type { JsonObject, JsonValue } from '../../model/types.ts';
import { clusterText, keyOf, kindOf, nameOf, namespaceOf } from '../cluster.ts';
import type { StoredObject } from '../cluster.ts';
import { flag, parseFlags } from '../flags.ts';
import type { FlagSpec } from '../flags.ts';
import { PatchError, applyJsonPatch, mergePatch, strategicMergePatch } from '../jsonpatch.ts';
import type { Io, Session } from '../session.ts';
import { UserError, currentNs, isObj, loadLint } from './common.ts';

const SPEC: FlagSpec = {
  namespace: { short: 'n', value: true },
  type: { value: true },
  patch: { short: 'p', value: true },
  'dry-run': { value: true },
  output: { short: 'o', value: true },
  'field-manager': { value: true },
  help: { short: 'h', value: false },
};

/** Patch documents larger than this are refused before parsing (a lab's patch is a few hundred bytes). */
export const MAX_PATCH_BYTES = 64 * 1024;

/** API groups the API server serves itself: strategic merge patch works there, and nowhere else. */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'policy',
  'autoscaling',
  'networking.k8s.io',
  'apiextensions.k8s.io',
]);

/** kubectl reads `-p` as JSON or YAML; a scalar or an unparsable text is its "unable to parse" error. */
function readPatch(text: string): JsonValue {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    try {
      v = parseYaml(text, { maxAliasCount: 0, uniqueKeys: true });
    } catch (err) {
      throw new UserError(`unable to parse "${text}": ${err instanceof Error ? err.message.split('\n')[0] : 'yaml'}`);
    }
  }
  if (v === null || typeof v !== 'object')
    throw new UserError(
      `unable to parse "${text}": a patch must be a JSON or YAML object (or, for --type json, an array)`,
    );
  return v as JsonValue;
}

function target(positionals: readonly string[]): { info: KindInfo; name: string } {
  const [a, b] = positionals;
  if (!a) throw new UserError('You must provide one or more resources by argument or filename.');
  const [typeWord, name] = a.includes('/') ? a.split('/', 2) : [a, b];
  const info = resolveType(typeWord ?? '');
  if (!info) throw new UserError(`the server doesn't have a resource type "${typeWord}"`);
  if (!name) throw new UserError('resource(s) were provided, but no name was specified');
  return { info, name };
}

export async function patch(s: Session, argv: string[], io: Io): Promise<number> {
  const p = parseFlags(argv, SPEC);
  const { info, name } = target(p.positionals);
  const text = flag(p, 'patch');
  if (text === undefined)
    throw new UserError('must specify --patch or --patch-file containing the contents of the patch');
  if (text.length > MAX_PATCH_BYTES) throw new UserError(`the patch is larger than ${MAX_PATCH_BYTES} bytes`);
  const type = flag(p, 'type') ?? 'strategic';
  if (!['strategic', 'merge', 'json'].includes(type))
    throw new UserError(`--type must be one of [json merge strategic], not "${type}"`);
  if (info.virtual) {
    io.err(
      `error: the virtual cluster derives pods from their workloads: patch the workload (e.g. deploy/NAME) instead\n`,
    );
    return 1;
  }
  const ns = info.namespaced ? currentNs(s, p) : undefined;
  const key = `${info.kind}|${ns ?? ''}|${name}`;
  const idx = s.objects.findIndex((o) => keyOf(o) === key);
  if (idx < 0) {
    io.err(`Error from server (NotFound): ${resourceName(info)} "${name}" not found\n`);
    return 1;
  }
  const prev = s.objects[idx]!;
  const doc = readPatch(text);
  if (type === 'strategic' && !BUILT_IN_GROUPS.has(info.group)) {
    // What the API server answers for a custom resource (it accepts only JSON patch, merge patch and apply).
    io.err(
      'Error from server (UnsupportedMediaType): the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n',
    );
    return 1;
  }
  let next: JsonValue;
  try {
    next =
      type === 'json'
        ? applyJsonPatch(prev, doc)
        : type === 'merge'
          ? mergePatch(prev, doc)
          : strategicMergePatch(prev, doc);
  } catch (err) {
    if (!(err instanceof PatchError)) throw err;
    io.err(`The request is invalid: the server rejected our request due to an error in our request (${err.message})\n`);
    return 1;
  }
  if (!isObj(next)) {
    io.err('Error from server (BadRequest): the patched object is not a JSON object\n');
    return 1;
  }
  const problem = identityChange(prev, next);
  if (problem) {
    io.err(`Error from server (BadRequest): ${problem}\n`);
    return 1;
  }
  // `status` is a subresource: a patch of the main resource leaves it as it was (SEMANTICS §9).
  const patched: StoredObject = { ...next };
  if (prev['status'] !== undefined) patched['status'] = prev['status'];
  else delete patched['status'];
  const label = qualifiedName(info, name);
  const dryRun = flag(p, 'dry-run');
  const suffix = dryRun && dryRun !== 'none' ? ` (${dryRun === 'server' ? 'server ' : ''}dry run)` : '';
  if (JSON.stringify(patched) === JSON.stringify(prev)) {
    io.out(`${label} patched (no change)${suffix}\n`);
    return 0;
  }
  if (!(await admitted(s, prev, patched, info, io))) return 1;
  if (!suffix) s.objects = s.objects.map((o, i) => (i === idx ? patched : o));
  io.out(`${label} patched${suffix}\n`);
  return 0;
}

/** The API server refuses a patch that renames or moves the object it addresses. */
function identityChange(prev: StoredObject, next: JsonObject): string | undefined {
  const m = isObj(next['metadata']) ? next['metadata'] : {};
  if (m['name'] !== nameOf(prev))
    return `the name of the object (${String(m['name'])}) does not match the name on the URL (${nameOf(prev)})`;
  if ((m['namespace'] ?? undefined) !== namespaceOf(prev))
    return 'the namespace of the provided object does not match the namespace sent on the request';
  if (next['kind'] !== kindOf(prev) || next['apiVersion'] !== prev['apiVersion'])
    return `the kind or apiVersion of the object cannot change (was ${String(prev['apiVersion'])} ${kindOf(prev)})`;
  return undefined;
}

/** Admission as in `kubectl apply`: schema errors refuse the object, other findings are printed as warnings. */
async function admitted(
  s: Session,
  prev: StoredObject,
  patched: StoredObject,
  info: KindInfo,
  io: Io,
): Promise<boolean> {
  const lint = await loadLint(s);
  const others = s.objects.filter((o) => o !== prev);
  const report = lint([
    { file: '(cluster)', text: clusterText(others) },
    { file: '(patch)', text: clusterText([patched]) },
  ]);
  const mine = report.findings.filter((f) => f.file === '(patch)');
  const invalid = mine.filter((f) => f.rule === 'schema' && f.severity === 'error');
  if (invalid.length) {
    io.err(
      `The ${info.kind} "${nameOf(patched)}" is invalid: ${invalid.map((f) => `${f.path || '(root)'}: ${f.message}`).join(', ')}\n`,
    );
    return false;
  }
  for (const f of mine)
    if (!(f.rule === 'schema' && f.severity === 'error')) io.err(`Warning: [${f.rule}] ${f.message}\n`);
  return true;
}
