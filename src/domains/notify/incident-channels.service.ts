import type { MikroORM } from '@mikro-orm/postgresql';
import type { RawBuilder } from 'kysely';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import type { IncidentEvent, IncidentEventSink, IncidentNoticeRecorder } from '../incidents/index.js';
import {
  type ChannelStep,
  type IncidentChannelRow,
  incidentChannelsStore,
} from './incident-channels.store.js';
import { outboxStore } from './outbox.store.js';
import type { NewOutboxRow } from './outbox.types.js';

/** An incident's channel as the card and the adapter see it. */
export interface IncidentChannelDto {
  incidentId: string;
  /** Null while it is being made. */
  channelId: string | null;
  name: string | null;
  requestedBy: string | null;
  invited: boolean;
  summaryTs: string | null;
  pinned: boolean;
  bookmarked: boolean;
  archiveAt: Date | null;
  archived: boolean;
}

/** The incident as opening its channel needs it (IncidentsService.get, as the person asking). */
export interface ChannelIncident {
  id: string;
  ref: string;
  service: string;
  status: string;
}

export interface IncidentChannelsOptions {
  findIncident: (actor: Actor, ref: string) => Promise<ChannelIncident>;
  recordNotice: IncidentNoticeRecorder;
  /**
   * A service's incidents of this severity or worse get a channel when they open (null: none): an SQL expression
   * of the service's name (services domain).
   */
  autoChannel: (tenantId: string, service: RawBuilder<string>) => RawBuilder<number | null>;
  /** Hours after resolution a service's channels are archived: an SQL expression of the service's name. */
  archiveHours: (tenantId: string, service: RawBuilder<string>) => RawBuilder<number>;
}

export interface OpenOutcome {
  /** `requested` now; `opening` asked for before and being made; `open` made already. */
  state: 'requested' | 'opening' | 'open';
  ref: string;
  channel: IncidentChannelDto | null;
}

const toDto = (r: IncidentChannelRow): IncidentChannelDto => ({
  incidentId: r.incident_id,
  channelId: r.channel_id,
  name: r.name,
  requestedBy: r.requested_by,
  invited: r.invited_at !== null,
  summaryTs: r.summary_ts,
  pinned: r.pinned_at !== null,
  bookmarked: r.bookmarked_at !== null,
  archiveAt: r.archive_at ? new Date(r.archive_at) : null,
  archived: r.archived_at !== null,
});

const opRow = (
  tenantId: string,
  incidentId: string,
  op: 'open' | 'rename' | 'archive',
  key: string,
): NewOutboxRow => ({
  tenantId,
  incidentId,
  destination: 'slack.channel',
  lane: `channel:${incidentId}`,
  payload: { op },
  key,
});

/**
 * Incident channels: asked for (a person, or automatically for a severe incident of a service that says so),
 * then made by the outbox (`slack.channel`) step by step, each step recorded here as it is done; renamed with the
 * incident, archived a while after it resolves (the engine's tick), the archiving called off if it re-triggers.
 */
export class IncidentChannelsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly opts: IncidentChannelsOptions,
  ) {}

  /** Opens the incident's channel ("Open channel", `/incident channel`): once, however often asked. */
  async open(actor: Actor, ref: string, requestedBy: string | null): Promise<OpenOutcome> {
    authorize(actor, 'incident:note');
    const inc = await this.opts.findIncident(actor, ref);
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const before = await incidentChannelsStore.get(em, actor.tenantId, inc.id);
      if (before) {
        const state = before.channel_id ? 'open' : 'opening';
        return { state, ref: inc.ref, channel: toDto(before) };
      }
      if (inc.status === 'resolved')
        throw AppError.conflict(`${inc.ref} is resolved: it needs no channel now.`);
      await this.request(em, actor.tenantId, inc.id, inc.service, requestedBy);
      return { state: 'requested' as const, ref: inc.ref, channel: null };
    });
  }

  /** The incident's channel, or null when none was asked for. */
  async of(tenantId: string, incidentId: string): Promise<IncidentChannelDto | null> {
    const row = await withEm(this.orm, { tenantId }, (em) =>
      incidentChannelsStore.get(em, tenantId, incidentId),
    );
    return row ? toDto(row) : null;
  }

  /** Slack made the channel: recorded at once (a retry then never makes another), with `channel_opened`. */
  async recordCreated(tenantId: string, incidentId: string, channelId: string, name: string): Promise<void> {
    await withTx(this.orm, { tenantId }, async (em) => {
      const at = this.clock.now();
      if (!(await incidentChannelsStore.created(em, tenantId, incidentId, channelId, name, at))) return;
      const event = { kind: 'channel_opened', data: { channelId, name } } as const;
      await this.opts.recordNotice(em, tenantId, incidentId, event, at);
    });
  }

  async recordStep(tenantId: string, incidentId: string, step: ChannelStep): Promise<void> {
    await withTx(this.orm, { tenantId }, (em) =>
      incidentChannelsStore.step(em, tenantId, incidentId, step, this.clock.now()),
    );
  }

  async recordSummary(tenantId: string, incidentId: string, ts: string): Promise<void> {
    await withTx(this.orm, { tenantId }, (em) =>
      incidentChannelsStore.summaryPosted(em, tenantId, incidentId, ts),
    );
  }

  async recordRenamed(tenantId: string, incidentId: string, name: string): Promise<void> {
    await withTx(this.orm, { tenantId }, (em) =>
      incidentChannelsStore.renamed(em, tenantId, incidentId, name),
    );
  }

  async recordArchived(tenantId: string, incidentId: string, channelId: string): Promise<void> {
    await withTx(this.orm, { tenantId }, async (em) => {
      const at = this.clock.now();
      if (!(await incidentChannelsStore.archived(em, tenantId, incidentId, at))) return;
      const event = { kind: 'channel_archived', data: { channelId } } as const;
      await this.opts.recordNotice(em, tenantId, incidentId, event, at);
    });
  }

  /**
   * The engine's tick: queues the archiving of every channel due (once per date, whatever the replicas: the rows
   * are marked queued in the transaction that queues them, and the outbox keys repeat harmlessly).
   */
  async archiveDue(now: Date): Promise<{ queued: number }> {
    return withTx(this.orm, 'system', async (em) => {
      const due = await incidentChannelsStore.dueForArchive(em, now, 100);
      const rows = due.map((d) =>
        opRow(
          d.tenant_id,
          d.incident_id,
          'archive',
          `channel:archive:${d.incident_id}:${new Date(d.archive_at).getTime()}`,
        ),
      );
      await outboxStore.enqueue(em, rows, now);
      return { queued: rows.length };
    });
  }

  /**
   * Subscribed to incident events, in the recording transaction: a new incident severe enough for its service's
   * setting gets its channel; resolving plans the archiving, re-triggering calls it off; a new title renames it.
   */
  readonly sink: IncidentEventSink = {
    record: async (em: Em, events: readonly IncidentEvent[]) => {
      const byTenant = new Map<string, IncidentEvent[]>();
      for (const e of events) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
      for (const [tenantId, list] of byTenant) await this.onEvents(em, tenantId, list);
    },
  };

  private async onEvents(em: Em, tenantId: string, events: IncidentEvent[]): Promise<void> {
    const at = events[0]?.at ?? this.clock.now();
    const ids = (kind: string) => [
      ...new Set(events.filter((e) => e.event.kind === kind).map((e) => e.incidentId)),
    ];
    const created = events.flatMap((e) =>
      e.event.kind === 'created' && !e.event.data.test
        ? [{ incidentId: e.incidentId, service: e.event.data.service, severity: e.event.data.severity }]
        : [],
    );
    await incidentChannelsStore.autoRequest(
      em,
      tenantId,
      created,
      (service) => this.opts.autoChannel(tenantId, service),
      at,
    );
    await incidentChannelsStore.scheduleArchive(em, tenantId, ids('resolved'), at, (service) =>
      this.opts.archiveHours(tenantId, service),
    );
    await incidentChannelsStore.cancelArchive(em, tenantId, ids('retriggered'));
    const renamed = ids('title_changed');
    if (renamed.length) {
      const rows = renamed.map((id) => opRow(tenantId, id, 'rename', `channel:rename:${id}:${newId()}`));
      await outboxStore.enqueue(em, rows, at);
    }
  }

  /** Records the request and queues the making of the channel, in the caller's transaction (once per incident). */
  private async request(
    em: Em,
    tenantId: string,
    incidentId: string,
    service: string,
    requestedBy: string | null,
  ): Promise<void> {
    const at = this.clock.now();
    if (!(await incidentChannelsStore.request(em, { tenantId, incidentId, service, requestedBy }, at)))
      return;
    await outboxStore.enqueue(em, [opRow(tenantId, incidentId, 'open', `channel:open:${incidentId}`)], at);
  }
}
