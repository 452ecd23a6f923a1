import type { RawBuilder } from 'kysely';
import { command, type Em, query, queryAhead, queryOne, sql } from '../../db/sql.js';
import { ledgerInsert, ledgerWake } from '../notify/index.js';
import { DEFAULT_HIGH_URGENCY, type PolicySnapshot, type Urgency } from './policy.types.js';
import type { PlannedPage } from './step.calc.js';

/** The channel the engine's pacer listens on: an escalation started or was escalated by hand. */
export const ENGINE_CHANNEL = 'opswatch_engine';

export type EscalationState = 'active' | 'acknowledged' | 'resolved' | 'exhausted';

export interface EscalationRow {
  incident_id: string;
  tenant_id: string;
  policy_id: string | null;
  policy_name: string;
  policy_version: number;
  snapshot: PolicySnapshot;
  urgency: Urgency;
  state: EscalationState;
  generation: number;
  loop: number;
  step: number;
  step_fired_at: Date | null;
  next_at: Date | null;
  started_at: Date;
  acknowledged_at: Date | null;
}

/** A due escalation with what firing it needs of its incident. */
export interface DueEscalationRow extends EscalationRow {
  number: number;
  title: string;
  incident_status: string;
}

export interface PageRow {
  id: string;
  tenant_id: string;
  incident_id: string;
  generation: number;
  loop: number;
  step: number;
  user_id: string | null;
  target_type: string;
  target_id: string | null;
  target_label: string | null;
  rule_position: number;
  method: string;
  due_at: Date;
  status: string;
  outbox_id: string | null;
  queued_at: Date | null;
  sent_at: Date | null;
  acked_at: Date | null;
  detail: string | null;
  slack_channel: string | null;
  slack_ts: string | null;
}

/** A page due to be handed to the outbox, with where it goes. */
export interface DuePageRow extends PageRow {
  slack_user_id: string | null;
  /** An SMS or voice page's number and its contact method's status (the paging domain's, read here). */
  phone_number: string | null;
  phone_status: string | null;
}

const ESC = sql`e.incident_id, e.tenant_id, e.policy_id, e.policy_name, e.policy_version, e.snapshot, e.urgency,
  e.state, e.generation, e.loop, e.step, e.step_fired_at, e.next_at, e.started_at, e.acknowledged_at`;

const date = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));

const toEsc = <T extends EscalationRow>(r: T): T => ({
  ...r,
  step_fired_at: date(r.step_fired_at),
  next_at: date(r.next_at),
  started_at: new Date(r.started_at),
  acknowledged_at: date(r.acknowledged_at),
});

/** A page row as read: its dates as Dates, its outbox id as text. */
export const toPage = <T extends PageRow>(r: T): T => ({
  ...r,
  outbox_id: r.outbox_id === null ? null : String(r.outbox_id),
  due_at: new Date(r.due_at),
  queued_at: date(r.queued_at),
  sent_at: date(r.sent_at),
  acked_at: date(r.acked_at),
});

/** A planned page with where it belongs, for `insertPagesOf`. */
export type NewPage = PlannedPage & {
  id: string;
  label: string;
  tenantId: string;
  incidentId: string;
  generation: number;
  loop: number;
  step: number;
};

export const escalationStore = {
  /** Records the pages of many steps once each (the unique key makes a repeat record nothing). */
  async insertPagesOf(em: Em, pages: readonly NewPage[], at: Date): Promise<void> {
    if (pages.length === 0) return;
    const json = JSON.stringify(
      pages.map((p) => ({
        id: p.id,
        tenant_id: p.tenantId,
        incident_id: p.incidentId,
        generation: p.generation,
        loop: p.loop,
        step: p.step,
        user_id: p.userId,
        target_type: p.targetType,
        target_id: p.targetId,
        target_label: p.label,
        rule_position: p.rulePosition,
        method: p.method,
        contact_method_id: p.contactMethodId,
        due_at: p.dueAt.toISOString(),
        status: p.status,
        detail: p.detail,
      })),
    );
    await command(
      em,
      sql`insert into pages (id, tenant_id, incident_id, generation, loop, step, user_id, target_type, target_id,
            target_label, rule_position, method, contact_method_id, due_at, status, detail, created_at)
          select x.id, x.tenant_id, x.incident_id, x.generation, x.loop, x.step, x.user_id, x.target_type, x.target_id,
            x.target_label, x.rule_position, x.method, x.contact_method_id, x.due_at, x.status, x.detail, ${at}
          from jsonb_to_recordset(${json}::jsonb) as x(id uuid, tenant_id uuid, incident_id uuid, generation int,
            loop int, step int, user_id uuid, target_type text, target_id text, target_label text,
            rule_position smallint, method text, contact_method_id uuid, due_at timestamptz, status text,
            detail text)
          on conflict (incident_id, generation, loop, step, user_id, rule_position) where merged_from is null
            do nothing`,
    );
  },

  /** For each (incident, generation, instant): the people whose chain still has a page not yet due then. */
  async runningChainsOf(
    em: Em,
    of: readonly { incidentId: string; generation: number; at: Date }[],
  ): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (of.length === 0) return out;
    const rows = await query<{ incident_id: string; user_id: string }>(
      em,
      sql`select distinct p.incident_id, p.user_id from pages p
          join unnest(${of.map((o) => o.incidentId)}::uuid[], ${of.map((o) => o.generation)}::int[],
            ${of.map((o) => o.at.toISOString())}::timestamptz[]) as q(incident_id, generation, at)
            on p.incident_id = q.incident_id and p.generation = q.generation
          where p.status = 'pending' and p.due_at > q.at and p.user_id is not null and p.merged_from is null`,
    );
    for (const r of rows) {
      const set = out.get(r.incident_id) ?? new Set<string>();
      set.add(r.user_id);
      out.set(r.incident_id, set);
    }
    return out;
  },

  /** Stores where each escalation of a batch now stands, in one statement. */
  async advanceAll(
    em: Em,
    rows: readonly {
      incidentId: string;
      state: EscalationState;
      loop: number;
      step: number;
      stepFiredAt: Date | null;
      nextAt: Date | null;
    }[],
    at: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    const json = JSON.stringify(
      rows.map((r) => ({
        incident_id: r.incidentId,
        state: r.state,
        loop: r.loop,
        step: r.step,
        step_fired_at: r.stepFiredAt?.toISOString() ?? null,
        next_at: r.nextAt?.toISOString() ?? null,
      })),
    );
    await command(
      em,
      sql`update escalations e set state = x.state, loop = x.loop, step = x.step, step_fired_at = x.step_fired_at,
            next_at = x.next_at, updated_at = ${at}
          from jsonb_to_recordset(${json}::jsonb) as x(incident_id uuid, state text, loop int, step int,
            step_fired_at timestamptz, next_at timestamptz)
          where e.incident_id = x.incident_id`,
    );
  },

  /** The incident's escalation, locked for this transaction. */
  async lock(em: Em, tenantId: string, incidentId: string): Promise<EscalationRow | undefined> {
    const row = await queryOne<EscalationRow>(
      em,
      sql`select ${ESC} from escalations e where e.tenant_id = ${tenantId} and e.incident_id = ${incidentId}
          for update`,
    );
    return row && toEsc(row);
  },

  async get(em: Em, tenantId: string, incidentId: string): Promise<EscalationRow | undefined> {
    const row = await queryOne<EscalationRow>(
      em,
      sql`select ${ESC} from escalations e where e.tenant_id = ${tenantId} and e.incident_id = ${incidentId}`,
    );
    return row && toEsc(row);
  },

  /**
   * Starts (or restarts, as the next generation) the incident's escalation from the first step, due at `at`.
   * Returns the generation it runs as.
   */
  async start(
    em: Em,
    tenantId: string,
    incidentId: string,
    snapshot: PolicySnapshot,
    urgency: Urgency,
    at: Date,
  ): Promise<number> {
    const row = await queryOne<{ generation: number }>(
      em,
      sql`insert into escalations (incident_id, tenant_id, policy_id, policy_name, policy_version, snapshot, urgency,
            state, generation, loop, step, step_fired_at, next_at, started_at, acknowledged_at, updated_at)
          values (${incidentId}, ${tenantId}, ${snapshot.policyId}, ${snapshot.name}, ${snapshot.version},
            ${JSON.stringify(snapshot)}::jsonb, ${urgency}, 'active', 0, 0, 0, null, ${at}, ${at}, null, ${at})
          on conflict (incident_id) do update set state = 'active', generation = escalations.generation + 1,
            loop = 0, step = 0, step_fired_at = null, next_at = ${at}, started_at = ${at}, acknowledged_at = null,
            updated_at = ${at}
          returning generation`,
    );
    return row?.generation ?? 0;
  },

  /**
   * Starts the escalations of incidents just created, in one statement sent without waiting for an answer: for
   * each incident still triggered, the policy in force for its service (`policyOf`, a query embedded per row)
   * frozen onto it (id, name, version, spec with its defaults), urgency from its severity (`spec.urgency.high`),
   * step 0 due at `at`; the timeline's `escalation_started` (or `escalation_none` when no policy applies) through
   * `notices` (the incidents domain's statement); and the engine woken when any started. Test pages are left out:
   * their one-off escalation is started by the test page itself.
   */
  async startAll(
    em: Em,
    tenantId: string,
    incidentIds: readonly string[],
    policyOf: (service: RawBuilder<string>) => RawBuilder<unknown>,
    notices: (rows: RawBuilder<unknown>) => RawBuilder<unknown>,
    at: Date,
  ): Promise<void> {
    if (incidentIds.length === 0) return;
    const noticeRows = sql`(
          select s.incident_id, 'escalation_started'::text as kind,
            jsonb_build_object('policyId', s.policy_id, 'policyName', s.policy_name, 'version', s.policy_version,
              'generation', s.generation, 'reason', 'triggered') as data
          from started s
          union all
          select p.incident_id, 'escalation_none'::text, jsonb_build_object('service', p.service)
          from pol p where p.policy_id is null)`;
    await command(
      em,
      sql`with inc as (
            select i.id, i.service, i.severity from incidents i
            where i.tenant_id = ${tenantId} and i.id = any(${incidentIds}::uuid[]) and i.status = 'triggered'
              and i.test_of is null
          ), pol as (
            select inc.id as incident_id, inc.service, inc.severity, p.id as policy_id, p.name, p.version,
              p.spec || jsonb_build_object('repeat', coalesce(p.spec->'repeat', '0'::jsonb),
                'urgency', jsonb_build_object('high', coalesce(p.spec->'urgency'->'high', ${JSON.stringify(DEFAULT_HIGH_URGENCY)}::jsonb)))
                as spec
            from inc left join lateral (${policyOf(sql.ref('inc.service'))}) p on true
          ), started as (
            insert into escalations (incident_id, tenant_id, policy_id, policy_name, policy_version, snapshot,
              urgency, state, generation, loop, step, step_fired_at, next_at, started_at, acknowledged_at, updated_at)
            select p.incident_id, ${tenantId}, p.policy_id, p.name, p.version,
              jsonb_build_object('policyId', p.policy_id, 'name', p.name, 'version', p.version, 'spec', p.spec),
              case when p.spec->'urgency'->'high' @> to_jsonb(p.severity) then 'high' else 'low' end,
              'active', 0, 0, 0, null, ${at}, ${at}, null, ${at}
            from pol p where p.policy_id is not null
            on conflict (incident_id) do update set state = 'active', generation = escalations.generation + 1,
              loop = 0, step = 0, step_fired_at = null, next_at = ${at}, started_at = ${at}, acknowledged_at = null,
              updated_at = ${at}
            returning incident_id, generation, policy_id, policy_name, policy_version
          ), notices as (${notices(noticeRows)})
          select pg_notify(${ENGINE_CHANNEL}, '') where exists (select 1 from started)`,
    );
  },

  /**
   * Stops the incident's escalation without waiting for an answer (none when it has none): acknowledged — until
   * its frozen policy's ack timeout from `at` (the engine woken then), when it has one; a test page's at once,
   * for the engine to resolve it — or resolved; its pages not yet sent cancelled (sent ones note an
   * acknowledgement); the delivery ledger of each step of the generation redrawn (a `slack.ledger` row, when the
   * incident has a card). Answers the cancelled pages: on a light
   * transaction they arrive with its next awaited statement or its COMMIT (elsewhere, read at once).
   */
  async stopAhead(
    em: Em,
    tenantId: string,
    incidentId: string,
    state: 'acknowledged' | 'resolved',
    reason: string,
    at: Date,
  ): Promise<{ cancelled: Promise<PageRow[]> }> {
    const acked = state === 'acknowledged';
    const stop = sql<{ pages: PageRow[] }>`with stopped as (
            update escalations e set state = ${state}, updated_at = ${at},
              next_at = case when ${acked} and e.snapshot ? 'testOf' then ${at}::timestamptz
                when ${acked} and e.snapshot->'spec'->>'ackTimeoutMinutes' is not null
                then ${at}::timestamptz
                  + round((e.snapshot->'spec'->>'ackTimeoutMinutes')::float8 * 60000) * interval '1 millisecond'
                end,
              acknowledged_at = case when ${acked} then ${at}::timestamptz else e.acknowledged_at end
            where e.tenant_id = ${tenantId} and e.incident_id = ${incidentId}
            returning e.next_at
          ), noted as (
            update pages set acked_at = ${at} where ${acked} and tenant_id = ${tenantId}
              and incident_id = ${incidentId} and status = 'sent' and acked_at is null
          ), cancelled as (
            update pages set status = 'cancelled', detail = ${reason}
            where tenant_id = ${tenantId} and incident_id = ${incidentId} and status in ('pending', 'queued')
            returning *
          ), woken as (
            select pg_notify(${ENGINE_CHANNEL}, '') from stopped where next_at is not null
          ), ledger as (${ledgerInsert(
            sql`select distinct p.tenant_id, p.incident_id, p.generation, p.loop, p.step from pages p
                join escalations e on e.incident_id = p.incident_id and e.generation = p.generation
                where p.tenant_id = ${tenantId} and p.incident_id = ${incidentId} and p.status <> 'skipped'`,
            at,
          )}), ledger_woken as (${ledgerWake('ledger')})
          select (select count(*) from woken) + (select count(*) from ledger_woken) as woken,
            (select coalesce(jsonb_agg(c), '[]'::jsonb) from cancelled c) as pages`;
    const ahead = queryAhead(em, stop);
    const rows = ahead ?? Promise.resolve(await query(em, stop));
    return { cancelled: rows.then((r) => (r[0]?.pages ?? []).map(toPage)) };
  },

  /** Pages not yet handed over (or handed over and not yet sent) are cancelled; sent ones note the acknowledgement. */
  async cancelPages(
    em: Em,
    tenantId: string,
    incidentId: string,
    reason: string,
    at: Date,
    acked: boolean,
  ): Promise<PageRow[]> {
    if (acked)
      await command(
        em,
        sql`update pages set acked_at = ${at} where tenant_id = ${tenantId} and incident_id = ${incidentId}
            and status = 'sent' and acked_at is null`,
      );
    const rows = await query<PageRow>(
      em,
      sql`update pages set status = 'cancelled', detail = ${reason}
          where tenant_id = ${tenantId} and incident_id = ${incidentId} and status in ('pending', 'queued')
          returning *`,
    );
    return rows.map(toPage);
  },

  /** Sent DMs of the incident that can be updated in place. */
  async sentDms(em: Em, tenantId: string, incidentId: string): Promise<PageRow[]> {
    const rows = await query<PageRow>(
      em,
      sql`select * from pages where tenant_id = ${tenantId} and incident_id = ${incidentId}
          and status = 'sent' and slack_ts is not null order by created_at, id`,
    );
    return rows.map(toPage);
  },

  /** Escalations due at `now`, every tenant's (system scope), locked; others' locked rows are skipped. */
  async due(em: Em, now: Date, limit: number): Promise<DueEscalationRow[]> {
    const rows = await query<DueEscalationRow>(
      em,
      sql`select ${ESC}, i.number, i.title, i.status as incident_status
          from escalations e join incidents i on i.id = e.incident_id
          where e.next_at <= ${now} and e.state in ('active', 'acknowledged')
          order by e.next_at, i.number limit ${limit}
          for update of e skip locked`,
    );
    return rows.map(toEsc);
  },

  /** Stores where one escalation now stands (advanceAll with one row). */
  advance(
    em: Em,
    incidentId: string,
    fields: {
      state: EscalationState;
      loop: number;
      step: number;
      stepFiredAt: Date | null;
      nextAt: Date | null;
    },
    at: Date,
  ): Promise<void> {
    return escalationStore.advanceAll(em, [{ incidentId, ...fields }], at);
  },

  /**
   * Pages due at `now` of escalations still running, locked (others' locked rows skipped), with the person's
   * Slack id: every tenant's (system scope).
   */
  async duePages(em: Em, now: Date, limit: number): Promise<DuePageRow[]> {
    const rows = await query<DuePageRow>(
      em,
      sql`select p.*, u.slack_user_id, cm.phone_number, cm.status as phone_status from pages p
          join escalations e on e.incident_id = p.incident_id and e.generation = p.generation
          join incidents i on i.id = p.incident_id
          left join users u on u.id = p.user_id
          left join contact_methods cm on cm.id = p.contact_method_id
          where p.status = 'pending' and p.due_at <= ${now} and e.state in ('active', 'exhausted')
            and p.merged_from is null
          order by p.due_at, i.number, p.loop, p.step, p.rule_position, p.id limit ${limit}
          for update of p skip locked`,
    );
    return rows.map(toPage);
  },

  async markQueued(em: Em, queued: readonly { id: string; outboxId: string }[], at: Date): Promise<void> {
    if (queued.length === 0) return;
    await command(
      em,
      sql`update pages p set status = 'queued', outbox_id = q.outbox_id, queued_at = ${at}
          from unnest(${queued.map((q) => q.id)}::uuid[], ${queued.map((q) => q.outboxId)}::bigint[])
            as q(id, outbox_id)
          where p.id = q.id`,
    );
  },

  /**
   * Claims a page for one send attempt: `queued` → `sending` (now). A page already `sending` is claimed again
   * only when the earlier claim is older than `staleBefore` (its attempt died or gave no answer): answers
   * `again` then, and the sender looks for what that attempt sent first. Undefined when not claimed.
   */
  async claim(
    em: Em,
    pageId: string,
    now: Date,
    staleBefore: Date,
  ): Promise<{ page: PageRow; again: boolean } | undefined> {
    const row = await queryOne<PageRow & { was: string }>(
      em,
      sql`update pages p set status = 'sending', sending_at = ${now}
          from (select id, status as was from pages where id = ${pageId} for update) c
          where p.id = c.id and (c.was = 'queued' or (c.was = 'sending' and p.sending_at < ${staleBefore}))
          returning p.*, c.was`,
    );
    return row && { page: toPage(row), again: row.was === 'sending' };
  },

  /** An attempt that certainly sent nothing gives its claim back (the next attempt claims it as new). */
  async unclaim(em: Em, pageId: string): Promise<void> {
    await command(
      em,
      sql`update pages set status = 'queued', sending_at = null where id = ${pageId} and status = 'sending'`,
    );
  },

  /** Writes a page's outcome; returns the page as it was before, or undefined when it is no longer `from`. */
  async setOutcome(
    em: Em,
    pageId: string,
    from: readonly string[],
    to: { status: string; detail?: string | null; sentAt?: Date; channel?: string; ts?: string },
  ): Promise<PageRow | undefined> {
    const row = await queryOne<PageRow>(
      em,
      sql`update pages set status = ${to.status}, detail = coalesce(${to.detail ?? null}, detail),
            sent_at = coalesce(${to.sentAt ?? null}::timestamptz, sent_at),
            slack_channel = coalesce(${to.channel ?? null}, slack_channel), slack_ts = coalesce(${to.ts ?? null}, slack_ts)
          where id = ${pageId} and status = any(${from}::text[])
          returning *`,
    );
    return row && toPage(row);
  },

  async page(em: Em, pageId: string): Promise<PageRow | undefined> {
    const row = await queryOne<PageRow>(em, sql`select * from pages where id = ${pageId}`);
    return row && toPage(row);
  },

  /** The next instant the engine has something to do (a step or a page due), every tenant's; null when none. */
  async nextDeadline(em: Em): Promise<Date | null> {
    const row = await queryOne<{ at: Date | string | null }>(
      em,
      sql`select least(
            (select min(next_at) from escalations where next_at is not null and state in ('active', 'acknowledged')),
            (select min(due_at) from pages where status = 'pending')) as at`,
    );
    return row?.at ? new Date(row.at) : null;
  },

  async notifyEngine(em: Em): Promise<void> {
    await command(em, sql`select pg_notify(${ENGINE_CHANNEL}, '')`);
  },

  async userIdsExisting(em: Em, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
    const valid = ids.filter((i) => /^[0-9a-f-]{36}$/i.test(i));
    if (valid.length === 0) return new Set();
    const rows = await query<{ id: string }>(
      em,
      sql`select id from users where tenant_id = ${tenantId} and id = any(${valid}::uuid[])`,
    );
    return new Set(rows.map((r) => r.id));
  },

  async userNames(em: Em, tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await query<{ id: string; name: string }>(
      em,
      sql`select id, name from users where tenant_id = ${tenantId} and id = any(${ids}::uuid[])`,
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  },
};
