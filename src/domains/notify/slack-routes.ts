import type { RawBuilder } from 'kysely';
import { z } from 'zod';
import { CHANNEL_REF } from '../../shared/slack-channel.js';

/** The tenant's Slack routes: service → channel (its incidents' cards are posted there). */
export const slackRoutesSchema = z.record(
  z.string().trim().min(1, 'a service name is required').max(200),
  z
    .string()
    .trim()
    .min(1, 'a channel is required')
    .max(80)
    // A pattern rather than a refinement: the OpenAPI document carries it.
    .regex(CHANNEL_REF, 'expected a channel id (C0123ABC) or name (#incidents)'),
);
export type SlackRoutes = z.infer<typeof slackRoutesSchema>;

/**
 * Where the routes are kept (the services domain: each service's Slack channel), as routing reads them: a scalar
 * subquery (a jsonb object service name → channel, or null) embedded in the routing facts' one statement, so the
 * webhook path pays no extra round trip and the SQL that knows that table stays with its domain.
 */
export interface ChannelRoutes {
  channels(tenantId: string): RawBuilder<unknown>;
}
