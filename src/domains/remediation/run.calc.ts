import type { Role } from '../../shared/actor.js';
import type { RemediationPolicy, TemplateFields } from './action.schemas.js';

/** How many approvals a policy needs before the action runs. */
export const approvalsNeeded = (p: RemediationPolicy): number =>
  p.approval === 'two' ? 2 : p.approval === 'one' ? 1 : 0;

export interface ApprovalFacts {
  policy: RemediationPolicy;
  stage: string;
  expiresAt: Date | null;
  requesterUserId: string | null;
  /** Who has decided so far. */
  decided: readonly string[];
  approver: { userId: string | null; roles: readonly Role[] };
  /** Who is on call for the run's service now (asked only when the policy lets them approve). */
  onCall: readonly string[];
  now: Date;
}

/**
 * Why `approver` may not approve or reject the run now, or null when they may: the run must be waiting for
 * approval and not expired; the requester never approves their own run; one decision per person; and the
 * approver must hold one of the policy's roles or be on call for the service (when the policy says so). A policy
 * naming no roles and not the on-call: anyone allowed to approve runs (`runbook:approve`).
 */
export function approvalRefusal(f: ApprovalFacts): string | null {
  if (f.stage !== 'approval')
    return `The run is not waiting for approval (it is ${f.stage.replace('_', ' ')}).`;
  if (f.expiresAt && f.expiresAt <= f.now) return 'The approval window has expired: start the run again.';
  if (!f.approver.userId) return 'Only a person can approve or reject a run.';
  if (f.approver.userId === f.requesterUserId) return 'You requested this run: someone else must approve it.';
  if (f.decided.includes(f.approver.userId))
    return 'You have already approved this run: a second person must.';
  const { roles, onCall } = f.policy.approvers;
  if (roles.length === 0 && !onCall) return null;
  if (roles.some((r) => f.approver.roles.includes(r as Role))) return null;
  if (onCall && f.onCall.includes(f.approver.userId)) return null;
  const who = [
    ...(roles.length ? [`a ${roles.join(' or ')}`] : []),
    ...(onCall ? ['whoever is on call for the service'] : []),
  ].join(' or ');
  return `You may not approve this run: the policy asks for ${who}.`;
}

/** Why the policy keeps the run from starting in this environment, or null. */
export function environmentRefusal(p: RemediationPolicy, environment: string): string | null {
  if (p.environments.length === 0 || p.environments.includes(environment)) return null;
  return `This action may run only in ${p.environments.join(', ')}; the incident is in ${environment}.`;
}

/** The template fields of an incident: `incident.*`, and the labels and annotations of its first alert. */
export function runFields(i: {
  ref: string;
  id: string;
  title: string;
  service: string;
  environment: string;
  severity: number;
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}): TemplateFields {
  return {
    incident: {
      ref: i.ref,
      id: i.id,
      title: i.title,
      service: i.service,
      environment: i.environment,
      severity: `P${i.severity}`,
      status: i.status,
    },
    labels: i.labels,
    annotations: i.annotations,
  };
}

/** How long an `executing` run may go without its outcome before a later worker takes it as lost. */
export const executeLeaseMs = (timeoutSeconds: number): number => timeoutSeconds * 1000 + 60_000;

/** How often verify looks again. */
export const VERIFY_POLL_MS = 30_000;
