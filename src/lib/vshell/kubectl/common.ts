// What every kubectl verb shares: the flag spec (kubectl's own flag names), namespace choice, -f input reading,
// the lazily loaded validator used as admission, and TYPE/NAME target parsing with label selectors.
import { kindInfo, resolveType, resourceName } from '../../ambient/kinds.ts';
import type { KindInfo } from '../../ambient/kinds.ts';
import type { JsonObject, JsonValue, SourceInput } from '../../model/types.ts';
import type { LintReport } from '../../validator/finding.ts';
import { controlPlanePods, kindOf, labelsOf, nameOf, namespaceOf, podsOf, withStatus } from '../cluster.ts';
import type { StoredObject } from '../cluster.ts';
import { flag, flagAll, has, parseFlags } from '../flags.ts';
import { ingressObjects } from '../ingress-objects.ts';
import type { FlagSpec } from '../flags.ts';
import { findFile } from '../session.ts';
import type { Io, Session } from '../session.ts';

export const COMMON: FlagSpec = {
  namespace: { short: 'n', value: true },
  'all-namespaces': { short: 'A', value: false },
  output: { short: 'o', value: true },
  selector: { short: 'l', value: true },
  filename: { short: 'f', value: true, repeat: true },
  'show-labels': { value: false },
  overwrite: { value: false },
  all: { value: false },
  container: { short: 'c', value: true },
  stdin: { short: 'i', value: false },
  tty: { short: 't', value: false },
  'dry-run': { value: true },
  wait: { value: false },
  'server-side': { value: false },
  force: { value: false },
  'grace-period': { value: true },
  now: { value: false },
  quiet: { short: 'q', value: false },
  'ignore-not-found': { value: false },
  timeout: { value: true },
  help: { short: 'h', value: false },
};

export class UserError extends Error {}

export function currentNs(s: Session, p: ReturnType<typeof parseFlags>): string {
  return flag(p, 'namespace') ?? s.env['KUBECTL_NAMESPACE'] ?? 'default';
}

export function readInputs(s: Session, p: ReturnType<typeof parseFlags>, io: Io): SourceInput[] | undefined {
  const files = flagAll(p, 'filename');
  if (!files.length) {
    io.err('error: must specify one of -f and -k\n');
    return undefined;
  }
  const inputs: SourceInput[] = [];
  for (const f of files) {
    if (f === '-') {
      inputs.push({ file: 'STDIN', text: io.stdin });
      continue;
    }
    if (/^https?:\/\//.test(f)) {
      io.err(
        `error: the virtual cluster cannot download ${f}; paste the YAML with a here-document (kubectl apply -f - <<EOF … EOF)\n`,
      );
      return undefined;
    }
    const hit = findFile(s.ctx, f);
    if (!hit) {
      io.err(`error: the path "${f}" does not exist (run \`ls\` to see the manifests this lab provides)\n`);
      return undefined;
    }
    inputs.push({ file: f, text: hit.text });
  }
  return inputs;
}

export type LintFn = (inputs: readonly SourceInput[]) => LintReport;

/** The validator is the biggest part of the shell (schemas): load it on the first apply, not when the page opens. */
export async function loadLint(s: Session): Promise<LintFn> {
  const { lint } = await import('../../validator/lint.ts');
  return (inputs) => lint(inputs, s.ctx.versions?.() ?? {});
}

export function isObj(v: JsonValue | undefined): v is JsonObject {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function parseSelector(sel: string | undefined): ((labels: Record<string, string>) => boolean) | undefined {
  if (!sel) return undefined;
  const parts = sel
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const tests = parts.map((part) => {
    let m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (m) {
      const [, k, op, v] = m;
      return (l: Record<string, string>) => (op === '!=' ? l[k!] !== v : l[k!] === v);
    }
    m = /^!([^\s]+)$/.exec(part);
    if (m) return (l: Record<string, string>) => !(m![1]! in l);
    m = /^([^\s]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const vals = m[3]!.split(',').map((v) => v.trim());
      return (l: Record<string, string>) =>
        m![2] === 'in' ? vals.includes(l[m![1]!] ?? '\0') : !vals.includes(l[m![1]!] ?? '\0');
    }
    if (/^[A-Za-z0-9./_-]+$/.test(part)) return (l: Record<string, string>) => part in l;
    throw new UserError(`unable to parse requirement: invalid label selector "${sel}"`);
  });
  return (labels) => tests.every((t) => t(labels));
}

export function objectsOfType(s: Session, info: KindInfo): JsonObject[] {
  if (info.kind === 'Pod') return [...podsOf(s.objects).map((p) => p.object), ...controlPlanePods(s.objects)];
  // The Deployments and Services istiod creates for ingress Gateways exist in the cluster without being stored.
  const derived = [...s.objects, ...ingressObjects(s.objects, info.kind)];
  return derived
    .filter(
      (o) => kindOf(o) === info.kind && String(o['apiVersion'] ?? '').startsWith(info.group ? `${info.group}/` : 'v'),
    )
    .filter((o) => info.group !== '' || !String(o['apiVersion']).includes('/'))
    .map((o) => withStatus(o, s.objects));
}

/** Parse `TYPE NAME…`, `TYPE/NAME…` and `TYPE1,TYPE2`; return what to list. */
export function targets(positionals: string[]): { info: KindInfo; names: string[] }[] {
  if (!positionals.length)
    throw new UserError(
      'you must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.',
    );
  const out: { info: KindInfo; names: string[] }[] = [];
  if (positionals[0]!.includes('/')) {
    for (const p of positionals) {
      const [t, n] = p.split('/', 2);
      const info = resolveType(t ?? '');
      if (!info || !n) throw new UserError(`the server doesn't have a resource type "${t}"`);
      const existing = out.find((x) => x.info === info);
      if (existing) existing.names.push(n);
      else out.push({ info, names: [n] });
    }
    return out;
  }
  const [types, ...names] = positionals;
  for (const t of types!.split(',')) {
    if (t === 'all') {
      for (const k of ['pods', 'services', 'deployments']) out.push({ info: resolveType(k)!, names });
      continue;
    }
    const info = resolveType(t);
    if (!info) throw new UserError(`the server doesn't have a resource type "${t}"`);
    out.push({ info, names });
  }
  return out;
}

export function select(
  s: Session,
  p: ReturnType<typeof parseFlags>,
  io: Io,
  verbNotFound = true,
): { lists: { info: KindInfo; objs: JsonObject[] }[]; code: number } {
  const all = has(p, 'all-namespaces');
  const ns = currentNs(s, p);
  const sel = parseSelector(flag(p, 'selector'));
  let code = 0;
  const lists: { info: KindInfo; objs: JsonObject[] }[] = [];
  for (const { info, names } of targets(p.positionals)) {
    let objs = objectsOfType(s, info);
    if (info.namespaced && !all) objs = objs.filter((o) => namespaceOf(o) === ns);
    if (sel) objs = objs.filter((o) => sel(labelsOf(o)));
    if (names.length) {
      const found: JsonObject[] = [];
      for (const n of names) {
        const o = objs.find((x) => nameOf(x) === n);
        if (o) found.push(o);
        else if (verbNotFound && !has(p, 'ignore-not-found')) {
          io.err(`Error from server (NotFound): ${resourceName(info)} "${n}" not found\n`);
          code = 1;
        }
      }
      objs = found;
    }
    // The API server lists by key: namespace, then name.
    objs = [...objs].sort(
      (a, b) => (namespaceOf(a) ?? '').localeCompare(namespaceOf(b) ?? '') || nameOf(a).localeCompare(nameOf(b)),
    );
    lists.push({ info, objs });
  }
  return { lists, code };
}

export function str(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => str(x)).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function noResources(s: Session, p: ReturnType<typeof parseFlags>, all: boolean): string {
  const info = targets(p.positionals)[0]?.info;
  return all || (info && !info.namespaced)
    ? 'No resources found\n'
    : `No resources found in ${currentNs(s, p)} namespace.\n`;
}

export function isNamespacedObj(o: StoredObject): boolean {
  return kindInfo(kindOf(o))?.namespaced ?? true;
}
