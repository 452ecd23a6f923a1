import type { HeartbeatTiming } from './heartbeat.calc.js';
import type { HeartbeatAlertFacts } from './heartbeat-alert.calc.js';
import type { HeartbeatFields, HeartbeatRow } from './heartbeats.store.js';
import { DEFAULT_GRACE_SECONDS, DEFAULT_SEVERITY, type ParsedHeartbeat } from './heartbeats.types.js';

/** Rows to what the calculations take, and parsed input to rows. */

export const timing = (r: HeartbeatRow): HeartbeatTiming => ({
  intervalSeconds: r.interval_seconds,
  graceSeconds: r.grace_seconds,
  createdAt: new Date(r.created_at),
  lastPingAt: r.last_ping_at ? new Date(r.last_ping_at) : null,
});

export const stateOf = (r: HeartbeatRow) => r.state as 'up' | 'down' | 'paused';

/** What a monitor is, as both its DTO and its alert show it. */
export const monitorOf = (r: HeartbeatRow) => ({
  id: r.id,
  name: r.name,
  service: r.service,
  environment: r.environment,
  severity: r.severity,
  description: r.description,
  intervalSeconds: r.interval_seconds,
  graceSeconds: r.grace_seconds,
});

export const facts = (r: HeartbeatRow, downSince: string | null): HeartbeatAlertFacts => ({
  ...monitorOf(r),
  lastPingAt: r.last_ping_at ? new Date(r.last_ping_at) : null,
  downSince: new Date(downSince ?? r.due_at),
});

export function fieldsOf(p: ParsedHeartbeat): HeartbeatFields {
  return {
    name: p.name,
    service: p.service,
    environment: p.environment ?? 'production',
    severity: p.severity ?? DEFAULT_SEVERITY,
    description: p.description ?? null,
    interval_seconds: p.interval,
    grace_seconds: p.grace ?? DEFAULT_GRACE_SECONDS,
  };
}
