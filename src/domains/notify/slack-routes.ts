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
