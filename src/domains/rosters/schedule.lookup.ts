import type { Em } from '../../db/sql.js';
import { query, sql } from '../../db/sql.js';
import { isUuid } from '../../shared/ids.js';
import { onCallAt } from './oncall.calc.js';
import { loadSchedule } from './schedule-loader.js';

/**
 * Reads about schedules other domains make inside their own transactions (policy targets, managers).
 */

/** Which of these ids are schedules of the tenant. */
export async function existingScheduleIds(
  em: Em,
  tenantId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return new Set();
  const rows = await query<{ id: string }>(
    em,
    sql`select id from schedules where tenant_id = ${tenantId} and id = any(${valid}::uuid[])`,
  );
  return new Set(rows.map((r) => r.id));
}

/** Who is on call on the schedule at `at` (overrides included), by the roster calculator; [] when nobody. */
export async function onCallUserIdsAt(
  em: Em,
  tenantId: string,
  scheduleId: string,
  at: Date,
): Promise<string[]> {
  const { schedule } = await loadSchedule(em, tenantId, scheduleId, at);
  return onCallAt(schedule, at).userIds;
}
