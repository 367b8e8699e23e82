/**
 * `istioctl analyze [-n NS | -A] [-f FILE]...` for the virtual cluster: the Ambient Atlas validator's findings over
 * the cluster's objects (plus the files, which replace cluster objects of the same kind, namespace and name), printed
 * the way istioctl 1.31 prints analyzer messages:
 *
 *   `Level [CODE] (Kind namespace/name[ file:line]) message`   (release-1.31 pkg/config/analysis/diag/message.go
 *   Origin/String, istioctl/pkg/util/formatting/formatter.go render; FriendlyName in
 *   pkg/config/analysis/legacy/source/kube/origin.go is `Kind namespace/name`, a cluster-scoped object `Kind name`)
 *
 * sorted as diag.Messages.Sort (level: Error, Warning, Info; then code; then Kind/name/namespace), deduplicated,
 * then "✔ No validation issues found when analyzing namespace: NS." when there are none, and exit code 79
 * (istioctl/cmd/sysexits.go ExitAnalyzerFoundIssues) with AnalyzerFoundIssuesError's text when any is an Error.
 */
import { isClusterScoped } from '../ambient/kinds.ts';
import { DATAPLANE_AMBIENT, LABEL_DATAPLANE_MODE, LABEL_INJECTION, LABEL_REV } from '../ambient/labels.ts';
import { parseManifests } from '../model/parse.ts';
import type { SourceInput } from '../model/types.ts';
import type { Finding, Severity } from '../validator/finding.ts';
import { DEFAULT_ISTIO } from '../versions.ts';
import { clusterText, keyOf, kindOf, labelsOf, nameOf } from './cluster.ts';
import type { StoredObject } from './cluster.ts';
import { FlagError, flag, flagAll, has, parseFlags } from './flags.ts';
import type { FlagSpec } from './flags.ts';
import { loadLint } from './kubectl/common.ts';
import { findFile } from './session.ts';
import type { Io, Session } from './session.ts';

const SPEC: FlagSpec = {
  namespace: { short: 'n', value: true },
  'all-namespaces': { short: 'A', value: false },
  filename: { short: 'f', value: true, repeat: true },
  output: { short: 'o', value: true },
  'output-threshold': { value: true },
  'failure-threshold': { value: true },
  'use-kube': { value: true },
  recursive: { short: 'R', value: false },
  verbose: { short: 'v', value: false },
  help: { short: 'h', value: false },
};

type Level = 'Error' | 'Warning' | 'Info';
const LEVEL_ORDER: Record<Level, number> = { Error: 0, Warning: 1, Info: 2 };

/**
 * Our rule ids that an upstream analyzer also reports (release-1.31 pkg/config/analysis/msg/messages.yaml), with its
 * code and level. Every other rule has no istioctl analyzer (they are the ambient "silently does nothing" traps istiod
 * only reports as status, or not at all), so its id stands in the code position: `Warning [l7-policy-on-ztunnel]`.
 */
const IST_CODES = new Map<string, { code: string; level: Level; kinds?: readonly string[] }>([
  // SchemaValidationError: the CRD schema rejects the object.
  ['schema', { code: 'IST0106', level: 'Error' }],
  // NamespaceMultipleInjectionLabels: analyzers/injection/injection.go counts istio.io/dataplane-mode as one.
  ['namespace-multiple-dataplane-labels', { code: 'IST0123', level: 'Warning' }],
  // IneffectivePolicy: analyzers/sidecar/selector.go, "selected workload is in ambient mode".
  ['sidecar-resource-ineffective', { code: 'IST0167', level: 'Warning' }],
  // ServiceEntryAddressesRequired: analyzers/serviceentry/protocoladdresses.go.
  ['serviceentry-needs-addresses', { code: 'IST0134', level: 'Warning' }],
  // GatewayAPICRDVersionBelowMinimum.
  ['gateway-api-crd-too-old', { code: 'IST0176', level: 'Warning' }],
  // NoMatchingWorkloadsFound: analyzers/authz/authorizationpolicies.go, for AuthorizationPolicy only.
  ['policy-selects-nothing', { code: 'IST0127', level: 'Warning', kinds: ['AuthorizationPolicy'] }],
]);

const LEVEL_OF: Record<Severity, Level> = { error: 'Error', warning: 'Warning', info: 'Info' };

interface Message {
  readonly level: Level;
  readonly code: string;
  readonly origin: string;
  readonly comparator: string;
  readonly text: string;
}

function messageOf(f: Finding, fromCluster: boolean): Message {
  const mapped = IST_CODES.get(f.rule);
  const ist = mapped && (!mapped.kinds || mapped.kinds.includes(f.resource?.kind ?? '')) ? mapped : undefined;
  const r = f.resource;
  const loc = fromCluster || !f.line ? '' : ` ${f.file}:${f.line}`;
  const friendly = r ? (r.namespace === undefined ? `${r.kind} ${r.name}` : `${r.kind} ${r.namespace}/${r.name}`) : '';
  const origin = r ? ` (${friendly}${loc})` : loc ? ` (${loc.trim()})` : '';
  const level = ist?.level ?? LEVEL_OF[f.severity];
  const code = ist?.code ?? f.rule;
  return {
    level,
    code,
    origin,
    comparator: r ? `${r.kind}/${r.name}/${r.namespace ?? ''}` : '',
    text: `${level} [${code}]${origin} ${f.message.replace(/\s*\n\s*/g, ' ')}`,
  };
}

/** Namespaces istioctl's analyzers leave out (Kubernetes' own, and the control plane's). */
const SYSTEM_NAMESPACES = new Set([
  'istio-system',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'local-path-storage',
]);

/**
 * IST0102 NamespaceNotInjected, the one upstream analyzer our validator has no rule for that a plain ambient cluster
 * triggers (release-1.31 pkg/config/analysis/analyzers/injection/injection.go): a namespace with neither
 * `istio-injection` nor `istio.io/rev`, and not `istio.io/dataplane-mode=ambient`, gets an Info message.
 */
function notInjected(objects: readonly StoredObject[]): Message[] {
  const out: Message[] = [];
  for (const o of objects) {
    if (kindOf(o) !== 'Namespace' || SYSTEM_NAMESPACES.has(nameOf(o))) continue;
    const l = labelsOf(o);
    if (l[LABEL_DATAPLANE_MODE] === DATAPLANE_AMBIENT || l[LABEL_INJECTION] !== undefined || l[LABEL_REV] !== undefined)
      continue;
    const ns = nameOf(o);
    const origin = ` (Namespace ${ns})`;
    out.push({
      level: 'Info',
      code: 'IST0102',
      origin,
      comparator: `Namespace/${ns}/`,
      text: `Info [IST0102]${origin} The namespace is not enabled for Istio injection. Run 'kubectl label namespace ${ns} istio-injection=enabled' to enable it, or 'kubectl label namespace ${ns} istio-injection=disabled' to explicitly mark it as not needing injection.`,
    });
  }
  return out;
}

function sortMessages(ms: Message[]): Message[] {
  const sorted = [...ms].sort(
    (a, b) =>
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.comparator < b.comparator ? -1 : a.comparator > b.comparator ? 1 : 0) ||
      (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
  );
  return sorted.filter((m, i) => i === 0 || sorted[i - 1]!.text !== m.text);
}

/** Whether a finding belongs to the analyzed namespace (a Namespace object's namespace is its own name). */
function inScope(f: Finding, ns: string | undefined): boolean {
  if (ns === undefined || !f.resource) return true;
  if (f.resource.kind === 'Namespace') return f.resource.name === ns;
  if (isClusterScoped(f.resource.kind)) return false;
  return f.resource.namespace === ns;
}

export async function analyze(s: Session, argv: string[], io: Io): Promise<number> {
  let p;
  try {
    p = parseFlags(argv, SPEC);
  } catch (err) {
    if (err instanceof FlagError) {
      io.err(`Error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const output = flag(p, 'output') ?? 'log';
  if (!['log', 'json', 'yaml'].includes(output)) {
    io.err(`Error: invalid format, expected one of [log json yaml] but got "${output}"\n`);
    return 1;
  }
  const all = has(p, 'all-namespaces');
  const ns = all ? undefined : (flag(p, 'namespace') ?? 'default');
  if (ns !== undefined && !s.objects.some((o) => kindOf(o) === 'Namespace' && nameOf(o) === ns)) {
    io.err(`namespace "${ns}" not found\n`);
    return 0;
  }
  const files: SourceInput[] = [];
  for (const f of flagAll(p, 'filename')) {
    const hit = findFile(s.ctx, f);
    if (!hit) {
      io.err(`Error: open ${f}: no such file or directory\n`);
      return 1;
    }
    files.push({ file: f, text: hit.text });
  }
  // A file's object replaces the cluster's object of the same kind, namespace and name (it is what you mean to apply).
  const fromFiles = new Set(
    parseManifests(files).resources.map((r) => `${r.kind}|${isClusterScoped(r.kind) ? '' : r.namespace}|${r.name}`),
  );
  const cluster = flag(p, 'use-kube') === 'false' ? [] : s.objects.filter((o) => !fromFiles.has(keyOf(o)));
  const inputs: SourceInput[] = [{ file: 'cluster', text: clusterText(cluster) }, ...files];
  const report = (await loadLint(s))(inputs);
  const messages = sortMessages([
    ...report.findings.filter((f) => inScope(f, ns)).map((f) => messageOf(f, f.file === 'cluster')),
    ...notInjected(cluster).filter((m) => ns === undefined || m.comparator === `Namespace/${ns}/`),
  ]);
  const target = ns === undefined ? 'all namespaces' : `namespace: ${ns}`;
  if (output === 'log') io.out(messages.map((m) => m.text).join('\n') + '\n');
  else {
    const docs = messages.map((m) => ({
      code: m.code,
      level: m.level,
      origin: m.origin.replace(/^ \(|\)$/g, ''),
      message: m.text.slice(m.text.indexOf(m.origin) + m.origin.length + 1),
    }));
    io.out(output === 'json' ? JSON.stringify(docs, null, '\t') + '\n' : messagesYaml(docs));
  }
  if (!messages.length) {
    const names = files.map((f) => f.file);
    if (names.length > 1) io.err(`✔ No validation issues found when analyzing:\n  - ${names.join('\n  - ')}\n`);
    else io.err(`✔ No validation issues found when analyzing ${names.length ? names[0] : target}.\n`);
  }
  if (messages.some((m) => m.level === 'Error')) {
    const line = (s.ctx.versions?.().istio ?? DEFAULT_ISTIO).replace(/^(\d+\.\d+).*/, '$1');
    io.err(
      `Error: Analyzers found issues when analyzing ${target}.\nSee https://istio.io/v${line}/docs/reference/config/analysis for more information about causes and resolutions.\n`,
    );
    return 79;
  }
  return 0;
}

function messagesYaml(docs: readonly Record<string, string>[]): string {
  if (!docs.length) return '[]\n';
  return (
    docs
      .map((d) =>
        Object.entries(d)
          .map(([k, v], i) => `${i ? '  ' : '- '}${k}: ${JSON.stringify(v)}`)
          .join('\n'),
      )
      .join('\n') + '\n'
  );
}
