import { z } from 'zod';
import type { SlaMetric, SlaWindow, Trend } from './sla.calc.js';

/** The Silver metric an SLA reads unless told otherwise (OpenTelemetry's HTTP server request duration). */
export const DEFAULT_METRIC_NAME = 'http.server.duration';
/**
 * Which events are errors unless told otherwise: tag `status` ≥ 500, or tag `error` equal to `true`. Each entry is
 * a tag and a condition (`>=N`: a number at least N; `abc*`: starts with `abc`; anything else: equals it); an
 * event matching any entry is an error.
 */
export const DEFAULT_ERROR_FILTER: Readonly<Record<string, string>> = { status: '>=500', error: 'true' };

/** An SLA (or its new version) as the REST API takes it. */
export const slaInputSchema = z
  .object({
    service: z.string().trim().min(1, 'service must not be empty.').max(200),
    metric: z.enum(['UPTIME', 'LATENCY_P99', 'ERROR_RATE'], {
      error: 'metric must be UPTIME, LATENCY_P99 or ERROR_RATE.',
    }),
    target: z
      .number({ error: 'target must be a percentage such as 99.9.' })
      .gt(0, 'target must be above 0.')
      .lt(100, 'target must be below 100 (a 100% target leaves no error budget).')
      .meta({ description: 'Percent, e.g. 99.9' }),
    window: z.enum(['30d', 'quarterly'], { error: 'window must be 30d or quarterly.' }).default('30d'),
    thresholdMs: z
      .number()
      .positive('thresholdMs must be above 0.')
      .optional()
      .meta({ description: 'LATENCY_P99 only: a minute whose p99 is above this is bad' }),
    metricName: z.string().trim().min(1).max(200).default(DEFAULT_METRIC_NAME),
    errorFilter: z
      .record(z.string().min(1).max(100), z.string().min(1).max(100))
      .refine((f) => Object.keys(f).length > 0 && Object.keys(f).length <= 10, 'errorFilter needs 1–10 tags.')
      .optional()
      .meta({
        description: 'Tag → condition (`>=500`, `5*`, `true`); an event matching any entry is an error',
      }),
    activeFrom: z.iso
      .datetime({ offset: true, error: 'activeFrom must be an ISO 8601 instant.' })
      .optional()
      .meta({
        description:
          'When this version starts (default now); a day belongs to the version active at its start',
      }),
  })
  .superRefine((v, ctx) => {
    if (v.metric === 'LATENCY_P99' && v.thresholdMs === undefined)
      ctx.addIssue({ code: 'custom', path: ['thresholdMs'], message: 'LATENCY_P99 needs thresholdMs.' });
    if (v.metric !== 'LATENCY_P99' && v.thresholdMs !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['thresholdMs'],
        message: 'thresholdMs is for LATENCY_P99 only.',
      });
  });
export type SlaInput = z.output<typeof slaInputSchema>;

export const snapshotsQuerySchema = z.object({
  from: z.iso.date({ error: 'from must be a date (YYYY-MM-DD).' }).optional(),
  to: z.iso.date({ error: 'to must be a date (YYYY-MM-DD).' }).optional(),
});

export interface SlaStatus {
  /** Attainment (percent) over the window so far, null before the first snapshot. */
  attainment: number | null;
  /** Error budget left (percent of the window's), null before the first snapshot. */
  budgetLeft: number | null;
  /** Last day's burn (1 = spending the budget exactly by the window's end). */
  burn: number | null;
  trend: Trend;
  lastSnapshot: string | null;
}

export interface SlaDto {
  id: string;
  /** Shared by every version of this SLA. */
  key: string;
  version: number;
  service: string;
  metric: SlaMetric;
  target: number;
  window: SlaWindow;
  thresholdMs: number | null;
  metricName: string;
  errorFilter: Record<string, string>;
  activeFrom: string;
  activeTo: string | null;
  createdAt: string;
  status?: SlaStatus;
}

export interface SnapshotEvidence {
  incidents: { id: string; number: number; title: string; from: string; to: string }[];
  buckets: { bucket: string; count: number; errors: number; p99: number | null }[];
  maintenanceWindows: number;
}

export interface SnapshotDto {
  id: string;
  day: string;
  definitionId: string;
  definitionVersion: number;
  service: string;
  totalEvents: number;
  errorEvents: number;
  uptimePct: number;
  breachCount: number;
  budgetBurn: number;
  downtimeMinutes: number;
  maintenanceMinutes: number;
  evidence: SnapshotEvidence;
  createdAt: string;
}

/** What an incident card shows for its service (null: no SLA). */
export interface BudgetLine {
  service: string;
  budgetLeft: number;
  window: SlaWindow;
  burn: number;
  text: string;
}
