import { z } from 'zod';
import { slackRoutesSchema } from '../notify/index.js';

/** A Slack channel as routes take it: a name (`#payments-oncall`, the `#` is dropped) or an id (`C0123ABC`). */
export const slackChannelSchema = slackRoutesSchema.valueType;

/** A service as the REST API and `opswatch apply` take it. An alert's `service` names one. */
export const serviceInputSchema = z.object({
  name: z
    .string({ error: 'name is required.' })
    .trim()
    .min(1, 'name must not be empty.')
    .max(200, 'name is too long (200 characters at most).'),
  escalationPolicyId: z
    .uuid({ error: 'escalationPolicyId must be the id of an escalation policy.' })
    .nullish()
    .meta({ description: 'Its escalation policy; none: the tenant’s default policy applies' }),
  slackChannel: slackChannelSchema
    .nullish()
    .meta({ description: 'Where its incidents’ cards are posted; none: SLACK_DEFAULT_CHANNEL' }),
  description: z.string().trim().max(2000, 'description is too long (2000 characters at most).').nullish(),
});
export type ServiceInput = z.input<typeof serviceInputSchema>;
export type ParsedService = z.output<typeof serviceInputSchema>;

export interface ServiceDto {
  id: string;
  name: string;
  description: string | null;
  escalationPolicyId: string | null;
  slackChannel: string | null;
  createdAt: string;
  updatedAt: string;
}
