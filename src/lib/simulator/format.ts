/** Human-readable trace for `simulate --format text` and the terminal island. */
import type { Decision, Hop, SimResult } from './types.ts';

/** One decision as a line: step · policy rule · action · matched — note. */
export function decisionLine(d: Decision): string {
  const parts = [d.step];
  if (d.policy) parts.push(d.policy + (d.rule !== undefined ? ` rule ${d.rule}` : ''));
  if (d.action) parts.push(d.action);
  if (d.matched !== undefined) parts.push(d.matched ? 'matched' : 'no match');
  return parts.join(' · ') + (d.note ? ` — ${d.note}` : '');
}

/** A hop's heading, e.g. `ztunnel (destination)` or `waypoint bookinfo/reviews-waypoint`. */
export function hopTitle(h: Hop): string {
  switch (h.at) {
    case 'ztunnel':
      return `ztunnel (${h.side}${h.node ? `, node ${h.node}` : ''})`;
    case 'waypoint':
      return `waypoint ${h.name}`;
    case 'sidecar':
      return `sidecar (${h.side}) ${h.name}`;
    case 'gateway':
      return `ingress gateway ${h.name}`;
    case 'pod':
      return `pod ${h.name}:${h.port}`;
    case 'external':
      return `external ${h.name}`;
  }
}

export function formatText(r: SimResult, color = false): string {
  const paint = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const good = r.verdict === 'allowed';
  const lines: string[] = [];
  lines.push(
    `client ${r.client.name} (${r.client.dataplane}${r.client.identity ? `, ${r.client.identity}` : ', no identity'})`,
  );
  r.hops.forEach((h, i) => {
    lines.push(`${i + 1}. ${paint(1, hopTitle(h))}`);
    if ('decisions' in h) for (const d of h.decisions) lines.push(`     ${decisionLine(d)}`);
    for (const n of h.notes) lines.push(`     · ${n}`);
  });
  if (r.waypoints?.length) {
    // A 1.31 canary split: like backends, each choice with its share; the trace above follows one of them.
    const followed = r.waypoint ? `${r.waypoint.namespace}/${r.waypoint.name}` : '';
    lines.push('waypoint choice (per new connection; ingress: per request):');
    for (const w of r.waypoints)
      lines.push(
        `  ${w.namespace}/${w.name} (${w.role})  ${(w.probability * 100).toFixed(0)}%${`${w.namespace}/${w.name}` === followed ? '  ← this trace' : ''}`,
      );
  }
  if (r.backends.length) {
    lines.push('backends:');
    for (const b of r.backends)
      lines.push(
        `  ${b.namespace}/${b.service}:${b.port}  ${(b.probability * 100).toFixed(b.probability === 1 ? 0 : 1)}%`,
      );
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  const by = r.decidedBy
    ? ` by ${r.decidedBy.kind} ${r.decidedBy.namespace}/${r.decidedBy.name}${r.decidedBy.rule !== undefined ? ` rule ${r.decidedBy.rule}` : ''}`
    : '';
  const where = r.deniedAt ? ` at ${r.deniedAt}` : '';
  const status =
    r.status !== null ? `HTTP ${r.status}` : good ? 'TCP connection open' : 'connection reset, no HTTP status';
  lines.push(paint(good ? 32 : 31, `${r.verdict.toUpperCase()}${where}${by} (${status})`));
  return lines.join('\n') + '\n';
}
