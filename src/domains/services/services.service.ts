import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { withoutHash } from '../../shared/slack-channel.js';
import { recordAudit } from '../audit/index.js';
import { policyReads } from '../escalation/index.js';
import type { IncidentEvent, IncidentEventSink } from '../incidents/index.js';
import { type SlackRoutes, slackRoutesSchema } from '../notify/index.js';
import { type ServiceFields, type ServiceRow, servicesStore } from './services.store.js';
import { type ServiceDto, type ServiceInput, serviceInputSchema } from './services.types.js';

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

const toDto = (r: ServiceRow): ServiceDto => ({
  id: r.id,
  name: r.name,
  description: r.description,
  escalationPolicyId: r.escalation_policy_id,
  slackChannel: r.slack_channel,
  autoChannel: r.auto_channel_min_severity ? { minSeverity: r.auto_channel_min_severity } : null,
  channelArchiveHours: r.channel_archive_hours,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

const same = (r: ServiceRow, f: ServiceFields) =>
  r.name === f.name &&
  r.description === f.description &&
  r.slack_channel === f.slackChannel &&
  r.escalation_policy_id === f.escalationPolicyId &&
  r.auto_channel_min_severity === f.autoChannelMinSeverity &&
  r.channel_archive_hours === f.channelArchiveHours;

const nameTaken = (name: string) => AppError.conflict(`A service named "${name}" already exists.`);

/**
 * Services: what alerts name (created on first sight, with no policy), with their escalation policy and the Slack
 * channel their incidents are posted to. The tenant's Slack routes are these channels.
 */
export class ServiceCatalog {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly defaultChannel: string | null = null,
  ) {}

  /**
   * Subscribed to incident events: creates, in the recording transaction, the services newly opened incidents
   * name (one insert … on conflict do nothing per transaction, not waited for on a light transaction).
   */
  readonly sighting: IncidentEventSink = {
    record: async (em: Em, events: readonly IncidentEvent[]) => {
      const byTenant = new Map<string, Set<string>>();
      for (const e of events) {
        if (e.event.kind !== 'created' || e.event.data.test) continue;
        const names = byTenant.get(e.tenantId) ?? new Set<string>();
        if (e.event.data.service) names.add(e.event.data.service);
        byTenant.set(e.tenantId, names);
      }
      const at = this.clock.now();
      for (const [tenantId, names] of byTenant) await servicesStore.sighted(em, tenantId, [...names], at);
    },
  };

  async list(actor: Actor): Promise<ServiceDto[]> {
    authorize(actor, 'service:read');
    const rows = await withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      servicesStore.list(em, actor.tenantId),
    );
    return rows.map(toDto);
  }

  async get(actor: Actor, id: string): Promise<ServiceDto> {
    authorize(actor, 'service:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) =>
      toDto(await this.load(em, actor.tenantId, id)),
    );
  }

  async create(actor: Actor, input: ServiceInput | unknown): Promise<ServiceDto> {
    authorize(actor, 'service:write');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const fields = await this.parse(em, actor.tenantId, input);
      const row = await servicesStore.insert(em, actor.tenantId, fields, this.clock.now());
      if (!row) throw nameTaken(fields.name);
      await this.audit(em, actor, 'service.created', row);
      return toDto(row);
    });
  }

  async update(actor: Actor, id: string, input: ServiceInput | unknown): Promise<ServiceDto> {
    authorize(actor, 'service:write');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const before = await this.load(em, actor.tenantId, id);
      const fields = await this.parse(em, actor.tenantId, input);
      return toDto(await this.replace(em, actor, before, fields));
    });
  }

  /** Creates or replaces the service of this name (`opswatch apply`); nothing changes when it is the same. */
  async upsertByName(actor: Actor, input: unknown): Promise<{ outcome: UpsertOutcome; service: ServiceDto }> {
    authorize(actor, 'service:write');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const fields = await this.parse(em, actor.tenantId, input);
      const before = await servicesStore.byName(em, actor.tenantId, fields.name);
      if (!before) {
        const row = await servicesStore.insert(em, actor.tenantId, fields, this.clock.now());
        if (!row) throw nameTaken(fields.name);
        await this.audit(em, actor, 'service.created', row);
        return { outcome: 'created' as const, service: toDto(row) };
      }
      const row = await this.replace(em, actor, before, fields);
      return { outcome: row === before ? ('unchanged' as const) : ('updated' as const), service: toDto(row) };
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'service:write');
    await withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, id);
      await servicesStore.remove(em, actor.tenantId, row.id);
      await this.audit(em, actor, 'service.deleted', row);
    });
  }

  /** The Slack routes (service → channel: the services that have one) and the channel for the rest. */
  async routes(actor: Actor): Promise<{ routes: SlackRoutes; defaultChannel: string | null }> {
    authorize(actor, 'settings:read');
    const rows = await withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      servicesStore.list(em, actor.tenantId),
    );
    const routes = Object.fromEntries(
      rows.flatMap((r) => (r.slack_channel ? [[r.name, r.slack_channel]] : [])),
    );
    return { routes, defaultChannel: this.defaultChannel };
  }

  /** Replaces the routes: the services named get these channels (created when new), every other one none. */
  async setRoutes(actor: Actor, routes: SlackRoutes): Promise<SlackRoutes> {
    authorize(actor, 'settings:write');
    const parsed = parseInput(slackRoutesSchema, routes, 'The Slack routes are not valid.');
    const clean = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k.trim(), withoutHash(v)]));
    await withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      await servicesStore.replaceChannels(em, actor.tenantId, clean, this.clock.now());
      await recordAudit(
        em,
        actor,
        {
          action: 'slack_routes.updated',
          targetType: 'tenant',
          targetId: actor.tenantId,
          data: { routes: clean },
        },
        this.clock.now(),
      );
    });
    return clean;
  }

  private async parse(em: Em, tenantId: string, input: unknown): Promise<ServiceFields> {
    const data = parseInput(serviceInputSchema, input, 'The service is not valid.');
    const policyId = data.escalationPolicyId ?? null;
    if (policyId && !(await policyReads.exists(em, tenantId, policyId)))
      throw AppError.validation('The service is not valid.', [
        { field: 'escalationPolicyId', message: `No escalation policy has the id ${policyId}.` },
      ]);
    return {
      name: data.name,
      description: data.description ?? null,
      slackChannel: data.slackChannel ? withoutHash(data.slackChannel) : null,
      escalationPolicyId: policyId,
      autoChannelMinSeverity: data.autoChannel?.minSeverity ?? null,
      channelArchiveHours: data.channelArchiveHours ?? null,
    };
  }

  private async load(em: Em, tenantId: string, id: string): Promise<ServiceRow> {
    const row = isUuid(id) ? await servicesStore.byId(em, tenantId, id) : undefined;
    if (!row) throw AppError.notFound(`Service ${id}`);
    return row;
  }

  private async replace(em: Em, actor: Actor, before: ServiceRow, f: ServiceFields): Promise<ServiceRow> {
    if (same(before, f)) return before;
    const clash = await servicesStore.byName(em, actor.tenantId, f.name);
    if (clash && clash.id !== before.id) throw nameTaken(f.name);
    const row = await servicesStore.update(em, actor.tenantId, before.id, f, this.clock.now());
    if (!row) throw AppError.notFound(`Service ${before.id}`);
    await this.audit(em, actor, 'service.updated', row);
    return row;
  }

  private audit(em: Em, actor: Actor, action: string, row: ServiceRow): Promise<void> {
    return recordAudit(
      em,
      actor,
      { action, targetType: 'service', targetId: row.id, data: { name: row.name } },
      this.clock.now(),
    );
  }
}

/** Reads about services other domains make inside their own transactions. */
export const serviceReads = {
  usingPolicy: servicesStore.usingPolicy,
};
