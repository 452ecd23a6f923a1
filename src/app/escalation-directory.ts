import type { Em } from '../db/sql.js';
import { type EscalationDirectory, policyReads } from '../domains/escalation/index.js';
import { rulesReads } from '../domains/paging/index.js';
import { whoIsOnCallAt } from '../domains/rosters/index.js';
import { serviceQueries } from '../domains/services/index.js';
import { managerIdOf } from '../domains/tenants/index.js';

/**
 * The escalation engine's view of policies, people's rules and managers, over the domains that own them, each
 * read in the engine's transaction:
 * - `policyFor`: one statement (the service's policy id is a subquery the services domain gives);
 * - `policyInForceQuery`: the same as a query the engine's statements embed (one per incident of a set);
 * - `rulesOf`: one statement;
 * - `managerOf`: a user's manager; a schedule's = the manager of whoever the roster calculator says is on call
 *   at that instant (the first of them when several are).
 */
export const escalationDirectory: EscalationDirectory = {
  policyFor(em: Em, tenantId: string, service: string) {
    return policyReads.inForce(em, tenantId, serviceQueries.policyId(tenantId, service));
  },

  policyInForceQuery(tenantId, service) {
    return policyReads.inForceQuery(tenantId, serviceQueries.policyId(tenantId, service));
  },

  async rulesOf(em, tenantId, userIds, urgency) {
    const all = await rulesReads.rulesOf(em, tenantId, userIds, urgency);
    return new Map([...all].map(([id, r]) => [id, r[urgency]]));
  },

  async managerOf(em, tenantId, target, at) {
    if (target.of === 'user') return managerIdOf(em, tenantId, target.id);
    // A schedule deleted since the policy was frozen: nobody.
    const [first] = (await whoIsOnCallAt(em, tenantId, target.id, at))?.userIds ?? [];
    return first ? managerIdOf(em, tenantId, first) : null;
  },
};
