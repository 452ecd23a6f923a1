import { z } from '@hono/zod-openapi';
import {
  actionItemInputSchema,
  actionItemPatchSchema,
  contentSchema,
  POSTMORTEM_STATUSES,
  postmortemPatchSchema,
} from '../../domains/postmortems/index.js';
import { json, jsonBody, route } from '../openapi/route.js';

const instant = z.iso.datetime();
const refParams = z.object({
  ref: z.string().openapi({ description: 'The incident: `INC-42`, `42` or its id', example: 'INC-42' }),
});
const itemParams = z.object({ id: z.string().openapi({ description: 'The action item’s id' }) });
const ms = z.number().nullable();

export const actionItemSchema = z
  .object({
    id: z.string(),
    postmortemId: z.string(),
    incidentRef: z.string(),
    title: z.string(),
    owner: z.object({ id: z.string(), name: z.string(), slackUserId: z.string().nullable() }).nullable(),
    dueOn: z.string().nullable().openapi({ description: 'YYYY-MM-DD' }),
    status: z.enum(['open', 'closed']),
    overdue: z.boolean(),
    closedAt: instant.nullable(),
    createdAt: instant,
  })
  .openapi('ActionItem');

const factsSchema = z
  .object({
    incident: z.object({
      id: z.string(),
      ref: z.string(),
      title: z.string(),
      severity: z.number().int(),
      drill: z.boolean(),
    }),
    timeZone: z.string(),
    openedAt: instant,
    firstAlertAt: instant.nullable(),
    acknowledgedAt: instant.nullable(),
    resolvedAt: instant.nullable(),
    owner: z.object({ id: z.string(), name: z.string() }).nullable(),
    services: z.array(z.string()),
    figures: z.object({
      mttdMs: ms.openapi({ description: 'First alert’s start → incident opened, in ms' }),
      mttaMs: ms.openapi({ description: 'Opened → first acknowledgement, in ms' }),
      mttrMs: ms.openapi({ description: 'Opened → resolved, in ms' }),
    }),
    roles: z.array(z.object({ role: z.string(), userName: z.string() })),
    statusUpdates: z.array(
      z.object({ at: instant, status: z.string().nullable(), message: z.string(), who: z.string() }),
    ),
    timeline: z.array(z.object({ at: instant, kind: z.string(), what: z.string(), who: z.string() })),
  })
  .openapi('PostmortemFacts');

export const postmortemSchema = z
  .object({
    id: z.string(),
    incidentId: z.string(),
    incidentRef: z.string(),
    title: z.string(),
    status: z.enum(POSTMORTEM_STATUSES),
    facts: factsSchema,
    content: contentSchema,
    actionItems: z.array(actionItemSchema),
    version: z.number().int(),
    createdBy: z.string(),
    publishedAt: instant.nullable(),
    publishedBy: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .openapi('Postmortem');

const tags = ['Postmortems'];
const postmortem = json(postmortemSchema, 'The postmortem');

export const createPostmortem = route({
  method: 'post',
  path: '/incidents/{ref}/postmortem',
  tags,
  summary:
    'Draft the incident’s postmortem from its timeline and figures (201), or answer the one it has (200)',
  permission: 'postmortem:write',
  conflict: 'The incident is not resolved yet.',
  request: { params: refParams },
  responses: { 201: json(postmortemSchema, 'The new draft'), 200: postmortem },
});

export const getPostmortem = route({
  method: 'get',
  path: '/incidents/{ref}/postmortem',
  tags,
  summary: 'The incident’s postmortem: JSON, or the whole document as Markdown with `?format=md`',
  permission: 'postmortem:read',
  request: {
    params: refParams,
    query: z.object({ format: z.enum(['json', 'md']).default('json') }),
  },
  responses: {
    200: {
      description: 'The postmortem',
      content: {
        'application/json': { schema: postmortemSchema },
        'text/markdown': { schema: z.string() },
      },
    },
  },
});

export const putPostmortem = route({
  method: 'put',
  path: '/incidents/{ref}/postmortem',
  tags,
  summary:
    'Change sections (Markdown), impact fields, title, and/or the status (draft → in_review → published; publishing posts the summary under the incident’s card)',
  permission: 'postmortem:write',
  conflict: 'The postmortem is published, the status cannot go there, or it changed since `version`.',
  rawBody: true,
  request: { params: refParams, body: jsonBody(postmortemPatchSchema) },
  responses: { 200: postmortem },
});

export const addActionItem = route({
  method: 'post',
  path: '/incidents/{ref}/postmortem/action-items',
  tags,
  summary: 'Add an action item (title, owner, due date) to the incident’s postmortem',
  permission: 'postmortem:write',
  rawBody: true,
  request: { params: refParams, body: jsonBody(actionItemInputSchema) },
  responses: { 201: json(actionItemSchema, 'The new action item') },
});

export const patchActionItem = route({
  method: 'patch',
  path: '/incidents/{ref}/postmortem/action-items/{id}',
  tags,
  summary:
    'Close an action item (`{"status": "closed"}`), open it again, or change its title, owner or due date',
  permission: 'postmortem:write',
  rawBody: true,
  request: { params: refParams.extend(itemParams.shape), body: jsonBody(actionItemPatchSchema) },
  responses: { 200: json(actionItemSchema, 'The action item') },
});

export const listActionItems = route({
  method: 'get',
  path: '/action-items',
  tags,
  summary: 'Open action items of every postmortem, soonest due first',
  permission: 'postmortem:read',
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  responses: { 200: json(z.object({ items: z.array(actionItemSchema) }), 'The open action items') },
});
