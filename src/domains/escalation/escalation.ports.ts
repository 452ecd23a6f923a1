import type { RawBuilder } from 'kysely';
import type { Em } from '../../db/sql.js';
import type { NotificationRule, PolicySnapshot, Urgency } from './policy.types.js';

/**
 * What the escalation engine reads, inside its own transaction, about policies, people's notification rules and
 * managers. Implemented by the escalation, services and paging domains (wired in src/app/services.ts).
 */
export interface EscalationDirectory {
  /** The service's policy, else the tenant's default policy, else null (no escalation). */
  policyFor(em: Em, tenantId: string, service: string): Promise<PolicySnapshot | null>;
  /**
   * The same as a query a statement embeds for each of its rows (`join lateral (…) p on true`), `service` being
   * an expression of that row (`sql.ref('i.service')`): at most one row, with the policy's columns `id`, `name`,
   * `version`, `spec`. New incidents' escalations start from it, set-based.
   */
  policyInForceQuery(tenantId: string, service: RawBuilder<string>): RawBuilder<PolicyInForceRow>;
  /** Each user's rules for the urgency; `defaulted` when they had none and got DEFAULT_RULES. */
  rulesOf(
    em: Em,
    tenantId: string,
    userIds: readonly string[],
    urgency: Urgency,
  ): Promise<Map<string, { rules: NotificationRule[]; defaulted: boolean }>>;
  /** A user's manager; a schedule's manager = the manager of whoever is on call on it at `at`. */
  managerOf(
    em: Em,
    tenantId: string,
    target: { of: 'user' | 'schedule'; id: string },
    at: Date,
  ): Promise<string | null>;
}

/** A policy's columns as `policyInForceQuery` gives them. */
export interface PolicyInForceRow {
  id: string;
  name: string;
  version: number;
  spec: unknown;
}
