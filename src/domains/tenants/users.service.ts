import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import { type Actor, USER_ROLES } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { timeZoneSchema, zoneOrUtc } from '../../shared/time-zone.js';
import { recordAudit } from '../audit/index.js';
import { type UserRow, usersStore } from './users.store.js';

export const userInputSchema = z.object({
  name: z.string().trim().min(1, 'a name is required').max(200),
  email: z.email('expected an email address').optional(),
  slackUserId: z
    .string()
    .trim()
    .regex(/^[UW][A-Z0-9]+$/, 'expected a Slack user id such as U024BE7LH')
    .optional(),
  timeZone: timeZoneSchema.default('UTC'),
  role: z.enum(USER_ROLES).default('responder'),
  managerId: z.uuid({ error: 'managerId must be the id of a user.' }).nullish().meta({
    description: 'Their manager (a user of the same tenant): who `manager_of` escalation targets page',
  }),
});
export type UserInput = z.input<typeof userInputSchema>;

/** A change to a user: the fields given replace theirs (`managerId: null` removes the manager). */
export const userPatchSchema = z
  .object({
    name: z.string().trim().min(1, 'a name is required').max(200),
    email: z.email('expected an email address').nullable(),
    slackUserId: userInputSchema.shape.slackUserId.unwrap().nullable(),
    timeZone: userInputSchema.shape.timeZone.removeDefault(),
    role: z.enum(USER_ROLES),
    managerId: z.uuid({ error: 'managerId must be the id of a user.' }).nullable(),
  })
  .partial();
export type UserPatch = z.input<typeof userPatchSchema>;

/** Something else that names users (escalation policies): a user it names is not deleted. */
export interface UserReferences {
  /** Names of what uses this user (e.g. escalation policies). */
  using(em: Em, tenantId: string, ref: { kind: 'user'; id: string }): Promise<string[]>;
}

export interface UserDto {
  id: string;
  name: string;
  email: string | null;
  slackUserId: string | null;
  timeZone: string;
  role: string;
  managerId: string | null;
}

const toDto = (r: UserRow): UserDto => ({
  id: r.id,
  name: r.name,
  email: r.email,
  slackUserId: r.slack_user_id,
  timeZone: r.time_zone,
  role: r.role,
  managerId: r.manager_id,
});

/** A manager must be another user of the same tenant. */
async function checkManager(
  em: Em,
  tenantId: string,
  userId: string | null,
  managerId: string,
): Promise<void> {
  const problem = (message: string) =>
    AppError.validation('The user is not valid.', [{ field: 'managerId', message }]);
  if (managerId === userId) throw problem('A user cannot be their own manager.');
  if (!(await usersStore.byId(em, tenantId, managerId))) throw problem(`No user has the id ${managerId}.`);
}

export class UsersService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly references: UserReferences | null = null,
  ) {}

  async get(actor: Actor, id: string): Promise<UserDto> {
    authorize(actor, 'user:read');
    const row = await withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      this.load(em, actor.tenantId, id),
    );
    return toDto(row);
  }

  /** Changes the fields given (an admin's). */
  async update(actor: Actor, id: string, patch: UserPatch): Promise<UserDto> {
    authorize(actor, 'user:write');
    const p = parseInput(userPatchSchema, patch, 'The user is not valid.');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const before = await this.load(em, actor.tenantId, id);
      if (p.managerId) await checkManager(em, actor.tenantId, before.id, p.managerId);
      const row = await usersStore
        .update(em, actor.tenantId, before.id, {
          name: p.name ?? before.name,
          email: p.email === undefined ? before.email : p.email,
          slackUserId: p.slackUserId === undefined ? before.slack_user_id : p.slackUserId,
          timeZone: p.timeZone ?? before.time_zone,
          role: p.role ?? before.role,
          managerId: p.managerId === undefined ? before.manager_id : p.managerId,
        })
        .catch((err: unknown) => {
          if ((err as { code?: string }).code === '23505')
            throw AppError.conflict('Another user has that email or Slack user id.');
          throw err;
        });
      if (!row) throw AppError.notFound(`User ${id}`);
      await recordAudit(
        em,
        actor,
        { action: 'user.updated', targetType: 'user', targetId: row.id, data: { name: row.name, ...p } },
        this.clock.now(),
      );
      return toDto(row);
    });
  }

  /** Deletes a user, unless an escalation policy names them (409 listing the policies). */
  async remove(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'user:write');
    await withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, id);
      // Deleted first, then checked: a policy naming them that commits meanwhile holds the row (FOR SHARE) until
      // it commits, so the check below sees it, and the delete rolls back.
      await usersStore.remove(em, actor.tenantId, row.id);
      const users = (await this.references?.using(em, actor.tenantId, { kind: 'user', id: row.id })) ?? [];
      if (users.length)
        throw AppError.conflict(
          `${row.name} is named by the escalation ${users.length > 1 ? 'policies' : 'policy'} ` +
            `${users.map((n) => `"${n}"`).join(', ')}; take them out of ${users.length > 1 ? 'those policies' : 'it'} first.`,
        );
      await recordAudit(
        em,
        actor,
        { action: 'user.deleted', targetType: 'user', targetId: row.id, data: { name: row.name } },
        this.clock.now(),
      );
    });
  }

  /** Sets (or with null removes) a user's manager (`opswatch apply`); reports whether it changed. */
  async setManager(actor: Actor, id: string, managerId: string | null): Promise<boolean> {
    authorize(actor, 'user:write');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const before = await this.load(em, actor.tenantId, id);
      if (before.manager_id === managerId) return false;
      if (managerId) await checkManager(em, actor.tenantId, before.id, managerId);
      await usersStore.setManager(em, actor.tenantId, before.id, managerId);
      await recordAudit(
        em,
        actor,
        {
          action: 'user.updated',
          targetType: 'user',
          targetId: before.id,
          data: { name: before.name, managerId },
        },
        this.clock.now(),
      );
      return true;
    });
  }

  private async load(em: Em, tenantId: string, id: string) {
    const row = isUuid(id) ? await usersStore.byId(em, tenantId, id) : undefined;
    if (!row) throw AppError.notFound(`User ${id}`);
    return row;
  }

  async list(actor: Actor): Promise<UserDto[]> {
    authorize(actor, 'user:read');
    const rows = await withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      usersStore.list(em, actor.tenantId),
    );
    return rows.map(toDto);
  }

  async create(actor: Actor, input: UserInput): Promise<UserDto> {
    authorize(actor, 'user:write');
    const data = parseInput(userInputSchema, input, 'The user is not valid.');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      if (data.managerId) await checkManager(em, actor.tenantId, null, data.managerId);
      const row = await usersStore.insert(em, actor.tenantId, {
        name: data.name,
        email: data.email ?? null,
        slackUserId: data.slackUserId ?? null,
        timeZone: data.timeZone,
        role: data.role,
        managerId: data.managerId ?? null,
      });
      if (!row) throw AppError.conflict('A user with that email or Slack user id already exists.');
      await recordAudit(
        em,
        actor,
        { action: 'user.created', targetType: 'user', targetId: row.id, data: { name: data.name } },
        this.clock.now(),
      );
      return toDto(row);
    });
  }

  /** Creates or updates the user with this email (`opswatch apply`); reports which, or that nothing changed. */
  async upsertByEmail(
    actor: Actor,
    input: UserInput & { email: string },
  ): Promise<{ outcome: 'created' | 'updated' | 'unchanged'; user: UserDto }> {
    authorize(actor, 'user:write');
    const data = parseInput(userInputSchema, input, 'The user is not valid.');
    const email = data.email ?? input.email;
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const before = (await usersStore.list(em, actor.tenantId)).find((u) => u.email === email);
      if (
        before &&
        before.name === data.name &&
        before.time_zone === data.timeZone &&
        (data.slackUserId === undefined || before.slack_user_id === data.slackUserId)
      )
        return { outcome: 'unchanged' as const, user: toDto(before) };
      const row = await usersStore.upsertByEmail(em, actor.tenantId, {
        name: data.name,
        email,
        slackUserId: data.slackUserId ?? null,
        timeZone: data.timeZone,
      });
      if (!row) throw AppError.conflict(`The Slack user id of ${email} belongs to another user.`);
      const outcome = row.inserted ? ('created' as const) : ('updated' as const);
      await recordAudit(
        em,
        actor,
        { action: `user.${outcome}`, targetType: 'user', targetId: row.id, data: { name: data.name } },
        this.clock.now(),
      );
      return { outcome, user: toDto(row) };
    });
  }

  /**
   * Finds or creates the user behind a Slack id (first sight creates them from the Slack profile, as a
   * responder). Identity, not an action: the Slack workspace vouches for the person.
   */
  async upsertFromSlack(
    tenantId: string,
    profile: { slackUserId: string; name: string; email: string | null; timeZone: string | null },
  ): Promise<UserDto> {
    return withTx(this.orm, { tenantId }, async (em) => {
      if (profile.email) await usersStore.linkSlackByEmail(em, tenantId, profile.email, profile.slackUserId);
      // Slack's `tz` is an IANA name; anything else (or none) is stored as UTC, as users' inputs are checked.
      const row = await usersStore.upsertBySlackId(em, tenantId, {
        ...profile,
        timeZone: zoneOrUtc(profile.timeZone),
      });
      if (!row) throw new Error('user upsert returned nothing');
      return toDto(row);
    });
  }

  async bySlackId(tenantId: string, slackUserId: string): Promise<UserDto | null> {
    const row = await withEm(this.orm, { tenantId }, (em) => usersStore.bySlackId(em, tenantId, slackUserId));
    return row ? toDto(row) : null;
  }
}
