/**
 * The playground's engine (issue #19): parse, lint, the mesh index, the simulator, quick fixes and the share link,
 * for one document at a time. It runs in the playground's worker (playground-worker.ts), so the page's main thread
 * only runs the editor and the panels; it is plain code, so unit tests drive it directly.
 *
 * One parsed result per document version: lint, the request panel's lists, a simulation and a quick fix of the
 * same version all read the same parse (and the same mesh index), and a version whose text did not change (a new
 * Istio line, a MeshConfig edit) is not parsed again. Nothing here throws to the page: every failure is a message.
 */
import { isClientKind } from '../../lib/ambient/kinds.ts';
import { meshConfigInManifests, parseMeshConfig } from '../../lib/ambient/meshconfig.ts';
import type { MeshConfig } from '../../lib/ambient/meshconfig.ts';
import { buildMesh } from '../../lib/model/mesh.ts';
import type { Mesh } from '../../lib/model/mesh.ts';
import { parseManifests } from '../../lib/model/parse.ts';
import type { ParseResult } from '../../lib/model/types.ts';
import { decodeShare, encodeShare } from '../../lib/share/index.ts';
import type { SharedState } from '../../lib/share/index.ts';
import { simulateIn } from '../../lib/simulator/simulate.ts';
import { SimulationInputError } from '../../lib/simulator/types.ts';
import type { SimRequest } from '../../lib/simulator/types.ts';
import type { Finding } from '../../lib/validator/finding.ts';
import { hasQuickFix, quickFix } from '../../lib/validator/fixes/index.ts';
import type { QuickFix } from '../../lib/validator/fixes/index.ts';
import { lintParsed } from '../../lib/validator/lint.ts';
import type {
  Answer,
  Ask,
  Choice,
  DecodeOutcome,
  DocInput,
  LintDone,
  ListsDone,
  MeshConfigStatus,
  SimOutcome,
} from './protocol.ts';
import { FINDINGS_SENT } from './protocol.ts';

/** The file name findings carry (the editor holds one file). */
export const FILE = 'playground.yaml';

/** A failure's message for the page: its own words, short; never a stack trace. */
export function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

interface Version {
  readonly doc: DocInput;
  readonly text: string;
  readonly parsed: ParseResult;
  /** The MeshConfig input's config (undefined when empty or refused). */
  readonly given: MeshConfig | undefined;
  /** Its findings, all of them (a lint reply carries the first FINDINGS_SENT). */
  findings: readonly Finding[];
  /** Built on first need: the input's MeshConfig, else an `istio` ConfigMap among the manifests. */
  mesh?: { readonly mesh: Mesh; readonly mc: MeshConfig | undefined } | { readonly error: string };
}

export class PlaygroundSession {
  private current: Version | undefined;
  private meshConfigParsed: { readonly text: string; readonly status: MeshConfigStatus; readonly config?: MeshConfig } =
    { text: '', status: { kind: 'empty' } };

  /** The version the session holds (the latest linted). */
  get version(): number | undefined {
    return this.current?.doc.version;
  }

  /** Take a new version of the inputs and lint it. */
  lint(doc: DocInput): LintDone {
    const t0 = performance.now();
    const text = doc.text ?? this.current?.text ?? '';
    const parsed =
      this.current && this.current.text === text ? this.current.parsed : parseManifests({ file: FILE, text });
    const mc = this.meshConfig(doc.meshConfigText);
    this.current = { doc, text, parsed, given: mc.config, findings: [] };
    const report = lintParsed(
      parsed,
      { istio: doc.istio, gatewayApi: doc.gatewayApi, ...(mc.config ? { meshConfig: mc.config } : {}) },
      FILE,
    );
    this.current.findings = report.findings;
    const fixable = [...new Set(report.findings.map((f) => f.rule))].filter(hasQuickFix);
    const { error, warning, info } = report.summary;
    return {
      type: 'lint',
      version: doc.version,
      findings: report.findings.slice(0, FINDINGS_SENT),
      total: report.findings.length,
      counts: { error, warning, info },
      fixable,
      meshConfig: mc.status,
      ms: performance.now() - t0,
    };
  }

  /** The MeshConfig input parsed (once per text). */
  private meshConfig(text: string): { status: MeshConfigStatus; config?: MeshConfig } {
    if (this.meshConfigParsed.text === text) return this.meshConfigParsed;
    let result: { text: string; status: MeshConfigStatus; config?: MeshConfig };
    if (!text.trim()) result = { text, status: { kind: 'empty' } };
    else {
      const { config, errors } = parseMeshConfig(text);
      const problems = errors.map((e) => ({
        message: e.message,
        line: e.line,
        column: e.column,
        warning: e.warning === true,
      }));
      const usable = errors.every((e) => e.warning) ? config : undefined;
      result = usable
        ? {
            text,
            config: usable,
            status: {
              kind: 'used',
              rootNamespace: usable.rootNamespace,
              trustDomain: usable.trustDomain,
              extensionProviders: usable.extensionProviders.length,
              serviceEntryVisibility: usable.serviceEntryVisibility !== undefined,
              errors: problems,
            },
          }
        : { text, status: { kind: 'refused', errors: problems } };
    }
    this.meshConfigParsed = result;
    return result;
  }

  /** The held version, if it is `version`. */
  private at(version: number): Version | undefined {
    return this.current?.doc.version === version ? this.current : undefined;
  }

  private meshOf(v: Version): { mesh: Mesh; mc: MeshConfig | undefined } | { error: string } {
    if (!v.mesh) {
      try {
        const mc = v.given ?? meshConfigInManifests(v.parsed.resources);
        const mesh = buildMesh(
          v.parsed.resources,
          mc ? { rootNamespace: mc.rootNamespace, trustDomain: mc.trustDomain } : {},
        );
        v.mesh = { mesh, mc };
      } catch (err) {
        v.mesh = { error: messageOf(err) };
      }
    }
    return v.mesh;
  }

  /** `count` of `version`'s findings from index `from`; undefined when it is not the held version. */
  findings(version: number, from: number, count: number): readonly Finding[] | undefined {
    return this.at(version)?.findings.slice(Math.max(0, from), Math.max(0, from) + Math.max(0, count));
  }

  /** The request panel's Client and Destination lists for `version`; undefined when it is not the held one. */
  lists(version: number): ListsDone | undefined {
    const v = this.at(version);
    if (!v) return undefined;
    const built = this.meshOf(v);
    if ('error' in built) return { type: 'lists', version };
    const { mesh } = built;
    const clients: Choice[] = mesh.workloads
      .filter((w) => isClientKind(w.kind) && !w.isWaypoint)
      .map((w) => [`${w.namespace}/${w.name}`, `${w.namespace}/${w.name}`]);
    clients.push(['external', 'external (outside the mesh)']);
    const destinations: Choice[] = [];
    for (const s of mesh.services) {
      if (s.kind === 'Service')
        for (const p of s.ports)
          destinations.push([`${s.name}.${s.namespace}:${p.port}`, `${s.name}.${s.namespace}:${p.port}`]);
      else
        for (const host of s.hosts)
          for (const p of s.ports) destinations.push([`${host}:${p.port}`, `${host}:${p.port} (ServiceEntry)`]);
    }
    for (const w of mesh.workloads)
      if (!w.isWaypoint) destinations.push([`pod/${w.namespace}/${w.name}`, `pod/${w.namespace}/${w.name} (pod IP)`]);
    return { type: 'lists', version, lists: { clients, destinations } };
  }

  /** Simulate `req` in `version`'s mesh; undefined when it is not the held version. */
  async simulate(version: number, req: SimRequest): Promise<SimOutcome | undefined> {
    const v = this.at(version);
    if (!v) return undefined;
    const built = this.meshOf(v);
    if ('error' in built)
      return { kind: 'failed', message: 'The manifests could not be read; fix the YAML errors first.' };
    try {
      const { istio, gatewayApi } = v.doc;
      const result = await simulateIn(built.mesh, req, {
        istio,
        gatewayApi,
        ...(built.mc ? { meshConfig: built.mc } : {}),
      });
      return { kind: 'result', result };
    } catch (err) {
      if (err instanceof SimulationInputError) return { kind: 'input', message: err.message };
      return { kind: 'failed', message: `The simulator failed: ${messageOf(err)}` };
    }
  }

  /**
   * The quick fix of `finding` against `version`'s text: `{}` when none applies, undefined when `version` is not the
   * held one.
   */
  fix(version: number, finding: Finding): { fix?: QuickFix } | undefined {
    const v = this.at(version);
    if (!v) return undefined;
    const fix = quickFix(v.text, finding, v.parsed.resources);
    return fix ? { fix } : {};
  }

  /** The share link of `version`: its text and `rest`. */
  encode(version: number, rest: Omit<SharedState, 'yaml'>): string | undefined {
    const v = this.at(version);
    return v ? encodeShare({ yaml: v.text, ...rest }) : undefined;
  }

  decode(fragment: string): DecodeOutcome {
    return decodeShare(fragment);
  }
}

/**
 * The worker's answer to one request. A question about a version the session no longer holds is answered `stale`
 * (the page sends the version again and asks again); a failure is a message, never a stack trace.
 */
export async function answer(session: PlaygroundSession, m: Ask): Promise<Answer> {
  try {
    switch (m.type) {
      case 'lint':
        return session.lint(m.doc);
      case 'lists':
        return session.lists(m.version) ?? { type: 'stale', version: m.version };
      case 'findings': {
        const findings = session.findings(m.version, m.from, m.count);
        return findings
          ? { type: 'findings', version: m.version, from: m.from, findings }
          : { type: 'stale', version: m.version };
      }
      case 'simulate': {
        const outcome = await session.simulate(m.version, m.request);
        return outcome ? { type: 'simulate', version: m.version, outcome } : { type: 'stale', version: m.version };
      }
      case 'fix': {
        const r = session.fix(m.version, m.finding);
        return r ? { type: 'fix', version: m.version, ...r } : { type: 'stale', version: m.version };
      }
      case 'encode': {
        const fragment = session.encode(m.version, m.rest);
        return fragment !== undefined
          ? { type: 'encode', version: m.version, fragment }
          : { type: 'stale', version: m.version };
      }
      case 'decode':
        return { type: 'decode', outcome: session.decode(m.fragment) };
    }
  } catch (err) {
    return { type: 'failed', message: messageOf(err) };
  }
}
