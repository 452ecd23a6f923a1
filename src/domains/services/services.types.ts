import { z } from 'zod';
import { severityInputSchema } from '../incidents/index.js';
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
  autoChannel: z
    .object({
      minSeverity: severityInputSchema.meta({
        description: '1 (P1) to 5, or "P1" to "P5"',
        type: ['integer', 'string'],
        pattern: '^\\s*[Pp]?[1-5]\\s*$',
      }),
    })
    .strict()
    .nullish()
    .meta({
      description:
        'Incidents of this severity or worse get their own Slack channel when they open (`{ minSeverity: 1 }`: P1 only); none: channels are opened by hand',
    }),
  channelArchiveHours: z
    .number({ error: 'channelArchiveHours must be a number of hours.' })
    .int('channelArchiveHours must be a whole number of hours.')
    .min(0)
    .max(8760, 'channelArchiveHours is at most 8760 (a year).')
    .nullish()
    .meta({
      description:
        'Hours after an incident resolves that its channel is archived; none: INCIDENT_CHANNEL_ARCHIVE_HOURS (24)',
    }),
});
export type ServiceInput = z.input<typeof serviceInputSchema>;
export type ParsedService = z.output<typeof serviceInputSchema>;

export interface ServiceDto {
  id: string;
  name: string;
  description: string | null;
  escalationPolicyId: string | null;
  slackChannel: string | null;
  autoChannel: { minSeverity: number } | null;
  channelArchiveHours: number | null;
  createdAt: string;
  updatedAt: string;
}
