import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { withEm, withTx } from '../../db/tx.js';
import { type Actor, USER_ROLES } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
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
});
export type UserInput = z.input<typeof userInputSchema>;

export interface UserDto {
  id: string;
  name: string;
  email: string | null;
  slackUserId: string | null;
  timeZone: string;
  role: string;
}

const toDto = (r: UserRow): UserDto => ({
  id: r.id,
  name: r.name,
  email: r.email,
  slackUserId: r.slack_user_id,
  timeZone: r.time_zone,
  role: r.role,
});

export class UsersService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

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
      const row = await usersStore.insert(em, actor.tenantId, {
        name: data.name,
        email: data.email ?? null,
        slackUserId: data.slackUserId ?? null,
        timeZone: data.timeZone,
        role: data.role,
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
