/**
 * Turns a SimResult into the plain view model Trace.astro renders (and that tests can check without a DOM):
 * one step per hop with a title, the identity that hop sees, its decisions and notes, plus a verdict line.
 */
import type { Decision, Hop, SimResult } from '../../lib/simulator/index.ts';

export interface TraceStep {
  readonly kind: Hop['at'];
  readonly title: string;
  /** Who this hop believes is calling (SPIFFE id without the scheme), or a phrase for plaintext. */
  readonly identity?: string;
  readonly decisions: readonly string[];
  readonly notes: readonly string[];
  /** True for the hop whose decision denied the request. */
  readonly denied: boolean;
}

export interface TraceView {
  readonly client: string;
  readonly steps: readonly TraceStep[];
  /** e.g. "Denied at waypoint by AuthorizationPolicy bookinfo/x (rule 0)". */
  readonly verdict: string;
  /** "HTTP 403", "connection reset, no HTTP status", … */
  readonly status: string;
  readonly outcome: 'allowed' | 'denied' | 'other';
  readonly backends: readonly string[];
  readonly notes: readonly string[];
}

const WORD: Record<SimResult['verdict'], string> = {
  allowed: 'Allowed',
  denied: 'Denied',
  'no-route': 'No route',
  error: 'Failed',
};

const strip = (id: string) => id.replace(/^spiffe:\/\//, '');

export function decisionText(d: Decision): string {
  const head = [d.step];
  if (d.policy) head.push(d.policy + (d.rule !== undefined ? ` (rule ${d.rule})` : ''));
  if (d.action) head.push(d.action);
  if (d.matched !== undefined) head.push(d.matched ? 'matched' : 'no match');
  return head.join(' · ') + (d.note ? `: ${d.note}` : '');
}

function hopTitle(h: Hop): string {
  switch (h.at) {
    case 'ztunnel':
      return h.side === 'source' ? 'Source ztunnel (client node)' : 'Destination ztunnel (server node)';
    case 'waypoint':
      return `Waypoint ${h.name}`;
    case 'sidecar':
      return `Sidecar (${h.side}) ${h.name}`;
    case 'pod':
      return `Pod ${h.name}, port ${h.port}`;
    case 'external':
      return `External ${h.name}`;
    default:
      return 'Hop';
  }
}

export function traceView(r: SimResult): TraceView {
  const clientId = r.client.identity ? strip(r.client.identity) : null;
  let afterWaypoint = false;
  const steps: TraceStep[] = r.hops.map((h, i) => {
    let identity: string | undefined;
    if (h.at === 'ztunnel' && h.side === 'source') identity = clientId ? `sends as ${clientId}` : undefined;
    else if (h.at === 'waypoint') identity = clientId ? `sees the client as ${clientId}` : 'sees no client identity';
    else if (h.at === 'ztunnel' && h.side === 'destination') {
      const fromNotes = h.notes.map((n) => /spiffe:\/\/\S+/.exec(n)?.[0]).find((x) => x !== undefined);
      identity = fromNotes
        ? `sees the caller as ${strip(fromNotes)}${afterWaypoint ? ' (the waypoint, not the client)' : ''}`
        : clientId
          ? `sees the caller as ${clientId}`
          : 'sees plaintext with no identity';
    }
    if (h.at === 'waypoint') afterWaypoint = true;
    const last = i === r.hops.length - 1;
    // The simulator stops the trace at the hop that refused the request.
    const denied = r.verdict === 'denied' && last;
    return {
      kind: h.at,
      title: hopTitle(h),
      ...(identity ? { identity } : {}),
      decisions: 'decisions' in h ? h.decisions.map(decisionText) : [],
      notes: h.notes,
      denied,
    };
  });
  const by = r.decidedBy
    ? ` by ${r.decidedBy.kind} ${r.decidedBy.namespace}/${r.decidedBy.name}${r.decidedBy.rule !== undefined ? ` (rule ${r.decidedBy.rule})` : ''}`
    : '';
  const status =
    r.status !== null
      ? `HTTP ${r.status}`
      : r.verdict === 'allowed'
        ? 'TCP connection open'
        : 'connection reset, no HTTP status';
  return {
    client: `${r.client.name} (${r.client.dataplane === 'none' ? 'not in the mesh' : r.client.dataplane}${clientId ? `, ${clientId}` : ', no identity'})`,
    steps,
    verdict: `${WORD[r.verdict]}${r.deniedAt ? ` at ${r.deniedAt}` : ''}${by}`,
    status,
    outcome: r.verdict === 'allowed' ? 'allowed' : r.verdict === 'denied' ? 'denied' : 'other',
    backends: r.backends.map(
      (b) => `${b.namespace}/${b.service}:${b.port} (${Math.round(b.probability * 1000) / 10}%)`,
    ),
    notes: r.notes,
  };
}
