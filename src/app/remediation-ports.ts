import type { EscalationDirectory } from '../domains/escalation/index.js';
import type { OnCallFor, RunbookCatalog } from '../domains/remediation/index.js';
import { whoIsOnCallAt } from '../domains/rosters/index.js';
import type { RunbooksService } from '../domains/runbooks/index.js';

/**
 * Who is on call for a service (may approve its runs when the policy says so): the people its escalation policy
 * pages — each schedule target's on-call at that instant and each user target, of every step — read in the
 * caller's transaction through the escalation directory and the rosters domain.
 */
export function onCallFor(directory: EscalationDirectory): OnCallFor {
  return async (em, tenantId, service, at) => {
    const policy = await directory.policyFor(em, tenantId, service);
    if (!policy) return [];
    const ids = new Set<string>();
    for (const step of policy.spec.steps) {
      for (const target of step.targets) {
        if (target.type === 'user') ids.add(target.id);
        if (target.type === 'schedule')
          for (const id of (await whoIsOnCallAt(em, tenantId, target.id, at))?.userIds ?? []) ids.add(id);
      }
    }
    return [...ids];
  };
}

/** The runbooks domain as the run pipeline reads it. */
export function runbookCatalog(runbooks: RunbooksService): RunbookCatalog {
  return {
    async current(actor, ref) {
      const r = await runbooks.get(actor, ref);
      return { runbookId: r.id, version: r.version };
    },
    async attached(em, tenantId, incidentId) {
      return (await runbooks.attachedTo(tenantId, incidentId, em)).map((a) => ({
        runbookId: a.runbookId,
        slug: a.slug,
        version: a.version,
        actions: a.actions,
      }));
    },
    async actionOf(em, tenantId, runbookId, version, action) {
      const ref = await runbooks.actionOf(tenantId, runbookId, version, action, em);
      return ref
        ? {
            runbookId: ref.runbook.id,
            slug: ref.runbook.slug,
            version: ref.runbook.version,
            action: ref.action,
            actions: ref.actions,
          }
        : null;
    },
  };
}
