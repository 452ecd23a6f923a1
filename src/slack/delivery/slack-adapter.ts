import type { WebClient } from '@slack/web-api';
import { cardinalityPost } from '../../../blocks/cardinality.blocks.js';
import { handoffDm, handoffPost } from '../../../blocks/handoff.blocks.js';
import { incidentCard } from '../../../blocks/incident-card.blocks.js';
import { timelineReply } from '../../../blocks/incident-thread.blocks.js';
import { statusUpdateMessage, updateReminderDm } from '../../../blocks/incident-updates.blocks.js';
import { maintenancePost } from '../../../blocks/silence.blocks.js';
import { slaWeeklyReport } from '../../../blocks/sla-report.blocks.js';
import type { IncidentView } from '../../../blocks/types.js';
import {
  type CardMessage,
  type DeliveryAdapter,
  DeliveryError,
  type DeliveryRegistry,
  type Destination,
  deliveryRegistry,
  type FoundSent,
  type OutboxRow,
  PAYLOADS,
  type PayloadOf,
  type PostedCard,
  type SendUnit,
} from '../../domains/notify/index.js';
import { rendererActor } from '../../shared/actor.js';
import { blockOptions, type SlackDeps } from '../context.js';
import { toHandoffView } from '../handoff-view.mapper.js';
import { renderHome } from '../home.js';
import { toCardEscalationView, toStatusUpdateView, toTimelineItemView } from '../incident-view.mapper.js';
import { knownProblemView } from '../kb-view.mapper.js';
import { sendActionItemReminder } from './action-item-delivery.js';
import { channelDelivery } from './channel-delivery.js';
import { ledgerDelivery } from './ledger-delivery.js';
import { cardPermalink, sendEscalationPost, sendPageDm, updatePageDm } from './page-delivery.js';
import { findPosted, outboxMetadata } from './posted-lookup.js';
import { rowIncident } from './row-incident.js';
import { runbookRunDelivery } from './runbook-run-delivery.js';
import { slaChartDelivery } from './sla-chart-delivery.js';
import { slaReportChartsDelivery } from './sla-report-delivery.js';
import { toDeliveryError } from './slack-errors.js';

type Blocks = Parameters<WebClient['chat']['postMessage']>[0] extends infer A
  ? A extends { blocks?: infer B }
    ? B
    : never
  : never;

const payloadOf = <D extends Destination>(destination: D, row: OutboxRow): PayloadOf<D> => {
  const r = PAYLOADS[destination].safeParse(row.payload);
  if (!r.success) throw new DeliveryError('permanent', 'unreadable_payload');
  return r.data as PayloadOf<D>;
};

const needCard = (card: CardMessage | null): CardMessage => {
  if (!card) throw new DeliveryError('gone', 'no_card');
  return card;
};

const ids = (unit: SendUnit): string[] => unit.rows.map((r) => r.id);

/**
 * The Slack destinations' adapters: render each row from the current state (so updates coalesce to the latest)
 * and send it with the Web API. Posts carry the outbox ids in their metadata, so a post whose answer was lost is
 * found in the channel's history instead of posted twice.
 */
export function slackDelivery(client: WebClient, deps: SlackDeps): DeliveryRegistry {
  const incident = (row: OutboxRow): Promise<IncidentView> => rowIncident(deps, row);

  /** The incident as its card shows it: with its escalation's line (who is paged now, when the next step fires). */
  const cardView = async (row: OutboxRow): Promise<IncidentView> => {
    const view = await incident(row);
    const esc = await deps.services.pagingView.cardEscalation(rendererActor(row.tenantId), view.id);
    // A merged incident's card points to the card of the incident it was merged into.
    const mergedInto = view.mergedInto && {
      ...view.mergedInto,
      url: await cardPermalink(client, deps, row.tenantId, view.mergedInto.id),
    };
    const ch = await deps.services.channels.of(row.tenantId, view.id);
    const knownProblem =
      view.status === 'resolved' ? null : await knownProblemView(client, deps, row.tenantId, view.id);
    const runbooks =
      view.status === 'resolved' ? [] : await deps.services.runbooks.attachedTo(row.tenantId, view.id);
    const postmortemOffered =
      view.status === 'resolved' &&
      (await deps.services.postmortems.offersButton(row.tenantId, view.severity));
    // Cached per service for a few minutes by the SLA service: most card renders read nothing for it.
    const errorBudget = (await deps.services.sla.budgetLine(row.tenantId, view.service))?.text ?? null;
    return {
      ...view,
      mergedInto,
      escalation: esc ? toCardEscalationView(esc) : null,
      channel: ch ? { id: ch.channelId, name: ch.name, archived: ch.archived } : null,
      knownProblem,
      runbooks,
      postmortemOffered,
      errorBudget,
    };
  };

  /** What an earlier attempt of `row` posted in `channel` (in the thread `threadTs`), or null: then post. */
  const earlier = async (row: OutboxRow, channel: string, threadTs?: string): Promise<FoundSent | null> => {
    try {
      const found = await findPosted(client, {
        channel,
        outboxId: row.id,
        since: row.createdAt,
        ...(threadTs ? { threadTs } : {}),
        knownId: (c) => deps.outbox.channelIdOf(row.tenantId, c),
      });
      return found && { message: { channelId: found.channelId, ts: found.ts }, outboxIds: found.outboxIds };
    } catch (err) {
      // Rate limited, a 5xx or no answer: look again later (the row stays "maybe sent") rather than post a
      // second copy of what is most likely there.
      const e = toDeliveryError(err);
      if (e.kind === 'rate_limited' || e.kind === 'transient') throw e;
      // The history cannot be read at all (an app created from an older manifest lacks the scopes): post anyway,
      // a possible duplicate rather than a lost message.
      deps.log.warn({ err, outbox: row.id, channel }, 'could not look for an earlier post; posting');
      return null;
    }
  };

  const post: DeliveryAdapter = {
    findSent: (row) => earlier(row, row.lane),
    async send(unit): Promise<PostedCard | null> {
      const [row] = unit.rows;
      const p = payloadOf('slack.post', row);
      if (p.type === 'escalation_post') {
        await sendEscalationPost(client, deps, row, p);
        return null;
      }
      if (p.type === 'status_update') {
        const msg = statusUpdateMessage(toStatusUpdateView(p), blockOptions(deps));
        await client.chat.postMessage({
          channel: row.lane,
          text: msg.text,
          blocks: msg.blocks,
          unfurl_links: false,
          unfurl_media: false,
          metadata: outboxMetadata(ids(unit)),
        });
        return null;
      }
      const msg =
        p.type === 'incident_card'
          ? incidentCard(await cardView(row), blockOptions(deps))
          : p.type === 'maintenance'
            ? maintenancePost(
                { ...p, startsAt: new Date(p.startsAt), endsAt: new Date(p.endsAt) },
                { ...blockOptions(deps), timeZone: p.timeZone },
              )
            : p.type === 'cardinality'
              ? cardinalityPost(p)
              : p.type === 'sla_report'
                ? slaWeeklyReport(p)
                : handoffPost(toHandoffView(p), { ...blockOptions(deps), timeZone: p.timeZone });
      const res = await client.chat.postMessage({
        channel: row.lane,
        text: msg.text,
        blocks: msg.blocks,
        unfurl_links: false,
        unfurl_media: false,
        metadata: outboxMetadata(ids(unit)),
      });
      if (p.type !== 'incident_card') return null;
      if (!res.ts) throw new DeliveryError('transient', 'no_ts');
      return { channelId: res.channel ?? row.lane, ts: res.ts, recovered: false };
    },
  };

  const update: DeliveryAdapter = {
    async send(unit) {
      const c = needCard(unit.card);
      const msg = incidentCard(await cardView(unit.rows[0]), blockOptions(deps));
      await client.chat.update({ channel: c.channelId, ts: c.ts, text: msg.text, blocks: msg.blocks });
      return null;
    },
  };

  const reply: DeliveryAdapter = {
    findSent: (row, card) => {
      const c = needCard(card);
      return earlier(row, c.channelId, c.ts);
    },
    async send(unit) {
      const c = needCard(unit.card);
      const view = await incident(unit.rows[0]);
      const items = unit.rows.map((r) => payloadOf('slack.reply', r));
      const [first] = items;
      if (!first) return null;
      const item = toTimelineItemView(first, items.slice(1));
      const msg = timelineReply(item, view, blockOptions(deps));
      await client.chat.postMessage({
        channel: c.channelId,
        thread_ts: c.ts,
        text: msg.text,
        blocks: msg.blocks,
        metadata: outboxMetadata(ids(unit)),
      });
      return null;
    },
  };

  const dm: DeliveryAdapter = {
    async send(unit) {
      const [row] = unit.rows;
      const p = payloadOf('slack.dm', row);
      if (p.type === 'page') {
        await sendPageDm(client, deps, row, p.pageId);
        return null;
      }
      if (p.type === 'page_update') {
        await updatePageDm(client, deps, row, p.pageId);
        return null;
      }
      if (p.type === 'status_update' || p.type === 'update_reminder') {
        const msg =
          p.type === 'status_update'
            ? statusUpdateMessage(toStatusUpdateView(p), blockOptions(deps))
            : updateReminderDm(p);
        await client.chat.postMessage({ channel: row.lane, text: msg.text, blocks: msg.blocks });
        return null;
      }
      if (p.type === 'action_item_reminder') {
        await sendActionItemReminder(client, deps, row, p.itemId);
        return null;
      }
      if (p.type === 'handoff') {
        const zone = p.to?.timeZone ?? p.timeZone;
        const msg = handoffDm(toHandoffView(p), { ...blockOptions(deps), timeZone: zone });
        await client.chat.postMessage({ channel: row.lane, text: msg.text, blocks: msg.blocks });
        return null;
      }
      await client.chat.postMessage({
        channel: row.lane,
        text: p.text,
        ...(p.blocks ? { blocks: p.blocks as Blocks } : {}),
      });
      return null;
    },
  };

  const home: DeliveryAdapter = {
    // Home renders what is true now: one publish covers every queued one.
    async send(unit) {
      const [row] = unit.rows;
      await client.views.publish({ user_id: row.lane, view: await renderHome(deps, row.tenantId, row.lane) });
      return null;
    },
  };

  const usergroup: DeliveryAdapter = {
    // The latest membership wins.
    async send(unit) {
      const row = unit.rows.at(-1) ?? unit.rows[0];
      const p = payloadOf('slack.usergroup', row);
      await client.usergroups.users.update({ usergroup: row.lane, users: p.users.join(',') });
      return null;
    },
  };

  /** Every Slack error becomes a DeliveryError the outbox knows how to treat. */
  const mapped = (a: DeliveryAdapter): DeliveryAdapter => {
    const find = a.findSent?.bind(a);
    return {
      send: (unit) => a.send(unit).catch((err: unknown) => Promise.reject(toDeliveryError(err))),
      ...(find
        ? {
            findSent: (row, card) =>
              find(row, card).catch((err: unknown) => Promise.reject(toDeliveryError(err))),
          }
        : {}),
    };
  };
  const incidentChannel = channelDelivery(client, deps, (row, channel, threadTs) =>
    earlier(row, channel, threadTs || undefined),
  );
  return deliveryRegistry({
    'slack.post': mapped(post),
    'slack.update': mapped(update),
    'slack.reply': mapped(reply),
    'slack.ledger': mapped(
      ledgerDelivery(client, deps, (row, channel, threadTs) => earlier(row, channel, threadTs)),
    ),
    'slack.dm': mapped(dm),
    'slack.home': mapped(home),
    'slack.usergroup': mapped(usergroup),
    'slack.channel': mapped(incidentChannel.channel),
    'slack.mirror': mapped(incidentChannel.mirror),
    'slack.run': mapped(runbookRunDelivery(client, deps)),
    'slack.file': mapped(slaChartDelivery(client, deps, (row) => payloadOf('slack.file', row))),
    'slack.upload': mapped(slaReportChartsDelivery(client, (row) => payloadOf('slack.upload', row))),
  });
}
