import type { App } from '@slack/bolt';
import { AppError } from '../shared/errors.js';
import type { OpsWatchContext } from './context.js';
import type { IdentityResolver } from './identity.js';
import { slackTeamOf, slackUserOf } from './surface.js';

/** Puts the request's ack, client and (lazily resolved) actor on Bolt's context for listeners and errors. */
export function registerIdentity(app: App, resolve: IdentityResolver): void {
  app.use(async (args) => {
    const ctx = args.context as OpsWatchContext & { teamId?: string };
    const body = args.body as Record<string, unknown>;
    const ack = (args as { ack?: (r?: unknown) => Promise<void> }).ack;
    if (ack) ctx.opswatchAck = ack;
    ctx.webClient = args.client;
    const team = slackTeamOf(body) ?? ctx.teamId;
    const user = slackUserOf(body);
    let pending: Promise<Awaited<ReturnType<IdentityResolver>>> | undefined;
    ctx.actor = () => {
      if (!team || !user)
        throw new AppError('unauthorized', 'This Slack request names no workspace or user.');
      pending ??= resolve(args.client, team, user);
      return pending;
    };
    await args.next();
  });
}
