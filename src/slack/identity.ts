import type { WebClient } from '@slack/web-api';
import { type Actor, USER_ROLES, type UserRole } from '../shared/actor.js';
import type { SlackDeps } from './context.js';

const TTL_MS = 5 * 60_000;

const roleOf = (role: string): UserRole[] =>
  (USER_ROLES as readonly string[]).includes(role) ? [role as UserRole] : [];

/**
 * Who a Slack user is in OpsWatch: the tenant of their workspace and their user, created from `users.info` on first
 * sight (name, email, time zone), with their role from the users table (a new user is a responder). Cached for a
 * few minutes, so a role change takes up to that long to apply in Slack.
 */
export function identityResolver(deps: SlackDeps) {
  const cache = new Map<string, { actor: Actor; until: number }>();
  return async function resolve(client: WebClient, teamId: string, slackUserId: string): Promise<Actor> {
    const key = `${teamId}:${slackUserId}`;
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.actor;
    const tenant = await deps.services.tenants.forSlackTeam(teamId);
    let user = await deps.services.users.bySlackId(tenant.id, slackUserId);
    if (!user) {
      const info = await client.users.info({ user: slackUserId });
      const u = info.user;
      const name =
        u?.profile?.display_name || u?.profile?.real_name || u?.real_name || u?.name || slackUserId;
      user = await deps.services.users.upsertFromSlack(tenant.id, {
        slackUserId,
        name,
        email: u?.profile?.email ?? null,
        timeZone: u?.tz ?? null,
      });
    }
    const actor: Actor = {
      tenantId: tenant.id,
      kind: 'user',
      id: user.id,
      name: user.name,
      roles: roleOf(user.role),
      source: 'slack',
    };
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { actor, until: now + TTL_MS });
    return actor;
  };
}

export type IdentityResolver = ReturnType<typeof identityResolver>;
