/**
 * MeshConfig as `--mesh-config FILE` gives it: the parts of istiod's mesh configuration that change what the
 * validator and the simulator conclude. Pure and browser-safe: the CLI reads the file, the playground its editor.
 *
 * Accepted shapes: a MeshConfig document (`rootNamespace: …`), the `istio` ConfigMap (`data.mesh` holding that
 * document as a string, as `kubectl get cm istio -n istio-system -o yaml` prints it, also inside a `kind: List`),
 * Helm values (`meshConfig:`) and an IstioOperator (`spec.meshConfig`).
 *
 * Evidence (istio/istio release-1.31 unless said): pkg/config/mesh/mesh.go DefaultMeshConfig and ApplyMeshConfig
 * (defaults `istio-system` / `cluster.local`; the default providers prometheus, stackdriver and envoy stay, and a
 * user provider with one of their names replaces it); pkg/util/protomarshal ApplyYAML (protojson: camelCase and the
 * proto's snake_case names both accepted, unknown fields tolerated); istio/api release-1.31
 * mesh/v1alpha1/config.proto `ServiceEntryVisibility` (field 72, new in 1.31: absent from release-1.30);
 * pilot/pkg/model/serviceentry_visibility.go (first policy whose rules all match the ServiceEntry's Namespace labels
 * wins, else the default; UNSPECIFIED is PUBLIC; an unknown matcher never matches). Aliases are never expanded: the
 * reader walks the document's nodes, so an alias bomb costs nothing (an alias where a value is expected is ignored).
 */
import { Composer, isMap, isScalar, isSeq, Lexer, LineCounter, Parser } from 'yaml';
import type { Document, Node as YamlNode, YAMLMap } from 'yaml';
import { selectorMatches } from '../model/access.ts';
import type { JsonObject } from '../model/types.ts';
import { DEFAULT_ROOT_NAMESPACE, DEFAULT_TRUST_DOMAIN } from './labels.ts';

export type ServiceEntryVisibilityLevel = 'PUBLIC' | 'NAMESPACE' | 'NONE';

export interface ServiceEntryVisibilityPolicy {
  readonly visibility: ServiceEntryVisibilityLevel;
  /** One namespace selector per rule (all must match); `undefined` stands for a matcher that never matches. */
  readonly namespaceSelectors: readonly (JsonObject | undefined)[];
}

export interface ServiceEntryVisibility {
  readonly defaultVisibility: ServiceEntryVisibilityLevel;
  /** Sidecars honour it too (ambient always does). */
  readonly applyToSidecars: boolean;
  readonly policies: readonly ServiceEntryVisibilityPolicy[];
}

export interface ExtensionProvider {
  readonly name: string;
  /** The provider's type key (`envoyExtAuthzHttp`, `zipkin`, `opentelemetry`, …), when one is set. */
  readonly type?: string;
  /** One of Istio's built-in defaults (prometheus, stackdriver, envoy), not written in the file. */
  readonly builtIn: boolean;
}

export interface MeshConfig {
  readonly rootNamespace: string;
  readonly trustDomain: string;
  /** Istio's defaults plus the file's providers, merged by name as istiod merges them. */
  readonly extensionProviders: readonly ExtensionProvider[];
  /** Absent: the feature is off (every ServiceEntry public, the pre-1.31 behaviour). */
  readonly serviceEntryVisibility?: ServiceEntryVisibility;
}

export interface MeshConfigError {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path of the field at fault, as written. */
  readonly path: string;
  /** istiod would accept the file; the problem only limits what it does (a rule that never matches, a cap). */
  readonly warning?: true;
}

export interface MeshConfigResult {
  /** Set when the file could be used; errors may still list fields that were ignored. */
  readonly config?: MeshConfig;
  readonly errors: readonly MeshConfigError[];
}

const BUILT_IN_PROVIDERS: readonly ExtensionProvider[] = [
  { name: 'prometheus', type: 'prometheus', builtIn: true },
  { name: 'stackdriver', type: 'stackdriver', builtIn: true },
  { name: 'envoy', type: 'envoyFileAccessLog', builtIn: true },
];

/** istiod's defaults, used when no MeshConfig is given. */
export const DEFAULT_MESH_CONFIG: MeshConfig = Object.freeze({
  rootNamespace: DEFAULT_ROOT_NAMESPACE,
  trustDomain: DEFAULT_TRUST_DOMAIN,
  extensionProviders: BUILT_IN_PROVIDERS,
});

/** Caps for a hostile file: far above a real mesh config, far below what costs time. */
export const MESH_CONFIG_LIMITS = {
  maxBytes: 1024 * 1024,
  maxProviders: 1000,
  maxPolicies: 1000,
  maxRulesPerPolicy: 100,
  maxErrors: 20,
  /** Nesting of collections; a mesh config is a few levels deep, and deeper input makes the parser recurse. */
  maxDepth: 64,
} as const;

const VISIBILITY_BY_NUMBER: readonly (ServiceEntryVisibilityLevel | undefined)[] = [
  'PUBLIC', // VISIBILITY_UNSPECIFIED resolves to PUBLIC
  'NONE',
  'NAMESPACE',
  'PUBLIC',
];

function visibilityOf(v: unknown): ServiceEntryVisibilityLevel | undefined {
  if (v === 'VISIBILITY_UNSPECIFIED' || v === 'PUBLIC') return 'PUBLIC';
  if (v === 'NAMESPACE' || v === 'NONE') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return VISIBILITY_BY_NUMBER[v];
  return undefined;
}

/** The visibility a ServiceEntry in a Namespace with these labels gets (PUBLIC when the feature is off). */
export function serviceEntryVisibilityFor(
  mc: Pick<MeshConfig, 'serviceEntryVisibility'> | undefined,
  namespaceLabels: Readonly<Record<string, string>>,
): ServiceEntryVisibilityLevel {
  const sev = mc?.serviceEntryVisibility;
  if (!sev) return 'PUBLIC';
  for (const p of sev.policies)
    if (p.namespaceSelectors.every((s) => s !== undefined && selectorMatches(s, namespaceLabels))) return p.visibility;
  return sev.defaultVisibility;
}

/** Whether a provider name exists in the mesh's `extensionProviders`. */
export function hasExtensionProvider(mc: MeshConfig, name: string): boolean {
  return mc.extensionProviders.some((p) => p.name === name);
}

/**
 * One YAML document, parsed with the parser's own stack of open collections checked after every token, so nesting
 * stops at the limit however it is written (the approach of model/parse.ts composeBounded): without it a megabyte
 * of `[` costs seconds and can exhaust the stack. Only the first document is read.
 */
function parseBounded(text: string, lines: LineCounter): { doc: Document.Parsed | undefined } | { tooDeep: number } {
  const lexer = new Lexer();
  const parser = new Parser(lines.addNewLine);
  // Parser.parse() records the first line itself; lexing by hand, we do.
  lines.addNewLine(0);
  let tooDeep = -1;
  let errors = 0;
  function* tokens() {
    for (const lexeme of lexer.lex(text)) {
      const at = parser.offset;
      for (const token of parser.next(lexeme)) {
        if (token.type === 'error' && ++errors > MESH_CONFIG_LIMITS.maxErrors) return;
        yield token;
      }
      if (parser.stack.length > MESH_CONFIG_LIMITS.maxDepth + 3) {
        tooDeep = at;
        return;
      }
    }
    yield* parser.end();
  }
  const composer = new Composer({ uniqueKeys: false, prettyErrors: false });
  // `yaml` builds an Error per problem; their stack traces are never shown and cost most of the time.
  const traces = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let first: Document.Parsed | undefined;
  try {
    for (const doc of composer.compose(tokens())) {
      first ??= doc;
    }
  } finally {
    Error.stackTraceLimit = traces;
  }
  if (tooDeep >= 0) return { tooDeep };
  return { doc: first };
}

// ── parsing ───────────────────────────────────────────────────────────────────────────────────────────────────

/** protojson accepts a field by its JSON (camelCase) name and by its proto (snake_case) name. */
function field(map: YAMLMap, camel: string): YamlNode | undefined {
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  for (const pair of map.items) {
    const k = isScalar(pair.key) ? pair.key.value : undefined;
    if (k === camel || k === snake) return (pair.value ?? undefined) as YamlNode | undefined;
  }
  return undefined;
}

function scalar(node: YamlNode | undefined): unknown {
  return node && isScalar(node) ? node.value : undefined;
}

interface Ctx {
  readonly errors: MeshConfigError[];
  readonly lines: LineCounter;
  /** Maps a position inside an embedded document (ConfigMap `data.mesh`) to the file. */
  readonly shift: (line: number, column: number) => { line: number; column: number };
}

function err(ctx: Ctx, node: YamlNode | undefined, path: string, message: string, warning = false): void {
  if (ctx.errors.length >= MESH_CONFIG_LIMITS.maxErrors) return;
  const offset = node?.range?.[0] ?? 0;
  const p = ctx.lines.linePos(offset);
  const at = ctx.shift(p.line, p.col);
  ctx.errors.push({ message, line: at.line, column: at.column, path, ...(warning ? { warning: true as const } : {}) });
}

/** A YAML node as plain JSON for selectors: own keys only, scalars as strings where Kubernetes has strings. */
function toJson(node: YamlNode | undefined, depth = 0): JsonObject | undefined {
  if (!node || !isMap(node) || depth > 8) return undefined;
  const out: JsonObject = Object.create(null) as JsonObject;
  for (const pair of node.items) {
    const k = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof k !== 'string') continue;
    const v = pair.value as YamlNode | null;
    if (v && isMap(v)) out[k] = toJson(v, depth + 1) ?? {};
    else if (v && isSeq(v))
      out[k] = v.items.slice(0, 1000).map((i) => {
        const n = i as YamlNode;
        return isMap(n) ? (toJson(n, depth + 1) ?? {}) : isScalar(n) ? String(n.value) : '';
      });
    else if (v && isScalar(v)) out[k] = v.value === null ? null : String(v.value);
  }
  // A plain prototype again, so callers can treat it like any parsed manifest object.
  return { ...out };
}

function readString(ctx: Ctx, map: YAMLMap, key: string, path: string): string | undefined {
  const node = field(map, key);
  if (node === undefined) return undefined;
  const v = scalar(node);
  if (v === null) return undefined;
  if (typeof v !== 'string' || v === '') {
    err(ctx, node, `${path}${key}`, `${key} must be a non-empty string`);
    return undefined;
  }
  return v;
}

function readProviders(ctx: Ctx, map: YAMLMap, path: string): ExtensionProvider[] {
  const merged: ExtensionProvider[] = [...BUILT_IN_PROVIDERS];
  const node = field(map, 'extensionProviders');
  if (node === undefined || scalar(node) === null) return merged;
  if (!isSeq(node)) {
    err(ctx, node, `${path}extensionProviders`, 'extensionProviders must be a list');
    return merged;
  }
  if (node.items.length > MESH_CONFIG_LIMITS.maxProviders)
    err(
      ctx,
      node,
      `${path}extensionProviders`,
      `more than ${MESH_CONFIG_LIMITS.maxProviders} providers: the rest are ignored`,
      true,
    );
  const seen = new Set<string>();
  node.items.slice(0, MESH_CONFIG_LIMITS.maxProviders).forEach((item, i) => {
    const p = `${path}extensionProviders[${i}]`;
    const it = item as YamlNode;
    if (!isMap(it)) {
      err(ctx, it, p, 'a provider must be a mapping with a name');
      return;
    }
    const name = scalar(field(it, 'name'));
    if (typeof name !== 'string' || name === '') {
      err(ctx, field(it, 'name') ?? it, `${p}.name`, 'a provider needs a non-empty name');
      return;
    }
    // istiod's mesh validation rejects two providers of one name (the whole MeshConfig then fails to load).
    if (seen.has(name)) {
      err(ctx, field(it, 'name'), `${p}.name`, `provider name "${name}" is used twice: istiod rejects this MeshConfig`);
      return;
    }
    seen.add(name);
    let type: string | undefined;
    for (const pair of it.items) {
      const k = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof k === 'string' && k !== 'name') type = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    }
    const provider: ExtensionProvider = { name, ...(type ? { type } : {}), builtIn: false };
    const at = merged.findIndex((m) => m.name === name);
    if (at >= 0) merged[at] = provider;
    else merged.push(provider);
  });
  return merged;
}

function readVisibility(ctx: Ctx, map: YAMLMap, path: string): ServiceEntryVisibility | undefined {
  const node = field(map, 'serviceEntryVisibility');
  if (node === undefined || scalar(node) === null) return undefined;
  const p = `${path}serviceEntryVisibility`;
  if (!isMap(node)) {
    err(ctx, node, p, 'serviceEntryVisibility must be a mapping');
    return undefined;
  }
  const level = (n: YamlNode | undefined, at: string): ServiceEntryVisibilityLevel => {
    const v = scalar(n);
    if (n === undefined || v === null) return 'PUBLIC';
    const got = visibilityOf(v);
    if (!got) err(ctx, n, at, `${JSON.stringify(String(v))} is not a visibility: use PUBLIC, NAMESPACE or NONE`);
    return got ?? 'PUBLIC';
  };
  const defaultVisibility = level(field(node, 'defaultVisibility'), `${p}.defaultVisibility`);
  const sidecars = field(node, 'applyToSidecars');
  const applyToSidecars = scalar(sidecars) === true;
  if (sidecars !== undefined && typeof scalar(sidecars) !== 'boolean' && scalar(sidecars) !== null)
    err(ctx, sidecars, `${p}.applyToSidecars`, 'applyToSidecars must be true or false');
  const policies: ServiceEntryVisibilityPolicy[] = [];
  const list = field(node, 'policies');
  if (list !== undefined && scalar(list) !== null) {
    if (!isSeq(list)) err(ctx, list, `${p}.policies`, 'policies must be a list');
    else {
      if (list.items.length > MESH_CONFIG_LIMITS.maxPolicies)
        err(
          ctx,
          list,
          `${p}.policies`,
          `more than ${MESH_CONFIG_LIMITS.maxPolicies} policies: the rest are ignored`,
          true,
        );
      list.items.slice(0, MESH_CONFIG_LIMITS.maxPolicies).forEach((item, i) => {
        const pp = `${p}.policies[${i}]`;
        const it = item as YamlNode;
        if (!isMap(it)) {
          err(ctx, it, pp, 'a policy must be a mapping');
          return;
        }
        const visibility = level(field(it, 'visibility'), `${pp}.visibility`);
        const selectors: (JsonObject | undefined)[] = [];
        const rules = field(it, 'matchingRules');
        if (rules !== undefined && scalar(rules) !== null) {
          if (!isSeq(rules)) err(ctx, rules, `${pp}.matchingRules`, 'matchingRules must be a list');
          else
            rules.items.slice(0, MESH_CONFIG_LIMITS.maxRulesPerPolicy).forEach((r, j) => {
              const rn = r as YamlNode;
              const sel = isMap(rn) ? field(rn, 'namespaceSelector') : undefined;
              if (!sel || !isMap(sel))
                err(
                  ctx,
                  rn,
                  `${pp}.matchingRules[${j}]`,
                  'a matching rule without a namespaceSelector never matches (the only matcher in Istio 1.31)',
                  true,
                );
              selectors.push(sel && isMap(sel) ? toJson(sel) : undefined);
            });
        }
        policies.push({ visibility, namespaceSelectors: selectors });
      });
    }
  }
  return { defaultVisibility, applyToSidecars, policies };
}

function readMeshConfig(ctx: Ctx, map: YAMLMap, path: string): MeshConfig {
  const rootNamespace = readString(ctx, map, 'rootNamespace', path) ?? DEFAULT_ROOT_NAMESPACE;
  const trustDomain = readString(ctx, map, 'trustDomain', path) ?? DEFAULT_TRUST_DOMAIN;
  const extensionProviders = readProviders(ctx, map, path);
  const serviceEntryVisibility = readVisibility(ctx, map, path);
  return {
    rootNamespace,
    trustDomain,
    extensionProviders,
    ...(serviceEntryVisibility ? { serviceEntryVisibility } : {}),
  };
}

function kindOf(map: YAMLMap): unknown {
  return scalar(field(map, 'kind'));
}

/** The `istio` ConfigMap among a List's items (or the only ConfigMap carrying `data.mesh`). */
function pickConfigMap(items: readonly YamlNode[]): YAMLMap | undefined {
  const cms = items.filter((i): i is YAMLMap => isMap(i) && kindOf(i) === 'ConfigMap' && meshOf(i) !== undefined);
  const named = cms.find((c) => {
    const meta = field(c, 'metadata');
    const name = meta && isMap(meta) ? scalar(field(meta, 'name')) : undefined;
    return typeof name === 'string' && (name === 'istio' || name.startsWith('istio-'));
  });
  return named ?? cms[0];
}

function meshOf(cm: YAMLMap): YamlNode | undefined {
  const data = field(cm, 'data');
  return data && isMap(data) ? field(data, 'mesh') : undefined;
}

/**
 * Parse a MeshConfig file (see the module comment for the shapes). Never throws; every problem is an error with
 * the line and column of the field at fault. `config` is absent only when nothing usable was found.
 */
export function parseMeshConfig(text: string): MeshConfigResult {
  try {
    return parseMeshConfigUnguarded(text);
  } catch (e) {
    // The yaml library can throw on pathological input (nesting deep enough to exhaust the stack): one located
    // error instead of a stack trace.
    const why = e instanceof RangeError ? 'nested too deeply' : 'unreadable';
    return { errors: [{ message: `the MeshConfig file is ${why}`, line: 1, column: 1, path: '' }] };
  }
}

function parseMeshConfigUnguarded(text: string): MeshConfigResult {
  const errors: MeshConfigError[] = [];
  const lines = new LineCounter();
  const ctx: Ctx = { errors, lines, shift: (line, column) => ({ line, column }) };
  if (text.length > MESH_CONFIG_LIMITS.maxBytes)
    return {
      errors: [{ message: `larger than ${MESH_CONFIG_LIMITS.maxBytes} bytes: not read`, line: 1, column: 1, path: '' }],
    };
  const parsed = parseBounded(text, lines);
  if ('tooDeep' in parsed) {
    const p = lines.linePos(parsed.tooDeep);
    return {
      errors: [
        {
          message: `nested deeper than ${MESH_CONFIG_LIMITS.maxDepth} levels: not read`,
          line: p.line,
          column: p.col,
          path: '',
        },
      ],
    };
  }
  const doc = parsed.doc;
  if (!doc) return { config: DEFAULT_MESH_CONFIG, errors };
  for (const e of doc.errors.slice(0, MESH_CONFIG_LIMITS.maxErrors)) {
    const p = lines.linePos(e.pos[0]);
    errors.push({ message: e.message.split('\n')[0]!, line: p.line, column: p.col, path: '' });
  }
  if (errors.length) return { errors };
  const root = doc.contents as YamlNode | null;
  if (!root || !isMap(root)) {
    err(
      ctx,
      root ?? undefined,
      '',
      'expected a MeshConfig mapping, the istio ConfigMap, Helm values or an IstioOperator',
    );
    return { errors };
  }
  const kind = kindOf(root);
  let cm: YAMLMap | undefined;
  if (kind === 'ConfigMap') cm = root;
  else if (kind === 'List') {
    const items = field(root, 'items');
    cm = items && isSeq(items) ? pickConfigMap(items.items as YamlNode[]) : undefined;
    if (!cm) {
      err(ctx, root, 'items', 'no ConfigMap with data.mesh in this List');
      return { errors };
    }
  } else if (kind === 'IstioOperator') {
    const spec = field(root, 'spec');
    const mc = spec && isMap(spec) ? field(spec, 'meshConfig') : undefined;
    if (mc === undefined) return { config: DEFAULT_MESH_CONFIG, errors };
    if (!isMap(mc)) {
      err(ctx, mc, 'spec.meshConfig', 'spec.meshConfig must be a mapping');
      return { errors };
    }
    return { config: readMeshConfig(ctx, mc, 'spec.meshConfig.'), errors };
  } else if (typeof kind === 'string') {
    err(
      ctx,
      field(root, 'kind'),
      'kind',
      `a ${kind} is not a MeshConfig: give the istio ConfigMap or a MeshConfig document`,
    );
    return { errors };
  }
  if (!cm) {
    const values = field(root, 'meshConfig');
    if (values !== undefined && isMap(values)) return { config: readMeshConfig(ctx, values, 'meshConfig.'), errors };
    return { config: readMeshConfig(ctx, root, ''), errors };
  }
  return readEmbedded(ctx, cm, text);
}

/** `data.mesh` of the ConfigMap: a YAML document inside a string; its errors are placed in the outer file. */
function readEmbedded(outer: Ctx, cm: YAMLMap, text: string): MeshConfigResult {
  const mesh = meshOf(cm);
  if (mesh === undefined) {
    err(outer, cm, 'data.mesh', 'this ConfigMap has no data.mesh (istiod reads its MeshConfig from there)');
    return { errors: outer.errors };
  }
  const inner = scalar(mesh);
  if (typeof inner !== 'string') {
    err(outer, mesh, 'data.mesh', 'data.mesh must be a string holding the MeshConfig YAML');
    return { errors: outer.errors };
  }
  // A block scalar (`mesh: |-`) starts on the line after its indicator, indented; anything else is reported at
  // the value's own position.
  const start = outer.lines.linePos(mesh.range?.[0] ?? 0);
  const block = isScalar(mesh) && (mesh.type === 'BLOCK_LITERAL' || mesh.type === 'BLOCK_FOLDED');
  const firstContent = text.split('\n', start.line + 1)[start.line] ?? '';
  const indent = block ? (/^ */.exec(firstContent)?.[0].length ?? 0) : 0;
  const shift = block
    ? (line: number, column: number) => ({ line: start.line + line, column: column + indent })
    : () => ({ line: start.line, column: start.col });
  const lines = new LineCounter();
  const ctx: Ctx = { errors: outer.errors, lines, shift };
  const parsed = parseBounded(inner, lines);
  if ('tooDeep' in parsed) {
    err(outer, mesh, 'data.mesh', `data.mesh is nested deeper than ${MESH_CONFIG_LIMITS.maxDepth} levels: not read`);
    return { errors: outer.errors };
  }
  const doc = parsed.doc;
  if (!doc) return { config: DEFAULT_MESH_CONFIG, errors: outer.errors };
  for (const e of doc.errors.slice(0, MESH_CONFIG_LIMITS.maxErrors)) {
    const p = shift(lines.linePos(e.pos[0]).line, lines.linePos(e.pos[0]).col);
    outer.errors.push({
      message: `data.mesh: ${e.message.split('\n')[0]!}`,
      line: p.line,
      column: p.column,
      path: 'data.mesh',
    });
  }
  if (doc.errors.length) return { errors: outer.errors };
  const root = doc.contents as YamlNode | null;
  if (root === null || (isScalar(root) && root.value === null))
    return { config: DEFAULT_MESH_CONFIG, errors: outer.errors };
  if (!isMap(root)) {
    err(ctx, root, 'data.mesh', 'data.mesh must hold a MeshConfig mapping');
    return { errors: outer.errors };
  }
  return { config: readMeshConfig(ctx, root, 'data.mesh.'), errors: outer.errors };
}

/** Where the MeshConfig of a run came from, for messages. */
export type MeshConfigSource = 'file' | 'configmap';

/**
 * The MeshConfig carried by the manifests themselves: istiod's `istio` ConfigMap (`data.mesh`), as a cluster dump
 * contains it. Undefined when there is none, more than one, or it cannot be used (its errors are the file's
 * business: lint reports manifests, not this embedded document).
 */
export function meshConfigInManifests(
  resources: readonly {
    readonly kind: string;
    readonly name: string;
    readonly apiVersion: string;
    readonly obj: JsonObject;
  }[],
): MeshConfig | undefined {
  let found: JsonObject | undefined;
  for (const r of resources) {
    if (r.kind !== 'ConfigMap' || r.apiVersion !== 'v1' || r.name !== 'istio') continue;
    if (found) return undefined; // two control planes' worth: no single answer
    found = r.obj;
  }
  const data = found?.data;
  const mesh = data && typeof data === 'object' && !Array.isArray(data) ? (data as JsonObject).mesh : undefined;
  if (typeof mesh !== 'string') return undefined;
  return parseMeshConfig(mesh).config;
}
