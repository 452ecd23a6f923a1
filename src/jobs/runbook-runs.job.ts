import type { Logger } from '../shared/logger.js';
import type { JobSpec } from './job.types.js';
import { singleFlight } from './single-flight.js';

export const RUNBOOK_RUNS_JOB = 'runbook-runs';

/**
 * Runbook action runs: every few seconds, the runs due now are worked through their stages (preflight, approval
 * expiry, execute, verify's polls). Runs live in `runbook_runs`, so a restarted worker resumes them where they
 * were; replicas claim due runs with FOR UPDATE SKIP LOCKED. `run` is RemediationService.runDue.
 */
export function runbookRunsJob(run: () => Promise<unknown>, everySeconds: number, log: Logger): JobSpec {
  return { name: RUNBOOK_RUNS_JOB, everySeconds, run: singleFlight('runbook runs', run, log) };
}
