import type { KnownBlock } from '@slack/types';

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

export interface OnCallScheduleView {
  name: string;
  /** Names or Slack user ids (`U…` ids are rendered as mentions). */
  onCall: string[];
  gaps?: { start: Date; end: Date }[];
}

export interface OnCallView {
  onCallNow: { scheduleName: string; until: Date } | null;
  nextShift: { scheduleName: string; start: Date; end: Date } | null;
  schedules: OnCallScheduleView[];
}

/** The App Home model (not to be confused with `@slack/types`' `HomeView`, which `homeView()` returns). */
export interface HomeView {
  user: { slackUserId: string; name: string };
  openIncidents: IncidentView[];
  assignedToMe: IncidentView[];
  /** Filled once rosters exist; the section is left out when absent. */
  onCall?: OnCallView;
}

export interface BlockOptions {
  now: Date;
  /** PUBLIC_BASE_URL, without or with a trailing slash. */
  baseUrl: string;
  /** IANA zone for fallback date text (Slack renders `<!date>` in each reader's own zone). Default `UTC`. */
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
