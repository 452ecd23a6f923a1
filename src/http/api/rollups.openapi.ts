import { z } from '@hono/zod-openapi';
import { rollupsQueryFields } from '../../domains/rollups/index.js';
import { json, route } from '../openapi/route.js';

const pointSchema = z
  .object({
    bucket: z.iso.datetime().openapi({ description: 'The bucket’s start' }),
    count: z.number(),
    sum: z.number(),
    min: z.number(),
    max: z.number(),
    p50: z.number().openapi({ description: 'From the merged DDSketch: within 1 % of the true value' }),
    p90: z.number(),
    p99: z.number(),
  })
  .openapi('RollupPoint');

const rollupsSchema = z
  .object({
    service: z.string(),
    metric: z.string(),
    step: z.enum(['minute', 'hour']),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    tags: z.record(z.string(), z.string()).openapi({ description: 'The tag filters applied' }),
    points: z.array(pointSchema).openapi({ description: 'Buckets with data, oldest first' }),
  })
  .openapi('Rollups');

export const getRollups = route({
  method: 'get',
  path: '/{name}/rollups',
  tags: ['Telemetry'],
  summary:
    'A service’s metric rollups (Silver) per minute or hour: exact count, sum, min, max and p50/p90/p99 from ' +
    'merged sketches. Filter by tags with `tag.<key>=<value>` parameters (every tag set holding them, merged)',
  permission: 'telemetry:read',
  request: {
    params: z.object({ name: z.string().openapi({ description: 'The service (OTLP `service.name`)' }) }),
    query: rollupsQueryFields,
  },
  responses: { 200: json(rollupsSchema, 'The buckets') },
});
