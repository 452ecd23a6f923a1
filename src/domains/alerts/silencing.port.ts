import type { Em } from '../../db/sql.js';

/** What a silence is matched against: the alert's labels, and its fields for alerts whose labels lack them. */
export interface SilenceSubject {
  labels: Readonly<Record<string, string>>;
  service: string;
  environment: string;
  title: string;
}

/** Why a firing alert is held back (no incident, no page), and until when it is looked at again. */
export interface SilenceHold {
  silenceId: string | null;
  windowId: string | null;
  until: Date;
}

/**
 * The silences domain's side of ingestion: which alerts an active silence or maintenance window holds back at
 * `now` (one answer per alert, in order; null for those it does not).
 */
export interface SilencingPort {
  holds(
    em: Em,
    tenantId: string,
    alerts: readonly SilenceSubject[],
    now: Date,
  ): Promise<(SilenceHold | null)[]>;
}

/** No silences (tests and tools that build an AlertsService without them). */
export const noSilencing: SilencingPort = {
  holds: async (_em, _tenantId, alerts) => alerts.map(() => null),
};
