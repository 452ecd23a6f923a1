import type { Em } from '../../db/sql.js';
import { beforeCommit } from '../../db/tx.js';
import type { Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type {
  IncidentEvent,
  IncidentEventSink,
  IncidentHint,
  IncidentNoticesRecorder,
} from '../incidents/index.js';
import { type GroupFacts, outboxStore } from './outbox.store.js';
import { type FactsNeeded, factsNeeded, needsNothing, type RoutingFacts, route } from './routing.calc.js';
import type { ChannelRoutes } from './slack-routes.js';

export interface RouterOptions {
  clock: Clock;
  /** SLACK_DEFAULT_CHANNEL */
  defaultChannel: string | null;
  /** Where the Slack routes are read from (the services' channels). */
  channels: ChannelRoutes;
  /** Writes the `notification_unrouted` notices on the incidents' timelines (IncidentsService.recordNotices). */
  recordNotices: IncidentNoticesRecorder;
  /** Told of each incident nobody is notified of (metrics). */
  onUnrouted?: (() => void) | undefined;
  log: Logger;
}

/** What one transaction gathered: its events, and facts read ahead for them. */
interface Gathered {
  events: IncidentEvent[];
  ahead: { tenantId: string; facts: Promise<GroupFacts> }[];
}

/**
 * Turns incident events into outbox rows, in the transaction that records them, whatever this process runs
 * (Slack or not: rows wait for a process that delivers them). Events are gathered for the whole transaction and
 * routed once, just before it commits: the facts routing needs (one query, or none when they were read ahead with
 * the transaction's statements), the pure `route`, and one insert sent without waiting for its answer.
 */
export class NotificationRouter implements IncidentEventSink {
  private readonly pending = new WeakMap<Em, Gathered>();

  constructor(private readonly opts: RouterOptions) {}

  async record(em: Em, events: readonly IncidentEvent[]): Promise<void> {
    this.gathered(em).events.push(...events);
  }

  /** Reads ahead, with the transaction's next statement, the facts events on these groups' incidents need. */
  expect(em: Em, hint: IncidentHint): void {
    const facts = outboxStore.groupFactsAhead(
      em,
      hint.tenantId,
      hint.groupKeys,
      this.opts.clock.now(),
      this.opts.channels,
    );
    if (!facts) return;
    facts.catch(() => {}); // read at the end of the transaction, which fails with it anyway
    this.gathered(em).ahead.push({ tenantId: hint.tenantId, facts });
  }

  private gathered(em: Em): Gathered {
    let g = this.pending.get(em);
    if (!g) {
      g = { events: [], ahead: [] };
      this.pending.set(em, g);
      beforeCommit(em, () => this.flush(em));
    }
    return g;
  }

  private async flush(em: Em): Promise<void> {
    const g = this.pending.get(em);
    this.pending.delete(em);
    if (!g) return;
    const byTenant = new Map<string, IncidentEvent[]>();
    for (const e of g.events) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
    for (const [tenantId, list] of byTenant) {
      const ahead = g.ahead.filter((a) => a.tenantId === tenantId).map((a) => a.facts);
      await this.routeTenant(em, tenantId, list, ahead);
    }
  }

  private async routeTenant(
    em: Em,
    tenantId: string,
    events: IncidentEvent[],
    ahead: Promise<GroupFacts>[],
  ): Promise<void> {
    const need = factsNeeded(events);
    if (needsNothing(need)) return;
    const at = events[0]?.at ?? this.opts.clock.now();
    const facts = await this.facts(em, tenantId, need, await Promise.all(ahead), at);
    const { rows, unrouted } = route(events, facts, {
      defaultChannel: this.opts.defaultChannel,
      batch: newId(),
    });
    await outboxStore.enqueue(em, rows, at);
    // One statement for every incident of the transaction nobody is notified of (a burst opens many).
    const notices = unrouted.map((u) => ({
      incidentId: u.incidentId,
      event: { kind: 'notification_unrouted', data: { service: u.service } } as const,
    }));
    await this.opts.recordNotices(em, tenantId, notices, at);
    for (const u of unrouted) {
      this.opts.onUnrouted?.();
      this.opts.log.info(
        { tenant: tenantId, incident: u.incidentId, service: u.service },
        'incident not notified: no Slack route and no default channel',
      );
    }
  }

  /** The facts read ahead, completed by one query for what they do not cover (none when they cover it all). */
  private async facts(
    em: Em,
    tenantId: string,
    need: FactsNeeded,
    ahead: GroupFacts[],
    at: Date,
  ): Promise<RoutingFacts> {
    const [first] = ahead;
    const covered = new Set(ahead.flatMap((a) => [...a.covered]));
    const missing: FactsNeeded = {
      routes: need.routes && !first,
      incidentIds: need.incidentIds.filter((id) => !covered.has(id)),
      userIds: need.userIds,
      homeUsers: need.homeUsers && !first,
    };
    const read = needsNothing(missing)
      ? null
      : await outboxStore.routingFacts(em, tenantId, missing, at, this.opts.channels);
    const cards = new Map([...ahead.flatMap((a) => [...a.cards]), ...(read ? [...read.cards] : [])]);
    const channels = new Map([...ahead.flatMap((a) => [...a.channels]), ...(read ? [...read.channels] : [])]);
    return {
      routes: first?.routes ?? read?.routes ?? {},
      cards,
      channels,
      slackIds: read?.slackIds ?? new Map(),
      homeUsers: first?.homeUsers ?? read?.homeUsers ?? [],
    };
  }
}
