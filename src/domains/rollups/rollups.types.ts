import { z } from 'zod';
import type { Step, TagFilter } from './series.calc.js';

/** One bucket of a metric: exact count, sum, min, max; percentiles from the merged sketch (1 % relative error). */
export interface RollupPoint {
  bucket: Date;
  count: number;
  sum: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
}

/** A range's totals, the same fields without the bucket (all zeros when nothing was recorded). */
export type RollupTotals = Omit<RollupPoint, 'bucket'>;

export interface SeriesQuery {
  service: string;
  name: string;
  /** Only the tag sets holding every one of these pairs (merged together); none: every tag set. */
  tags?: Record<string, string>;
  from: Date;
  to: Date;
  step: Step;
}

export interface TotalsQuery {
  service: string;
  name: string;
  tags?: Record<string, string>;
  from: Date;
  to: Date;
}

export interface CountQuery {
  service: string;
  name: string;
  from: Date;
  to: Date;
  /** Which tag sets' events to count (`{ key: 'status', op: 'gte', value: 500 }`). */
  tagFilter: TagFilter;
}

/** A range's events: all of them, and those of the tag sets the filter picks. */
export interface EventCounts {
  total: number;
  matching: number;
}

/** The REST query (`GET /api/v1/services/{name}/rollups`); tag filters are `tag.<key>=<value>` parameters. */
export const rollupsQueryFields = z.looseObject({
  metric: z
    .string({ error: 'Say which metric (metric=…).' })
    .trim()
    .min(1, 'Say which metric (metric=…).')
    .max(255)
    .meta({ description: 'The metric name, e.g. http.server.duration' }),
  from: z.iso
    .datetime({ offset: true, error: 'from must be an ISO 8601 instant.' })
    .optional()
    .meta({ description: 'Start of the range (inclusive), ISO 8601; default 24 hours before `to`' }),
  to: z.iso
    .datetime({ offset: true, error: 'to must be an ISO 8601 instant.' })
    .optional()
    .meta({ description: 'End of the range (exclusive), ISO 8601; default now' }),
  step: z.enum(['minute', 'hour']).default('minute').meta({
    description: 'Bucket size; hour buckets exist once the hour is built (about 3 minutes after it ends)',
  }),
});
export const rollupsQuerySchema = rollupsQueryFields.refine(
  (q) => !q.from || !q.to || Date.parse(q.to) > Date.parse(q.from),
  {
    message: 'to must be after from.',
    path: ['to'],
  },
);

/** At most this many buckets in one answer (a month of hours, a day of minutes, and some). */
export const MAX_BUCKETS = 2_000;

export interface RollupsDto {
  service: string;
  metric: string;
  step: Step;
  from: string;
  to: string;
  tags: Record<string, string>;
  points: {
    bucket: string;
    count: number;
    sum: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
  }[];
}
