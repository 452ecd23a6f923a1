/**
 * Timeline events: what happened to an incident, as a kind and typed data. Everything people read about an
 * event (REST's `message`, a Slack thread reply) is rendered from the data (timeline.calc.ts); nothing parses
 * text back apart. Postmortems, MTTA/MTTR, SLA snapshots and the paging ledger read these events too.
 */
import { z } from 'zod';
import { INCIDENT_ROLES, UPDATE_STATUSES } from './coordination.types.js';

const severity = z.number().int().min(1).max(5);

/** Root cause categories a resolution is filed under (the resolve form, the REST API, the knowledge base). */
export const ROOT_CAUSES = ['config', 'deploy', 'capacity', 'dependency', 'hardware', 'unknown'] as const;
export type RootCause = (typeof ROOT_CAUSES)[number];
const rootCause = z.enum(ROOT_CAUSES);
/** Acknowledge, resolve, re-trigger: an optional note, and how many firing alerts the change ended. */
const transition = z.object({
  note: z.string().optional(),
  endedAlerts: z.number().int().min(0).default(0),
  /** Done by replying to a page: by text message, or a key pressed on a call. */
  via: z.enum(['sms', 'voice']).optional(),
});

/** The data of each kind. */
export const TIMELINE_DATA = {
  /** The incident was opened by alerts or declared by someone. */
  created: z.object({
    verb: z.enum(['opened', 'declared']),
    title: z.string(),
    service: z.string(),
    severity,
    /** A test page ("Send me a test page"): no card is posted and no service is sighted. */
    test: z.boolean().optional(),
  }),
  /** Alerts fired into the incident: one event per alert, or one for a burst (titles and ids of the first). */
  alert_fired: z.object({
    count: z.number().int().min(1),
    titles: z.array(z.string()),
    alertIds: z.array(z.string()),
    severity: severity.nullable(),
  }),
  alert_resolved: z.object({ count: z.number().int().min(1), titles: z.array(z.string()) }),
  acknowledged: transition,
  /**
   * Resolved; with a resolution captured at the same time (the resolve form, `/incident resolve INC-4 note`, REST):
   * `note` is what fixed it, `cause` its root cause category, `kb` whether it goes to the knowledge base.
   */
  resolved: transition.extend({ cause: rootCause.optional(), kb: z.boolean().optional() }),
  retriggered: transition,
  assigned: z.object({ userId: z.string(), userName: z.string() }),
  note: z.object({ text: z.string() }),
  severity_changed: z.object({ from: severity, to: severity, cause: z.enum(['alert', 'manual']) }),
  /** A notification could not be delivered (the outbox gave up on it, or it expired undelivered). */
  notification_failed: z.object({
    destination: z.string(),
    lane: z.string(),
    reason: z.string(),
    outboxId: z.string(),
  }),
  /** No route and no default channel claimed the incident: nobody was notified of it. */
  notification_unrouted: z.object({ service: z.string() }),
  /** No escalation policy applies to the incident's service and the tenant has no default: nobody is paged. */
  escalation_none: z.object({ service: z.string() }),
  /** The incident's escalation (re)started from the first step, with the policy frozen onto it. */
  escalation_started: z.object({
    policyId: z.string().nullable(),
    policyName: z.string(),
    version: z.number().int(),
    generation: z.number().int().min(0),
    reason: z.enum(['triggered', 'retriggered', 'ack_timeout', 'restarted']),
  }),
  /** A step fired: whom its targets reached (labels), who is paged, who got the default rules. */
  escalation_step: z.object({
    generation: z.number().int().min(0),
    loop: z.number().int().min(0),
    step: z.number().int().min(0),
    targets: z.array(z.string()),
    paged: z.array(z.string()),
    defaulted: z.array(z.string()).default([]),
    continued: z.array(z.string()).default([]),
    userGroups: z.array(z.string()).default([]),
    nextAt: z.iso.datetime({ offset: true }).nullable(),
  }),
  /** Someone escalated by hand ("escalate now") from this step. */
  escalated: z.object({
    generation: z.number().int().min(0),
    loop: z.number().int().min(0),
    step: z.number().int().min(0),
  }),
  /** Every step of every loop fired and nobody acknowledged. */
  escalation_exhausted: z.object({ generation: z.number().int().min(0), loops: z.number().int().min(1) }),
  /** A step's target reached nobody (nobody on call on the schedule, no manager): the next step fires at once. */
  nobody_on_call: z.object({
    target: z.string(),
    loop: z.number().int().min(0),
    step: z.number().int().min(0),
  }),
  /** One page's outcome: sent, failed (with why), cancelled (acknowledged first) or skipped. */
  notified: z.object({
    pageId: z.string(),
    userId: z.string().nullable(),
    method: z.string(),
    status: z.enum(['sent', 'failed', 'cancelled', 'skipped']),
    loop: z.number().int().min(0),
    step: z.number().int().min(0),
    reason: z.string().optional(),
  }),
  /**
   * A person's phone stopped taking pages while paged for this incident: they texted STOP (`opted_out`, every
   * method with that number is disabled) or Twilio said the number cannot receive (`invalid`).
   */
  contact_method_disabled: z.object({
    userId: z.string().nullable(),
    userName: z.string(),
    phone: z.string(),
    why: z.enum(['opted_out', 'invalid']),
  }),
  /** The incident got its own Slack channel (`#inc-42-…`): everything said about it is mirrored there. */
  channel_opened: z.object({ channelId: z.string(), name: z.string() }),
  /** The incident's channel was archived, a while after the incident resolved. */
  channel_archived: z.object({ channelId: z.string() }),
  /** Someone renamed the incident. */
  title_changed: z.object({ from: z.string(), to: z.string() }),
  /** A role (commander, communications, scribe) was given to someone, or cleared (`userId` null). */
  role_assigned: z.object({
    role: z.enum(INCIDENT_ROLES),
    userId: z.string().nullable(),
    /** Who holds it now; empty when cleared. */
    userName: z.string(),
    previousUserName: z.string().optional(),
  }),
  /** A status update for the people waiting: posted under the card and sent to the incident's followers. */
  status_update: z.object({ status: z.enum(UPDATE_STATUSES), message: z.string() }),
  /** Nobody posted a status update within the cadence's interval: `userId` was reminded by DM (null: nobody to remind). */
  update_reminder: z.object({
    userId: z.string().nullable(),
    userName: z.string(),
    intervalMinutes: z.number().int().min(1),
  }),
  /** Someone silenced the incident's alerts ("Silence 1h" on the card): the silence, until when, its matchers. */
  silenced: z.object({
    silenceId: z.string(),
    endsAt: z.iso.datetime({ offset: true }),
    matchers: z.string(),
  }),
  /** This incident was merged into another (the target): its alerts, timeline and pages moved there. */
  merged_into: z.object({ incidentId: z.string(), ref: z.string() }),
  /** Another incident was merged into this one: its alerts (`alerts` of them), timeline and pages moved here. */
  merged_from: z.object({ incidentId: z.string(), ref: z.string(), alerts: z.number().int().min(0) }),
  /**
   * What fixed an incident, told after it was resolved (an incident that resolved by itself, asked by DM): `fix`,
   * its root cause category, and whether it goes to the knowledge base.
   */
  resolution_captured: z.object({ fix: z.string().nullable(), cause: rootCause, kb: z.boolean() }),
  /** The incident's postmortem was published: its summary and figures, posted where the incident is followed. */
  postmortem_published: z.object({
    postmortemId: z.string(),
    title: z.string(),
    summary: z.string(),
    mttaMs: z.number().nullable(),
    mttrMs: z.number().nullable(),
    actionItems: z.number().int().min(0),
  }),
  /** A runbook was attached: an alert's `runbook_url` named it, or its matchers match the incident's alerts. */
  runbook_attached: z.object({
    runbookId: z.string(),
    slug: z.string(),
    name: z.string(),
    version: z.number().int().min(1),
    reason: z.enum(['runbook_url', 'matchers']),
  }),
  /**
   * A runbook action's run reached a stage (remediation domain): `outcome` says how the stage ended (`ok`,
   * `refused`, `failed`…), `error` why it did not go on. The run's own message in the thread shows it.
   */
  runbook_run: z.object({
    runId: z.string(),
    runbook: z.string(),
    action: z.string(),
    stage: z.string(),
    outcome: z.string(),
    error: z.string().nullable().default(null),
  }),
} as const;

export type TimelineKind = keyof typeof TIMELINE_DATA;
export const TIMELINE_KINDS = Object.keys(TIMELINE_DATA) as TimelineKind[];

/** The discriminated union of every event: `{ kind, data }` with `data` typed by `kind`. */
export type TimelineEvent = {
  [K in TimelineKind]: { kind: K; data: z.input<(typeof TIMELINE_DATA)[K]> };
}[TimelineKind];

export interface TimelineKindRules {
  /** It becomes a thread reply under the incident's card. */
  reply: boolean;
  /** …even when the card is posted in the same transaction (false: the new card already shows it). */
  replyOnNewCard: boolean;
  /** The incident's card and App Home show it, so they are brought up to date. */
  updatesCard: boolean;
  /** It comes in bursts (an Alertmanager group of 500 alerts): consecutive ones read well as one reply. */
  coalesce: boolean;
}

const reply: TimelineKindRules = { reply: true, replyOnNewCard: true, updatesCard: true, coalesce: false };
const quiet: TimelineKindRules = { reply: false, replyOnNewCard: false, updatesCard: false, coalesce: false };

/**
 * How each kind is notified. Notices about notifications notify nothing (no loop: a failed update never updates):
 * a failed or unrouted notification, a page's outcome, an incident no policy escalates.
 */
export const TIMELINE_RULES: Record<TimelineKind, TimelineKindRules> = {
  created: { ...quiet, updatesCard: true },
  alert_fired: { ...reply, replyOnNewCard: false, coalesce: true },
  alert_resolved: { ...reply, coalesce: true },
  acknowledged: reply,
  resolved: reply,
  retriggered: reply,
  assigned: reply,
  note: reply,
  severity_changed: reply,
  notification_failed: quiet,
  notification_unrouted: quiet,
  escalation_none: quiet,
  escalation_started: { ...quiet, updatesCard: true },
  escalation_step: { ...quiet, updatesCard: true },
  escalated: reply,
  escalation_exhausted: reply,
  nobody_on_call: reply,
  notified: quiet,
  contact_method_disabled: reply,
  channel_opened: reply,
  channel_archived: { ...quiet, updatesCard: true },
  title_changed: reply,
  role_assigned: reply,
  status_update: { ...reply, updatesCard: false },
  update_reminder: quiet,
  silenced: reply,
  merged_into: reply,
  merged_from: reply,
  resolution_captured: reply,
  postmortem_published: { ...reply, updatesCard: false },
  // The card shows the runbook ("Runbook: High error rate · Show · Run…"); no thread reply of its own.
  runbook_attached: { ...quiet, updatesCard: true },
  runbook_run: quiet,
};

export const isTimelineKind = (k: string): k is TimelineKind => Object.hasOwn(TIMELINE_DATA, k);

/** Reads a stored event; null when the kind is unknown or the data does not fit it. */
export function parseTimelineEvent(kind: string, data: unknown): TimelineEvent | null {
  if (!isTimelineKind(kind)) return null;
  const parsed = TIMELINE_DATA[kind].safeParse(data ?? {});
  return parsed.success ? ({ kind, data: parsed.data } as TimelineEvent) : null;
}

/** A typed event from loose parts (payloads read back from the database). */
export const timelineEventSchema = z.object({ kind: z.string(), data: z.unknown() }).transform((v, ctx) => {
  const event = parseTimelineEvent(v.kind, v.data);
  if (!event) {
    ctx.addIssue({ code: 'custom', message: `not a ${v.kind} event` });
    return z.NEVER;
  }
  return event;
});
