/**
 * Running a big incident: its roles (commander, communications, scribe), its status updates for the people
 * waiting, who follows them, and how often an update is due (the cadence).
 */
import { z } from 'zod';
import type { Em } from '../../db/sql.js';
import type { UserRef } from './incidents.types.js';

export const INCIDENT_ROLES = ['commander', 'communications', 'scribe'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

export const ROLE_LABELS: Record<IncidentRole, string> = {
  commander: 'Commander',
  communications: 'Communications',
  scribe: 'Scribe',
};

/** Each role's holder (null: nobody). */
export type IncidentRolesDto = Record<IncidentRole, UserRef | null>;

export const NO_ROLES: IncidentRolesDto = { commander: null, communications: null, scribe: null };

export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

export const UPDATE_STATUS_LABELS: Record<UpdateStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/** Role names as people write them: `commander`, `ic`, `comms`, `scribe`… */
const ROLE_ALIASES: Record<string, IncidentRole> = {
  commander: 'commander',
  ic: 'commander',
  lead: 'commander',
  communications: 'communications',
  comms: 'communications',
  scribe: 'scribe',
};

export const roleSchema = z.preprocess(
  (v) => (typeof v === 'string' ? (ROLE_ALIASES[v.trim().toLowerCase()] ?? v) : v),
  z.enum(INCIDENT_ROLES, { error: `expected one of ${INCIDENT_ROLES.join(', ')}` }),
);

export const roleInputSchema = z.object({
  role: roleSchema.meta({ description: 'commander, communications (comms) or scribe', type: 'string' }),
  userId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .nullable()
    .meta({ description: 'A user id, email or Slack user id; null clears the role' }),
});
export type RoleInput = z.input<typeof roleInputSchema>;

export const MESSAGE_MAX_LENGTH = 3000;

export const updateInputSchema = z.object({
  status: z.enum(UPDATE_STATUSES, { error: `expected one of ${UPDATE_STATUSES.join(', ')}` }),
  message: z
    .string({ error: 'a message is required' })
    .trim()
    .min(1, 'a message is required')
    .max(MESSAGE_MAX_LENGTH, `at most ${MESSAGE_MAX_LENGTH} characters`),
});
export type UpdateInput = z.input<typeof updateInputSchema>;

/** A status update as the API shows it (read from the timeline). */
export interface StatusUpdateDto {
  id: string;
  status: UpdateStatus;
  message: string;
  author: { kind: string; id: string | null; name: string };
  createdAt: string;
}

/** Who follows an incident's updates: a person (by DM) or a Slack channel. */
export type Follower = { kind: 'user'; userId: string } | { kind: 'channel'; channel: string };

/** What the outbox is handed when a status update is posted: who gets it, and what it says. */
export interface StatusUpdateNotice {
  tenantId: string;
  incidentId: string;
  /** Unique per update: the outbox rows' keys. */
  updateId: string;
  ref: string;
  title: string;
  severity: number;
  drill: boolean;
  status: UpdateStatus;
  message: string;
  authorName: string;
  at: string;
  /** Slack user ids of the people following. */
  dmTo: string[];
  /** Channels following (ids or names). */
  postTo: string[];
}

/** A reminder that an update is due, for the person to remind. */
export interface UpdateReminderNotice {
  tenantId: string;
  incidentId: string;
  ref: string;
  title: string;
  slackUserId: string;
  intervalMinutes: number;
  /** Minutes since the opening or the last update. */
  silentMinutes: number;
  /** Unique per (incident, anchor, interval number): the outbox row's key. */
  key: string;
}

/** Queues status updates' and reminders' messages in the caller's transaction (the outbox). */
export interface UpdateNotifier {
  updates(em: Em, notices: StatusUpdateNotice[]): Promise<void>;
  reminders(em: Em, notices: UpdateReminderNotice[]): Promise<void>;
}
