import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { recordAudit } from '../audit/index.js';
import { parseIncidentRef } from '../incidents/index.js';
import type { NewOutboxRow } from '../notify/index.js';
import { findPerson, type PersonRef, peopleByIds } from '../tenants/index.js';
import { toActionItemDto } from './postmortems.mapper.js';
import type { PostmortemsService } from './postmortems.service.js';
import { type ActionItemRow, postmortemsStore } from './postmortems.store.js';
import {
  type ActionItemDto,
  type ActionItemInput,
  type ActionItemPatch,
  actionItemInputSchema,
  actionItemPatchSchema,
} from './postmortems.types.js';
import { latestLocalDate, reminderDay } from './reminder.calc.js';

export interface ActionItemDeps {
  clock: Clock;
  /** Queues outbox rows in the caller's transaction (OutboxService.enqueue). */
  enqueue: (em: Em, rows: readonly NewOutboxRow[]) => Promise<void>;
}

export interface ReminderReport {
  checked: number;
  reminded: number;
}

/** An overdue item's reminder as its DM shows it. */
export interface ReminderView {
  item: ActionItemDto;
  postmortemTitle: string;
}

const isItemOf = (row: ActionItemRow, ref: { id?: string; number?: number }): boolean =>
  ref.id ? row.incident_id === ref.id : row.incident_number === ref.number;

/** Candidates looked at per tick, at most. */
const REMINDER_BATCH = 500;

/**
 * Action items of postmortems: follow-ups with an owner and a due date; the open ones listed, closed by a button;
 * owners of overdue ones reminded by DM once a day (their day, from 09:00), however many workers tick.
 */
export class ActionItemsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly postmortems: PostmortemsService,
    private readonly deps: ActionItemDeps,
  ) {}

  async add(actor: Actor, ref: string, input: ActionItemInput | unknown): Promise<ActionItemDto> {
    authorize(actor, 'postmortem:write');
    const data = parseInput(actionItemInputSchema, input, 'The action item is not valid.');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const now = this.deps.clock.now();
      const pm = await this.postmortems.find(em, actor.tenantId, ref);
      const owner = data.owner ? await this.person(em, actor.tenantId, data.owner) : null;
      const id = await postmortemsStore.insertItem(
        em,
        actor.tenantId,
        { postmortemId: pm.id, title: data.title, ownerId: owner?.id ?? null, dueOn: data.dueOn ?? null },
        now,
      );
      await recordAudit(
        em,
        actor,
        {
          action: 'postmortem.action_item_added',
          targetType: 'action_item',
          targetId: id,
          data: { incident: pm.facts.incident.ref, title: data.title, owner: owner?.id ?? null },
        },
        now,
      );
      return this.item(em, actor.tenantId, id);
    });
  }

  /**
   * Changes an item: close it (or open it again), its title, owner or due date. With `ref`, the item must be one
   * of that incident's postmortem (REST's path names both).
   */
  async update(
    actor: Actor,
    id: string,
    patch: ActionItemPatch | unknown,
    ref?: string,
  ): Promise<ActionItemDto> {
    authorize(actor, 'postmortem:write');
    const p = parseInput(actionItemPatchSchema, patch, 'The action item change is not valid.');
    if (!isUuid(id)) throw AppError.notFound('Action item');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const now = this.deps.clock.now();
      const row = await postmortemsStore.item(em, actor.tenantId, id, true);
      if (!row || (ref !== undefined && !isItemOf(row, parseIncidentRef(ref))))
        throw AppError.notFound(ref ? `Action item ${id} of ${ref}'s postmortem` : 'Action item');
      const owner =
        p.owner === undefined
          ? row.owner_id
          : p.owner === null
            ? null
            : (await this.person(em, actor.tenantId, p.owner)).id;
      const status = p.status ?? row.status;
      const closed =
        status === 'closed'
          ? row.status === 'closed' && row.closed_at
            ? { at: row.closed_at, by: row.closed_by ?? actor.name }
            : { at: now, by: actor.name }
          : null;
      await postmortemsStore.updateItem(
        em,
        actor.tenantId,
        id,
        {
          title: p.title ?? row.title,
          ownerId: owner,
          dueOn: p.dueOn === undefined ? row.due_on : p.dueOn,
          status,
          closed,
        },
        now,
      );
      const action =
        status !== row.status
          ? status === 'closed'
            ? 'postmortem.action_item_closed'
            : 'postmortem.action_item_reopened'
          : 'postmortem.action_item_updated';
      await recordAudit(
        em,
        actor,
        { action, targetType: 'action_item', targetId: id, data: { fields: Object.keys(p) } },
        now,
      );
      return this.item(em, actor.tenantId, id);
    });
  }

  /** The tenant's open items (only the actor's with `mine`), soonest due first. */
  async open(actor: Actor, opts: { mine?: boolean; limit?: number } = {}): Promise<ActionItemDto[]> {
    authorize(actor, 'postmortem:read');
    if (opts.mine && (actor.kind !== 'user' || !actor.id))
      throw AppError.validation('"mine" needs a person: an API key owns no action items.');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const rows = await postmortemsStore.openItems(
        em,
        actor.tenantId,
        opts.mine ? actor.id : null,
        opts.limit ?? 100,
      );
      return this.dtos(em, actor.tenantId, rows);
    });
  }

  /**
   * Reminds owners of overdue items (system scope, the engine's tick): one DM per item per local day, keyed
   * (item, day) in the outbox and marked on the item in the same transaction, under an advisory lock.
   */
  async remind(now: Date = this.deps.clock.now()): Promise<ReminderReport> {
    return withTx(this.orm, 'system', async (em) => {
      const report: ReminderReport = { checked: 0, reminded: 0 };
      if (!(await postmortemsStore.tryReminderLock(em))) return report;
      const latest = latestLocalDate(now);
      const rows = await postmortemsStore.overdueCandidates(em, latest, latest, REMINDER_BATCH);
      const byTenant = new Map<string, ActionItemRow[]>();
      for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r]);
      const out: NewOutboxRow[] = [];
      for (const [tenantId, items] of byTenant) {
        const people = await peopleByIds(
          em,
          tenantId,
          items.map((i) => i.owner_id ?? ''),
        );
        for (const item of items) {
          report.checked++;
          const owner = item.owner_id ? people.get(item.owner_id) : undefined;
          if (!owner?.slackUserId) continue;
          const day = reminderDay({ dueOn: item.due_on, remindedOn: item.reminded_on }, owner.timeZone, now);
          if (!day) continue;
          out.push({
            tenantId,
            incidentId: null,
            destination: 'slack.dm',
            lane: owner.slackUserId,
            payload: { type: 'action_item_reminder', itemId: item.id, day },
            key: `action-item-reminder:${item.id}:${day}`,
          });
          await postmortemsStore.markReminded(em, tenantId, item.id, day);
          report.reminded++;
        }
      }
      if (out.length) await this.deps.enqueue(em, out);
      return report;
    });
  }

  /** What a reminder DM shows, as it is now; null when the item is closed (or gone): then nothing is sent. */
  async reminderView(tenantId: string, itemId: string): Promise<ReminderView | null> {
    return withEm(this.orm, { tenantId }, async (em) => {
      const row = await postmortemsStore.item(em, tenantId, itemId);
      if (row?.status !== 'open') return null;
      const pm = await postmortemsStore.byId(em, tenantId, row.postmortem_id);
      const [item] = await this.dtos(em, tenantId, [row]);
      return item && pm ? { item, postmortemTitle: pm.title } : null;
    });
  }

  private async person(em: Em, tenantId: string, ref: string): Promise<PersonRef> {
    const found = await findPerson(em, tenantId, ref);
    if (!found)
      throw AppError.validation(`No user matches "${ref}". Use a user id, email or Slack user id.`, [
        { field: 'owner', message: 'unknown user' },
      ]);
    return found;
  }

  private async item(em: Em, tenantId: string, id: string): Promise<ActionItemDto> {
    const row = await postmortemsStore.item(em, tenantId, id);
    if (!row) throw AppError.notFound('Action item');
    const [dto] = await this.dtos(em, tenantId, [row]);
    if (!dto) throw AppError.notFound('Action item');
    return dto;
  }

  private async dtos(em: Em, tenantId: string, rows: readonly ActionItemRow[]): Promise<ActionItemDto[]> {
    const people = await peopleByIds(
      em,
      tenantId,
      rows.map((r) => r.owner_id ?? ''),
    );
    const now = this.deps.clock.now();
    return rows.map((r) => toActionItemDto(r, people, now));
  }
}
