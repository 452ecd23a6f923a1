import type { MikroORM } from '@mikro-orm/postgresql';
import { withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import { AppError } from '../../shared/errors.js';
import { incidentRef } from '../incidents/index.js';
import type { EscalationDeps } from './escalation.deps.js';
import { escalationStore } from './escalation.store.js';
import type { NotificationRule } from './policy.types.js';
import {
  TEST_PAGE_EVERY_MINUTES,
  TEST_PAGE_SERVICE,
  testPageDelayMinutes,
  testPageSnapshot,
  testPageWaitMs,
} from './test-page.calc.js';
import { testPageStore } from './test-page.store.js';

/** A test page just started. */
export interface TestPageDto {
  incidentId: string;
  ref: string;
  userId: string;
  /** The high-urgency rules it runs (the defaults when the person has none: `defaulted`). */
  rules: NotificationRule[];
  defaulted: boolean;
  /** Its step's delay: the last rule's delay plus a minute; it resolves itself then. */
  minutes: number;
  resolvesAt: string;
  message: string;
}

/**
 * Starts a test page for `userId`: a drill incident ("Test page for Ana") whose escalation is a one-off frozen
 * snapshot paging that person only, by their high-urgency rules, for real; it is posted to no channel and
 * resolves itself once the chain has run (or when the person acknowledges it). One per person per 5 minutes.
 */
export async function startTestPage(
  orm: MikroORM,
  deps: EscalationDeps,
  actor: Actor,
  userId: string,
): Promise<TestPageDto> {
  // Whoever may change someone's notification rules may test them: people their own, managers anyone's.
  authorize(actor, 'notification_rule:write', { owners: [userId] });
  const now = deps.clock.now();
  return withTx(orm, { tenantId: actor.tenantId }, async (em) => {
    const user = await testPageStore.lockUser(em, actor.tenantId, userId);
    if (!user) throw AppError.notFound(`User ${userId}`);
    const wait = testPageWaitMs(await testPageStore.lastTestPage(em, actor.tenantId, userId), now);
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      throw new AppError(
        'rate_limited',
        `A test page was started less than ${TEST_PAGE_EVERY_MINUTES} minutes ago (one per ${TEST_PAGE_EVERY_MINUTES} minutes): try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      );
    }
    const found = (await deps.directory.rulesOf(em, actor.tenantId, [userId], 'high')).get(userId);
    const rules = found?.rules ?? [];
    const minutes = testPageDelayMinutes(rules);
    const inc = await deps.openTest(
      em,
      actor,
      {
        title: `Test page for ${user.name}`,
        description: `A test of ${user.name}'s high-urgency notification rules. Acknowledge it from any page; it resolves itself in ${minutes} minutes.`,
        service: TEST_PAGE_SERVICE,
        testOf: userId,
      },
      now,
    );
    const snapshot = testPageSnapshot(userId, minutes);
    const generation = await escalationStore.start(em, actor.tenantId, inc.id, snapshot, 'high', now);
    const data = {
      policyId: null,
      policyName: snapshot.name,
      version: snapshot.version,
      generation,
      reason: 'triggered',
    } as const;
    await deps.recordNotice(em, actor.tenantId, inc.id, { kind: 'escalation_started', data }, now);
    await escalationStore.notifyEngine(em);
    const ref = incidentRef(inc.number);
    return {
      incidentId: inc.id,
      ref,
      userId,
      rules,
      defaulted: found?.defaulted ?? true,
      minutes,
      resolvesAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
      message: `Test page started (${ref}): ${user.name}'s high-urgency rules run for real. It resolves itself in ${minutes} minutes.`,
    };
  });
}
