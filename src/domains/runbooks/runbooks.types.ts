import { z } from 'zod';
import { type Matcher, MatcherError, matcherProblems, parseMatchers } from '../silences/index.js';
import { type RunbookAction, runbookActionSchema } from './actions.types.js';

/** The most Markdown a runbook may hold (bytes, UTF-8). */
export const MARKDOWN_MAX_BYTES = 100 * 1024;
export const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** `High error rate` → `high-error-rate`. */
export function slugOf(name: string): string {
  return (
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 100)
      .replace(/-+$/, '') || 'runbook'
  );
}

const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => /^https?:\/\//i.test(s) && URL.canParse(s), 'url must be http(s)');

/**
 * Label matchers as Alertmanager writes them: `alertname=HighErrorRate, service=checkout` (one string), or a list
 * of such strings. Parsed into matchers; a matcher that does not parse is refused naming `matchers`.
 */
export const matchersInputSchema = z
  .union([z.string().max(4000), z.array(z.string().max(1000)).max(50)])
  .transform((v, ctx): Matcher[] => {
    const parts = (typeof v === 'string' ? [v] : v).filter((s) => s.trim() !== '');
    try {
      const out = parts.flatMap((s) => parseMatchers(s.trim()));
      const problems = out.length ? matcherProblems(out) : [];
      for (const message of problems) ctx.addIssue({ code: 'custom', message });
      return problems.length ? z.NEVER : out;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof MatcherError ? e.message : String(e) });
      return z.NEVER;
    }
  })
  .meta({
    description:
      'Label matchers (Alertmanager syntax: `=`, `!=`, `=~`, `!~`), e.g. `alertname=HighErrorRate, service=checkout`: an incident whose alert matches them all gets the runbook attached',
  });

const markdown = z
  .string()
  .refine((s) => Buffer.byteLength(s, 'utf8') <= MARKDOWN_MAX_BYTES, 'markdown must be at most 100 KB')
  .meta({
    description:
      'The runbook in Markdown: Symptoms, Immediate checks, Automated actions, Manual remediation, Escalation, Links',
  });

const fields = {
  name: z.string().trim().min(1, 'a name is required').max(200),
  slug: z
    .string()
    .trim()
    .regex(SLUG, 'lowercase letters, digits and dashes (at most 100), starting with a letter or digit')
    .optional()
    .meta({ description: 'Unique in the tenant; by default made from the name' }),
  owner: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'Who keeps it; by default its author' }),
  service: z.string().trim().min(1).max(200).nullable().optional().meta({
    description: "The service it is for: alone (no matchers) it attaches to that service's incidents",
  }),
  url: httpUrl.nullable().optional().meta({
    description: "A URL alerts' `runbook_url` annotation may name it by (besides its slug)",
  }),
  matchers: matchersInputSchema.optional(),
  markdown,
  actions: z.array(runbookActionSchema).max(50).optional(),
};

export const runbookInputSchema = z.object(fields);
export type RunbookInput = z.input<typeof runbookInputSchema>;

/** PUT: the fields given change, the others keep their value. */
export const runbookUpdateSchema = z
  .object(fields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type RunbookUpdate = z.input<typeof runbookUpdateSchema>;

/** What one version holds. */
export interface RunbookContent {
  name: string;
  slug: string;
  owner: string;
  service: string | null;
  url: string | null;
  matchers: Matcher[];
  markdown: string;
  actions: RunbookAction[];
}

export interface RunbookSummaryDto {
  id: string;
  slug: string;
  name: string;
  owner: string;
  service: string | null;
  url: string | null;
  /** The matchers as Alertmanager prints them. */
  matchers: string;
  actions: { name: string; title: string; kind: string }[];
  version: number;
  updatedAt: string;
}

export interface RunbookDto extends Omit<RunbookSummaryDto, 'actions'> {
  matcherList: Matcher[];
  markdown: string;
  actions: RunbookAction[];
  createdAt: string;
}

export interface RunbookVersionDto extends Omit<RunbookDto, 'id' | 'version' | 'createdAt' | 'updatedAt'> {
  version: number;
  editedBy: { kind: string; id: string | null; name: string };
  editedAt: string;
}

export interface RunbookFieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface RunbookDiffDto {
  runbookId: string;
  from: number;
  to: number;
  /** A unified diff of the Markdown ("" when it did not change). */
  markdown: string;
  /** The other fields that changed (actions one by one, as `actions.<name>`). */
  fields: RunbookFieldChange[];
}

/** A shipped starting point (`GET /api/v1/runbooks/templates`). */
export interface RunbookTemplateDto {
  key: string;
  name: string;
  slug: string;
  matchers: string;
  markdown: string;
  actions: RunbookAction[];
}

/** A runbook attached to an incident, with its version's actions. */
export interface AttachedRunbookDto {
  runbookId: string;
  slug: string;
  name: string;
  version: number;
  reason: 'runbook_url' | 'matchers';
  attachedAt: string;
  actions: RunbookAction[];
}

/** What the run pipeline reads of one action of one version. */
export interface RunbookActionRef {
  runbook: { id: string; slug: string; name: string; version: number };
  action: RunbookAction;
  actions: RunbookAction[];
}

/** `opswatch apply`'s outcome for one runbook. */
export type ApplyOutcome = 'created' | 'updated' | 'unchanged';
