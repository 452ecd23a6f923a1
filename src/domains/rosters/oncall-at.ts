import type { Em } from '../../db/sql.js';
import { isUuid } from '../../shared/ids.js';
import { onCallAt } from './oncall.calc.js';
import { toSchedule } from './rosters.mapper.js';
import { rostersStore } from './rosters.store.js';

/** Who is on call on a schedule at an instant (overrides included), in the caller's transaction. */
export interface OnCallAtInstant {
  scheduleName: string;
  userIds: string[];
}

/**
 * The people on call on the tenant's schedule `scheduleId` at `at`, read in the caller's transaction (the escalation
 * engine resolves a schedule target when its step fires); null when there is no such schedule.
 */
export async function whoIsOnCallAt(
  em: Em,
  tenantId: string,
  scheduleId: string,
  at: Date,
): Promise<OnCallAtInstant | null> {
  const row = isUuid(scheduleId) ? await rostersStore.byId(em, tenantId, scheduleId) : undefined;
  if (!row) return null;
  const overrides = await rostersStore.overridesOf(em, tenantId, [row.id], new Date(at.getTime() - 1));
  return { scheduleName: row.name, userIds: onCallAt(toSchedule(row, overrides), at).userIds };
}
