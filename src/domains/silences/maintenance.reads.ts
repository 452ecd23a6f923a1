import type { Em } from '../../db/sql.js';
import type { WindowSpec } from './maintenance.calc.js';
import { silencesStore } from './silences.store.js';

/** Reads for other domains (SLA snapshots): a service's maintenance windows in a range, as specs. */
export const maintenanceReads = {
  async specs(em: Em, tenantId: string, service: string, from: Date, to: Date): Promise<WindowSpec[]> {
    const rows = await silencesStore.serviceWindows(em, tenantId, service, from, to);
    return rows.map((w) => ({ rule: w.rule, timeZone: w.time_zone }));
  },
};
