import type { Em } from '../../db/sql.js';
import { AppError } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { toSchedule } from './rosters.mapper.js';
import { rostersStore, type ScheduleRow } from './rosters.store.js';
import type { Schedule } from './rosters.types.js';

export interface Loaded {
  row: ScheduleRow;
  schedule: Schedule;
}

/** One schedule of the tenant by id, with its overrides still in effect at or after `overridesAfter`. */
export async function loadSchedule(
  em: Em,
  tenantId: string,
  id: string,
  overridesAfter: Date,
): Promise<Loaded> {
  const row = isUuid(id) ? await rostersStore.byId(em, tenantId, id) : undefined;
  if (!row) throw AppError.notFound(`Schedule ${id}`);
  return {
    row,
    schedule: toSchedule(row, await rostersStore.overridesOf(em, tenantId, [row.id], overridesAfter)),
  };
}

/** A schedule by id or (case-insensitive) name. */
export async function loadScheduleByRef(
  em: Em,
  tenantId: string,
  ref: string,
  overridesAfter: Date,
): Promise<Loaded> {
  const trimmed = ref.trim();
  if (isUuid(trimmed)) return loadSchedule(em, tenantId, trimmed, overridesAfter);
  const row = await rostersStore.byName(em, tenantId, trimmed);
  if (!row) throw AppError.notFound(`A schedule named "${trimmed}"`);
  return {
    row,
    schedule: toSchedule(row, await rostersStore.overridesOf(em, tenantId, [row.id], overridesAfter)),
  };
}

/** Every schedule of the tenant (by name), each with its overrides. */
export async function loadAllSchedules(em: Em, tenantId: string, overridesAfter: Date): Promise<Loaded[]> {
  const rows = await rostersStore.list(em, tenantId);
  const overrides = await rostersStore.overridesOf(
    em,
    tenantId,
    rows.map((r) => r.id),
    overridesAfter,
  );
  return rows.map((row) => ({ row, schedule: toSchedule(row, overrides) }));
}
