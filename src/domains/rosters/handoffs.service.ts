import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { type Handoff, handoffsBetween } from './handoff.calc.js';
import { handoffsStore } from './handoffs.store.js';
import { onCallAt } from './oncall.calc.js';
import { toSchedule } from './rosters.mapper.js';
import { type OverrideRow, type People, rostersStore } from './rosters.store.js';
import { loadSchedule } from './schedule-loader.js';
import { HOUR_MS } from './zone-time.calc.js';

export interface HandoffPerson {
  id: string;
  name: string;
  slackUserId: string | null;
  timeZone: string;
}

/** What the notifier is handed for each schedule whose on-call person changed (or whose user group needs a sync). */
export interface HandoffNotice {
  tenantId: string;
  scheduleId: string;
  scheduleName: string;
  timeZone: string;
  slackChannel: string | null;
  slackUserGroup: string | null;
  /** `handoff`: announce it. `sync`: only bring the user group up to date (first look, or the group changed). */
  kind: 'handoff' | 'sync';
  /** ISO instant of the handoff (of the sync: now). */
  at: string;
  /** When the incoming person's coverage ends, ISO; null when not known. */
  until: string | null;
  from: HandoffPerson | null;
  to: HandoffPerson | null;
  /** Slack ids of the people on call from `at`: the user group's members. */
  onCallSlackIds: string[];
}

/** Runs in the transaction that records the handoffs (the outbox enqueues their announcements here). */
export type HandoffNotifier = (em: Em, notices: HandoffNotice[]) => Promise<void>;

export interface HandoffRunReport {
  checked: number;
  handoffs: number;
  notices: number;
}

/** How far back a late run still looks: after a long outage only the latest handoff is announced anyway. */
const MAX_CATCH_UP_MS = 24 * HOUR_MS;

const person = (id: string | null, people: People): HandoffPerson | null => {
  const p = id === null ? undefined : people.get(id);
  return id === null
    ? null
    : { id, name: p?.name ?? id, slackUserId: p?.slackUserId ?? null, timeZone: p?.timeZone ?? 'UTC' };
};

const slackIds = (id: string | null, people: People): string[] => {
  const slack = id === null ? null : people.get(id)?.slackUserId;
  return slack ? [slack] : [];
};

/**
 * Finds handoffs as time passes. Each run checks every schedule from where the last run stopped up to `now`;
 * handoffs are unique per (schedule, instant), so however many workers run it, each is announced once.
 */
export class HandoffsService {
  /**
   * @param notifier queues the announcements in the transaction that records the handoffs (the outbox: rows wait
   *   there for a process that delivers them)
   */
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly notifier: HandoffNotifier,
  ) {}

  /** System scope: one run looks at the schedules of every tenant. */
  async run(now: Date = this.clock.now(), limit = 500): Promise<HandoffRunReport> {
    return withTx(this.orm, 'system', async (em) => {
      const report: HandoffRunReport = { checked: 0, handoffs: 0, notices: 0 };
      if (!(await handoffsStore.tryLock(em))) return report;
      const due = await handoffsStore.due(em, now, limit);
      if (due.length === 0) return report;
      const since = new Date(now.getTime() - MAX_CATCH_UP_MS - HOUR_MS);
      const overrides: OverrideRow[] = [];
      for (const tenantId of new Set(due.map((r) => r.tenant_id))) {
        const ids = due.filter((r) => r.tenant_id === tenantId).map((r) => r.id);
        overrides.push(...(await rostersStore.overridesOf(em, tenantId, ids, since)));
      }
      const peopleOf = new Map<string, People>();
      const notices: HandoffNotice[] = [];
      for (const row of due) {
        report.checked++;
        let people = peopleOf.get(row.tenant_id);
        if (!people) {
          people = await rostersStore.people(em, row.tenant_id);
          peopleOf.set(row.tenant_id, people);
        }
        const schedule = toSchedule(row, overrides);
        const notice = (kind: HandoffNotice['kind'], h: Handoff): HandoffNotice => ({
          tenantId: row.tenant_id,
          scheduleId: row.id,
          scheduleName: row.name,
          timeZone: row.time_zone,
          slackChannel: row.slack_channel,
          slackUserGroup: row.slack_user_group,
          kind,
          at: h.at.toISOString(),
          until: h.until?.toISOString() ?? null,
          from: person(h.fromUserId, people),
          to: person(h.toUserId, people),
          onCallSlackIds: slackIds(h.toUserId, people),
        });
        const group = row.slack_user_group;
        let announced = false;
        if (row.checked_until !== null) {
          const from = Math.max(new Date(row.checked_until).getTime(), now.getTime() - MAX_CATCH_UP_MS);
          const found = handoffsBetween(schedule, new Date(from), now);
          const last = found.at(-1);
          const announce = last ? last.at : null;
          const fresh = await handoffsStore.record(em, row.tenant_id, row.id, found, announce, now);
          report.handoffs += fresh.size;
          if (last && fresh.has(last.at.getTime())) {
            notices.push(notice('handoff', last));
            announced = true;
          }
        }
        if (!announced && group && group !== row.synced_user_group) {
          const current = onCallAt(schedule, now);
          notices.push(
            notice('sync', {
              at: now,
              fromUserId: null,
              toUserId: current.userIds[0] ?? null,
              until: current.until,
            }),
          );
        }
        await handoffsStore.advance(em, row.tenant_id, row.id, now, group);
      }
      if (notices.length) await this.notifier(em, notices);
      report.notices = notices.length;
      return report;
    });
  }

  /** The schedule's latest handoffs, newest first. */
  async recent(actor: Actor, scheduleId: string, limit = 20) {
    authorize(actor, 'schedule:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const l = await loadSchedule(em, actor.tenantId, scheduleId, this.clock.now());
      const rows = await handoffsStore.recent(em, actor.tenantId, l.row.id, limit);
      return rows.map((r) => ({
        at: new Date(r.at).toISOString(),
        fromUserId: r.from_user_id,
        toUserId: r.to_user_id,
        until: r.until ? new Date(r.until).toISOString() : null,
        announced: r.announced,
      }));
    });
  }
}
