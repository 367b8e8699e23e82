// `kubectl apply`: the validator runs as admission, so a rejected object never reaches the virtual cluster.
import { kindInfo, qualifiedName } from '../../ambient/kinds.ts';
import type { KindInfo } from '../../ambient/kinds.ts';
import { parseManifests } from '../../model/parse.ts';
import type { JsonObject, SourceInput } from '../../model/types.ts';
import { clusterText, keyOf, kindOf, labelsOf, metaOf, nameOf, namespaceOf } from '../cluster.ts';
import type { StoredObject } from '../cluster.ts';
import { flag, parseFlags } from '../flags.ts';
import type { Io, Session } from '../session.ts';
import { COMMON, currentNs, isObj, readInputs } from './common.ts';
import type { LintFn } from './common.ts';

/** `kubectl apply` of the lab's own setup manifests: trusted, so no admission (and no validator to load). */
export function applyTrusted(s: Session, argv: string[], io: Io): number {
  return apply(s, argv, io, undefined);
}

export function apply(s: Session, argv: string[], io: Io, lint: LintFn | undefined): number {
  const p = parseFlags(argv, COMMON);
  const inputs = readInputs(s, p, io);
  if (!inputs) return 1;
  const nsFlag = flag(p, 'namespace');
  const defaultNs = currentNs(s, p);
  const dryRun = flag(p, 'dry-run');
  let code = 0;
  for (const input of inputs) {
    const { resources, issues } = parseManifests(input);
    const syntax = issues.find((i) => i.rule === 'yaml-syntax' && i.severity === 'error');
    if (syntax) {
      io.err(
        `error: error parsing ${input.file}: error converting YAML to JSON: yaml: line ${syntax.range.line}: ${syntax.message}\n`,
      );
      code = 1;
      continue;
    }
    if (!resources.length) {
      io.err(`error: no objects passed to apply\n`);
      code = 1;
      continue;
    }
    // Normalise namespaces the way the API server would see them.
    const incoming: { obj: StoredObject; info: KindInfo; seq: number }[] = [];
    for (const r of resources) {
      const info = kindInfo(r.kind);
      if (!info || info.virtual || !info.apiVersions.includes(r.apiVersion)) {
        io.err(
          `error: resource mapping not found for name: "${r.name}" namespace: "${r.namespaceExplicit ? r.namespace : ''}" from "${input.file}": no matches for kind "${r.kind}" in version "${r.apiVersion}"\nensure CRDs are installed first\n`,
        );
        code = 1;
        continue;
      }
      if (!r.name) {
        io.err(
          `error: error when retrieving current configuration from "${input.file}": resource name may not be empty\n`,
        );
        code = 1;
        continue;
      }
      const meta: JsonObject = { ...metaOf(r.obj) };
      if (info.namespaced) {
        if (r.namespaceExplicit && nsFlag && r.namespace !== nsFlag) {
          io.err(
            `error: the namespace from the provided object "${r.namespace}" does not match the namespace "${nsFlag}". You must pass '--namespace=${r.namespace}' to perform this operation.\n`,
          );
          code = 1;
          continue;
        }
        meta['namespace'] = r.namespaceExplicit ? r.namespace : defaultNs;
      } else delete meta['namespace'];
      incoming.push({ obj: { ...r.obj, metadata: meta }, info, seq: r.seq });
    }
    if (!incoming.length) continue;

    // Admission: the validator over the cluster as it would be after this apply.
    const replaced = new Set(incoming.map((x) => keyOf(x.obj)));
    const others = s.objects.filter((o) => !replaced.has(keyOf(o)));
    const positionsValid = resources.every(
      (r) => !incoming.some((x) => x.seq === r.seq) || r.namespaceExplicit || !nsFlag,
    );
    const linted: SourceInput = positionsValid
      ? input
      : { file: input.file, text: clusterText(incoming.map((x) => x.obj)) };
    const report = lint?.([{ file: '(cluster)', text: clusterText(others) }, linted]);
    const findings = (report?.findings ?? []).filter((f) => f.file === input.file);
    const key = (k: string, ns: string | undefined, n: string) => `${k}|${ns ?? ''}|${n}`;

    let objects = s.objects;
    const pendingNamespaces = new Set<string>();
    for (const { obj, info } of incoming) {
      const ns = namespaceOf(obj);
      const name = nameOf(obj);
      const mine = findings.filter(
        (f) =>
          f.resource &&
          f.resource.kind === info.kind &&
          f.resource.name === name &&
          (!info.namespaced || f.resource.namespace === ns),
      );
      const invalid = mine.filter((f) => f.rule === 'schema' && f.severity === 'error');
      if (invalid.length) {
        io.err(
          `The ${info.kind} "${name}" is invalid: ${invalid.map((f) => `${f.path || '(root)'}: ${f.message}`).join(', ')}\n`,
        );
        code = 1;
        continue;
      }
      if (
        info.namespaced &&
        ns &&
        !pendingNamespaces.has(ns) &&
        !objects.some((o) => kindOf(o) === 'Namespace' && nameOf(o) === ns)
      ) {
        io.err(`Error from server (NotFound): error when creating "${input.file}": namespaces "${ns}" not found\n`);
        code = 1;
        continue;
      }
      for (const f of mine) {
        if (f.rule === 'schema' && f.severity === 'error') continue;
        const where = positionsValid && input.file !== '(cluster)' ? ` (${input.file}:${f.line}:${f.column})` : '';
        io.err(`Warning: [${f.rule}] ${f.message}${where}\n`);
      }
      if (info.kind === 'Namespace') pendingNamespaces.add(name);
      const k = key(info.kind, ns, name);
      const idx = objects.findIndex((o) => keyOf(o) === k);
      let verb: string;
      if (idx < 0) {
        const created: StoredObject = {
          ...obj,
          metadata: { ...metaOf(obj), creationTimestamp: new Date(s.now).toISOString() },
        };
        if (!dryRun || dryRun === 'none') objects = [...objects, created];
        verb = 'created';
      } else {
        const prev = objects[idx]!;
        // Labels/annotations merge (kubectl's three-way merge keeps what `kubectl label` added); the rest is replaced.
        const prevMeta = metaOf(prev);
        const meta: JsonObject = {
          ...metaOf(obj),
          creationTimestamp: prevMeta['creationTimestamp'] ?? new Date(s.now).toISOString(),
        };
        const mergedLabels = { ...labelsOf(prev), ...labelsOf(obj) };
        if (Object.keys(mergedLabels).length) meta['labels'] = mergedLabels;
        const prevAnn = prevMeta['annotations'];
        const ann = metaOf(obj)['annotations'];
        if (prevAnn || ann) meta['annotations'] = { ...(isObj(prevAnn) ? prevAnn : {}), ...(isObj(ann) ? ann : {}) };
        const next: StoredObject = { ...obj, metadata: meta };
        const same = JSON.stringify(next) === JSON.stringify(prev);
        verb = same ? 'unchanged' : 'configured';
        if (!same && (!dryRun || dryRun === 'none')) objects = objects.map((o, i) => (i === idx ? next : o));
      }
      io.out(
        `${qualifiedName(info, name)} ${verb}${dryRun && dryRun !== 'none' ? ` (${dryRun === 'server' ? 'server ' : ''}dry run)` : ''}\n`,
      );
    }
    s.objects = objects;
  }
  return code;
}
