/**
 * Where outbox rows go. A destination says what kind of send a row is (a Slack channel post, a DM, an SMS…) and
 * types its payload; the row's `lane` says to whom (a Slack channel, a Slack user, a phone number). Holds
 * (Retry-After) and ordering apply per lane of a platform, so one channel's rate limit never holds up another.
 */
import { z } from 'zod';
import { timelineEventSchema } from '../incidents/index.js';

export const DESTINATIONS = [
  'slack.post',
  'slack.update',
  'slack.reply',
  'slack.ledger',
  'slack.dm',
  'slack.home',
  'slack.usergroup',
  'slack.channel',
  'slack.mirror',
  'slack.run',
  'slack.file',
  'slack.upload',
  'sms',
  'voice',
  'webhook',
] as const;
export type Destination = (typeof DESTINATIONS)[number];

export const PLATFORMS = ['slack', 'sms', 'voice', 'webhook'] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface DestinationSpec {
  /** Whose lanes these are: leases and holds are per (platform, lane). */
  platform: Platform;
  /**
   * How rows leased together for one incident and lane are sent: `none` one by one; `latest` one send covers them
   * all (it renders what is true now: card updates, App Home, a user group's members); `coalesce` consecutive
   * bursty items become one message (thread replies for alerts).
   */
  merge: 'none' | 'latest' | 'coalesce';
  /** A row of an incident posts its card: the message later updates and replies in the lane attach to. */
  postsCard: boolean;
  /** Needs the incident's card in its lane (waits while the card is being posted). */
  needsCard: boolean;
  /** An earlier attempt that may have been sent is looked for before sending again (a second copy would show). */
  lookUpMaybeSent: boolean;
  /** A card posted now shows what the row would (the card's own updates): the row is then skipped. */
  coveredByNewCard: boolean;
}

const slack = (spec: Partial<DestinationSpec>): DestinationSpec => ({
  platform: 'slack',
  merge: 'none',
  postsCard: false,
  needsCard: false,
  lookUpMaybeSent: false,
  coveredByNewCard: false,
  ...spec,
});

const phone = (platform: 'sms' | 'voice' | 'webhook'): DestinationSpec => ({
  platform,
  merge: 'none',
  postsCard: false,
  needsCard: false,
  lookUpMaybeSent: false,
  coveredByNewCard: false,
});

export const DESTINATION_SPECS: Record<Destination, DestinationSpec> = {
  'slack.post': slack({ postsCard: true, lookUpMaybeSent: true }),
  'slack.update': slack({ merge: 'latest', needsCard: true, coveredByNewCard: true }),
  'slack.reply': slack({ merge: 'coalesce', needsCard: true, lookUpMaybeSent: true }),
  /**
   * A step's delivery ledger in the card's thread, rendered from the database as it is now (one send per step
   * among merged rows). Its adapter looks for an earlier post itself (the first send posts, later ones edit).
   */
  'slack.ledger': slack({ merge: 'latest', needsCard: true }),
  'slack.dm': slack({}),
  'slack.home': slack({ merge: 'latest' }),
  'slack.usergroup': slack({ merge: 'latest' }),
  /**
   * The incident's own channel: made (created, responders invited, summary pinned, links bookmarked), renamed,
   * archived. Its adapter works from the channel's record, each step once, so a retry does what is left.
   */
  'slack.channel': slack({}),
  /** A timeline event mirrored into the incident's channel (a message of its own there, not a thread reply). */
  'slack.mirror': slack({ lookUpMaybeSent: true }),
  /**
   * A runbook action run's message in the card's thread, rendered from the run as it is now: the first send posts
   * it and records where (the run's row), later ones edit it in place.
   */
  'slack.run': slack({ merge: 'latest', needsCard: true }),
  /**
   * A file uploaded into the card's thread (an SLA burn's chart): rendered when sent, uploaded with
   * `files.getUploadURLExternal`, the upload POST and `files.completeUploadExternal`.
   */
  'slack.file': slack({ needsCard: true }),
  /**
   * Files uploaded into a channel of their own (the lane), not a card's thread: the weekly SLA report's charts,
   * rendered from the payload when sent, with the same three calls as `slack.file`.
   */
  'slack.upload': slack({}),
  sms: phone('sms'),
  voice: phone('voice'),
  webhook: phone('webhook'),
};

/** The destinations whose rows of an incident post its card: an incident's cards are its rows of these. */
export const CARD_POSTS: readonly Destination[] = DESTINATIONS.filter((d) => DESTINATION_SPECS[d].postsCard);

/** The destinations of a platform. */
export const destinationsOf = (platform: Platform): Destination[] =>
  DESTINATIONS.filter((d) => DESTINATION_SPECS[d].platform === platform);

/** How a platform is named when telling people it is not set up. */
export const PLATFORM_NAMES: Record<Platform, string> = {
  slack: 'Slack',
  sms: 'SMS',
  voice: 'Voice calls',
  webhook: 'Outgoing webhooks',
};

const person = z
  .object({ name: z.string(), slackUserId: z.string().nullable(), timeZone: z.string() })
  .nullable();

/** A handoff announcement (the rosters domain's HandoffNotice, as much of it as a message shows). */
export const handoffPayloadSchema = z.object({
  type: z.literal('handoff'),
  scheduleName: z.string(),
  timeZone: z.string(),
  at: z.iso.datetime({ offset: true }),
  until: z.iso.datetime({ offset: true }).nullable(),
  from: person,
  to: person,
});
export type HandoffPayload = z.infer<typeof handoffPayloadSchema>;

const incidentCard = z.object({ type: z.literal('incident_card') });

/** A maintenance window's occurrence starting or ending (the silences domain), posted in its service's channel. */
export const maintenancePayloadSchema = z.object({
  type: z.literal('maintenance'),
  phase: z.enum(['started', 'ended']),
  service: z.string(),
  name: z.string(),
  timeZone: z.string(),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
});

/** A metric's cardinality notice to a tenant's admins (rollups domain): past the warning threshold or the limit. */
export const cardinalityPayloadSchema = z.object({
  type: z.literal('cardinality'),
  kind: z.enum(['warning', 'limit']),
  metric: z.string(),
  series: z.number().int(),
  warnAt: z.number().int(),
  limit: z.number().int(),
});

/** A page (escalation domain): rendered from the page and the incident as they are when it is sent. */
export const pagePayloadSchema = z.object({ type: z.literal('page'), pageId: z.string() });
/** A sent page's DM brought up to date in place (chat.update on the page's stored channel and ts). */
export const pageUpdatePayloadSchema = z.object({ type: z.literal('page_update'), pageId: z.string() });
/**
 * An escalation's post in a channel (the row has no incident, so it is no card): a slack_channel target's page
 * (`page`: @here and an Acknowledge button), or the notice that nobody acknowledged (`exhausted`).
 */
export const escalationPostPayloadSchema = z.object({
  type: z.literal('escalation_post'),
  kind: z.enum(['page', 'exhausted']),
  incidentId: z.string(),
  pageId: z.string().nullable(),
  loops: z.number().int().optional(),
});
export type EscalationPostPayload = z.infer<typeof escalationPostPayloadSchema>;

/**
 * An SMS or a call (the row's lane is the phone number, E.164): a `page` (rendered from the page, bundled with
 * the person's other pages queued for that number) or a contact method's `verification` code.
 */
export const twilioPayloadSchema = z.discriminatedUnion('type', [
  pagePayloadSchema,
  z.object({ type: z.literal('verification'), contactMethodId: z.string(), code: z.string() }),
]);
export type TwilioPayload = z.infer<typeof twilioPayloadSchema>;

/** A step's delivery ledger (the thread reply under the card), rendered from the step's pages as they are now. */
export const ledgerPayloadSchema = z.object({
  type: z.literal('ledger'),
  generation: z.number().int().min(0),
  loop: z.number().int().min(0),
  step: z.number().int().min(0),
});
export type LedgerPayload = z.infer<typeof ledgerPayloadSchema>;

/** What is done to an incident's channel (see `slack.channel`). */
export const channelOpPayloadSchema = z.object({ op: z.enum(['open', 'rename', 'archive']) });
export type ChannelOpPayload = z.infer<typeof channelOpPayloadSchema>;

/** One timeline event, rendered from its data (a thread reply under the card, a message in the channel). */
const eventPayload = z.object({
  event: timelineEventSchema,
  actorName: z.string(),
  actorSlackId: z.string().nullable(),
  at: z.iso.datetime({ offset: true }),
});
/**
 * A status update for the people following an incident (a DM to a person, a post in a channel), with what the
 * message shows; the row has no incident when posted in a channel (it is no card).
 */
export const statusUpdatePayloadSchema = z.object({
  type: z.literal('status_update'),
  incidentId: z.string(),
  ref: z.string(),
  title: z.string(),
  severity: z.number().int().min(1).max(5),
  drill: z.boolean().default(false),
  status: z.enum(['investigating', 'identified', 'monitoring', 'resolved']),
  message: z.string(),
  authorName: z.string(),
  at: z.iso.datetime({ offset: true }),
});
export type StatusUpdatePayload = z.infer<typeof statusUpdatePayloadSchema>;

/** "INC-42 has had no status update for 30 min", with a "Post update" button. */
export const updateReminderPayloadSchema = z.object({
  type: z.literal('update_reminder'),
  incidentId: z.string(),
  ref: z.string(),
  title: z.string(),
  silentMinutes: z.number().int().min(1),
});
export type UpdateReminderPayload = z.infer<typeof updateReminderPayloadSchema>;
/**
 * An overdue postmortem action item's daily reminder to its owner (the row's lane is their Slack user id):
 * rendered from the item as it is when sent (nothing when it was closed meanwhile).
 */
export const actionItemReminderSchema = z.object({
  type: z.literal('action_item_reminder'),
  itemId: z.string(),
  day: z.iso.date(),
});

/** A runbook action run's message (remediation domain), rendered from the run as it is when sent. */
export const runbookRunPayloadSchema = z.object({ type: z.literal('runbook_run'), runId: z.string() });
/** An SLA burn's chart (the last 24 h against the week before), rendered from Silver when uploaded. */
export const slaChartPayloadSchema = z.object({
  type: z.literal('sla_chart'),
  definitionKey: z.string(),
  service: z.string(),
  at: z.iso.datetime({ offset: true }),
});
export type SlaChartPayload = z.infer<typeof slaChartPayloadSchema>;

/** One service's line of the weekly SLA report (the sla domain's ReportLine). */
const slaReportLineSchema = z.object({
  service: z.string(),
  objective: z.string(),
  target: z.number(),
  window: z.enum(['30d', 'quarterly']),
  week: z.number().nullable(),
  windowAttainment: z.number().nullable(),
  budgetLeft: z.number().nullable(),
  trend: z.enum(['up', 'down', 'flat']),
  breaches: z.number().int().min(0),
  days: z.array(z.object({ day: z.iso.date(), pct: z.number() })).max(14),
});
/**
 * The weekly SLA report of a tenant (posted as a message in its report channel, `slack.post`, and its charts
 * uploaded there, `slack.upload`), with the figures as they were when it was due.
 */
export const slaReportPayloadSchema = z.object({
  type: z.literal('sla_report'),
  week: z.string().regex(/^\d{4}-W\d{2}$/),
  from: z.iso.date(),
  to: z.iso.date(),
  lines: z.array(slaReportLineSchema).max(500),
  /** SLAs past the 500 the payload carries. */
  more: z.number().int().min(0).default(0),
});
export type SlaReportPayload = z.output<typeof slaReportPayloadSchema>;

/** What each destination's rows carry, checked on the way out of the database. */
export const PAYLOADS = {
  'slack.post': z.discriminatedUnion('type', [
    incidentCard,
    handoffPayloadSchema,
    escalationPostPayloadSchema,
    statusUpdatePayloadSchema,
    maintenancePayloadSchema,
    cardinalityPayloadSchema,
    slaReportPayloadSchema,
  ]),
  'slack.update': incidentCard,
  /** One timeline event (several when coalesced), rendered from its data under the card. */
  'slack.reply': eventPayload,
  'slack.ledger': ledgerPayloadSchema,
  'slack.dm': z.discriminatedUnion('type', [
    z.object({ type: z.literal('message'), text: z.string(), blocks: z.array(z.unknown()).optional() }),
    handoffPayloadSchema,
    pagePayloadSchema,
    pageUpdatePayloadSchema,
    statusUpdatePayloadSchema,
    updateReminderPayloadSchema,
    actionItemReminderSchema,
  ]),
  'slack.home': z.object({}),
  'slack.usergroup': z.object({
    users: z.array(z.string()).min(1),
    scheduleId: z.string(),
    scheduleName: z.string(),
  }),
  'slack.channel': channelOpPayloadSchema,
  'slack.mirror': eventPayload,
  'slack.run': runbookRunPayloadSchema,
  'slack.file': slaChartPayloadSchema,
  'slack.upload': slaReportPayloadSchema,
  sms: twilioPayloadSchema,
  voice: twilioPayloadSchema,
  webhook: z.object({ url: z.url(), body: z.unknown() }),
} as const satisfies Record<Destination, z.ZodType>;

export type PayloadOf<D extends Destination> = z.output<(typeof PAYLOADS)[D]>;
/** A payload as code writes it (before defaults). */
export type PayloadInput<D extends Destination> = z.input<(typeof PAYLOADS)[D]>;
