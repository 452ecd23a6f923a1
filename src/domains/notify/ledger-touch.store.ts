import type { RawBuilder } from 'kysely';
import { command, type Em, sql } from '../../db/sql.js';
import { PENDING_KEY } from './delivery.store.js';
import { CARD_POSTS } from './destinations.js';
import { OUTBOX_CHANNEL } from './outbox.store.js';

/** One step of an incident's escalation, whose delivery ledger (the thread reply under the card) is to be redrawn. */
export interface LedgerStep {
  tenantId: string;
  incidentId: string;
  generation: number;
  loop: number;
  step: number;
}

/** The step of a page (a row of `pages`). */
export const ledgerStepOf = (p: {
  tenant_id: string;
  incident_id: string;
  generation: number;
  loop: number;
  step: number;
}): LedgerStep => ({
  tenantId: p.tenant_id,
  incidentId: p.incident_id,
  generation: p.generation,
  loop: p.loop,
  step: p.step,
});

/**
 * The insert of a `slack.ledger` row for each step of `steps` (a relation with `tenant_id, incident_id, generation,
 * loop, step`), in the lane of the incident's first card: an incident without a card gets none (there is no thread
 * to put it in). One row per step waits at a time: its key is the step's (`…:pending`), so a touch while one waits
 * adds nothing — that row renders the step as it is when it is sent. The outbox renames the key when it leases
 * the row (PENDING_KEY, deliveryStore.claim), so a touch after that (a change the send may not show) adds a new row.
 * Returns one row per row added, for a statement's `with` clause (see `ledgerTouched`; the escalation's stop
 * embeds it).
 */
export function ledgerInsert(steps: RawBuilder<unknown>, at: Date): RawBuilder<unknown> {
  return sql`insert into outbox (tenant_id, incident_id, destination, lane, payload, idempotency_key, next_attempt_at,
        created_at)
      select s.tenant_id, s.incident_id, 'slack.ledger', c.lane,
        jsonb_build_object('type', 'ledger', 'generation', s.generation, 'loop', s.loop, 'step', s.step),
        'ledger:' || s.incident_id || ':' || s.generation || ':' || s.loop || ':' || s.step || ${PENDING_KEY}::text,
        ${at}, ${at}
      from (${steps}) s
      join lateral (select o.lane from outbox o where o.tenant_id = s.tenant_id and o.incident_id = s.incident_id
          and o.destination = any(${CARD_POSTS}::text[]) order by o.id limit 1) c on true
      on conflict (idempotency_key) do nothing
      returning 1 as added`;
}

/** Wakes the outbox's workers (at commit) when `added`, a `with` clause of `ledgerInsert`, added a row. */
export const ledgerWake = (added: string): RawBuilder<unknown> =>
  sql`select pg_notify(${OUTBOX_CHANNEL}, '') where exists (select 1 from ${sql.ref(added)})`;

/**
 * A page of these steps changed (queued, sent, delivered, failed, cancelled, acknowledged…): their ledgers are
 * redrawn from the database as it is then. One statement in the caller's transaction, sent without waiting on a
 * light transaction; nothing for an incident without a card.
 */
export async function ledgerTouched(
  em: Em,
  steps: LedgerStep | readonly LedgerStep[],
  at: Date,
): Promise<void> {
  const list = Array.isArray(steps) ? (steps as readonly LedgerStep[]) : [steps as LedgerStep];
  const seen = new Map<string, LedgerStep>();
  for (const s of list) seen.set(`${s.incidentId}:${s.generation}:${s.loop}:${s.step}`, s);
  if (seen.size === 0) return;
  const json = JSON.stringify(
    [...seen.values()].map((s) => ({
      tenant_id: s.tenantId,
      incident_id: s.incidentId,
      generation: s.generation,
      loop: s.loop,
      step: s.step,
    })),
  );
  const relation = sql`select * from jsonb_to_recordset(${json}::jsonb)
      as x(tenant_id uuid, incident_id uuid, generation int, loop int, step int)`;
  await command(em, sql`with added as (${ledgerInsert(relation, at)}) ${ledgerWake('added')}`);
}
