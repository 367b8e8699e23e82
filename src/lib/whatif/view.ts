/**
 * The playground's Reachability and Compare views (issue #20): the matrix of the editor's mesh, and its diff
 * against a kept baseline, reduced to plain data a Web Worker can post to the page (no Mesh, no class instances).
 * A session keeps the last meshes and matrices, so a cell's trace is the very trace behind that cell and an
 * unchanged baseline is not traced again. Work is bounded before it starts: a mesh with more client × port pairs
 * than VIEW_LIMITS.maxPairs is refused with its size, never half-drawn.
 */
import { meshConfigInManifests, parseMeshConfig } from '../ambient/meshconfig.ts';
import type { MeshConfig } from '../ambient/meshconfig.ts';
import { buildMesh } from '../model/mesh.ts';
import type { Mesh } from '../model/mesh.ts';
import { parseManifests } from '../model/parse.ts';
import { simulateIn } from '../simulator/simulate.ts';
import { SimulationInputError } from '../simulator/types.ts';
import type { DecidedBy, SimRequest, SimResult } from '../simulator/types.ts';
import type { GatewayApiVersion, IstioVersion } from '../versions.ts';
import { diffMeshes } from './diff.ts';
import type { CellChange, DiffResult, SideJson } from './diff.ts';
import { changeWords } from './format.ts';
import { buildMatrix, clientsOf, destinationKeys, dialledAs } from './matrix.ts';
import type { Matrix, MatrixOptions, Outcome } from './matrix.ts';
import { requestJson, requestLabel, simRequestOf } from './requests.ts';

export const VIEW_LIMITS = {
  /** Client × destination-port pairs at most: past this the grid is no longer readable, and costs seconds. */
  maxPairs: 600,
  /** Requests per destination (`GET /` included) besides TCP: the grid stays a grid. */
  maxRequests: 8,
} as const;

export interface ViewInput {
  readonly yaml: string;
  /** The MeshConfig input's text (empty: istiod's defaults, or an `istio` ConfigMap among the manifests). */
  readonly meshConfig?: string;
  readonly istio: IstioVersion;
  readonly gatewayApi: GatewayApiVersion;
  /** The YAML kept as baseline: cells are compared with it. */
  readonly baseline?: string;
}

/** One distinct outcome, in words the grid and its legend use. */
export interface ViewOutcome {
  readonly verdict: Outcome['verdict'];
  readonly status: number | null;
  readonly deniedAt: 'ztunnel' | 'waypoint' | null;
  readonly decidedBy: string | null;
  readonly waypoint: string | null;
  readonly backends: readonly string[];
}

export interface ViewRequest {
  readonly key: string;
  readonly label: string;
}

export interface ViewDestination {
  readonly key: string;
  readonly requests: readonly ViewRequest[];
  readonly truncated: boolean;
}

/** A changed cell of the current grid (or one only the baseline has, then with `from`/`to`/`label`). */
export interface ViewChange {
  readonly change: CellChange;
  readonly before: ViewOutcome | null;
  /** Indexes into `ViewCompare.causes`. */
  readonly causes: readonly number[];
}

export interface ViewCompare {
  /** `[cell index, change]` for each changed cell the current grid has. */
  readonly cells: readonly (readonly [number, ViewChange])[];
  /** Cells only the baseline has (a client, destination or request that is gone). */
  readonly removed: readonly (ViewChange & { readonly from: string; readonly to: string; readonly label: string })[];
  /** The changed resources that caused at least one changed cell, in words, with their cell counts. */
  readonly causes: readonly { readonly title: string; readonly cells: number }[];
  readonly opened: number;
  readonly closed: number;
  readonly changed: number;
  readonly unchanged: number;
}

export interface ReachView {
  readonly kind: 'matrix';
  readonly clients: readonly string[];
  readonly destinations: readonly ViewDestination[];
  readonly columns: number;
  /** Outcome index per cell, `cells[client * columns + column]`. */
  readonly cells: readonly number[];
  readonly outcomes: readonly ViewOutcome[];
  readonly compare?: ViewCompare;
}

export type ViewResult =
  | ReachView
  | {
      readonly kind: 'too-large';
      readonly side: 'current' | 'baseline';
      readonly clients: number;
      readonly ports: number;
      readonly limit: number;
    }
  | { readonly kind: 'unreadable'; readonly message: string };

export type TraceResult =
  | { readonly kind: 'trace'; readonly result: SimResult; readonly request: SimRequest }
  | { readonly kind: 'error'; readonly message: string };

const ref = (d: DecidedBy | null) =>
  d ? `${d.kind} ${d.namespace}/${d.name}${d.rule !== undefined ? ` rule ${d.rule}` : ''}` : null;

function viewOutcome(o: SideJson & { readonly waypoint?: Outcome['waypoint'] }): ViewOutcome {
  return {
    verdict: o.verdict,
    status: o.status,
    deniedAt: o.deniedAt,
    decidedBy: ref(o.decidedBy),
    waypoint: o.waypoint ? `${o.waypoint.namespace}/${o.waypoint.name}` : null,
    backends: o.backends.map(
      (b) =>
        `${b.namespace}/${b.service}:${b.port}${b.probability < 1 ? ` (${Math.round(b.probability * 100)}%)` : ''}`,
    ),
  };
}

interface Built {
  readonly key: string;
  readonly mesh: Mesh;
  readonly matrix: Matrix;
}

/** The MeshConfig input's, when it can be used (its errors are shown beside the input, not here). */
function meshConfigOf(text: string | undefined): MeshConfig | undefined {
  if (!text?.trim()) return undefined;
  return parseMeshConfig(text).config;
}

/** The manifests' mesh, and the MeshConfig it answers to: the input's, else an `istio` ConfigMap among them (as lint). */
function meshOf(yaml: string, given: MeshConfig | undefined): { mesh: Mesh; mc: MeshConfig | undefined } {
  const { resources } = parseManifests({ file: 'playground.yaml', text: yaml });
  const mc = given ?? meshConfigInManifests(resources);
  const mesh = buildMesh(resources, mc ? { rootNamespace: mc.rootNamespace, trustDomain: mc.trustDomain } : {});
  return { mesh, mc };
}

function optionsFor(input: ViewInput, mc: MeshConfig | undefined): MatrixOptions {
  return {
    istio: input.istio,
    gatewayApi: input.gatewayApi,
    maxRequests: VIEW_LIMITS.maxRequests,
    ...(mc ? { meshConfig: mc, rootNamespace: mc.rootNamespace } : {}),
  };
}

/** One worker's state: the matrices behind the grid it last drew, so traces and baselines are not recomputed. */
export class WhatIfSession {
  private current: (Built & { readonly opts: MatrixOptions }) | undefined;
  private baseline: Built | undefined;

  /** The grid for `input` (and its comparison with `input.baseline`). Never throws for any input text. */
  async view(input: ViewInput): Promise<ViewResult> {
    try {
      return await this.compute(input);
    } catch (err) {
      // A failure is a message for the page, never a stack trace.
      this.current = undefined;
      return { kind: 'unreadable', message: err instanceof Error ? err.message.slice(0, 300) : 'unknown failure' };
    }
  }

  private tooLarge(mesh: Mesh, side: 'current' | 'baseline'): ViewResult | undefined {
    const clients = clientsOf(mesh).length;
    const ports = destinationKeys(mesh).length;
    if (clients * ports <= VIEW_LIMITS.maxPairs) return undefined;
    return { kind: 'too-large', side, clients, ports, limit: VIEW_LIMITS.maxPairs };
  }

  private async compute(input: ViewInput): Promise<ViewResult> {
    const given = meshConfigOf(input.meshConfig);

    const { mesh, mc } = meshOf(input.yaml, given);
    const settings = JSON.stringify([mc ?? null, input.istio, input.gatewayApi]);
    // Both sides are traced with the current side's MeshConfig: the baseline is a snapshot of the manifests.
    const opts = optionsFor(input, mc);
    const big = this.tooLarge(mesh, 'current');
    if (big) {
      this.current = undefined;
      return big;
    }
    let diff: DiffResult | undefined;
    let matrix: Matrix;
    if (input.baseline !== undefined) {
      const key = settings + input.baseline;
      if (this.baseline?.key !== key) {
        this.baseline = undefined;
        const baseMesh = meshOf(input.baseline, mc).mesh;
        const bigBase = this.tooLarge(baseMesh, 'baseline');
        if (bigBase) return bigBase;
        this.baseline = { key, mesh: baseMesh, matrix: await buildMatrix(baseMesh, opts) };
      }
      diff = await diffMeshes(this.baseline.mesh, mesh, { ...opts, before: this.baseline.matrix });
      matrix = diff.after;
    } else matrix = await buildMatrix(mesh, opts);
    this.current = { key: settings + input.yaml, mesh, matrix, opts: { ...opts, nowSeconds: matrix.nowSeconds } };
    return {
      kind: 'matrix',
      clients: matrix.clients.map((c) => c.key),
      destinations: matrix.destinations.map((d) => ({
        key: d.key,
        requests: d.requests.map((r) => ({ key: r.key, label: requestLabel(r) })),
        truncated: d.truncated,
      })),
      columns: matrix.columns,
      cells: Array.from(matrix.cells),
      outcomes: matrix.outcomes.map(viewOutcome),
      ...(diff ? { compare: compareOf(diff) } : {}),
    };
  }

  /** The full trace behind one cell of the grid last drawn (the same mesh, options and clock). */
  async trace(from: string, to: string, requestKey: string): Promise<TraceResult> {
    const cur = this.current;
    if (!cur) return { kind: 'error', message: 'The grid is out of date; wait for it to be drawn again.' };
    const d = cur.matrix.destinations.find((x) => x.key === to);
    const req = d?.requests.find((r) => r.key === requestKey);
    if (!d || !req || !cur.matrix.clients.some((c) => c.key === from))
      return { kind: 'error', message: 'That cell is not in the grid for these manifests.' };
    const request = simRequestOf(req, from, dialledAs(d), cur.matrix.nowSeconds);
    const { rootNamespace, meshConfig, istio, gatewayApi, nowSeconds } = cur.opts;
    try {
      const result = await simulateIn(cur.mesh, request, {
        ...(rootNamespace ? { rootNamespace } : {}),
        ...(meshConfig ? { meshConfig } : {}),
        ...(istio ? { istio } : {}),
        ...(gatewayApi ? { gatewayApi } : {}),
        ...(nowSeconds !== undefined ? { nowSeconds } : {}),
      });
      return { kind: 'trace', result, request };
    } catch (err) {
      if (err instanceof SimulationInputError) return { kind: 'error', message: err.message };
      return { kind: 'error', message: 'The simulator could not trace this cell.' };
    }
  }
}

/** The diff as the grid shows it: changed cells by their index in the current grid, causes by title. */
export function compareOf(d: DiffResult): ViewCompare {
  const m = d.after;
  const index = new Map<string, number>();
  m.clients.forEach((c, ci) => {
    for (const dest of m.destinations)
      dest.requests.forEach((r, ri) =>
        index.set(JSON.stringify([c.key, dest.key, requestJson(r)]), ci * m.columns + dest.offset + ri),
      );
  });
  // Only the causes of at least one cell are listed; indexes are renumbered to match.
  const used = d.causes.map((c, i) => [c, i] as const).filter(([c]) => c.cells > 0);
  const renumber = new Map(used.map(([, i], n) => [i, n]));
  const causes = used.map(([c]) => ({ title: changeWords(c.change), cells: c.cells }));
  const cells: [number, ViewChange][] = [];
  const removed: (ViewChange & { from: string; to: string; label: string })[] = [];
  let opened = 0;
  let closed = 0;
  for (const c of d.changed) {
    if (c.change === 'opened') opened++;
    if (c.change === 'closed') closed++;
    const change: ViewChange = {
      change: c.change,
      before: c.before ? viewOutcome(c.before) : null,
      causes: c.causes.map((i) => renumber.get(i)).filter((i): i is number => i !== undefined),
    };
    const at = c.after ? index.get(JSON.stringify([c.from, c.to, c.request])) : undefined;
    if (at !== undefined) cells.push([at, change]);
    else
      removed.push({
        ...change,
        from: c.from,
        to: c.to,
        label: c.request ? `${c.request.method} ${c.request.path}` : 'TCP',
      });
  }
  return {
    cells,
    removed,
    causes,
    opened,
    closed,
    changed: d.changed.length,
    unchanged: d.unchanged,
  };
}
