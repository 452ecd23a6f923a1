import type { KnownBlock } from '@slack/types';
import type { HowPagedView } from './contact.blocks.js';

import type { SlaView } from './sla.blocks.js';

/**
 * Plain view models the Block Kit builders render. They are built by the Slack adapters from service DTOs;
 * they never carry entities, and they hold everything a builder needs (no lookups inside builders).
 */

export type Severity = 1 | 2 | 3 | 4 | 5;

export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface LinkView {
  href: string;
  text: string;
}

export interface PersonView {
  name: string;
  slackUserId: string | null;
}

export interface IncidentView {
  id: string;
  /** Shown as `INC-42`. */
  number: number;
  title: string;
  description: string | null;
  service: string;
  environment: string;
  severity: Severity;
  status: IncidentStatus;
  assignee: PersonView | null;
  createdAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  /** Display name or Slack user id (`U…`/`W…`), which is rendered as a mention. */
  acknowledgedBy: string | null;
  resolvedBy: string | null;
  labels: Record<string, string>;
  /** runbook_url, generatorURL, dashboards… Only http(s) links are rendered. */
  links: LinkView[];
  alertCount: number;
  openAlertCount: number;
  /** A fire drill: every message about it says DRILL. */
  drill?: boolean;
  /** Who is being paged now and when the next step fires; absent when the incident does not escalate. */
  escalation?: CardEscalationView | null;
  /** The incident this one was merged into (it is resolved then), with its card's permalink when known. */
  mergedInto?: { id: string; ref: string; url?: string | null } | null;
  /** The incident's own channel: null when none was asked for; absent when not known (not read for this view). */
  channel?: IncidentChannelView | null;
  /** Who holds each incident role; absent or all null: no roles line on the card. */
  roles?: IncidentRolesView;
  /** What is known of its signature ("Seen 4 times, last INC-37…"); absent or null: nothing is shown. */
  knownProblem?: KnownProblemView | null;
  /** Runbooks attached to it: the card's "Runbook: … · Show · Run…" line (absent or empty: none). */
  runbooks?: readonly { runbookId: string; slug: string; name: string; version: number }[];
  /** A resolved incident's card offers the "Postmortem" button (its severity is one the tenant's setting names). */
  postmortemOffered?: boolean;
  /** Its service's error budget ("Error budget 38% left (30 d), burning 6.2×"); absent or null: no SLA. */
  errorBudget?: string | null;
}

/** An incident's own Slack channel (`#inc-42-…`); `id` null while it is being made. */
export interface IncidentChannelView {
  id: string | null;
  name: string | null;
  archived: boolean;
}

export type IncidentRoleName = 'commander' | 'communications' | 'scribe';

/** The incident's roles: each one's holder, or null. */
export type IncidentRolesView = Record<IncidentRoleName, PersonView | null>;

export type UpdateStatusName = 'investigating' | 'identified' | 'monitoring' | 'resolved';

/** A status update as its followers read it. */
export interface StatusUpdateView {
  /** `INC-42`. */
  ref: string;
  title: string;
  severity: Severity;
  drill: boolean;
  status: UpdateStatusName;
  message: string;
  authorName: string;
  at: Date;
}

/** One earlier occurrence of a known problem. */
export interface OccurrenceView {
  incidentId: string;
  number: number;
  resolvedAt: Date;
  autoResolved: boolean;
  /** Who fixed it (or told the fix); null when it resolved by itself untold. */
  fixedBy: PersonView | null;
  minutes: number;
  fix: string | null;
  /** Its card's permalink, when known. */
  url: string | null;
}

/** The knowledge base's hint on a new incident's card and first page. */
export interface KnownProblemView {
  /** Earlier occurrences of its signature. */
  occurrences: number;
  last: OccurrenceView | null;
  /** The latest occurrence whose fix was told (may be `last`). */
  fixed: OccurrenceView | null;
  entry: { id: string; number: number; title: string } | null;
}

/** Which step a button was rendered for: a click for a step the incident has left does nothing. */
export interface EscalationToken {
  generation: number;
  loop: number;
  step: number;
}

/** Why a person is paged, as the page DM says it. */
export type PageReason =
  /** "You are on call for Payments". */
  | { kind: 'schedule'; scheduleName: string }
  /** "You are the manager of Ana" / "… of whoever is on call for Payments". */
  | { kind: 'manager'; of: string }
  /** "Escalated to you directly". */
  | { kind: 'user' };

/** The incident card's escalation line. */
export interface CardEscalationView {
  token: EscalationToken;
  state: 'active' | 'exhausted' | 'stopped';
  /** Who the current step pages, with why ("Payments on-call"). */
  pagingNow: { person: PersonView; why: string }[];
  /** The next step: when it fires and whom it pages ("Payments managers"); null after the last one. */
  next: { at: Date; to: string } | null;
  /** Loops run through when exhausted. */
  loops?: number;
}

export interface TimelineItemView {
  at: Date;
  actorName: string;
  actorSlackId: string | null;
  /** e.g. `acknowledged`, `resolved`, `reopened`, `note`, `assigned`, `escalated`, `notified`, … */
  kind: string;
  /** The detail: note body, "assigned to Bob", the reason… May be empty. */
  message: string;
}

export interface RangeView {
  start: Date;
  end: Date;
}

/** One schedule's answer: who is on call (at the moment asked about), until when, and its gaps. */
export interface OnCallScheduleView {
  name: string;
  /** Who is on call; empty in a gap (nobody on call). */
  onCall: PersonView[];
  /** End of the current shift (or gap); null or absent when no end is known. */
  until?: Date | null;
  /** Uncovered ranges in the next 14 days. */
  gaps?: RangeView[];
}

/** The App Home's on-call section, for one person. */
export interface OnCallView {
  /** The shifts they are on now (several when they are on more than one schedule). */
  onCallNow: { scheduleName: string; until: Date | null }[];
  nextShift: { scheduleName: string; start: Date; end: Date } | null;
  /** The schedules they belong to; empty when none. */
  schedules: OnCallScheduleView[];
}

/** `/oncall` and `/oncall at <time>`: every schedule at one instant. */
export interface OnCallOverviewView {
  at: Date;
  /** Whether `at` is now (the heading says "now" rather than the time). */
  isNow: boolean;
  schedules: OnCallScheduleView[];
}

export interface ShiftView {
  person: PersonView;
  start: Date;
  end: Date;
  /** An override rather than a layer's turn. */
  override: boolean;
}

/** `/oncall <schedule>`: who is on call now, until when, its next shifts and gaps. */
export interface ScheduleDetailView extends OnCallScheduleView {
  id: string;
  timeZone: string;
  slackChannel: string | null;
  next: ShiftView[];
}

export interface MyShiftView {
  scheduleName: string;
  start: Date;
  end: Date;
  override: boolean;
}

/** `/oncall me`: my shifts now and next, and the schedules I belong to. */
export interface MyOnCallView {
  current: MyShiftView[];
  next: MyShiftView[];
  schedules: OnCallScheduleView[];
}

export interface LayerView {
  name: string;
  participants: number;
  turn: { unit: 'hours' | 'days' | 'weeks'; count: number };
  handoffTime: string;
  /** ISO weekday (1 = Monday) of weekly handoffs. */
  handoffWeekday: number;
  restrictions: { weekdays?: number[]; startTime?: string; endTime?: string }[];
}

/** `/oncall schedules`: one schedule's settings and its gaps in the next 14 days. */
export interface ScheduleSummaryView {
  name: string;
  timeZone: string;
  slackChannel: string | null;
  slackUserGroup: string | null;
  layers: LayerView[];
  gaps: RangeView[];
}

/** The App Home model (not to be confused with `@slack/types`' `HomeView`, which `homeView()` returns). */
export interface HomeView {
  user: { slackUserId: string; name: string };
  openIncidents: IncidentView[];
  assignedToMe: IncidentView[];
  /** Filled once rosters exist; the section is left out when absent. */
  onCall?: OnCallView;
  /** Incidents whose escalation is paging this person now; the section is left out when absent. */
  pagingMe?: PagingMeView[];
  /** How this person gets paged (phones, rules, test page); the section is left out when absent. */
  howPaged?: HowPagedView;
  /** Each service's SLA, attainment, budget left and trend; the section is left out when absent or empty. */
  slas?: SlaView[];
}

/** One row of App Home's "Incidents paging you". */
export interface PagingMeView {
  incident: IncidentView;
  reason: PageReason;
  token: EscalationToken;
  pagedAt: Date;
}

export interface BlockOptions {
  now: Date;
  /** PUBLIC_BASE_URL, without or with a trailing slash. */
  baseUrl: string;
  /**
   * The reader's IANA zone: fallback text of `<!date>` tokens, and the zone on-call times are written out in
   * (`zonedTime`). Default `UTC`.
   */
  timeZone?: string;
}

/** What chat.postMessage / chat.update / chat.postEphemeral take. */
export interface MessagePayload {
  text: string;
  blocks: KnownBlock[];
}

/** A handoff on a schedule: who takes over from whom, until when. */
export interface HandoffView {
  scheduleName: string;
  at: Date;
  /** When the incoming person's coverage ends; null when not known. */
  until: Date | null;
  /** null: nobody was on call (a gap ends). */
  from: PersonView | null;
  /** null: nobody is on call from now (a gap starts). */
  to: PersonView | null;
}

/** What was done with a wall-clock time that a DST change skips or repeats in the zone it was read in. */
export type WallTimeAdjustment =
  /** The clocks jump from `jumpFrom` to `jumpTo`, skipping `requested` (HH:mm): the jump's moment is used. */
  | { kind: 'skipped'; requested: string; jumpFrom: string; jumpTo: string }
  /** The clocks go back and `requested` happens twice: the first is used; `other` is the second. */
  | { kind: 'repeated'; requested: string; other: Date };

/** The confirmation after `/oncall override`. */
export interface OverrideCreatedView {
  scheduleName: string;
  person: PersonView;
  /** Whose shifts are covered; null = the whole schedule. */
  replaces: PersonView | null;
  start: Date;
  end: Date;
  adjustments: { field: 'start' | 'end'; adjustment: WallTimeAdjustment }[];
}
