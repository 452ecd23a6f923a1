import type { MikroORM } from '@mikro-orm/postgresql';
import type { OrmEm } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { withoutHash } from '../../shared/slack-channel.js';
import { coordinationStore } from './coordination.store.js';
import {
  type Follower,
  type IncidentRolesDto,
  type RoleInput,
  roleInputSchema,
  type StatusUpdateDto,
  type UpdateInput,
  type UpdateNotifier,
  updateInputSchema,
} from './coordination.types.js';
import type { IncidentAlertsPort } from './incident-alerts.port.js';
import type { IncidentEventSink } from './incident-events.js';
import { lockGroup } from './incident-ingest.js';
import { applyTransition, recordChanges } from './incident-lifecycle.js';
import { parseIncidentRef, toIncidentDto } from './incidents.mapper.js';
import { type IncidentRow, incidentsStore } from './incidents.store.js';
import { type IncidentDto, incidentRef } from './incidents.types.js';
import { parseTimelineEvent } from './timeline.types.js';

/** A status update as posted, with the incident as it left it. */
export interface PostedUpdate {
  update: StatusUpdateDto;
  incident: IncidentDto;
}

/** What following did: now following or not. */
export interface FollowResult {
  ref: string;
  following: boolean;
}

/**
 * Roles, status updates and followers of incidents. Every change is a timeline event written in the change's
 * transaction; status updates reach followers through the outbox (`notifier`), and the cadence of updates is kept
 * by the cadence sink and reminded by the engine (update-reminders.ts).
 */
export class CoordinationService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly events: IncidentEventSink,
    private readonly alerts: IncidentAlertsPort,
    private readonly notifier: UpdateNotifier,
  ) {}

  /** Gives a role to someone (replacing whoever held it), or clears it (`userId` null). */
  async setRole(actor: Actor, ref: string, input: RoleInput): Promise<IncidentDto> {
    authorize(actor, 'incident:role');
    const { role, userId } = parseInput(roleInputSchema, input, 'The role is not valid.');
    return this.locked(actor, ref, async (em, inc, now) => {
      const user = userId === null ? null : await incidentsStore.findUser(em, actor.tenantId, userId);
      if (userId !== null && !user)
        throw AppError.validation(`No user matches "${userId}". Use a user id, email or Slack user id.`, [
          { field: 'userId', message: 'unknown user' },
        ]);
      const before = await coordinationStore.holder(em, actor.tenantId, inc.id, role);
      if ((before?.id ?? null) === (user?.id ?? null)) return;
      await coordinationStore.setRole(em, actor.tenantId, inc.id, role, user?.id ?? null, now);
      const data = {
        role,
        userId: user?.id ?? null,
        userName: user?.name ?? '',
        ...(before ? { previousUserName: before.name } : {}),
      };
      await recordChanges(
        em,
        this.events,
        actor,
        [{ incidentId: inc.id, event: { kind: 'role_assigned', data } }],
        now,
      );
    });
  }

  async roles(actor: Actor, ref: string): Promise<IncidentRolesDto> {
    authorize(actor, 'incident:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await incidentsStore.get(em, actor.tenantId, parseIncidentRef(ref));
      if (!row) throw AppError.notFound(`Incident ${ref}`);
      return toIncidentDto(row).roles;
    });
  }

  /**
   * Posts a status update: a timeline event (a reply under the card), sent to every follower. An update with
   * status `resolved` resolves the incident too (its message is the resolution's note).
   */
  async postUpdate(actor: Actor, ref: string, input: UpdateInput): Promise<PostedUpdate> {
    authorize(actor, 'incident:update');
    const data = parseInput(updateInputSchema, input, 'The status update is not valid.');
    if (data.status === 'resolved') authorize(actor, 'incident:resolve');
    const updateId = newId();
    const at = this.clock.now();
    const incident = await this.locked(actor, ref, async (em, inc, now) => {
      if (inc.status === 'resolved')
        throw AppError.conflict(`${incidentRef(inc.number)} is resolved; it takes no more status updates.`);
      const event = { kind: 'status_update', data } as const;
      await recordChanges(em, this.events, actor, [{ incidentId: inc.id, event }], now);
      const followers = await coordinationStore.followers(em, actor.tenantId, inc.id);
      await this.notifier.updates(em, [
        {
          tenantId: actor.tenantId,
          incidentId: inc.id,
          updateId,
          ref: incidentRef(inc.number),
          title: inc.title,
          severity: inc.severity,
          drill: inc.drill === true,
          status: data.status,
          message: data.message,
          authorName: actor.name,
          at: now.toISOString(),
          dmTo: followers.flatMap((f) => (f.kind === 'user' && f.slack_user_id ? [f.slack_user_id] : [])),
          postTo: followers.flatMap((f) => (f.kind === 'channel' ? [f.target] : [])),
        },
      ]);
      if (data.status === 'resolved')
        await applyTransition(em, this.events, this.alerts, actor, inc, 'resolve', now, data.message);
    });
    const update: StatusUpdateDto = {
      id: updateId,
      status: data.status,
      message: data.message,
      author: { kind: actor.kind, id: actor.id, name: actor.name },
      createdAt: at.toISOString(),
    };
    return { update, incident };
  }

  /** The incident's status updates, oldest first (read from its timeline). */
  async updates(actor: Actor, ref: string): Promise<StatusUpdateDto[]> {
    authorize(actor, 'incident:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await incidentsStore.get(em, actor.tenantId, parseIncidentRef(ref));
      if (!row) throw AppError.notFound(`Incident ${ref}`);
      const timeline = await incidentsStore.timeline(em, actor.tenantId, row.id, 10_000);
      return timeline.flatMap((t) => {
        const e = parseTimelineEvent(t.kind, t.data);
        if (e?.kind !== 'status_update') return [];
        return [
          {
            id: t.id,
            status: e.data.status,
            message: e.data.message,
            author: { kind: t.actor_kind, id: t.actor_id, name: t.actor_name },
            createdAt: new Date(t.created_at).toISOString(),
          },
        ];
      });
    });
  }

  /**
   * Follows (or, with `follow` false, unfollows) the incident's status updates: the acting person by DM, or
   * `channel` (an id or name). With `follow` undefined it toggles (the card's "Follow / unfollow").
   */
  async follow(
    actor: Actor,
    ref: string,
    opts: { channel?: string; follow?: boolean } = {},
  ): Promise<FollowResult> {
    authorize(actor, 'incident:follow');
    const channel = opts.channel ? withoutHash(opts.channel.trim()) : '';
    let follower: Follower;
    if (channel) follower = { kind: 'channel', channel };
    else if (actor.kind === 'user' && actor.id) follower = { kind: 'user', userId: actor.id };
    else
      throw AppError.validation('Name a channel to follow the incident in.', [
        { field: 'channel', message: 'required' },
      ]);
    const d = await this.locked(actor, ref, async (em, inc, now) => {
      if (opts.follow !== true) {
        const removed = await coordinationStore.unfollow(em, actor.tenantId, inc.id, follower);
        if (removed || opts.follow === false) return;
      }
      await coordinationStore.follow(em, actor.tenantId, inc.id, follower, now);
    });
    const following = await withEm(this.orm, { tenantId: actor.tenantId }, async (em) =>
      (await coordinationStore.followers(em, actor.tenantId, d.id)).some(
        (f) =>
          f.kind === follower.kind &&
          f.target === (follower.kind === 'user' ? follower.userId : follower.channel),
      ),
    );
    return { ref: d.ref, following };
  }

  /** Who follows the incident: people (with their Slack ids) and channels. */
  async followers(actor: Actor, ref: string) {
    authorize(actor, 'incident:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await incidentsStore.get(em, actor.tenantId, parseIncidentRef(ref));
      if (!row) throw AppError.notFound(`Incident ${ref}`);
      const rows = await coordinationStore.followers(em, actor.tenantId, row.id);
      return rows.map((f) =>
        f.kind === 'user'
          ? { kind: 'user' as const, userId: f.target, name: f.name ?? '', slackUserId: f.slack_user_id }
          : { kind: 'channel' as const, channel: f.target },
      );
    });
  }

  /** Runs `fn` on the locked incident in one transaction (the same lock order as ingestion) and answers its DTO. */
  private async locked(
    actor: Actor,
    ref: string,
    fn: (em: OrmEm, inc: IncidentRow, now: Date) => Promise<void>,
  ): Promise<IncidentDto> {
    const q = parseIncidentRef(ref);
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const now = this.clock.now();
      const found = await incidentsStore.get(em, actor.tenantId, q);
      if (found?.group_key) await lockGroup(em, actor.tenantId, found.group_key, this.events);
      const inc = await incidentsStore.lock(em, actor.tenantId, q);
      if (!inc) throw AppError.notFound(`Incident ${ref}`);
      await fn(em, inc, now);
      const row = await incidentsStore.get(em, actor.tenantId, { id: inc.id });
      if (!row) throw AppError.notFound(`Incident ${ref}`);
      const counts = await this.alerts.counts(em, actor.tenantId, [row.id]);
      return toIncidentDto(row, counts.get(row.id));
    });
  }
}
