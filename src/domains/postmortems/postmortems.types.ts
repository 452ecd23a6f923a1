/** Postmortems: their sections, facts, statuses and action items, as stored and as the API shows them. */
import { z } from 'zod';
import { timeZoneSchema } from '../../shared/time-zone.js';

export const POSTMORTEM_STATUSES = ['draft', 'in_review', 'published'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

/** How a status reads. */
export const STATUS_LABELS: Record<PostmortemStatus, string> = {
  draft: 'Draft',
  in_review: 'In review',
  published: 'Published',
};

/** The steps a postmortem may take: forward one at a time, or back from review to draft. Published is final. */
export const STATUS_STEPS: Record<PostmortemStatus, readonly PostmortemStatus[]> = {
  draft: ['in_review'],
  in_review: ['draft', 'published'],
  published: [],
};

/** The sections people write, in the document's order (Timeline and the figures come from OpsWatch). */
export const WRITTEN_SECTIONS = [
  'summary',
  'impact',
  'rootCause',
  'resolution',
  'wentWell',
  'wentWrong',
  'lessonsLearned',
] as const;
export type WrittenSection = (typeof WRITTEN_SECTIONS)[number];

export const SECTION_TITLES: Record<WrittenSection, string> = {
  summary: 'Summary',
  impact: 'Impact',
  rootCause: 'Root cause',
  resolution: 'Resolution',
  wentWell: 'What went well',
  wentWrong: 'What went wrong',
  lessonsLearned: 'Lessons learned',
};

/** A section's Markdown: up to 30,000 characters (Slack edits it in parts of 3,000). */
export const SECTION_MAX = 30_000;
const section = z.string().max(SECTION_MAX, `at most ${SECTION_MAX} characters`);

/** What people write: each section as Markdown, and the impact's structured fields. */
export const contentSchema = z.object({
  summary: section.default(''),
  impact: section.default(''),
  usersAffected: z
    .number({ error: 'usersAffected must be a number' })
    .int()
    .min(0)
    .nullable()
    .default(null)
    .meta({ description: 'How many users were affected (null: not known)' }),
  revenue: z
    .string()
    .max(200)
    .nullable()
    .default(null)
    .meta({ description: 'Revenue lost or at risk, as people write it ("≈ 12,000 EUR")' }),
  rootCause: section.default(''),
  resolution: section.default(''),
  wentWell: section.default(''),
  wentWrong: section.default(''),
  lessonsLearned: section.default(''),
});
export type PostmortemContent = z.infer<typeof contentSchema>;

/** One row of the timeline table: when (ISO), what (as the incident's timeline tells it), who. */
export interface TimelineRow {
  at: string;
  /** The incident's timeline kind, or `first_alert` for the earliest alert's start. */
  kind: string;
  what: string;
  who: string;
}

export interface PostmortemRole {
  role: string;
  userName: string;
}

export interface PostmortemStatusUpdate {
  at: string;
  status: string | null;
  message: string;
  who: string;
}

/** Durations in milliseconds; null when the incident never reached that point. */
export interface PostmortemFigures {
  /** First alert's start → incident opened. */
  mttdMs: number | null;
  /** Incident opened → first acknowledgement. */
  mttaMs: number | null;
  /** Incident opened → (last) resolution. */
  mttrMs: number | null;
}

/** What OpsWatch knew when the draft was made. */
export interface PostmortemFacts {
  incident: { id: string; ref: string; title: string; severity: number; drill: boolean };
  /** The zone the timeline and the date are written in. */
  timeZone: string;
  openedAt: string;
  firstAlertAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  owner: { id: string; name: string } | null;
  services: string[];
  figures: PostmortemFigures;
  roles: PostmortemRole[];
  statusUpdates: PostmortemStatusUpdate[];
  timeline: TimelineRow[];
}

export interface ActionItemDto {
  id: string;
  postmortemId: string;
  incidentRef: string;
  title: string;
  owner: { id: string; name: string; slackUserId: string | null } | null;
  dueOn: string | null;
  status: 'open' | 'closed';
  overdue: boolean;
  closedAt: string | null;
  createdAt: string;
}

export interface PostmortemDto {
  id: string;
  incidentId: string;
  incidentRef: string;
  title: string;
  status: PostmortemStatus;
  facts: PostmortemFacts;
  content: PostmortemContent;
  actionItems: ActionItemDto[];
  version: number;
  createdBy: string;
  publishedAt: string | null;
  publishedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** PUT: the fields given replace theirs; `status` moves it along (draft → in_review → published). */
export const postmortemPatchSchema = z
  .object({
    title: z.string().trim().min(1, 'a title is required').max(200).optional(),
    status: z.enum(POSTMORTEM_STATUSES).optional(),
    summary: section.optional(),
    impact: section.optional(),
    usersAffected: contentSchema.shape.usersAffected.removeDefault().optional(),
    revenue: contentSchema.shape.revenue.removeDefault().optional(),
    rootCause: section.optional(),
    resolution: section.optional(),
    wentWell: section.optional(),
    wentWrong: section.optional(),
    lessonsLearned: section.optional(),
    version: z
      .number()
      .int()
      .optional()
      .meta({ description: 'The version read: a PUT over a newer one is a 409 (left out: last write wins)' }),
  })
  .strict();
export type PostmortemPatch = z.input<typeof postmortemPatchSchema>;

const isoDate = z.iso.date({ error: 'expected a date, YYYY-MM-DD' });

export const actionItemInputSchema = z.object({
  title: z.string().trim().min(1, 'a title is required').max(500),
  owner: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ description: 'A user id, email or Slack user id (left out: nobody yet)' }),
  dueOn: isoDate.optional().meta({ description: 'The due date, YYYY-MM-DD (in the owner’s time zone)' }),
});
export type ActionItemInput = z.input<typeof actionItemInputSchema>;

export const actionItemPatchSchema = z
  .object({
    status: z.enum(['open', 'closed']).optional(),
    title: actionItemInputSchema.shape.title.optional(),
    owner: z.string().trim().min(1).nullable().optional(),
    dueOn: isoDate.nullable().optional(),
  })
  .strict();
export type ActionItemPatch = z.input<typeof actionItemPatchSchema>;

/** The tenant's postmortem settings (`PUT /api/v1/settings {"postmortems": …}`). */
export const postmortemSettingsSchema = z.object({
  timeZone: timeZoneSchema
    .default('UTC')
    .meta({ description: 'The zone postmortem timelines and dates are written in (IANA)' }),
  buttonSeverities: z
    .array(z.number().int().min(1).max(5))
    .max(5)
    .default([1, 2])
    .meta({ description: 'Severities whose resolved incident cards offer a "Postmortem" button' }),
});
export type PostmortemSettings = z.infer<typeof postmortemSettingsSchema>;
