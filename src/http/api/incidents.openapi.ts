import { z } from '@hono/zod-openapi';
import {
  declareInputSchema,
  editInputSchema,
  INCIDENT_STATUSES,
  listFilterSchema,
  mergeInputSchema,
  ROOT_CAUSES,
  roleInputSchema,
  UPDATE_STATUSES,
  updateInputSchema,
} from '../../domains/incidents/index.js';
import { json, jsonBody, route } from '../openapi/route.js';

export const resolveBodySchema = z
  .object({
    note: z
      .string()
      .trim()
      .max(10_000)
      .optional()
      .openapi({ description: 'A note; without `fix`, what fixed it' }),
    fix: z.string().trim().max(10_000).optional().openapi({ description: 'What fixed it (free text)' }),
    rootCause: z.enum(ROOT_CAUSES).optional().openapi({ description: 'The root cause category' }),
    addToKnowledgeBase: z.boolean().optional().openapi({
      description:
        'File what fixed it in the knowledge base entry of the incident’s signature (created or updated in the same transaction). Default: true when `fix` is given, else false',
    }),
  })
  .default({});
export const assignBodySchema = z.object({
  user: z.string().trim().min(1, 'a user id, email or Slack user id is required'),
});
export const noteBodySchema = z.object({
  text: z.string().trim().min(1, 'a note needs some text').max(10_000),
});

const instant = z.iso.datetime();
const refParams = z.object({
  ref: z.string().openapi({ description: 'The incident: `INC-42`, `42` or its id', example: 'INC-42' }),
});

export const userRefSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    slackUserId: z.string().nullable(),
  })
  .openapi('UserRef');

export const incidentRolesSchema = z
  .object({
    commander: userRefSchema.nullable(),
    communications: userRefSchema.nullable(),
    scribe: userRefSchema.nullable(),
  })
  .openapi('IncidentRoles', { description: 'Who holds each incident role (null: nobody)' });

export const statusUpdateSchema = z
  .object({
    id: z.string(),
    status: z.enum(UPDATE_STATUSES),
    message: z.string(),
    author: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string() }),
    createdAt: z.iso.datetime(),
  })
  .openapi('StatusUpdate');

export const incidentSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    ref: z.string().openapi({ example: 'INC-42' }),
    title: z.string(),
    description: z.string().nullable(),
    service: z.string(),
    environment: z.string(),
    severity: z.number().int().min(1).max(5).openapi({ description: '1 (P1, most urgent) to 5 (P5)' }),
    severityLabel: z.string().openapi({ example: 'P1' }),
    status: z.enum(INCIDENT_STATUSES),
    source: z.string(),
    groupKey: z.string().nullable(),
    assignee: userRefSchema.nullable(),
    alertCount: z.number().int(),
    firingAlertCount: z.number().int(),
    createdAt: instant,
    acknowledgedAt: instant.nullable(),
    resolvedAt: instant.nullable(),
    updatedAt: instant,
    version: z.number().int(),
    roles: incidentRolesSchema,
    drill: z.boolean(),
    mergedInto: z
      .object({ id: z.string(), ref: z.string().openapi({ example: 'INC-41' }) })
      .nullable()
      .openapi({ description: 'Set when this incident was merged into another (and so resolved)' }),
  })
  .openapi('Incident');

const alertSummarySchema = z
  .object({
    id: z.string(),
    source: z.string(),
    dedupKey: z.string(),
    status: z.enum(['firing', 'resolved']),
    title: z.string(),
    severity: z.number().int(),
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
    links: z.array(z.object({ href: z.string(), text: z.string() })),
    startsAt: instant.nullable(),
    endsAt: instant.nullable(),
    firstSeenAt: instant,
    lastSeenAt: instant,
    resolvedAt: instant.nullable(),
    occurrences: z.number().int(),
  })
  .openapi('IncidentAlert');

const timelineEntrySchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    actor: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string() }),
    message: z.string(),
    data: z.record(z.string(), z.unknown()),
    createdAt: instant,
    mergedFrom: z.string().nullable().openapi({
      description: 'The incident this entry was recorded on, when a merge moved it here',
      example: 'INC-43',
    }),
  })
  .openapi('TimelineEntry');

const attachedRunbookSchema = z
  .object({
    runbookId: z.string(),
    slug: z.string(),
    name: z.string(),
    version: z.number().int().openapi({ description: 'The runbook’s version when it was attached' }),
    reason: z.enum(['runbook_url', 'matchers']),
    attachedAt: instant,
  })
  .openapi('AttachedRunbook');

const incidentDetailSchema = incidentSchema
  .extend({
    alerts: z.array(alertSummarySchema),
    timeline: z.array(timelineEntrySchema),
    runbooks: z.array(attachedRunbookSchema).openapi({
      description:
        "Runbooks attached to the incident: an alert's runbook_url names them, or their matchers match",
    }),
  })
  .openapi('IncidentDetail');

const incident = json(incidentSchema, 'The incident');
const tags = ['Incidents'];

export const listIncidents = route({
  method: 'get',
  path: '/',
  tags,
  summary: 'List incidents, newest first',
  description: 'Pages with `cursor` = the previous page’s `nextCursor` (null on the last page).',
  permission: 'incident:read',
  request: { query: listFilterSchema },
  responses: {
    200: json(
      z.object({ items: z.array(incidentSchema), nextCursor: z.string().nullable() }),
      'A page of incidents',
    ),
  },
});

export const declareIncident = route({
  method: 'post',
  path: '/',
  tags,
  summary: 'Declare an incident by hand',
  permission: 'incident:declare',
  request: { body: jsonBody(declareInputSchema) },
  responses: { 201: json(incidentSchema, 'The new incident') },
});

export const getIncident = route({
  method: 'get',
  path: '/{ref}',
  tags,
  summary: 'An incident with its alerts and timeline',
  permission: 'incident:read',
  request: { params: refParams },
  responses: { 200: json(incidentDetailSchema, 'The incident, its alerts and its timeline') },
});

export const editIncident = route({
  method: 'patch',
  path: '/{ref}',
  tags,
  summary: 'Change an incident’s severity and/or title',
  description:
    'Each change is a timeline event (`severity_changed` by hand, `title_changed`) that updates the card; a new title renames the incident’s channel.',
  permission: 'incident:declare',
  request: { params: refParams, body: jsonBody(editInputSchema) },
  responses: { 200: incident },
});

export const acknowledgeIncident = route({
  method: 'post',
  path: '/{ref}/acknowledge',
  tags,
  summary: 'Acknowledge an incident (stops paging)',
  permission: 'incident:acknowledge',
  conflict: 'The incident is not triggered.',
  request: { params: refParams },
  responses: { 200: incident },
});

export const resolveIncident = route({
  method: 'post',
  path: '/{ref}/resolve',
  tags,
  summary:
    'Resolve an incident, with what fixed it and its root cause (for the knowledge base), all optional',
  permission: 'incident:resolve',
  conflict: 'The incident is already resolved.',
  request: { params: refParams, body: jsonBody(resolveBodySchema, { required: false }) },
  responses: { 200: incident },
});

export const assignIncident = route({
  method: 'post',
  path: '/{ref}/assign',
  tags,
  summary: 'Assign an incident to a user (id, email or Slack user id)',
  permission: 'incident:assign',
  request: { params: refParams, body: jsonBody(assignBodySchema) },
  responses: { 200: incident },
});

export const addIncidentNote = route({
  method: 'post',
  path: '/{ref}/notes',
  tags,
  summary: 'Add a note to the incident’s timeline',
  permission: 'incident:note',
  request: { params: refParams, body: jsonBody(noteBodySchema) },
  responses: { 201: incident },
});

export const mergeIncident = route({
  method: 'post',
  path: '/{ref}/merge',
  tags,
  summary: 'Merge a duplicate incident into another',
  description:
    'The incident’s alerts, timeline and pages move to `into`, which records the merge (`merged_from`); the ' +
    'incident resolves (its escalation stops) and points to it (`mergedInto`, timeline `merged_into`). Alerts ' +
    'that later fire in its groups join `into` while it is open. Refused: into itself (400), from or into a ' +
    'resolved incident, between a drill and a real incident (409); an incident of another tenant is not found (404).',
  permission: 'incident:merge',
  conflict: 'One of the incidents is resolved (or already merged), or only one is a drill.',
  request: { params: refParams, body: jsonBody(mergeInputSchema) },
  responses: {
    200: json(
      z
        .object({
          merged: incidentSchema,
          into: incidentSchema,
          moved: z.object({ alerts: z.number().int(), timeline: z.number().int(), pages: z.number().int() }),
        })
        .openapi('MergeResult'),
      'Merged: both incidents as the merge left them, and how many alerts, timeline entries and pages moved',
    ),
  },
});

export const escalateBodySchema = z
  .object({
    token: z
      .object({
        generation: z.number().int().min(0),
        loop: z.number().int().min(0),
        step: z.number().int().min(0),
      })
      .optional()
      .openapi({
        description:
          'Where the escalation stood when you chose to escalate (from the page or the card). When it has moved since, nothing happens.',
      }),
  })
  .default({});

const escalateResult = json(
  z.object({ escalated: z.boolean(), message: z.string() }).openapi('EscalateResult'),
  'Whether it escalated, and what happened, in words',
);

export const escalateIncident = route({
  method: 'post',
  path: '/{ref}/escalate',
  tags,
  summary: 'Escalate now: the next step of the escalation policy fires at once (once per step)',
  permission: 'incident:escalate',
  request: { params: refParams, body: jsonBody(escalateBodySchema, { required: false }) },
  responses: { 200: escalateResult },
});

const notificationEventSchema = z
  .object({
    status: z.string(),
    at: instant,
    errorCode: z.number().int().optional(),
  })
  .openapi('NotificationEvent');

const notificationSchema = z
  .object({
    generation: z.number().int(),
    step: z.number().int(),
    loop: z.number().int(),
    userId: z.string().nullable(),
    target: z.string().nullable(),
    method: z.string(),
    status: z.string(),
    dueAt: instant,
    queuedAt: instant.nullable(),
    sentAt: instant.nullable(),
    ackedAt: instant.optional(),
    detail: z.string().nullable(),
    delivery: z.string().openapi({
      description:
        'Where its delivery stands: pending, queued, sending, sent, failed, cancelled, or the SMS’s or call’s latest Twilio status (delivered, undelivered, ringing, in-progress, completed, no-answer, busy…)',
    }),
    deliveryAt: instant.nullable(),
    errorCode: z.number().int().optional().openapi({ description: 'Twilio’s error code, when it gave one' }),
    history: z
      .array(notificationEventSchema)
      .openapi({ description: 'Every status it went through, oldest first' }),
    contactMethodId: z
      .string()
      .nullable()
      .openapi({ description: 'SMS and voice: the contact method paged' }),
    phoneNumber: z.string().nullable().openapi({
      description: 'SMS and voice: the number paged, all but its last 4 digits masked (+*******1234)',
    }),
    providerSid: z
      .string()
      .nullable()
      .openapi({ description: 'SMS and voice: Twilio’s message or call sid' }),
  })
  .openapi('Notification');

export const listIncidentNotifications = route({
  method: 'get',
  path: '/{ref}/notifications',
  tags,
  summary:
    'Every page the incident’s escalation made: step, loop, person, method, status, times and delivery history',
  permission: 'incident:read',
  request: { params: refParams },
  responses: { 200: json(z.array(notificationSchema), 'The pages, oldest first') },
});

export const getIncidentRoles = route({
  method: 'get',
  path: '/{ref}/roles',
  tags,
  summary: 'Who holds each role of the incident (commander, communications, scribe)',
  permission: 'incident:read',
  request: { params: refParams },
  responses: { 200: json(incidentRolesSchema, 'The roles') },
});

export const setIncidentRole = route({
  method: 'post',
  path: '/{ref}/roles',
  tags,
  summary: 'Give a role to someone (replacing whoever held it), or clear it with `userId: null`',
  permission: 'incident:role',
  request: { params: refParams, body: jsonBody(roleInputSchema) },
  responses: { 200: json(incidentRolesSchema, 'The roles now') },
});

export const listIncidentUpdates = route({
  method: 'get',
  path: '/{ref}/updates',
  tags,
  summary: 'The incident’s status updates, oldest first',
  permission: 'incident:read',
  request: { params: refParams },
  responses: { 200: json(z.object({ items: z.array(statusUpdateSchema) }), 'The status updates') },
});

export const postIncidentUpdate = route({
  method: 'post',
  path: '/{ref}/updates',
  tags,
  summary:
    'Post a status update: under the card in Slack and to everyone following; `resolved` also resolves the incident',
  permission: 'incident:update',
  conflict: 'The incident is resolved.',
  request: { params: refParams, body: jsonBody(updateInputSchema) },
  responses: { 201: json(statusUpdateSchema, 'The status update') },
});
