import type { HeartbeatView } from '../../blocks/heartbeats.blocks.js';
import type { HeartbeatDto } from '../domains/heartbeats/index.js';

const date = (iso: string | null) => (iso ? new Date(iso) : null);

/** A monitor as `/heartbeat list` shows it: no token, no ping URL. */
export function toHeartbeatView(h: HeartbeatDto): HeartbeatView {
  return {
    name: h.name,
    service: h.service,
    state: h.status,
    intervalSeconds: h.intervalSeconds,
    graceSeconds: h.graceSeconds,
    lastPingAt: date(h.lastPingAt),
    nextDueAt: date(h.nextDueAt),
    downSince: date(h.downSince),
  };
}
