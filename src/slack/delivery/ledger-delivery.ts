import type { WebClient } from '@slack/web-api';
import { ledgerReply } from '../../../blocks/ledger.blocks.js';
import type { LedgerStepKey } from '../../domains/escalation/index.js';
import {
  type DeliveryAdapter,
  DeliveryError,
  type FoundSent,
  ledgerPayloadSchema,
  type OutboxRow,
} from '../../domains/notify/index.js';
import { rendererActor } from '../../shared/actor.js';
import { blockOptions, type SlackDeps } from '../context.js';
import { toLedgerView } from '../ledger-view.mapper.js';
import { outboxMetadata } from './posted-lookup.js';

/** What an earlier attempt of `row` posted in the thread `threadTs` of `channel`, or null (then post). */
export type LookUpEarlier = (row: OutboxRow, channel: string, threadTs: string) => Promise<FoundSent | null>;

/** The merged rows of one send, step by step (several steps' rows can be leased together). */
function byStep(incidentId: string, rows: readonly OutboxRow[]): { key: LedgerStepKey; rows: OutboxRow[] }[] {
  const steps = new Map<string, { key: LedgerStepKey; rows: OutboxRow[] }>();
  for (const row of rows) {
    const p = ledgerPayloadSchema.safeParse(row.payload);
    if (!p.success) continue;
    const id = `${p.data.generation}:${p.data.loop}:${p.data.step}`;
    const s = steps.get(id) ?? {
      key: { incidentId, generation: p.data.generation, loop: p.data.loop, step: p.data.step },
      rows: [],
    };
    s.rows.push(row);
    steps.set(id, s);
  }
  return [...steps.values()];
}

/**
 * `slack.ledger`: each step's delivery ledger, rendered from the database as it is now. The first send posts it
 * in the card's thread and records where (`page_ledgers`); later ones edit that message. A post whose answer was
 * lost is found in the thread by the outbox ids its metadata carries (as thread replies are) and edited, never
 * posted twice.
 */
export function ledgerDelivery(client: WebClient, deps: SlackDeps, earlier: LookUpEarlier): DeliveryAdapter {
  const ledger = deps.services.ledger;
  return {
    async send(unit) {
      const card = unit.card;
      if (!card) throw new DeliveryError('gone', 'no_card');
      const [first] = unit.rows;
      if (!first.incidentId) throw new DeliveryError('gone', 'no_incident');
      const tenantId = first.tenantId;
      for (const { key, rows } of byStep(first.incidentId, unit.rows)) {
        const dto = await ledger.step(rendererActor(tenantId), key);
        if (!dto) continue; // the step paged nobody: nothing to show
        const msg = ledgerReply(toLedgerView(dto), blockOptions(deps));
        let posted = await ledger.message(tenantId, key);
        if (!posted) {
          // This unit's rows that may have been posted, and the step's other rows that may have (an attempt
          // whose answer was lost, waiting for its retry): any of them found in the thread is the ledger.
          const others = await ledger.maybePosted(
            tenantId,
            key,
            rows.map((r) => r.id),
          );
          const candidates = [
            ...rows.filter((r) => r.maybeSent),
            ...others.map((o) => ({ ...first, id: o.id, createdAt: o.createdAt, maybeSent: true })),
          ];
          for (const row of candidates) {
            const found = await earlier(row, card.channelId, card.ts);
            if (!found) continue;
            posted = { channel: found.message.channelId, ts: found.message.ts };
            await ledger.saveMessage(tenantId, key, posted);
            break;
          }
        }
        if (posted) {
          await client.chat.update({
            channel: posted.channel,
            ts: posted.ts,
            text: msg.text,
            blocks: msg.blocks,
          });
          continue;
        }
        const res = await client.chat.postMessage({
          channel: card.channelId,
          thread_ts: card.ts,
          text: msg.text,
          blocks: msg.blocks,
          unfurl_links: false,
          unfurl_media: false,
          metadata: outboxMetadata(rows.map((r) => r.id)),
        });
        if (!res.ts) throw new DeliveryError('transient', 'no_ts');
        await ledger.saveMessage(tenantId, key, { channel: res.channel ?? card.channelId, ts: res.ts });
      }
      return null;
    },
  };
}
