import { z } from 'zod';
import type { IncidentRolesDto } from './coordination.types.js';
import type { RootCause } from './timeline.types.js';

export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface UserRef {
  id: string;
  name: string;
  email: string | null;
  slackUserId: string | null;
}

export interface IncidentDto {
  id: string;
  number: number;
  ref: string;
  title: string;
  description: string | null;
  service: string;
  environment: string;
  severity: number;
  severityLabel: string;
  status: IncidentStatus;
  source: string;
  groupKey: string | null;
  assignee: UserRef | null;
  alertCount: number;
  firingAlertCount: number;
  createdAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  updatedAt: string;
  version: number;
  /** A fire drill: pages for real, says DRILL in every message, left out of the figures. */
  drill: boolean;
  /** Who holds each role (commander, communications, scribe); null: nobody. */
  roles: IncidentRolesDto;
  /** Set when this incident was merged into another (and so resolved): the one its alerts went to. */
  mergedInto: { id: string; ref: string } | null;
}

/** What a merge answers: both incidents as it left them, and what moved. */
export interface MergeResultDto {
  merged: IncidentDto;
  into: IncidentDto;
  moved: { alerts: number; timeline: number; pages: number };
}

export interface TimelineDto {
  id: string;
  kind: string;
  actor: { kind: string; id: string | null; name: string };
  message: string;
  data: Record<string, unknown>;
  createdAt: string;
  /** The incident this entry was recorded on, when a merge moved it here (`INC-43`); else null. */
  mergedFrom: string | null;
}

export interface AlertSummaryDto {
  id: string;
  source: string;
  dedupKey: string;
  status: 'firing' | 'resolved';
  title: string;
  severity: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: { href: string; text: string }[];
  startsAt: string | null;
  endsAt: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  occurrences: number;
}

export interface IncidentDetailDto extends IncidentDto {
  alerts: AlertSummaryDto[];
  timeline: TimelineDto[];
  /** Runbooks attached to it (an alert's `runbook_url` named them, or their matchers match its alerts). */
  runbooks: AttachedRunbookSummary[];
}

/** A runbook attached to an incident, as its `runbook_attached` event tells it. */
export interface AttachedRunbookSummary {
  runbookId: string;
  slug: string;
  name: string;
  version: number;
  reason: 'runbook_url' | 'matchers';
  attachedAt: string;
}

export const severitySchema = z.coerce
  .number({ error: 'expected a severity from 1 (P1) to 5 (P5)' })
  .int()
  .min(1, 'expected a severity from 1 (P1) to 5 (P5)')
  .max(5, 'expected a severity from 1 (P1) to 5 (P5)');

/** Severity as people write it: 1..5, "P1".."P5". */
export const severityInputSchema = z.preprocess(
  (v) => (typeof v === 'string' && /^p[1-5]$/i.test(v.trim()) ? Number(v.trim().slice(1)) : v),
  severitySchema,
);

export const declareInputSchema = z.object({
  title: z.string().trim().min(1, 'a title is required').max(500, 'at most 500 characters'),
  description: z.string().trim().max(10_000).optional(),
  service: z.string().trim().min(1).max(200).default('unknown'),
  environment: z.string().trim().min(1).max(200).default('production'),
  // As JSON Schema (the OpenAPI document) tells it: a number, or a string such as "P1" or "2".
  severity: severityInputSchema.default(3).meta({
    description: '1 (most urgent) to 5, or "P1" to "P5"',
    type: ['integer', 'string'],
    minimum: 1,
    maximum: 5,
    pattern: '^\\s*[Pp]?[1-5]\\s*$',
    default: 3,
  }),
  drill: z
    .boolean({ error: 'drill must be true or false' })
    .default(false)
    .meta({ description: 'A fire drill: pages for real, says DRILL everywhere, left out of the figures' }),
});
/** What callers may pass to declare (defaults applied by the schema: `drill` false, severity 3…). */
export type DeclareInput = z.input<typeof declareInputSchema>;

/** A change to an incident's severity or title (REST PATCH, `/incident severity`, `/incident rename`). */
export const editInputSchema = z
  .object({
    title: z.string().trim().min(1, 'a title is required').max(500, 'at most 500 characters').optional(),
    severity: severityInputSchema.optional().meta({
      description: '1 (most urgent) to 5, or "P1" to "P5"',
      type: ['integer', 'string'],
      minimum: 1,
      maximum: 5,
      pattern: '^\\s*[Pp]?[1-5]\\s*$',
    }),
  })
  .strict()
  .refine((v) => v.title !== undefined || v.severity !== undefined, {
    message: 'give a new title or severity',
  });
export type EditInput = z.input<typeof editInputSchema>;

export const listFilterSchema = z.object({
  status: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()) : undefined))
    .pipe(z.array(z.enum([...INCIDENT_STATUSES, 'open'])).optional())
    .meta({
      description: 'Comma-separated: triggered, acknowledged, resolved, open (= not resolved)',
      pattern: '^(triggered|acknowledged|resolved|open)(,\\s*(triggered|acknowledged|resolved|open))*$',
    }),
  service: z.string().trim().min(1).optional(),
  environment: z.string().trim().min(1).optional(),
  severity: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => Number(s.trim().replace(/^p/i, ''))) : undefined))
    .refine((v) => v === undefined || v.every((n) => Number.isInteger(n) && n >= 1 && n <= 5), {
      message: 'expected severities 1-5 or P1-P5, comma-separated',
    })
    .meta({
      description: 'Comma-separated: 1-5 or P1-P5, e.g. P1,P2',
      pattern: '^\\s*[Pp]?[1-5]\\s*(,\\s*[Pp]?[1-5]\\s*)*$',
    }),
  since: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).optional(),
  until: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
export type ListFilter = z.infer<typeof listFilterSchema>;

export interface IncidentPage {
  items: IncidentDto[];
  nextCursor: string | null;
}

export { incidentRef } from '../../shared/incident-ref.js';

/**
 * What a resolve may capture besides its note (the note is what fixed it): the root cause category, and whether
 * the resolution goes to the knowledge base (the knowledge domain reads both from the `resolved` event).
 */
export interface ResolutionCapture {
  cause?: RootCause | undefined;
  kb?: boolean | undefined;
}

/** An incident as other domains read it inside their transaction (the knowledge base's resolution capture). */
export interface IncidentFacts {
  id: string;
  number: number;
  title: string;
  service: string;
  environment: string;
  status: IncidentStatus;
  createdAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  assigneeId: string | null;
  drill: boolean;
  /** A test page ("Send me a test page"): resolves itself by design. */
  test: boolean;
}
