import { z } from '@hono/zod-openapi';
import { policyInputSchema, policySpecSchema } from '../../domains/escalation/index.js';
import { json, jsonBody, route } from '../openapi/route.js';

const policySchema = policySpecSchema
  .extend({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    version: z.number().int().openapi({ description: 'Goes up by one on every change' }),
    isDefault: z.boolean().openapi({ description: 'The tenant’s default policy (for services without one)' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('EscalationPolicy');

const id = z.object({ id: z.string().openapi({ description: 'The policy’s id' }) });
const policy = json(policySchema, 'The escalation policy');
const tags = ['Escalation policies'];
// Bodies are validated by PoliciesService after its permission check (targets must exist): `rawBody`.

export const listPolicies = route({
  method: 'get',
  path: '/',
  tags,
  summary: 'List escalation policies',
  permission: 'escalation_policy:read',
  responses: { 200: json(z.object({ items: z.array(policySchema) }), 'The policies') },
});

export const createPolicy = route({
  method: 'post',
  path: '/',
  tags,
  summary:
    'Create an escalation policy (targets: user and schedule ids, manager_of, Slack channel or user group)',
  permission: 'escalation_policy:write',
  conflict: 'An escalation policy of that name already exists.',
  rawBody: true,
  request: { body: jsonBody(policyInputSchema) },
  responses: { 201: json(policySchema, 'The new policy (version 1)') },
});

export const getPolicy = route({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'An escalation policy',
  permission: 'escalation_policy:read',
  request: { params: id },
  responses: { 200: policy },
});

export const putPolicy = route({
  method: 'put',
  path: '/{id}',
  tags,
  summary: 'Replace an escalation policy (its version goes up; incidents already escalating keep theirs)',
  permission: 'escalation_policy:write',
  conflict: 'An escalation policy of that name already exists.',
  rawBody: true,
  request: { params: id, body: jsonBody(policyInputSchema) },
  responses: { 200: policy },
});

export const deletePolicy = route({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete an escalation policy no service uses and that is not the default',
  permission: 'escalation_policy:write',
  conflict: 'The policy is in use (the answer lists the services, or the default policy setting).',
  request: { params: id },
  responses: { 204: { description: 'Deleted' } },
});

const simulatedSchema = z
  .object({
    policy: z.object({ id: z.string().nullable(), name: z.string(), version: z.number().int() }),
    service: z.string().nullable(),
    at: z.iso.datetime(),
    severity: z.number().int(),
    urgency: z.enum(['high', 'low']),
    repeat: z.number().int(),
    notifications: z.array(
      z.object({
        at: z.iso.datetime(),
        loop: z.number().int(),
        step: z.number().int(),
        userId: z.string().nullable(),
        userName: z.string().nullable(),
        method: z.string(),
        target: z.object({ type: z.string(), id: z.string(), label: z.string() }),
        status: z
          .string()
          .openapi({ description: 'pending (would be sent) or skipped (their chain continues)' }),
        detail: z.string().nullable(),
      }),
    ),
    nobodyOnCall: z.array(
      z.object({ at: z.iso.datetime(), loop: z.number().int(), step: z.number().int(), target: z.string() }),
    ),
    defaultedRules: z.array(z.string()),
    exhausted: z.object({ at: z.iso.datetime(), loops: z.number().int() }).nullable(),
  })
  .openapi('EscalationSimulation');

export const simulateQuerySchema = z.object({
  at: z.iso
    .datetime({ offset: true, error: 'at must be an ISO 8601 date-time, e.g. 2026-12-05T03:00:00+01:00' })
    .optional()
    .openapi({ description: 'When the incident would trigger (default: now)' }),
  severity: z.coerce
    .number({ error: 'severity must be a number from 1 to 5' })
    .int('severity must be a whole number from 1 to 5')
    .min(1, 'severity must be from 1 to 5')
    .max(5, 'severity must be from 1 to 5')
    .default(1)
    .openapi({ description: '1 (P1) to 5 (default 1)' }),
});

export const simulatePolicy = route({
  method: 'get',
  path: '/{id}/simulate',
  tags,
  summary:
    'Who the policy would notify, how and when, for an incident triggering at `at` and never acknowledged (every step and loop, from the real schedules, overrides and notification rules)',
  permission: 'escalation_policy:read',
  request: { params: id, query: simulateQuerySchema },
  responses: { 200: json(simulatedSchema, 'The simulated escalation') },
});
