import type { RawBuilder } from 'kysely';
import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { LedgerPageFacts } from './ledger.calc.js';

/** One step of an incident's escalation. */
export interface StepKey {
  incidentId: string;
  generation: number;
  loop: number;
  step: number;
}

interface RawPage {
  id: string;
  incident_id: string;
  generation: number;
  loop: number;
  step: number;
  user_id: string | null;
  user_name: string | null;
  slack_user_id: string | null;
  time_zone: string | null;
  target_type: string;
  target_id: string | null;
  target_label: string | null;
  rule_position: number;
  method: string;
  status: string;
  due_at: Date | string;
  created_at: Date | string;
  queued_at: Date | string | null;
  sending_at: Date | string | null;
  sent_at: Date | string | null;
  acked_at: Date | string | null;
  outcome_at: Date | string | null;
  detail: string | null;
  delivery: string | null;
  delivery_at: Date | string | null;
  contact_method_id: string | null;
  phone_number: string | null;
  send_id: string | null;
  send_kind: string | null;
  send_status: string | null;
  send_error_code: number | null;
  send_error_message: string | null;
  answered_by: string | null;
  provider_sid: string | null;
  send_events: { status: string; at: string; errorCode: number | null }[] | null;
}

const date = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));

const toFacts = (r: RawPage): LedgerPageFacts => ({
  pageId: r.id,
  generation: r.generation,
  loop: r.loop,
  step: r.step,
  userId: r.user_id,
  name: r.user_name,
  slackUserId: r.slack_user_id,
  timeZone: r.time_zone,
  targetType: r.target_type,
  targetId: r.target_id,
  targetLabel: r.target_label,
  method: r.method,
  status: r.status,
  dueAt: new Date(r.due_at),
  createdAt: new Date(r.created_at),
  queuedAt: date(r.queued_at),
  sendingAt: date(r.sending_at),
  sentAt: date(r.sent_at),
  ackedAt: date(r.acked_at),
  outcomeAt: date(r.outcome_at),
  detail: r.detail,
  delivery: r.delivery,
  deliveryAt: date(r.delivery_at),
  contactMethodId: r.contact_method_id,
  phoneNumber: r.phone_number,
  send:
    r.send_id && r.send_status
      ? {
          kind: r.send_kind === 'voice' ? 'voice' : 'sms',
          status: r.send_status,
          errorCode: r.send_error_code,
          errorMessage: r.send_error_message,
          answeredBy: r.answered_by,
          providerSid: r.provider_sid,
          events: (r.send_events ?? []).map((e) => ({
            status: e.status,
            at: new Date(e.at),
            errorCode: e.errorCode ?? null,
          })),
        }
      : null,
});

/**
 * A page with what its delivery went through: the person, the SMS or call that carried it (`pages.send_id`) with
 * every status Twilio reported, and when a failed or cancelled page ended (its `notified` notice, or the
 * acknowledgement, resolution or restart that cancelled it). Slack pages have no send: their status is the page's.
 */
const pagesWith = (
  where: RawBuilder<unknown>,
) => sql<RawPage>`select p.id, p.incident_id, p.generation, p.loop,
      p.step, p.user_id, u.name as user_name, u.slack_user_id, u.time_zone, p.target_type, p.target_id,
      p.target_label, p.rule_position, p.method, p.status, p.due_at, p.created_at, p.queued_at, p.sending_at, p.sent_at, p.acked_at, p.detail,
      p.delivery, p.delivery_at, coalesce(p.contact_method_id, s.contact_method_id) as contact_method_id,
      coalesce(s.phone_number, cm.phone_number) as phone_number, s.id as send_id, s.kind as send_kind,
      s.status as send_status, s.error_code as send_error_code, s.error_message as send_error_message,
      s.answered_by, s.provider_sid,
      (select jsonb_agg(jsonb_build_object('status', ev.status, 'at', ev.at, 'errorCode', ev.error_code)
          order by ev.at, ev.id)
        from twilio_send_events ev where ev.send_id = s.id) as send_events,
      case when p.status in ('failed', 'cancelled') then (
        select min(t.created_at) from timeline_entries t
        where t.tenant_id = p.tenant_id and t.incident_id = p.incident_id and t.created_at >= p.created_at
          and ((t.kind = 'notified' and t.data->>'pageId' = p.id::text and t.data->>'status' = p.status)
            or (p.status = 'cancelled' and t.kind in ('acknowledged', 'resolved', 'escalation_started')))
      ) end as outcome_at
    from pages p
    left join users u on u.id = p.user_id
    left join twilio_sends s on s.id = p.send_id
    left join contact_methods cm on cm.id = p.contact_method_id
    where ${where}
    order by p.generation, p.loop, p.step, p.created_at, p.user_id, p.rule_position, p.id`;

/** Who acknowledged or resolved the incident while a step's generation ran, and how. */
export interface ActRow {
  kind: 'acknowledged' | 'resolved';
  name: string;
  slackUserId: string | null;
  via: string | null;
  at: Date;
}

/** The delivery ledger's reads and its thread replies (`page_ledgers`). */
export const ledgerStore = {
  async stepPages(em: Em, tenantId: string, k: StepKey): Promise<LedgerPageFacts[]> {
    const rows = await query(
      em,
      // A step's own pages: those a merge moved away still show under the card they were sent for, and those
      // moved in show under none of the target's steps.
      pagesWith(sql`p.tenant_id = ${tenantId} and p.status <> 'skipped'
        and ((p.incident_id = ${k.incidentId} and p.merged_from is null) or p.merged_from = ${k.incidentId})
        and p.generation = ${k.generation} and p.loop = ${k.loop} and p.step = ${k.step}`),
    );
    return rows.map(toFacts);
  },

  /** Every page of the incident (skipped ones too), oldest step first. */
  async incidentPages(em: Em, tenantId: string, incidentId: string): Promise<LedgerPageFacts[]> {
    const rows = await query(em, pagesWith(sql`p.tenant_id = ${tenantId} and p.incident_id = ${incidentId}`));
    return rows.map(toFacts);
  },

  /**
   * The first acknowledgement and resolution of the incident from `since` until the generation after
   * `generation` started (a re-trigger's acknowledgement belongs to its own ledger), with how it came
   * (`data.via`: sms, voice, slack, api; absent on older events) and the person's Slack id.
   */
  async acts(
    em: Em,
    tenantId: string,
    incidentId: string,
    generation: number,
    since: Date,
  ): Promise<ActRow[]> {
    const rows = await query<{
      kind: 'acknowledged' | 'resolved';
      actor_name: string;
      slack_user_id: string | null;
      via: string | null;
      created_at: Date | string;
    }>(
      em,
      sql`select distinct on (t.kind) t.kind, t.actor_name, u.slack_user_id, t.data->>'via' as via, t.created_at
          from timeline_entries t
          left join users u on t.actor_kind = 'user' and u.tenant_id = t.tenant_id and u.id::text = t.actor_id
          where t.tenant_id = ${tenantId} and t.incident_id = ${incidentId}
            and t.kind in ('acknowledged', 'resolved') and t.created_at >= ${since}
            and t.created_at < coalesce((select min(n.created_at) from timeline_entries n
              where n.tenant_id = ${tenantId} and n.incident_id = ${incidentId} and n.kind = 'escalation_started'
                and (n.data->>'generation')::int > ${generation}), 'infinity'::timestamptz)
          order by t.kind, t.created_at, t.id`,
    );
    return rows.map((r) => ({
      kind: r.kind,
      name: r.actor_name,
      slackUserId: r.slack_user_id,
      via: r.via,
      at: new Date(r.created_at),
    }));
  },

  async message(em: Em, tenantId: string, k: StepKey): Promise<{ channel: string; ts: string } | null> {
    const row = await queryOne<{ slack_channel: string; slack_ts: string }>(
      em,
      sql`select slack_channel, slack_ts from page_ledgers where tenant_id = ${tenantId}
          and incident_id = ${k.incidentId} and generation = ${k.generation} and loop = ${k.loop} and step = ${k.step}`,
    );
    return row ? { channel: row.slack_channel, ts: row.slack_ts } : null;
  },

  async maybePosted(
    em: Em,
    tenantId: string,
    k: StepKey,
    exclude: readonly string[],
  ): Promise<{ id: string; createdAt: Date }[]> {
    const rows = await query<{ id: string | number; created_at: Date | string }>(
      em,
      sql`select id, created_at from outbox where tenant_id = ${tenantId} and incident_id = ${k.incidentId}
            and destination = 'slack.ledger' and maybe_sent
            and payload @> ${JSON.stringify({ generation: k.generation, loop: k.loop, step: k.step })}::jsonb
            and not (id = any(${exclude.map(Number)}::bigint[]))
          order by id limit 5`,
    );
    return rows.map((r) => ({ id: String(r.id), createdAt: new Date(r.created_at) }));
  },

  async saveMessage(
    em: Em,
    tenantId: string,
    k: StepKey,
    msg: { channel: string; ts: string },
    at: Date,
  ): Promise<void> {
    await command(
      em,
      sql`insert into page_ledgers (tenant_id, incident_id, generation, loop, step, slack_channel, slack_ts, created_at)
          values (${tenantId}, ${k.incidentId}, ${k.generation}, ${k.loop}, ${k.step}, ${msg.channel}, ${msg.ts}, ${at})
          on conflict (incident_id, generation, loop, step) do nothing`,
    );
  },
};
