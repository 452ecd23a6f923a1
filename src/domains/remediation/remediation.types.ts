import { z } from 'zod';
import type { Em } from '../../db/sql.js';
import type { RunbookAction } from './action.schemas.js';

/** Where a run is. The last six are final. */
export const RUN_STAGES = [
  'preflight',
  'approval',
  'execute',
  'executing',
  'verify',
  'done',
  'failed',
  'rolled_back',
  'rejected',
  'expired',
  'rate_limited',
] as const;
export type RunStage = (typeof RUN_STAGES)[number];
export const FINAL_STAGES: readonly RunStage[] = [
  'done',
  'failed',
  'rolled_back',
  'rejected',
  'expired',
  'rate_limited',
];
export const isFinal = (s: RunStage): boolean => FINAL_STAGES.includes(s);

/** One stage reached: when, by whom, how it ended. */
export interface RunStep {
  stage: RunStage;
  at: string;
  actor: string;
  outcome: string;
  error: string | null;
}

export interface RunDto {
  id: string;
  incidentId: string;
  runbookId: string;
  runbook: string;
  action: string;
  actionKind: string;
  title: string;
  service: string;
  environment: string | null;
  stage: RunStage;
  error: string | null;
  requestedBy: string;
  auto: boolean;
  rollbackOf: string | null;
  approval: 'none' | 'one' | 'two';
  approvals: { userId: string; name: string; decision: 'approve' | 'reject'; at: string }[];
  approvalExpiresAt: string | null;
  verifyUntil: string | null;
  executions: number;
  history: RunStep[];
  createdAt: string;
  updatedAt: string;
}

export const startRunSchema = z.object({
  runbook: z.string().trim().min(1, 'runbook is required (its id or slug)').max(200),
  action: z.string().trim().min(1, 'action is required (its name)').max(100),
  incident: z.string().trim().min(1, 'incident is required (INC-42 or its id)').max(100),
});
export type StartRunInput = z.infer<typeof startRunSchema>;

/** A runbook's action as the runbooks domain holds it (the runbooks domain's `actionOf` read). */
export interface RunbookActionRef {
  runbookId: string;
  slug: string;
  action: RunbookAction;
  /** The runbook's other actions (a rollback names one of them). */
  actions: RunbookAction[];
}

/** What the remediation domain reads from the runbooks domain, in the caller's transaction. */
export interface RunbookCatalog {
  actionOf(em: Em, tenantId: string, runbook: string, action: string): Promise<RunbookActionRef | null>;
}

/** Who is on call for a service at an instant (user ids), read in the caller's transaction. */
export type OnCallFor = (em: Em, tenantId: string, service: string, at: Date) => Promise<string[]>;
