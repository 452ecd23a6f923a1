import { z } from '@hono/zod-openapi';
import { notificationRuleSchema, notificationRulesSchema } from '../../domains/escalation/index.js';
import { userPatchSchema } from '../../domains/tenants/index.js';
import { problemResponse } from '../openapi/problem.schema.js';
import { json, jsonBody, route } from '../openapi/route.js';
import { userSchema } from './admin.openapi.js';

const id = z.object({ id: z.string().openapi({ description: 'The user’s id' }) });
const tags = ['Admin'];

const rulesSchema = z
  .object({
    userId: z.string(),
    high: z.array(notificationRuleSchema),
    low: z.array(notificationRuleSchema),
    defaulted: z.object({ high: z.boolean(), low: z.boolean() }).openapi({
      description: 'Per urgency: true when none are set and these are the defaults (a Slack DM at once)',
    }),
  })
  .openapi('NotificationRules');

export const getUser = route({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'A user',
  permission: 'user:read',
  request: { params: id },
  responses: { 200: json(userSchema, 'The user') },
});

export const patchUser = route({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Change a user: the fields given (e.g. `managerId`, a user of the same tenant; null removes it)',
  permission: 'user:write',
  conflict: 'Another user has that email or Slack user id.',
  request: { params: id, body: jsonBody(userPatchSchema) },
  responses: { 200: json(userSchema, 'The user') },
});

export const deleteUser = route({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a user (refused while an escalation policy names them)',
  permission: 'user:write',
  conflict: 'An escalation policy names the user (the answer lists them).',
  request: { params: id },
  responses: { 204: { description: 'Deleted' } },
});

export const getNotificationRules = route({
  method: 'get',
  path: '/{id}/notification-rules',
  tags: ['Escalation policies'],
  summary: 'How and when a person is told they are paged, per urgency (the defaults when none are set)',
  permission: 'notification_rule:read',
  request: { params: id },
  responses: { 200: json(rulesSchema, 'The rules') },
});

export const putNotificationRules = route({
  method: 'put',
  path: '/{id}/notification-rules',
  tags: ['Escalation policies'],
  summary:
    'Replace a person’s notification rules (responders: their own). `sms` and `voice` rules name a verified contact method of their type (`contactMethodId`)',
  permission: 'notification_rule:write',
  rawBody: true,
  request: { params: id, body: jsonBody(notificationRulesSchema) },
  responses: { 200: json(rulesSchema, 'The rules now in force') },
});

const testPageSchema = z
  .object({
    incidentId: z.string(),
    ref: z.string().openapi({ example: 'INC-42' }),
    userId: z.string(),
    rules: z.array(notificationRuleSchema).openapi({ description: 'The high-urgency rules it runs' }),
    defaulted: z.boolean().openapi({ description: 'True when the person has none and the defaults run' }),
    minutes: z.number().openapi({ description: 'It resolves itself this many minutes after it starts' }),
    resolvesAt: z.string(),
    message: z.string(),
  })
  .openapi('TestPage');

export const postTestPage = route({
  method: 'post',
  path: '/{id}/test-page',
  tags: ['Escalation policies'],
  summary:
    'Send a person a test page: their high-urgency rules run for real against a drill incident that pages only them, is posted to no channel and resolves itself once the chain has run (or when they acknowledge it). One per person per 5 minutes',
  permission: 'notification_rule:write',
  request: { params: id },
  responses: {
    201: json(testPageSchema, 'The test page started'),
    429: problemResponse('A test page for this person started less than 5 minutes ago.'),
  },
});
