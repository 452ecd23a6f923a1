import type { MikroORM } from '@mikro-orm/postgresql';
import { withTx } from '../../db/tx.js';
import { systemActor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { firstDue, reminderAt, remindWhom } from './cadence.calc.js';
import { coordinationStore } from './coordination.store.js';
import type { UpdateNotifier, UpdateReminderNotice } from './coordination.types.js';
import type { IncidentEventSink } from './incident-events.js';
import { recordChanges } from './incident-lifecycle.js';
import type { TimelineInput } from './incidents.store.js';
import { incidentRef } from './incidents.types.js';

export interface ReminderRunReport {
  due: number;
  reminded: number;
}

/**
 * The engine's reminders of status updates: every cadence whose stored due time has passed reminds its incident's
 * commander (else assignee, else whoever acknowledged) by DM, once per interval, and moves its due time on. The
 * rows are locked (SKIP LOCKED, under the module's advisory lock) and advanced in the transaction that queues the
 * DM, whose outbox key is per (incident, anchor, interval number): however many workers run it, one DM each.
 */
export class UpdateReminders {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly events: IncidentEventSink,
    private readonly notifier: UpdateNotifier,
  ) {}

  /** System scope: one run looks at every tenant's cadences. */
  async run(now: Date = this.clock.now(), limit = 200): Promise<ReminderRunReport> {
    return withTx(this.orm, 'system', async (em) => {
      const report: ReminderRunReport = { due: 0, reminded: 0 };
      if (!(await coordinationStore.tryLock(em))) return report;
      const due = await coordinationStore.due(em, now, limit);
      report.due = due.length;
      const notices: UpdateReminderNotice[] = [];
      const timeline = new Map<string, TimelineInput[]>();
      const advanced: { incidentId: string; nextDue: Date | null; reminders: number }[] = [];
      for (const row of due) {
        // Resolved since it was scheduled: its cadence ends here (resolving writes nothing to it).
        if (row.status === 'resolved') {
          advanced.push({ incidentId: row.incident_id, nextDue: null, reminders: row.reminders });
          continue;
        }
        const anchor = new Date(row.anchor_at);
        const at = reminderAt(anchor, row.interval_minutes, now);
        if (!at) {
          advanced.push({
            incidentId: row.incident_id,
            nextDue: firstDue(anchor, row.interval_minutes),
            reminders: row.reminders,
          });
          continue;
        }
        advanced.push({ incidentId: row.incident_id, nextDue: at.nextDue, reminders: row.reminders + 1 });
        const whom = remindWhom(row);
        const list = timeline.get(row.tenant_id) ?? [];
        list.push({
          incidentId: row.incident_id,
          event: {
            kind: 'update_reminder',
            data: {
              userId: whom?.id ?? null,
              userName: whom?.name ?? '',
              intervalMinutes: row.interval_minutes,
            },
          },
        });
        timeline.set(row.tenant_id, list);
        if (!whom?.slack_user_id) continue;
        notices.push({
          tenantId: row.tenant_id,
          incidentId: row.incident_id,
          ref: incidentRef(row.number),
          title: row.title,
          slackUserId: whom.slack_user_id,
          intervalMinutes: row.interval_minutes,
          silentMinutes: at.silentMinutes,
          key: `update-reminder:${row.incident_id}:${anchor.toISOString()}:${at.interval}`,
        });
      }
      for (const [tenantId, items] of timeline)
        await recordChanges(em, this.events, systemActor(tenantId), items, now);
      await coordinationStore.advance(em, advanced, now);
      if (notices.length) await this.notifier.reminders(em, notices);
      report.reminded = notices.length;
      return report;
    });
  }
}
