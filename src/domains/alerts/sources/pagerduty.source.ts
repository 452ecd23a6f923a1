import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, type FieldProblem } from '../../../shared/errors.js';
import type { NormalizedAlert, Severity } from '../alerts.types.js';
import { descriptionFrom, linksFrom, type MaybeLink } from '../labels.calc.js';

/** PagerDuty Events API v2 severities and the OpsWatch severity each maps to. */
export const PAGERDUTY_SEVERITIES = { critical: 1, error: 2, warning: 3, info: 5 } as const satisfies Record<
  string,
  Severity
>;

const severitySchema = z.enum(['critical', 'error', 'warning', 'info']);
const text = (max: number) => z.string().trim().min(1).max(max);
const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
  message: 'Expected an ISO 8601 timestamp.',
});

export const pagerDutyPayloadSchema = z.object({
  summary: text(1024),
  source: text(255),
  severity: severitySchema,
  timestamp: timestamp.nullish(),
  component: z.string().max(255).nullish(),
  group: z.string().max(255).nullish(),
  class: z.string().max(255).nullish(),
  custom_details: z.unknown().optional(),
});

const common = {
  routing_key: text(255),
  images: z
    .array(z.object({ src: z.string(), href: z.string().nullish(), alt: z.string().nullish() }))
    .max(50)
    .nullish(),
  links: z
    .array(z.object({ href: z.string(), text: z.string().nullish() }))
    .max(50)
    .nullish(),
  client: z.string().max(255).nullish(),
  client_url: z.string().max(2048).nullish(),
};

/** A PagerDuty Events API v2 event. `dedup_key` is optional only for `trigger`; `payload` is needed only there. */
export const pagerDutyEventSchema = z.discriminatedUnion('event_action', [
  z.object({
    ...common,
    event_action: z.literal('trigger'),
    dedup_key: z.string().trim().max(255).nullish(),
    payload: pagerDutyPayloadSchema,
  }),
  z.object({
    ...common,
    event_action: z.enum(['acknowledge', 'resolve']),
    dedup_key: text(255),
    // PagerDuty ignores the payload of acknowledge/resolve; we only borrow its summary if it is usable.
    payload: pagerDutyPayloadSchema.partial().nullish().catch(undefined),
  }),
]);

export type PagerDutyEvent = z.infer<typeof pagerDutyEventSchema>;

const ACTIONS = { trigger: 'firing', acknowledge: 'acknowledged', resolve: 'resolved' } as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function oneOf(values: readonly unknown[]): string {
  const quoted = values.map((v) => `'${String(v)}'`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : (quoted[0] ?? '');
}

/** One zod issue as PagerDuty words it, e.g. `'payload.summary' is missing or blank`. */
function pagerDutyMessage(issue: z.core.$ZodIssue): string {
  if (issue.path.length === 0) return 'Event must be a JSON object';
  const name = `'${issue.path.map(String).join('.')}'`;
  switch (issue.code) {
    case 'invalid_union': {
      const given =
        issue.discriminator && isRecord(issue.input) ? issue.input[issue.discriminator] : issue.input;
      if (isBlank(given)) return `${name} is missing or blank`;
      const options = 'options' in issue ? issue.options : undefined;
      return options
        ? `${name} is invalid (must be one of the following: ${oneOf(options)})`
        : `${name} is invalid`;
    }
    case 'invalid_type':
      return isBlank(issue.input)
        ? `${name} is missing or blank`
        : `${name} is invalid (expected ${issue.expected})`;
    case 'invalid_value':
      return `${name} is invalid (must be one of the following: ${oneOf(issue.values)})`;
    case 'too_small':
      return issue.origin === 'string'
        ? `${name} is missing or blank`
        : `${name} is invalid (${issue.message})`;
    case 'too_big':
      return issue.origin === 'string'
        ? `${name} is too long (maximum ${issue.maximum} characters)`
        : `${name} has too many items (maximum ${issue.maximum})`;
    default:
      return `${name} is invalid (${issue.message})`;
  }
}

/** Zod issues → field problems whose messages are PagerDuty's error strings. */
export function pagerDutyFields(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join('.') : '(body)',
    message: pagerDutyMessage(issue),
  }));
}

/** Zod issues → the `errors` array of PagerDuty's 400 answer. */
export function pagerDutyErrors(issues: readonly z.core.$ZodIssue[]): string[] {
  return pagerDutyFields(issues).map((f) => f.message);
}

/** PagerDuty's 400 body for an AppError thrown by parsePagerDuty. */
export function pagerDutyErrorBody(err: AppError): { status: string; message: string; errors: string[] } {
  return {
    status: 'invalid event',
    message: 'Event object is invalid',
    errors: err.fields.map((f) => f.message),
  };
}

/** Scalar custom_details become annotations (nested values stay in `raw`). */
function detailsAnnotations(details: unknown): Record<string, string> {
  if (details === undefined || details === null) return {};
  if (!isRecord(details))
    return { custom_details: typeof details === 'string' ? details : JSON.stringify(details) };
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[key] = String(value);
  }
  return out;
}

function compact(entries: Record<string, string | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(entries)) if (value) out[key] = value;
  return out;
}

function normalize(event: PagerDutyEvent, dedupKey: string): NormalizedAlert {
  const payload = event.payload ?? {};
  const annotations = {
    ...detailsAnnotations(payload.custom_details),
    ...compact({ summary: payload.summary }),
  };
  const environment = isRecord(payload.custom_details) ? payload.custom_details.environment : undefined;
  const extraLinks: MaybeLink[] = (event.links ?? []).map((l) => ({ href: l.href, text: l.text || 'Link' }));
  extraLinks.push({ href: event.client_url, text: event.client || 'Source' });
  const { routing_key: _secret, ...raw } = event;
  return {
    source: 'pagerduty',
    dedupKey,
    action: ACTIONS[event.event_action],
    title: payload.summary || dedupKey,
    description: descriptionFrom(annotations),
    service: payload.component || payload.source || 'unknown',
    environment: typeof environment === 'string' && environment.trim() ? environment : 'production',
    severity: payload.severity ? PAGERDUTY_SEVERITIES[payload.severity] : 3,
    labels: compact({
      source: payload.source,
      component: payload.component,
      group: payload.group,
      class: payload.class,
      severity: payload.severity,
    }),
    annotations,
    links: linksFrom(annotations, extraLinks),
    startsAt: payload.timestamp ? new Date(payload.timestamp) : null,
    endsAt: null,
    sourceGroupKey: null,
    raw: { event: raw },
  };
}

/**
 * Parses a PagerDuty Events API v2 event. A trigger without `dedup_key` gets
 * a new UUID (as PagerDuty does); answer it to the sender. Throws an AppError
 * whose field messages are PagerDuty's error strings (see pagerDutyErrorBody).
 */
export function parsePagerDuty(
  body: unknown,
  newDedupKey: () => string = randomUUID,
): { routingKey: string; alert: NormalizedAlert } {
  const parsed = pagerDutyEventSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) {
    throw AppError.validation('The PagerDuty event is not valid.', pagerDutyFields(parsed.error.issues));
  }
  const event = parsed.data;
  return { routingKey: event.routing_key, alert: normalize(event, event.dedup_key || newDedupKey()) };
}
