import { z } from 'zod';
import { ROOT_CAUSES, type RootCause } from '../incidents/index.js';

export { ROOT_CAUSES, type RootCause };

/** `KB-7`. */
export const entryRef = (number: number): string => `KB-${number}`;

/** An entry as `KB-7`, `7` or its id. */
export function parseEntryRef(ref: string): { id?: string; number?: number } {
  const m = /^(?:kb-?)?(\d{1,9})$/i.exec(ref.trim());
  return m ? { number: Number(m[1]) } : { id: ref.trim() };
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max.toLocaleString('en')} characters`);
const rootCause = z.enum(ROOT_CAUSES, {
  error: `expected one of ${ROOT_CAUSES.join(', ')}`,
});

const entryFields = {
  title: text(300).min(1, 'a title is required'),
  symptoms: text(20_000),
  resolution: text(50_000).meta({ description: 'What fixes it, in Markdown' }),
  signature: text(300).min(1).nullable().optional().meta({
    description:
      'The incident signature it answers (`checkout/HighLatency`): new incidents with it show the entry',
  }),
  rootCause: rootCause.nullable().optional(),
  incidents: z
    .array(z.string().trim().min(1))
    .max(100)
    .optional()
    .meta({ description: 'Incidents to link (`INC-42`, `42` or an id)' }),
};

export const entryInputSchema = z.object({
  ...entryFields,
  symptoms: entryFields.symptoms.default(''),
  resolution: entryFields.resolution.default(''),
});
export type EntryInput = z.input<typeof entryInputSchema>;

/** PUT: the fields given change, the others keep their value; `version`, when given, must be the current one. */
export const entryUpdateSchema = z
  .object(entryFields)
  .partial()
  .extend({
    version: z.number().int().min(1).optional().meta({
      description: 'The version you edited: when the entry changed since, nothing is written (409)',
    }),
  })
  .refine((v) => Object.keys(v).some((k) => k !== 'version'), { message: 'nothing to change' });
export type EntryUpdate = z.input<typeof entryUpdateSchema>;

export const SEARCH_MAX = 2000;
export const searchQuerySchema = z.object({
  q: z
    .string({ error: 'q is required' })
    .max(SEARCH_MAX, `a search is at most ${SEARCH_MAX} characters`)
    .meta({ description: 'Words, "exact phrases", -excluded, or (websearch_to_tsquery syntax)' }),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type SearchQuery = z.input<typeof searchQuerySchema>;

export const listEntriesSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** What a resolve captured (the Slack form, `/incident resolve INC-4 note`, REST), or a fix told later. */
export const captureInputSchema = z.object({
  fix: text(10_000)
    .optional()
    .meta({ description: 'What fixed it (free text); it goes to the knowledge base' }),
  rootCause: rootCause.optional(),
  addToKnowledgeBase: z.boolean().optional(),
});
export type CaptureInput = z.input<typeof captureInputSchema>;

export interface LinkedIncidentDto {
  id: string;
  number: number;
  ref: string;
}

export interface EntryDto {
  id: string;
  number: number;
  ref: string;
  title: string;
  symptoms: string;
  resolution: string;
  signature: string | null;
  rootCause: RootCause | null;
  occurrences: number;
  lastSeenAt: string | null;
  /** Mean time to resolve of its occurrences, in minutes (one decimal); null before any. */
  meanTimeToResolveMinutes: number | null;
  incidents: LinkedIncidentDto[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface EntryVersionDto {
  version: number;
  title: string;
  symptoms: string;
  resolution: string;
  signature: string | null;
  rootCause: RootCause | null;
  editedBy: { kind: string; id: string | null; name: string };
  editedAt: string;
}

export interface SearchHitDto {
  id: string;
  number: number;
  ref: string;
  title: string;
  signature: string | null;
  rootCause: RootCause | null;
  occurrences: number;
  rank: number;
  /** Where the words matched, `<b>`-marked (ts_headline). */
  snippet: string;
}

/** Who resolved or told the fix. */
export interface KbPerson {
  kind: string;
  id: string | null;
  name: string;
  slackUserId: string | null;
}

/**
 * An incident's captured resolution: what fixed it, its root cause category, who and when (postmortems read it).
 * `fix` and `rootCause` are null until someone tells them (an incident that resolved by itself).
 */
export interface ResolutionDto {
  incidentId: string;
  incidentRef: string;
  signature: string;
  fix: string | null;
  rootCause: RootCause | null;
  addedToKnowledgeBase: boolean;
  autoResolved: boolean;
  resolvedAt: string;
  resolvedBy: KbPerson;
  /** Minutes from opened to resolved (one decimal). */
  timeToResolveMinutes: number;
  /** Who told what fixed it, and when (the resolver at the resolve, or later by the DM's form). */
  capturedBy: KbPerson | null;
  capturedAt: string | null;
  entry: { id: string; number: number; ref: string } | null;
}

/** One earlier occurrence, as the hint names it. */
export interface OccurrenceView {
  incidentId: string;
  number: number;
  resolvedAt: Date;
  autoResolved: boolean;
  /** Who fixed it (who told the fix, else who resolved it); null when it resolved by itself untold. */
  fixedBy: { name: string; slackUserId: string | null } | null;
  minutes: number;
  fix: string | null;
}

/** "Seen 4 times, last INC-37 12 days ago, fixed by @bob in 14 min: restarted pgbouncer" — null: nothing known. */
export interface KnownProblemHint {
  signature: string;
  /** Earlier occurrences (this incident left out). */
  occurrences: number;
  last: OccurrenceView | null;
  /** The latest occurrence with a fix told (null: none; the same as `last` when it had one). */
  fixed: OccurrenceView | null;
  entry: { id: string; number: number; title: string; resolution: string } | null;
}
