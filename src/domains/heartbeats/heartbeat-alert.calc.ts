import type { NormalizedAlert, Severity } from '../alerts/index.js';
import { formatDuration } from './heartbeat.calc.js';

/** What the alert of a monitor says: the monitor as stored. */
export interface HeartbeatAlertFacts {
  id: string;
  name: string;
  service: string;
  environment: string;
  severity: number;
  description: string | null;
  intervalSeconds: number;
  graceSeconds: number;
  lastPingAt: Date | null;
  /** The deadline it missed: the alert episode's start. */
  downSince: Date;
}

/** Every episode of one monitor's alert shares this key (a new outage is a new episode: a new `startsAt`). */
export const heartbeatDedupKey = (id: string) => `heartbeat:${id}`;

function common(h: HeartbeatAlertFacts): Omit<NormalizedAlert, 'action' | 'endsAt'> {
  const last = h.lastPingAt
    ? `its last ping was at ${h.lastPingAt.toISOString()}`
    : 'it has never been pinged';
  return {
    source: 'heartbeat',
    dedupKey: heartbeatDedupKey(h.id),
    title: `Heartbeat missed: ${h.name}`,
    description:
      `No ping for heartbeat "${h.name}" within its interval of ${formatDuration(h.intervalSeconds)} ` +
      `(grace ${formatDuration(h.graceSeconds)}); ${last}.` +
      (h.description ? `\n\n${h.description}` : ''),
    service: h.service,
    environment: h.environment,
    severity: Math.min(5, Math.max(1, h.severity)) as Severity,
    labels: { alertname: 'HeartbeatMissed', heartbeat: h.name, service: h.service },
    annotations: {},
    links: [],
    startsAt: h.downSince,
    // Each monitor's outages open an incident of their own (under the default `auto` grouping).
    sourceGroupKey: h.id,
    raw: {
      heartbeat: {
        id: h.id,
        name: h.name,
        intervalSeconds: h.intervalSeconds,
        graceSeconds: h.graceSeconds,
        lastPingAt: h.lastPingAt?.toISOString() ?? null,
        missedDeadline: h.downSince.toISOString(),
      },
    },
  };
}

/** The alert a missed heartbeat fires. */
export const missedAlert = (h: HeartbeatAlertFacts): NormalizedAlert => ({
  ...common(h),
  action: 'firing',
  endsAt: null,
});

/** The event that resolves it: the ping (or the pause or deletion) that ended the outage. */
export const recoveredAlert = (h: HeartbeatAlertFacts, at: Date): NormalizedAlert => ({
  ...common(h),
  action: 'resolved',
  endsAt: at,
});
