import { z } from 'zod';
import type { Em } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
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
  runbookVersion: number;
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

/** One action of one version of a runbook, with that version's other actions (a rollback names one of them). */
export interface RunbookActionRef {
  runbookId: string;
  slug: string;
  version: number;
  action: RunbookAction;
  actions: RunbookAction[];
}

/** What the remediation domain reads from the runbooks domain (its `get`, `attachedTo` and `actionOf`). */
export interface RunbookCatalog {
  /** The runbook a person names (id or slug) and its current version; not_found when there is none. */
  current(actor: Actor, ref: string): Promise<{ runbookId: string; version: number }>;
  /** The runbooks attached to an incident and the versions attached, in the caller's transaction. */
  attached(
    em: Em,
    tenantId: string,
    incidentId: string,
  ): Promise<{ runbookId: string; slug: string; version: number; actions: RunbookAction[] }[]>;
  /** One action of one version, in the caller's transaction; null when there is none. */
  actionOf(
    em: Em,
    tenantId: string,
    runbookId: string,
    version: number,
    action: string,
  ): Promise<RunbookActionRef | null>;
}

/** Who is on call for a service at an instant (user ids), read in the caller's transaction. */
export type OnCallFor = (em: Em, tenantId: string, service: string, at: Date) => Promise<string[]>;
