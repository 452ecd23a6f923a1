import { z } from '@hono/zod-openapi';
import { RUN_STAGES, startRunSchema } from '../../domains/remediation/index.js';
import { problemResponse } from '../openapi/problem.schema.js';
import { json, jsonBody, route } from '../openapi/route.js';

const stepSchema = z.object({
  stage: z.enum(RUN_STAGES),
  at: z.iso.datetime(),
  actor: z.string(),
  outcome: z.string(),
  error: z.string().nullable(),
});

const runSchema = z
  .object({
    id: z.string(),
    incidentId: z.string(),
    runbookId: z.string(),
    runbook: z.string().openapi({ description: 'The runbook’s slug' }),
    runbookVersion: z.number().int(),
    action: z.string(),
    actionKind: z.string().openapi({ description: '`http` or `kubernetes`' }),
    title: z.string(),
    service: z.string(),
    environment: z.string().nullable(),
    stage: z.enum(RUN_STAGES).openapi({
      description:
        'preflight → approval → execute → executing → verify → done; or failed, rolled_back, rejected, expired, rate_limited',
    }),
    error: z.string().nullable().openapi({ description: 'Why the run stopped, when it did' }),
    requestedBy: z.string(),
    auto: z.boolean(),
    rollbackOf: z.string().nullable().openapi({ description: 'The run this one rolls back' }),
    approval: z.enum(['none', 'one', 'two']),
    approvals: z.array(
      z.object({
        userId: z.string(),
        name: z.string(),
        decision: z.enum(['approve', 'reject']),
        at: z.iso.datetime(),
      }),
    ),
    approvalExpiresAt: z.iso.datetime().nullable(),
    verifyUntil: z.iso.datetime().nullable(),
    executions: z.number().int(),
    history: z.array(stepSchema).openapi({ description: 'Every stage reached: when, by whom, how it ended' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('RunbookRun');

const tags = ['Runbook runs'];

export const listRuns = route({
  method: 'get',
  path: '/',
  tags,
  summary: 'An incident’s runbook action runs, oldest first, with every stage’s time, actor and outcome',
  permission: 'incident:read',
  request: {
    query: z.object({ incident: z.string().min(1).openapi({ description: 'INC-42 or the incident’s id' }) }),
  },
  responses: { 200: json(z.object({ items: z.array(runSchema) }), 'The runs') },
});

export const startRun = route({
  method: 'post',
  path: '/',
  tags,
  summary:
    'Start a run of a runbook’s action against an incident: preflight (dry run), then approval as its policy asks, execute, verify',
  permission: 'runbook:run',
  conflict: 'The incident’s environment is not one the action’s policy allows.',
  rawBody: true,
  request: { body: jsonBody(startRunSchema) },
  responses: {
    201: json(runSchema, 'The run, at its first stage'),
    429: problemResponse(
      'The action already ran its policy’s maxPerHour times for the service within the hour (the refused run is kept, `rate_limited`)',
    ),
  },
});

export const getRun = route({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'A runbook action run',
  permission: 'incident:read',
  request: { params: z.object({ id: z.string() }) },
  responses: { 200: json(runSchema, 'The run') },
});
