/**
 * Access-log lines for the session's traffic (traffic.ts), in the formats the real proxies write.
 *
 * ztunnel (istio/ztunnel src/telemetry.rs IstioFormat, src/proxy/metrics.rs access_log!): RFC 3339 time with
 * microseconds, TAB, level, TAB, target `access`, TAB, the message `connection complete`, TAB, then `key=value`
 * fields separated by spaces, strings in Rust's Debug quoting and fields without a value left out. The identity
 * fields appear only for mTLS (HBONE) connections. A failed connection is logged at `error` with an `error` field:
 * a destination ztunnel that refuses by policy writes `connection closed due to policy rejection: …` and answers the
 * HBONE CONNECT with 401, which the source ztunnel logs as `http status: 401 Unauthorized` (src/proxy/inbound.rs).
 *
 * Waypoint (Envoy): Istio's default text format, release-1.31 pilot/pkg/model/telemetry_logging.go
 * EnvoyTextLogFormat. The virtual cluster behaves as if mesh access logging is on (`meshConfig.accessLogFile:
 * /dev/stdout` or a Telemetry `accessLogging` provider), as the istio.io ambient guides set it up.
 */
import type { TrafficPeer, TrafficRecord } from './traffic.ts';
import { USER_AGENT } from './traffic.ts';

const REASONS = new Map<number, string>([
  [200, 'OK'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [500, 'Internal Server Error'],
  [503, 'Service Unavailable'],
]);

/** A log line with its time, so the lines of several records can be merged in time order. */
export interface LogLine {
  readonly at: number;
  readonly text: string;
}

/** Rust's `{:?}` for a str: double quotes, with backslash and quote escaped (other controls are escaped at the sink). */
function q(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** tracing-subscriber's SystemTime: RFC 3339 with microseconds; the microseconds come from the record. */
function micros(at: number, seq: number): string {
  return new Date(at)
    .toISOString()
    .replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${String((seq * 379) % 1000).padStart(3, '0')}Z`);
}

function responseSize(r: TrafficRecord): number {
  const status = r.status ?? 0;
  return (
    `HTTP/1.1 ${status} ${REASONS.get(status) ?? ''}\r\ncontent-length: ${r.responseBytes}\r\ncontent-type: text/plain\r\n\r\n`
      .length + r.responseBytes
  );
}

interface ZtunnelConn {
  readonly src: TrafficPeer;
  readonly srcPort: number;
  readonly dst: TrafficPeer;
  readonly dstPort: number;
  readonly hbone: boolean;
  /** The HBONE CONNECT target: the Service VIP towards a waypoint, else the pod address. */
  readonly hboneAddr?: string;
  readonly service?: string;
  readonly direction: 'inbound' | 'outbound';
  readonly error?: string;
}

function ztunnelLine(r: TrafficRecord, c: ZtunnelConn, at: number): LogLine {
  const f: string[] = [
    `src.addr=${c.src.ip}:${c.srcPort}`,
    `src.workload=${q(c.src.pod)}`,
    `src.namespace=${q(c.src.namespace)}`,
  ];
  if (c.hbone && c.src.identity) f.push(`src.identity=${q(c.src.identity)}`);
  f.push(`dst.addr=${c.dst.ip}:${c.hbone ? 15008 : c.dstPort}`);
  if (c.hbone) f.push(`dst.hbone_addr=${c.hboneAddr ?? `${c.dst.ip}:${c.dstPort}`}`);
  if (c.service) f.push(`dst.service=${q(c.service)}`);
  f.push(`dst.workload=${q(c.dst.pod)}`, `dst.namespace=${q(c.dst.namespace)}`);
  if (c.hbone && c.dst.identity) f.push(`dst.identity=${q(c.dst.identity)}`);
  f.push(`direction=${q(c.direction)}`);
  const request = c.error ? 0 : r.requestBytes;
  const response = c.error ? 0 : responseSize(r);
  f.push(`bytes_sent=${c.direction === 'outbound' ? request : response}`);
  f.push(`bytes_recv=${c.direction === 'outbound' ? response : request}`);
  f.push(`duration=${q(`${c.error ? 0 : r.durationMs}ms`)}`);
  if (c.error) f.push(`error=${q(c.error)}`);
  return {
    at,
    text: `${micros(at, r.seq)}\t${c.error ? 'error' : 'info'}\taccess\tconnection complete\t${f.join(' ')}`,
  };
}

/** Whether the request got as far as the destination pod's ztunnel. */
function reachedDestination(r: TrafficRecord): boolean {
  if (!r.target?.ambient) return false;
  if (r.deniedAt === 'ztunnel') return true;
  if (r.deniedAt === 'waypoint' || r.status === null) return false;
  return !r.envoy || r.envoy.details === 'via_upstream';
}

/** What a client asked a waypoint for: the Service VIP and port, or the pod address for workload waypoints. */
function hboneTarget(r: TrafficRecord): string {
  if (r.service?.vip) return `${r.service.vip}:${r.service.port}`;
  return r.target ? `${r.target.ip}:${r.target.port}` : '-';
}

/** The lines the node's ztunnel writes for one record: the destination's inbound, then the source's outbound. */
export function ztunnelLines(r: TrafficRecord): LogLine[] {
  const out: LogLine[] = [];
  const end = r.at + r.durationMs;
  const svc = r.service?.host;
  const target = r.target;
  if (target && reachedDestination(r)) {
    const viaWaypoint = r.waypoint;
    const src = viaWaypoint ?? r.client;
    const srcPort = viaWaypoint ? viaWaypoint.port : r.client.port;
    const hbone = !!src.identity;
    out.push(
      ztunnelLine(
        r,
        {
          src,
          srcPort,
          dst: target,
          dstPort: target.port,
          hbone,
          ...(svc ? { service: svc } : {}),
          direction: 'inbound',
          ...(r.rejection ? { error: `connection closed due to policy rejection: ${r.rejection}` } : {}),
        },
        r.rejection ? r.at : end,
      ),
    );
  }
  if (r.client.dataplane === 'ambient') {
    const wp = r.waypoint;
    const dst = wp ?? target;
    if (dst) {
      const refused = !wp && r.rejection !== undefined;
      const hbone = wp ? true : !!target?.ambient;
      out.push(
        ztunnelLine(
          r,
          {
            src: r.client,
            srcPort: r.client.port,
            dst,
            dstPort: wp ? (r.service?.port ?? target?.port ?? 0) : target!.port,
            hbone,
            ...(wp ? { hboneAddr: hboneTarget(r) } : {}),
            ...(svc ? { service: svc } : {}),
            direction: 'outbound',
            ...(refused ? { error: 'http status: 401 Unauthorized' } : {}),
          },
          refused ? r.at : end + 1,
        ),
      );
    }
  }
  return out;
}

/** The waypoint's Envoy access log line for one record (only records that went through that waypoint have one). */
export function waypointLine(r: TrafficRecord): LogLine | undefined {
  const e = r.envoy;
  const wp = r.waypoint;
  if (!e || !wp) return undefined;
  const upstream = e.details === 'via_upstream' && r.target;
  const host = r.service?.host;
  const cluster = host && e.route !== '-' ? `inbound-vip|${r.service!.port}|http|${host}` : '-';
  const local = r.service?.vip
    ? `${r.service.vip}:${r.service.port}`
    : r.target
      ? `${r.target.ip}:${r.target.port}`
      : '-';
  const fields = [
    `[${new Date(r.at).toISOString()}]`,
    `"${r.method} ${r.path} HTTP/1.1"`,
    String(r.status ?? 0),
    e.flags,
    e.details,
    '-',
    '"-"',
    '0',
    String(r.responseBytes),
    String(r.durationMs),
    upstream ? String(Math.max(0, r.durationMs - 1)) : '-',
    '"-"',
    `"${USER_AGENT}"`,
    `"${r.requestId}"`,
    `"${r.authority}"`,
    upstream ? `"envoy://connect_originate/${r.target!.ip}:${r.target!.port}"` : '"-"',
    cluster,
    upstream ? 'envoy://internal_client_address/' : '-',
    local,
    `${r.client.ip}:${r.client.port}`,
    '-',
    e.route,
  ];
  return { at: r.at, text: fields.join(' ') };
}
