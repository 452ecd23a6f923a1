import { z } from '@hono/zod-openapi';
import { slaInputSchema, snapshotsQuerySchema } from '../../domains/sla/index.js';
import { json, jsonBody, route } from '../openapi/route.js';

const statusSchema = z
  .object({
    attainment: z
      .number()
      .nullable()
      .openapi({ description: 'Percent over the window so far (null: no snapshot yet)' }),
    budgetLeft: z
      .number()
      .nullable()
      .openapi({ description: 'Percent of the window’s error budget left (may be < 0)' }),
    burn: z.number().nullable().openapi({ description: 'The last day’s budget burn (1 = sustainable)' }),
    trend: z.enum(['up', 'down', 'flat']).openapi({ description: 'Last 7 days against the 7 before' }),
    lastSnapshot: z.iso.date().nullable(),
  })
  .openapi('SlaStatus');

const slaSchema = z
  .object({
    id: z.string().openapi({ description: 'This version’s id' }),
    key: z.string().openapi({ description: 'Shared by every version of this SLA' }),
    version: z.number().int(),
    service: z.string(),
    metric: z.enum(['UPTIME', 'LATENCY_P99', 'ERROR_RATE']),
    target: z.number(),
    window: z.enum(['30d', 'quarterly']),
    thresholdMs: z.number().nullable(),
    metricName: z.string(),
    errorFilter: z.record(z.string(), z.string()),
    activeFrom: z.iso.datetime(),
    activeTo: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    status: statusSchema.optional(),
  })
  .openapi('Sla');

const snapshotSchema = z
  .object({
    id: z.string(),
    day: z.iso.date(),
    definitionId: z.string(),
    definitionVersion: z.number().int(),
    service: z.string(),
    totalEvents: z.number(),
    errorEvents: z.number(),
    uptimePct: z.number(),
    breachCount: z.number().int(),
    budgetBurn: z.number(),
    downtimeMinutes: z.number(),
    maintenanceMinutes: z.number(),
    evidence: z
      .object({
        incidents: z.array(
          z.object({
            id: z.string(),
            number: z.number().int(),
            title: z.string(),
            from: z.string(),
            to: z.string(),
          }),
        ),
        buckets: z.array(
          z.object({ bucket: z.string(), count: z.number(), errors: z.number(), p99: z.number().nullable() }),
        ),
        maintenanceWindows: z.number().int(),
      })
      .openapi({ description: 'The incidents and rollup buckets the snapshot was computed from' }),
    createdAt: z.iso.datetime(),
  })
  .openapi('SlaSnapshot');

const tags = ['SLAs'];
const id = z.object({ id: z.string().openapi({ description: 'The id of any version of the SLA' }) });

export const listSlas = route({
  method: 'get',
  path: '/',
  tags,
  summary: 'SLAs (current versions, with attainment, budget left and trend); `all=true` lists every version',
  permission: 'sla:read',
  request: { query: z.object({ all: z.enum(['true', 'false']).optional() }) },
  responses: { 200: json(z.object({ items: z.array(slaSchema) }), 'The SLAs') },
});

export const createSla = route({
  method: 'post',
  path: '/',
  tags,
  summary:
    'Define a service’s SLA on a metric, or change it: a new version that closes the current one at its start',
  permission: 'sla:write',
  conflict: 'The new version must start after the current one.',
  rawBody: true,
  request: { body: jsonBody(slaInputSchema) },
  responses: {
    200: json(slaSchema, 'The new version of an existing SLA'),
    201: json(slaSchema, 'The new SLA (version 1)'),
  },
});

export const getSla = route({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One version of an SLA, with the SLA’s status',
  permission: 'sla:read',
  request: { params: id },
  responses: { 200: json(slaSchema, 'The SLA version') },
});

export const listSnapshots = route({
  method: 'get',
  path: '/{id}/snapshots',
  tags,
  summary: 'Daily snapshots of an SLA (every version) between two days, default the last 30; immutable',
  permission: 'sla:read',
  request: { params: id, query: snapshotsQuerySchema },
  responses: { 200: json(z.object({ items: z.array(snapshotSchema) }), 'The snapshots, by day') },
});
